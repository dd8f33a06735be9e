//! Operators: arithmetic with CPython's int/float semantics (small ints inline, big ints on
//! overflow), comparisons, truth, `in`, subscripts, and the dunder-method fallbacks with
//! CPython's "unsupported operand" messages.

use super::{ExcKind, PyResult, Vm};
use crate::ast::{BinOp, CmpOp, UnaryOp};
use crate::runtime::objects::{Args, PyStr};
use crate::runtime::value::Value;
use num_bigint::BigInt;
use num_traits::{ToPrimitive, Zero};
use std::cmp::Ordering;
use std::rc::Rc;

/// Int op int without overflow or special cases; `None` sends the slow path.
#[inline]
pub fn int_fast(x: i64, y: i64, op: BinOp) -> Option<Value> {
    Some(Value::Int(match op {
        BinOp::Add => x.checked_add(y)?,
        BinOp::Sub => x.checked_sub(y)?,
        BinOp::Mult => x.checked_mul(y)?,
        BinOp::FloorDiv if y > 0 && x >= 0 => x / y,
        BinOp::Mod if y > 0 && x >= 0 => x % y,
        BinOp::BitAnd => x & y,
        BinOp::BitOr => x | y,
        BinOp::BitXor => x ^ y,
        _ => return None,
    }))
}

/// Float arithmetic (either operand may be a small int) without leaving the eval loop.
#[inline]
pub fn float_fast(a: &Value, b: &Value, op: BinOp) -> Option<Value> {
    let (x, y) = match (a, b) {
        (Value::Float(x), Value::Float(y)) => (*x, *y),
        (Value::Float(x), Value::Int(y)) => (*x, *y as f64),
        (Value::Int(x), Value::Float(y)) => (*x as f64, *y),
        _ => return None,
    };
    Some(Value::Float(match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mult => x * y,
        BinOp::Div if y != 0.0 => x / y,
        _ => return None,
    }))
}

/// A rich comparison of two machine numbers (ints, or floats with IEEE NaN rules).
#[inline]
pub fn cmp_native<T: PartialOrd>(x: T, y: T, op: CmpOp) -> bool {
    match op {
        CmpOp::Eq => x == y,
        CmpOp::NotEq => x != y,
        CmpOp::Lt => x < y,
        CmpOp::LtE => x <= y,
        CmpOp::Gt => x > y,
        CmpOp::GtE => x >= y,
        _ => false,
    }
}

/// A numeric operand, widened for mixed arithmetic.
enum Num {
    Int(BigInt),
    Float(f64),
}

fn as_num(v: &Value) -> Option<Num> {
    match v {
        Value::Int(i) => Some(Num::Int(BigInt::from(*i))),
        Value::Bool(b) => Some(Num::Int(BigInt::from(*b as i64))),
        Value::BigInt(b) => Some(Num::Int((**b).clone())),
        Value::Float(f) => Some(Num::Float(*f)),
        _ => None,
    }
}

pub fn is_number(v: &Value) -> bool {
    matches!(v, Value::Int(_) | Value::Bool(_) | Value::BigInt(_) | Value::Float(_))
}

/// The int value of an int-like (int, bool, big int).
pub fn as_bigint(v: &Value) -> Option<BigInt> {
    match v {
        Value::Int(i) => Some(BigInt::from(*i)),
        Value::Bool(b) => Some(BigInt::from(*b as i64)),
        Value::BigInt(b) => Some((**b).clone()),
        _ => None,
    }
}

/// Exact comparison of int and float values, as CPython (no rounding of big ints).
pub fn numeric_cmp(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(y),
        _ => match (as_num(a)?, as_num(b)?) {
            (Num::Int(x), Num::Int(y)) => Some(x.cmp(&y)),
            (Num::Float(x), Num::Float(y)) => x.partial_cmp(&y),
            (Num::Int(x), Num::Float(y)) => int_float_cmp(&x, y),
            (Num::Float(x), Num::Int(y)) => int_float_cmp(&y, x).map(Ordering::reverse),
        },
    }
}

fn int_float_cmp(i: &BigInt, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f.is_infinite() {
        return Some(if f > 0.0 { Ordering::Less } else { Ordering::Greater });
    }
    let fl = f.floor();
    let fi = BigInt::from(num_traits::FromPrimitive::from_f64(fl).unwrap_or(0i64));
    let fi = if fl.abs() >= 9.0e18 { float_to_bigint(fl) } else { fi };
    match i.cmp(&fi) {
        Ordering::Equal if f > fl => Some(Ordering::Less),
        o => Some(o),
    }
}

pub fn float_to_bigint(f: f64) -> BigInt {
    use num_traits::FromPrimitive;
    BigInt::from_f64(f.trunc()).unwrap_or_default()
}

