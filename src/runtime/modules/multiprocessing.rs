//! `_multiprocessing`: the native layer under `py/multiprocessing.py`. Thin: it turns Python
//! values into bytes (`process::wire`) and hands them to the hub machinery in `src/process/`,
//! releasing the GIL around every wait.

use crate::process::client::{Client, Target};
use crate::process::hub::Hub;
use crate::process::pipe::{Req, Resp, Timeout};
use crate::process::spawn::{Boot, Popen};
use crate::process::wire::{self, HandleCodec, Reader};
use crate::runtime::objects::{Args, BaseKind, NativeData, NativeFn, NativeObject, PyBytes, PyClass};
use crate::runtime::value::Value;
use crate::vm::{ExcKind, PyException, PyResult, Vm};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

const QUEUE: u8 = 0;
const PIPE: u8 = 1;
const LOCK: u8 = 2;
const CELL: u8 = 3;

/// Per-interpreter state, kept in the module as `_state`.
#[derive(Default)]
struct State {
    hub: RefCell<Option<Arc<Hub>>>,
    clients: RefCell<HashMap<String, Arc<Client>>>,
    parent_hub: RefCell<Option<String>>,
    tokens: AtomicU64,
    handle_class: RefCell<Option<Rc<PyClass>>>,
}

/// A shared object: where it lives and which one. Dropping the last reference to a pipe end
/// releases this process's hold on it.
struct Handle {
    kind: u8,
    id: u64,
    side: u8,
    target: Target,
    closed: Cell<bool>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        if self.kind == PIPE && !self.closed.get() {
            let _ = self.target.call(Req::Detach { id: self.id, side: self.side });
        }
    }
}

struct PopenBox(Popen);

fn module(vm: &mut Vm) -> PyResult<Value> {
    vm.import_module("_multiprocessing")
}

fn with_state<R>(vm: &mut Vm, f: impl FnOnce(&State) -> R) -> PyResult<R> {
    let m = module(vm)?;
    let s = vm.get_attr(&m, &vm.intern("_state"))?;
    match &s {
        Value::Native(n) => match n.downcast::<State>() {
            Some(st) => Ok(f(st)),
            None => Err(vm.runtime_error("_multiprocessing state is missing")),
        },
        _ => Err(vm.runtime_error("_multiprocessing state is missing")),
    }
}

/// This process's hub, started on first use.
fn hub(vm: &mut Vm) -> PyResult<Arc<Hub>> {
    let r = with_state(vm, |st| {
        if let Some(h) = st.hub.borrow().as_ref() {
            return Ok(h.clone());
        }
        let h = Hub::start()?;
        *st.hub.borrow_mut() = Some(h.clone());
        Ok(h)
    })?;
    r.map_err(|e: std::io::Error| crate::runtime::modules::os::os_error(vm, &e, None))
}

/// Where the object of hub `path` is reached from this process.
fn target_for(vm: &mut Vm, path: &str) -> PyResult<Target> {
    with_state(vm, |st| {
        if let Some(h) = st.hub.borrow().as_ref().filter(|h| h.path_str() == path) {
            return Target::Local(h.clone());
        }
        Target::Remote(st.clients.borrow_mut().entry(path.to_string()).or_insert_with(|| Client::new(path)).clone())
    })
}

fn new_handle(vm: &mut Vm, kind: u8, id: u64, side: u8, target: Target) -> PyResult<Value> {
    let class = with_state(vm, |st| st.handle_class.borrow().clone())?.ok_or_else(|| vm.runtime_error("no Handle class"))?;
    let h = Handle { kind, id, side, target, closed: Cell::new(false) };
    Ok(Value::Native(Rc::new(NativeObject::new(class, NativeData::Any(Box::new(h))))))
}

fn handle_arg<'a>(vm: &Vm, v: &'a Value) -> PyResult<&'a Handle> {
    match v {
        Value::Native(n) => n.downcast::<Handle>().ok_or_else(|| vm.type_error("expected a _multiprocessing handle")),
        _ => Err(vm.type_error("expected a _multiprocessing handle")),
    }
}

/// Sends `req` to the object's hub with the GIL released.
fn call(vm: &mut Vm, target: &Target, req: Req) -> PyResult<Resp> {
    let t = target.clone();
    let r = vm.allow_threads(move || t.call(req));
    r.map_err(|e| vm.new_error(ExcKind::ConnectionError, format!("lost the process that owns this object: {e}")))
}

