//! `repr()`, `str()` and `ascii()` of every value, byte for byte as CPython writes them
//! (recursive containers print `[...]`), and `format()` dispatch.

use super::{ExcKind, PyResult, Vm};
use crate::runtime::objects::{Args, GenKind, NativeData, PyStr, ViewKind};
use crate::runtime::value::Value;
use std::rc::Rc;

/// How deep nested reprs may go before RecursionError (each level recurses natively).
const MAX_REPR_DEPTH: usize = 2000;

impl Vm {
    pub fn repr(&mut self, v: &Value) -> PyResult<Rc<PyStr>> {
        if let Value::Str(s) = v {
            return Ok(Rc::new(PyStr::from(repr_str(s.as_str()))));
        }
        self.repr_string(v).map(|s| Rc::new(PyStr::from(s)))
    }

    pub fn str(&mut self, v: &Value) -> PyResult<Rc<PyStr>> {
        match v {
            Value::Str(s) => Ok(s.clone()),
            Value::Instance(inst) => {
                let cls = inst.class.clone();
                if let Some(f) = cls.lookup_override(&self.interp.names.__str__) {
                    let bound = self.bind_descriptor(f, v.clone(), &cls)?;
                    let r = self.call(&bound, Args::default())?;
                    return self.expect_str(r, "__str__");
                }
                if inst.exc.is_some() {
                    return Ok(Rc::new(PyStr::from(self.exception_str(inst)?)));
                }
                if let Some(Value::Str(s)) = inst.base_value.borrow().clone() {
                    return Ok(s);
                }
                self.repr(v)
            }
            _ => self.repr(v),
        }
    }

    fn expect_str(&self, r: Value, what: &str) -> PyResult<Rc<PyStr>> {
        match r {
            Value::Str(s) => Ok(s),
            other => Err(self.type_error(format!("{what} returned non-string (type {})", self.type_name(&other)))),
        }
    }

    /// `str(exc)`: empty for no args, the arg for one (its repr for KeyError), else the tuple.
    pub fn exception_str(&mut self, inst: &crate::runtime::objects::PyInstance) -> PyResult<String> {
        let args = self.exc_args(inst);
        if inst.class.is_subclass(&self.exc_class(ExcKind::OSError)) {
            if let Some(s) = self.os_error_str(inst)? {
                return Ok(s);
            }
        }
        match args.len() {
            0 => Ok(String::new()),
            1 => {
                if inst.class.is_subclass(&self.exc_class(ExcKind::KeyError)) {
                    Ok(self.repr(&args[0])?.as_str().to_string())
                } else {
                    Ok(self.str(&args[0])?.as_str().to_string())
                }
            }
            _ => self.repr_string(&Value::tuple(args)),
        }
    }

    pub fn ascii(&mut self, v: &Value) -> PyResult<String> {
        let r = self.repr(v)?;
        let mut out = String::new();
        for c in r.as_str().chars() {
            match c as u32 {
                0..=0x7f => out.push(c),
                n @ 0x80..=0xff => out.push_str(&format!("\\x{n:02x}")),
                n @ 0x100..=0xffff => out.push_str(&format!("\\u{n:04x}")),
                n => out.push_str(&format!("\\U{n:08x}")),
            }
        }
        Ok(out)
    }

    fn guarded<F>(&mut self, v: &Value, recursive: &str, f: F) -> PyResult<String>
    where
        F: FnOnce(&mut Vm) -> PyResult<String>,
    {
        let p = v.heap_ptr().unwrap_or(0);
        if self.repr_guard.contains(&p) {
            return Ok(recursive.to_string());
        }
        if self.repr_guard.len() > MAX_REPR_DEPTH {
            return self.err(ExcKind::RecursionError, "maximum recursion depth exceeded while getting the repr of an object");
        }
        self.repr_guard.push(p);
        let r = f(self);
        self.repr_guard.pop();
        r
    }

    fn join_reprs(&mut self, items: &[Value]) -> PyResult<String> {
        let mut parts = Vec::with_capacity(items.len());
        for it in items {
            parts.push(self.repr(it)?.as_str().to_string());
        }
        Ok(parts.join(", "))
    }

