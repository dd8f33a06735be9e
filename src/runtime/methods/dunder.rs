//! The special methods of the builtin types as attributes (`(5).__add__(3)`,
//! `super().__getitem__(i)` in a subclass of list, `int.__repr__(x)`): each applies the
//! operator to the builtin value, unwrapping an instance of a subclass to the value it extends.
//! Numeric ones return NotImplemented for operands of other types, as CPython's do.

use crate::ast::{BinOp, CmpOp, UnaryOp};
use crate::runtime::objects::{Args, NativeFn, PyClass};
use crate::runtime::types::Types;
use crate::runtime::value::Value;
use crate::vm::{PyResult, Vm};
use std::rc::Rc;

/// The builtin value behind `v` (itself, or what an instance of a subclass extends).
fn base(v: &Value) -> Value {
    match v {
        Value::Instance(i) => i.base_value.borrow().clone().unwrap_or_else(|| v.clone()),
        _ => v.clone(),
    }
}

fn recv(args: &Args) -> Value {
    base(args.pos.first().unwrap_or(&Value::None))
}

fn arg(vm: &Vm, args: &Args, name: &str) -> PyResult<Value> {
    match args.pos.get(1) {
        Some(v) if args.pos.len() == 2 => Ok(v.clone()),
        _ => Err(vm.type_error(format!("expected 1 argument, got {} ({name})", args.pos.len().saturating_sub(1)))),
    }
}

fn is_int(v: &Value) -> bool {
    matches!(base(v), Value::Int(_) | Value::Bool(_) | Value::BigInt(_))
}

fn is_num(v: &Value) -> bool {
    is_int(v) || matches!(base(v), Value::Float(_))
}

/// Whether `other` is of the same builtin kind as `this` (for comparisons and operators
/// that return NotImplemented otherwise).
fn same_kind(this: &Value, other: &Value) -> bool {
    let o = base(other);
    match this {
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => is_int(&o),
        Value::Float(_) => is_num(&o),
        Value::Str(_) => matches!(o, Value::Str(_)),
        Value::Bytes(_) | Value::ByteArray(_) => matches!(o, Value::Bytes(_) | Value::ByteArray(_)),
        Value::List(_) => matches!(o, Value::List(_)),
        Value::Tuple(_) => matches!(o, Value::Tuple(_)),
        Value::Dict(_) => matches!(o, Value::Dict(_)),
        Value::Set(_) | Value::FrozenSet(_) => matches!(o, Value::Set(_) | Value::FrozenSet(_)),
        Value::Range(_) => matches!(o, Value::Range(_)),
        _ => false,
    }
}

fn binary(vm: &mut Vm, args: &Args, op: BinOp, reflected: bool, name: &str) -> PyResult<Value> {
    let a = recv(args);
    let b = arg(vm, args, name)?;
    let numeric = matches!(a, Value::Int(_) | Value::Bool(_) | Value::BigInt(_) | Value::Float(_));
    if (numeric || reflected) && !same_kind(&a, &b) {
        return Ok(Value::NotImplemented);
    }
    let b = if numeric { base(&b) } else { b };
    if reflected {
        vm.binary_op(&b, &a, op, false)
    } else {
        vm.binary_op(&a, &b, op, false)
    }
}

fn compare(vm: &mut Vm, args: &Args, op: CmpOp) -> PyResult<Value> {
    let a = recv(args);
    let b = arg(vm, args, "comparison")?;
    if !same_kind(&a, &b) {
        return Ok(Value::NotImplemented);
    }
    vm.compare(&a, &base(&b), op)
}

macro_rules! binops {
    ($($f:ident, $rf:ident, $op:expr, $name:literal);* $(;)?) => {
        $(
            fn $f(vm: &mut Vm, args: Args) -> PyResult<Value> {
                binary(vm, &args, $op, false, $name)
            }
            fn $rf(vm: &mut Vm, args: Args) -> PyResult<Value> {
                binary(vm, &args, $op, true, $name)
            }
        )*
    };
}

binops! {
    add, radd, BinOp::Add, "__add__";
    sub, rsub, BinOp::Sub, "__sub__";
    mul, rmul, BinOp::Mult, "__mul__";
    truediv, rtruediv, BinOp::Div, "__truediv__";
    floordiv, rfloordiv, BinOp::FloorDiv, "__floordiv__";
    modulo, rmodulo, BinOp::Mod, "__mod__";
    power, rpower, BinOp::Pow, "__pow__";
    and, rand, BinOp::BitAnd, "__and__";
    or, ror, BinOp::BitOr, "__or__";
    xor, rxor, BinOp::BitXor, "__xor__";
    lshift, rlshift, BinOp::LShift, "__lshift__";
    rshift, rrshift, BinOp::RShift, "__rshift__";
}

