//! Callback handles (`asyncio.Handle` / `TimerHandle`): a callable, its arguments, a cancelled
//! flag, and for a timer its deadline. The ready queue and the timer heap hold them.

use crate::runtime::objects::{NativeData, NativeObject, PyClass};
use crate::runtime::value::Value;
use smallvec::SmallVec;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

pub struct HandleData {
    /// Taken when the handle is cancelled, so that it stops keeping its callback alive.
    pub callback: RefCell<Option<(Value, SmallVec<[Value; 2]>)>>,
    pub cancelled: Cell<bool>,
    /// The deadline of a timer handle; `None` for a plain handle.
    pub when: Option<f64>,
}

impl HandleData {
    pub fn of(obj: &NativeObject) -> Option<&HandleData> {
        obj.downcast::<HandleData>()
    }

    pub fn new_object(class: &Rc<PyClass>, callback: Value, args: SmallVec<[Value; 2]>, when: Option<f64>) -> Rc<NativeObject> {
        let data = HandleData { callback: RefCell::new(Some((callback, args))), cancelled: Cell::new(false), when };
        Rc::new(NativeObject::new(class.clone(), NativeData::Any(Box::new(data))))
    }

    pub fn cancel(&self) {
        self.cancelled.set(true);
        self.callback.borrow_mut().take();
    }
}
