//! The hub: the objects a process shares with its children (queues, pipes, locks, values),
//! held as bytes in Rust, and the threads that serve other processes' requests on them over a
//! Unix socket. The owning process calls `Hub::execute` directly; others go through `Client`.

use super::pipe::{read_frame, write_frame, Req, Resp, Timeout};
use crossbeam_channel::{Receiver, RecvTimeoutError, SendTimeoutError, Sender, TrySendError};
use parking_lot::{Condvar, Mutex};
use std::collections::HashMap;
use std::os::unix::net::{UnixListener, UnixStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A `multiprocessing.Queue`: a crossbeam channel of encoded items.
pub struct ChanQueue {
    tx: Sender<Vec<u8>>,
    rx: Receiver<Vec<u8>>,
}

/// One end of a `Pipe`: it receives from channel `side` and sends into the other one. When the
/// last holder closes it, its channel ends are dropped, so the peer sees EOF or a broken pipe.
pub struct PipeEnd {
    holders: u32,
    rx: Option<Receiver<Vec<u8>>>,
    tx: Option<Sender<Vec<u8>>>,
    /// A message taken by `poll` and not yet received.
    peeked: Option<Vec<u8>>,
}

/// A lock shared between processes; `recursive` for `RLock` (and the lock of a `Value`).
pub struct SharedLock {
    state: Mutex<(u64, u32)>,
    freed: Condvar,
    recursive: bool,
}

pub enum Shared {
    Queue(ChanQueue),
    Pipe([Mutex<PipeEnd>; 2]),
    Lock(SharedLock),
    Cell(Mutex<Vec<u8>>),
}

/// Per process: its open hub connections and the pipe ends (object id, side) it holds.
type Holds = (usize, Vec<(u64, u8)>);

pub struct Hub {
    /// The socket's name (see `bind`), which handles carry to reach this hub.
    pub path: String,
    objects: Mutex<HashMap<u64, Arc<Shared>>>,
    next_id: AtomicU64,
    /// What each starting child will run, by its token.
    boots: Mutex<HashMap<u64, Vec<u8>>>,
    /// Pipe ends held by each process, released when its last connection closes.
    attached: Mutex<HashMap<u32, Holds>>,
}

impl Hub {
    /// Starts a hub listening on a fresh socket path.
    pub fn start() -> std::io::Result<Arc<Hub>> {
        let path = socket_name();
        let listener = bind(&path)?;
        let hub = Arc::new(Hub {
            path,
            objects: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
            boots: Mutex::new(HashMap::new()),
            attached: Mutex::new(HashMap::new()),
        });
        let h = hub.clone();
        std::thread::Builder::new().name("tpy-hub".into()).spawn(move || accept_loop(h, listener))?;
        Ok(hub)
    }

    pub fn path_str(&self) -> String {
        self.path.clone()
    }

    fn add(&self, obj: Shared) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.objects.lock().insert(id, Arc::new(obj));
        id
    }

    pub fn new_queue(&self, maxsize: usize) -> u64 {
        let (tx, rx) = if maxsize == 0 { crossbeam_channel::unbounded() } else { crossbeam_channel::bounded(maxsize) };
        self.add(Shared::Queue(ChanQueue { tx, rx }))
    }

    pub fn new_pipe(&self) -> u64 {
        let (tx0, rx0) = crossbeam_channel::unbounded();
        let (tx1, rx1) = crossbeam_channel::unbounded();
        let end = |rx, tx| Mutex::new(PipeEnd { holders: 1, rx: Some(rx), tx: Some(tx), peeked: None });
        self.add(Shared::Pipe([end(rx0, tx1), end(rx1, tx0)]))
    }

    pub fn new_lock(&self, recursive: bool) -> u64 {
        self.add(Shared::Lock(SharedLock { state: Mutex::new((0, 0)), freed: Condvar::new(), recursive }))
    }

    pub fn new_cell(&self, data: Vec<u8>) -> u64 {
        self.add(Shared::Cell(Mutex::new(data)))
    }

    pub fn add_boot(&self, token: u64, data: Vec<u8>) {
        self.boots.lock().insert(token, data);
    }

    /// Serves one request from process `pid`; blocks as long as the request says.
    pub fn execute(&self, pid: u32, req: Req) -> Resp {
        let id = match &req {
            Req::Hello { .. } | Req::Watch => return Resp::Ok,
            Req::Bootstrap { token } => return self.boots.lock().remove(token).map(Resp::Data).unwrap_or(Resp::NoObject),
            Req::Attach { id, .. }
            | Req::Detach { id, .. }
            | Req::Put { id, .. }
            | Req::Get { id, .. }
            | Req::Poll { id, .. }
            | Req::Size { id }
            | Req::Post { id, .. }
            | Req::Acquire { id, .. }
            | Req::Release { id, .. }
            | Req::Load { id }
            | Req::Store { id, .. } => *id,
        };
        let Some(obj) = self.objects.lock().get(&id).cloned() else { return Resp::NoObject };
        match (&*obj, req) {
            (Shared::Queue(q), Req::Put { data, timeout, .. }) => queue_put(q, data, timeout),
            (Shared::Queue(q), Req::Post { data, .. }) => queue_put(q, data, None),
            (Shared::Queue(q), Req::Get { timeout, .. }) => match recv(&q.rx, timeout) {
                Ok(d) => Resp::Data(d),
                Err(_) => Resp::Empty,
            },
            (Shared::Queue(q), Req::Size { .. }) => Resp::Int(q.rx.len() as i64),
            (Shared::Pipe(ends), req) => self.pipe_op(pid, id, ends, req),
            (Shared::Lock(l), Req::Acquire { owner, timeout, .. }) => Resp::Bool(l.acquire(owner, timeout)),
            (Shared::Lock(l), Req::Release { owner, .. }) => l.release(owner),
            (Shared::Lock(l), Req::Size { .. }) => Resp::Int(l.state.lock().1 as i64),
            (Shared::Cell(c), Req::Load { .. }) => Resp::Data(c.lock().clone()),
            (Shared::Cell(c), Req::Store { data, .. }) => {
                *c.lock() = data;
                Resp::Ok
            }
            _ => Resp::NoObject,
        }
    }

    fn pipe_op(&self, pid: u32, id: u64, ends: &[Mutex<PipeEnd>; 2], req: Req) -> Resp {
        match req {
            Req::Attach { side, adopt: false, .. } => {
                ends[side as usize & 1].lock().holders += 1;
                Resp::Ok
            }
            Req::Attach { side, adopt: true, .. } => {
                self.attached.lock().entry(pid).or_default().1.push((id, side));
                Resp::Ok
            }
            Req::Detach { side, .. } => {
                if let Some((_, held)) = self.attached.lock().get_mut(&pid) {
                    if let Some(i) = held.iter().position(|&h| h == (id, side)) {
                        held.remove(i);
                    }
                }
                detach(&ends[side as usize & 1]);
                Resp::Ok
            }
            Req::Put { side, data, .. } => {
                let tx = ends[side as usize & 1].lock().tx.clone();
                match tx.map(|tx| tx.send(data)) {
                    Some(Ok(())) => Resp::Ok,
                    _ => Resp::Broken,
                }
            }
            Req::Get { side, timeout, .. } => pipe_recv(&ends[side as usize & 1], timeout, true),
            Req::Poll { side, timeout, .. } => pipe_recv(&ends[side as usize & 1], timeout, false),
            _ => Resp::NoObject,
        }
    }

    /// A connection of `pid` closed: when it was the last, its pipe ends are released.
    fn disconnected(&self, pid: u32) {
        let released = {
            let mut attached = self.attached.lock();
            let Some(entry) = attached.get_mut(&pid) else { return };
            entry.0 = entry.0.saturating_sub(1);
            if entry.0 > 0 {
                return;
            }
            attached.remove(&pid).map(|e| e.1).unwrap_or_default()
        };
        for (id, side) in released {
            if let Some(obj) = self.objects.lock().get(&id).cloned() {
                if let Shared::Pipe(ends) = &*obj {
                    detach(&ends[side as usize & 1]);
                }
            }
        }
    }
}

