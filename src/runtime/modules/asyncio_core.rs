//! `_asyncio`: the Python face of the event loop core (`crate::event_loop`): the `Loop` base
//! class (scheduling, readiness, `_run_once`, `_run_forever`), `Handle` / `TimerHandle`, and
//! small helpers for `asyncio.py` (`iscoroutine`, `thread_id`, `print_exception`).

use crate::event_loop::future::{task_callback, AsyncClasses, FutureData};
use crate::event_loop::handle::HandleData;
use crate::event_loop::LoopCore;
use crate::runtime::methods::float::to_float;
use crate::runtime::methods::int::wrap_for_subclass;
use crate::runtime::objects::{Args, BaseKind, Builtin, NativeData, NativeFn, NativeObject, PyClass};
use crate::runtime::types::Types;
use crate::runtime::value::Value;
use crate::vm::{ExcKind, PyException, PyResult, Vm};
use smallvec::SmallVec;
use std::cell::RefCell;
use std::rc::Rc;

/// The native part of an event loop object.
pub struct LoopObj {
    pub core: RefCell<LoopCore>,
    pub classes: Rc<AsyncClasses>,
    /// The Python loop object (an instance of `asyncio.BaseEventLoop`); cleared by `_close`.
    pub py_self: RefCell<Value>,
    pub current_task: RefCell<Value>,
    /// Tasks not done yet (`all_tasks`, and what `asyncio.run` cancels at the end).
    /// Each task knows its index here (`TaskData::slot`), so removal is a `swap_remove`.
    pub tasks: RefCell<Vec<Rc<NativeObject>>>,
    /// Futures that finished with an exception, to report those nobody retrieved.
    pub exc_futures: RefCell<Vec<Value>>,
}

impl LoopObj {
    pub fn of(n: &NativeObject) -> &LoopObj {
        n.downcast::<LoopObj>().expect("loop")
    }

    /// `call_soon(cb, *args)` without the checks: a new handle at the end of the ready queue.
    pub fn push_ready(&self, cb: Value, args: SmallVec<[Value; 2]>) {
        // A task's plain step needs no handle: the queue holds the task (see `run_handle`).
        if args.is_empty() {
            if let Some(task) = task_callback(&cb) {
                self.core.borrow_mut().ready.push_back(task);
                return;
            }
        }
        let h = HandleData::new_object(&self.classes.handle, cb, args, None);
        self.core.borrow_mut().ready.push_back(h);
    }

    pub fn forget_task(&self, task: &Rc<NativeObject>) {
        let Some(slot) = FutureData::of(task).and_then(|f| f.task.as_ref()).map(|t| t.slot.replace(usize::MAX)) else { return };
        let mut tasks = self.tasks.borrow_mut();
        if slot >= tasks.len() || !Rc::ptr_eq(&tasks[slot], task) {
            return;
        }
        tasks.swap_remove(slot);
        if let Some(moved) = tasks.get(slot).and_then(|m| FutureData::of(m)).and_then(|f| f.task.as_ref()) {
            moved.slot.set(slot);
        }
    }

    pub fn remember_task(&self, task: &Rc<NativeObject>) {
        let mut tasks = self.tasks.borrow_mut();
        if let Some(t) = FutureData::of(task).and_then(|f| f.task.as_ref()) {
            t.slot.set(tasks.len());
        }
        tasks.push(task.clone());
    }
}

fn loop_of(vm: &Vm, v: &Value) -> PyResult<Rc<NativeObject>> {
    let target = match v {
        Value::Instance(i) => i.base_value.borrow().clone().unwrap_or(Value::None),
        other => other.clone(),
    };
    match target {
        Value::Native(n) if n.downcast::<LoopObj>().is_some() => Ok(n),
        _ => Err(vm.type_error("descriptor requires a '_asyncio.Loop' object")),
    }
}

fn with_loop<R>(vm: &Vm, v: &Value, f: impl FnOnce(&LoopObj) -> R) -> PyResult<R> {
    let n = loop_of(vm, v)?;
    let l = n.downcast::<LoopObj>().expect("loop");
    Ok(f(l))
}

fn class_attr(vm: &mut Vm, name: &str) -> PyResult<Rc<PyClass>> {
    let module = vm.import_module("_asyncio")?;
    match vm.get_attr(&module, &vm.intern(name))? {
        Value::Class(c) => Ok(c),
        _ => Err(vm.runtime_error(format!("_asyncio.{name} is missing"))),
    }
}

