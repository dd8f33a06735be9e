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

/// A new set or frozenset holding `items`, added one by one.
fn build(vm: &mut Vm, frozen: bool, items: Vec<Value>) -> PyResult<Value> {
    let s = empty();
    for v in items {
        vm.set_add(&s, v)?;
    }
    Ok(wrap(frozen, s))
}

fn empty() -> Rc<PySet> {
    Rc::new(PySet::new(SetTable::new()))
}

fn wrap(frozen: bool, s: Rc<PySet>) -> Value {
    if frozen {
        Value::FrozenSet(s)
    } else {
        Value::Set(s)
    }
}

fn entries(s: &PySet) -> Vec<(i64, Value)> {
    s.table.borrow().iter_hashed().map(|(h, v)| (h, v.clone())).collect()
}

// The table algorithms of CPython's Objects/setobject.c, step for step: which table a result
// starts from, which operand is walked and in which order decide the printed order.

/// `set_merge`: adds every key of `src` to `dst`.
fn merge(vm: &mut Vm, dst: &Rc<PySet>, src: &Rc<PySet>) -> PyResult<()> {
    if Rc::ptr_eq(dst, src) || src.is_empty() {
        return Ok(());
    }
    let other = src.table.borrow().clone();
    {
        let mut t = dst.table.borrow_mut();
        if (t.fill() + other.len()) * 5 >= t.mask() * 3 {
            let minused = (t.len() + other.len()) * 2;
            t.resize_for(minused);
        }
        if t.fill() == 0 {
            t.fill_from(&other);
            return Ok(());
        }
    }
    for (h, v) in other.iter_hashed() {
        vm.set_add_hashed(dst, v.clone(), h)?;
    }
    Ok(())
}

/// `set_update_internal`: adds every item of the iterable `other` to `dst`.
fn update_internal(vm: &mut Vm, dst: &Rc<PySet>, other: &Value) -> PyResult<()> {
    match other {
        Value::Set(o) | Value::FrozenSet(o) => merge(vm, dst, o),
        Value::Dict(d) => {
            let keys = d.map.borrow().keys();
            {
                let mut t = dst.table.borrow_mut();
                if (t.fill() + keys.len()) * 5 >= t.mask() * 3 {
                    let minused = (t.len() + keys.len()) * 2;
                    t.resize_for(minused);
                }
            }
            for k in keys {
                vm.set_add(dst, k)?;
            }
            Ok(())
        }
        _ => {
            let it = vm.get_iter(other)?;
            while let Some(v) = vm.next(&it)? {
                vm.set_add(dst, v)?;
            }
            Ok(())
        }
    }
}

/// `set_copy`.
fn copy_of(vm: &mut Vm, s: &Rc<PySet>) -> PyResult<Rc<PySet>> {
    let r = empty();
    merge(vm, &r, s)?;
    Ok(r)
}

/// A new set holding the items of any iterable (`make_new_set`).
fn from_iterable(vm: &mut Vm, other: &Value) -> PyResult<Rc<PySet>> {
    let r = empty();
    update_internal(vm, &r, other)?;
    Ok(r)
}

/// `set_discard_entry`: whether the key was there.
fn discard_hashed(vm: &mut Vm, s: &PySet, key: &Value, h: i64) -> PyResult<bool> {
    match vm.set_find(s, key, h)? {
        Some(i) => {
            s.table.borrow_mut().remove_at(i);
            Ok(true)
        }
        None => Ok(false),
    }
}

/// `set_intersection`: walks the smaller set (or the iterable) and keeps what the other holds.
fn intersection_of(vm: &mut Vm, so: &Rc<PySet>, other: &Value) -> PyResult<Rc<PySet>> {
    let result = empty();
    match other {
        Value::Set(o) | Value::FrozenSet(o) => {
            if Rc::ptr_eq(so, o) {
                return copy_of(vm, so);
            }
            let (big, small) = if o.len() > so.len() { (o, so) } else { (so, o) };
            for (h, k) in entries(small) {
                if vm.set_find(big, &k, h)?.is_some() {
                    vm.set_add_hashed(&result, k, h)?;
                }
            }
        }
        _ => {
            let it = vm.get_iter(other)?;
            while let Some(k) = vm.next(&it)? {
                let h = vm.hash(&k)?;
                if vm.set_find(so, &k, h)?.is_some() {
                    vm.set_add_hashed(&result, k, h)?;
                }
            }
        }
    }
    Ok(result)
}

