//! Float → text conversion: CPython's `repr(float)` and `PyOS_double_to_string`.
//!
//! Digit generation relies on Rust's float formatting, which is exact: `{:e}` gives the
//! shortest round-tripping digits and `{:.N}` / `{:.Ne}` are correctly rounded
//! (round-half-even on the exact binary value), just like David Gay's `dtoa` modes
//! 0, 3 and 2 that CPython uses (except for exact ties in shortest mode, fixed up
//! below). The layout logic is a port of `format_float_short`.

use num_bigint::BigInt;

/// Which digits `dtoa` should produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DtoaMode {
    /// Shortest digits that round-trip (dtoa mode 0).
    Shortest,
    /// At most `n` significant digits, `n >= 1` (dtoa mode 2).
    Significant(usize),
    /// Digits up to `n` places after the decimal point (dtoa mode 3).
    Fixed(usize),
}

/// Decimal digits of a finite `|x|`: the value is `0.DIGITS × 10^decpt`.
///
/// Trailing zeros are stripped. Zero gives `("0", 1)`; in `Fixed` mode a nonzero value
/// that rounds to zero gives `("", -n)`, exactly like Gay's `dtoa`.
pub fn dtoa(x: f64, mode: DtoaMode) -> (String, i64) {
    let a = x.abs();
    if a == 0.0 {
        return ("0".to_string(), 1);
    }
    match mode {
        DtoaMode::Shortest => fix_shortest_tie(a, sci_digits(&format!("{:e}", a))),
        // A double's exact expansion has at most 767 significant and 1074 fractional
        // digits, so larger precisions only add zeros (and Rust caps precision at u16).
        DtoaMode::Significant(n) => sci_digits(&format!("{:.*e}", n.clamp(1, 800) - 1, a)),
        DtoaMode::Fixed(n) => fixed_digits(&format!("{:.*}", n.min(1100), a), n),
    }
}

/// Gay's `dtoa` breaks an exact tie between two shortest candidates towards the even
/// last digit, while Rust rounds such ties up; redo the choice like `dtoa`.
fn fix_shortest_tie(a: f64, (digits, decpt): (String, i64)) -> (String, i64) {
    let Ok(m) = digits.parse::<u64>() else {
        return (digits, decpt);
    };
    let e = decpt - digits.len() as i64;
    let (mant, exp2) = super::int_ops::decompose(a);
    let exp2 = exp2 + mant.trailing_zeros() as i64;
    // A tie needs an exact value with at most 18 significant digits ending in 5,
    // which rules out these binary exponents.
    if m % 2 == 0 || !(-26..=23).contains(&exp2) {
        return (digits, decpt);
    }
    for n in [m - 1, m + 1] {
        let round_trips = format!("{n}e{e}").parse::<f64>().ok() == Some(a);
        if round_trips && exact_midpoint(a, m + n, e) {
            return normalize_int_digits(n, e);
        }
    }
    (digits, decpt)
}

/// Whether `a == sum / 2 * 10**e` exactly.
fn exact_midpoint(a: f64, sum: u64, e: i64) -> bool {
    let (mant, exp2) = super::int_ops::decompose(a);
    let mut lhs = BigInt::from(mant) * 2;
    let mut rhs = BigInt::from(sum);
    if exp2 >= 0 {
        lhs <<= exp2 as usize;
    } else {
        rhs <<= (-exp2) as usize;
    }
    let p10 = num_traits::pow(BigInt::from(10), e.unsigned_abs() as usize);
    if e >= 0 {
        rhs *= p10;
    } else {
        lhs *= p10;
    }
    lhs == rhs
}

/// Digits/decpt of the integer `n * 10**e`.
fn normalize_int_digits(n: u64, e: i64) -> (String, i64) {
    let s = n.to_string();
    let trimmed = s.trim_end_matches('0');
    (trimmed.to_string(), e + s.len() as i64)
}

/// Split Rust's `D.DDDDeX` output into stripped digits and a decimal-point position.
fn sci_digits(s: &str) -> (String, i64) {
    let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    let trimmed = digits.trim_end_matches('0');
    if trimmed.is_empty() {
        return ("0".to_string(), 1);
    }
    (trimmed.to_string(), exp + 1)
}

/// Split Rust's `III.FFFF` output into stripped digits and a decimal-point position.
fn fixed_digits(s: &str, n: usize) -> (String, i64) {
    let (int_part, frac) = s.split_once('.').unwrap_or((s, ""));
    let all: String = format!("{int_part}{frac}");
    let lead = all.len() - all.trim_start_matches('0').len();
    let body = all[lead..].trim_end_matches('0');
    if body.is_empty() {
        return (String::new(), -(n as i64));
    }
    (body.to_string(), int_part.len() as i64 - lead as i64)
}