fn classes(vm: &mut Vm) -> PyResult<Rc<AsyncClasses>> {
    let module = vm.import_module("_asyncio")?;
    match vm.get_attr(&module, &vm.intern("_classes"))? {
        Value::Native(n) => match n.downcast::<Rc<AsyncClasses>>() {
            Some(c) => Ok(c.clone()),
            None => Err(vm.runtime_error("_asyncio._classes is broken")),
        },
        _ => Err(vm.runtime_error("_asyncio._classes is missing")),
    }
}

fn loop_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let cls = args.pos[0].clone();
    let base = class_attr(vm, "Loop")?;
    let core = LoopCore::new().map_err(|e| super::os::os_error(vm, &e, None))?;
    let obj = LoopObj {
        core: RefCell::new(core),
        classes: classes(vm)?,
        py_self: RefCell::new(Value::None),
        current_task: RefCell::new(Value::None),
        tasks: RefCell::new(Vec::new()),
        exc_futures: RefCell::new(Vec::new()),
    };
    let n = Rc::new(NativeObject::new(base.clone(), NativeData::Any(Box::new(obj))));
    let v = wrap_for_subclass(vm, &cls, &base, Value::Native(n.clone()));
    *LoopObj::of(&n).py_self.borrow_mut() = v.clone();
    Ok(v)
}

fn loop_init(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::None)
}

fn time(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Float(with_loop(vm, &args.pos[0], |l| l.core.borrow().time())?))
}

/// Splits `(self, [when,] callback, *args)`.
fn callback_args(vm: &mut Vm, args: &Args, name: &str, skip: usize) -> PyResult<(Value, SmallVec<[Value; 2]>)> {
    let Some(cb) = args.pos.get(skip) else {
        return Err(vm.type_error(format!("{name}() missing required argument 'callback'")));
    };
    if !is_callable(vm, cb) {
        let r = repr_lossy(vm, cb);
        return Err(vm.type_error(format!("a callable object was expected by {name}(), got {r}")));
    }
    Ok((cb.clone(), args.pos[skip + 1..].iter().cloned().collect()))
}

/// `callable(v)`, as the builtin decides it.
fn is_callable(vm: &Vm, v: &Value) -> bool {
    match v {
        Value::Function(_) | Value::Builtin(_) | Value::Method(_) | Value::Class(_) => true,
        other => vm.type_of(other).lookup(&vm.interp.names.__call__).is_some(),
    }
}

fn repr_lossy(vm: &mut Vm, v: &Value) -> String {
    vm.repr(v).map(|s| s.as_str().to_string()).unwrap_or_default()
}

fn check_open(vm: &Vm, l: &LoopObj) -> PyResult<()> {
    if l.core.borrow().closed {
        return Err(vm.runtime_error("Event loop is closed"));
    }
    Ok(())
}

fn call_soon(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = loop_of(vm, &args.pos[0])?;
    let l = n.downcast::<LoopObj>().expect("loop");
    check_open(vm, l)?;
    let (cb, rest) = callback_args(vm, &args, "call_soon", 1)?;
    let h = HandleData::new_object(&l.classes.handle, cb, rest, None);
    l.core.borrow_mut().ready.push_back(h.clone());
    Ok(Value::Native(h))
}

fn call_soon_threadsafe(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let waker = with_loop(vm, &args.pos[0], |l| l.core.borrow().waker.clone())?;
    let h = call_soon(vm, args)?;
    let _ = waker.wake();
    Ok(h)
}

fn schedule_at(vm: &mut Vm, args: &Args, when: f64, name: &str) -> PyResult<Value> {
    let n = loop_of(vm, &args.pos[0])?;
    let l = n.downcast::<LoopObj>().expect("loop");
    check_open(vm, l)?;
    let (cb, rest) = callback_args(vm, args, name, 2)?;
    let h = HandleData::new_object(&l.classes.timer, cb, rest, Some(when));
    l.core.borrow_mut().push_timer(when, h.clone());
    Ok(Value::Native(h))
}

fn call_later(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let delay = to_float(vm, args.pos.get(1).unwrap_or(&Value::None))?;
    let now = with_loop(vm, &args.pos[0], |l| l.core.borrow().time())?;
    schedule_at(vm, &args, now + delay, "call_later")
}

