//! Calling: argument binding for Python functions (with CPython's error messages), calls of
//! every callable kind, class instantiation (`__new__` then `__init__`), and class creation.

use super::eval::ExecResult;
use super::frame::Frame;
use super::{ExcKind, PyResult, Vm};
use crate::bytecode::{flags, CodeObject};
use crate::runtime::objects::{
    Args, BaseKind, Builtin, Cell, GenKind, NativeData, PyClass, PyDict, PyFunction, PyGenerator, PyInstance, PyStr,
};
use crate::runtime::value::Value;
use std::cell::RefCell;
use std::rc::Rc;

/// Frames kept for reuse per thread.
const FRAME_POOL_SIZE: usize = 64;

/// Code flags that need the general argument binding.
const SLOW_CALL_FLAGS: u32 = flags::VARARGS | flags::VARKEYWORDS | flags::GENERATOR | flags::COROUTINE | flags::ASYNC_GENERATOR;

impl Vm {
    /// Calls any callable value.
    pub fn call(&mut self, callable: &Value, mut args: Args) -> PyResult<Value> {
        match callable {
            Value::Function(func) => self.call_function(func, args),
            Value::Builtin(b) => {
                if let Some(recv) = &b.bound {
                    args.pos.insert(0, recv.clone());
                }
                let r = (b.func)(self, args);
                // A generator whose last reference was an argument (`next(iter(gen()))`).
                if self.interp.close_queue.has_pending() {
                    self.run_pending_closes();
                }
                r
            }
            Value::Method(m) => {
                args.pos.insert(0, m.receiver.clone());
                self.call(&m.func.clone(), args)
            }
            Value::Class(c) if c.metaclass.borrow().is_some() => self.call_via_metaclass(c, args),
            Value::Class(c) => self.instantiate(c, args),
            Value::Native(n) => match &n.data {
                NativeData::StaticMethod(f) => self.call(&f.clone(), args),
                _ => self.call_dunder_call(callable, args),
            },
            _ => self.call_dunder_call(callable, args),
        }
    }

    /// `Cls(...)` where `type(Cls)` is a metaclass that may define `__call__`.
    fn call_via_metaclass(&mut self, cls: &Rc<PyClass>, args: Args) -> PyResult<Value> {
        let meta = cls.metaclass.borrow().clone().expect("metaclass");
        match meta.lookup(&self.interp.names.__call__) {
            Some(f) if !matches!(&f, Value::Builtin(_)) => {
                let bound = self.bind_descriptor(f, Value::Class(cls.clone()), &meta)?;
                self.call(&bound, args)
            }
            _ => self.instantiate(cls, args),
        }
    }

    fn call_dunder_call(&mut self, callable: &Value, args: Args) -> PyResult<Value> {
        let cls = self.type_of(callable);
        match cls.lookup(&self.interp.names.__call__) {
            Some(f) if matches!(callable, Value::Instance(_)) || cls.is_heap => {
                let bound = self.bind_descriptor(f, callable.clone(), &cls)?;
                self.call(&bound, args)
            }
            _ => Err(self.type_error(format!("'{}' object is not callable", cls.name().as_str()))),
        }
    }

    pub fn call_function(&mut self, func: &Rc<PyFunction>, args: Args) -> PyResult<Value> {
        let frame = self.frame_for_call(func, args)?;
        if func.code.is_generator_like() {
            return Ok(self.new_generator(func, frame));
        }
        match self.execute(frame, None)? {
            ExecResult::Return(v) => Ok(v),
            ExecResult::Yield(..) => unreachable!("plain function yielded"),
        }
    }

    fn new_generator(&self, func: &Rc<PyFunction>, frame: Box<Frame>) -> Value {
        let code = &func.code;
        let kind = if code.has_flag(flags::COROUTINE) {
            GenKind::Coroutine
        } else if code.has_flag(flags::ASYNC_GENERATOR) {
            GenKind::AsyncGenerator
        } else {
            GenKind::Generator
        };
        let name = func.name.borrow().clone();
        let qualname = func.qualname.borrow().clone();
        Value::Generator(Rc::new(PyGenerator::new(frame, kind, name, qualname, self.interp.close_queue.clone())))
    }

