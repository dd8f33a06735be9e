//! Futures, tasks and `sleep` in Rust: the objects every task touches on every step, kept small
//! (no instance dict) and driven without Python-level calls.
//!
//! - A future is its own awaitable iterator: `__next__` yields the future while it is pending
//!   and returns its result once done (CPython's `FutureIter` without the extra object).
//! - A task's done-callback entry for "wake me" is the task object itself (not a bound method):
//!   the loop's `run_handle` recognises it and calls `task_wakeup` / `task_step` directly.
//! - `asyncio.sleep(d)` returns a `SleepObj`, a two-state coroutine: its first step yields
//!   itself, and the task that sees it is put in the timer heap directly (no future, no handle);
//!   its `sleep_seq` names the live entry, so cancelling the task just clears it.

use crate::runtime::objects::{NativeObject, PyClass};
use crate::runtime::value::Value;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum State {
    Pending,
    Cancelled,
    Finished,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Pending => "PENDING",
            State::Cancelled => "CANCELLED",
            State::Finished => "FINISHED",
        }
    }
}

/// The classes and counters shared by every loop of one interpreter (made with `_asyncio`).
pub struct AsyncClasses {
    pub future: Rc<PyClass>,
    pub task: Rc<PyClass>,
    pub handle: Rc<PyClass>,
    pub timer: Rc<PyClass>,
    pub sleep: Rc<PyClass>,
    pub cancelled_error: Rc<PyClass>,
    pub invalid_state: Rc<PyClass>,
    /// Names `Task-N` count over the whole interpreter, as CPython's do.
    pub task_counter: Cell<u64>,
}

pub struct FutureData {
    /// The native loop object (`LoopObj`).
    pub loop_obj: Rc<NativeObject>,
    pub state: Cell<State>,
    /// The result, or the exception instance when `is_exc`.
    pub result: RefCell<Value>,
    pub is_exc: Cell<bool>,
    pub callbacks: RefCell<smallvec::SmallVec<[Value; 1]>>,
    /// `_asyncio_future_blocking`.
    pub blocking: Cell<bool>,
    /// An exception nobody retrieved yet ("Task exception was never retrieved").
    pub log_tb: Cell<bool>,
    /// The cancel message and the CancelledError to re-raise; boxed, as most futures never
    /// get cancelled.
    cancel: RefCell<Option<Box<[Value; 2]>>>,
    pub task: Option<TaskData>,
}

pub struct TaskData {
    pub coro: RefCell<Value>,
    /// `Int(n)` for the default name `Task-n` (formatted on demand), else the str.
    pub name: RefCell<Value>,
    /// What the task waits on: a future, a timer handle (sleep), or None.
    pub waiter: RefCell<Value>,
    pub must_cancel: Cell<bool>,
    pub num_cancels: Cell<i64>,
    /// While the task sleeps: the sequence number of its timer entry (0: not sleeping).
    pub sleep_seq: Cell<u64>,
    /// Index in the loop's list of pending tasks.
    pub slot: Cell<usize>,
}

impl FutureData {
    pub fn new(loop_obj: Rc<NativeObject>, task: Option<TaskData>) -> FutureData {
        FutureData {
            loop_obj,
            state: Cell::new(State::Pending),
            result: RefCell::new(Value::None),
            is_exc: Cell::new(false),
            callbacks: RefCell::new(smallvec::SmallVec::new()),
            blocking: Cell::new(false),
            log_tb: Cell::new(false),
            cancel: RefCell::new(None),
            task,
        }
    }

    pub fn of(obj: &NativeObject) -> Option<&FutureData> {
        obj.downcast::<FutureData>()
    }

    pub fn done(&self) -> bool {
        self.state.get() != State::Pending
    }

    pub fn cancel_msg(&self) -> Value {
        self.cancel.borrow().as_ref().map(|c| c[0].clone()).unwrap_or(Value::None)
    }

    pub fn set_cancel_msg(&self, msg: Value) {
        self.cancel.borrow_mut().get_or_insert_with(|| Box::new([Value::None, Value::None]))[0] = msg;
    }

    pub fn take_cancelled_exc(&self) -> Value {
        self.cancel.borrow_mut().as_mut().map(|c| std::mem::replace(&mut c[1], Value::None)).unwrap_or(Value::None)
    }

    pub fn set_cancelled_exc(&self, exc: Value) {
        self.cancel.borrow_mut().get_or_insert_with(|| Box::new([Value::None, Value::None]))[1] = exc;
    }
}

/// `asyncio.sleep(delay, result)`: 0 = not started, 1 = yielded, 2 = finished.
pub struct SleepObj {
    pub delay: f64,
    pub result: RefCell<Value>,
    pub step: Cell<u8>,
}

impl SleepObj {
    pub fn of(obj: &NativeObject) -> Option<&SleepObj> {
        obj.downcast::<SleepObj>()
    }
}

/// The native object behind a value: itself, or the builtin base of a Python subclass instance.
pub fn native_of(v: &Value) -> Option<Rc<NativeObject>> {
    match v {
        Value::Native(n) => Some(n.clone()),
        Value::Instance(i) => match &*i.base_value.borrow() {
            Some(Value::Native(n)) => Some(n.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// Whether a ready-queue callback is a task's "wake me" entry.
pub fn task_callback(cb: &Value) -> Option<Rc<NativeObject>> {
    match cb {
        Value::Native(n) if FutureData::of(n).is_some_and(|f| f.task.is_some()) => Some(n.clone()),
        _ => None,
    }
}
