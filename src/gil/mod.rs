//! The global interpreter lock: one per interpreter, held by a thread for every bytecode it runs.
//!
//! The algorithm is CPython 3.11's "new GIL" (`Python/ceval_gil.c`):
//!
//! 1. State, under one mutex: `locked`, the holder, `switch_number` (bumped at every take) and
//!    the number of waiters. `eval_breaker` is the one atomic the VM loads (relaxed) at its
//!    check points: backward jumps, function entry, after calls (or every instruction with
//!    `-X switch=every-instruction`).
//! 2. A thread that wants the GIL while it is held waits on `released` for at most the switch
//!    interval (`sys.setswitchinterval`, default 5 ms). If the interval passes and no switch
//!    happened meanwhile (`switch_number` unchanged), it sets `GIL_DROP_REQUEST` in
//!    `eval_breaker` and waits again. Waking is not FIFO: the OS picks among the waiters.
//! 3. The holder sees the request at its next check point and makes a *forced* drop: it releases
//!    the GIL, then waits on `switched` until another thread has taken it (FORCE_SWITCHING), so
//!    that it cannot win it straight back. Then it queues for the GIL like any other thread.
//! 4. A *voluntary* drop, around a call that can block (`GilGuard::allow_threads`), releases
//!    without waiting: the blocking call is where the time goes anyway.
//! 5. The thread that takes the GIL clears a pending drop request; the remaining waiters set it
//!    again once their own interval passes.
//!
//! Everything waits on parking_lot condvars: no busy waiting. A [`GilGuard`] is the proof that
//! the current thread holds the GIL; heap values can only be opened with one
//! (`platform::Unguarded::open`). With `--gil-stats` / `--gil-trace` an [`observe::Observer`]
//! records every transition under the same mutex, so its timestamps are exact; without them the
//! only cost is one `Option` test per take and drop (never per instruction).

pub mod observe;

use observe::{Observer, ThreadState};
use parking_lot::{Condvar, Mutex};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Bit in `eval_breaker`: a thread has waited a whole switch interval for the GIL.
pub const GIL_DROP_REQUEST: u32 = 1;
/// Bit in `eval_breaker`: a signal (SIGINT) waits to be handled by the main thread.
pub const PENDING_CALLS: u32 = 2;

/// Identifies one thread to the GIL (an index into the observer's table).
pub type ThreadId = u32;

struct State {
    locked: bool,
    holder: ThreadId,
    switch_number: u64,
    waiters: u32,
    next_thread: ThreadId,
    /// Set at interpreter exit: only this thread may take the GIL again (daemon threads stay
    /// parked, as CPython's finalization leaves them).
    finalizing: Option<ThreadId>,
    observer: Option<Box<Observer>>,
}

/// The lock itself, shared by every thread of one interpreter.
pub struct Gil {
    state: Mutex<State>,
    /// Signalled when the GIL is released (CPython's `gil->cond`).
    released: Condvar,
    /// Signalled when a thread takes the GIL (CPython's `gil->switch_cond`).
    switched: Condvar,
    /// Checked by the VM at every check point with one relaxed load.
    pub eval_breaker: AtomicU32,
    /// The switch interval in microseconds, as CPython stores it.
    interval_us: AtomicU64,
    /// `-X switch=every-instruction`: the VM checks `eval_breaker` before every instruction.
    pub every_instruction: bool,
}

/// Proof that the current thread holds the GIL. Not `Send`: it stays on the thread that took it.
pub struct GilGuard {
    gil: Arc<Gil>,
    thread: ThreadId,
    _not_send: std::marker::PhantomData<*const ()>,
}

/// What a new GIL records and how often it checks.
#[derive(Default, Clone, Copy)]
pub struct GilOptions {
    pub stats: bool,
    pub trace: bool,
    pub every_instruction: bool,
}

impl Gil {
    pub fn new() -> Arc<Gil> {
        Gil::with_options(GilOptions::default())
    }

    pub fn with_options(opts: GilOptions) -> Arc<Gil> {
        let observer = (opts.stats || opts.trace).then(|| Box::new(Observer::new(opts.trace)));
        let state = State { locked: false, holder: 0, switch_number: 0, waiters: 0, next_thread: 0, finalizing: None, observer };
        Arc::new(Gil {
            state: Mutex::new(state),
            released: Condvar::new(),
            switched: Condvar::new(),
            eval_breaker: AtomicU32::new(0),
            interval_us: AtomicU64::new(5000),
            every_instruction: opts.every_instruction,
        })
    }

    /// Registers a new thread under `name` and blocks until it holds the GIL.
    pub fn acquire(self: &Arc<Gil>, name: &str) -> GilGuard {
        let thread = {
            let mut st = self.state.lock();
            let id = st.next_thread;
            st.next_thread += 1;
            if let Some(obs) = &mut st.observer {
                obs.register(id, name);
            }
            id
        };
        self.take(thread);
        GilGuard { gil: self.clone(), thread, _not_send: std::marker::PhantomData }
    }

