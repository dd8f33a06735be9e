//! The text-like methods that `bytes` and `bytearray` share (search, split, strip, pad, case
//! mapping over ASCII, translate) and `bytes % args`. Results have the receiver's type.

use super::bytes::{as_bytes_value, byte_value, bytes_arg, bytes_like, same_kind, this};
use super::str::{adjust_indices, clinic_kw, clinic_pos, no_args, one_arg, slice_bound, ssize_arg, tuple_args};
use crate::runtime::objects::Args;
use crate::runtime::value::Value;
use crate::vm::{ExcKind, PyResult, Vm};

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

/// The first index of `needle` in `hay[start..end]`.
pub fn find_sub(hay: &[u8], needle: &[u8], start: usize, end: usize) -> Option<usize> {
    if end < start || end - start < needle.len() {
        return None;
    }
    if needle.is_empty() {
        return Some(start);
    }
    let region = &hay[start..end];
    let first = needle[0];
    let last_start = region.len() - needle.len();
    let mut i = 0;
    while i <= last_start {
        match region[i..=last_start].iter().position(|b| *b == first) {
            None => return None,
            Some(k) => {
                i += k;
                if &region[i..i + needle.len()] == needle {
                    return Some(start + i);
                }
                i += 1;
            }
        }
    }
    None
}

/// The last index of `needle` in `hay[start..end]`.
pub fn rfind_sub(hay: &[u8], needle: &[u8], start: usize, end: usize) -> Option<usize> {
    if end < start || end - start < needle.len() {
        return None;
    }
    (start..=end - needle.len()).rev().find(|&i| &hay[i..i + needle.len()] == needle)
}

/// A find-style needle: a bytes-like or an int byte.
fn needle_arg(vm: &mut Vm, v: &Value) -> PyResult<Vec<u8>> {
    if let Some(b) = bytes_like(v) {
        return Ok(b);
    }
    match v {
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) | Value::Instance(_)
            if !matches!(v, Value::Instance(_)) || vm.to_index(v).is_ok() =>
        {
            Ok(vec![byte_value(vm, v, "byte must be in range(0, 256)")?])
        }
        _ => Err(vm.type_error(format!("argument should be integer or bytes-like object, not '{}'", vm.type_name(v)))),
    }
}

struct Found {
    hay: Vec<u8>,
    needle: Vec<u8>,
    start: usize,
    end: usize,
}

fn find_args(vm: &mut Vm, args: &Args, qual: &str) -> PyResult<Found> {
    tuple_args(vm, args, qual, 1, 3)?;
    let (_, hay) = this(vm, args)?;
    let needle = needle_arg(vm, &args.pos[1])?;
    let s = slice_bound(vm, args.pos.get(2))?;
    let e = slice_bound(vm, args.pos.get(3))?;
    let (start, end) = adjust_indices(s, e, hay.len());
    Ok(Found { hay, needle, start, end })
}

fn qual(args: &Args, name: &str) -> String {
    let t = if matches!(args.pos.first(), Some(Value::ByteArray(_))) { "bytearray" } else { "bytes" };
    format!("{t}.{name}")
}

pub fn find(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let f = find_args(vm, &args, &qual(&args, "find"))?;
    Ok(Value::Int(find_sub(&f.hay, &f.needle, f.start, f.end).map_or(-1, |i| i as i64)))
}

pub fn rfind(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let f = find_args(vm, &args, &qual(&args, "rfind"))?;
    Ok(Value::Int(rfind_sub(&f.hay, &f.needle, f.start, f.end).map_or(-1, |i| i as i64)))
}

pub fn index(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let f = find_args(vm, &args, &qual(&args, "index"))?;
    find_sub(&f.hay, &f.needle, f.start, f.end).map(|i| Value::Int(i as i64)).ok_or_else(|| vm.value_error("subsection not found"))
}