/// `set_difference_update_internal`: discards every item of `other` from `so`.
fn difference_update_internal(vm: &mut Vm, so: &Rc<PySet>, other: &Value) -> PyResult<()> {
    match other {
        Value::Set(o) | Value::FrozenSet(o) => {
            if Rc::ptr_eq(so, o) {
                so.table.borrow_mut().clear();
                return Ok(());
            }
            let walk = if (o.len() >> 3) > so.len() { intersection_of(vm, so, other)? } else { o.clone() };
            for (h, k) in entries(&walk) {
                discard_hashed(vm, so, &k, h)?;
            }
        }
        _ => {
            let it = vm.get_iter(other)?;
            while let Some(k) = vm.next(&it)? {
                vm.set_remove(so, &k)?;
            }
        }
    }
    so.table.borrow_mut().shrink_dummies();
    Ok(())
}

/// `set_difference`.
fn difference_of(vm: &mut Vm, so: &Rc<PySet>, other: &Value) -> PyResult<Rc<PySet>> {
    let other_size = match other {
        Value::Set(o) | Value::FrozenSet(o) => o.len(),
        Value::Dict(d) => d.len(),
        _ => usize::MAX,
    };
    if other_size == usize::MAX || (so.len() >> 2) > other_size {
        let r = copy_of(vm, so)?;
        difference_update_internal(vm, &r, other)?;
        return Ok(r);
    }
    let result = empty();
    for (h, k) in entries(so) {
        let present = match other {
            Value::Set(o) | Value::FrozenSet(o) => vm.set_find(o, &k, h)?.is_some(),
            Value::Dict(d) => vm.dict_get(d, &k)?.is_some(),
            _ => unreachable!(),
        };
        if !present {
            vm.set_add_hashed(&result, k, h)?;
        }
    }
    Ok(result)
}

/// `set_symmetric_difference_update`.
fn symmetric_difference_update_of(vm: &mut Vm, so: &Rc<PySet>, other: &Value) -> PyResult<()> {
    let otherset = match other {
        Value::Set(o) | Value::FrozenSet(o) => {
            if Rc::ptr_eq(so, o) {
                so.table.borrow_mut().clear();
                return Ok(());
            }
            o.clone()
        }
        Value::Dict(d) => {
            let keys = d.map.borrow().keys();
            for k in keys {
                let h = vm.hash(&k)?;
                if !discard_hashed(vm, so, &k, h)? {
                    vm.set_add_hashed(so, k, h)?;
                }
            }
            return Ok(());
        }
        _ => from_iterable(vm, other)?,
    };
    for (h, k) in entries(&otherset) {
        if !discard_hashed(vm, so, &k, h)? {
            vm.set_add_hashed(so, k, h)?;
        }
    }
    Ok(())
}

/// `set_symmetric_difference`: a copy of `other`, updated with `so`.
fn symmetric_difference_of(vm: &mut Vm, so: &Rc<PySet>, other: &Value) -> PyResult<Rc<PySet>> {
    let r = from_iterable(vm, other)?;
    symmetric_difference_update_of(vm, &r, &Value::Set(so.clone()))?;
    Ok(r)
}

/// The hash of a literal constant, as `Vm::hash` computes it.
fn const_hash(v: &Value) -> Option<i64> {
    crate::runtime::objects::hash::hash_primitive(v)
}

/// The frozenset CPython's compiler makes of a set display of three or more constants
/// (`BUILD_SET 0; LOAD_CONST frozenset(...); SET_UPDATE`): built from the items in order,
/// then rebuilt from its own iteration order when the constant is interned. `None` when an
/// item is not a hashable literal.
pub fn const_frozenset(values: Vec<Value>) -> Option<Value> {
    fn insert_all<'a>(t: &mut SetTable, items: impl Iterator<Item = (i64, &'a Value)>) -> Option<()> {
        for (h, v) in items {
            match t.probe(h, v) {
                crate::runtime::objects::set::SetProbe::Absent => t.insert_new(h, v.clone()),
                crate::runtime::objects::set::SetProbe::Found(_) => {}
                crate::runtime::objects::set::SetProbe::Undecided(_) => return None,
            }
        }
        Some(())
    }
    let hashed: Vec<(i64, Value)> = values.into_iter().map(|v| const_hash(&v).map(|h| (h, v))).collect::<Option<_>>()?;
    let mut first = SetTable::new();
    insert_all(&mut first, hashed.iter().map(|(h, v)| (*h, v)))?;
    let mut second = SetTable::new();
    insert_all(&mut second, first.iter_hashed())?;
    Some(Value::FrozenSet(Rc::new(PySet::new(second))))
}

