#!/usr/bin/env bash
# Portcullis beside HAProxy on small request/response, in interleaved rounds: on a shared 2-core machine
# one run per forwarder, minutes apart, mostly measures what the neighbours did in those minutes. Here both
# run at once, each behind the same nginx backend, and wrk alternates between them (P H P H ...), keep-alive
# then Connection: close, for ROUNDS rounds. Every round is printed, then the median of each column.
#
# Usage: bench/http-rounds.sh [ROUNDS]   (default 5; 1-20)
#        Knobs: BENCH_DURATION (s per run, 10), BENCH_WARMUP_SECS (10), BENCH_WRK_THREADS (2),
#               BENCH_WRK_CONNS (50), BENCH_INSTALL=0 (no apt-get),
#               BENCH_BASELINE_JAR=PATH: a third forwarder, another build of Portcullis (say, the commit before a
#               change), run and measured the same way in the same rounds (P B H ...), printed in a second table.
set -uo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LIB=$BENCH_DIR/lib
REPO_ROOT=$(cd "$BENCH_DIR/.." && pwd)
ROUNDS=${1:-5}
SECS=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP_SECS:-10}
THREADS=${BENCH_WRK_THREADS:-2}
CONNS=${BENCH_WRK_CONNS:-50}
for v in ROUNDS SECS WARMUP THREADS CONNS; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "bench/http-rounds.sh: $v must be a whole number" >&2; exit 2; }
done
((ROUNDS >= 1 && ROUNDS <= 20 && SECS >= 1 && SECS <= 120 && WARMUP <= 120)) \
  || { echo "bench/http-rounds.sh: 1-20 rounds, 1-120 s per run" >&2; exit 2; }

# shellcheck source=lib/common.sh
source "$LIB/common.sh"
WORK=$(mktemp -d /tmp/portcullis-http-rounds.XXXXXX)
GROUPS_FILE=$WORK/groups
: >"$GROUPS_FILE"
trap 'stop_all_groups; rm -rf "$WORK"' EXIT
ulimit -n 20000 2>/dev/null || true

