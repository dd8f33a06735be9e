//! The builtin classes (`int`, `str`, `list`, the exceptions...), created once per interpreter.
//! Their Python-visible methods come from the tables in `runtime::methods`.

use crate::runtime::methods;
use crate::runtime::objects::{BaseKind, Builtin, NativeFn, PyClass, PyStr};
use crate::runtime::value::Value;
use crate::vm::ExcKind;
use std::rc::Rc;

pub struct Types {
    pub object: Rc<PyClass>,
    pub type_: Rc<PyClass>,
    pub int: Rc<PyClass>,
    pub bool: Rc<PyClass>,
    pub float: Rc<PyClass>,
    pub str: Rc<PyClass>,
    pub bytes: Rc<PyClass>,
    pub bytearray: Rc<PyClass>,
    pub list: Rc<PyClass>,
    pub tuple: Rc<PyClass>,
    pub dict: Rc<PyClass>,
    pub set: Rc<PyClass>,
    pub frozenset: Rc<PyClass>,
    pub range: Rc<PyClass>,
    pub slice: Rc<PyClass>,
    pub none: Rc<PyClass>,
    pub not_implemented: Rc<PyClass>,
    pub ellipsis: Rc<PyClass>,
    pub function: Rc<PyClass>,
    pub builtin_function: Rc<PyClass>,
    pub method: Rc<PyClass>,
    pub module: Rc<PyClass>,
    pub generator: Rc<PyClass>,
    pub coroutine: Rc<PyClass>,
    pub async_generator: Rc<PyClass>,
    pub code: Rc<PyClass>,
    pub property: Rc<PyClass>,
    pub classmethod: Rc<PyClass>,
    pub staticmethod: Rc<PyClass>,
    pub super_: Rc<PyClass>,
    pub iterator: Rc<PyClass>,
    pub dict_keys: Rc<PyClass>,
    pub dict_values: Rc<PyClass>,
    pub dict_items: Rc<PyClass>,
    pub traceback: Rc<PyClass>,
    pub async_gen_step: Rc<PyClass>,
    pub exceptions: Vec<Rc<PyClass>>,
    /// The classes of builtin iterators, by kind (`list_iterator`, `enumerate`, `zip`...).
    pub iterators: Vec<Rc<PyClass>>,
}

/// The kinds of builtin iterator, each with its own class as in CPython.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IterKind {
    List,
    Tuple,
    Str,
    Bytes,
    Range,
    DictKeys,
    DictValues,
    DictItems,
    Set,
    Reversed,
    Enumerate,
    Zip,
    Map,
    Filter,
    Callable,
    Generic,
}

impl IterKind {
    pub const ALL: [IterKind; 16] = [
        IterKind::List,
        IterKind::Tuple,
        IterKind::Str,
        IterKind::Bytes,
        IterKind::Range,
        IterKind::DictKeys,
        IterKind::DictValues,
        IterKind::DictItems,
        IterKind::Set,
        IterKind::Reversed,
        IterKind::Enumerate,
        IterKind::Zip,
        IterKind::Map,
        IterKind::Filter,
        IterKind::Callable,
        IterKind::Generic,
    ];

    pub fn class_name(self) -> &'static str {
        match self {
            IterKind::List => "list_iterator",
            IterKind::Tuple => "tuple_iterator",
            IterKind::Str => "str_ascii_iterator",
            IterKind::Bytes => "bytes_iterator",
            IterKind::Range => "range_iterator",
            IterKind::DictKeys => "dict_keyiterator",
            IterKind::DictValues => "dict_valueiterator",
            IterKind::DictItems => "dict_itemiterator",
            IterKind::Set => "set_iterator",
            IterKind::Reversed => "reversed",
            IterKind::Enumerate => "enumerate",
            IterKind::Zip => "zip",
            IterKind::Map => "map",
            IterKind::Filter => "filter",
            IterKind::Callable => "callable_iterator",
            IterKind::Generic => "iterator",
        }
    }

    /// The kind of iterator a state belongs to.
    pub fn of(state: &crate::runtime::objects::IterState) -> IterKind {
        use crate::runtime::objects::{IterState, ViewKind};
        match state {
            IterState::Seq { seq: Value::List(_), .. } => IterKind::List,
            IterState::Seq { seq: Value::Tuple(_), .. } => IterKind::Tuple,
            IterState::Seq { seq: Value::Str(_), .. } => IterKind::Str,
            IterState::Seq { .. } => IterKind::Bytes,
            IterState::Range { .. } => IterKind::Range,
            IterState::Dict { kind: ViewKind::Keys, .. } => IterKind::DictKeys,
            IterState::Dict { kind: ViewKind::Values, .. } => IterKind::DictValues,
            IterState::Dict { kind: ViewKind::Items, .. } => IterKind::DictItems,
            IterState::Set { .. } => IterKind::Set,
            IterState::Reversed { .. } => IterKind::Reversed,
            IterState::Enumerate { .. } => IterKind::Enumerate,
            IterState::Zip { .. } => IterKind::Zip,
            IterState::Map { .. } => IterKind::Map,
            IterState::Filter { .. } => IterKind::Filter,
            IterState::Callable { .. } => IterKind::Callable,
            _ => IterKind::Generic,
        }
    }
}

fn class(name: &str, bases: &[&Rc<PyClass>], kind: BaseKind) -> Rc<PyClass> {
    let bases = bases.iter().map(|b| (*b).clone()).collect();
    PyClass::new(name, bases, kind, false).expect("builtin class hierarchy is consistent")
}

