# shellcheck shell=bash
# Forwarders under test: port scheme, config generation, start/stop.
#
# Port scheme (all on 127.0.0.1, all below the ephemeral range 32768+):
#   backend (direct)  iperf3 5201 (tcp+udp)   http 8080   idle 9009
#   portcullis        11201                    11080       11009
#   haproxy           12201                    12080       12009
#   nginx             13201                    13080       13009
#   rinetd            14201                    14080       14009
#   socat             15201                    15080       15009
# i.e. forwarder prefix * 1000 + service (201 iperf3, 80 http, 9 idle).

BACKEND_IPERF=5201
BACKEND_HTTP=8080
BACKEND_IDLE=9009

ALL_FORWARDERS="direct portcullis haproxy nginx rinetd socat"

fwd_prefix() {
  case $1 in
    portcullis) echo 11 ;; haproxy) echo 12 ;; nginx) echo 13 ;;
    rinetd) echo 14 ;; socat) echo 15 ;; *) return 1 ;;
  esac
}

# fwd_ports NAME : sets P_IPERF P_HTTP P_IDLE
fwd_ports() {
  if [[ $1 == direct ]]; then
    P_IPERF=$BACKEND_IPERF P_HTTP=$BACKEND_HTTP P_IDLE=$BACKEND_IDLE
    return 0
  fi
  local p
  p=$(fwd_prefix "$1") || return 1
  P_IPERF=$((p * 1000 + 201)) P_HTTP=$((p * 1000 + 80)) P_IDLE=$((p * 1000 + 9))
}

# Which forwarders relay UDP (iperf3 -u needs udp AND tcp on the same port).
fwd_udp_support() {
  case $1 in
    haproxy) echo "n/a: HAProxy 2.6 has no UDP proxying" ; return 1 ;;
    *) return 0 ;;
  esac
}

# ---- Portcullis ---------------------------------------------------------------
PORTCULLIS_HOME=${PORTCULLIS_HOME:-$REPO_ROOT}
PORTCULLIS_JVM_OPTS=${PORTCULLIS_JVM_OPTS:--Xms256m -Xmx1g -XX:+UseParallelGC}
PORTCULLIS_MODE=""      # jar | launcher | cmd, set by portcullis_detect
PORTCULLIS_JAVA_BIN=""

# portcullis_detect : 0 if Portcullis can be run; sets PORTCULLIS_MODE and
# PORTCULLIS_WHY (reason when it cannot).
portcullis_detect() {
  PORTCULLIS_WHY=""
  if [[ -n ${PORTCULLIS_CMD:-} ]]; then
    PORTCULLIS_MODE=cmd
    return 0
  fi
  local jar=$PORTCULLIS_HOME/target/portcullis.jar
  PORTCULLIS_JAVA_BIN=$(find_java || true)
  if [[ -f $jar ]]; then
    if [[ -z $PORTCULLIS_JAVA_BIN ]]; then
      PORTCULLIS_WHY="no JDK >= 21 found (set PORTCULLIS_JAVA or JAVA_HOME)"
      return 1
    fi
    PORTCULLIS_MODE=jar
    return 0
  fi
  if [[ -x $PORTCULLIS_HOME/portcullis ]]; then
    PORTCULLIS_MODE=launcher
    return 0
  fi
  PORTCULLIS_WHY="not available: neither $jar nor $PORTCULLIS_HOME/portcullis exists"
  return 1
}

write_portcullis_config() {
  local dir=$1 f=$1/portcullis.yaml
  mkdir -p "$dir/data"
  cat >"$f" <<EOF
gateway:
  data-dir: $dir/data
  log-connections: false
forwards:
  - name: iperf3
    protocol: both
    listen: 127.0.0.1:$P_IPERF
    targets: [127.0.0.1:$BACKEND_IPERF]
    timeouts: {idle: 1h, udp-session: 60s}
  - name: http
    protocol: tcp
    listen: 127.0.0.1:$P_HTTP
    targets: [127.0.0.1:$BACKEND_HTTP]
    timeouts: {idle: 1h}
  - name: idle
    protocol: tcp
    listen: 127.0.0.1:$P_IDLE
    targets: [127.0.0.1:$BACKEND_IDLE]
    timeouts: {idle: 1h}
EOF
  echo "$f"
}

