//! `_asyncio.Future`, `_asyncio.Task` and `_asyncio.sleep`: the operations of
//! `crate::event_loop::future` with the VM (CPython's `Modules/_asynciomodule.c` in spirit, with
//! the semantics of `Lib/asyncio/futures.py` and `tasks.py`).

use super::asyncio_core::LoopObj;
use crate::event_loop::future::{native_of, FutureData, SleepObj, State, TaskData};
use crate::runtime::methods::float::to_float;
use crate::runtime::methods::int::wrap_for_subclass;
use crate::runtime::objects::{Args, GenKind, NativeData, NativeObject};
use crate::runtime::value::Value;
use crate::vm::generator::GenStep;
use crate::vm::{ExcKind, PyException, PyResult, Vm};
use smallvec::{smallvec, SmallVec};
use std::rc::Rc;

fn loop_of_future(f: &FutureData) -> &LoopObj {
    LoopObj::of(&f.loop_obj)
}

/// The future behind `v` (a Future, a Task, or an instance of a Python subclass).
pub fn future_arg(vm: &Vm, v: &Value) -> PyResult<Rc<NativeObject>> {
    match native_of(v) {
        Some(n) if FutureData::of(&n).is_some() => Ok(n),
        _ => Err(vm.type_error(format!("descriptor requires a '_asyncio.Future' object but received '{}'", vm.type_name(v)))),
    }
}

fn fd(n: &NativeObject) -> &FutureData {
    FutureData::of(n).expect("future")
}

fn exc_value(e: &PyException) -> Value {
    Value::Instance(e.value.clone())
}

fn as_exception(v: &Value) -> Option<PyException> {
    match v {
        Value::Instance(i) if i.exc.is_some() => Some(PyException { value: i.clone() }),
        _ => None,
    }
}

fn invalid_state(vm: &Vm, f: &FutureData, msg: String) -> PyException {
    let cls = loop_of_future(f).classes.invalid_state.clone();
    vm.new_exception(cls, vec![Value::from_string(msg)])
}

fn is_cancelled_error(vm: &Vm, f: &FutureData, e: &PyException) -> bool {
    let _ = vm;
    e.value.class.is_subclass(&loop_of_future(f).classes.cancelled_error)
}

/// Schedules the done-callbacks, each called with the future (`me`) as argument.
fn schedule_callbacks(me: &Value, f: &FutureData) {
    let cbs = std::mem::take(&mut *f.callbacks.borrow_mut());
    let l = loop_of_future(f);
    for cb in cbs {
        l.push_ready(cb, smallvec![me.clone()]);
    }
}

pub fn set_result(vm: &mut Vm, me: &Value, f: &FutureData, v: Value) -> PyResult<()> {
    if f.done() {
        let _ = me;
        return Err(invalid_state(vm, f, "invalid state".into()));
    }
    *f.result.borrow_mut() = v;
    f.state.set(State::Finished);
    schedule_callbacks(me, f);
    Ok(())
}

pub fn set_exception(vm: &mut Vm, me: &Value, f: &FutureData, exc: Value) -> PyResult<()> {
    if f.done() {
        let _ = me;
        return Err(invalid_state(vm, f, "invalid state".into()));
    }
    let exc = match &exc {
        Value::Class(_) => vm.call(&exc, Args::default())?,
        _ => exc,
    };
    let Some(e) = as_exception(&exc) else {
        return Err(vm.type_error("invalid exception object"));
    };
    if Rc::ptr_eq(&e.value.class, &vm.exc_class(ExcKind::StopIteration)) {
        return Err(vm.type_error("StopIteration interacts badly with generators and cannot be raised into a Future"));
    }
    *f.result.borrow_mut() = exc;
    f.is_exc.set(true);
    f.state.set(State::Finished);
    f.log_tb.set(true);
    loop_of_future(f).exc_futures.borrow_mut().push(me.clone());
    schedule_callbacks(me, f);
    Ok(())
}

/// `Future.cancel`: for a plain future (tasks go through `task_cancel`).
fn future_cancel(me: &Value, f: &FutureData, msg: Value) -> bool {
    f.log_tb.set(false);
    if f.done() {
        return false;
    }
    f.state.set(State::Cancelled);
    f.set_cancel_msg(msg);
    schedule_callbacks(me, f);
    true
}

