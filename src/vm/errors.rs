//! Builtin exception kinds (the hierarchy as CPython's) and the constructors the runtime uses
//! to raise them with CPython's messages.

use super::{PyException, PyResult, Vm};
use crate::runtime::objects::{PyClass, PyInstance, PyStr};
use crate::runtime::value::Value;
use std::rc::Rc;

macro_rules! exc_kinds {
    ($($kind:ident : $parent:ident),* $(,)?) => {
        /// The builtin exception classes, in the order they are created (parents first).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum ExcKind { $($kind),* }

        impl ExcKind {
            pub const ALL: &'static [ExcKind] = &[$(ExcKind::$kind),*];

            pub fn name(self) -> &'static str {
                match self { $(ExcKind::$kind => stringify!($kind)),* }
            }

            /// The parent class; `BaseException` names itself.
            pub fn parent(self) -> ExcKind {
                match self { $(ExcKind::$kind => ExcKind::$parent),* }
            }
        }
    };
}

exc_kinds! {
    BaseException: BaseException,
    SystemExit: BaseException,
    KeyboardInterrupt: BaseException,
    GeneratorExit: BaseException,
    Exception: BaseException,
    StopIteration: Exception,
    StopAsyncIteration: Exception,
    ArithmeticError: Exception,
    FloatingPointError: ArithmeticError,
    OverflowError: ArithmeticError,
    ZeroDivisionError: ArithmeticError,
    AssertionError: Exception,
    AttributeError: Exception,
    BufferError: Exception,
    EOFError: Exception,
    ImportError: Exception,
    ModuleNotFoundError: ImportError,
    LookupError: Exception,
    IndexError: LookupError,
    KeyError: LookupError,
    MemoryError: Exception,
    NameError: Exception,
    UnboundLocalError: NameError,
    OSError: Exception,
    BlockingIOError: OSError,
    ChildProcessError: OSError,
    ConnectionError: OSError,
    BrokenPipeError: ConnectionError,
    ConnectionAbortedError: ConnectionError,
    ConnectionRefusedError: ConnectionError,
    ConnectionResetError: ConnectionError,
    FileExistsError: OSError,
    FileNotFoundError: OSError,
    InterruptedError: OSError,
    IsADirectoryError: OSError,
    NotADirectoryError: OSError,
    PermissionError: OSError,
    ProcessLookupError: OSError,
    TimeoutError: OSError,
    ReferenceError: Exception,
    RuntimeError: Exception,
    NotImplementedError: RuntimeError,
    RecursionError: RuntimeError,
    SyntaxError: Exception,
    IndentationError: SyntaxError,
    TabError: IndentationError,
    SystemError: Exception,
    TypeError: Exception,
    ValueError: Exception,
    UnicodeError: ValueError,
    UnicodeDecodeError: UnicodeError,
    UnicodeEncodeError: UnicodeError,
    Warning: Exception,
    DeprecationWarning: Warning,
    RuntimeWarning: Warning,
    UserWarning: Warning,
}

macro_rules! names {
    ($($field:ident),* $(,)?) => {
        /// Interned dunder names the VM looks up often, so lookups reuse cached hashes.
        pub struct Names { $(pub $field: Rc<PyStr>),* }

        impl Names {
            pub fn new() -> Names {
                Names { $($field: Rc::new(PyStr::new(stringify!($field)))),* }
            }
        }

        impl Default for Names {
            fn default() -> Self {
                Names::new()
            }
        }
    };
}

names! {
    __init__, __new__, __call__, __repr__, __str__, __len__, __bool__, __hash__, __eq__, __ne__,
    __lt__, __le__, __gt__, __ge__, __iter__, __next__, __getitem__, __setitem__, __delitem__,
    __contains__, __enter__, __exit__, __getattr__, __getattribute__, __setattr__, __delattr__,
    __get__, __set__, __delete__, __name__, __qualname__, __module__, __doc__, __dict__,
    __class__, __classcell__, __annotations__, __await__, __aiter__, __anext__, __aenter__,
    __aexit__, __index__, __int__, __float__, __format__, __neg__, __pos__, __invert__, __abs__,
    __round__, __reversed__, __set_name__, __init_subclass__, __builtins__, __main__, __file__,
    __mro__, __bases__, __base__, __slots__, __missing__,
}

impl Vm {
    pub fn exc_class(&self, kind: ExcKind) -> Rc<PyClass> {
        self.interp.types.exceptions[kind as usize].clone()
    }

    /// A new exception instance of `class` with the given args.
    pub fn new_exception(&self, class: Rc<PyClass>, args: Vec<Value>) -> PyException {
        let inst = PyInstance::new(class);
        if let Some(exc) = &inst.exc {
            exc.borrow_mut().args = args;
        }
        PyException { value: Rc::new(inst) }
    }

    pub fn new_error(&self, kind: ExcKind, msg: impl Into<String>) -> PyException {
        self.new_exception(self.exc_class(kind), vec![Value::from_string(msg.into())])
    }

    pub fn err<T>(&self, kind: ExcKind, msg: impl Into<String>) -> PyResult<T> {
        Err(self.new_error(kind, msg))
    }

