//! The `format()` mini-language: `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`.
//!
//! A port of CPython 3.11's `Python/formatter_unicode.c`: [`parse`] is
//! `parse_internal_render_format_spec`, and the number layout helpers reproduce
//! `calc_number_widths` / `fill_number` / `_PyUnicode_InsertThousandsGrouping`,
//! including zero padding threaded through the thousands separators.
//! `format_int` / `format_float` live in `format_num.rs` and are re-exported here.

use super::{NumError, MAX_OUTPUT_CHARS};

pub use super::format_num::{format_float, format_float_spec, format_int, format_int_as, format_int_spec};

/// Thousands grouping requested by the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// No separator.
    None,
    /// `,` every 3 digits.
    Comma,
    /// `_` every 3 digits.
    Underscore,
    /// `_` every 4 digits (with `b`, `o`, `x`, `X`).
    UnderscoreFour,
}

/// A parsed format specification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatSpec {
    /// Fill character (default `' '`, or `'0'` from the `0` flag).
    pub fill: char,
    /// Explicit alignment `< > ^ =`, if any.
    pub align: Option<char>,
    /// Whether the `0` flag set `=` alignment implicitly (numbers only).
    pub zero_flag: bool,
    /// Whether a fill character was given explicitly.
    pub fill_specified: bool,
    /// `+`, `-` or `' '`, if given.
    pub sign: Option<char>,
    /// The `z` option (coerce negative zero).
    pub no_neg_0: bool,
    /// The `#` option.
    pub alternate: bool,
    /// Minimum width.
    pub width: Option<usize>,
    /// Thousands grouping.
    pub grouping: Grouping,
    /// Precision.
    pub precision: Option<usize>,
    /// Presentation type.
    pub ty: Option<char>,
}

impl FormatSpec {
    /// Alignment once the object's default (`'<'` for str, `'>'` for numbers) is known.
    pub fn align_or(&self, default: char) -> char {
        match self.align {
            Some(a) => a,
            None if self.zero_flag && default == '>' => '=',
            None => default,
        }
    }

    fn empty() -> FormatSpec {
        FormatSpec {
            fill: ' ',
            align: None,
            zero_flag: false,
            fill_specified: false,
            sign: None,
            no_neg_0: false,
            alternate: false,
            width: None,
            grouping: Grouping::None,
            precision: None,
            ty: None,
        }
    }
}

fn is_align(c: char) -> bool {
    matches!(c, '<' | '>' | '=' | '^')
}

/// Read decimal digits at `pos`; `Ok(None)` when there are none.
fn get_integer(chars: &[char], pos: &mut usize) -> Result<Option<usize>, NumError> {
    let mut val: usize = 0;
    let start = *pos;
    while let Some(d) = chars.get(*pos).and_then(|c| c.to_digit(10)) {
        val = val
            .checked_mul(10)
            .and_then(|v| v.checked_add(d as usize))
            .filter(|v| *v <= isize::MAX as usize)
            .ok_or_else(|| NumError::Value("Too many decimal digits in format string".to_string()))?;
        *pos += 1;
    }
    Ok((*pos > start).then_some(val))
}

/// Parse a format spec. `default_type` is CPython's per-object default presentation
/// type (`Some('d')` for int, `None` for float, `Some('s')` for str); `type_name` only
/// feeds the "Invalid format specifier" message.
pub fn parse(spec: &str, default_type: Option<char>, type_name: &str) -> Result<FormatSpec, NumError> {
    let chars: Vec<char> = spec.chars().collect();
    let mut f = FormatSpec::empty();
    let mut pos = 0;
    if chars.len() >= 2 && is_align(chars[1]) {
        f.fill = chars[0];
        f.align = Some(chars[1]);
        f.fill_specified = true;
        pos = 2;
    } else if !chars.is_empty() && is_align(chars[0]) {
        f.align = Some(chars[0]);
        pos = 1;
    }
    if let Some(&c) = chars.get(pos).filter(|c| matches!(c, '+' | '-' | ' ')) {
        f.sign = Some(c);
        pos += 1;
    }
    if chars.get(pos) == Some(&'z') {
        f.no_neg_0 = true;
        pos += 1;
    }
    if chars.get(pos) == Some(&'#') {
        f.alternate = true;
        pos += 1;
    }
    if !f.fill_specified && chars.get(pos) == Some(&'0') {
        f.fill = '0';
        f.zero_flag = f.align.is_none();
        pos += 1;
    }
    f.width = get_integer(&chars, &mut pos)?;
    parse_grouping(&chars, &mut pos, &mut f)?;
    if chars.get(pos) == Some(&'.') {
        pos += 1;
        f.precision = get_integer(&chars, &mut pos)?;
        if f.precision.is_none() {
            return Err(NumError::Value("Format specifier missing precision".to_string()));
        }
    }
    if chars.len() - pos > 1 {
        return Err(NumError::Value(format!("Invalid format specifier '{spec}' for object of type '{type_name}'")));
    }
    f.ty = chars.get(pos).copied().or(default_type);
    check_grouping_type(&mut f)?;
    Ok(f)
}

