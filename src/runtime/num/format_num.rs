//! `format(int, spec)` and `format(float, spec)`: CPython's `format_long_internal`
//! and `format_float_internal`, on top of the helpers in `format_spec.rs`.

use num_bigint::{BigInt, Sign};
use num_traits::{Signed, ToPrimitive};

use super::float_repr::{double_to_string, FloatFmt};
use super::format_spec::{check_size, fill_number, parse, unknown_presentation_type, FormatSpec, NumberParts};
use super::int_ops::{big_to_f64, int_to_decimal};
use super::NumError;

/// `format(v, spec)` for an `int`.
pub fn format_int(v: &BigInt, spec: &str) -> Result<String, NumError> {
    format_int_as(v, spec, "int")
}

/// `format(v, spec)` for an int-like object whose type is named `type_name` in errors
/// (e.g. `"bool"`; note `format(True, '')` is `'True'`, which the caller handles).
pub fn format_int_as(v: &BigInt, spec: &str, type_name: &str) -> Result<String, NumError> {
    if spec.is_empty() {
        return int_to_decimal(v);
    }
    format_int_spec(v, &parse(spec, Some('d'), type_name)?, type_name)
}

/// `format(v, spec)` for an int with an already parsed spec.
pub fn format_int_spec(v: &BigInt, f: &FormatSpec, type_name: &str) -> Result<String, NumError> {
    match f.ty {
        None | Some('b' | 'c' | 'd' | 'o' | 'x' | 'X' | 'n') => format_long(v, f),
        Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') => format_float_internal(big_to_f64(v)?, f),
        Some(t) => Err(unknown_presentation_type(t, type_name)),
    }
}

fn value_err<T>(m: &str) -> Result<T, NumError> {
    Err(NumError::Value(m.to_string()))
}

fn format_long(v: &BigInt, f: &FormatSpec) -> Result<String, NumError> {
    if f.precision.is_some() {
        return value_err("Precision not allowed in integer format specifier");
    }
    if f.no_neg_0 {
        return value_err("Negative zero coercion (z) not allowed in integer format specifier");
    }
    if f.ty == Some('c') {
        return format_char(v, f);
    }
    let (base, prefix) = match f.ty {
        Some('b') => (2, "0b"),
        Some('o') => (8, "0o"),
        Some('x') => (16, "0x"),
        Some('X') => (16, "0X"),
        _ => (10, ""),
    };
    let mag = v.abs();
    let mut digits = if base == 10 { int_to_decimal(&mag)? } else { mag.to_str_radix(base) };
    if f.ty == Some('X') {
        digits.make_ascii_uppercase();
    }
    let parts =
        NumberParts { negative: v.sign() == Sign::Minus, prefix: if f.alternate { prefix } else { "" }, digits: &digits, remainder: "" };
    fill_number(&parts, f)
}

fn format_char(v: &BigInt, f: &FormatSpec) -> Result<String, NumError> {
    if f.sign.is_some() {
        return value_err("Sign not allowed with integer format specifier 'c'");
    }
    if f.alternate {
        return value_err("Alternate form (#) not allowed with integer format specifier 'c'");
    }
    let code = v.to_i64().ok_or_else(|| NumError::Overflow("Python int too large to convert to C long".into()))?;
    if !(0..=0x10ffff).contains(&code) {
        return Err(NumError::Overflow("%c arg not in range(0x110000)".into()));
    }
    let ch = char::from_u32(code as u32).ok_or_else(|| NumError::Value("surrogate characters are not supported".into()))?;
    let text = ch.to_string();
    let parts = NumberParts { negative: false, prefix: "", digits: "", remainder: &text };
    fill_number(&parts, f)
}

/// `format(v, spec)` for a `float`.
pub fn format_float(v: f64, spec: &str) -> Result<String, NumError> {
    if spec.is_empty() {
        return Ok(super::float_repr::float_repr(v));
    }
    format_float_spec(v, &parse(spec, None, "float")?, "float")
}

/// `format(v, spec)` for a float with an already parsed spec.
pub fn format_float_spec(v: f64, f: &FormatSpec, type_name: &str) -> Result<String, NumError> {
    match f.ty {
        None | Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n' | '%') => format_float_internal(v, f),
        Some(t) => Err(unknown_presentation_type(t, type_name)),
    }
}

fn format_float_internal(v: f64, f: &FormatSpec) -> Result<String, NumError> {
    if f.precision.is_some_and(|p| p > i32::MAX as usize) {
        return value_err("precision too big");
    }
    check_size(f.precision.unwrap_or(0).saturating_add(400))?;
    let mut val = v;
    let mut add_pct = false;
    let mut default_precision = 6;
    let mut fmt = FloatFmt::new('g', 0);
    fmt.alt = f.alternate;
    fmt.no_neg_0 = f.no_neg_0;
    fmt.code = match f.ty {
        None => {
            fmt.add_dot_0 = true;
            default_precision = 0;
            'r'
        }
        Some('n') => 'g',
        Some('%') => {
            val *= 100.0;
            add_pct = true;
            'f'
        }
        Some(t) => t,
    };
    match f.precision {
        None => fmt.precision = default_precision,
        Some(p) => {
            fmt.precision = p;
            if fmt.code == 'r' {
                fmt.code = 'g';
            }
        }
    }
    let mut s = double_to_string(val, &fmt);
    if add_pct {
        s.push('%');
    }
    let (negative, rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.as_str()),
    };
    let n_digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let parts = NumberParts { negative, prefix: "", digits: &rest[..n_digits], remainder: &rest[n_digits..] };
    fill_number(&parts, f)
}
