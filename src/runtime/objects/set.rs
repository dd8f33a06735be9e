//! `set` and `frozenset`: CPython's open-addressing table (`Objects/setobject.c`), reproduced
//! slot for slot so that iteration order — which programs print — matches CPython's.
//! Equality needing Python code is resolved by the VM (`vm::dict_ops`), as for dicts.

use crate::runtime::objects::dict::native_eq;
use crate::runtime::value::Value;
use std::cell::RefCell;

const MINSIZE: usize = 8;
const LINEAR_PROBES: usize = 9;
const PERTURB_SHIFT: u32 = 5;

#[derive(Clone)]
enum Slot {
    Empty,
    /// A deleted entry (CPython's `dummy`, hash -1).
    Dummy,
    Full(i64, Value),
}

#[derive(Clone)]
pub struct SetTable {
    slots: Vec<Slot>,
    /// Full + dummy slots.
    fill: usize,
    /// Full slots.
    used: usize,
    /// Where `set.pop()` starts its scan (CPython's `finger`).
    finger: usize,
}

/// The outcome of a set lookup that needs no Python code, or the candidates that do.
pub enum SetProbe {
    Found(usize),
    Absent,
    Undecided(Vec<usize>),
}

impl Default for SetTable {
    fn default() -> Self {
        SetTable { slots: vec![Slot::Empty; MINSIZE], fill: 0, used: 0, finger: 0 }
    }
}

impl SetTable {
    pub fn new() -> SetTable {
        SetTable::default()
    }

    pub fn len(&self) -> usize {
        self.used
    }

    pub fn is_empty(&self) -> bool {
        self.used == 0
    }

    pub fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// Full plus dummy slots.
    pub fn fill(&self) -> usize {
        self.fill
    }

    /// `set_table_resize`: a table of the smallest power of two above `minused`, keys
    /// reinserted in slot order.
    pub fn resize_for(&mut self, minused: usize) {
        self.resize(minused);
    }

    /// The first half of `set_merge` into an empty table: an exact copy of `other`'s slots
    /// when the sizes match and `other` has no dummies, else clean insertions in its slot
    /// order. `self` must be empty (`fill == 0`).
    pub fn fill_from(&mut self, other: &SetTable) {
        debug_assert_eq!(self.fill, 0);
        if self.mask() == other.mask() && other.fill == other.used {
            self.slots = other.slots.clone();
        } else {
            for (h, v) in other.iter_hashed() {
                self.insert_clean(h, v.clone());
            }
        }
        self.fill = other.used;
        self.used = other.used;
    }

    /// `set_swap_bodies` as `intersection_update` uses it: take `other`'s table, keep the
    /// pop finger.
    pub fn take_body(&mut self, other: SetTable) {
        let finger = self.finger;
        *self = other;
        self.finger = finger;
    }

    /// After many discards, `set_difference_update_internal` rebuilds a table that is more
    /// than a quarter dummies.
    pub fn shrink_dummies(&mut self) {
        if self.fill - self.used > self.mask() / 4 {
            let minused = if self.used > 50000 { self.used * 2 } else { self.used * 4 };
            self.resize(minused);
        }
    }

    /// Walks the probe sequence of `hash`, calling `visit(slot_index)` until it returns true
    /// or an empty slot is reached; returns the empty slot's index if reached.
    fn walk(&self, hash: i64, mut visit: impl FnMut(usize) -> bool) -> Option<usize> {
        let mask = self.mask();
        let mut perturb = hash as u64;
        let mut i = (hash as u64 as usize) & mask;
        loop {
            let probes = if i + LINEAR_PROBES <= mask { LINEAR_PROBES } else { 0 };
            for j in 0..=probes {
                let k = i + j;
                if let Slot::Empty = self.slots[k] {
                    return Some(k);
                }
                if visit(k) {
                    return None;
                }
            }
            perturb >>= PERTURB_SHIFT;
            i = (i.wrapping_mul(5).wrapping_add(1).wrapping_add(perturb as usize)) & mask;
        }
    }

