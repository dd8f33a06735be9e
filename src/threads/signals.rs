//! SIGINT → `KeyboardInterrupt` in the main thread, as CPython delivers it.
//!
//! A listener thread (signal-hook's self-pipe iterator, so no code of ours runs in the handler)
//! marks the interpreter's [`Signals`] pending, sets `PENDING_CALLS` in `eval_breaker`, and wakes
//! the main thread if it is blocked in an interruptible wait (`Lock.acquire`, `Thread.join`,
//! `time.sleep`). The main thread raises `KeyboardInterrupt` at its next check point or when its
//! wait returns `Interrupted`. Other threads never see it.

use crate::gil::{Gil, PENDING_CALLS};
use parking_lot::{Condvar, Mutex};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

type Waker = Box<dyn Fn() + Send + Sync>;

/// One interpreter's pending-signal state.
#[derive(Default)]
pub struct Signals {
    pending: AtomicBool,
    /// Wakes the main thread's current interruptible wait.
    waker: Mutex<Option<Waker>>,
    /// What an interruptible `time.sleep` waits on.
    sleeper: Arc<(Mutex<()>, Condvar)>,
}

/// Clears the waker when the wait it belongs to ends.
pub struct WakerRegistration<'a>(&'a Signals);

impl Drop for WakerRegistration<'_> {
    fn drop(&mut self) {
        *self.0.waker.lock() = None;
    }
}

impl Signals {
    pub fn is_pending(&self) -> bool {
        self.pending.load(Ordering::Acquire)
    }

    /// Takes the pending signal (the main thread is about to raise `KeyboardInterrupt`).
    pub fn take_pending(&self, gil: &Gil) -> bool {
        gil.eval_breaker.fetch_and(!PENDING_CALLS, Ordering::Relaxed);
        self.pending.swap(false, Ordering::AcqRel)
    }

    pub fn set_waker(&self, waker: Waker) -> WakerRegistration<'_> {
        *self.waker.lock() = Some(waker);
        WakerRegistration(self)
    }

    /// Called by the listener thread when SIGINT arrives.
    pub fn deliver(&self, gil: &Gil) {
        self.pending.store(true, Ordering::Release);
        gil.eval_breaker.fetch_or(PENDING_CALLS, Ordering::Relaxed);
        if let Some(w) = &*self.waker.lock() {
            w();
        }
    }

    /// Sleeps until `deadline`; false if a signal cut the sleep short.
    pub fn sleep_until(&self, deadline: Instant) -> bool {
        let sleeper = self.sleeper.clone();
        // The waker takes the sleeper's mutex, so it cannot fire between our check and our wait.
        let _registration = self.set_waker(Box::new(move || {
            let _held = sleeper.0.lock();
            sleeper.1.notify_all();
        }));
        let mut guard = self.sleeper.0.lock();
        loop {
            if self.is_pending() {
                return false;
            }
            if self.sleeper.1.wait_until(&mut guard, deadline).timed_out() {
                return !self.is_pending();
            }
        }
    }
}

/// Starts the SIGINT listener for the interpreter that owns `signals` and `gil` (the command
/// line's main interpreter). Without it SIGINT keeps its default action.
pub fn listen_for_sigint(signals: Arc<Signals>, gil: Arc<Gil>) {
    let Ok(mut incoming) = signal_hook::iterator::Signals::new([signal_hook::consts::SIGINT]) else { return };
    let spawned = std::thread::Builder::new().name("tpy-signals".into()).spawn(move || {
        for _ in incoming.forever() {
            signals.deliver(&gil);
        }
    });
    drop(spawned);
}

/// Ends the process as the default SIGINT action would (CPython does this after printing an
/// uncaught `KeyboardInterrupt`, so a shell sees the signal).
pub fn die_by_sigint() -> ! {
    let _ = signal_hook::low_level::emulate_default_handler(signal_hook::consts::SIGINT);
    std::process::exit(130)
}