fn parse_grouping(chars: &[char], pos: &mut usize, f: &mut FormatSpec) -> Result<(), NumError> {
    let both = || NumError::Value("Cannot specify both ',' and '_'.".to_string());
    if chars.get(*pos) == Some(&',') {
        f.grouping = Grouping::Comma;
        *pos += 1;
    }
    if chars.get(*pos) == Some(&'_') {
        if f.grouping != Grouping::None {
            return Err(both());
        }
        f.grouping = Grouping::Underscore;
        *pos += 1;
    }
    if chars.get(*pos) == Some(&',') && f.grouping == Grouping::Underscore {
        return Err(both());
    }
    Ok(())
}

fn check_grouping_type(f: &mut FormatSpec) -> Result<(), NumError> {
    if f.grouping == Grouping::None {
        return Ok(());
    }
    match f.ty {
        None | Some('d' | 'e' | 'f' | 'g' | 'E' | 'G' | '%' | 'F') => Ok(()),
        Some('b' | 'o' | 'x' | 'X') if f.grouping == Grouping::Underscore => {
            f.grouping = Grouping::UnderscoreFour;
            Ok(())
        }
        Some(t) => {
            let sep = if f.grouping == Grouping::Comma { ',' } else { '_' };
            Err(NumError::Value(if t > ' ' && (t as u32) < 128 {
                format!("Cannot specify '{sep}' with '{t}'.")
            } else {
                format!("Cannot specify '{sep}' with '\\x{:x}'.", t as u32)
            }))
        }
    }
}

/// CPython's "Unknown format code" error.
pub fn unknown_presentation_type(ty: char, type_name: &str) -> NumError {
    NumError::Value(if ty > ' ' && (ty as u32) < 128 {
        format!("Unknown format code '{ty}' for object of type '{type_name}'")
    } else {
        format!("Unknown format code '\\x{:x}' for object of type '{type_name}'", ty as u32)
    })
}

/// Refuse outputs so large that building them would abort the process.
pub(crate) fn check_size(n: usize) -> Result<(), NumError> {
    if n > MAX_OUTPUT_CHARS {
        return Err(NumError::Memory(String::new()));
    }
    Ok(())
}

/// `format(s, spec)` for a `str` value.
pub fn format_str(s: &str, spec: &str) -> Result<String, NumError> {
    if spec.is_empty() {
        return Ok(s.to_string());
    }
    format_str_spec(s, &parse(spec, Some('s'), "str")?, "str")
}

/// `format(s, spec)` for a `str` value with an already parsed spec.
pub fn format_str_spec(s: &str, f: &FormatSpec, type_name: &str) -> Result<String, NumError> {
    if let Some(t) = f.ty.filter(|t| *t != 's') {
        return Err(unknown_presentation_type(t, type_name));
    }
    let err = |m: &str| Err(NumError::Value(m.to_string()));
    match f.sign {
        Some(' ') => return err("Space not allowed in string format specifier"),
        Some(_) => return err("Sign not allowed in string format specifier"),
        None => {}
    }
    if f.no_neg_0 {
        return err("Negative zero coercion (z) not allowed in string format specifier");
    }
    if f.alternate {
        return err("Alternate form (#) not allowed in string format specifier");
    }
    if f.align_or('<') == '=' {
        return err("'=' alignment not allowed in string format specifier");
    }
    let body: String = match f.precision {
        Some(p) => s.chars().take(p).collect(),
        None => s.to_string(),
    };
    let width = f.width.unwrap_or(0);
    check_size(width)?;
    Ok(pad(&body, width, f.fill, f.align_or('<')))
}

