//! `object`, `type` and `BaseException`: the roots of the class hierarchy.

use crate::runtime::objects::{Args, NativeFn, PyDict, PyInstance, PyStr};
use crate::runtime::value::Value;
use crate::vm::{ExcKind, PyResult, Vm};
use std::rc::Rc;

/// `object.__new__(cls)`: a plain instance (the VM short-cuts this for speed).
pub fn object_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    match args.pos.first() {
        Some(Value::Class(c)) => Ok(Value::Instance(Rc::new(PyInstance::new(c.clone())))),
        _ => Err(vm.type_error("object.__new__(X): X is not a type object")),
    }
}

/// `object.__init__(self)`: does nothing.
pub fn object_init(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::None)
}

fn object_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let v = args.pos.first().cloned().unwrap_or(Value::None);
    let cls = vm.type_of(&v);
    Ok(Value::from_string(crate::vm::repr::default_repr(&cls, &v)))
}

fn object_str(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let v = args.pos.first().cloned().unwrap_or(Value::None);
    Ok(Value::Str(vm.repr(&v)?))
}

fn object_eq(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    match (args.pos.first(), args.pos.get(1)) {
        (Some(a), Some(b)) if a.is(b) => Ok(Value::Bool(true)),
        _ => Ok(Value::NotImplemented),
    }
}

fn object_ne(vm: &mut Vm, args: Args) -> PyResult<Value> {
    match (args.pos.first(), args.pos.get(1)) {
        (Some(a), Some(b)) => {
            let r = vm.compare(a, b, crate::ast::CmpOp::Eq)?;
            Ok(Value::Bool(!vm.is_true(&r)?))
        }
        _ => Ok(Value::NotImplemented),
    }
}

/// `object.__lt__` and friends: ordering is not defined for plain objects.
fn object_not_implemented(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::NotImplemented)
}

fn object_hash(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    let v = args.pos.first().cloned().unwrap_or(Value::None);
    Ok(Value::Int(crate::runtime::objects::hash::hash_pointer(v.heap_ptr().unwrap_or(0))))
}

fn object_setattr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("__setattr__", &args, 3, 3)?;
    let (obj, name, value) = (&args.pos[0], &args.pos[1], args.pos[2].clone());
    let Value::Str(name) = name else { return Err(vm.type_error("attribute name must be string")) };
    match obj {
        Value::Instance(i) => {
            i.dict.set_str(name, value);
            Ok(Value::None)
        }
        other => {
            vm.set_attr(other, name, value)?;
            Ok(Value::None)
        }
    }
}

fn object_delattr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("__delattr__", &args, 2, 2)?;
    let Value::Str(name) = &args.pos[1] else { return Err(vm.type_error("attribute name must be string")) };
    vm.generic_del_attr(&args.pos[0], name)?;
    Ok(Value::None)
}

fn object_getattribute(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("__getattribute__", &args, 2, 2)?;
    let Value::Str(name) = &args.pos[1] else { return Err(vm.type_error("attribute name must be string")) };
    match vm.generic_get_attr(&args.pos[0], name)? {
        Some(v) => Ok(v),
        None => Err(vm.no_attribute(&args.pos[0], name)),
    }
}

fn object_init_subclass(vm: &mut Vm, args: Args) -> PyResult<Value> {
    if !args.kw.is_empty() {
        let name = match args.pos.first() {
            Some(Value::Class(c)) => c.name().as_str().to_string(),
            _ => "object".to_string(),
        };
        return Err(vm.type_error(format!("{name}.__init_subclass__() takes no keyword arguments")));
    }
    Ok(Value::None)
}

pub const METHODS: &[(&str, NativeFn)] = &[
    ("__new__", object_new),
    ("__init__", object_init),
    ("__repr__", object_repr),
    ("__str__", object_str),
    ("__eq__", object_eq),
    ("__ne__", object_ne),
    ("__lt__", object_not_implemented),
    ("__le__", object_not_implemented),
    ("__gt__", object_not_implemented),
    ("__ge__", object_not_implemented),
    ("__hash__", object_hash),
    ("__setattr__", object_setattr),
    ("__getattribute__", object_getattribute),
    ("__delattr__", object_delattr),
    ("__init_subclass__", object_init_subclass),
];