pub fn make_cancelled_error(vm: &Vm, f: &FutureData) -> PyException {
    let prev = f.take_cancelled_exc();
    if let Some(e) = as_exception(&prev) {
        return e;
    }
    let msg = f.cancel_msg();
    let args = if msg.is_none() { vec![] } else { vec![msg] };
    vm.new_exception(loop_of_future(f).classes.cancelled_error.clone(), args)
}

pub fn result(vm: &Vm, f: &FutureData) -> PyResult<Value> {
    match f.state.get() {
        State::Cancelled => Err(make_cancelled_error(vm, f)),
        State::Pending => Err(invalid_state(vm, f, "Result is not set.".into())),
        State::Finished => {
            f.log_tb.set(false);
            let r = f.result.borrow().clone();
            if f.is_exc.get() {
                return Err(as_exception(&r).expect("exception"));
            }
            Ok(r)
        }
    }
}

fn add_done_callback(me: &Value, f: &FutureData, cb: Value) {
    if f.done() {
        loop_of_future(f).push_ready(cb, smallvec![me.clone()]);
    } else {
        f.callbacks.borrow_mut().push(cb);
    }
}

/// Cancels whatever `v` is (native future or task directly, a Python subclass by its method).
fn cancel_value(vm: &mut Vm, v: &Value, msg: Value) -> PyResult<bool> {
    if let Value::Native(n) = v {
        if let Some(f) = FutureData::of(n) {
            return Ok(match &f.task {
                Some(t) => task_cancel(vm, n, f, t, msg)?,
                None => future_cancel(v, f, msg),
            });
        }
    }
    let mut args = Args::default();
    args.kw.push((vm.intern("msg"), msg));
    let r = vm.call_method(v, "cancel", args)?;
    vm.is_true(&r)
}

// ---- tasks ----

fn task_cancel(vm: &mut Vm, task: &Rc<NativeObject>, f: &FutureData, t: &TaskData, msg: Value) -> PyResult<bool> {
    f.log_tb.set(false);
    if f.done() {
        return Ok(false);
    }
    t.num_cancels.set(t.num_cancels.get() + 1);
    let waiter = t.waiter.borrow().clone();
    if t.sleep_seq.replace(0) != 0 {
        // A sleeping task: its timer will not fire, so its step is scheduled now.
        t.must_cancel.set(true);
        f.set_cancel_msg(msg);
        loop_of_future(f).push_ready(Value::Native(task.clone()), SmallVec::new());
        return Ok(true);
    }
    // The awaited future is cancelled first (a Python subclass by its own `cancel`, as
    // `gather`'s future, which cancels its children and completes when they are done).
    let cancelled = !waiter.is_none() && cancel_value(vm, &waiter, msg.clone())?;
    if cancelled {
        return Ok(true);
    }
    t.must_cancel.set(true);
    f.set_cancel_msg(msg);
    Ok(true)
}

/// Runs one handle whose callback is a task: a step, a step with an exception, or a wakeup.
pub fn run_task_callback(vm: &mut Vm, task: &Rc<NativeObject>, args: &[Value]) -> PyResult<()> {
    match args.first() {
        None => task_step(vm, task, None),
        Some(v) => match as_exception(v) {
            Some(e) => task_step(vm, task, Some(e)),
            None => task_wakeup(vm, task, v),
        },
    }
}

fn task_wakeup(vm: &mut Vm, task: &Rc<NativeObject>, fut: &Value) -> PyResult<()> {
    let outcome = match native_of(fut) {
        Some(n) if FutureData::of(&n).is_some() => {
            let f = fd(&n);
            if f.state.get() == State::Finished && !f.is_exc.get() {
                Ok(Value::None)
            } else {
                result(vm, f)
            }
        }
        _ => vm.call_method(fut, "result", Args::default()),
    };
    match outcome {
        Ok(_) => task_step(vm, task, None),
        Err(e) => task_step(vm, task, Some(e)),
    }
}

