//! Attributes that live in no dict: `__class__`, `__name__`, `__dict__`, an exception's
//! `args`, a function's `__defaults__`, an int's `real`... and reprs of builtin natives.

use crate::runtime::objects::{IterState, NativeData, PyStr};
use crate::runtime::value::Value;
use crate::vm::{ExcKind, PyResult, Vm};
use std::rc::Rc;

pub fn special_attr(vm: &mut Vm, obj: &Value, name: &PyStr) -> PyResult<Option<Value>> {
    let n = name.as_str();
    if n == "__class__" {
        return Ok(Some(Value::Class(vm.type_of(obj))));
    }
    Ok(match obj {
        Value::Instance(inst) => {
            if n == "__dict__" {
                return Ok(Some(Value::Dict(inst.dict.clone())));
            }
            if let Some(st) = &inst.exc {
                let st = st.borrow();
                let first = st.args.first().cloned();
                return Ok(match n {
                    "args" => Some(Value::tuple(st.args.clone())),
                    "__cause__" => Some(st.cause.clone().unwrap_or(Value::None)),
                    "__context__" => Some(st.context.clone().unwrap_or(Value::None)),
                    "__suppress_context__" => Some(Value::Bool(st.suppress_context)),
                    "__traceback__" => {
                        drop(st);
                        return Ok(Some(vm.traceback_of(obj)));
                    }
                    "value" if inst.class.is_subclass(&vm.exc_class(ExcKind::StopIteration)) => Some(first.unwrap_or(Value::None)),
                    "code" if inst.class.is_subclass(&vm.exc_class(ExcKind::SystemExit)) => Some(first.unwrap_or(Value::None)),
                    "errno" | "strerror" | "filename" | "filename2" if inst.class.is_subclass(&vm.exc_class(ExcKind::OSError)) => {
                        drop(st);
                        return Ok(Some(vm.os_error_field(inst, n).unwrap_or(Value::None)));
                    }
                    // Set by `__init__` or the runtime into the dict; None until then.
                    "name" | "obj" if inst.class.is_subclass(&vm.exc_class(ExcKind::AttributeError)) => Some(Value::None),
                    "name" if inst.class.is_subclass(&vm.exc_class(ExcKind::NameError)) => Some(Value::None),
                    _ => None,
                });
            }
            // `real`, `imag`... of an instance of a subclass of a builtin type.
            let base = inst.base_value.borrow().clone();
            match base {
                Some(base) => return special_attr(vm, &base, name),
                None => None,
            }
        }
        Value::Class(c) => match n {
            "__name__" => Some(Value::Str(c.name())),
            "__qualname__" => Some(Value::Str(c.qualname.borrow().clone())),
            "__module__" => Some(c.module.borrow().clone()),
            "__doc__" => Some(Value::None),
            "__mro__" => Some(Value::tuple(c.full_mro().into_iter().map(Value::Class).collect())),
            "__bases__" => Some(Value::tuple(c.bases.borrow().iter().cloned().map(Value::Class).collect())),
            "__base__" => Some(c.bases.borrow().first().cloned().map(Value::Class).unwrap_or(Value::None)),
            "__dict__" => {
                let d = crate::runtime::objects::PyDict::from_map(Default::default());
                for (k, v) in c.dict.borrow().items() {
                    vm.dict_set(&d, k, v)?;
                }
                Some(Value::Dict(Rc::new(d)))
            }
            _ => None,
        },
        Value::Function(f) => match n {
            "__name__" => Some(Value::Str(f.name.borrow().clone())),
            "__qualname__" => Some(Value::Str(f.qualname.borrow().clone())),
            "__module__" => Some(f.module.borrow().clone()),
            "__doc__" => Some(f.doc.borrow().clone()),
            "__dict__" => Some(Value::Dict(f.dict.clone())),
            "__code__" => Some(Value::Code(f.code.clone())),
            "__globals__" => Some(Value::Dict(f.globals.clone())),
            "__defaults__" => {
                let d = f.defaults.borrow();
                Some(if d.is_empty() { Value::None } else { Value::tuple(d.clone()) })
            }
            "__kwdefaults__" => {
                let kw = f.kwdefaults.borrow().clone();
                if kw.is_empty() {
                    Some(Value::None)
                } else {
                    let d = crate::runtime::objects::PyDict::new();
                    for (k, v) in kw {
                        d.set_str(&k, v);
                    }
                    Some(Value::Dict(Rc::new(d)))
                }
            }
            "__annotations__" => {
                let mut ann = f.annotations.borrow_mut();
                if ann.is_none() {
                    *ann = Some(Value::Dict(Rc::new(crate::runtime::objects::PyDict::new())));
                }
                ann.clone()
            }
            _ => f.dict.get_str(&Rc::new(PyStr::new(n))),
        },
        Value::Method(m) => match n {
            "__self__" => Some(m.receiver.clone()),
            "__func__" => Some(m.func.clone()),
            _ => {
                let f = m.func.clone();
                return special_attr(vm, &f, name);
            }
        },
        Value::Builtin(b) => match n {
            "__name__" | "__qualname__" => Some(Value::str(b.name)),
            "__self__" => Some(b.bound.clone().unwrap_or(Value::None)),
            "__doc__" => Some(Value::None),
            _ => None,
        },
        Value::Module(m) => match n {
            "__dict__" => Some(Value::Dict(m.dict.clone())),
            "__name__" => Some(Value::Str(m.name.clone())),
            _ => None,
        },
        Value::Generator(g) => match n {
            "__name__" => Some(Value::Str(g.name.clone())),
            "__qualname__" => Some(Value::Str(g.qualname.clone())),
            "gi_running" | "cr_running" => Some(Value::Bool(g.running.get())),
            _ => None,
        },
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => match n {
            "real" | "numerator" => Some(match obj {
                Value::Bool(b) => Value::Int(*b as i64),
                o => o.clone(),
            }),
            "imag" => Some(Value::Int(0)),
            "denominator" => Some(Value::Int(1)),
            _ => None,
        },
        Value::Float(f) => match n {
            "real" => Some(Value::Float(*f)),
            "imag" => Some(Value::Float(0.0)),
            _ => None,
        },
        Value::Slice(s) => match n {
            "start" => Some(s.start.clone()),
            "stop" => Some(s.stop.clone()),
            "step" => Some(s.step.clone()),
            _ => None,
        },
        Value::Range(r) => match n {
            "start" => Some(Value::Int(r.start)),
            "stop" => Some(Value::Int(r.stop)),
            "step" => Some(Value::Int(r.step)),
            _ => None,
        },
        Value::Code(c) => match n {
            "co_name" => Some(Value::Str(c.name.clone())),
            "co_filename" => Some(Value::str(&c.filename)),
            "co_firstlineno" => Some(Value::Int(c.firstlineno as i64)),
            "co_argcount" => Some(Value::Int(c.argcount as i64)),
            "co_varnames" => Some(Value::tuple(c.varnames.iter().cloned().map(Value::Str).collect())),
            _ => None,
        },
        Value::Native(nat) => match (&nat.data, n) {
            (NativeData::Property { fget, .. }, "fget") => Some(fget.clone()),
            (NativeData::Property { fset, .. }, "fset") => Some(fset.clone()),
            (NativeData::Property { fdel, .. }, "fdel") => Some(fdel.clone()),
            (NativeData::Property { doc, fget, .. }, "__doc__") => {
                Some(if doc.is_none() { special_attr(vm, &fget.clone(), name)?.unwrap_or(Value::None) } else { doc.clone() })
            }
            (NativeData::ClassMethod(f) | NativeData::StaticMethod(f), "__func__" | "__wrapped__") => Some(f.clone()),
            _ => crate::runtime::builtins::io::file_attr(obj, name),
        },
        _ => None,
    })
}

