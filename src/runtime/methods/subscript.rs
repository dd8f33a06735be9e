//! `obj[index]`, `obj[index] = v`, `del obj[index]` for builtin containers (ints and slices)
//! and for classes defining `__getitem__`/`__setitem__`/`__delitem__`.

use crate::runtime::objects::{Args, PyBytes, PySlice, SliceIndices};
use crate::runtime::value::Value;
use crate::vm::{ExcKind, PyResult, Vm};
use std::rc::Rc;

/// Resolves a slice object against a sequence length.
pub fn slice_indices(vm: &mut Vm, s: &PySlice, len: usize) -> PyResult<SliceIndices> {
    let bound = |vm: &mut Vm, v: &Value| -> PyResult<Option<i64>> {
        match v {
            Value::None => Ok(None),
            Value::BigInt(b) => Ok(Some(if b.sign() == num_bigint::Sign::Minus { i64::MIN / 2 } else { i64::MAX / 2 })),
            other => vm
                .to_index(other)
                .map(Some)
                .map_err(|_| vm.type_error("slice indices must be integers or None or have an __index__ method")),
        }
    };
    let step = bound(vm, &s.step)?.unwrap_or(1);
    if step == 0 {
        return Err(vm.value_error("slice step cannot be zero"));
    }
    let start = bound(vm, &s.start)?;
    let stop = bound(vm, &s.stop)?;
    Ok(SliceIndices::new(start, stop, step, len as i64))
}

/// Normalises a possibly negative index; `None` if out of range.
fn norm(i: i64, len: usize) -> Option<usize> {
    let i = if i < 0 { i + len as i64 } else { i };
    (i >= 0 && (i as usize) < len).then_some(i as usize)
}

fn index_of(vm: &mut Vm, index: &Value, what: &str) -> PyResult<i64> {
    match index {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        Value::BigInt(_) => Err(vm.new_error(ExcKind::IndexError, "cannot fit 'int' into an index-sized integer")),
        Value::Instance(_) => {
            vm.to_index(index).map_err(|_| vm.type_error(format!("{what} indices must be integers or slices, not {}", vm.type_name(index))))
        }
        _ => Err(vm.type_error(format!("{what} indices must be integers or slices, not {}", vm.type_name(index)))),
    }
}

