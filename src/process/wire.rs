//! The value format that crosses process boundaries: arguments, results, queue items.
//! A compact tagged binary encoding, in the spirit of pickle: containers by content, instances
//! of user classes by class name, base value and `__dict__` (or `__getstate__`), exceptions
//! by class and `args`, objects seen before in the message by memo index, module-level
//! functions and classes by module and qualified name, shared objects (queues, pipes, locks) by
//! their handle. Anything else is refused with CPython's pickling error.

use crate::runtime::objects::{Args, NativeObject, PyClass, PyInstance, PyStr};
use crate::runtime::value::Value;
use crate::vm::{ExcKind, PyException, PyResult, Vm};
use num_bigint::BigInt;
use std::collections::HashMap;
use std::rc::Rc;

/// Nesting deeper than this is refused (a recursive container would otherwise never end).
const MAX_DEPTH: usize = 1000;

mod tag {
    pub const NONE: u8 = 0;
    pub const FALSE: u8 = 1;
    pub const TRUE: u8 = 2;
    pub const INT: u8 = 3;
    pub const BIGINT: u8 = 4;
    pub const FLOAT: u8 = 5;
    pub const STR: u8 = 6;
    pub const BYTES: u8 = 7;
    pub const BYTEARRAY: u8 = 8;
    pub const TUPLE: u8 = 9;
    pub const LIST: u8 = 10;
    pub const DICT: u8 = 11;
    pub const SET: u8 = 12;
    pub const FROZENSET: u8 = 13;
    pub const GLOBAL: u8 = 14;
    pub const INSTANCE: u8 = 15;
    pub const EXCEPTION: u8 = 16;
    pub const HANDLE: u8 = 17;
    pub const ELLIPSIS: u8 = 18;
    pub const RANGE: u8 = 19;
    pub const METHOD: u8 = 20;
    /// A reference to an object already written in this message (pickle's memo).
    pub const MEMO: u8 = 21;
}

/// `INSTANCE` flags: a builtin base value follows (subclasses of list, int, ...); the state is
/// what `__getstate__` returned rather than `__dict__`.
const HAS_BASE: u8 = 1;
const GETSTATE: u8 = 2;

/// LEB128 unsigned integer.
pub fn put_varint(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

pub fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

/// A cursor over an encoded message. Every read fails softly on truncated input.
pub struct Reader<'a> {
    pub data: &'a [u8],
    pub pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Reader<'a> {
        Reader { data, pos: 0 }
    }

    pub fn u8(&mut self) -> Option<u8> {
        let b = *self.data.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    pub fn varint(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            n |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    pub fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.varint()? as usize;
        let end = self.pos.checked_add(n)?;
        let b = self.data.get(self.pos..end)?;
        self.pos = end;
        Some(b)
    }

    pub fn str(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes()?).ok()
    }

    pub fn u64(&mut self) -> Option<u64> {
        let b = self.data.get(self.pos..self.pos + 8)?;
        self.pos += 8;
        Some(u64::from_le_bytes(b.try_into().ok()?))
    }
}

/// How handles of shared objects are written and read back (`runtime::modules::multiprocessing`).
pub trait HandleCodec {
    /// Writes the handle inside `obj`, or returns false if `obj` is no handle.
    fn encode(&self, obj: &NativeObject, out: &mut Vec<u8>) -> bool;
    fn decode(&self, vm: &mut Vm, r: &mut Reader) -> PyResult<Value>;
}

/// Encodes `v`, or raises CPython's pickling error for what cannot cross.
pub fn dumps(vm: &mut Vm, v: &Value, codec: &dyn HandleCodec) -> PyResult<Vec<u8>> {
    let mut out = Vec::with_capacity(64);
    Encoder { codec, depth: 0, memo: HashMap::new(), keep: Vec::new(), next: 0 }.value(vm, v, &mut out)?;
    Ok(out)
}

/// Decodes one value written by `dumps`.
pub fn loads(vm: &mut Vm, data: &[u8], codec: &dyn HandleCodec) -> PyResult<Value> {
    let mut r = Reader::new(data);
    Decoder { codec, memo: Vec::new() }.value(vm, &mut r, 0)
}

