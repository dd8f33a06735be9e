//! `_thread`: start OS threads, and the locks everything in `threading`, `queue` and
//! `concurrent.futures` is built from (those modules are TinyPy code in `py/`, as CPython keeps
//! them in `Lib/`). Waiting on a lock releases the GIL; in the main thread SIGINT interrupts it.

use crate::runtime::objects::{Args, BaseKind, NativeData, NativeFn, NativeObject, PyClass};
use crate::runtime::types::Types;
use crate::runtime::value::Value;
use crate::threads::lock::{Acquired, LockCore};
use crate::vm::{ExcKind, PyResult, Vm};
use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// CPython's `_thread.TIMEOUT_MAX` on 64-bit Linux.
const TIMEOUT_MAX: f64 = 9223372036.0;

/// `_thread.RLock`: an owner and a count over a plain lock. The cells are only touched under
/// the GIL; the core is what other threads wait on.
struct RLock {
    core: Arc<LockCore>,
    owner: Cell<u64>,
    count: Cell<u64>,
}

fn start_new_thread(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("start_new_thread", &args, 2, 3)?;
    let func = args.pos[0].clone();
    if !matches!(crate::runtime::builtins::core::callable(vm, Args::new([func.clone()]))?, Value::Bool(true)) {
        return Err(vm.type_error("first arg must be callable"));
    }
    let Value::Tuple(t) = &args.pos[1] else { return Err(vm.type_error("2nd arg must be a tuple")) };
    let kwargs = match args.pos.get(2) {
        None | Some(Value::None) => Vec::new(),
        Some(Value::Dict(d)) => d.map.borrow().items().into_iter().filter_map(|(k, v)| k.as_pystr().map(|k| (k.clone(), v))).collect(),
        Some(_) => return Err(vm.type_error("optional 3rd arg must be a dictionary")),
    };
    let ident = crate::threads::start_thread(vm, func, t.items.to_vec(), kwargs)?;
    Ok(Value::Int(ident as i64))
}

fn get_ident(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("_thread.get_ident", &args, 0, 0)?;
    Ok(Value::from_bigint(crate::platform::thread_ident().into()))
}

fn get_native_id(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("_thread.get_native_id", &args, 0, 0)?;
    Ok(Value::Int(crate::platform::native_thread_id() as i64))
}

fn count(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("_thread._count", &args, 0, 0)?;
    Ok(Value::Int(vm.interp.thread_count.get() as i64))
}

/// `_thread._set_thread_name(name)` (tpy only): the name `--gil-stats` and `--gil-trace` show.
fn set_thread_name(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("_set_thread_name", &args, 1, 1)?;
    let name = vm.str(&args.pos[0])?;
    vm.interp.gil.set_thread_name(vm.gil.thread(), name.as_str());
    Ok(Value::None)
}

/// `_thread._excepthook(args)`: the default `threading.excepthook`.
fn excepthook(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("_excepthook", &args, 1, 1)?;
    let a = &args.pos[0];
    let exc_type = vm.get_attr(a, &vm.intern("exc_type"))?;
    if let Value::Class(c) = &exc_type {
        if c.is_subclass(&vm.exc_class(ExcKind::SystemExit)) {
            return Ok(Value::None);
        }
    }
    let thread = vm.get_attr(a, &vm.intern("thread"))?;
    let name = match thread {
        Value::None => crate::platform::thread_ident().to_string(),
        t => {
            let n = vm.get_attr(&t, &vm.intern("name"))?;
            vm.str(&n)?.as_str().to_string()
        }
    };
    vm.write_stderr(&format!("Exception in thread {name}:\n"));
    match vm.get_attr(a, &vm.intern("exc_value"))? {
        Value::Instance(i) if i.exc.is_some() => vm.print_exception(&crate::vm::PyException { value: i })?,
        other => {
            let text = vm.str(&other)?;
            vm.write_stderr(&format!("{}\n", text.as_str()));
        }
    }
    Ok(Value::None)
}