/// Encodes handles with their hub path; pipe ends gain a holder for the receiving process,
/// which it adopts on decoding (`Hub::pipe_op`). The hub calls are collected and made by the
/// caller with the GIL released.
#[derive(Default)]
struct Codec {
    pending: RefCell<Vec<(Target, Req)>>,
}

impl HandleCodec for Codec {
    fn encode(&self, obj: &NativeObject, out: &mut Vec<u8>) -> bool {
        let Some(h) = obj.downcast::<Handle>() else { return false };
        out.push(17);
        out.extend_from_slice(&[h.kind, h.side]);
        wire::put_varint(out, h.id);
        wire::put_bytes(out, h.target.path().as_bytes());
        if h.kind == PIPE {
            self.pending.borrow_mut().push((h.target.clone(), Req::Attach { id: h.id, side: h.side, adopt: false }));
        }
        true
    }

    fn decode(&self, vm: &mut Vm, r: &mut Reader) -> PyResult<Value> {
        let bad = |vm: &Vm| vm.new_error(ExcKind::EOFError, "Ran out of input");
        let (kind, side) = (r.u8().ok_or_else(|| bad(vm))?, r.u8().ok_or_else(|| bad(vm))?);
        let id = r.varint().ok_or_else(|| bad(vm))?;
        let path = r.str().ok_or_else(|| bad(vm))?.to_string();
        let target = target_for(vm, &path)?;
        if kind == PIPE {
            self.pending.borrow_mut().push((target.clone(), Req::Attach { id, side, adopt: true }));
        }
        new_handle(vm, kind, id, side, target)
    }
}

impl Codec {
    fn flush(&self, vm: &mut Vm) -> PyResult<()> {
        for (t, req) in self.pending.take() {
            call(vm, &t, req)?;
        }
        Ok(())
    }
}

pub fn dumps_value(vm: &mut Vm, v: &Value) -> PyResult<Vec<u8>> {
    let codec = Codec::default();
    let data = wire::dumps(vm, v, &codec)?;
    codec.flush(vm)?;
    Ok(data)
}

pub fn loads_value(vm: &mut Vm, data: &[u8]) -> PyResult<Value> {
    let codec = Codec::default();
    let v = wire::loads(vm, data, &codec)?;
    codec.flush(vm)?;
    Ok(v)
}

fn bytes_arg(vm: &Vm, v: &Value) -> PyResult<Vec<u8>> {
    match v {
        Value::Bytes(b) | Value::ByteArray(b) => Ok(b.data.borrow().clone()),
        _ => Err(vm.type_error(format!("a bytes-like object is required, not '{}'", vm.type_name(v)))),
    }
}

fn bytes_value(data: Vec<u8>) -> Value {
    Value::Bytes(Rc::new(PyBytes::new(data)))
}

/// `(block, timeout)` as a hub wait: not blocking is a zero wait.
fn timeout_arg(vm: &Vm, block: Option<&Value>, timeout: Option<&Value>) -> PyResult<Timeout> {
    if matches!(block, Some(Value::Bool(false))) {
        return Ok(Some(0.0));
    }
    match timeout {
        None | Some(Value::None) => Ok(None),
        Some(Value::Int(i)) => Ok(Some((*i as f64).max(0.0))),
        Some(Value::Float(f)) => Ok(Some(f.max(0.0))),
        Some(v) => Err(vm.type_error(format!("'{}' object cannot be interpreted as a timeout", vm.type_name(v)))),
    }
}

/// `queue.Empty` or `queue.Full`, as `multiprocessing.Queue` raises them.
fn queue_error(vm: &mut Vm, name: &str) -> PyException {
    let class = vm.import_module("queue").and_then(|m| vm.get_attr(&m, &vm.intern(name)));
    match class {
        Ok(Value::Class(c)) => vm.new_exception(c, vec![]),
        Ok(_) => vm.runtime_error(format!("queue.{name} is not a class")),
        Err(e) => e,
    }
}

fn unexpected(vm: &Vm, r: Resp) -> PyException {
    vm.runtime_error(format!("unexpected answer from the hub: {r:?}"))
}

fn dumps(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("dumps", &args, 1, 1)?;
    Ok(bytes_value(dumps_value(vm, &args.pos[0])?))
}

fn loads(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("loads", &args, 1, 1)?;
    let data = bytes_arg(vm, &args.pos[0])?;
    loads_value(vm, &data)
}

