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

thread_local! {
    /// Generators dropped while suspended inside a `try`/`with`: the VM closes them (runs their
    /// `finally` blocks) at its next finalization point, as CPython does when the last
    /// reference to a generator goes away.
    static PENDING_CLOSE: RefCell<Vec<Rc<PyGenerator>>> = const { RefCell::new(Vec::new()) };
    static HAS_PENDING: Cell<bool> = const { Cell::new(false) };
}

/// Whether dropped generators wait to be closed.
#[inline]
pub fn has_pending_close() -> bool {
    HAS_PENDING.with(|p| p.get())
}

/// Takes the generators waiting to be closed.
pub fn take_pending_close() -> Vec<Rc<PyGenerator>> {
    HAS_PENDING.with(|p| p.set(false));
    PENDING_CLOSE.try_with(|q| std::mem::take(&mut *q.borrow_mut())).unwrap_or_default()
}

impl Drop for PyGenerator {
    fn drop(&mut self) {
        if self.kind != GenKind::Generator || !self.started.get() {
            return;
        }
        let Some(frame) = self.frame.get_mut().take() else { return };
        if frame.code.handler_for(frame.pc.saturating_sub(1)).is_none() {
            return;
        }
        // During thread teardown (or a re-entrant drop) the frame is simply dropped.
        let can_queue = PENDING_CLOSE.try_with(|q| q.try_borrow_mut().is_ok()).unwrap_or(false);
        if !can_queue {
            return;
        }
        let g = Rc::new(PyGenerator {
            frame: RefCell::new(Some(frame)),
            running: Cell::new(false),
            started: Cell::new(true),
            kind: self.kind,
            name: self.name.clone(),
            qualname: self.qualname.clone(),
        });
        PENDING_CLOSE.with(|q| q.borrow_mut().push(g));
        HAS_PENDING.with(|p| p.set(true));
    }
}