pub fn numeric_eq(a: &Value, b: &Value) -> bool {
    numeric_cmp(a, b) == Some(Ordering::Equal)
}

pub fn bigint_to_f64(b: &BigInt) -> Option<f64> {
    let f = b.to_f64()?;
    if f.is_finite() {
        Some(f)
    } else {
        None
    }
}

fn op_symbol(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mult => "*",
        BinOp::MatMult => "@",
        BinOp::Div => "/",
        BinOp::FloorDiv => "//",
        BinOp::Mod => "%",
        BinOp::Pow => "** or pow()",
        BinOp::LShift => "<<",
        BinOp::RShift => ">>",
        BinOp::BitOr => "|",
        BinOp::BitXor => "^",
        BinOp::BitAnd => "&",
    }
}

/// (`__op__`, `__rop__`, `__iop__`) method names for an operator.
pub fn dunder_names(op: BinOp) -> (&'static str, &'static str, &'static str) {
    match op {
        BinOp::Add => ("__add__", "__radd__", "__iadd__"),
        BinOp::Sub => ("__sub__", "__rsub__", "__isub__"),
        BinOp::Mult => ("__mul__", "__rmul__", "__imul__"),
        BinOp::MatMult => ("__matmul__", "__rmatmul__", "__imatmul__"),
        BinOp::Div => ("__truediv__", "__rtruediv__", "__itruediv__"),
        BinOp::FloorDiv => ("__floordiv__", "__rfloordiv__", "__ifloordiv__"),
        BinOp::Mod => ("__mod__", "__rmod__", "__imod__"),
        BinOp::Pow => ("__pow__", "__rpow__", "__ipow__"),
        BinOp::LShift => ("__lshift__", "__rlshift__", "__ilshift__"),
        BinOp::RShift => ("__rshift__", "__rrshift__", "__irshift__"),
        BinOp::BitOr => ("__or__", "__ror__", "__ior__"),
        BinOp::BitXor => ("__xor__", "__rxor__", "__ixor__"),
        BinOp::BitAnd => ("__and__", "__rand__", "__iand__"),
    }
}

impl Vm {
    pub fn binary_op(&mut self, a: &Value, b: &Value, op: BinOp, inplace: bool) -> PyResult<Value> {
        if let Some(v) = self.builtin_binary(a, b, op, inplace)? {
            return Ok(v);
        }
        if let Some(v) = self.dunder_binary(a, b, op, inplace)? {
            return Ok(v);
        }
        if let Some((a2, b2)) = unwrap_builtin_bases(a, b) {
            return self.binary_op(&a2, &b2, op, inplace);
        }
        // `seq * n` where n is an object with `__index__`.
        if op == BinOp::Mult {
            let is_seq = |v: &Value| matches!(v, Value::Str(_) | Value::List(_) | Value::Tuple(_) | Value::Bytes(_) | Value::ByteArray(_));
            let index = self.interp.names.__index__.clone();
            for (seq, n, n_first) in [(a, b, false), (b, a, true)] {
                if is_seq(seq) && matches!(n, Value::Instance(_)) && self.type_of(n).lookup(&index).is_some() {
                    let k = Value::Int(self.to_index(n)?);
                    return if n_first { self.binary_op(&k, seq, op, inplace) } else { self.binary_op(seq, &k, op, inplace) };
                }
            }
        }
        Err(self.unsupported(a, b, op, inplace))
    }

    fn unsupported(&self, a: &Value, b: &Value, op: BinOp, inplace: bool) -> super::PyException {
        let (ta, tb) = (self.type_name(a), self.type_name(b));
        if op == BinOp::Add && matches!(a, Value::Str(_)) {
            return self.type_error(format!("can only concatenate str (not \"{tb}\") to str"));
        }
        if op == BinOp::Add && matches!(a, Value::List(_)) {
            return self.type_error(format!("can only concatenate list (not \"{tb}\") to list"));
        }
        if op == BinOp::Add && matches!(a, Value::Tuple(_)) {
            return self.type_error(format!("can only concatenate tuple (not \"{tb}\") to tuple"));
        }
        if op == BinOp::Mult
            && (matches!(a, Value::Str(_) | Value::List(_) | Value::Tuple(_))
                || matches!(b, Value::Str(_) | Value::List(_) | Value::Tuple(_)))
        {
            let t = if is_number(a) || is_number(b) {
                if is_number(a) {
                    tb.clone()
                } else {
                    ta.clone()
                }
            } else {
                tb.clone()
            };
            let _ = t;
            if matches!(b, Value::Float(_)) || matches!(a, Value::Float(_)) || !(is_number(a) || is_number(b)) {
                let other = if matches!(a, Value::Str(_) | Value::List(_) | Value::Tuple(_)) { &tb } else { &ta };
                return self.type_error(format!("can't multiply sequence by non-int of type '{other}'"));
            }
        }
        let sym = op_symbol(op);
        let sym = if inplace && op != BinOp::Pow {
            format!("{sym}=")
        } else if inplace {
            "**=".into()
        } else {
            sym.to_string()
        };
        self.type_error(format!("unsupported operand type(s) for {sym}: '{ta}' and '{tb}'"))
    }