/// The identity of a container or instance, for the memo.
fn memo_key(v: &Value) -> Option<usize> {
    fn addr<T>(r: &Rc<T>) -> Option<usize> {
        Some(Rc::as_ptr(r) as usize)
    }
    match v {
        Value::List(l) => addr(l),
        Value::Tuple(t) => addr(t),
        Value::Dict(d) => addr(d),
        Value::Set(s) | Value::FrozenSet(s) => addr(s),
        Value::ByteArray(b) => addr(b),
        Value::Instance(i) => addr(i),
        _ => None,
    }
}

struct Encoder<'c> {
    codec: &'c dyn HandleCodec,
    depth: usize,
    /// Memo index of each object written so far, by address: a shared object crosses once
    /// and comes back shared, and a cycle ends. Mutable objects enter when they start, so
    /// that their contents may refer to them; tuples and sets once complete, as in pickle.
    memo: HashMap<usize, u64>,
    /// Keeps every memoized object alive, so that no address is reused within a message.
    keep: Vec<Value>,
    next: u64,
}

impl Encoder<'_> {
    fn value(&mut self, vm: &mut Vm, v: &Value, out: &mut Vec<u8>) -> PyResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(vm.new_error(ExcKind::RecursionError, "maximum recursion depth exceeded while pickling an object"));
        }
        let r = self.value_inner(vm, v, out);
        self.depth -= 1;
        r
    }

    /// Writes a memoized object's tag and takes the next memo index (the decoder counts the
    /// same tags); `visible` enters it in the memo now.
    fn open(&mut self, t: u8, v: &Value, visible: bool, out: &mut Vec<u8>) -> u64 {
        out.push(t);
        let index = self.next;
        self.next += 1;
        if visible {
            self.remember(v, index);
        }
        index
    }

    fn remember(&mut self, v: &Value, index: u64) {
        if let Some(k) = memo_key(v) {
            self.memo.insert(k, index);
            self.keep.push(v.clone());
        }
    }

    fn value_inner(&mut self, vm: &mut Vm, v: &Value, out: &mut Vec<u8>) -> PyResult<()> {
        if let Some(index) = memo_key(v).and_then(|k| self.memo.get(&k)) {
            out.push(tag::MEMO);
            put_varint(out, *index);
            return Ok(());
        }
        match v {
            Value::None => out.push(tag::NONE),
            Value::Ellipsis => out.push(tag::ELLIPSIS),
            Value::Bool(b) => out.push(if *b { tag::TRUE } else { tag::FALSE }),
            Value::Int(i) => {
                out.push(tag::INT);
                out.extend_from_slice(&i.to_le_bytes());
            }
            Value::BigInt(b) => {
                out.push(tag::BIGINT);
                put_bytes(out, &b.to_signed_bytes_le());
            }
            Value::Float(f) => {
                out.push(tag::FLOAT);
                out.extend_from_slice(&f.to_bits().to_le_bytes());
            }
            Value::Str(s) => {
                out.push(tag::STR);
                put_bytes(out, s.as_str().as_bytes());
            }
            Value::Bytes(b) => {
                out.push(tag::BYTES);
                put_bytes(out, &b.data.borrow());
            }
            Value::ByteArray(b) => {
                self.open(tag::BYTEARRAY, v, true, out);
                put_bytes(out, &b.data.borrow());
            }
            Value::Tuple(t) => {
                let index = self.seq(vm, tag::TUPLE, v, &t.items, out)?;
                self.remember(v, index);
            }
            Value::List(l) => {
                self.seq(vm, tag::LIST, v, &l.snapshot(), out)?;
            }
            Value::Set(s) | Value::FrozenSet(s) => {
                let t = if matches!(v, Value::Set(_)) { tag::SET } else { tag::FROZENSET };
                let index = self.seq(vm, t, v, &s.table.borrow().iter().cloned().collect::<Vec<_>>(), out)?;
                self.remember(v, index);
            }
            Value::Dict(d) => {
                let items = d.map.borrow().items();
                self.open(tag::DICT, v, true, out);
                self.pairs(vm, &items, out)?;
            }
            Value::Range(r) => {
                out.push(tag::RANGE);
                for n in [r.start, r.stop, r.step] {
                    out.extend_from_slice(&n.to_le_bytes());
                }
            }
            Value::Function(f) => {
                let (module, qualname) = (f.module.borrow().clone(), f.qualname.borrow().clone());
                self.global(vm, v, &module, &qualname, out)?
            }
            Value::Class(c) => {
                let (module, qualname) = (c.module.borrow().clone(), c.qualname.borrow().clone());
                self.global(vm, v, &module, &qualname, out)?
            }
            Value::Builtin(b) => match &b.bound {
                Some(recv) => self.method(vm, recv, b.name, out)?,
                None => self.builtin(vm, v, b.name, out)?,
            },
            Value::Method(m) => {
                let name = vm.get_attr(&m.func, &vm.interp.names.__name__.clone())?;
                let name = name.as_str().unwrap_or_default().to_string();
                self.method(vm, &m.receiver, &name, out)?
            }
            Value::Instance(i) => self.instance(vm, v, i, out)?,
            Value::Native(n) if self.codec.encode(n, out) => {}
            _ => return Err(cannot_pickle(vm, v)),
        }
        Ok(())
    }

    /// A tuple, list or set; returns its memo index (a list is in the memo already).
    fn seq(&mut self, vm: &mut Vm, t: u8, v: &Value, items: &[Value], out: &mut Vec<u8>) -> PyResult<u64> {
        let index = self.open(t, v, t == tag::LIST, out);
        put_varint(out, items.len() as u64);
        items.iter().try_for_each(|v| self.value(vm, v, out))?;
        Ok(index)
    }

    fn pairs(&mut self, vm: &mut Vm, items: &[(Value, Value)], out: &mut Vec<u8>) -> PyResult<()> {
        put_varint(out, items.len() as u64);
        for (k, v) in items {
            self.value(vm, k, out)?;
            self.value(vm, v, out)?;
        }
        Ok(())
    }

    /// A function or class, by module and qualified name: checked to resolve to `v` itself,
    /// as pickle's `save_global` does.
    fn global(&mut self, vm: &mut Vm, v: &Value, module: &Value, qualname: &PyStr, out: &mut Vec<u8>) -> PyResult<()> {
        let module = module.as_str().unwrap_or("__main__").to_string();
        let q = qualname.as_str();
        if q.contains("<locals>") {
            return Err(vm.attribute_error(format!("Can't pickle local object '{q}'")));
        }
        let found = find_global(vm, &module, q).ok();
        if !found.is_some_and(|f| f.is(v)) {
            let what = vm.repr(v)?;
            let msg = format!("Can't pickle {}: attribute lookup {q} on {module} failed", what.as_str());
            return Err(pickling_error(vm, msg));
        }
        out.push(tag::GLOBAL);
        put_bytes(out, module.as_bytes());
        put_bytes(out, q.as_bytes());
        Ok(())
    }

    /// A builtin function: found by identity in builtins or in an imported module.
    fn builtin(&mut self, vm: &mut Vm, v: &Value, name: &str, out: &mut Vec<u8>) -> PyResult<()> {
        let key = vm.intern(name);
        let mut places: Vec<(String, Value)> = vec![("builtins".into(), Value::Dict(vm.interp.builtins.clone()))];
        places.extend(vm.interp.modules.borrow().iter().map(|(n, m)| (n.clone(), m.clone())));
        for (module, place) in places {
            let found = match &place {
                Value::Dict(d) => d.get_str(&key),
                Value::Module(m) => m.dict.get_str(&key),
                _ => None,
            };
            if let (Some(Value::Builtin(f)), Value::Builtin(b)) = (&found, v) {
                if std::ptr::fn_addr_eq(f.func, b.func) {
                    out.push(tag::GLOBAL);
                    put_bytes(out, module.as_bytes());
                    put_bytes(out, name.as_bytes());
                    return Ok(());
                }
            }
        }
        // An unbound method of a builtin type (`str.upper`): by qualified name, as pickle.
        let Value::Builtin(b) = v else { return Err(cannot_pickle(vm, v)) };
        let classes: Vec<Value> = vm.interp.builtins.map.borrow().items().into_iter().map(|(_, c)| c).collect();
        for c in classes {
            let Value::Class(c) = c else { continue };
            let found = c.dict.borrow().get_pystr(&key).cloned();
            if let Some(Value::Builtin(f)) = found {
                if std::ptr::fn_addr_eq(f.func, b.func) {
                    out.push(tag::GLOBAL);
                    put_bytes(out, b"builtins");
                    put_bytes(out, format!("{}.{name}", c.name().as_str()).as_bytes());
                    return Ok(());
                }
            }
        }
        Err(cannot_pickle(vm, v))
    }

    /// A bound method: its receiver and the method name (`getattr(obj, name)` on decoding).
    fn method(&mut self, vm: &mut Vm, receiver: &Value, name: &str, out: &mut Vec<u8>) -> PyResult<()> {
        out.push(tag::METHOD);
        self.value(vm, receiver, out)?;
        put_bytes(out, name.as_bytes());
        Ok(())
    }

    /// An instance of a user class: class reference, the builtin value of a subclass of a
    /// builtin type, then `__dict__` or what `__getstate__` returns, as `object.__reduce_ex__`.
    fn instance(&mut self, vm: &mut Vm, v: &Value, i: &Rc<PyInstance>, out: &mut Vec<u8>) -> PyResult<()> {
        if i.exc.is_some() {
            return self.exception(vm, v, i, out);
        }
        self.open(tag::INSTANCE, v, true, out);
        self.value(vm, &Value::Class(i.class.clone()), out)?;
        let base = i.base_value.borrow().clone();
        let getstate = i.class.lookup_override(&PyStr::new("__getstate__")).is_some();
        out.push(if base.is_some() { HAS_BASE } else { 0 } | if getstate { GETSTATE } else { 0 });
        if let Some(b) = &base {
            self.value(vm, b, out)?;
        }
        if getstate {
            let state = vm.call_method(v, "__getstate__", Args::default())?;
            return self.value(vm, &state, out);
        }
        let items = i.dict.map.borrow().items();
        self.pairs(vm, &items, out)
    }

    /// An exception: class reference, `args`, `__dict__`, as `BaseException.__reduce__`. The
    /// `name` and `obj` of AttributeError and NameError live outside `__dict__` in CPython,
    /// so they do not cross: they arrive as None (tpy keeps them in `__dict__`).
    fn exception(&mut self, vm: &mut Vm, v: &Value, i: &Rc<PyInstance>, out: &mut Vec<u8>) -> PyResult<()> {
        self.open(tag::EXCEPTION, v, true, out);
        self.value(vm, &Value::Class(i.class.clone()), out)?;
        let args = i.exc.as_ref().map(|e| e.borrow().args.clone()).unwrap_or_default();
        self.seq(vm, tag::TUPLE, &Value::None, &args, out)?;
        let builtin_attrs = [ExcKind::AttributeError, ExcKind::NameError].iter().any(|k| i.class.is_subclass(&vm.exc_class(*k)));
        let mut items = i.dict.map.borrow().items();
        if builtin_attrs {
            for (k, v) in items.iter_mut() {
                if matches!(k.as_str(), Some("name" | "obj")) {
                    *v = Value::None;
                }
            }
        }
        self.pairs(vm, &items, out)
    }
}

