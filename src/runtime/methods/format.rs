//! `format(value, spec)`: the format-spec mini-language for ints, floats and strs (from
//! `num::format_spec`), `__format__` of user classes, and `str(v)` for an empty spec.

use super::num_err;
use crate::runtime::num::format_spec;
use crate::runtime::objects::{Args, PyStr};
use crate::runtime::value::Value;
use crate::vm::ops::as_bigint;
use crate::vm::{PyResult, Vm};
use std::rc::Rc;

pub fn format_value(vm: &mut Vm, v: &Value, spec: &str) -> PyResult<Rc<PyStr>> {
    let s = match v {
        Value::Bool(_) if spec.is_empty() => return vm.str(v),
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
            let b = as_bigint(v).expect("int");
            format_spec::format_int(&b, spec).map_err(|e| num_err(vm, e))?
        }
        Value::Float(f) => format_spec::format_float(*f, spec).map_err(|e| num_err(vm, e))?,
        Value::Str(s) => format_spec::format_str(s.as_str(), spec).map_err(|e| num_err(vm, e))?,
        Value::Instance(inst) => {
            let cls = inst.class.clone();
            if let Some(f @ Value::Function(_)) = cls.lookup(&vm.interp.names.__format__) {
                let bound = vm.bind_descriptor(f, v.clone(), &cls)?;
                return match vm.call(&bound, Args::new([Value::str(spec)]))? {
                    Value::Str(s) => Ok(s),
                    other => Err(vm.type_error(format!("__format__ must return a str, not {}", vm.type_name(&other)))),
                };
            }
            if let Some(base) = inst.base_value.borrow().clone() {
                return format_value(vm, &base, spec);
            }
            return plain(vm, v, spec);
        }
        _ => return plain(vm, v, spec),
    };
    Ok(Rc::new(PyStr::from(s)))
}

/// `object.__format__`: only the empty spec is allowed.
fn plain(vm: &mut Vm, v: &Value, spec: &str) -> PyResult<Rc<PyStr>> {
    if spec.is_empty() {
        return vm.str(v);
    }
    Err(vm.type_error(format!("unsupported format string passed to {}.__format__", vm.type_name(v))))
}