fn call_at(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let when = to_float(vm, args.pos.get(1).unwrap_or(&Value::None))?;
    schedule_at(vm, &args, when, "call_at")
}

fn fd_arg(vm: &mut Vm, v: &Value) -> PyResult<i32> {
    let fd = match v {
        Value::Int(i) => *i,
        other => {
            let f = vm.call_method(other, "fileno", Args::default())?;
            vm.to_index(&f)?
        }
    };
    if fd < 0 {
        return Err(vm.value_error(format!("Invalid file descriptor: {fd}")));
    }
    Ok(fd as i32)
}

fn add_watch(vm: &mut Vm, args: Args, writer: bool) -> PyResult<Value> {
    let n = loop_of(vm, &args.pos[0])?;
    let l = n.downcast::<LoopObj>().expect("loop");
    check_open(vm, l)?;
    let fd = fd_arg(vm, args.pos.get(1).unwrap_or(&Value::None))?;
    let (cb, rest) = callback_args(vm, &args, if writer { "add_writer" } else { "add_reader" }, 2)?;
    let h = HandleData::new_object(&l.classes.handle, cb, rest, None);
    let r = l.core.borrow_mut().watch(fd, writer, Some(h));
    r.map_err(|e| super::os::os_error(vm, &e, None))?;
    Ok(Value::None)
}

fn remove_watch(vm: &mut Vm, args: Args, writer: bool) -> PyResult<Value> {
    let n = loop_of(vm, &args.pos[0])?;
    let l = n.downcast::<LoopObj>().expect("loop");
    let fd = fd_arg(vm, args.pos.get(1).unwrap_or(&Value::None))?;
    let r = l.core.borrow_mut().watch(fd, writer, None);
    Ok(Value::Bool(r.unwrap_or(true)))
}

fn add_reader(vm: &mut Vm, args: Args) -> PyResult<Value> {
    add_watch(vm, args, false)
}
fn add_writer(vm: &mut Vm, args: Args) -> PyResult<Value> {
    add_watch(vm, args, true)
}
fn remove_reader(vm: &mut Vm, args: Args) -> PyResult<Value> {
    remove_watch(vm, args, false)
}
fn remove_writer(vm: &mut Vm, args: Args) -> PyResult<Value> {
    remove_watch(vm, args, true)
}

/// One iteration of the loop (see `crate::event_loop` for its shape).
fn run_once_on(vm: &mut Vm, n: &Rc<NativeObject>) -> PyResult<()> {
    let l = n.downcast::<LoopObj>().expect("loop");
    let (poll, events, timeout, has_fds) = {
        let mut c = l.core.borrow_mut();
        let t = c.wait_timeout();
        (c.poll.take(), c.events.take(), t, !c.fds.is_empty())
    };
    let (Some(mut poll), Some(mut events)) = (poll, events) else {
        return Err(vm.runtime_error("This event loop is already running"));
    };
    let fired = if timeout == Some(std::time::Duration::ZERO) && !has_fds {
        l.core.borrow_mut().poll = Some(poll);
        l.core.borrow_mut().events = Some(events);
        Vec::new()
    } else {
        if timeout != Some(std::time::Duration::ZERO) {
            vm.flush_stdout();
        }
        let (poll, events, r) = vm.allow_threads(move || {
            let r = poll.poll(&mut events, timeout);
            (poll, events, r)
        });
        let mut c = l.core.borrow_mut();
        c.poll = Some(poll);
        let fired = match r {
            Ok(()) => c.dispatch_events(&events),
            Err(_) => Vec::new(),
        };
        c.events = Some(events);
        fired
    };
    l.core.borrow_mut().expire_timers();
    let ntodo = l.core.borrow().ready.len();
    for _ in 0..ntodo {
        let Some(h) = l.core.borrow_mut().ready.pop_front() else { break };
        run_handle(vm, &h)?;
    }
    if !fired.is_empty() {
        l.core.borrow_mut().rearm(&fired);
    }
    Ok(())
}

