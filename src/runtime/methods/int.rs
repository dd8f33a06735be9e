//! `int` and `bool`: constructors and methods. Arithmetic itself is in `vm::ops`, built on
//! `num::int_ops`.

use super::num_err;
use crate::runtime::num::int_ops::{self, IntOrFloat};
use crate::runtime::num::int_parse;
use crate::runtime::objects::{Args, NativeFn, PyInstance};
use crate::runtime::value::Value;
use crate::vm::ops::as_bigint;
use crate::vm::{PyResult, Vm};
use num_bigint::BigInt;
use std::rc::Rc;

pub fn true_divide(vm: &mut Vm, x: &BigInt, y: &BigInt) -> PyResult<f64> {
    int_ops::int_true_div(x, y).map_err(|e| num_err(vm, e))
}

pub fn int_pow(vm: &mut Vm, x: &BigInt, y: &BigInt) -> PyResult<Value> {
    match int_ops::int_pow(x, y).map_err(|e| num_err(vm, e))? {
        IntOrFloat::Int(b) => Ok(Value::from_bigint(b)),
        IntOrFloat::Float(f) => Ok(Value::Float(f)),
    }
}

/// `int(x)` / `int(s, base)` for a value (not the class).
pub fn to_int(vm: &mut Vm, x: &Value, base: Option<&Value>) -> PyResult<Value> {
    if let Some(base) = base {
        let b = vm.to_index(base)?;
        if b != 0 && !(2..=36).contains(&b) {
            return Err(vm.value_error("int() base must be >= 2 and <= 36, or 0"));
        }
        return match x {
            Value::Str(s) => int_parse::parse_int(s.as_str(), b as u32).map(Value::from_bigint).map_err(|e| num_err(vm, e)),
            Value::Bytes(bs) => {
                let s = String::from_utf8_lossy(&bs.data.borrow()).into_owned();
                int_parse::parse_int(&s, b as u32).map(Value::from_bigint).map_err(|e| num_err(vm, e))
            }
            _ => Err(vm.type_error("int() can't convert non-string with explicit base")),
        };
    }
    match x {
        Value::Int(_) | Value::BigInt(_) => Ok(x.clone()),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Float(f) => int_ops::float_to_int(*f).map(Value::from_bigint).map_err(|e| num_err(vm, e)),
        Value::Str(s) => int_parse::parse_int(s.as_str(), 10).map(Value::from_bigint).map_err(|e| num_err(vm, e)),
        Value::Bytes(bs) => {
            let s = String::from_utf8_lossy(&bs.data.borrow()).into_owned();
            int_parse::parse_int(&s, 10).map(Value::from_bigint).map_err(|e| num_err(vm, e))
        }
        Value::Instance(inst) => {
            for name in ["__int__", "__index__", "__trunc__"] {
                let key = vm.intern(name);
                if let Some(r) = vm.call_method_opt(x, &key, Args::default())? {
                    return match r {
                        Value::Int(_) | Value::BigInt(_) | Value::Bool(_) => to_int(vm, &r, None),
                        other => Err(vm.type_error(format!("{name} returned non-int (type {})", vm.type_name(&other)))),
                    };
                }
            }
            if let Some(b) = inst.base_value.borrow().clone() {
                return to_int(vm, &b, None);
            }
            Err(not_convertible(vm, x))
        }
        _ => Err(not_convertible(vm, x)),
    }
}

fn not_convertible(vm: &Vm, x: &Value) -> crate::vm::PyException {
    vm.type_error(format!("int() argument must be a string, a bytes-like object or a real number, not '{}'", vm.type_name(x)))
}

/// Wraps a builtin value for a subclass (`class Id(int)`): an instance holding the value.
pub fn wrap_for_subclass(vm: &Vm, cls: &Value, base: &Rc<crate::runtime::objects::PyClass>, v: Value) -> Value {
    match cls {
        Value::Class(c) if !Rc::ptr_eq(c, base) => {
            let inst = PyInstance::new(c.clone());
            *inst.base_value.borrow_mut() = Some(v);
            let _ = vm;
            Value::Instance(Rc::new(inst))
        }
        _ => v,
    }
}

fn int_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let cls = args.pos.remove(0);
    let base_kw = args.take_kw("base");
    if !args.kw.is_empty() {
        return Err(vm.type_error(format!("'{}' is an invalid keyword argument for int()", args.kw[0].0.as_str())));
    }
    let v = match (args.pos.first(), args.pos.get(1).or(base_kw.as_ref())) {
        (None, None) => Value::Int(0),
        (None, Some(_)) => return Err(vm.type_error("int() missing string argument")),
        (Some(x), base) => to_int(vm, &x.clone(), base.cloned().as_ref())?,
    };
    let int_cls = vm.interp.types.int.clone();
    Ok(wrap_for_subclass(vm, &cls, &int_cls, v))
}

