//! The builtin functions that are not about iteration or numbers: `print`, `len`, `repr`,
//! `isinstance`, `getattr` and friends, `sorted`, `min`/`max`, `__build_class__`.

use crate::runtime::methods::list::{greater_than, less_than, reject_kw, sort_values};
use crate::runtime::objects::{Args, NativeFn, PyClass, PyStr};
use crate::runtime::value::Value;
use crate::vm::{ExcKind, PyResult, Vm};
use std::rc::Rc;

fn print(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let sep = args.take_kw("sep");
    let end = args.take_kw("end");
    let file = args.take_kw("file");
    let flush = args.take_kw("flush");
    if let Some((k, _)) = args.kw.first() {
        return Err(vm.type_error(format!("'{}' is an invalid keyword argument for print()", k.as_str())));
    }
    let text_of = |vm: &mut Vm, v: Option<Value>, default: &str, what: &str| -> PyResult<String> {
        match v {
            None | Some(Value::None) => Ok(default.to_string()),
            Some(Value::Str(s)) => Ok(s.as_str().to_string()),
            Some(other) => Err(vm.type_error(format!("{what} must be None or a string, not {}", vm.type_name(&other)))),
        }
    };
    let sep = text_of(vm, sep, " ", "sep")?;
    let end = text_of(vm, end, "\n", "end")?;
    let mut out = String::new();
    for (i, v) in args.pos.iter().enumerate() {
        if i > 0 {
            out.push_str(&sep);
        }
        out.push_str(vm.str(v)?.as_str());
    }
    out.push_str(&end);
    match file {
        None | Some(Value::None) => vm.write_stdout(&out)?,
        Some(f) => {
            vm.call_method(&f, "write", Args::new([Value::from_string(out)]))?;
        }
    }
    if let Some(f) = flush {
        if vm.is_true(&f)? {
            vm.flush_stdout();
        }
    }
    Ok(Value::None)
}

/// `len(v)`.
pub fn len_of(vm: &mut Vm, v: &Value) -> PyResult<usize> {
    Ok(match v {
        Value::Str(s) => s.char_len(),
        Value::List(l) => l.len(),
        Value::Tuple(t) => t.items.len(),
        Value::Dict(d) => d.len(),
        Value::Set(s) | Value::FrozenSet(s) => s.len(),
        Value::Bytes(b) | Value::ByteArray(b) => b.data.borrow().len(),
        Value::Range(r) => r.len() as usize,
        Value::Native(n) => match &n.data {
            crate::runtime::objects::NativeData::DictView(d, _) => d.len(),
            _ => return len_by_protocol(vm, v),
        },
        _ => return len_by_protocol(vm, v),
    })
}

fn len_by_protocol(vm: &mut Vm, v: &Value) -> PyResult<usize> {
    let key = vm.interp.names.__len__.clone();
    match vm.call_method_opt(v, &key, Args::default())? {
        Some(r) => vm.len_result(r),
        None => Err(vm.type_error(format!("object of type '{}' has no len()", vm.type_name(v)))),
    }
}

fn len(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("len", &args, 1, 1)?;
    Ok(Value::Int(len_of(vm, &args.pos[0])? as i64))
}

fn repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("repr", &args, 1, 1)?;
    Ok(Value::Str(vm.repr(&args.pos[0])?))
}

fn ascii(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("ascii", &args, 1, 1)?;
    Ok(Value::from_string(vm.ascii(&args.pos[0])?))
}

/// `isinstance(obj, cls)` for one class.
pub fn is_instance(vm: &mut Vm, obj: &Value, cls: &Rc<PyClass>) -> bool {
    vm.type_of(obj).is_subclass(cls)
}