/// Reprs of builtin native objects that are not plain `<X object at ...>`.
pub fn native_repr(vm: &mut Vm, v: &Value) -> PyResult<Option<String>> {
    let Value::Native(n) = v else { return Ok(None) };
    let at = crate::vm::repr::addr(v);
    Ok(Some(match &n.data {
        NativeData::ClassMethod(f) => format!("<classmethod({})>", vm.repr(&f.clone())?.as_str()),
        NativeData::StaticMethod(f) => format!("<staticmethod({})>", vm.repr(&f.clone())?.as_str()),
        NativeData::Super { start, obj } => {
            let o = obj.clone();
            format!("<super: <class '{}'>, {}>", start.name().as_str(), vm.repr(&o)?.as_str())
        }
        NativeData::Iter(state) => {
            let name = match &*state.borrow() {
                IterState::Seq { seq: Value::List(_), .. } => "list_iterator",
                IterState::Seq { seq: Value::Tuple(_), .. } => "tuple_iterator",
                IterState::Seq { seq: Value::Str(_), .. } => "str_ascii_iterator",
                IterState::Seq { .. } => "bytes_iterator",
                IterState::Range { .. } => "range_iterator",
                IterState::Dict { .. } => "dict_keyiterator",
                IterState::Set { .. } => "set_iterator",
                IterState::Reversed { .. } => "list_reverseiterator",
                IterState::Enumerate { .. } => "enumerate",
                IterState::Zip { .. } => "zip",
                IterState::Map { .. } => "map",
                IterState::Filter { .. } => "filter",
                IterState::Callable { .. } => "callable_iterator",
                _ => "iterator",
            };
            format!("<{name} object at {at:#x}>")
        }
        _ => return Ok(None),
    }))
}
