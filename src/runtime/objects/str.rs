//! `str`: immutable UTF-8 text with a cached hash and character count.

use std::cell::Cell;

pub struct PyStr {
    s: Box<str>,
    /// Number of characters (code points); equals the byte length for ASCII text.
    chars: usize,
    /// Cached hash; 0 means not computed yet (a real hash of 0 is stored as 1, harmlessly).
    hash: Cell<i64>,
}

impl PyStr {
    pub fn new(s: &str) -> PyStr {
        PyStr::from(s.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.s
    }

    pub fn char_len(&self) -> usize {
        self.chars
    }

    pub fn is_ascii(&self) -> bool {
        self.chars == self.s.len()
    }

    /// The character at `index` (0-based, already bounds-checked by the caller).
    pub fn char_at(&self, index: usize) -> char {
        if self.is_ascii() {
            self.s.as_bytes()[index] as char
        } else {
            self.s.chars().nth(index).unwrap_or('\0')
        }
    }

    /// The substring of characters `start..end`.
    pub fn char_slice(&self, start: usize, end: usize) -> &str {
        if self.is_ascii() {
            return &self.s[start..end];
        }
        let mut it = self.s.char_indices();
        let b0 = it.nth(start).map(|(i, _)| i).unwrap_or(self.s.len());
        let b1 = if end > start { self.s[b0..].char_indices().nth(end - start).map(|(i, _)| b0 + i).unwrap_or(self.s.len()) } else { b0 };
        &self.s[b0..b1]
    }

    pub fn hash(&self) -> i64 {
        let h = self.hash.get();
        if h != 0 {
            return h;
        }
        let h = match str_hash(self.s.as_bytes()) {
            0 => 1,
            -1 => -2,
            h => h,
        };
        self.hash.set(h);
        h
    }
}

impl From<String> for PyStr {
    fn from(s: String) -> PyStr {
        let chars = if s.is_ascii() { s.len() } else { s.chars().count() };
        PyStr { s: s.into_boxed_str(), chars, hash: Cell::new(0) }
    }
}

impl PartialEq for PyStr {
    fn eq(&self, other: &PyStr) -> bool {
        self.s == other.s
    }
}

/// FNV-1a over the bytes. CPython randomises str hashes per process, so no program can depend
/// on their values; any good hash is as faithful as CPython's.
fn str_hash(bytes: &[u8]) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    (h >> 1) as i64
}
