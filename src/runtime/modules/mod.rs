//! Importable builtin modules, one file per module, each with a `make` that builds the module
//! object from its table of (Python name, fn).

pub mod math;
pub mod os;
pub mod sys;
pub mod time;

use crate::runtime::objects::{Builtin, NativeFn, PyStr};
use crate::runtime::value::Value;
use crate::vm::{PyResult, Vm};
use std::rc::Rc;

/// The builtin module `name`, built fresh (the caller caches it in `sys.modules`).
pub fn load_builtin(vm: &mut Vm, name: &str) -> PyResult<Option<Value>> {
    Ok(Some(match name {
        "sys" => sys::make(vm),
        "time" => time::make(vm),
        "os" => os::make(vm),
        "os.path" => os::make_path(vm),
        "math" => math::make(vm),
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
