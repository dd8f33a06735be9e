//! `str`: constructor, argument helpers shared by the str/bytes method files, padding, strip,
//! encode, translate and the dunder entries. Searching and splitting live in `str_search`, case
//! mapping and the `is*` predicates in `str_case`, `str.format` in `str_format_method`.

use super::{str_case, str_format_method, str_search};
use crate::runtime::objects::{Args, NativeFn, PyStr};
use crate::runtime::value::Value;
use crate::vm::{ExcKind, PyResult, Vm};
use std::rc::Rc;

/// The str a method was called on (also for subclasses of str).
pub fn this(vm: &Vm, args: &Args) -> PyResult<Rc<PyStr>> {
    match args.pos.first() {
        Some(v) => match as_str(v) {
            Some(s) => Ok(s),
            None => Err(vm.type_error(format!("descriptor for 'str' objects doesn't apply to a '{}' object", vm.type_name(v)))),
        },
        None => Err(vm.type_error("unbound method of str needs an argument")),
    }
}

/// The str value of `v`, also for instances of str subclasses.
pub fn as_str(v: &Value) -> Option<Rc<PyStr>> {
    match v {
        Value::Str(s) => Some(s.clone()),
        Value::Instance(i) => match &*i.base_value.borrow() {
            Some(Value::Str(s)) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    }
}

// ----- argument checking with CPython's messages -----

/// METH_NOARGS methods: `str.upper() takes no arguments (1 given)`.
pub fn no_args(vm: &Vm, args: &Args, qual: &str) -> PyResult<()> {
    if !args.kw.is_empty() {
        return Err(vm.type_error(format!("{qual}() takes no keyword arguments")));
    }
    if args.pos.len() != 1 {
        return Err(vm.type_error(format!("{qual}() takes no arguments ({} given)", args.pos.len().saturating_sub(1))));
    }
    Ok(())
}

/// METH_O methods: `str.join() takes exactly one argument (0 given)`.
pub fn one_arg(vm: &Vm, args: &Args, qual: &str) -> PyResult<Value> {
    if !args.kw.is_empty() {
        return Err(vm.type_error(format!("{qual}() takes no keyword arguments")));
    }
    if args.pos.len() != 2 {
        return Err(vm.type_error(format!("{qual}() takes exactly one argument ({} given)", args.pos.len().saturating_sub(1))));
    }
    Ok(args.pos[1].clone())
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Methods parsed with `PyArg_ParseTuple`: `find() takes at least 1 argument (0 given)`.
pub fn tuple_args(vm: &Vm, args: &Args, qual: &str, min: usize, max: usize) -> PyResult<()> {
    if !args.kw.is_empty() {
        return Err(vm.type_error(format!("{qual}() takes no keyword arguments")));
    }
    let name = qual.rsplit('.').next().unwrap_or(qual);
    let n = args.pos.len().saturating_sub(1);
    if n < min {
        return Err(vm.type_error(format!("{name}() takes at least {min} argument{} ({n} given)", plural(min))));
    }
    if n > max {
        return Err(vm.type_error(format!("{name}() takes at most {max} argument{} ({n} given)", plural(max))));
    }
    Ok(())
}

/// Positional-only Argument Clinic methods: `center expected at least 1 argument, got 0`.
pub fn clinic_pos(vm: &Vm, args: &Args, qual: &str, min: usize, max: usize) -> PyResult<()> {
    if !args.kw.is_empty() {
        return Err(vm.type_error(format!("{qual}() takes no keyword arguments")));
    }
    let name = qual.rsplit('.').next().unwrap_or(qual);
    let n = args.pos.len().saturating_sub(1);
    if n < min {
        return Err(vm.type_error(format!("{name} expected at least {min} argument{}, got {n}", plural(min))));
    }
    if n > max {
        return Err(vm.type_error(format!("{name} expected at most {max} argument{}, got {n}", plural(max))));
    }
    Ok(())
}

/// Argument Clinic methods with keywords: the parameters `params` in order, each `None` when
/// not given. `skip` leading positional values (self, cls) are not parameters.
pub fn clinic_kw(vm: &Vm, args: &Args, name: &str, params: &[&str], skip: usize, min: usize) -> PyResult<Vec<Option<Value>>> {
    let pos = &args.pos[skip.min(args.pos.len())..];
    if pos.len() > params.len() {
        let max = params.len();
        return Err(vm.type_error(format!("{name}() takes at most {max} argument{} ({} given)", plural(max), pos.len() + args.kw.len())));
    }
    let mut out: Vec<Option<Value>> = params.iter().enumerate().map(|(i, _)| pos.get(i).cloned()).collect();
    for (k, v) in &args.kw {
        match params.iter().position(|p| *p == k.as_str()) {
            Some(i) if i < pos.len() => {
                return Err(vm.type_error(format!("argument for {name}() given by name ('{}') and position ({})", k.as_str(), i + 1)))
            }
            Some(i) => out[i] = Some(v.clone()),
            None => return Err(vm.type_error(format!("'{}' is an invalid keyword argument for {name}()", k.as_str()))),
        }
    }
    for (i, p) in params.iter().enumerate().take(min) {
        if out[i].is_none() {
            return Err(vm.type_error(format!("{name}() missing required argument '{p}' (pos {})", i + 1)));
        }
    }
    Ok(out)
}

/// A Py_ssize_t argument: an int (or `__index__`), OverflowError when too large.
pub fn ssize_arg(vm: &mut Vm, v: &Value) -> PyResult<i64> {
    match v {
        Value::BigInt(_) => Err(vm.overflow_error("Python int too large to convert to C ssize_t")),
        _ => vm.to_index(v),
    }
}

/// A slice bound of find/count/startswith: None, or an int clamped to the ssize range.
pub fn slice_bound(vm: &mut Vm, v: Option<&Value>) -> PyResult<Option<i64>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(Value::Int(i)) => Ok(Some(*i)),
        Some(Value::Bool(b)) => Ok(Some(*b as i64)),
        Some(Value::BigInt(b)) => Ok(Some(if b.sign() == num_bigint::Sign::Minus { i64::MIN } else { i64::MAX })),
        Some(v @ Value::Instance(_)) => {
            let key = vm.interp.names.__index__.clone();
            match vm.call_method_opt(v, &key, Args::default())? {
                Some(Value::Int(i)) => Ok(Some(i)),
                _ => Err(vm.type_error("slice indices must be integers or None or have an __index__ method")),
            }
        }
        Some(_) => Err(vm.type_error("slice indices must be integers or None or have an __index__ method")),
    }
}

