//! `tuple`, `range` and `slice`: constructors and methods.

use crate::runtime::objects::{Args, NativeFn, PyRange, PySlice};
use crate::runtime::value::Value;
use crate::vm::{PyResult, Vm};
use std::rc::Rc;

fn tuple_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let cls = args.pos[0].clone();
    if args.pos.len() > 2 {
        return Err(vm.type_error(format!("tuple expected at most 1 argument, got {}", args.pos.len() - 1)));
    }
    let v = match args.pos.get(1) {
        Some(Value::Tuple(t)) => Value::Tuple(t.clone()),
        Some(it) => Value::tuple(vm.collect(&it.clone())?),
        None => Value::tuple(Vec::new()),
    };
    let tuple_cls = vm.interp.types.tuple.clone();
    Ok(super::int::wrap_for_subclass(vm, &cls, &tuple_cls, v))
}

fn items(vm: &Vm, args: &Args) -> PyResult<Vec<Value>> {
    match args.pos.first() {
        Some(Value::Tuple(t)) => Ok(t.items.to_vec()),
        Some(Value::Instance(i)) => match &*i.base_value.borrow() {
            Some(Value::Tuple(t)) => Ok(t.items.to_vec()),
            _ => Err(vm.type_error("descriptor requires a 'tuple' object")),
        },
        _ => Err(vm.type_error("descriptor requires a 'tuple' object")),
    }
}

fn index(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_method_args("index", &args, 1, 3)?;
    let items = items(vm, &args)?;
    for (i, it) in items.iter().enumerate() {
        if it.is(&args.pos[1]) || vm.eq(it, &args.pos[1])? {
            return Ok(Value::Int(i as i64));
        }
    }
    Err(vm.value_error("tuple.index(x): x not in tuple"))
}

fn count(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_method_args("tuple.count", &args, 1, 1)?;
    let items = items(vm, &args)?;
    let mut n = 0;
    for it in &items {
        if it.is(&args.pos[1]) || vm.eq(it, &args.pos[1])? {
            n += 1;
        }
    }
    Ok(Value::Int(n))
}

fn len(vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(Value::Int(items(vm, &args)?.len() as i64))
}

pub const METHODS: &[(&str, NativeFn)] = &[("__new__", tuple_new), ("__len__", len), ("index", index), ("count", count)];

fn range_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    if !args.kw.is_empty() {
        return Err(vm.type_error("range() takes no keyword arguments"));
    }
    let pos: Vec<Value> = args.pos.iter().skip(1).cloned().collect();
    let mut ints = Vec::with_capacity(pos.len());
    for p in &pos {
        ints.push(vm.to_index(p)?);
    }
    let (start, stop, step) = match ints.as_slice() {
        [stop] => (0, *stop, 1),
        [start, stop] => (*start, *stop, 1),
        [start, stop, step] => (*start, *stop, *step),
        [] => return Err(vm.type_error("range expected at least 1 argument, got 0")),
        _ => return Err(vm.type_error(format!("range expected at most 3 arguments, got {}", ints.len()))),
    };
    if step == 0 {
        return Err(vm.value_error("range() arg 3 must not be zero"));
    }
    Ok(Value::Range(Rc::new(PyRange { start, stop, step })))
}

fn range_index(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let Some(Value::Range(r)) = args.pos.first() else { return Err(vm.type_error("descriptor requires a 'range' object")) };
    if let Some(Value::Int(x)) = args.pos.get(1) {
        let i = (x - r.start) / r.step;
        if (x - r.start) % r.step == 0 && i >= 0 && i < r.len() {
            return Ok(Value::Int(i));
        }
    }
    let shown = vm.repr(&args.pos[1])?;
    Err(vm.value_error(format!("{} is not in range", shown.as_str())))
}

fn range_count(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let r = args.pos[0].clone();
    Ok(Value::Int(vm.contains(&r, &args.pos[1])? as i64))
}

pub const RANGE_METHODS: &[(&str, NativeFn)] = &[("__new__", range_new), ("index", range_index), ("count", range_count)];

fn slice_new(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let pos: Vec<Value> = args.pos.iter().skip(1).cloned().collect();
    let (start, stop, step) = match pos.as_slice() {
        [stop] => (Value::None, stop.clone(), Value::None),
        [start, stop] => (start.clone(), stop.clone(), Value::None),
        [start, stop, step] => (start.clone(), stop.clone(), step.clone()),
        _ => return Err(vm.type_error("slice expected at least 1 argument, got 0")),
    };
    Ok(Value::Slice(Rc::new(PySlice { start, stop, step })))
}

fn slice_indices(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let (Some(Value::Slice(s)), Some(n)) = (args.pos.first(), args.pos.get(1)) else {
        return Err(vm.type_error("slice.indices() takes exactly one argument"));
    };
    let n = vm.to_index(n)?;
    let ix = super::subscript::slice_indices(vm, s, n.max(0) as usize)?;
    Ok(Value::tuple(vec![Value::Int(ix.start), Value::Int(ix.stop), Value::Int(ix.step)]))
}

pub const SLICE_METHODS: &[(&str, NativeFn)] = &[("__new__", slice_new), ("indices", slice_indices)];
