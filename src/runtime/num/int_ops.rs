//! Python `int` arithmetic: floor division / modulo with Python signs, `pow` (plain,
//! negative and modular), shifts, bit operations, radix conversion, correctly rounded
//! true division and int ↔ float conversion. `i64` fast paths return `None` when the
//! result does not fit, so the caller can redo the operation on `BigInt`.

use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

use super::NumError;

/// Largest integer result (in bits) we agree to build before raising `MemoryError`.
pub const MAX_INT_BITS: u64 = 1 << 32;

/// CPython's default `sys.get_int_max_str_digits()`.
pub const MAX_STR_DIGITS: usize = 4300;

/// Result of `int ** int`: an int, or a float when the exponent is negative.
#[derive(Debug, Clone, PartialEq)]
pub enum IntOrFloat {
    /// Non-negative exponent.
    Int(BigInt),
    /// Negative exponent (computed as `float(a) ** float(b)`).
    Float(f64),
}

fn zero_div<T>(msg: &str) -> Result<T, NumError> {
    Err(NumError::ZeroDivision(msg.to_string()))
}

const DIVMOD_ZERO: &str = "integer division or modulo by zero";
const MOD_ZERO: &str = "integer modulo by zero";

/// `a // b` on `i64`; `Ok(None)` on overflow (`i64::MIN // -1`).
pub fn floordiv_i64(a: i64, b: i64) -> Result<Option<i64>, NumError> {
    if b == 0 {
        return zero_div(DIVMOD_ZERO);
    }
    if a == i64::MIN && b == -1 {
        return Ok(None);
    }
    Ok(Some(Integer::div_floor(&a, &b)))
}

/// `a % b` on `i64` (result has the sign of `b`; never overflows).
pub fn mod_i64(a: i64, b: i64) -> Result<i64, NumError> {
    if b == 0 {
        return zero_div(MOD_ZERO);
    }
    if b == -1 {
        return Ok(0);
    }
    Ok(a.mod_floor(&b))
}

/// `divmod(a, b)` on `i64`; `Ok(None)` on overflow.
pub fn divmod_i64(a: i64, b: i64) -> Result<Option<(i64, i64)>, NumError> {
    if b == 0 {
        return zero_div(DIVMOD_ZERO);
    }
    if a == i64::MIN && b == -1 {
        return Ok(None);
    }
    Ok(Some(a.div_mod_floor(&b)))
}

/// `a ** b` on `i64` for `b >= 0`; `None` when `b < 0` or on overflow.
pub fn pow_i64(a: i64, b: i64) -> Option<i64> {
    let e = u32::try_from(b).ok()?;
    a.checked_pow(e)
}

/// `a // b`.
pub fn floordiv(a: &BigInt, b: &BigInt) -> Result<BigInt, NumError> {
    if b.is_zero() {
        return zero_div(DIVMOD_ZERO);
    }
    Ok(a.div_floor(b))
}

/// `a % b`.
pub fn modulo(a: &BigInt, b: &BigInt) -> Result<BigInt, NumError> {
    if b.is_zero() {
        return zero_div(MOD_ZERO);
    }
    Ok(a.mod_floor(b))
}

/// `divmod(a, b)`.
pub fn divmod(a: &BigInt, b: &BigInt) -> Result<(BigInt, BigInt), NumError> {
    if b.is_zero() {
        return zero_div(DIVMOD_ZERO);
    }
    Ok(a.div_mod_floor(b))
}

