//! `set` and `frozenset`: constructors, methods and operators.

use crate::ast::{BinOp, CmpOp};
use crate::runtime::objects::{Args, NativeFn, PySet, SetTable};
use crate::runtime::value::Value;
use crate::vm::{ExcKind, PyResult, Vm};
use std::rc::Rc;

fn table_of(v: &Value) -> Option<&Rc<PySet>> {
    match v {
        Value::Set(s) | Value::FrozenSet(s) => Some(s),
        _ => None,
    }
}

fn items_of(v: &Value) -> Vec<Value> {
    table_of(v).map(|s| s.table.borrow().iter().cloned().collect()).unwrap_or_default()
}

/// A new set or frozenset (the kind of `like`) holding `items`.
fn build(vm: &mut Vm, frozen: bool, items: Vec<Value>) -> PyResult<Value> {
    let s = Rc::new(PySet::new(SetTable::new()));
    for v in items {
        vm.set_add(&s, v)?;
    }
    Ok(if frozen { Value::FrozenSet(s) } else { Value::Set(s) })
}

fn op_items(vm: &mut Vm, a: &Value, b_items: &[Value], op: BinOp) -> PyResult<Vec<Value>> {
    let a_items = items_of(a);
    let sb = Rc::new(PySet::new(SetTable::new()));
    for v in b_items {
        vm.set_add(&sb, v.clone())?;
    }
    let sa = table_of(a).cloned().expect("set operand");
    let mut out = Vec::new();
    match op {
        BinOp::BitOr => {
            out.extend(a_items);
            out.extend(b_items.iter().cloned());
        }
        BinOp::BitAnd => {
            for v in b_items {
                if vm.set_contains(&sa, v)? {
                    out.push(v.clone());
                }
            }
        }
        BinOp::Sub => {
            for v in a_items {
                if !vm.set_contains(&sb, &v)? {
                    out.push(v);
                }
            }
        }
        _ => {
            for v in a_items {
                if !vm.set_contains(&sb, &v)? {
                    out.push(v);
                }
            }
            for v in b_items {
                if !vm.set_contains(&sa, v)? {
                    out.push(v.clone());
                }
            }
        }
    }
    Ok(out)
}

/// `a | b`, `a & b`, `a - b`, `a ^ b` (in place with `inplace`).
pub fn set_operator(vm: &mut Vm, a: &Value, b: &Value, op: BinOp, inplace: bool) -> PyResult<Option<Value>> {
    if !matches!(op, BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor) {
        return Ok(None);
    }
    let b_items = items_of(b);
    let out = op_items(vm, a, &b_items, op)?;
    if inplace {
        if let Value::Set(s) = a {
            s.table.borrow_mut().clear();
            for v in out {
                vm.set_add(s, v)?;
            }
            return Ok(Some(a.clone()));
        }
    }
    build(vm, matches!(a, Value::FrozenSet(_)), out).map(Some)
}

fn is_subset(vm: &mut Vm, a: &Value, b: &Value) -> PyResult<bool> {
    let sb = table_of(b).cloned().expect("set");
    for v in items_of(a) {
        if !vm.set_contains(&sb, &v)? {
            return Ok(false);
        }
    }
    Ok(true)
}

pub fn set_compare(vm: &mut Vm, a: &Value, b: &Value, op: CmpOp) -> PyResult<Option<bool>> {
    let (la, lb) = (items_of(a).len(), items_of(b).len());
    Ok(Some(match op {
        CmpOp::Eq => la == lb && is_subset(vm, a, b)?,
        CmpOp::NotEq => !(la == lb && is_subset(vm, a, b)?),
        CmpOp::LtE => is_subset(vm, a, b)?,
        CmpOp::Lt => la < lb && is_subset(vm, a, b)?,
        CmpOp::GtE => is_subset(vm, b, a)?,
        CmpOp::Gt => la > lb && is_subset(vm, b, a)?,
        _ => return Ok(None),
    }))
}

