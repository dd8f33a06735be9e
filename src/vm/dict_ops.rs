//! Hashing and the dict/set operations that may run Python code (`__hash__`, `__eq__`).
//! Equality that needs Python code runs without a borrow of the table held.

use super::{PyResult, Vm};
use crate::runtime::objects::dict::Probe;
use crate::runtime::objects::hash;
use crate::runtime::objects::set::SetProbe;
use crate::runtime::objects::{Args, DictMap, PyDict, PySet, SetTable};
use crate::runtime::value::Value;
use std::rc::Rc;

impl Vm {
    /// `hash(v)`, with CPython's values for numbers and tuples.
    pub fn hash(&mut self, v: &Value) -> PyResult<i64> {
        if let Some(h) = hash::hash_primitive(v) {
            return Ok(h);
        }
        Ok(match v {
            Value::None => 0x5f3759df,
            Value::Tuple(t) => {
                let mut hs = Vec::with_capacity(t.items.len());
                for item in t.items.iter() {
                    hs.push(self.hash(item)?);
                }
                hash::hash_tuple(hs.into_iter())
            }
            Value::Bytes(b) => {
                let s = String::from_utf8_lossy(&b.data.borrow()).into_owned();
                crate::runtime::objects::PyStr::from(s).hash()
            }
            Value::FrozenSet(s) => frozenset_hash(&s.table.borrow()),
            Value::List(_) | Value::Dict(_) | Value::Set(_) | Value::ByteArray(_) => {
                return Err(self.type_error(format!("unhashable type: '{}'", self.type_name(v))))
            }
            Value::Instance(inst) => {
                let cls = inst.class.clone();
                match cls.lookup(&self.interp.names.__hash__) {
                    Some(Value::None) => return Err(self.type_error(format!("unhashable type: '{}'", cls.name().as_str()))),
                    Some(f @ Value::Function(_)) => {
                        let bound = self.bind_descriptor(f, v.clone(), &cls)?;
                        match self.call(&bound, Args::default())? {
                            Value::Int(i) => {
                                if i == -1 {
                                    -2
                                } else {
                                    i
                                }
                            }
                            Value::BigInt(b) => hash::hash_bigint(&b),
                            _ => return Err(self.type_error("__hash__ method should return an integer")),
                        }
                    }
                    _ => {
                        if let Some(base) = inst.base_value.borrow().clone() {
                            if matches!(base, Value::List(_) | Value::Dict(_) | Value::Set(_) | Value::ByteArray(_)) {
                                return Err(self.type_error(format!("unhashable type: '{}'", cls.name().as_str())));
                            }
                            return self.hash(&base);
                        }
                        hash::hash_pointer(v.heap_ptr().unwrap_or(0))
                    }
                }
            }
            other => hash::hash_pointer(other.heap_ptr().unwrap_or(0)),
        })
    }

    /// Finds the entry index of `key` in `d`.
    fn dict_find(&mut self, d: &PyDict, key: &Value, hash: i64) -> PyResult<Option<usize>> {
        let probe = d.map.borrow().probe(hash, key);
        match probe {
            Probe::Found(i) => Ok(Some(i)),
            Probe::Absent => Ok(None),
            Probe::Undecided(cands) => {
                for i in cands {
                    let k = d.map.borrow().entry(i).map(|e| e.key.clone());
                    if let Some(k) = k {
                        if self.eq(&k, key)? {
                            return Ok(Some(i));
                        }
                    }
                }
                Ok(None)
            }
        }
    }

    pub fn dict_get(&mut self, d: &PyDict, key: &Value) -> PyResult<Option<Value>> {
        if let Value::Str(s) = key {
            return Ok(d.get_str(s));
        }
        let h = self.hash(key)?;
        Ok(self.dict_find(d, key, h)?.and_then(|i| d.map.borrow().entry(i).map(|e| e.value.clone())))
    }

    pub fn dict_set(&mut self, d: &PyDict, key: Value, value: Value) -> PyResult<()> {
        if let Value::Str(s) = &key {
            d.set_str(s, value);
            return Ok(());
        }
        let h = self.hash(&key)?;
        match self.dict_find(d, &key, h)? {
            Some(i) => d.map.borrow_mut().set_value_at(i, value),
            None => {
                d.map.borrow_mut().push_new(h, key, value);
            }
        }
        Ok(())
    }

    /// Removes `key`; returns its value, or `None` if absent.
    pub fn dict_remove(&mut self, d: &PyDict, key: &Value) -> PyResult<Option<Value>> {
        let h = self.hash(key)?;
        let Some(i) = self.dict_find(d, key, h)? else { return Ok(None) };
        let e = d.map.borrow_mut().remove_at(i);
        Ok(e.map(|e| e.value))
    }

    /// `d.update(m)` (or `{**m}`); with `strict`, a repeated key is an error (`f(**m)`).
    pub fn dict_update(&mut self, d: &PyDict, m: &Value, strict: bool) -> PyResult<()> {
        self.dict_update_impl(d, m, if strict { Some(&Value::None) } else { None })
    }