    /// Operators on builtin types; `None` when the operand types do not support `op`.
    fn builtin_binary(&mut self, a: &Value, b: &Value, op: BinOp, inplace: bool) -> PyResult<Option<Value>> {
        if let (Value::Bool(x), Value::Bool(y)) = (a, b) {
            match op {
                BinOp::BitAnd => return Ok(Some(Value::Bool(x & y))),
                BinOp::BitOr => return Ok(Some(Value::Bool(x | y))),
                BinOp::BitXor => return Ok(Some(Value::Bool(x ^ y))),
                _ => {}
            }
        }
        if is_number(a) && is_number(b) {
            return self.numeric_binary(a, b, op).map(Some);
        }
        match (a, b, op) {
            (Value::Str(x), Value::Str(y), BinOp::Add) => {
                let mut s = String::with_capacity(x.as_str().len() + y.as_str().len());
                s.push_str(x.as_str());
                s.push_str(y.as_str());
                Ok(Some(Value::from_string(s)))
            }
            (Value::Str(s), n, BinOp::Mult) | (n, Value::Str(s), BinOp::Mult) if is_int_like(n) => {
                let k = self.repeat_count(n)?;
                Ok(Some(Value::from_string(s.as_str().repeat(k))))
            }
            (Value::Str(_), _, BinOp::Mod) => crate::runtime::methods::str_format::percent_format(self, a, b).map(Some),
            (Value::List(x), Value::List(y), BinOp::Add) => {
                if inplace {
                    let items = y.snapshot();
                    x.items.borrow_mut().extend(items);
                    return Ok(Some(a.clone()));
                }
                let mut v = x.snapshot();
                v.extend(y.items.borrow().iter().cloned());
                Ok(Some(Value::list(v)))
            }
            (Value::List(x), _, BinOp::Add) if inplace => {
                let items = self.collect(b)?;
                x.items.borrow_mut().extend(items);
                Ok(Some(a.clone()))
            }
            (Value::List(l), n, BinOp::Mult) | (n, Value::List(l), BinOp::Mult) if is_int_like(n) => {
                let k = self.repeat_count(n)?;
                let items = l.snapshot();
                if inplace && matches!(a, Value::List(_)) {
                    let mut out = Vec::with_capacity(items.len() * k);
                    for _ in 0..k {
                        out.extend(items.iter().cloned());
                    }
                    *l.items.borrow_mut() = out;
                    return Ok(Some(a.clone()));
                }
                let mut out = Vec::with_capacity(items.len() * k);
                for _ in 0..k {
                    out.extend(items.iter().cloned());
                }
                Ok(Some(Value::list(out)))
            }
            (Value::Tuple(x), Value::Tuple(y), BinOp::Add) => {
                let mut v = x.items.to_vec();
                v.extend(y.items.iter().cloned());
                Ok(Some(Value::tuple(v)))
            }
            (Value::Tuple(t), n, BinOp::Mult) | (n, Value::Tuple(t), BinOp::Mult) if is_int_like(n) => {
                let k = self.repeat_count(n)?;
                let mut out = Vec::with_capacity(t.items.len() * k);
                for _ in 0..k {
                    out.extend(t.items.iter().cloned());
                }
                Ok(Some(Value::tuple(out)))
            }
            (Value::Bytes(_) | Value::ByteArray(_), _, _) | (_, Value::Bytes(_) | Value::ByteArray(_), BinOp::Mult) => {
                crate::runtime::methods::bytes::binary_op(self, a, b, op, inplace)
            }
            (Value::Set(_) | Value::FrozenSet(_), Value::Set(_) | Value::FrozenSet(_), _) => {
                crate::runtime::methods::set::set_operator(self, a, b, op, inplace)
            }
            _ if is_set_view(a) || is_set_view(b) => crate::runtime::methods::set::view_operator(self, a, b, op),
            (Value::Dict(x), Value::Dict(y), BinOp::BitOr) => {
                let target = if inplace { x.clone() } else { Rc::new(self.dict_copy(x)) };
                self.dict_update(&target, &Value::Dict(y.clone()), false)?;
                Ok(Some(Value::Dict(target)))
            }
            _ => Ok(None),
        }
    }

    fn repeat_count(&self, n: &Value) -> PyResult<usize> {
        match n {
            Value::Int(i) => Ok((*i).max(0) as usize),
            Value::Bool(b) => Ok(*b as usize),
            _ => Err(self.overflow_error("cannot fit 'int' into an index-sized integer")),
        }
    }