fn detach(end: &Mutex<PipeEnd>) {
    let mut e = end.lock();
    e.holders = e.holders.saturating_sub(1);
    if e.holders == 0 {
        e.rx = None;
        e.tx = None;
    }
}

fn queue_put(q: &ChanQueue, data: Vec<u8>, timeout: Timeout) -> Resp {
    let r = match timeout {
        None => q.tx.send(data).map_err(|_| ()),
        Some(t) if t <= 0.0 => q.tx.try_send(data).map_err(|e| if let TrySendError::Full(_) = e {}),
        Some(t) => q.tx.send_timeout(data, Duration::from_secs_f64(t.min(1e9))).map_err(|e| if let SendTimeoutError::Timeout(_) = e {}),
    };
    if r.is_ok() {
        Resp::Ok
    } else {
        Resp::Full
    }
}

fn recv(rx: &Receiver<Vec<u8>>, timeout: Timeout) -> Result<Vec<u8>, RecvTimeoutError> {
    match timeout {
        None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
        Some(t) if t <= 0.0 => {
            rx.try_recv().map_err(|e| if e.is_empty() { RecvTimeoutError::Timeout } else { RecvTimeoutError::Disconnected })
        }
        Some(t) => rx.recv_timeout(Duration::from_secs_f64(t.min(1e9))),
    }
}