/// Options of `PyOS_double_to_string`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FloatFmt {
    /// One of `e E f F g G r`.
    pub code: char,
    /// Precision as given (ignored for `r`).
    pub precision: usize,
    /// `Py_DTSF_SIGN`: always emit `+` for non-negative values.
    pub always_sign: bool,
    /// `Py_DTSF_ADD_DOT_0`: integral results get `.0` (repr style).
    pub add_dot_0: bool,
    /// `Py_DTSF_ALT`: `#` alternate form (keep the point and trailing zeros).
    pub alt: bool,
    /// `Py_DTSF_NO_NEG_0`: the `z` option, turn `-0` results into `0`.
    pub no_neg_0: bool,
}

impl FloatFmt {
    /// A plain format with the given code and precision.
    pub fn new(code: char, precision: usize) -> FloatFmt {
        FloatFmt { code, precision, always_sign: false, add_dot_0: false, alt: false, no_neg_0: false }
    }
}

/// CPython's `repr(x)` / `str(x)` for a float.
pub fn float_repr(x: f64) -> String {
    let mut f = FloatFmt::new('r', 0);
    f.add_dot_0 = true;
    double_to_string(x, &f)
}

/// Port of CPython's `PyOS_double_to_string` (the workhorse of `format`, `%` and repr).
pub fn double_to_string(x: f64, f: &FloatFmt) -> String {
    let upper = f.code.is_ascii_uppercase();
    let code = f.code.to_ascii_lowercase();
    if !x.is_finite() {
        return non_finite(x, upper, f.always_sign);
    }
    let mut precision = f.precision;
    let mode = match code {
        'e' => {
            precision += 1;
            DtoaMode::Significant(precision)
        }
        'f' => DtoaMode::Fixed(precision),
        'g' => {
            precision = precision.max(1);
            DtoaMode::Significant(precision)
        }
        _ => DtoaMode::Shortest,
    };
    let (digits, decpt) = dtoa(x, mode);
    let mut neg = x.is_sign_negative();
    if f.no_neg_0 && neg && (digits.is_empty() || digits == "0") {
        neg = false;
    }
    let layout = Layout { code, precision: precision as i64, add_dot_0: f.add_dot_0, alt: f.alt };
    let mut out = String::new();
    if neg {
        out.push('-');
    } else if f.always_sign {
        out.push('+');
    }
    layout.render(&digits, decpt, upper, &mut out);
    out
}

fn non_finite(x: f64, upper: bool, always_sign: bool) -> String {
    let mut out = String::new();
    if x.is_nan() {
        if always_sign {
            out.push('+');
        }
        out.push_str(if upper { "NAN" } else { "nan" });
    } else {
        if x < 0.0 {
            out.push('-');
        } else if always_sign {
            out.push('+');
        }
        out.push_str(if upper { "INF" } else { "inf" });
    }
    out
}

struct Layout {
    code: char,
    precision: i64,
    add_dot_0: bool,
    alt: bool,
}

impl Layout {
    /// Lay out `digits` (value `0.digits × 10^decpt`) into `out`, as `format_float_short`.
    fn render(&self, digits: &str, mut decpt: i64, upper: bool, out: &mut String) {
        let digits_len = digits.len() as i64;
        let mut vend = digits_len;
        let mut use_exp = false;
        match self.code {
            'e' => {
                use_exp = true;
                vend = self.precision;
            }
            'f' => vend = decpt + self.precision,
            'g' => {
                let limit = if self.add_dot_0 { self.precision - 1 } else { self.precision };
                use_exp = decpt <= -4 || decpt > limit;
                if self.alt {
                    vend = self.precision;
                }
            }
            _ => use_exp = decpt <= -4 || decpt > 16,
        }
        let mut exp = 0;
        if use_exp {
            exp = decpt - 1;
            decpt = 1;
        }
        let vstart = if decpt <= 0 { decpt - 1 } else { 0 };
        let min_end = if !use_exp && self.add_dot_0 { decpt + 1 } else { decpt };
        vend = vend.max(min_end);
        push_body(out, digits, decpt, vstart, vend);
        if out.ends_with('.') && !self.alt {
            out.pop();
        }
        if use_exp {
            out.push(if upper { 'E' } else { 'e' });
            out.push(if exp < 0 { '-' } else { '+' });
            out.push_str(&format!("{:02}", exp.abs()));
        }
    }
}

fn push_zeros(out: &mut String, n: i64) {
    for _ in 0..n.max(0) {
        out.push('0');
    }
}

/// Emit `vdigits[vstart..vend]` with a decimal point at `decpt`.
fn push_body(out: &mut String, digits: &str, decpt: i64, vstart: i64, vend: i64) {
    let dlen = digits.len() as i64;
    if decpt <= 0 {
        push_zeros(out, decpt - vstart);
        out.push('.');
        push_zeros(out, -decpt);
    } else {
        push_zeros(out, -vstart);
    }
    if 0 < decpt && decpt <= dlen {
        out.push_str(&digits[..decpt as usize]);
        out.push('.');
        out.push_str(&digits[decpt as usize..]);
    } else {
        out.push_str(digits);
    }
    if dlen < decpt {
        push_zeros(out, decpt - dlen);
        out.push('.');
        push_zeros(out, vend - decpt);
    } else {
        push_zeros(out, vend - dlen);
    }
}