pub fn rindex(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let f = find_args(vm, &args, &qual(&args, "rindex"))?;
    rfind_sub(&f.hay, &f.needle, f.start, f.end).map(|i| Value::Int(i as i64)).ok_or_else(|| vm.value_error("subsection not found"))
}

pub fn count(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let f = find_args(vm, &args, &qual(&args, "count"))?;
    if f.end < f.start || f.end - f.start < f.needle.len() {
        return Ok(Value::Int(0));
    }
    if f.needle.is_empty() {
        return Ok(Value::Int((f.end - f.start + 1) as i64));
    }
    let mut n = 0;
    let mut i = f.start;
    while let Some(k) = find_sub(&f.hay, &f.needle, i, f.end) {
        n += 1;
        i = k + f.needle.len();
    }
    Ok(Value::Int(n))
}

fn starts_ends(vm: &mut Vm, args: Args, name: &str, at_end: bool) -> PyResult<Value> {
    tuple_args(vm, &args, &qual(&args, name), 1, 3)?;
    let (_, hay) = this(vm, &args)?;
    let s = slice_bound(vm, args.pos.get(2))?;
    let e = slice_bound(vm, args.pos.get(3))?;
    let (start, end) = adjust_indices(s, e, hay.len());
    let test = |sub: &[u8]| -> bool {
        if end < start || end - start < sub.len() {
            return false;
        }
        let region = &hay[start..end];
        if at_end {
            region.ends_with(sub)
        } else {
            region.starts_with(sub)
        }
    };
    match &args.pos[1] {
        Value::Tuple(t) => {
            for item in t.items.iter() {
                match bytes_like(item) {
                    Some(sub) if test(&sub) => return Ok(Value::Bool(true)),
                    Some(_) => {}
                    None => return Err(vm.type_error(format!("tuple for {name} must only contain bytes, not {}", vm.type_name(item)))),
                }
            }
            Ok(Value::Bool(false))
        }
        v => match bytes_like(v) {
            Some(sub) => Ok(Value::Bool(test(&sub))),
            None => Err(vm.type_error(format!("{name} first arg must be bytes or a tuple of bytes, not {}", vm.type_name(v)))),
        },
    }
}

pub fn startswith(vm: &mut Vm, args: Args) -> PyResult<Value> {
    starts_ends(vm, args, "startswith", false)
}

pub fn endswith(vm: &mut Vm, args: Args) -> PyResult<Value> {
    starts_ends(vm, args, "endswith", true)
}

fn split_impl(vm: &mut Vm, args: Args, name: &str, rev: bool) -> PyResult<Value> {
    let p = clinic_kw(vm, &args, name, &["sep", "maxsplit"], 1, 0)?;
    let (me, data) = this(vm, &args)?;
    let sep = match &p[0] {
        None | Some(Value::None) => None,
        Some(v) => {
            let s = bytes_arg(vm, v)?;
            if s.is_empty() {
                return Err(vm.value_error("empty separator"));
            }
            Some(s)
        }
    };
    let mut max = match &p[1] {
        Some(v) => ssize_arg(vm, v)?,
        None => -1,
    };
    if max < 0 {
        max = i64::MAX;
    }
    let mut parts: Vec<&[u8]> = Vec::new();
    match &sep {
        None if !rev => {
            let mut i = 0;
            let n = data.len();
            while max > 0 {
                while i < n && is_space(data[i]) {
                    i += 1;
                }
                if i == n {
                    break;
                }
                let j = i;
                while i < n && !is_space(data[i]) {
                    i += 1;
                }
                parts.push(&data[j..i]);
                max -= 1;
            }
            while i < n && is_space(data[i]) {
                i += 1;
            }
            if i < n {
                parts.push(&data[i..]);
            }
        }
        None => {
            let mut i = data.len();
            while max > 0 {
                while i > 0 && is_space(data[i - 1]) {
                    i -= 1;
                }
                if i == 0 {
                    break;
                }
                let j = i;
                while i > 0 && !is_space(data[i - 1]) {
                    i -= 1;
                }
                parts.push(&data[i..j]);
                max -= 1;
            }
            while i > 0 && is_space(data[i - 1]) {
                i -= 1;
            }
            if i > 0 {
                parts.push(&data[..i]);
            }
            parts.reverse();
        }
        Some(sep) if !rev => {
            let mut i = 0;
            while max > 0 {
                match find_sub(&data, sep, i, data.len()) {
                    Some(k) => {
                        parts.push(&data[i..k]);
                        i = k + sep.len();
                        max -= 1;
                    }
                    None => break,
                }
            }
            parts.push(&data[i..]);
        }
        Some(sep) => {
            let mut j = data.len();
            while max > 0 {
                match rfind_sub(&data, sep, 0, j) {
                    Some(k) => {
                        parts.push(&data[k + sep.len()..j]);
                        j = k;
                        max -= 1;
                    }
                    None => break,
                }
            }
            parts.push(&data[..j]);
            parts.reverse();
        }
    }
    Ok(Value::list(parts.into_iter().map(|p| same_kind(&me, p.to_vec())).collect()))
}