/// `_thread._print_exception(exc)` (tpy only): the traceback `sys.excepthook` would print.
fn print_exception(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("_print_exception", &args, 1, 1)?;
    match &args.pos[0] {
        Value::Instance(i) if i.exc.is_some() => vm.print_exception(&crate::vm::PyException { value: i.clone() })?,
        _ => return Err(vm.type_error("_print_exception() argument must be an exception")),
    }
    Ok(Value::None)
}

fn allocate_lock(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("_thread.allocate_lock", &args, 0, 0)?;
    let class = module_class(vm, "LockType")?;
    Ok(Value::Native(Rc::new(NativeObject::new(class, NativeData::Any(Box::new(LockCore::new()))))))
}

fn rlock_new(vm: &mut Vm, _args: Args) -> PyResult<Value> {
    let class = module_class(vm, "RLock")?;
    let r = RLock { core: LockCore::new(), owner: Cell::new(0), count: Cell::new(0) };
    Ok(Value::Native(Rc::new(NativeObject::new(class, NativeData::Any(Box::new(r))))))
}

/// A class of this interpreter's `_thread` module.
fn module_class(vm: &mut Vm, name: &str) -> PyResult<Rc<PyClass>> {
    let module = vm.import_module("_thread")?;
    match vm.get_attr(&module, &vm.intern(name))? {
        Value::Class(c) => Ok(c),
        _ => Err(vm.runtime_error(format!("_thread.{name} is missing"))),
    }
}

fn lock_of(vm: &Vm, v: &Value) -> PyResult<Arc<LockCore>> {
    match v {
        Value::Native(n) => n.downcast::<Arc<LockCore>>().cloned().ok_or_else(|| vm.type_error("a _thread.lock is required")),
        _ => Err(vm.type_error("a _thread.lock is required")),
    }
}

fn rlock_of(vm: &Vm, v: &Value) -> PyResult<Rc<NativeObject>> {
    match v {
        Value::Native(n) if n.downcast::<RLock>().is_some() => Ok(n.clone()),
        _ => Err(vm.type_error("a _thread.RLock is required")),
    }
}

/// Parses `acquire(blocking=True, timeout=-1)`: `None` = wait forever, `Some(d)` = at most `d`,
/// `Some(ZERO)` = do not wait.
fn wait_limit(vm: &mut Vm, mut args: Args) -> PyResult<Option<Duration>> {
    let blocking = args.take_kw("blocking").or_else(|| args.pos.get(1).cloned());
    let timeout = args.take_kw("timeout").or_else(|| args.pos.get(2).cloned());
    if let Some((k, _)) = args.kw.first() {
        return Err(vm.type_error(format!("'{}' is an invalid keyword argument for acquire()", k.as_str())));
    }
    if args.pos.len() > 3 {
        return Err(vm.type_error(format!("acquire() takes at most 2 arguments ({} given)", args.pos.len() - 1)));
    }
    // CPython 3.11 parses `blocking` as a C int, not by truth.
    let blocking = match blocking {
        Some(Value::Bool(b)) => b,
        Some(Value::Int(i)) => i != 0,
        Some(other) => return Err(vm.type_error(format!("'{}' object cannot be interpreted as an integer", vm.type_name(&other)))),
        None => true,
    };
    let timeout = match timeout {
        Some(t) => crate::runtime::modules::time::seconds_arg(vm, &t)?,
        None => -1.0,
    };
    if !blocking && timeout != -1.0 {
        return Err(vm.value_error("can't specify a timeout for a non-blocking call"));
    }
    if timeout < 0.0 && timeout != -1.0 {
        return Err(vm.value_error("timeout value must be positive"));
    }
    if timeout > TIMEOUT_MAX {
        return Err(vm.new_error(ExcKind::OverflowError, "timestamp out of range for platform time_t"));
    }
    Ok(match (blocking, timeout) {
        (false, _) => Some(Duration::ZERO),
        (true, t) if t < 0.0 => None,
        (true, t) => Some(Duration::from_secs_f64(t)),
    })
}

