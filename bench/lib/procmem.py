#!/usr/bin/env python3
"""Print "<rss_kib> <pss_kib> <nprocs>" summed over every process whose
session id is SID (the harness starts each forwarder as its own session, so
this covers nginx/haproxy workers, socat's forked children and a launcher
script plus its JVM alike)."""
import os
import sys

sid = int(sys.argv[1])
rss = pss = n = 0
for d in os.listdir("/proc"):
    if not d.isdigit():
        continue
    try:
        with open(f"/proc/{d}/stat") as f:
            st = f.read()
        # fields after the ")" of comm: state ppid pgrp session ...
        fields = st[st.rindex(")") + 2:].split()
        if int(fields[3]) != sid:
            continue
        r = p = 0
        with open(f"/proc/{d}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    r = int(line.split()[1])
                    break
        try:
            with open(f"/proc/{d}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        p = int(line.split()[1])
                        break
        except OSError:
            p = r
        rss += r
        pss += p
        n += 1
    except (OSError, ValueError, IndexError):
        continue
print(rss, pss, n)
