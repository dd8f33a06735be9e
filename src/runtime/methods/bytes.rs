//! `bytes` and `bytearray`: constructors, codecs (`decode`, used by `str.encode` too), `hex` /
//! `fromhex`, the bytearray mutators, the operators the VM delegates here, and the method
//! tables. The text-like methods shared by both types are in `bytes_methods`.

use super::bytes_methods as bm;
use super::str::{as_str, clinic_kw, encode_text, encoding_args, no_args, one_arg, ssize_arg};
use crate::ast::BinOp;
use crate::runtime::objects::{Args, NativeFn, PyBytes};
use crate::runtime::value::Value;
use crate::vm::{ExcKind, PyResult, Vm};
use std::rc::Rc;

pub fn new_bytes(data: Vec<u8>) -> Value {
    Value::Bytes(Rc::new(PyBytes::new(data)))
}

pub fn new_bytearray(data: Vec<u8>) -> Value {
    Value::ByteArray(Rc::new(PyBytes::new(data)))
}

/// A new value of the same type (bytes or bytearray) as `like`.
pub fn same_kind(like: &Value, data: Vec<u8>) -> Value {
    if matches!(like, Value::ByteArray(_)) {
        new_bytearray(data)
    } else {
        new_bytes(data)
    }
}

/// The bytes/bytearray value of `v` (also inside instances of bytes subclasses).
pub fn as_bytes_value(v: &Value) -> Option<Value> {
    match v {
        Value::Bytes(_) | Value::ByteArray(_) => Some(v.clone()),
        Value::Instance(i) => match &*i.base_value.borrow() {
            Some(b @ (Value::Bytes(_) | Value::ByteArray(_))) => Some(b.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// A copy of the bytes of a bytes-like value.
pub fn bytes_like(v: &Value) -> Option<Vec<u8>> {
    match as_bytes_value(v)? {
        Value::Bytes(b) | Value::ByteArray(b) => Some(b.data.borrow().clone()),
        _ => None,
    }
}

/// The bytes-like argument, or `TypeError: a bytes-like object is required, not 'str'`.
pub fn bytes_arg(vm: &Vm, v: &Value) -> PyResult<Vec<u8>> {
    bytes_like(v).ok_or_else(|| vm.type_error(format!("a bytes-like object is required, not '{}'", vm.type_name(v))))
}

/// The receiver of a bytes/bytearray method: (the plain value, its data copied).
pub fn this(vm: &Vm, args: &Args) -> PyResult<(Value, Vec<u8>)> {
    let v = args.pos.first().ok_or_else(|| vm.type_error("unbound method needs an argument"))?;
    let b = as_bytes_value(v)
        .ok_or_else(|| vm.type_error(format!("descriptor requires a 'bytes' object but received a '{}'", vm.type_name(v))))?;
    let data = match &b {
        Value::Bytes(x) | Value::ByteArray(x) => x.data.borrow().clone(),
        _ => Vec::new(),
    };
    Ok((b, data))
}

/// The bytearray a mutating method was called on.
fn this_ba(vm: &Vm, args: &Args) -> PyResult<Rc<PyBytes>> {
    match args.pos.first() {
        Some(Value::ByteArray(b)) => Ok(b.clone()),
        Some(v) => Err(vm.type_error(format!("descriptor requires a 'bytearray' object but received a '{}'", vm.type_name(v)))),
        None => Err(vm.type_error("unbound method needs an argument")),
    }
}

/// One byte value from an int-like, with `msg` when out of range.
pub fn byte_value(vm: &mut Vm, v: &Value, msg: &str) -> PyResult<u8> {
    let i = match v {
        Value::BigInt(_) => return Err(vm.value_error(msg)),
        _ => vm.to_index(v)?,
    };
    if (0..256).contains(&i) {
        Ok(i as u8)
    } else {
        Err(vm.value_error(msg))
    }
}

// ----- codecs -----

fn utf8_error(vm: &Vm, data: &[u8], e: std::str::Utf8Error, offset: usize) -> crate::vm::PyException {
    let pos = offset + e.valid_up_to();
    let (len, reason) = match e.error_len() {
        None => (data.len() - pos, "unexpected end of data"),
        Some(n) => {
            let b = data[pos];
            let reason = if (0x80..0xc2).contains(&b) || b >= 0xf5 { "invalid start byte" } else { "invalid continuation byte" };
            (n, reason)
        }
    };
    let what =
        if len <= 1 { format!("byte 0x{:02x} in position {pos}", data[pos]) } else { format!("bytes in position {pos}-{}", pos + len - 1) };
    vm.new_error(ExcKind::UnicodeDecodeError, format!("'utf-8' codec can't decode {what}: {reason}"))
}

fn unknown_handler(vm: &Vm, errors: &str) -> crate::vm::PyException {
    vm.new_error(ExcKind::LookupError, format!("unknown error handler name '{errors}'"))
}

/// Decodes `data` with one of the codecs of `str::normalize_encoding`.
pub fn decode_bytes(vm: &Vm, data: &[u8], encoding: &str, errors: &str) -> PyResult<String> {
    let codec = super::str::normalize_encoding(encoding)
        .ok_or_else(|| vm.new_error(ExcKind::LookupError, format!("unknown encoding: {encoding}")))?;
    match codec {
        "utf-8" => {
            let mut out = String::with_capacity(data.len());
            let mut rest = data;
            let mut offset = 0;
            loop {
                match std::str::from_utf8(rest) {
                    Ok(s) => {
                        out.push_str(s);
                        return Ok(out);
                    }
                    Err(e) => {
                        let good = e.valid_up_to();
                        out.push_str(std::str::from_utf8(&rest[..good]).unwrap_or(""));
                        let bad = e.error_len().unwrap_or(rest.len() - good);
                        match errors {
                            "strict" => return Err(utf8_error(vm, data, e, offset)),
                            "ignore" => {}
                            "replace" => out.push('\u{fffd}'),
                            "backslashreplace" => rest[good..good + bad].iter().for_each(|b| out.push_str(&format!("\\x{b:02x}"))),
                            "surrogateescape" => out.push('\u{fffd}'),
                            other => return Err(unknown_handler(vm, other)),
                        }
                        offset += good + bad;
                        rest = &rest[good + bad..];
                    }
                }
            }
        }
        "ascii" => {
            let mut out = String::with_capacity(data.len());
            for (i, &b) in data.iter().enumerate() {
                if b < 0x80 {
                    out.push(b as char);
                    continue;
                }
                match errors {
                    "strict" => {
                        return Err(vm.new_error(
                            ExcKind::UnicodeDecodeError,
                            format!("'ascii' codec can't decode byte 0x{b:02x} in position {i}: ordinal not in range(128)"),
                        ))
                    }
                    "ignore" => {}
                    "replace" | "surrogateescape" => out.push('\u{fffd}'),
                    "backslashreplace" => out.push_str(&format!("\\x{b:02x}")),
                    other => return Err(unknown_handler(vm, other)),
                }
            }
            Ok(out)
        }
        _ => Ok(data.iter().map(|&b| b as char).collect()),
    }
}

fn decode(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let p = clinic_kw(vm, &args, "decode", &["encoding", "errors"], 1, 0)?;
    let (_, data) = this(vm, &args)?;
    let (enc, errors) = encoding_args(vm, "decode", &p[0], &p[1])?;
    decode_bytes(vm, &data, &enc, &errors).map(Value::from_string)
}

// ----- constructors -----

/// The bytes of `bytes(source, encoding, errors)`; `what` is "bytes" or "bytearray".
fn construct(vm: &mut Vm, src: Option<Value>, enc: Option<Value>, errors: Option<Value>, what: &str) -> PyResult<Vec<u8>> {
    let Some(src) = src else {
        if enc.is_some() {
            return Err(vm.type_error("encoding without a string argument"));
        }
        if errors.is_some() {
            return Err(vm.type_error("errors without a string argument"));
        }
        return Ok(Vec::new());
    };
    if let Some(s) = as_str(&src) {
        if enc.is_none() {
            return Err(vm.type_error("string argument without an encoding"));
        }
        let (e, r) = encoding_args(vm, what, &enc, &errors)?;
        return encode_text(vm, s.as_str(), &e, &r);
    }
    if enc.is_some() {
        return Err(vm.type_error("encoding without a string argument"));
    }
    if errors.is_some() {
        return Err(vm.type_error("errors without a string argument"));
    }
    if let Some(b) = bytes_like(&src) {
        return Ok(b);
    }
    match &src {
        Value::Int(n) => {
            if *n < 0 {
                return Err(vm.value_error("negative count"));
            }
            return Ok(vec![0; *n as usize]);
        }
        Value::Bool(b) => return Ok(vec![0; *b as usize]),
        Value::BigInt(_) => return Err(vm.overflow_error("cannot fit 'int' into an index-sized integer")),
        Value::Str(_) => unreachable!("handled above"),
        Value::Instance(_) => {
            let key = vm.intern("__bytes__");
            if let Some(r) = vm.call_method_opt(&src, &key, Args::default())? {
                return match &r {
                    Value::Bytes(b) => Ok(b.data.borrow().clone()),
                    other => Err(vm.type_error(format!("__bytes__ returned non-bytes (type {})", vm.type_name(other)))),
                };
            }
            let key = vm.interp.names.__index__.clone();
            if let Some(r) = vm.call_method_opt(&src, &key, Args::default())? {
                let n = vm.to_index(&r)?;
                if n < 0 {
                    return Err(vm.value_error("negative count"));
                }
                return Ok(vec![0; n as usize]);
            }
        }
        _ => {}
    }
    let it = match vm.get_iter(&src) {
        Ok(it) => it,
        Err(e) if vm.exc_matches(&e, ExcKind::TypeError) => {
            return Err(vm.type_error(format!("cannot convert '{}' object to {what}", vm.type_name(&src))))
        }
        Err(e) => return Err(e),
    };
    let msg = if what == "bytes" { "bytes must be in range(0, 256)" } else { "byte must be in range(0, 256)" };
    let mut out = Vec::new();
    while let Some(v) = vm.next(&it)? {
        out.push(byte_value(vm, &v, msg)?);
    }
    Ok(out)
}

fn bytes_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let cls = args.pos[0].clone();
    let mut p = clinic_kw(vm, &args, "bytes", &["source", "encoding", "errors"], 1, 0)?;
    let (src, enc, errors) = (p[0].take(), p[1].take(), p[2].take());
    let data = construct(vm, src, enc, errors, "bytes")?;
    let bytes_cls = vm.interp.types.bytes.clone();
    Ok(super::int::wrap_for_subclass(vm, &cls, &bytes_cls, new_bytes(data)))
}

fn bytearray_new(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(new_bytearray(Vec::new()))
}

fn bytearray_init(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let ba = this_ba(vm, &args)?;
    let mut p = clinic_kw(vm, &args, "bytearray", &["source", "encoding", "errors"], 1, 0)?;
    let (src, enc, errors) = (p[0].take(), p[1].take(), p[2].take());
    let data = construct(vm, src, enc, errors, "bytearray")?;
    *ba.data.borrow_mut() = data;
    Ok(Value::None)
}

// ----- hex / fromhex -----

fn hex(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let p = clinic_kw(vm, &args, "hex", &["sep", "bytes_per_sep"], 1, 0)?;
    let (_, data) = this(vm, &args)?;
    let sep = match &p[0] {
        None => None,
        Some(v) => {
            let s: Vec<u8> = match as_str(v) {
                Some(s) => s.as_str().as_bytes().to_vec(),
                None => bytes_like(v).ok_or_else(|| vm.type_error("sep must be str or bytes."))?,
            };
            if s.len() != 1 {
                return Err(vm.value_error("sep must be length 1."));
            }
            if !s[0].is_ascii() {
                return Err(vm.value_error("sep must be ASCII."));
            }
            Some(s[0] as char)
        }
    };
    let per = match &p[1] {
        Some(v) => ssize_arg(vm, v)?,
        None => 1,
    };
    let digits: Vec<String> = data.iter().map(|b| format!("{b:02x}")).collect();
    let Some(sep) = sep.filter(|_| per != 0 && !data.is_empty()) else {
        return Ok(Value::from_string(digits.concat()));
    };
    let n = per.unsigned_abs() as usize;
    let mut groups: Vec<String> = Vec::new();
    if per > 0 {
        // Groups counted from the right.
        let first = data.len() % n;
        if first > 0 {
            groups.push(digits[..first].concat());
        }
        groups.extend(digits[first..].chunks(n).map(|c| c.concat()));
    } else {
        groups.extend(digits.chunks(n).map(|c| c.concat()));
    }
    Ok(Value::from_string(groups.join(&sep.to_string())))
}

fn fromhex(vm: &mut Vm, args: Args) -> PyResult<Value> {
    if !args.kw.is_empty() {
        return Err(vm.type_error("fromhex() takes no keyword arguments"));
    }
    if args.pos.len() != 2 {
        return Err(vm.type_error(format!("fromhex() takes exactly one argument ({} given)", args.pos.len().saturating_sub(1))));
    }
    let s =
        as_str(&args.pos[1]).ok_or_else(|| vm.type_error(format!("fromhex() argument must be str, not {}", vm.type_name(&args.pos[1]))))?;
    let chars: Vec<char> = s.as_str().chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let bad = |vm: &Vm, i: usize| vm.value_error(format!("non-hexadecimal number found in fromhex() arg at position {i}"));
    while i < chars.len() {
        if matches!(chars[i], ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c') {
            i += 1;
            continue;
        }
        let hi = chars[i].to_digit(16).filter(|_| chars[i].is_ascii()).ok_or_else(|| bad(vm, i))?;
        let lo = chars.get(i + 1).and_then(|c| c.to_digit(16).filter(|_| c.is_ascii())).ok_or_else(|| bad(vm, i + 1))?;
        out.push((hi * 16 + lo) as u8);
        i += 2;
    }
    let is_ba = matches!(&args.pos[0], Value::Class(c) if Rc::ptr_eq(c, &vm.interp.types.bytearray));
    if is_ba {
        return Ok(new_bytearray(out));
    }
    let bytes_cls = vm.interp.types.bytes.clone();
    Ok(super::int::wrap_for_subclass(vm, &args.pos[0], &bytes_cls, new_bytes(out)))
}

// ----- bytearray mutators -----

fn append(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let x = one_arg(vm, &args, "bytearray.append")?;
    let ba = this_ba(vm, &args)?;
    let b = byte_value(vm, &x, "byte must be in range(0, 256)")?;
    ba.data.borrow_mut().push(b);
    Ok(Value::None)
}

fn extend(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let x = one_arg(vm, &args, "bytearray.extend")?;
    let ba = this_ba(vm, &args)?;
    let data = match bytes_like(&x) {
        Some(d) => d,
        None => {
            if as_str(&x).is_some() {
                return Err(vm.type_error("expected iterable of integers; got: 'str'"));
            }
            let it = match vm.get_iter(&x) {
                Ok(it) => it,
                Err(e) if vm.exc_matches(&e, ExcKind::TypeError) => {
                    return Err(vm.type_error(format!("can't extend bytearray with {}", vm.type_name(&x))))
                }
                Err(e) => return Err(e),
            };
            let mut out = Vec::new();
            while let Some(v) = vm.next(&it)? {
                out.push(byte_value(vm, &v, "byte must be in range(0, 256)")?);
            }
            out
        }
    };
    ba.data.borrow_mut().extend(data);
    Ok(Value::None)
}

fn pop(vm: &mut Vm, args: Args) -> PyResult<Value> {
    super::str::clinic_pos(vm, &args, "bytearray.pop", 0, 1)?;
    let ba = this_ba(vm, &args)?;
    let i = match args.pos.get(1) {
        Some(v) => ssize_arg(vm, v)?,
        None => -1,
    };
    let len = ba.data.borrow().len() as i64;
    if len == 0 {
        return Err(vm.index_error("pop from empty bytearray"));
    }
    let idx = if i < 0 { i + len } else { i };
    if idx < 0 || idx >= len {
        return Err(vm.index_error("pop index out of range"));
    }
    let b = ba.data.borrow_mut().remove(idx as usize);
    Ok(Value::Int(b as i64))
}

fn insert(vm: &mut Vm, args: Args) -> PyResult<Value> {
    super::str::clinic_pos(vm, &args, "bytearray.insert", 2, 2)?;
    let ba = this_ba(vm, &args)?;
    let i = ssize_arg(vm, &args.pos[1])?;
    let b = byte_value(vm, &args.pos[2], "byte must be in range(0, 256)")?;
    let mut data = ba.data.borrow_mut();
    let len = data.len() as i64;
    let pos = if i < 0 { (i + len).max(0) } else { i.min(len) } as usize;
    data.insert(pos, b);
    Ok(Value::None)
}

fn remove(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let x = one_arg(vm, &args, "bytearray.remove")?;
    let ba = this_ba(vm, &args)?;
    let b = byte_value(vm, &x, "byte must be in range(0, 256)")?;
    let pos = ba.data.borrow().iter().position(|c| *c == b);
    match pos {
        Some(i) => {
            ba.data.borrow_mut().remove(i);
            Ok(Value::None)
        }
        None => Err(vm.value_error("value not found in bytearray")),
    }
}

fn reverse(vm: &mut Vm, args: Args) -> PyResult<Value> {
    no_args(vm, &args, "bytearray.reverse")?;
    this_ba(vm, &args)?.data.borrow_mut().reverse();
    Ok(Value::None)
}

fn clear(vm: &mut Vm, args: Args) -> PyResult<Value> {
    no_args(vm, &args, "bytearray.clear")?;
    this_ba(vm, &args)?.data.borrow_mut().clear();
    Ok(Value::None)
}

fn copy(vm: &mut Vm, args: Args) -> PyResult<Value> {
    no_args(vm, &args, "bytearray.copy")?;
    let data = this_ba(vm, &args)?.data.borrow().clone();
    Ok(new_bytearray(data))
}

fn iadd(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let x = one_arg(vm, &args, "bytearray.__iadd__")?;
    let ba = this_ba(vm, &args)?;
    let data = bytes_like(&x).ok_or_else(|| vm.type_error(format!("can't concat {} to bytearray", vm.type_name(&x))))?;
    ba.data.borrow_mut().extend(data);
    Ok(args.pos[0].clone())
}

// ----- operators (the VM delegates here) -----

/// `a op b` when either side is bytes or bytearray; `None` when the pair is not handled here.
pub fn binary_op(vm: &mut Vm, a: &Value, b: &Value, op: BinOp, inplace: bool) -> PyResult<Option<Value>> {
    let is_b = |v: &Value| matches!(v, Value::Bytes(_) | Value::ByteArray(_));
    match op {
        BinOp::Add if is_b(a) => {
            let Some(other) = bytes_like(b) else {
                if matches!(b, Value::Instance(_)) {
                    return Ok(None);
                }
                return Err(vm.type_error(format!("can't concat {} to {}", vm.type_name(b), vm.type_name(a))));
            };
            if let (Value::ByteArray(x), true) = (a, inplace) {
                x.data.borrow_mut().extend(other);
                return Ok(Some(a.clone()));
            }
            let mut data = bytes_like(a).unwrap_or_default();
            data.extend(other);
            Ok(Some(same_kind(a, data)))
        }
        BinOp::Mult => {
            let (seq, n) = if is_b(a) { (a, b) } else { (b, a) };
            if !is_b(seq) {
                return Ok(None);
            }
            let k = match n {
                Value::Int(i) => (*i).max(0) as usize,
                Value::Bool(x) => *x as usize,
                Value::BigInt(_) => return Err(vm.overflow_error("cannot fit 'int' into an index-sized integer")),
                Value::Instance(_) => return Ok(None),
                other => return Err(vm.type_error(format!("can't multiply sequence by non-int of type '{}'", vm.type_name(other)))),
            };
            let data = bytes_like(seq).unwrap_or_default();
            let out = data.repeat(k);
            if let (Value::ByteArray(x), true) = (a, inplace && is_b(a)) {
                *x.data.borrow_mut() = out;
                return Ok(Some(a.clone()));
            }
            Ok(Some(same_kind(seq, out)))
        }
        BinOp::Mod if is_b(a) => bm::percent_format(vm, a, b).map(Some),
        _ => Ok(None),
    }
}

/// The ordering of two bytes-like values, `None` unless both are bytes/bytearray.
pub fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Bytes(x) | Value::ByteArray(x), Value::Bytes(y) | Value::ByteArray(y)) => {
            Some(x.data.borrow().as_slice().cmp(y.data.borrow().as_slice()))
        }
        _ => None,
    }
}

