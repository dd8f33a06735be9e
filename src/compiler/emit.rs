//! How code is emitted: one `CodeBuilder` per code object owns the instruction list, labels
//! and jump patching, the constant and name pools, the line table, the exception table, and
//! a running stack depth (so exception handlers know what to cut the stack to).

use crate::bytecode::{CodeObject, ExceptionEntry, Instr};
use crate::runtime::objects::PyStr;
use crate::runtime::value::Value;
use std::collections::HashMap;
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label(usize);

impl Label {
    /// The label's id, used as a jump operand until `finish` patches it.
    pub fn index(self) -> u32 {
        self.0 as u32
    }
}

/// Instruction ranges emitted inside a protected range that must not be protected by it:
/// the exits `return`/`break`/`continue` run after leaving the block.
pub type Holes = std::rc::Rc<std::cell::RefCell<Vec<(u32, u32)>>>;

/// One compilation's string table: every name and string constant with the same text is the
/// same object, so dict lookups by these keys usually match by identity.
#[derive(Default, Clone)]
pub struct Interner(Rc<std::cell::RefCell<HashMap<String, Rc<PyStr>>>>);

impl Interner {
    pub fn intern(&self, s: &str) -> Rc<PyStr> {
        if let Some(p) = self.0.borrow().get(s) {
            return p.clone();
        }
        let p = Rc::new(PyStr::new(s));
        self.0.borrow_mut().insert(s.to_string(), p.clone());
        p
    }
}

pub struct CodeBuilder {
    pub interner: Interner,
    pub name: String,
    pub qualname: String,
    pub filename: Rc<str>,
    pub firstlineno: u32,
    pub instrs: Vec<Instr>,
    pub lines: Vec<u32>,
    pub line: u32,
    consts: Vec<Value>,
    names: Vec<Rc<PyStr>>,
    name_index: HashMap<String, u32>,
    pub varnames: Vec<Rc<PyStr>>,
    var_index: HashMap<String, u32>,
    pub cellvars: Vec<Rc<PyStr>>,
    pub freevars: Vec<Rc<PyStr>>,
    pub argcount: u32,
    pub posonlyargcount: u32,
    pub kwonlyargcount: u32,
    pub flags: u32,
    labels: Vec<Option<u32>>,
    label_depth: Vec<Option<i32>>,
    patches: Vec<(usize, Label)>,
    exception_table: Vec<(u32, u32, Label, u32)>,
    pub depth: i32,
    max_depth: i32,
    reachable: bool,
}

impl CodeBuilder {
    pub fn new(name: &str, qualname: &str, filename: Rc<str>, firstlineno: u32, interner: Interner) -> CodeBuilder {
        CodeBuilder {
            interner,
            name: name.to_string(),
            qualname: qualname.to_string(),
            filename,
            firstlineno,
            instrs: Vec::new(),
            lines: Vec::new(),
            line: firstlineno,
            consts: Vec::new(),
            names: Vec::new(),
            name_index: HashMap::new(),
            varnames: Vec::new(),
            var_index: HashMap::new(),
            cellvars: Vec::new(),
            freevars: Vec::new(),
            argcount: 0,
            posonlyargcount: 0,
            kwonlyargcount: 0,
            flags: 0,
            labels: Vec::new(),
            label_depth: Vec::new(),
            patches: Vec::new(),
            exception_table: Vec::new(),
            depth: 0,
            max_depth: 0,
            reachable: true,
        }
    }

    pub fn pc(&self) -> u32 {
        self.instrs.len() as u32
    }

    pub fn emit(&mut self, ins: Instr) {
        let (fallthrough, jump) = stack_effect(&ins);
        if let Some(label) = jump_label(&ins) {
            let d = self.depth + jump;
            self.note_label_depth(Label(label as usize), d);
            self.patches.push((self.instrs.len(), Label(label as usize)));
        }
        self.instrs.push(ins);
        self.lines.push(self.line);
        self.depth += fallthrough;
        self.max_depth = self.max_depth.max(self.depth);
        if matches!(ins, Instr::Jump { .. } | Instr::JumpBackward { .. } | Instr::ReturnValue | Instr::Raise { .. } | Instr::Reraise) {
            self.reachable = false;
        }
    }

    fn note_label_depth(&mut self, l: Label, d: i32) {
        if self.label_depth[l.0].is_none() {
            self.label_depth[l.0] = Some(d);
        }
    }

    pub fn new_label(&mut self) -> Label {
        self.labels.push(None);
        self.label_depth.push(None);
        Label(self.labels.len() - 1)
    }

