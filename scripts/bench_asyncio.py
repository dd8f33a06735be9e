#!/usr/bin/env python3
"""asyncio benchmarks, tpy side by side with CPython (figures go to docs/performance.md).

    python3 scripts/bench_asyncio.py [--tpy PATH] [--runs N] [--counts 10000,100000,1000000]

  * memory per sleeping task: benches/asyncio/sleeping_tasks.py with N tasks and with 0; the
    difference of the peak RSS (wait4's ru_maxrss) divided by N;
  * time to create and run 100k tasks: benches/asyncio/create_tasks.py prints its own time;
  * echo throughput: benches/asyncio/echo_throughput.py prints requests per second (10 clients).
Each figure is the best of --runs runs. CPython is the real binary (sys.executable), not a
wrapper, so start-up costs are comparable.
"""
import argparse
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "benches", "asyncio")


def run(cmd):
    """Runs cmd; returns (stdout, peak RSS in bytes)."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    if status != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {err.decode()[-500:]}")
    return out.decode().strip(), usage.ru_maxrss * 1024


def per_task(interp, n, runs):
    script = os.path.join(BENCH, "sleeping_tasks.py")
    base = min(run([interp, script, "0"])[1] for _ in range(runs))
    peak = min(run([interp, script, str(n)])[1] for _ in range(runs))
    return (peak - base) / n


def best(interp, name, args, runs, pick):
    script = os.path.join(BENCH, name)
    return pick(float(run([interp, script] + args)[0]) for _ in range(runs))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tpy", default=os.path.join(ROOT, "target", "release", "tpy"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--counts", default="10000,100000,1000000")
    ap.add_argument("--requests", default="2000")
    a = ap.parse_args()
    py = sys.executable
    print("| measure | tpy | python3 | tpy/python3 |")
    print("|---|---:|---:|---:|")
    for n in [int(c) for c in a.counts.split(",")]:
        t = per_task(a.tpy, n, a.runs)
        p = per_task(py, n, a.runs)
        print(f"| bytes per sleeping task, {n} tasks | {t:.0f} | {p:.0f} | {t / p:.2f} |")
    t = best(a.tpy, "create_tasks.py", ["100000"], a.runs, min)
    p = best(py, "create_tasks.py", ["100000"], a.runs, min)
    print(f"| create and run 100k tasks, s | {t:.3f} | {p:.3f} | {t / p:.2f} |")
    t = best(a.tpy, "echo_throughput.py", [a.requests], a.runs, max)
    p = best(py, "echo_throughput.py", [a.requests], a.runs, max)
    print(f"| echo requests/s, 10 clients | {t:.0f} | {p:.0f} | {t / p:.2f} |")


if __name__ == "__main__":
    main()
