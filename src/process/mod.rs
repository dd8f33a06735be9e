//! Worker processes: `multiprocessing` and `ProcessPoolExecutor` run Python code in other OS
//! processes, each with its own interpreter and its own GIL, so CPU-bound work runs in parallel.
//!
//! Notes about the implementation:
//! 1. Start method: spawn. `spawn::Popen::spawn` re-executes `std::env::current_exe()` with the
//!    hidden argument `--multiprocessing-fork HUB:TOKEN` (checked in `cli::main` before clap).
//!    The child (`worker::worker_main`) fetches its `spawn::Boot` (script, argv, search path,
//!    encoded `Process`) from the parent's hub, runs the script as `__mp_main__` (also aliased as
//!    `__main__`, so the `if __name__ == "__main__":` guard keeps it from recursing), then calls
//!    `multiprocessing._child_main`, which decodes the `Process` and calls its `run`. The exit
//!    code is 0, `sys.exit(n)` gives n, an uncaught exception gives 1 after "Process NAME:" and
//!    the traceback on stderr, as CPython's `BaseProcess._bootstrap`.
//! 2. Values cross as bytes (`wire.rs`): containers by content, instances by class name,
//!    builtin base value (subclasses of list, int, ...) and `__dict__` (or `__getstate__` /
//!    `__setstate__`), exceptions by class and `args`, functions and classes by module and
//!    qualified name, as pickle does; a memo keeps shared objects shared and cycles finite
//!    within one message. Anything else raises CPython's pickling error.
//! 3. Shared objects (`Queue`, `Pipe`, `Lock`, `Value`) live in the *hub* (`hub.rs`) of the
//!    process that created them: plain Rust data (crossbeam channels of encoded items, a
//!    mutex-and-condvar lock, a byte cell), never interpreter values, so no GIL is involved.
//!    The owner calls `Hub::execute` directly; other processes send `pipe::Req` frames over a
//!    Unix socket (`client.rs`; in the abstract namespace on Linux, so a killed process leaves
//!    no socket file behind), served by one hub thread per connection. A handle crosses as
//!    (kind, hub socket path, object id), so any process can reach any object.
//! 4. Every wait (queue `get`, `recv`, lock `acquire`, `join`) runs inside `Vm::allow_threads`:
//!    the closures capture only `Arc`s of hub state and byte buffers, never heap values.
//! 5. Pipe ends count their holders: creation, each encoding for another process, and are
//!    released by `close`, by the handle being freed, or by the holder process's last hub
//!    connection closing (it exited). When no holder is left, `recv` on the other end raises
//!    EOFError and `send` BrokenPipeError, as with OS pipes.
//! 6. Lifetime: a reaper thread waits for each child (`Popen`); a child's watchdog thread holds a
//!    connection to the parent's hub and ends the child when it breaks, so a parent that dies
//!    first leaves no orphaned workers. At a normal exit `at_exit` terminates daemonic children
//!    and joins the others, as CPython's `multiprocessing.util._exit_function`.
//!
//! Where tpy differs from CPython on Linux: CPython's default start method there is fork (the
//! child inherits the parent's memory and does not re-run the script); tpy always spawns.
//! Queue items are encoded when `put` is called, so an unpicklable item raises in the caller
//! rather than in CPython's feeder thread.

pub mod client;
pub mod hub;
pub mod pipe;
pub mod spawn;
pub mod wire;
pub mod worker;

use crate::runtime::objects::Args;
use crate::vm::Vm;

/// Before the interpreter exits: `multiprocessing._exit_function()` if the program used
/// `multiprocessing` (terminate daemonic children, join the rest), then remove the hub socket.
pub fn at_exit(vm: &mut Vm) {
    let module = vm.interp.modules.borrow().get("multiprocessing").cloned();
    if let Some(m) = module {
        if let Ok(f) = vm.get_attr(&m, &vm.intern("_exit_function")) {
            if let Err(e) = vm.call(&f, Args::default()) {
                let _ = vm.print_exception(&e);
            }
        }
    }
    crate::runtime::modules::multiprocessing::shutdown(vm);
}