pub fn split(vm: &mut Vm, args: Args) -> PyResult<Value> {
    split_impl(vm, args, "split", false)
}

pub fn rsplit(vm: &mut Vm, args: Args) -> PyResult<Value> {
    split_impl(vm, args, "rsplit", true)
}

pub fn splitlines(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let p = clinic_kw(vm, &args, "splitlines", &["keepends"], 1, 0)?;
    let (me, data) = this(vm, &args)?;
    let keep = match &p[0] {
        None => false,
        Some(v) => vm.is_true(v)?,
    };
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < data.len() {
        let n = match data[i] {
            b'\r' if data.get(i + 1) == Some(&b'\n') => 2,
            b'\r' | b'\n' => 1,
            _ => 0,
        };
        if n > 0 {
            out.push(same_kind(&me, data[start..if keep { i + n } else { i }].to_vec()));
            i += n;
            start = i;
        } else {
            i += 1;
        }
    }
    if start < data.len() {
        out.push(same_kind(&me, data[start..].to_vec()));
    }
    Ok(Value::list(out))
}

fn partition_impl(vm: &mut Vm, args: Args, rev: bool) -> PyResult<Value> {
    let sep = one_arg(vm, &args, &qual(&args, if rev { "rpartition" } else { "partition" }))?;
    let (me, data) = this(vm, &args)?;
    let sep = bytes_arg(vm, &sep)?;
    if sep.is_empty() {
        return Err(vm.value_error("empty separator"));
    }
    let found = if rev { rfind_sub(&data, &sep, 0, data.len()) } else { find_sub(&data, &sep, 0, data.len()) };
    let mk = |d: &[u8]| same_kind(&me, d.to_vec());
    let parts = match found {
        Some(i) => vec![mk(&data[..i]), mk(&sep), mk(&data[i + sep.len()..])],
        None if rev => vec![mk(b""), mk(b""), mk(&data)],
        None => vec![mk(&data), mk(b""), mk(b"")],
    };
    Ok(Value::tuple(parts))
}

pub fn partition(vm: &mut Vm, args: Args) -> PyResult<Value> {
    partition_impl(vm, args, false)
}

pub fn rpartition(vm: &mut Vm, args: Args) -> PyResult<Value> {
    partition_impl(vm, args, true)
}