/// `a ** b` (`pow(a, b)`); a negative exponent gives a float.
pub fn int_pow(a: &BigInt, b: &BigInt) -> Result<IntOrFloat, NumError> {
    if b.is_negative() {
        let x = super::float_ops::float_pow(big_to_f64(a)?, big_to_f64(b)?)?;
        return Ok(IntOrFloat::Float(x));
    }
    if b.is_zero() || a.is_one() {
        return Ok(IntOrFloat::Int(BigInt::one()));
    }
    if a.is_zero() {
        return Ok(IntOrFloat::Int(BigInt::zero()));
    }
    if (-a).is_one() {
        let odd = b.is_odd();
        return Ok(IntOrFloat::Int(if odd { a.clone() } else { BigInt::one() }));
    }
    let e = b.to_u32().filter(|e| (*e as u64).saturating_mul(a.bits()) <= MAX_INT_BITS).ok_or_else(|| NumError::Memory(String::new()))?;
    Ok(IntOrFloat::Int(num_traits::pow(a.clone(), e as usize)))
}

/// `pow(a, b, m)`, including negative `b` (modular inverse).
pub fn int_pow_mod(a: &BigInt, b: &BigInt, m: &BigInt) -> Result<BigInt, NumError> {
    if m.is_zero() {
        return Err(NumError::Value("pow() 3rd argument cannot be 0".into()));
    }
    let negative_output = m.is_negative();
    let c = m.abs();
    if c.is_one() {
        return Ok(BigInt::zero());
    }
    let mut base = a.mod_floor(&c);
    let mut exp = b.clone();
    if exp.is_negative() {
        base = mod_inverse(&base, &c).ok_or_else(|| NumError::Value("base is not invertible for the given modulus".into()))?;
        exp = -exp;
    }
    let z = base.modpow(&exp, &c);
    Ok(if negative_output && !z.is_zero() { z - c } else { z })
}

/// Inverse of `a` modulo `m` (`m > 1`, `0 <= a < m`), if it exists.
pub fn mod_inverse(a: &BigInt, m: &BigInt) -> Option<BigInt> {
    let (mut old_r, mut r) = (a.clone(), m.clone());
    let (mut old_s, mut s) = (BigInt::one(), BigInt::zero());
    while !r.is_zero() {
        let q = &old_r / &r;
        let next_r = &old_r - &q * &r;
        old_r = std::mem::replace(&mut r, next_r);
        let next_s = &old_s - &q * &s;
        old_s = std::mem::replace(&mut s, next_s);
    }
    old_r.is_one().then(|| old_s.mod_floor(m))
}

fn shift_count(n: &BigInt) -> Result<Option<u64>, NumError> {
    if n.is_negative() {
        return Err(NumError::Value("negative shift count".into()));
    }
    Ok(n.to_u64())
}

/// `a << n`.
pub fn shl(a: &BigInt, n: &BigInt) -> Result<BigInt, NumError> {
    let count = shift_count(n)?;
    if a.is_zero() {
        return Ok(BigInt::zero());
    }
    match count {
        Some(c) if c.saturating_add(a.bits()) <= MAX_INT_BITS => Ok(a << (c as usize)),
        Some(c) if c / 30 < (i64::MAX / 4) as u64 => Err(NumError::Memory(String::new())),
        _ => Err(NumError::Overflow("too many digits in integer".into())),
    }
}

/// `a >> n` (arithmetic: rounds toward negative infinity).
pub fn shr(a: &BigInt, n: &BigInt) -> Result<BigInt, NumError> {
    let count = shift_count(n)?;
    match count {
        Some(c) if c < a.bits() => Ok(a >> (c as usize)),
        _ if a.is_negative() => Ok(-BigInt::one()),
        _ => Ok(BigInt::zero()),
    }
}

/// `a << n` on `i64`; `Ok(None)` when the result needs a `BigInt`.
pub fn shl_i64(a: i64, n: i64) -> Result<Option<i64>, NumError> {
    if n < 0 {
        return Err(NumError::Value("negative shift count".into()));
    }
    if a == 0 {
        return Ok(Some(0));
    }
    if n >= 63 {
        return Ok(None);
    }
    let r = a << n;
    Ok((r >> n == a).then_some(r))
}

