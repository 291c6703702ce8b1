#!/usr/bin/env python3
"""Tally Autobahn|Testsuite client runs and print paste-ready Markdown.

    python3 tally.py RUN_DIR...        # each RUN_DIR is run.sh's OUT (holds reports/clients/index.json)

Run dirs are grouped by agent (the name in index.json) and keep their order on the command line.
Counted, per run: a case whose behavior is FAILED, plus a case whose close behavior is FAILED,
WRONG CODE or UNCLEAN (a case with both counts twice); 2.10, 2.11 and 7.7.8 are left out (see
docs/conformance.md). Then a table of every case that was not OK/INFORMATIONAL, in its behavior
or its close behavior, in any run, with each run's result.
"""
import json
import os
import re
import sys
from collections import OrderedDict

EXCLUDED = {"2.10", "2.11", "7.7.8"}
FINE = ("OK", "INFORMATIONAL")
BAD_CLOSE = ("FAILED", "WRONG CODE", "UNCLEAN")


def key(case_id):
    return tuple(int(x) for x in case_id.split("."))


def load(run_dir):
    index = json.load(open(os.path.join(run_dir, "reports", "clients", "index.json")))
    (agent, cases), = index.items()
    java = "?"
    try:
        with open(os.path.join(run_dir, "testee.log")) as log:
            java = log.readline().split(",")[0].replace("java ", "").strip()
    except OSError:
        pass
    details = {}
    for case_id, v in cases.items():
        if v["behavior"] not in FINE or v["behaviorClose"] not in FINE:
            try:
                details[case_id] = json.load(open(os.path.join(run_dir, "reports", "clients", v["reportfile"])))
            except (OSError, KeyError, ValueError):
                details[case_id] = {}
    return agent, java, cases, details, run_dir


def marks(v):
    return int(v["behavior"] == "FAILED") + int(v["behaviorClose"] in BAD_CLOSE)


def cell(v):
    if v is None:
        return "—"
    b, c = v["behavior"], v["behaviorClose"]
    if c in FINE:
        return b
    return f"{b}, close {c}" + (f" ({v.get('remoteCloseCode')})" if c == "WRONG CODE" else "")


def esc(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def main(run_dirs):
    runs = OrderedDict()  # agent -> [(label, java, cases, details)]
    for d in run_dirs:
        try:
            agent, java, cases, details, _ = load(d)
        except (OSError, ValueError) as e:
            print(f"<!-- skipped {d}: {e} -->")
            continue
        runs.setdefault(agent, []).append((os.path.basename(os.path.normpath(d)), java, cases, details, d))
    if not runs:
        sys.exit("no runs")

    javas = sorted({r[1] for rs in runs.values() for r in rs})
    total_cases = sorted({len(r[2]) for rs in runs.values() for r in rs})
    print(f"JDK {', '.join(javas)}; {', '.join(map(str, total_cases))} cases per run; "
          f"counted: FAILED + WRONG CODE + UNCLEAN (behavior and close), without {', '.join(sorted(EXCLUDED, key=key))}.")
    print()
    n = max(len(rs) for rs in runs.values())
    print("| client | " + " | ".join(f"run {i + 1}" for i in range(n)) + " | sum | cases counted |")
    print("|---|" + "---|" * n + "---|---|")
    sums = {}
    for agent, rs in runs.items():
        per_run = [sum(marks(v) for k, v in r[2].items() if k not in EXCLUDED) for r in rs]
        counted_cases = sorted({k for r in rs for k, v in r[2].items() if k not in EXCLUDED and marks(v)}, key=key)
        sums[agent] = sum(per_run)
        cols = [str(x) for x in per_run] + [""] * (n - len(per_run))
        print(f"| {agent} | " + " | ".join(cols) + f" | **{sums[agent]}** | {', '.join(counted_cases) or '—'} |")
    print()
    if "framewire" in sums and "rawjdk" in sums:
        verdict = "meets" if sums["framewire"] <= sums["rawjdk"] + 2 else "misses"
        print(f"framewire {sums['framewire']}, raw JDK {sums['rawjdk']}: framewire {verdict} the bar "
              f"(at most the raw client's plus 2, {sums['rawjdk'] + 2}).")
        print()

    columns = [(agent, r) for agent, rs in runs.items() for r in rs]
    all_ids = sorted({k for _, r in columns for k in r[2]}, key=key)
    shown = [k for k in all_ids
             if any(k not in r[2] or r[2][k]["behavior"] not in FINE or r[2][k]["behaviorClose"] not in FINE
                    for _, r in columns)]
    describe = {}
    for k in shown:
        for _, r in columns:
            if k in r[2]:
                try:
                    report = os.path.join(r[4], "reports", "clients", r[2][k]["reportfile"])
                    describe[k] = re.sub(r"<[^>]+>", "", json.load(open(report)).get("description", ""))
                    break
                except (OSError, KeyError, ValueError):
                    pass
    print("| case | what the server does | " + " | ".join(r[0] for _, r in columns) + " |")
    print("|---|---|" + "---|" * len(columns))
    for k in shown:
        label = k + (" (not counted)" if k in EXCLUDED else "")
        what = esc(describe.get(k, "")).replace("message message", "message").replace("message payload of length", "payload of")
        if len(what) > 120:
            what = what[:117].rstrip() + "…"
        print(f"| {label} | {what} | " + " | ".join(cell(r[2].get(k)) for _, r in columns) + " |")
    if not shown:
        print("| — | every case OK or INFORMATIONAL in every run | " + " | ".join("" for _ in columns) + " |")
    print()
    if any(k not in r[2] for k in shown for _, r in columns):
        print("— : no result for the case in that run (the server wrote its report before the case had ended).")
        print()
    print("<details><summary>What the server said, per run</summary>")
    print()
    for _, r in columns:
        for k in sorted(r[3], key=key):
            d, v = r[3][k], r[2][k]
            print(f"- {r[0]} {k}: {cell(v)}. {esc(d.get('result', ''))} {esc(d.get('resultClose', ''))} "
                  f"(client's close code {d.get('remoteCloseCode')}, clean {d.get('wasClean')}, "
                  f"{esc(d.get('wasNotCleanReason') or '')})")
    print()
    print("</details>")


if __name__ == "__main__":
    main(sys.argv[1:])