/// `SET_UPDATE`: `{*a, *b}` and constant set displays add their items as `set.update` does.
pub fn set_update_value(vm: &mut Vm, target: &Value, other: &Value) -> PyResult<()> {
    match target {
        Value::Set(s) | Value::FrozenSet(s) => update_internal(vm, s, other),
        _ => Ok(()),
    }
}

/// `a | b`, `a & b`, `a - b`, `a ^ b` (in place with `inplace`) for two sets.
pub fn set_operator(vm: &mut Vm, a: &Value, b: &Value, op: BinOp, inplace: bool) -> PyResult<Option<Value>> {
    if !matches!(op, BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor) {
        return Ok(None);
    }
    let sa = table_of(a).cloned().expect("set operand");
    if inplace {
        if let Value::Set(_) = a {
            match op {
                BinOp::BitOr => update_internal(vm, &sa, b)?,
                BinOp::BitAnd => {
                    let r = intersection_of(vm, &sa, b)?;
                    let body = r.table.borrow().clone();
                    sa.table.borrow_mut().take_body(body);
                }
                BinOp::Sub => difference_update_internal(vm, &sa, b)?,
                _ => symmetric_difference_update_of(vm, &sa, b)?,
            }
            return Ok(Some(a.clone()));
        }
    }
    let r = match op {
        BinOp::BitOr => {
            let r = copy_of(vm, &sa)?;
            update_internal(vm, &r, b)?;
            r
        }
        BinOp::BitAnd => intersection_of(vm, &sa, b)?,
        BinOp::Sub => difference_of(vm, &sa, b)?,
        _ => symmetric_difference_of(vm, &sa, b)?,
    };
    Ok(Some(wrap(matches!(a, Value::FrozenSet(_)), r)))
}

/// The set operators with a dict view on either side (`dictviews_or` and friends): the result
/// is always a set, started from the left operand.
pub fn view_operator(vm: &mut Vm, a: &Value, b: &Value, op: BinOp) -> PyResult<Option<Value>> {
    use crate::runtime::objects::{NativeData, ViewKind};
    let keys_dict = |v: &Value| match v {
        Value::Native(n) => match &n.data {
            NativeData::DictView(d, ViewKind::Keys) => Some(d.clone()),
            _ => None,
        },
        _ => None,
    };
    let to_set = |vm: &mut Vm, v: &Value| match keys_dict(v) {
        Some(d) => from_iterable(vm, &Value::Dict(d)),
        None => from_iterable(vm, v),
    };
    let r = match op {
        BinOp::BitOr => {
            let r = to_set(vm, a)?;
            update_internal(vm, &r, b)?;
            r
        }
        BinOp::Sub => {
            let r = to_set(vm, a)?;
            difference_update_internal(vm, &r, b)?;
            r
        }
        BinOp::BitXor => {
            let r = to_set(vm, a)?;
            symmetric_difference_update_of(vm, &r, b)?;
            r
        }
        BinOp::BitAnd => {
            let is_view =
                |v: &Value| matches!(v, Value::Native(n) if matches!(n.data, NativeData::DictView(_, ViewKind::Keys | ViewKind::Items)));
            let (mut this, mut other) = if is_view(a) { (a.clone(), b.clone()) } else { (b.clone(), a.clone()) };
            let len_this = crate::runtime::builtins::core::len_of(vm, &this)?;
            if let Value::Set(o) = &other {
                if len_this <= o.len() {
                    let r = intersection_of(vm, o, &this)?;
                    return Ok(Some(Value::Set(r)));
                }
            }
            if is_view(&other) && crate::runtime::builtins::core::len_of(vm, &other)? > len_this {
                std::mem::swap(&mut this, &mut other);
            }
            let r = empty();
            let it = vm.get_iter(&other)?;
            while let Some(k) = vm.next(&it)? {
                if vm.contains(&this, &k)? {
                    vm.set_add(&r, k)?;
                }
            }
            r
        }
        _ => return Ok(None),
    };
    Ok(Some(Value::Set(r)))
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
    let base = if frozen { vm.interp.types.frozenset.clone() } else { vm.interp.types.set.clone() };
    // A set is filled by `__init__`; only a frozenset takes its items here.
    let v = match args.pos.get(1) {
        Some(f @ Value::FrozenSet(_)) if frozen && matches!(&cls, Value::Class(c) if Rc::ptr_eq(c, &base)) => f.clone(),
        Some(it) if frozen => Value::FrozenSet(from_iterable(vm, &it.clone())?),
        _ => wrap(frozen, empty()),
    };
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
        if t.table.borrow().fill() > 0 {
            t.table.borrow_mut().clear();
        }
        update_internal(vm, t, &it.clone())?;
    }
    Ok(Value::None)
}

