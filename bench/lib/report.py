#!/usr/bin/env python3
"""Turn bench/run.sh's results.tsv into one Markdown table plus notes.

usage: report.py RESULTS_TSV INFO_MD ORDER_FILE JVM_OPTS
"""
import sys
from collections import OrderedDict, defaultdict

results_path, info_path, order_path, jvm_opts = sys.argv[1:5]

vals = defaultdict(dict)
notes = defaultdict(list)
with open(results_path) as f:
    for line in f:
        line = line.rstrip("\n")
        if not line:
            continue
        fwd, key, value = line.split("\t", 2)
        if key == "note":
            notes[fwd].append(value)
        else:
            vals[fwd][key] = value

try:
    order = [l.strip() for l in open(order_path) if l.strip()]
except OSError:
    order = list(vals)
order = list(OrderedDict.fromkeys(order))


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def cell(v, fmt="{:.0f}"):
    if v is None:
        return "–"
    x = num(v)
    return fmt.format(x) if x is not None else str(v)


def per_conn(d, kind):
    n = num(d.get("idle_n"))
    b, a = num(d.get(f"idle_{kind}_before")), num(d.get(f"idle_{kind}_after"))
    if not n or b is None or a is None:
        return d.get("idle_n") if d.get("idle_n") in ("n/a", "err") else None
    return f"{(a - b) / n:.1f}"


COLS = [
    ("Forwarder", None),
    ("TCP 1 stream Gbit/s", lambda d: cell(d.get("tcp_p1"), "{:.2f}")),
    ("TCP 8 streams Gbit/s", lambda d: cell(d.get("tcp_p8"), "{:.2f}")),
    ("HTTP keep-alive req/s", lambda d: cell(d.get("http_rps"))),
    ("p50 ms", lambda d: cell(d.get("http_p50"), "{:.2f}")),
    ("p99 ms", lambda d: cell(d.get("http_p99"), "{:.2f}")),
    ("HTTP close conn/s", lambda d: cell(d.get("close_cps"))),
    ("UDP 64 B kpkt/s", lambda d: cell(d.get("udp_64_kpps"), "{:.1f}")),
    ("loss %", lambda d: cell(d.get("udp_64_loss"), "{:.1f}")),
    ("UDP 1400 B kpkt/s", lambda d: cell(d.get("udp_1400_kpps"), "{:.1f}")),
    ("loss %", lambda d: cell(d.get("udp_1400_loss"), "{:.1f}")),
    ("idle conns held", lambda d: cell(d.get("idle_n"))),
    ("RSS before→after MiB", lambda d: (
        f"{num(d['idle_rss_before']) / 1024:.0f} → {num(d['idle_rss_after']) / 1024:.0f}"
        if num(d.get("idle_rss_before")) is not None and num(d.get("idle_rss_after")) is not None
        else "–")),
    ("KiB/conn (RSS)", lambda d: cell(per_conn(d, "rss"), "{:.1f}")),
    ("KiB/conn (PSS)", lambda d: cell(per_conn(d, "pss"), "{:.1f}")),
]

out = []
out.append("# Portcullis forwarding benchmark")
out.append("")
out.append(open(info_path).read().rstrip())
out.append("")
out.append("| " + " | ".join(c for c, _ in COLS) + " |")
out.append("|" + "|".join("---" if i == 0 else "---:" for i in range(len(COLS))) + "|")
for fwd in order:
    d = vals.get(fwd, {})
    label = fwd
    if fwd == "direct":
        label = "direct (no forwarder)"
    if "unavailable" in d:
        out.append(f"| {label} | " + " | ".join(["not available"] + ["–"] * (len(COLS) - 2)) + " |")
        continue
    out.append("| " + " | ".join([label] + [fn(d) for _, fn in COLS[1:]]) + " |")
out.append("")

out.append("Notes:")
for fwd in order:
    d = vals.get(fwd, {})
    if "unavailable" in d:
        out.append(f"- {fwd}: {d['unavailable']}")
    if fwd == "socat" and num(d.get("idle_procs_after")):
        out.append(f"- socat: forks one process per connection; {d['idle_procs_after']} processes (socat "
                   "children, parents and the wrapper shell) were alive with the idle connections open (RSS counts shared "
                   "pages once per process, PSS splits them).")
    if num(d.get("idle_secs")) is not None:
        out.append(f"- {fwd}: {d['idle_n']} idle connections established end to end in {d['idle_secs']} s.")
    if d.get("how"):
        out.append(f"- {fwd}: run as {d['how']}")
    for n in notes.get(fwd, []):
        out.append(f"- {fwd}: {n}")
out.append("- TCP: iperf3 receiver throughput, 1 s omitted at start. HTTP: wrk to an nginx backend "
           "returning a 64-byte body; 'close' sends `Connection: close`, so req/s = new connections/s. "
           "UDP: iperf3 -u -b 0, delivered = bytes received / payload; loss = 1 - delivered/sent. "
           "Idle: memory of all processes of the forwarder (workers and children summed), "
           "(after - before) / connections held.")
print("\n".join(out))
