//! `open()` and its file objects, and `input()`. Every read and write releases the GIL: the
//! OS file lives behind an `Arc<Mutex<..>>` that the blocking closure can take with it.

use crate::runtime::modules::os::os_error;
use crate::runtime::objects::{Args, BaseKind, NativeData, NativeFn, NativeObject, PyClass, PyStr};
use crate::runtime::types::Types;
use crate::runtime::value::Value;
use crate::vm::{ExcKind, PyResult, Vm};
use parking_lot::Mutex;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::rc::Rc;
use std::sync::Arc;

/// The OS side of an open file.
enum Handle {
    Reader(BufReader<std::fs::File>),
    Writer(BufWriter<std::fs::File>),
    Closed,
}

/// A file object's state (`_io.TextIOWrapper`, `_io.BufferedReader`/`BufferedWriter`).
pub struct FileObject {
    handle: Arc<Mutex<Handle>>,
    name: String,
    mode: String,
    binary: bool,
}

fn file_of(vm: &Vm, v: &Value) -> PyResult<Rc<NativeObject>> {
    match v {
        Value::Native(n) if n.downcast::<FileObject>().is_some() => Ok(n.clone()),
        _ => Err(vm.type_error("descriptor requires a file object")),
    }
}

fn closed_error(vm: &Vm) -> crate::vm::PyException {
    vm.value_error("I/O operation on closed file.")
}

/// Parses an `open` mode into (read, write, append, binary).
fn parse_mode(mode: &str) -> Option<(bool, bool, bool, bool)> {
    let (mut r, mut w, mut a, mut b, mut t) = (false, false, false, false, false);
    for c in mode.chars() {
        match c {
            'r' if !r => r = true,
            'w' if !w => w = true,
            'a' if !a => a = true,
            'b' if !b => b = true,
            't' if !t => t = true,
            _ => return None,
        }
    }
    if (r as u8 + w as u8 + a as u8) != 1 || (b && t) {
        return None;
    }
    Some((r, w, a, b))
}

fn open(vm: &mut Vm, mut args: Args) -> PyResult<Value> {
    let file = args.take_kw("file").or_else(|| args.pos.first().cloned());
    let mode = args.take_kw("mode").or_else(|| args.pos.get(1).cloned()).unwrap_or(Value::str("r"));
    let encoding = args.take_kw("encoding").or_else(|| args.pos.get(3).cloned());
    args.take_kw("errors");
    args.take_kw("newline");
    let Some(Value::Str(path)) = file else {
        return Err(vm.type_error("expected str, bytes or os.PathLike object"));
    };
    let Value::Str(mode) = mode else { return Err(vm.type_error("open() argument 'mode' must be str")) };
    let Some((read, write, append, binary)) = parse_mode(mode.as_str()) else {
        return Err(vm.value_error(format!("invalid mode: '{}'", mode.as_str())));
    };
    if binary && matches!(&encoding, Some(e) if !e.is_none()) {
        return Err(vm.value_error("binary mode doesn't take an encoding argument"));
    }
    let p = path.as_str().to_string();
    let opened = vm.allow_threads(move || {
        let mut o = std::fs::OpenOptions::new();
        o.read(read).write(write || append).append(append).create(write || append).truncate(write);
        o.open(&p)
    });
    let f = opened.map_err(|e| os_error(vm, &e, Some(path.as_str())))?;
    let handle = if read { Handle::Reader(BufReader::new(f)) } else { Handle::Writer(BufWriter::new(f)) };
    let obj = FileObject { handle: Arc::new(Mutex::new(handle)), name: path.as_str().to_string(), mode: mode.as_str().to_string(), binary };
    let class = file_class(vm, binary, read);
    Ok(Value::Native(Rc::new(NativeObject::new(class, NativeData::Any(Box::new(obj))))))
}

/// The class of file objects of a kind, created once per interpreter in `builtins`.
fn file_class(vm: &mut Vm, binary: bool, read: bool) -> Rc<PyClass> {
    let name = match (binary, read) {
        (false, _) => "TextIOWrapper",
        (true, true) => "BufferedReader",
        (true, false) => "BufferedWriter",
    };
    let key = vm.intern(&format!("__io_{name}"));
    if let Some(Value::Class(c)) = vm.interp.builtins.get_str(&key) {
        return c;
    }
    let class = PyClass::new(name, vec![vm.interp.types.object.clone()], BaseKind::Final, false).expect("class");
    *class.module.borrow_mut() = Value::str("_io");
    Types::add_methods(&class, name, FILE_METHODS);
    // Kept out of sight under a dunder name so the class is made once.
    vm.interp.builtins.set_str(&key, Value::Class(class.clone()));
    class
}