/// CPython's ADJUST_INDICES: `start`/`end` made non-negative and `end` clamped to `len`
/// (`start` may still exceed `len`).
pub fn adjust_indices(start: Option<i64>, end: Option<i64>, len: usize) -> (usize, usize) {
    let len = len as i64;
    let mut end = end.unwrap_or(len);
    let mut start = start.unwrap_or(0);
    if end > len {
        end = len;
    } else if end < 0 {
        end = (end + len).max(0);
    }
    if start < 0 {
        start = (start + len).max(0);
    }
    (start as usize, end as usize)
}

/// A str argument or `TypeError: must be str, not int`.
pub fn str_arg(vm: &Vm, v: &Value) -> PyResult<Rc<PyStr>> {
    as_str(v).ok_or_else(|| vm.type_error(format!("must be str, not {}", vm.type_name(v))))
}

/// A str argument or `TypeError: {what} must be str, not int`.
pub fn str_arg_named(vm: &Vm, v: &Value, what: &str) -> PyResult<Rc<PyStr>> {
    as_str(v).ok_or_else(|| vm.type_error(format!("{what} must be str, not {}", vm.type_name(v))))
}

/// The byte offset of character `ci` in `s` (`s.len()` past the end).
pub fn byte_at(s: &PyStr, ci: usize) -> usize {
    if s.is_ascii() {
        return ci.min(s.as_str().len());
    }
    s.as_str().char_indices().nth(ci).map(|(b, _)| b).unwrap_or(s.as_str().len())
}

/// The character index of byte offset `bi` in `s`.
pub fn char_index(s: &PyStr, bi: usize) -> usize {
    if s.is_ascii() {
        bi
    } else {
        s.as_str()[..bi].chars().count()
    }
}

pub fn new_str(s: String) -> Value {
    Value::from_string(s)
}

// ----- constructor -----

