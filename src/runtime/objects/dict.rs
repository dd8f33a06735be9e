//! `dict`: an insertion-ordered hash map (entries in a vector, a hash index beside them, like
//! CPython's compact dict). Key equality that needs Python code (`__eq__` of user classes) is
//! resolved by the VM (`vm::dict_ops`) without holding a borrow, so `__eq__` may touch the dict.

use crate::runtime::value::Value;
use hashbrown::HashTable;
use smallvec::SmallVec;
use std::cell::RefCell;

pub struct DictEntry {
    pub hash: i64,
    pub key: Value,
    pub value: Value,
}

/// The storage of a dict; also used for instance and class attribute tables.
#[derive(Default)]
pub struct DictMap {
    entries: Vec<Option<DictEntry>>,
    index: HashTable<usize>,
    len: usize,
    /// Changes on every mutation, so caches of lookups (`LoadGlobal`) can validate.
    version: u64,
}

/// The outcome of a lookup that could be answered without running Python code.
pub enum Probe {
    Found(usize),
    Absent,
    /// Entries with the same hash whose keys need Python-level `==` to compare.
    Undecided(SmallVec<[usize; 2]>),
}

/// Equality that needs no Python code: `Some(answer)`, or `None` when `__eq__` must decide.
pub fn native_eq(a: &Value, b: &Value) -> Option<bool> {
    use Value::*;
    if a.is(b) {
        return Some(true);
    }
    Some(match (a, b) {
        (Str(x), Str(y)) => x.as_str() == y.as_str(),
        (Int(x), Int(y)) => x == y,
        (Int(_) | Bool(_) | Float(_) | BigInt(_), Int(_) | Bool(_) | Float(_) | BigInt(_)) => crate::vm::ops::numeric_eq(a, b),
        (Tuple(x), Tuple(y)) => {
            if x.items.len() != y.items.len() {
                return Some(false);
            }
            for (p, q) in x.items.iter().zip(y.items.iter()) {
                if !native_eq(p, q)? {
                    return Some(false);
                }
            }
            true
        }
        (Bytes(x), Bytes(y)) => *x.data.borrow() == *y.data.borrow(),
        (None, _) | (_, None) => false,
        _ if is_simple(a) && is_simple(b) => false,
        // Containers and instances compare by contents or `__eq__`: the VM decides.
        _ => return Option::None,
    })
}

/// Values whose equality with a value of another kind is always false.
fn is_simple(v: &Value) -> bool {
    matches!(
        v,
        Value::Str(_)
            | Value::Int(_)
            | Value::Bool(_)
            | Value::Float(_)
            | Value::BigInt(_)
            | Value::Bytes(_)
            | Value::Tuple(_)
            | Value::None
    )
}

impl DictMap {
    pub fn new() -> DictMap {
        DictMap::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn probe(&self, hash: i64, key: &Value) -> Probe {
        let mut undecided = SmallVec::new();
        for &idx in self.index.iter_hash(hash as u64) {
            if let Some(e) = &self.entries[idx] {
                if e.hash != hash {
                    continue;
                }
                match native_eq(&e.key, key) {
                    Some(true) => return Probe::Found(idx),
                    Some(false) => {}
                    None => undecided.push(idx),
                }
            }
        }
        if undecided.is_empty() {
            Probe::Absent
        } else {
            Probe::Undecided(undecided)
        }
    }

    /// Looks up a str key (attribute tables): no Python code can be involved.
    pub fn get_str(&self, hash: i64, key: &str) -> Option<&Value> {
        for &idx in self.index.iter_hash(hash as u64) {
            if let Some(e) = &self.entries[idx] {
                if e.hash == hash && e.key.as_str() == Some(key) {
                    return Some(&e.value);
                }
            }
        }
        None
    }

    /// Looks up a str key by object: the same interned name object matches without comparing
    /// bytes (names in code objects and the keys they stored are usually the same object).
    pub fn get_pystr(&self, key: &crate::runtime::objects::PyStr) -> Option<&Value> {
        let hash = key.hash();
        for &idx in self.index.iter_hash(hash as u64) {
            if let Some(e) = &self.entries[idx] {
                if let Value::Str(k) = &e.key {
                    if std::ptr::eq(&**k, key) || (e.hash == hash && k.as_str() == key.as_str()) {
                        return Some(&e.value);
                    }
                }
            }
        }
        None
    }

    pub fn entry(&self, idx: usize) -> Option<&DictEntry> {
        self.entries.get(idx).and_then(|e| e.as_ref())
    }

    pub fn version(&self) -> u64 {
        self.version
    }

    pub fn set_value_at(&mut self, idx: usize, value: Value) {
        self.version += 1;
        if let Some(Some(e)) = self.entries.get_mut(idx) {
            e.value = value;
        }
    }

    /// Appends a key known to be absent.
    pub fn push_new(&mut self, hash: i64, key: Value, value: Value) {
        self.version += 1;
        let idx = self.entries.len();
        self.entries.push(Some(DictEntry { hash, key, value }));
        let entries = &self.entries;
        self.index.insert_unique(hash as u64, idx, |&i| entry_hash(entries, i));
        self.len += 1;
    }

    pub fn remove_at(&mut self, idx: usize) -> Option<DictEntry> {
        self.version += 1;
        let e = self.entries.get_mut(idx)?.take()?;
        if let Ok(slot) = self.index.find_entry(e.hash as u64, |&i| i == idx) {
            slot.remove();
        }
        self.len -= 1;
        if self.entries.len() > 16 && self.len * 2 < self.entries.len() {
            self.compact();
        }
        Some(e)
    }

    fn compact(&mut self) {
        let old = std::mem::take(&mut self.entries);
        self.index.clear();
        self.len = 0;
        for e in old.into_iter().flatten() {
            self.push_new(e.hash, e.key, e.value);
        }
    }

    pub fn clear(&mut self) {
        self.version += 1;
        self.entries.clear();
        self.index.clear();
        self.len = 0;
    }

    /// Live entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &DictEntry> {
        self.entries.iter().flatten()
    }