/// Text read from a file: newlines translated as CPython's universal newlines mode does.
fn decode_text(vm: &Vm, bytes: Vec<u8>) -> PyResult<Value> {
    let s = String::from_utf8(bytes).map_err(|e| {
        let pos = e.utf8_error().valid_up_to();
        let byte = e.as_bytes()[pos];
        vm.new_error(
            ExcKind::UnicodeDecodeError,
            format!("'utf-8' codec can't decode byte 0x{byte:02x} in position {pos}: invalid start byte"),
        )
    })?;
    let s = if s.contains('\r') { s.replace("\r\n", "\n").replace('\r', "\n") } else { s };
    Ok(Value::from_string(s))
}

fn wrap(vm: &Vm, f: &FileObject, bytes: Vec<u8>) -> PyResult<Value> {
    if f.binary {
        Ok(crate::runtime::methods::bytes::new_bytes(bytes))
    } else {
        decode_text(vm, bytes)
    }
}

/// Runs a blocking operation on the OS handle with the GIL released.
fn with_handle<R: Send>(vm: &mut Vm, f: &FileObject, op: impl FnOnce(&mut Handle) -> R + Send) -> R {
    let h = f.handle.clone();
    vm.allow_threads(move || op(&mut h.lock()))
}

fn read(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = file_of(vm, &args.pos[0])?;
    let f = n.downcast::<FileObject>().expect("file");
    let size = match args.pos.get(1) {
        Some(Value::None) | None => -1,
        Some(v) => vm.to_index(v)?,
    };
    let r = with_handle(vm, f, move |h| match h {
        Handle::Reader(r) => {
            let mut buf = Vec::new();
            let res = if size < 0 { r.read_to_end(&mut buf).map(|_| ()) } else { r.take(size as u64).read_to_end(&mut buf).map(|_| ()) };
            Some(res.map(|_| buf))
        }
        _ => None,
    });
    match r {
        Some(Ok(bytes)) => wrap(vm, f, bytes),
        Some(Err(e)) => Err(os_error(vm, &e, None)),
        None => Err(not_readable(vm, f)),
    }
}

fn not_readable(vm: &Vm, f: &FileObject) -> crate::vm::PyException {
    if matches!(*f.handle.lock(), Handle::Closed) {
        return closed_error(vm);
    }
    vm.new_exception(vm.exc_class(ExcKind::OSError), vec![Value::str("not readable")])
}

fn readline(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = file_of(vm, &args.pos[0])?;
    let f = n.downcast::<FileObject>().expect("file");
    let r = with_handle(vm, f, |h| match h {
        Handle::Reader(r) => {
            let mut buf = Vec::new();
            Some(r.read_until(b'\n', &mut buf).map(|_| buf))
        }
        _ => None,
    });
    match r {
        Some(Ok(bytes)) => wrap(vm, f, bytes),
        Some(Err(e)) => Err(os_error(vm, &e, None)),
        None => Err(not_readable(vm, f)),
    }
}

fn readlines(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let mut out = Vec::new();
    loop {
        let line = readline(vm, Args::new([args.pos[0].clone()]))?;
        if vm.is_true(&line)? {
            out.push(line);
        } else {
            return Ok(Value::list(out));
        }
    }
}

fn write(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("write", &args, 2, 2)?;
    let n = file_of(vm, &args.pos[0])?;
    let f = n.downcast::<FileObject>().expect("file");
    let (data, count) = match (&args.pos[1], f.binary) {
        (Value::Str(s), false) => (s.as_str().as_bytes().to_vec(), s.char_len()),
        (Value::Bytes(b) | Value::ByteArray(b), true) => {
            let d = b.data.borrow().clone();
            let len = d.len();
            (d, len)
        }
        (other, false) => return Err(vm.type_error(format!("write() argument must be str, not {}", vm.type_name(other)))),
        (other, true) => return Err(vm.type_error(format!("a bytes-like object is required, not '{}'", vm.type_name(other)))),
    };
    let r = with_handle(vm, f, move |h| match h {
        Handle::Writer(w) => Some(w.write_all(&data)),
        _ => None,
    });
    match r {
        Some(Ok(())) => Ok(Value::Int(count as i64)),
        Some(Err(e)) => Err(os_error(vm, &e, None)),
        None if matches!(*f.handle.lock(), Handle::Closed) => Err(closed_error(vm)),
        None => Err(vm.new_exception(vm.exc_class(ExcKind::OSError), vec![Value::str("not writable")])),
    }
}