/// Sends into (or throws into) the task's coroutine once.
fn resume(vm: &mut Vm, coro: &Value, exc: Option<PyException>) -> PyResult<GenStep> {
    match coro {
        Value::Generator(g) => vm.resume_generator(g, Value::None, exc),
        Value::Native(n) if SleepObj::of(n).is_some() => match exc {
            None => sleep_step(vm, coro, SleepObj::of(n).expect("sleep")),
            Some(e) => {
                SleepObj::of(n).expect("sleep").step.set(2);
                Err(e)
            }
        },
        _ => {
            let r = match exc {
                None => vm.call_method(coro, "send", Args::new([Value::None])),
                Some(e) => vm.call_method(coro, "throw", Args::new([exc_value(&e)])),
            };
            match r {
                Ok(v) => Ok(GenStep::Yielded(v)),
                Err(e) if vm.exc_matches(&e, ExcKind::StopIteration) => Ok(GenStep::Returned(crate::vm::generator::stop_value(vm, &e))),
                Err(e) => Err(e),
            }
        }
    }
}

/// `Task.__step`: runs the coroutine to its next suspension and parks the task accordingly.
pub fn task_step(vm: &mut Vm, task: &Rc<NativeObject>, exc: Option<PyException>) -> PyResult<()> {
    let f = fd(task);
    let t = f.task.as_ref().expect("task");
    if f.done() {
        let me = Value::Native(task.clone());
        let r = repr_future(vm, &me, f);
        return Err(invalid_state(vm, f, format!("_step(): already done: {r}")));
    }
    let mut exc = exc;
    if t.must_cancel.get() {
        if !exc.as_ref().is_some_and(|e| is_cancelled_error(vm, f, e)) {
            exc = Some(make_cancelled_error(vm, f));
        }
        t.must_cancel.set(false);
    }
    *t.waiter.borrow_mut() = Value::None;
    let l = loop_of_future(f);
    let me = Value::Native(task.clone());
    let prev = std::mem::replace(&mut *l.current_task.borrow_mut(), me.clone());
    let coro = t.coro.borrow().clone();
    let r = resume(vm, &coro, exc);
    *l.current_task.borrow_mut() = prev;
    match r {
        Ok(GenStep::Yielded(v)) => park(vm, task, f, t, v),
        Ok(GenStep::Returned(v)) => {
            l.forget_task(task);
            if t.must_cancel.get() {
                t.must_cancel.set(false);
                let msg = f.cancel_msg();
                future_cancel(&me, f, msg);
                Ok(())
            } else {
                set_result(vm, &me, f, v)
            }
        }
        Err(e) if is_cancelled_error(vm, f, &e) => {
            l.forget_task(task);
            f.set_cancelled_exc(exc_value(&e));
            future_cancel(&me, f, Value::None);
            Ok(())
        }
        Err(e) => {
            l.forget_task(task);
            set_exception(vm, &me, f, exc_value(&e))?;
            if vm.exc_matches(&e, ExcKind::SystemExit) || vm.exc_matches(&e, ExcKind::KeyboardInterrupt) {
                return Err(e);
            }
            Ok(())
        }
    }
}

/// The coroutine yielded `v`: wait on that future or timer, or run again on the next iteration.
fn park(vm: &mut Vm, task: &Rc<NativeObject>, f: &FutureData, t: &TaskData, v: Value) -> PyResult<()> {
    let l = loop_of_future(f);
    let me = Value::Native(task.clone());
    if v.is_none() {
        l.push_ready(me, SmallVec::new());
        return Ok(());
    }
    if let Some(n) = native_of(&v) {
        if let Some(wf) = FutureData::of(&n) {
            let err = if !Rc::ptr_eq(&wf.loop_obj, &f.loop_obj) {
                Some("got Future {} attached to a different loop")
            } else if !wf.blocking.get() {
                Some("yield was used instead of yield from in task {}")
            } else if Rc::ptr_eq(&n, task) {
                Some("Task cannot await on itself: {}")
            } else {
                None
            };
            if let Some(msg) = err {
                let r = repr_future(vm, &me, f);
                return schedule_error(vm, l, &me, msg.replace("{}", &r));
            }
            wf.blocking.set(false);
            add_done_callback(&v, wf, me);
            *t.waiter.borrow_mut() = v.clone();
            if t.must_cancel.get() {
                let msg = f.cancel_msg();
                if cancel_value(vm, &v, msg)? {
                    t.must_cancel.set(false);
                }
            }
            return Ok(());
        }
        if let Some(s) = SleepObj::of(&n) {
            if t.must_cancel.get() {
                l.push_ready(me, SmallVec::new());
                return Ok(());
            }
            let when = l.core.borrow().time() + s.delay;
            let seq = l.core.borrow_mut().push_timer(when, task.clone());
            t.sleep_seq.set(seq);
            return Ok(());
        }
    }
    park_duck(vm, task, t, v)
}

