//! Iteration builtins: `iter`, `next`, `enumerate`, `zip`, `map`, `filter`, `reversed`,
//! and the stepping of the iterators that call back into Python.

use crate::runtime::objects::{Args, IterState, NativeData, NativeFn};
use crate::runtime::value::Value;
use crate::vm::{ExcKind, PyResult, Vm};
use std::cell::RefCell;

/// One step of a composite iterator. The state is taken out while Python code runs, so a
/// callback that touches the iterator sees it exhausted instead of a borrow conflict.
pub fn next_composite(vm: &mut Vm, state: &RefCell<IterState>) -> PyResult<Option<Value>> {
    let st = std::mem::replace(&mut *state.borrow_mut(), IterState::Exhausted);
    let (result, st) = step(vm, st);
    if let Ok(Some(_)) = &result {
        *state.borrow_mut() = st;
    }
    result
}

fn step(vm: &mut Vm, st: IterState) -> (PyResult<Option<Value>>, IterState) {
    match st {
        IterState::Enumerate { inner, count } => match vm.next(&inner) {
            Ok(Some(v)) => {
                let next = match &count {
                    Value::Int(i) => {
                        i.checked_add(1).map(Value::Int).unwrap_or_else(|| Value::from_bigint(num_bigint::BigInt::from(*i) + 1))
                    }
                    Value::BigInt(b) => Value::from_bigint((**b).clone() + 1),
                    other => other.clone(),
                };
                (Ok(Some(Value::tuple(vec![count, v]))), IterState::Enumerate { inner, count: next })
            }
            other => (other, IterState::Exhausted),
        },
        IterState::Zip { iters, strict } => {
            let mut out = Vec::with_capacity(iters.len());
            for (i, it) in iters.iter().enumerate() {
                match vm.next(it) {
                    Ok(Some(v)) => out.push(v),
                    Ok(None) => {
                        if strict && (i > 0 || zip_rest_nonempty(vm, &iters[1..])) {
                            let msg = if i > 0 {
                                format!(
                                    "zip() argument {} is shorter than argument{} 1{}",
                                    i + 1,
                                    if i > 1 { "s" } else { "" },
                                    if i > 1 { format!("-{i}") } else { String::new() }
                                )
                            } else {
                                "zip() argument 2 is longer than argument 1".to_string()
                            };
                            return (Err(vm.value_error(msg)), IterState::Exhausted);
                        }
                        return (Ok(None), IterState::Exhausted);
                    }
                    Err(e) => return (Err(e), IterState::Exhausted),
                }
            }
            if iters.is_empty() {
                return (Ok(None), IterState::Exhausted);
            }
            (Ok(Some(Value::tuple(out))), IterState::Zip { iters, strict })
        }
        IterState::Map { func, iters } => {
            let mut args = Vec::with_capacity(iters.len());
            for it in &iters {
                match vm.next(it) {
                    Ok(Some(v)) => args.push(v),
                    other => return (other.map(|_| None), IterState::Exhausted),
                }
            }
            let r = vm.call(&func, Args::new(args));
            match r {
                Ok(v) => (Ok(Some(v)), IterState::Map { func, iters }),
                Err(e) => (Err(e), IterState::Exhausted),
            }
        }
        IterState::Filter { func, inner } => loop {
            match vm.next(&inner) {
                Ok(Some(v)) => {
                    let keep =
                        if func.is_none() { vm.is_true(&v) } else { vm.call(&func, Args::new([v.clone()])).and_then(|r| vm.is_true(&r)) };
                    match keep {
                        Ok(true) => return (Ok(Some(v)), IterState::Filter { func, inner }),
                        Ok(false) => continue,
                        Err(e) => return (Err(e), IterState::Exhausted),
                    }
                }
                other => return (other, IterState::Exhausted),
            }
        },
        IterState::Callable { func, sentinel } => callable_step(vm, func, sentinel),
        other => (Ok(None), other),
    }
}

