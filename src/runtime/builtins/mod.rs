//! The `builtins` namespace: builtin functions (one file per group, each ending with its
//! table), the builtin classes, and the exception classes.

pub mod core;
pub mod io;
pub mod iterators;
pub mod numeric;
pub mod sort;

use crate::runtime::objects::{Builtin, NativeFn, PyDict, PyStr};
use crate::runtime::types::Types;
use crate::runtime::value::Value;
use std::rc::Rc;

fn add_functions(d: &PyDict, table: &[(&'static str, NativeFn)]) {
    for &(name, func) in table {
        let b = Builtin { name, func, bound: None, owner: None };
        d.set_str(&Rc::new(PyStr::new(name)), Value::Builtin(Rc::new(b)));
    }
}

/// Builds the builtins dict of a new interpreter.
pub fn make_builtins(t: &Types) -> Rc<PyDict> {
    let d = Rc::new(PyDict::new());
    add_functions(&d, core::FUNCTIONS);
    add_functions(&d, iterators::FUNCTIONS);
    add_functions(&d, numeric::FUNCTIONS);
    add_functions(&d, io::FUNCTIONS);
    let classes = [
        &t.object,
        &t.type_,
        &t.int,
        &t.bool,
        &t.float,
        &t.str,
        &t.bytes,
        &t.bytearray,
        &t.list,
        &t.tuple,
        &t.dict,
        &t.set,
        &t.frozenset,
        &t.range,
        &t.slice,
        &t.property,
        &t.classmethod,
        &t.staticmethod,
        &t.super_,
    ];
    for c in classes {
        d.set_str(&c.name(), Value::Class(c.clone()));
    }
    for (kind, _) in iterators::CONSTRUCTORS {
        let c = t.iter_class(*kind);
        d.set_str(&c.name(), Value::Class(c.clone()));
    }
    for c in &t.exceptions {
        d.set_str(&c.name(), Value::Class(c.clone()));
    }
    d.set_str(&Rc::new(PyStr::new("EnvironmentError")), Value::Class(t.exceptions[crate::vm::ExcKind::OSError as usize].clone()));
    d.set_str(&Rc::new(PyStr::new("IOError")), Value::Class(t.exceptions[crate::vm::ExcKind::OSError as usize].clone()));
    d.set_str(&Rc::new(PyStr::new("None")), Value::None);
    d.set_str(&Rc::new(PyStr::new("Ellipsis")), Value::Ellipsis);
    d.set_str(&Rc::new(PyStr::new("NotImplemented")), Value::NotImplemented);
    d.set_str(&Rc::new(PyStr::new("__name__")), Value::str("builtins"));
    d
}
