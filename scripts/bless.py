#!/usr/bin/env python3
"""Bless tpy's test expectations from CPython 3.11, or check them.

    python3 scripts/bless.py            rewrite every expectation from python3's output
    python3 scripts/bless.py --check    fail if python3 disagrees with what is stored (CI)
    python3 scripts/bless.py FILTER...  only programs whose path contains one of the FILTERs

What it covers:
  * tests/programs/<area>/*.tpy: the `# expect: <line>` / `# expect error: <line>` comment
    lines are stripped and rewritten at the end of the file from python3's stdout and the last
    line of its stderr (an error expectation implies exit status 1; without one the status
    must be 0). Files whose name starts with `_` are helper modules, not tests.
  * samples/NAME.tpy: writes samples/NAME.out (exact stdout) and samples/NAME.status (exit
    status, then the last line of stderr, empty if none). samples/NAME.args, if present,
    holds the command-line arguments on one line, separated by spaces.

CPython only imports `.py` files, so every program runs from a scratch folder holding a `.py`
copy of each `.tpy` file of its own folder; the working directory is the repository root and
stdin is /dev/null, exactly as tests/run_programs.rs runs tpy. Each program runs twice with
different PYTHONHASHSEED values so output that depends on hash order is caught.
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAMS = os.path.join(ROOT, "tests", "programs")
SAMPLES = os.path.join(ROOT, "samples")
TIMEOUT_S = 60
EXPECT_RE = re.compile(r"^\s*# expect( error)?:")


def find_python(explicit):
    """The real CPython 3.11 binary (the `python3` on PATH may be a slow pyenv shim)."""
    exe = explicit or "python3"
    out = subprocess.run(
        [exe, "-c", "import sys; print(sys.executable); print(sys.version_info[:2])"],
        capture_output=True, text=True, check=True).stdout.split("\n")
    real, version = out[0].strip() or exe, out[1].strip()
    if version != "(3, 11)":
        sys.exit(f"bless.py: the oracle must be CPython 3.11, {exe} is {version}")
    return real


def last_stderr_line(stderr):
    """The last non-blank line of stderr, trailing whitespace removed ("" if none)."""
    lines = [l.rstrip() for l in stderr.splitlines() if l.strip()]
    return lines[-1] if lines else ""


def run_python(python, path, args, hash_seed):
    """Run one program under python3 as tpy would run it: returns (status, stdout, last stderr line)."""
    folder = os.path.dirname(path)
    with tempfile.TemporaryDirectory(prefix="tpy-bless-") as scratch:
        for name in os.listdir(folder):
            if name.endswith(".tpy"):
                shutil.copyfile(os.path.join(folder, name),
                                os.path.join(scratch, name[:-4] + ".py"))
        script = os.path.join(scratch, os.path.basename(path)[:-4] + ".py")
        env = dict(os.environ, PYTHONHASHSEED=str(hash_seed), PYTHONDONTWRITEBYTECODE="1",
                   PYTHONIOENCODING="utf-8")
        for var in ("PYTHONSTARTUP", "PYTHONPATH", "PYTHONWARNINGS", "PYTHONINSPECT"):
            env.pop(var, None)
        try:
            proc = subprocess.run([python, script] + args, cwd=ROOT, stdin=subprocess.DEVNULL,
                                  capture_output=True, timeout=TIMEOUT_S, env=env)
        except subprocess.TimeoutExpired:
            return None, "", f"TIMEOUT after {TIMEOUT_S}s"
    stdout = proc.stdout.decode("utf-8", errors="replace")
    stderr = proc.stderr.decode("utf-8", errors="replace")
    return proc.returncode, stdout, last_stderr_line(stderr)


def run_stable(python, path, args):
    """Run twice with different hash seeds; returns (result, problem-or-None)."""
    first = run_python(python, path, args, 1)
    second = run_python(python, path, args, 2)
    if first[0] is None:
        return first, first[2]
    if first != second:
        return first, "output differs between PYTHONHASHSEED=1 and 2 (hash-order dependent?)"
    return first, None


# ---- tests/programs ---------------------------------------------------------------------

def split_expectations(text):
    """Returns (body without expect lines and trailing blank lines, list of expect lines)."""
    body, expects = [], []
    for line in text.split("\n"):
        (expects if EXPECT_RE.match(line) else body).append(line)
    while body and not body[-1].strip():
        body.pop()
    return "\n".join(body) + "\n", [e.strip() for e in expects]


def expectations_for(status, stdout, last_err):
    """The expect lines that describe one run, or raise ValueError if they cannot."""
    lines = stdout.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    elif stdout:
        raise ValueError("stdout does not end with a newline")
    out = []
    for line in lines:
        if line != line.rstrip() or "\r" in line:
            raise ValueError(f"stdout line has trailing whitespace: {line!r}")
        out.append(f"# expect: {line}" if line else "# expect:")
    if status == 1:
        # An empty error line means "exit status 1, nothing on stderr" (sys.exit(1)).
        out.append(f"# expect error: {last_err}" if last_err else "# expect error:")
    elif status != 0:
        raise ValueError(f"exit status {status} (stderr {last_err!r}) cannot be expressed "
                         "inline: use 0, or an error with status 1, or make it a sample")
    return out


def do_program(python, path, check):
    text = open(path, encoding="utf-8").read()
    body, stored = split_expectations(text)
    (status, stdout, last_err), problem = run_stable(python, path, [])
    if problem:
        return path, problem
    try:
        wanted = expectations_for(status, stdout, last_err)
    except ValueError as e:
        return path, str(e)
    new_text = body + ("\n" + "\n".join(wanted) + "\n" if wanted else "")
    if check:
        if wanted != stored:
            return path, "stored expectations differ from python3:\n" + diff(stored, wanted)
        if new_text != text:
            return path, "expectations are not in blessed form (run scripts/bless.py)"
        return path, None
    if new_text != text:
        with open(path, "w", encoding="utf-8") as f:
            f.write(new_text)
        # The rewrite moved comments: run again to be sure the program says the same.
        (status2, stdout2, err2), problem = run_stable(python, path, [])
        if problem or (status2, stdout2, err2) != (status, stdout, last_err):
            return path, problem or "output changed after rewriting expectations"
        return path, "UPDATED"
    return path, None


# ---- samples -----------------------------------------------------------------------------

def sample_args(path):
    args_path = path[:-4] + ".args"
    if os.path.exists(args_path):
        return open(args_path, encoding="utf-8").read().split()
    return []


def do_sample(python, path, check):
    (status, stdout, last_err), problem = run_stable(python, path, sample_args(path))
    if problem:
        return path, problem
    status_text = f"{status}\n{last_err}\n"
    out_path, status_path = path[:-4] + ".out", path[:-4] + ".status"
    old_out = read_or_none(out_path)
    old_status = read_or_none(status_path)
    if check:
        problems = []
        if old_out != stdout:
            problems.append(f"{out_path} differs from python3:\n" +
                            diff((old_out or "").split("\n"), stdout.split("\n")))
        if old_status != status_text:
            problems.append(f"{status_path} is {old_status!r}, python3 gives {status_text!r}")
        return path, "\n".join(problems) or None
    changed = False
    if old_out != stdout:
        with open(out_path, "w", encoding="utf-8", newline="") as f:
            f.write(stdout)
        changed = True
    if old_status != status_text:
        with open(status_path, "w", encoding="utf-8") as f:
            f.write(status_text)
        changed = True
    return path, "UPDATED" if changed else None


def read_or_none(path):
    try:
        with open(path, encoding="utf-8", newline="") as f:
            return f.read()
    except FileNotFoundError:
        return None


def diff(old, new):
    import difflib
    return "\n".join(difflib.unified_diff(old, new, "stored", "python3", lineterm="", n=2))


def collect(filters):
    jobs = []
    for area in sorted(os.listdir(PROGRAMS)) if os.path.isdir(PROGRAMS) else []:
        folder = os.path.join(PROGRAMS, area)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if name.endswith(".tpy") and not name.startswith("_"):
                jobs.append((do_program, os.path.join(folder, name)))
    for name in sorted(os.listdir(SAMPLES)) if os.path.isdir(SAMPLES) else []:
        if name.endswith(".tpy"):
            jobs.append((do_sample, os.path.join(SAMPLES, name)))
    if filters:
        jobs = [j for j in jobs if any(f in os.path.relpath(j[1], ROOT) for f in filters)]
    return jobs


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if python3 disagrees")
    parser.add_argument("--python", help="CPython 3.11 to use (default: python3 on PATH)")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 4)
    parser.add_argument("filters", nargs="*", help="only paths containing one of these")
    opts = parser.parse_args()
    python = find_python(opts.python)
    jobs = collect(opts.filters)
    failures, updated = 0, 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=opts.jobs) as pool:
        futures = [pool.submit(fn, python, path, opts.check) for fn, path in jobs]
        for future in futures:
            path, message = future.result()
            rel = os.path.relpath(path, ROOT)
            if message == "UPDATED":
                updated += 1
                print(f"blessed {rel}")
            elif message:
                failures += 1
                print(f"FAIL {rel}: {message}")
    verb = "checked" if opts.check else "blessed"
    print(f"{verb} {len(jobs)} programs with {python}: "
          f"{failures} failed" + ("" if opts.check else f", {updated} updated"))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