    fn numeric_binary(&mut self, a: &Value, b: &Value, op: BinOp) -> PyResult<Value> {
        if let (Value::Int(x), Value::Int(y)) = (a, b) {
            if let Some(v) = self.small_int_binary(*x, *y, op)? {
                return Ok(v);
            }
        }
        if let Some(v) = float_fast(a, b, op) {
            return Ok(v);
        }
        match (as_num(a).expect("number"), as_num(b).expect("number")) {
            (Num::Int(x), Num::Int(y)) => self.int_binary(x, y, op),
            (Num::Float(x), Num::Float(y)) => self.float_binary(x, y, op),
            (Num::Int(x), Num::Float(y)) => {
                let xf = self.int_to_float(&x)?;
                self.float_binary(xf, y, op)
            }
            (Num::Float(x), Num::Int(y)) => {
                let yf = self.int_to_float(&y)?;
                self.float_binary(x, yf, op)
            }
        }
    }

    /// Int op int on machine words; `None` when the result needs a big int.
    fn small_int_binary(&mut self, x: i64, y: i64, op: BinOp) -> PyResult<Option<Value>> {
        use crate::runtime::num::int_ops;
        let err = |vm: &Vm, e| crate::runtime::methods::num_err(vm, e);
        Ok(match op {
            BinOp::Add => x.checked_add(y).map(Value::Int),
            BinOp::Sub => x.checked_sub(y).map(Value::Int),
            BinOp::Mult => x.checked_mul(y).map(Value::Int),
            BinOp::FloorDiv => int_ops::floordiv_i64(x, y).map_err(|e| err(self, e))?.map(Value::Int),
            BinOp::Mod => Some(Value::Int(int_ops::mod_i64(x, y).map_err(|e| err(self, e))?)),
            BinOp::Pow if y >= 0 => int_ops::pow_i64(x, y).map(Value::Int),
            BinOp::LShift => int_ops::shl_i64(x, y).map_err(|e| err(self, e))?.map(Value::Int),
            BinOp::RShift => Some(Value::Int(int_ops::shr_i64(x, y).map_err(|e| err(self, e))?)),
            BinOp::Div if y != 0 && x.unsigned_abs() < (1 << 53) && y.unsigned_abs() < (1 << 53) => Some(Value::Float(x as f64 / y as f64)),
            _ => None,
        })
    }

    pub fn int_to_float(&self, x: &BigInt) -> PyResult<f64> {
        bigint_to_f64(x).ok_or_else(|| self.overflow_error("int too large to convert to float"))
    }

    fn int_binary(&mut self, x: BigInt, y: BigInt, op: BinOp) -> PyResult<Value> {
        use num_integer::Integer;
        let r = match op {
            BinOp::Add => x + y,
            BinOp::Sub => x - y,
            BinOp::Mult => x * y,
            BinOp::Div => {
                if y.is_zero() {
                    return Err(self.zero_division("division by zero"));
                }
                return Ok(Value::Float(crate::runtime::methods::int::true_divide(self, &x, &y)?));
            }
            BinOp::FloorDiv => {
                if y.is_zero() {
                    return Err(self.zero_division("integer division or modulo by zero"));
                }
                x.div_floor(&y)
            }
            BinOp::Mod => {
                if y.is_zero() {
                    return Err(self.zero_division("integer modulo by zero"));
                }
                x.mod_floor(&y)
            }
            BinOp::Pow => return crate::runtime::methods::int::int_pow(self, &x, &y),
            BinOp::LShift | BinOp::RShift => {
                if y < BigInt::zero() {
                    return Err(self.value_error("negative shift count"));
                }
                let n = y.to_usize().ok_or_else(|| self.overflow_error("too many digits in integer"))?;
                if op == BinOp::LShift {
                    if n > 1 << 26 && !x.is_zero() {
                        return Err(self.overflow_error("too many digits in integer"));
                    }
                    x << n
                } else {
                    x.div_floor(&(BigInt::from(1) << n.min(1 << 26)))
                }
            }
            BinOp::BitAnd => x & y,
            BinOp::BitOr => x | y,
            BinOp::BitXor => x ^ y,
            BinOp::MatMult => {
                return Err(self.type_error("unsupported operand type(s) for @: 'int' and 'int'"));
            }
        };
        Ok(Value::from_bigint(r))
    }

    fn float_binary(&mut self, x: f64, y: f64, op: BinOp) -> PyResult<Value> {
        let r = match op {
            BinOp::Add => x + y,
            BinOp::Sub => x - y,
            BinOp::Mult => x * y,
            BinOp::Div => {
                if y == 0.0 {
                    return Err(self.zero_division("float division by zero"));
                }
                x / y
            }
            BinOp::FloorDiv => {
                if y == 0.0 {
                    return Err(self.zero_division("float floor division by zero"));
                }
                float_divmod(x, y).0
            }
            BinOp::Mod => {
                if y == 0.0 {
                    return Err(self.zero_division("float modulo"));
                }
                float_divmod(x, y).1
            }
            BinOp::Pow => return crate::runtime::methods::float::float_pow(self, x, y),
            _ => {
                let msg = format!("unsupported operand type(s) for {}: 'float' and 'float'", op_symbol(op));
                return Err(self.type_error(msg));
            }
        };
        Ok(Value::Float(r))
    }

