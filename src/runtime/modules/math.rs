//! `math`: the usual functions and constants, with CPython's domain errors
//! (`math domain error`, `math range error`). Exact integer routines come from `num::math_ops`.

use crate::runtime::methods::float::to_float;
use crate::runtime::methods::num_err;
use crate::runtime::num::math_ops::{self, LogKind};
use crate::runtime::objects::{Args, NativeFn};
use crate::runtime::value::Value;
use crate::vm::ops::as_bigint;
use crate::vm::{PyResult, Vm};
use num_bigint::BigInt;

/// Argument count check; CPython names its one-argument (METH_O) functions with the module:
/// `math.floor() takes exactly one argument (0 given)`.
fn check_arity(vm: &Vm, name: &str, args: &Args, min: usize, max: usize) -> PyResult<()> {
    if min == 1 && max == 1 {
        return vm.check_args(&format!("math.{name}"), args, 1, 1);
    }
    vm.check_args(name, args, min, max)
}

fn arg_f(vm: &mut Vm, args: &Args, i: usize, name: &str, n: usize) -> PyResult<f64> {
    check_arity(vm, name, args, n, n)?;
    let v = args.pos[i].clone();
    match v {
        Value::Float(f) => Ok(f),
        Value::Int(i) => Ok(i as f64),
        Value::Bool(b) => Ok(b as i64 as f64),
        other => to_float(vm, &other).map_err(|_| vm.type_error(format!("must be real number, not {}", vm.type_name(&other)))),
    }
}

fn arg_int(vm: &mut Vm, v: &Value, fname: &str) -> PyResult<BigInt> {
    match as_bigint(v) {
        Some(b) => Ok(b),
        None => match v {
            Value::Float(_) => Err(vm.type_error("'float' object cannot be interpreted as an integer")),
            other => {
                let _ = fname;
                vm.to_index(other).map(BigInt::from)
            }
        },
    }
}

/// Applies a float function, mapping NaN results from finite input to `math domain error`
/// and overflow to `math range error`, as CPython's `math_1`.
fn unary(vm: &mut Vm, args: Args, name: &str, f: fn(f64) -> f64, can_overflow: bool) -> PyResult<Value> {
    let x = arg_f(vm, &args, 0, name, 1)?;
    let r = f(x);
    if r.is_nan() && !x.is_nan() {
        return Err(vm.value_error("math domain error"));
    }
    if r.is_infinite() && x.is_finite() {
        if can_overflow {
            return Err(vm.overflow_error("math range error"));
        }
        return Err(vm.value_error("math domain error"));
    }
    Ok(Value::Float(r))
}

macro_rules! unary_fns {
    ($($name:ident => $f:expr, $ovf:expr;)*) => {
        $(fn $name(vm: &mut Vm, args: Args) -> PyResult<Value> {
            unary(vm, args, stringify!($name), $f, $ovf)
        })*
    };
}

unary_fns! {
    sin => f64::sin, false;
    cos => f64::cos, false;
    tan => f64::tan, false;
    asin => f64::asin, false;
    acos => f64::acos, false;
    atan => f64::atan, false;
    sinh => f64::sinh, true;
    cosh => f64::cosh, true;
    tanh => f64::tanh, false;
    asinh => f64::asinh, false;
    acosh => f64::acosh, false;
    atanh => f64::atanh, false;
    exp => f64::exp, true;
    expm1 => f64::exp_m1, true;
    log1p => f64::ln_1p, false;
    fabs => f64::abs, false;
    erf => erf_impl, false;
    erfc => |x| 1.0 - erf_impl(x), false;
    gamma => gamma_impl, true;
    lgamma => |x| gamma_impl(x).abs().ln(), true;
}