fn str_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let cls = args.pos[0].clone();
    let p = clinic_kw(vm, &args, "str", &["object", "encoding", "errors"], 1, 0)?;
    let v = match (&p[0], &p[1], &p[2]) {
        (None, None, None) => Value::str(""),
        (None, _, _) => Value::str(""),
        (Some(x), None, None) => Value::Str(vm.str(&x.clone())?),
        (Some(x), enc, errors) => {
            let data = match x {
                Value::Bytes(b) | Value::ByteArray(b) => b.data.borrow().clone(),
                Value::Str(_) => return Err(vm.type_error("decoding str is not supported")),
                other => return Err(vm.type_error(format!("decoding to str: need a bytes-like object, {} found", vm.type_name(other)))),
            };
            let enc = match enc {
                Some(e) => str_arg_named(vm, e, "str() argument 'encoding'")?.as_str().to_string(),
                None => "utf-8".to_string(),
            };
            let errors = match errors {
                Some(e) => str_arg_named(vm, e, "str() argument 'errors'")?.as_str().to_string(),
                None => "strict".to_string(),
            };
            Value::from_string(super::bytes::decode_bytes(vm, &data, &enc, &errors)?)
        }
    };
    let str_cls = vm.interp.types.str.clone();
    Ok(super::int::wrap_for_subclass(vm, &cls, &str_cls, v))
}

// ----- join, padding, strip -----

fn join(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let arg = one_arg(vm, &args, "str.join")?;
    let sep = this(vm, &args)?;
    let items = match vm.collect(&arg) {
        Ok(items) => items,
        Err(e) if vm.exc_matches(&e, ExcKind::TypeError) && vm.get_iter(&arg).is_err() => {
            return Err(vm.type_error("can only join an iterable"))
        }
        Err(e) => return Err(e),
    };
    let mut out = String::new();
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep.as_str());
        }
        match as_str(it) {
            Some(s) => out.push_str(s.as_str()),
            None => return Err(vm.type_error(format!("sequence item {i}: expected str instance, {} found", vm.type_name(it)))),
        }
    }
    Ok(Value::from_string(out))
}

fn fill_char(vm: &Vm, v: Option<&Value>) -> PyResult<char> {
    match v {
        None => Ok(' '),
        Some(v) => match as_str(v) {
            Some(s) if s.char_len() == 1 => Ok(s.as_str().chars().next().unwrap_or(' ')),
            Some(_) => Err(vm.type_error("The fill character must be exactly one character long")),
            None => Err(vm.type_error(format!("The fill character must be a unicode character, not {}", vm.type_name(v)))),
        },
    }
}

/// center/ljust/rjust: `how` is 'c', 'l' or 'r'.
fn pad(vm: &mut Vm, args: Args, name: &str, how: char) -> PyResult<Value> {
    clinic_pos(vm, &args, name, 1, 2)?;
    let s = this(vm, &args)?;
    let width = ssize_arg(vm, &args.pos[1])?;
    let fill = fill_char(vm, args.pos.get(2))?;
    let len = s.char_len() as i64;
    if width <= len {
        return Ok(Value::Str(s));
    }
    let marg = (width - len) as usize;
    let left = match how {
        'l' => 0,
        'r' => marg,
        _ => marg / 2 + (marg & (width as usize) & 1),
    };
    let mut out = String::with_capacity(s.as_str().len() + marg);
    out.extend(std::iter::repeat_n(fill, left));
    out.push_str(s.as_str());
    out.extend(std::iter::repeat_n(fill, marg - left));
    Ok(Value::from_string(out))
}

fn center(vm: &mut Vm, args: Args) -> PyResult<Value> {
    pad(vm, args, "str.center", 'c')
}

fn ljust(vm: &mut Vm, args: Args) -> PyResult<Value> {
    pad(vm, args, "str.ljust", 'l')
}

fn rjust(vm: &mut Vm, args: Args) -> PyResult<Value> {
    pad(vm, args, "str.rjust", 'r')
}

fn zfill(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let w = one_arg(vm, &args, "str.zfill")?;
    let s = this(vm, &args)?;
    let width = ssize_arg(vm, &w)?;
    let len = s.char_len() as i64;
    if width <= len {
        return Ok(Value::Str(s));
    }
    let fill = (width - len) as usize;
    let text = s.as_str();
    let mut out = String::with_capacity(text.len() + fill);
    let rest = match text.chars().next() {
        Some(c @ ('+' | '-')) => {
            out.push(c);
            &text[1..]
        }
        _ => text,
    };
    out.extend(std::iter::repeat_n('0', fill));
    out.push_str(rest);
    Ok(Value::from_string(out))
}