pub fn replace(vm: &mut Vm, args: Args) -> PyResult<Value> {
    clinic_pos(vm, &args, &qual(&args, "replace"), 2, 3)?;
    let (me, data) = this(vm, &args)?;
    let old = bytes_arg(vm, &args.pos[1])?;
    let new = bytes_arg(vm, &args.pos[2])?;
    let count = match args.pos.get(3) {
        Some(v) => ssize_arg(vm, v)?,
        None => -1,
    };
    let mut max = if count < 0 { usize::MAX } else { count as usize };
    let mut out = Vec::with_capacity(data.len());
    if old.is_empty() {
        for &b in &data {
            if max > 0 {
                out.extend_from_slice(&new);
                max -= 1;
            }
            out.push(b);
        }
        if max > 0 {
            out.extend_from_slice(&new);
        }
        return Ok(same_kind(&me, out));
    }
    let mut i = 0;
    while max > 0 {
        match find_sub(&data, &old, i, data.len()) {
            Some(k) => {
                out.extend_from_slice(&data[i..k]);
                out.extend_from_slice(&new);
                i = k + old.len();
                max -= 1;
            }
            None => break,
        }
    }
    out.extend_from_slice(&data[i..]);
    Ok(same_kind(&me, out))
}

pub fn join(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let arg = one_arg(vm, &args, &qual(&args, "join"))?;
    let (me, sep) = this(vm, &args)?;
    let items = match vm.get_iter(&arg) {
        Ok(_) => vm.collect(&arg)?,
        Err(e) if vm.exc_matches(&e, ExcKind::TypeError) => return Err(vm.type_error("can only join an iterable")),
        Err(e) => return Err(e),
    };
    let mut out = Vec::new();
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(&sep);
        }
        match bytes_like(it) {
            Some(b) => out.extend(b),
            None => return Err(vm.type_error(format!("sequence item {i}: expected a bytes-like object, {} found", vm.type_name(it)))),
        }
    }
    Ok(same_kind(&me, out))
}

fn strip_impl(vm: &mut Vm, args: Args, name: &str, left: bool, right: bool) -> PyResult<Value> {
    clinic_pos(vm, &args, &qual(&args, name), 0, 1)?;
    let (me, data) = this(vm, &args)?;
    let set: Option<Vec<u8>> = match args.pos.get(1) {
        None | Some(Value::None) => None,
        Some(v) => Some(bytes_arg(vm, v)?),
    };
    let strip_it = |b: u8| match &set {
        None => is_space(b),
        Some(s) => s.contains(&b),
    };
    let mut i = 0;
    let mut j = data.len();
    if left {
        while i < j && strip_it(data[i]) {
            i += 1;
        }
    }
    if right {
        while j > i && strip_it(data[j - 1]) {
            j -= 1;
        }
    }
    Ok(same_kind(&me, data[i..j].to_vec()))
}

pub fn strip(vm: &mut Vm, args: Args) -> PyResult<Value> {
    strip_impl(vm, args, "strip", true, true)
}

pub fn lstrip(vm: &mut Vm, args: Args) -> PyResult<Value> {
    strip_impl(vm, args, "lstrip", true, false)
}

pub fn rstrip(vm: &mut Vm, args: Args) -> PyResult<Value> {
    strip_impl(vm, args, "rstrip", false, true)
}

fn remove_affix(vm: &mut Vm, args: Args, suffix: bool) -> PyResult<Value> {
    let p = one_arg(vm, &args, &qual(&args, if suffix { "removesuffix" } else { "removeprefix" }))?;
    let (me, data) = this(vm, &args)?;
    let p = bytes_arg(vm, &p)?;
    let out = if suffix { data.strip_suffix(p.as_slice()) } else { data.strip_prefix(p.as_slice()) };
    Ok(same_kind(&me, out.unwrap_or(&data).to_vec()))
}

pub fn removeprefix(vm: &mut Vm, args: Args) -> PyResult<Value> {
    remove_affix(vm, args, false)
}

pub fn removesuffix(vm: &mut Vm, args: Args) -> PyResult<Value> {
    remove_affix(vm, args, true)
}