macro_rules! cmps {
    ($($f:ident, $op:expr);* $(;)?) => {
        $(
            fn $f(vm: &mut Vm, args: Args) -> PyResult<Value> {
                compare(vm, &args, $op)
            }
        )*
    };
}

cmps! { eq, CmpOp::Eq; ne, CmpOp::NotEq; lt, CmpOp::Lt; le, CmpOp::LtE; gt, CmpOp::Gt; ge, CmpOp::GtE }

fn divmod_(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let a = recv(&args);
    let b = arg(vm, &args, "__divmod__")?;
    if !same_kind(&a, &b) {
        return Ok(Value::NotImplemented);
    }
    call_builtin(vm, "divmod", vec![a, base(&b)])
}

fn iadd(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let this = args.pos[0].clone();
    let b = arg(vm, &args, "__iadd__")?;
    if let Value::List(l) = recv(&args) {
        let items = vm.collect(&b)?;
        l.items.borrow_mut().extend(items);
    }
    Ok(this)
}

fn call_builtin(vm: &mut Vm, name: &str, pos: Vec<Value>) -> PyResult<Value> {
    let key = vm.intern(name);
    let f = vm.interp.builtins.get_str(&key).expect("builtin");
    vm.call(&f, Args::new(pos))
}

fn unary(vm: &mut Vm, args: &Args, op: UnaryOp) -> PyResult<Value> {
    let a = recv(args);
    vm.unary_op(&a, op)
}

fn neg(vm: &mut Vm, args: Args) -> PyResult<Value> {
    unary(vm, &args, UnaryOp::USub)
}

fn pos(vm: &mut Vm, args: Args) -> PyResult<Value> {
    unary(vm, &args, UnaryOp::UAdd)
}

fn invert(vm: &mut Vm, args: Args) -> PyResult<Value> {
    unary(vm, &args, UnaryOp::Invert)
}

macro_rules! via_builtin {
    ($($f:ident, $name:literal);* $(;)?) => {
        $(
            fn $f(vm: &mut Vm, args: Args) -> PyResult<Value> {
                let mut pos = vec![recv(&args)];
                pos.extend(args.pos.iter().skip(1).cloned());
                call_builtin(vm, $name, pos)
            }
        )*
    };
}

via_builtin! { abs, "abs"; to_int, "int"; to_float, "float"; round, "round"; hash, "hash"; len, "len"; iter, "iter"; repr, "repr"; to_str, "str"; to_bool, "bool"; format, "format" }

fn index(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(match recv(&args) {
        Value::Bool(b) => Value::Int(b as i64),
        other => other,
    })
}

fn float_to_int(vm: &mut Vm, args: &Args, f: fn(f64) -> f64) -> PyResult<Value> {
    match recv(args) {
        Value::Float(x) => call_builtin(vm, "int", vec![Value::Float(f(x))]),
        other => index(vm, Args::new([other])),
    }
}

fn floor(vm: &mut Vm, args: Args) -> PyResult<Value> {
    float_to_int(vm, &args, f64::floor)
}

fn ceil(vm: &mut Vm, args: Args) -> PyResult<Value> {
    float_to_int(vm, &args, f64::ceil)
}

fn trunc(vm: &mut Vm, args: Args) -> PyResult<Value> {
    float_to_int(vm, &args, f64::trunc)
}

fn getitem(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let i = arg(vm, &args, "__getitem__")?;
    vm.get_item(&recv(&args), &i)
}

fn setitem(vm: &mut Vm, args: Args) -> PyResult<Value> {
    if args.pos.len() != 3 {
        return Err(vm.type_error(format!("expected 2 arguments, got {}", args.pos.len().saturating_sub(1))));
    }
    vm.set_item(&recv(&args), args.pos[1].clone(), args.pos[2].clone())?;
    Ok(Value::None)
}

fn delitem(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let i = arg(vm, &args, "__delitem__")?;
    vm.del_item(&recv(&args), &i)?;
    Ok(Value::None)
}

