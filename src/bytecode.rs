//! Bytecode: the instruction set, code objects, and the disassembler behind `tpy --dis`.
//! Names follow CPython 3.11's opcodes where the meaning matches.
//!
//! Notes:
//! - Jumps name absolute instruction indices (`target`). Every loop closes with
//!   `JumpBackward`, a VM check point (where the GIL may be handed over); conditional jumps
//!   only go forward.
//! - Exceptions use a table (`CodeObject::exception_table`), not a block stack: when an
//!   instruction in `start..end` raises, the stack is cut to `depth`, the exception pushed, and
//!   control goes to `target`.
//! - `ForIter` pops the exhausted iterator itself before jumping to `target`.
//! - `CallMethod` expects `[method_or_null, self_or_callable, args...]` as `LoadMethod` left it.

use crate::ast::{BinOp, CmpOp};
use crate::runtime::objects::PyStr;
use crate::runtime::value::Value;
use std::fmt::Write;
use std::rc::Rc;

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Instr {
    /// Does nothing.
    Nop,
    /// pops a.
    PopTop,
    /// Swaps TOS with the item `n` deep (n >= 2): pops nothing.
    Swap {
        n: u32,
    },
    /// pushes a copy of the item `n` deep (1 = TOS).
    Copy {
        n: u32,
    },
    /// pushes consts[idx].
    LoadConst {
        idx: u32,
    },
    /// pushes locals[slot]; UnboundLocalError if unset.
    LoadFast {
        slot: u32,
    },
    /// pops a; locals[slot] = a.
    StoreFast {
        slot: u32,
    },
    /// locals[slot] = unset; UnboundLocalError if unset.
    DeleteFast {
        slot: u32,
    },
    /// pushes the value of cells[idx] (cellvars, then freevars).
    LoadDeref {
        idx: u32,
    },
    /// pops a; cells[idx] = a.
    StoreDeref {
        idx: u32,
    },
    /// cells[idx] = unset.
    DeleteDeref {
        idx: u32,
    },
    /// pushes the cell object cells[idx] itself (to build a closure).
    LoadClosure {
        idx: u32,
    },
    /// Class bodies: pushes names[name] from the class namespace, else cells[idx].
    LoadClassDeref {
        idx: u32,
        name: u32,
    },
    /// pushes globals[names[name]], else builtins; NameError if neither.
    LoadGlobal {
        name: u32,
    },
    /// pops a; globals[names[name]] = a.
    StoreGlobal {
        name: u32,
    },
    DeleteGlobal {
        name: u32,
    },
    /// Class bodies: pushes namespace[names[name]], else globals, else builtins.
    LoadName {
        name: u32,
    },
    /// pops a; namespace[names[name]] = a.
    StoreName {
        name: u32,
    },
    DeleteName {
        name: u32,
    },
    /// pops obj; pushes obj.names[name].
    LoadAttr {
        name: u32,
    },
    /// pops obj, value (obj on top); obj.names[name] = value.
    StoreAttr {
        name: u32,
    },
    /// pops obj; del obj.names[name].
    DeleteAttr {
        name: u32,
    },
    /// pops obj; pushes (unbound method, obj) or (NULL, bound attribute).
    LoadMethod {
        name: u32,
    },
    /// pops argc args and the pair LoadMethod pushed; pushes the call's result.
    CallMethod {
        argc: u32,
    },
    /// pops container, index; pushes container[index].
    BinarySubscr,
    /// pops value, container, index (index on top); container[index] = value.
    StoreSubscr,
    /// pops container, index; del container[index].
    DeleteSubscr,
    /// pops a, b; pushes a op b (`inplace`: a op= b, trying `__iop__` first).
    BinaryOp {
        op: BinOp,
        inplace: bool,
    },
    /// pops a; pushes -a.
    UnaryNegative,
    /// pops a; pushes +a.
    UnaryPositive,
    /// pops a; pushes not a.
    UnaryNot,
    /// pops a; pushes ~a.
    UnaryInvert,
    /// pops a, b; pushes a op b for ==, !=, <, <=, >, >=.
    CompareOp {
        op: CmpOp,
    },
    /// pops a, b; pushes a is b (or is not).
    IsOp {
        invert: bool,
    },
    /// pops a, b; pushes a in b (or not in).
    ContainsOp {
        invert: bool,
    },
    /// pops n; pushes a tuple of them.
    BuildTuple {
        n: u32,
    },
    /// pops n; pushes a list of them.
    BuildList {
        n: u32,
    },
    /// pops n; pushes a set of them.
    BuildSet {
        n: u32,
    },
    /// pops 2n (k1, v1, k2, v2...); pushes a dict.
    BuildMap {
        n: u32,
    },
    /// pops n strings; pushes their concatenation (f-strings).
    BuildString {
        n: u32,
    },
    /// pops start, stop[, step]; pushes a slice (n is 2 or 3).
    BuildSlice {
        n: u32,
    },
    /// pops a; appends it to the list `depth` deep (comprehensions).
    ListAppend {
        depth: u32,
    },
    /// pops a; adds it to the set `depth` deep.
    SetAdd {
        depth: u32,
    },
    /// pops key, value; stores them in the dict `depth` deep.
    MapAdd {
        depth: u32,
    },
    /// pops an iterable; extends the list `depth` deep with it. `call`: the list holds a call's
    /// positional arguments and the callable lies just beneath it (for error messages).
    ListExtend {
        depth: u32,
        call: bool,
    },
    /// pops an iterable; updates the set `depth` deep with it.
    SetUpdate {
        depth: u32,
    },
    /// pops a mapping; updates the dict `depth` deep (displays: later keys win).
    DictUpdate {
        depth: u32,
    },
    /// pops a mapping; merges it into the dict `depth` deep (calls: a repeated key is an error).
    DictMerge {
        depth: u32,
    },
    /// pops a list; pushes a tuple of its items.
    ListToTuple,
    /// pops value [and spec]; pushes format(conversion(value), spec). conversion: 0 none, 1 str,
    /// 2 repr, 3 ascii.
    FormatValue {
        conversion: u8,
        has_spec: bool,
    },
    /// pops a sequence; pushes its n items, last first (so the first is on top).
    UnpackSequence {
        n: u32,
    },
    /// pops a sequence; pushes `after` items, a list of the middle, `before` items (reversed).
    UnpackEx {
        before: u32,
        after: u32,
    },
    /// pops a; pushes iter(a).
    GetIter,
    /// TOS is an iterator: pushes next(it), or pops it and jumps to target when exhausted.
    ForIter {
        target: u32,
    },
    /// Unconditional forward jump.
    Jump {
        target: u32,
    },
    /// Backward jump: a check point.
    JumpBackward {
        target: u32,
    },
    /// pops a; jumps if a is false.
    PopJumpIfFalse {
        target: u32,
    },
    /// pops a; jumps if a is true.
    PopJumpIfTrue {
        target: u32,
    },
    /// if TOS is false jumps keeping it, else pops it (`and`).
    JumpIfFalseOrPop {
        target: u32,
    },
    /// if TOS is true jumps keeping it, else pops it (`or`).
    JumpIfTrueOrPop {
        target: u32,
    },
    /// pops argc args and the callable; pushes the result.
    Call {
        argc: u32,
    },
    /// pops the kwnames tuple, argc args (the last len(kwnames) are keyword values), the
    /// callable; pushes the result.
    CallKw {
        argc: u32,
    },
    /// pops [kwargs dict if has_kwargs], args tuple, callable; pushes the result.
    CallFunctionEx {
        has_kwargs: bool,
    },
    /// pops code, [closure tuple], [annotations dict], [kwdefaults dict], [defaults tuple]
    /// (per flags: 1 defaults, 2 kwdefaults, 4 annotations, 8 closure); pushes a function.
    MakeFunction {
        flags: u8,
    },
    /// pops a; returns it to the caller.
    ReturnValue,
    /// pops a; suspends the generator, giving a to the caller; the value sent in is pushed
    /// on resumption.
    YieldValue,
    /// pops a; pushes it wrapped as a value yielded by an async generator (vs. an await).
    AsyncGenWrap,
    /// pops v; sends v into the iterator below it. If it yields, this generator yields the
    /// same value and will run this instruction again; when it returns r, pops the iterator
    /// and pushes r.
    YieldFrom,
    /// pops a; pushes iter(a), or a itself if it is a generator or coroutine.
    GetYieldFromIter,
    /// pops a; pushes the iterator of `a.__await__()` (or a itself if a coroutine).
    GetAwaitable,
    /// pops a; pushes `a.__aiter__()` (TypeError for `async for` over a non-async iterable).
    GetAIter,
    /// TOS is an async iterator (kept); pushes the awaitable iterator of its `__anext__()`.
    GetANext,
    /// Raises: kind 0 re-raises the handled exception, 1 pops exc, 2 pops exc and cause.
    Raise {
        kind: u8,
    },
    /// pops exc; re-raises it as it is (end of a `finally` or unmatched `except`).
    Reraise,
    /// pops exc; pushes the previously handled exception, then exc; exc becomes handled.
    PushExcInfo,
    /// pops the saved exception (pushed by PushExcInfo) and makes it the handled one again.
    PopExcept,
    /// pops type; TOS is the exception; pushes whether it matches.
    CheckExcMatch,
    /// pops a context manager; pushes its bound `__exit__`, then the result of `__enter__()`.
    BeforeWith,
    /// Async `with`: pops a manager; pushes bound `__aexit__`, then `__aenter__()`.
    BeforeAsyncWith,
    /// Stack [exit, ..., exc]: calls exit(type, exc, tb); pushes its result.
    WithExceptStart,
    /// pushes the module `names[name]` (imported if needed).
    ImportName {
        name: u32,
    },
    /// TOS is a module: pushes its attribute `names[name]` (ImportError if missing).
    ImportFrom {
        name: u32,
    },
    /// pops a module; binds all its public names in the current namespace.
    ImportStar,
    /// pushes the builtin `__build_class__`.
    LoadBuildClass,
    /// Creates `__annotations__` in the current namespace if missing.
    SetupAnnotations,
    /// pushes AssertionError.
    LoadAssertionError,
    /// REPL: pops a; prints its repr unless it is None.
    PrintExpr,
}