fn pad(vm: &mut Vm, args: Args, name: &str, how: char) -> PyResult<Value> {
    clinic_pos(vm, &args, &qual(&args, name), 1, 2)?;
    let (me, data) = this(vm, &args)?;
    let width = ssize_arg(vm, &args.pos[1])?;
    let fill = match args.pos.get(2) {
        None => b' ',
        Some(v) => match bytes_like(v) {
            Some(b) if b.len() == 1 => b[0],
            _ => return Err(vm.type_error(format!("{name}() argument 2 must be a byte string of length 1, not {}", vm.type_name(v)))),
        },
    };
    let len = data.len() as i64;
    if width <= len {
        return Ok(same_kind(&me, data));
    }
    let marg = (width - len) as usize;
    let left = match how {
        'l' => 0,
        'r' => marg,
        _ => marg / 2 + (marg & (width as usize) & 1),
    };
    let mut out = vec![fill; left];
    out.extend_from_slice(&data);
    out.extend(std::iter::repeat_n(fill, marg - left));
    Ok(same_kind(&me, out))
}

pub fn center(vm: &mut Vm, args: Args) -> PyResult<Value> {
    pad(vm, args, "center", 'c')
}

pub fn ljust(vm: &mut Vm, args: Args) -> PyResult<Value> {
    pad(vm, args, "ljust", 'l')
}

pub fn rjust(vm: &mut Vm, args: Args) -> PyResult<Value> {
    pad(vm, args, "rjust", 'r')
}

pub fn zfill(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let w = one_arg(vm, &args, &qual(&args, "zfill"))?;
    let (me, data) = this(vm, &args)?;
    let width = ssize_arg(vm, &w)?;
    if width <= data.len() as i64 {
        return Ok(same_kind(&me, data));
    }
    let fill = width as usize - data.len();
    let mut out = Vec::with_capacity(width as usize);
    let rest = match data.first() {
        Some(c @ (b'+' | b'-')) => {
            out.push(*c);
            &data[1..]
        }
        _ => &data[..],
    };
    out.extend(std::iter::repeat_n(b'0', fill));
    out.extend_from_slice(rest);
    Ok(same_kind(&me, out))
}

pub fn expandtabs(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let p = clinic_kw(vm, &args, "expandtabs", &["tabsize"], 1, 0)?;
    let (me, data) = this(vm, &args)?;
    let tab = match &p[0] {
        Some(v) => ssize_arg(vm, v)?,
        None => 8,
    };
    let mut out = Vec::with_capacity(data.len());
    let mut col: i64 = 0;
    for &c in &data {
        match c {
            b'\t' => {
                if tab > 0 {
                    let n = tab - col % tab;
                    out.extend(std::iter::repeat_n(b' ', n as usize));
                    col += n;
                }
            }
            b'\n' | b'\r' => {
                out.push(c);
                col = 0;
            }
            _ => {
                out.push(c);
                col += 1;
            }
        }
    }
    Ok(same_kind(&me, out))
}

pub fn maketrans(vm: &mut Vm, args: Args) -> PyResult<Value> {
    if !args.kw.is_empty() {
        return Err(vm.type_error("maketrans() takes no keyword arguments"));
    }
    if args.pos.len() != 2 {
        return Err(vm.type_error(format!("maketrans expected 2 arguments, got {}", args.pos.len())));
    }
    let from = bytes_arg(vm, &args.pos[0])?;
    let to = bytes_arg(vm, &args.pos[1])?;
    if from.len() != to.len() {
        return Err(vm.value_error("maketrans arguments must have same length"));
    }
    let mut table: Vec<u8> = (0..=255).collect();
    for (a, b) in from.iter().zip(to.iter()) {
        table[*a as usize] = *b;
    }
    Ok(super::bytes::new_bytes(table))
}

pub fn translate(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let p = clinic_kw(vm, &args, "translate", &["table", "delete"], 1, 1)?;
    let (me, data) = this(vm, &args)?;
    let table = match &p[0] {
        Some(Value::None) | None => None,
        Some(v) => {
            let t = bytes_arg(vm, v)?;
            if t.len() != 256 {
                return Err(vm.value_error("translation table must be 256 characters long"));
            }
            Some(t)
        }
    };
    let delete = match &p[1] {
        Some(v) => bytes_arg(vm, v)?,
        None => Vec::new(),
    };
    let out: Vec<u8> = data.iter().filter(|b| !delete.contains(b)).map(|&b| table.as_ref().map_or(b, |t| t[b as usize])).collect();
    Ok(same_kind(&me, out))
}