    pub fn repr_string(&mut self, v: &Value) -> PyResult<String> {
        Ok(match v {
            Value::None => "None".into(),
            Value::NotImplemented => "NotImplemented".into(),
            Value::Ellipsis => "Ellipsis".into(),
            Value::Bool(b) => if *b { "True" } else { "False" }.into(),
            Value::Int(i) => i.to_string(),
            Value::BigInt(b) => crate::runtime::num::int_ops::int_to_decimal(b).map_err(|e| crate::runtime::methods::num_err(self, e))?,
            Value::Float(f) => crate::runtime::num::float_repr::float_repr(*f),
            Value::Str(s) => repr_str(s.as_str()),
            Value::Bytes(b) => repr_bytes(&b.data.borrow()),
            Value::ByteArray(b) => format!("bytearray({})", repr_bytes(&b.data.borrow())),
            Value::Tuple(t) => {
                let items = t.items.clone();
                self.guarded(v, "(...)", |vm| {
                    let inner = vm.join_reprs(&items)?;
                    Ok(if items.len() == 1 { format!("({inner},)") } else { format!("({inner})") })
                })?
            }
            Value::List(l) => {
                let items = l.snapshot();
                self.guarded(v, "[...]", |vm| Ok(format!("[{}]", vm.join_reprs(&items)?)))?
            }
            Value::Dict(d) => {
                let items = d.map.borrow().items();
                self.guarded(v, "{...}", |vm| vm.repr_dict_items(&items))?
            }
            Value::Set(s) => {
                let items: Vec<Value> = s.table.borrow().iter().cloned().collect();
                if items.is_empty() {
                    "set()".into()
                } else {
                    self.guarded(v, "{...}", |vm| Ok(format!("{{{}}}", vm.join_reprs(&items)?)))?
                }
            }
            Value::FrozenSet(s) => {
                let items: Vec<Value> = s.table.borrow().iter().cloned().collect();
                if items.is_empty() {
                    "frozenset()".into()
                } else {
                    format!("frozenset({{{}}})", self.join_reprs(&items)?)
                }
            }
            Value::Range(r) => {
                if r.step == 1 {
                    format!("range({}, {})", r.start, r.stop)
                } else {
                    format!("range({}, {}, {})", r.start, r.stop, r.step)
                }
            }
            Value::Slice(s) => {
                let (a, b, c) = (s.start.clone(), s.stop.clone(), s.step.clone());
                format!("slice({}, {}, {})", self.repr(&a)?.as_str(), self.repr(&b)?.as_str(), self.repr(&c)?.as_str())
            }
            Value::Function(f) => format!("<function {} at {:#x}>", f.qualname.borrow().as_str(), addr(v)),
            Value::Builtin(b) => match (&b.bound, b.owner) {
                (Some(recv), Some(_)) if !matches!(recv, Value::Module(_)) => {
                    format!("<built-in method {} of {} object at {:#x}>", b.name, self.type_name(recv), addr(recv))
                }
                _ => format!("<built-in function {}>", b.name),
            },
            Value::Method(m) => {
                let fname = match &m.func {
                    Value::Function(f) => f.qualname.borrow().as_str().to_string(),
                    other => self.repr_string(other)?,
                };
                let recv = m.receiver.clone();
                format!("<bound method {} of {}>", fname, self.repr(&recv)?.as_str())
            }
            Value::Class(c) => {
                let module = c.module.borrow().clone();
                match module.as_str() {
                    Some("builtins") | None => format!("<class '{}'>", c.qualname.borrow().as_str()),
                    Some(m) => format!("<class '{}.{}'>", m, c.qualname.borrow().as_str()),
                }
            }
            Value::Module(m) => match m.dict.get_str(&self.interp.names.__file__) {
                Some(Value::Str(f)) => format!("<module '{}' from '{}'>", m.name.as_str(), f.as_str()),
                _ => format!("<module '{}' (built-in)>", m.name.as_str()),
            },
            Value::Generator(g) => {
                let kind = match g.kind {
                    GenKind::Generator => "generator",
                    GenKind::Coroutine => "coroutine",
                    GenKind::AsyncGenerator => "async_generator",
                };
                format!("<{kind} object {} at {:#x}>", g.qualname.as_str(), addr(v))
            }
            Value::Code(c) => {
                format!("<code object {} at {:#x}, file \"{}\", line {}>", c.name.as_str(), addr(v), c.filename, c.firstlineno)
            }
            Value::Instance(_) => self.repr_instance(v)?,
            Value::Native(n) => match &n.data {
                NativeData::DictView(d, kind) => {
                    let name = match kind {
                        ViewKind::Keys => "dict_keys",
                        ViewKind::Values => "dict_values",
                        ViewKind::Items => "dict_items",
                    };
                    let items = match kind {
                        ViewKind::Keys => d.map.borrow().keys(),
                        ViewKind::Values => d.map.borrow().values(),
                        ViewKind::Items => d.map.borrow().items().into_iter().map(|(k, v)| Value::tuple(vec![k, v])).collect(),
                    };
                    format!("{name}([{}])", self.join_reprs(&items)?)
                }
                _ => {
                    if let Some(f) = n.class.lookup_override(&self.interp.names.__repr__) {
                        let r = self.call(&f, Args::new([v.clone()]))?;
                        self.expect_str(r, "__repr__")?.as_str().to_string()
                    } else if let Some(r) = crate::runtime::methods::special::native_repr(self, v)? {
                        r
                    } else {
                        format!("<{} object at {:#x}>", n.class.name().as_str(), addr(v))
                    }
                }
            },
        })
    }