    /// `f(*args, **kwargs)`.
    pub fn call_ex(&mut self, callable: &Value, args: Value, kwargs: Option<Value>) -> PyResult<Value> {
        let pos = match &args {
            Value::Tuple(t) => t.items.iter().cloned().collect(),
            other => self.collect(other)?.into_iter().collect(),
        };
        let mut kw = Vec::new();
        if let Some(Value::Dict(d)) = kwargs {
            for (k, v) in d.map.borrow().items() {
                match k {
                    Value::Str(s) => kw.push((s, v)),
                    _ => return Err(self.type_error("keywords must be strings")),
                }
            }
        }
        self.call(callable, Args { pos, kw })
    }

    /// A frame for `code`, recycled from the pool when one is free (saves three allocations
    /// per call). Its locals are all unbound.
    pub fn alloc_frame(&mut self, code: Rc<CodeObject>, globals: Rc<PyDict>, closure: &[Cell]) -> Box<Frame> {
        match self.frame_pool.pop() {
            Some(mut f) => {
                f.reset(code, globals, closure);
                f
            }
            None => {
                let n = code.varnames.len();
                let mut f = Box::new(Frame::new(code, globals, vec![None; n], closure));
                f.init_cell_params();
                f
            }
        }
    }

    /// Returns a finished frame to the pool.
    pub fn recycle_frame(&mut self, f: Box<Frame>) {
        self.release_frame(f);
        if self.interp.close_queue.has_pending() {
            self.run_pending_closes();
        }
    }

    /// Returns a finished frame to the pool, leaving what its locals freed to the caller's
    /// `run_pending_closes_at` (the dispatch loop knows the running frame; `self.frames` not).
    pub fn release_frame(&mut self, mut f: Box<Frame>) {
        if self.frame_pool.len() < FRAME_POOL_SIZE {
            f.clear();
            self.frame_pool.push(f);
        } else {
            drop(f);
        }
    }

    /// Whether a call with `argc` positional arguments and nothing else binds them straight
    /// to the first slots (no defaults, `*args`, keywords or generator to set up).
    pub fn is_simple_call(func: &PyFunction, argc: usize) -> bool {
        let code = &func.code;
        code.argcount as usize == argc && code.kwonlyargcount == 0 && code.flags & SLOW_CALL_FLAGS == 0
    }

    /// Binds arguments to a new frame for `func`, as CPython's `_PyEval_MakeFrameVector`.
    pub fn frame_for_call(&mut self, func: &Rc<PyFunction>, args: Args) -> PyResult<Box<Frame>> {
        let mut frame = self.alloc_frame(func.code.clone(), func.globals.clone(), &func.closure);
        if args.kw.is_empty() && Self::is_simple_call(func, args.pos.len()) {
            for (slot, v) in frame.locals.iter_mut().zip(args.pos) {
                *slot = Some(v);
            }
        } else if let Err(e) = self.bind_slow(func, args, &mut frame.locals) {
            self.recycle_frame(frame);
            return Err(e);
        }
        frame.init_cell_params();
        Ok(frame)
    }

