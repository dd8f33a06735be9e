//! Old-style `%` formatting building blocks (CPython's `unicode_format_arg_*`).
//!
//! The interpreter walks the [`Piece`]s from [`parse_percent`], fetches arguments
//! (for `(key)`, `*` width/precision, then the value), converts `%s`/`%r`/`%a`
//! operands to text itself, and calls the `percent_format_*` functions here for the
//! per-conversion layout. Exact CPython order of checks for one directive:
//! 1. look up `key` in the mapping (if any); 2. fetch `*` width, then `*` precision;
//! 3. raise `directive.error` if set; 4. fetch the value argument;
//! 5. raise [`Directive::unsupported_error`] if [`Directive::is_supported`] is false.

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};

use super::float_repr::{double_to_string, FloatFmt};
use super::format_spec::check_size;
use super::int_ops::int_to_decimal;
use super::NumError;

/// The `- + space # 0` flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    /// `-`: left-justify.
    pub ljust: bool,
    /// `+`: always show a sign.
    pub sign: bool,
    /// `' '`: space for positive numbers.
    pub blank: bool,
    /// `#`: alternate form.
    pub alt: bool,
    /// `0`: zero padding (numbers only).
    pub zero: bool,
}

/// Where a width or precision comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Count {
    /// Not given.
    #[default]
    None,
    /// `*`: taken from the next argument.
    Star,
    /// Given literally.
    Fixed(usize),
}

/// One `%[(key)][flags][width][.precision][hlL]conv` directive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directive {
    /// Mapping key of `%(key)s`.
    pub key: Option<String>,
    /// Flags.
    pub flags: Flags,
    /// Width.
    pub width: Count,
    /// Precision (`%.f` gives `Fixed(0)`).
    pub precision: Count,
    /// Conversion character (may be unsupported, see [`Directive::is_supported`]).
    pub conv: char,
    /// Index (in chars) of `conv` in the format string.
    pub index: usize,
    /// A parse error to raise once `key` and `*` arguments have been consumed.
    pub error: Option<NumError>,
}

/// A piece of a `%` format string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Literal text (`%%` already turned into `%`).
    Literal(String),
    /// A conversion directive.
    Directive(Directive),
}

/// Resolved per-conversion options (after `*` arguments are known).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PercentSpec {
    /// Flags (a negative `*` width sets `ljust`).
    pub flags: Flags,
    /// Width.
    pub width: Option<usize>,
    /// Precision.
    pub precision: Option<usize>,
    /// Conversion character.
    pub conv: char,
}

impl Directive {
    /// Whether `conv` is one of `s r a d i u o x X e E f F g G c`.
    pub fn is_supported(&self) -> bool {
        "sradiuoxXeEfFgGc".contains(self.conv)
    }

    /// `unsupported format character 'y' (0x79) at index 3`.
    pub fn unsupported_error(&self) -> NumError {
        let c = self.conv;
        let shown = if (' '..='~').contains(&c) { c } else { '?' };
        NumError::Value(format!("unsupported format character '{shown}' (0x{:x}) at index {}", c as u32, self.index))
    }

    /// Resolve `*` counts with the fetched values (`None` for non-star counts).
    pub fn resolve(&self, star_width: Option<i64>, star_prec: Option<i64>) -> PercentSpec {
        let mut flags = self.flags;
        let width = match (self.width, star_width) {
            (Count::Fixed(w), _) => Some(w),
            (Count::Star, Some(w)) => {
                if w < 0 {
                    flags.ljust = true;
                }
                Some(w.unsigned_abs() as usize)
            }
            _ => None,
        };
        let precision = match (self.precision, star_prec) {
            (Count::Fixed(p), _) => Some(p),
            (Count::Star, Some(p)) => Some(p.max(0) as usize),
            _ => None,
        };
        PercentSpec { flags, width, precision, conv: self.conv }
    }
}

/// Parse a `%` format string into pieces. Parsing stops at the first malformed
/// directive, whose `error` is set (see the module docs for when to raise it).
pub fn parse_percent(fmt: &str) -> Vec<Piece> {
    let chars: Vec<char> = fmt.chars().collect();
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut pos = 0;
    while pos < chars.len() {
        let c = chars[pos];
        pos += 1;
        if c != '%' {
            lit.push(c);
            continue;
        }
        if chars.get(pos) == Some(&'%') {
            lit.push('%');
            pos += 1;
            continue;
        }
        if !lit.is_empty() {
            pieces.push(Piece::Literal(std::mem::take(&mut lit)));
        }
        let d = parse_directive(&chars, &mut pos);
        let failed = d.error.is_some();
        pieces.push(Piece::Directive(d));
        if failed {
            return pieces;
        }
    }
    if !lit.is_empty() {
        pieces.push(Piece::Literal(lit));
    }
    pieces
}

