//! CPython's hash functions for numbers and tuples, so that sets of ints and tuples iterate in
//! the same order as CPython's (`Python/pyhash.c`, `Objects/tupleobject.c`).

/// The modulus of numeric hashes, 2**61 - 1 (`_PyHASH_MODULUS`).
pub const MODULUS: u64 = (1u64 << 61) - 1;
const INF: i64 = 314159;

pub fn hash_i64(i: i64) -> i64 {
    let mut h = (i.unsigned_abs() % MODULUS) as i64;
    if i < 0 {
        h = -h;
    }
    if h == -1 {
        -2
    } else {
        h
    }
}

pub fn hash_bigint(b: &num_bigint::BigInt) -> i64 {
    use num_bigint::Sign;
    let m = num_bigint::BigInt::from(MODULUS);
    let r: num_bigint::BigInt = b.magnitude().clone().into();
    let r = r % m;
    let mut h = i64::try_from(r).unwrap_or(0);
    if b.sign() == Sign::Minus {
        h = -h;
    }
    if h == -1 {
        -2
    } else {
        h
    }
}

/// `_Py_HashDouble`: integral floats hash like the equal int.
pub fn hash_f64(v: f64) -> i64 {
    if v.is_infinite() {
        return if v > 0.0 { INF } else { -INF };
    }
    if v.is_nan() {
        return 0;
    }
    let (mut m, mut e) = frexp(v.abs());
    let sign: i64 = if v < 0.0 { -1 } else { 1 };
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & MODULUS) | (x >> (61 - 28));
        m *= 268435456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= MODULUS {
            x -= MODULUS;
        }
    }
    let e = if e >= 0 { e % 61 } else { 61 - 1 - ((-1 - e) % 61) } as u32;
    x = ((x << e) & MODULUS) | (x >> (61 - e));
    let h = (x as i64) * sign;
    if h == -1 {
        -2
    } else {
        h
    }
}

fn frexp(v: f64) -> (f64, i32) {
    if v == 0.0 {
        return (0.0, 0);
    }
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        // Subnormal: scale up first.
        let (m, e) = frexp(v * f64::powi(2.0, 64));
        return (m, e - 64);
    }
    let m = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52));
    (m, exp - 1022)
}

/// CPython 3.11's `tuplehash` (xxHash-based) over the items' hashes.
pub fn hash_tuple(hashes: impl ExactSizeIterator<Item = i64>) -> i64 {
    const P1: u64 = 11400714785074694791;
    const P2: u64 = 14029467366897019727;
    const P5: u64 = 2870177450012600261;
    let len = hashes.len() as u64;
    let mut acc: u64 = P5;
    for lane in hashes {
        acc = acc.wrapping_add((lane as u64).wrapping_mul(P2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(P1);
    }
    acc = acc.wrapping_add(len ^ (P5 ^ 3527539));
    if acc as i64 == -1 {
        1546275796
    } else {
        acc as i64
    }
}

/// The hash of an object without `__hash__` of its own: derived from its address, as
/// CPython's `_Py_HashPointer` (rotated by 4 bits).
pub fn hash_pointer(p: usize) -> i64 {
    let h = (p as u64).rotate_right(4) as i64;
    if h == -1 {
        -2
    } else {
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_hashes_match_cpython() {
        assert_eq!(hash_i64(-1), -2);
        assert_eq!(hash_i64(1 << 62), 2);
        assert_eq!(hash_f64(1.5), 1152921504606846977);
        assert_eq!(hash_f64(2.0), 2);
        assert_eq!(hash_f64(-0.5), -1152921504606846976);
        assert_eq!(hash_tuple([1i64, 2].into_iter()), -3550055125485641917);
    }
}
