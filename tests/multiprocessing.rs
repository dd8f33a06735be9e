//! Faults of multiprocessing that CPython cannot bless (it hangs, or the fault comes from
//! outside): a worker killed from the test, a Pool that loses a task, a parent that dies first.
//! Each program is run by the built binary; every wait has a generous deadline, so a hang
//! fails the test instead of blocking it.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn write_program(name: &str, source: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tpy-mp-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.tpy"));
    std::fs::File::create(&path).unwrap().write_all(source.as_bytes()).unwrap();
    path
}

fn remove_program(path: &std::path::Path) {
    if let Some(dir) = path.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

fn spawn(path: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_tpy")).arg(path).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
}

/// Waits for `child` at most `limit`; kills it and fails if it is still running then.
fn wait_with_deadline(mut child: Child, limit: Duration) -> (i32, String, String) {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let out = child.wait_with_output().unwrap();
            let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
            return (status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr));
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("program still running after {limit:?}: a hang");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn alive(pid: u32) -> bool {
    Command::new("kill").arg("-0").arg(pid.to_string()).stderr(Stdio::null()).status().map(|s| s.success()).unwrap_or(false)
}

fn kill9(pid: u32) {
    assert!(Command::new("kill").arg("-9").arg(pid.to_string()).status().unwrap().success());
}

const KILLED_WORKER: &str = r#"
import concurrent.futures as cf
import os
import sys
import time

def report_and_wait(x):
    print("worker", os.getpid(), flush=True)
    time.sleep(60)
    return x

if __name__ == "__main__":
    ex = cf.ProcessPoolExecutor(max_workers=1)
    futures = [ex.submit(report_and_wait, i) for i in range(3)]
    for f in futures:
        try:
            f.result(timeout=30)
        except cf.process.BrokenProcessPool as e:
            print("broken:", e)
    try:
        ex.submit(report_and_wait, 9)
    except cf.process.BrokenProcessPool as e:
        print("submit broken:", e)
"#;

#[test]
fn killing_a_pool_worker_breaks_every_pending_future() {
    let path = write_program("killed_worker", KILLED_WORKER);
    let mut child = spawn(&path);
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let pid: u32 = first.strip_prefix("worker ").unwrap().parse().unwrap();
    kill9(pid);
    let rest: Vec<String> = lines.map(|l| l.unwrap()).collect();
    let (code, _, stderr) = wait_with_deadline(child, Duration::from_secs(20));
    assert_eq!(code, 0, "stderr: {stderr}");
    let broken = "broken: A process in the process pool was terminated abruptly while the future was running or pending.";
    assert_eq!(rest[..3], [broken, broken, broken]);
    assert_eq!(rest[3], "submit broken: A child process terminated abruptly, the process pool is not usable anymore");
    remove_program(&path);
}

const LOST_TASK: &str = r#"
import multiprocessing
import os

def work(x):
    if x == 5:
        os.kill(os.getpid(), 9)
    return x

if __name__ == "__main__":
    pool = multiprocessing.Pool(2)
    try:
        pool.map(work, range(20))
    except multiprocessing.WorkerLostError as e:
        print("lost:", e)
    try:
        pool.apply(work, (1,))
    except multiprocessing.WorkerLostError:
        print("pool stays broken")
    pool.terminate()
"#;

#[test]
fn a_pool_that_loses_a_task_raises_instead_of_hanging() {
    // CPython waits for ever here (bpo-22393).
    let path = write_program("lost_task", LOST_TASK);
    let (code, stdout, stderr) = wait_with_deadline(spawn(&path), Duration::from_secs(20));
    assert_eq!(code, 0, "stderr: {stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("lost: a worker process of the pool (SpawnPoolWorker-"), "{stdout}");
    assert!(lines[0].ends_with(") was killed by SIGKILL; the tasks it held are lost"), "{stdout}");
    assert_eq!(lines[1], "pool stays broken");
    remove_program(&path);
}

const ORPHAN: &str = r#"
import multiprocessing
import os
import time

def sleeper(q):
    q.put(os.getpid())
    time.sleep(60)

if __name__ == "__main__":
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=sleeper, args=(q,))
    p.start()
    print(q.get(), flush=True)
    time.sleep(60)
"#;

#[test]
fn children_end_when_their_parent_dies_first() {
    let path = write_program("orphan", ORPHAN);
    let mut parent = spawn(&path);
    let mut lines = BufReader::new(parent.stdout.take().unwrap()).lines();
    let child_pid: u32 = lines.next().unwrap().unwrap().trim().parse().unwrap();
    assert!(alive(child_pid));
    parent.kill().unwrap();
    parent.wait().unwrap();
    let start = Instant::now();
    while alive(child_pid) {
        assert!(start.elapsed() < Duration::from_secs(10), "child {child_pid} outlived its parent");
        std::thread::sleep(Duration::from_millis(20));
    }
    remove_program(&path);
}