/// `item in container` for a bytes/bytearray container.
pub fn contains(vm: &mut Vm, container: &Value, item: &Value) -> PyResult<bool> {
    let hay = bytes_like(container).unwrap_or_default();
    match item {
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => {
            let b = byte_value(vm, item, "byte must be in range(0, 256)")?;
            Ok(hay.contains(&b))
        }
        _ => match bytes_like(item) {
            Some(needle) => Ok(bm::find_sub(&hay, &needle, 0, hay.len()).is_some()),
            None if matches!(item, Value::Instance(_)) => {
                let b = byte_value(vm, item, "byte must be in range(0, 256)")?;
                Ok(hay.contains(&b))
            }
            None => Err(vm.type_error(format!("a bytes-like object is required, not '{}'", vm.type_name(item)))),
        },
    }
}

fn dunder_len(vm: &mut Vm, args: Args) -> PyResult<Value> {
    no_args(vm, &args, "bytes.__len__")?;
    Ok(Value::Int(this(vm, &args)?.1.len() as i64))
}

fn dunder_contains(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let item = one_arg(vm, &args, "bytes.__contains__")?;
    let (b, _) = this(vm, &args)?;
    contains(vm, &b, &item).map(Value::Bool)
}

fn dunder_getitem(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let idx = one_arg(vm, &args, "bytes.__getitem__")?;
    let (b, _) = this(vm, &args)?;
    vm.get_item(&b, &idx)
}