/// Like [`parse_percent`], but returns the first parse error eagerly.
pub fn parse_percent_directives(fmt: &str) -> Result<Vec<Piece>, NumError> {
    let pieces = parse_percent(fmt);
    for p in &pieces {
        if let Piece::Directive(Directive { error: Some(e), .. }) = p {
            return Err(e.clone());
        }
    }
    Ok(pieces)
}

fn incomplete() -> NumError {
    NumError::Value("incomplete format".into())
}

fn parse_directive(chars: &[char], pos: &mut usize) -> Directive {
    let mut d = Directive::default();
    if let Err(e) = parse_directive_into(chars, pos, &mut d) {
        d.error = Some(e);
    }
    d
}

fn next(chars: &[char], pos: &mut usize) -> Result<char, NumError> {
    let c = *chars.get(*pos).ok_or_else(incomplete)?;
    *pos += 1;
    Ok(c)
}

/// Read more digits after `first`; returns the number and the first non-digit.
fn digits(chars: &[char], pos: &mut usize, first: char, max: usize, err: &str) -> Result<(usize, char), NumError> {
    let mut v = first.to_digit(10).unwrap_or(0) as usize;
    loop {
        let c = next(chars, pos)?;
        let Some(dv) = c.to_digit(10) else {
            return Ok((v, c));
        };
        if v > (max - dv as usize) / 10 {
            return Err(NumError::Value(err.into()));
        }
        v = v * 10 + dv as usize;
    }
}

fn parse_directive_into(chars: &[char], pos: &mut usize, d: &mut Directive) -> Result<(), NumError> {
    if chars.get(*pos) == Some(&'(') {
        *pos += 1;
        let start = *pos;
        let mut depth = 1;
        while depth > 0 && *pos < chars.len() {
            match chars[*pos] {
                ')' => depth -= 1,
                '(' => depth += 1,
                _ => {}
            }
            *pos += 1;
        }
        if depth > 0 {
            return Err(NumError::Value("incomplete format key".into()));
        }
        d.key = Some(chars[start..*pos - 1].iter().collect());
    }
    let mut ch = loop {
        match next(chars, pos)? {
            '-' => d.flags.ljust = true,
            '+' => d.flags.sign = true,
            ' ' => d.flags.blank = true,
            '#' => d.flags.alt = true,
            '0' => d.flags.zero = true,
            c => break c,
        }
    };
    if ch == '*' {
        d.width = Count::Star;
        ch = next(chars, pos)?;
    } else if ch.is_ascii_digit() {
        let (w, c) = digits(chars, pos, ch, isize::MAX as usize, "width too big")?;
        d.width = Count::Fixed(w);
        ch = c;
    }
    if ch == '.' {
        d.precision = Count::Fixed(0);
        ch = next(chars, pos)?;
        if ch == '*' {
            d.precision = Count::Star;
            ch = next(chars, pos)?;
        } else if ch.is_ascii_digit() {
            let (p, c) = digits(chars, pos, ch, i32::MAX as usize, "precision too big")?;
            d.precision = Count::Fixed(p);
            ch = c;
        }
    }
    if matches!(ch, 'h' | 'l' | 'L') {
        ch = next(chars, pos)?;
    }
    d.conv = ch;
    d.index = *pos - 1;
    Ok(())
}

/// `%d %i %u %o %x %X` of an int (the caller converts floats with `int()` first,
/// and raises `%x format: an integer is required, not float` for `o x X`).
pub fn percent_format_int(v: &BigInt, spec: &PercentSpec) -> Result<String, NumError> {
    let prec = spec.precision.unwrap_or(0);
    if prec > (i32::MAX - 3) as usize {
        return Err(NumError::Overflow("precision too large".into()));
    }
    check_size(prec.max(spec.width.unwrap_or(0)))?;
    let mag = v.abs();
    let (mut digits, prefix) = match spec.conv {
        'o' => (mag.to_str_radix(8), "0o"),
        'x' => (mag.to_str_radix(16), "0x"),
        'X' => (mag.to_str_radix(16).to_ascii_uppercase(), "0X"),
        _ => (int_to_decimal(&mag)?, ""),
    };
    if prec > digits.len() {
        digits = format!("{}{digits}", "0".repeat(prec - digits.len()));
    }
    let sign = if v.is_negative() { "-" } else { "" };
    let prefix = if spec.flags.alt { prefix } else { "" };
    Ok(output(&format!("{sign}{prefix}{digits}"), spec, true))
}

