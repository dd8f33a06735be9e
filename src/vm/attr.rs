//! Attribute access: `obj.name` for instances (data descriptors, instance dict, class
//! attributes, `__getattr__`), classes, modules and builtin values; assignment and deletion.

use super::{PyResult, Vm};
use crate::runtime::objects::{Args, NativeData, PyClass, PyStr};
use crate::runtime::value::Value;
use std::rc::Rc;

impl Vm {
    pub fn get_attr(&mut self, obj: &Value, name: &Rc<PyStr>) -> PyResult<Value> {
        match self.get_attr_opt(obj, name)? {
            Some(v) => Ok(v),
            None => Err(self.no_attribute(obj, name)),
        }
    }

    pub fn no_attribute(&self, obj: &Value, name: &PyStr) -> super::PyException {
        let msg = match obj {
            Value::Module(m) => format!("module '{}' has no attribute '{}'", m.name.as_str(), name.as_str()),
            Value::Class(c) => format!("type object '{}' has no attribute '{}'", c.name().as_str(), name.as_str()),
            _ => format!("'{}' object has no attribute '{}'", self.type_name(obj), name.as_str()),
        };
        let e = self.attribute_error(msg);
        e.value.dict.set_str(&self.intern("name"), Value::Str(Rc::new(PyStr::new(name.as_str()))));
        e.value.dict.set_str(&self.intern("obj"), obj.clone());
        e
    }

    /// `getattr(obj, name)` returning `None` when the attribute does not exist.
    pub fn get_attr_opt(&mut self, obj: &Value, name: &Rc<PyStr>) -> PyResult<Option<Value>> {
        match obj {
            Value::Instance(inst) => {
                let cls = inst.class.clone();
                if let Some(ga @ Value::Function(_)) = cls.lookup(&self.interp.names.__getattribute__) {
                    return self.user_getattribute(obj, &cls, ga, name).map(Some);
                }
                if let Some(v) = self.instance_attr(obj, name)? {
                    return Ok(Some(v));
                }
                if let Some(ga) = cls.lookup(&self.interp.names.__getattr__) {
                    let bound = self.bind_descriptor(ga, obj.clone(), &cls)?;
                    return self.call(&bound, Args::new([Value::Str(name.clone())])).map(Some);
                }
                Ok(None)
            }
            Value::Class(cls) => self.class_attr(cls, name),
            Value::Module(m) => match m.dict.get_str(name) {
                Some(v) => Ok(Some(v)),
                None => self.special_attr(obj, name),
            },
            Value::Native(n) => {
                if let NativeData::Super { start, obj: target } = &n.data {
                    return self.super_attr(start, target, name);
                }
                self.builtin_attr(obj, name)
            }
            _ => self.builtin_attr(obj, name),
        }
    }

    /// A class's own `__getattribute__`, with `__getattr__` as the fallback on AttributeError.
    fn user_getattribute(&mut self, obj: &Value, cls: &Rc<PyClass>, ga: Value, name: &Rc<PyStr>) -> PyResult<Value> {
        let bound = self.bind_descriptor(ga, obj.clone(), cls)?;
        match self.call(&bound, Args::new([Value::Str(name.clone())])) {
            Err(e) if self.exc_matches(&e, super::ExcKind::AttributeError) => match cls.lookup(&self.interp.names.__getattr__) {
                Some(fallback) => {
                    let bound = self.bind_descriptor(fallback, obj.clone(), cls)?;
                    self.call(&bound, Args::new([Value::Str(name.clone())]))
                }
                None => Err(e),
            },
            r => r,
        }
    }

    /// `object.__getattribute__(obj, name)`: data descriptors, the instance dict, then class
    /// attributes (no `__getattr__`); `None` when absent.
    pub fn generic_get_attr(&mut self, obj: &Value, name: &Rc<PyStr>) -> PyResult<Option<Value>> {
        match obj {
            Value::Instance(_) => self.instance_attr(obj, name),
            _ => self.get_attr_opt(obj, name),
        }
    }