macro_rules! bytes_map {
    ($name:ident, |$d:ident| $body:expr) => {
        pub fn $name(vm: &mut Vm, args: Args) -> PyResult<Value> {
            no_args(vm, &args, &qual(&args, stringify!($name)))?;
            let (me, $d) = this(vm, &args)?;
            Ok(same_kind(&me, $body))
        }
    };
}

bytes_map!(upper, |d| d.to_ascii_uppercase());
bytes_map!(lower, |d| d.to_ascii_lowercase());
bytes_map!(swapcase, |d| d.iter().map(|b| if b.is_ascii_uppercase() { b.to_ascii_lowercase() } else { b.to_ascii_uppercase() }).collect());
bytes_map!(capitalize, |d| d
    .iter()
    .enumerate()
    .map(|(i, b)| if i == 0 { b.to_ascii_uppercase() } else { b.to_ascii_lowercase() })
    .collect());
bytes_map!(title, |d| {
    let mut prev = false;
    d.iter()
        .map(|&b| {
            let r = if prev { b.to_ascii_lowercase() } else { b.to_ascii_uppercase() };
            prev = b.is_ascii_alphabetic();
            r
        })
        .collect()
});

macro_rules! bytes_pred {
    ($name:ident, |$d:ident| $body:expr) => {
        pub fn $name(vm: &mut Vm, args: Args) -> PyResult<Value> {
            no_args(vm, &args, &qual(&args, stringify!($name)))?;
            let (_, $d) = this(vm, &args)?;
            Ok(Value::Bool($body))
        }
    };
}

bytes_pred!(isdigit, |d| !d.is_empty() && d.iter().all(u8::is_ascii_digit));
bytes_pred!(isalpha, |d| !d.is_empty() && d.iter().all(u8::is_ascii_alphabetic));
bytes_pred!(isalnum, |d| !d.is_empty() && d.iter().all(u8::is_ascii_alphanumeric));
bytes_pred!(isspace, |d| !d.is_empty() && d.iter().all(|b| is_space(*b)));
bytes_pred!(isascii, |d| d.is_ascii());
bytes_pred!(isupper, |d| d.iter().any(u8::is_ascii_uppercase) && !d.iter().any(u8::is_ascii_lowercase));
bytes_pred!(islower, |d| d.iter().any(u8::is_ascii_lowercase) && !d.iter().any(u8::is_ascii_uppercase));
bytes_pred!(istitle, |d| {
    let (mut cased, mut prev) = (false, false);
    let mut ok = true;
    for b in d.iter() {
        if b.is_ascii_uppercase() {
            if prev {
                ok = false;
                break;
            }
            prev = true;
            cased = true;
        } else if b.is_ascii_lowercase() {
            if !prev {
                ok = false;
                break;
            }
            prev = true;
            cased = true;
        } else {
            prev = false;
        }
    }
    ok && cased
});