# ---- HAProxy --------------------------------------------------------------------
write_haproxy_config() {
  local dir=$1 f=$1/haproxy.cfg maxconn=$((IDLE_N + 200))
  cat >"$f" <<EOF
global
    maxconn $maxconn
    # nbthread left at its default (one thread per core)

defaults
    mode tcp
    maxconn $maxconn
    timeout connect 5s
    timeout client 1h
    timeout server 1h

listen iperf3
    bind 127.0.0.1:$P_IPERF
    server s1 127.0.0.1:$BACKEND_IPERF

listen http
    bind 127.0.0.1:$P_HTTP
    server s1 127.0.0.1:$BACKEND_HTTP

listen idle
    bind 127.0.0.1:$P_IDLE
    server s1 127.0.0.1:$BACKEND_IDLE
EOF
  echo "$f"
}

# ---- nginx stream -----------------------------------------------------------------
write_nginx_stream_config() {
  local dir=$1 f=$1/nginx.conf
  cat >"$f" <<EOF
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
worker_processes auto;
worker_rlimit_nofile 20000;
pid $dir/nginx.pid;
error_log $dir/error.log warn;

events {
    worker_connections 19500;
}

stream {
    proxy_connect_timeout 5s;

    server {
        listen 127.0.0.1:$P_IPERF;
        proxy_timeout 1h;
        proxy_pass 127.0.0.1:$BACKEND_IPERF;
    }
    # UDP needs reuseport so that all datagrams of one client stay in one
    # worker (one session); proxy_responses is left unset because iperf3's
    # server answers only once, and the session ends after proxy_timeout.
    server {
        listen 127.0.0.1:$P_IPERF udp reuseport;
        proxy_timeout 30s;
        proxy_pass 127.0.0.1:$BACKEND_IPERF;
    }
    server {
        listen 127.0.0.1:$P_HTTP;
        proxy_timeout 1h;
        proxy_pass 127.0.0.1:$BACKEND_HTTP;
    }
    server {
        listen 127.0.0.1:$P_IDLE;
        proxy_timeout 1h;
        proxy_pass 127.0.0.1:$BACKEND_IDLE;
    }
}
EOF
  echo "$f"
}

# ---- rinetd -------------------------------------------------------------------------
write_rinetd_config() {
  local dir=$1 f=$1/rinetd.conf
  cat >"$f" <<EOF
# bindaddress bindport connectaddress connectport [options]
127.0.0.1 $P_IPERF 127.0.0.1 $BACKEND_IPERF
127.0.0.1 $P_IPERF/udp 127.0.0.1 $BACKEND_IPERF/udp [timeout=30]
127.0.0.1 $P_HTTP 127.0.0.1 $BACKEND_HTTP
127.0.0.1 $P_IDLE 127.0.0.1 $BACKEND_IDLE
EOF
  echo "$f"
}

# ---- socat -----------------------------------------------------------------------------
write_socat_script() {
  local dir=$1 f=$1/socat.sh
  cat >"$f" <<EOF
#!/bin/bash
# One socat per listening socket; each forks a child per TCP connection / UDP peer.
socat TCP4-LISTEN:$P_IPERF,bind=127.0.0.1,fork,reuseaddr,backlog=4096 TCP4:127.0.0.1:$BACKEND_IPERF &
socat -T 30 UDP4-LISTEN:$P_IPERF,bind=127.0.0.1,fork,reuseaddr UDP4:127.0.0.1:$BACKEND_IPERF &
socat TCP4-LISTEN:$P_HTTP,bind=127.0.0.1,fork,reuseaddr,backlog=4096 TCP4:127.0.0.1:$BACKEND_HTTP &
socat TCP4-LISTEN:$P_IDLE,bind=127.0.0.1,fork,reuseaddr,backlog=4096 TCP4:127.0.0.1:$BACKEND_IDLE &
wait
EOF
  chmod +x "$f"
  echo "$f"
}

# fwd_available NAME : 0 if it can run here; otherwise prints why.
fwd_available() {
  case $1 in
    direct) return 0 ;;
    portcullis) portcullis_detect || { echo "$PORTCULLIS_WHY"; return 1; } ;;
    haproxy) command -v haproxy >/dev/null || { echo "haproxy not installed"; return 1; } ;;
    nginx) command -v nginx >/dev/null && [[ -f /usr/lib/nginx/modules/ngx_stream_module.so ]] ||
             { echo "nginx or libnginx-mod-stream not installed"; return 1; } ;;
    rinetd) command -v rinetd >/dev/null || { echo "rinetd not installed"; return 1; } ;;
    socat) command -v socat >/dev/null || { echo "socat not installed"; return 1; } ;;
    *) echo "unknown forwarder"; return 1 ;;
  esac
}