    pub fn type_error(&self, msg: impl Into<String>) -> PyException {
        self.new_error(ExcKind::TypeError, msg)
    }

    pub fn value_error(&self, msg: impl Into<String>) -> PyException {
        self.new_error(ExcKind::ValueError, msg)
    }

    pub fn index_error(&self, msg: impl Into<String>) -> PyException {
        self.new_error(ExcKind::IndexError, msg)
    }

    pub fn attribute_error(&self, msg: impl Into<String>) -> PyException {
        self.new_error(ExcKind::AttributeError, msg)
    }

    pub fn overflow_error(&self, msg: impl Into<String>) -> PyException {
        self.new_error(ExcKind::OverflowError, msg)
    }

    pub fn zero_division(&self, msg: impl Into<String>) -> PyException {
        self.new_error(ExcKind::ZeroDivisionError, msg)
    }

    pub fn runtime_error(&self, msg: impl Into<String>) -> PyException {
        self.new_error(ExcKind::RuntimeError, msg)
    }

    /// `KeyError(key)`: its message is the repr of the key.
    pub fn key_error(&self, key: Value) -> PyException {
        self.new_exception(self.exc_class(ExcKind::KeyError), vec![key])
    }

    pub fn stop_iteration(&self, value: Option<Value>) -> PyException {
        self.new_exception(self.exc_class(ExcKind::StopIteration), value.into_iter().collect())
    }

    pub fn name_error(&self, name: &str) -> PyException {
        let e = self.new_error(ExcKind::NameError, format!("name '{name}' is not defined"));
        e.value.dict.set_str(&self.intern("name"), Value::str(name));
        e
    }

    /// Whether `exc` is an instance of the builtin kind (or a subclass).
    pub fn exc_matches(&self, exc: &PyException, kind: ExcKind) -> bool {
        exc.value.class.is_subclass(&self.interp.types.exceptions[kind as usize])
    }

    /// The `args` of an exception.
    pub fn exc_args(&self, exc: &PyInstance) -> Vec<Value> {
        exc.exc.as_ref().map(|e| e.borrow().args.clone()).unwrap_or_default()
    }

    /// Argument count check for a builtin method whose `args.pos[0]` is the receiver; the
    /// counts exclude it. A dotted `name` (`list.append`) words the error as CPython's
    /// one-argument methods do, a plain one (`pop`) as its argument-clinic methods do.
    pub fn check_method_args(&self, name: &str, args: &crate::runtime::objects::Args, min: usize, max: usize) -> PyResult<()> {
        let n = args.pos.len().saturating_sub(1);
        if !args.kw.is_empty() {
            return Err(self.type_error(format!("{name}() takes no keyword arguments")));
        }
        if n >= min && n <= max {
            return Ok(());
        }
        let plural = |k: usize| if k == 1 { "" } else { "s" };
        let msg = if name.contains('.') && min == max {
            match min {
                0 => format!("{name}() takes no arguments ({n} given)"),
                1 => format!("{name}() takes exactly one argument ({n} given)"),
                _ => format!("{name}() takes exactly {min} arguments ({n} given)"),
            }
        } else if min == max {
            format!("{name} expected {min} argument{}, got {n}", plural(min))
        } else if n < min {
            format!("{name} expected at least {min} argument{}, got {n}", plural(min))
        } else {
            format!("{name} expected at most {max} argument{}, got {n}", plural(max))
        };
        Err(self.type_error(msg))
    }

    /// `missing argument` style checks shared by builtins: exactly `n` positional arguments.
    pub fn check_args(&self, name: &str, args: &crate::runtime::objects::Args, min: usize, max: usize) -> PyResult<()> {
        let n = args.pos.len();
        if !args.kw.is_empty() {
            return Err(self.type_error(format!("{name}() takes no keyword arguments")));
        }
        if n < min || n > max {
            let msg = if min == max {
                match min {
                    0 => format!("{name}() takes no arguments ({n} given)"),
                    1 => format!("{name}() takes exactly one argument ({n} given)"),
                    _ => format!("{name} expected {min} arguments, got {n}"),
                }
            } else if n < min {
                format!("{name} expected at least {min} argument{}, got {n}", if min == 1 { "" } else { "s" })
            } else {
                format!("{name} expected at most {max} argument{}, got {n}", if max == 1 { "" } else { "s" })
            };
            return Err(self.type_error(msg));
        }
        Ok(())
    }
}

impl Vm {
    /// How CPython names a callable in argument errors (`_PyObject_FunctionStr`): `print()`,
    /// `__main__.f()`, `__main__.C.m()`.
    pub fn function_str(&self, func: &Value) -> String {
        let (module, qualname) = match func {
            Value::Function(f) => (f.module.borrow().as_str().map(str::to_string), f.qualname.borrow().as_str().to_string()),
            Value::Method(m) => return self.function_str(&m.func),
            Value::Class(c) => (c.module.borrow().as_str().map(str::to_string), c.qualname.borrow().as_str().to_string()),
            Value::Builtin(b) => (None, b.name.to_string()),
            other => return format!("{} object", self.type_name(other)),
        };
        match module {
            Some(m) if m != "builtins" => format!("{m}.{qualname}()"),
            _ => format!("{qualname}()"),
        }
    }
}
