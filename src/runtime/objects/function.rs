//! Callables: Python functions (code + globals + defaults + closure), builtin functions, bound
//! methods, and the cell objects closures share.

use crate::bytecode::CodeObject;
use crate::runtime::objects::{PyDict, PyStr};
use crate::runtime::value::Value;
use crate::vm::{PyResult, Vm};
use std::cell::RefCell;
use std::rc::Rc;

/// A closure cell: one variable shared by a function and the functions nested in it.
pub type Cell = Rc<RefCell<Option<Value>>>;

pub struct PyFunction {
    pub code: Rc<CodeObject>,
    pub globals: Rc<PyDict>,
    pub name: RefCell<Rc<PyStr>>,
    pub qualname: RefCell<Rc<PyStr>>,
    /// Defaults of the last positional parameters.
    pub defaults: RefCell<Vec<Value>>,
    /// Defaults of keyword-only parameters, by name.
    pub kwdefaults: RefCell<Vec<(Rc<PyStr>, Value)>>,
    pub closure: Vec<Cell>,
    pub annotations: RefCell<Option<Value>>,
    /// `__dict__`: attributes set on the function (`functools.wraps`, counters...).
    pub dict: Rc<PyDict>,
    pub module: RefCell<Value>,
    pub doc: RefCell<Value>,
}

/// The one signature of every builtin: interpreter handle and arguments in, result out.
pub type NativeFn = fn(&mut Vm, Args) -> PyResult<Value>;

/// Arguments of a builtin call: positional values, then keyword (name, value) pairs.
#[derive(Default)]
pub struct Args {
    pub pos: smallvec::SmallVec<[Value; 4]>,
    pub kw: Vec<(Rc<PyStr>, Value)>,
}

impl Args {
    pub fn new(pos: impl IntoIterator<Item = Value>) -> Args {
        Args { pos: pos.into_iter().collect(), kw: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.pos.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pos.is_empty()
    }

    /// Removes and returns the keyword argument `name`, if given.
    pub fn take_kw(&mut self, name: &str) -> Option<Value> {
        let i = self.kw.iter().position(|(k, _)| k.as_str() == name)?;
        Some(self.kw.remove(i).1)
    }
}

pub struct Builtin {
    pub name: &'static str,
    pub func: NativeFn,
    /// The object a builtin method is bound to (`[].append` binds the list).
    pub bound: Option<Value>,
    /// The qualified-name prefix for reprs (`list` in `<method 'append' of 'list' objects>`).
    pub owner: Option<&'static str>,
}

/// A Python function bound to an instance (`obj.method`).
pub struct BoundMethod {
    pub func: Value,
    pub receiver: Value,
}
