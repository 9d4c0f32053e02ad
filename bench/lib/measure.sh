# shellcheck shell=bash
# Backends and the four measurements. Every client call is bounded in time
# (run_bounded) and in count (fixed duration / fixed N).

PARSE="python3 $LIB/parse.py"

# ---- backends ------------------------------------------------------------------
IPERF_PID=0 HTTPD_PID=0 IDLESRV_PID=0

start_iperf_backend() {
  start_group iperf3-server iperf3 -s -B 127.0.0.1 -p "$BACKEND_IPERF"
  IPERF_PID=$LAST_PID
  wait_listening "$BACKEND_IPERF" 10 "$IPERF_PID" || die "iperf3 -s did not start (see $WORK/iperf3-server.log)"
}

restart_iperf_backend() {
  stop_group "$IPERF_PID"
  start_iperf_backend
}

start_http_backend() {
  local dir=$WORK/httpd
  mkdir -p "$dir"
  cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
worker_rlimit_nofile 20000;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 10000; }
http {
    access_log off;
    keepalive_requests 1000000;
    keepalive_timeout 75s;
    client_body_temp_path $dir/tmp;
    proxy_temp_path $dir/tmp;
    fastcgi_temp_path $dir/tmp;
    uwsgi_temp_path $dir/tmp;
    scgi_temp_path $dir/tmp;
    server {
        listen 127.0.0.1:$BACKEND_HTTP backlog=4096;
        default_type text/plain;
        # 64-byte body (63 characters + newline)
        location / { return 200 "portcullis-bench-64-byte-response-body-xxxxxxxxxxxxxxxxxxxxxxx\n"; }
    }
}
EOF
  start_group httpd nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -g 'daemon off;'
  HTTPD_PID=$LAST_PID
  wait_listening "$BACKEND_HTTP" 10 "$HTTPD_PID" || die "nginx http backend did not start (see $WORK/httpd.log)"
}

start_idle_backend() {
  start_group idle-server python3 "$LIB/idleconn.py" server --port "$BACKEND_IDLE"
  IDLESRV_PID=$LAST_PID
  wait_listening "$BACKEND_IDLE" 10 "$IDLESRV_PID" || die "idle backend did not start (see $WORK/idle-server.log)"
}

# ---- TCP throughput (iperf3) ------------------------------------------------------
measure_tcp() {
  local fwd=$1 port=$2 streams out res
  for streams in 1 8; do
    out=$WORK/$fwd-tcp-P$streams.json
    log "$fwd: iperf3 TCP -P $streams, ${TCP_SECS}s (+1s omitted) via port $port"
    run_bounded $((TCP_SECS + 30)) iperf3 -c 127.0.0.1 -p "$port" -t "$TCP_SECS" -O 1 \
      -P "$streams" --connect-timeout 5000 -J >"$out" 2>>"$WORK/$fwd-tcp.err"
    if res=$($PARSE iperf-tcp "$out"); then
      put "$fwd" "tcp_p$streams" "$(awk '{print $2}' <<<"$res")"
    else
      put "$fwd" "tcp_p$streams" "err"
      note "$fwd" "iperf3 TCP -P $streams failed: ${res#error }"
      restart_iperf_backend
    fi
    sleep 1
  done
}

# ---- small request/response (wrk) ---------------------------------------------------
measure_http() {
  local fwd=$1 port=$2 out res url
  url="http://127.0.0.1:$port/"
  log "$fwd: wrk warm-up ${WARMUP_SECS}s"
  run_bounded $((WARMUP_SECS + 20)) wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"${WARMUP_SECS}s" "$url" >/dev/null 2>&1

  out=$WORK/$fwd-wrk-keepalive.txt
  log "$fwd: wrk keep-alive -t$WRK_THREADS -c$WRK_CONNS ${HTTP_SECS}s via port $port"
  run_bounded $((HTTP_SECS + 30)) wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"${HTTP_SECS}s" --latency "$url" >"$out" 2>&1
  if res=$($PARSE wrk "$out"); then
    set -- $res
    put "$fwd" http_rps "$2"; put "$fwd" http_p50 "$4"; put "$fwd" http_p99 "$6"
    [[ $8 != 0 || ${10} != 0 ]] && note "$fwd" "wrk keep-alive: $8 socket errors, ${10} non-2xx responses"
  else
    put "$fwd" http_rps err
    note "$fwd" "wrk keep-alive failed: ${res#error }"
  fi
  sleep 1

  # The same warm-up for every forwarder, with new connections this time: a long-running daemon has long
  # since compiled its connection path, and the table should compare running daemons, not cold starts.
  log "$fwd: wrk Connection: close warm-up ${WARMUP_SECS}s"
  run_bounded $((WARMUP_SECS + 20)) wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"${WARMUP_SECS}s" \
    -H 'Connection: close' "$url" >/dev/null 2>&1
  sleep 1

  out=$WORK/$fwd-wrk-close.txt
  log "$fwd: wrk Connection: close -t$WRK_THREADS -c$WRK_CONNS ${HTTP_SECS}s via port $port"
  run_bounded $((HTTP_SECS + 30)) wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"${HTTP_SECS}s" --latency \
    -H 'Connection: close' "$url" >"$out" 2>&1
  if res=$($PARSE wrk "$out"); then
    set -- $res
    put "$fwd" close_cps "$2"; put "$fwd" close_p99 "$6"
    [[ $8 != 0 || ${10} != 0 ]] && note "$fwd" "wrk Connection: close: $8 socket errors, ${10} non-2xx responses"
  else
    put "$fwd" close_cps err
    note "$fwd" "wrk Connection: close failed: ${res#error }"
  fi
  # let TIME_WAIT sockets from the close test age a little before the next test
  sleep 2
}