    /// `sys.getswitchinterval()` in seconds.
    pub fn switch_interval(&self) -> f64 {
        self.interval_us.load(Ordering::Relaxed) as f64 / 1e6
    }

    /// `sys.setswitchinterval(seconds)`; stored in whole microseconds, as CPython does.
    pub fn set_switch_interval(&self, seconds: f64) {
        self.interval_us.store((seconds * 1e6) as u64, Ordering::Relaxed);
    }

    /// Blocks until the GIL is free, then takes it (CPython's `take_gil`).
    fn take(&self, thread: ThreadId) {
        let mut st = self.state.lock();
        if st.locked || st.finalizing.is_some_and(|t| t != thread) {
            st.waiters += 1;
            if let Some(obs) = &mut st.observer {
                obs.transition(thread, ThreadState::Waiting);
            }
            loop {
                if st.finalizing.is_some_and(|t| t != thread) {
                    st.waiters -= 1;
                    self.switched.notify_all();
                    loop {
                        self.released.wait(&mut st);
                    }
                }
                if !st.locked {
                    break;
                }
                let saved = st.switch_number;
                let interval = Duration::from_micros(self.interval_us.load(Ordering::Relaxed));
                let timed_out = self.released.wait_for(&mut st, interval).timed_out();
                if timed_out && st.locked && st.switch_number == saved {
                    self.eval_breaker.fetch_or(GIL_DROP_REQUEST, Ordering::Relaxed);
                }
            }
            st.waiters -= 1;
        }
        st.locked = true;
        st.holder = thread;
        st.switch_number += 1;
        if let Some(obs) = &mut st.observer {
            obs.took(thread);
        }
        // Whoever made a forced drop may queue again now that the GIL changed hands.
        self.switched.notify_all();
        self.eval_breaker.fetch_and(!GIL_DROP_REQUEST, Ordering::Relaxed);
    }

    /// Releases the GIL (CPython's `drop_gil`). `next` is what the thread does meanwhile; a
    /// forced drop waits until another thread has taken the GIL.
    fn drop_gil(&self, thread: ThreadId, next: ThreadState) {
        let mut st = self.state.lock();
        debug_assert!(st.locked && st.holder == thread, "GIL released by a thread that does not hold it");
        st.locked = false;
        if let Some(obs) = &mut st.observer {
            obs.dropped(thread, next);
        }
        self.released.notify_one();
        if next == ThreadState::Waiting {
            let saved = st.switch_number;
            while st.switch_number == saved && st.waiters > 0 && st.finalizing.is_none() {
                self.switched.wait(&mut st);
            }
        }
    }

    /// The interpreter is exiting on `thread`: from now on no other thread takes the GIL.
    pub fn finalize(&self, thread: ThreadId) {
        let mut st = self.state.lock();
        st.finalizing = Some(thread);
        self.released.notify_all();
        self.switched.notify_all();
    }

    /// Renders the `--gil-stats` table, if statistics are on.
    pub fn stats_table(&self) -> Option<String> {
        let st = self.state.lock();
        st.observer.as_ref().map(|o| o.table())
    }

    /// The `--gil-trace` JSON, if tracing is on.
    pub fn trace_json(&self) -> Option<String> {
        let st = self.state.lock();
        st.observer.as_ref().and_then(|o| o.trace_json())
    }

    /// Names a thread in the statistics and the trace (`threading.Thread.name`).
    pub fn set_thread_name(&self, thread: ThreadId, name: &str) {
        let mut st = self.state.lock();
        if let Some(obs) = &mut st.observer {
            obs.rename(thread, name);
        }
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

    /// This thread's number in the GIL's table.
    pub fn thread(&self) -> ThreadId {
        self.thread
    }

    /// Releases the GIL around `f` (a blocking call) and takes it back after. `f` must be `Send`,
    /// so it cannot capture heap values: the compiler enforces that nothing touches the heap
    /// while the GIL is released.
    pub fn allow_threads<R, F: FnOnce() -> R + Send>(&mut self, f: F) -> R {
        self.gil.drop_gil(self.thread, ThreadState::Blocked);
        let result = f();
        self.gil.take(self.thread);
        result
    }

    /// A check point found the drop request set: a forced switch to a waiting thread.
    pub fn forced_switch(&mut self) {
        self.gil.drop_gil(self.thread, ThreadState::Waiting);
        self.gil.take(self.thread);
    }
}

impl Drop for GilGuard {
    fn drop(&mut self) {
        self.gil.drop_gil(self.thread, ThreadState::Exited);
    }
}
