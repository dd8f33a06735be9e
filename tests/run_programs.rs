//! Runs the `tpy` binary on every sample and every tests/programs file and compares stdout, the
//! exit status and the last line of stderr with what CPython 3.11 produced (scripts/bless.py
//! writes those expectations; see tests/README.md). Std only, so it builds with no dev-dependencies.
//!
//! Environment: `TPY_FILTER=substring` keeps only programs whose path contains it;
//! `TPY_JOBS=n` sets how many programs run at once (default: CPU count, at most 8).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// A program that runs longer than this is killed and reported as a hang.
const TIMEOUT: Duration = Duration::from_secs(10);
/// How many differing lines a failure report shows at most.
const DIFF_LINES: usize = 12;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const TPY: &str = env!("CARGO_BIN_EXE_tpy");

/// What CPython did with a program.
struct Expected {
    stdout: String,
    status: i32,
    /// `None` means "not checked" (a tests/programs file that exits 0 may write to stderr).
    last_stderr: Option<String>,
}

struct Case {
    /// Path relative to the repository root, as passed to tpy.
    rel: String,
    args: Vec<String>,
    expected: Result<Expected, String>,
}

/// What tpy did with a program.
struct Outcome {
    stdout: String,
    stderr: String,
    status: Result<i32, String>,
    elapsed: Duration,
}

#[test]
fn samples() {
    let cases = collect_samples();
    run_suite("samples", cases);
}

#[test]
fn programs() {
    let cases = collect_programs();
    run_suite("programs", cases);
}

// ---- collecting cases -------------------------------------------------------------------

fn tpy_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "tpy"))
            .filter(|p| !file_name(p).starts_with('_'))
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn relative(path: &Path) -> String {
    path.strip_prefix(ROOT).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

fn collect_samples() -> Vec<Case> {
    tpy_files(&Path::new(ROOT).join("samples"))
        .into_iter()
        .map(|path| {
            let args = std::fs::read_to_string(path.with_extension("args"))
                .map(|s| s.split_whitespace().map(String::from).collect())
                .unwrap_or_default();
            Case { rel: relative(&path), args, expected: sample_expectation(&path) }
        })
        .collect()
}

/// NAME.out holds stdout; NAME.status holds the exit status, then the last stderr line.
fn sample_expectation(path: &Path) -> Result<Expected, String> {
    let missing = |ext: &str| format!("no .{ext} file beside it: run `python3 scripts/bless.py`");
    let stdout = std::fs::read_to_string(path.with_extension("out")).map_err(|_| missing("out"))?;
    let status_text = std::fs::read_to_string(path.with_extension("status")).map_err(|_| missing("status"))?;
    let mut lines = status_text.lines();
    let status =
        lines.next().and_then(|l| l.trim().parse::<i32>().ok()).ok_or_else(|| format!("malformed .status file: {status_text:?}"))?;
    let last = lines.next().unwrap_or("").trim_end().to_string();
    Ok(Expected { stdout, status, last_stderr: Some(last) })
}

fn collect_programs() -> Vec<Case> {
    let base = Path::new(ROOT).join("tests").join("programs");
    let mut areas: Vec<PathBuf> = std::fs::read_dir(&base)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect())
        .unwrap_or_default();
    areas.sort();
    areas
        .iter()
        .flat_map(|area| tpy_files(area))
        .map(|path| {
            let expected = std::fs::read_to_string(&path).map_err(|e| format!("cannot read: {e}")).map(|text| inline_expectation(&text));
            Case { rel: relative(&path), args: Vec::new(), expected }
        })
        .collect()
}

/// `# expect: LINE` lines give stdout in order; `# expect error: LINE` gives the last stderr
/// line and means exit status 1 (an empty LINE: status 1 with nothing on stderr).
fn inline_expectation(text: &str) -> Expected {
    let mut stdout = String::new();
    let mut error = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("# expect error:") {
            error = Some(rest.strip_prefix(' ').unwrap_or(rest).to_string());
        } else if let Some(rest) = line.strip_prefix("# expect:") {
            stdout.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            stdout.push('\n');
        }
    }
    match error {
        Some(last) => Expected { stdout, status: 1, last_stderr: Some(last) },
        None => Expected { stdout, status: 0, last_stderr: None },
    }
}

// ---- running ----------------------------------------------------------------------------

fn jobs() -> usize {
    if let Some(n) = std::env::var("TPY_JOBS").ok().and_then(|v| v.parse().ok()) {
        return std::cmp::max(n, 1);
    }
    thread::available_parallelism().map(|n| n.get().min(8)).unwrap_or(4)
}

/// Per case index: `None` for a pass, or the failure report.
type Results = Arc<Mutex<Vec<(usize, Option<String>)>>>;

fn run_suite(suite: &str, cases: Vec<Case>) {
    let filter = std::env::var("TPY_FILTER").unwrap_or_default();
    let cases: Vec<Case> = cases.into_iter().filter(|c| c.rel.contains(&filter)).collect();
    let total = cases.len();
    let cases = Arc::new(cases);
    let next = Arc::new(AtomicUsize::new(0));
    let results: Results = Arc::new(Mutex::new(Vec::new()));
    let workers: Vec<_> = (0..jobs().min(total.max(1)))
        .map(|_| {
            let (cases, next, results) = (cases.clone(), next.clone(), results.clone());
            thread::spawn(move || loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= cases.len() {
                    break;
                }
                let failure = check(&cases[i]);
                results.lock().unwrap().push((i, failure));
            })
        })
        .collect();
    for w in workers {
        w.join().expect("worker thread panicked");
    }
    let mut results = std::mem::take(&mut *results.lock().unwrap());
    results.sort_by_key(|(i, _)| *i);
    let mut failed = Vec::new();
    for (i, failure) in &results {
        if let Some(report) = failure {
            eprintln!("FAIL {}\n{}", cases[*i].rel, report);
            failed.push(cases[*i].rel.clone());
        }
    }
    let passed = total - failed.len();
    eprintln!(
        "{suite}: {passed} passed, {} failed, {total} total{}",
        failed.len(),
        if filter.is_empty() { String::new() } else { format!(" (TPY_FILTER={filter:?})") }
    );
    if !failed.is_empty() {
        panic!("{} of {total} {suite} failed: {}", failed.len(), failed.join(", "));
    }
}

