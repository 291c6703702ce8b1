#!/usr/bin/env python3
"""CPU time per operation from JMH's human-readable output.

Connections.reportCpu prints, after every iteration of a benchmark that uses a Connections state,
a line "cpu-per-op STATE size=N [spin=Xus ]Y us": the client JVM's CPU time (all threads) over
the iteration, divided by its operations. This script keeps the measurement iterations (not the
warm-up ones), and prints the median per state, size and setting, over iterations and forks.

    java -jar jmh/target/benchmarks.jar EchoLatency ... | tee echo.log
    python3 jmh/scripts/cpu.py echo.log [more.log ...]
"""
import re
import statistics
import sys
from collections import defaultdict

LINE = re.compile(r"^cpu-per-op (\S+) size=(\d+) (?:(spin=\d+us) )?([0-9.]+) us$")


def main(paths):
    values = defaultdict(list)
    for path in paths:
        warmup = False
        with open(path, encoding="utf-8") as f:
            for raw in f:
                line = raw.strip()
                if line.startswith("# Warmup Iteration"):
                    warmup = True
                elif line.startswith("Iteration"):
                    warmup = False
                m = LINE.match(line)
                if m and not warmup:
                    state, size, setting, us = m.groups()
                    values[(state, int(size), setting or "")].append(float(us))
    print("| client state | size | setting | CPU µs per op (median) | iterations |")
    print("|---|---:|---|---:|---:|")
    for (state, size, setting), v in sorted(values.items(), key=lambda kv: (kv[0][1], kv[0][0], kv[0][2])):
        print(f"| {state} | {size} | {setting} | {statistics.median(v):.1f} | {len(v)} |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
