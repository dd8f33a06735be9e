//! `import`: builtin modules first, then `NAME.tpy` / `NAME.py` beside the main script.
//! A module is registered in `sys.modules` before its body runs, so cyclic imports work.

use super::eval::ExecResult;
use super::frame::Frame;
use super::{ExcKind, PyResult, Vm};
use crate::runtime::objects::{PyDict, PyModule, PyStr};
use crate::runtime::value::Value;
use std::rc::Rc;

impl Vm {
    pub fn import_module(&mut self, name: &str) -> PyResult<Value> {
        self.wait_for_import(name);
        if let Some(m) = self.interp.modules.borrow().get(name) {
            return Ok(m.clone());
        }
        self.interp.importing.borrow_mut().insert(name.to_string(), crate::platform::thread_ident());
        let r = self.find_and_load(name);
        self.interp.importing.borrow_mut().remove(name);
        let done = self.interp.import_done.clone();
        let _guard = done.0.lock();
        done.1.notify_all();
        r
    }

    /// Waits, with the GIL released, while another thread runs the body of module `name`
    /// (the same thread re-importing it, a circular import, gets the partial module).
    fn wait_for_import(&mut self, name: &str) {
        let me = crate::platform::thread_ident();
        while self.interp.importing.borrow().get(name).is_some_and(|&t| t != me) {
            let done = self.interp.import_done.clone();
            self.allow_threads(move || {
                let mut g = done.0.lock();
                done.1.wait_for(&mut g, std::time::Duration::from_millis(5));
            });
        }
    }

    fn find_and_load(&mut self, name: &str) -> PyResult<Value> {
        if let Some((parent, _)) = name.rsplit_once('.') {
            self.import_module(parent)?;
            if let Some(m) = self.interp.modules.borrow().get(name) {
                return Ok(m.clone());
            }
        }
        if let Some(m) = crate::runtime::modules::load_builtin(self, name)? {
            self.interp.modules.borrow_mut().insert(name.to_string(), m.clone());
            // A submodule is an attribute of its package (`concurrent.futures`).
            if let Some((parent, child)) = name.rsplit_once('.') {
                let parent = self.interp.modules.borrow().get(parent).cloned();
                if let Some(Value::Module(p)) = parent {
                    p.dict.set_str(&self.intern(child), m.clone());
                }
            }
            return Ok(m);
        }
        if !name.contains('.') {
            let dirs = self.interp.search_path.borrow().clone();
            for dir in dirs {
                for ext in ["tpy", "py"] {
                    let path = dir.join(format!("{name}.{ext}"));
                    if path.is_file() {
                        return self.import_file(name, &path);
                    }
                }
            }
        }
        let e = self.new_error(ExcKind::ModuleNotFoundError, format!("No module named '{name}'"));
        e.value.dict.set_str(&self.intern("name"), Value::str(name));
        Err(e)
    }

    fn import_file(&mut self, name: &str, path: &std::path::Path) -> PyResult<Value> {
        let source = std::fs::read_to_string(path).map_err(|e| self.new_error(ExcKind::ImportError, e.to_string()))?;
        let filename = path.to_string_lossy().to_string();
        let module = self.new_module(name, Some(&filename));
        self.interp.modules.borrow_mut().insert(name.to_string(), module.clone());
        let Value::Module(m) = &module else { unreachable!() };
        if let Err(e) = self.run_source(&source, &filename, m.dict.clone()) {
            self.interp.modules.borrow_mut().remove(name);
            return Err(e);
        }
        Ok(module)
    }

    /// A fresh module object with `__name__` (and `__file__`) set.
    pub fn new_module(&self, name: &str, file: Option<&str>) -> Value {
        let dict = Rc::new(PyDict::new());
        dict.set_str(&self.interp.names.__name__, Value::str(name));
        dict.set_str(&self.intern("__doc__"), Value::None);
        dict.set_str(&self.interp.names.__builtins__, Value::Dict(self.interp.builtins.clone()));
        if let Some(f) = file {
            dict.set_str(&self.interp.names.__file__, Value::str(f));
        }
        Value::Module(Rc::new(PyModule { name: Rc::new(PyStr::new(name)), dict }))
    }