/// strip/lstrip/rstrip: `left`/`right` say which ends.
fn strip_impl(vm: &mut Vm, args: Args, name: &str, left: bool, right: bool) -> PyResult<Value> {
    clinic_pos(vm, &args, name, 0, 1)?;
    let s = this(vm, &args)?;
    let short = name.rsplit('.').next().unwrap_or(name);
    let text = s.as_str();
    let out = match args.pos.get(1) {
        None | Some(Value::None) => {
            let mut t = text;
            if left {
                t = t.trim_start_matches(str_case::is_space);
            }
            if right {
                t = t.trim_end_matches(str_case::is_space);
            }
            t
        }
        Some(v) => {
            let chars = as_str(v).ok_or_else(|| vm.type_error(format!("{short} arg must be None or str")))?;
            let set: Vec<char> = chars.as_str().chars().collect();
            let mut t = text;
            if left {
                t = t.trim_start_matches(|c| set.contains(&c));
            }
            if right {
                t = t.trim_end_matches(|c| set.contains(&c));
            }
            t
        }
    };
    if out.len() == text.len() {
        return Ok(Value::Str(s));
    }
    Ok(Value::str(out))
}

fn strip(vm: &mut Vm, args: Args) -> PyResult<Value> {
    strip_impl(vm, args, "str.strip", true, true)
}

fn lstrip(vm: &mut Vm, args: Args) -> PyResult<Value> {
    strip_impl(vm, args, "str.lstrip", true, false)
}

fn rstrip(vm: &mut Vm, args: Args) -> PyResult<Value> {
    strip_impl(vm, args, "str.rstrip", false, true)
}

fn removeprefix(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let p = one_arg(vm, &args, "str.removeprefix")?;
    let s = this(vm, &args)?;
    let p = str_arg_named(vm, &p, "removeprefix() argument")?;
    match s.as_str().strip_prefix(p.as_str()) {
        Some(rest) if !p.as_str().is_empty() => Ok(Value::str(rest)),
        _ => Ok(Value::Str(s)),
    }
}

fn removesuffix(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let p = one_arg(vm, &args, "str.removesuffix")?;
    let s = this(vm, &args)?;
    let p = str_arg_named(vm, &p, "removesuffix() argument")?;
    match s.as_str().strip_suffix(p.as_str()) {
        Some(rest) if !p.as_str().is_empty() => Ok(Value::str(rest)),
        _ => Ok(Value::Str(s)),
    }
}

fn expandtabs(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let p = clinic_kw(vm, &args, "expandtabs", &["tabsize"], 1, 0)?;
    let s = this(vm, &args)?;
    let tab = match &p[0] {
        Some(v) => ssize_arg(vm, v)?,
        None => 8,
    };
    let mut out = String::with_capacity(s.as_str().len());
    let mut col: i64 = 0;
    for c in s.as_str().chars() {
        match c {
            '\t' => {
                if tab > 0 {
                    let n = tab - col % tab;
                    out.extend(std::iter::repeat_n(' ', n as usize));
                    col += n;
                }
            }
            '\n' | '\r' => {
                out.push(c);
                col = 0;
            }
            _ => {
                out.push(c);
                col += 1;
            }
        }
    }
    Ok(Value::from_string(out))
}

// ----- encode -----

/// The codec a name refers to, as CPython normalises names: "utf-8", "ascii" or "latin-1".
pub fn normalize_encoding(name: &str) -> Option<&'static str> {
    let n: String = name.trim().to_ascii_lowercase().chars().map(|c| if c == '-' || c == ' ' { '_' } else { c }).collect();
    match n.as_str() {
        "utf_8" | "utf8" | "u8" | "utf" | "cp65001" => Some("utf-8"),
        "ascii" | "us_ascii" | "646" | "us" => Some("ascii"),
        "latin_1" | "latin1" | "latin" | "l1" | "iso_8859_1" | "iso8859_1" | "8859" | "cp819" | "iso_ir_100" => Some("latin-1"),
        _ => None,
    }
}

fn char_escape(c: char) -> String {
    let n = c as u32;
    if n < 0x100 {
        format!("\\x{n:02x}")
    } else if n < 0x10000 {
        format!("\\u{n:04x}")
    } else {
        format!("\\U{n:08x}")
    }
}

