#!/usr/bin/env bash
# Portcullis side-by-side benchmark: Portcullis vs HAProxy (TCP mode), nginx
# stream, rinetd and socat, one forwarder at a time, all on 127.0.0.1.
# See bench/README.md. Prints one Markdown table and writes it to
# bench/results/latest.md.
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LIB=$BENCH_DIR/lib
REPO_ROOT=$(cd "$BENCH_DIR/.." && pwd)

# ---- knobs (environment) ------------------------------------------------------------
BENCH_DURATION=${BENCH_DURATION:-10}            # seconds per measured run
TCP_SECS=${BENCH_TCP_SECS:-$BENCH_DURATION}
HTTP_SECS=${BENCH_HTTP_SECS:-$BENCH_DURATION}
UDP_SECS=${BENCH_UDP_SECS:-$BENCH_DURATION}
WARMUP_SECS=${BENCH_WARMUP_SECS:-10}
WRK_THREADS=${BENCH_WRK_THREADS:-2}
WRK_CONNS=${BENCH_WRK_CONNS:-50}
IDLE_N=${BENCH_IDLE_N:-9000}
IDLE_CONNECT_SECS=${BENCH_IDLE_CONNECT_SECS:-180}
IDLE_SETTLE_SECS=${BENCH_IDLE_SETTLE_SECS:-3}
BENCH_ONLY=${BENCH_ONLY:-tcp,http,udp,idle}
BENCH_FORWARDERS=${BENCH_FORWARDERS:-direct,portcullis,haproxy,nginx,rinetd,socat}
BENCH_INSTALL=${BENCH_INSTALL:-1}              # 0: never call apt-get
RESULTS_DIR=${BENCH_RESULTS_DIR:-$BENCH_DIR/results}

# shellcheck source=lib/common.sh
source "$LIB/common.sh"

for v in BENCH_DURATION TCP_SECS HTTP_SECS UDP_SECS WARMUP_SECS WRK_THREADS WRK_CONNS IDLE_N \
         IDLE_CONNECT_SECS IDLE_SETTLE_SECS; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, got '${!v}'"
done
((TCP_SECS >= 1 && TCP_SECS <= 120)) || die "TCP duration must be 1..120 s"
((HTTP_SECS >= 1 && HTTP_SECS <= 120)) || die "HTTP duration must be 1..120 s"
((UDP_SECS >= 1 && UDP_SECS <= 120)) || die "UDP duration must be 1..120 s"
((IDLE_N >= 1 && IDLE_N <= 9500)) || die "BENCH_IDLE_N must be 1..9500 (each forwarded connection holds 2 fds; 20,000 max per process)"

