//! Pure numeric and text-formatting routines matching CPython 3.11 byte for byte.
//!
//! Everything here works on plain Rust types (`i64`, `f64`, `BigInt`, `&str`) and is
//! independent of the interpreter's object model. Failures are reported as
//! [`NumError`], whose message is exactly the `str()` of the CPython exception.

pub mod float_ops;
pub mod float_repr;
pub mod format_spec;
pub mod hash;
pub mod int_ops;
pub mod int_parse;
pub mod math_ops;
pub mod printf;

mod format_num;

#[cfg(test)]
mod tests_format;
#[cfg(test)]
mod tests_misc;

use std::fmt;

/// A numeric failure that the interpreter turns into a Python exception.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumError {
    /// `ValueError(msg)`
    Value(String),
    /// `OverflowError(msg)`
    Overflow(String),
    /// `ZeroDivisionError(msg)`
    ZeroDivision(String),
    /// `TypeError(msg)`
    Type(String),
    /// `MemoryError(msg)` (CPython raises it with an empty message for absurd sizes).
    Memory(String),
}

impl NumError {
    /// The Python exception class name (`"ValueError"`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            NumError::Value(_) => "ValueError",
            NumError::Overflow(_) => "OverflowError",
            NumError::ZeroDivision(_) => "ZeroDivisionError",
            NumError::Type(_) => "TypeError",
            NumError::Memory(_) => "MemoryError",
        }
    }

    /// The exception message (`str(exc)`).
    pub fn message(&self) -> &str {
        match self {
            NumError::Value(m) | NumError::Overflow(m) | NumError::ZeroDivision(m) | NumError::Type(m) | NumError::Memory(m) => m,
        }
    }
}

impl fmt::Display for NumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind(), self.message())
    }
}

impl std::error::Error for NumError {}

/// Largest output (in chars) we agree to build; beyond it we raise `MemoryError`
/// instead of letting the allocator abort the process.
pub(crate) const MAX_OUTPUT_CHARS: usize = 1 << 30;

/// CPython's `repr()` of a `str` (quote choice and escapes), used in error messages.
///
/// Printability follows ASCII/Latin-1 rules exactly; beyond Latin-1 every character
/// except a few well-known invisible ones is treated as printable (an approximation
/// of `str.isprintable`, which needs the Unicode database).
pub fn py_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push(quote);
    out
}

fn is_printable(c: char) -> bool {
    let u = c as u32;
    if u < 0x20 || u == 0x7f || (0x80..=0xa0).contains(&u) || u == 0xad {
        return false;
    }
    !matches!(
        u,
        0x2000..=0x200f | 0x2028..=0x202f | 0x205f..=0x206f | 0x3000 | 0xfeff | 0xd800..=0xdfff
    ) && !(0xe000..=0xf8ff).contains(&u)
        && !(0xfff9..=0xfffb).contains(&u)
        && (u & 0xfffe) != 0xfffe
}

/// Python's `str.isspace()` for one character (Unicode White_Space plus `\x1c`-`\x1f`).
pub fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// `s.strip()` with Python's whitespace definition.
pub fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}