fn zip_rest_nonempty(vm: &mut Vm, rest: &[Value]) -> bool {
    rest.iter().any(|it| matches!(vm.next(it), Ok(Some(_))))
}

/// `iter(f, sentinel)`, and the old `__getitem__` protocol (sentinel `Ellipsis` marks it).
fn callable_step(vm: &mut Vm, func: Value, sentinel: Value) -> (PyResult<Option<Value>>, IterState) {
    if let (Value::Ellipsis, Value::Tuple(t)) = (&sentinel, &func) {
        let (getitem, index) = (t.items[0].clone(), t.items[1].clone());
        return match vm.call(&getitem, Args::new([index.clone()])) {
            Ok(v) => {
                let next = Value::tuple(vec![getitem, Value::Int(if let Value::Int(i) = index { i + 1 } else { 0 })]);
                (Ok(Some(v)), IterState::Callable { func: next, sentinel })
            }
            Err(e) if vm.exc_matches(&e, ExcKind::IndexError) || vm.exc_matches(&e, ExcKind::StopIteration) => {
                (Ok(None), IterState::Exhausted)
            }
            Err(e) => (Err(e), IterState::Exhausted),
        };
    }
    match vm.call(&func, Args::default()) {
        Ok(v) => match vm.eq(&v, &sentinel) {
            Ok(true) => (Ok(None), IterState::Exhausted),
            Ok(false) => (Ok(Some(v)), IterState::Callable { func, sentinel }),
            Err(e) => (Err(e), IterState::Exhausted),
        },
        Err(e) => (Err(e), IterState::Exhausted),
    }
}

fn iter(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("iter", &args, 1, 2)?;
    match args.pos.get(1) {
        None => vm.get_iter(&args.pos[0]),
        Some(sentinel) => Ok(vm.new_iterator(IterState::Callable { func: args.pos[0].clone(), sentinel: sentinel.clone() })),
    }
}

fn next(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("next", &args, 1, 2)?;
    let it = &args.pos[0];
    let is_iter = matches!(it, Value::Generator(_))
        || matches!(it, Value::Native(n) if matches!(n.data, NativeData::Iter(_)))
        || vm.type_of(it).lookup(&vm.interp.names.__next__).is_some();
    if !is_iter {
        return Err(vm.type_error(format!("'{}' object is not an iterator", vm.type_name(it))));
    }
    if let (Value::Generator(g), None) = (it, args.pos.get(1)) {
        return match vm.resume_generator(g, Value::None, None)? {
            crate::vm::generator::GenStep::Yielded(v) => Ok(v),
            crate::vm::generator::GenStep::Returned(v) => Err(vm.stop_iteration(if v.is_none() { None } else { Some(v) })),
        };
    }
    match vm.next(it)? {
        Some(v) => Ok(v),
        None => match args.pos.get(1) {
            Some(d) => Ok(d.clone()),
            None => Err(vm.stop_iteration(None)),
        },
    }
}

fn enumerate(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let start = args.take_kw("start").or_else(|| args.pos.get(1).cloned()).unwrap_or(Value::Int(0));
    let Some(src) = args.pos.first().cloned() else {
        return Err(vm.type_error("enumerate() missing required argument 'iterable' (pos 1)"));
    };
    let inner = vm.get_iter(&src)?;
    let start = match start {
        Value::Int(_) | Value::BigInt(_) => start,
        Value::Bool(b) => Value::Int(b as i64),
        other => vm.to_index(&other).map(Value::Int)?,
    };
    Ok(vm.new_iterator(IterState::Enumerate { inner, count: start }))
}

fn zip(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let strict = match args.take_kw("strict") {
        Some(v) => vm.is_true(&v)?,
        None => false,
    };
    let mut iters = Vec::with_capacity(args.pos.len());
    for a in args.pos.iter() {
        iters.push(vm.get_iter(a)?);
    }
    Ok(vm.new_iterator(IterState::Zip { iters, strict }))
}

