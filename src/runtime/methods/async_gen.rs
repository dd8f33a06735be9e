//! Async generators: `__aiter__`, `__anext__`, `asend`, `athrow`, `aclose`. Each of the last
//! four returns an awaitable that resumes the generator when driven; a value the generator
//! `yield`s comes back wrapped (`Wrapped`) to tell it apart from an `await` suspending.

use crate::runtime::objects::{Args, GenKind, NativeData, NativeFn, NativeObject, PyGenerator};
use crate::runtime::value::Value;
use crate::vm::generator::GenStep;
use crate::vm::{ExcKind, PyException, PyResult, Vm};
use std::cell::RefCell;
use std::rc::Rc;

/// A value yielded by an async generator body (the `AsyncGenWrap` instruction makes these).
pub struct Wrapped(pub Value);

/// What an awaitable from `__anext__`/`asend`/`athrow`/`aclose` does on its first step.
enum Mode {
    Send(Value),
    Throw(PyException),
    Close,
}

/// The awaitable: the generator and the first step, consumed when it starts.
pub struct Step {
    gen: Rc<PyGenerator>,
    first: RefCell<Option<Mode>>,
}

fn gen_of(vm: &Vm, args: &Args) -> PyResult<Rc<PyGenerator>> {
    match args.pos.first() {
        Some(Value::Generator(g)) if g.kind == GenKind::AsyncGenerator => Ok(g.clone()),
        _ => Err(vm.type_error("descriptor requires an 'async_generator' object")),
    }
}

fn awaitable(vm: &Vm, gen: Rc<PyGenerator>, mode: Mode) -> Value {
    let data = NativeData::Any(Box::new(Step { gen, first: RefCell::new(Some(mode)) }));
    Value::Native(Rc::new(NativeObject::new(vm.interp.types.async_gen_step.clone(), data)))
}

fn aiter(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(args.pos[0].clone())
}

fn anext(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let g = gen_of(vm, &args)?;
    Ok(awaitable(vm, g, Mode::Send(Value::None)))
}

fn asend(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("asend", &args, 2, 2)?;
    let g = gen_of(vm, &args)?;
    Ok(awaitable(vm, g, Mode::Send(args.pos[1].clone())))
}

fn athrow(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("athrow", &args, 2, 2)?;
    let g = gen_of(vm, &args)?;
    let exc = vm.make_raisable(args.pos[1].clone())?;
    Ok(awaitable(vm, g, Mode::Throw(exc)))
}

fn aclose(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let g = gen_of(vm, &args)?;
    Ok(awaitable(vm, g, Mode::Close))
}

pub const METHODS: &[(&str, NativeFn)] =
    &[("__aiter__", aiter), ("__anext__", anext), ("asend", asend), ("athrow", athrow), ("aclose", aclose)];

fn step_of(vm: &Vm, args: &Args) -> PyResult<Rc<NativeObject>> {
    match args.pos.first() {
        Some(Value::Native(n)) if n.downcast::<Step>().is_some() => Ok(n.clone()),
        _ => Err(vm.type_error("expected an async generator awaitable")),
    }
}

/// Runs the generator one step: a wrapped yield finishes the awaitable (StopIteration with
/// the value); an `await` inside passes its suspension out; the end raises StopAsyncIteration.
fn drive(vm: &mut Vm, step: &Step, sent: Value, throw: Option<PyException>) -> PyResult<Value> {
    let (sent, throw, closing) = match step.first.borrow_mut().take() {
        Some(Mode::Send(v)) => (v, throw, false),
        Some(Mode::Throw(e)) => (Value::None, Some(e), false),
        Some(Mode::Close) => (Value::None, Some(vm.new_exception(vm.exc_class(ExcKind::GeneratorExit), Vec::new())), true),
        None => (sent, throw, false),
    };
    if step.gen.is_finished() && throw.is_none() {
        return Err(vm.new_exception(vm.exc_class(ExcKind::StopAsyncIteration), Vec::new()));
    }
    match vm.resume_generator(&step.gen, sent, throw) {
        Ok(GenStep::Yielded(Value::Native(n))) if n.downcast::<Wrapped>().is_some() => {
            if closing {
                return Err(vm.runtime_error("async generator ignored GeneratorExit"));
            }
            let v = n.downcast::<Wrapped>().map(|w| w.0.clone()).unwrap_or(Value::None);
            Err(vm.stop_iteration(Some(v)))
        }
        Ok(GenStep::Yielded(suspension)) => Ok(suspension),
        Ok(GenStep::Returned(_)) => {
            if closing {
                return Err(vm.stop_iteration(None));
            }
            Err(vm.new_exception(vm.exc_class(ExcKind::StopAsyncIteration), Vec::new()))
        }
        Err(e) if closing && (vm.exc_matches(&e, ExcKind::GeneratorExit) || vm.exc_matches(&e, ExcKind::StopAsyncIteration)) => {
            Err(vm.stop_iteration(None))
        }
        Err(e) => Err(e),
    }
}

fn step_send(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = step_of(vm, &args)?;
    let step = n.downcast::<Step>().expect("step");
    drive(vm, step, args.pos.get(1).cloned().unwrap_or(Value::None), None)
}

fn step_throw(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = step_of(vm, &args)?;
    let step = n.downcast::<Step>().expect("step");
    let exc = vm.make_raisable(args.pos.get(1).cloned().unwrap_or(Value::None))?;
    drive(vm, step, Value::None, Some(exc))
}

fn step_close(_vm: &mut Vm, _args: Args) -> PyResult<Value> {
    Ok(Value::None)
}

fn step_self(_vm: &mut Vm, args: Args) -> PyResult<Value> {
    Ok(args.pos[0].clone())
}

pub const STEP_METHODS: &[(&str, NativeFn)] = &[
    ("send", step_send),
    ("throw", step_throw),
    ("close", step_close),
    ("__next__", step_send),
    ("__iter__", step_self),
    ("__await__", step_self),
];