fn writelines(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("writelines", &args, 2, 2)?;
    for line in vm.collect(&args.pos[1])? {
        write(vm, Args::new([args.pos[0].clone(), line]))?;
    }
    Ok(Value::None)
}

fn flush(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = file_of(vm, &args.pos[0])?;
    let f = n.downcast::<FileObject>().expect("file");
    let r = with_handle(vm, f, |h| match h {
        Handle::Writer(w) => w.flush(),
        _ => Ok(()),
    });
    r.map_err(|e| os_error(vm, &e, None))?;
    Ok(Value::None)
}

fn close(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = file_of(vm, &args.pos[0])?;
    let f = n.downcast::<FileObject>().expect("file");
    let r = with_handle(vm, f, |h| {
        let res = match h {
            Handle::Writer(w) => w.flush(),
            _ => Ok(()),
        };
        *h = Handle::Closed;
        res
    });
    r.map_err(|e| os_error(vm, &e, None))?;
    Ok(Value::None)
}

fn enter(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = file_of(vm, &args.pos[0])?;
    if matches!(*n.downcast::<FileObject>().expect("file").handle.lock(), Handle::Closed) {
        return Err(closed_error(vm));
    }
    Ok(args.pos[0].clone())
}

fn exit(vm: &mut Vm, args: Args) -> PyResult<Value> {
    close(vm, Args::new([args.pos[0].clone()]))?;
    Ok(Value::Bool(false))
}

fn next_line(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let line = readline(vm, args)?;
    if vm.is_true(&line)? {
        Ok(line)
    } else {
        Err(vm.stop_iteration(None))
    }
}

fn iter_self(vm: &mut Vm, args: Args) -> PyResult<Value> {
    enter(vm, args)
}

fn repr(vm: &mut Vm, args: Args) -> PyResult<Value> {
    let n = file_of(vm, &args.pos[0])?;
    let f = n.downcast::<FileObject>().expect("file");
    let name = crate::vm::repr::repr_str(&f.name);
    Ok(Value::from_string(if f.binary {
        format!("<_io.{} name={name}>", n.class.name().as_str())
    } else {
        format!("<_io.TextIOWrapper name={name} mode='{}' encoding='UTF-8'>", f.mode)
    }))
}

/// `f.closed`, `f.name`, `f.mode` (looked up by `special_attr`).
pub fn file_attr(v: &Value, name: &PyStr) -> Option<Value> {
    let Value::Native(n) = v else { return None };
    let f = n.downcast::<FileObject>()?;
    Some(match name.as_str() {
        "closed" => Value::Bool(matches!(*f.handle.lock(), Handle::Closed)),
        "name" => Value::str(&f.name),
        "mode" => Value::str(&f.mode),
        "encoding" if !f.binary => Value::str("UTF-8"),
        _ => return None,
    })
}

const FILE_METHODS: &[(&str, NativeFn)] = &[
    ("read", read),
    ("readline", readline),
    ("readlines", readlines),
    ("write", write),
    ("writelines", writelines),
    ("flush", flush),
    ("close", close),
    ("__enter__", enter),
    ("__exit__", exit),
    ("__iter__", iter_self),
    ("__next__", next_line),
    ("__repr__", repr),
];

/// `input([prompt])`: the prompt goes to stdout; the line is read with the GIL released.
fn input(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("input", &args, 0, 1)?;
    if let Some(p) = args.pos.first() {
        let s = vm.str(p)?;
        vm.write_stdout(s.as_str())?;
    }
    vm.flush_stdout();
    let line = vm.allow_threads(|| {
        let mut s = String::new();
        std::io::stdin().lock().read_line(&mut s).map(|n| (n, s))
    });
    match line {
        Ok((0, _)) => Err(vm.new_error(ExcKind::EOFError, "EOF when reading a line")),
        Ok((_, mut s)) => {
            if s.ends_with('\n') {
                s.pop();
                if s.ends_with('\r') {
                    s.pop();
                }
            }
            Ok(Value::from_string(s))
        }
        Err(e) => Err(os_error(vm, &e, None)),
    }
}

pub const FUNCTIONS: &[(&str, NativeFn)] = &[("open", open), ("input", input)];