/// Pad `body` to `width` chars with `fill` according to `align` (`<`, `>`, `^`).
pub fn pad(body: &str, width: usize, fill: char, align: char) -> String {
    let len = body.chars().count();
    if len >= width {
        return body.to_string();
    }
    let total = width - len;
    let (left, right) = match align {
        '>' | '=' => (total, 0),
        '^' => (total / 2, total - total / 2),
        _ => (0, total),
    };
    let mut out = String::with_capacity(body.len() + total * fill.len_utf8());
    out.extend(std::iter::repeat_n(fill, left));
    out.push_str(body);
    out.extend(std::iter::repeat_n(fill, right));
    out
}

/// The parts of a formatted number, as `calc_number_widths` sees them.
pub(crate) struct NumberParts<'a> {
    /// `'-'` if the value is negative.
    pub negative: bool,
    /// Prefix such as `0x` (already upper-cased if needed).
    pub prefix: &'a str,
    /// ASCII digits to group.
    pub digits: &'a str,
    /// Decimal point + everything after it (or `inf`, exponent...), copied verbatim.
    pub remainder: &'a str,
}

/// Group size and separator for a spec (the `'n'` type and no grouping give none).
fn grouping_of(f: &FormatSpec) -> Option<(usize, char)> {
    if f.ty == Some('n') {
        return None;
    }
    match f.grouping {
        Grouping::None => None,
        Grouping::Comma => Some((3, ',')),
        Grouping::Underscore => Some((3, '_')),
        Grouping::UnderscoreFour => Some((4, '_')),
    }
}

/// Assemble sign, prefix, padding, grouped digits and remainder (`fill_number`).
pub(crate) fn fill_number(p: &NumberParts, f: &FormatSpec) -> Result<String, NumError> {
    let sign = match (f.sign, p.negative) {
        (_, true) => Some('-'),
        (Some('+'), false) => Some('+'),
        (Some(' '), false) => Some(' '),
        _ => None,
    };
    let align = f.align_or('>');
    let width = f.width.map_or(-1, |w| w as i64);
    check_size(width.max(0) as usize + p.digits.len() * 2)?;
    let fixed = sign.map_or(0, |_| 1) + p.prefix.len() as i64 + p.remainder.chars().count() as i64;
    let min_width = if f.fill == '0' && align == '=' { width - fixed } else { 0 };
    let grouped = if p.digits.is_empty() { String::new() } else { group_digits(p.digits, min_width, grouping_of(f)) };
    let body_len = fixed + grouped.len() as i64;
    let padding = (width - body_len).max(0) as usize;
    let (l, s, r) = match align {
        '<' => (0, 0, padding),
        '^' => (padding / 2, 0, padding - padding / 2),
        '=' => (0, padding, 0),
        _ => (padding, 0, 0),
    };
    let mut out = String::new();
    out.extend(std::iter::repeat_n(f.fill, l));
    out.extend(sign);
    out.push_str(p.prefix);
    out.extend(std::iter::repeat_n(f.fill, s));
    out.push_str(&grouped);
    out.push_str(p.remainder);
    out.extend(std::iter::repeat_n(f.fill, r));
    Ok(out)
}

/// `_PyUnicode_InsertThousandsGrouping`: group `digits` from the right, padding with
/// zeros (separators included) until the result is at least `min_width` long.
pub(crate) fn group_digits(digits: &str, min_width: i64, grouping: Option<(usize, char)>) -> String {
    let bytes = digits.as_bytes();
    let mut remaining = bytes.len() as i64;
    let mut min_width = min_width;
    let mut pieces: Vec<String> = Vec::new();
    let take = |len: i64, remaining: &mut i64| {
        let n_zeros = (len - *remaining).max(0);
        let n_chars = (*remaining).min(len).max(0);
        let end = *remaining as usize;
        let start = end - n_chars as usize;
        let mut piece = "0".repeat(n_zeros as usize);
        piece.push_str(&digits[start..end]);
        *remaining -= n_chars;
        piece
    };
    if let Some((size, sep)) = grouping {
        loop {
            let len = (size as i64).min(remaining.max(min_width).max(1));
            pieces.push(take(len, &mut remaining));
            min_width -= len;
            if remaining <= 0 && min_width <= 0 {
                break;
            }
            min_width -= 1;
        }
        pieces.reverse();
        return pieces.join(&sep.to_string());
    }
    let len = remaining.max(min_width).max(1);
    take(len, &mut remaining)
}
