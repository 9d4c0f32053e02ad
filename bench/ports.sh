#!/usr/bin/env bash
# Times `portcullis ports` beside `ss -tulpn` and `lsof -nP -i`, in the same run, with N sockets open on the host
# (default 10000: half TCP listeners, half bound UDP sockets on 127.0.0.1, held by one helper process).
# Start-up time counts: every run is a fresh JVM, as a user would start it.
#
# Usage: bench/ports.sh [SOCKETS] [RUNS]        Needs: a JDK 21+ (JAVA_HOME), ss, lsof; hyperfine if installed.
set -euo pipefail
cd "$(dirname "$0")/.."
sockets=${1:-10000}
runs=${2:-10}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
java="$JAVA_HOME/bin/java"
ulimit -n $((sockets + 1000)) 2>/dev/null || ulimit -n "$(ulimit -Hn)"

echo "building..." >&2
./mvnw -B -q compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -DincludeScope=runtime 2>&1 | grep -v "^WARNING" >&2 || true
mkdir -p target/bench-classes
"$JAVA_HOME/bin/javac" -d target/bench-classes -cp "target/classes:$(cat target/cp.txt)" \
  bench/launcher/PortsLauncher.java bench/launcher/SocketFlood.java
cp="target/bench-classes:target/classes:$(cat target/cp.txt)"

# Hold the sockets in a helper that lives as long as this script keeps its stdin open.
coproc FLOOD { exec "$java" -cp target/bench-classes SocketFlood "$sockets"; }
trap 'exec {FLOOD[1]}>&-; wait "$FLOOD_PID" 2>/dev/null || true' EXIT
read -r ready count <&"${FLOOD[0]}"
echo "holding $count sockets (pid $FLOOD_PID); host totals: $(ss -s | sed -n 2p)" >&2

portcullis="$java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -cp $cp PortsLauncher ports"
portcullis_default="$java -cp $cp PortsLauncher ports"
# A class-data-sharing archive of the classes a run loads, as a launcher script could keep beside the jar.
"$java" -XX:ArchiveClassesAtExit=target/ports.jsa -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$cp" PortsLauncher ports >/dev/null 2>&1 || true
portcullis_cds="$java -XX:SharedArchiveFile=target/ports.jsa -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp $cp PortsLauncher ports"

# Sanity: the same number of listeners as ss, so we time the same work.
ours=$($portcullis --json | grep -c '"port"' || true)
theirs=$(ss -H -tuln | wc -l)
echo "sockets listed: portcullis ports $ours, ss -tuln $theirs, lsof -nP -i $(lsof -nP -i | tail -n +2 | wc -l)" >&2

if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 2 --runs "$runs" --style basic \
    -n "portcullis ports (java $("$java" -version 2>&1 | head -1 | cut -d'"' -f2), -XX:TieredStopAtLevel=1)" "$portcullis" \
    -n "portcullis ports (java defaults)" "$portcullis_default" \
    -n "portcullis ports (-XX:TieredStopAtLevel=1 + AppCDS archive)" "$portcullis_cds" \
    -n "ss -tulpn" "ss -tulpn" \
    -n "lsof -nP -i" "lsof -nP -i"
else
  time_it() { # NAME COMMAND...
    local name=$1; shift
    "$@" >/dev/null 2>&1
    local start end
    start=$(date +%s%N)
    for _ in $(seq "$runs"); do "$@" >/dev/null 2>&1; done
    end=$(date +%s%N)
    printf '%-45s %8.1f ms per run (%d runs)\n' "$name" "$(echo "($end - $start) / $runs / 1000000" | bc -l)" "$runs"
  }
  time_it "portcullis ports (-XX:TieredStopAtLevel=1)" $portcullis
  time_it "portcullis ports (java defaults)" $portcullis_default
  time_it "portcullis ports (AppCDS archive)" $portcullis_cds
  time_it "ss -tulpn" ss -tulpn
  time_it "lsof -nP -i" lsof -nP -i
fi
