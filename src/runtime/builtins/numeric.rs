//! Number builtins: `abs`, `round`, `divmod`, `pow`, `sum`, `chr`, `ord`, `hex`, `bin`, `oct`.

use crate::ast::BinOp;
use crate::runtime::methods::num_err;
use crate::runtime::num::{float_ops, int_ops};
use crate::runtime::objects::{Args, NativeFn};
use crate::runtime::value::Value;
use crate::vm::ops::as_bigint;
use crate::vm::{PyResult, Vm};

fn abs(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("abs", &args, 1, 1)?;
    match &args.pos[0] {
        Value::Int(i) => Ok(i
            .checked_abs()
            .map(Value::Int)
            .unwrap_or_else(|| Value::from_bigint(num_bigint::BigInt::from(*i).magnitude().clone().into()))),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::BigInt(b) => Ok(Value::from_bigint(b.magnitude().clone().into())),
        Value::Float(f) => Ok(Value::Float(f.abs())),
        other => {
            let key = vm.interp.names.__abs__.clone();
            match vm.call_method_opt(other, &key, Args::default())? {
                Some(r) => Ok(r),
                None => match vm.builtin_base(other) {
                    Some(base) => abs(vm, Args::new([base])),
                    None => Err(vm.type_error(format!("bad operand type for abs(): '{}'", vm.type_name(other)))),
                },
            }
        }
    }
}

fn round(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let nd = args.take_kw("ndigits").or_else(|| args.pos.get(1).cloned()).filter(|v| !v.is_none());
    let Some(x) = args.pos.first().cloned() else { return Err(vm.type_error("round() missing required argument 'number' (pos 1)")) };
    match (&x, nd) {
        (Value::Float(f), None) => float_ops::round_to_int(*f).map(Value::from_bigint).map_err(|e| num_err(vm, e)),
        (Value::Float(f), Some(n)) => {
            let n = vm.to_index(&n)?;
            float_ops::round_ndigits(*f, n).map(Value::Float).map_err(|e| num_err(vm, e))
        }
        (Value::Int(_) | Value::BigInt(_) | Value::Bool(_), None) => Ok(Value::from_bigint(as_bigint(&x).expect("int"))),
        (Value::Int(_) | Value::BigInt(_) | Value::Bool(_), Some(n)) => {
            let n = vm.to_index(&n)?;
            let b = as_bigint(&x).expect("int");
            if n >= 0 {
                return Ok(Value::from_bigint(b));
            }
            let p = num_bigint::BigInt::from(10).pow((-n).min(400) as u32);
            Ok(Value::from_bigint(round_half_even(&b, &p)))
        }
        _ => {
            let key = vm.interp.names.__round__.clone();
            let extra: Vec<Value> = args.pos.iter().skip(1).cloned().collect();
            match vm.call_method_opt(&x, &key, Args::new(extra))? {
                Some(r) => Ok(r),
                None if vm.builtin_base(&x).is_some() => {
                    args.pos[0] = vm.builtin_base(&x).expect("base");
                    round(vm, args)
                }
                None => Err(vm.type_error(format!("type {} doesn't define __round__ method", vm.type_name(&x)))),
            }
        }
    }
}

/// Rounds `b` to a multiple of `p`, ties to even (int `round` with negative ndigits).
fn round_half_even(b: &num_bigint::BigInt, p: &num_bigint::BigInt) -> num_bigint::BigInt {
    use num_integer::Integer;
    let (q, r) = b.div_mod_floor(p);
    let twice = &r * 2;
    let q = if twice > *p || (twice == *p && q.is_odd()) { q + 1 } else { q };
    q * p
}

fn divmod(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("divmod", &args, 2, 2)?;
    let (a, b) = (&args.pos[0], &args.pos[1]);
    if let (Value::Float(_), _) | (_, Value::Float(_)) = (a, b) {
        let x = crate::runtime::methods::float::to_float(vm, a)?;
        let y = crate::runtime::methods::float::to_float(vm, b)?;
        let (q, r) = float_ops::float_divmod(x, y).map_err(|e| num_err(vm, e))?;
        return Ok(Value::tuple(vec![Value::Float(q), Value::Float(r)]));
    }
    if let (Some(x), Some(y)) = (as_bigint(a), as_bigint(b)) {
        let (q, r) = int_ops::divmod(&x, &y).map_err(|e| num_err(vm, e))?;
        return Ok(Value::tuple(vec![Value::from_bigint(q), Value::from_bigint(r)]));
    }
    let q = vm.binary_op(a, b, BinOp::FloorDiv, false)?;
    let r = vm.binary_op(a, b, BinOp::Mod, false)?;
    Ok(Value::tuple(vec![q, r]))
}