has_phase() { [[ ",$BENCH_ONLY," == *",$1,"* ]]; }
for ph in ${BENCH_ONLY//,/ }; do
  [[ $ph =~ ^(tcp|http|udp|idle)$ ]] || die "BENCH_ONLY: unknown phase '$ph' (use tcp,http,udp,idle)"
done

# ---- packages --------------------------------------------------------------------------
need_pkgs=()
command -v haproxy >/dev/null || need_pkgs+=(haproxy)
command -v nginx >/dev/null || need_pkgs+=(nginx)
[[ -f /usr/lib/nginx/modules/ngx_stream_module.so ]] || need_pkgs+=(libnginx-mod-stream)
command -v rinetd >/dev/null || need_pkgs+=(rinetd)
command -v socat >/dev/null || need_pkgs+=(socat)
command -v iperf3 >/dev/null || need_pkgs+=(iperf3)
command -v wrk >/dev/null || need_pkgs+=(wrk)
command -v python3 >/dev/null || need_pkgs+=(python3)
command -v ps >/dev/null || need_pkgs+=(procps)
command -v ss >/dev/null || need_pkgs+=(iproute2)
command -v setsid >/dev/null || need_pkgs+=(util-linux)
if ((${#need_pkgs[@]})); then
  [[ $BENCH_INSTALL == 1 ]] || die "missing packages: ${need_pkgs[*]} (BENCH_INSTALL=0)"
  [[ $(id -u) == 0 ]] || die "missing packages: ${need_pkgs[*]}; run as root or install them"
  log "installing: ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # policy-rc.d 101 keeps the packages from starting their system services
  prc_created=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && prc_created=1
  fi
  apt-get install -y --no-install-recommends "${need_pkgs[@]}" >&2 ||
    { apt-get update >&2 && apt-get install -y --no-install-recommends "${need_pkgs[@]}" >&2; } ||
    { ((prc_created)) && rm -f /usr/sbin/policy-rc.d; die "apt-get install failed"; }
  ((prc_created)) && rm -f /usr/sbin/policy-rc.d
fi

# ---- file limit ------------------------------------------------------------------------
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null
NOFILE=$(ulimit -n)
if has_phase idle && ((IDLE_N * 2 + 200 > NOFILE)); then
  newn=$(((NOFILE - 200) / 2))
  warn "open-file limit is $NOFILE; lowering BENCH_IDLE_N from $IDLE_N to $newn"
  IDLE_N=$newn
fi

# ---- work dir, cleanup ---------------------------------------------------------------------
WORK=$(mktemp -d /tmp/portcullis-bench.XXXXXX)
GROUPS_FILE=$WORK/groups
RESULTS=$WORK/results.tsv
: >"$GROUPS_FILE"; : >"$RESULTS"
KEEP_WORK=${BENCH_KEEP_WORK:-0}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_all_groups
  if [[ $KEEP_WORK == 1 || $rc != 0 ]]; then
    log "work dir kept: $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'warn "interrupted"; exit 130' INT TERM

# shellcheck source=lib/forwarders.sh
source "$LIB/forwarders.sh"
# shellcheck source=lib/measure.sh
source "$LIB/measure.sh"

# ---- machine info ------------------------------------------------------------------------
INFO=$WORK/info.md
{
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- CPU: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(nproc) cores; memory $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "- kernel: $(uname -sr); $( . /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-unknown OS}")"
  echo "- haproxy: $(haproxy -v 2>/dev/null | awk 'NR==1 {print $3}'); nginx: $(nginx -v 2>&1 | sed 's/.*nginx\///'); rinetd: $(dpkg-query -W -f='${Version}' rinetd 2>/dev/null); socat: $(socat -V 2>/dev/null | awk '/socat version/ {print $3; exit}'); iperf3: $(iperf3 --version 2>/dev/null | awk 'NR==1 {print $2}'); wrk: $(wrk -v 2>&1 | awk 'NR==1 {print $2}'); python3: $(python3 -c 'import platform; print(platform.python_version())')"
  jbin=$(find_java || true)
  if [[ -n $jbin ]]; then
    echo "- JDK: $("$jbin" -version 2>&1 | head -1) ($jbin); Portcullis JVM flags: \`$PORTCULLIS_JVM_OPTS\`"
  else
    echo "- JDK: none >= 21 found"
  fi
  echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (anything else running on the 2 cores skews the numbers)"
  echo "- settings: TCP ${TCP_SECS}s, HTTP ${HTTP_SECS}s (wrk -t$WRK_THREADS -c$WRK_CONNS, ${WARMUP_SECS}s warm-up), UDP ${UDP_SECS}s, idle N=$IDLE_N, open-file limit $NOFILE; phases: $BENCH_ONLY"
} >"$INFO"

# ---- backends ------------------------------------------------------------------------------
for p in $BACKEND_IPERF $BACKEND_HTTP $BACKEND_IDLE; do
  if tcp_port_busy "$p" || udp_port_busy "$p"; then
    die "backend port $p is already in use: $(ss -Htlnup "sport = :$p" | head -1)"
  fi
done
log "work dir: $WORK"
load1=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load1" 'BEGIN { exit !(l > 0.5) }'; then
  warn "load average is $load1: other work on this machine will skew the results"
fi
if has_phase tcp || has_phase udp; then start_iperf_backend; fi
if has_phase http; then start_http_backend; fi
if has_phase idle; then start_idle_backend; fi

# ---- forwarders, one at a time --------------------------------------------------------------
START=$SECONDS
for fwd in ${BENCH_FORWARDERS//,/ }; do
  if [[ " $ALL_FORWARDERS " != *" $fwd "* ]]; then
    warn "unknown forwarder '$fwd' (known: $ALL_FORWARDERS)"; continue
  fi
  echo "$fwd" >>"$WORK/order"
  if ! why=$(fwd_available "$fwd"); then
    put "$fwd" unavailable "$why"
    log "$fwd: $why"
    continue
  fi
  fwd_ports "$fwd"
  if has_phase tcp || has_phase http || has_phase udp; then
    log "=== $fwd: starting (ports $P_IPERF/$P_HTTP/$P_IDLE)"
    if fwd_start "$fwd"; then
      has_phase tcp && measure_tcp "$fwd" "$P_IPERF"
      has_phase http && measure_http "$fwd" "$P_HTTP"
      has_phase udp && measure_udp "$fwd" "$P_IPERF"
      if [[ $FWD_PID != 0 ]] && ! group_alive "$FWD_PID"; then
        note "$fwd" "forwarder exited during the throughput tests; log: $(tail -3 "$WORK/$fwd.log" | tr '\n' ' ')"
      fi
      fwd_stop
    else
      put "$fwd" unavailable "failed to start: $FWD_WHY"
      log "$fwd: failed to start: $FWD_WHY"
      continue
    fi
  fi
  if has_phase idle && [[ $fwd == direct ]]; then
    put "$fwd" idle_n "n/a"
  elif has_phase idle; then
    # a fresh forwarder process, so "RSS before" is not inflated by earlier tests
    log "=== $fwd: starting fresh for the idle-connection test"
    if fwd_start "$fwd"; then
      measure_idle "$fwd" "$P_IDLE" "$FWD_PID"
      fwd_stop
    else
      put "$fwd" idle_n err
      note "$fwd" "failed to start for the idle test: $FWD_WHY"
    fi
  fi
done
echo "- wall time of the measurements: $((SECONDS - START)) s" >>"$INFO"

# ---- report ------------------------------------------------------------------------------------
mkdir -p "$RESULTS_DIR"
python3 "$LIB/report.py" "$RESULTS" "$INFO" "$WORK/order" "$PORTCULLIS_JVM_OPTS" >"$WORK/report.md" ||
  die "report generation failed"
cp "$WORK/report.md" "$RESULTS_DIR/latest.md"
cp "$RESULTS" "$RESULTS_DIR/latest.tsv"
cat "$WORK/report.md"
log "written to $RESULTS_DIR/latest.md"
