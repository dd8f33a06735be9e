//! `OSError(errno, strerror[, filename[, winerror[, filename2]]])` as `Objects/exceptions.c`:
//! the subclass picked from the errno, the `errno` / `strerror` / `filename` attributes and
//! the `[Errno N] text: 'name'` message.

use super::{ExcKind, PyException, PyResult, Vm};
use crate::runtime::objects::{PyClass, PyInstance};
use crate::runtime::value::Value;
use std::rc::Rc;

/// The attributes `OSError.__init__` sets, in argument order (winerror is skipped).
const FIELDS: [&str; 4] = ["errno", "strerror", "filename", "filename2"];

/// The subclass CPython's errnomap gives an errno, if any.
pub fn errno_kind(errno: i64) -> Option<ExcKind> {
    use ExcKind::*;
    let e = i32::try_from(errno).ok()?;
    // Guards, not patterns: EAGAIN and EWOULDBLOCK are the same number on Linux.
    let blocking = [libc::EAGAIN, libc::EALREADY, libc::EWOULDBLOCK, libc::EINPROGRESS];
    Some(match e {
        _ if blocking.contains(&e) => BlockingIOError,
        _ if e == libc::EPIPE || e == libc::ESHUTDOWN => BrokenPipeError,
        _ if e == libc::ECHILD => ChildProcessError,
        _ if e == libc::ECONNABORTED => ConnectionAbortedError,
        _ if e == libc::ECONNREFUSED => ConnectionRefusedError,
        _ if e == libc::ECONNRESET => ConnectionResetError,
        _ if e == libc::EEXIST => FileExistsError,
        _ if e == libc::ENOENT => FileNotFoundError,
        _ if e == libc::EISDIR => IsADirectoryError,
        _ if e == libc::ENOTDIR => NotADirectoryError,
        _ if e == libc::EINTR => InterruptedError,
        _ if e == libc::EACCES || e == libc::EPERM => PermissionError,
        _ if e == libc::ESRCH => ProcessLookupError,
        _ if e == libc::ETIMEDOUT => TimeoutError,
        _ => return None,
    })
}

/// Which positional argument each of `FIELDS` comes from.
fn field_index(i: usize) -> usize {
    if i == 3 {
        4
    } else {
        i
    }
}

impl Vm {
    /// `OSError.__new__`'s class: plain `OSError` with an int errno becomes its subclass.
    pub fn os_error_class(&self, cls: Rc<PyClass>, args: &[Value]) -> Rc<PyClass> {
        if !Rc::ptr_eq(&cls, &self.exc_class(ExcKind::OSError)) || !(2..=5).contains(&args.len()) {
            return cls;
        }
        match args[0] {
            Value::Int(n) => errno_kind(n).map(|k| self.exc_class(k)).unwrap_or(cls),
            _ => cls,
        }
    }

    /// `OSError.__init__`: 2 to 5 arguments set the attributes, and a filename other than
    /// None leaves only (errno, strerror) in `args`, as CPython keeps them.
    pub fn os_error_init(&self, inst: &PyInstance, args: Vec<Value>) {
        let parsed = (2..=5).contains(&args.len());
        if parsed {
            for (i, name) in FIELDS.iter().enumerate() {
                let v = args.get(field_index(i)).cloned().unwrap_or(Value::None);
                inst.dict.set_str(&self.intern(name), v);
            }
        }
        let has_filename = parsed && !args.get(2).unwrap_or(&Value::None).is_none();
        if let Some(st) = &inst.exc {
            st.borrow_mut().args = if has_filename { args[..2].to_vec() } else { args };
        }
    }

    /// An OSError of `kind` built as `kind(*args)` would be.
    pub fn new_os_error(&self, kind: ExcKind, args: Vec<Value>) -> PyException {
        let e = self.new_exception(self.exc_class(kind), Vec::new());
        self.os_error_init(&e.value, args);
        e
    }

    /// The attribute `name` (one of `FIELDS`), from the instance dict or, for an exception
    /// the runtime made without `__init__`, from its args.
    pub fn os_error_field(&self, inst: &PyInstance, name: &str) -> Option<Value> {
        if let Some(v) = inst.dict.get_str(&self.intern(name)) {
            return Some(v);
        }
        let args = self.exc_args(inst);
        if !(2..=5).contains(&args.len()) {
            return None;
        }
        let i = FIELDS.iter().position(|f| *f == name)?;
        Some(args.get(field_index(i)).cloned().unwrap_or(Value::None))
    }

    /// `str()` of an OSError, or None where `BaseException.__str__` applies.
    pub fn os_error_str(&mut self, inst: &PyInstance) -> PyResult<Option<String>> {
        let get = |vm: &Vm, n: &str| vm.os_error_field(inst, n).filter(|v| !v.is_none());
        let (Some(errno), Some(text)) = (self.os_error_field(inst, "errno"), self.os_error_field(inst, "strerror")) else {
            return Ok(None);
        };
        let mut s = format!("[Errno {}] {}", self.str(&errno)?.as_str(), self.str(&text)?.as_str());
        if let Some(f) = get(self, "filename") {
            s.push_str(&format!(": {}", self.repr(&f)?.as_str()));
            if let Some(f2) = get(self, "filename2") {
                s.push_str(&format!(" -> {}", self.repr(&f2)?.as_str()));
            }
        }
        Ok(Some(s))
    }
}
