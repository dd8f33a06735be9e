//! Python threads: real OS threads that run bytecode of the same interpreter, each with its own
//! [`Vm`] and taking the interpreter's GIL for every instruction.
//!
//! Starting one: the callable and its arguments are heap values (`!Send`), so they are sealed in
//! a `platform::Unguarded` together with the interpreter, moved to the new OS thread, and opened
//! there once it holds the GIL. When the thread's function returns, its `Vm` is dropped while
//! the GIL is still held (the guard is the `Vm`'s last field), so no refcount is touched
//! without it.

pub mod lock;
pub mod signals;

use crate::platform::Unguarded;
use crate::runtime::objects::{Args, PyStr};
use crate::runtime::value::Value;
use crate::vm::{ExcKind, PyResult, Vm};
use std::rc::Rc;

/// Native stack of every interpreter thread: room for `MAX_NATIVE_DEPTH` nested `execute`s.
/// Only touched pages are backed by memory.
pub const THREAD_STACK: usize = 512 << 20;

/// `_thread.start_new_thread`: runs `func(*args, **kwargs)` on a new OS thread and returns its
/// identifier (`threading.get_ident()` inside it).
pub fn start_thread(vm: &mut Vm, func: Value, args: Vec<Value>, kwargs: Vec<(Rc<PyStr>, Value)>) -> PyResult<u64> {
    let payload = Unguarded::seal((vm.interp.clone(), func, args, kwargs), &vm.gil);
    let gil = vm.interp.gil.clone();
    vm.interp.thread_count.set(vm.interp.thread_count.get() + 1);
    let spawned = std::thread::Builder::new().name("tpy-thread".into()).stack_size(THREAD_STACK).spawn(move || {
        let guard = gil.acquire("Thread");
        let (interp, func, args, kwargs) = payload.open(&guard);
        let mut vm = Vm::for_thread(interp, guard);
        run_thread(&mut vm, func, args, kwargs);
    });
    match spawned {
        Ok(handle) => {
            use std::os::unix::thread::JoinHandleExt;
            Ok(handle.as_pthread_t())
        }
        Err(_) => {
            vm.interp.thread_count.set(vm.interp.thread_count.get() - 1);
            Err(vm.runtime_error("can't start new thread"))
        }
    }
}

fn run_thread(vm: &mut Vm, func: Value, args: Vec<Value>, kwargs: Vec<(Rc<PyStr>, Value)>) {
    let result = vm.call(&func, Args { pos: args.into_iter().collect(), kw: kwargs });
    if let Err(e) = result {
        if !vm.exc_matches(&e, ExcKind::SystemExit) {
            // What CPython's `_thread` prints when a raw thread's function raises.
            let what = vm.repr(&func).map(|r| r.as_str().to_string()).unwrap_or_default();
            vm.write_stderr(&format!("Exception ignored in thread started by: {what}\n"));
            let _ = vm.print_exception(&e);
        }
    }
    vm.run_pending_closes();
    vm.interp.thread_count.set(vm.interp.thread_count.get() - 1);
}