impl Types {
    pub fn new() -> Types {
        let object = class("object", &[], BaseKind::Object);
        let o = &object;
        let int = class("int", &[o], BaseKind::Int);
        let mut exceptions: Vec<Rc<PyClass>> = Vec::new();
        for &kind in ExcKind::ALL {
            let parent = if kind == ExcKind::BaseException { o.clone() } else { exceptions[kind.parent() as usize].clone() };
            exceptions.push(class(kind.name(), &[&parent], BaseKind::Exception));
        }
        let types = Types {
            type_: class("type", &[o], BaseKind::Object),
            bool: class("bool", &[&int], BaseKind::Final),
            int,
            float: class("float", &[o], BaseKind::Float),
            str: class("str", &[o], BaseKind::Str),
            bytes: class("bytes", &[o], BaseKind::Bytes),
            bytearray: class("bytearray", &[o], BaseKind::Final),
            list: class("list", &[o], BaseKind::List),
            tuple: class("tuple", &[o], BaseKind::Tuple),
            dict: class("dict", &[o], BaseKind::Dict),
            set: class("set", &[o], BaseKind::Set),
            frozenset: class("frozenset", &[o], BaseKind::FrozenSet),
            range: class("range", &[o], BaseKind::Final),
            slice: class("slice", &[o], BaseKind::Final),
            none: class("NoneType", &[o], BaseKind::Final),
            not_implemented: class("NotImplementedType", &[o], BaseKind::Final),
            ellipsis: class("ellipsis", &[o], BaseKind::Final),
            function: class("function", &[o], BaseKind::Final),
            builtin_function: class("builtin_function_or_method", &[o], BaseKind::Final),
            method: class("method", &[o], BaseKind::Final),
            module: class("module", &[o], BaseKind::Object),
            generator: class("generator", &[o], BaseKind::Final),
            coroutine: class("coroutine", &[o], BaseKind::Final),
            async_generator: class("async_generator", &[o], BaseKind::Final),
            code: class("code", &[o], BaseKind::Final),
            property: class("property", &[o], BaseKind::Object),
            classmethod: class("classmethod", &[o], BaseKind::Object),
            staticmethod: class("staticmethod", &[o], BaseKind::Object),
            super_: class("super", &[o], BaseKind::Object),
            iterator: class("iterator", &[o], BaseKind::Final),
            dict_keys: class("dict_keys", &[o], BaseKind::Final),
            dict_values: class("dict_values", &[o], BaseKind::Final),
            dict_items: class("dict_items", &[o], BaseKind::Final),
            traceback: class("traceback", &[o], BaseKind::Final),
            async_gen_step: class("async_generator_asend", &[o], BaseKind::Final),
            exceptions,
            iterators: IterKind::ALL.iter().map(|k| class(k.class_name(), &[o], BaseKind::Final)).collect(),
            object,
        };
        methods::install(&types);
        types
    }

    pub fn iter_class(&self, kind: IterKind) -> Rc<PyClass> {
        self.iterators[kind as usize].clone()
    }

    /// Adds builtin methods to a class's dict.
    pub fn add_methods(class: &Rc<PyClass>, owner: &'static str, table: &[(&'static str, NativeFn)]) {
        for &(name, func) in table {
            let b = Builtin { name, func, bound: None, owner: Some(owner) };
            class.set_attr(&Rc::new(PyStr::new(name)), Value::Builtin(Rc::new(b)));
        }
    }

    /// Adds builtin class methods (wrapped in `classmethod`) to a class's dict.
    pub fn add_class_methods(class: &Rc<PyClass>, owner: &'static str, table: &[(&'static str, NativeFn)], cm: &Rc<PyClass>) {
        use crate::runtime::objects::{NativeData, NativeObject};
        for &(name, func) in table {
            let b = Value::Builtin(Rc::new(Builtin { name, func, bound: None, owner: Some(owner) }));
            let wrapped = Value::Native(Rc::new(NativeObject::new(cm.clone(), NativeData::ClassMethod(b))));
            class.set_attr(&Rc::new(PyStr::new(name)), wrapped);
        }
    }

    /// The class of any value (`type(v)`).
    pub fn type_of(&self, v: &Value) -> Rc<PyClass> {
        match v {
            Value::None => self.none.clone(),
            Value::NotImplemented => self.not_implemented.clone(),
            Value::Ellipsis => self.ellipsis.clone(),
            Value::Bool(_) => self.bool.clone(),
            Value::Int(_) | Value::BigInt(_) => self.int.clone(),
            Value::Float(_) => self.float.clone(),
            Value::Str(_) => self.str.clone(),
            Value::Bytes(_) => self.bytes.clone(),
            Value::ByteArray(_) => self.bytearray.clone(),
            Value::Tuple(_) => self.tuple.clone(),
            Value::List(_) => self.list.clone(),
            Value::Dict(_) => self.dict.clone(),
            Value::Set(_) => self.set.clone(),
            Value::FrozenSet(_) => self.frozenset.clone(),
            Value::Range(_) => self.range.clone(),
            Value::Slice(_) => self.slice.clone(),
            Value::Function(_) => self.function.clone(),
            Value::Builtin(_) => self.builtin_function.clone(),
            Value::Method(_) => self.method.clone(),
            Value::Class(c) => c.metaclass.borrow().clone().unwrap_or_else(|| self.type_.clone()),
            Value::Instance(i) => i.class.clone(),
            Value::Module(_) => self.module.clone(),
            Value::Generator(g) => match g.kind {
                crate::runtime::objects::GenKind::Generator => self.generator.clone(),
                crate::runtime::objects::GenKind::Coroutine => self.coroutine.clone(),
                crate::runtime::objects::GenKind::AsyncGenerator => self.async_generator.clone(),
            },
            Value::Code(_) => self.code.clone(),
            Value::Native(n) => n.class.clone(),
        }
    }
}

impl Default for Types {
    fn default() -> Self {
        Types::new()
    }
}