/// `spawn(payload)`: starts a child that will run the encoded `Process`; returns its Popen.
fn spawn(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("spawn", &args, 2, 2)?;
    let payload = bytes_arg(vm, &args.pos[0])?;
    let hub = hub(vm)?;
    let main_file = vm.interp.modules.borrow().get("__main__").cloned();
    let script = match main_file {
        Some(Value::Module(m)) => m.dict.get_str(&vm.interp.names.__file__).and_then(|f| f.as_str().map(str::to_string)),
        _ => None,
    };
    let argv = vm.interp.argv.borrow().clone();
    let search_path = vm.interp.search_path.borrow().iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let boot = Boot { script, argv, search_path, payload };
    // Output written so far goes first, as CPython flushes before it starts a child.
    vm.flush_stdout();
    let popen = with_state(vm, |st| Popen::spawn(&hub, &boot, &st.tokens))?;
    let popen = popen.map_err(|e| crate::runtime::modules::os::os_error(vm, &e, None))?;
    let Value::Class(class) = &args.pos[1] else { return Err(vm.type_error("spawn() needs the Popen class")) };
    Ok(Value::Native(Rc::new(NativeObject::new(class.clone(), NativeData::Any(Box::new(PopenBox(popen)))))))
}

fn popen_arg<'a>(vm: &Vm, v: &'a Value) -> PyResult<&'a Popen> {
    match v {
        Value::Native(n) => n.downcast::<PopenBox>().map(|p| &p.0).ok_or_else(|| vm.type_error("expected a Popen")),
        _ => Err(vm.type_error("expected a Popen")),
    }
}

fn popen_pid(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("popen_pid", &args, 1, 1)?;
    Ok(Value::Int(popen_arg(vm, &args.pos[0])?.pid as i64))
}

/// `popen_wait(p, timeout)`: the exit code, or None if still running after `timeout`.
fn popen_wait(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("popen_wait", &args, 2, 2)?;
    let timeout = timeout_arg(vm, None, args.pos.get(1))?;
    let status = match &args.pos[0] {
        Value::Native(n) => {
            let n = n.clone();
            let Some(p) = n.downcast::<PopenBox>() else { return Err(vm.type_error("expected a Popen")) };
            if timeout == Some(0.0) {
                p.0.wait(Some(0.0))
            } else {
                let (pid, st) = (p.0.pid, p.0.status_handle());
                vm.allow_threads(move || Popen::wait_status(pid, &st, timeout))
            }
        }
        _ => return Err(vm.type_error("expected a Popen")),
    };
    Ok(status.map(|c| Value::Int(c as i64)).unwrap_or(Value::None))
}

fn popen_signal(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("popen_signal", &args, 2, 2)?;
    let sig = match &args.pos[1] {
        Value::Int(i) => *i as i32,
        _ => return Err(vm.type_error("signal number must be an int")),
    };
    popen_arg(vm, &args.pos[0])?.signal(sig);
    Ok(Value::None)
}

fn queue_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("queue_new", &args, 1, 1)?;
    let maxsize = match &args.pos[0] {
        Value::Int(i) if *i > 0 => *i as usize,
        _ => 0,
    };
    let hub = hub(vm)?;
    let id = hub.new_queue(maxsize);
    new_handle(vm, QUEUE, id, 0, Target::Local(hub))
}

/// `queue_put(h, obj, block, timeout, unbounded)`; raises `queue.Full` when a bounded queue
/// stays full. A put on an unbounded queue cannot fail, so it is posted without waiting.
fn queue_put(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("queue_put", &args, 5, 5)?;
    let timeout = timeout_arg(vm, args.pos.get(2), args.pos.get(3))?;
    let data = dumps_value(vm, &args.pos[1])?;
    let h = handle_arg(vm, &args.pos[0])?;
    let (target, id) = (h.target.clone(), h.id);
    let req = match args.pos[4] {
        Value::Bool(true) => Req::Post { id, data },
        _ => Req::Put { id, side: 0, data, timeout },
    };
    match call(vm, &target, req)? {
        Resp::Ok => Ok(Value::None),
        Resp::Full => Err(queue_error(vm, "Full")),
        r => Err(unexpected(vm, r)),
    }
}

/// `queue_get(h, block, timeout)`; raises `queue.Empty` when nothing arrives in time.
fn queue_get(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("queue_get", &args, 3, 3)?;
    let timeout = timeout_arg(vm, args.pos.get(1), args.pos.get(2))?;
    let h = handle_arg(vm, &args.pos[0])?;
    let (target, id) = (h.target.clone(), h.id);
    match call(vm, &target, Req::Get { id, side: 0, timeout })? {
        Resp::Data(d) => loads_value(vm, &d),
        Resp::Empty => Err(queue_error(vm, "Empty")),
        r => Err(unexpected(vm, r)),
    }
}

