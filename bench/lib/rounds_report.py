#!/usr/bin/env python3
"""Tables for bench/rounds.sh: every round, the medians, and how many rounds Portcullis was ahead.

  rounds_report.py RESULTS NAME...

RESULTS holds tab-separated lines "round phase forwarder value p99" (p99 "-" for TCP, "err" for a failed
measurement). The first NAME is Portcullis, the last the anchor (HAProxy); one in between is a baseline.
"""
import statistics
import sys

PHASES = {
    "tcp1": ("TCP, 1 stream", [("Gbit/s", 3, True)]),
    "tcp8": ("TCP, 8 streams", [("Gbit/s", 3, True)]),
    "keep": ("HTTP keep-alive", [("req/s", 3, True), ("p99 ms", 4, False)]),
    "close": ("HTTP Connection: close", [("conn/s", 3, True), ("p99 ms", 4, False)]),
}


def num(s):
    try:
        return float(s)
    except ValueError:
        return None


def fmt(v, unit):
    if v is None:
        return "err"
    if unit in ("req/s", "conn/s"):
        return f"{v:.0f}"
    return f"{v:.2f}"


def main():
    path, names = sys.argv[1], sys.argv[2:]
    data = {}  # (phase, round) -> {name: fields}
    order = []
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 5:
                continue
            rnd, phase, name = int(parts[0]), parts[1], parts[2]
            if phase not in order:
                order.append(phase)
            data.setdefault((phase, rnd), {})[name] = parts
    me, anchor = names[0], names[-1]
    summary = []
    for phase in order:
        title, metrics = PHASES[phase]
        rounds = sorted(r for (p, r) in data if p == phase)
        print(f"### {title}\n")
        head = ["round"] + [f"{unit} {n}" for unit, _, _ in metrics for n in names]
        print("| " + " | ".join(head) + " |")
        print("|---|" + "---:|" * (len(head) - 1))
        cols = {(unit, n): [] for unit, _, _ in metrics for n in names}
        for r in rounds:
            row = [str(r)]
            for unit, idx, _ in metrics:
                for n in names:
                    v = num(data[(phase, r)].get(n, [None] * 5)[idx] or "")
                    cols[(unit, n)].append(v)
                    row.append(fmt(v, unit))
            print("| " + " | ".join(row) + " |")
        row = ["**median**"]
        for unit, _, _ in metrics:
            for n in names:
                vals = [v for v in cols[(unit, n)] if v is not None]
                row.append("**" + fmt(statistics.median(vals) if vals else None, unit) + "**")
        print("| " + " | ".join(row) + " |\n")
        for unit, _, higher_better in metrics:
            mine, theirs = cols[(unit, me)], cols[(unit, anchor)]
            pairs = [(a, b) for a, b in zip(mine, theirs) if a is not None and b is not None]
            ahead = sum(1 for a, b in pairs if (a >= b if higher_better else a <= b))
            med = lambda xs: statistics.median(xs) if xs else None  # noqa: E731
            m_me = med([v for v in mine if v is not None])
            m_an = med([v for v in theirs if v is not None])
            base = None
            if len(names) == 3:
                bv = [v for v in cols[(unit, names[1])] if v is not None]
                base = med(bv)
            summary.append((f"{title}: {unit}", m_me, base, m_an, ahead, len(pairs), unit, higher_better))
    print(f"### Summary: {me} beside {anchor}\n")
    cols = ["measure", f"{me} (median)"] + ([f"{names[1]} (median)"] if len(names) == 3 else []) + \
        [f"{anchor} (median)", f"{me} / {anchor}", f"rounds {me} level or better"]
    print("| " + " | ".join(cols) + " |")
    print("|---|" + "---:|" * (len(cols) - 1))
    for label, m_me, base, m_an, ahead, n, unit, higher in summary:
        ratio = f"{100 * m_me / m_an:.1f}%" if m_me and m_an else "n/a"
        row = [label, fmt(m_me, unit)] + ([fmt(base, unit)] if len(names) == 3 else []) + \
            [fmt(m_an, unit), ratio, f"{ahead} of {n}" + ("" if higher else " (lower is better)")]
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
