# Sourced by ./portcullis and scripts/test: finds a JDK 21 or newer and exports JAVA_HOME.
# Looks at $JAVA_HOME, the java on $PATH, then the usual install folders; newest first among those.
# The first candidate that fits ends the search, so that a good $JAVA_HOME costs no process at all: the launcher
# runs this before every command.

pc_java_major() { # prints the feature version of the java binary $1, or nothing
  pc_java_major_of "$1"
  echo "$PC_V"
}

pc_java_major_of() { # sets PC_V to the feature version of the java binary $1, or to nothing
  # A JDK's 'release' file says its version without starting a JVM (which costs a few hundred ms); read with
  # builtins only.
  local home=${1%/bin/java} line
  PC_V=
  if [ -r "$home/release" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      case $line in
        JAVA_VERSION=*)
          PC_V=${line#JAVA_VERSION=}
          PC_V=${PC_V//\"/}
          PC_V=${PC_V#1.}
          PC_V=${PC_V%%[!0-9]*}
          break
          ;;
      esac
    done <"$home/release"
  fi
  if [ -z "$PC_V" ]; then
    PC_V=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n1)
  fi
}

pc_try_jdk() { # sets JAVA_HOME and PC_JAVA_MAJOR to the JDK at $1 when it is one of version $2 or newer
  local c=$1
  [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || return 1
  pc_java_major_of "$c/bin/java"
  if [ -n "$PC_V" ] && [ "$PC_V" -ge "$2" ]; then
    export JAVA_HOME="$c"
    PC_JAVA_MAJOR=$PC_V
    return 0
  fi
  return 1
}

pc_find_jdk() {
  local min=${PORTCULLIS_MIN_JAVA:-21} c
  if [ -n "${JAVA_HOME:-}" ] && pc_try_jdk "$JAVA_HOME" "$min"; then
    return 0
  fi
  if command -v java >/dev/null 2>&1; then
    c=$(readlink -f "$(command -v java)")
    pc_try_jdk "${c%/bin/java}" "$min" && return 0
  fi
  for c in $(ls -d /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /opt/*jdk* /usr/local/*jdk* \
      "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home \
      2>/dev/null | sort -rV); do
    pc_try_jdk "$c" "$min" && return 0
  done
  echo "portcullis: no JDK $min or newer found (looked at \$JAVA_HOME, PATH, /usr/lib/jvm, /opt, ~/.sdkman)." >&2
  echo "  Install one, e.g.: sudo apt-get install openjdk-21-jdk-headless   (or Temurin 21+), or set JAVA_HOME." >&2
  return 1
}