/// Flag bits of `CodeObject::flags`.
pub mod flags {
    pub const VARARGS: u32 = 1;
    pub const VARKEYWORDS: u32 = 2;
    pub const GENERATOR: u32 = 4;
    pub const COROUTINE: u32 = 8;
    pub const ASYNC_GENERATOR: u32 = 16;
    /// A class body: names go to the namespace dict.
    pub const CLASS_BODY: u32 = 32;
    /// A module body.
    pub const MODULE: u32 = 64;
    /// `consts[0]` is the function's docstring.
    pub const DOCSTRING: u32 = 128;
    /// Library code that CPython implements in C (deque, heapq, itertools...): the GIL is
    /// never handed over at its check points, so another thread cannot see it half done.
    pub const ATOMIC: u32 = 256;
}

#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct ExceptionEntry {
    pub start: u32,
    pub end: u32,
    pub target: u32,
    /// Stack depth to cut to before pushing the exception.
    pub depth: u32,
}

pub struct CodeObject {
    pub name: Rc<PyStr>,
    pub qualname: Rc<PyStr>,
    pub filename: Rc<str>,
    pub firstlineno: u32,
    pub instructions: Vec<Instr>,
    /// Source line of each instruction.
    pub lines: Vec<u32>,
    pub consts: Vec<Value>,
    pub names: Vec<Rc<PyStr>>,
    /// Local variable slots; parameters come first.
    pub varnames: Vec<Rc<PyStr>>,
    pub cellvars: Vec<Rc<PyStr>>,
    pub freevars: Vec<Rc<PyStr>>,
    /// For each cellvar that is also a parameter: (cell index, parameter slot).
    pub cell_params: Vec<(u32, u32)>,
    pub argcount: u32,
    pub posonlyargcount: u32,
    pub kwonlyargcount: u32,
    pub flags: u32,
    pub exception_table: Vec<ExceptionEntry>,
    /// Upper bound of the value stack depth.
    pub max_stack: u32,
    /// `LoadGlobal` results per name index, valid while the globals and builtins dicts are
    /// unchanged (see `GlobalCacheEntry`).
    pub global_cache: std::cell::RefCell<Vec<Option<GlobalCacheEntry>>>,
}

