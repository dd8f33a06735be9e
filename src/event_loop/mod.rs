//! The asyncio event loop's core, one per `asyncio.run` (CPython's `BaseEventLoop._run_once` in
//! `Lib/asyncio/base_events.py`, with `selectors` replaced by mio).
//!
//! Its state is three queues:
//! - `ready`: a deque of callback handles to run now;
//! - `timers`: a min-heap of timer handles ordered by deadline (then by scheduling order);
//! - the OS: file descriptors registered with a mio `Poll` (readers and writers).
//!
//! One iteration (`run_once`) is:
//! 1. wait on the `Poll` for readiness, with timeout 0 if `ready` is not empty (or the loop is
//!    stopping), else the time left to the earliest timer, else forever. The GIL is released for
//!    the wait (`Vm::allow_threads`); `call_soon_threadsafe` from another thread wakes it with a
//!    mio `Waker`;
//! 2. move the handles of the ready file descriptors, then every timer whose deadline has
//!    passed, to the end of `ready`;
//! 3. run exactly the handles that were in `ready` at that point: callbacks scheduled while they
//!    run wait for the next iteration, so I/O and timers are never starved.
//!
//! mio is edge-triggered; selectors are level-triggered. Every descriptor that reported an
//! event is re-armed (`reregister`) after its callbacks ran, which makes epoll report it again
//! if it is still ready: level-triggered behaviour at one syscall per event.
//!
//! Tasks and futures (`asyncio.py`) sit on top: a task's step is a callback in `ready`; a task
//! awaiting a future is in no queue at all until the future's done-callback schedules its step.

pub mod future;
pub mod handle;

use crate::runtime::objects::NativeObject;
use handle::HandleData;
use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Token, Waker};
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

/// The token of the waker; file descriptors use their own number as token.
const WAKE_TOKEN: Token = Token(usize::MAX);

/// A scheduled timer: the heap is a max-heap, so the order is reversed.
pub struct TimerEntry {
    pub when: f64,
    pub seq: u64,
    pub handle: Rc<NativeObject>,
}

impl PartialEq for TimerEntry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for TimerEntry {}
impl PartialOrd for TimerEntry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for TimerEntry {
    fn cmp(&self, other: &Self) -> Ordering {
        other.when.total_cmp(&self.when).then(other.seq.cmp(&self.seq))
    }
}

/// Whether a timer still has to fire: a handle not cancelled, or a task still sleeping on it.
fn timer_live(e: &TimerEntry) -> bool {
    match HandleData::of(&e.handle) {
        Some(h) => !h.cancelled.get(),
        None => future::FutureData::of(&e.handle).and_then(|f| f.task.as_ref()).is_some_and(|t| t.sleep_seq.get() == e.seq),
    }
}

/// Reader and writer callbacks of one file descriptor.
#[derive(Default)]
pub struct FdWatch {
    pub reader: Option<Rc<NativeObject>>,
    pub writer: Option<Rc<NativeObject>>,
}

impl FdWatch {
    fn interest(&self) -> Option<Interest> {
        match (self.reader.is_some(), self.writer.is_some()) {
            (true, true) => Some(Interest::READABLE | Interest::WRITABLE),
            (true, false) => Some(Interest::READABLE),
            (false, true) => Some(Interest::WRITABLE),
            (false, false) => None,
        }
    }
}

/// The loop's state. Lives in a `RefCell` inside the Python loop object; never borrowed while
/// a callback runs.
pub struct LoopCore {
    pub ready: VecDeque<Rc<NativeObject>>,
    pub timers: BinaryHeap<TimerEntry>,
    pub seq: u64,
    /// Taken out while the loop waits (the wait runs without the GIL).
    pub poll: Option<Poll>,
    pub events: Option<Events>,
    pub waker: Arc<Waker>,
    pub fds: HashMap<i32, FdWatch>,
    pub stopping: bool,
    pub closed: bool,
    pub running: bool,
    /// The origin of `loop.time()`.
    pub start: std::time::Instant,
}

