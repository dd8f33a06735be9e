//! The virtual machine. `Interpreter` is the state every thread of one interpreter shares
//! (builtins, modules, types); `Vm` is one thread's state (its frames, the exception being
//! handled, its GIL guard). Builtins take `&mut Vm`: no interpreter state lives in statics.

pub mod attr;
pub mod call;
pub mod dict_ops;
pub mod errors;
pub mod eval;
pub mod frame;
pub mod generator;
pub mod import;
pub mod iter;
pub mod ops;
pub mod os_error;
pub mod repr;
pub mod suggest;
pub mod traceback;

use crate::gil::{Gil, GilGuard};
use crate::runtime::objects::{PyDict, PyInstance, PyStr};
use crate::runtime::types::Types;
use crate::runtime::value::Value;
use frame::Frame;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::io::Write;
use std::rc::Rc;
use std::sync::Arc;

pub use errors::ExcKind;

/// A raised Python exception (always an instance of a BaseException subclass).
#[derive(Clone)]
pub struct PyException {
    pub value: Rc<PyInstance>,
}

pub type PyResult<T> = Result<T, PyException>;

/// Where program output goes; shared with threads that write while the GIL is released.
pub type SharedWriter = Arc<parking_lot::Mutex<Box<dyn Write + Send>>>;

/// State shared by all threads of one interpreter.
pub struct Interpreter {
    pub types: Types,
    pub builtins: Rc<PyDict>,
    /// `sys.modules`.
    pub modules: RefCell<HashMap<String, Value>>,
    /// Modules being initialised, by the thread running their body (CPython's per-module
    /// import locks): another thread importing one waits until it is complete.
    pub importing: RefCell<HashMap<String, u64>>,
    /// Signalled when a module finishes initialising (waits also time out, so a missed
    /// signal costs at most one timeout).
    pub import_done: Arc<(parking_lot::Mutex<()>, parking_lot::Condvar)>,
    pub gil: Arc<Gil>,
    pub recursion_limit: Cell<usize>,
    /// Python threads started and not yet finished (`threading.active_count()` minus main).
    pub thread_count: Cell<usize>,
    /// SIGINT waiting to become `KeyboardInterrupt` in the main thread.
    pub signals: Arc<crate::threads::signals::Signals>,
    /// The program ended in an uncaught `KeyboardInterrupt`: exit by SIGINT, as CPython does.
    pub exit_by_sigint: Cell<bool>,
    pub argv: RefCell<Vec<String>>,
    /// Folder of the main script, searched by `import`.
    pub search_path: RefCell<Vec<std::path::PathBuf>>,
    /// Source text by file name, for traceback lines.
    pub sources: RefCell<HashMap<String, Rc<str>>>,
    pub stdout: SharedWriter,
    pub stderr: SharedWriter,
    /// Interned attribute names used by the VM itself (`__init__`, `__len__`...).
    pub names: errors::Names,
    /// When the interpreter started (the origin of `time.perf_counter`).
    pub start: std::time::Instant,
    /// Suspended generators whose last reference went, waiting for their `finally` to run.
    pub close_queue: Rc<crate::runtime::objects::generator::CloseQueue>,
}

/// One thread's view of the interpreter.
pub struct Vm {
    pub interp: Rc<Interpreter>,
    /// Callers of the running frame in the current `execute`, innermost last.
    pub frames: Vec<Box<Frame>>,
    /// Python frames active on this thread (all `execute` levels), for the recursion limit.
    pub depth: usize,
    /// The exception being handled (`sys.exc_info()`, bare `raise`, implicit chaining).
    pub handled: Option<Value>,
    /// `sys.set_asyncgen_hooks`: (firstiter, finalizer), per thread as in CPython.
    pub asyncgen_hooks: (Option<Value>, Option<Value>),
    /// Objects whose repr is being computed (to print `[...]` for recursive containers).
    pub repr_guard: Vec<usize>,
    /// Nested `execute` calls on this thread (native recursion through builtins).
    pub native_depth: usize,
    /// Set by `Reraise` so unwinding does not record the frame twice in the traceback.
    pub reraising: bool,
    /// Globals of the running frame (for `globals()`), kept in step on calls and returns.
    pub cur_globals: Rc<PyDict>,
    /// Finished frames kept for reuse (see `alloc_frame`).
    pub frame_pool: Vec<Box<Frame>>,
    /// "never awaited" warnings already shown (CPython's warning registry shows each once).
    pub warned: std::collections::HashSet<String>,
    /// Proof that this thread holds the GIL. The last field, so that everything above is
    /// dropped while the GIL is still held.
    pub gil: GilGuard,
}

impl Interpreter {
    /// A new interpreter: builtin classes, builtins, an empty module table, its own GIL.
    pub fn new(argv: Vec<String>, search_path: Vec<std::path::PathBuf>, stdout: SharedWriter, stderr: SharedWriter) -> Interpreter {
        let types = Types::new();
        let builtins = crate::runtime::builtins::make_builtins(&types);
        Interpreter {
            types,
            builtins,
            modules: RefCell::new(HashMap::new()),
            importing: RefCell::new(HashMap::new()),
            import_done: Arc::default(),
            gil: Gil::new(),
            recursion_limit: Cell::new(1000),
            thread_count: Cell::new(0),
            signals: Arc::default(),
            exit_by_sigint: Cell::new(false),
            argv: RefCell::new(argv),
            search_path: RefCell::new(search_path),
            sources: RefCell::new(HashMap::new()),
            stdout,
            stderr,
            names: errors::Names::new(),
            start: std::time::Instant::now(),
            close_queue: Rc::default(),
        }
    }
}