# wait_listening PORT SECONDS GROUP_PID [udp] : until something listens there.
wait_listening() {
  local port=$1 secs=$2 gpid=$3 udp=${4:-} i
  for ((i = 0; i < secs * 10; i++)); do
    if tcp_port_busy "$port" && { [[ -z $udp ]] || udp_port_busy "$port"; }; then
      return 0
    fi
    group_alive "$gpid" || return 1
    sleep 0.1
  done
  return 1
}

# fwd_start NAME : starts the forwarder (config in $WORK/NAME), sets FWD_PID
# (session leader; 0 for direct). Returns non-zero and sets FWD_WHY on failure.
fwd_start() {
  local name=$1 dir=$WORK/$1 cfg wait_secs=15 want_udp=""
  FWD_PID=0 FWD_WHY=""
  [[ $name == direct ]] && return 0
  fwd_ports "$name"
  mkdir -p "$dir"
  local p
  for p in "$P_IPERF" "$P_HTTP" "$P_IDLE"; do
    if tcp_port_busy "$p" || udp_port_busy "$p"; then
      FWD_WHY="port $p already in use: $(ss -Htlnup "sport = :$p" | head -1)"
      return 1
    fi
  done
  fwd_udp_support "$name" >/dev/null && want_udp=udp
  case $name in
    portcullis)
      cfg=$(write_portcullis_config "$dir")
      portcullis_detect || { FWD_WHY=$PORTCULLIS_WHY; return 1; }
      case $PORTCULLIS_MODE in
        cmd)
          # shellcheck disable=SC2086
          start_group portcullis $PORTCULLIS_CMD run -c "$cfg"; wait_secs=120
          put portcullis how "\`$PORTCULLIS_CMD run -c portcullis.yaml\`" ;;
        jar)
          # shellcheck disable=SC2086
          start_group portcullis "$PORTCULLIS_JAVA_BIN" $PORTCULLIS_JVM_OPTS \
            -jar "$PORTCULLIS_HOME/target/portcullis.jar" run -c "$cfg"
          wait_secs=60
          put portcullis how "\`$PORTCULLIS_JAVA_BIN $PORTCULLIS_JVM_OPTS -jar $PORTCULLIS_HOME/target/portcullis.jar run -c portcullis.yaml\`" ;;
        launcher)
          # The launcher builds target/portcullis.jar when it is missing.
          start_group portcullis env JAVA_OPTS="$PORTCULLIS_JVM_OPTS" \
            PORTCULLIS_JVM_OPTS="$PORTCULLIS_JVM_OPTS" \
            "$PORTCULLIS_HOME/portcullis" run -c "$cfg"
          wait_secs=600
          put portcullis how "\`$PORTCULLIS_HOME/portcullis run -c portcullis.yaml\` (JAVA_OPTS=$PORTCULLIS_JVM_OPTS)" ;;
      esac ;;
    haproxy)
      cfg=$(write_haproxy_config "$dir")
      start_group haproxy haproxy -f "$cfg" -db ;;
    nginx)
      cfg=$(write_nginx_stream_config "$dir")
      start_group nginx nginx -p "$dir" -c "$cfg" -e "$dir/error.log" -g 'daemon off;' ;;
    rinetd)
      cfg=$(write_rinetd_config "$dir")
      start_group rinetd rinetd -f -c "$cfg" ;;
    socat)
      cfg=$(write_socat_script "$dir")
      start_group socat "$cfg" ;;
  esac
  FWD_PID=$LAST_PID
  for p in "$P_HTTP" "$P_IDLE"; do
    if ! wait_listening "$p" "$wait_secs" "$FWD_PID"; then
      FWD_WHY="did not start listening on $p within ${wait_secs}s; log: $(tail -3 "$WORK/$name.log" | tr '\n' ' ')"
      stop_group "$FWD_PID"; FWD_PID=0
      return 1
    fi
  done
  if ! wait_listening "$P_IPERF" "$wait_secs" "$FWD_PID" $want_udp; then
    FWD_WHY="did not start listening on $P_IPERF ${want_udp:+(tcp+udp) }within ${wait_secs}s; log: $(tail -3 "$WORK/$name.log" | tr '\n' ' ')"
    stop_group "$FWD_PID"; FWD_PID=0
    return 1
  fi
  return 0
}

fwd_stop() {
  [[ ${FWD_PID:-0} != 0 ]] && stop_group "$FWD_PID"
  FWD_PID=0
}