/// A future-like object of another kind: `_asyncio_future_blocking` and `add_done_callback`.
fn park_duck(vm: &mut Vm, task: &Rc<NativeObject>, t: &TaskData, v: Value) -> PyResult<()> {
    let me = Value::Native(task.clone());
    let l = loop_of_future(fd(task));
    let name = vm.intern("_asyncio_future_blocking");
    match vm.get_attr_opt(&v, &name)? {
        Some(Value::Bool(true)) => {
            vm.set_attr(&v, &name, Value::Bool(false))?;
            let wake = crate::runtime::objects::Builtin { name: "task_wakeup", func: task_wakeup_fn, bound: Some(me), owner: Some("Task") };
            vm.call_method(&v, "add_done_callback", Args::new([Value::Builtin(Rc::new(wake))]))?;
            *t.waiter.borrow_mut() = v;
            Ok(())
        }
        _ => {
            let r = vm.repr(&v)?;
            schedule_error(vm, l, &me, format!("Task got bad yield: {}", r.as_str()))
        }
    }
}

fn task_wakeup_fn(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let task = future_arg(vm, &args.pos[0])?;
    task_wakeup(vm, &task, args.pos.get(1).unwrap_or(&Value::None))?;
    Ok(Value::None)
}

/// Schedules the task's next step with a RuntimeError thrown in.
fn schedule_error(vm: &mut Vm, l: &LoopObj, me: &Value, msg: String) -> PyResult<()> {
    let e = vm.runtime_error(msg);
    l.push_ready(me.clone(), smallvec![exc_value(&e)]);
    Ok(())
}

// ---- sleep ----

fn sleep_step(vm: &Vm, me: &Value, s: &SleepObj) -> PyResult<GenStep> {
    match s.step.get() {
        0 => {
            s.step.set(1);
            Ok(GenStep::Yielded(if s.delay > 0.0 { me.clone() } else { Value::None }))
        }
        1 => {
            s.step.set(2);
            Ok(GenStep::Returned(s.result.replace(Value::None)))
        }
        _ => Err(vm.runtime_error("cannot reuse already awaited coroutine")),
    }
}

/// `await` fast path for the VM: a future or a sleep steps without a Python call.
pub fn native_send(vm: &mut Vm, sub: &Value, n: &Rc<NativeObject>) -> Option<PyResult<GenStep>> {
    if let Some(f) = FutureData::of(n) {
        if f.done() {
            return Some(result(vm, f).map(GenStep::Returned));
        }
        f.blocking.set(true);
        return Some(Ok(GenStep::Yielded(sub.clone())));
    }
    SleepObj::of(n).map(|s| sleep_step(vm, sub, s))
}

/// Whether `v` is awaited as its own iterator.
pub fn is_native_awaitable(n: &NativeObject) -> bool {
    FutureData::of(n).is_some() || SleepObj::of(n).is_some()
}

pub fn is_coroutine(v: &Value) -> bool {
    match v {
        Value::Generator(g) => g.kind == GenKind::Coroutine,
        // `agen.aclose()` and friends: CPython's Coroutine ABC accepts them (the loop's
        // async-generator finalizer runs `aclose()` as a task).
        Value::Native(n) => SleepObj::of(n).is_some() || n.downcast::<crate::runtime::methods::async_gen::Step>().is_some(),
        _ => false,
    }
}