/// Runs one handle; an `Exception` escaping it is reported (CPython's default exception handler)
/// and the loop goes on; other BaseExceptions stop the loop.
fn run_handle(vm: &mut Vm, h: &Rc<NativeObject>) -> PyResult<()> {
    let Some(hd) = HandleData::of(h) else {
        // A task queued for a plain step, or whose sleep ended (it was in the timer heap itself).
        if let Some(t) = FutureData::of(h).and_then(|f| f.task.as_ref()) {
            t.sleep_seq.set(0);
            return super::asyncio_future::task_step(vm, h, None);
        }
        return Ok(());
    };
    if hd.cancelled.get() {
        return Ok(());
    }
    let Some((cb, args)) = hd.callback.borrow().clone() else { return Ok(()) };
    if hd.when.is_some() {
        hd.callback.borrow_mut().take();
    }
    let r = match task_callback(&cb) {
        Some(task) => super::asyncio_future::run_task_callback(vm, &task, &args),
        None => vm.call(&cb, Args::new(args)).map(|_| ()),
    };
    match r {
        Ok(_) => Ok(()),
        Err(e) if vm.exc_matches(&e, ExcKind::Exception) => {
            report_callback_error(vm, h, &e);
            Ok(())
        }
        Err(e) => Err(e),
    }
}

fn report_callback_error(vm: &mut Vm, h: &Rc<NativeObject>, e: &PyException) {
    let text = handle_text(vm, h);
    vm.flush_stdout();
    vm.write_stderr(&format!("Exception in callback {text}\nhandle: <Handle {text}>\n"));
    let _ = vm.print_exception(e);
}

/// `callback(args...)` as CPython's handle reprs show it.
fn handle_text(vm: &mut Vm, h: &Rc<NativeObject>) -> String {
    let Some(hd) = HandleData::of(h) else { return String::new() };
    let Some((cb, args)) = hd.callback.borrow().clone() else { return String::new() };
    let name = vm.get_attr(&cb, &vm.intern("__qualname__")).ok().and_then(|v| v.as_str().map(str::to_string));
    let name = name.unwrap_or_else(|| repr_lossy(vm, &cb));
    let parts: Vec<String> = args.iter().map(|a| repr_lossy(vm, a)).collect();
    format!("{name}({})", parts.join(", "))
}

fn run_once(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = loop_of(vm, &args.pos[0])?;
    run_once_on(vm, &n)?;
    Ok(Value::None)
}

/// `_run_forever()`: iterations until `stop()`; the flags are CPython's.
fn run_forever(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = loop_of(vm, &args.pos[0])?;
    let l = n.downcast::<LoopObj>().expect("loop");
    check_open(vm, l)?;
    if l.core.borrow().running {
        return Err(vm.runtime_error("This event loop is already running"));
    }
    l.core.borrow_mut().running = true;
    let r = loop {
        if let Err(e) = run_once_on(vm, &n) {
            break Err(e);
        }
        if l.core.borrow().stopping {
            break Ok(Value::None);
        }
    };
    let mut c = l.core.borrow_mut();
    c.running = false;
    c.stopping = false;
    r
}

fn stop(vm: &mut Vm, args: Args) -> PyResult<Value> {
    with_loop(vm, &args.pos[0], |l| l.core.borrow_mut().stopping = true)?;
    Ok(Value::None)
}

fn is_running(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Bool(with_loop(vm, &args.pos[0], |l| l.core.borrow().running)?))
}

fn is_closed(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Bool(with_loop(vm, &args.pos[0], |l| l.core.borrow().closed)?))
}

/// `_close()`: drops the queues (what they keep alive goes with them) and the poller.
fn close(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = loop_of(vm, &args.pos[0])?;
    let l = n.downcast::<LoopObj>().expect("loop");
    if l.core.borrow().running {
        return Err(vm.runtime_error("Cannot close a running event loop"));
    }
    let (ready, timers, fds) = {
        let mut c = l.core.borrow_mut();
        c.closed = true;
        (std::mem::take(&mut c.ready), std::mem::take(&mut c.timers), std::mem::take(&mut c.fds))
    };
    let tasks = std::mem::take(&mut *l.tasks.borrow_mut());
    let me = l.py_self.replace(Value::None);
    drop((ready, timers, fds, tasks, me));
    Ok(Value::None)
}

fn handle_of<'a>(vm: &Vm, v: &'a Value) -> PyResult<&'a HandleData> {
    match v {
        Value::Native(n) => HandleData::of(n).ok_or_else(|| vm.type_error("expected a Handle")),
        _ => Err(vm.type_error("expected a Handle")),
    }
}

fn handle_cancel(vm: &mut Vm, args: Args) -> PyResult<Value> {
    handle_of(vm, &args.pos[0])?.cancel();
    Ok(Value::None)
}