fn erf_impl(x: f64) -> f64 {
    // Abramowitz-Stegun 7.1.26 refined by a series for small |x|; adequate for printing.
    let t = 1.0 / (1.0 + 0.5 * x.abs());
    let y = 1.0
        - t * (-x * x - 1.26551223
            + t * (1.00002368
                + t * (0.37409196
                    + t * (0.09678418
                        + t * (-0.18628806
                            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))))
            .exp();
    if x >= 0.0 {
        y
    } else {
        -y
    }
}

fn gamma_impl(x: f64) -> f64 {
    if x == x.floor() && x <= 0.0 {
        return f64::NAN;
    }
    if x == x.floor() && x > 0.0 && x < 171.0 {
        return (1..x as u64).map(|i| i as f64).product();
    }
    // Lanczos approximation.
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.5203681218851,
        -1259.1392167224028,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507343278686905,
        -0.13857109526572012,
        9.984_369_578_019_572e-6,
        1.5056327351493116e-7,
    ];
    if x < 0.5 {
        return std::f64::consts::PI / ((std::f64::consts::PI * x).sin() * gamma_impl(1.0 - x));
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    (2.0 * std::f64::consts::PI).sqrt() * t.powf(x + 0.5) * (-t).exp() * a
}

fn sqrt(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let x = arg_f(vm, &args, 0, "sqrt", 1)?;
    if x < 0.0 {
        return Err(vm.value_error("math domain error"));
    }
    Ok(Value::Float(x.sqrt()))
}

fn int_result(vm: &mut Vm, args: Args, name: &str, f: fn(f64) -> f64) -> PyResult<Value> {
    check_arity(vm, name, &args, 1, 1)?;
    let v = args.pos[0].clone();
    if let Some(b) = as_bigint(&v) {
        return Ok(Value::from_bigint(b));
    }
    let x = arg_f(vm, &args, 0, name, 1)?;
    if x.is_nan() {
        return Err(vm.value_error("cannot convert float NaN to integer"));
    }
    if x.is_infinite() {
        return Err(vm.overflow_error("cannot convert float infinity to integer"));
    }
    Ok(Value::from_bigint(crate::vm::ops::float_to_bigint(f(x))))
}

fn floor(vm: &mut Vm, args: Args) -> PyResult<Value> {
    int_result(vm, args, "floor", f64::floor)
}

fn ceil(vm: &mut Vm, args: Args) -> PyResult<Value> {
    int_result(vm, args, "ceil", f64::ceil)
}

fn trunc(vm: &mut Vm, args: Args) -> PyResult<Value> {
    int_result(vm, args, "trunc", f64::trunc)
}

fn log(vm: &mut Vm, args: Args) -> PyResult<Value> {
    // log's own count check (it parses its arguments by hand in CPython).
    if args.pos.is_empty() || args.pos.len() > 2 {
        return Err(vm.type_error("math.log requires 1 to 2 arguments"));
    }
    check_arity(vm, "log", &args, 1, 2)?;
    let ln = |vm: &mut Vm, v: &Value| -> PyResult<f64> {
        match v {
            Value::Int(_) | Value::BigInt(_) | Value::Bool(_) => {
                math_ops::log_int(&as_bigint(v).expect("int"), LogKind::Natural).map_err(|e| num_err(vm, e))
            }
            other => {
                let x = to_float(vm, other)?;
                math_ops::log_float(x, LogKind::Natural).map_err(|e| num_err(vm, e))
            }
        }
    };
    let num = ln(vm, &args.pos[0].clone())?;
    match args.pos.get(1) {
        None => Ok(Value::Float(num)),
        Some(b) => {
            let den = ln(vm, &b.clone())?;
            math_ops::log_ratio(num, den).map(Value::Float).map_err(|e| num_err(vm, e))
        }
    }
}

fn log_k(vm: &mut Vm, args: Args, name: &str, kind: LogKind) -> PyResult<Value> {
    check_arity(vm, name, &args, 1, 1)?;
    let v = args.pos[0].clone();
    let r = match as_bigint(&v) {
        Some(b) => math_ops::log_int(&b, kind),
        None => {
            let x = to_float(vm, &v)?;
            math_ops::log_float(x, kind)
        }
    };
    r.map(Value::Float).map_err(|e| num_err(vm, e))
}

fn log2(vm: &mut Vm, args: Args) -> PyResult<Value> {
    log_k(vm, args, "log2", LogKind::Two)
}

fn log10(vm: &mut Vm, args: Args) -> PyResult<Value> {
    log_k(vm, args, "log10", LogKind::Ten)
}

fn pow(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let x = arg_f(vm, &args, 0, "pow", 2)?;
    let y = arg_f(vm, &args, 1, "pow", 2)?;
    if x == 0.0 && y < 0.0 {
        return Err(vm.value_error("math domain error"));
    }
    let r = x.powf(y);
    if r.is_nan() && !x.is_nan() && !y.is_nan() {
        return Err(vm.value_error("math domain error"));
    }
    if r.is_infinite() && x.is_finite() && y.is_finite() {
        return Err(vm.overflow_error("math range error"));
    }
    Ok(Value::Float(r))
}

fn two_floats(vm: &mut Vm, args: &Args, name: &str) -> PyResult<(f64, f64)> {
    Ok((arg_f(vm, args, 0, name, 2)?, arg_f(vm, args, 1, name, 2)?))
}

fn atan2(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (y, x) = two_floats(vm, &args, "atan2")?;
    Ok(Value::Float(y.atan2(x)))
}

fn hypot(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut acc = 0.0f64;
    for v in args.pos.iter() {
        let x = to_float(vm, &v.clone())?;
        acc = acc.hypot(x);
    }
    Ok(Value::Float(acc))
}

fn copysign(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (x, y) = two_floats(vm, &args, "copysign")?;
    Ok(Value::Float(x.copysign(y)))
}

fn fmod(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (x, y) = two_floats(vm, &args, "fmod")?;
    if y == 0.0 || x.is_infinite() {
        return Err(vm.value_error("math domain error"));
    }
    Ok(Value::Float(x % y))
}

fn degrees(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Float(arg_f(vm, &args, 0, "degrees", 1)?.to_degrees()))
}

