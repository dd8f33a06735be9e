//! `str` searching and splitting: find/index/count, startswith/endswith, split/rsplit,
//! splitlines, partition and replace, with CPython's index rules and errors.

use super::str::{adjust_indices, as_str, byte_at, clinic_kw, clinic_pos, slice_bound, ssize_arg, str_arg, this, tuple_args};
use super::str_case::is_space;
use crate::runtime::objects::{Args, PyStr};
use crate::runtime::value::Value;
use crate::vm::{PyResult, Vm};
use std::rc::Rc;

/// The (sub, byte start, byte end, char start) of a find-style call, or `None` when the range
/// is empty enough that nothing can match (CPython's `end - start < len(sub)`).
struct Range {
    s: Rc<PyStr>,
    sub: Rc<PyStr>,
    /// Byte offsets of the searched region.
    b0: usize,
    b1: usize,
    /// Character offsets of the searched region.
    c0: usize,
    c1: usize,
}

fn find_args(vm: &mut Vm, args: &Args, qual: &str) -> PyResult<Range> {
    tuple_args(vm, args, qual, 1, 3)?;
    let s = this(vm, args)?;
    let sub = str_arg(vm, &args.pos[1])?;
    let start = slice_bound(vm, args.pos.get(2))?;
    let end = slice_bound(vm, args.pos.get(3))?;
    let (c0, c1) = adjust_indices(start, end, s.char_len());
    let (b0, b1) = if c0 <= c1 { (byte_at(&s, c0), byte_at(&s, c1)) } else { (0, 0) };
    Ok(Range { s, sub, b0, b1, c0, c1 })
}

/// The character index of the first (or last) match, `None` if absent.
fn find_in(r: &Range, rev: bool) -> Option<usize> {
    if r.c1 < r.c0 || r.c1 - r.c0 < r.sub.char_len() {
        return None;
    }
    let hay = &r.s.as_str()[r.b0..r.b1];
    let found = if rev { hay.rfind(r.sub.as_str()) } else { hay.find(r.sub.as_str()) };
    found.map(|b| r.c0 + if r.s.is_ascii() { b } else { hay[..b].chars().count() })
}

pub fn find(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let r = find_args(vm, &args, "str.find")?;
    Ok(Value::Int(find_in(&r, false).map_or(-1, |i| i as i64)))
}

pub fn rfind(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let r = find_args(vm, &args, "str.rfind")?;
    Ok(Value::Int(find_in(&r, true).map_or(-1, |i| i as i64)))
}

pub fn index(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let r = find_args(vm, &args, "str.index")?;
    find_in(&r, false).map(|i| Value::Int(i as i64)).ok_or_else(|| vm.value_error("substring not found"))
}

pub fn rindex(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let r = find_args(vm, &args, "str.rindex")?;
    find_in(&r, true).map(|i| Value::Int(i as i64)).ok_or_else(|| vm.value_error("substring not found"))
}

pub fn count(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let r = find_args(vm, &args, "str.count")?;
    if r.c1 < r.c0 || r.c1 - r.c0 < r.sub.char_len() {
        return Ok(Value::Int(0));
    }
    if r.sub.as_str().is_empty() {
        return Ok(Value::Int((r.c1 - r.c0 + 1) as i64));
    }
    Ok(Value::Int(r.s.as_str()[r.b0..r.b1].matches(r.sub.as_str()).count() as i64))
}

