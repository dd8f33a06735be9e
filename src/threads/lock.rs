//! The OS-level lock behind `_thread.lock` and `_thread.RLock`: a flag under a parking_lot mutex
//! and a condvar, with timed waits that the main thread's SIGINT can interrupt. Callers wait
//! with the GIL released (`Vm::allow_threads`), so these types hold no heap values.

use super::signals::Signals;
use parking_lot::{Condvar, Mutex};
use std::sync::Arc;
use std::time::Instant;

/// How a blocking acquire ended.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Acquired {
    Yes,
    TimedOut,
    /// A signal arrived for the main thread: handle it, then maybe retry.
    Interrupted,
}

#[derive(Default)]
pub struct LockCore {
    locked: Mutex<bool>,
    freed: Condvar,
}

impl LockCore {
    pub fn new() -> Arc<LockCore> {
        Arc::new(LockCore::default())
    }

    /// Takes the lock if it is free, without waiting.
    pub fn try_acquire(&self) -> bool {
        let mut locked = self.locked.lock();
        !std::mem::replace(&mut *locked, true)
    }

    /// Waits until the lock is free (or `deadline` passes), then takes it. With `signals` (the
    /// main thread), a SIGINT ends the wait early.
    pub fn acquire(self: &Arc<LockCore>, deadline: Option<Instant>, signals: Option<&Signals>) -> Acquired {
        let _registration = signals.map(|s| {
            let me = self.clone();
            s.set_waker(Box::new(move || {
                let _held = me.locked.lock();
                me.freed.notify_all();
            }))
        });
        let mut locked = self.locked.lock();
        loop {
            if signals.is_some_and(|s| s.is_pending()) {
                return Acquired::Interrupted;
            }
            if !*locked {
                *locked = true;
                return Acquired::Yes;
            }
            match deadline {
                Some(d) => {
                    if self.freed.wait_until(&mut locked, d).timed_out() && *locked {
                        return Acquired::TimedOut;
                    }
                }
                None => self.freed.wait(&mut locked),
            }
        }
    }

    /// Frees the lock; false if it was not locked.
    pub fn release(&self) -> bool {
        let mut locked = self.locked.lock();
        if !*locked {
            return false;
        }
        *locked = false;
        self.freed.notify_one();
        true
    }

    pub fn is_locked(&self) -> bool {
        *self.locked.lock()
    }
}