    /// `kw_func`: merging `**m` into the keywords of a call of that callable (None: unknown).
    fn dict_update_impl(&mut self, d: &PyDict, m: &Value, kw_func: Option<&Value>) -> PyResult<()> {
        let strict = kw_func.is_some();
        let prefix = match kw_func {
            Some(Value::None) | None => String::new(),
            Some(f) => format!("{} ", self.function_str(f)),
        };
        // A dict subclass that keeps dict's iteration merges as a dict (its `__getitem__` and
        // `keys` are not consulted, as in CPython).
        let as_dict = match m {
            Value::Instance(i) if !matches!(self.type_of(m).lookup(&self.interp.names.__iter__), Some(Value::Function(_))) => {
                match &*i.base_value.borrow() {
                    Some(Value::Dict(d)) => Some(d.clone()),
                    _ => None,
                }
            }
            _ => None,
        };
        let pairs: Vec<(Value, Value)> = match m {
            Value::Dict(src) => src.map.borrow().items(),
            _ if as_dict.is_some() => as_dict.expect("dict").map.borrow().items(),
            _ => {
                let keys_name = self.intern("keys");
                if self.get_attr_opt(m, &keys_name)?.is_none() {
                    let tn = self.type_name(m);
                    let msg = if strict {
                        format!("{prefix}argument after ** must be a mapping, not {tn}")
                    } else {
                        format!("'{tn}' object is not a mapping")
                    };
                    return Err(self.type_error(msg));
                }
                let keys = self.call_method(m, "keys", Args::default())?;
                let mut out = Vec::new();
                for k in self.collect(&keys)? {
                    let v = self.get_item(m, &k)?;
                    out.push((k, v));
                }
                out
            }
        };
        for (k, v) in pairs {
            if strict && self.dict_get(d, &k)?.is_some() {
                let name = k.as_str().unwrap_or("?").to_string();
                return Err(self.type_error(format!("{prefix}got multiple values for keyword argument '{name}'")));
            }
            self.dict_set(d, k, v)?;
        }
        Ok(())
    }

    /// `f(**m)`: merges `m` into the keyword dict, naming `func` in errors as CPython does.
    pub fn dict_merge_kwargs(&mut self, d: &PyDict, m: &Value, func: &Value) -> PyResult<()> {
        self.dict_update_impl(d, m, Some(func))
    }

    pub fn dict_copy(&self, d: &PyDict) -> PyDict {
        let mut map = DictMap::new();
        for e in d.map.borrow().iter() {
            map.push_new(e.hash, e.key.clone(), e.value.clone());
        }
        PyDict::from_map(map)
    }

    pub fn dict_eq(&mut self, a: &PyDict, b: &PyDict) -> PyResult<bool> {
        if a.len() != b.len() {
            return Ok(false);
        }
        for (k, v) in a.map.borrow().items() {
            match self.dict_get(b, &k)? {
                Some(w) => {
                    if !self.eq(&v, &w)? {
                        return Ok(false);
                    }
                }
                None => return Ok(false),
            }
        }
        Ok(true)
    }

    pub fn set_find(&mut self, s: &PySet, key: &Value, hash: i64) -> PyResult<Option<usize>> {
        let probe = s.table.borrow().probe(hash, key);
        match probe {
            SetProbe::Found(i) => Ok(Some(i)),
            SetProbe::Absent => Ok(None),
            SetProbe::Undecided(cands) => {
                for i in cands {
                    let k = s.table.borrow().key_at(i).cloned();
                    if let Some(k) = k {
                        if self.eq(&k, key)? {
                            return Ok(Some(i));
                        }
                    }
                }
                Ok(None)
            }
        }
    }

    pub fn set_add(&mut self, s: &PySet, key: Value) -> PyResult<()> {
        let h = self.hash(&key)?;
        self.set_add_hashed(s, key, h)
    }

    /// `set_add_entry` with the hash already known.
    pub fn set_add_hashed(&mut self, s: &PySet, key: Value, h: i64) -> PyResult<()> {
        if self.set_find(s, &key, h)?.is_none() {
            s.table.borrow_mut().insert_new(h, key);
        }
        Ok(())
    }

    pub fn set_contains(&mut self, s: &PySet, key: &Value) -> PyResult<bool> {
        let h = match self.hash(key) {
            Ok(h) => h,
            Err(e) => {
                if let Value::Set(inner) = key {
                    let fs = PySet::new(inner.table.borrow().clone());
                    return self.set_contains(s, &Value::FrozenSet(Rc::new(fs)));
                }
                return Err(e);
            }
        };
        Ok(self.set_find(s, key, h)?.is_some())
    }

    /// Removes `key`; returns whether it was present.
    pub fn set_remove(&mut self, s: &PySet, key: &Value) -> PyResult<bool> {
        let h = self.hash(key)?;
        match self.set_find(s, key, h)? {
            Some(i) => {
                s.table.borrow_mut().remove_at(i);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Adds to a set or frozenset under construction.
    pub fn set_add_value(&mut self, target: &Value, v: Value) -> PyResult<()> {
        match target {
            Value::Set(s) | Value::FrozenSet(s) => self.set_add(s, v),
            _ => Ok(()),
        }
    }

    pub fn new_set(&mut self, items: Vec<Value>) -> PyResult<Value> {
        let s = Rc::new(PySet::new(SetTable::new()));
        for v in items {
            self.set_add(&s, v)?;
        }
        Ok(Value::Set(s))
    }
}

/// CPython's `frozenset_hash`: order-independent, shuffled per element hash.
fn frozenset_hash(t: &SetTable) -> i64 {
    let mut h: u64 = 0;
    for (eh, _) in t.iter_hashed() {
        let x = eh as u64;
        h ^= ((x ^ 89869747) ^ (x << 16)).wrapping_mul(3644798167);
    }
    h ^= ((t.len() as u64).wrapping_add(1)).wrapping_mul(1927868237);
    h ^= (h >> 11) ^ (h >> 25);
    h = h.wrapping_mul(69069).wrapping_add(907133923);
    let h = h as i64;
    if h == -1 {
        590923713
    } else {
        h
    }
}