fn handle_cancelled(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Bool(handle_of(vm, &args.pos[0])?.cancelled.get()))
}

fn handle_when(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Float(handle_of(vm, &args.pos[0])?.when.unwrap_or(0.0)))
}

fn handle_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let Value::Native(n) = &args.pos[0] else { return Err(vm.type_error("expected a Handle")) };
    let hd = handle_of(vm, &args.pos[0])?;
    let kind = if hd.when.is_some() { "TimerHandle" } else { "Handle" };
    if hd.cancelled.get() {
        return Ok(Value::from_string(format!("<{kind} cancelled>")));
    }
    let n = n.clone();
    let text = handle_text(vm, &n);
    Ok(Value::from_string(format!("<{kind} {text}>")))
}

fn iscoroutine(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Bool(args.pos.first().is_some_and(super::asyncio_future::is_coroutine)))
}

fn create_future(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = loop_of(vm, &args.pos[0])?;
    Ok(super::asyncio_future::new_future(&n))
}

fn create_task(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let n = loop_of(vm, &args.pos[0])?;
    let name = args.take_kw("name").unwrap_or(Value::None);
    let coro = args.take_kw("coro").or_else(|| args.pos.get(1).cloned()).unwrap_or(Value::None);
    super::asyncio_future::new_task(vm, &n, coro, name, None)
}

fn get_current_task(vm: &mut Vm, args: Args) -> PyResult<Value> {
    with_loop(vm, &args.pos[0], |l| l.current_task.borrow().clone())
}

/// `_all_tasks()`: the tasks not done, in creation order.
fn all_tasks(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut tasks: Vec<Rc<NativeObject>> = with_loop(vm, &args.pos[0], |l| l.tasks.borrow().clone())?;
    tasks.retain(|t| FutureData::of(t).is_some_and(|f| !f.done()));
    tasks.sort_by_key(|t| {
        FutureData::of(t).and_then(|f| {
            f.task.as_ref().map(|td| match &*td.name.borrow() {
                Value::Int(i) => *i,
                _ => i64::MAX,
            })
        })
    });
    Ok(Value::list(tasks.into_iter().map(Value::Native).collect()))
}

/// `_take_unretrieved()`: the futures whose exception nobody retrieved (each reported once).
fn take_unretrieved(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let futs = with_loop(vm, &args.pos[0], |l| std::mem::take(&mut *l.exc_futures.borrow_mut()))?;
    let mut out = Vec::new();
    for f in futs {
        let n = crate::event_loop::future::native_of(&f);
        if n.as_ref().and_then(|n| FutureData::of(n)).is_some_and(|d| d.log_tb.replace(false)) {
            out.push(f);
        }
    }
    Ok(Value::list(out))
}

/// An identifier of the calling OS thread (the key of the running-loop table).
fn thread_id(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::thread::current().id().hash(&mut h);
    Ok(Value::Int((h.finish() >> 2) as i64))
}

/// `print_exception(exc)`: the traceback of `exc` on stderr, as for an uncaught exception.
fn print_exception(vm: &mut Vm, args: Args) -> PyResult<Value> {
    if let Some(Value::Instance(i)) = args.pos.first() {
        vm.flush_stdout();
        vm.print_exception(&PyException { value: i.clone() })?;
    }
    Ok(Value::None)
}

/// `write_stderr(text)`: unbuffered, after flushing stdout (so the two interleave as in CPython).
fn write_stderr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let text = vm.str(args.pos.first().unwrap_or(&Value::None))?;
    vm.flush_stdout();
    vm.write_stderr(text.as_str());
    Ok(Value::None)
}

const LOOP_METHODS: &[(&str, NativeFn)] = &[
    ("__new__", loop_new),
    ("__init__", loop_init),
    ("time", time),
    ("call_soon", call_soon),
    ("call_soon_threadsafe", call_soon_threadsafe),
    ("call_later", call_later),
    ("call_at", call_at),
    ("add_reader", add_reader),
    ("add_writer", add_writer),
    ("remove_reader", remove_reader),
    ("remove_writer", remove_writer),
    ("_run_once", run_once),
    ("_run_forever", run_forever),
    ("stop", stop),
    ("is_running", is_running),
    ("is_closed", is_closed),
    ("_close", close),
    ("create_future", create_future),
    ("create_task", create_task),
    ("_get_current_task", get_current_task),
    ("_all_tasks", all_tasks),
    ("_take_unretrieved", take_unretrieved),
];

