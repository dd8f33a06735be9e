//! `os` and `os.path`: process ids, the environment, and the few file operations TinyPy lists.

use crate::runtime::objects::{Args, NativeFn, PyDict};
use crate::runtime::value::Value;
use crate::vm::{ExcKind, PyResult, Vm};
use std::rc::Rc;

fn getpid(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("posix.getpid", &args, 0, 0)?;
    Ok(Value::Int(std::process::id() as i64))
}

fn getppid(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("posix.getppid", &args, 0, 0)?;
    Ok(Value::Int(std::os::unix::process::parent_id() as i64))
}

fn cpu_count(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("posix.cpu_count", &args, 0, 0)?;
    Ok(std::thread::available_parallelism().map(|n| Value::Int(n.get() as i64)).unwrap_or(Value::None))
}

fn getcwd(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("posix.getcwd", &args, 0, 0)?;
    std::env::current_dir().map(|p| Value::from_string(p.to_string_lossy().into_owned())).map_err(|e| os_error(vm, &e, None))
}

fn getenv(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("getenv", &args, 1, 2)?;
    let Some(key) = args.pos[0].as_str() else { return Err(vm.type_error("str expected, not int")) };
    Ok(match std::env::var(key) {
        Ok(v) => Value::from_string(v),
        Err(_) => args.pos.get(1).cloned().unwrap_or(Value::None),
    })
}

/// An OSError subclass for an I/O failure, with CPython's `[Errno N] text: 'path'` message.
pub fn os_error(vm: &Vm, e: &std::io::Error, path: Option<&str>) -> crate::vm::PyException {
    let kind = match e.kind() {
        std::io::ErrorKind::NotFound => ExcKind::FileNotFoundError,
        std::io::ErrorKind::PermissionDenied => ExcKind::PermissionError,
        std::io::ErrorKind::AlreadyExists => ExcKind::FileExistsError,
        _ if e.raw_os_error() == Some(libc::ESRCH) => ExcKind::ProcessLookupError,
        _ => ExcKind::OSError,
    };
    let errno = e.raw_os_error().unwrap_or(0);
    let text = strerror(errno, e);
    let mut args = vec![Value::Int(errno as i64), Value::from_string(text)];
    if let Some(p) = path {
        args.push(Value::str(p));
    }
    vm.new_os_error(kind, args)
}

fn strerror(errno: i32, e: &std::io::Error) -> String {
    let s = e.to_string();
    // std formats "No such file or directory (os error 2)".
    match s.rfind(" (os error") {
        Some(i) if errno != 0 => s[..i].to_string(),
        _ => s,
    }
}

fn remove(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("remove", &args, 1, 1)?;
    let path = args.pos[0].as_str().unwrap_or("").to_string();
    std::fs::remove_file(&path).map_err(|e| os_error(vm, &e, Some(&path)))?;
    Ok(Value::None)
}

fn listdir(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let path = args.pos.first().and_then(|p| p.as_str()).unwrap_or(".").to_string();
    let rd = std::fs::read_dir(&path).map_err(|e| os_error(vm, &e, Some(&path)))?;
    let mut names = Vec::new();
    for entry in rd.flatten() {
        names.push(Value::from_string(entry.file_name().to_string_lossy().into_owned()));
    }
    Ok(Value::list(names))
}

/// `os.kill(pid, sig)`: signal numbers as the platform defines them (9 is SIGKILL).
fn kill(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("kill", &args, 2, 2)?;
    let mut n = [0i64; 2];
    for (slot, v) in n.iter_mut().zip(&args.pos) {
        *slot = match v {
            Value::Int(i) => *i,
            Value::Bool(b) => *b as i64,
            other => return Err(vm.type_error(format!("'{}' object cannot be interpreted as an integer", vm.type_name(other)))),
        };
    }
    vm.allow_threads(move || crate::platform::kill(n[0], n[1])).map_err(|e| os_error(vm, &e, None))?;
    Ok(Value::None)
}

pub const FUNCTIONS: &[(&str, NativeFn)] = &[
    ("getpid", getpid),
    ("getppid", getppid),
    ("cpu_count", cpu_count),
    ("getcwd", getcwd),
    ("getenv", getenv),
    ("remove", remove),
    ("unlink", remove),
    ("listdir", listdir),
    ("kill", kill),
];

pub fn make(vm: &mut Vm) -> Value {
    let m = super::new_module(vm, "os", FUNCTIONS);
    let env = Rc::new(PyDict::new());
    for (k, v) in std::env::vars() {
        env.set_str(&vm.intern(&k), Value::from_string(v));
    }
    super::set(&m, "environ", Value::Dict(env));
    super::set(&m, "sep", Value::str("/"));
    super::set(&m, "linesep", Value::str("\n"));
    super::set(&m, "name", Value::str("posix"));
    let path = make_path(vm);
    vm.interp.modules.borrow_mut().insert("os.path".into(), path.clone());
    super::set(&m, "path", path);
    m
}

fn path_join(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut out = String::new();
    for (i, p) in args.pos.iter().enumerate() {
        let Some(s) = p.as_str() else {
            return Err(vm.type_error(format!("join() argument must be str, bytes, or os.PathLike object, not '{}'", vm.type_name(p))));
        };
        if s.starts_with('/') || i == 0 {
            out = s.to_string();
        } else if out.is_empty() || out.ends_with('/') {
            out.push_str(s);
        } else {
            out.push('/');
            out.push_str(s);
        }
    }
    Ok(Value::from_string(out))
}

fn path_exists(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("exists", &args, 1, 1)?;
    Ok(Value::Bool(args.pos[0].as_str().is_some_and(|p| std::path::Path::new(p).exists())))
}

fn path_isfile(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("isfile", &args, 1, 1)?;
    Ok(Value::Bool(args.pos[0].as_str().is_some_and(|p| std::path::Path::new(p).is_file())))
}

fn path_isdir(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("isdir", &args, 1, 1)?;
    Ok(Value::Bool(args.pos[0].as_str().is_some_and(|p| std::path::Path::new(p).is_dir())))
}

fn path_basename(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("basename", &args, 1, 1)?;
    let p = args.pos[0].as_str().unwrap_or("");
    Ok(Value::str(p.rsplit('/').next().unwrap_or("")))
}

fn path_dirname(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("dirname", &args, 1, 1)?;
    let p = args.pos[0].as_str().unwrap_or("");
    Ok(Value::str(match p.rfind('/') {
        Some(0) => "/",
        Some(i) => &p[..i],
        None => "",
    }))
}

pub const PATH_FUNCTIONS: &[(&str, NativeFn)] = &[
    ("join", path_join),
    ("exists", path_exists),
    ("isfile", path_isfile),
    ("isdir", path_isdir),
    ("basename", path_basename),
    ("dirname", path_dirname),
];

pub fn make_path(vm: &mut Vm) -> Value {
    let m = super::new_module(vm, "posixpath", PATH_FUNCTIONS);
    super::set(&m, "sep", Value::str("/"));
    m
}
