//! Hashes that need no Python code: numbers and tuples as CPython computes them (from
//! `num::hash`), so that sets of ints and tuples iterate in CPython's order, and the
//! address-based hash of objects without `__hash__`.

pub use crate::runtime::num::hash::{hash_float as hash_f64, hash_i64, hash_int as hash_bigint};
use crate::runtime::value::Value;

/// CPython 3.11's `tuplehash` over the items' hashes.
pub fn hash_tuple(hashes: impl ExactSizeIterator<Item = i64>) -> i64 {
    crate::runtime::num::hash::hash_tuple(&hashes.collect::<Vec<i64>>())
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

/// The hash of a number or str; `None` for values whose hash needs the VM.
pub fn hash_primitive(v: &Value) -> Option<i64> {
    Some(match v {
        Value::Int(i) => hash_i64(*i),
        Value::Bool(b) => *b as i64,
        Value::BigInt(b) => hash_bigint(b),
        Value::Float(f) => hash_f64(*f),
        Value::Str(s) => s.hash(),
        _ => return None,
    })
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