    /// Compiles and runs `source` with `globals` as its namespace.
    pub fn run_source(&mut self, source: &str, filename: &str, globals: Rc<PyDict>) -> PyResult<Value> {
        self.interp.sources.borrow_mut().insert(filename.to_string(), Rc::from(source));
        let code = self.compile_source(source, filename)?;
        self.run_code(code, globals)
    }

    /// Runs embedded module `name` (compiled once per build, then loaded from the cache).
    pub fn run_embedded(&mut self, name: &str, source: &str, globals: Rc<PyDict>) -> PyResult<Value> {
        let filename = format!("<frozen {name}>");
        let code = match crate::compiler::cache::load(name, source, &filename) {
            Some(code) => code,
            None => {
                let mut code = self.compile_source(source, &filename)?;
                if crate::runtime::modules::ATOMIC_MODULES.contains(&name) {
                    if let Some(c) = Rc::get_mut(&mut code) {
                        c.mark_atomic();
                    }
                }
                crate::compiler::cache::store(name, source, &code);
                code
            }
        };
        self.run_code(code, globals)
    }

    fn compile_source(&self, source: &str, filename: &str) -> PyResult<Rc<crate::bytecode::CodeObject>> {
        crate::parser::parse_module(source, filename)
            .and_then(|m| crate::compiler::compile(&m, filename, crate::compiler::Mode::Module))
            .map_err(|se| self.syntax_error_exception(&se))
    }

    fn run_code(&mut self, code: Rc<crate::bytecode::CodeObject>, globals: Rc<PyDict>) -> PyResult<Value> {
        let frame = Frame::new(code, globals, Vec::new(), &[]);
        match self.execute(Box::new(frame), None)? {
            ExecResult::Return(v) => Ok(v),
            ExecResult::Yield(..) => unreachable!("module yielded"),
        }
    }

    /// Turns a compile-time error into a raisable SyntaxError instance.
    pub fn syntax_error_exception(&self, se: &crate::error::SyntaxError) -> super::PyException {
        let kind = match se.kind {
            crate::error::SyntaxErrorKind::SyntaxError => ExcKind::SyntaxError,
            crate::error::SyntaxErrorKind::IndentationError => ExcKind::IndentationError,
            crate::error::SyntaxErrorKind::TabError => ExcKind::TabError,
        };
        let e = self.new_error(kind, se.msg.clone());
        let d = &e.value.dict;
        d.set_str(&self.intern("msg"), Value::str(&se.msg));
        d.set_str(&self.intern("filename"), Value::str(&se.filename));
        d.set_str(&self.intern("lineno"), Value::Int(se.line as i64));
        d.set_str(&self.intern("offset"), Value::Int(se.col as i64 + 1));
        e
    }

    pub fn import_from(&mut self, module: &Value, name: &Rc<PyStr>) -> PyResult<Value> {
        if let Some(v) = self.get_attr_opt(module, name)? {
            return Ok(v);
        }
        let Value::Module(m) = module else { return Err(self.no_attribute(module, name)) };
        let full = format!("{}.{}", m.name.as_str(), name.as_str());
        if let Ok(v) = self.import_module(&full) {
            return Ok(v);
        }
        let location = match m.dict.get_str(&self.interp.names.__file__) {
            Some(Value::Str(f)) => f.as_str().to_string(),
            _ => "unknown location".to_string(),
        };
        let e =
            self.new_error(ExcKind::ImportError, format!("cannot import name '{}' from '{}' ({location})", name.as_str(), m.name.as_str()));
        Err(e)
    }

    pub fn import_star(&mut self, module: &Value, ns: &Rc<PyDict>) -> PyResult<()> {
        let Value::Module(m) = module else { return Ok(()) };
        let all = m.dict.get_str(&self.intern("__all__"));
        let names: Vec<Value> = match all {
            Some(a) => self.collect(&a)?,
            None => m.dict.map.borrow().keys().into_iter().filter(|k| !k.as_str().unwrap_or("_").starts_with('_')).collect(),
        };
        for n in names {
            if let Value::Str(s) = &n {
                let v = self.get_attr(module, s)?;
                ns.set_str(s, v);
            }
        }
        Ok(())
    }
}