fn starts_ends(vm: &mut Vm, args: Args, name: &str, at_end: bool) -> PyResult<Value> {
    tuple_args(vm, &args, &format!("str.{name}"), 1, 3)?;
    let s = this(vm, &args)?;
    let start = slice_bound(vm, args.pos.get(2))?;
    let end = slice_bound(vm, args.pos.get(3))?;
    let (c0, c1) = adjust_indices(start, end, s.char_len());
    let test = |sub: &PyStr| -> bool {
        if c1 < c0 || c1 - c0 < sub.char_len() {
            return false;
        }
        let hay = &s.as_str()[byte_at(&s, c0)..byte_at(&s, c1)];
        if at_end {
            hay.ends_with(sub.as_str())
        } else {
            hay.starts_with(sub.as_str())
        }
    };
    match &args.pos[1] {
        Value::Tuple(t) => {
            for item in t.items.iter() {
                match as_str(item) {
                    Some(sub) => {
                        if test(&sub) {
                            return Ok(Value::Bool(true));
                        }
                    }
                    None => return Err(vm.type_error(format!("tuple for {name} must only contain str, not {}", vm.type_name(item)))),
                }
            }
            Ok(Value::Bool(false))
        }
        v => match as_str(v) {
            Some(sub) => Ok(Value::Bool(test(&sub))),
            None => Err(vm.type_error(format!("{name} first arg must be str or a tuple of str, not {}", vm.type_name(v)))),
        },
    }
}

pub fn startswith(vm: &mut Vm, args: Args) -> PyResult<Value> {
    starts_ends(vm, args, "startswith", false)
}

pub fn endswith(vm: &mut Vm, args: Args) -> PyResult<Value> {
    starts_ends(vm, args, "endswith", true)
}

/// The (sep, maxsplit) of split/rsplit.
fn split_args(vm: &mut Vm, args: &Args, name: &str) -> PyResult<(Rc<PyStr>, Option<Rc<PyStr>>, usize)> {
    let p = clinic_kw(vm, args, name, &["sep", "maxsplit"], 1, 0)?;
    let s = this(vm, args)?;
    let sep = match &p[0] {
        None | Some(Value::None) => None,
        Some(v) => match as_str(v) {
            Some(sep) if sep.as_str().is_empty() => return Err(vm.value_error("empty separator")),
            Some(sep) => Some(sep),
            None => return Err(vm.type_error(format!("must be str or None, not {}", vm.type_name(v)))),
        },
    };
    let max = match &p[1] {
        Some(v) => ssize_arg(vm, v)?,
        None => -1,
    };
    Ok((s, sep, if max < 0 { usize::MAX } else { max as usize }))
}

fn str_list(parts: Vec<&str>) -> Value {
    Value::list(parts.into_iter().map(Value::str).collect())
}

/// `s.split()` with no separator: runs of whitespace separate, ends are dropped.
pub fn split_whitespace(s: &str, mut max: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s.trim_start_matches(is_space);
    while !rest.is_empty() {
        if max == 0 {
            out.push(rest);
            break;
        }
        match rest.find(is_space) {
            Some(i) => {
                out.push(&rest[..i]);
                rest = rest[i..].trim_start_matches(is_space);
                max -= 1;
            }
            None => {
                out.push(rest);
                break;
            }
        }
    }
    out
}

/// `s.rsplit()` with no separator.
pub fn rsplit_whitespace(s: &str, mut max: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s.trim_end_matches(is_space);
    while !rest.is_empty() {
        if max == 0 {
            out.push(rest);
            break;
        }
        match rest.rfind(is_space) {
            Some(i) => {
                let w = rest[i..].chars().next().map_or(1, |c| c.len_utf8());
                out.push(&rest[i + w..]);
                rest = rest[..i].trim_end_matches(is_space);
                max -= 1;
            }
            None => {
                out.push(rest);
                break;
            }
        }
    }
    out.reverse();
    out
}

pub fn split(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (s, sep, max) = split_args(vm, &args, "split")?;
    let text = s.as_str();
    Ok(match sep {
        None => str_list(split_whitespace(text, max)),
        Some(sep) if max == usize::MAX => str_list(text.split(sep.as_str()).collect()),
        Some(sep) => str_list(text.splitn(max.saturating_add(1), sep.as_str()).collect()),
    })
}

pub fn rsplit(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (s, sep, max) = split_args(vm, &args, "rsplit")?;
    let text = s.as_str();
    Ok(match sep {
        None => str_list(rsplit_whitespace(text, max)),
        Some(sep) => {
            let mut parts: Vec<&str> = if max == usize::MAX {
                text.rsplit(sep.as_str()).collect()
            } else {
                text.rsplitn(max.saturating_add(1), sep.as_str()).collect()
            };
            parts.reverse();
            str_list(parts)
        }
    })
}