    fn instance_attr(&mut self, obj: &Value, name: &Rc<PyStr>) -> PyResult<Option<Value>> {
        match obj {
            Value::Instance(inst) => {
                let cls = inst.class.clone();
                let class_attr = cls.lookup(name);
                if let Some(a) = &class_attr {
                    if is_data_descriptor(self, a) {
                        return self.bind_descriptor(a.clone(), obj.clone(), &cls).map(Some);
                    }
                }
                if let Some(v) = inst.dict.get_str(name) {
                    return Ok(Some(v));
                }
                if let Some(a) = class_attr {
                    return self.bind_descriptor(a, obj.clone(), &cls).map(Some);
                }
                self.special_attr(obj, name)
            }
            _ => Ok(None),
        }
    }

    /// Attributes of values of builtin types: their class's methods, bound to them.
    fn builtin_attr(&mut self, obj: &Value, name: &Rc<PyStr>) -> PyResult<Option<Value>> {
        let cls = self.type_of(obj);
        if let Some(a) = cls.lookup(name) {
            return self.bind_descriptor(a, obj.clone(), &cls).map(Some);
        }
        self.special_attr(obj, name)
    }

    /// `Class.name`: class attributes along the MRO; functions stay plain functions.
    fn class_attr(&mut self, cls: &Rc<PyClass>, name: &Rc<PyStr>) -> PyResult<Option<Value>> {
        if let Some(a) = cls.lookup(name) {
            return Ok(Some(match &a {
                Value::Native(n) => match &n.data {
                    NativeData::ClassMethod(f) => self.bound_method(f.clone(), Value::Class(cls.clone())),
                    NativeData::StaticMethod(f) => f.clone(),
                    _ => a.clone(),
                },
                Value::Instance(_) => return self.descriptor_get_on_class(a, cls).map(Some),
                _ => a.clone(),
            }));
        }
        let meta = self.type_of(&Value::Class(cls.clone()));
        if let Some(a) = meta.lookup(name) {
            return self.bind_descriptor(a, Value::Class(cls.clone()), &meta).map(Some);
        }
        self.special_attr(&Value::Class(cls.clone()), name)
    }

    /// `Class.attr` where attr's class defines `__get__`: `attr.__get__(None, Class)`.
    fn descriptor_get_on_class(&mut self, a: Value, cls: &Rc<PyClass>) -> PyResult<Value> {
        let acls = self.type_of(&a);
        match acls.lookup(&self.interp.names.__get__) {
            Some(get) => {
                let get = self.bind_descriptor(get, a, &acls)?;
                self.call(&get, Args::new([Value::None, Value::Class(cls.clone())]))
            }
            None => Ok(a),
        }
    }

    /// `super().name`: look `name` up in the MRO of `type(obj)` after `start`.
    fn super_attr(&mut self, start: &Rc<PyClass>, obj: &Value, name: &Rc<PyStr>) -> PyResult<Option<Value>> {
        // `super(C, cls)` in a classmethod searches `cls`'s MRO; `super(Meta, cls)` in a
        // metaclass method searches `type(cls)`'s.
        let (obj_cls, obj_is_type) = match obj {
            Value::Class(c) if c.is_subclass(start) => (c.clone(), true),
            other => (self.type_of(other), false),
        };
        let mro = obj_cls.full_mro();
        let pos = mro.iter().position(|c| Rc::ptr_eq(c, start)).map(|p| p + 1).unwrap_or(mro.len());
        for c in &mro[pos..] {
            let found = c.dict.borrow().get_str(name.hash(), name.as_str()).cloned();
            if let Some(a) = found {
                if obj_is_type {
                    return Ok(Some(match &a {
                        Value::Native(n) => match &n.data {
                            NativeData::ClassMethod(f) => self.bound_method(f.clone(), obj.clone()),
                            NativeData::StaticMethod(f) => f.clone(),
                            _ => a.clone(),
                        },
                        _ => a.clone(),
                    }));
                }
                return self.bind_descriptor(a, obj.clone(), &obj_cls).map(Some);
            }
        }
        Ok(None)
    }

