//! The storage of every Python object: one file per kind. Behaviour that needs the interpreter
//! (calling, attribute lookup, operators) lives in `vm`; Python-visible methods in `types`.

pub mod class;
pub mod dict;
pub mod function;
pub mod generator;
pub mod hash;
pub mod native;
pub mod sequence;
pub mod set;
pub mod str;

pub use class::{BaseKind, ExcState, PyClass, PyInstance, PyModule, TracebackEntry};
pub use dict::{DictMap, PyDict};
pub use function::{Args, BoundMethod, Builtin, Cell, NativeFn, PyFunction};
pub use generator::{GenKind, PyGenerator};
pub use native::{IterState, NativeData, NativeObject, ViewKind};
pub use sequence::{PyBytes, PyList, PyRange, PySlice, PyTuple, SliceIndices};
pub use set::{PySet, SetTable};
pub use str::PyStr;