/// `a >> n` on `i64`.
pub fn shr_i64(a: i64, n: i64) -> Result<i64, NumError> {
    if n < 0 {
        return Err(NumError::Value("negative shift count".into()));
    }
    Ok(a >> n.min(63))
}

/// `a & b` with two's complement semantics.
pub fn bit_and(a: &BigInt, b: &BigInt) -> BigInt {
    a & b
}

/// `a | b` with two's complement semantics.
pub fn bit_or(a: &BigInt, b: &BigInt) -> BigInt {
    a | b
}

/// `a ^ b` with two's complement semantics.
pub fn bit_xor(a: &BigInt, b: &BigInt) -> BigInt {
    a ^ b
}

/// `~a` (`-(a + 1)`).
pub fn bit_invert(a: &BigInt) -> BigInt {
    -(a + BigInt::one())
}

/// `int.bit_length()`.
pub fn bit_length(a: &BigInt) -> u64 {
    a.bits()
}

/// `int.bit_count()` (popcount of `abs(a)`).
pub fn bit_count(a: &BigInt) -> u64 {
    a.magnitude().count_ones()
}

/// `bin()` / `oct()` / `hex()` (radix 2, 8, 16: `-0b101`, `0x1f`); radix 10 gives `str()`.
pub fn int_to_str_radix(v: &BigInt, radix: u32) -> Result<String, NumError> {
    let prefix = match radix {
        2 => "0b",
        8 => "0o",
        16 => "0x",
        _ => return int_to_decimal(v),
    };
    let sign = if v.is_negative() { "-" } else { "" };
    Ok(format!("{sign}{prefix}{}", v.magnitude().to_str_radix(radix)))
}

/// `str(v)`, refusing more than 4300 digits like CPython's default limit.
pub fn int_to_decimal(v: &BigInt) -> Result<String, NumError> {
    let err = || {
        NumError::Value(format!(
            "Exceeds the limit ({MAX_STR_DIGITS} digits) for integer string conversion; \
             use sys.set_int_max_str_digits() to increase the limit"
        ))
    };
    if v.bits() > 14_300 {
        return Err(err());
    }
    let s = v.to_str_radix(10);
    let digits = s.len() - usize::from(v.is_negative());
    if digits > MAX_STR_DIGITS {
        return Err(err());
    }
    Ok(s)
}

/// `x * 2**e` computed exactly when the result is representable.
pub fn ldexp(mut x: f64, mut e: i64) -> f64 {
    let big = 2f64.powi(1000);
    let small = 2f64.powi(-1000);
    while e > 1000 && x.is_finite() && x != 0.0 {
        x *= big;
        e -= 1000;
    }
    while e < -1000 && x != 0.0 {
        x *= small;
        e += 1000;
    }
    x * 2f64.powi(e as i32)
}

/// Correctly rounded (half-even) value of `m * 2**e`, where `sticky` records that
/// nonzero bits below `m` were discarded. May return `inf` on overflow.
fn scaled_to_f64(m: &BigUint, e: i64, sticky: bool) -> f64 {
    let len = m.bits() as i64;
    let drop = (len - 53).max(-1074 - e);
    if drop <= 0 {
        return ldexp(m.to_f64().unwrap_or(0.0), e);
    }
    let d = drop as usize;
    let mut kept: u64 = (m >> d).to_u64().unwrap_or(0);
    let rem = m - (BigUint::from(kept) << d);
    let half = BigUint::one() << (d - 1);
    let round_up = match rem.cmp(&half) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Equal => sticky || kept & 1 == 1,
        std::cmp::Ordering::Less => false,
    };
    if round_up {
        kept += 1;
    }
    ldexp(kept as f64, e + drop)
}

fn apply_sign(x: f64, negative: bool) -> f64 {
    if negative {
        -x
    } else {
        x
    }
}