/// `bytes % args`: `%s`/`%b` insert bytes-like values, `%r`/`%a` the ASCII repr, the numeric
/// conversions are those of `str % args`.
pub fn percent_format(vm: &mut Vm, fmt: &Value, args: &Value) -> PyResult<Value> {
    let data = bytes_like(fmt).unwrap_or_default();
    let mapping = matches!(args, Value::Dict(_));
    let items: Vec<Value> = match args {
        Value::Tuple(t) => t.items.to_vec(),
        _ => vec![args.clone()],
    };
    let mut next = 0;
    let mut out = Vec::with_capacity(data.len());
    let mut i = 0;
    while i < data.len() {
        let c = data[i];
        i += 1;
        if c != b'%' {
            out.push(c);
            continue;
        }
        let spec_start = i;
        let mut key: Option<Value> = None;
        if data.get(i) == Some(&b'(') {
            let close = data[i..].iter().position(|b| *b == b')').map(|k| i + k).ok_or_else(|| vm.value_error("incomplete format key"))?;
            key = Some(super::bytes::new_bytes(data[i + 1..close].to_vec()));
            i = close + 1;
        }
        while i < data.len() && b"-+ #0123456789.*".contains(&data[i]) {
            i += 1;
        }
        let Some(&conv) = data.get(i) else {
            return Err(vm.value_error("incomplete format"));
        };
        i += 1;
        if conv == b'%' {
            out.push(b'%');
            continue;
        }
        let arg = match &key {
            Some(k) => {
                if !mapping {
                    return Err(vm.type_error("format requires a mapping"));
                }
                let ks = String::from_utf8_lossy(&bytes_like(k).unwrap_or_default()).into_owned();
                vm.get_item(args, &Value::from_string(ks)).or_else(|_| vm.get_item(args, k))?
            }
            None => {
                let v = items.get(next).cloned().ok_or_else(|| vm.type_error("not enough arguments for format string"))?;
                next += 1;
                v
            }
        };
        let flags_spec = String::from_utf8_lossy(&data[spec_start..i - 1]).into_owned();
        let flags_spec = match flags_spec.find(')') {
            Some(k) if key.is_some() => flags_spec[k + 1..].to_string(),
            _ => flags_spec,
        };
        match conv {
            b's' | b'b' => {
                let b = match bytes_like(&arg) {
                    Some(b) => b,
                    None => {
                        let key = vm.intern("__bytes__");
                        match vm.call_method_opt(&arg, &key, Args::default())? {
                            Some(r) if as_bytes_value(&r).is_some() => bytes_like(&r).unwrap_or_default(),
                            _ => {
                                return Err(vm.type_error(format!(
                                    "%b requires a bytes-like object, or an object that implements __bytes__, not '{}'",
                                    vm.type_name(&arg)
                                )))
                            }
                        }
                    }
                };
                let (left, width, prec) = parse_width(&flags_spec);
                let b = match prec {
                    Some(p) if p < b.len() => b[..p].to_vec(),
                    _ => b,
                };
                let padn = width.saturating_sub(b.len());
                if !left {
                    out.extend(std::iter::repeat_n(b' ', padn));
                }
                out.extend_from_slice(&b);
                if left {
                    out.extend(std::iter::repeat_n(b' ', padn));
                }
            }
            b'r' | b'a' => {
                let s = vm.ascii(&arg)?;
                out.extend_from_slice(s.as_bytes());
            }
            b'c' => match bytes_like(&arg) {
                Some(b) if b.len() == 1 => out.push(b[0]),
                _ => out.push(byte_value(vm, &arg, "%c arg not in range(256)")?),
            },
            _ => {
                let spec = format!("%{flags_spec}{}", conv as char);
                let r = super::str_format::percent_format(vm, &Value::from_string(spec), &Value::tuple(vec![arg]))?;
                out.extend_from_slice(r.as_str().unwrap_or("").as_bytes());
            }
        }
    }
    if !mapping && next < items.len() {
        return Err(vm.type_error("not all arguments converted during bytes formatting"));
    }
    Ok(same_kind(fmt, out))
}

/// (left-justify, width, precision) of a `%` spec's flags.
fn parse_width(spec: &str) -> (bool, usize, Option<usize>) {
    let left = spec.contains('-');
    let digits: String = spec.trim_start_matches(['-', '+', ' ', '#', '0']).to_string();
    let (w, p) = match digits.split_once('.') {
        Some((w, p)) => (w, Some(p.parse().unwrap_or(0))),
        None => (digits.as_str(), None),
    };
    (left, w.parse().unwrap_or(0), p)
}