fn map(vm: &mut Vm, args: Args) -> PyResult<Value> {
    if args.pos.len() < 2 {
        return Err(vm.type_error("map() must have at least two arguments."));
    }
    let func = args.pos[0].clone();
    let mut iters = Vec::new();
    for a in args.pos.iter().skip(1) {
        iters.push(vm.get_iter(a)?);
    }
    Ok(vm.new_iterator(IterState::Map { func, iters }))
}

fn filter(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("filter", &args, 2, 2)?;
    let inner = vm.get_iter(&args.pos[1])?;
    Ok(vm.new_iterator(IterState::Filter { func: args.pos[0].clone(), inner }))
}

fn reversed(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("reversed", &args, 1, 1)?;
    let v = &args.pos[0];
    match v {
        Value::List(l) => Ok(vm.new_iterator(IterState::Reversed { seq: v.clone(), index: l.len() as isize - 1 })),
        Value::Tuple(t) => Ok(vm.new_iterator(IterState::Reversed { seq: v.clone(), index: t.items.len() as isize - 1 })),
        Value::Str(_) | Value::Bytes(_) | Value::Range(_) | Value::Dict(_) => {
            let mut items = vm.collect(v)?;
            items.reverse();
            Ok(vm.new_iterator(IterState::Values { items, index: 0 }))
        }
        Value::Native(n) if matches!(n.data, NativeData::DictView(..)) => {
            let mut items = vm.collect(v)?;
            items.reverse();
            Ok(vm.new_iterator(IterState::Values { items, index: 0 }))
        }
        _ => {
            let key = vm.interp.names.__reversed__.clone();
            if let Some(r) = vm.call_method_opt(v, &key, Args::default())? {
                return Ok(r);
            }
            if let Some(base) = vm.builtin_base(v) {
                return reversed(vm, Args::new([base]));
            }
            let cls = vm.type_of(v);
            if cls.lookup(&vm.interp.names.__len__).is_some() && cls.lookup(&vm.interp.names.__getitem__).is_some() {
                let n = vm.call_method(v, "__len__", Args::default())?;
                let n = vm.len_result(n)?;
                let mut items = Vec::with_capacity(n);
                for i in (0..n).rev() {
                    items.push(vm.get_item(v, &Value::Int(i as i64))?);
                }
                return Ok(vm.new_iterator(IterState::Values { items, index: 0 }));
            }
            Err(vm.type_error(format!("'{}' object is not reversible", vm.type_name(v))))
        }
    }
}

pub const FUNCTIONS: &[(&str, NativeFn)] = &[("iter", iter), ("next", next)];

/// Drops the class argument a `__new__` receives.
fn without_class(mut args: Args) -> Args {
    if !args.pos.is_empty() {
        args.pos.remove(0);
    }
    args
}

fn enumerate_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    enumerate(vm, without_class(args))
}

fn zip_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    zip(vm, without_class(args))
}

fn map_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    map(vm, without_class(args))
}

fn filter_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    filter(vm, without_class(args))
}

fn reversed_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    reversed(vm, without_class(args))
}

fn iter_self(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(args.pos[0].clone())
}

fn iter_next(vm: &mut Vm, args: Args) -> PyResult<Value> {
    match vm.next(&args.pos[0])? {
        Some(v) => Ok(v),
        None => Err(vm.stop_iteration(None)),
    }
}

/// Methods every builtin iterator class has.
pub const ITERATOR_METHODS: &[(&str, NativeFn)] = &[("__iter__", iter_self), ("__next__", iter_next)];

/// `__new__` of the iterator classes that are also builtins (`enumerate(xs)`...).
pub const CONSTRUCTORS: &[(crate::runtime::types::IterKind, NativeFn)] = &[
    (crate::runtime::types::IterKind::Enumerate, enumerate_new),
    (crate::runtime::types::IterKind::Zip, zip_new),
    (crate::runtime::types::IterKind::Map, map_new),
    (crate::runtime::types::IterKind::Filter, filter_new),
    (crate::runtime::types::IterKind::Reversed, reversed_new),
];