    /// `a.__op__(b)`, then `b.__rop__(a)` (reflected first when b's type is a subclass).
    fn dunder_binary(&mut self, a: &Value, b: &Value, op: BinOp, inplace: bool) -> PyResult<Option<Value>> {
        let (name, rname, iname) = dunder_names(op);
        let ta = self.type_of(a);
        let tb = self.type_of(b);
        if inplace {
            if let Some(r) = self.try_dunder(a, iname, b)? {
                return Ok(Some(r));
            }
        }
        let b_first = !Rc::ptr_eq(&ta, &tb) && tb.is_subclass(&ta) && tb.lookup_str(rname).is_some();
        if b_first {
            if let Some(r) = self.try_dunder(b, rname, a)? {
                return Ok(Some(r));
            }
        }
        if let Some(r) = self.try_dunder(a, name, b)? {
            return Ok(Some(r));
        }
        if !b_first && !Rc::ptr_eq(&ta, &tb) {
            if let Some(r) = self.try_dunder(b, rname, a)? {
                return Ok(Some(r));
            }
        }
        Ok(None)
    }

    /// Calls `obj.name(arg)` if a user class defines it; `None` if absent or NotImplemented.
    fn try_dunder(&mut self, obj: &Value, name: &str, arg: &Value) -> PyResult<Option<Value>> {
        let cls = self.type_of(obj);
        if !cls.is_heap {
            return Ok(None);
        }
        let Some(f) = cls.lookup_str(name) else { return Ok(None) };
        let bound = self.bind_descriptor(f, obj.clone(), &cls)?;
        let r = self.call(&bound, Args::new([arg.clone()]))?;
        Ok(if matches!(r, Value::NotImplemented) { None } else { Some(r) })
    }

    /// Calls `obj.name()` for a special method if the class defines it.
    pub fn call_method_opt(&mut self, obj: &Value, name: &Rc<PyStr>, args: Args) -> PyResult<Option<Value>> {
        let cls = self.type_of(obj);
        let Some(f) = cls.lookup(name) else { return Ok(None) };
        let bound = self.bind_descriptor(f, obj.clone(), &cls)?;
        self.call(&bound, args).map(Some)
    }

    pub fn call_method(&mut self, obj: &Value, name: &str, args: Args) -> PyResult<Value> {
        let key = self.intern(name);
        let f = self.get_attr(obj, &key)?;
        self.call(&f, args)
    }

    pub fn unary_op(&mut self, a: &Value, op: UnaryOp) -> PyResult<Value> {
        match (a, op) {
            (Value::Int(i), UnaryOp::USub) => Ok(i.checked_neg().map(Value::Int).unwrap_or_else(|| Value::from_bigint(-BigInt::from(*i)))),
            (Value::Int(i), UnaryOp::UAdd) => Ok(Value::Int(*i)),
            (Value::Int(i), UnaryOp::Invert) => Ok(Value::Int(!*i)),
            (Value::Bool(b), _) => self.unary_op(&Value::Int(*b as i64), op),
            (Value::BigInt(b), UnaryOp::USub) => Ok(Value::from_bigint(-(**b).clone())),
            (Value::BigInt(b), UnaryOp::UAdd) => Ok(Value::BigInt(b.clone())),
            (Value::BigInt(b), UnaryOp::Invert) => Ok(Value::from_bigint(-(**b).clone() - 1)),
            (Value::Float(f), UnaryOp::USub) => Ok(Value::Float(-f)),
            (Value::Float(f), UnaryOp::UAdd) => Ok(Value::Float(*f)),
            (_, UnaryOp::Not) => Ok(Value::Bool(!self.is_true(a)?)),
            _ => {
                let name = match op {
                    UnaryOp::USub => self.interp.names.__neg__.clone(),
                    UnaryOp::UAdd => self.interp.names.__pos__.clone(),
                    _ => self.interp.names.__invert__.clone(),
                };
                if self.type_of(a).is_heap {
                    if let Some(r) = self.call_method_opt(a, &name, Args::default())? {
                        return Ok(r);
                    }
                }
                if let Value::Instance(i) = a {
                    let base = i.base_value.borrow().clone();
                    if let Some(base) = base {
                        return self.unary_op(&base, op);
                    }
                }
                let sym = match op {
                    UnaryOp::USub => "-",
                    UnaryOp::UAdd => "+",
                    _ => "~",
                };
                Err(self.type_error(format!("bad operand type for unary {sym}: '{}'", self.type_name(a))))
            }
        }
    }

