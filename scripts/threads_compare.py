#!/usr/bin/env python3
"""Thread workloads of benches/threads/ under tpy and under CPython, side by side.

    python3 scripts/threads_compare.py [--tpy target/release/tpy] [--runs 3]

Each workload prints one `name key=value ...` line with its own in-process timing (start-up is
left out). The runs of one table are interleaved (run 1 of every row, then run 2, ...) so that a
burst of load from elsewhere hits every row alike; the best (least seconds) of N runs is kept,
except for (c). Tables:
  (a) cpu_split: CPU work over 1, 2, 4 threads vs sequential; the ratio to sequential should be ~1
      (no parallel speedup under a GIL, and no slowdown from threads fighting over it);
  (b) sleep_overlap: K sleeps over 1, 2, 4, 8 threads; the speedup vs 1 thread should be ~N;
  (c) convoy: queue.Queue ping-pong round trips/s, alone and beside one CPU-bound thread
      (median and range of the runs: the collapsed rate is bimodal under outside load);
  (d) cost of --gil-stats / --gil-trace on cpu_split with 2 threads, vs tpy with no flag.
The CPython binary is found through `python3 -c 'import sys; print(sys.executable)'` (the
`python3` on PATH may be a slow shim). Exits 1 if any run failed.
"""
import argparse
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCHES = os.path.join("benches", "threads")


def real_python(explicit):
    exe = explicit or "python3"
    return subprocess.run([exe, "-c", "import sys; print(sys.executable)"],
                          capture_output=True, text=True, check=True).stdout.strip() or exe


def run_once(cmd, timeout):
    """Runs one workload; returns its result line as a dict of key=value fields."""
    try:
        proc = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"timed out after {timeout}s")
    except OSError as exc:
        raise RuntimeError(str(exc))
    if proc.returncode != 0:
        last = (proc.stderr.decode(errors="replace").strip().splitlines() or [""])[-1]
        raise RuntimeError(f"exit status {proc.returncode}: {last}")
    lines = proc.stdout.decode(errors="replace").strip().splitlines()
    if not lines:
        raise RuntimeError("no result line")
    return dict(field.split("=", 1) for field in lines[-1].split()[1:])


class Bench:
    def __init__(self, opts, tpy, python):
        self.opts, self.tpy, self.python = opts, tpy, python
        self.failed = False

    def command(self, exe, program, args, flags=()):
        return [exe, *flags, os.path.join(BENCHES, program), *map(str, args)]

    def sample(self, cmds, key="seconds", runs=None):
        """Runs every command `runs` times, interleaved; returns {name: [values] or None}."""
        values = {name: [] for name in cmds}
        for _ in range(runs or self.opts.runs):
            for name, cmd in cmds.items():
                if values[name] is None:
                    continue
                try:
                    values[name].append(float(run_once(cmd, self.opts.timeout)[key]))
                except (RuntimeError, KeyError, ValueError) as exc:
                    print(f"  FAIL {name}: {exc}")
                    values[name] = None
                    self.failed = True
        return values

    def best(self, cmds, **kw):
        return {name: min(v) if v else None for name, v in self.sample(cmds, **kw).items()}

    def both(self, program, rows):
        """{(interpreter, row): command} for tpy and CPython over each row's arguments."""
        return {(who, row): self.command(exe, program, args)
                for row, args in rows.items()
                for who, exe in (("tpy", self.tpy), ("python", self.python))}


def fmt(value, spec):
    return format(value, spec) if value is not None else "FAIL"


def ratio(a, b):
    return a / b if a is not None and b else None


