//! The iteration protocol: `iter()`, `next()`, and collecting an iterable into a vector, with
//! fast paths for builtin iterators (no StopIteration objects on their exhaustion).

use super::generator::GenStep;
use super::{ExcKind, PyResult, Vm};
use crate::runtime::objects::{native, Args, IterState, NativeData, NativeObject, ViewKind};
use crate::runtime::value::Value;
use std::cell::RefCell;
use std::rc::Rc;

impl Vm {
    pub fn new_iterator(&self, state: IterState) -> Value {
        let class = self.interp.types.iter_class(crate::runtime::types::IterKind::of(&state));
        let obj = NativeObject::new(class, NativeData::Iter(RefCell::new(state)));
        Value::Native(Rc::new(obj))
    }

    /// `iter(v)`.
    pub fn get_iter(&mut self, v: &Value) -> PyResult<Value> {
        let state = match v {
            Value::List(_) | Value::Tuple(_) | Value::Str(_) | Value::Bytes(_) | Value::ByteArray(_) => {
                IterState::Seq { seq: v.clone(), index: 0 }
            }
            Value::Range(r) => IterState::Range { next: r.start, stop: r.stop, step: r.step },
            Value::Dict(d) => IterState::Dict { dict: d.clone(), slot: 0, len: d.len(), kind: ViewKind::Keys },
            Value::Set(s) | Value::FrozenSet(s) => IterState::Set { set: s.clone(), slot: 0, len: s.len() },
            Value::Generator(_) => return Ok(v.clone()),
            Value::Native(n) => match &n.data {
                NativeData::Iter(_) => return Ok(v.clone()),
                NativeData::DictView(d, kind) => IterState::Dict { dict: d.clone(), slot: 0, len: d.len(), kind: *kind },
                _ => return self.iter_by_protocol(v),
            },
            _ => return self.iter_by_protocol(v),
        };
        Ok(self.new_iterator(state))
    }

    /// Whether `iter(v)` fails for want of any iteration protocol (not because `__iter__` raised):
    /// CPython then rewords the error of `*v` in displays and calls.
    pub fn lacks_iter_protocol(&self, v: &Value) -> bool {
        match v {
            Value::List(_) | Value::Tuple(_) | Value::Str(_) | Value::Bytes(_) | Value::ByteArray(_) => false,
            Value::Range(_) | Value::Dict(_) | Value::Set(_) | Value::FrozenSet(_) | Value::Generator(_) => false,
            Value::Native(n) if matches!(n.data, NativeData::Iter(_) | NativeData::DictView(..)) => false,
            Value::Instance(i) if i.base_value.borrow().is_some() => false,
            _ => {
                let cls = self.type_of(v);
                cls.lookup(&self.interp.names.__iter__).is_none() && cls.lookup(&self.interp.names.__getitem__).is_none()
            }
        }
    }

    fn iter_by_protocol(&mut self, v: &Value) -> PyResult<Value> {
        let cls = self.type_of(v);
        if let Some(f) = cls.lookup(&self.interp.names.__iter__) {
            if !f.is_none() {
                let bound = self.bind_descriptor(f, v.clone(), &cls)?;
                let it = self.call(&bound, Args::default())?;
                let itcls = self.type_of(&it);
                let is_iter = matches!(it, Value::Generator(_) | Value::Native(_)) || itcls.lookup(&self.interp.names.__next__).is_some();
                if !is_iter {
                    return Err(self.type_error(format!("iter() returned non-iterator of type '{}'", itcls.name().as_str())));
                }
                return Ok(it);
            }
        }
        if let Value::Instance(i) = v {
            // A subclass of a builtin iterates as its builtin base does (even when it overrides
            // `__getitem__`, as CPython's inherited `tp_iter`).
            let base = i.base_value.borrow().clone();
            if let Some(base) = base {
                return self.get_iter(&base);
            }
        }
        if cls.lookup(&self.interp.names.__getitem__).is_some() && cls.is_heap {
            // The old sequence protocol: v[0], v[1], ... until IndexError.
            let getitem = self.get_attr(v, &self.interp.names.__getitem__.clone())?;
            let counter = Value::Int(0);
            let seq = Value::tuple(vec![getitem, counter]);
            return Ok(self.new_iterator(IterState::Callable { func: seq, sentinel: Value::Ellipsis }));
        }
        Err(self.type_error(format!("'{}' object is not iterable", cls.name().as_str())))
    }

