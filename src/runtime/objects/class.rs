//! Classes (`type` objects, builtin and user-defined), their instances, and modules.

use crate::runtime::objects::{DictMap, PyDict, PyStr};
use crate::runtime::value::Value;
use hashbrown::HashTable;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

/// Which builtin layout the instances of a class carry (a subclass of `list` holds a list...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BaseKind {
    Object,
    Int,
    Float,
    Str,
    Bytes,
    Tuple,
    List,
    Dict,
    Set,
    FrozenSet,
    Exception,
    /// A builtin class that cannot be subclassed (bool, NoneType, function, ...).
    Final,
}

pub struct PyClass {
    pub name: RefCell<Rc<PyStr>>,
    pub qualname: RefCell<Rc<PyStr>>,
    pub module: RefCell<Value>,
    pub bases: RefCell<Vec<Rc<PyClass>>>,
    /// Method resolution order, excluding the class itself (which would be an `Rc` cycle).
    pub mro: RefCell<Vec<Rc<PyClass>>>,
    pub dict: RefCell<DictMap>,
    pub base_kind: BaseKind,
    /// True for classes created by `class` statements (attributes may be set on them).
    pub is_heap: bool,
    /// Bumped whenever this class's dict changes, so attribute caches can validate.
    pub version: Cell<u64>,
    /// The metaclass, when not `type`.
    pub metaclass: RefCell<Option<Rc<PyClass>>>,
    pub self_ref: RefCell<Weak<PyClass>>,
    /// Results of `lookup` along the MRO (found or not), cleared when this class or a base
    /// changes, like CPython's type attribute cache.
    cache: RefCell<HashTable<(Rc<PyStr>, Option<Value>)>>,
    /// Direct subclasses, whose caches depend on this class.
    subclasses: RefCell<Vec<Weak<PyClass>>>,
}

impl PyClass {
    pub fn name(&self) -> Rc<PyStr> {
        self.name.borrow().clone()
    }

    /// Looks `name` up along the MRO (the class first), through the cache.
    pub fn lookup(&self, name: &Rc<PyStr>) -> Option<Value> {
        let hash = name.hash() as u64;
        let same = |e: &(Rc<PyStr>, Option<Value>)| Rc::ptr_eq(&e.0, name) || e.0.as_str() == name.as_str();
        if let Some((_, v)) = self.cache.borrow().find(hash, same) {
            return v.clone();
        }
        let found = self.lookup_uncached(name);
        let mut cache = self.cache.borrow_mut();
        if cache.len() < MAX_CACHED_NAMES {
            cache.insert_unique(hash, (name.clone(), found.clone()), |e| e.0.hash() as u64);
        }
        found
    }

    /// Forgets cached lookups of this class and of every class below it.
    pub fn invalidate(&self) {
        self.cache.borrow_mut().clear();
        self.version.set(self.version.get() + 1);
        self.subclasses.borrow_mut().retain(|w| w.strong_count() > 0);
        let subs: Vec<Rc<PyClass>> = self.subclasses.borrow().iter().filter_map(Weak::upgrade).collect();
        for s in subs {
            s.invalidate();
        }
    }

    fn lookup_uncached(&self, name: &PyStr) -> Option<Value> {
        if let Some(v) = self.dict.borrow().get_pystr(name) {
            return Some(v.clone());
        }
        for c in self.mro.borrow().iter() {
            if let Some(v) = c.dict.borrow().get_pystr(name) {
                return Some(v.clone());
            }
        }
        None
    }

    /// Like `lookup`, but ignoring what every class inherits from `object`: finds overrides.
    pub fn lookup_override(&self, name: &PyStr) -> Option<Value> {
        let hash = name.hash();
        if self.mro.borrow().is_empty() {
            return None;
        }
        if let Some(v) = self.dict.borrow().get_str(hash, name.as_str()) {
            return Some(v.clone());
        }
        let mro = self.mro.borrow();
        for c in mro.iter().take(mro.len().saturating_sub(1)) {
            if let Some(v) = c.dict.borrow().get_str(hash, name.as_str()) {
                return Some(v.clone());
            }
        }
        None
    }

    pub fn lookup_str(&self, name: &str) -> Option<Value> {
        self.lookup_uncached(&PyStr::new(name))
    }

    /// `issubclass(self, other)`.
    pub fn is_subclass(&self, other: &PyClass) -> bool {
        std::ptr::eq(self, other) || self.mro.borrow().iter().any(|c| std::ptr::eq(&**c, other))
    }