/// The length of the line break starting at byte `i` of `s` (0 if none).
fn line_break_len(s: &str, i: usize) -> usize {
    let rest = &s[i..];
    let Some(c) = rest.chars().next() else {
        return 0;
    };
    match c {
        '\r' if rest.as_bytes().get(1) == Some(&b'\n') => 2,
        '\n' | '\r' | '\x0b' | '\x0c' | '\x1c' | '\x1d' | '\x1e' | '\u{85}' | '\u{2028}' | '\u{2029}' => c.len_utf8(),
        _ => 0,
    }
}

pub fn splitlines(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let p = clinic_kw(vm, &args, "splitlines", &["keepends"], 1, 0)?;
    let s = this(vm, &args)?;
    let keep = match &p[0] {
        None => false,
        Some(v @ (Value::Int(_) | Value::Bool(_) | Value::BigInt(_))) => vm.is_true(v)?,
        Some(v) => {
            vm.to_index(v)?;
            vm.is_true(v)?
        }
    };
    let text = s.as_str();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < text.len() {
        let n = line_break_len(text, i);
        if n > 0 {
            out.push(Value::str(&text[start..if keep { i + n } else { i }]));
            i += n;
            start = i;
        } else {
            i += text[i..].chars().next().map_or(1, |c| c.len_utf8());
        }
    }
    if start < text.len() {
        out.push(Value::str(&text[start..]));
    }
    Ok(Value::list(out))
}

fn partition_impl(vm: &mut Vm, args: Args, rev: bool) -> PyResult<Value> {
    let sep = super::str::one_arg(vm, &args, if rev { "str.rpartition" } else { "str.partition" })?;
    let s = this(vm, &args)?;
    let sep = str_arg(vm, &sep)?;
    if sep.as_str().is_empty() {
        return Err(vm.value_error("empty separator"));
    }
    let text = s.as_str();
    let found = if rev { text.rfind(sep.as_str()) } else { text.find(sep.as_str()) };
    let parts = match found {
        Some(i) => {
            vec![Value::str(&text[..i]), Value::Str(sep.clone()), Value::str(&text[i + sep.as_str().len()..])]
        }
        None if rev => vec![Value::str(""), Value::str(""), Value::Str(s.clone())],
        None => vec![Value::Str(s.clone()), Value::str(""), Value::str("")],
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
    clinic_pos(vm, &args, "str.replace", 2, 3)?;
    let s = this(vm, &args)?;
    let old = as_str(&args.pos[1])
        .ok_or_else(|| vm.type_error(format!("replace() argument 1 must be str, not {}", vm.type_name(&args.pos[1]))))?;
    let new = as_str(&args.pos[2])
        .ok_or_else(|| vm.type_error(format!("replace() argument 2 must be str, not {}", vm.type_name(&args.pos[2]))))?;
    let count = match args.pos.get(3) {
        Some(v) => ssize_arg(vm, v)?,
        None => -1,
    };
    let max = if count < 0 { usize::MAX } else { count as usize };
    let text = s.as_str();
    if max == 0 {
        return Ok(Value::Str(s));
    }
    if old.as_str().is_empty() {
        let mut out = String::with_capacity(text.len() + new.as_str().len() * (s.char_len() + 1).min(max));
        let mut n = 0;
        for c in text.chars() {
            if n < max {
                out.push_str(new.as_str());
                n += 1;
            }
            out.push(c);
        }
        if n < max {
            out.push_str(new.as_str());
        }
        return Ok(Value::from_string(out));
    }
    if !text.contains(old.as_str()) {
        return Ok(Value::Str(s));
    }
    let out = if max == usize::MAX { text.replace(old.as_str(), new.as_str()) } else { text.replacen(old.as_str(), new.as_str(), max) };
    Ok(Value::from_string(out))
}
