//! CPython 3.11's numeric `hash()` (`Python/pyhash.c`, `Objects/longobject.c`) and the
//! xxHash-based tuple hash (`Objects/tupleobject.c`), so that sets and dicts keyed by
//! ints, floats and tuples can iterate in CPython's order.
//!
//! `str`/`bytes` hashes are randomized per process in CPython (SipHash with a random
//! key), so no byte-exact counterpart exists; they are not provided here.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive};

/// `sys.hash_info.modulus` = 2**61 - 1.
pub const HASH_MODULUS: u64 = (1 << 61) - 1;
/// `sys.hash_info.inf`.
pub const HASH_INF: i64 = 314_159;
const HASH_BITS: u32 = 61;

/// `hash(v)` for an int that fits in `i64`.
pub fn hash_i64(v: i64) -> i64 {
    let m = (v.unsigned_abs() % HASH_MODULUS) as i64;
    let h = if v < 0 { -m } else { m };
    if h == -1 {
        -2
    } else {
        h
    }
}

/// `hash(v)` for any int.
pub fn hash_int(v: &BigInt) -> i64 {
    if let Some(i) = v.to_i64() {
        return hash_i64(i);
    }
    let m = (v.abs().mod_floor(&BigInt::from(HASH_MODULUS))).to_i64().unwrap_or(0);
    let h = if v.is_negative() { -m } else { m };
    if h == -1 {
        -2
    } else {
        h
    }
}

/// `hash(x)` for a float. Integral floats hash like the equal int.
///
/// NaN: CPython 3.10+ hashes a NaN by object identity; this returns 0, and the caller
/// should substitute an identity-based hash if it needs CPython's exact behaviour.
pub fn hash_float(x: f64) -> i64 {
    if x.is_nan() {
        return 0;
    }
    if x.is_infinite() {
        return if x > 0.0 { HASH_INF } else { -HASH_INF };
    }
    let (mut m, mut e) = frexp(x);
    let mut sign: i64 = 1;
    if m < 0.0 {
        sign = -1;
        m = -m;
    }
    let mut acc: u64 = 0;
    while m != 0.0 {
        acc = ((acc << 28) & HASH_MODULUS) | acc >> (HASH_BITS - 28);
        m *= 268_435_456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        acc += y;
        if acc >= HASH_MODULUS {
            acc -= HASH_MODULUS;
        }
    }
    let bits = HASH_BITS as i32;
    let e = if e >= 0 { e % bits } else { bits - 1 - ((-1 - e) % bits) } as u32;
    acc = ((acc << e) & HASH_MODULUS) | acc >> (HASH_BITS - e);
    let h = (acc as i64).wrapping_mul(sign);
    if h == -1 {
        -2
    } else {
        h
    }
}

/// C's `frexp`: `x == m * 2**e` with `0.5 <= |m| < 1` (finite nonzero `x`; 0 gives (0, 0)).
pub fn frexp(x: f64) -> (f64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let (x, adj) = if x.abs() < f64::MIN_POSITIVE { (x * 2f64.powi(64), -64) } else { (x, 0) };
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let m_bits = (bits & !(0x7ffu64 << 52)) | (1022u64 << 52);
    (f64::from_bits(m_bits), exp - 1022 + adj)
}

const XXPRIME_1: u64 = 11_400_714_785_074_694_791;
const XXPRIME_2: u64 = 14_029_467_366_897_019_727;
const XXPRIME_5: u64 = 2_870_177_450_012_600_261;

/// `hash(t)` for a tuple whose items hash to `item_hashes` (CPython 3.11 `tuplehash`).
pub fn hash_tuple(item_hashes: &[i64]) -> i64 {
    let mut acc = XXPRIME_5;
    for &h in item_hashes {
        let lane = h as u64;
        acc = acc.wrapping_add(lane.wrapping_mul(XXPRIME_2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(XXPRIME_1);
    }
    acc = acc.wrapping_add((item_hashes.len() as u64) ^ (XXPRIME_5 ^ 3_527_539));
    if acc == u64::MAX {
        return 1_546_275_796;
    }
    acc as i64
}

/// `hash(True)` / `hash(False)` / `hash(None)`-free helper: bools hash as 1 and 0.
pub fn hash_bool(b: bool) -> i64 {
    i64::from(b)
}
