//! `dict`: constructor and methods, and the dict views.

use crate::runtime::objects::{Args, NativeData, NativeFn, NativeObject, PyDict, ViewKind};
use crate::runtime::value::Value;
use crate::vm::{ExcKind, PyResult, Vm};
use std::rc::Rc;

/// The dict a method was called on (also for subclasses of dict).
pub fn this(vm: &Vm, args: &Args) -> PyResult<Rc<PyDict>> {
    match args.pos.first() {
        Some(Value::Dict(d)) => Ok(d.clone()),
        Some(Value::Instance(i)) => match &*i.base_value.borrow() {
            Some(Value::Dict(d)) => Ok(d.clone()),
            _ => Err(vm.type_error("descriptor requires a 'dict' object")),
        },
        _ => Err(vm.type_error("descriptor requires a 'dict' object")),
    }
}

fn dict_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let cls = args.pos[0].clone();
    let dict_cls = vm.interp.types.dict.clone();
    Ok(super::int::wrap_for_subclass(vm, &cls, &dict_cls, Value::Dict(Rc::new(PyDict::new()))))
}

/// `dict(mapping_or_pairs, **kw)` and `d.update(...)`.
fn fill(vm: &mut Vm, d: &PyDict, args: &Args, what: &str) -> PyResult<()> {
    if args.pos.len() > 2 {
        return Err(vm.type_error(format!("{what} expected at most 1 argument, got {}", args.pos.len() - 1)));
    }
    if let Some(src) = args.pos.get(1) {
        let is_mapping = matches!(src, Value::Dict(_)) || {
            let keys = vm.intern("keys");
            !matches!(src, Value::List(_) | Value::Tuple(_)) && vm.get_attr_opt(src, &keys)?.is_some()
        };
        if is_mapping {
            vm.dict_update(d, src, false)?;
        } else {
            for (i, item) in vm.collect(src)?.into_iter().enumerate() {
                let pair = vm
                    .collect(&item)
                    .map_err(|_| vm.type_error(format!("cannot convert dictionary update sequence element #{i} to a sequence")))?;
                if pair.len() != 2 {
                    return Err(vm.value_error(format!("dictionary update sequence element #{i} has length {}; 2 is required", pair.len())));
                }
                let mut it = pair.into_iter();
                let (k, v) = (it.next().expect("key"), it.next().expect("value"));
                vm.dict_set(d, k, v)?;
            }
        }
    }
    for (k, v) in &args.kw {
        d.set_str(k, v.clone());
    }
    Ok(())
}

fn dict_init(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = this(vm, &args)?;
    fill(vm, &d, &args, "dict")?;
    Ok(Value::None)
}

fn update(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = this(vm, &args)?;
    fill(vm, &d, &args, "update")?;
    Ok(Value::None)
}

fn get(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_method_args("get", &args, 1, 2)?;
    let d = this(vm, &args)?;
    Ok(vm.dict_get(&d, &args.pos[1])?.unwrap_or_else(|| args.pos.get(2).cloned().unwrap_or(Value::None)))
}

fn setdefault(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_method_args("setdefault", &args, 1, 2)?;
    let d = this(vm, &args)?;
    if let Some(v) = vm.dict_get(&d, &args.pos[1])? {
        return Ok(v);
    }
    let default = args.pos.get(2).cloned().unwrap_or(Value::None);
    vm.dict_set(&d, args.pos[1].clone(), default.clone())?;
    Ok(default)
}

fn pop(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_method_args("pop", &args, 1, 2)?;
    let d = this(vm, &args)?;
    match vm.dict_remove(&d, &args.pos[1])? {
        Some(v) => Ok(v),
        None => match args.pos.get(2) {
            Some(default) => Ok(default.clone()),
            None => Err(vm.key_error(args.pos[1].clone())),
        },
    }
}

fn popitem(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = this(vm, &args)?;
    let e = d.map.borrow_mut().pop_last();
    match e {
        Some(e) => Ok(Value::tuple(vec![e.key, e.value])),
        None => Err(vm.new_error(ExcKind::KeyError, "popitem(): dictionary is empty")),
    }
}

fn view(vm: &mut Vm, args: &Args, kind: ViewKind) -> PyResult<Value> {
    let d = this(vm, args)?;
    let t = &vm.interp.types;
    let cls = match kind {
        ViewKind::Keys => t.dict_keys.clone(),
        ViewKind::Values => t.dict_values.clone(),
        ViewKind::Items => t.dict_items.clone(),
    };
    Ok(Value::Native(Rc::new(NativeObject::new(cls, NativeData::DictView(d, kind)))))
}

fn keys(vm: &mut Vm, args: Args) -> PyResult<Value> {
    view(vm, &args, ViewKind::Keys)
}

fn values(vm: &mut Vm, args: Args) -> PyResult<Value> {
    view(vm, &args, ViewKind::Values)
}

fn items(vm: &mut Vm, args: Args) -> PyResult<Value> {
    view(vm, &args, ViewKind::Items)
}

fn clear(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = this(vm, &args)?;
    d.map.borrow_mut().clear();
    Ok(Value::None)
}

fn copy(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = this(vm, &args)?;
    Ok(Value::Dict(Rc::new(vm.dict_copy(&d))))
}

fn fromkeys(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_method_args("fromkeys", &args, 1, 2)?;
    let d = Rc::new(PyDict::new());
    let value = args.pos.get(2).cloned().unwrap_or(Value::None);
    for k in vm.collect(&args.pos[1])? {
        vm.dict_set(&d, k, value.clone())?;
    }
    Ok(Value::Dict(d))
}

fn len(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Int(this(vm, &args)?.len() as i64))
}

fn contains(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = this(vm, &args)?;
    Ok(Value::Bool(vm.dict_get(&d, &args.pos[1])?.is_some()))
}

fn getitem(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = this(vm, &args)?;
    match vm.dict_get(&d, &args.pos[1])? {
        Some(v) => Ok(v),
        None => Err(vm.key_error(args.pos[1].clone())),
    }
}

fn setitem(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = this(vm, &args)?;
    vm.dict_set(&d, args.pos[1].clone(), args.pos[2].clone())?;
    Ok(Value::None)
}

fn delitem(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let d = this(vm, &args)?;
    match vm.dict_remove(&d, &args.pos[1])? {
        Some(_) => Ok(Value::None),
        None => Err(vm.key_error(args.pos[1].clone())),
    }
}

pub const METHODS: &[(&str, NativeFn)] = &[
    ("__new__", dict_new),
    ("__init__", dict_init),
    ("__len__", len),
    ("__contains__", contains),
    ("__getitem__", getitem),
    ("__setitem__", setitem),
    ("__delitem__", delitem),
    ("get", get),
    ("setdefault", setdefault),
    ("pop", pop),
    ("popitem", popitem),
    ("keys", keys),
    ("values", values),
    ("items", items),
    ("update", update),
    ("clear", clear),
    ("copy", copy),
];

/// `dict.fromkeys` is a classmethod; installed separately.
pub const CLASS_METHODS: &[(&str, NativeFn)] = &[("fromkeys", fromkeys)];
