//! `list`: constructor and methods.

use crate::runtime::builtins::sort::merge_sort;
use crate::runtime::objects::{Args, NativeFn, PyList};
use crate::runtime::value::Value;
use crate::vm::{PyResult, Vm};
use std::rc::Rc;

/// The list a method was called on (also for subclasses of list).
pub fn this(vm: &Vm, args: &Args) -> PyResult<Rc<PyList>> {
    match args.pos.first() {
        Some(Value::List(l)) => Ok(l.clone()),
        Some(Value::Instance(i)) => match &*i.base_value.borrow() {
            Some(Value::List(l)) => Ok(l.clone()),
            _ => Err(vm.type_error("descriptor requires a 'list' object")),
        },
        _ => Err(vm.type_error("descriptor requires a 'list' object")),
    }
}

fn list_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let cls = args.pos[0].clone();
    let list_cls = vm.interp.types.list.clone();
    Ok(super::int::wrap_for_subclass(vm, &cls, &list_cls, Value::list(Vec::new())))
}

fn list_init(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let l = this(vm, &args)?;
    if args.pos.len() > 2 {
        return Err(vm.type_error(format!("list expected at most 1 argument, got {}", args.pos.len() - 1)));
    }
    let items = match args.pos.get(1) {
        Some(it) => vm.collect(&it.clone())?,
        None => Vec::new(),
    };
    *l.items.borrow_mut() = items;
    Ok(Value::None)
}

fn append(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_method_args("list.append", &args, 1, 1)?;
    this(vm, &args)?.items.borrow_mut().push(args.pos[1].clone());
    Ok(Value::None)
}

fn extend(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_method_args("list.extend", &args, 1, 1)?;
    let l = this(vm, &args)?;
    let items = vm.collect(&args.pos[1])?;
    l.items.borrow_mut().extend(items);
    Ok(Value::None)
}

fn insert(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_method_args("insert", &args, 2, 2)?;
    let l = this(vm, &args)?;
    let i = vm.to_index(&args.pos[1])?;
    let mut items = l.items.borrow_mut();
    let len = items.len() as i64;
    let pos = if i < 0 { (i + len).max(0) } else { i.min(len) } as usize;
    items.insert(pos, args.pos[2].clone());
    Ok(Value::None)
}

fn pop(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_method_args("pop", &args, 0, 1)?;
    let l = this(vm, &args)?;
    let i = match args.pos.get(1) {
        Some(v) => vm.to_index(v)?,
        None => -1,
    };
    let mut items = l.items.borrow_mut();
    if items.is_empty() {
        drop(items);
        return Err(vm.index_error("pop from empty list"));
    }
    let len = items.len() as i64;
    let idx = if i < 0 { i + len } else { i };
    if idx < 0 || idx >= len {
        drop(items);
        return Err(vm.index_error("pop index out of range"));
    }
    Ok(items.remove(idx as usize))
}

/// Index of the first item equal to `x`, comparing without holding a borrow.
fn find(vm: &mut Vm, l: &PyList, x: &Value, start: usize, stop: usize) -> PyResult<Option<usize>> {
    let mut i = start;
    loop {
        let item = match l.items.borrow().get(i) {
            Some(v) if i < stop => v.clone(),
            _ => return Ok(None),
        };
        if item.is(x) || vm.eq(&item, x)? {
            return Ok(Some(i));
        }
        i += 1;
    }
}

fn remove(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_method_args("list.remove", &args, 1, 1)?;
    let l = this(vm, &args)?;
    match find(vm, &l, &args.pos[1], 0, usize::MAX)? {
        Some(i) => {
            l.items.borrow_mut().remove(i);
            Ok(Value::None)
        }
        None => Err(vm.value_error("list.remove(x): x not in list")),
    }
}

fn index(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_method_args("index", &args, 1, 3)?;
    let l = this(vm, &args)?;
    let len = l.len() as i64;
    let clamp = |i: i64| -> usize { (if i < 0 { (i + len).max(0) } else { i.min(len) }) as usize };
    let start = match args.pos.get(2) {
        Some(v) => clamp(vm.to_index(v)?),
        None => 0,
    };
    let stop = match args.pos.get(3) {
        Some(v) => clamp(vm.to_index(v)?),
        None => usize::MAX,
    };
    match find(vm, &l, &args.pos[1], start, stop)? {
        Some(i) => Ok(Value::Int(i as i64)),
        None => {
            let r = vm.repr(&args.pos[1])?;
            Err(vm.value_error(format!("{} is not in list", r.as_str())))
        }
    }
}

fn count(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_method_args("list.count", &args, 1, 1)?;
    let items = this(vm, &args)?.snapshot();
    let mut n = 0;
    for it in &items {
        if it.is(&args.pos[1]) || vm.eq(it, &args.pos[1])? {
            n += 1;
        }
    }
    Ok(Value::Int(n))
}

fn clear(vm: &mut Vm, args: Args) -> PyResult<Value> {
    this(vm, &args)?.items.borrow_mut().clear();
    Ok(Value::None)
}