    /// `next(it)`: `Some(value)`, or `None` when exhausted.
    pub fn next(&mut self, it: &Value) -> PyResult<Option<Value>> {
        match it {
            Value::Native(n) => match &n.data {
                NativeData::Iter(state) => self.next_builtin(state),
                _ => self.next_by_protocol(it),
            },
            Value::Generator(g) => match self.resume_generator(g, Value::None, None)? {
                GenStep::Yielded(v) => Ok(Some(v)),
                GenStep::Returned(_) => Ok(None),
            },
            _ => self.next_by_protocol(it),
        }
    }

    fn next_by_protocol(&mut self, it: &Value) -> PyResult<Option<Value>> {
        let cls = self.type_of(it);
        let Some(f) = cls.lookup(&self.interp.names.__next__) else {
            return Err(self.type_error(format!("'{}' object is not an iterator", cls.name().as_str())));
        };
        let bound = self.bind_descriptor(f, it.clone(), &cls)?;
        match self.call(&bound, Args::default()) {
            Ok(v) => Ok(Some(v)),
            Err(e) if self.exc_matches(&e, ExcKind::StopIteration) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn next_builtin(&mut self, state: &RefCell<IterState>) -> PyResult<Option<Value>> {
        let mut st = state.borrow_mut();
        let r = match &mut *st {
            IterState::Seq { seq, index } => {
                let i = *index;
                *index += 1;
                seq_item(seq, i)
            }
            IterState::Range { next, stop, step } => {
                let v = *next;
                if (*step > 0 && v < *stop) || (*step < 0 && v > *stop) {
                    *next = v + *step;
                    Some(Value::Int(v))
                } else {
                    None
                }
            }
            IterState::Dict { dict, slot, len, kind } => {
                if dict.len() != *len {
                    *len = usize::MAX;
                    drop(st);
                    return Err(self.runtime_error("dictionary changed size during iteration"));
                }
                let map = dict.map.borrow();
                let mut out = None;
                while *slot < map.slots() {
                    let e = map.entry_at_slot(*slot);
                    *slot += 1;
                    if let Some(e) = e {
                        out = Some(match kind {
                            ViewKind::Keys => e.key.clone(),
                            ViewKind::Values => e.value.clone(),
                            ViewKind::Items => Value::tuple(vec![e.key.clone(), e.value.clone()]),
                        });
                        break;
                    }
                }
                out
            }
            IterState::Set { set, slot, len } => {
                if set.len() != *len {
                    drop(st);
                    return Err(self.runtime_error("Set changed size during iteration"));
                }
                let table = set.table.borrow();
                let mut out = None;
                while *slot < table.slots() {
                    let k = table.key_at(*slot).cloned();
                    *slot += 1;
                    if k.is_some() {
                        out = k;
                        break;
                    }
                }
                out
            }
            IterState::Reversed { seq, index } => {
                if *index < 0 {
                    None
                } else {
                    let i = *index as usize;
                    *index -= 1;
                    seq_item(seq, i)
                }
            }
            IterState::Values { items, index } => {
                let v = items.get(*index).cloned();
                *index += 1;
                v
            }
            IterState::Exhausted => None,
            _ => {
                drop(st);
                return self.next_composite(state);
            }
        };
        if r.is_none() {
            drop(st);
            native::exhaust(state);
        }
        Ok(r)
    }

    /// Iterators that call back into Python (enumerate, zip, map, filter...): the state is
    /// cloned out so no borrow is held while Python code runs.
    fn next_composite(&mut self, state: &RefCell<IterState>) -> PyResult<Option<Value>> {
        crate::runtime::builtins::iterators::next_composite(self, state)
    }

    /// Drains an iterable into a vector.
    pub fn collect(&mut self, v: &Value) -> PyResult<Vec<Value>> {
        match v {
            Value::List(l) => return Ok(l.snapshot()),
            Value::Tuple(t) => return Ok(t.items.to_vec()),
            Value::Range(r) => return Ok((0..r.len()).map(|i| Value::Int(r.get(i))).collect()),
            _ => {}
        }
        let it = self.get_iter(v)?;
        let mut out = Vec::new();
        while let Some(x) = self.next(&it)? {
            out.push(x);
        }
        Ok(out)
    }
}

/// Item `i` of a sequence being iterated, `None` past the end.
fn seq_item(seq: &Value, i: usize) -> Option<Value> {
    match seq {
        Value::List(l) => l.items.borrow().get(i).cloned(),
        Value::Tuple(t) => t.items.get(i).cloned(),
        Value::Str(s) => {
            if s.is_ascii() {
                s.as_str().as_bytes().get(i).map(|b| Value::str(&(*b as char).to_string()))
            } else if i < s.char_len() {
                Some(Value::from_string(s.char_at(i).to_string()))
            } else {
                None
            }
        }
        Value::Bytes(b) | Value::ByteArray(b) => b.data.borrow().get(i).map(|x| Value::Int(*x as i64)),
        _ => None,
    }
}