// ---- Python-visible methods ----

fn kw_or_pos(args: &mut Args, name: &str, pos: usize) -> Value {
    args.take_kw(name).or_else(|| args.pos.get(pos).cloned()).unwrap_or(Value::None)
}

/// The loop a new future or task belongs to: `loop=` or the current event loop.
fn loop_arg(vm: &mut Vm, v: Value) -> PyResult<Rc<NativeObject>> {
    let v = if v.is_none() {
        let m = vm.import_module("asyncio")?;
        let get = vm.get_attr(&m, &vm.intern("get_event_loop"))?;
        vm.call(&get, Args::default())?
    } else {
        v
    };
    match native_of(&v) {
        Some(n) if n.downcast::<LoopObj>().is_some() => Ok(n),
        _ => Err(vm.type_error("loop must be an asyncio event loop")),
    }
}

pub fn new_future(l: &Rc<NativeObject>) -> Value {
    let cls = LoopObj::of(l).classes.future.clone();
    let data = FutureData::new(l.clone(), None);
    Value::Native(Rc::new(NativeObject::new(cls, NativeData::Any(Box::new(data)))))
}

fn future_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let cls = args.pos.remove(0);
    let lp = args.take_kw("loop").unwrap_or(Value::None);
    let l = loop_arg(vm, lp)?;
    let v = new_future(&l);
    let base = LoopObj::of(&l).classes.future.clone();
    Ok(wrap_for_subclass(vm, &cls, &base, v))
}

/// A new task running `coro` on loop `l`, its first step scheduled.
pub fn new_task(vm: &mut Vm, l: &Rc<NativeObject>, coro: Value, name: Value, cls: Option<&Value>) -> PyResult<Value> {
    if !is_coroutine(&coro) {
        let r = vm.repr(&coro)?;
        return Err(vm.type_error(format!("a coroutine was expected, got {}", r.as_str())));
    }
    let lo = LoopObj::of(l);
    if lo.core.borrow().closed {
        return Err(vm.runtime_error("Event loop is closed"));
    }
    // CPython's C tasks count every task, named or not.
    let n = lo.classes.task_counter.get() + 1;
    lo.classes.task_counter.set(n);
    let name = if name.is_none() { Value::Int(n as i64) } else { Value::Str(vm.str(&name)?) };
    let td = TaskData {
        coro: std::cell::RefCell::new(coro),
        name: std::cell::RefCell::new(name),
        waiter: std::cell::RefCell::new(Value::None),
        must_cancel: std::cell::Cell::new(false),
        num_cancels: std::cell::Cell::new(0),
        sleep_seq: std::cell::Cell::new(0),
        slot: std::cell::Cell::new(usize::MAX),
    };
    let data = FutureData::new(l.clone(), Some(td));
    let base = lo.classes.task.clone();
    let obj = Rc::new(NativeObject::new(base.clone(), NativeData::Any(Box::new(data))));
    lo.push_ready(Value::Native(obj.clone()), SmallVec::new());
    lo.remember_task(&obj);
    let v = Value::Native(obj);
    Ok(match cls {
        Some(c) => wrap_for_subclass(vm, c, &base, v),
        None => v,
    })
}

fn task_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let cls = args.pos.remove(0);
    let coro = kw_or_pos(&mut args, "coro", 0);
    let lp = args.take_kw("loop").unwrap_or(Value::None);
    let name = args.take_kw("name").unwrap_or(Value::None);
    let l = loop_arg(vm, lp)?;
    new_task(vm, &l, coro, name, Some(&cls))
}

fn noop(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::None)
}

fn self_fut(vm: &Vm, args: &Args) -> PyResult<Rc<NativeObject>> {
    future_arg(vm, args.pos.first().unwrap_or(&Value::None))
}

fn f_cancel(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let n = self_fut(vm, &args)?;
    let me = args.pos[0].clone();
    let msg = kw_or_pos(&mut args, "msg", 1);
    let f = fd(&n);
    Ok(Value::Bool(match &f.task {
        Some(t) => task_cancel(vm, &n, f, t, msg)?,
        None => future_cancel(&me, f, msg),
    }))
}