    /// `bool(v)`: `__bool__`, then `__len__`, else true.
    pub fn is_true(&mut self, v: &Value) -> PyResult<bool> {
        Ok(match v {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::BigInt(_) => true,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.as_str().is_empty(),
            Value::Bytes(b) | Value::ByteArray(b) => !b.data.borrow().is_empty(),
            Value::Tuple(t) => !t.items.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Dict(d) => !d.is_empty(),
            Value::Set(s) | Value::FrozenSet(s) => !s.is_empty(),
            Value::Range(r) => !r.is_empty(),
            Value::Instance(_) => {
                if let Some(r) = self.call_method_opt(v, &self.interp.names.__bool__.clone(), Args::default())? {
                    return match r {
                        Value::Bool(b) => Ok(b),
                        other => Err(self.type_error(format!("__bool__ should return bool, returned {}", self.type_name(&other)))),
                    };
                }
                if let Some(r) = self.call_method_opt(v, &self.interp.names.__len__.clone(), Args::default())? {
                    return Ok(self.len_result(r)? != 0);
                }
                if let Value::Instance(i) = v {
                    if let Some(base) = i.base_value.borrow().clone() {
                        return self.is_true(&base);
                    }
                }
                true
            }
            _ => true,
        })
    }

    /// Validates what `__len__` returned.
    pub fn len_result(&self, r: Value) -> PyResult<usize> {
        match r {
            Value::Int(i) if i >= 0 => Ok(i as usize),
            Value::Bool(b) => Ok(b as usize),
            Value::Int(_) => Err(self.value_error("__len__() should return >= 0")),
            other => Err(self.type_error(format!("'{}' object cannot be interpreted as an integer", self.type_name(&other)))),
        }
    }

    /// Rich comparison: `a op b` with the reflected fallback and CPython's errors.
    pub fn compare(&mut self, a: &Value, b: &Value, op: CmpOp) -> PyResult<Value> {
        if let Some(r) = self.builtin_compare(a, b, op)? {
            return Ok(Value::Bool(r));
        }
        let (name, rname) = match op {
            CmpOp::Eq => ("__eq__", "__eq__"),
            CmpOp::NotEq => ("__ne__", "__ne__"),
            CmpOp::Lt => ("__lt__", "__gt__"),
            CmpOp::LtE => ("__le__", "__ge__"),
            CmpOp::Gt => ("__gt__", "__lt__"),
            CmpOp::GtE => ("__ge__", "__le__"),
            _ => unreachable!("not a rich comparison"),
        };
        let ta = self.type_of(a);
        let tb = self.type_of(b);
        let b_first = !Rc::ptr_eq(&ta, &tb) && tb.is_subclass(&ta);
        if b_first {
            if let Some(r) = self.try_dunder(b, rname, a)? {
                return Ok(r);
            }
        }
        if let Some(r) = self.try_dunder(a, name, b)? {
            return Ok(r);
        }
        if !b_first {
            if let Some(r) = self.try_dunder(b, rname, a)? {
                return Ok(r);
            }
        }
        if let Some((a2, b2)) = unwrap_builtin_bases(a, b) {
            return self.compare(&a2, &b2, op);
        }
        match op {
            CmpOp::Eq => Ok(Value::Bool(a.is(b))),
            CmpOp::NotEq => {
                if ta.is_heap && ta.lookup_str("__eq__").is_some() {
                    let eq = self.compare(a, b, CmpOp::Eq)?;
                    return Ok(Value::Bool(!self.is_true(&eq)?));
                }
                Ok(Value::Bool(!a.is(b)))
            }
            _ => {
                let sym = match op {
                    CmpOp::Lt => "<",
                    CmpOp::LtE => "<=",
                    CmpOp::Gt => ">",
                    _ => ">=",
                };
                Err(self.type_error(format!(
                    "'{sym}' not supported between instances of '{}' and '{}'",
                    self.type_name(a),
                    self.type_name(b)
                )))
            }
        }
    }

    /// `a == b` as a Rust bool.
    pub fn eq(&mut self, a: &Value, b: &Value) -> PyResult<bool> {
        if let Some(r) = crate::runtime::objects::dict::native_eq(a, b) {
            if !matches!(a, Value::Instance(_)) {
                return Ok(r);
            }
        }
        let r = self.compare(a, b, CmpOp::Eq)?;
        self.is_true(&r)
    }