    pub fn probe(&self, hash: i64, key: &Value) -> SetProbe {
        let mut found = None;
        let mut undecided = Vec::new();
        self.walk(hash, |k| {
            if let Slot::Full(h, v) = &self.slots[k] {
                if *h == hash {
                    match native_eq(v, key) {
                        Some(true) => {
                            found = Some(k);
                            return true;
                        }
                        Some(false) => {}
                        None => undecided.push(k),
                    }
                }
            }
            false
        });
        match found {
            Some(k) => SetProbe::Found(k),
            None if undecided.is_empty() => SetProbe::Absent,
            None => SetProbe::Undecided(undecided),
        }
    }

    pub fn key_at(&self, slot: usize) -> Option<&Value> {
        match self.slots.get(slot) {
            Some(Slot::Full(_, v)) => Some(v),
            _ => None,
        }
    }

    /// Inserts a key known to be absent (after `probe` said so), as CPython 3.11's
    /// `set_add_entry` does: into the last dummy slot on the probe path (measured against
    /// CPython: not the first), else the empty slot that ended it.
    pub fn insert_new(&mut self, hash: i64, key: Value) {
        let mut freeslot = None;
        let empty = self.walk(hash, |k| {
            if matches!(self.slots[k], Slot::Dummy) {
                freeslot = Some(k);
            }
            false
        });
        match (freeslot, empty) {
            (Some(k), _) => {
                self.slots[k] = Slot::Full(hash, key);
                self.used += 1;
            }
            (None, Some(k)) => {
                self.slots[k] = Slot::Full(hash, key);
                self.fill += 1;
                self.used += 1;
                if self.fill * 5 >= self.mask() * 3 {
                    let minused = if self.used > 50000 { self.used * 2 } else { self.used * 4 };
                    self.resize(minused);
                }
            }
            (None, None) => unreachable!("set probe ended without an empty slot"),
        }
    }

    fn resize(&mut self, minused: usize) {
        let mut newsize = MINSIZE;
        while newsize <= minused {
            newsize <<= 1;
        }
        let old = std::mem::replace(&mut self.slots, vec![Slot::Empty; newsize]);
        self.fill = self.used;
        for slot in old {
            if let Slot::Full(h, v) = slot {
                self.insert_clean(h, v);
            }
        }
    }

    /// `set_insert_clean`: the table has no dummies and the key is known to be absent.
    fn insert_clean(&mut self, hash: i64, key: Value) {
        let empty = self.walk(hash, |_| false).expect("resized table has room");
        self.slots[empty] = Slot::Full(hash, key);
    }

    pub fn remove_at(&mut self, slot: usize) -> Option<Value> {
        match std::mem::replace(&mut self.slots[slot], Slot::Dummy) {
            Slot::Full(_, v) => {
                self.used -= 1;
                Some(v)
            }
            other => {
                self.slots[slot] = other;
                None
            }
        }
    }

    pub fn clear(&mut self) {
        let finger = self.finger;
        *self = SetTable::new();
        self.finger = finger;
    }

    /// Keys in slot order (CPython's iteration order).
    pub fn iter(&self) -> impl Iterator<Item = &Value> {
        self.slots.iter().filter_map(|s| match s {
            Slot::Full(_, v) => Some(v),
            _ => None,
        })
    }

    pub fn iter_hashed(&self) -> impl Iterator<Item = (i64, &Value)> {
        self.slots.iter().filter_map(|s| match s {
            Slot::Full(h, v) => Some((*h, v)),
            _ => None,
        })
    }

    pub fn slots(&self) -> usize {
        self.slots.len()
    }

    /// `set.pop()`: the first full slot at or after the finger (wrapping), which then moves
    /// past it, as CPython's `set_pop` does.
    pub fn pop_first(&mut self) -> Option<Value> {
        if self.used == 0 {
            return None;
        }
        let n = self.slots.len();
        let start = self.finger & self.mask();
        let k = (0..n).map(|d| (start + d) % n).find(|&k| matches!(self.slots[k], Slot::Full(..)))?;
        self.finger = k + 1;
        self.remove_at(k)
    }
}

pub struct PySet {
    pub table: RefCell<SetTable>,
}

impl PySet {
    pub fn new(table: SetTable) -> PySet {
        PySet { table: RefCell::new(table) }
    }

    pub fn len(&self) -> usize {
        self.table.borrow().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