fn dunder_add(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let other = one_arg(vm, &args, "bytes.__add__")?;
    let (b, _) = this(vm, &args)?;
    Ok(binary_op(vm, &b, &other, BinOp::Add, false)?.unwrap_or(Value::NotImplemented))
}

fn dunder_mul(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let other = one_arg(vm, &args, "bytes.__mul__")?;
    let (b, _) = this(vm, &args)?;
    Ok(binary_op(vm, &b, &other, BinOp::Mult, false)?.unwrap_or(Value::NotImplemented))
}

fn dunder_mod(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let other = one_arg(vm, &args, "bytes.__mod__")?;
    let (b, _) = this(vm, &args)?;
    bm::percent_format(vm, &b, &other)
}

fn dunder_hash(vm: &mut Vm, args: Args) -> PyResult<Value> {
    no_args(vm, &args, "bytes.__hash__")?;
    let (b, _) = this(vm, &args)?;
    vm.hash(&b).map(Value::Int)
}

fn dunder_bytes(vm: &mut Vm, args: Args) -> PyResult<Value> {
    no_args(vm, &args, "bytes.__bytes__")?;
    Ok(new_bytes(this(vm, &args)?.1))
}

fn dunder_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    no_args(vm, &args, "bytes.__repr__")?;
    let (b, _) = this(vm, &args)?;
    vm.repr(&b).map(Value::Str)
}