/// A cached global or builtin lookup: the versions of the globals and builtins dicts it was
/// made under, and what it found.
#[derive(Clone)]
pub struct GlobalCacheEntry {
    pub globals_version: u64,
    pub builtins_version: u64,
    pub value: Value,
}

impl CodeObject {
    pub fn has_flag(&self, flag: u32) -> bool {
        self.flags & flag != 0
    }

    /// Sets `flags::ATOMIC` on this code and every code object nested in it.
    pub fn mark_atomic(&mut self) {
        self.flags |= flags::ATOMIC;
        for c in &mut self.consts {
            if let Value::Code(inner) = c {
                if let Some(inner) = Rc::get_mut(inner) {
                    inner.mark_atomic();
                }
            }
        }
    }

    pub fn is_generator_like(&self) -> bool {
        self.flags & (flags::GENERATOR | flags::COROUTINE | flags::ASYNC_GENERATOR) != 0
    }

    /// Total parameter slots (positional, keyword-only, *args, **kwargs).
    pub fn total_params(&self) -> usize {
        (self.argcount + self.kwonlyargcount + self.has_flag(flags::VARARGS) as u32 + self.has_flag(flags::VARKEYWORDS) as u32) as usize
    }

    pub fn line_of(&self, pc: usize) -> u32 {
        self.lines.get(pc).copied().unwrap_or(self.firstlineno)
    }