const HANDLE_METHODS: &[(&str, NativeFn)] = &[("cancel", handle_cancel), ("cancelled", handle_cancelled), ("__repr__", handle_repr)];

const FUNCTIONS: &[(&str, NativeFn)] =
    &[("iscoroutine", iscoroutine), ("thread_id", thread_id), ("print_exception", print_exception), ("write_stderr", write_stderr)];

fn new_class(vm: &Vm, name: &str, base: &Rc<PyClass>, kind: BaseKind) -> Rc<PyClass> {
    let _ = vm;
    let class = PyClass::new(name, vec![base.clone()], kind, false).expect("class");
    *class.module.borrow_mut() = Value::str("asyncio");
    class
}

/// Adds read-only or read-write attributes backed by native getters and setters.
fn add_properties(vm: &Vm, class: &Rc<PyClass>, owner: &'static str, table: &[super::asyncio_future::Getset]) {
    for &(name, get, set) in table {
        let b = |func| Value::Builtin(Rc::new(Builtin { name, func, bound: None, owner: Some(owner) }));
        let data = NativeData::Property { fget: b(get), fset: set.map(b).unwrap_or(Value::None), fdel: Value::None, doc: Value::None };
        let p = Value::Native(Rc::new(NativeObject::new(vm.interp.types.property.clone(), data)));
        class.set_attr(&vm.intern(name), p);
    }
}

fn exception_class(vm: &Vm, name: &str, base: ExcKind) -> Rc<PyClass> {
    let class = PyClass::new(name, vec![vm.exc_class(base)], BaseKind::Exception, true).expect("class");
    *class.module.borrow_mut() = Value::str("asyncio.exceptions");
    class
}

pub fn make(vm: &mut Vm) -> Value {
    use super::asyncio_future as fut;
    let m = super::new_module(vm, "_asyncio", FUNCTIONS);
    for &(name, func) in fut::FUNCTIONS {
        super::set(&m, name, Value::Builtin(Rc::new(Builtin { name, func, bound: None, owner: None })));
    }
    let object = vm.interp.types.object.clone();
    let lp = new_class(vm, "Loop", &object, BaseKind::Object);
    Types::add_methods(&lp, "Loop", LOOP_METHODS);
    let handle = new_class(vm, "Handle", &object, BaseKind::Final);
    Types::add_methods(&handle, "Handle", HANDLE_METHODS);
    let timer = new_class(vm, "TimerHandle", &handle, BaseKind::Final);
    Types::add_methods(&timer, "TimerHandle", &[("when", handle_when)]);
    let future = new_class(vm, "Future", &object, BaseKind::Object);
    Types::add_methods(&future, "Future", fut::FUTURE_METHODS);
    add_properties(vm, &future, "Future", fut::FUTURE_PROPERTIES);
    let task = new_class(vm, "Task", &future, BaseKind::Object);
    Types::add_methods(&task, "Task", fut::TASK_METHODS);
    let sleep = PyClass::new("coroutine", vec![object], BaseKind::Final, false).expect("class");
    Types::add_methods(&sleep, "coroutine", fut::SLEEP_METHODS);
    let classes = AsyncClasses {
        future: future.clone(),
        task: task.clone(),
        handle: handle.clone(),
        timer: timer.clone(),
        sleep: sleep.clone(),
        cancelled_error: exception_class(vm, "CancelledError", ExcKind::BaseException),
        invalid_state: exception_class(vm, "InvalidStateError", ExcKind::Exception),
        task_counter: std::cell::Cell::new(0),
    };
    super::set(&m, "CancelledError", Value::Class(classes.cancelled_error.clone()));
    super::set(&m, "InvalidStateError", Value::Class(classes.invalid_state.clone()));
    let holder = NativeObject::new(object_class(vm), NativeData::Any(Box::new(Rc::new(classes))));
    super::set(&m, "_classes", Value::Native(Rc::new(holder)));
    super::set(&m, "_sleep_type", Value::Class(sleep));
    super::set(&m, "Loop", Value::Class(lp));
    super::set(&m, "Handle", Value::Class(handle));
    super::set(&m, "TimerHandle", Value::Class(timer));
    super::set(&m, "Future", Value::Class(future));
    super::set(&m, "Task", Value::Class(task));
    m
}

fn object_class(vm: &Vm) -> Rc<PyClass> {
    vm.interp.types.object.clone()
}
