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
    /// The exception its frame was handling when it last suspended (CPython's `gi_exc_state`):
    /// each generator or coroutine keeps its own, so a bare `raise` after a `yield` or `await`
    /// re-raises its exception, not another task's.
    pub exc_state: RefCell<Option<crate::runtime::value::Value>>,
    pub kind: GenKind,
    pub name: Rc<PyStr>,
    pub qualname: Rc<PyStr>,
    /// The interpreter's queue of generators to close once dropped (see `CloseQueue`).
    close_queue: Rc<CloseQueue>,
}

/// Generators dropped while suspended inside a `try`/`with`: the VM closes them (runs their
/// `finally` blocks) at its next finalization point, as CPython does when the last reference
/// to a generator goes away. One per interpreter (`Interpreter::close_queue`).
#[derive(Default)]
pub struct CloseQueue {
    pending: RefCell<Vec<Rc<PyGenerator>>>,
    /// Qualnames of coroutines dropped before they ever ran, for the RuntimeWarning.
    unawaited: RefCell<Vec<Rc<PyStr>>>,
    has_pending: Cell<bool>,
}

impl CloseQueue {
    /// Whether dropped generators wait to be closed.
    #[inline]
    pub fn has_pending(&self) -> bool {
        self.has_pending.get()
    }

    /// Takes the generators waiting to be closed.
    pub fn take(&self) -> Vec<Rc<PyGenerator>> {
        self.has_pending.set(false);
        self.pending.try_borrow_mut().map(|mut q| std::mem::take(&mut *q)).unwrap_or_default()
    }

    /// Takes the names of the coroutines dropped without being awaited.
    pub fn take_unawaited(&self) -> Vec<Rc<PyStr>> {
        self.unawaited.try_borrow_mut().map(|mut q| std::mem::take(&mut *q)).unwrap_or_default()
    }
}

impl PyGenerator {
    pub fn new(frame: Box<Frame>, kind: GenKind, name: Rc<PyStr>, qualname: Rc<PyStr>, close_queue: Rc<CloseQueue>) -> PyGenerator {
        PyGenerator {
            frame: RefCell::new(Some(frame)),
            running: Cell::new(false),
            started: Cell::new(false),
            exc_state: RefCell::new(None),
            kind,
            name,
            qualname,
            close_queue,
        }
    }

    pub fn is_finished(&self) -> bool {
        self.frame.borrow().is_none()
    }
}

impl Drop for PyGenerator {
    fn drop(&mut self) {
        if self.kind == GenKind::Coroutine && !self.started.get() && self.frame.get_mut().is_some() {
            // CPython warns "coroutine '...' was never awaited" when one is freed unstarted.
            if let Ok(mut names) = self.close_queue.unawaited.try_borrow_mut() {
                names.push(self.qualname.clone());
                self.close_queue.has_pending.set(true);
            }
            return;
        }
        if self.kind == GenKind::Coroutine || !self.started.get() {
            return;
        }
        let Some(frame) = self.frame.get_mut().take() else { return };
        if frame.code.handler_for(frame.pc.saturating_sub(1)).is_none() {
            return;
        }
        // During a re-entrant drop the frame is simply dropped.
        let Ok(mut queue) = self.close_queue.pending.try_borrow_mut() else { return };
        let g = Rc::new(PyGenerator {
            frame: RefCell::new(Some(frame)),
            running: Cell::new(false),
            started: Cell::new(true),
            exc_state: RefCell::new(self.exc_state.get_mut().take()),
            kind: self.kind,
            name: self.name.clone(),
            qualname: self.qualname.clone(),
            close_queue: self.close_queue.clone(),
        });
        queue.push(g);
        self.close_queue.has_pending.set(true);
    }
}
