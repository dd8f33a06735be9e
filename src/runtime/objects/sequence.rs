//! `tuple`, `list`, `bytes`/`bytearray`, `range` and `slice`: the sequence objects' storage.
//! Their Python methods live in `runtime::types`; their operations in `vm::ops`.

use crate::runtime::value::Value;
use std::cell::RefCell;

pub struct PyTuple {
    pub items: Box<[Value]>,
}

impl PyTuple {
    pub fn new(items: Vec<Value>) -> PyTuple {
        PyTuple { items: items.into_boxed_slice() }
    }
}

pub struct PyList {
    pub items: RefCell<Vec<Value>>,
}

impl PyList {
    pub fn new(items: Vec<Value>) -> PyList {
        PyList { items: RefCell::new(items) }
    }

    pub fn len(&self) -> usize {
        self.items.borrow().len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.borrow().is_empty()
    }

    /// A copy of the items, so that callers can run Python code while iterating.
    pub fn snapshot(&self) -> Vec<Value> {
        self.items.borrow().clone()
    }
}

/// The storage of both `bytes` (never mutated) and `bytearray`.
pub struct PyBytes {
    pub data: RefCell<Vec<u8>>,
}

impl PyBytes {
    pub fn new(data: Vec<u8>) -> PyBytes {
        PyBytes { data: RefCell::new(data) }
    }
}

pub struct PyRange {
    pub start: i64,
    pub stop: i64,
    pub step: i64,
}

impl PyRange {
    pub fn len(&self) -> i64 {
        range_len(self.start, self.stop, self.step)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, i: i64) -> i64 {
        self.start + i * self.step
    }
}

pub fn range_len(start: i64, stop: i64, step: i64) -> i64 {
    let (lo, hi, st) = if step > 0 { (start, stop, step) } else { (stop, start, -step) };
    if lo >= hi {
        0
    } else {
        ((hi as i128 - lo as i128 - 1) / st as i128 + 1) as i64
    }
}

pub struct PySlice {
    pub start: Value,
    pub stop: Value,
    pub step: Value,
}

/// Resolved slice bounds for a sequence of a given length (CPython's `PySlice_AdjustIndices`).
#[derive(Debug, Clone, Copy)]
pub struct SliceIndices {
    pub start: i64,
    pub stop: i64,
    pub step: i64,
    pub len: i64,
}

impl SliceIndices {
    pub fn new(start: Option<i64>, stop: Option<i64>, step: i64, length: i64) -> SliceIndices {
        let adjust = |v: Option<i64>, default: i64, lo: i64, hi: i64| -> i64 {
            match v {
                None => default,
                Some(mut x) => {
                    if x < 0 {
                        x += length;
                        if x < 0 {
                            x = lo;
                        }
                    } else if x >= length {
                        x = hi;
                    }
                    x
                }
            }
        };
        let (start, stop) = if step < 0 {
            (adjust(start, length - 1, -1, length - 1), adjust(stop, -1, -1, length - 1))
        } else {
            (adjust(start, 0, 0, length), adjust(stop, length, 0, length))
        };
        let len = if step < 0 {
            if stop < start {
                (start - stop - 1) / (-step) + 1
            } else {
                0
            }
        } else if start < stop {
            (stop - start - 1) / step + 1
        } else {
            0
        };
        SliceIndices { start, stop, step, len }
    }

    /// The positions selected, in order.
    pub fn iter(&self) -> impl Iterator<Item = usize> {
        let (start, step) = (self.start, self.step);
        (0..self.len).map(move |i| (start + i * step) as usize)
    }
}
