//! `str`: constructor and methods.

use crate::runtime::objects::{Args, NativeFn, PyStr};
use crate::runtime::value::Value;
use crate::vm::{PyResult, Vm};
use std::rc::Rc;

/// The str a method was called on (also for subclasses of str).
pub fn this(vm: &Vm, args: &Args) -> PyResult<Rc<PyStr>> {
    match args.pos.first() {
        Some(Value::Str(s)) => Ok(s.clone()),
        Some(Value::Instance(i)) => match &*i.base_value.borrow() {
            Some(Value::Str(s)) => Ok(s.clone()),
            _ => Err(vm.type_error("descriptor requires a 'str' object")),
        },
        _ => Err(vm.type_error("descriptor requires a 'str' object")),
    }
}

fn str_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let cls = args.pos[0].clone();
    let v = match (args.pos.get(1), args.pos.get(2)) {
        (None, _) => Value::str(""),
        (Some(Value::Bytes(b)), Some(_)) | (Some(Value::ByteArray(b)), Some(_)) => {
            let data = b.data.borrow().clone();
            match String::from_utf8(data) {
                Ok(s) => Value::from_string(s),
                Err(e) => {
                    let pos = e.utf8_error().valid_up_to();
                    return Err(vm.new_error(
                        crate::vm::ExcKind::UnicodeDecodeError,
                        format!("'utf-8' codec can't decode byte 0x{:02x} in position {pos}: invalid start byte", e.as_bytes()[pos]),
                    ));
                }
            }
        }
        (Some(x), _) => Value::Str(vm.str(&x.clone())?),
    };
    let str_cls = vm.interp.types.str.clone();
    Ok(super::int::wrap_for_subclass(vm, &cls, &str_cls, v))
}

fn join(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("join", &args, 2, 2)?;
    let sep = this(vm, &args)?;
    let items = vm.collect(&args.pos[1])?;
    let mut out = String::new();
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep.as_str());
        }
        match it {
            Value::Str(s) => out.push_str(s.as_str()),
            other => {
                return Err(vm.type_error(format!("sequence item {i}: expected str instance, {} found", vm.type_name(other))))
            }
        }
    }
    Ok(Value::from_string(out))
}

fn upper(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::from_string(this(vm, &args)?.as_str().to_uppercase()))
}

fn lower(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::from_string(this(vm, &args)?.as_str().to_lowercase()))
}

fn len(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Int(this(vm, &args)?.char_len() as i64))
}

pub const METHODS: &[(&str, NativeFn)] = &[("__new__", str_new), ("__len__", len), ("join", join), ("upper", upper), ("lower", lower)];