    fn repr_dict_items(&mut self, items: &[(Value, Value)]) -> PyResult<String> {
        let mut parts = Vec::with_capacity(items.len());
        for (k, val) in items {
            let ks = self.repr(k)?;
            let vs = self.repr(val)?;
            parts.push(format!("{}: {}", ks.as_str(), vs.as_str()));
        }
        Ok(format!("{{{}}}", parts.join(", ")))
    }

    fn repr_instance(&mut self, v: &Value) -> PyResult<String> {
        let Value::Instance(inst) = v else { unreachable!() };
        let cls = inst.class.clone();
        if let Some(f) = cls.lookup_override(&self.interp.names.__repr__) {
            // No recursion guard here: CPython's `[...]` is for builtin containers only, and a
            // `__repr__` that recurses ends in RecursionError.
            let bound = self.bind_descriptor(f, v.clone(), &cls)?;
            let r = self.call(&bound, Args::default())?;
            return Ok(self.expect_str(r, "__repr__")?.as_str().to_string());
        }
        if inst.exc.is_some() {
            let args = self.exc_args(inst);
            let inner = self.join_reprs(&args)?;
            return Ok(format!("{}({inner})", cls.name().as_str()));
        }
        if let Some(base) = inst.base_value.borrow().clone() {
            return self.repr_string(&base);
        }
        Ok(default_repr(&cls, v))
    }

    /// `format(v, spec)`.
    pub fn format(&mut self, v: &Value, spec: &str) -> PyResult<Rc<PyStr>> {
        crate::runtime::methods::format::format_value(self, v, spec)
    }
}

/// `object.__repr__`: `<module.Qualname object at 0x...>` (no module for builtins).
pub fn default_repr(cls: &crate::runtime::objects::PyClass, v: &Value) -> String {
    let module = cls.module.borrow().clone();
    match module.as_str() {
        Some("builtins") => format!("<{} object at {:#x}>", cls.qualname.borrow().as_str(), addr(v)),
        m => format!("<{}.{} object at {:#x}>", m.unwrap_or("__main__"), cls.qualname.borrow().as_str(), addr(v)),
    }
}

/// The address shown in default reprs.
pub fn addr(v: &Value) -> usize {
    v.heap_ptr().unwrap_or(0)
}

/// `repr(str)`: single quotes unless the text has a single quote and no double quote.
pub fn repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if !is_printable(c) => {
                let n = c as u32;
                if n < 0x100 {
                    out.push_str(&format!("\\x{n:02x}"));
                } else if n < 0x10000 {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `str.isprintable` for one character (approximated by ranges of the categories
/// Cc, Cf, Zs, Zl, Zp, Cs, Co that CPython escapes).
pub fn is_printable(c: char) -> bool {
    let n = c as u32;
    !(n < 0x20
        || (0x7f..=0xa0).contains(&n)
        || n == 0xad
        || (0x2000..=0x200f).contains(&n)
        || (0x2028..=0x202f).contains(&n)
        || (0x205f..=0x206f).contains(&n)
        || n == 0x1680
        || n == 0x3000
        || n == 0xfeff
        || (0xd800..=0xf8ff).contains(&n)
        || (0xfff9..=0xfffb).contains(&n)
        || n == 0x061c
        || n == 0x180e)
}

pub fn repr_bytes(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') { b'"' } else { b'\'' };
    let mut out = String::from("b");
    out.push(quote as char);
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c as char);
            }
            0x20..=0x7e => out.push(c as char),
            c => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push(quote as char);
    out
}