    /// Attributes every object has that no dict holds (`__class__`, `__name__`, `__dict__`...).
    fn special_attr(&mut self, obj: &Value, name: &PyStr) -> PyResult<Option<Value>> {
        crate::runtime::methods::special::special_attr(self, obj, name)
    }

    /// For `obj.name(...)`: returns the unbound function when `name` is a plain method found on
    /// the class (so the call can pass `obj` without allocating a bound method).
    pub fn load_method(&mut self, obj: &Value, name: &Rc<PyStr>) -> PyResult<Option<Value>> {
        let cls = match obj {
            Value::Class(_) | Value::Module(_) => return Ok(None),
            Value::Native(n) if matches!(n.data, NativeData::Super { .. }) => return Ok(None),
            _ => self.type_of(obj),
        };
        let Some(a) = cls.lookup(name) else { return Ok(None) };
        if matches!(cls.lookup(&self.interp.names.__getattribute__), Some(Value::Function(_))) {
            return Ok(None);
        }
        let plain = matches!(&a, Value::Function(_)) || matches!(&a, Value::Builtin(b) if b.bound.is_none() && b.owner.is_some());
        if !plain {
            return Ok(None);
        }
        if let Value::Instance(inst) = obj {
            if inst.dict.get_str(name).is_some() {
                return Ok(None);
            }
        }
        Ok(Some(a))
    }

    pub fn set_attr(&mut self, obj: &Value, name: &Rc<PyStr>, value: Value) -> PyResult<()> {
        match obj {
            Value::Instance(inst) => {
                let cls = inst.class.clone();
                if let Some(a) = cls.lookup(name) {
                    if let Some(r) = self.set_via_descriptor(&a, obj, value.clone())? {
                        return Ok(r);
                    }
                }
                if let Some(sa) = cls.lookup(&self.interp.names.__setattr__) {
                    if !matches!(sa, Value::Builtin(_)) {
                        let bound = self.bind_descriptor(sa, obj.clone(), &cls)?;
                        self.call(&bound, Args::new([Value::Str(name.clone()), value]))?;
                        return Ok(());
                    }
                }
                if !cls.is_heap && inst.exc.is_none() {
                    return Err(self.no_attribute(obj, name));
                }
                inst.dict.set_str(name, value);
                Ok(())
            }
            Value::Class(cls) if cls.is_heap => {
                match (name.as_str(), &value) {
                    ("__name__", Value::Str(s)) => *cls.name.borrow_mut() = s.clone(),
                    ("__qualname__", Value::Str(s)) => *cls.qualname.borrow_mut() = s.clone(),
                    ("__module__", _) => *cls.module.borrow_mut() = value,
                    _ => cls.set_attr(name, value),
                }
                Ok(())
            }
            Value::Class(cls) => {
                Err(self.type_error(format!("cannot set '{}' attribute of immutable type '{}'", name.as_str(), cls.name().as_str())))
            }
            Value::Module(m) => {
                m.dict.set_str(name, value);
                Ok(())
            }
            Value::Function(f) => {
                match name.as_str() {
                    "__name__" => {
                        if let Value::Str(s) = &value {
                            *f.name.borrow_mut() = s.clone();
                        }
                    }
                    "__qualname__" => {
                        if let Value::Str(s) = &value {
                            *f.qualname.borrow_mut() = s.clone();
                        }
                    }
                    "__doc__" => *f.doc.borrow_mut() = value,
                    "__module__" => *f.module.borrow_mut() = value,
                    "__annotations__" => *f.annotations.borrow_mut() = Some(value),
                    _ => f.dict.set_str(name, value),
                }
                Ok(())
            }
            _ => {
                let tn = self.type_name(obj);
                let cls = self.type_of(obj);
                if cls.lookup(name).is_some() {
                    Err(self.attribute_error(format!("'{tn}' object attribute '{}' is read-only", name.as_str())))
                } else {
                    Err(self.attribute_error(format!("'{tn}' object has no attribute '{}'", name.as_str())))
                }
            }
        }
    }