fn radians(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Float(arg_f(vm, &args, 0, "radians", 1)?.to_radians()))
}

fn isfinite(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Bool(arg_f(vm, &args, 0, "isfinite", 1)?.is_finite()))
}

fn isinf(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Bool(arg_f(vm, &args, 0, "isinf", 1)?.is_infinite()))
}

fn isnan(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Bool(arg_f(vm, &args, 0, "isnan", 1)?.is_nan()))
}

fn modf(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let x = arg_f(vm, &args, 0, "modf", 1)?;
    Ok(Value::tuple(vec![Value::Float(x.fract()), Value::Float(x.trunc())]))
}

fn frexp(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let x = arg_f(vm, &args, 0, "frexp", 1)?;
    let (m, e) = crate::runtime::num::hash::frexp(x);
    Ok(Value::tuple(vec![Value::Float(m), Value::Int(e as i64)]))
}

fn ldexp(vm: &mut Vm, args: Args) -> PyResult<Value> {
    check_arity(vm, "ldexp", &args, 2, 2)?;
    let x = to_float(vm, &args.pos[0].clone())?;
    let e = vm.to_index(&args.pos[1].clone())?;
    let r = crate::runtime::num::int_ops::ldexp(x, e);
    if r.is_infinite() && x.is_finite() {
        return Err(vm.overflow_error("math range error"));
    }
    Ok(Value::Float(r))
}

fn isqrt(vm: &mut Vm, args: Args) -> PyResult<Value> {
    check_arity(vm, "isqrt", &args, 1, 1)?;
    let n = arg_int(vm, &args.pos[0].clone(), "isqrt")?;
    math_ops::isqrt(&n).map(Value::from_bigint).map_err(|e| num_err(vm, e))
}

fn factorial(vm: &mut Vm, args: Args) -> PyResult<Value> {
    check_arity(vm, "factorial", &args, 1, 1)?;
    let n = arg_int(vm, &args.pos[0].clone(), "factorial")?;
    math_ops::factorial(&n).map(Value::from_bigint).map_err(|e| num_err(vm, e))
}

fn int_list(vm: &mut Vm, args: &Args, name: &str) -> PyResult<Vec<BigInt>> {
    args.pos.iter().map(|v| arg_int(vm, v, name)).collect()
}

fn gcd(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let v = int_list(vm, &args, "gcd")?;
    Ok(Value::from_bigint(math_ops::gcd(&v)))
}

fn lcm(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let v = int_list(vm, &args, "lcm")?;
    Ok(Value::from_bigint(math_ops::lcm(&v)))
}

fn comb(vm: &mut Vm, args: Args) -> PyResult<Value> {
    check_arity(vm, "comb", &args, 2, 2)?;
    let v = int_list(vm, &args, "comb")?;
    math_ops::comb(&v[0], &v[1]).map(Value::from_bigint).map_err(|e| num_err(vm, e))
}