fn getnewargs(vm: &mut Vm, args: Args) -> PyResult<Value> {
    no_args(vm, &args, "bytes.__getnewargs__")?;
    Ok(Value::tuple(vec![new_bytes(this(vm, &args)?.1)]))
}

macro_rules! common_methods {
    ($($extra:expr),* $(,)?) => {
        &[
            ("__len__", dunder_len as NativeFn),
            ("__contains__", dunder_contains),
            ("__getitem__", dunder_getitem),
            ("__add__", dunder_add),
            ("__mul__", dunder_mul),
            ("__rmul__", dunder_mul),
            ("__mod__", dunder_mod),
            ("__repr__", dunder_repr),
            ("decode", decode),
            ("hex", hex),
            ("find", bm::find),
            ("rfind", bm::rfind),
            ("index", bm::index),
            ("rindex", bm::rindex),
            ("count", bm::count),
            ("startswith", bm::startswith),
            ("endswith", bm::endswith),
            ("split", bm::split),
            ("rsplit", bm::rsplit),
            ("splitlines", bm::splitlines),
            ("partition", bm::partition),
            ("rpartition", bm::rpartition),
            ("replace", bm::replace),
            ("join", bm::join),
            ("strip", bm::strip),
            ("lstrip", bm::lstrip),
            ("rstrip", bm::rstrip),
            ("removeprefix", bm::removeprefix),
            ("removesuffix", bm::removesuffix),
            ("center", bm::center),
            ("ljust", bm::ljust),
            ("rjust", bm::rjust),
            ("zfill", bm::zfill),
            ("expandtabs", bm::expandtabs),
            ("translate", bm::translate),
            ("upper", bm::upper),
            ("lower", bm::lower),
            ("swapcase", bm::swapcase),
            ("title", bm::title),
            ("capitalize", bm::capitalize),
            ("isdigit", bm::isdigit),
            ("isalpha", bm::isalpha),
            ("isalnum", bm::isalnum),
            ("isspace", bm::isspace),
            ("isupper", bm::isupper),
            ("islower", bm::islower),
            ("istitle", bm::istitle),
            ("isascii", bm::isascii),
            $($extra),*
        ]
    };
}