fn f_cancelled(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Bool(fd(&*self_fut(vm, &args)?).state.get() == State::Cancelled))
}

fn f_done(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Bool(fd(&*self_fut(vm, &args)?).done()))
}

fn f_result(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = self_fut(vm, &args)?;
    result(vm, fd(&n))
}

fn f_exception(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = self_fut(vm, &args)?;
    let f = fd(&n);
    match f.state.get() {
        State::Cancelled => Err(make_cancelled_error(vm, f)),
        State::Pending => Err(invalid_state(vm, f, "Exception is not set.".into())),
        State::Finished => {
            f.log_tb.set(false);
            Ok(if f.is_exc.get() { f.result.borrow().clone() } else { Value::None })
        }
    }
}

fn f_add_done_callback(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = self_fut(vm, &args)?;
    let Some(cb) = args.pos.get(1).cloned() else {
        return Err(vm.type_error("add_done_callback() missing required argument 'fn' (pos 1)"));
    };
    add_done_callback(&args.pos[0], fd(&n), cb);
    Ok(Value::None)
}

fn f_remove_done_callback(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = self_fut(vm, &args)?;
    let target = args.pos.get(1).cloned().unwrap_or(Value::None);
    let cbs = std::mem::take(&mut *fd(&n).callbacks.borrow_mut());
    let mut kept = SmallVec::<[Value; 1]>::new();
    let mut removed = 0;
    for cb in cbs {
        if vm.eq(&cb, &target)? {
            removed += 1;
        } else {
            kept.push(cb);
        }
    }
    let f = fd(&n);
    let mut now = f.callbacks.borrow_mut();
    kept.extend(now.drain(..));
    *now = kept;
    Ok(Value::Int(removed))
}

fn f_set_result(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = self_fut(vm, &args)?;
    if fd(&n).task.is_some() {
        return Err(vm.runtime_error("Task does not support set_result operation"));
    }
    set_result(vm, &args.pos[0], fd(&n), args.pos.get(1).cloned().unwrap_or(Value::None))?;
    Ok(Value::None)
}

fn f_set_exception(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = self_fut(vm, &args)?;
    if fd(&n).task.is_some() {
        return Err(vm.runtime_error("Task does not support set_exception operation"));
    }
    set_exception(vm, &args.pos[0], fd(&n), args.pos.get(1).cloned().unwrap_or(Value::None))?;
    Ok(Value::None)
}

fn f_get_loop(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = self_fut(vm, &args)?;
    let v = loop_of_future(fd(&n)).py_self.borrow().clone();
    Ok(v)
}

fn f_iter(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(args.pos[0].clone())
}

fn f_next(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = self_fut(vm, &args)?;
    match native_send(vm, &args.pos[0], &n).expect("future") {
        Ok(GenStep::Yielded(v)) => Ok(v),
        Ok(GenStep::Returned(v)) => Err(vm.stop_iteration(Some(v))),
        Err(e) => Err(e),
    }
}

/// `throw(exc)` on a future's iterator raises `exc` (CPython's FutureIter).
fn f_throw(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let exc = args.pos.get(1).cloned().unwrap_or(Value::None);
    let exc = match &exc {
        Value::Class(_) => vm.call(&exc, Args::default())?,
        _ => exc,
    };
    match as_exception(&exc) {
        Some(e) => Err(e),
        None => Err(vm.type_error("exceptions must derive from BaseException")),
    }
}

fn f_make_cancelled_error(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = self_fut(vm, &args)?;
    Ok(exc_value(&make_cancelled_error(vm, fd(&n))))
}

fn f_loop(vm: &mut Vm, args: Args) -> PyResult<Value> {
    f_get_loop(vm, args)
}

fn f_state(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::str(fd(&*self_fut(vm, &args)?).state.get().name()))
}

fn f_cancel_message(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(fd(&*self_fut(vm, &args)?).cancel_msg())
}

fn f_blocking(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Bool(fd(&*self_fut(vm, &args)?).blocking.get()))
}