    /// Assignment through a property or a user descriptor with `__set__`.
    fn set_via_descriptor(&mut self, a: &Value, obj: &Value, value: Value) -> PyResult<Option<()>> {
        match a {
            Value::Native(n) => {
                if let NativeData::Property { fset, fget, .. } = &n.data {
                    if fset.is_none() {
                        return Err(self.property_error(fget, obj, "setter"));
                    }
                    self.call(&fset.clone(), Args::new([obj.clone(), value]))?;
                    return Ok(Some(()));
                }
                Ok(None)
            }
            Value::Instance(_) => {
                let acls = self.type_of(a);
                match acls.lookup(&self.interp.names.__set__) {
                    Some(set) => {
                        let bound = self.bind_descriptor(set, a.clone(), &acls)?;
                        self.call(&bound, Args::new([obj.clone(), value]))?;
                        Ok(Some(()))
                    }
                    None => Ok(None),
                }
            }
            _ => Ok(None),
        }
    }

    /// `property 'x' of 'C' object has no setter` (CPython 3.11's wording).
    fn property_error(&self, fget: &Value, obj: &Value, what: &str) -> super::PyException {
        let tn = self.type_name(obj);
        let msg = match fget {
            Value::Function(f) => format!("property '{}' of '{tn}' object has no {what}", f.name.borrow().as_str()),
            _ => format!("property of '{tn}' object has no {what}"),
        };
        self.attribute_error(msg)
    }

    pub fn del_attr(&mut self, obj: &Value, name: &Rc<PyStr>) -> PyResult<()> {
        if let Value::Instance(inst) = obj {
            if let Some(da @ Value::Function(_)) = inst.class.lookup(&self.interp.names.__delattr__) {
                let bound = self.bind_descriptor(da, obj.clone(), &inst.class.clone())?;
                self.call(&bound, Args::new([Value::Str(name.clone())]))?;
                return Ok(());
            }
        }
        self.generic_del_attr(obj, name)
    }

    /// `object.__delattr__(obj, name)`: a property's deleter, a descriptor's `__delete__`, or
    /// removal from the instance dict.
    pub fn generic_del_attr(&mut self, obj: &Value, name: &Rc<PyStr>) -> PyResult<()> {
        let removed = match obj {
            Value::Instance(inst) => {
                match inst.class.lookup(name) {
                    Some(Value::Native(n)) => {
                        if let NativeData::Property { fdel, fget, .. } = &n.data {
                            if fdel.is_none() {
                                return Err(self.property_error(fget, obj, "deleter"));
                            }
                            self.call(&fdel.clone(), Args::new([obj.clone()]))?;
                            return Ok(());
                        }
                    }
                    Some(a @ Value::Instance(_)) => {
                        let acls = self.type_of(&a);
                        if let Some(del) = acls.lookup(&self.interp.names.__delete__) {
                            let bound = self.bind_descriptor(del, a, &acls)?;
                            self.call(&bound, Args::new([obj.clone()]))?;
                            return Ok(());
                        }
                        if acls.lookup(&self.interp.names.__set__).is_some() {
                            return Err(self.attribute_error("__delete__"));
                        }
                    }
                    _ => {}
                }
                let r = inst.dict.map.borrow_mut().remove_str(name.hash(), name.as_str());
                r.is_some()
            }
            Value::Class(cls) if cls.is_heap => {
                let r = cls.dict.borrow_mut().remove_str(name.hash(), name.as_str());
                cls.invalidate();
                r.is_some()
            }
            Value::Module(m) => m.dict.map.borrow_mut().remove_str(name.hash(), name.as_str()).is_some(),
            Value::Function(f) => f.dict.map.borrow_mut().remove_str(name.hash(), name.as_str()).is_some(),
            _ => false,
        };
        if removed {
            Ok(())
        } else {
            Err(self.no_attribute(obj, name))
        }
    }
}

/// A data descriptor (property, or a class with `__set__`/`__delete__`) wins over the
/// instance dict.
fn is_data_descriptor(vm: &Vm, a: &Value) -> bool {
    match a {
        Value::Native(n) => matches!(n.data, NativeData::Property { .. }),
        Value::Instance(i) => i.class.lookup(&vm.interp.names.__set__).is_some() || i.class.lookup(&vm.interp.names.__delete__).is_some(),
        _ => false,
    }
}