fn class_or_tuple_check(vm: &mut Vm, spec: &Value, test: &mut dyn FnMut(&mut Vm, &Rc<PyClass>) -> bool, fname: &str) -> PyResult<bool> {
    match spec {
        Value::Class(c) => Ok(test(vm, c)),
        Value::Tuple(t) => {
            for item in t.items.iter() {
                if class_or_tuple_check(vm, item, test, fname)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        _ => Err(vm.type_error(format!("{fname}() arg 2 must be a type, a tuple of types, or a union"))),
    }
}

fn isinstance(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("isinstance", &args, 2, 2)?;
    let obj = args.pos[0].clone();
    let r = class_or_tuple_check(vm, &args.pos[1], &mut |vm, c| is_instance(vm, &obj, c), "isinstance")?;
    Ok(Value::Bool(r))
}

fn issubclass(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("issubclass", &args, 2, 2)?;
    let Value::Class(sub) = &args.pos[0] else { return Err(vm.type_error("issubclass() arg 1 must be a class")) };
    let sub = sub.clone();
    let r = class_or_tuple_check(vm, &args.pos[1], &mut |_, c| sub.is_subclass(c), "issubclass")?;
    Ok(Value::Bool(r))
}

fn hash(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("hash", &args, 1, 1)?;
    Ok(Value::Int(vm.hash(&args.pos[0])?))
}

fn id(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("id", &args, 1, 1)?;
    let v = &args.pos[0];
    Ok(Value::Int(match v.heap_ptr() {
        Some(p) => p as i64,
        None => {
            let h = vm.hash(v).unwrap_or(0);
            0x1000 + (h & 0xffff_ffff)
        }
    }))
}

pub fn callable(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("callable", &args, 1, 1)?;
    Ok(Value::Bool(is_callable(vm, &args.pos[0])))
}

/// What `callable(v)` answers.
pub fn is_callable(vm: &Vm, v: &Value) -> bool {
    match v {
        Value::Function(_) | Value::Builtin(_) | Value::Method(_) | Value::Class(_) => true,
        other => vm.type_of(other).lookup(&vm.interp.names.__call__).is_some() && !matches!(other, Value::Native(_)),
    }
}

fn attr_name(vm: &Vm, v: &Value) -> PyResult<Rc<PyStr>> {
    match v {
        Value::Str(s) => Ok(s.clone()),
        other => Err(vm.type_error(format!("attribute name must be string, not '{}'", vm.type_name(other)))),
    }
}

fn getattr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("getattr", &args, 2, 3)?;
    let name = attr_name(vm, &args.pos[1])?;
    match args.pos.get(2) {
        None => vm.get_attr(&args.pos[0], &name),
        Some(default) => match vm.get_attr(&args.pos[0], &name) {
            Ok(v) => Ok(v),
            Err(e) if vm.exc_matches(&e, ExcKind::AttributeError) => Ok(default.clone()),
            Err(e) => Err(e),
        },
    }
}

fn setattr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("setattr", &args, 3, 3)?;
    let name = attr_name(vm, &args.pos[1])?;
    vm.set_attr(&args.pos[0], &name, args.pos[2].clone())?;
    Ok(Value::None)
}

fn hasattr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("hasattr", &args, 2, 2)?;
    let name = attr_name(vm, &args.pos[1])?;
    match vm.get_attr(&args.pos[0], &name) {
        Ok(_) => Ok(Value::Bool(true)),
        Err(e) if vm.exc_matches(&e, ExcKind::AttributeError) => Ok(Value::Bool(false)),
        Err(e) => Err(e),
    }
}

fn delattr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("delattr", &args, 2, 2)?;
    let name = attr_name(vm, &args.pos[1])?;
    vm.del_attr(&args.pos[0], &name)?;
    Ok(Value::None)
}

fn sorted(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let key = args.take_kw("key");
    let reverse = match args.take_kw("reverse") {
        Some(r) => vm.is_true(&r)?,
        None => false,
    };
    if args.pos.len() != 1 {
        return Err(vm.type_error(format!("sorted expected 1 argument, got {}", args.pos.len())));
    }
    reject_kw(vm, &args, "sort")?;
    let mut items = vm.collect(&args.pos[0])?;
    sort_values(vm, &mut items, key, reverse)?;
    Ok(Value::list(items))
}

