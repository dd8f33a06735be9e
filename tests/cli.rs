//! The command line and bad input: `-c`, `-` (stdin), `--version`, `--dis`, exit statuses,
//! SyntaxError and traceback forms, and inputs that must not crash the interpreter.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn tpy(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tpy"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tpy runs");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("tpy finishes")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn last_stderr_line(o: &Output) -> String {
    stderr(o).lines().last().unwrap_or("").to_string()
}

/// Writes `source` to a fresh temporary file and returns its path.
fn script(name: &str, source: &str) -> String {
    let dir = std::env::temp_dir().join(format!("tpy-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{name}.tpy"));
    std::fs::write(&path, source).expect("write script");
    path.to_string_lossy().into_owned()
}

#[test]
fn dash_c_sets_argv_and_runs() {
    let o = tpy(&["-c", "import sys; print(sys.argv, __name__)", "a", "b"], "");
    assert_eq!(stdout(&o), "['-c', 'a', 'b'] __main__\n");
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn dash_reads_program_from_stdin() {
    let o = tpy(&["-", "x"], "import sys\nprint(sys.argv, 6 * 7)\n");
    assert_eq!(stdout(&o), "['-', 'x'] 42\n");
}

#[test]
fn version_flag() {
    let o = tpy(&["--version"], "");
    assert!(stdout(&o).starts_with("tpy "), "{}", stdout(&o));
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn dis_lists_instructions() {
    let path = script("dis", "def f(x):\n    return x + 1\n");
    let o = tpy(&["--dis", &path], "");
    let out = stdout(&o);
    assert!(out.contains("BinaryOp"), "{out}");
    assert!(out.contains("ReturnValue"), "{out}");
}

#[test]
fn exit_statuses_follow_sys_exit() {
    assert_eq!(tpy(&["-c", "import sys; sys.exit(3)"], "").status.code(), Some(3));
    assert_eq!(tpy(&["-c", "import sys; sys.exit()"], "").status.code(), Some(0));
    let o = tpy(&["-c", "import sys; sys.exit('bye')"], "");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(last_stderr_line(&o), "bye");
    let o = tpy(&["-c", "raise SystemExit(7)"], "");
    assert_eq!(o.status.code(), Some(7));
}

#[test]
fn uncaught_exception_prints_traceback() {
    let path = script("tb", "def f():\n    return 1 / 0\n\nf()\n");
    let o = tpy(&[&path], "");
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1));
    let expected = format!(
        "Traceback (most recent call last):\n  File \"{path}\", line 4, in <module>\n    f()\n  File \"{path}\", line 2, in f\n    return 1 / 0\nZeroDivisionError: division by zero\n"
    );
    assert_eq!(err, expected);
}

#[test]
fn output_before_an_error_is_not_lost() {
    let o = tpy(&["-c", "print('before')\nraise ValueError('x')"], "");
    assert_eq!(stdout(&o), "before\n");
    assert_eq!(last_stderr_line(&o), "ValueError: x");
}

#[test]
fn syntax_error_has_file_line_and_caret() {
    let path = script("syntax", "x = 1\nprint(x\n");
    let o = tpy(&[&path], "");
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains(&format!("  File \"{path}\", line 2\n")), "{err}");
    assert!(err.contains("    print(x\n"), "{err}");
    assert!(err.contains("^"), "{err}");
    assert_eq!(last_stderr_line(&o), "SyntaxError: '(' was never closed");
}

#[test]
fn deep_recursion_is_a_recursion_error() {
    let o = tpy(&["-c", "def f(n):\n    return f(n + 1)\nf(0)"], "");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(last_stderr_line(&o), "RecursionError: maximum recursion depth exceeded");
    assert!(stderr(&o).contains("[Previous line repeated"), "{}", stderr(&o));
}

#[test]
fn recursion_through_builtins_does_not_overflow_the_native_stack() {
    let src = "import sys\nsys.setrecursionlimit(1000000)\n\
               def g(n):\n    return 0 if n == 0 else list(map(g, [n - 1]))[0] + 1\n\
               try:\n    g(10 ** 6)\nexcept RecursionError:\n    print('stopped')\n";
    let o = tpy(&["-c", src], "");
    assert_eq!(stdout(&o), "stopped\n", "{}", stderr(&o));
}

#[test]
fn nesting_limits() {
    let ok = format!("print({}1{})", "(".repeat(100), ")".repeat(100));
    assert_eq!(stdout(&tpy(&["-c", &ok], "")), "1\n");
    let deep = format!("x = {}1{}", "(".repeat(10000), ")".repeat(10000));
    let o = tpy(&["-c", &deep], "");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(last_stderr_line(&o), "SyntaxError: too many nested parentheses");
}

#[test]
fn missing_file_is_reported() {
    let o = tpy(&["/nonexistent/prog.tpy"], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(last_stderr_line(&o).contains("can't open file '/nonexistent/prog.tpy'"), "{}", stderr(&o));
}
