//! `str` case mapping (`upper`, `lower`, `casefold`, `swapcase`, `title`, `capitalize`) and the
//! `is*` predicates, following CPython's Unicode database (tables in `str_unicode`).

use super::str::{no_args, this};
use super::str_unicode as tables;
use crate::runtime::objects::Args;
use crate::runtime::value::Value;
use crate::vm::{PyResult, Vm};

fn in_table(t: &[(u32, u32)], c: char) -> bool {
    let n = c as u32;
    t.binary_search_by(|&(lo, hi)| {
        if hi < n {
            std::cmp::Ordering::Less
        } else if lo > n {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    })
    .is_ok()
}

fn lookup_map(t: &'static [(u32, &'static str)], c: char) -> Option<&'static str> {
    t.binary_search_by_key(&(c as u32), |&(k, _)| k).ok().map(|i| t[i].1)
}

/// `Some(is_lower)` for code points whose case data CPython 3.11 does not share with Rust.
fn case_override(c: char) -> Option<bool> {
    if (c as u32) < 0x180 {
        return None;
    }
    let t = tables::CASE_OVERRIDE;
    t.binary_search_by_key(&(c as u32), |&(k, _)| k).ok().map(|i| t[i].1)
}

pub fn is_space(c: char) -> bool {
    if c.is_ascii() {
        matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c' | '\x1c'..='\x1f')
    } else {
        in_table(tables::SPACE, c)
    }
}

pub fn is_alpha(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        in_table(tables::ALPHA, c)
    }
}

pub fn is_decimal(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        in_table(tables::DECIMAL, c)
    }
}

pub fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        in_table(tables::DIGIT, c)
    }
}

pub fn is_numeric(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        in_table(tables::NUMERIC, c)
    }
}

pub fn is_alnum(c: char) -> bool {
    is_alpha(c) || is_decimal(c) || is_digit(c) || is_numeric(c)
}

pub fn is_printable(c: char) -> bool {
    if c.is_ascii() {
        (' '..='~').contains(&c)
    } else {
        in_table(tables::PRINTABLE, c)
    }
}

pub fn is_upper(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_uppercase();
    }
    case_override(c).is_none() && c.is_uppercase()
}

pub fn is_lower(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_lowercase();
    }
    match case_override(c) {
        Some(l) => l,
        None => c.is_lowercase(),
    }
}

pub fn is_titlecase(c: char) -> bool {
    !c.is_ascii() && in_table(tables::TITLECASE, c)
}

pub fn is_cased(c: char) -> bool {
    is_upper(c) || is_lower(c) || is_titlecase(c)
}

/// An approximation of Unicode's Case_Ignorable property (for the final-sigma rule).
fn is_case_ignorable(c: char) -> bool {
    matches!(
        c,
        '\'' | '.'
            | ':'
            | '^'
            | '`'
            | '\u{a8}'
            | '\u{ad}'
            | '\u{af}'
            | '\u{b4}'
            | '\u{b7}'
            | '\u{b8}'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{2024}'
            | '\u{2027}'
    ) || ('\u{300}'..='\u{36f}').contains(&c)
        || ('\u{2b0}'..='\u{2ff}').contains(&c)
}

pub fn push_upper(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_uppercase());
    } else if case_override(c).is_some() {
        out.push(c);
    } else {
        out.extend(c.to_uppercase());
    }
}

fn push_lower_plain(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else if case_override(c).is_some() {
        out.push(c);
    } else {
        out.extend(c.to_lowercase());
    }
}

/// Lower-cases `chars[i]`, applying the final-sigma rule to U+03A3.
fn push_lower_at(chars: &[char], i: usize, out: &mut String) {
    let c = chars[i];
    if c != '\u{3a3}' {
        push_lower_plain(c, out);
        return;
    }
    let before = chars[..i].iter().rev().find(|c| !is_case_ignorable(**c));
    let mut final_sigma = before.is_some_and(|c| is_cased(*c));
    if final_sigma {
        let after = chars[i + 1..].iter().find(|c| !is_case_ignorable(**c));
        final_sigma = after.is_none_or(|c| !is_cased(*c));
    }
    out.push(if final_sigma { '\u{3c2}' } else { '\u{3c3}' });
}

fn push_title(c: char, out: &mut String) {
    match lookup_map(tables::TITLE_SPECIAL, c) {
        Some(m) if !c.is_ascii() => out.push_str(m),
        _ => push_upper(c, out),
    }
}