/// `min()` / `max()`: one iterable or several arguments, with `key` and `default`.
fn min_max(vm: &mut Vm, mut args: Args, want_max: bool) -> PyResult<Value> {
    let name = if want_max { "max" } else { "min" };
    let key = args.take_kw("key").filter(|k| !k.is_none());
    let default = args.take_kw("default");
    reject_kw(vm, &args, name)?;
    let items = match args.pos.len() {
        0 => return Err(vm.type_error(format!("{name} expected at least 1 argument, got 0"))),
        1 => vm.collect(&args.pos[0])?,
        _ => {
            if default.is_some() {
                return Err(vm.type_error(format!("Cannot specify a default for {name}() with multiple positional arguments")));
            }
            args.pos.to_vec()
        }
    };
    let mut best: Option<(Value, Value)> = None;
    for v in items {
        let k = match &key {
            Some(f) => vm.call(f, Args::new([v.clone()]))?,
            None => v.clone(),
        };
        let better = match &best {
            None => true,
            Some((bk, _)) => {
                if want_max {
                    greater_than(vm, &k, bk)?
                } else {
                    less_than(vm, &k, bk)?
                }
            }
        };
        if better {
            best = Some((k, v));
        }
    }
    match (best, default) {
        (Some((_, v)), _) => Ok(v),
        (None, Some(d)) => Ok(d),
        (None, None) => Err(vm.value_error(format!("{name}() arg is an empty sequence"))),
    }
}

fn min(vm: &mut Vm, args: Args) -> PyResult<Value> {
    min_max(vm, args, false)
}

fn max(vm: &mut Vm, args: Args) -> PyResult<Value> {
    min_max(vm, args, true)
}

fn any(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("any", &args, 1, 1)?;
    let it = vm.get_iter(&args.pos[0])?;
    while let Some(v) = vm.next(&it)? {
        if vm.is_true(&v)? {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn all(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("all", &args, 1, 1)?;
    let it = vm.get_iter(&args.pos[0])?;
    while let Some(v) = vm.next(&it)? {
        if !vm.is_true(&v)? {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}

fn format(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("format", &args, 1, 2)?;
    let spec = match args.pos.get(1) {
        Some(Value::Str(s)) => s.as_str().to_string(),
        Some(other) => return Err(vm.type_error(format!("format() argument 2 must be str, not {}", vm.type_name(other)))),
        None => String::new(),
    };
    Ok(Value::Str(vm.format(&args.pos[0], &spec)?))
}

fn vars(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("vars", &args, 1, 1)?;
    let key = vm.interp.names.__dict__.clone();
    vm.get_attr(&args.pos[0], &key).map_err(|_| vm.type_error("vars() argument must have __dict__ attribute"))
}

fn globals(vm: &mut Vm, _args: Args) -> PyResult<Value> {
    let g = vm.current_globals();
    Ok(Value::Dict(g))
}

fn dir(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut names: Vec<String> = Vec::new();
    match args.pos.first() {
        None => names.extend(vm.current_globals().map.borrow().keys().iter().filter_map(|k| k.as_str().map(String::from))),
        Some(v) => {
            if let Value::Instance(i) = v {
                names.extend(i.dict.map.borrow().keys().iter().filter_map(|k| k.as_str().map(String::from)));
            }
            if let Value::Module(m) = v {
                names.extend(m.dict.map.borrow().keys().iter().filter_map(|k| k.as_str().map(String::from)));
            }
            let cls = match v {
                Value::Class(c) => c.clone(),
                other => vm.type_of(other),
            };
            for c in cls.full_mro() {
                names.extend(c.dict.borrow().keys().iter().filter_map(|k| k.as_str().map(String::from)));
            }
        }
    }
    names.sort();
    names.dedup();
    Ok(Value::list(names.into_iter().map(Value::from_string).collect()))
}

fn build_class(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.build_class(args)
}

pub const FUNCTIONS: &[(&str, NativeFn)] = &[
    ("print", print),
    ("len", len),
    ("repr", repr),
    ("ascii", ascii),
    ("isinstance", isinstance),
    ("issubclass", issubclass),
    ("hash", hash),
    ("id", id),
    ("callable", callable),
    ("getattr", getattr),
    ("setattr", setattr),
    ("hasattr", hasattr),
    ("delattr", delattr),
    ("sorted", sorted),
    ("min", min),
    ("max", max),
    ("any", any),
    ("all", all),
    ("format", format),
    ("vars", vars),
    ("globals", globals),
    ("dir", dir),
    ("__build_class__", build_class),
];