pub const BYTES_METHODS: &[(&str, NativeFn)] = common_methods![
    ("__new__", bytes_new as NativeFn),
    ("__hash__", dunder_hash as NativeFn),
    ("__bytes__", dunder_bytes as NativeFn),
    ("__getnewargs__", getnewargs as NativeFn),
];

pub const BYTEARRAY_METHODS: &[(&str, NativeFn)] = common_methods![
    ("__new__", bytearray_new as NativeFn),
    ("__init__", bytearray_init as NativeFn),
    ("__iadd__", iadd as NativeFn),
    ("append", append as NativeFn),
    ("extend", extend as NativeFn),
    ("pop", pop as NativeFn),
    ("insert", insert as NativeFn),
    ("remove", remove as NativeFn),
    ("reverse", reverse as NativeFn),
    ("clear", clear as NativeFn),
    ("copy", copy as NativeFn),
];

pub const CLASS_METHODS: &[(&str, NativeFn)] = &[("fromhex", fromhex)];

pub const STATIC_METHODS: &[(&str, NativeFn)] = &[("maketrans", bm::maketrans)];

// ----- bytearray item and slice assignment (the VM's subscript code delegates here) -----

/// `ba[index] = value` for a bytearray, slices included.
pub fn bytearray_set_item(vm: &mut Vm, ba: &Rc<PyBytes>, index: Value, value: Value) -> PyResult<()> {
    if let Value::Slice(s) = &index {
        let new: Vec<u8> = match bytes_like(&value) {
            Some(b) => b,
            None if matches!(value, Value::Int(_) | Value::Bool(_) | Value::BigInt(_)) || as_str(&value).is_some() => {
                return Err(vm.type_error("can assign only bytes, buffers, or iterables of ints in range(0, 256)"))
            }
            None => {
                let items = vm.collect(&value)?;
                let mut out = Vec::with_capacity(items.len());
                for v in &items {
                    out.push(byte_value(vm, v, "byte must be in range(0, 256)")?);
                }
                out
            }
        };
        let len = ba.data.borrow().len();
        let ix = super::subscript::slice_indices(vm, s, len)?;
        let mut data = ba.data.borrow_mut();
        if ix.step == 1 {
            let start = ix.start.clamp(0, len as i64) as usize;
            let end = (start + ix.len.max(0) as usize).min(len);
            data.splice(start..end, new);
            return Ok(());
        }
        if new.len() as i64 != ix.len {
            drop(data);
            return Err(vm.value_error(format!("attempt to assign bytes of size {} to extended slice of size {}", new.len(), ix.len)));
        }
        for (k, b) in new.into_iter().enumerate() {
            let i = ix.start + ix.step * k as i64;
            data[i as usize] = b;
        }
        return Ok(());
    }
    let i = match &index {
        Value::Int(_) | Value::Bool(_) | Value::Instance(_) => vm.to_index(&index)?,
        Value::BigInt(_) => return Err(vm.index_error("cannot fit 'int' into an index-sized integer")),
        _ => return Err(vm.type_error(format!("bytearray indices must be integers or slices, not {}", vm.type_name(&index)))),
    };
    let b = byte_value(vm, &value, "byte must be in range(0, 256)")?;
    let mut data = ba.data.borrow_mut();
    let len = data.len() as i64;
    let k = if i < 0 { i + len } else { i };
    if k < 0 || k >= len {
        drop(data);
        return Err(vm.index_error("bytearray index out of range"));
    }
    data[k as usize] = b;
    Ok(())
}