struct Decoder<'c> {
    codec: &'c dyn HandleCodec,
    /// Objects decoded so far, by memo index (None until an immutable one is complete).
    memo: Vec<Value>,
}

impl Decoder<'_> {
    /// Takes the next memo index, as the encoder did when it wrote the tag.
    fn slot(&mut self) -> usize {
        self.memo.push(Value::None);
        self.memo.len() - 1
    }

    fn value(&mut self, vm: &mut Vm, r: &mut Reader, depth: usize) -> PyResult<Value> {
        if depth > MAX_DEPTH {
            return Err(truncated(vm));
        }
        let t = r.u8().ok_or_else(|| truncated(vm))?;
        Ok(match t {
            tag::NONE => Value::None,
            tag::ELLIPSIS => Value::Ellipsis,
            tag::FALSE => Value::Bool(false),
            tag::TRUE => Value::Bool(true),
            tag::INT => Value::Int(r.u64().ok_or_else(|| truncated(vm))? as i64),
            tag::BIGINT => Value::from_bigint(BigInt::from_signed_bytes_le(r.bytes().ok_or_else(|| truncated(vm))?)),
            tag::FLOAT => Value::Float(f64::from_bits(r.u64().ok_or_else(|| truncated(vm))?)),
            tag::STR => Value::str(r.str().ok_or_else(|| truncated(vm))?),
            tag::BYTES => Value::Bytes(Rc::new(crate::runtime::objects::PyBytes::new(r.bytes().ok_or_else(|| truncated(vm))?.to_vec()))),
            tag::BYTEARRAY => {
                let slot = self.slot();
                let b = Value::ByteArray(Rc::new(crate::runtime::objects::PyBytes::new(r.bytes().ok_or_else(|| truncated(vm))?.to_vec())));
                self.memo[slot] = b.clone();
                b
            }
            tag::TUPLE | tag::SET | tag::FROZENSET => {
                let slot = self.slot();
                let items = self.items(vm, r, depth)?;
                let v = match t {
                    tag::TUPLE => Value::tuple(items),
                    tag::SET => vm.new_set(items)?,
                    _ => match vm.new_set(items)? {
                        Value::Set(s) => Value::FrozenSet(s),
                        other => other,
                    },
                };
                self.memo[slot] = v.clone();
                v
            }
            tag::LIST => {
                let slot = self.slot();
                let l = Rc::new(crate::runtime::objects::PyList::new(Vec::new()));
                self.memo[slot] = Value::List(l.clone());
                let n = r.varint().ok_or_else(|| truncated(vm))? as usize;
                for _ in 0..n {
                    let item = self.value(vm, r, depth + 1)?;
                    l.items.borrow_mut().push(item);
                }
                Value::List(l)
            }
            tag::DICT => {
                let slot = self.slot();
                let d = Rc::new(crate::runtime::objects::PyDict::new());
                self.memo[slot] = Value::Dict(d.clone());
                self.fill_dict(vm, r, depth, &d)?;
                Value::Dict(d)
            }
            tag::MEMO => {
                let index = r.varint().ok_or_else(|| truncated(vm))? as usize;
                self.memo.get(index).cloned().ok_or_else(|| truncated(vm))?
            }
            tag::RANGE => {
                let mut n = [0i64; 3];
                for x in n.iter_mut() {
                    *x = r.u64().ok_or_else(|| truncated(vm))? as i64;
                }
                Value::Range(Rc::new(crate::runtime::objects::PyRange { start: n[0], stop: n[1], step: n[2] }))
            }
            tag::GLOBAL => {
                let module = r.str().ok_or_else(|| truncated(vm))?.to_string();
                let name = r.str().ok_or_else(|| truncated(vm))?.to_string();
                find_global(vm, &module, &name)?
            }
            tag::METHOD => {
                let receiver = self.value(vm, r, depth + 1)?;
                let name = r.str().ok_or_else(|| truncated(vm))?.to_string();
                vm.get_attr(&receiver, &vm.intern(&name))?
            }
            tag::INSTANCE | tag::EXCEPTION => self.instance(vm, r, depth, t == tag::EXCEPTION)?,
            tag::HANDLE => self.codec.decode(vm, r)?,
            _ => return Err(truncated(vm)),
        })
    }

    fn items(&mut self, vm: &mut Vm, r: &mut Reader, depth: usize) -> PyResult<Vec<Value>> {
        let n = r.varint().ok_or_else(|| truncated(vm))? as usize;
        let mut items = Vec::with_capacity(n.min(1 << 16));
        for _ in 0..n {
            items.push(self.value(vm, r, depth + 1)?);
        }
        Ok(items)
    }

    /// Key-value pairs into `d`, one at a time (a value may refer back to `d`).
    fn fill_dict(&mut self, vm: &mut Vm, r: &mut Reader, depth: usize, d: &crate::runtime::objects::PyDict) -> PyResult<()> {
        let n = r.varint().ok_or_else(|| truncated(vm))? as usize;
        for _ in 0..n {
            let k = self.value(vm, r, depth + 1)?;
            let v = self.value(vm, r, depth + 1)?;
            match &k {
                Value::Str(s) => d.set_str(s, v),
                _ => vm.dict_set(d, k, v)?,
            }
        }
        Ok(())
    }

    /// Rebuilds an instance without calling `__init__`, as unpickling does; it enters the
    /// memo before its contents, which may refer back to it.
    fn instance(&mut self, vm: &mut Vm, r: &mut Reader, depth: usize, is_exc: bool) -> PyResult<Value> {
        let slot = self.slot();
        let Value::Class(class) = self.value(vm, r, depth + 1)? else { return Err(truncated(vm)) };
        let inst = Rc::new(PyInstance::new(class.clone()));
        let v = Value::Instance(inst.clone());
        self.memo[slot] = v.clone();
        if is_exc {
            let args = match self.value(vm, r, depth + 1)? {
                Value::Tuple(t) => t.items.to_vec(),
                _ => return Err(truncated(vm)),
            };
            match &inst.exc {
                Some(state) => state.borrow_mut().args = args,
                None => return Err(not_exception(vm, &class)),
            }
            self.fill_dict(vm, r, depth, &inst.dict)?;
            return Ok(v);
        }
        let flags = r.u8().ok_or_else(|| truncated(vm))?;
        if flags & HAS_BASE != 0 {
            let base = self.value(vm, r, depth + 1)?;
            *inst.base_value.borrow_mut() = Some(base);
        }
        if flags & GETSTATE == 0 {
            self.fill_dict(vm, r, depth, &inst.dict)?;
            return Ok(v);
        }
        // pickle's BUILD: `__setstate__(state)` if the class has one, else a dict state
        // updates `__dict__`.
        let state = self.value(vm, r, depth + 1)?;
        if inst.class.lookup_override(&PyStr::new("__setstate__")).is_some() {
            vm.call_method(&v, "__setstate__", Args::new([state]))?;
        } else if let Value::Dict(d) = &state {
            for (k, x) in d.map.borrow().items() {
                match &k {
                    Value::Str(s) => inst.dict.set_str(s, x),
                    _ => vm.dict_set(&inst.dict, k, x)?,
                }
            }
        }
        Ok(v)
    }
}