fn f_set_blocking(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = self_fut(vm, &args)?;
    let on = vm.is_true(args.pos.get(1).unwrap_or(&Value::None))?;
    fd(&n).blocking.set(on);
    Ok(Value::None)
}

fn f_log_traceback(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Bool(fd(&*self_fut(vm, &args)?).log_tb.get()))
}

fn f_set_log_traceback(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = self_fut(vm, &args)?;
    let on = vm.is_true(args.pos.get(1).unwrap_or(&Value::None))?;
    fd(&n).log_tb.set(on);
    Ok(Value::None)
}

fn task_name_value(t: &TaskData) -> Value {
    match &*t.name.borrow() {
        Value::Int(n) => Value::from_string(format!("Task-{n}")),
        other => other.clone(),
    }
}

fn task_of<'a>(vm: &Vm, n: &'a NativeObject) -> PyResult<&'a TaskData> {
    fd(n).task.as_ref().ok_or_else(|| vm.type_error("descriptor requires a '_asyncio.Task' object"))
}

fn t_get_name(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = self_fut(vm, &args)?;
    Ok(task_name_value(task_of(vm, &n)?))
}

fn t_set_name(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = self_fut(vm, &args)?;
    let name = vm.str(args.pos.get(1).unwrap_or(&Value::None))?;
    *task_of(vm, &n)?.name.borrow_mut() = Value::Str(name);
    Ok(Value::None)
}

fn t_get_coro(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = self_fut(vm, &args)?;
    let v = task_of(vm, &n)?.coro.borrow().clone();
    Ok(v)
}

fn t_cancelling(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = self_fut(vm, &args)?;
    Ok(Value::Int(task_of(vm, &n)?.num_cancels.get()))
}

fn t_uncancel(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = self_fut(vm, &args)?;
    let t = task_of(vm, &n)?;
    if t.num_cancels.get() > 0 {
        t.num_cancels.set(t.num_cancels.get() - 1);
    }
    Ok(Value::Int(t.num_cancels.get()))
}

fn t_get_stack(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::list(Vec::new()))
}

/// `coro=<name() running at file:line>` / `coro=<name() done>` as in CPython's task reprs.
fn coro_text(vm: &mut Vm, coro: &Value) -> String {
    match coro {
        Value::Generator(g) => match &*g.frame.borrow() {
            Some(fr) => format!("{}() running at {}:{}", g.qualname.as_str(), fr.code.filename, fr.line()),
            None => format!("{}() done", g.qualname.as_str()),
        },
        Value::Native(n) if SleepObj::of(n).is_some() => "sleep()".to_string(),
        other => vm.repr(other).map(|s| s.as_str().to_string()).unwrap_or_default(),
    }
}

pub fn repr_future(vm: &mut Vm, me: &Value, f: &FutureData) -> String {
    let state = f.state.get().name().to_lowercase();
    let mut info = vec![state];
    if let Some(t) = &f.task {
        if t.must_cancel.get() && !f.done() {
            info[0] = "cancelling".into();
        }
        let name = task_name_value(t);
        info.push(format!("name={}", vm.repr(&name).map(|s| s.as_str().to_string()).unwrap_or_default()));
        let coro = t.coro.borrow().clone();
        info.push(format!("coro=<{}>", coro_text(vm, &coro)));
    }
    if f.state.get() == State::Finished {
        let r = f.result.borrow().clone();
        let text = vm.repr(&r).map(|s| s.as_str().to_string()).unwrap_or_default();
        info.push(if f.is_exc.get() { format!("exception={text}") } else { format!("result={text}") });
    }
    if f.task.is_none() && !f.done() && !f.callbacks.borrow().is_empty() {
        info.push(format!("cb=[{} callbacks]", f.callbacks.borrow().len()));
    }
    let cls = vm.type_name(me);
    format!("<{cls} {}>", info.join(" "))
}

fn f_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = self_fut(vm, &args)?;
    Ok(Value::from_string(repr_future(vm, &args.pos[0], fd(&n))))
}