/// Encodes `text` with one of the codecs of `normalize_encoding`.
pub fn encode_text(vm: &Vm, text: &str, encoding: &str, errors: &str) -> PyResult<Vec<u8>> {
    let codec = normalize_encoding(encoding).ok_or_else(|| vm.new_error(ExcKind::LookupError, format!("unknown encoding: {encoding}")))?;
    let limit: u32 = match codec {
        "utf-8" => return Ok(text.as_bytes().to_vec()),
        "ascii" => 0x80,
        _ => 0x100,
    };
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if (c as u32) < limit {
            out.push(c as u32 as u8);
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len() && chars[j] as u32 >= limit {
            j += 1;
        }
        match errors {
            "strict" => {
                let what = if j - i == 1 {
                    format!("character '{}' in position {i}", char_escape(c))
                } else {
                    format!("characters in position {i}-{}", j - 1)
                };
                return Err(vm.new_error(
                    ExcKind::UnicodeEncodeError,
                    format!("'{codec}' codec can't encode {what}: ordinal not in range({limit})"),
                ));
            }
            "ignore" => {}
            "replace" => out.extend(std::iter::repeat_n(b'?', j - i)),
            "backslashreplace" => chars[i..j].iter().for_each(|c| out.extend_from_slice(char_escape(*c).as_bytes())),
            "xmlcharrefreplace" => chars[i..j].iter().for_each(|c| out.extend_from_slice(format!("&#{};", *c as u32).as_bytes())),
            other => return Err(vm.new_error(ExcKind::LookupError, format!("unknown error handler name '{other}'"))),
        }
        i = j;
    }
    Ok(out)
}

/// The `encoding`/`errors` pair of encode/decode/bytes().
pub fn encoding_args(vm: &Vm, name: &str, enc: &Option<Value>, errors: &Option<Value>) -> PyResult<(String, String)> {
    let e = match enc {
        Some(v) => str_arg_named(vm, v, &format!("{name}() argument 'encoding'"))?.as_str().to_string(),
        None => "utf-8".to_string(),
    };
    let r = match errors {
        Some(v) => str_arg_named(vm, v, &format!("{name}() argument 'errors'"))?.as_str().to_string(),
        None => "strict".to_string(),
    };
    Ok((e, r))
}

fn encode(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let p = clinic_kw(vm, &args, "encode", &["encoding", "errors"], 1, 0)?;
    let s = this(vm, &args)?;
    let (enc, errors) = encoding_args(vm, "encode", &p[0], &p[1])?;
    let data = encode_text(vm, s.as_str(), &enc, &errors)?;
    Ok(super::bytes::new_bytes(data))
}

// ----- maketrans / translate -----

fn maketrans(vm: &mut Vm, args: Args) -> PyResult<Value> {
    // Called as a static method: no self in args.pos.
    if !args.kw.is_empty() {
        return Err(vm.type_error("maketrans() takes no keyword arguments"));
    }
    let n = args.pos.len();
    if n == 0 {
        return Err(vm.type_error("maketrans expected at least 1 argument, got 0"));
    }
    if n > 3 {
        return Err(vm.type_error(format!("maketrans expected at most 3 arguments, got {n}")));
    }
    let d = Rc::new(crate::runtime::objects::PyDict::new());
    if n == 1 {
        let Value::Dict(src) = &args.pos[0] else {
            return Err(vm.type_error("if you give only one argument to maketrans it must be a dict"));
        };
        let items: Vec<(Value, Value)> = src.map.borrow().items();
        for (k, v) in items {
            let key = match &k {
                Value::Int(_) | Value::Bool(_) => k.clone(),
                Value::Str(s) if s.char_len() == 1 => Value::Int(s.as_str().chars().next().unwrap_or('\0') as i64),
                Value::Str(_) => return Err(vm.value_error("string keys in translate table must be of length 1")),
                _ => return Err(vm.type_error("keys in translate table must be strings or integers")),
            };
            vm.dict_set(&d, key, v)?;
        }
        return Ok(Value::Dict(d));
    }
    let x = str_arg_named(vm, &args.pos[0], "maketrans() argument 1")?;
    let y = str_arg_named(vm, &args.pos[1], "maketrans() argument 2")?;
    if x.char_len() != y.char_len() {
        return Err(vm.value_error("the first two maketrans arguments must have equal length"));
    }
    for (a, b) in x.as_str().chars().zip(y.as_str().chars()) {
        vm.dict_set(&d, Value::Int(a as i64), Value::Int(b as i64))?;
    }
    if n == 3 {
        let z = str_arg_named(vm, &args.pos[2], "maketrans() argument 3")?;
        for c in z.as_str().chars() {
            vm.dict_set(&d, Value::Int(c as i64), Value::None)?;
        }
    }
    Ok(Value::Dict(d))
}