if [[ ${BENCH_INSTALL:-1} == 1 ]]; then
  need=()
  command -v wrk >/dev/null || need+=(wrk)
  command -v nginx >/dev/null || need+=(nginx-light)
  command -v haproxy >/dev/null || need+=(haproxy)
  if ((${#need[@]})); then
    log "installing ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null || die "apt-get install ${need[*]} failed"
  fi
fi
for c in wrk nginx haproxy; do command -v $c >/dev/null || die "$c is missing"; done
JAVA=$(find_java) || die "no JDK 21+ found (set JAVA_HOME)"
(cd "$REPO_ROOT" && JAVA_HOME=$(dirname "$(dirname "$JAVA")") ./mvnw -B -q -DskipTests package >"$WORK/build.log" 2>&1) \
  || die "build failed: $(tail -5 "$WORK/build.log")"

BACKEND_HTTP=11380 P_PC=11381 P_HA=11382 P_BL=11383
BASELINE=${BENCH_BASELINE_JAR:-}
[[ -z $BASELINE || -f $BASELINE ]] || die "BENCH_BASELINE_JAR=$BASELINE: no such file"
for p in $BACKEND_HTTP $P_PC $P_HA $P_BL; do
  tcp_port_busy "$p" && die "port $p is in use; stop what holds it"
done
# shellcheck source=lib/measure.sh
source "$LIB/measure.sh"
wait_listening() { wait_tcp "$1" "$2"; }
start_http_backend

cat >"$WORK/haproxy.cfg" <<EOF
global
    maxconn 9000
defaults
    mode tcp
    maxconn 9000
    timeout connect 5s
    timeout client 1h
    timeout server 1h
listen http
    bind 127.0.0.1:$P_HA
    server s1 127.0.0.1:$BACKEND_HTTP
EOF
cat >"$WORK/portcullis.yaml" <<EOF
gateway:
  data-dir: $WORK/data
  log-connections: false
  watch-config: false
forwards:
  - name: http
    listen: 127.0.0.1:$P_PC
    targets: [127.0.0.1:$BACKEND_HTTP]
EOF
start_group haproxy haproxy -db -f "$WORK/haproxy.cfg"
# shellcheck disable=SC2086
start_group portcullis "$JAVA" --enable-native-access=ALL-UNNAMED ${PORTCULLIS_JVM_OPTS:--Xms256m -Xmx1g -XX:+UseParallelGC} \
  -jar "$REPO_ROOT/target/portcullis.jar" run -c "$WORK/portcullis.yaml"
if [[ -n $BASELINE ]]; then
  # Its own data directory and admin address, so that the two gateways share nothing but the backend.
  sed -e "s|data-dir: $WORK/data|data-dir: $WORK/data-baseline|" -e "s|127.0.0.1:$P_PC|127.0.0.1:$P_BL|" \
    "$WORK/portcullis.yaml" >"$WORK/baseline.yaml"
  printf 'admin:\n  listen: 127.0.0.1:%s\n' $((P_BL + 8000)) >>"$WORK/baseline.yaml"
  # shellcheck disable=SC2086
  start_group baseline "$JAVA" --enable-native-access=ALL-UNNAMED ${PORTCULLIS_JVM_OPTS:--Xms256m -Xmx1g -XX:+UseParallelGC} \
    -jar "$BASELINE" run -c "$WORK/baseline.yaml"
  wait_tcp $P_BL 60 || die "the baseline portcullis did not start (see $WORK/baseline.log)"
fi
wait_tcp $P_HA 20 || die "haproxy did not start (see $WORK/haproxy.log)"
wait_tcp $P_PC 60 || die "portcullis did not start (see $WORK/portcullis.log)"

wrk_run() { # SECS PORT [close] -> "rps p99" or "err"
  local secs=$1 port=$2 mode=${3:-} out=$WORK/wrk.txt res
  local hdr=()
  [[ $mode == close ]] && hdr=(-H 'Connection: close')
  run_bounded $((secs + 30)) wrk -t"$THREADS" -c"$CONNS" -d"${secs}s" --latency "${hdr[@]}" "http://127.0.0.1:$port/" >"$out" 2>&1
  if res=$(python3 "$LIB/parse.py" wrk "$out"); then
    set -- $res
    echo "$2 $6"
  else
    echo "err err"
  fi
}
log "warm-up: ${WARMUP}s each, keep-alive and close, both forwarders"
for p in $P_PC ${BASELINE:+$P_BL} $P_HA; do
  wrk_run "$WARMUP" $p >/dev/null
  wrk_run "$WARMUP" $p close >/dev/null
done

rows=()
brows=()
for ((r = 1; r <= ROUNDS; r++)); do
  read -r pk_rps pk_p99 <<<"$(wrk_run "$SECS" $P_PC)"
  [[ -n $BASELINE ]] && read -r bk_rps bk_p99 <<<"$(wrk_run "$SECS" $P_BL)"
  read -r hk_rps hk_p99 <<<"$(wrk_run "$SECS" $P_HA)"
  sleep 1
  read -r pc_cps pc_p99 <<<"$(wrk_run "$SECS" $P_PC close)"
  sleep 2
  if [[ -n $BASELINE ]]; then
    read -r bc_cps bc_p99 <<<"$(wrk_run "$SECS" $P_BL close)"
    sleep 2
  fi
  read -r hc_cps hc_p99 <<<"$(wrk_run "$SECS" $P_HA close)"
  sleep 2
  rows+=("$r $pk_rps $pk_p99 $hk_rps $hk_p99 $pc_cps $pc_p99 $hc_cps $hc_p99")
  [[ -n $BASELINE ]] && brows+=("$r $pk_rps $pk_p99 $bk_rps $bk_p99 $pc_cps $pc_p99 $bc_cps $bc_p99") \
    && log "round $r: baseline keep-alive req/s $bk_rps (p99 $bk_p99 ms); close conn/s $bc_cps"
  log "round $r: keep-alive req/s $pk_rps vs $hk_rps (p99 $pk_p99 vs $hk_p99 ms); close conn/s $pc_cps vs $hc_cps"
done

echo
echo "## Portcullis and HAProxy, interleaved rounds (wrk -t$THREADS -c$CONNS -d${SECS}s to nginx, 64-byte body)"
echo
echo "Machine: $(nproc) cores, $(uname -r); $("$JAVA" -version 2>&1 | head -1); $(haproxy -v | head -1 | cut -d' ' -f1-3); $(date -u +%Y-%m-%dT%H:%MZ); load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| round | keep-alive req/s Portcullis | HAProxy | p99 ms Portcullis | HAProxy | close conn/s Portcullis | HAProxy | close p99 ms Portcullis | HAProxy |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for row in "${rows[@]}"; do
  set -- $row
  echo "| $1 | $2 | $4 | $3 | $5 | $6 | $8 | $7 | $9 |"
done
medians() {
  python3 -c '
import sys, statistics
rows = [l.split() for l in sys.stdin if l.strip()]
def med(i):
    v = [float(r[i]) for r in rows if r[i] != "err"]
    return statistics.median(v) if v else float("nan")
m = [med(i) for i in range(1, 9)]
print("| **median** | **%.0f** | **%.0f** | **%.2f** | **%.2f** | **%.0f** | **%.0f** | **%.2f** | **%.2f** |" % (m[0], m[2], m[1], m[3], m[4], m[6], m[5], m[7]))
'
}
printf '%s\n' "${rows[@]}" | medians
if [[ -n $BASELINE ]]; then
  echo
  echo "## This build (Portcullis) beside the baseline ($BASELINE), the same rounds"
  echo
  echo "| round | keep-alive req/s Portcullis | baseline | p99 ms Portcullis | baseline | close conn/s Portcullis | baseline | close p99 ms Portcullis | baseline |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for row in "${brows[@]}"; do
    set -- $row
    echo "| $1 | $2 | $4 | $3 | $5 | $6 | $8 | $7 | $9 |"
  done
  printf '%s\n' "${brows[@]}" | medians
fi
