//! Builtin objects that need no variant of their own in `Value`: iterators, dict views,
//! descriptors (`property`, `classmethod`, `staticmethod`), `super` objects, and anything a
//! module defines (`data: Any`, downcast by the module that made it).

use crate::runtime::objects::{PyClass, PyDict, PySet};
use crate::runtime::value::Value;
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

pub struct NativeObject {
    pub class: Rc<PyClass>,
    pub data: NativeData,
}

pub enum NativeData {
    Iter(RefCell<IterState>),
    DictView(Rc<PyDict>, ViewKind),
    Property {
        fget: Value,
        fset: Value,
        fdel: Value,
        doc: Value,
    },
    ClassMethod(Value),
    StaticMethod(Value),
    /// `super(cls, obj)`: look attributes up after `cls` in `type(obj)`'s MRO.
    Super {
        start: Rc<PyClass>,
        obj: Value,
    },
    /// A module-defined object (a file, a lock, a deque...).
    Any(Box<dyn Any>),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ViewKind {
    Keys,
    Values,
    Items,
}

/// The state of a builtin iterator.
pub enum IterState {
    /// Over a list, tuple, str, bytes or any value indexed by position.
    Seq {
        seq: Value,
        index: usize,
    },
    Range {
        next: i64,
        stop: i64,
        step: i64,
    },
    Dict {
        dict: Rc<PyDict>,
        slot: usize,
        len: usize,
        kind: ViewKind,
    },
    Set {
        set: Rc<PySet>,
        slot: usize,
        len: usize,
    },
    Reversed {
        seq: Value,
        index: isize,
    },
    Enumerate {
        inner: Value,
        count: Value,
    },
    Zip {
        iters: Vec<Value>,
        strict: bool,
    },
    Map {
        func: Value,
        iters: Vec<Value>,
    },
    Filter {
        func: Value,
        inner: Value,
    },
    /// `iter(callable, sentinel)`.
    Callable {
        func: Value,
        sentinel: Value,
    },
    /// An iterator over values computed ahead of time (snapshots).
    Values {
        items: Vec<Value>,
        index: usize,
    },
    Exhausted,
}

impl NativeObject {
    pub fn new(class: Rc<PyClass>, data: NativeData) -> NativeObject {
        NativeObject { class, data }
    }

    pub fn downcast<T: 'static>(&self) -> Option<&T> {
        match &self.data {
            NativeData::Any(b) => b.downcast_ref::<T>(),
            _ => None,
        }
    }
}

/// Marks an iterator as exhausted after it raised StopIteration once (iterators stay exhausted).
pub fn exhaust(state: &RefCell<IterState>) {
    *state.borrow_mut() = IterState::Exhausted;
}

/// A counter used by reprs of objects that show their identity.
pub type IdCell = Cell<usize>;