fn push_casefold(c: char, out: &mut String) {
    match lookup_map(tables::CASEFOLD_SPECIAL, c) {
        Some(m) if !c.is_ascii() => out.push_str(m),
        _ => push_lower_plain(c, out),
    }
}

pub fn upper_str(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_uppercase();
    }
    let mut out = String::with_capacity(s.len());
    s.chars().for_each(|c| push_upper(c, &mut out));
    out
}

pub fn lower_str(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    (0..chars.len()).for_each(|i| push_lower_at(&chars, i, &mut out));
    out
}

macro_rules! str_method {
    ($name:ident, $qual:literal, |$s:ident| $body:expr) => {
        pub fn $name(vm: &mut Vm, args: Args) -> PyResult<Value> {
            no_args(vm, &args, $qual)?;
            let this_str = this(vm, &args)?;
            let $s = this_str.as_str();
            Ok($body)
        }
    };
}

str_method!(upper, "str.upper", |s| Value::from_string(upper_str(s)));
str_method!(lower, "str.lower", |s| Value::from_string(lower_str(s)));

str_method!(casefold, "str.casefold", |s| {
    let mut out = String::with_capacity(s.len());
    s.chars().for_each(|c| push_casefold(c, &mut out));
    Value::from_string(out)
});

str_method!(swapcase, "str.swapcase", |s| {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if is_upper(c) {
            push_lower_at(&chars, i, &mut out);
        } else if is_lower(c) {
            push_upper(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Value::from_string(out)
});

str_method!(title, "str.title", |s| {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut prev_cased = false;
    for (i, &c) in chars.iter().enumerate() {
        if prev_cased {
            push_lower_at(&chars, i, &mut out);
        } else {
            push_title(c, &mut out);
        }
        prev_cased = is_cased(c);
    }
    Value::from_string(out)
});

str_method!(capitalize, "str.capitalize", |s| {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if i == 0 {
            push_title(c, &mut out);
        } else {
            push_lower_at(&chars, i, &mut out);
        }
    }
    Value::from_string(out)
});

fn all_nonempty(s: &str, f: fn(char) -> bool) -> Value {
    Value::Bool(!s.is_empty() && s.chars().all(f))
}

str_method!(isdigit, "str.isdigit", |s| all_nonempty(s, is_digit));
str_method!(isdecimal, "str.isdecimal", |s| all_nonempty(s, is_decimal));
str_method!(isnumeric, "str.isnumeric", |s| all_nonempty(s, is_numeric));
str_method!(isalpha, "str.isalpha", |s| all_nonempty(s, is_alpha));
str_method!(isalnum, "str.isalnum", |s| all_nonempty(s, is_alnum));
str_method!(isspace, "str.isspace", |s| all_nonempty(s, is_space));
str_method!(isprintable, "str.isprintable", |s| Value::Bool(s.chars().all(is_printable)));
str_method!(isascii, "str.isascii", |s| Value::Bool(s.is_ascii()));

str_method!(isupper, "str.isupper", |s| {
    let mut cased = false;
    for c in s.chars() {
        if is_lower(c) || is_titlecase(c) {
            return Ok(Value::Bool(false));
        }
        cased |= is_upper(c);
    }
    Value::Bool(cased)
});

str_method!(islower, "str.islower", |s| {
    let mut cased = false;
    for c in s.chars() {
        if is_upper(c) || is_titlecase(c) {
            return Ok(Value::Bool(false));
        }
        cased |= is_lower(c);
    }
    Value::Bool(cased)
});

str_method!(istitle, "str.istitle", |s| {
    let (mut cased, mut prev_cased) = (false, false);
    for c in s.chars() {
        if is_upper(c) || is_titlecase(c) {
            if prev_cased {
                return Ok(Value::Bool(false));
            }
            prev_cased = true;
            cased = true;
        } else if is_lower(c) {
            if !prev_cased {
                return Ok(Value::Bool(false));
            }
            prev_cased = true;
            cased = true;
        } else {
            prev_cased = false;
        }
    }
    Value::Bool(cased)
});

/// `str.isidentifier` for a Rust string.
pub fn is_identifier(s: &str) -> bool {
    let mut it = s.chars();
    let Some(first) = it.next() else { return false };
    let start = if first.is_ascii() { first == '_' || first.is_ascii_alphabetic() } else { in_table(tables::ID_START, first) };
    start && it.all(|c| if c.is_ascii() { c == '_' || c.is_ascii_alphanumeric() } else { in_table(tables::ID_CONTINUE, c) })
}

str_method!(isidentifier, "str.isidentifier", |s| Value::Bool(is_identifier(s)));