fn queue_size(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("queue_size", &args, 1, 1)?;
    let h = handle_arg(vm, &args.pos[0])?;
    let (target, id) = (h.target.clone(), h.id);
    match call(vm, &target, Req::Size { id })? {
        Resp::Int(n) => Ok(Value::Int(n)),
        r => Err(unexpected(vm, r)),
    }
}

fn pipe_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("pipe_new", &args, 0, 0)?;
    let hub = hub(vm)?;
    let id = hub.new_pipe();
    let a = new_handle(vm, PIPE, id, 0, Target::Local(hub.clone()))?;
    let b = new_handle(vm, PIPE, id, 1, Target::Local(hub))?;
    Ok(Value::tuple(vec![a, b]))
}

fn open_pipe_end(vm: &Vm, v: &Value) -> PyResult<(Target, u64, u8)> {
    let h = handle_arg(vm, v)?;
    if h.closed.get() {
        return Err(vm.new_error(ExcKind::OSError, "handle is closed"));
    }
    Ok((h.target.clone(), h.id, h.side))
}

fn conn_send(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("conn_send", &args, 2, 2)?;
    let (target, id, side) = open_pipe_end(vm, &args.pos[0])?;
    let data = dumps_value(vm, &args.pos[1])?;
    match call(vm, &target, Req::Put { id, side, data, timeout: None })? {
        Resp::Ok => Ok(Value::None),
        Resp::Broken => Err(vm.new_exception(vm.exc_class(ExcKind::BrokenPipeError), vec![Value::Int(32), Value::str("Broken pipe")])),
        r => Err(unexpected(vm, r)),
    }
}

fn conn_recv(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("conn_recv", &args, 1, 1)?;
    let (target, id, side) = open_pipe_end(vm, &args.pos[0])?;
    match call(vm, &target, Req::Get { id, side, timeout: None })? {
        Resp::Data(d) => loads_value(vm, &d),
        Resp::Eof => Err(vm.new_exception(vm.exc_class(ExcKind::EOFError), vec![])),
        r => Err(unexpected(vm, r)),
    }
}

fn conn_poll(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("conn_poll", &args, 2, 2)?;
    let (target, id, side) = open_pipe_end(vm, &args.pos[0])?;
    let timeout = match &args.pos[1] {
        Value::None => None,
        v => timeout_arg(vm, None, Some(v))?,
    };
    match call(vm, &target, Req::Poll { id, side, timeout })? {
        Resp::Bool(b) => Ok(Value::Bool(b)),
        r => Err(unexpected(vm, r)),
    }
}

fn conn_close(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("conn_close", &args, 1, 1)?;
    let h = handle_arg(vm, &args.pos[0])?;
    if h.closed.replace(true) {
        return Ok(Value::None);
    }
    let (target, id, side) = (h.target.clone(), h.id, h.side);
    call(vm, &target, Req::Detach { id, side })?;
    Ok(Value::None)
}

fn conn_closed(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("conn_closed", &args, 1, 1)?;
    Ok(Value::Bool(handle_arg(vm, &args.pos[0])?.closed.get()))
}

fn lock_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("lock_new", &args, 1, 1)?;
    let recursive = matches!(args.pos[0], Value::Bool(true));
    let hub = hub(vm)?;
    let id = hub.new_lock(recursive);
    new_handle(vm, LOCK, id, 0, Target::Local(hub))
}

/// Who holds a lock: this process and OS thread.
fn owner_id() -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::thread::current().id().hash(&mut h);
    (h.finish() & 0xffff_ffff) << 32 | std::process::id() as u64
}

fn lock_acquire(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("lock_acquire", &args, 3, 3)?;
    let timeout = timeout_arg(vm, args.pos.get(1), args.pos.get(2))?;
    let h = handle_arg(vm, &args.pos[0])?;
    let (target, id) = (h.target.clone(), h.id);
    match call(vm, &target, Req::Acquire { id, owner: owner_id(), timeout })? {
        Resp::Bool(b) => Ok(Value::Bool(b)),
        r => Err(unexpected(vm, r)),
    }
}