/// Takes `core`, waiting with the GIL released; `KeyboardInterrupt` ends the wait in the main
/// thread.
pub fn acquire_core(vm: &mut Vm, core: &Arc<LockCore>, limit: Option<Duration>) -> PyResult<bool> {
    if core.try_acquire() {
        return Ok(true);
    }
    if limit == Some(Duration::ZERO) {
        return Ok(false);
    }
    let deadline = limit.and_then(|d| Instant::now().checked_add(d));
    loop {
        let signals = vm.is_main_thread().then(|| vm.interp.signals.clone());
        let c = core.clone();
        match vm.allow_threads(move || c.acquire(deadline, signals.as_deref())) {
            Acquired::Yes => return Ok(true),
            Acquired::TimedOut => return Ok(false),
            Acquired::Interrupted => vm.check_signals()?,
        }
    }
}

fn lock_acquire(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let core = lock_of(vm, &args.pos[0])?;
    let limit = wait_limit(vm, args)?;
    Ok(Value::Bool(acquire_core(vm, &core, limit)?))
}

fn lock_release(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let core = lock_of(vm, &args.pos[0])?;
    if !core.release() {
        return Err(vm.runtime_error("release unlocked lock"));
    }
    Ok(Value::None)
}

fn lock_exit(vm: &mut Vm, args: Args) -> PyResult<Value> {
    lock_release(vm, Args::new([args.pos[0].clone()]))
}

fn lock_locked(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Bool(lock_of(vm, &args.pos[0])?.is_locked()))
}

fn lock_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let core = lock_of(vm, &args.pos[0])?;
    let state = if core.is_locked() { "locked" } else { "unlocked" };
    Ok(Value::from_string(format!("<{state} _thread.lock object at {:#x}>", crate::vm::repr::addr(&args.pos[0]))))
}

fn rlock_acquire(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let obj = rlock_of(vm, &args.pos[0])?;
    let limit = wait_limit(vm, args)?;
    let me = crate::platform::thread_ident();
    let r = obj.downcast::<RLock>().expect("rlock");
    if r.count.get() > 0 && r.owner.get() == me {
        r.count.set(r.count.get() + 1);
        return Ok(Value::Bool(true));
    }
    let core = r.core.clone();
    if !acquire_core(vm, &core, limit)? {
        return Ok(Value::Bool(false));
    }
    r.owner.set(me);
    r.count.set(1);
    Ok(Value::Bool(true))
}

fn rlock_release(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let obj = rlock_of(vm, &args.pos[0])?;
    let r = obj.downcast::<RLock>().expect("rlock");
    if r.count.get() == 0 || r.owner.get() != crate::platform::thread_ident() {
        return Err(vm.runtime_error("cannot release un-acquired lock"));
    }
    r.count.set(r.count.get() - 1);
    if r.count.get() == 0 {
        r.owner.set(0);
        r.core.release();
    }
    Ok(Value::None)
}

fn rlock_exit(vm: &mut Vm, args: Args) -> PyResult<Value> {
    rlock_release(vm, Args::new([args.pos[0].clone()]))
}

fn rlock_is_owned(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let obj = rlock_of(vm, &args.pos[0])?;
    let r = obj.downcast::<RLock>().expect("rlock");
    Ok(Value::Bool(r.count.get() > 0 && r.owner.get() == crate::platform::thread_ident()))
}

fn rlock_recursion_count(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let obj = rlock_of(vm, &args.pos[0])?;
    let r = obj.downcast::<RLock>().expect("rlock");
    let mine = r.owner.get() == crate::platform::thread_ident();
    Ok(Value::Int(if mine { r.count.get() as i64 } else { 0 }))
}

/// `_release_save()`: releases completely (for `Condition.wait`), returning `(count, owner)`.
fn rlock_release_save(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let obj = rlock_of(vm, &args.pos[0])?;
    let r = obj.downcast::<RLock>().expect("rlock");
    if r.count.get() == 0 {
        return Err(vm.runtime_error("cannot release un-acquired lock"));
    }
    let state = Value::tuple(vec![Value::Int(r.count.get() as i64), Value::from_bigint(r.owner.get().into())]);
    r.count.set(0);
    r.owner.set(0);
    r.core.release();
    Ok(state)
}

