//! `sys`: argv, exit, the standard streams, and the interpreter's limits and switch interval.

use crate::runtime::objects::{Args, BaseKind, NativeData, NativeFn, NativeObject, PyClass};
use crate::runtime::types::Types;
use crate::runtime::value::Value;
use crate::vm::{ExcKind, PyResult, Vm};
use std::rc::Rc;

/// Which standard stream a `sys.stdout`/`sys.stderr` object writes to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

fn exit(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("exit", &args, 0, 1)?;
    let class = vm.exc_class(ExcKind::SystemExit);
    Err(vm.new_exception(class, args.pos.into_iter().collect()))
}

fn getrecursionlimit(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("sys.getrecursionlimit", &args, 0, 0)?;
    Ok(Value::Int(vm.interp.recursion_limit.get() as i64))
}

fn setrecursionlimit(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("sys.setrecursionlimit", &args, 1, 1)?;
    let n = vm.to_index(&args.pos[0])?;
    if n < 1 {
        return Err(vm.value_error("recursion limit must be greater or equal than 1"));
    }
    vm.interp.recursion_limit.set(n as usize);
    Ok(Value::None)
}

fn getswitchinterval(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("sys.getswitchinterval", &args, 0, 0)?;
    Ok(Value::Float(vm.interp.gil.switch_interval()))
}

fn setswitchinterval(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("sys.setswitchinterval", &args, 1, 1)?;
    // PyFloat_AsDouble: numbers only, no parsing of strings.
    let f = match &args.pos[0] {
        Value::Float(f) => *f,
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) | Value::Instance(_) => {
            crate::runtime::methods::float::to_float(vm, &args.pos[0])?
        }
        other => return Err(vm.type_error(format!("must be real number, not {}", vm.type_name(other)))),
    };
    if f <= 0.0 {
        return Err(vm.value_error("switch interval must be strictly positive"));
    }
    vm.interp.gil.set_switch_interval(f);
    Ok(Value::None)
}

fn exc_info(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("sys.exc_info", &args, 0, 0)?;
    Ok(match vm.handled.clone() {
        Some(e) => Value::tuple(vec![Value::Class(vm.type_of(&e)), e, Value::None]),
        None => Value::tuple(vec![Value::None, Value::None, Value::None]),
    })
}

/// `sys.set_asyncgen_hooks(firstiter=..., finalizer=...)`: an argument left out keeps its hook.
fn set_asyncgen_hooks(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let firstiter = args.take_kw("firstiter").or_else(|| args.pos.first().cloned());
    let finalizer = args.take_kw("finalizer").or_else(|| args.pos.get(1).cloned());
    for (name, v) in [("firstiter", &firstiter), ("finalizer", &finalizer)] {
        if let Some(v) = v {
            if !v.is_none() && !crate::runtime::builtins::core::is_callable(vm, v) {
                return Err(vm.type_error(format!("callable {name} expected, got {}", vm.type_name(v))));
            }
        }
    }
    let hook = |v: Value| (!v.is_none()).then_some(v);
    if let Some(f) = firstiter {
        vm.asyncgen_hooks.0 = hook(f);
    }
    if let Some(f) = finalizer {
        vm.asyncgen_hooks.1 = hook(f);
    }
    Ok(Value::None)
}

fn get_asyncgen_hooks(vm: &mut Vm, _args: Args) -> PyResult<Value> {
    let (a, b) = vm.asyncgen_hooks.clone();
    Ok(Value::tuple(vec![a.unwrap_or(Value::None), b.unwrap_or(Value::None)]))
}

fn intern(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("sys.intern", &args, 1, 1)?;
    Ok(args.pos[0].clone())
}

pub const FUNCTIONS: &[(&str, NativeFn)] = &[
    ("exit", exit),
    ("getrecursionlimit", getrecursionlimit),
    ("setrecursionlimit", setrecursionlimit),
    ("getswitchinterval", getswitchinterval),
    ("setswitchinterval", setswitchinterval),
    ("exc_info", exc_info),
    ("intern", intern),
    ("set_asyncgen_hooks", set_asyncgen_hooks),
    ("get_asyncgen_hooks", get_asyncgen_hooks),
];

fn stream_of(vm: &Vm, args: &Args) -> PyResult<Stream> {
    match args.pos.first() {
        Some(Value::Native(n)) => n.downcast::<Stream>().copied().ok_or_else(|| vm.type_error("not a stream")),
        _ => Err(vm.type_error("not a stream")),
    }
}

