#!/usr/bin/env python3
"""Turns JMH JSON results (-rf json) into the Markdown tables of docs/benchmarks.md.

    python3 jmh/scripts/tables.py RESULT.json [MORE.json ...]

Several files (passes of the same benchmarks, run one after another) are merged by taking, for
each benchmark and size, the median over the passes of each figure; one file is just reported.
Prints a table per benchmark class: p50 and p99 from SampleTime's percentiles (scorePercentiles
"50.0" and "99.0"), the p50 ratio to raw java.net.http (rawJdkQueue, and rawJdkDirect), bytes per
operation when the run had -prof gc (gc.alloc.rate.norm), or ops/s for Throughput; then the
issue's targets for framewire, checked against this data with the 10 % noise allowance for p50,
and JMH's own 99.9 % error for bytes per operation.
"""
import json
import statistics
import sys
from collections import defaultdict

NOISE = 1.10
FRAMEWIRE = ("framewireReadMessage", "framewireReadFrame")
NOT_PEERS = FRAMEWIRE + ("rawSocket",)


def load(paths):
    cells = defaultdict(lambda: defaultdict(list))  # (class, method, size) -> figure -> [values]
    passes = defaultdict(set)  # class -> files that hold it
    for path in paths:
        with open(path) as f:
            for r in json.load(f):
                cls, method = r["benchmark"].split(".")[-2:]
                passes[cls].add(path)
                size = int(r.get("params", {}).get("size", 0))
                pm = r["primaryMetric"]
                cell = cells[(cls, method, size)]
                cell["score"].append(pm["score"])
                cell["unit"] = [pm["scoreUnit"]]
                pct = pm.get("scorePercentiles") or {}
                if "50.0" in pct:
                    cell["p50"].append(pct["50.0"])
                    cell["p99"].append(pct["99.0"])
                alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
                if alloc:
                    cell["alloc"].append(alloc["score"])
                    cell["alloc_error"].append(alloc.get("scoreError") or 0.0)
    return cells, {cls: len(files) for cls, files in passes.items()}


def med(cell, key):
    values = cell.get(key)
    return statistics.median(values) if values else None


def fmt(x, digits=1):
    return "–" if x is None else f"{x:,.{digits}f}"


def main(paths):
    cells, passes_of = load(paths)
    classes = sorted({c for c, _, _ in cells})
    for cls in classes:
        sizes = sorted({s for c, _, s in cells if c == cls})
        methods = sorted({m for c, m, _ in cells if c == cls},
                         key=lambda m: (m not in FRAMEWIRE, m.startswith("raw"), m))
        passes = passes_of[cls]
        print(f"\n### {cls}" + (f" (median of {passes} passes)" if passes > 1 else "") + "\n")
        throughput = all(cells[(cls, m, s)]["unit"][0].startswith("ops/") for m in methods for s in sizes
                         if (cls, m, s) in cells)
        if throughput:
            print("| client | " + " | ".join(f"{s} B msgs/s" for s in sizes) + " |")
            print("|---|" + "---:|" * len(sizes))
            for m in methods:
                row = [fmt(med(cells[(cls, m, s)], "score"), 0) if (cls, m, s) in cells else "–" for s in sizes]
                print(f"| {m} | " + " | ".join(row) + " |")
            continue
        spread = passes > 1
        print("| size | client | p50 µs | p99 µs | p50 / rawJdkQueue | p50 / rawJdkDirect | bytes/op |"
              + (" p50 of each pass |" if spread else ""))
        print("|---:|---|---:|---:|---:|---:|---:|" + ("---|" if spread else ""))
        for s in sizes:
            base_q = med(cells.get((cls, "rawJdkQueue", s), {}), "p50")
            base_d = med(cells.get((cls, "rawJdkDirect", s), {}), "p50")
            for m in methods:
                if (cls, m, s) not in cells:
                    continue
                c = cells[(cls, m, s)]
                p50 = med(c, "p50")
                ratio_q = fmt(p50 / base_q, 2) if p50 and base_q else "–"
                ratio_d = fmt(p50 / base_d, 2) if p50 and base_d else "–"
                each = " / ".join(fmt(v) for v in c["p50"]) + " |" if spread else ""
                print(f"| {s or '–'} | {m} | {fmt(p50)} | {fmt(med(c, 'p99'))} | {ratio_q} | {ratio_d}"
                      f" | {fmt(med(c, 'alloc'), 0)} |" + (f" {each}" if spread else ""))
        if cls == "EchoLatency":
            targets(cells, cls, sizes)


def targets(cells, cls, sizes):
    print("\nTargets of issue 4 (p50, 10 % noise allowance):\n")
    for fw in FRAMEWIRE:
        for s in sizes:
            c = cells.get((cls, fw, s))
            if not c:
                continue
            p50 = med(c, "p50")
            if s <= 1024:
                peers = {m: med(cells[(cls, m, s)], "p50") for (k, m, z) in cells
                         if k == cls and z == s and m not in NOT_PEERS}
                worst = min(peers, key=peers.get)
                ok = p50 <= peers[worst] * NOISE
                print(f"- {fw} @ {s} B: {p50:.1f} µs vs fastest peer {worst} {peers[worst]:.1f} µs"
                      f" → {'met' if ok else 'MISSED'} ({p50 / peers[worst]:.2f}×)")
            else:
                d = cells.get((cls, "rawJdkDirect", s))
                if d:
                    ref = med(d, "p50")
                    ok = p50 <= ref * NOISE
                    print(f"- {fw} @ {s} B: {p50:.1f} µs vs rawJdkDirect {ref:.1f} µs"
                          f" → {'met' if ok else 'MISSED'} ({p50 / ref:.2f}×)")
            raw = cells.get((cls, "rawJdkQueue", s), {})
            a, q = med(c, "alloc"), med(raw, "alloc")
            if a is not None and q is not None:
                # Bytes/op carry JMH's 99.9 % error too: a difference inside it is not a finding.
                error = max(med(c, "alloc_error") or 0.0, med(raw, "alloc_error") or 0.0)
                verdict = "met" if a <= q else f"met within JMH's error of ±{error:,.0f}" if a <= q + error else "MISSED"
                print(f"- {fw} @ {s} B bytes/op: {a:,.0f} vs rawJdkQueue {q:,.0f} → {verdict} ({a / q:.3f}×)")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