fn new_impl(vm: &mut Vm, args: Args, frozen: bool) -> PyResult<Value> {
    let cls = args.pos[0].clone();
    // A set is filled by `__init__`; only a frozenset takes its items here.
    let items = match args.pos.get(1) {
        Some(it) if frozen => vm.collect(&it.clone())?,
        _ => Vec::new(),
    };
    let v = build(vm, frozen, items)?;
    let base = if frozen { vm.interp.types.frozenset.clone() } else { vm.interp.types.set.clone() };
    Ok(super::int::wrap_for_subclass(vm, &cls, &base, v))
}

fn set_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    new_impl(vm, args, false)
}

fn frozenset_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    new_impl(vm, args, true)
}

/// The set a method was called on (also for subclasses of set).
fn this(vm: &Vm, args: &Args) -> PyResult<Value> {
    match args.pos.first() {
        Some(v @ (Value::Set(_) | Value::FrozenSet(_))) => Ok(v.clone()),
        Some(Value::Instance(i)) => i.base_value.borrow().clone().ok_or_else(|| vm.type_error("descriptor requires a 'set' object")),
        _ => Err(vm.type_error("descriptor requires a 'set' object")),
    }
}

fn set_init(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let s = this(vm, &args)?;
    if let (Value::Set(t), Some(it)) = (&s, args.pos.get(1)) {
        t.table.borrow_mut().clear();
        for v in vm.collect(&it.clone())? {
            vm.set_add(t, v)?;
        }
    }
    Ok(Value::None)
}

fn add(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("add", &args, 2, 2)?;
    if let Value::Set(s) = this(vm, &args)? {
        vm.set_add(&s, args.pos[1].clone())?;
    }
    Ok(Value::None)
}

fn remove(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("remove", &args, 2, 2)?;
    if let Value::Set(s) = this(vm, &args)? {
        if !vm.set_remove(&s, &args.pos[1])? {
            return Err(vm.key_error(args.pos[1].clone()));
        }
    }
    Ok(Value::None)
}

fn discard(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("discard", &args, 2, 2)?;
    if let Value::Set(s) = this(vm, &args)? {
        vm.set_remove(&s, &args.pos[1])?;
    }
    Ok(Value::None)
}

fn pop(vm: &mut Vm, args: Args) -> PyResult<Value> {
    if let Value::Set(s) = this(vm, &args)? {
        let v = s.table.borrow_mut().pop_first();
        return v.ok_or_else(|| vm.new_error(ExcKind::KeyError, "pop from an empty set"));
    }
    Err(vm.type_error("pop from frozenset"))
}

fn clear(vm: &mut Vm, args: Args) -> PyResult<Value> {
    if let Value::Set(s) = this(vm, &args)? {
        s.table.borrow_mut().clear();
    }
    Ok(Value::None)
}

fn copy(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let s = this(vm, &args)?;
    let t = table_of(&s).expect("set").table.borrow().clone();
    Ok(match s {
        Value::FrozenSet(_) => Value::FrozenSet(Rc::new(PySet::new(t))),
        _ => Value::Set(Rc::new(PySet::new(t))),
    })
}

/// `s.union(*others)` and friends: fold the operator over every argument.
fn fold(vm: &mut Vm, args: Args, op: BinOp) -> PyResult<Value> {
    let mut acc = this(vm, &args)?;
    let frozen = matches!(acc, Value::FrozenSet(_));
    acc = build(vm, frozen, items_of(&acc))?;
    for other in args.pos.iter().skip(1) {
        let items = vm.collect(&other.clone())?;
        let out = op_items(vm, &acc, &items, op)?;
        acc = build(vm, frozen, out)?;
    }
    Ok(acc)
}

fn union(vm: &mut Vm, args: Args) -> PyResult<Value> {
    fold(vm, args, BinOp::BitOr)
}

fn intersection(vm: &mut Vm, args: Args) -> PyResult<Value> {
    fold(vm, args, BinOp::BitAnd)
}