/// `recv` (take) or `poll` (look) on a pipe end.
fn pipe_recv(end: &Mutex<PipeEnd>, timeout: Timeout, take: bool) -> Resp {
    let rx = {
        let mut e = end.lock();
        if let Some(d) = if take { e.peeked.take() } else { e.peeked.clone() } {
            return if take { Resp::Data(d) } else { Resp::Bool(true) };
        }
        e.rx.clone()
    };
    let Some(rx) = rx else { return if take { Resp::Eof } else { Resp::Bool(true) } };
    match recv(&rx, timeout) {
        Ok(d) if take => Resp::Data(d),
        Ok(d) => {
            end.lock().peeked = Some(d);
            Resp::Bool(true)
        }
        Err(RecvTimeoutError::Disconnected) => {
            if take {
                Resp::Eof
            } else {
                Resp::Bool(true)
            }
        }
        Err(RecvTimeoutError::Timeout) => {
            if take {
                Resp::Empty
            } else {
                Resp::Bool(false)
            }
        }
    }
}

impl SharedLock {
    fn acquire(&self, owner: u64, timeout: Timeout) -> bool {
        let deadline = timeout.map(|t| Instant::now() + Duration::from_secs_f64(t.clamp(0.0, 1e9)));
        let mut st = self.state.lock();
        loop {
            if st.1 == 0 {
                *st = (owner, 1);
                return true;
            }
            if self.recursive && st.0 == owner {
                st.1 += 1;
                return true;
            }
            match deadline {
                None => self.freed.wait(&mut st),
                Some(d) => {
                    if Instant::now() >= d || self.freed.wait_until(&mut st, d).timed_out() && st.1 != 0 {
                        return false;
                    }
                }
            }
        }
    }

    fn release(&self, owner: u64) -> Resp {
        let mut st = self.state.lock();
        if st.1 == 0 {
            return Resp::NotHeld;
        }
        if self.recursive && st.0 != owner {
            return Resp::NotOwner;
        }
        st.1 -= 1;
        if st.1 == 0 {
            self.freed.notify_one();
        }
        Resp::Ok
    }
}

/// A socket name unique to this process and hub.
fn socket_name() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("tpy-mp-{}-{nanos:x}", std::process::id())
}

/// On Linux the hub listens in the abstract socket namespace: no file to create or remove, and
/// the name disappears with the process however it ends (a killed parent leaves nothing behind).
#[cfg(target_os = "linux")]
fn bind(name: &str) -> std::io::Result<UnixListener> {
    use std::os::linux::net::SocketAddrExt;
    UnixListener::bind_addr(&std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes())?)
}

#[cfg(target_os = "linux")]
pub fn connect(name: &str) -> std::io::Result<UnixStream> {
    use std::os::linux::net::SocketAddrExt;
    UnixStream::connect_addr(&std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes())?)
}

/// Elsewhere: a socket file in the temporary folder, removed at exit (`Hub::remove_socket`).
#[cfg(not(target_os = "linux"))]
fn bind(name: &str) -> std::io::Result<UnixListener> {
    UnixListener::bind(std::env::temp_dir().join(name))
}

#[cfg(not(target_os = "linux"))]
pub fn connect(name: &str) -> std::io::Result<UnixStream> {
    UnixStream::connect(std::env::temp_dir().join(name))
}

fn accept_loop(hub: Arc<Hub>, listener: UnixListener) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let h = hub.clone();
        let _ = std::thread::Builder::new().name("tpy-hub-conn".into()).stack_size(256 << 10).spawn(move || serve(h, stream));
    }
}

/// Answers one connection's requests in order until it closes.
fn serve(hub: Arc<Hub>, mut stream: UnixStream) {
    let Ok(first) = read_frame(&mut stream) else { return };
    let Some(Req::Hello { pid }) = Req::decode(&first) else { return };
    hub.attached.lock().entry(pid).or_default().0 += 1;
    if write_frame(&mut stream, &Resp::Ok.encode()).is_ok() {
        while let Ok(frame) = read_frame(&mut stream) {
            let Some(req) = Req::decode(&frame) else { break };
            if let Req::Watch = req {
                // Held open until this process exits; the child watches for the break.
                let mut sink = [0u8; 1];
                let _ = std::io::Read::read(&mut stream, &mut sink);
                break;
            }
            let answer = !matches!(req, Req::Post { .. });
            let resp = hub.execute(pid, req);
            if answer && write_frame(&mut stream, &resp.encode()).is_err() {
                break;
            }
        }
    }
    hub.disconnected(pid);
}

impl Hub {
    /// Removes the socket file at exit where there is one (the listener thread dies with the
    /// process).
    pub fn remove_socket(&self) {
        if cfg!(not(target_os = "linux")) {
            let _ = std::fs::remove_file(std::env::temp_dir().join(&self.path));
        }
    }
}