fn translate(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let table = one_arg(vm, &args, "str.translate")?;
    let s = this(vm, &args)?;
    let mut out = String::with_capacity(s.as_str().len());
    for c in s.as_str().chars() {
        match vm.get_item(&table, &Value::Int(c as i64)) {
            Ok(Value::None) => {}
            Ok(Value::Int(i)) => match u32::try_from(i).ok().and_then(char::from_u32) {
                Some(m) => out.push(m),
                None => return Err(vm.value_error("character mapping must be in range(0x110000)")),
            },
            Ok(v) => match as_str(&v) {
                Some(m) => out.push_str(m.as_str()),
                None => return Err(vm.type_error("character mapping must return integer, None or str")),
            },
            Err(e) if vm.exc_matches(&e, ExcKind::LookupError) => out.push(c),
            Err(e) => return Err(e),
        }
    }
    Ok(Value::from_string(out))
}

// ----- dunders -----

fn len(vm: &mut Vm, args: Args) -> PyResult<Value> {
    if args.pos.len() != 1 {
        return Err(vm.type_error(format!("expected 0 arguments, got {}", args.pos.len().saturating_sub(1))));
    }
    Ok(Value::Int(this(vm, &args)?.char_len() as i64))
}

fn dunder_contains(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let item = one_arg(vm, &args, "str.__contains__")?;
    let s = this(vm, &args)?;
    match as_str(&item) {
        Some(sub) => Ok(Value::Bool(s.as_str().contains(sub.as_str()))),
        None => Err(vm.type_error(format!("'in <string>' requires string as left operand, not {}", vm.type_name(&item)))),
    }
}

fn dunder_getitem(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let idx = one_arg(vm, &args, "str.__getitem__")?;
    let s = this(vm, &args)?;
    vm.get_item(&Value::Str(s), &idx)
}

fn dunder_add(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let other = one_arg(vm, &args, "str.__add__")?;
    let s = this(vm, &args)?;
    match as_str(&other) {
        Some(o) => Ok(Value::from_string(format!("{}{}", s.as_str(), o.as_str()))),
        None => Err(vm.type_error(format!("can only concatenate str (not \"{}\") to str", vm.type_name(&other)))),
    }
}

fn dunder_mul(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let other = one_arg(vm, &args, "str.__mul__")?;
    let s = this(vm, &args)?;
    let n = ssize_arg(vm, &other)?;
    Ok(Value::from_string(s.as_str().repeat(n.max(0) as usize)))
}

fn dunder_mod(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let other = one_arg(vm, &args, "str.__mod__")?;
    let s = this(vm, &args)?;
    super::str_format::percent_format(vm, &Value::Str(s), &other)
}

fn dunder_hash(vm: &mut Vm, args: Args) -> PyResult<Value> {
    no_args(vm, &args, "str.__hash__")?;
    let s = this(vm, &args)?;
    vm.hash(&Value::Str(s)).map(Value::Int)
}

fn dunder_str(vm: &mut Vm, args: Args) -> PyResult<Value> {
    no_args(vm, &args, "str.__str__")?;
    Ok(Value::Str(this(vm, &args)?))
}

fn dunder_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    no_args(vm, &args, "str.__repr__")?;
    let s = this(vm, &args)?;
    Ok(Value::from_string(crate::vm::repr::repr_str(s.as_str())))
}

fn dunder_format(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let spec = one_arg(vm, &args, "str.__format__")?;
    let s = this(vm, &args)?;
    let spec = str_arg_named(vm, &spec, "__format__() argument")?;
    vm.format(&Value::Str(s), spec.as_str()).map(Value::Str)
}

fn getnewargs(vm: &mut Vm, args: Args) -> PyResult<Value> {
    no_args(vm, &args, "str.__getnewargs__")?;
    let s = this(vm, &args)?;
    Ok(Value::tuple(vec![Value::str(s.as_str())]))
}