fn pow(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let m = args.take_kw("mod").or_else(|| args.pos.get(2).cloned()).filter(|v| !v.is_none());
    if args.pos.len() < 2 {
        return Err(vm.type_error("pow() missing required argument 'exp' (pos 2)"));
    }
    let (a, b) = (args.pos[0].clone(), args.pos[1].clone());
    match m {
        None => vm.binary_op(&a, &b, BinOp::Pow, false),
        Some(m) => match (as_bigint(&a), as_bigint(&b), as_bigint(&m)) {
            (Some(x), Some(y), Some(z)) => int_ops::int_pow_mod(&x, &y, &z).map(Value::from_bigint).map_err(|e| num_err(vm, e)),
            _ if matches!(a, Value::Instance(_)) && vm.type_of(&a).is_heap => {
                let key = vm.intern("__pow__");
                match vm.call_method_opt(&a, &key, Args::new([b, m]))? {
                    Some(Value::NotImplemented) | None => Err(vm.type_error(format!(
                        "unsupported operand type(s) for ** or pow(): '{}', '{}', '{}'",
                        vm.type_name(&a),
                        vm.type_name(&args.pos[1]),
                        vm.type_name(args.pos.get(2).unwrap_or(&Value::None))
                    ))),
                    Some(r) => Ok(r),
                }
            }
            _ => Err(vm.type_error("pow() 3rd argument not allowed unless all arguments are integers")),
        },
    }
}

fn sum(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let start = args.take_kw("start").or_else(|| args.pos.get(1).cloned()).unwrap_or(Value::Int(0));
    if args.pos.is_empty() {
        return Err(vm.type_error("sum() takes at least 1 positional argument (0 given)"));
    }
    match &start {
        Value::Str(_) => return Err(vm.type_error("sum() can't sum strings [use ''.join(seq) instead]")),
        Value::Bytes(_) => return Err(vm.type_error("sum() can't sum bytes [use b''.join(seq) instead]")),
        _ => {}
    }
    let it = vm.get_iter(&args.pos[0])?;
    let mut acc = start;
    while let Some(v) = vm.next(&it)? {
        acc = match (&acc, &v) {
            (Value::Float(x), Value::Float(y)) => Value::Float(x + y),
            (Value::Int(x), Value::Int(y)) => x.checked_add(*y).map(Value::Int).unwrap_or(vm.binary_op(&acc, &v, BinOp::Add, false)?),
            _ => vm.binary_op(&acc, &v, BinOp::Add, false)?,
        };
    }
    Ok(acc)
}

fn chr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("chr", &args, 1, 1)?;
    let i = vm.to_index(&args.pos[0])?;
    match u32::try_from(i).ok().and_then(char::from_u32) {
        Some(c) => Ok(Value::from_string(c.to_string())),
        None if (0..0x110000).contains(&i) => Ok(Value::from_string(char::REPLACEMENT_CHARACTER.to_string())),
        None => Err(vm.value_error("chr() arg not in range(0x110000)")),
    }
}

fn ord(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("ord", &args, 1, 1)?;
    match &args.pos[0] {
        Value::Str(s) if s.char_len() == 1 => Ok(Value::Int(s.char_at(0) as i64)),
        Value::Str(s) => Err(vm.type_error(format!("ord() expected a character, but string of length {} found", s.char_len()))),
        Value::Bytes(b) | Value::ByteArray(b) if b.data.borrow().len() == 1 => Ok(Value::Int(b.data.borrow()[0] as i64)),
        other if vm.builtin_base(other).is_some() => {
            let base = vm.builtin_base(other).expect("base");
            ord(vm, Args::new([base]))
        }
        other => Err(vm.type_error(format!("ord() expected string of length 1, but {} found", vm.type_name(other)))),
    }
}

fn radix(vm: &mut Vm, args: Args, name: &str, base: u32) -> PyResult<Value> {
    vm.check_args(name, &args, 1, 1)?;
    let v = &args.pos[0];
    let b = match as_bigint(v) {
        Some(b) => b,
        None => {
            let i = vm.to_index(v)?;
            num_bigint::BigInt::from(i)
        }
    };
    int_ops::int_to_str_radix(&b, base).map(Value::from_string).map_err(|e| num_err(vm, e))
}

fn hex(vm: &mut Vm, args: Args) -> PyResult<Value> {
    radix(vm, args, "hex", 16)
}

fn bin(vm: &mut Vm, args: Args) -> PyResult<Value> {
    radix(vm, args, "bin", 2)
}

fn oct(vm: &mut Vm, args: Args) -> PyResult<Value> {
    radix(vm, args, "oct", 8)
}

pub const FUNCTIONS: &[(&str, NativeFn)] = &[
    ("abs", abs),
    ("round", round),
    ("divmod", divmod),
    ("pow", pow),
    ("sum", sum),
    ("chr", chr),
    ("ord", ord),
    ("hex", hex),
    ("bin", bin),
    ("oct", oct),
];