/// `module.qualname`, importing the module; the main script answers to both `__main__` and
/// `__mp_main__` (CPython aliases them in spawned children, `multiprocessing/spawn.py`).
pub fn find_global(vm: &mut Vm, module: &str, qualname: &str) -> PyResult<Value> {
    let mut obj = match module {
        "builtins" => {
            let key = vm.intern(qualname.split('.').next().unwrap_or(qualname));
            let found = vm.interp.builtins.get_str(&key);
            return match (found, qualname.split_once('.')) {
                (Some(v), None) => Ok(v),
                (Some(v), Some((_, rest))) => get_path(vm, v, rest),
                (None, _) => Err(vm.attribute_error(format!("Can't get attribute '{qualname}' on <module 'builtins' (built-in)>"))),
            };
        }
        "__main__" | "__mp_main__" => {
            let m = vm.interp.modules.borrow().get("__main__").cloned();
            m.ok_or_else(|| vm.attribute_error(format!("Can't get attribute '{qualname}' on <module '__main__'>")))?
        }
        // CPython's multiprocessing is a package (its classes name `multiprocessing.pool` and
        // such as their module); tpy's is one module.
        m if m.starts_with("multiprocessing.") => vm.import_module("multiprocessing")?,
        _ => vm.import_module(module)?,
    };
    if let Value::Module(m) = &obj {
        let head = qualname.split('.').next().unwrap_or(qualname);
        if m.dict.get_str(&PyStr::new(head)).is_none() {
            let file = match m.dict.get_str(&vm.interp.names.__file__) {
                Some(Value::Str(f)) => format!(" from '{}'", f.as_str()),
                _ => String::new(),
            };
            return Err(vm.attribute_error(format!("Can't get attribute '{qualname}' on <module '{}'{file}>", m.name.as_str())));
        }
    }
    obj = get_path(vm, obj, qualname)?;
    Ok(obj)
}

