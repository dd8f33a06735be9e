//! `Value`: one Python value in 16 bytes. Small ints, floats, bools and None are held inline
//! (no allocation); everything else is an `Rc` to an object of `runtime::objects`.
//! Values are `!Send`: only a thread holding the GIL can reach them (see `platform`).

use crate::bytecode::CodeObject;
use crate::runtime::objects::{
    BoundMethod, Builtin, NativeObject, PyBytes, PyClass, PyDict, PyFunction, PyGenerator, PyInstance, PyList, PyModule, PyRange, PySet,
    PySlice, PyStr, PyTuple,
};
use num_bigint::BigInt;
use std::rc::Rc;

#[derive(Clone)]
pub enum Value {
    None,
    NotImplemented,
    Ellipsis,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// An int that does not fit in i64 (always normalised: never holds a value that would fit).
    BigInt(Rc<BigInt>),
    Str(Rc<PyStr>),
    Bytes(Rc<PyBytes>),
    ByteArray(Rc<PyBytes>),
    Tuple(Rc<PyTuple>),
    List(Rc<PyList>),
    Dict(Rc<PyDict>),
    Set(Rc<PySet>),
    FrozenSet(Rc<PySet>),
    Range(Rc<PyRange>),
    Slice(Rc<PySlice>),
    Function(Rc<PyFunction>),
    Builtin(Rc<Builtin>),
    Method(Rc<BoundMethod>),
    Class(Rc<PyClass>),
    Instance(Rc<PyInstance>),
    Module(Rc<PyModule>),
    Generator(Rc<PyGenerator>),
    Code(Rc<CodeObject>),
    /// Everything else built into the runtime: iterators, properties, file objects, locks...
    Native(Rc<NativeObject>),
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Str(Rc::new(PyStr::new(s)))
    }

    pub fn from_string(s: String) -> Value {
        Value::Str(Rc::new(PyStr::from(s)))
    }

    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(Rc::new(PyTuple::new(items)))
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(PyList::new(items)))
    }

    pub fn from_bigint(b: BigInt) -> Value {
        use num_traits::ToPrimitive;
        match b.to_i64() {
            Some(i) => Value::Int(i),
            None => Value::BigInt(Rc::new(b)),
        }
    }

    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }

    /// Python's `is`: identity for heap objects, value identity for inline ones (CPython
    /// caches small ints and the singletons, so `x is None` and `True is True` hold).
    pub fn is(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::None, Value::None) | (Value::NotImplemented, Value::NotImplemented) | (Value::Ellipsis, Value::Ellipsis) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a.to_bits() == b.to_bits(),
            _ => match (self.heap_ptr(), other.heap_ptr()) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            },
        }
    }

    /// The address of the heap object, if any: used for `is`, `id()` and recursion guards.
    pub fn heap_ptr(&self) -> Option<usize> {
        fn p<T: ?Sized>(r: &Rc<T>) -> usize {
            Rc::as_ptr(r) as *const u8 as usize
        }
        Some(match self {
            Value::BigInt(r) => p(r),
            Value::Str(r) => p(r),
            Value::Bytes(r) | Value::ByteArray(r) => p(r),
            Value::Tuple(r) => p(r),
            Value::List(r) => p(r),
            Value::Dict(r) => p(r),
            Value::Set(r) | Value::FrozenSet(r) => p(r),
            Value::Range(r) => p(r),
            Value::Slice(r) => p(r),
            Value::Function(r) => p(r),
            Value::Builtin(r) => p(r),
            Value::Method(r) => p(r),
            Value::Class(r) => p(r),
            Value::Instance(r) => p(r),
            Value::Module(r) => p(r),
            Value::Generator(r) => p(r),
            Value::Code(r) => p(r),
            Value::Native(r) => p(r),
            _ => return None,
        })
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s.as_str()),
            _ => None,
        }
    }

    pub fn as_pystr(&self) -> Option<&Rc<PyStr>> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::str(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::from_string(s)
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::None => write!(f, "None"),
            Value::Bool(b) => write!(f, "{}", if *b { "True" } else { "False" }),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x:?}"),
            Value::BigInt(b) => write!(f, "{b}"),
            Value::Str(s) => write!(f, "{:?}", s.as_str()),
            Value::Code(c) => write!(f, "<code {}>", c.name.as_str()),
            other => write!(f, "<{} object>", other.kind_name()),
        }
    }
}

impl Value {
    /// A short name of the Rust-level variant, for debugging output only.
    fn kind_name(&self) -> &'static str {
        match self {
            Value::List(_) => "list",
            Value::Tuple(_) => "tuple",
            Value::Dict(_) => "dict",
            Value::Function(_) => "function",
            Value::Class(_) => "type",
            Value::Instance(_) => "instance",
            _ => "value",
        }
    }
}
