//! Starting a child: the same tpy binary re-executed with the hidden `--multiprocessing-fork`
//! argument (CPython's spelling). The child fetches its `Boot` from the parent's hub, runs the
//! script as `__mp_main__`, then hands the encoded `Process` object to
//! `multiprocessing._child_main`. A reaper thread waits for each child; a watchdog thread in
//! each child ends it when the parent's hub goes away (the parent died).

use super::client::Client;
use super::hub::Hub;
use super::pipe::{read_frame, write_frame, Req, Resp};
use super::wire::{put_bytes, put_varint, Reader};
use parking_lot::{Condvar, Mutex};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The hidden first argument that makes `tpy` a worker.
pub const WORKER_FLAG: &str = "--multiprocessing-fork";

/// What a child needs to start: the parent's program and what to run.
pub struct Boot {
    pub script: Option<String>,
    pub argv: Vec<String>,
    pub search_path: Vec<String>,
    /// The `Process` object, encoded by `wire::dumps`.
    pub payload: Vec<u8>,
}

impl Boot {
    pub fn encode(&self) -> Vec<u8> {
        let mut o = Vec::new();
        put_bytes(&mut o, self.script.as_deref().unwrap_or("").as_bytes());
        for list in [&self.argv, &self.search_path] {
            put_varint(&mut o, list.len() as u64);
            list.iter().for_each(|s| put_bytes(&mut o, s.as_bytes()));
        }
        put_bytes(&mut o, &self.payload);
        o
    }

    pub fn decode(data: &[u8]) -> Option<Boot> {
        let mut r = Reader::new(data);
        let script = r.str()?.to_string();
        let mut lists = [Vec::new(), Vec::new()];
        for list in lists.iter_mut() {
            for _ in 0..r.varint()? {
                list.push(r.str()?.to_string());
            }
        }
        let [argv, search_path] = lists;
        Some(Boot { script: (!script.is_empty()).then_some(script), argv, search_path, payload: r.bytes()?.to_vec() })
    }
}

/// A started child, as the parent sees it.
pub struct Popen {
    pub pid: u32,
    /// The exit code once the reaper has collected it (negative: killed by that signal).
    status: ExitCell,
}

/// A child's exit code, once known, and the condvar that announces it.
pub type ExitCell = Arc<(Mutex<Option<i32>>, Condvar)>;

impl Popen {
    /// Starts a child that will run `boot`.
    pub fn spawn(hub: &Arc<Hub>, boot: &Boot, tokens: &AtomicU64) -> std::io::Result<Popen> {
        let token = tokens.fetch_add(1, Ordering::Relaxed);
        hub.add_boot(token, boot.encode());
        let exe = std::env::current_exe()?;
        let mut child = Command::new(exe).arg(WORKER_FLAG).arg(format!("{}:{token}", hub.path_str())).stdin(Stdio::null()).spawn()?;
        let pid = child.id();
        let status: ExitCell = Arc::default();
        let s = status.clone();
        std::thread::Builder::new().name("tpy-reaper".into()).stack_size(64 << 10).spawn(move || {
            let code = match child.wait() {
                Ok(st) => st.code().or_else(|| st.signal().map(|sig| -sig)).unwrap_or(1),
                Err(_) => 1,
            };
            *s.0.lock() = Some(code);
            s.1.notify_all();
        })?;
        Ok(Popen { pid, status })
    }

    /// What the reaper fills in; waited on by `wait_status` with the GIL released.
    pub fn status_handle(&self) -> ExitCell {
        self.status.clone()
    }

    /// The exit code, waiting up to `timeout` seconds (`None`: until the child ends).
    pub fn wait(&self, timeout: Option<f64>) -> Option<i32> {
        Popen::wait_status(self.pid, &self.status, timeout)
    }

    pub fn wait_status(_pid: u32, status: &ExitCell, timeout: Option<f64>) -> Option<i32> {
        let deadline = timeout.map(|t| Instant::now() + Duration::from_secs_f64(t.clamp(0.0, 1e9)));
        let mut st = status.0.lock();
        while st.is_none() {
            match deadline {
                None => status.1.wait(&mut st),
                Some(d) => {
                    if status.1.wait_until(&mut st, d).timed_out() {
                        break;
                    }
                }
            }
        }
        *st
    }

    /// Sends `sig` unless the child has already been collected (its pid may be reused).
    pub fn signal(&self, sig: i32) {
        let st = self.status.0.lock();
        if st.is_none() {
            let _ = crate::platform::kill(self.pid as i64, sig as i64);
        }
    }
}

/// The hub path and token when this process was started as a worker.
pub fn worker_spec() -> Option<String> {
    let mut args = std::env::args().skip(1);
    (args.next()? == WORKER_FLAG).then(|| args.next()).flatten()
}

/// Fetches the child's `Boot` from the parent's hub.
pub fn fetch_boot(spec: &str) -> Option<(String, Boot)> {
    let (path, token) = spec.rsplit_once(':')?;
    let resp = Client::new(path).call(&Req::Bootstrap { token: token.parse().ok()? }).ok()?;
    match resp {
        Resp::Data(d) => Some((path.to_string(), Boot::decode(&d)?)),
        _ => None,
    }
}

/// Ends this process when the parent's hub stops answering: a parent that dies first leaves
/// no orphaned workers behind.
pub fn watch_parent(path: String) {
    let _ = std::thread::Builder::new().name("tpy-watchdog".into()).stack_size(64 << 10).spawn(move || {
        if let Ok(mut s) = Client::new(&path).connect() {
            let _ = write_frame(&mut s, &Req::Watch.encode());
            let _ = read_frame(&mut s);
        }
        std::process::exit(1);
    });
}