/// `%e %E %f %F %g %G` of a float (the caller converts ints with `float()` first).
pub fn percent_format_float(v: f64, spec: &PercentSpec) -> Result<String, NumError> {
    let prec = spec.precision.unwrap_or(6);
    check_size(prec.max(spec.width.unwrap_or(0)))?;
    let mut f = FloatFmt::new(spec.conv, prec);
    f.alt = spec.flags.alt;
    Ok(output(&double_to_string(v, &f), spec, true))
}

/// `%s %r %a` once the caller has computed `str()` / `repr()` / `ascii()`.
pub fn percent_format_str(s: &str, spec: &PercentSpec) -> Result<String, NumError> {
    check_size(spec.width.unwrap_or(0))?;
    Ok(output(s, spec, false))
}

/// `%c` once the character is known (see [`percent_char_from_int`]).
pub fn percent_format_char(c: char, spec: &PercentSpec) -> Result<String, NumError> {
    check_size(spec.width.unwrap_or(0))?;
    Ok(output(&c.to_string(), spec, false))
}

/// The character for `%c` of an int: `OverflowError('%c arg not in range(0x110000)')`.
/// (A `str` operand must have length 1, else `TypeError('%c requires int or char')`.)
pub fn percent_char_from_int(v: &BigInt) -> Result<char, NumError> {
    let range = || NumError::Overflow("%c arg not in range(0x110000)".into());
    let code = v.to_u32().filter(|c| *c <= 0x10ffff).ok_or_else(range)?;
    char::from_u32(code).ok_or_else(|| NumError::Value("surrogate characters are not supported".into()))
}

/// Port of `unicode_format_arg_output`: sign, `0x` prefix, padding, truncation.
fn output(s: &str, spec: &PercentSpec, mut sign: bool) -> String {
    let fl = spec.flags;
    let chars: Vec<char> = s.chars().collect();
    let mut len = chars.len() as i64;
    let width_given = spec.width.map_or(-1, |w| w as i64);
    let prec = spec.precision.map_or(-1, |p| p as i64);
    if (width_given == -1 || width_given <= len) && (prec == -1 || prec >= len) && !(fl.sign || fl.blank) {
        return s.to_string();
    }
    let fill = if sign && fl.zero { '0' } else { ' ' };
    if matches!(spec.conv, 's' | 'r' | 'a') && prec >= 0 && len > prec {
        len = prec;
    }
    let mut pindex = 0usize;
    let mut signchar = ' ';
    if sign {
        match chars.first() {
            Some(&c @ ('-' | '+')) => {
                signchar = c;
                len -= 1;
                pindex = 1;
            }
            _ if fl.sign => signchar = '+',
            _ if fl.blank => signchar = ' ',
            _ => sign = false,
        }
    }
    let mut width = width_given.max(len);
    let mut out = String::with_capacity(width as usize + 2);
    let alt_prefix = fl.alt && matches!(spec.conv, 'x' | 'X' | 'o');
    if sign {
        if fill != ' ' {
            out.push(signchar);
        }
        if width > len {
            width -= 1;
        }
    }
    if alt_prefix {
        if fill != ' ' {
            out.push('0');
            out.push(spec.conv);
            pindex += 2;
        }
        width = (width - 2).max(0);
        len -= 2;
    }
    if width > len && !fl.ljust {
        out.extend(std::iter::repeat_n(fill, (width - len) as usize));
        width = len;
    }
    if fill == ' ' {
        if sign {
            out.push(signchar);
        }
        if alt_prefix {
            out.push('0');
            out.push(spec.conv);
            pindex += 2;
        }
    }
    out.extend(chars[pindex..pindex + len.max(0) as usize].iter());
    if width > len {
        out.extend(std::iter::repeat_n(' ', (width - len) as usize));
    }
    out
}
