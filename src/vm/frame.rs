//! A frame: one activation of a code object — its locals in slots, its cells, its value stack
//! and where it is in the code.

use crate::bytecode::CodeObject;
use crate::runtime::objects::{Cell, PyDict};
use crate::runtime::value::Value;
use std::rc::Rc;

pub struct Frame {
    pub code: Rc<CodeObject>,
    /// Index of the next instruction.
    pub pc: usize,
    pub stack: Vec<Value>,
    /// Local slots; `None` is an unbound local.
    pub locals: Vec<Option<Value>>,
    /// Cell variables, then free variables.
    pub cells: Vec<Cell>,
    pub globals: Rc<PyDict>,
    /// The namespace of a class body (LoadName/StoreName); `None` elsewhere.
    pub namespace: Option<Rc<PyDict>>,
    /// For an `__init__` frame pushed by `Cls(...)`: the new instance, which the call
    /// evaluates to when `__init__` returns.
    pub init_instance: Option<Value>,
}

impl Frame {
    pub fn new(code: Rc<CodeObject>, globals: Rc<PyDict>, locals: Vec<Option<Value>>, closure: &[Cell]) -> Frame {
        let mut cells: Vec<Cell> = Vec::with_capacity(code.cellvars.len() + closure.len());
        for _ in 0..code.cellvars.len() {
            cells.push(Rc::new(std::cell::RefCell::new(None)));
        }
        cells.extend(closure.iter().cloned());
        // Parameters that inner functions capture start out in their cells.
        for &(cell, slot) in &code.cell_params {
            let v = locals.get(slot as usize).cloned().flatten();
            *cells[cell as usize].borrow_mut() = v;
        }
        let stack = Vec::with_capacity(code.max_stack as usize);
        Frame { code, pc: 0, stack, locals, cells, globals, namespace: None, init_instance: None }
    }

    /// Re-initialises a recycled frame for a new activation of `code`, keeping the
    /// allocations of its vectors. Locals start unbound; call `init_cell_params` once the
    /// arguments are in place.
    pub fn reset(&mut self, code: Rc<CodeObject>, globals: Rc<PyDict>, closure: &[Cell]) {
        self.pc = 0;
        self.stack.clear();
        self.stack.reserve(code.max_stack as usize);
        self.locals.clear();
        self.locals.resize(code.varnames.len(), None);
        self.cells.clear();
        for _ in 0..code.cellvars.len() {
            self.cells.push(Rc::new(std::cell::RefCell::new(None)));
        }
        self.cells.extend(closure.iter().cloned());
        self.namespace = None;
        self.init_instance = None;
        self.code = code;
        self.globals = globals;
    }

    /// Parameters that inner functions capture start out in their cells.
    pub fn init_cell_params(&mut self) {
        for &(cell, slot) in &self.code.cell_params {
            let v = self.locals.get(slot as usize).cloned().flatten();
            *self.cells[cell as usize].borrow_mut() = v;
        }
    }

    /// Drops what the frame references, keeping its allocations for reuse.
    pub fn clear(&mut self) {
        self.stack.clear();
        self.locals.clear();
        self.cells.clear();
        self.namespace = None;
        self.init_instance = None;
    }

    /// The line being executed (the instruction before `pc`).
    pub fn line(&self) -> u32 {
        self.code.line_of(self.pc.saturating_sub(1))
    }
}