/// `float(v)`: correctly rounded, `OverflowError` when too large.
pub fn big_to_f64(v: &BigInt) -> Result<f64, NumError> {
    if v.bits() <= 64 {
        if let Some(i) = v.to_i64() {
            return Ok(i as f64);
        }
    }
    let x = scaled_to_f64(v.magnitude(), 0, false);
    if x.is_infinite() {
        return Err(NumError::Overflow("int too large to convert to float".into()));
    }
    Ok(apply_sign(x, v.is_negative()))
}

/// `a / b` for ints, correctly rounded like CPython's `long_true_divide`.
pub fn int_true_div(a: &BigInt, b: &BigInt) -> Result<f64, NumError> {
    if b.is_zero() {
        return zero_div("division by zero");
    }
    let negative = a.is_negative() != b.is_negative();
    let limit = 1u64 << 53;
    if a.magnitude().bits() <= 53 && b.magnitude().bits() <= 53 {
        let (x, y) = (a.to_f64().unwrap_or(0.0), b.to_f64().unwrap_or(1.0));
        if x.abs() <= limit as f64 && y.abs() <= limit as f64 {
            return Ok(x / y);
        }
    }
    if a.is_zero() {
        return Ok(apply_sign(0.0, negative));
    }
    let (na, nb) = (a.bits() as i64, b.bits() as i64);
    let diff = na - nb;
    if diff > 1025 {
        return Err(NumError::Overflow("integer division result too large for a float".into()));
    }
    let mut e = diff - 55;
    if diff < -1018 {
        e = e.min(-1076);
    }
    if diff < -1080 {
        return Ok(apply_sign(0.0, negative));
    }
    let (num, den) = if e >= 0 {
        (a.magnitude().clone(), b.magnitude() << (e as usize))
    } else {
        (a.magnitude() << ((-e) as usize), b.magnitude().clone())
    };
    let (q, r) = num.div_rem(&den);
    let x = scaled_to_f64(&q, e, !r.is_zero());
    if x.is_infinite() {
        return Err(NumError::Overflow("integer division result too large for a float".into()));
    }
    Ok(apply_sign(x, negative))
}

/// Exact decomposition of a finite nonzero float: `x == mantissa * 2**exp`.
pub fn decompose(x: f64) -> (i64, i64) {
    let bits = x.to_bits();
    let sign: i64 = if bits >> 63 == 0 { 1 } else { -1 };
    let exp_bits = ((bits >> 52) & 0x7ff) as i64;
    let frac = (bits & ((1u64 << 52) - 1)) as i64;
    if exp_bits == 0 {
        (sign * frac, -1074)
    } else {
        (sign * (frac | (1i64 << 52)), exp_bits - 1075)
    }
}

/// `int(x)` for a float (truncates toward zero).
pub fn float_to_int(x: f64) -> Result<BigInt, NumError> {
    if x.is_nan() {
        return Err(NumError::Value("cannot convert float NaN to integer".into()));
    }
    if x.is_infinite() {
        return Err(NumError::Overflow("cannot convert float infinity to integer".into()));
    }
    let t = x.trunc();
    if t.abs() < 9.0e18 {
        return Ok(BigInt::from(t as i64));
    }
    let (m, e) = decompose(t);
    Ok(BigInt::from(m) << (e as usize))
}

/// The sign of `v` as -1, 0 or 1.
pub fn signum(v: &BigInt) -> i32 {
    match v.sign() {
        Sign::Minus => -1,
        Sign::NoSign => 0,
        Sign::Plus => 1,
    }
}

/// `_PyLong_Frexp`: `n ≈ m * 2**e` with `0.5 <= |m| < 1`, `m` correctly rounded.
pub fn big_frexp(n: &BigInt) -> (f64, i64) {
    let e = n.bits() as i64;
    let mut m = scaled_to_f64(n.magnitude(), -e, false);
    let mut e = e;
    if m == 1.0 {
        m = 0.5;
        e += 1;
    }
    (apply_sign(m, n.is_negative()), e)
}