    /// The number of slots (live or deleted) that iteration walks; see `entry_at_slot`.
    pub fn slots(&self) -> usize {
        self.entries.len()
    }

    pub fn entry_at_slot(&self, slot: usize) -> Option<&DictEntry> {
        self.entries.get(slot).and_then(|e| e.as_ref())
    }

    pub fn keys(&self) -> Vec<Value> {
        self.iter().map(|e| e.key.clone()).collect()
    }

    pub fn values(&self) -> Vec<Value> {
        self.iter().map(|e| e.value.clone()).collect()
    }

    pub fn items(&self) -> Vec<(Value, Value)> {
        self.iter().map(|e| (e.key.clone(), e.value.clone())).collect()
    }

    /// Pops the last inserted entry (`dict.popitem`).
    pub fn pop_last(&mut self) -> Option<DictEntry> {
        let idx = self.entries.iter().rposition(|e| e.is_some())?;
        self.remove_at(idx)
    }

    /// Sets a str key (attribute tables, globals); no Python code can be involved.
    pub fn set_str(&mut self, key: &std::rc::Rc<crate::runtime::objects::PyStr>, value: Value) {
        let hash = key.hash();
        for &idx in self.index.iter_hash(hash as u64) {
            if let Some(e) = &mut self.entries[idx] {
                if e.hash == hash && e.key.as_str() == Some(key.as_str()) {
                    e.value = value;
                    self.version += 1;
                    return;
                }
            }
        }
        self.push_new(hash, Value::Str(key.clone()), value);
    }

    pub fn remove_str(&mut self, hash: i64, key: &str) -> Option<Value> {
        let idx = self
            .index
            .iter_hash(hash as u64)
            .copied()
            .find(|&i| matches!(&self.entries[i], Some(e) if e.hash == hash && e.key.as_str() == Some(key)))?;
        self.remove_at(idx).map(|e| e.value)
    }
}

fn entry_hash(entries: &[Option<DictEntry>], i: usize) -> u64 {
    entries[i].as_ref().map(|e| e.hash as u64).unwrap_or(0)
}

/// A Python `dict` object.
pub struct PyDict {
    pub map: RefCell<DictMap>,
}

impl PyDict {
    pub fn new() -> PyDict {
        PyDict { map: RefCell::new(DictMap::new()) }
    }

    pub fn from_map(map: DictMap) -> PyDict {
        PyDict { map: RefCell::new(map) }
    }

    /// Changes whenever the dict changes (see `DictMap::version`).
    pub fn version(&self) -> u64 {
        self.map.borrow().version()
    }

    pub fn len(&self) -> usize {
        self.map.borrow().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get_str(&self, key: &crate::runtime::objects::PyStr) -> Option<Value> {
        self.map.borrow().get_pystr(key).cloned()
    }

    pub fn set_str(&self, key: &std::rc::Rc<crate::runtime::objects::PyStr>, value: Value) {
        self.map.borrow_mut().set_str(key, value);
    }
}

impl Default for PyDict {
    fn default() -> Self {
        PyDict::new()
    }
}
