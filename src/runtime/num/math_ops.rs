//! `math`-module helpers that need care: `isqrt`, `factorial`, `gcd`, `lcm`, `comb`,
//! `perm`, exact `fsum` (Shewchuk, as CPython), `isclose`, logarithms of huge ints,
//! and `round(int, ndigits)`. (`prod` and the simple wrappers are the interpreter's.)

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

use super::int_ops::{big_to_f64, MAX_INT_BITS};
use super::NumError;

fn value_err<T>(msg: &str) -> Result<T, NumError> {
    Err(NumError::Value(msg.to_string()))
}

/// `math.isqrt(n)`.
pub fn isqrt(n: &BigInt) -> Result<BigInt, NumError> {
    if n.is_negative() {
        return value_err("isqrt() argument must be nonnegative");
    }
    Ok(n.sqrt())
}

/// Product of the integers in `lo..hi` by binary splitting.
fn range_product(lo: u64, hi: u64) -> BigInt {
    if hi <= lo {
        return BigInt::one();
    }
    if hi - lo <= 16 {
        return (lo..hi).fold(BigInt::one(), |acc, i| acc * i);
    }
    let mid = lo + (hi - lo) / 2;
    range_product(lo, mid) * range_product(mid, hi)
}

/// `math.factorial(n)`.
pub fn factorial(n: &BigInt) -> Result<BigInt, NumError> {
    if n.is_negative() {
        return value_err("factorial() not defined for negative values");
    }
    let n = n
        .to_u64()
        .filter(|v| *v <= i64::MAX as u64)
        .ok_or_else(|| NumError::Overflow("factorial() argument should not exceed 9223372036854775807".into()))?;
    check_bits(n.saturating_mul(64 - n.leading_zeros() as u64))?;
    Ok(range_product(1, n + 1))
}

fn check_bits(bits: u64) -> Result<(), NumError> {
    if bits > MAX_INT_BITS {
        return Err(NumError::Memory(String::new()));
    }
    Ok(())
}

/// `math.gcd(*args)` (0 for no arguments).
pub fn gcd(args: &[BigInt]) -> BigInt {
    args.iter().fold(BigInt::zero(), |acc, x| acc.gcd(x))
}

/// `math.lcm(*args)` (1 for no arguments).
pub fn lcm(args: &[BigInt]) -> BigInt {
    args.iter().fold(BigInt::one(), |acc, x| acc.lcm(x))
}

fn check_nk(n: &BigInt, k: &BigInt) -> Result<(), NumError> {
    if n.is_negative() {
        return value_err("n must be a non-negative integer");
    }
    if k.is_negative() {
        return value_err("k must be a non-negative integer");
    }
    Ok(())
}

fn k_as_u64(k: &BigInt) -> Result<u64, NumError> {
    k.to_u64().filter(|v| *v <= i64::MAX as u64).ok_or_else(|| NumError::Overflow("k must not exceed 9223372036854775807".into()))
}

/// `math.perm(n, k)`; `k = None` means `factorial(n)`.
pub fn perm(n: &BigInt, k: Option<&BigInt>) -> Result<BigInt, NumError> {
    let Some(k) = k else {
        return factorial(n);
    };
    check_nk(n, k)?;
    if k > n {
        return Ok(BigInt::zero());
    }
    let kk = k_as_u64(k)?;
    check_bits(kk.saturating_mul(n.bits()))?;
    let mut acc = BigInt::one();
    let mut f = n.clone();
    for _ in 0..kk {
        acc *= &f;
        f -= 1;
    }
    Ok(acc)
}

/// `math.comb(n, k)`.
pub fn comb(n: &BigInt, k: &BigInt) -> Result<BigInt, NumError> {
    check_nk(n, k)?;
    if k > n {
        return Ok(BigInt::zero());
    }
    let other = n - k;
    let k = if &other < k { &other } else { k };
    let kk = k_as_u64(k)?;
    check_bits(kk.saturating_mul(n.bits()))?;
    let mut acc = BigInt::one();
    let mut f = n.clone();
    for i in 1..=kk {
        acc = acc * &f / i;
        f -= 1;
    }
    Ok(acc)
}

