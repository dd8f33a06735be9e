//! `property`, `classmethod`, `staticmethod` and `super`.

use crate::runtime::objects::{Args, NativeData, NativeFn, NativeObject};
use crate::runtime::value::Value;
use crate::vm::{PyResult, Vm};
use std::rc::Rc;

fn native(vm: &Vm, class: &Rc<crate::runtime::objects::PyClass>, data: NativeData) -> Value {
    let _ = vm;
    Value::Native(Rc::new(NativeObject::new(class.clone(), data)))
}

fn property_new(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let get = |i: usize, name: &str, args: &mut Args| args.take_kw(name).or_else(|| args.pos.get(i).cloned()).unwrap_or(Value::None);
    let fget = get(1, "fget", &mut args);
    let fset = get(2, "fset", &mut args);
    let fdel = get(3, "fdel", &mut args);
    let doc = get(4, "doc", &mut args);
    let cls = vm.interp.types.property.clone();
    Ok(native(vm, &cls, NativeData::Property { fget, fset, fdel, doc }))
}

/// `prop.setter(f)` and friends: a copy of the property with one accessor replaced.
fn with_accessor(vm: &mut Vm, args: &Args, which: usize) -> PyResult<Value> {
    let (Some(Value::Native(p)), Some(f)) = (args.pos.first(), args.pos.get(1)) else {
        return Err(vm.type_error("descriptor requires a 'property' object"));
    };
    let NativeData::Property { fget, fset, fdel, doc } = &p.data else { return Err(vm.type_error("not a property")) };
    let (mut g, mut s, mut d) = (fget.clone(), fset.clone(), fdel.clone());
    match which {
        0 => g = f.clone(),
        1 => s = f.clone(),
        _ => d = f.clone(),
    }
    Ok(native(vm, &p.class.clone(), NativeData::Property { fget: g, fset: s, fdel: d, doc: doc.clone() }))
}

fn getter(vm: &mut Vm, args: Args) -> PyResult<Value> {
    with_accessor(vm, &args, 0)
}

fn setter(vm: &mut Vm, args: Args) -> PyResult<Value> {
    with_accessor(vm, &args, 1)
}

fn deleter(vm: &mut Vm, args: Args) -> PyResult<Value> {
    with_accessor(vm, &args, 2)
}

fn property_get(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (Some(p), Some(obj)) = (args.pos.first(), args.pos.get(1)) else { return Err(vm.type_error("__get__ expects an object")) };
    if obj.is_none() {
        return Ok(p.clone());
    }
    let cls = vm.type_of(obj);
    vm.bind_descriptor(p.clone(), obj.clone(), &cls)
}

pub const PROPERTY_METHODS: &[(&str, NativeFn)] =
    &[("__new__", property_new), ("getter", getter), ("setter", setter), ("deleter", deleter), ("__get__", property_get)];

fn classmethod_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("classmethod", &args, 2, 2)?;
    let cls = vm.interp.types.classmethod.clone();
    Ok(native(vm, &cls, NativeData::ClassMethod(args.pos[1].clone())))
}

pub const CLASSMETHOD_METHODS: &[(&str, NativeFn)] = &[("__new__", classmethod_new)];

fn staticmethod_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("staticmethod", &args, 2, 2)?;
    let cls = vm.interp.types.staticmethod.clone();
    Ok(native(vm, &cls, NativeData::StaticMethod(args.pos[1].clone())))
}

pub const STATICMETHOD_METHODS: &[(&str, NativeFn)] = &[("__new__", staticmethod_new)];

/// `super(cls, obj)` (the compiler turns zero-argument `super()` into this form).
fn super_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (Some(Value::Class(start)), Some(obj)) = (args.pos.get(1), args.pos.get(2)) else {
        return Err(vm.runtime_error("super(): no arguments"));
    };
    let ok = match obj {
        Value::Class(c) if c.is_subclass(start) => true,
        other => vm.type_of(other).is_subclass(start),
    };
    if !ok {
        return Err(vm.type_error("super(type, obj): obj must be an instance or subtype of type"));
    }
    let cls = vm.interp.types.super_.clone();
    Ok(native(vm, &cls, NativeData::Super { start: start.clone(), obj: obj.clone() }))
}

pub const SUPER_METHODS: &[(&str, NativeFn)] = &[("__new__", super_new)];