    fn bind_slow(&mut self, func: &Rc<PyFunction>, args: Args, locals: &mut [Option<Value>]) -> PyResult<()> {
        let code = func.code.clone();
        let argcount = code.argcount as usize;
        let kwonly = code.kwonlyargcount as usize;
        let has_varargs = code.has_flag(flags::VARARGS);
        let has_varkw = code.has_flag(flags::VARKEYWORDS);
        let varargs_slot = argcount + kwonly;
        let varkw_slot = varargs_slot + has_varargs as usize;
        let qualname = func.qualname.borrow().as_str().to_string();
        let npos = args.pos.len();
        let mut pos = args.pos.into_iter();
        for slot in locals.iter_mut().take(argcount.min(npos)) {
            *slot = pos.next();
        }
        if npos > argcount {
            if has_varargs {
                locals[varargs_slot] = Some(Value::tuple(pos.collect()));
            } else {
                return Err(self.too_many_positional(func, &qualname, npos, args.kw.len()));
            }
        } else if has_varargs {
            locals[varargs_slot] = Some(Value::tuple(Vec::new()));
        }
        let kwdict = Rc::new(PyDict::new());
        for (name, value) in args.kw {
            let found = (code.posonlyargcount as usize..argcount + kwonly).find(|&j| code.varnames[j].as_str() == name.as_str());
            match found {
                Some(j) => {
                    if locals[j].is_some() {
                        return Err(self.type_error(format!("{qualname}() got multiple values for argument '{}'", name.as_str())));
                    }
                    locals[j] = Some(value);
                }
                None if has_varkw => kwdict.set_str(&name, value),
                None => {
                    let posonly = code.varnames[..code.posonlyargcount as usize].iter().any(|v| v.as_str() == name.as_str());
                    let msg = if posonly {
                        format!("{qualname}() got some positional-only arguments passed as keyword arguments: '{}'", name.as_str())
                    } else {
                        format!("{qualname}() got an unexpected keyword argument '{}'", name.as_str())
                    };
                    return Err(self.type_error(msg));
                }
            }
        }
        if has_varkw {
            locals[varkw_slot] = Some(Value::Dict(kwdict));
        }
        self.fill_defaults(func, &qualname, locals)
    }

    fn fill_defaults(&mut self, func: &Rc<PyFunction>, qualname: &str, locals: &mut [Option<Value>]) -> PyResult<()> {
        let code = &func.code;
        let argcount = code.argcount as usize;
        let defaults = func.defaults.borrow();
        let first_default = argcount - defaults.len().min(argcount);
        let mut missing = Vec::new();
        for (i, slot) in locals.iter_mut().enumerate().take(argcount) {
            if slot.is_none() {
                if i >= first_default {
                    *slot = Some(defaults[i - first_default].clone());
                } else {
                    missing.push(code.varnames[i].as_str().to_string());
                }
            }
        }
        if !missing.is_empty() {
            return Err(self.missing_args(qualname, "positional", &missing));
        }
        let kwdefaults = func.kwdefaults.borrow();
        let kwonly = argcount..argcount + code.kwonlyargcount as usize;
        for (slot, name) in locals[kwonly.clone()].iter_mut().zip(&code.varnames[kwonly]) {
            if slot.is_none() {
                match kwdefaults.iter().find(|(k, _)| k.as_str() == name.as_str()) {
                    Some((_, v)) => *slot = Some(v.clone()),
                    None => missing.push(name.as_str().to_string()),
                }
            }
        }
        if !missing.is_empty() {
            return Err(self.missing_args(qualname, "keyword-only", &missing));
        }
        Ok(())
    }