fn get_path(vm: &mut Vm, mut obj: Value, path: &str) -> PyResult<Value> {
    for part in path.split('.') {
        obj = vm.get_attr(&obj, &vm.intern(part))?;
    }
    Ok(obj)
}

/// `TypeError: cannot pickle 'X' object`.
pub fn cannot_pickle(vm: &Vm, v: &Value) -> PyException {
    let name = match v {
        Value::Native(n) => qualified_name(&n.class),
        _ => vm.type_name(v),
    };
    vm.type_error(format!("cannot pickle '{name}' object"))
}

fn qualified_name(c: &PyClass) -> String {
    match c.module.borrow().as_str() {
        Some(m) if m != "builtins" => format!("{m}.{}", c.name().as_str()),
        _ => c.name().as_str().to_string(),
    }
}

/// `_pickle.PicklingError(msg)`; the class lives in `multiprocessing` (tpy has no `pickle`).
pub fn pickling_error(vm: &mut Vm, msg: String) -> PyException {
    let class = vm.import_module("multiprocessing").and_then(|m| vm.get_attr(&m, &vm.intern("PicklingError"))).ok().and_then(|c| {
        if let Value::Class(c) = c {
            Some(c)
        } else {
            None
        }
    });
    match class {
        Some(c) => vm.new_exception(c, vec![Value::from_string(msg)]),
        None => vm.type_error(msg),
    }
}

fn not_exception(vm: &Vm, class: &PyClass) -> PyException {
    vm.type_error(format!("{} is not an exception class", class.name().as_str()))
}

fn truncated(vm: &Vm) -> PyException {
    vm.new_error(ExcKind::EOFError, "Ran out of input")
}