impl Vm {
    /// The main thread's VM: takes the interpreter's GIL.
    pub fn new(interp: Rc<Interpreter>) -> Vm {
        let gil = interp.gil.acquire("MainThread");
        Vm::for_thread(interp, gil)
    }

    /// The VM of a thread that already holds the interpreter's GIL.
    pub fn for_thread(interp: Rc<Interpreter>, gil: GilGuard) -> Vm {
        let globals = Rc::new(PyDict::new());
        Vm {
            interp,
            frames: Vec::new(),
            depth: 0,
            handled: None,
            asyncgen_hooks: (None, None),
            gil,
            repr_guard: Vec::new(),
            warned: std::collections::HashSet::new(),
            native_depth: 0,
            reraising: false,
            cur_globals: globals,
            frame_pool: Vec::new(),
        }
    }

    pub fn current_globals(&self) -> Rc<PyDict> {
        self.cur_globals.clone()
    }

    /// Runs a program as `__main__`. Returns the process exit status, having printed any
    /// uncaught exception as CPython does (SystemExit gives its code).
    pub fn run_main(&mut self, source: &str, filename: &str) -> i32 {
        let module = self.new_module("__main__", Some(filename));
        self.interp.modules.borrow_mut().insert("__main__".into(), module.clone());
        let Value::Module(m) = &module else { unreachable!() };
        let result = self.run_source(source, filename, m.dict.clone());
        let mut status = match result {
            Ok(_) => 0,
            Err(e) => self.exit_status_for(&e),
        };
        if let Err(e) = self.join_threads_at_exit() {
            status = self.exit_status_for(&e);
        }
        self.interp.gil.finalize(self.gil.thread());
        self.close_module_generators(&m.dict);
        self.flush_stdout();
        status
    }

    /// As CPython's `Py_FinalizeEx`: wait for the non-daemon threads (`threading._shutdown`).
    fn join_threads_at_exit(&mut self) -> PyResult<()> {
        let threading = self.interp.modules.borrow().get("threading").cloned();
        if let Some(t) = threading {
            if let Some(shutdown) = self.get_attr_opt(&t, &self.intern("_shutdown"))? {
                self.call(&shutdown, crate::runtime::objects::Args::default())?;
            }
        }
        Ok(())
    }

    /// Is this the interpreter's first thread (the one that receives `KeyboardInterrupt`)?
    pub fn is_main_thread(&self) -> bool {
        self.gil.thread() == 0
    }

    /// Raises `KeyboardInterrupt` if SIGINT arrived (main thread only).
    pub fn check_signals(&mut self) -> PyResult<()> {
        if self.is_main_thread() && self.interp.signals.take_pending(&self.interp.gil) {
            return Err(self.new_exception(self.exc_class(ExcKind::KeyboardInterrupt), Vec::new()));
        }
        Ok(())
    }

    /// The exit status for an uncaught exception (printing it unless it is SystemExit).
    pub fn exit_status_for(&mut self, e: &PyException) -> i32 {
        if self.exc_matches(e, ExcKind::SystemExit) {
            let code = self.exc_args(&e.value).into_iter().next().unwrap_or(Value::None);
            return match code {
                Value::None => 0,
                Value::Int(i) => i as i32,
                Value::Bool(b) => b as i32,
                other => {
                    let text = match self.str(&other) {
                        Ok(s) => s.as_str().to_string(),
                        Err(_) => String::new(),
                    };
                    self.flush_stdout();
                    self.write_stderr(&format!("{text}\n"));
                    1
                }
            };
        }
        if self.exc_matches(e, ExcKind::KeyboardInterrupt) {
            self.interp.exit_by_sigint.set(true);
        }
        let _ = self.print_exception(e);
        1
    }
}

impl Vm {
    pub fn types(&self) -> &Types {
        &self.interp.types
    }

    pub fn type_of(&self, v: &Value) -> Rc<crate::runtime::objects::PyClass> {
        self.interp.types.type_of(v)
    }

    /// The builtin value an instance of a subclass of a builtin type extends (`class Age(int)`).
    pub fn builtin_base(&self, v: &Value) -> Option<Value> {
        match v {
            Value::Instance(i) => i.base_value.borrow().clone(),
            _ => None,
        }
    }

    /// `type(v).__name__`, as error messages show it.
    pub fn type_name(&self, v: &Value) -> String {
        self.type_of(v).name().as_str().to_string()
    }

    pub fn intern(&self, s: &str) -> Rc<PyStr> {
        Rc::new(PyStr::new(s))
    }

    /// Releases the GIL around a blocking call (the one helper every blocking builtin uses).
    pub fn allow_threads<R, F: FnOnce() -> R + Send>(&mut self, f: F) -> R {
        self.gil.allow_threads(f)
    }

    /// Writes to stdout, releasing the GIL while the write may block.
    pub fn write_stdout(&mut self, text: &str) -> PyResult<()> {
        let out = self.interp.stdout.clone();
        let text = text.to_string();
        self.allow_threads(move || {
            let _ = out.lock().write_all(text.as_bytes());
        });
        Ok(())
    }

    pub fn write_stderr(&mut self, text: &str) {
        let err = self.interp.stderr.clone();
        let text = text.to_string();
        self.allow_threads(move || {
            let mut e = err.lock();
            let _ = e.write_all(text.as_bytes());
            let _ = e.flush();
        });
    }

    pub fn flush_stdout(&mut self) {
        let out = self.interp.stdout.clone();
        self.allow_threads(move || {
            let _ = out.lock().flush();
        });
    }
}