    /// Comparisons between builtin values; `None` when `op` is not defined for the pair.
    fn builtin_compare(&mut self, a: &Value, b: &Value, op: CmpOp) -> PyResult<Option<bool>> {
        let ord = match (a, b) {
            _ if is_number(a) && is_number(b) => numeric_cmp(a, b),
            (Value::Str(x), Value::Str(y)) => Some(x.as_str().cmp(y.as_str())),
            (Value::Bytes(_) | Value::ByteArray(_), Value::Bytes(_) | Value::ByteArray(_)) => crate::runtime::methods::bytes::compare(a, b),
            (Value::List(x), Value::List(y)) => return self.seq_compare(&x.snapshot(), &y.snapshot(), op).map(Some),
            (Value::Tuple(x), Value::Tuple(y)) => return self.seq_compare(&x.items, &y.items, op).map(Some),
            (Value::Set(_) | Value::FrozenSet(_), Value::Set(_) | Value::FrozenSet(_)) => {
                return crate::runtime::methods::set::set_compare(self, a, b, op)
            }
            _ if is_set_view(a) || is_set_view(b) => {
                return match (self.view_as_set(a)?, self.view_as_set(b)?) {
                    (Some(x), Some(y)) => crate::runtime::methods::set::set_compare(self, &x, &y, op),
                    _ if matches!(op, CmpOp::Eq | CmpOp::NotEq) => Ok(Some(op == CmpOp::NotEq)),
                    _ => Ok(None),
                };
            }
            (Value::Dict(x), Value::Dict(y)) if matches!(op, CmpOp::Eq | CmpOp::NotEq) => {
                let eq = self.dict_eq(x, y)?;
                return Ok(Some(eq == (op == CmpOp::Eq)));
            }
            (Value::Range(x), Value::Range(y)) if matches!(op, CmpOp::Eq | CmpOp::NotEq) => {
                let same =
                    (x.is_empty() && y.is_empty()) || (x.start == y.start && x.len() == y.len() && (x.len() == 1 || x.step == y.step));
                return Ok(Some(same == (op == CmpOp::Eq)));
            }
            _ => {
                if matches!(op, CmpOp::Eq | CmpOp::NotEq) && !self.type_of(a).is_heap && !self.type_of(b).is_heap {
                    let same = a.is(b);
                    return Ok(Some(same == (op == CmpOp::Eq)));
                }
                return Ok(None);
            }
        };
        Ok(Some(match ord {
            None => op == CmpOp::NotEq,
            Some(o) => match op {
                CmpOp::Eq => o == Ordering::Equal,
                CmpOp::NotEq => o != Ordering::Equal,
                CmpOp::Lt => o == Ordering::Less,
                CmpOp::LtE => o != Ordering::Greater,
                CmpOp::Gt => o == Ordering::Greater,
                CmpOp::GtE => o != Ordering::Less,
                _ => false,
            },
        }))
    }

    /// Lexicographic comparison of sequences, element `==` first as CPython.
    fn seq_compare(&mut self, x: &[Value], y: &[Value], op: CmpOp) -> PyResult<bool> {
        for (p, q) in x.iter().zip(y.iter()) {
            if !self.eq(p, q)? {
                return match op {
                    CmpOp::Eq => Ok(false),
                    CmpOp::NotEq => Ok(true),
                    _ => {
                        let r = self.compare(p, q, op)?;
                        self.is_true(&r)
                    }
                };
            }
        }
        let o = x.len().cmp(&y.len());
        Ok(match op {
            CmpOp::Eq => o == Ordering::Equal,
            CmpOp::NotEq => o != Ordering::Equal,
            CmpOp::Lt => o == Ordering::Less,
            CmpOp::LtE => o != Ordering::Greater,
            CmpOp::Gt => o == Ordering::Greater,
            _ => o != Ordering::Less,
        })
    }

    /// `item in container`.
    pub fn contains(&mut self, container: &Value, item: &Value) -> PyResult<bool> {
        match container {
            Value::Str(s) => match item {
                Value::Str(sub) => Ok(s.as_str().contains(sub.as_str())),
                other => Err(self.type_error(format!("'in <string>' requires string as left operand, not {}", self.type_name(other)))),
            },
            Value::List(l) => {
                let items = l.snapshot();
                self.seq_contains(&items, item)
            }
            Value::Tuple(t) => {
                let items = t.items.clone();
                self.seq_contains(&items, item)
            }
            Value::Dict(d) => Ok(self.dict_get(d, item)?.is_some()),
            Value::Set(s) | Value::FrozenSet(s) => self.set_contains(s, item),
            Value::Range(r) => Ok(match item {
                Value::Int(i) => {
                    let (i, start, stop, step) = (*i, r.start, r.stop, r.step);
                    let inside = if step > 0 { i >= start && i < stop } else { i <= start && i > stop };
                    inside && (i - start) % step == 0
                }
                _ => {
                    let items: Vec<Value> = (0..r.len()).map(|k| Value::Int(r.get(k))).collect();
                    self.seq_contains(&items, item)?
                }
            }),
            Value::Bytes(_) | Value::ByteArray(_) => crate::runtime::methods::bytes::contains(self, container, item),
            _ => {
                if let Some(r) = self.call_method_opt(container, &self.interp.names.__contains__.clone(), Args::new([item.clone()]))? {
                    return self.is_true(&r);
                }
                if let Value::Instance(i) = container {
                    let base = i.base_value.borrow().clone();
                    if let Some(base) = base {
                        return self.contains(&base, item);
                    }
                }
                let cls = self.type_of(container);
                let native_iterable = matches!(container, Value::Native(_) | Value::Generator(_));
                if native_iterable
                    || cls.lookup(&self.interp.names.__iter__).is_some()
                    || cls.lookup(&self.interp.names.__getitem__).is_some()
                {
                    let it = self.get_iter(container)?;
                    while let Some(v) = self.next(&it)? {
                        if self.eq(&v, item)? {
                            return Ok(true);
                        }
                    }
                    return Ok(false);
                }
                Err(self.type_error(format!("argument of type '{}' is not iterable", self.type_name(container))))
            }
        }
    }