fn contains(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let x = arg(vm, &args, "__contains__")?;
    Ok(Value::Bool(vm.contains(&recv(&args), &x)?))
}

const NUMBER: &[(&str, NativeFn)] = &[
    ("__add__", add),
    ("__radd__", radd),
    ("__sub__", sub),
    ("__rsub__", rsub),
    ("__mul__", mul),
    ("__rmul__", rmul),
    ("__truediv__", truediv),
    ("__rtruediv__", rtruediv),
    ("__floordiv__", floordiv),
    ("__rfloordiv__", rfloordiv),
    ("__mod__", modulo),
    ("__rmod__", rmodulo),
    ("__pow__", power),
    ("__rpow__", rpower),
    ("__divmod__", divmod_),
    ("__neg__", neg),
    ("__pos__", pos),
    ("__abs__", abs),
    ("__int__", to_int),
    ("__float__", to_float),
    ("__round__", round),
    ("__floor__", floor),
    ("__ceil__", ceil),
    ("__trunc__", trunc),
    ("__bool__", to_bool),
    ("__hash__", hash),
    ("__repr__", repr),
    ("__format__", format),
];

const INT_ONLY: &[(&str, NativeFn)] = &[
    ("__index__", index),
    ("__invert__", invert),
    ("__and__", and),
    ("__rand__", rand),
    ("__or__", or),
    ("__ror__", ror),
    ("__xor__", xor),
    ("__rxor__", rxor),
    ("__lshift__", lshift),
    ("__rlshift__", rlshift),
    ("__rshift__", rshift),
    ("__rrshift__", rrshift),
];

const COMPARE: &[(&str, NativeFn)] = &[("__eq__", eq), ("__ne__", ne), ("__lt__", lt), ("__le__", le), ("__gt__", gt), ("__ge__", ge)];

const CONTAINER: &[(&str, NativeFn)] =
    &[("__len__", len), ("__iter__", iter), ("__contains__", contains), ("__getitem__", getitem), ("__repr__", repr)];

const SEQUENCE: &[(&str, NativeFn)] = &[("__add__", add), ("__mul__", mul), ("__rmul__", mul)];

/// Adds the entries of `table` that `class` does not define itself.
fn add_missing(class: &Rc<PyClass>, owner: &'static str, table: &[(&'static str, NativeFn)]) {
    let missing: Vec<(&'static str, NativeFn)> =
        table.iter().copied().filter(|(name, _)| !class.dict.borrow().keys().iter().any(|k| k.as_str() == Some(*name))).collect();
    Types::add_methods(class, owner, &missing);
}

pub fn install(t: &Types) {
    for (class, owner) in [(&t.int, "int"), (&t.float, "float")] {
        add_missing(class, owner, NUMBER);
        add_missing(class, owner, COMPARE);
    }
    add_missing(&t.int, "int", INT_ONLY);
    for (class, owner) in [(&t.str, "str"), (&t.bytes, "bytes"), (&t.list, "list"), (&t.tuple, "tuple")] {
        add_missing(class, owner, CONTAINER);
        add_missing(class, owner, COMPARE);
        add_missing(class, owner, SEQUENCE);
    }
    for (class, owner) in [(&t.str, "str"), (&t.bytes, "bytes"), (&t.tuple, "tuple")] {
        add_missing(class, owner, &[("__hash__", hash)]);
    }
    add_missing(&t.str, "str", &[("__str__", to_str), ("__mod__", modulo), ("__format__", format)]);
    add_missing(&t.list, "list", &[("__setitem__", setitem), ("__delitem__", delitem), ("__iadd__", iadd)]);
    for (class, owner) in [(&t.dict, "dict"), (&t.set, "set"), (&t.frozenset, "frozenset"), (&t.range, "range")] {
        add_missing(class, owner, CONTAINER);
        add_missing(class, owner, &[("__eq__", eq), ("__ne__", ne)]);
    }
    for (class, owner) in [(&t.set, "set"), (&t.frozenset, "frozenset")] {
        add_missing(
            class,
            owner,
            &[
                ("__lt__", lt),
                ("__le__", le),
                ("__gt__", gt),
                ("__ge__", ge),
                ("__or__", or),
                ("__and__", and),
                ("__sub__", sub),
                ("__xor__", xor),
            ],
        );
    }
    add_missing(&t.frozenset, "frozenset", &[("__hash__", hash)]);
    add_missing(&t.dict, "dict", &[("__or__", or)]);
}