fn difference(vm: &mut Vm, args: Args) -> PyResult<Value> {
    fold(vm, args, BinOp::Sub)
}

fn symmetric_difference(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("symmetric_difference", &args, 2, 2)?;
    fold(vm, args, BinOp::BitXor)
}

/// The in-place forms (`update`, `intersection_update`...).
fn fold_in_place(vm: &mut Vm, args: Args, op: BinOp) -> PyResult<Value> {
    let target = this(vm, &args)?;
    let result = fold(vm, Args::new(args.pos.iter().cloned()), op)?;
    if let Value::Set(s) = &target {
        let items = items_of(&result);
        s.table.borrow_mut().clear();
        for v in items {
            vm.set_add(s, v)?;
        }
    }
    Ok(Value::None)
}

fn update(vm: &mut Vm, args: Args) -> PyResult<Value> {
    fold_in_place(vm, args, BinOp::BitOr)
}

fn intersection_update(vm: &mut Vm, args: Args) -> PyResult<Value> {
    fold_in_place(vm, args, BinOp::BitAnd)
}

fn difference_update(vm: &mut Vm, args: Args) -> PyResult<Value> {
    fold_in_place(vm, args, BinOp::Sub)
}

fn symmetric_difference_update(vm: &mut Vm, args: Args) -> PyResult<Value> {
    fold_in_place(vm, args, BinOp::BitXor)
}

fn as_set(vm: &mut Vm, v: &Value) -> PyResult<Value> {
    match v {
        Value::Set(_) | Value::FrozenSet(_) => Ok(v.clone()),
        other => {
            let items = vm.collect(other)?;
            build(vm, true, items)
        }
    }
}

fn issubset(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("issubset", &args, 2, 2)?;
    let a = this(vm, &args)?;
    let b = as_set(vm, &args.pos[1])?;
    Ok(Value::Bool(is_subset(vm, &a, &b)?))
}

fn issuperset(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("issuperset", &args, 2, 2)?;
    let a = this(vm, &args)?;
    let b = as_set(vm, &args.pos[1])?;
    Ok(Value::Bool(is_subset(vm, &b, &a)?))
}

fn isdisjoint(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("isdisjoint", &args, 2, 2)?;
    let a = this(vm, &args)?;
    let sa = table_of(&a).cloned().expect("set");
    for v in vm.collect(&args.pos[1].clone())? {
        if vm.set_contains(&sa, &v)? {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}

fn len(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let s = this(vm, &args)?;
    Ok(Value::Int(items_of(&s).len() as i64))
}

fn contains(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let s = this(vm, &args)?;
    let t = table_of(&s).cloned().expect("set");
    Ok(Value::Bool(vm.set_contains(&t, &args.pos[1])?))
}

pub const SET_METHODS: &[(&str, NativeFn)] = &[
    ("__new__", set_new),
    ("__init__", set_init),
    ("__len__", len),
    ("__contains__", contains),
    ("add", add),
    ("remove", remove),
    ("discard", discard),
    ("pop", pop),
    ("clear", clear),
    ("copy", copy),
    ("union", union),
    ("intersection", intersection),
    ("difference", difference),
    ("symmetric_difference", symmetric_difference),
    ("update", update),
    ("intersection_update", intersection_update),
    ("difference_update", difference_update),
    ("symmetric_difference_update", symmetric_difference_update),
    ("issubset", issubset),
    ("issuperset", issuperset),
    ("isdisjoint", isdisjoint),
];

pub const FROZENSET_METHODS: &[(&str, NativeFn)] = &[
    ("__new__", frozenset_new),
    ("__len__", len),
    ("__contains__", contains),
    ("copy", copy),
    ("union", union),
    ("intersection", intersection),
    ("difference", difference),
    ("symmetric_difference", symmetric_difference),
    ("issubset", issubset),
    ("issuperset", issuperset),
    ("isdisjoint", isdisjoint),
];