    pub fn set_attr(&self, name: &Rc<PyStr>, value: Value) {
        self.dict.borrow_mut().set_str(name, value);
        self.invalidate();
    }

    /// The full MRO including the class itself, as `__mro__` shows it.
    pub fn full_mro(&self) -> Vec<Rc<PyClass>> {
        let mut v = Vec::new();
        if let Some(me) = self.self_ref.borrow().upgrade() {
            v.push(me);
        }
        v.extend(self.mro.borrow().iter().cloned());
        v
    }
}

/// The state an exception instance carries beyond its attributes.
#[derive(Default)]
pub struct ExcState {
    pub args: Vec<Value>,
    /// Frames the exception passed through, innermost last: (filename, line, function name).
    pub traceback: Vec<TracebackEntry>,
    pub cause: Option<Value>,
    pub context: Option<Value>,
    pub suppress_context: bool,
}

#[derive(Clone)]
pub struct TracebackEntry {
    pub filename: Rc<str>,
    pub line: u32,
    pub name: Rc<str>,
}

/// An instance of a user class (or of a builtin exception class).
pub struct PyInstance {
    pub class: Rc<PyClass>,
    pub dict: Rc<PyDict>,
    /// For subclasses of builtin types: the builtin value this instance extends.
    pub base_value: RefCell<Option<Value>>,
    /// For exceptions.
    pub exc: Option<RefCell<ExcState>>,
}

impl PyInstance {
    pub fn new(class: Rc<PyClass>) -> PyInstance {
        let exc = (class.base_kind == BaseKind::Exception).then(|| RefCell::new(ExcState::default()));
        PyInstance { class, dict: Rc::new(PyDict::new()), base_value: RefCell::new(None), exc }
    }
}

pub struct PyModule {
    pub name: Rc<PyStr>,
    pub dict: Rc<PyDict>,
}

impl PyClass {
    /// A new class object; `mro` is computed from `bases` (C3), the class itself left out.
    pub fn new(name: &str, bases: Vec<Rc<PyClass>>, base_kind: BaseKind, is_heap: bool) -> Result<Rc<PyClass>, String> {
        let mro = compute_mro(&bases)?;
        let class = Rc::new(PyClass {
            name: RefCell::new(Rc::new(PyStr::new(name))),
            qualname: RefCell::new(Rc::new(PyStr::new(name))),
            module: RefCell::new(Value::str("builtins")),
            bases: RefCell::new(bases),
            mro: RefCell::new(mro),
            dict: RefCell::new(DictMap::new()),
            base_kind,
            is_heap,
            version: Cell::new(0),
            metaclass: RefCell::new(None),
            self_ref: RefCell::new(Weak::new()),
            cache: RefCell::new(HashTable::new()),
            subclasses: RefCell::new(Vec::new()),
        });
        *class.self_ref.borrow_mut() = Rc::downgrade(&class);
        for b in class.bases.borrow().iter() {
            b.subclasses.borrow_mut().push(Rc::downgrade(&class));
        }
        Ok(class)
    }
}

/// Cached names per class; beyond this lookups still work, uncached.
const MAX_CACHED_NAMES: usize = 512;

/// C3 linearisation of `bases` (the MRO of a class with these bases, minus the class).
pub fn compute_mro(bases: &[Rc<PyClass>]) -> Result<Vec<Rc<PyClass>>, String> {
    let mut seqs: Vec<Vec<Rc<PyClass>>> = bases.iter().map(|b| b.full_mro()).collect();
    seqs.push(bases.to_vec());
    let mut out: Vec<Rc<PyClass>> = Vec::new();
    loop {
        seqs.retain(|s| !s.is_empty());
        if seqs.is_empty() {
            return Ok(out);
        }
        let candidate = seqs.iter().map(|s| s[0].clone()).find(|c| !seqs.iter().any(|s| s[1..].iter().any(|x| Rc::ptr_eq(x, c))));
        let Some(c) = candidate else {
            let mut names: Vec<String> = Vec::new();
            for s in &seqs {
                let n = s[0].name().as_str().to_string();
                if !names.contains(&n) {
                    names.push(n);
                }
            }
            // CPython's message has this line break (Objects/typeobject.c, set_mro_error).
            return Err(format!("Cannot create a consistent method resolution\norder (MRO) for bases {}", names.join(", ")));
        };
        for s in seqs.iter_mut() {
            if Rc::ptr_eq(&s[0], &c) {
                s.remove(0);
            }
        }
        out.push(c);
    }
}
