#!/usr/bin/env bash
# Times `./portcullis ports` (the launcher, as a user runs it) beside `ss -tulpn` and `lsof -nP -i`, in the same
# run, with N sockets open on the host (default 10000: half TCP listeners, half bound UDP sockets on 127.0.0.1,
# held by one helper process). Start-up time counts: every run is a fresh JVM.
#
# Usage: bench/ports.sh [SOCKETS] [RUNS]        Needs: a JDK 21+ (JAVA_HOME), ss, lsof; hyperfine if installed.
#   PORTS_BENCH_BASELINE=DIR   also time DIR/portcullis ports (another checkout, e.g. before a change) in the same run
set -euo pipefail
cd "$(dirname "$0")/.."
sockets=${1:-10000}
runs=${2:-10}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
java="$JAVA_HOME/bin/java"
ulimit -n $((sockets + 1000)) 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# The launcher builds the jar when it is stale and writes its class-data archive on first use: do both now,
# outside the timed runs.
echo "building (if needed) and training the launcher's archive..." >&2
./portcullis --version >/dev/null
mkdir -p target/bench-classes
"$JAVA_HOME/bin/javac" -d target/bench-classes bench/launcher/SocketFlood.java

# Hold the sockets in a helper that lives as long as this script keeps its stdin open.
coproc FLOOD { exec "$java" -cp target/bench-classes SocketFlood "$sockets"; }
trap 'exec {FLOOD[1]}>&-; wait "$FLOOD_PID" 2>/dev/null || true' EXIT
read -r ready count <&"${FLOOD[0]}"
echo "holding $count sockets (pid $FLOOD_PID); host totals: $(ss -s | sed -n 2p)" >&2

# Sanity: the same number of listeners as ss, so we time the same work.
ours=$(./portcullis ports --json | grep -c '"port"' || true)
theirs=$(ss -H -tuln | wc -l)
echo "sockets listed: portcullis ports $ours, ss -tuln $theirs, lsof -nP -i $(lsof -nP -i | tail -n +2 | wc -l)" >&2
echo "machine: $(nproc) CPUs, $(uname -sr), $("$java" -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

launcher="./portcullis ports"
plain="$java -jar target/portcullis.jar ports"
baseline=()
if [ -n "${PORTS_BENCH_BASELINE:-}" ]; then
  "$PORTS_BENCH_BASELINE/portcullis" ports >/dev/null # build and archive there too, untimed
  baseline=(-n "$PORTS_BENCH_BASELINE/portcullis ports (baseline)" "$PORTS_BENCH_BASELINE/portcullis ports")
fi
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 2 --runs "$runs" --style basic --export-json target/ports-bench.json \
    "${baseline[@]}" \
    -n "./portcullis ports" "$launcher" \
    -n "java -jar target/portcullis.jar ports (no launcher: JVM defaults, no archive)" "$plain" \
    -n "ss -tulpn" "ss -tulpn" \
    -n "lsof -nP -i" "lsof -nP -i"
  echo
  if command -v python3 >/dev/null; then
    python3 - target/ports-bench.json <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))["results"]
print("| command | mean | min | max | user CPU | system CPU |")
print("|---|---:|---:|---:|---:|---:|")
for r in rows:
    ms = lambda v: "%.0f ms" % (v * 1000)
    print("| `%s` | %s ± %.0f | %s | %s | %s | %s |" % (r["command"], ms(r["mean"]), r["stddev"] * 1000,
          ms(r["min"]), ms(r["max"]), ms(r["user"]), ms(r["system"])))
PY
  fi
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
  time_it "./portcullis ports" $launcher
  time_it "java -jar target/portcullis.jar ports" $plain
  time_it "ss -tulpn" ss -tulpn
  time_it "lsof -nP -i" lsof -nP -i
fi