pub const METHODS: &[(&str, NativeFn)] = &[
    ("__new__", str_new),
    ("__len__", len),
    ("__contains__", dunder_contains),
    ("__getitem__", dunder_getitem),
    ("__add__", dunder_add),
    ("__mul__", dunder_mul),
    ("__rmul__", dunder_mul),
    ("__mod__", dunder_mod),
    ("__hash__", dunder_hash),
    ("__str__", dunder_str),
    ("__repr__", dunder_repr),
    ("__format__", dunder_format),
    ("__getnewargs__", getnewargs),
    ("join", join),
    ("center", center),
    ("ljust", ljust),
    ("rjust", rjust),
    ("zfill", zfill),
    ("strip", strip),
    ("lstrip", lstrip),
    ("rstrip", rstrip),
    ("removeprefix", removeprefix),
    ("removesuffix", removesuffix),
    ("expandtabs", expandtabs),
    ("encode", encode),
    ("translate", translate),
    ("upper", str_case::upper),
    ("lower", str_case::lower),
    ("casefold", str_case::casefold),
    ("swapcase", str_case::swapcase),
    ("title", str_case::title),
    ("capitalize", str_case::capitalize),
    ("isdigit", str_case::isdigit),
    ("isdecimal", str_case::isdecimal),
    ("isnumeric", str_case::isnumeric),
    ("isalpha", str_case::isalpha),
    ("isalnum", str_case::isalnum),
    ("isspace", str_case::isspace),
    ("isupper", str_case::isupper),
    ("islower", str_case::islower),
    ("istitle", str_case::istitle),
    ("isidentifier", str_case::isidentifier),
    ("isprintable", str_case::isprintable),
    ("isascii", str_case::isascii),
    ("find", str_search::find),
    ("rfind", str_search::rfind),
    ("index", str_search::index),
    ("rindex", str_search::rindex),
    ("count", str_search::count),
    ("startswith", str_search::startswith),
    ("endswith", str_search::endswith),
    ("split", str_search::split),
    ("rsplit", str_search::rsplit),
    ("splitlines", str_search::splitlines),
    ("partition", str_search::partition),
    ("rpartition", str_search::rpartition),
    ("replace", str_search::replace),
    ("format", str_format_method::format),
    ("format_map", str_format_method::format_map),
];

/// Static methods of str (`str.maketrans`).
pub const STATIC_METHODS: &[(&str, NativeFn)] = &[("maketrans", maketrans)];

/// Installs `table` on `class` as static methods (`str.maketrans`, `bytes.maketrans`).
pub fn add_static_methods(
    class: &Rc<crate::runtime::objects::PyClass>,
    owner: &'static str,
    table: &[(&'static str, NativeFn)],
    sm: &Rc<crate::runtime::objects::PyClass>,
) {
    use crate::runtime::objects::{Builtin, NativeData, NativeObject};
    for &(name, func) in table {
        let b = Value::Builtin(Rc::new(Builtin { name, func, bound: None, owner: Some(owner) }));
        let wrapped = Value::Native(Rc::new(NativeObject::new(sm.clone(), NativeData::StaticMethod(b))));
        class.set_attr(&Rc::new(PyStr::new(name)), wrapped);
    }
}

/// Installs the str, bytes and bytearray tables (called from `methods::install`).
pub fn install(t: &crate::runtime::types::Types) {
    use crate::runtime::types::Types;
    Types::add_methods(&t.str, "str", METHODS);
    add_static_methods(&t.str, "str", STATIC_METHODS, &t.staticmethod);
    Types::add_methods(&t.bytes, "bytes", super::bytes::BYTES_METHODS);
    add_static_methods(&t.bytes, "bytes", super::bytes::STATIC_METHODS, &t.staticmethod);
    Types::add_class_methods(&t.bytes, "bytes", super::bytes::CLASS_METHODS, &t.classmethod);
    Types::add_methods(&t.bytearray, "bytearray", super::bytes::BYTEARRAY_METHODS);
    t.bytearray.set_attr(&Rc::new(PyStr::new("__hash__")), Value::None);
    add_static_methods(&t.bytearray, "bytearray", super::bytes::STATIC_METHODS, &t.staticmethod);
    Types::add_class_methods(&t.bytearray, "bytearray", super::bytes::CLASS_METHODS, &t.classmethod);
}
