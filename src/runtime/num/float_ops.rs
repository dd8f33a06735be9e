//! Python `float` arithmetic and conversions: floor division and modulo with Python
//! signs, `**`, `round()`, `float(str)`, `is_integer`, `as_integer_ratio`, `hex`.
//! Ports of `Objects/floatobject.c` (CPython 3.11).

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Zero};

use super::float_repr::{dtoa, DtoaMode};
use super::int_ops::{big_to_f64, decompose, float_to_int};
use super::int_parse::transform_decimal_and_space;
use super::{py_str_repr, NumError};

fn zero_div<T>(msg: &str) -> Result<T, NumError> {
    Err(NumError::ZeroDivision(msg.to_string()))
}

/// `a / b` for floats.
pub fn float_div(a: f64, b: f64) -> Result<f64, NumError> {
    if b == 0.0 {
        return zero_div("float division by zero");
    }
    Ok(a / b)
}

/// `a % b` for floats (result has the sign of `b`).
pub fn float_mod(a: f64, b: f64) -> Result<f64, NumError> {
    if b == 0.0 {
        return zero_div("float modulo");
    }
    let m = a % b;
    Ok(if m != 0.0 {
        if (b < 0.0) != (m < 0.0) {
            m + b
        } else {
            m
        }
    } else {
        0.0f64.copysign(b)
    })
}

/// `_float_div_mod`: floor quotient and remainder, `b != 0`.
fn div_mod(a: f64, b: f64) -> (f64, f64) {
    let mut m = a % b;
    let mut div = (a - m) / b;
    if m != 0.0 {
        if (b < 0.0) != (m < 0.0) {
            m += b;
            div -= 1.0;
        }
    } else {
        m = 0.0f64.copysign(b);
    }
    let floordiv = if div != 0.0 {
        let f = div.floor();
        if div - f > 0.5 {
            f + 1.0
        } else {
            f
        }
    } else {
        0.0f64.copysign(a / b)
    };
    (floordiv, m)
}

/// `a // b` for floats.
pub fn float_floordiv(a: f64, b: f64) -> Result<f64, NumError> {
    if b == 0.0 {
        return zero_div("float floor division by zero");
    }
    Ok(div_mod(a, b).0)
}

/// `divmod(a, b)` for floats.
pub fn float_divmod(a: f64, b: f64) -> Result<(f64, f64), NumError> {
    if b == 0.0 {
        return zero_div("float divmod()");
    }
    Ok(div_mod(a, b))
}

fn is_odd_integer(x: f64) -> bool {
    x.is_finite() && (x % 2.0).abs() == 1.0
}

/// Message used where CPython would return a complex number (TinyPy has none).
pub const COMPLEX_UNSUPPORTED: &str = "negative number cannot be raised to a fractional power";

/// `a ** b` for floats (CPython's `float_pow`). A negative base with a non-integral
/// exponent would give a complex in CPython; TinyPy raises
/// `ValueError(COMPLEX_UNSUPPORTED)` instead.
pub fn float_pow(v: f64, w: f64) -> Result<f64, NumError> {
    if w == 0.0 {
        return Ok(1.0);
    }
    if v.is_nan() {
        return Ok(v);
    }
    if w.is_nan() {
        return Ok(if v == 1.0 { 1.0 } else { w });
    }
    if w.is_infinite() {
        let a = v.abs();
        return Ok(if a == 1.0 {
            1.0
        } else if (w > 0.0) == (a > 1.0) {
            f64::INFINITY
        } else {
            0.0
        });
    }
    let odd = is_odd_integer(w);
    if v.is_infinite() {
        return Ok(match (w > 0.0, odd) {
            (true, true) => v,
            (true, false) => v.abs(),
            (false, true) => 0.0f64.copysign(v),
            (false, false) => 0.0,
        });
    }
    if v == 0.0 {
        if w < 0.0 {
            return zero_div("0.0 cannot be raised to a negative power");
        }
        return Ok(if odd { v } else { 0.0 });
    }
    let mut base = v;
    let mut negate = false;
    if v < 0.0 {
        if w != w.floor() {
            return Err(NumError::Value(COMPLEX_UNSUPPORTED.into()));
        }
        base = -v;
        negate = odd;
    }
    if base == 1.0 {
        return Ok(if negate { -1.0 } else { 1.0 });
    }
    let r = base.powf(w);
    if r.is_infinite() {
        return Err(NumError::Overflow("(34, 'Numerical result out of range')".into()));
    }
    Ok(if negate { -r } else { r })
}

/// `round(x)`: round half to even, returning an int.
pub fn round_to_int(x: f64) -> Result<BigInt, NumError> {
    float_to_int(x.round_ties_even())
}