    fn missing_args(&self, qualname: &str, kind: &str, names: &[String]) -> super::PyException {
        let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
        let list = match quoted.len() {
            1 => quoted[0].clone(),
            2 => format!("{} and {}", quoted[0], quoted[1]),
            n => format!("{}, and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
        };
        let s = if names.len() == 1 { "" } else { "s" };
        self.type_error(format!("{qualname}() missing {} required {kind} argument{s}: {list}", names.len()))
    }

    fn too_many_positional(&self, func: &PyFunction, qualname: &str, given: usize, nkw: usize) -> super::PyException {
        let argcount = func.code.argcount as usize;
        let ndefaults = func.defaults.borrow().len();
        let takes = if ndefaults > 0 {
            format!("from {} to {argcount} positional arguments", argcount - ndefaults)
        } else {
            format!("{argcount} positional argument{}", if argcount == 1 { "" } else { "s" })
        };
        let was = if given == 1 { "was" } else { "were" };
        let _ = nkw;
        self.type_error(format!("{qualname}() takes {takes} but {given} {was} given"))
    }

    pub fn new_function(
        &mut self,
        code: Rc<CodeObject>,
        globals: Rc<PyDict>,
        defaults: Value,
        kwdefaults: Value,
        annotations: Option<Value>,
        closure: Vec<Cell>,
    ) -> PyResult<Value> {
        let defaults = match defaults {
            Value::Tuple(t) => t.items.to_vec(),
            _ => Vec::new(),
        };
        let kwdefaults = match kwdefaults {
            Value::Dict(d) => d.map.borrow().items().into_iter().filter_map(|(k, v)| k.as_pystr().map(|k| (k.clone(), v))).collect(),
            _ => Vec::new(),
        };
        let module = globals.get_str(&self.interp.names.__name__).unwrap_or(Value::None);
        let doc = match code.consts.first() {
            Some(Value::Str(s)) if code.has_flag(flags::DOCSTRING) => Value::Str(s.clone()),
            _ => Value::None,
        };
        Ok(Value::Function(Rc::new(PyFunction {
            name: RefCell::new(code.name.clone()),
            qualname: RefCell::new(code.qualname.clone()),
            code,
            globals,
            defaults: RefCell::new(defaults),
            kwdefaults: RefCell::new(kwdefaults),
            closure,
            annotations: RefCell::new(annotations),
            dict: Rc::new(PyDict::new()),
            module: RefCell::new(module),
            doc: RefCell::new(doc),
        })))
    }

    /// Resolves what `obj.attr` gives when `attr` was found on `obj`'s class: functions bind,
    /// classmethods bind to the class, staticmethods unwrap, properties call their getter.
    pub fn bind_descriptor(&mut self, attr: Value, obj: Value, cls: &Rc<PyClass>) -> PyResult<Value> {
        match &attr {
            Value::Function(_) => Ok(self.bound_method(attr, obj)),
            Value::Builtin(b) if b.bound.is_none() && b.owner.is_some() => {
                Ok(Value::Builtin(Rc::new(Builtin { name: b.name, func: b.func, bound: Some(obj), owner: b.owner })))
            }
            Value::Native(n) => match &n.data {
                NativeData::ClassMethod(f) => Ok(self.bound_method(f.clone(), Value::Class(cls.clone()))),
                NativeData::StaticMethod(f) => Ok(f.clone()),
                NativeData::Property { fget, .. } => {
                    if fget.is_none() {
                        return Err(self.attribute_error("property has no getter"));
                    }
                    self.call(&fget.clone(), Args::new([obj]))
                }
                _ => Ok(attr),
            },
            Value::Instance(_) => {
                let acls = self.type_of(&attr);
                match acls.lookup(&self.interp.names.__get__) {
                    Some(get) => {
                        let get = self.bind_descriptor(get, attr.clone(), &acls)?;
                        self.call(&get, Args::new([obj, Value::Class(cls.clone())]))
                    }
                    None => Ok(attr),
                }
            }
            _ => Ok(attr),
        }
    }

    /// `cls(*args)`: `__new__`, then `__init__` if the result is an instance of `cls`.
    pub fn instantiate(&mut self, cls: &Rc<PyClass>, args: Args) -> PyResult<Value> {
        let names = &self.interp.names;
        let new = cls.lookup(&names.__new__);
        let init = cls.lookup(&names.__init__);
        let init_is_object = matches!(&init, Some(Value::Builtin(b)) if std::ptr::eq(b.func as *const (), crate::runtime::methods::object::object_init as *const ()));
        let obj = match &new {
            Some(Value::Builtin(b)) if std::ptr::eq(b.func as *const (), crate::runtime::methods::object::object_new as *const ()) => {
                self.check_no_args_for_object(cls, &args, init.as_ref())?;
                Value::Instance(Rc::new(PyInstance::new(cls.clone())))
            }
            Some(new) => {
                let new = match new {
                    Value::Native(n) => match &n.data {
                        NativeData::StaticMethod(f) => f.clone(),
                        _ => new.clone(),
                    },
                    other => other.clone(),
                };
                if init_is_object {
                    // `int(x)`, `str(x)`...: `__new__` does all the work and takes the
                    // arguments themselves.
                    let mut args = args;
                    args.pos.insert(0, Value::Class(cls.clone()));
                    return self.call(&new, args);
                }
                let mut nargs = Args { pos: args.pos.clone(), kw: args.kw.clone() };
                nargs.pos.insert(0, Value::Class(cls.clone()));
                self.call(&new, nargs)?
            }
            None => Value::Instance(Rc::new(PyInstance::new(cls.clone()))),
        };
        let obj_cls = self.type_of(&obj);
        if !obj_cls.is_subclass(cls) {
            return Ok(obj);
        }
        if let Some(init) = init {
            if let Value::Builtin(b) = &init {
                if std::ptr::eq(b.func as *const (), crate::runtime::methods::object::object_init as *const ()) {
                    return Ok(obj);
                }
            }
            let bound = self.bind_descriptor(init, obj.clone(), cls)?;
            let r = self.call(&bound, args)?;
            if !r.is_none() {
                let tn = self.type_name(&r);
                return Err(self.type_error(format!("__init__() should return None, not '{tn}'")));
            }
        }
        Ok(obj)
    }

    fn check_no_args_for_object(&self, cls: &Rc<PyClass>, args: &Args, init: Option<&Value>) -> PyResult<()> {
        let init_is_object = match init {
            Some(Value::Builtin(b)) => std::ptr::eq(b.func as *const (), crate::runtime::methods::object::object_init as *const ()),
            None => true,
            _ => false,
        };
        if init_is_object && (!args.pos.is_empty() || !args.kw.is_empty()) {
            return Err(self.type_error(format!("{}() takes no arguments", cls.name().as_str())));
        }
        Ok(())
    }

    /// `__build_class__(body, name, *bases, metaclass=None, **kw)`: runs the class body in a
    /// fresh namespace, then creates the class.
    pub fn build_class(&mut self, mut args: Args) -> PyResult<Value> {
        if args.pos.len() < 2 {
            return Err(self.type_error("__build_class__: not enough arguments"));
        }
        let body = args.pos.remove(0);
        let name = args.pos.remove(0);
        let bases: Vec<Value> = args.pos.into_iter().collect();
        let metaclass = args.kw.iter().position(|(k, _)| k.as_str() == "metaclass").map(|i| args.kw.remove(i).1);
        let Value::Function(func) = body else { return Err(self.type_error("__build_class__: func must be a function")) };
        let ns = Rc::new(PyDict::new());
        let mut frame = Frame::new(func.code.clone(), func.globals.clone(), Vec::new(), &func.closure);
        frame.namespace = Some(ns.clone());
        self.execute(Box::new(frame), None)?;
        let name = name.as_pystr().cloned().unwrap_or_else(|| self.intern("?"));
        let meta = self.winner_metaclass(metaclass, &bases)?;
        if !matches!(&meta, Value::Class(m) if Rc::ptr_eq(m, &self.interp.types.type_)) {
            let mut margs = Args::new([Value::Str(name), Value::tuple(bases), Value::Dict(ns)]);
            margs.kw = args.kw;
            return self.call(&meta, margs);
        }
        let cls = self.new_class(&name, bases, &ns, None)?;
        let cls_val = Value::Class(cls.clone());
        self.init_subclass(&cls, args.kw)?;
        Ok(cls_val)
    }

    /// The metaclass a class statement uses: the explicit one, else the most derived of its
    /// bases' metaclasses (CPython's `_PyType_CalculateMetaclass`).
    pub(crate) fn winner_metaclass(&mut self, explicit: Option<Value>, bases: &[Value]) -> PyResult<Value> {
        let mut winner = match explicit {
            Some(Value::Class(m)) => m,
            Some(other) => return Ok(other),
            None => self.interp.types.type_.clone(),
        };
        for b in bases {
            let Value::Class(bc) = b else { continue };
            let bm = self.type_of(&Value::Class(bc.clone()));
            if winner.is_subclass(&bm) {
                continue;
            }
            if bm.is_subclass(&winner) {
                winner = bm;
                continue;
            }
            return Err(self.type_error(
                "metaclass conflict: the metaclass of a derived class must be a (non-strict) subclass of the metaclasses of all its bases",
            ));
        }
        Ok(Value::Class(winner))
    }

    /// Creates a class from a namespace (shared by `class` statements and `type(name, bases, ns)`).
    pub fn new_class(&mut self, name: &Rc<PyStr>, bases: Vec<Value>, ns: &Rc<PyDict>, meta: Option<Rc<PyClass>>) -> PyResult<Rc<PyClass>> {
        let mut base_classes = Vec::new();
        for b in bases {
            match b {
                Value::Class(c) => {
                    if c.base_kind == BaseKind::Final {
                        return Err(self.type_error(format!("type '{}' is not an acceptable base type", c.name().as_str())));
                    }
                    base_classes.push(c)
                }
                other => {
                    let tn = self.type_name(&other);
                    return Err(self.type_error(format!("bases must be types, not {tn}")));
                }
            }
        }
        if base_classes.is_empty() {
            base_classes.push(self.interp.types.object.clone());
        }
        let kind = base_classes
            .iter()
            .flat_map(|b| b.full_mro())
            .map(|c| c.base_kind)
            .find(|k| *k != BaseKind::Object)
            .unwrap_or(BaseKind::Object);
        let cls = PyClass::new(name.as_str(), base_classes, kind, true).map_err(|m| self.type_error(m))?;
        *cls.metaclass.borrow_mut() = meta;
        let mut classcell = None;
        for (k, v) in ns.map.borrow().items() {
            let Value::Str(key) = k else { continue };
            match key.as_str() {
                "__classcell__" => classcell = Some(v),
                "__qualname__" => {
                    if let Value::Str(q) = &v {
                        *cls.qualname.borrow_mut() = q.clone();
                    }
                }
                "__module__" => *cls.module.borrow_mut() = v,
                _ => cls.set_attr(&key, v),
            }
        }
        // A class that defines `__eq__` but not `__hash__` is unhashable (`__hash__ = None`).
        if ns.get_str(&self.interp.names.__eq__).is_some() && ns.get_str(&self.interp.names.__hash__).is_none() {
            cls.set_attr(&self.interp.names.__hash__.clone(), Value::None);
        }
        if let Some(Value::Native(n)) = classcell {
            if let Some(cell) = n.downcast::<Cell>() {
                *cell.borrow_mut() = Some(Value::Class(cls.clone()));
            }
        }
        self.set_names(&cls)?;
        Ok(cls)
    }

    /// Calls `__set_name__` on attributes that define it.
    fn set_names(&mut self, cls: &Rc<PyClass>) -> PyResult<()> {
        let items = cls.dict.borrow().items();
        for (k, v) in items {
            if let Value::Instance(_) = v {
                let vcls = self.type_of(&v);
                if let Some(f) = vcls.lookup(&self.interp.names.__set_name__) {
                    let bound = self.bind_descriptor(f, v.clone(), &vcls)?;
                    self.call(&bound, Args::new([Value::Class(cls.clone()), k]))?;
                }
            }
        }
        Ok(())
    }

    pub(crate) fn init_subclass(&mut self, cls: &Rc<PyClass>, kw: Vec<(Rc<PyStr>, Value)>) -> PyResult<()> {
        // `super(cls, cls).__init_subclass__`: the first definition after `cls` in its MRO.
        let name = self.interp.names.__init_subclass__.clone();
        let found = cls.full_mro().iter().skip(1).find_map(|c| c.dict.borrow().get_str(name.hash(), name.as_str()).cloned());
        let Some(f) = found else {
            if !kw.is_empty() {
                return Err(self.type_error(format!("{}.__init_subclass__() takes no keyword arguments", cls.name().as_str())));
            }
            return Ok(());
        };
        let f = match &f {
            Value::Native(n) => match &n.data {
                NativeData::ClassMethod(inner) => inner.clone(),
                _ => f.clone(),
            },
            _ => f.clone(),
        };
        let mut args = Args { pos: Default::default(), kw };
        args.pos.push(Value::Class(cls.clone()));
        self.call(&f, args)?;
        Ok(())
    }

    /// Python-visible wrapper for `ExcKind` lookups used by call sites outside `vm`.
    pub fn base_exception(&self) -> Rc<PyClass> {
        self.exc_class(ExcKind::BaseException)
    }
}