# ---- UDP (iperf3 -u -b 0) ---------------------------------------------------------------
measure_udp() {
  local fwd=$1 port=$2 len out res why
  if ! why=$(fwd_udp_support "$fwd"); then
    put "$fwd" udp_64_kpps "n/a"; put "$fwd" udp_1400_kpps "n/a"
    note "$fwd" "UDP ${why}"
    return 0
  fi
  # Unmeasured warm-up, the same for every forwarder (see the HTTP warm-up).
  log "$fwd: iperf3 UDP warm-up 3s"
  run_bounded 30 iperf3 -c 127.0.0.1 -p "$port" -u -b 0 -l 64 -t 3 --connect-timeout 5000 >/dev/null 2>&1 \
    || restart_iperf_backend
  sleep 1
  for len in 64 1400; do
    out=$WORK/$fwd-udp-$len.json
    log "$fwd: iperf3 UDP -b 0 -l $len, ${UDP_SECS}s via port $port"
    run_bounded $((UDP_SECS + 30)) iperf3 -c 127.0.0.1 -p "$port" -u -b 0 -l "$len" \
      -t "$UDP_SECS" --connect-timeout 5000 -J >"$out" 2>>"$WORK/$fwd-udp.err"
    if res=$($PARSE iperf-udp "$out" "$len"); then
      set -- $res
      put "$fwd" "udp_${len}_kpps" "$2"; put "$fwd" "udp_${len}_loss" "$4"
    else
      put "$fwd" "udp_${len}_kpps" err
      note "$fwd" "iperf3 UDP -l $len failed: ${res#error }"
      restart_iperf_backend
    fi
    sleep 1
  done
}

# ---- idle connections + memory -------------------------------------------------------------
mem_of() { python3 "$LIB/procmem.py" "$1"; }

# A JVM's RSS holds garbage until its collector runs, and a collection can also hand heap back to the
# system: either one, between the two readings, would be counted as (or against) the connections. So
# Portcullis gets a full collection before each reading, and the difference is what the connections hold.
settle_heap() { # FORWARDER SESSION-PID
  [[ $1 == portcullis ]] || return 0
  local jpid
  for jpid in $(pgrep -s "$2" -x java); do
    "$(dirname "$(readlink "/proc/$jpid/exe")")/jcmd" "$jpid" GC.run >/dev/null 2>&1 || warn "$1: jcmd $jpid GC.run failed"
  done
  sleep 1
}

measure_idle() {
  local fwd=$1 port=$2 gpid=$3 before after n secs line cpid i waited
  if [[ $fwd == direct ]]; then
    put "$fwd" idle_n "n/a"
    return 0
  fi
  # warm-up: a few connections opened and closed (pools, first-use allocations)
  log "$fwd: idle warm-up (200 connections, opened and closed)"
  run_bounded 60 python3 "$LIB/idleconn.py" client --port "$port" -n 200 --hold 0 \
    --connect-timeout 30 >"$WORK/$fwd-idle-warmup.log" 2>&1
  sleep 2
  settle_heap "$fwd" "$gpid"
  before=$(mem_of "$gpid")
  log "$fwd: opening $IDLE_N idle connections via port $port (forwarder RSS before: $(awk '{print $1}' <<<"$before") KiB in $(awk '{print $3}' <<<"$before") process(es))"
  : >"$WORK/$fwd-idle-client.log"
  start_group "$fwd-idle-client" python3 "$LIB/idleconn.py" client --port "$port" -n "$IDLE_N" \
    --connect-timeout "$IDLE_CONNECT_SECS" --hold $((IDLE_CONNECT_SECS + 120))
  cpid=$LAST_PID
  line=""
  waited=$((IDLE_CONNECT_SECS + 30))
  for ((i = 0; i < waited * 10; i++)); do
    line=$(grep -m1 '^READY' "$WORK/$fwd-idle-client.log" || true)
    [[ -n $line ]] && break
    group_alive "$cpid" || break
    sleep 0.1
  done
  if [[ -z $line ]]; then
    put "$fwd" idle_n err
    note "$fwd" "idle client gave no READY line: $(tail -3 "$WORK/$fwd-idle-client.log" | tr '\n' ' ')"
    stop_group "$cpid"
    return 0
  fi
  n=$(awk '{print $2}' <<<"$line"); secs=$(awk '{print $3}' <<<"$line")
  grep '^FAIL' "$WORK/$fwd-idle-client.log" | head -3 | while read -r l; do note "$fwd" "idle: $l"; done
  sleep "$IDLE_SETTLE_SECS"
  settle_heap "$fwd" "$gpid"
  after=$(mem_of "$gpid")
  local estab
  estab=$(ss -Htn state established "( sport = :$port )" 2>/dev/null | wc -l)
  log "$fwd: $n/$IDLE_N connections up in ${secs}s; $estab established on port $port; RSS after: $(awk '{print $1}' <<<"$after") KiB in $(awk '{print $3}' <<<"$after") process(es)"
  put "$fwd" idle_n "$n"
  put "$fwd" idle_secs "$secs"
  put "$fwd" idle_rss_before "$(awk '{print $1}' <<<"$before")"
  put "$fwd" idle_rss_after "$(awk '{print $1}' <<<"$after")"
  put "$fwd" idle_pss_before "$(awk '{print $2}' <<<"$before")"
  put "$fwd" idle_pss_after "$(awk '{print $2}' <<<"$after")"
  put "$fwd" idle_procs_after "$(awk '{print $3}' <<<"$after")"
  stop_group "$cpid"
  sleep 1
}