/// Runs one case; returns a readable report if it failed.
fn check(case: &Case) -> Option<String> {
    let expected = match &case.expected {
        Ok(e) => e,
        Err(msg) => return Some(format!("  {msg}")),
    };
    let outcome = match run(case) {
        Ok(o) => o,
        Err(msg) => return Some(format!("  {msg}")),
    };
    let mut report = String::new();
    let status = match &outcome.status {
        Ok(code) => *code,
        Err(msg) => {
            report.push_str(&format!("  {msg} after {:.1}s\n", outcome.elapsed.as_secs_f64()));
            return Some(report + &stderr_tail(&outcome.stderr));
        }
    };
    if outcome.stdout != expected.stdout {
        report.push_str("  stdout differs (-expected +actual):\n");
        report.push_str(&diff(&expected.stdout, &outcome.stdout));
    }
    if status != expected.status {
        report.push_str(&format!("  exit status: expected {}, got {status}\n", expected.status));
    }
    if let Some(want) = &expected.last_stderr {
        let got = last_line(&outcome.stderr);
        if &got != want {
            report.push_str(&format!("  last stderr line:\n    expected: {want:?}\n    actual:   {got:?}\n"));
        }
    }
    if report.is_empty() {
        None
    } else {
        if status != expected.status || expected.last_stderr.is_some() {
            report.push_str(&stderr_tail(&outcome.stderr));
        }
        Some(report)
    }
}

fn run(case: &Case) -> Result<Outcome, String> {
    let start = Instant::now();
    let mut child = Command::new(TPY)
        .arg(&case.rel)
        .args(&case.args)
        .current_dir(ROOT)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {TPY}: {e}"))?;
    // Drain both pipes on their own threads so a chatty program cannot block on a full pipe.
    let out_reader = drain(child.stdout.take().expect("piped stdout"));
    let err_reader = drain(child.stderr.take().expect("piped stderr"));
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if start.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                break Err(format!("HANG: killed after the {}s timeout", TIMEOUT.as_secs()));
            }
            Ok(None) => thread::sleep(Duration::from_millis(5)),
            Err(e) => break Err(format!("waiting for tpy failed: {e}")),
        }
    };
    let elapsed = start.elapsed();
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    let status = status.and_then(|s| s.code().ok_or_else(|| describe_signal(&s)));
    Ok(Outcome { stdout, stderr, status, elapsed })
}

fn drain(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

#[cfg(unix)]
fn describe_signal(status: &std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match status.signal() {
        Some(sig) => format!("CRASH: killed by signal {sig}"),
        None => format!("CRASH: no exit code ({status})"),
    }
}

#[cfg(not(unix))]
fn describe_signal(status: &std::process::ExitStatus) -> String {
    format!("CRASH: no exit code ({status})")
}

// ---- reporting --------------------------------------------------------------------------

/// The last non-blank line, trailing whitespace removed (scripts/bless.py uses the same rule).
fn last_line(text: &str) -> String {
    text.lines().rev().find(|l| !l.trim().is_empty()).map(|l| l.trim_end().to_string()).unwrap_or_default()
}

fn stderr_tail(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().collect();
    if lines.is_empty() {
        return String::new();
    }
    let start = lines.len().saturating_sub(6);
    let mut out = String::from("  stderr (last lines):\n");
    for line in &lines[start..] {
        out.push_str(&format!("    | {line}\n"));
    }
    out
}

/// A compact line diff: common prefix and suffix are skipped, the differing middle is shown
/// with a line of context, long runs are cut to DIFF_LINES lines per side.
fn diff(expected: &str, actual: &str) -> String {
    let want: Vec<&str> = expected.split_inclusive('\n').collect();
    let got: Vec<&str> = actual.split_inclusive('\n').collect();
    let prefix = want.iter().zip(&got).take_while(|(a, b)| a == b).count();
    let suffix = want[prefix..].iter().rev().zip(got[prefix..].iter().rev()).take_while(|(a, b)| a == b).count();
    let mut out = String::new();
    if prefix > 0 {
        out.push_str(&format!("    @@ line {} @@\n     {}", prefix + 1, show(want[prefix - 1])));
    }
    for (sign, lines) in [('-', &want[prefix..want.len() - suffix]), ('+', &got[prefix..got.len() - suffix])] {
        for line in lines.iter().take(DIFF_LINES) {
            out.push_str(&format!("    {sign}{}", show(line)));
        }
        if lines.len() > DIFF_LINES {
            out.push_str(&format!("    {sign}... ({} more lines)\n", lines.len() - DIFF_LINES));
        }
    }
    out.push_str(&format!("    (expected {} lines, got {})\n", want.len(), got.len()));
    out
}

/// A line for the diff; a missing final newline and invisible whitespace are made visible.
fn show(line: &str) -> String {
    match line.strip_suffix('\n') {
        Some(body) if body.ends_with(' ') || body.ends_with('\t') => format!("{body:?}\n"),
        Some(body) => format!("{body}\n"),
        None => format!("{line:?} (no newline at end)\n"),
    }
}
