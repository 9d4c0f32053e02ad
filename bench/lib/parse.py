#!/usr/bin/env python3
"""Parse client outputs into "key value" lines for bench/run.sh.

  parse.py iperf-tcp FILE        -> gbps <receiver Gbit/s>
  parse.py iperf-udp FILE LEN    -> kpps <delivered kpackets/s> loss <percent> sent <n> delivered <n>
  parse.py wrk FILE              -> rps <req/s> p50 <ms> p99 <ms> errors <n> non2xx <n>
On a parse failure prints "error <reason>" and exits 1.
"""
import json
import re
import sys


def fail(msg):
    print("error", msg.replace("\n", " ")[:200])
    sys.exit(1)


def load_iperf(path):
    try:
        with open(path) as f:
            d = json.load(f)
    except (OSError, ValueError) as e:
        fail(f"iperf3 output unreadable: {e}")
    if d.get("error"):
        fail(f"iperf3: {d['error']}")
    return d


def iperf_tcp(path):
    d = load_iperf(path)
    try:
        bps = d["end"]["sum_received"]["bits_per_second"]
    except KeyError:
        fail("iperf3: no sum_received")
    print("gbps", f"{bps / 1e9:.3f}")


def iperf_udp(path, length):
    d = load_iperf(path)
    try:
        sent = d["end"]["sum_sent"]["packets"]
        rcv = d["end"]["sum_received"]
    except KeyError:
        fail("iperf3: no sum_sent/sum_received")
    # Count what the receiver really got (bytes / payload), which also counts
    # datagrams lost at the tail of the test that sequence gaps would miss.
    delivered = rcv["bytes"] / length
    secs = rcv.get("seconds") or d["end"]["sum_sent"]["seconds"]
    loss = 100.0 * (1 - delivered / sent) if sent else 100.0
    print("kpps", f"{delivered / secs / 1000:.1f}", "loss", f"{max(loss, 0):.2f}",
          "sent", sent, "delivered", int(delivered))


UNIT = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def dur_ms(s):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", s)
    if not m:
        fail(f"bad duration {s}")
    return float(m.group(1)) * UNIT[m.group(2)]


def wrk(path):
    try:
        text = open(path).read()
    except OSError as e:
        fail(str(e))
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if not m:
        fail("wrk: no Requests/sec line: " + text[-200:])
    rps = float(m.group(1))
    p = {}
    for q in ("50", "99"):
        mm = re.search(rf"^\s+{q}(?:\.000)?%\s+(\S+)", text, re.M)
        p[q] = dur_ms(mm.group(1)) if mm else float("nan")
    errors = 0
    me = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if me:
        errors = sum(int(x) for x in me.groups())
    mn = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    non2xx = int(mn.group(1)) if mn else 0
    print("rps", f"{rps:.0f}", "p50", f"{p['50']:.3f}", "p99", f"{p['99']:.3f}",
          "errors", errors, "non2xx", non2xx)


def main():
    kind = sys.argv[1]
    if kind == "iperf-tcp":
        iperf_tcp(sys.argv[2])
    elif kind == "iperf-udp":
        iperf_udp(sys.argv[2], int(sys.argv[3]))
    elif kind == "wrk":
        wrk(sys.argv[2])
    else:
        fail(f"unknown kind {kind}")


if __name__ == "__main__":
    main()