fn copy(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::list(this(vm, &args)?.snapshot()))
}

fn reverse(vm: &mut Vm, args: Args) -> PyResult<Value> {
    this(vm, &args)?.items.borrow_mut().reverse();
    Ok(Value::None)
}

/// Sorts `items` as `sorted()`/`list.sort()` do: by `key`, `reverse` keeping stability.
/// The items are left as they were if a key function or a comparison raises.
pub fn sort_values(vm: &mut Vm, items: &mut Vec<Value>, key: Option<Value>, reverse: bool) -> PyResult<()> {
    let computed: Vec<Value>;
    let keys: &[Value] = match &key {
        Some(f) if !f.is_none() => {
            let mut ks = Vec::with_capacity(items.len());
            for v in items.iter() {
                ks.push(vm.call(f, Args::new([v.clone()]))?);
            }
            computed = ks;
            &computed
        }
        _ => items,
    };
    // Sorting positions rather than values: moving a usize costs less than an Rc clone.
    let mut order: Vec<usize> = (0..keys.len()).collect();
    if reverse {
        order.reverse();
    }
    sort_order(vm, keys, &mut order)?;
    if reverse {
        order.reverse();
    }
    let sorted: Vec<Value> = order.iter().map(|&i| items[i].clone()).collect();
    *items = sorted;
    Ok(())
}

/// Stably sorts positions by their keys: natively when every key is an int, every key a str
/// or every key a non-NaN float (total orders), else with Python comparisons.
fn sort_order(vm: &mut Vm, keys: &[Value], order: &mut [usize]) -> PyResult<()> {
    if keys.iter().all(|k| matches!(k, Value::Int(_))) {
        order.sort_by_key(|&i| if let Value::Int(x) = keys[i] { x } else { 0 });
        return Ok(());
    }
    if keys.iter().all(|k| matches!(k, Value::Str(_))) {
        order.sort_by(|&a, &b| keys[a].as_str().cmp(&keys[b].as_str()));
        return Ok(());
    }
    if keys.iter().all(|k| matches!(k, Value::Float(f) if !f.is_nan())) {
        let f = |i: usize| if let Value::Float(x) = keys[i] { x } else { 0.0 };
        order.sort_by(|&a, &b| f(a).partial_cmp(&f(b)).unwrap_or(std::cmp::Ordering::Equal));
        return Ok(());
    }
    merge_sort(order, &mut |&a, &b| less_than(vm, &keys[a], &keys[b]))
}

/// `a < b` for sorting, with a fast path for ints, floats and strs.
pub fn less_than(vm: &mut Vm, a: &Value, b: &Value) -> PyResult<bool> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok(x < y),
        (Value::Float(x), Value::Float(y)) => Ok(x < y),
        (Value::Str(x), Value::Str(y)) => Ok(x.as_str() < y.as_str()),
        _ => {
            let r = vm.compare(a, b, crate::ast::CmpOp::Lt)?;
            vm.is_true(&r)
        }
    }
}

/// The error for a keyword argument a builtin does not take, as CPython words it.
pub fn reject_kw(vm: &Vm, args: &Args, fname: &str) -> PyResult<()> {
    match args.kw.first() {
        Some((k, _)) => Err(vm.type_error(format!("'{}' is an invalid keyword argument for {fname}()", k.as_str()))),
        None => Ok(()),
    }
}

/// `a > b` with Python semantics (`max` compares the candidate to the best so far this way).
pub fn greater_than(vm: &mut Vm, a: &Value, b: &Value) -> PyResult<bool> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok(x > y),
        (Value::Float(x), Value::Float(y)) => Ok(x > y),
        (Value::Str(x), Value::Str(y)) => Ok(x.as_str() > y.as_str()),
        _ => {
            let r = vm.compare(a, b, crate::ast::CmpOp::Gt)?;
            vm.is_true(&r)
        }
    }
}

fn sort(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let key = args.take_kw("key");
    let reverse = match args.take_kw("reverse") {
        Some(r) => vm.is_true(&r)?,
        None => false,
    };
    if args.pos.len() > 1 {
        return Err(vm.type_error("sort() takes no positional arguments"));
    }
    reject_kw(vm, &args, "sort")?;
    let l = this(vm, &args)?;
    let mut items = std::mem::take(&mut *l.items.borrow_mut());
    let r = sort_values(vm, &mut items, key, reverse);
    let modified = !l.items.borrow().is_empty();
    *l.items.borrow_mut() = items;
    r?;
    if modified {
        return Err(vm.value_error("list modified during sort"));
    }
    Ok(Value::None)
}

fn len(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Int(this(vm, &args)?.len() as i64))
}

pub const METHODS: &[(&str, NativeFn)] = &[
    ("__new__", list_new),
    ("__init__", list_init),
    ("__len__", len),
    ("append", append),
    ("extend", extend),
    ("insert", insert),
    ("pop", pop),
    ("remove", remove),
    ("index", index),
    ("count", count),
    ("clear", clear),
    ("copy", copy),
    ("reverse", reverse),
    ("sort", sort),
];
