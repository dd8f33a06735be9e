//! The one module allowed `unsafe`: the escape hatch that lets heap values cross between OS
//! threads. Everything else in tpy is safe Rust.
//!
//! The heap is made of `Rc` and `RefCell` (non-atomic, like CPython's refcounts), so heap values
//! are `!Send`: the compiler refuses to move them to another thread. A thread reaches the heap in
//! exactly one way: it is handed an [`Unguarded`] box and opens it with proof that it holds the
//! GIL of the interpreter the box came from ([`crate::gil::GilGuard`]). Because every access to
//! every object then happens under one interpreter-wide mutex, no two threads ever touch a
//! refcount or a borrow flag at the same time.
#![allow(unsafe_code)]

use std::mem::ManuallyDrop;

/// A value of the heap, in transit between threads. It can be moved to any thread but only
/// opened by a thread holding the GIL it was sealed under.
pub struct Unguarded<T> {
    value: ManuallyDrop<T>,
    /// Identity of the GIL this value belongs to (see `gil::Gil::id`).
    gil_id: usize,
}

// SAFETY: an `Unguarded<T>` only lets its content be touched through `open`, which requires
// a `GilGuard` of the same GIL, i.e. proof that the opening thread holds the one lock under which
// every other access to these objects happens. Until then the content is never read, cloned or
// dropped: the `ManuallyDrop` field leaks it if the box is dropped unopened, rather than
// decrement refcounts without the GIL (a leak is safe, a race on an `Rc` count is not).
unsafe impl<T> Send for Unguarded<T> {}

impl<T> Unguarded<T> {
    /// Seals `value`, which belongs to the heap guarded by `guard`.
    pub fn seal(value: T, guard: &crate::gil::GilGuard) -> Unguarded<T> {
        Unguarded { value: ManuallyDrop::new(value), gil_id: guard.gil_id() }
    }

    /// Opens the box on a thread that holds the same GIL.
    ///
    /// Panics if the guard belongs to another interpreter's GIL: that would be a bug in tpy
    /// (values never cross between interpreters), caught before it could cause a data race.
    pub fn open(self, guard: &crate::gil::GilGuard) -> T {
        assert_eq!(self.gil_id, guard.gil_id(), "heap value opened under a foreign GIL");
        ManuallyDrop::into_inner(self.value)
    }
}

/// CPU time of this process in seconds (`time.process_time`).
pub fn process_cpu_time() -> f64 {
    cpu_clock(libc::CLOCK_PROCESS_CPUTIME_ID)
}

/// CPU time of the calling thread in seconds (`time.thread_time`).
pub fn thread_cpu_time() -> f64 {
    cpu_clock(libc::CLOCK_THREAD_CPUTIME_ID)
}

fn cpu_clock(clock: libc::clockid_t) -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec that outlives the call; clock_gettime only
    // writes into it and reports failure through its return value.
    let rc = unsafe { libc::clock_gettime(clock, &mut ts) };
    if rc != 0 {
        return 0.0;
    }
    ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
}

/// Sends signal `sig` to process `pid` (`os.kill`, `Process.terminate`).
pub fn kill(pid: i64, sig: i64) -> std::io::Result<()> {
    let (Ok(pid), Ok(sig)) = (libc::pid_t::try_from(pid), i32::try_from(sig)) else {
        return Err(std::io::Error::from_raw_os_error(libc::EINVAL));
    };
    // SAFETY: kill(2) takes two plain integers and touches no memory of this process; it
    // reports failure through its return value and errno.
    if unsafe { libc::kill(pid, sig) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// `threading.get_ident()`: the calling thread's pthread handle, as CPython returns it.
pub fn thread_ident() -> u64 {
    // SAFETY: pthread_self has no preconditions and cannot fail.
    unsafe { libc::pthread_self() as u64 }
}

/// `threading.get_native_id()`: the kernel's id for the calling thread.
pub fn native_thread_id() -> u64 {
    // SAFETY: gettid has no preconditions and cannot fail.
    unsafe { libc::gettid() as u64 }
}
