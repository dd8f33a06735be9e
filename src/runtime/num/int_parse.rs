//! `int(str, base)`: CPython's `PyLong_FromUnicodeObject` / `PyLong_FromString`.
//!
//! Unicode decimal digits and Unicode whitespace are first mapped to ASCII (as
//! `_PyUnicode_TransformDecimalAndSpaceToASCII` does); every other non-ASCII
//! character becomes `?`, which then fails to parse.

use num_bigint::BigInt;
use num_traits::Num;

use super::int_ops::MAX_STR_DIGITS;
use super::{is_py_space, py_str_repr, NumError};

/// Code points of the digit zero of every Unicode `Nd` block (each block is 10 long).
const DECIMAL_ZEROS: [u32; 66] = [
    0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090,
    0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0,
    0xff10, 0x104a0, 0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0, 0x11650, 0x116c0, 0x11730, 0x118e0, 0x11950,
    0x11c50, 0x11d50, 0x11da0, 0x16a60, 0x16ac0, 0x16b50, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0, 0x1e950, 0x1fbf0,
];

/// `unicodedata.decimal(c)`: the value of a Unicode decimal digit.
pub fn unicode_decimal_value(c: char) -> Option<u32> {
    let u = c as u32;
    let i = DECIMAL_ZEROS.partition_point(|z| *z <= u);
    let zero = DECIMAL_ZEROS[i.checked_sub(1)?];
    (u - zero < 10).then_some(u - zero)
}

/// Map Unicode whitespace to `' '`, Unicode digits to ASCII digits, other non-ASCII to `?`.
pub fn transform_decimal_and_space(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii() {
                c
            } else if is_py_space(c) {
                ' '
            } else if let Some(d) = unicode_decimal_value(c) {
                char::from_digit(d, 10).unwrap_or('?')
            } else {
                '?'
            }
        })
        .collect()
}

/// The `int()` error for an unparsable string (`%.200R` of the original).
fn invalid_literal(s: &str, base: u32) -> NumError {
    let r: String = py_str_repr(s).chars().take(200).collect();
    NumError::Value(format!("invalid literal for int() with base {base}: {r}"))
}

/// `int(s, base)` (base 0 or 2..=36).
pub fn parse_int(s: &str, base: u32) -> Result<BigInt, NumError> {
    if base == 1 || base > 36 {
        return Err(NumError::Value("int() base must be >= 2 and <= 36, or 0".into()));
    }
    let ascii = transform_decimal_and_space(s);
    match parse_ascii(&ascii, base) {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Err(invalid_literal(s, base)),
        Err(e) => Err(e),
    }
}

fn digit_value(b: u8) -> u32 {
    (b as char).to_digit(36).unwrap_or(99)
}

fn prefix_base(b: u8) -> u32 {
    match b {
        b'x' | b'X' => 16,
        b'o' | b'O' => 8,
        b'b' | b'B' => 2,
        _ => 0,
    }
}

/// Parse ASCII text; `Ok(None)` means "invalid literal".
fn parse_ascii(text: &str, mut base: u32) -> Result<Option<BigInt>, NumError> {
    let t = text.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b');
    let mut b = t.as_bytes();
    let negative = b.first() == Some(&b'-');
    if matches!(b.first(), Some(b'+' | b'-')) {
        b = &b[1..];
    }
    let first = b.first().copied().unwrap_or(0);
    let second = b.get(1).copied().unwrap_or(0);
    let mut zero_only = false;
    if base == 0 {
        base = match (first, prefix_base(second)) {
            (b'0', 0) => {
                zero_only = true;
                10
            }
            (b'0', p) => p,
            _ => 10,
        };
    }
    if first == b'0' && prefix_base(second) == base {
        b = &b[2..];
        if b.first() == Some(&b'_') {
            b = &b[1..];
        }
    }
    if b.first() == Some(&b'_') {
        return Ok(None);
    }
    let n = b.iter().take_while(|c| **c == b'_' || digit_value(**c) < base).count();
    let (body, rest) = b.split_at(n);
    if body.is_empty() || body.ends_with(b"_") || body.windows(2).any(|w| w == b"__") {
        return Ok(None);
    }
    if !rest.iter().all(|c| c.is_ascii_whitespace() || *c == b'\x0b') {
        return Ok(None);
    }
    let digits: String = body.iter().filter(|c| **c != b'_').map(|c| *c as char).collect();
    if !base.is_power_of_two() && digits.len() > MAX_STR_DIGITS {
        return Err(NumError::Value(format!(
            "Exceeds the limit ({MAX_STR_DIGITS} digits) for integer string conversion: \
             value has {} digits; use sys.set_int_max_str_digits() to increase the limit",
            digits.len()
        )));
    }
    let v = BigInt::from_str_radix(&digits, base).map_err(|_| NumError::Value(String::new()));
    let v = match v {
        Ok(v) => v,
        Err(_) => return Ok(None),
    };
    if zero_only && v != BigInt::from(0) {
        return Ok(None);
    }
    Ok(Some(if negative { -v } else { v }))
}
