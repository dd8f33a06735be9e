#!/usr/bin/env python3
"""Time tpy against CPython on benches/programs/*.tpy, side by side.

    python3 scripts/compare.py [--tpy target/release/tpy] [--runs 3] [FILTER...]

Each program runs under tpy and under the real CPython binary (found at run time through
`python3 -c 'import sys; print(sys.executable)'`, since `python3` on PATH may be a slow shim).
The best wall time of N runs is kept; both outputs must be equal. Prints a table and the
geometric mean of tpy/python ratios; a program tpy fails (error, wrong output, timeout) is shown
as FAIL and left out of the mean. Exits 1 if any program failed.
"""
import argparse
import math
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCHES = os.path.join(ROOT, "benches", "programs")


def real_python(explicit):
    exe = explicit or "python3"
    return subprocess.run([exe, "-c", "import sys; print(sys.executable)"],
                          capture_output=True, text=True, check=True).stdout.strip() or exe


def best_time(cmd, runs, timeout):
    """Returns (best seconds, stdout) or raises RuntimeError with a reason."""
    best, output = None, None
    for _ in range(runs):
        start = time.perf_counter()
        try:
            proc = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"timed out after {timeout}s")
        except OSError as exc:
            raise RuntimeError(str(exc))
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            last = (proc.stderr.decode(errors="replace").strip().splitlines() or [""])[-1]
            raise RuntimeError(f"exit status {proc.returncode}: {last}")
        out = proc.stdout.decode(errors="replace")
        if output is not None and out != output:
            raise RuntimeError("output differs between runs")
        output = out
        best = elapsed if best is None else min(best, elapsed)
    return best, output


def main():
    parser = argparse.ArgumentParser(description="tpy vs CPython on benches/programs")
    parser.add_argument("--tpy", default=os.path.join("target", "release", "tpy"))
    parser.add_argument("--python", help="CPython to compare with (default: the real python3)")
    parser.add_argument("--runs", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per run")
    parser.add_argument("filters", nargs="*", help="only programs whose name contains one of these")
    opts = parser.parse_args()
    tpy = opts.tpy if os.path.isabs(opts.tpy) else os.path.join(ROOT, opts.tpy)
    python = real_python(opts.python)
    programs = sorted(n for n in os.listdir(BENCHES) if n.endswith(".tpy"))
    if opts.filters:
        programs = [p for p in programs if any(f in p for f in opts.filters)]
    print(f"tpy: {tpy}\npython: {python}\nbest of {opts.runs} runs\n")
    print(f"{'program':<24}{'tpy_s':>10}{'python_s':>10}{'ratio':>10}")
    ratios, failed = [], []
    for name in programs:
        rel = os.path.join("benches", "programs", name)
        try:
            py_s, py_out = best_time([python, rel], opts.runs, opts.timeout)
        except RuntimeError as exc:
            print(f"{name:<24}{'':>10}{'FAIL':>10}   python3 failed: {exc}")
            failed.append(name)
            continue
        try:
            tpy_s, tpy_out = best_time([tpy, rel], opts.runs, opts.timeout)
            if tpy_out != py_out:
                raise RuntimeError(f"output differs: tpy {tpy_out.strip()[:60]!r} "
                                   f"vs python {py_out.strip()[:60]!r}")
        except RuntimeError as exc:
            print(f"{name:<24}{'FAIL':>10}{py_s:>10.3f}{'':>10}   {exc}")
            failed.append(name)
            continue
        ratio = tpy_s / py_s
        ratios.append(ratio)
        print(f"{name:<24}{tpy_s:>10.3f}{py_s:>10.3f}{ratio:>10.2f}")
    print()
    if ratios:
        geomean = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        print(f"geometric mean ratio (tpy/python) over {len(ratios)} programs: {geomean:.2f}")
    else:
        print("geometric mean ratio: n/a (no program passed)")
    if failed:
        print(f"{len(failed)} program(s) failed and are excluded from the mean: {', '.join(failed)}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
