//! The global interpreter lock: one per interpreter, held by a thread for every bytecode it runs.
//!
//! Notes about the implementation (this session's state; the GIL issue completes it):
//! 1. State: `locked` (is the GIL held), `holder_waiting` condvar, and `eval_breaker`, the one
//!    atomic the VM loads (relaxed) at its check points: backward jumps, function entry, after calls.
//! 2. A running thread holds a [`GilGuard`]; heap values can only be opened with one
//!    (`platform::Unguarded::open`), so a thread without the GIL cannot reach an object.
//! 3. A blocking builtin releases the GIL through `Vm::allow_threads` (the one helper, so one grep
//!    lists them all) and takes it back after.
//! 4. `eval_breaker` is set when another thread asks for the GIL; the holder notices at its next
//!    check point and drops it (CPython's `eval_breaker` in `Python/ceval_gil.c`).

use parking_lot::{Condvar, Mutex};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

/// Bit in `eval_breaker`: another thread is waiting for the GIL.
pub const GIL_DROP_REQUEST: u32 = 1;
/// Bit in `eval_breaker`: `-X switch=every-instruction` style checking, or a pending signal.
pub const PENDING_CALLS: u32 = 2;

/// The lock itself, shared by every thread of one interpreter.
pub struct Gil {
    locked: Mutex<bool>,
    released: Condvar,
    /// Checked by the VM at every check point with one relaxed load.
    pub eval_breaker: AtomicU32,
}

/// Proof that the current thread holds the GIL. Not `Send`: it stays on the thread that took it.
pub struct GilGuard {
    gil: Arc<Gil>,
    _not_send: std::marker::PhantomData<*const ()>,
}

impl Gil {
    pub fn new() -> Arc<Gil> {
        Arc::new(Gil { locked: Mutex::new(false), released: Condvar::new(), eval_breaker: AtomicU32::new(0) })
    }

    /// Blocks until the GIL is free, then takes it.
    pub fn acquire(self: &Arc<Gil>) -> GilGuard {
        self.lock();
        GilGuard { gil: self.clone(), _not_send: std::marker::PhantomData }
    }

    fn lock(&self) {
        let mut locked = self.locked.lock();
        while *locked {
            self.eval_breaker.fetch_or(GIL_DROP_REQUEST, Ordering::Relaxed);
            self.released.wait(&mut locked);
        }
        *locked = true;
    }

    fn release(&self) {
        let mut locked = self.locked.lock();
        *locked = false;
        self.eval_breaker.fetch_and(!GIL_DROP_REQUEST, Ordering::Relaxed);
        self.released.notify_one();
    }
}

impl GilGuard {
    /// The GIL's identity: its address, unique while the interpreter lives.
    pub fn gil_id(&self) -> usize {
        Arc::as_ptr(&self.gil) as usize
    }

    pub fn gil(&self) -> &Arc<Gil> {
        &self.gil
    }

    /// Releases the GIL around `f` (a blocking call) and takes it back after. `f` must be `Send`,
    /// so it cannot capture heap values: the compiler enforces that nothing touches the heap
    /// while the GIL is released.
    pub fn allow_threads<R, F: FnOnce() -> R + Send>(&mut self, f: F) -> R {
        self.gil.release();
        let result = f();
        self.gil.lock();
        result
    }

    /// A check point found the drop request set: let a waiting thread run, then continue.
    pub fn yield_to_waiters(&mut self) {
        self.allow_threads(std::thread::yield_now);
    }
}

impl Drop for GilGuard {
    fn drop(&mut self) {
        self.gil.release();
    }
}