pub fn get_item(vm: &mut Vm, container: &Value, index: &Value) -> PyResult<Value> {
    match container {
        Value::List(l) => {
            if let Value::Slice(s) = index {
                let items = l.items.borrow();
                let len = items.len();
                drop(items);
                let ix = slice_indices(vm, s, len)?;
                let items = l.items.borrow();
                return Ok(Value::list(ix.iter().map(|i| items[i].clone()).collect()));
            }
            let i = index_of(vm, index, "list")?;
            let items = l.items.borrow();
            match norm(i, items.len()) {
                Some(i) => Ok(items[i].clone()),
                None => Err(vm.index_error("list index out of range")),
            }
        }
        Value::Tuple(t) => {
            if let Value::Slice(s) = index {
                let ix = slice_indices(vm, s, t.items.len())?;
                return Ok(Value::tuple(ix.iter().map(|i| t.items[i].clone()).collect()));
            }
            let i = index_of(vm, index, "tuple")?;
            match norm(i, t.items.len()) {
                Some(i) => Ok(t.items[i].clone()),
                None => Err(vm.index_error("tuple index out of range")),
            }
        }
        Value::Str(s) => {
            if let Value::Slice(sl) = index {
                let ix = slice_indices(vm, sl, s.char_len())?;
                if ix.step == 1 {
                    let end = (ix.start + ix.len) as usize;
                    return Ok(Value::str(s.char_slice(ix.start as usize, end)));
                }
                let chars: Vec<char> = s.as_str().chars().collect();
                return Ok(Value::from_string(ix.iter().map(|i| chars[i]).collect()));
            }
            let i = match index {
                Value::Int(_) | Value::Bool(_) | Value::Instance(_) => index_of(vm, index, "string")?,
                _ => return Err(vm.type_error(format!("string indices must be integers, not '{}'", vm.type_name(index)))),
            };
            match norm(i, s.char_len()) {
                Some(i) => Ok(Value::from_string(s.char_at(i).to_string())),
                None => Err(vm.index_error("string index out of range")),
            }
        }
        Value::Bytes(b) | Value::ByteArray(b) => {
            let data = b.data.borrow().clone();
            if let Value::Slice(s) = index {
                let ix = slice_indices(vm, s, data.len())?;
                let out: Vec<u8> = ix.iter().map(|i| data[i]).collect();
                let nb = Rc::new(PyBytes::new(out));
                return Ok(if matches!(container, Value::Bytes(_)) { Value::Bytes(nb) } else { Value::ByteArray(nb) });
            }
            let i = index_of(vm, index, if matches!(container, Value::Bytes(_)) { "byte" } else { "bytearray" })?;
            match norm(i, data.len()) {
                Some(i) => Ok(Value::Int(data[i] as i64)),
                None => Err(vm.index_error(if matches!(container, Value::Bytes(_)) {
                    "index out of range"
                } else {
                    "bytearray index out of range"
                })),
            }
        }
        Value::Range(r) => {
            if let Value::Slice(s) = index {
                let ix = slice_indices(vm, s, r.len() as usize)?;
                let start = r.start + ix.start * r.step;
                let step = r.step * ix.step;
                let stop = r.start + ix.stop * r.step;
                return Ok(Value::Range(Rc::new(crate::runtime::objects::PyRange { start, stop, step })));
            }
            let i = index_of(vm, index, "range")?;
            match norm(i, r.len() as usize) {
                Some(i) => Ok(Value::Int(r.get(i as i64))),
                None => Err(vm.index_error("range object index out of range")),
            }
        }
        Value::Dict(d) => match vm.dict_get(d, index)? {
            Some(v) => Ok(v),
            None => Err(vm.key_error(index.clone())),
        },
        Value::Instance(inst) => {
            let cls = inst.class.clone();
            if let Some(f) = cls.lookup(&vm.interp.names.__getitem__) {
                if matches!(f, Value::Function(_)) || inst.base_value.borrow().is_none() {
                    let bound = vm.bind_descriptor(f, container.clone(), &cls)?;
                    return vm.call(&bound, Args::new([index.clone()]));
                }
            }
            if let Some(base) = inst.base_value.borrow().clone() {
                if let Value::Dict(d) = &base {
                    if let Some(v) = vm.dict_get(d, index)? {
                        return Ok(v);
                    }
                    let missing = vm.interp.names.__missing__.clone();
                    if let Some(r) = vm.call_method_opt(container, &missing, Args::new([index.clone()]))? {
                        return Ok(r);
                    }
                    return Err(vm.key_error(index.clone()));
                }
                return get_item(vm, &base, index);
            }
            Err(not_subscriptable(vm, container))
        }
        Value::Class(c) => {
            let key = vm.intern("__class_getitem__");
            if let Some(f) = c.lookup(&key) {
                let f = match &f {
                    Value::Native(n) => match &n.data {
                        crate::runtime::objects::NativeData::ClassMethod(inner) => vm.bound_method(inner.clone(), container.clone()),
                        _ => f.clone(),
                    },
                    _ => f.clone(),
                };
                return vm.call(&f, Args::new([index.clone()]));
            }
            if !c.is_heap {
                // `list[int]` in annotations: a generic alias prints as the class here.
                return Ok(container.clone());
            }
            Err(vm.type_error(format!("type '{}' is not subscriptable", c.name().as_str())))
        }
        _ => {
            let cls = vm.type_of(container);
            if let Some(f) = cls.lookup(&vm.interp.names.__getitem__) {
                let bound = vm.bind_descriptor(f, container.clone(), &cls)?;
                return vm.call(&bound, Args::new([index.clone()]));
            }
            Err(not_subscriptable(vm, container))
        }
    }
}

fn not_subscriptable(vm: &Vm, v: &Value) -> crate::vm::PyException {
    vm.type_error(format!("'{}' object is not subscriptable", vm.type_name(v)))
}