def spread(values):
    """`median (min-max)`: beside a CPU thread the convoy rate is bimodal on a loaded machine (a
    CPU thread that the OS has descheduled cannot take the GIL back), so a best-of would mislead."""
    if not values:
        return "FAIL"
    mid = sorted(values)[len(values) // 2]
    return f"{mid:.0f} ({min(values):.0f}-{max(values):.0f})"


def cpu_split(b):
    total = b.opts.cpu_total
    print(f"(a) cpu_split: {total} loop iterations split over N threads (seq = no thread)")
    print(f"{'threads':<10}{'tpy_s':>10}{'python_s':>10}{'tpy/seq':>10}{'python/seq':>12}")
    rows = {n: [n, total] for n in (0, 1, 2, 4)}
    res = b.best(b.both("cpu_split.tpy", rows))
    for n in rows:
        t, p = res["tpy", n], res["python", n]
        print(f"{'seq' if n == 0 else n:<10}{fmt(t, '.3f'):>10}{fmt(p, '.3f'):>10}"
              f"{fmt(ratio(t, res['tpy', 0]), '.2f'):>10}"
              f"{fmt(ratio(p, res['python', 0]), '.2f'):>12}")
    print()


def sleep_overlap(b):
    tasks, delay = b.opts.sleep_tasks, b.opts.sleep_delay
    print(f"(b) sleep_overlap: {tasks} x time.sleep({delay}) over N threads")
    print(f"{'threads':<10}{'tpy_s':>10}{'python_s':>10}{'tpy_x':>10}{'python_x':>12}"
          f"{'ideal_x':>10}")
    rows = {n: [n, tasks, delay] for n in (1, 2, 4, 8)}
    res = b.best(b.both("sleep_overlap.tpy", rows))
    for n in rows:
        t, p = res["tpy", n], res["python", n]
        ideal = tasks / -(-tasks // n)
        print(f"{n:<10}{fmt(t, '.3f'):>10}{fmt(p, '.3f'):>10}"
              f"{fmt(ratio(res['tpy', 1], t), '.2f'):>10}"
              f"{fmt(ratio(res['python', 1], p), '.2f'):>12}{ideal:>10.2f}")
    print()


def convoy(b):
    secs = b.opts.convoy_seconds
    print(f"(c) convoy: queue.Queue ping-pong round trips/s over {secs} s; "
          "median (min-max) of the runs")
    print(f"{'cpu_threads':<12}{'tpy_rt/s':>22}{'python_rt/s':>22}")
    rows = {m: [m, secs] for m in (0, 1)}
    res = b.sample(b.both("convoy.tpy", rows), key="rate")
    for m in rows:
        print(f"{m:<12}{spread(res['tpy', m]):>22}{spread(res['python', m]):>22}")
    print()


def flag_cost(b):
    total, runs = b.opts.cpu_total, max(b.opts.runs, 5)
    print(f"(d) tpy GIL instrumentation cost: cpu_split 2 threads, {total} iterations, "
          f"best of {runs}")
    print(f"{'flags':<22}{'tpy_s':>10}{'vs_off':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        configs = {"(none)": (), "--gil-stats": ("--gil-stats",),
                   "--gil-trace FILE": ("--gil-trace", os.path.join(tmp, "trace.json"))}
        cmds = {label: b.command(b.tpy, "cpu_split.tpy", [2, total], flags)
                for label, flags in configs.items()}
        res = b.best(cmds, runs=runs)
    for label, t in res.items():
        print(f"{label:<22}{fmt(t, '.3f'):>10}{fmt(ratio(t, res['(none)']), '.2f'):>10}")
    print()


def main():
    parser = argparse.ArgumentParser(description="tpy vs CPython on benches/threads")
    parser.add_argument("--tpy", default=os.path.join("target", "release", "tpy"))
    parser.add_argument("--python", help="CPython to compare with (default: the real python3)")
    parser.add_argument("--runs", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per run")
    parser.add_argument("--cpu-total", type=int, default=8_000_000, help="(a) loop iterations")
    parser.add_argument("--sleep-tasks", type=int, default=16, help="(b) number of sleeps")
    parser.add_argument("--sleep-delay", type=float, default=0.05, help="(b) seconds per sleep")
    parser.add_argument("--convoy-seconds", type=float, default=1.0, help="(c) seconds per run")
    opts = parser.parse_args()
    tpy = opts.tpy if os.path.isabs(opts.tpy) else os.path.join(ROOT, opts.tpy)
    python = real_python(opts.python)
    print(f"tpy: {tpy}\npython: {python}\nbest of {opts.runs} runs; "
          f"load average at start: {os.getloadavg()[0]:.2f}\n")
    bench = Bench(opts, tpy, python)
    for table in (cpu_split, sleep_overlap, convoy, flag_cost):
        table(bench)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    sys.exit(1 if bench.failed else 0)


if __name__ == "__main__":
    main()
