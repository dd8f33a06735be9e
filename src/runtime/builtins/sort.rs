//! A stable merge sort with a fallible "less than" (Python comparisons can raise, and a user
//! `__lt__` need not be a total order, which Rust's `sort_by` may panic on).

use crate::vm::PyResult;

/// Sorts `v` stably by `lt`, stopping at the first error.
pub fn merge_sort<T: Clone>(v: &mut [T], lt: &mut dyn FnMut(&T, &T) -> PyResult<bool>) -> PyResult<()> {
    if v.len() < 2 {
        return Ok(());
    }
    // Insertion sort for short runs, then bottom-up merges.
    const RUN: usize = 16;
    let n = v.len();
    for start in (0..n).step_by(RUN) {
        let end = (start + RUN).min(n);
        for i in start + 1..end {
            let mut j = i;
            while j > start && lt(&v[j], &v[j - 1])? {
                v.swap(j, j - 1);
                j -= 1;
            }
        }
    }
    let mut width = RUN;
    let mut buf: Vec<T> = Vec::with_capacity(n);
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            if mid < end {
                merge(v, start, mid, end, &mut buf, lt)?;
            }
            start += 2 * width;
        }
        width *= 2;
    }
    Ok(())
}

fn merge<T: Clone>(
    v: &mut [T],
    start: usize,
    mid: usize,
    end: usize,
    buf: &mut Vec<T>,
    lt: &mut dyn FnMut(&T, &T) -> PyResult<bool>,
) -> PyResult<()> {
    buf.clear();
    let (mut i, mut j) = (start, mid);
    while i < mid && j < end {
        // Take from the right only when strictly less: keeps the sort stable.
        if lt(&v[j], &v[i])? {
            buf.push(v[j].clone());
            j += 1;
        } else {
            buf.push(v[i].clone());
            i += 1;
        }
    }
    buf.extend_from_slice(&v[i..mid]);
    buf.extend_from_slice(&v[j..end]);
    v[start..end].clone_from_slice(buf);
    Ok(())
}