fn sleep(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let delay = kw_or_pos(&mut args, "delay", 0);
    let result = kw_or_pos(&mut args, "result", 1);
    // CPython's sleep compares `delay <= 0` first.
    if !matches!(delay, Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::BigInt(_)) {
        let t = vm.type_name(&delay);
        return Err(vm.type_error(format!("'<=' not supported between instances of '{t}' and 'int'")));
    }
    let delay = to_float(vm, &delay)?;
    let m = vm.import_module("_asyncio")?;
    let cls = match vm.get_attr(&m, &vm.intern("_sleep_type"))? {
        Value::Class(c) => c,
        _ => return Err(vm.runtime_error("_asyncio._sleep_type is missing")),
    };
    let s = SleepObj {
        delay: if delay.is_nan() { 0.0 } else { delay },
        result: std::cell::RefCell::new(result),
        step: std::cell::Cell::new(0),
    };
    Ok(Value::Native(Rc::new(NativeObject::new(cls, NativeData::Any(Box::new(s))))))
}

fn sleep_of(vm: &Vm, v: &Value) -> PyResult<Rc<NativeObject>> {
    match v {
        Value::Native(n) if SleepObj::of(n).is_some() => Ok(n.clone()),
        _ => Err(vm.type_error("expected a coroutine")),
    }
}

fn s_send(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = sleep_of(vm, &args.pos[0])?;
    match sleep_step(vm, &args.pos[0], SleepObj::of(&n).expect("sleep"))? {
        GenStep::Yielded(v) => Ok(v),
        GenStep::Returned(v) => Err(vm.stop_iteration(Some(v))),
    }
}

fn s_throw(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = sleep_of(vm, &args.pos[0])?;
    SleepObj::of(&n).expect("sleep").step.set(2);
    f_throw(vm, args)
}

fn s_close(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = sleep_of(vm, &args.pos[0])?;
    SleepObj::of(&n).expect("sleep").step.set(2);
    Ok(Value::None)
}

fn s_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = sleep_of(vm, &args.pos[0])?;
    Ok(Value::from_string(format!("<coroutine object sleep at {:#x}>", Rc::as_ptr(&n) as *const u8 as usize)))
}

pub const FUTURE_METHODS: &[(&str, crate::runtime::objects::NativeFn)] = &[
    ("__new__", future_new),
    ("__init__", noop),
    ("cancel", f_cancel),
    ("cancelled", f_cancelled),
    ("done", f_done),
    ("result", f_result),
    ("exception", f_exception),
    ("add_done_callback", f_add_done_callback),
    ("remove_done_callback", f_remove_done_callback),
    ("set_result", f_set_result),
    ("set_exception", f_set_exception),
    ("get_loop", f_get_loop),
    ("__await__", f_iter),
    ("__iter__", f_iter),
    ("__next__", f_next),
    ("send", f_next),
    ("throw", f_throw),
    ("_make_cancelled_error", f_make_cancelled_error),
    ("__repr__", f_repr),
];

/// Attributes of futures that CPython code reads directly: (name, getter, setter).
pub type Getset = (&'static str, crate::runtime::objects::NativeFn, Option<crate::runtime::objects::NativeFn>);

pub const FUTURE_PROPERTIES: &[Getset] = &[
    ("_loop", f_loop, None),
    ("_state", f_state, None),
    ("_cancel_message", f_cancel_message, None),
    ("_asyncio_future_blocking", f_blocking, Some(f_set_blocking)),
    ("_log_traceback", f_log_traceback, Some(f_set_log_traceback)),
];

pub const TASK_METHODS: &[(&str, crate::runtime::objects::NativeFn)] = &[
    ("__new__", task_new),
    ("get_name", t_get_name),
    ("set_name", t_set_name),
    ("get_coro", t_get_coro),
    ("cancelling", t_cancelling),
    ("uncancel", t_uncancel),
    ("get_stack", t_get_stack),
];

pub const SLEEP_METHODS: &[(&str, crate::runtime::objects::NativeFn)] = &[
    ("__await__", f_iter),
    ("__iter__", f_iter),
    ("__next__", s_send),
    ("send", s_send),
    ("throw", s_throw),
    ("close", s_close),
    ("__repr__", s_repr),
];

pub const FUNCTIONS: &[(&str, crate::runtime::objects::NativeFn)] = &[("sleep", sleep)];