fn add(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_method_args("set.add", &args, 1, 1)?;
    if let Value::Set(s) = this(vm, &args)? {
        vm.set_add(&s, args.pos[1].clone())?;
    }
    Ok(Value::None)
}

fn remove(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_method_args("set.remove", &args, 1, 1)?;
    if let Value::Set(s) = this(vm, &args)? {
        if !vm.set_remove(&s, &args.pos[1])? {
            return Err(vm.key_error(args.pos[1].clone()));
        }
    }
    Ok(Value::None)
}

fn discard(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_method_args("set.discard", &args, 1, 1)?;
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
    if let (Value::FrozenSet(_), Some(Value::FrozenSet(_))) = (&s, args.pos.first()) {
        return Ok(s);
    }
    let t = table_of(&s).expect("set").clone();
    Ok(wrap(matches!(s, Value::FrozenSet(_)), copy_of(vm, &t)?))
}

/// The set a method was called on, with its table and whether it is frozen.
fn this_set(vm: &Vm, args: &Args) -> PyResult<(Rc<PySet>, bool)> {
    let s = this(vm, args)?;
    let frozen = matches!(s, Value::FrozenSet(_));
    Ok((table_of(&s).expect("set").clone(), frozen))
}

fn union(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (so, frozen) = this_set(vm, &args)?;
    let r = copy_of(vm, &so)?;
    for other in args.pos.iter().skip(1) {
        if matches!(other, Value::Set(o) | Value::FrozenSet(o) if Rc::ptr_eq(o, &so)) {
            continue;
        }
        update_internal(vm, &r, other)?;
    }
    Ok(wrap(frozen, r))
}

/// `set_intersection_multi`.
fn intersection_multi(vm: &mut Vm, so: &Rc<PySet>, others: &[Value]) -> PyResult<Rc<PySet>> {
    let mut r = so.clone();
    if others.is_empty() {
        return copy_of(vm, so);
    }
    for other in others {
        r = intersection_of(vm, &r, other)?;
    }
    Ok(r)
}

fn intersection(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (so, frozen) = this_set(vm, &args)?;
    let r = intersection_multi(vm, &so, &args.pos[1..])?;
    Ok(wrap(frozen, r))
}

fn difference(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (so, frozen) = this_set(vm, &args)?;
    let r = match args.pos.get(1) {
        None => copy_of(vm, &so)?,
        Some(first) => {
            let r = difference_of(vm, &so, first)?;
            for other in args.pos.iter().skip(2) {
                difference_update_internal(vm, &r, other)?;
            }
            r
        }
    };
    Ok(wrap(frozen, r))
}

fn symmetric_difference(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_method_args("set.symmetric_difference", &args, 1, 1)?;
    let (so, frozen) = this_set(vm, &args)?;
    let r = symmetric_difference_of(vm, &so, &args.pos[1])?;
    Ok(wrap(frozen, r))
}

fn update(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (so, _) = this_set(vm, &args)?;
    for other in args.pos.iter().skip(1) {
        update_internal(vm, &so, other)?;
    }
    Ok(Value::None)
}

fn intersection_update(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (so, _) = this_set(vm, &args)?;
    let r = intersection_multi(vm, &so, &args.pos[1..])?;
    let body = r.table.borrow().clone();
    so.table.borrow_mut().take_body(body);
    Ok(Value::None)
}

fn difference_update(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (so, _) = this_set(vm, &args)?;
    for other in args.pos.iter().skip(1) {
        difference_update_internal(vm, &so, other)?;
    }
    Ok(Value::None)
}

fn symmetric_difference_update(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_method_args("set.symmetric_difference_update", &args, 1, 1)?;
    let (so, _) = this_set(vm, &args)?;
    symmetric_difference_update_of(vm, &so, &args.pos[1])?;
    Ok(Value::None)
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
    vm.check_method_args("set.issubset", &args, 1, 1)?;
    let a = this(vm, &args)?;
    let b = as_set(vm, &args.pos[1])?;
    Ok(Value::Bool(is_subset(vm, &a, &b)?))
}

fn issuperset(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_method_args("set.issuperset", &args, 1, 1)?;
    let a = this(vm, &args)?;
    let b = as_set(vm, &args.pos[1])?;
    Ok(Value::Bool(is_subset(vm, &b, &a)?))
}

fn isdisjoint(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_method_args("set.isdisjoint", &args, 1, 1)?;
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