pub fn set_item(vm: &mut Vm, container: &Value, index: Value, value: Value) -> PyResult<()> {
    match container {
        Value::List(l) => {
            if let Value::Slice(s) = &index {
                let new = vm.collect(&value)?;
                let len = l.len();
                let ix = slice_indices(vm, s, len)?;
                let mut items = l.items.borrow_mut();
                if ix.step == 1 {
                    let start = ix.start.clamp(0, len as i64) as usize;
                    let end = (start + ix.len as usize).max(start);
                    items.splice(start..end, new);
                    return Ok(());
                }
                if new.len() as i64 != ix.len {
                    drop(items);
                    return Err(vm.value_error(format!(
                        "attempt to assign sequence of size {} to extended slice of size {}",
                        new.len(),
                        ix.len
                    )));
                }
                for (i, v) in ix.iter().zip(new) {
                    items[i] = v;
                }
                return Ok(());
            }
            let i = index_of(vm, &index, "list")?;
            let mut items = l.items.borrow_mut();
            match norm(i, items.len()) {
                Some(i) => {
                    items[i] = value;
                    Ok(())
                }
                None => {
                    drop(items);
                    Err(vm.index_error("list assignment index out of range"))
                }
            }
        }
        Value::Dict(d) => vm.dict_set(d, index, value),
        Value::ByteArray(b) => super::bytes::bytearray_set_item(vm, b, index, value),
        Value::Instance(inst) => {
            let cls = inst.class.clone();
            if let Some(f) = cls.lookup(&vm.interp.names.__setitem__) {
                if matches!(f, Value::Function(_)) || inst.base_value.borrow().is_none() {
                    let bound = vm.bind_descriptor(f, container.clone(), &cls)?;
                    vm.call(&bound, Args::new([index, value]))?;
                    return Ok(());
                }
            }
            if let Some(base) = inst.base_value.borrow().clone() {
                return set_item(vm, &base, index, value);
            }
            Err(vm.type_error(format!("'{}' object does not support item assignment", vm.type_name(container))))
        }
        _ => Err(vm.type_error(format!("'{}' object does not support item assignment", vm.type_name(container)))),
    }
}

pub fn del_item(vm: &mut Vm, container: &Value, index: &Value) -> PyResult<()> {
    match container {
        Value::List(l) => {
            if let Value::Slice(s) = index {
                let len = l.len();
                let ix = slice_indices(vm, s, len)?;
                let drop_set: std::collections::HashSet<usize> = ix.iter().collect();
                let mut items = l.items.borrow_mut();
                let kept: Vec<Value> = items.drain(..).enumerate().filter(|(i, _)| !drop_set.contains(i)).map(|(_, v)| v).collect();
                *items = kept;
                return Ok(());
            }
            let i = index_of(vm, index, "list")?;
            let mut items = l.items.borrow_mut();
            match norm(i, items.len()) {
                Some(i) => {
                    items.remove(i);
                    Ok(())
                }
                None => {
                    drop(items);
                    Err(vm.index_error("list assignment index out of range"))
                }
            }
        }
        Value::ByteArray(b) => super::bytes::bytearray_del_item(vm, b, index),
        Value::Dict(d) => match vm.dict_remove(d, index)? {
            Some(_) => Ok(()),
            None => Err(vm.key_error(index.clone())),
        },
        Value::Instance(inst) => {
            let cls = inst.class.clone();
            if let Some(f) = cls.lookup(&vm.interp.names.__delitem__) {
                if matches!(f, Value::Function(_)) || inst.base_value.borrow().is_none() {
                    let bound = vm.bind_descriptor(f, container.clone(), &cls)?;
                    vm.call(&bound, Args::new([index.clone()]))?;
                    return Ok(());
                }
            }
            if let Some(base) = inst.base_value.borrow().clone() {
                return del_item(vm, &base, index);
            }
            Err(vm.type_error(format!("'{}' object does not support item deletion", vm.type_name(container))))
        }
        _ => Err(vm.type_error(format!("'{}' object doesn't support item deletion", vm.type_name(container)))),
    }
}
