//! Generators and coroutines: a suspended frame plus its state. Resuming pushes the frame back
//! on the VM (`vm::generator`), so a generator costs one frame, not a native thread or stack.

use crate::runtime::objects::PyStr;
use crate::vm::frame::Frame;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum GenKind {
    Generator,
    Coroutine,
    AsyncGenerator,
}

pub struct PyGenerator {
    /// The suspended frame; `None` once the generator has finished.
    pub frame: RefCell<Option<Box<Frame>>>,
    pub running: Cell<bool>,
    /// True once the frame has run at least once (a fresh generator accepts only `send(None)`).
    pub started: Cell<bool>,
    pub kind: GenKind,
    pub name: Rc<PyStr>,
    pub qualname: Rc<PyStr>,
}

impl PyGenerator {
    pub fn new(frame: Box<Frame>, kind: GenKind, name: Rc<PyStr>, qualname: Rc<PyStr>) -> PyGenerator {
        PyGenerator { frame: RefCell::new(Some(frame)), running: Cell::new(false), started: Cell::new(false), kind, name, qualname }
    }

    pub fn is_finished(&self) -> bool {
        self.frame.borrow().is_none()
    }
}
