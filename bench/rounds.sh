#!/usr/bin/env bash
# Portcullis beside HAProxy in interleaved rounds. On a shared 2-core machine one run per forwarder,
# minutes apart, mostly measures what the neighbours did in those minutes. Here all forwarders run at once,
# each in front of the same backends (iperf3 -s and nginx), and each measurement alternates between them,
# in the order P [B] H on odd rounds and H [B] P on even ones, so that neither always goes first. Every
# round is printed, then the median of each column and how many rounds each side won.
#
# Usage: bench/rounds.sh [ROUNDS]   (default 5; 1-20)
#   BENCH_PHASES     what to measure, comma-separated, in this order (default tcp1,tcp8,keep,close):
#                    tcp1 / tcp8: iperf3 TCP, 1 / 8 streams, receiver Gbit/s;
#                    keep: wrk keep-alive, req/s and p99; close: wrk with Connection: close, conn/s and p99
#   BENCH_DURATION   seconds per measurement (10); BENCH_WARMUP_SECS unmeasured traffic per forwarder and
#                    phase before the first round (10); BENCH_WRK_THREADS (2), BENCH_WRK_CONNS (50);
#                    BENCH_INSTALL=0: no apt-get
#   BENCH_BASELINE_JAR=PATH  a third forwarder, another build of Portcullis (say, the commit before a
#                    change), measured the same way in the same rounds and printed beside this build.
#   BENCH_BASELINE_JVM_OPTS  the baseline's JVM options (default: those of Portcullis), so that one jar
#                    under two sets of options can be compared (BENCH_BASELINE_JAR=target/portcullis.jar).
#   PORTCULLIS_JVM_OPTS      JVM options of Portcullis (default as in bench/run.sh).
set -uo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LIB=$BENCH_DIR/lib
REPO_ROOT=$(cd "$BENCH_DIR/.." && pwd)
ROUNDS=${1:-5}
SECS=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP_SECS:-10}
THREADS=${BENCH_WRK_THREADS:-2}
CONNS=${BENCH_WRK_CONNS:-50}
PHASES=${BENCH_PHASES:-tcp1,tcp8,keep,close}
for v in ROUNDS SECS WARMUP THREADS CONNS; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "bench/rounds.sh: $v must be a whole number" >&2; exit 2; }
done
((ROUNDS >= 1 && ROUNDS <= 20 && SECS >= 1 && SECS <= 120 && WARMUP <= 120)) \
  || { echo "bench/rounds.sh: 1-20 rounds, 1-120 s per measurement" >&2; exit 2; }
IFS=, read -ra PHASE_LIST <<<"$PHASES"
for ph in "${PHASE_LIST[@]}"; do
  [[ $ph =~ ^(tcp1|tcp8|keep|close)$ ]] \
    || { echo "bench/rounds.sh: unknown phase '$ph' in BENCH_PHASES (tcp1, tcp8, keep, close)" >&2; exit 2; }
done
JVM_OPTS=${PORTCULLIS_JVM_OPTS:--Xms256m -Xmx1g -XX:+UseParallelGC}
BASELINE=${BENCH_BASELINE_JAR:-}
BASELINE_OPTS=${BENCH_BASELINE_JVM_OPTS:-$JVM_OPTS}

# shellcheck source=lib/common.sh
source "$LIB/common.sh"
WORK=$(mktemp -d /tmp/portcullis-rounds.XXXXXX)
GROUPS_FILE=$WORK/groups
: >"$GROUPS_FILE"
trap 'stop_all_groups; rm -rf "$WORK"' EXIT
ulimit -n 20000 2>/dev/null || true
[[ -z $BASELINE || -f $BASELINE ]] || die "BENCH_BASELINE_JAR=$BASELINE: no such file"
# A baseline given as the build's own jar would be rebuilt under it: keep a copy of what was asked for.
if [[ -n $BASELINE ]]; then cp "$BASELINE" "$WORK/baseline.jar" && BASELINE=$WORK/baseline.jar; fi