fn lock_release(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("lock_release", &args, 1, 1)?;
    let h = handle_arg(vm, &args.pos[0])?;
    let (target, id) = (h.target.clone(), h.id);
    match call(vm, &target, Req::Release { id, owner: owner_id() })? {
        Resp::Ok => Ok(Value::None),
        // CPython's texts: Modules/_multiprocessing/semaphore.c and Lib/multiprocessing/synchronize.py.
        Resp::NotHeld => Err(vm.value_error("semaphore or lock released too many times")),
        Resp::NotOwner => Err(vm.new_error(ExcKind::AssertionError, "attempt to release recursive lock not owned by thread")),
        r => Err(unexpected(vm, r)),
    }
}

fn cell_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("cell_new", &args, 1, 1)?;
    let data = dumps_value(vm, &args.pos[0])?;
    let hub = hub(vm)?;
    let id = hub.new_cell(data);
    new_handle(vm, CELL, id, 0, Target::Local(hub))
}

fn cell_load(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("cell_load", &args, 1, 1)?;
    let h = handle_arg(vm, &args.pos[0])?;
    let (target, id) = (h.target.clone(), h.id);
    match call(vm, &target, Req::Load { id })? {
        Resp::Data(d) => loads_value(vm, &d),
        r => Err(unexpected(vm, r)),
    }
}

fn cell_store(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("cell_store", &args, 2, 2)?;
    let data = dumps_value(vm, &args.pos[1])?;
    let h = handle_arg(vm, &args.pos[0])?;
    let (target, id) = (h.target.clone(), h.id);
    call(vm, &target, Req::Store { id, data })?;
    Ok(Value::None)
}

/// `print_exception(exc)`: the traceback as an uncaught exception prints it.
fn print_exception(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("print_exception", &args, 1, 1)?;
    match &args.pos[0] {
        Value::Instance(i) if i.exc.is_some() => vm.print_exception(&PyException { value: i.clone() })?,
        v => return Err(vm.type_error(format!("print_exception() expects an exception, not '{}'", vm.type_name(v)))),
    }
    Ok(Value::None)
}

/// `parent_hub()`: the socket path of the parent's hub in a worker, None in the main process.
fn parent_hub(vm: &mut Vm, _args: Args) -> PyResult<Value> {
    let p = with_state(vm, |st| st.parent_hub.borrow().clone())?;
    Ok(p.map(Value::from_string).unwrap_or(Value::None))
}

const FUNCTIONS: &[(&str, NativeFn)] = &[
    ("dumps", dumps),
    ("loads", loads),
    ("spawn", spawn),
    ("popen_pid", popen_pid),
    ("popen_wait", popen_wait),
    ("popen_signal", popen_signal),
    ("queue_new", queue_new),
    ("queue_put", queue_put),
    ("queue_get", queue_get),
    ("queue_size", queue_size),
    ("pipe_new", pipe_new),
    ("conn_send", conn_send),
    ("conn_recv", conn_recv),
    ("conn_poll", conn_poll),
    ("conn_close", conn_close),
    ("conn_closed", conn_closed),
    ("lock_new", lock_new),
    ("lock_acquire", lock_acquire),
    ("lock_release", lock_release),
    ("cell_new", cell_new),
    ("cell_load", cell_load),
    ("cell_store", cell_store),
    ("print_exception", print_exception),
    ("parent_hub", parent_hub),
];

fn native_class(vm: &Vm, name: &str) -> Rc<PyClass> {
    let class = PyClass::new(name, vec![vm.interp.types.object.clone()], BaseKind::Object, false).expect("class");
    *class.module.borrow_mut() = Value::str("_multiprocessing");
    class
}

pub fn make(vm: &mut Vm) -> Value {
    let m = super::new_module(vm, "_multiprocessing", FUNCTIONS);
    let state = State::default();
    let handle = native_class(vm, "Handle");
    *state.handle_class.borrow_mut() = Some(handle.clone());
    super::set(&m, "Handle", Value::Class(handle));
    super::set(&m, "Popen", Value::Class(native_class(vm, "Popen")));
    let st = NativeObject::new(native_class(vm, "State"), NativeData::Any(Box::new(state)));
    super::set(&m, "_state", Value::Native(Rc::new(st)));
    m
}

/// Records, in a worker, the hub of the parent process.
pub fn set_parent_hub(vm: &mut Vm, path: &str) {
    let _ = with_state(vm, |st| *st.parent_hub.borrow_mut() = Some(path.to_string()));
}

/// At exit: removes this process's hub socket file.
pub fn shutdown(vm: &mut Vm) {
    if !vm.interp.modules.borrow().contains_key("_multiprocessing") {
        return;
    }
    let _ = with_state(vm, |st| {
        if let Some(h) = st.hub.borrow().as_ref() {
            h.remove_socket();
        }
    });
}