/// `_acquire_restore((count, owner))`: takes the lock back after `Condition.wait`.
fn rlock_acquire_restore(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("_acquire_restore", &args, 2, 2)?;
    let obj = rlock_of(vm, &args.pos[0])?;
    let state = vm.collect(&args.pos[1])?;
    let (count, owner) = match state.as_slice() {
        [c, o] => (vm.to_index(c)? as u64, crate::vm::ops::as_bigint(o).and_then(|b| u64::try_from(b).ok()).unwrap_or(0)),
        _ => return Err(vm.type_error("_acquire_restore() argument must be a (count, owner) pair")),
    };
    let core = obj.downcast::<RLock>().expect("rlock").core.clone();
    acquire_core(vm, &core, None)?;
    let r = obj.downcast::<RLock>().expect("rlock");
    r.owner.set(owner);
    r.count.set(count);
    Ok(Value::None)
}

fn rlock_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let obj = rlock_of(vm, &args.pos[0])?;
    let r = obj.downcast::<RLock>().expect("rlock");
    let state = if r.count.get() > 0 { "locked" } else { "unlocked" };
    let addr = crate::vm::repr::addr(&args.pos[0]);
    Ok(Value::from_string(format!("<{state} _thread.RLock object owner={} count={} at {addr:#x}>", r.owner.get(), r.count.get())))
}

const FUNCTIONS: &[(&str, NativeFn)] = &[
    ("start_new_thread", start_new_thread),
    ("allocate_lock", allocate_lock),
    ("get_ident", get_ident),
    ("get_native_id", get_native_id),
    ("_count", count),
    ("_set_thread_name", set_thread_name),
    ("_excepthook", excepthook),
    ("_print_exception", print_exception),
];

const LOCK_METHODS: &[(&str, NativeFn)] = &[
    ("acquire", lock_acquire),
    ("acquire_lock", lock_acquire),
    ("__enter__", lock_acquire),
    ("release", lock_release),
    ("release_lock", lock_release),
    ("__exit__", lock_exit),
    ("locked", lock_locked),
    ("locked_lock", lock_locked),
    ("__repr__", lock_repr),
];

const RLOCK_METHODS: &[(&str, NativeFn)] = &[
    ("__new__", rlock_new_method),
    ("acquire", rlock_acquire),
    ("__enter__", rlock_acquire),
    ("release", rlock_release),
    ("__exit__", rlock_exit),
    ("_is_owned", rlock_is_owned),
    ("_recursion_count", rlock_recursion_count),
    ("_release_save", rlock_release_save),
    ("_acquire_restore", rlock_acquire_restore),
    ("__repr__", rlock_repr),
];

fn rlock_new_method(vm: &mut Vm, _args: Args) -> PyResult<Value> {
    rlock_new(vm, Args::default())
}

pub fn make(vm: &mut Vm) -> Value {
    let m = super::new_module(vm, "_thread", FUNCTIONS);
    let object = vm.interp.types.object.clone();
    let lock = PyClass::new("lock", vec![object.clone()], BaseKind::Final, false).expect("class");
    *lock.module.borrow_mut() = Value::str("_thread");
    Types::add_methods(&lock, "lock", LOCK_METHODS);
    let rlock = PyClass::new("RLock", vec![object], BaseKind::Final, false).expect("class");
    *rlock.module.borrow_mut() = Value::str("_thread");
    Types::add_methods(&rlock, "RLock", RLOCK_METHODS);
    super::set(&m, "LockType", Value::Class(lock));
    super::set(&m, "RLock", Value::Class(rlock));
    super::set(&m, "TIMEOUT_MAX", Value::Float(TIMEOUT_MAX));
    super::set(&m, "error", Value::Class(vm.exc_class(ExcKind::RuntimeError)));
    m
}