/// `del ba[index]` for a bytearray, slices included.
pub fn bytearray_del_item(vm: &mut Vm, ba: &Rc<PyBytes>, index: &Value) -> PyResult<()> {
    if let Value::Slice(s) = index {
        let len = ba.data.borrow().len();
        let ix = super::subscript::slice_indices(vm, s, len)?;
        let gone: std::collections::HashSet<i64> = (0..ix.len.max(0)).map(|k| ix.start + ix.step * k).collect();
        let mut data = ba.data.borrow_mut();
        let kept: Vec<u8> = data.iter().enumerate().filter(|(i, _)| !gone.contains(&(*i as i64))).map(|(_, b)| *b).collect();
        *data = kept;
        return Ok(());
    }
    let i = match index {
        Value::Int(_) | Value::Bool(_) | Value::Instance(_) => vm.to_index(index)?,
        _ => return Err(vm.type_error(format!("bytearray indices must be integers or slices, not {}", vm.type_name(index)))),
    };
    let mut data = ba.data.borrow_mut();
    let len = data.len() as i64;
    let k = if i < 0 { i + len } else { i };
    if k < 0 || k >= len {
        drop(data);
        return Err(vm.index_error("bytearray index out of range"));
    }
    data.remove(k as usize);
    Ok(())
}
