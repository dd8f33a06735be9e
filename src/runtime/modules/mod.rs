//! Importable builtin modules, one file per module, each with a `make` that builds the module
//! object from its table of (Python name, fn).

pub mod asyncio_core;
pub mod asyncio_future;
pub mod math;
pub mod multiprocessing;
pub mod os;
pub mod random_core;
pub mod socket;
pub mod sys;
pub mod thread;
pub mod time;

use crate::runtime::objects::{Builtin, NativeFn, PyStr};
use crate::runtime::value::Value;
use crate::vm::{PyResult, Vm};
use std::rc::Rc;

/// Modules written in TinyPy itself, embedded in the binary: (name, source).
/// Each is compiled when first imported.
pub const PYTHON_MODULES: &[(&str, &str)] = &[
    ("random", include_str!("py/random.py")),
    ("collections", include_str!("py/collections.py")),
    ("functools", include_str!("py/functools.py")),
    ("heapq", include_str!("py/heapq.py")),
    ("itertools", include_str!("py/itertools.py")),
    ("asyncio", include_str!("py/asyncio.py")),
    ("_pybuiltins", include_str!("py/_pybuiltins.py")),
    ("_asyncio_sync", include_str!("py/_asyncio_sync.py")),
    ("_asyncio_streams", include_str!("py/_asyncio_streams.py")),
    ("multiprocessing", include_str!("py/multiprocessing.py")),
    ("threading", include_str!("py/threading.py")),
    ("queue", include_str!("py/queue.py")),
    ("concurrent", include_str!("py/concurrent/__init__.py")),
    ("concurrent.futures", include_str!("py/concurrent/futures/__init__.py")),
    ("concurrent.futures._base", include_str!("py/concurrent/futures/_base.py")),
    ("concurrent.futures.thread", include_str!("py/concurrent/futures/thread.py")),
    ("concurrent.futures.process", include_str!("py/concurrent/futures/process.py")),
];

/// Embedded modules that stand for CPython's C modules (`_collections`, `_heapq`,
/// `itertools`, `_functools`): their code runs without GIL switches (`flags::ATOMIC`), so
/// that a `deque` or a heap shared by threads is as safe as CPython's.
pub const ATOMIC_MODULES: &[&str] = &["collections", "heapq", "itertools", "functools"];

/// The builtin module `name`, built fresh (the caller caches it in `sys.modules`).
pub fn load_builtin(vm: &mut Vm, name: &str) -> PyResult<Option<Value>> {
    if let Some((_, source)) = PYTHON_MODULES.iter().find(|(n, _)| *n == name) {
        let module = vm.new_module(name, None);
        let Value::Module(m) = &module else { unreachable!("new_module makes a module") };
        // Registered first, so that a module importing itself (or a cycle) finds it.
        vm.interp.modules.borrow_mut().insert(name.to_string(), module.clone());
        if let Err(e) = vm.run_embedded(name, source, m.dict.clone()) {
            vm.interp.modules.borrow_mut().remove(name);
            return Err(e);
        }
        return Ok(Some(module));
    }
    Ok(Some(match name {
        "sys" => sys::make(vm),
        "time" => time::make(vm),
        "os" => os::make(vm),
        "os.path" => os::make_path(vm),
        "math" => math::make(vm),
        "_random" => random_core::make(vm),
        "_asyncio" => asyncio_core::make(vm),
        "socket" => socket::make(vm),
        "_multiprocessing" => multiprocessing::make(vm),
        "_thread" => thread::make(vm),
        _ => return Ok(None),
    }))
}

/// A module object holding the given functions.
pub fn new_module(vm: &Vm, name: &str, table: &[(&'static str, NativeFn)]) -> Value {
    let m = vm.new_module(name, None);
    if let Value::Module(md) = &m {
        for &(fname, func) in table {
            let b = Builtin { name: fname, func, bound: None, owner: None };
            md.dict.set_str(&Rc::new(PyStr::new(fname)), Value::Builtin(Rc::new(b)));
        }
    }
    m
}

/// Sets an attribute on a module object.
pub fn set(m: &Value, name: &str, v: Value) {
    if let Value::Module(md) = m {
        md.dict.set_str(&Rc::new(PyStr::new(name)), v);
    }
}
