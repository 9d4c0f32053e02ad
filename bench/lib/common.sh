# shellcheck shell=bash
# Shared helpers for bench/run.sh: logging, process groups, ports, results.

log()  { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
warn() { printf '[bench %(%H:%M:%S)T] WARNING: %s\n' -1 "$*" >&2; }
die()  { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }

# ---- results ---------------------------------------------------------------
# Every measurement is one line "forwarder<TAB>key<TAB>value" in $RESULTS;
# notes are "forwarder<TAB>note<TAB>text". lib/report.py turns them into the
# table.
put()  { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$RESULTS"; }
note() { printf '%s\tnote\t%s\n' "$1" "$2" >>"$RESULTS"; warn "$1: $2"; }

# ---- process groups ----------------------------------------------------------
# start_group NAME CMD... : runs CMD in a new session (setsid), so it and every
# child it forks (nginx workers, socat children) share one session/process
# group id that we can measure and kill as a unit. Sets LAST_PID to the leader
# pid (not printed: a $(...) subshell would lose the child).
GROUPS_FILE=""   # set by run.sh to $WORK/groups

start_group() {
  local name=$1; shift
  local logf="$WORK/$name.log"
  setsid "$@" </dev/null >>"$logf" 2>&1 &
  local pid=$!
  echo "$pid $name" >>"$GROUPS_FILE"
  # setsid only forks when the caller is a group leader; make sure the pid we
  # hold is the session leader.
  local sid
  sid=$(ps -o sid= -p "$pid" 2>/dev/null | tr -d ' ')
  if [[ -n $sid && $sid != "$pid" ]]; then
    warn "$name: pid $pid is not its session leader (sid $sid)"
  fi
  LAST_PID=$pid
}

group_alive() { kill -0 -- "-$1" 2>/dev/null; }

# stop_group PID : SIGTERM to the group, wait up to 8 s, then SIGKILL.
stop_group() {
  local pid=$1 i
  [[ -z $pid ]] && return 0
  group_alive "$pid" || { wait "$pid" 2>/dev/null; return 0; }
  kill -TERM -- "-$pid" 2>/dev/null
  for ((i = 0; i < 80; i++)); do
    group_alive "$pid" || break
    sleep 0.1
  done
  if group_alive "$pid"; then
    kill -KILL -- "-$pid" 2>/dev/null
    sleep 0.2
  fi
  wait "$pid" 2>/dev/null
  sed -i "/^$pid /d" "$GROUPS_FILE" 2>/dev/null
  return 0
}

stop_all_groups() {
  [[ -f $GROUPS_FILE ]] || return 0
  local pid name
  # newest first
  tac "$GROUPS_FILE" | while read -r pid name; do
    [[ -n $pid ]] && stop_group "$pid"
  done
}

# ---- ports -------------------------------------------------------------------
tcp_port_busy() { ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }
udp_port_busy() { ss -Huln "sport = :$1" 2>/dev/null | grep -q .; }

# wait_tcp PORT SECONDS [GROUP_PID] : until 127.0.0.1:PORT accepts a connection.
wait_tcp() {
  local port=$1 secs=$2 gpid=${3:-} i
  for ((i = 0; i < secs * 10; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return 0
    fi
    if [[ -n $gpid ]] && ! group_alive "$gpid"; then
      return 1
    fi
    sleep 0.1
  done
  return 1
}

# ---- JDK ---------------------------------------------------------------------
java_major() {
  local v
  v=$("$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')
  echo "${v%%.*}"
}

# find_java : prints a java binary with major version >= 21, or nothing.
find_java() {
  local c m
  for c in ${PORTCULLIS_JAVA:-} ${JAVA_HOME:+$JAVA_HOME/bin/java} \
           $(command -v java 2>/dev/null) /usr/lib/jvm/*/bin/java; do
    [[ -x $c ]] || continue
    m=$(java_major "$c")
    if [[ -n $m && $m -ge 21 ]]; then
      echo "$c"
      return 0
    fi
  done
  return 1
}

# ---- number helpers ------------------------------------------------------------
# run_bounded SECONDS CMD... : run a client command with a hard time limit.
run_bounded() {
  local secs=$1; shift
  timeout --kill-after=5 "$secs" "$@"
}