impl LoopCore {
    pub fn new() -> std::io::Result<LoopCore> {
        let poll = Poll::new()?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKE_TOKEN)?);
        Ok(LoopCore {
            ready: VecDeque::new(),
            timers: BinaryHeap::new(),
            seq: 0,
            poll: Some(poll),
            events: Some(Events::with_capacity(256)),
            waker,
            fds: HashMap::new(),
            stopping: false,
            closed: false,
            running: false,
            start: std::time::Instant::now(),
        })
    }

    /// `loop.time()`: seconds on a monotonic clock.
    pub fn time(&self) -> f64 {
        self.start.elapsed().as_secs_f64() + 1.0
    }

    /// Schedules a timer handle, or a sleeping task (woken directly, see `future.rs`).
    pub fn push_timer(&mut self, when: f64, handle: Rc<NativeObject>) -> u64 {
        self.seq += 1;
        self.timers.push(TimerEntry { when, seq: self.seq, handle });
        self.seq
    }

    /// How long the next wait may block: `None` is forever.
    pub fn wait_timeout(&mut self) -> Option<Duration> {
        if !self.ready.is_empty() || self.stopping {
            return Some(Duration::ZERO);
        }
        while let Some(top) = self.timers.peek() {
            if !timer_live(top) {
                self.timers.pop();
                continue;
            }
            let left = (top.when - self.time()).max(0.0);
            return Some(Duration::from_secs_f64(left.min(86400.0)));
        }
        None
    }

    /// Moves the expired timers to `ready` (CPython rounds by the clock's resolution; 1 µs).
    pub fn expire_timers(&mut self) {
        let end = self.time() + 1e-6;
        while let Some(top) = self.timers.peek() {
            if top.when > end {
                break;
            }
            let entry = self.timers.pop().expect("peeked");
            if timer_live(&entry) {
                self.ready.push_back(entry.handle);
            }
        }
    }

    /// Queues the callbacks of the descriptors in `events`; returns the descriptors to re-arm.
    pub fn dispatch_events(&mut self, events: &Events) -> Vec<i32> {
        let mut fired = Vec::new();
        for ev in events.iter() {
            if ev.token() == WAKE_TOKEN {
                continue;
            }
            let fd = ev.token().0 as i32;
            let Some(w) = self.fds.get(&fd) else { continue };
            let hup = ev.is_read_closed() || ev.is_write_closed() || ev.is_error();
            if ev.is_readable() || hup {
                if let Some(r) = &w.reader {
                    self.ready.push_back(r.clone());
                }
            }
            if ev.is_writable() || hup {
                if let Some(wr) = &w.writer {
                    self.ready.push_back(wr.clone());
                }
            }
            fired.push(fd);
        }
        fired
    }

    /// Re-arms descriptors that fired (level-triggered emulation, see the module comment).
    pub fn rearm(&mut self, fds: &[i32]) {
        let Some(poll) = &self.poll else { return };
        for fd in fds {
            if let Some(interest) = self.fds.get(fd).and_then(FdWatch::interest) {
                let _ = poll.registry().reregister(&mut SourceFd(fd), Token(*fd as usize), interest);
            }
        }
    }

    /// Sets (or clears, with `None`) the reader or writer of `fd` and updates the registration.
    pub fn watch(&mut self, fd: i32, writer: bool, handle: Option<Rc<NativeObject>>) -> std::io::Result<bool> {
        let entry = self.fds.entry(fd).or_default();
        let before = entry.interest();
        let slot = if writer { &mut entry.writer } else { &mut entry.reader };
        let had = slot.is_some();
        if let Some(old) = slot.take() {
            if let Some(h) = HandleData::of(&old) {
                h.cancelled.set(true);
            }
        }
        *slot = handle;
        let after = entry.interest();
        if after.is_none() {
            self.fds.remove(&fd);
        }
        let Some(poll) = &self.poll else { return Ok(had) };
        let reg = poll.registry();
        match (before, after) {
            (None, Some(i)) => reg.register(&mut SourceFd(&fd), Token(fd as usize), i)?,
            (Some(_), Some(i)) => reg.reregister(&mut SourceFd(&fd), Token(fd as usize), i)?,
            (Some(_), None) => reg.deregister(&mut SourceFd(&fd))?,
            (None, None) => {}
        }
        Ok(had)
    }
}
