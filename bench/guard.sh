#!/usr/bin/env bash
# What access rules cost: new connections per second (wrk, Connection: close) through one Portcullis
# gateway to an nginx backend, on three forwards that differ only in their access list: none, 10 rules and
# 10,000 rules. In the rule lists the rule that admits the client (allow 127.0.0.0/8) comes last, after
# 9 or 9,999 deny rules, so a list scanned top to bottom would pay for every rule. The forwards are measured
# in turn, twice (A B C A B C), in the same gateway process, so JIT and machine drift hit all alike.
#
# Usage: bench/guard.sh            Knobs: BENCH_DURATION (s per run, default 10), BENCH_WARMUP_SECS (10),
#                                  BENCH_WRK_THREADS (2), BENCH_WRK_CONNS (50), BENCH_INSTALL=0 (no apt-get)
set -uo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LIB=$BENCH_DIR/lib
REPO_ROOT=$(cd "$BENCH_DIR/.." && pwd)
SECS=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP_SECS:-10}
THREADS=${BENCH_WRK_THREADS:-2}
CONNS=${BENCH_WRK_CONNS:-50}
for v in SECS WARMUP THREADS CONNS; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "bench/guard.sh: $v must be a whole number" >&2; exit 2; }
done
((SECS >= 1 && SECS <= 120 && WARMUP <= 120)) || { echo "bench/guard.sh: durations must be 1..120 s" >&2; exit 2; }

# shellcheck source=lib/common.sh
source "$LIB/common.sh"
WORK=$(mktemp -d /tmp/portcullis-guard-bench.XXXXXX)
GROUPS_FILE=$WORK/groups
RESULTS=$WORK/results.tsv
: >"$GROUPS_FILE"
trap 'stop_all_groups; rm -rf "$WORK"' EXIT

if [[ ${BENCH_INSTALL:-1} == 1 ]]; then
  need=()
  command -v wrk >/dev/null || need+=(wrk)
  command -v nginx >/dev/null || need+=(nginx-light)
  if ((${#need[@]})); then
    log "installing ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null || die "apt-get install ${need[*]} failed"
  fi
fi
command -v wrk >/dev/null || die "wrk is missing (apt-get install wrk)"
JAVA=$(find_java) || die "no JDK 21+ found (set JAVA_HOME)"
(cd "$REPO_ROOT" && JAVA_HOME=$(dirname "$(dirname "$JAVA")") ./mvnw -B -q -DskipTests package >"$WORK/build.log" 2>&1) \
  || die "build failed: $(tail -5 "$WORK/build.log")"

BACKEND_HTTP=11280
P_NONE=11281 P_10=11282 P_10K=11283
for p in $BACKEND_HTTP $P_NONE $P_10 $P_10K; do
  tcp_port_busy "$p" && die "port $p is in use; stop what holds it"
done
# shellcheck source=lib/measure.sh
source "$LIB/measure.sh"
wait_listening() { wait_tcp "$1" "$2"; }
start_http_backend

rules() { # N: N-1 deny rules for 10.x.y.0/24, then the allow rule that matches the client
  local n=$1 i
  for ((i = 0; i < n - 1; i++)); do
    printf '        - deny 10.%d.%d.0/24\n' $((i / 256)) $((i % 256))
  done
  printf '        - allow 127.0.0.0/8\n'
}
cfg=$WORK/portcullis.yaml
{
  cat <<EOF
gateway:
  data-dir: $WORK/data
  log-connections: false
  watch-config: false
guard:
  bans: {enabled: false}
forwards:
  - name: no-rules
    listen: 127.0.0.1:$P_NONE
    targets: [127.0.0.1:$BACKEND_HTTP]
  - name: rules-10
    listen: 127.0.0.1:$P_10
    targets: [127.0.0.1:$BACKEND_HTTP]
    access:
      default: deny
      rules:
EOF
  rules 10
  cat <<EOF
  - name: rules-10000
    listen: 127.0.0.1:$P_10K
    targets: [127.0.0.1:$BACKEND_HTTP]
    access:
      default: deny
      rules:
EOF
  rules 10000
} >"$cfg"
start_group portcullis "$JAVA" --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -Xms128m \
  -jar "$REPO_ROOT/target/portcullis.jar" run -c "$cfg"
for p in $P_NONE $P_10 $P_10K; do
  wait_tcp "$p" 60 || die "the gateway did not listen on $p (see $WORK/portcullis.log)"
done
log "gateway up; config with 10,010 rules read and applied"

declare -A cps p99
run_one() { # NAME PORT ROUND
  local name=$1 port=$2 round=$3 out=$WORK/$1-$3.txt res
  run_bounded $((WARMUP + 20)) wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" -H 'Connection: close' "http://127.0.0.1:$port/" >/dev/null 2>&1
  sleep 1
  run_bounded $((SECS + 30)) wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" --latency -H 'Connection: close' "http://127.0.0.1:$port/" >"$out" 2>&1
  if res=$(python3 "$LIB/parse.py" wrk "$out"); then
    set -- $res
    cps[$name]="${cps[$name]:-} $2"
    p99[$name]="${p99[$name]:-} $6"
    [[ $8 != 0 || ${10} != 0 ]] && warn "$name: $8 socket errors, ${10} non-2xx responses"
    log "$name round $round: $2 conn/s, p99 $6 ms"
  else
    warn "$name round $round: wrk failed: $res"
  fi
  sleep 2
}
for round in 1 2; do
  run_one no-rules $P_NONE $round
  run_one rules-10 $P_10 $round
  run_one rules-10000 $P_10K $round
done

echo
echo "## Access rules: new connections/s through Portcullis (wrk -t$THREADS -c$CONNS -d${SECS}s, Connection: close)"
echo
echo "Machine: $(nproc) cores, $(uname -r); $("$JAVA" -version 2>&1 | head -1); $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "| forward | rules | conn/s (round 1, round 2) | mean conn/s | p99 ms (rounds) |"
echo "|---|---:|---:|---:|---:|"
for name in no-rules rules-10 rules-10000; do
  case $name in no-rules) n=0 ;; rules-10) n=10 ;; *) n=10000 ;; esac
  mean=$(echo "${cps[$name]:-}" | awk '{s=0; for (i=1;i<=NF;i++) s+=$i; if (NF) printf "%.0f", s/NF; else print "err"}')
  printf '| %s | %s | %s | %s | %s |\n' "$name" "$n" "$(echo ${cps[$name]:-err} | tr ' ' ',')" "$mean" "$(echo ${p99[$name]:-err} | tr ' ' ',')"
done
echo
echo "Gateway RSS after the runs: $(($(awk '/VmRSS/ {print $2}' /proc/"$(pgrep -f "portcullis.jar run -c $cfg" | head -1)"/status 2>/dev/null || echo 0) / 1024)) MiB"