if [[ ${BENCH_INSTALL:-1} == 1 ]]; then
  need=()
  command -v wrk >/dev/null || need+=(wrk)
  command -v nginx >/dev/null || need+=(nginx-light)
  command -v haproxy >/dev/null || need+=(haproxy)
  command -v iperf3 >/dev/null || need+=(iperf3)
  if ((${#need[@]})); then
    log "installing ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null || die "apt-get install ${need[*]} failed"
  fi
fi
for c in wrk nginx haproxy iperf3; do command -v $c >/dev/null || die "$c is missing"; done
JAVA=$(find_java) || die "no JDK 21+ found (set JAVA_HOME)"
(cd "$REPO_ROOT" && JAVA_HOME=$(dirname "$(dirname "$JAVA")") ./mvnw -B -q -DskipTests package >"$WORK/build.log" 2>&1) \
  || die "build failed: $(tail -5 "$WORK/build.log")"

# Ports: backends 11380 (nginx) and 11390 (iperf3 -s); forwarders P/B/H on 11381-11383 (HTTP) and
# 11391-11393 (TCP throughput).
BACKEND_HTTP=11380 BACKEND_IPERF=11390
NAMES=(portcullis) ; HTTP_PORT=(11381) ; TCP_PORT=(11391)
[[ -n $BASELINE ]] && { NAMES+=(baseline); HTTP_PORT+=(11383); TCP_PORT+=(11393); }
NAMES+=(haproxy) ; HTTP_PORT+=(11382) ; TCP_PORT+=(11392)
for p in $BACKEND_HTTP $BACKEND_IPERF "${HTTP_PORT[@]}" "${TCP_PORT[@]}"; do
  tcp_port_busy "$p" && die "port $p is in use; stop what holds it"
done
# shellcheck source=lib/measure.sh
source "$LIB/measure.sh"
wait_listening() { wait_tcp "$1" "$2"; }
start_http_backend
start_iperf_backend

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
    bind 127.0.0.1:11382
    server s1 127.0.0.1:$BACKEND_HTTP
listen tcp
    bind 127.0.0.1:11392
    server s1 127.0.0.1:$BACKEND_IPERF
EOF
portcullis_config() { # DATA-DIR HTTP-PORT TCP-PORT ADMIN-PORT
  cat <<EOF
gateway:
  data-dir: $1
  log-connections: false
  watch-config: false
admin:
  listen: 127.0.0.1:$4
forwards:
  - name: http
    listen: 127.0.0.1:$2
    targets: [127.0.0.1:$BACKEND_HTTP]
  - name: tcp
    listen: 127.0.0.1:$3
    targets: [127.0.0.1:$BACKEND_IPERF]
EOF
}
start_group haproxy haproxy -db -f "$WORK/haproxy.cfg"
portcullis_config "$WORK/data" 11381 11391 19381 >"$WORK/portcullis.yaml"
# shellcheck disable=SC2086
start_group portcullis "$JAVA" --enable-native-access=ALL-UNNAMED $JVM_OPTS \
  -jar "$REPO_ROOT/target/portcullis.jar" run -c "$WORK/portcullis.yaml"
if [[ -n $BASELINE ]]; then
  portcullis_config "$WORK/data-baseline" 11383 11393 19383 >"$WORK/baseline.yaml"
  # shellcheck disable=SC2086
  start_group baseline "$JAVA" --enable-native-access=ALL-UNNAMED $BASELINE_OPTS -jar "$BASELINE" run -c "$WORK/baseline.yaml"
fi
for i in "${!NAMES[@]}"; do
  wait_tcp "${HTTP_PORT[$i]}" 60 || die "${NAMES[$i]} did not start (see $WORK/${NAMES[$i]}.log)"
done

RESULTS=$WORK/results.tsv
: >"$RESULTS"
measure() { # PHASE INDEX SECS -> appends "phase name value [p99]" to RESULTS unless SECS is the warm-up
  local phase=$1 i=$2 secs=$3 out=$WORK/out.txt res hdr=() record=${4:-yes}
  case $phase in
    tcp1 | tcp8)
      run_bounded $((secs + 30)) iperf3 -c 127.0.0.1 -p "${TCP_PORT[$i]}" -t "$secs" -O 1 -P "${phase#tcp}" \
        --connect-timeout 5000 -J >"$out" 2>&1
      if res=$($PARSE iperf-tcp "$out"); then res=$(awk '{print $2}' <<<"$res"); else res=err; restart_iperf_backend; fi
      [[ $record == yes ]] && printf '%s\t%s\t%s\t%s\n' "$phase" "${NAMES[$i]}" "$res" - >>"$RESULTS"
      sleep 1 ;;
    keep | close)
      [[ $phase == close ]] && hdr=(-H 'Connection: close')
      run_bounded $((secs + 30)) wrk -t"$THREADS" -c"$CONNS" -d"${secs}s" --latency "${hdr[@]}" \
        "http://127.0.0.1:${HTTP_PORT[$i]}/" >"$out" 2>&1
      if res=$($PARSE wrk "$out"); then set -- $res; res="$2	$6"; else res="err	err"; fi
      [[ $record == yes ]] && printf '%s\t%s\t%s\n' "$phase" "${NAMES[$i]}" "$res" >>"$RESULTS"
      # let the TIME_WAIT sockets of a close run age a little before the next run
      [[ $phase == close ]] && sleep 2 || sleep 1 ;;
  esac
}

log "warm-up: ${WARMUP}s per forwarder and phase"
if ((WARMUP > 0)); then
  for ph in "${PHASE_LIST[@]}"; do
    for i in "${!NAMES[@]}"; do measure "$ph" "$i" "$WARMUP" no; done
  done
fi
for ((r = 1; r <= ROUNDS; r++)); do
  order=("${!NAMES[@]}")
  ((r % 2 == 0)) && order=($(printf '%s\n' "${order[@]}" | tac))
  for ph in "${PHASE_LIST[@]}"; do
    for i in "${order[@]}"; do
      printf '%s\t' "$r" >>"$RESULTS"
      measure "$ph" "$i" "$SECS"
    done
  done
  log "round $r of $ROUNDS done"
done

echo
echo "## Interleaved rounds: $(IFS=' '; echo "${NAMES[*]}") (bench/rounds.sh $ROUNDS, ${SECS}s per measurement)"
echo
echo "Machine: $(nproc) cores, $(uname -r); $("$JAVA" -version 2>&1 | head -1); $(haproxy -v | head -1 | cut -d' ' -f1-3); $(date -u +%Y-%m-%dT%H:%MZ); load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Portcullis JVM options: $JVM_OPTS${BASELINE:+; baseline ${BENCH_BASELINE_JAR} with $BASELINE_OPTS}"
echo "TCP: iperf3 receiver Gbit/s. HTTP: wrk -t$THREADS -c$CONNS to nginx, 64-byte body; close sends Connection: close (req/s = new connections/s)."
echo
python3 "$LIB/rounds_report.py" "$RESULTS" "${NAMES[@]}"
