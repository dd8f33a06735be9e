//! Generator and coroutine methods: `send`, `throw`, `close`, `__next__`, `__iter__`.

use crate::runtime::objects::{Args, GenKind, NativeFn, PyGenerator};
use crate::runtime::value::Value;
use crate::vm::generator::GenStep;
use crate::vm::{PyResult, Vm};
use std::rc::Rc;

fn this(vm: &Vm, args: &Args) -> PyResult<Rc<PyGenerator>> {
    match args.pos.first() {
        Some(Value::Generator(g)) => Ok(g.clone()),
        _ => Err(vm.type_error("descriptor requires a 'generator' object")),
    }
}

/// Turns a generator step into the method's result: a yielded value, or StopIteration.
fn step_result(vm: &Vm, step: GenStep) -> PyResult<Value> {
    match step {
        GenStep::Yielded(v) => Ok(v),
        GenStep::Returned(v) => Err(vm.stop_iteration(if v.is_none() { None } else { Some(v) })),
    }
}

fn send(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("send", &args, 2, 2)?;
    let g = this(vm, &args)?;
    if g.is_finished() && g.kind != GenKind::Coroutine {
        return Err(vm.stop_iteration(None));
    }
    let step = vm.resume_generator(&g, args.pos[1].clone(), None)?;
    step_result(vm, step)
}

fn next(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let g = this(vm, &args)?;
    if g.is_finished() && g.kind != GenKind::Coroutine {
        return Err(vm.stop_iteration(None));
    }
    let step = vm.resume_generator(&g, Value::None, None)?;
    step_result(vm, step)
}

fn throw(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("throw", &args, 2, 4)?;
    let g = this(vm, &args)?;
    let exc = match (&args.pos[1], args.pos.get(2)) {
        (Value::Class(_), Some(v)) if !v.is_none() => {
            let cls = args.pos[1].clone();
            match v {
                Value::Instance(i) if i.exc.is_some() => vm.exception_from_value(v.clone())?,
                other => {
                    let inst = vm.call(&cls, Args::new([other.clone()]))?;
                    vm.exception_from_value(inst)?
                }
            }
        }
        (v, _) => vm.make_raisable(v.clone())?,
    };
    let step = vm.resume_generator(&g, Value::None, Some(exc))?;
    step_result(vm, step)
}

fn close(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let g = this(vm, &args)?;
    vm.close_generator(&g)?;
    Ok(Value::None)
}

fn iter_self(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(args.pos[0].clone())
}

pub const GENERATOR_METHODS: &[(&str, NativeFn)] =
    &[("send", send), ("throw", throw), ("close", close), ("__next__", next), ("__iter__", iter_self)];

pub const COROUTINE_METHODS: &[(&str, NativeFn)] = &[("send", send), ("throw", throw), ("close", close), ("__await__", iter_self)];