/// `math.fsum(values)`: exactly rounded sum (CPython's algorithm, same errors).
pub fn fsum(values: &[f64]) -> Result<f64, NumError> {
    let mut p: Vec<f64> = Vec::new();
    let (mut special_sum, mut inf_sum) = (0.0f64, 0.0f64);
    for &xsave in values {
        let mut x = xsave;
        let mut i = 0;
        for j in 0..p.len() {
            let mut y = p[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                p[i] = lo;
                i += 1;
            }
            x = hi;
        }
        p.truncate(i);
        if x != 0.0 {
            if !x.is_finite() {
                if xsave.is_finite() {
                    return Err(NumError::Overflow("intermediate overflow in fsum".into()));
                }
                if xsave.is_infinite() {
                    inf_sum += xsave;
                }
                special_sum += xsave;
                p.clear();
            } else {
                p.push(x);
            }
        }
    }
    if special_sum != 0.0 {
        if inf_sum.is_nan() {
            return value_err("-inf + inf in fsum");
        }
        return Ok(special_sum);
    }
    Ok(sum_partials(&mut p))
}

fn sum_partials(p: &mut Vec<f64>) -> f64 {
    let Some(mut hi) = p.pop() else {
        return 0.0;
    };
    let mut lo = 0.0;
    while let Some(y) = p.pop() {
        let x = hi;
        hi = x + y;
        lo = y - (hi - x);
        if lo != 0.0 {
            break;
        }
    }
    if let Some(&last) = p.last() {
        if (lo < 0.0 && last < 0.0) || (lo > 0.0 && last > 0.0) {
            let y = lo * 2.0;
            let x = hi + y;
            if y == x - hi {
                hi = x;
            }
        }
    }
    hi
}

/// `math.isclose(a, b, rel_tol=..., abs_tol=...)`.
pub fn isclose(a: f64, b: f64, rel_tol: f64, abs_tol: f64) -> Result<bool, NumError> {
    if rel_tol < 0.0 || abs_tol < 0.0 {
        return value_err("tolerances must be non-negative");
    }
    if a == b {
        return Ok(true);
    }
    if a.is_infinite() || b.is_infinite() {
        return Ok(false);
    }
    let diff = (b - a).abs();
    Ok(diff <= (rel_tol * b).abs() || diff <= (rel_tol * a).abs() || diff <= abs_tol)
}

/// Which logarithm to take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogKind {
    /// `math.log` (natural).
    Natural,
    /// `math.log2`.
    Two,
    /// `math.log10`.
    Ten,
}

fn raw_log(x: f64, kind: LogKind) -> f64 {
    match kind {
        LogKind::Natural => x.ln(),
        LogKind::Two => x.log2(),
        LogKind::Ten => x.log10(),
    }
}

/// `math.log*(x)` for a float argument (`ValueError('math domain error')` if `x <= 0`).
pub fn log_float(x: f64, kind: LogKind) -> Result<f64, NumError> {
    if x.is_nan() || x == f64::INFINITY {
        return Ok(x);
    }
    if x <= 0.0 {
        return value_err("math domain error");
    }
    Ok(raw_log(x, kind))
}

/// `math.log*(n)` for an int argument, valid even when `n` overflows a float.
pub fn log_int(n: &BigInt, kind: LogKind) -> Result<f64, NumError> {
    if !n.is_positive() {
        return value_err("math domain error");
    }
    if let Ok(x) = big_to_f64(n) {
        return Ok(raw_log(x, kind));
    }
    let (m, e) = super::int_ops::big_frexp(n);
    Ok(raw_log(m, kind) + raw_log(2.0, kind) * e as f64)
}

/// `math.log(x, base)` from the two already computed natural logs.
pub fn log_ratio(num: f64, den: f64) -> Result<f64, NumError> {
    super::float_ops::float_div(num, den)
}

/// `round(v, ndigits)` for an int (half to even on a multiple of `10**-ndigits`).
pub fn round_int(v: &BigInt, ndigits: &BigInt) -> BigInt {
    if !ndigits.is_negative() {
        return v.clone();
    }
    let k = (-ndigits).to_u64().unwrap_or(u64::MAX);
    if k as f64 > v.bits() as f64 * 0.302_0 + 2.0 {
        return BigInt::zero();
    }
    let b = num_traits::pow(BigInt::from(10), k as usize);
    let (q, mut r) = v.div_mod_floor(&b);
    let twice = &r * 2;
    if twice > b || (twice == b && q.is_odd()) {
        r -= &b;
    }
    v - r
}