fn perm(vm: &mut Vm, args: Args) -> PyResult<Value> {
    check_arity(vm, "perm", &args, 1, 2)?;
    let n = arg_int(vm, &args.pos[0].clone(), "perm")?;
    let k = match args.pos.get(1) {
        Some(v) if !v.is_none() => Some(arg_int(vm, &v.clone(), "perm")?),
        _ => None,
    };
    math_ops::perm(&n, k.as_ref()).map(Value::from_bigint).map_err(|e| num_err(vm, e))
}

fn fsum(vm: &mut Vm, args: Args) -> PyResult<Value> {
    check_arity(vm, "fsum", &args, 1, 1)?;
    let items = vm.collect(&args.pos[0])?;
    let mut xs = Vec::with_capacity(items.len());
    for v in items {
        xs.push(to_float(vm, &v)?);
    }
    math_ops::fsum(&xs).map(Value::Float).map_err(|e| num_err(vm, e))
}

fn prod(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let start = args.take_kw("start").unwrap_or(Value::Int(1));
    vm.check_args("prod", &args, 1, 1)?;
    let mut acc = start;
    for v in vm.collect(&args.pos[0])? {
        acc = vm.binary_op(&acc, &v, crate::ast::BinOp::Mult, false)?;
    }
    Ok(acc)
}

fn isclose(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let rel = args.take_kw("rel_tol").map(|v| to_float(vm, &v)).transpose()?.unwrap_or(1e-9);
    let abs = args.take_kw("abs_tol").map(|v| to_float(vm, &v)).transpose()?.unwrap_or(0.0);
    let (a, b) = two_floats(vm, &args, "isclose")?;
    math_ops::isclose(a, b, rel, abs).map(Value::Bool).map_err(|e| num_err(vm, e))
}

fn dist(vm: &mut Vm, args: Args) -> PyResult<Value> {
    check_arity(vm, "dist", &args, 2, 2)?;
    let p = vm.collect(&args.pos[0])?;
    let q = vm.collect(&args.pos[1])?;
    if p.len() != q.len() {
        return Err(vm.value_error("both points must have the same number of dimensions"));
    }
    let mut acc = 0.0f64;
    for (a, b) in p.iter().zip(q.iter()) {
        acc = acc.hypot(to_float(vm, a)? - to_float(vm, b)?);
    }
    Ok(Value::Float(acc))
}

pub const FUNCTIONS: &[(&str, NativeFn)] = &[
    ("sqrt", sqrt),
    ("floor", floor),
    ("ceil", ceil),
    ("trunc", trunc),
    ("log", log),
    ("log2", log2),
    ("log10", log10),
    ("log1p", log1p),
    ("exp", exp),
    ("expm1", expm1),
    ("pow", pow),
    ("sin", sin),
    ("cos", cos),
    ("tan", tan),
    ("asin", asin),
    ("acos", acos),
    ("atan", atan),
    ("atan2", atan2),
    ("sinh", sinh),
    ("cosh", cosh),
    ("tanh", tanh),
    ("asinh", asinh),
    ("acosh", acosh),
    ("atanh", atanh),
    ("hypot", hypot),
    ("dist", dist),
    ("copysign", copysign),
    ("fabs", fabs),
    ("fmod", fmod),
    ("modf", modf),
    ("frexp", frexp),
    ("ldexp", ldexp),
    ("degrees", degrees),
    ("radians", radians),
    ("isfinite", isfinite),
    ("isinf", isinf),
    ("isnan", isnan),
    ("isqrt", isqrt),
    ("factorial", factorial),
    ("gcd", gcd),
    ("lcm", lcm),
    ("comb", comb),
    ("perm", perm),
    ("fsum", fsum),
    ("prod", prod),
    ("isclose", isclose),
    ("erf", erf),
    ("erfc", erfc),
    ("gamma", gamma),
    ("lgamma", lgamma),
];

pub fn make(vm: &mut Vm) -> Value {
    let m = super::new_module(vm, "math", FUNCTIONS);
    super::set(&m, "pi", Value::Float(std::f64::consts::PI));
    super::set(&m, "e", Value::Float(std::f64::consts::E));
    super::set(&m, "tau", Value::Float(std::f64::consts::TAU));
    super::set(&m, "inf", Value::Float(f64::INFINITY));
    super::set(&m, "nan", Value::Float(f64::NAN));
    m
}