fn bool_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    match args.pos.get(1) {
        None => Ok(Value::Bool(false)),
        Some(v) => Ok(Value::Bool(vm.is_true(&v.clone())?)),
    }
}

fn self_int(vm: &Vm, args: &Args) -> PyResult<BigInt> {
    let v = match args.pos.first() {
        // An instance of an int subclass (`class Id(int)`) holds its int value.
        Some(Value::Instance(i)) => i.base_value.borrow().clone(),
        v => v.cloned(),
    };
    v.as_ref().and_then(as_bigint).ok_or_else(|| vm.type_error("descriptor requires an 'int' object"))
}

fn bit_length(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let b = self_int(vm, &args)?;
    Ok(Value::Int(int_ops::bit_length(&b) as i64))
}

fn bit_count(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let b = self_int(vm, &args)?;
    Ok(Value::Int(int_ops::bit_count(&b) as i64))
}

fn conjugate(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let b = self_int(vm, &args)?;
    Ok(Value::from_bigint(b))
}

fn int_index(vm: &mut Vm, args: Args) -> PyResult<Value> {
    conjugate(vm, args)
}

fn as_integer_ratio(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let b = self_int(vm, &args)?;
    Ok(Value::tuple(vec![Value::from_bigint(b), Value::Int(1)]))
}

/// `byteorder` argument: true for big-endian.
fn big_endian(vm: &Vm, v: Option<Value>) -> PyResult<bool> {
    match v.as_ref().map(|v| v.as_str()) {
        None | Some(Some("big")) => Ok(true),
        Some(Some("little")) => Ok(false),
        _ => Err(vm.value_error("byteorder must be either 'little' or 'big'")),
    }
}

fn to_bytes(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let signed = match args.take_kw("signed") {
        Some(s) => vm.is_true(&s)?,
        None => false,
    };
    let length = args.take_kw("length").or_else(|| args.pos.get(1).cloned()).unwrap_or(Value::Int(1));
    let order = args.take_kw("byteorder").or_else(|| args.pos.get(2).cloned());
    let big = big_endian(vm, order)?;
    let length = vm.to_index(&length)?;
    if length < 0 {
        return Err(vm.value_error("length argument must be non-negative"));
    }
    let v = self_int(vm, &args)?;
    if !signed && v.sign() == num_bigint::Sign::Minus {
        return Err(vm.overflow_error("can't convert negative int to unsigned"));
    }
    let mut bytes = v.to_signed_bytes_le();
    let fill = if v.sign() == num_bigint::Sign::Minus { 0xff } else { 0 };
    if !signed && bytes.len() > 1 && bytes.last() == Some(&0) {
        bytes.pop();
    }
    if !signed && v.sign() != num_bigint::Sign::Minus && bytes == [0] {
        bytes.clear();
    }
    if bytes.len() > length as usize {
        return Err(vm.overflow_error("int too big to convert"));
    }
    bytes.resize(length as usize, fill);
    if big {
        bytes.reverse();
    }
    Ok(super::bytes::new_bytes(bytes))
}

fn from_bytes(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let signed = match args.take_kw("signed") {
        Some(s) => vm.is_true(&s)?,
        None => false,
    };
    let data = args.take_kw("bytes").or_else(|| args.pos.get(1).cloned());
    let order = args.take_kw("byteorder").or_else(|| args.pos.get(2).cloned());
    let big = big_endian(vm, order)?;
    let mut bytes = match data {
        Some(Value::Bytes(b)) | Some(Value::ByteArray(b)) => b.data.borrow().clone(),
        Some(other) => vm.collect(&other)?.iter().map(|v| if let Value::Int(i) = v { *i as u8 } else { 0 }).collect(),
        None => return Err(vm.type_error("from_bytes() missing required argument 'bytes' (pos 1)")),
    };
    if big {
        bytes.reverse();
    }
    let v = if signed { BigInt::from_signed_bytes_le(&bytes) } else { BigInt::from_bytes_le(num_bigint::Sign::Plus, &bytes) };
    Ok(Value::from_bigint(v))
}

pub const CLASS_METHODS: &[(&str, NativeFn)] = &[("from_bytes", from_bytes)];

pub const METHODS: &[(&str, NativeFn)] = &[
    ("to_bytes", to_bytes),
    ("__new__", int_new),
    ("bit_length", bit_length),
    ("bit_count", bit_count),
    ("conjugate", conjugate),
    ("__index__", int_index),
    ("__int__", int_index),
    ("as_integer_ratio", as_integer_ratio),
];

pub const BOOL_METHODS: &[(&str, NativeFn)] = &[("__new__", bool_new)];