    fn seq_contains(&mut self, items: &[Value], item: &Value) -> PyResult<bool> {
        for v in items {
            if v.is(item) || self.eq(v, item)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// `container[index]`.
    pub fn get_item(&mut self, container: &Value, index: &Value) -> PyResult<Value> {
        crate::runtime::methods::subscript::get_item(self, container, index)
    }

    pub fn set_item(&mut self, container: &Value, index: Value, value: Value) -> PyResult<()> {
        crate::runtime::methods::subscript::set_item(self, container, index, value)
    }

    pub fn del_item(&mut self, container: &Value, index: &Value) -> PyResult<()> {
        crate::runtime::methods::subscript::del_item(self, container, index)
    }

    /// The index value of an int-like, or TypeError.
    pub fn to_index(&mut self, v: &Value) -> PyResult<i64> {
        match v {
            Value::Int(i) => Ok(*i),
            Value::Bool(b) => Ok(*b as i64),
            Value::BigInt(_) => Err(self.new_error(ExcKind::IndexError, "cannot fit 'int' into an index-sized integer")),
            Value::Instance(_) => match self.call_method_opt(v, &self.interp.names.__index__.clone(), Args::default())? {
                Some(Value::Int(i)) => Ok(i),
                _ => Err(self.type_error(format!("'{}' object cannot be interpreted as an integer", self.type_name(v)))),
            },
            _ => Err(self.type_error(format!("'{}' object cannot be interpreted as an integer", self.type_name(v)))),
        }
    }
}

/// For instances of subclasses of builtin types (`class Age(int)`): the builtin values they
/// extend, when at least one operand is such an instance.
fn unwrap_builtin_bases(a: &Value, b: &Value) -> Option<(Value, Value)> {
    let base = |v: &Value| match v {
        Value::Instance(i) => i.base_value.borrow().clone(),
        _ => None,
    };
    match (base(a), base(b)) {
        (None, None) => None,
        (x, y) => Some((x.unwrap_or_else(|| a.clone()), y.unwrap_or_else(|| b.clone()))),
    }
}

/// A `dict.keys()` or `dict.items()` view: these behave as sets.
fn is_set_view(v: &Value) -> bool {
    use crate::runtime::objects::{NativeData, ViewKind};
    matches!(v, Value::Native(n) if matches!(n.data, NativeData::DictView(_, ViewKind::Keys | ViewKind::Items)))
}

impl Vm {
    /// A set-like operand as a frozenset: sets as they are, key and item views collected,
    /// anything else `None`.
    fn view_as_set(&mut self, v: &Value) -> PyResult<Option<Value>> {
        match v {
            Value::Set(_) | Value::FrozenSet(_) => Ok(Some(v.clone())),
            _ if is_set_view(v) => {
                let items = self.collect(v)?;
                let s = self.new_set(items)?;
                Ok(Some(match s {
                    Value::Set(t) => Value::FrozenSet(t),
                    other => other,
                }))
            }
            _ => Ok(None),
        }
    }
}

fn is_int_like(v: &Value) -> bool {
    matches!(v, Value::Int(_) | Value::Bool(_) | Value::BigInt(_))
}

/// Python's float divmod: floor quotient and a remainder with the divisor's sign.
pub fn float_divmod(x: f64, y: f64) -> (f64, f64) {
    let mut m = x % y;
    let mut div = (x - m) / y;
    if m != 0.0 {
        if (y < 0.0) != (m < 0.0) {
            m += y;
            div -= 1.0;
        }
    } else {
        m = 0.0f64.copysign(y);
    }
    let floordiv = if div != 0.0 {
        let mut f = div.floor();
        if div - f > 0.5 {
            f += 1.0;
        }
        f
    } else {
        0.0f64.copysign(x / y)
    };
    (floordiv, m)
}
