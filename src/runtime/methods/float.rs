//! `float`: constructor and methods; `**` with CPython's rules.

use super::num_err;
use crate::runtime::num::{float_ops, int_ops};
use crate::runtime::objects::{Args, NativeFn};
use crate::runtime::value::Value;
use crate::vm::ops::as_bigint;
use crate::vm::{PyResult, Vm};

pub fn float_pow(vm: &mut Vm, x: f64, y: f64) -> PyResult<Value> {
    float_ops::float_pow(x, y).map(Value::Float).map_err(|e| num_err(vm, e))
}

/// `float(x)` for a value.
pub fn to_float(vm: &mut Vm, x: &Value) -> PyResult<f64> {
    match x {
        Value::Float(f) => Ok(*f),
        Value::Int(i) => Ok(*i as f64),
        Value::Bool(b) => Ok(*b as i64 as f64),
        Value::BigInt(b) => int_ops::big_to_f64(b).map_err(|e| num_err(vm, e)),
        Value::Str(s) => float_ops::parse_float(s.as_str()).map_err(|e| num_err(vm, e)),
        Value::Instance(inst) => {
            let key = vm.intern("__float__");
            if let Some(r) = vm.call_method_opt(x, &key, Args::default())? {
                return match r {
                    Value::Float(f) => Ok(f),
                    other => Err(vm.type_error(format!("__float__ returned non-float (type {})", vm.type_name(&other)))),
                };
            }
            let key = vm.intern("__index__");
            if let Some(r) = vm.call_method_opt(x, &key, Args::default())? {
                return to_float(vm, &r);
            }
            if let Some(b) = inst.base_value.borrow().clone() {
                return to_float(vm, &b);
            }
            Err(not_convertible(vm, x))
        }
        _ => Err(not_convertible(vm, x)),
    }
}

fn not_convertible(vm: &Vm, x: &Value) -> crate::vm::PyException {
    vm.type_error(format!("float() argument must be a string or a real number, not '{}'", vm.type_name(x)))
}

fn float_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let cls = args.pos.remove(0);
    let v = match args.pos.first() {
        None => 0.0,
        Some(x) => to_float(vm, &x.clone())?,
    };
    let float_cls = vm.interp.types.float.clone();
    Ok(super::int::wrap_for_subclass(vm, &cls, &float_cls, Value::Float(v)))
}

fn self_float(vm: &Vm, args: &Args) -> PyResult<f64> {
    match args.pos.first() {
        Some(Value::Float(f)) => Ok(*f),
        Some(Value::Instance(i)) if i.base_value.borrow().is_some() => {
            let base = i.base_value.borrow().clone();
            self_float(vm, &Args::new(base))
        }
        Some(v) => {
            as_bigint(v).and_then(|b| int_ops::big_to_f64(&b).ok()).ok_or_else(|| vm.type_error("descriptor requires a 'float' object"))
        }
        None => Err(vm.type_error("descriptor requires a 'float' object")),
    }
}

fn is_integer(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Bool(float_ops::is_integer(self_float(vm, &args)?)))
}

fn as_integer_ratio(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (n, d) = float_ops::as_integer_ratio(self_float(vm, &args)?).map_err(|e| num_err(vm, e))?;
    Ok(Value::tuple(vec![Value::from_bigint(n), Value::from_bigint(d)]))
}

fn hex(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::from_string(float_ops::float_hex(self_float(vm, &args)?)))
}

fn conjugate(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Float(self_float(vm, &args)?))
}

pub const METHODS: &[(&str, NativeFn)] =
    &[("__new__", float_new), ("is_integer", is_integer), ("as_integer_ratio", as_integer_ratio), ("hex", hex), ("conjugate", conjugate)];