/// `type(x)` or `type(name, bases, dict)`.
fn type_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let pos = &args.pos;
    match pos.len() {
        2 => Ok(Value::Class(vm.type_of(&pos[1]))),
        4 => {
            let Value::Str(name) = &pos[1] else { return Err(vm.type_error("type.__new__() argument 1 must be str")) };
            let bases = vm.collect(&pos[2])?;
            // The most derived metaclass of the bases wins; if it has its own `__new__`, it
            // creates the class (`type("D", (Base,), {})` where `Base` has a metaclass).
            let explicit = pos[0].clone();
            let winner = vm.winner_metaclass(Some(explicit.clone()), &bases)?;
            if let (Value::Class(w), Value::Class(e)) = (&winner, &explicit) {
                if !Rc::ptr_eq(w, e) && !matches!(w.lookup(&vm.interp.names.__new__), Some(Value::Builtin(_))) {
                    let mut margs = Args::new([pos[1].clone(), Value::tuple(bases), pos[3].clone()]);
                    margs.kw = args.kw;
                    return vm.call(&winner, margs);
                }
            }
            let meta = match &winner {
                Value::Class(c) if !Rc::ptr_eq(c, &vm.interp.types.type_) => Some(c.clone()),
                _ => None,
            };
            let Value::Dict(ns) = &pos[3] else { return Err(vm.type_error("type.__new__() argument 3 must be dict")) };
            let ns: Rc<PyDict> = ns.clone();
            let cls = vm.new_class(name, bases, &ns, meta)?;
            // Without `__module__` in the namespace, the class belongs to the calling module.
            if ns.get_str(&vm.interp.names.__module__).is_none() {
                let module = vm.current_globals().get_str(&vm.interp.names.__name__).unwrap_or(Value::None);
                *cls.module.borrow_mut() = module;
            }
            vm.init_subclass(&cls, args.kw)?;
            Ok(Value::Class(cls))
        }
        _ => Err(vm.type_error("type() takes 1 or 3 arguments")),
    }
}

fn type_init(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::None)
}

fn type_mro(vm: &mut Vm, args: Args) -> PyResult<Value> {
    match args.pos.first() {
        Some(Value::Class(c)) => Ok(Value::list(c.full_mro().into_iter().map(Value::Class).collect())),
        _ => Err(vm.type_error("descriptor 'mro' requires a 'type' object")),
    }
}

fn type_subclasscheck(vm: &mut Vm, args: Args) -> PyResult<Value> {
    match (args.pos.first(), args.pos.get(1)) {
        (Some(Value::Class(a)), Some(Value::Class(b))) => Ok(Value::Bool(b.is_subclass(a))),
        _ => Err(vm.type_error("issubclass() arg 1 must be a class")),
    }
}

/// `type.__call__(cls, *args)`: creates an instance (what `super().__call__` reaches from a
/// metaclass's `__call__`).
fn type_call(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    match args.pos.first().cloned() {
        Some(Value::Class(c)) => {
            args.pos.remove(0);
            vm.instantiate(&c, args)
        }
        _ => Err(vm.type_error("descriptor '__call__' requires a 'type' object")),
    }
}

pub const TYPE_METHODS: &[(&str, NativeFn)] = &[
    ("__new__", type_new),
    ("__init__", type_init),
    ("__call__", type_call),
    ("mro", type_mro),
    ("__subclasscheck__", type_subclasscheck),
];

fn exception_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut pos = args.pos.into_iter();
    let Some(Value::Class(cls)) = pos.next() else { return Err(vm.type_error("BaseException.__new__(X): X is not a type object")) };
    let rest: Vec<Value> = pos.collect();
    let cls = vm.os_error_class(cls, &rest);
    let is_os = cls.is_subclass(&vm.exc_class(ExcKind::OSError));
    let e = vm.new_exception(cls, Vec::new());
    if is_os {
        vm.os_error_init(&e.value, rest);
    } else if let Some(st) = &e.value.exc {
        st.borrow_mut().args = rest;
    }
    Ok(Value::Instance(e.value))
}

fn exception_init(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut pos = args.pos.into_iter();
    let Some(Value::Instance(i)) = pos.next() else { return Ok(Value::None) };
    if i.exc.is_none() {
        return Ok(Value::None);
    }
    exception_keywords(vm, &i, args.kw)?;
    if i.class.is_subclass(&vm.exc_class(ExcKind::OSError)) {
        vm.os_error_init(&i, pos.collect());
    } else if let Some(st) = &i.exc {
        st.borrow_mut().args = pos.collect();
    }
    Ok(Value::None)
}

/// Keyword arguments of `BaseException.__init__`: only AttributeError's `name` / `obj` and
/// NameError's `name` exist; any other is CPython's TypeError.
fn exception_keywords(vm: &mut Vm, inst: &PyInstance, kw: Vec<(Rc<PyStr>, Value)>) -> PyResult<()> {
    if kw.is_empty() {
        return Ok(());
    }
    let (owner, allowed): (&str, &[&str]) = if inst.class.is_subclass(&vm.exc_class(ExcKind::AttributeError)) {
        ("AttributeError", &["name", "obj"])
    } else if inst.class.is_subclass(&vm.exc_class(ExcKind::NameError)) {
        ("NameError", &["name"])
    } else {
        return Err(vm.type_error(format!("{}() takes no keyword arguments", inst.class.name().as_str())));
    };
    for (k, v) in kw {
        if !allowed.contains(&k.as_str()) {
            return Err(vm.type_error(format!("'{}' is an invalid keyword argument for {owner}()", k.as_str())));
        }
        inst.dict.set_str(&k, v);
    }
    Ok(())
}

fn exception_with_traceback(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(args.pos.first().cloned().unwrap_or(Value::None))
}

pub const EXCEPTION_METHODS: &[(&str, NativeFn)] =
    &[("__new__", exception_new), ("__init__", exception_init), ("with_traceback", exception_with_traceback)];