    /// Binds `l` to the next instruction. After an unconditional jump the depth is the one
    /// recorded by the jumps to this label.
    pub fn bind(&mut self, l: Label) {
        self.labels[l.0] = Some(self.pc());
        if !self.reachable {
            if let Some(d) = self.label_depth[l.0] {
                self.depth = d;
            }
        } else {
            self.note_label_depth(l, self.depth);
        }
        self.reachable = true;
    }

    /// Declares the stack depth at a handler label (entered by the exception table).
    pub fn set_label_depth(&mut self, l: Label, d: i32) {
        self.label_depth[l.0] = Some(d);
    }

    /// Emits a jump to `l` (forward or backward, picked by whether `l` is bound).
    pub fn jump(&mut self, l: Label) {
        let target = l.0 as u32;
        if self.labels[l.0].is_some() {
            self.emit(Instr::JumpBackward { target });
        } else {
            self.emit(Instr::Jump { target });
        }
    }

    /// Marks instructions `start..end` as protected by the handler at `handler`, which is
    /// entered with the stack cut to `depth` and the exception pushed.
    pub fn add_handler(&mut self, start: u32, end: u32, handler: Label, depth: i32) {
        self.add_handler_with_holes(start, end, handler, depth, &[]);
    }

    /// Like `add_handler`, leaving out the `holes` inside `start..end`.
    pub fn add_handler_with_holes(&mut self, start: u32, end: u32, handler: Label, depth: i32, holes: &[(u32, u32)]) {
        let mut holes: Vec<(u32, u32)> = holes.iter().copied().filter(|&(a, b)| a < end && b > start).collect();
        holes.sort();
        let mut from = start;
        for (a, b) in holes {
            if a > from {
                self.exception_table.push((from, a, handler, depth as u32));
            }
            from = from.max(b);
        }
        if from < end {
            self.exception_table.push((from, end, handler, depth as u32));
        }
        self.set_label_depth(handler, depth + 1);
    }

    pub fn const_index(&mut self, v: Value) -> u32 {
        for (i, c) in self.consts.iter().enumerate() {
            if same_const(c, &v) {
                return i as u32;
            }
        }
        self.consts.push(v);
        (self.consts.len() - 1) as u32
    }

    pub fn load_const(&mut self, v: Value) {
        let idx = self.const_index(v);
        self.emit(Instr::LoadConst { idx });
    }

    pub fn name_index(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.name_index.get(name) {
            return i;
        }
        self.names.push(self.interner.intern(name));
        let i = (self.names.len() - 1) as u32;
        self.name_index.insert(name.to_string(), i);
        i
    }

    pub fn var_slot(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.var_index.get(name) {
            return i;
        }
        self.varnames.push(self.interner.intern(name));
        let i = (self.varnames.len() - 1) as u32;
        self.var_index.insert(name.to_string(), i);
        i
    }

    /// Index of a cell or free variable in the frame's cell array (cellvars first).
    pub fn cell_index(&self, name: &str) -> Option<u32> {
        if let Some(i) = self.cellvars.iter().position(|c| c.as_str() == name) {
            return Some(i as u32);
        }
        self.freevars.iter().position(|c| c.as_str() == name).map(|i| (self.cellvars.len() + i) as u32)
    }

    pub fn finish(mut self) -> CodeObject {
        let nnames = self.names.len();
        for (at, label) in std::mem::take(&mut self.patches) {
            let target = self.labels[label.0].expect("jump to an unbound label");
            set_jump_target(&mut self.instrs[at], target);
        }
        let exception_table = self
            .exception_table
            .iter()
            .map(|&(start, end, l, depth)| ExceptionEntry { start, end, target: self.labels[l.0].expect("handler label unbound"), depth })
            .collect();
        let cell_params = self
            .cellvars
            .iter()
            .enumerate()
            .filter_map(|(ci, c)| {
                let slot = *self.var_index.get(c.as_str())?;
                let nparams = self.argcount + self.kwonlyargcount + (self.flags & 3).count_ones();
                (slot < nparams).then_some((ci as u32, slot))
            })
            .collect();
        CodeObject {
            name: self.interner.intern(&self.name),
            qualname: self.interner.intern(&self.qualname),
            filename: self.filename,
            firstlineno: self.firstlineno,
            instructions: self.instrs,
            lines: self.lines,
            consts: self.consts,
            names: self.names,
            varnames: self.varnames,
            cellvars: self.cellvars,
            freevars: self.freevars,
            cell_params,
            argcount: self.argcount,
            posonlyargcount: self.posonlyargcount,
            kwonlyargcount: self.kwonlyargcount,
            flags: self.flags,
            exception_table,
            max_stack: self.max_depth.max(0) as u32 + 2,
            global_cache: std::cell::RefCell::new(vec![None; nnames]),
        }
    }
}