fn stream_write(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("write", &args, 2, 2)?;
    let s = stream_of(vm, &args)?;
    let Value::Str(text) = &args.pos[1] else {
        return Err(vm.type_error(format!("write() argument must be str, not {}", vm.type_name(&args.pos[1]))));
    };
    match s {
        Stream::Stdout => vm.write_stdout(text.as_str())?,
        Stream::Stderr => {
            vm.flush_stdout();
            vm.write_stderr(text.as_str())
        }
    }
    Ok(Value::Int(text.char_len() as i64))
}

fn stream_flush(vm: &mut Vm, args: Args) -> PyResult<Value> {
    if stream_of(vm, &args)? == Stream::Stdout {
        vm.flush_stdout();
    }
    Ok(Value::None)
}

const STREAM_METHODS: &[(&str, NativeFn)] = &[("write", stream_write), ("flush", stream_flush)];

fn stream_object(class: &Rc<PyClass>, s: Stream) -> Value {
    Value::Native(Rc::new(NativeObject::new(class.clone(), NativeData::Any(Box::new(s)))))
}

/// The fields of `sys.version_info`, a named tuple in CPython.
const VERSION_FIELDS: [&str; 5] = ["major", "minor", "micro", "releaselevel", "serial"];

fn version_info_repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let Some(Value::Instance(i)) = args.pos.first() else { return Err(vm.type_error("expected version_info")) };
    let mut parts = Vec::new();
    for f in VERSION_FIELDS {
        let v = i.dict.get_str(&vm.intern(f)).unwrap_or(Value::None);
        parts.push(format!("{f}={}", vm.repr(&v)?.as_str()));
    }
    Ok(Value::from_string(format!("sys.version_info({})", parts.join(", "))))
}

fn version_info(vm: &Vm) -> Value {
    let class = PyClass::new("version_info", vec![vm.interp.types.tuple.clone()], BaseKind::Tuple, false).expect("class");
    *class.module.borrow_mut() = Value::str("sys");
    Types::add_methods(&class, "version_info", &[("__repr__", version_info_repr)]);
    let values = [Value::Int(3), Value::Int(11), Value::Int(7), Value::str("final"), Value::Int(0)];
    let inst = crate::runtime::objects::PyInstance::new(class);
    for (f, v) in VERSION_FIELDS.iter().zip(values.iter()) {
        inst.dict.set_str(&vm.intern(f), v.clone());
    }
    *inst.base_value.borrow_mut() = Some(Value::tuple(values.to_vec()));
    Value::Instance(Rc::new(inst))
}

pub fn make(vm: &mut Vm) -> Value {
    let m = super::new_module(vm, "sys", FUNCTIONS);
    let argv = vm.interp.argv.borrow().iter().map(|a| Value::str(a)).collect();
    super::set(&m, "argv", Value::list(argv));
    let class = PyClass::new("TextIOWrapper", vec![vm.interp.types.object.clone()], BaseKind::Final, false).expect("class");
    *class.module.borrow_mut() = Value::str("_io");
    Types::add_methods(&class, "TextIOWrapper", STREAM_METHODS);
    super::set(&m, "stdout", stream_object(&class, Stream::Stdout));
    super::set(&m, "stderr", stream_object(&class, Stream::Stderr));
    super::set(&m, "__stdout__", stream_object(&class, Stream::Stdout));
    super::set(&m, "__stderr__", stream_object(&class, Stream::Stderr));
    super::set(&m, "platform", Value::str("linux"));
    super::set(&m, "byteorder", Value::str("little"));
    super::set(&m, "maxsize", Value::Int(i64::MAX));
    super::set(&m, "version", Value::str("3.11.7 (tpy)"));
    super::set(&m, "executable", Value::from_string(std::env::current_exe().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default()));
    super::set(&m, "version_info", version_info(vm));
    let path = vm.interp.search_path.borrow().iter().map(|p| Value::from_string(p.to_string_lossy().into_owned())).collect();
    super::set(&m, "path", Value::list(path));
    let modules = std::rc::Rc::new(crate::runtime::objects::PyDict::new());
    for (k, v) in vm.interp.modules.borrow().iter() {
        modules.set_str(&vm.intern(k), v.clone());
    }
    super::set(&m, "modules", Value::Dict(modules));
    m
}