/// `round(x, ndigits)`: correctly rounded via the decimal string, like CPython.
pub fn round_ndigits(x: f64, ndigits: i64) -> Result<f64, NumError> {
    const NDIGITS_MAX: i64 = 323;
    const NDIGITS_MIN: i64 = -308;
    if !x.is_finite() || ndigits > NDIGITS_MAX {
        return Ok(x);
    }
    if ndigits < NDIGITS_MIN {
        return Ok(0.0 * x);
    }
    let rounded = if ndigits >= 0 {
        let (digits, decpt) = dtoa(x, DtoaMode::Fixed(ndigits as usize));
        digits_to_f64(&digits, decpt)
    } else {
        round_negative_ndigits(x, (-ndigits) as u32)
    };
    let r = rounded.copysign(x);
    if r.is_infinite() {
        return Err(NumError::Overflow("rounded value too large to represent".into()));
    }
    Ok(r)
}

fn digits_to_f64(digits: &str, decpt: i64) -> f64 {
    if digits.is_empty() {
        return 0.0;
    }
    let exp = decpt - digits.len() as i64;
    format!("{digits}e{exp}").parse().unwrap_or(0.0)
}

/// Round `|x|` to a multiple of `10**k`, half to even, on the exact binary value.
fn round_negative_ndigits(x: f64, k: u32) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    let (m, e) = decompose(x.abs());
    let q = num_traits::pow(BigInt::from(10), k as usize);
    let (num, den) = if e >= 0 { (BigInt::from(m) << (e as usize), q.clone()) } else { (BigInt::from(m), &q << ((-e) as usize)) };
    let (mut n, r) = num.div_rem(&den);
    let twice = &r * 2;
    if twice > den || (twice == den && n.is_odd()) {
        n += 1;
    }
    big_to_f64(&(n * q)).unwrap_or(f64::INFINITY)
}

/// `float.is_integer()`.
pub fn is_integer(x: f64) -> bool {
    x.is_finite() && x == x.floor()
}

/// `float.as_integer_ratio()`.
pub fn as_integer_ratio(x: f64) -> Result<(BigInt, BigInt), NumError> {
    if x.is_nan() {
        return Err(NumError::Value("cannot convert NaN to integer ratio".into()));
    }
    if x.is_infinite() {
        return Err(NumError::Overflow("cannot convert Infinity to integer ratio".into()));
    }
    if x == 0.0 {
        return Ok((BigInt::zero(), BigInt::one()));
    }
    let (m, e) = decompose(x);
    if e >= 0 {
        return Ok((BigInt::from(m) << (e as usize), BigInt::one()));
    }
    let tz = (m.trailing_zeros() as i64).min(-e);
    let (m, e) = (m >> tz, e + tz);
    Ok((BigInt::from(m), BigInt::one() << ((-e) as usize)))
}

/// `float.hex()`.
pub fn float_hex(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x == 0.0 {
        return format!("{sign}0x0.0p+0");
    }
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    let (lead, e) = if exp == 0 { (0, -1022) } else { (1, exp - 1023) };
    format!("{sign}0x{lead}.{frac:013x}p{e:+}")
}

/// `float(s)` for a `str` argument.
pub fn parse_float(s: &str) -> Result<f64, NumError> {
    let err = || NumError::Value(format!("could not convert string to float: {}", py_str_repr(s)));
    let ascii = transform_decimal_and_space(s);
    let text = if ascii.contains('_') { remove_underscores(&ascii).ok_or_else(err)? } else { ascii };
    let t = text.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b');
    parse_float_ascii(t).ok_or_else(err)
}

/// Drop underscores that sit between two digits; `None` if any other underscore.
fn remove_underscores(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in b.iter().enumerate() {
        if c == b'_' {
            let before = i > 0 && b[i - 1].is_ascii_digit();
            let after = b.get(i + 1).is_some_and(u8::is_ascii_digit);
            if !(before && after) {
                return None;
            }
        } else {
            out.push(c as char);
        }
    }
    Some(out)
}

fn parse_float_ascii(t: &str) -> Option<f64> {
    let (neg, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let lower = body.to_ascii_lowercase();
    let v = match lower.as_str() {
        "inf" | "infinity" => f64::INFINITY,
        "nan" => f64::NAN,
        _ if is_decimal_literal(body) => body.parse().ok()?,
        _ => return None,
    };
    Some(if neg { -v } else { v })
}

/// `digits [. digits] | . digits`, then optional `e [sign] digits`.
fn is_decimal_literal(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let count = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    let mut mant = count(&mut i);
    if b.get(i) == Some(&b'.') {
        i += 1;
        mant += count(&mut i);
    }
    if mant == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if count(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}