/// Constants are shared when equal and of the same type (`1` and `1.0` and `True` stay apart).
fn same_const(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::None, Value::None) | (Value::Ellipsis, Value::Ellipsis) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        (Value::Str(x), Value::Str(y)) => x.as_str() == y.as_str(),
        _ => false,
    }
}

fn jump_label(ins: &Instr) -> Option<u32> {
    match *ins {
        Instr::ForIter { target }
        | Instr::Jump { target }
        | Instr::JumpBackward { target }
        | Instr::PopJumpIfFalse { target }
        | Instr::PopJumpIfTrue { target }
        | Instr::JumpIfFalseOrPop { target }
        | Instr::JumpIfTrueOrPop { target } => Some(target),
        _ => None,
    }
}

fn set_jump_target(ins: &mut Instr, to: u32) {
    match ins {
        Instr::ForIter { target }
        | Instr::Jump { target }
        | Instr::JumpBackward { target }
        | Instr::PopJumpIfFalse { target }
        | Instr::PopJumpIfTrue { target }
        | Instr::JumpIfFalseOrPop { target }
        | Instr::JumpIfTrueOrPop { target } => *target = to,
        _ => {}
    }
}

/// (effect when falling through, effect when jumping) on the stack depth.
pub fn stack_effect(ins: &Instr) -> (i32, i32) {
    use Instr::*;
    let n = |x: u32| x as i32;
    let e = match *ins {
        Nop
        | Swap { .. }
        | UnaryNegative
        | UnaryPositive
        | UnaryNot
        | UnaryInvert
        | GetIter
        | ListToTuple
        | GetYieldFromIter
        | GetAwaitable
        | GetAIter
        | SetupAnnotations
        | AsyncGenWrap
        | Jump { .. }
        | JumpBackward { .. } => 0,
        PopTop | StoreFast { .. } | StoreDeref { .. } | StoreGlobal { .. } | StoreName { .. } => -1,
        Copy { .. } | LoadConst { .. } | LoadFast { .. } | LoadDeref { .. } | LoadClosure { .. } => 1,
        LoadClassDeref { .. } | LoadGlobal { .. } | LoadName { .. } | LoadBuildClass | LoadAssertionError => 1,
        DeleteFast { .. } | DeleteDeref { .. } | DeleteGlobal { .. } | DeleteName { .. } => 0,
        LoadAttr { .. } => 0,
        StoreAttr { .. } => -2,
        DeleteAttr { .. } => -1,
        LoadMethod { .. } | GetANext => 1,
        CallMethod { argc } => -n(argc) - 1,
        BinarySubscr => -1,
        StoreSubscr => -3,
        DeleteSubscr => -2,
        BinaryOp { .. } | CompareOp { .. } | IsOp { .. } | ContainsOp { .. } => -1,
        BuildTuple { n: k } | BuildList { n: k } | BuildSet { n: k } | BuildString { n: k } => 1 - n(k),
        BuildMap { n: k } => 1 - 2 * n(k),
        BuildSlice { n: k } => 1 - n(k),
        ListAppend { .. } | SetAdd { .. } | ListExtend { .. } | SetUpdate { .. } | DictUpdate { .. } | DictMerge { .. } => -1,
        MapAdd { .. } => -2,
        FormatValue { has_spec, .. } => -(has_spec as i32),
        UnpackSequence { n: k } => n(k) - 1,
        UnpackEx { before, after } => n(before) + n(after),
        ForIter { .. } => return (1, -1),
        PopJumpIfFalse { .. } | PopJumpIfTrue { .. } => return (-1, -1),
        JumpIfFalseOrPop { .. } | JumpIfTrueOrPop { .. } => return (-1, 0),
        Call { argc } => -n(argc),
        CallKw { argc } => -n(argc) - 1,
        CallFunctionEx { has_kwargs } => -1 - has_kwargs as i32,
        MakeFunction { flags } => -(flags.count_ones() as i32),
        ReturnValue => -1,
        YieldValue => 0,
        YieldFrom => -1,
        Raise { kind } => -(kind as i32),
        Reraise => -1,
        PushExcInfo => 1,
        PopExcept => -1,
        CheckExcMatch => 0,
        BeforeWith | BeforeAsyncWith => 1,
        WithExceptStart => 1,
        ImportName { .. } => 1,
        ImportFrom { .. } => 1,
        ImportStar => -1,
        PrintExpr => -1,
    };
    (e, e)
}