    /// The innermost handler covering instruction `pc`: the first entry that covers it, since
    /// the compiler adds a statement's entries after those of the statements nested in it.
    /// (Not the narrowest range: a `try` whose body returns through `finally` splits the
    /// finally's range around the inlined copy, and a piece can be narrower than the inner
    /// `except` range that must win.)
    pub fn handler_for(&self, pc: usize) -> Option<&ExceptionEntry> {
        let pc = pc as u32;
        self.exception_table.iter().find(|e| e.start <= pc && pc < e.end)
    }

    /// `tpy --dis`: a listing of this code object and the ones nested in it.
    pub fn disassemble(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Disassembly of <code object {}> (line {}):", self.qualname.as_str(), self.firstlineno);
        let mut last_line = 0;
        for (i, ins) in self.instructions.iter().enumerate() {
            let line = self.lines[i];
            let col = if line != last_line { format!("{line:>4}") } else { "    ".to_string() };
            last_line = line;
            let _ = writeln!(out, "{col} {i:>6} {}", self.describe(ins));
        }
        for e in &self.exception_table {
            let _ = writeln!(out, "  ExceptionTable: {} to {} -> {} [{}]", e.start, e.end, e.target, e.depth);
        }
        for c in &self.consts {
            if let Value::Code(inner) = c {
                out.push('\n');
                out.push_str(&inner.disassemble());
            }
        }
        out
    }

    /// One instruction with its operand resolved to a name or constant, like CPython's dis.
    fn describe(&self, ins: &Instr) -> String {
        let name_of = |v: &[Rc<PyStr>], i: u32| v.get(i as usize).map(|s| s.as_str().to_string()).unwrap_or_default();
        let cell_name = |i: u32| {
            let i = i as usize;
            if i < self.cellvars.len() {
                self.cellvars[i].as_str().to_string()
            } else {
                self.freevars.get(i - self.cellvars.len()).map(|s| s.as_str().to_string()).unwrap_or_default()
            }
        };
        let base = format!("{ins:?}");
        let note = match *ins {
            Instr::LoadConst { idx } => format!("({:?})", self.consts[idx as usize]),
            Instr::LoadFast { slot } | Instr::StoreFast { slot } | Instr::DeleteFast { slot } => {
                format!("({})", name_of(&self.varnames, slot))
            }
            Instr::LoadDeref { idx } | Instr::StoreDeref { idx } | Instr::LoadClosure { idx } | Instr::DeleteDeref { idx } => {
                format!("({})", cell_name(idx))
            }
            Instr::LoadGlobal { name }
            | Instr::StoreGlobal { name }
            | Instr::DeleteGlobal { name }
            | Instr::LoadName { name }
            | Instr::StoreName { name }
            | Instr::DeleteName { name }
            | Instr::LoadAttr { name }
            | Instr::StoreAttr { name }
            | Instr::DeleteAttr { name }
            | Instr::LoadMethod { name }
            | Instr::ImportName { name }
            | Instr::ImportFrom { name } => format!("({})", name_of(&self.names, name)),
            _ => String::new(),
        };
        if note.is_empty() {
            base
        } else {
            format!("{base:<40} {note}")
        }
    }
}
