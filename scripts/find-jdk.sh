# Sourced by ./portcullis and scripts/test: finds a JDK 21 or newer and exports JAVA_HOME.
# Looks at $JAVA_HOME, the java on $PATH, then the usual install folders; newest first among those.

pc_java_major() { # prints the feature version of the java binary $1, or nothing
  # A JDK's 'release' file says its version without starting a JVM (which costs a few hundred ms).
  local home=${1%/bin/java} v=
  if [ -r "$home/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\(1\.\)\{0,1\}\([0-9][0-9]*\).*/\2/p' "$home/release" | head -n1)
  fi
  if [ -z "$v" ]; then
    v=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n1)
  fi
  echo "$v"
}

pc_find_jdk() {
  local min=${PORTCULLIS_MIN_JAVA:-21} candidates=() c v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    c=$(readlink -f "$(command -v java)"); candidates+=("${c%/bin/java}")
  fi
  for c in $(ls -d /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /opt/*jdk* /usr/local/*jdk* \
      "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home \
      2>/dev/null | sort -rV); do
    candidates+=("$c")
  done
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v=$(pc_java_major "$c/bin/java")
    if [ -n "$v" ] && [ "$v" -ge "$min" ]; then
      export JAVA_HOME="$c"
      PC_JAVA_MAJOR=$v
      return 0
    fi
  done
  echo "portcullis: no JDK $min or newer found (looked at \$JAVA_HOME, PATH, /usr/lib/jvm, /opt, ~/.sdkman)." >&2
  echo "  Install one, e.g.: sudo apt-get install openjdk-21-jdk-headless   (or Temurin 21+), or set JAVA_HOME." >&2
  return 1
}
