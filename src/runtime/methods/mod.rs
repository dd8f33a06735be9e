//! Python-visible methods of the builtin types, one file per type, each ending with its table
//! of (name, fn). `install` puts them in the class dicts at interpreter start.

pub mod async_gen;
pub mod bytes;
pub mod bytes_methods;
pub mod descriptor;
pub mod dict;
pub mod dunder;
pub mod float;
pub mod format;
pub mod generator;
pub mod int;
pub mod list;
pub mod object;
pub mod set;
pub mod special;
pub mod str;
pub mod str_case;
pub mod str_format;
pub mod str_format_method;
pub mod str_search;
pub mod str_unicode;
pub mod subscript;
pub mod tuple;

use crate::runtime::num::NumError;
use crate::runtime::types::Types;
use crate::vm::{ExcKind, PyException, Vm};

pub fn install(t: &Types) {
    Types::add_methods(&t.object, "object", object::METHODS);
    Types::add_methods(&t.int, "int", int::METHODS);
    Types::add_class_methods(&t.int, "int", int::CLASS_METHODS, &t.classmethod);
    Types::add_methods(&t.bool, "bool", int::BOOL_METHODS);
    Types::add_methods(&t.float, "float", float::METHODS);
    Types::add_methods(&t.set, "set", set::SET_METHODS);
    Types::add_methods(&t.frozenset, "frozenset", set::FROZENSET_METHODS);
    Types::add_methods(&t.type_, "type", object::TYPE_METHODS);
    for (i, kind) in crate::runtime::types::IterKind::ALL.iter().enumerate() {
        Types::add_methods(&t.iterators[i], kind.class_name(), crate::runtime::builtins::iterators::ITERATOR_METHODS);
    }
    for (kind, new) in crate::runtime::builtins::iterators::CONSTRUCTORS {
        Types::add_methods(&t.iter_class(*kind), kind.class_name(), &[("__new__", *new)]);
    }
    Types::add_methods(&t.generator, "generator", generator::GENERATOR_METHODS);
    Types::add_methods(&t.coroutine, "coroutine", generator::COROUTINE_METHODS);
    Types::add_methods(&t.async_generator, "async_generator", async_gen::METHODS);
    Types::add_methods(&t.async_gen_step, "async_generator_asend", async_gen::STEP_METHODS);
    str::install(t);
    Types::add_methods(&t.list, "list", list::METHODS);
    Types::add_methods(&t.dict, "dict", dict::METHODS);
    Types::add_class_methods(&t.dict, "dict", dict::CLASS_METHODS, &t.classmethod);
    Types::add_methods(&t.tuple, "tuple", tuple::METHODS);
    Types::add_methods(&t.range, "range", tuple::RANGE_METHODS);
    Types::add_methods(&t.slice, "slice", tuple::SLICE_METHODS);
    Types::add_methods(&t.property, "property", descriptor::PROPERTY_METHODS);
    Types::add_methods(&t.classmethod, "classmethod", descriptor::CLASSMETHOD_METHODS);
    Types::add_methods(&t.staticmethod, "staticmethod", descriptor::STATICMETHOD_METHODS);
    Types::add_methods(&t.super_, "super", descriptor::SUPER_METHODS);
    for exc in &t.exceptions {
        if exc.name().as_str() == "BaseException" {
            Types::add_methods(exc, "BaseException", object::EXCEPTION_METHODS);
        }
    }
    dunder::install(t);
}

/// Turns a numeric routine's error into the Python exception it names.
pub fn num_err(vm: &Vm, e: NumError) -> PyException {
    match e {
        NumError::Value(m) => vm.new_error(ExcKind::ValueError, m),
        NumError::Overflow(m) => vm.new_error(ExcKind::OverflowError, m),
        NumError::ZeroDivision(m) => vm.new_error(ExcKind::ZeroDivisionError, m),
        NumError::Type(m) => vm.new_error(ExcKind::TypeError, m),
        NumError::Memory(m) => vm.new_error(ExcKind::MemoryError, m),
    }
}
