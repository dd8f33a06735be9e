//! The dispatch loop: fetch, one check point, `match`. Python-to-Python calls push a frame and
//! keep looping (no native recursion); returns pop it. Exceptions unwind through the code
//! objects' exception tables. Slow paths live in the other `vm` modules.

use super::frame::Frame;
use super::{ExcKind, PyException, PyResult, Vm};
use crate::bytecode::{flags, Instr};
use crate::gil::{GIL_DROP_REQUEST, PENDING_CALLS};
use crate::runtime::objects::{Args, BoundMethod, PyDict, PySlice, PyStr, TracebackEntry};
use crate::runtime::value::Value;
use smallvec::SmallVec;
use std::rc::Rc;
use std::sync::atomic::Ordering;

/// How a frame run by `execute` ended.
pub enum ExecResult {
    Return(Value),
    /// A generator frame suspended at `yield`.
    Yield(Value, Box<Frame>),
}

/// How the inner loop stopped.
enum Flow {
    Return(Value),
    Yield(Value),
}

/// How many nested `execute` calls (native recursion through builtins) a thread may make.
/// Each costs a few KB of native stack; the interpreter thread is started with room for this.
pub const MAX_NATIVE_DEPTH: usize = 3000;

impl Vm {
    /// Runs `frame` (and the frames it calls) until it returns or yields.
    /// `pending` raises an exception in the frame first (`generator.throw`).
    pub fn execute(&mut self, frame: Box<Frame>, pending: Option<PyException>) -> PyResult<ExecResult> {
        let base = self.frames.len();
        // Entered from Rust code calling back into Python: CPython's message for that path.
        self.push_depth(" while calling a Python object")?;
        let saved_native = self.native_depth;
        self.native_depth += 1;
        if self.native_depth > MAX_NATIVE_DEPTH {
            self.native_depth = saved_native;
            self.depth -= 1;
            return self.err(ExcKind::RecursionError, "maximum recursion depth exceeded");
        }
        let saved_globals = std::mem::replace(&mut self.cur_globals, frame.globals.clone());
        let mut f = frame;
        let mut pending = pending.map(|e| (e, false));
        let result = loop {
            let (exc, reraise) = match pending.take() {
                Some(p) => p,
                None => match self.run_frame(&mut f, base) {
                    Ok(Flow::Return(v)) => {
                        self.recycle_frame(f);
                        break Ok(ExecResult::Return(v));
                    }
                    Ok(Flow::Yield(v)) => break Ok(ExecResult::Yield(v, f)),
                    Err(e) => {
                        let reraise = std::mem::take(&mut self.reraising);
                        (e, reraise)
                    }
                },
            };
            match self.unwind(&mut f, base, exc, reraise) {
                Ok(()) => continue,
                Err(e) => {
                    self.recycle_frame(f);
                    break Err(e);
                }
            }
        };
        self.native_depth = saved_native;
        self.depth -= 1;
        self.cur_globals = saved_globals;
        result
    }

    fn run_frame(&mut self, f: &mut Box<Frame>, base: usize) -> PyResult<Flow> {
        if self.interp.gil.every_instruction {
            self.run::<true>(f, base)
        } else {
            self.run::<false>(f, base)
        }
    }

    fn push_depth(&mut self, context: &str) -> PyResult<()> {
        self.depth += 1;
        if self.depth > self.interp.recursion_limit.get() {
            self.depth -= 1;
            return self.err(ExcKind::RecursionError, format!("maximum recursion depth exceeded{context}"));
        }
        Ok(())
    }

    /// Finds a handler for `exc` in `f` or its callers (down to `base`), recording traceback
    /// entries on the way. `Ok` means `f` is positioned at a handler.
    fn unwind(&mut self, f: &mut Box<Frame>, base: usize, exc: PyException, reraise: bool) -> PyResult<()> {
        if !reraise {
            self.chain_context(&exc);
        }
        let mut skip_tb = reraise;
        loop {
            if !skip_tb {
                add_traceback(&exc, f);
            }
            skip_tb = false;
            let at = f.pc.saturating_sub(1);
            if let Some(h) = f.code.handler_for(at) {
                f.stack.truncate(h.depth as usize);
                f.stack.push(Value::Instance(exc.value.clone()));
                f.pc = h.target as usize;
                self.run_pending_closes_at(f);
                return Ok(());
            }
            if self.frames.len() > base {
                self.depth -= 1;
                let done = std::mem::replace(f, self.frames.pop().expect("caller frame"));
                self.release_frame(done);
                self.run_pending_closes_at(f);
                self.cur_globals = f.globals.clone();
            } else {
                return Err(exc);
            }
        }
    }

    /// Implicit chaining: an exception raised while another is handled gets it as `__context__`.
    fn chain_context(&self, exc: &PyException) {
        let Some(Value::Instance(h)) = &self.handled else { return };
        if Rc::ptr_eq(h, &exc.value) {
            return;
        }
        if let Some(state) = &exc.value.exc {
            let mut st = state.borrow_mut();
            if st.context.is_none() {
                st.context = Some(Value::Instance(h.clone()));
            }
        }
    }

    /// The check point: one relaxed load; hands the GIL over if another thread asked for it,
    /// raises `KeyboardInterrupt` in the main thread after SIGINT.
    #[inline]
    fn check_point(&mut self, f: &Frame) -> PyResult<()> {
        let flags = self.interp.gil.eval_breaker.load(Ordering::Relaxed);
        if flags != 0 {
            return self.handle_eval_breaker(flags, f);
        }
        Ok(())
    }

    #[cold]
    fn handle_eval_breaker(&mut self, flags: u32, f: &Frame) -> PyResult<()> {
        if flags & PENDING_CALLS != 0 {
            self.check_signals()?;
        }
        if flags & GIL_DROP_REQUEST != 0 && !f.code.has_flag(crate::bytecode::flags::ATOMIC) {
            self.gil.forced_switch();
        }
        Ok(())
    }

    /// Pushes a new frame for a Python call made by the running frame.
    fn push_frame(&mut self, f: &mut Box<Frame>, new: Box<Frame>) -> PyResult<()> {
        self.push_depth("")?;
        if !Rc::ptr_eq(&new.globals, &self.cur_globals) {
            self.cur_globals = new.globals.clone();
        }
        let caller = std::mem::replace(f, new);
        self.frames.push(caller);
        self.check_point(f)
    }

    /// The loop, in two builds: `EVERY` (`-X switch=every-instruction`) puts a check point
    /// before every instruction; the normal build pays nothing for that option.
    fn run<const EVERY: bool>(&mut self, f: &mut Box<Frame>, base: usize) -> PyResult<Flow> {
        loop {
            if EVERY {
                self.check_point(f)?;
            }
            let ins = f.code.instructions[f.pc];
            f.pc += 1;
            match ins {
                Instr::Nop => {}
                Instr::PopTop => {
                    // A generator dropped here (`break` out of its loop) is closed now.
                    let v = f.stack.pop();
                    if matches!(v, Some(Value::Generator(_) | Value::Native(_))) {
                        drop(v);
                        self.run_pending_closes_at(f);
                    }
                }
                Instr::Swap { n } => {
                    let len = f.stack.len();
                    f.stack.swap(len - 1, len - n as usize);
                }
                Instr::Copy { n } => {
                    let v = f.stack[f.stack.len() - n as usize].clone();
                    f.stack.push(v);
                }
                Instr::LoadConst { idx } => {
                    let v = f.code.consts[idx as usize].clone();
                    f.stack.push(v);
                }
                Instr::LoadFast { slot } => match &f.locals[slot as usize] {
                    Some(v) => {
                        let v = v.clone();
                        f.stack.push(v);
                    }
                    None => return Err(self.unbound_local(f, slot)),
                },
                Instr::StoreFast { slot } => {
                    let v = pop(f);
                    let old = f.locals[slot as usize].replace(v);
                    // A generator or coroutine freed by the rebinding is finalized at this line.
                    if matches!(old, Some(Value::Generator(_))) {
                        drop(old);
                        self.run_pending_closes_at(f);
                    }
                }
                Instr::DeleteFast { slot } => {
                    if f.locals[slot as usize].take().is_none() {
                        return Err(self.unbound_local(f, slot));
                    }
                    self.run_pending_closes_at(f);
                }
                Instr::LoadDeref { idx } => {
                    let v = f.cells[idx as usize].borrow().clone();
                    match v {
                        Some(v) => f.stack.push(v),
                        None => return Err(self.unbound_cell(f, idx)),
                    }
                }
                Instr::StoreDeref { idx } => {
                    let v = pop(f);
                    *f.cells[idx as usize].borrow_mut() = Some(v);
                }
                Instr::DeleteDeref { idx } => {
                    if f.cells[idx as usize].borrow_mut().take().is_none() {
                        return Err(self.unbound_cell(f, idx));
                    }
                }
                Instr::LoadClosure { idx } => {
                    let cell = f.cells[idx as usize].clone();
                    f.stack.push(self.cell_value(cell));
                }
                Instr::LoadClassDeref { idx, name } => {
                    let key = f.code.names[name as usize].clone();
                    let found = f.namespace.as_ref().and_then(|ns| ns.get_str(&key));
                    match found.or_else(|| f.cells[idx as usize].borrow().clone()) {
                        Some(v) => f.stack.push(v),
                        None => return Err(self.unbound_cell(f, idx)),
                    }
                }
                Instr::LoadGlobal { name } => {
                    let v = match self.load_global(f, name as usize) {
                        Ok(v) => v,
                        Err(e) => self.lazy_builtin(&f.code.names[name as usize].clone()).ok_or(e)?,
                    };
                    f.stack.push(v);
                }
                Instr::StoreGlobal { name } => {
                    let v = pop(f);
                    // The cached old value must not outlive its binding (a generator freed
                    // by the rebinding is finalized at this line).
                    if let Some(slot) = f.code.global_cache.borrow_mut().get_mut(name as usize) {
                        *slot = None;
                    }
                    f.globals.set_str(&f.code.names[name as usize], v);
                    if self.interp.close_queue.has_pending() {
                        self.run_pending_closes_at(f);
                    }
                }
                Instr::DeleteGlobal { name } => {
                    let key = f.code.names[name as usize].clone();
                    if f.globals.map.borrow_mut().remove_str(key.hash(), key.as_str()).is_none() {
                        return Err(self.name_error(key.as_str()));
                    }
                    // The cached value must not outlive the binding (`del gen` finalizes it).
                    if let Some(slot) = f.code.global_cache.borrow_mut().get_mut(name as usize) {
                        *slot = None;
                    }
                    self.run_pending_closes_at(f);
                }
                Instr::LoadName { name } => {
                    let key = f.code.names[name as usize].clone();
                    let v = match self.load_name(f, &key) {
                        Ok(v) => v,
                        Err(_) => match self.lazy_builtin(&key) {
                            Some(v) => v,
                            None => return Err(self.name_error_in(f, key.as_str())),
                        },
                    };
                    f.stack.push(v);
                }
                Instr::StoreName { name } => {
                    let v = pop(f);
                    let key = &f.code.names[name as usize];
                    match &f.namespace {
                        Some(ns) => ns.set_str(key, v),
                        None => f.globals.set_str(key, v),
                    }
                    if self.interp.close_queue.has_pending() {
                        self.run_pending_closes_at(f);
                    }
                }
                Instr::DeleteName { name } => {
                    let key = f.code.names[name as usize].clone();
                    let ns = f.namespace.clone().unwrap_or_else(|| f.globals.clone());
                    if ns.map.borrow_mut().remove_str(key.hash(), key.as_str()).is_none() {
                        return Err(self.name_error(key.as_str()));
                    }
                    self.run_pending_closes_at(f);
                }
                Instr::LoadAttr { name } => {
                    let obj = pop(f);
                    let key = f.code.names[name as usize].clone();
                    let v = self.get_attr(&obj, &key)?;
                    f.stack.push(v);
                }
                Instr::StoreAttr { name } => {
                    let obj = pop(f);
                    let v = pop(f);
                    let key = f.code.names[name as usize].clone();
                    self.set_attr(&obj, &key, v)?;
                }
                Instr::DeleteAttr { name } => {
                    let obj = pop(f);
                    let key = f.code.names[name as usize].clone();
                    self.del_attr(&obj, &key)?;
                }
                Instr::LoadMethod { name } => {
                    let obj = pop(f);
                    let key = f.code.names[name as usize].clone();
                    match self.load_method(&obj, &key)? {
                        Some(func) => {
                            f.stack.push(func);
                            f.stack.push(obj);
                        }
                        None => {
                            let attr = self.get_attr(&obj, &key)?;
                            f.stack.push(Value::None);
                            f.stack.push(attr);
                            // Marks "no self": the callable sits where self would.
                            let len = f.stack.len();
                            f.stack[len - 2] = Value::NotImplemented;
                        }
                    }
                }
                Instr::CallMethod { argc } => {
                    let n = argc as usize;
                    let split = f.stack.len() - n;
                    let method_pos = split - 2;
                    if let Value::Function(func) = &f.stack[method_pos] {
                        if Vm::is_simple_call(func, n + 1) {
                            let func = func.clone();
                            self.call_from_stack(f, &func, method_pos + 1)?;
                            continue;
                        }
                    }
                    let (callable, with_self) = match &f.stack[method_pos] {
                        Value::NotImplemented => (f.stack[method_pos + 1].clone(), false),
                        m => (m.clone(), true),
                    };
                    let start = if with_self { method_pos + 1 } else { split };
                    let args: SmallVec<[Value; 4]> = f.stack.drain(start..).collect();
                    f.stack.truncate(method_pos);
                    if let Some(result) = self.call_or_push(f, callable, args)? {
                        f.stack.push(result);
                        self.check_point(f)?;
                    }
                }
                Instr::Call { argc } => {
                    let split = f.stack.len() - argc as usize;
                    if let Value::Class(cls) = &f.stack[split - 1] {
                        if let Some(init) = self.simple_init(cls, argc as usize) {
                            let inst = Value::Instance(Rc::new(crate::runtime::objects::PyInstance::new(cls.clone())));
                            f.stack.insert(split, inst.clone());
                            self.call_from_stack(f, &init, split)?;
                            f.init_instance = Some(inst);
                            continue;
                        }
                    }
                    if let Value::Function(func) = &f.stack[split - 1] {
                        if Vm::is_simple_call(func, argc as usize) {
                            let func = func.clone();
                            self.call_from_stack(f, &func, split)?;
                            continue;
                        }
                    }
                    let args: SmallVec<[Value; 4]> = f.stack.drain(split..).collect();
                    let callable = pop(f);
                    if let Some(result) = self.call_or_push(f, callable, args)? {
                        f.stack.push(result);
                        self.check_point(f)?;
                    }
                }
                Instr::CallKw { argc } => {
                    let names = pop(f);
                    let Value::Tuple(names) = names else { unreachable!("kwnames tuple") };
                    let split = f.stack.len() - argc as usize;
                    let mut all: Vec<Value> = f.stack.drain(split..).collect();
                    let callable = pop(f);
                    let kw_vals = all.split_off(all.len() - names.items.len());
                    let kw = names.items.iter().zip(kw_vals).map(|(k, v)| (k.as_pystr().expect("kw name").clone(), v)).collect();
                    let result = self.call(&callable, Args { pos: all.into_iter().collect(), kw })?;
                    f.stack.push(result);
                    self.check_point(f)?;
                }
                Instr::CallFunctionEx { has_kwargs } => {
                    let kwargs = if has_kwargs { Some(pop(f)) } else { None };
                    let args = pop(f);
                    let callable = pop(f);
                    let result = self.call_ex(&callable, args, kwargs)?;
                    f.stack.push(result);
                    self.check_point(f)?;
                }
                Instr::BinarySubscr => {
                    let index = pop(f);
                    let container = pop(f);
                    let fast = match (&container, &index) {
                        (Value::List(l), Value::Int(i)) => {
                            let items = l.items.borrow();
                            let i = if *i < 0 { *i + items.len() as i64 } else { *i };
                            items.get(i as usize).filter(|_| i >= 0).cloned()
                        }
                        _ => None,
                    };
                    let v = match fast {
                        Some(v) => v,
                        None => self.get_item(&container, &index)?,
                    };
                    f.stack.push(v);
                }
                Instr::StoreSubscr => {
                    let index = pop(f);
                    let container = pop(f);
                    let value = pop(f);
                    self.set_item(&container, index, value)?;
                }
                Instr::DeleteSubscr => {
                    let index = pop(f);
                    let container = pop(f);
                    self.del_item(&container, &index)?;
                }
                Instr::BinaryOp { op, inplace } => {
                    let b = pop(f);
                    let a = pop(f);
                    let fast = match (&a, &b) {
                        (Value::Int(x), Value::Int(y)) => super::ops::int_fast(*x, *y, op),
                        _ => super::ops::float_fast(&a, &b, op),
                    };
                    let v = match fast {
                        Some(v) => v,
                        None => self.binary_op(&a, &b, op, inplace)?,
                    };
                    f.stack.push(v);
                }
                Instr::UnaryNegative => {
                    let a = pop(f);
                    let v = self.unary_op(&a, crate::ast::UnaryOp::USub)?;
                    f.stack.push(v);
                }
                Instr::UnaryPositive => {
                    let a = pop(f);
                    let v = self.unary_op(&a, crate::ast::UnaryOp::UAdd)?;
                    f.stack.push(v);
                }
                Instr::UnaryInvert => {
                    let a = pop(f);
                    let v = self.unary_op(&a, crate::ast::UnaryOp::Invert)?;
                    f.stack.push(v);
                }
                Instr::UnaryNot => {
                    let a = pop(f);
                    let t = self.is_true(&a)?;
                    f.stack.push(Value::Bool(!t));
                }
                Instr::CompareOp { op } => {
                    let b = pop(f);
                    let a = pop(f);
                    let v = match (&a, &b) {
                        (Value::Int(x), Value::Int(y)) => Value::Bool(super::ops::cmp_native(*x, *y, op)),
                        (Value::Float(x), Value::Float(y)) => Value::Bool(super::ops::cmp_native(*x, *y, op)),
                        _ => self.compare(&a, &b, op)?,
                    };
                    f.stack.push(v);
                }
                Instr::IsOp { invert } => {
                    let b = pop(f);
                    let a = pop(f);
                    f.stack.push(Value::Bool(a.is(&b) != invert));
                }
                Instr::ContainsOp { invert } => {
                    let b = pop(f);
                    let a = pop(f);
                    let r = self.contains(&b, &a)?;
                    f.stack.push(Value::Bool(r != invert));
                }
                Instr::BuildTuple { n } => {
                    let items = f.stack.split_off(f.stack.len() - n as usize);
                    f.stack.push(Value::tuple(items));
                }
                Instr::BuildList { n } => {
                    let items = f.stack.split_off(f.stack.len() - n as usize);
                    f.stack.push(Value::list(items));
                }
                Instr::BuildSet { n } => {
                    let items = f.stack.split_off(f.stack.len() - n as usize);
                    let set = self.new_set(items)?;
                    f.stack.push(set);
                }
                Instr::BuildMap { n } => {
                    let items = f.stack.split_off(f.stack.len() - 2 * n as usize);
                    let d = Rc::new(PyDict::new());
                    let mut it = items.into_iter();
                    while let (Some(k), Some(v)) = (it.next(), it.next()) {
                        self.dict_set(&d, k, v)?;
                    }
                    f.stack.push(Value::Dict(d));
                }
                Instr::BuildString { n } => {
                    let items = f.stack.split_off(f.stack.len() - n as usize);
                    let mut s = String::new();
                    for it in &items {
                        s.push_str(it.as_str().unwrap_or(""));
                    }
                    f.stack.push(Value::from_string(s));
                }
                Instr::BuildSlice { n } => {
                    let step = if n == 3 { pop(f) } else { Value::None };
                    let stop = pop(f);
                    let start = pop(f);
                    f.stack.push(Value::Slice(Rc::new(PySlice { start, stop, step })));
                }
                Instr::ListAppend { depth } => {
                    let v = pop(f);
                    let target = &f.stack[f.stack.len() - depth as usize];
                    if let Value::List(l) = target {
                        l.items.borrow_mut().push(v);
                    }
                }
                Instr::SetAdd { depth } => {
                    let v = pop(f);
                    let target = f.stack[f.stack.len() - depth as usize].clone();
                    self.set_add_value(&target, v)?;
                }
                Instr::MapAdd { depth } => {
                    let v = pop(f);
                    let k = pop(f);
                    if let Value::Dict(d) = f.stack[f.stack.len() - depth as usize].clone() {
                        self.dict_set(&d, k, v)?;
                    }
                }
                Instr::ListExtend { depth, call } => {
                    let it = pop(f);
                    let items = match self.collect(&it) {
                        Ok(items) => items,
                        Err(e) if self.lacks_iter_protocol(&it) && self.exc_matches(&e, ExcKind::TypeError) => {
                            let tn = self.type_name(&it);
                            let msg = if call {
                                let func = &f.stack[f.stack.len() - depth as usize - 1];
                                format!("{} argument after * must be an iterable, not {tn}", self.function_str(func))
                            } else {
                                format!("Value after * must be an iterable, not {tn}")
                            };
                            return Err(self.type_error(msg));
                        }
                        Err(e) => return Err(e),
                    };
                    if let Value::List(l) = &f.stack[f.stack.len() - depth as usize] {
                        l.items.borrow_mut().extend(items);
                    }
                }
                Instr::SetUpdate { depth } => {
                    let it = pop(f);
                    let target = f.stack[f.stack.len() - depth as usize].clone();
                    crate::runtime::methods::set::set_update_value(self, &target, &it)?;
                }
                Instr::DictUpdate { depth } => {
                    let m = pop(f);
                    if let Value::Dict(d) = f.stack[f.stack.len() - depth as usize].clone() {
                        self.dict_update(&d, &m, false)?;
                    }
                }
                Instr::DictMerge { depth } => {
                    let m = pop(f);
                    if let Value::Dict(d) = f.stack[f.stack.len() - depth as usize].clone() {
                        let func = f.stack[f.stack.len() - depth as usize - 2].clone();
                        self.dict_merge_kwargs(&d, &m, &func)?;
                    }
                }
                Instr::ListToTuple => {
                    let l = pop(f);
                    if let Value::List(l) = l {
                        let items = std::mem::take(&mut *l.items.borrow_mut());
                        f.stack.push(Value::tuple(items));
                    }
                }
                Instr::FormatValue { conversion, has_spec } => {
                    let spec = if has_spec { Some(pop(f)) } else { None };
                    let v = pop(f);
                    let s = self.format_value(v, conversion, spec)?;
                    f.stack.push(s);
                }
                Instr::UnpackSequence { n } => {
                    let seq = pop(f);
                    self.unpack(f, seq, n as usize, None)?;
                }
                Instr::UnpackEx { before, after } => {
                    let seq = pop(f);
                    self.unpack(f, seq, before as usize, Some(after as usize))?;
                }
                Instr::GetIter => {
                    let v = pop(f);
                    let it = self.get_iter(&v)?;
                    f.stack.push(it);
                }
                Instr::ForIter { target } => {
                    let it = f.stack.last().expect("iterator");
                    match self.next(it)? {
                        Some(v) => f.stack.push(v),
                        None => {
                            f.stack.pop();
                            f.pc = target as usize;
                        }
                    }
                }
                Instr::Jump { target } => f.pc = target as usize,
                Instr::JumpBackward { target } => {
                    f.pc = target as usize;
                    self.check_point(f)?;
                }
                Instr::PopJumpIfFalse { target } => {
                    let v = pop(f);
                    if !self.truth(&v)? {
                        f.pc = target as usize;
                    }
                }
                Instr::PopJumpIfTrue { target } => {
                    let v = pop(f);
                    if self.truth(&v)? {
                        f.pc = target as usize;
                    }
                }
                Instr::JumpIfFalseOrPop { target } => {
                    let v = f.stack.last().expect("operand").clone();
                    if !self.truth(&v)? {
                        f.pc = target as usize;
                    } else {
                        f.stack.pop();
                    }
                }
                Instr::JumpIfTrueOrPop { target } => {
                    let v = f.stack.last().expect("operand").clone();
                    if self.truth(&v)? {
                        f.pc = target as usize;
                    } else {
                        f.stack.pop();
                    }
                }
                Instr::MakeFunction { flags } => {
                    let func = self.make_function(f, flags)?;
                    f.stack.push(func);
                }
                Instr::ReturnValue => {
                    let mut v = pop(f);
                    if self.frames.len() > base {
                        self.depth -= 1;
                        let init = f.init_instance.take();
                        let done = std::mem::replace(f, self.frames.pop().expect("caller"));
                        self.release_frame(done);
                        self.run_pending_closes_at(f);
                        if let Some(inst) = init {
                            if !v.is_none() {
                                let tn = self.type_name(&v);
                                return Err(self.type_error(format!("__init__() should return None, not '{tn}'")));
                            }
                            v = inst;
                        }
                        if !Rc::ptr_eq(&f.globals, &self.cur_globals) {
                            self.cur_globals = f.globals.clone();
                        }
                        f.stack.push(v);
                    } else {
                        return Ok(Flow::Return(v));
                    }
                }
                Instr::AsyncGenWrap => {
                    let v = pop(f);
                    let data = crate::runtime::objects::NativeData::Any(Box::new(crate::runtime::methods::async_gen::Wrapped(v)));
                    let obj = crate::runtime::objects::NativeObject::new(self.interp.types.object.clone(), data);
                    f.stack.push(Value::Native(Rc::new(obj)));
                }
                Instr::YieldValue => {
                    let v = pop(f);
                    return Ok(Flow::Yield(v));
                }
                Instr::YieldFrom => {
                    let sent = pop(f);
                    let sub = f.stack.last().expect("sub-iterator").clone();
                    match self.send_to(&sub, sent)? {
                        super::generator::GenStep::Yielded(v) => {
                            f.pc -= 1;
                            return Ok(Flow::Yield(v));
                        }
                        super::generator::GenStep::Returned(v) => {
                            f.stack.pop();
                            f.stack.push(v);
                        }
                    }
                }
                Instr::GetYieldFromIter => {
                    let v = pop(f);
                    let it = match v {
                        Value::Generator(_) => v,
                        other => self.get_iter(&other)?,
                    };
                    f.stack.push(it);
                }
                Instr::GetAwaitable => {
                    let v = pop(f);
                    let it = self.get_awaitable(v)?;
                    f.stack.push(it);
                }
                Instr::GetAIter => {
                    let v = pop(f);
                    let it = self.get_aiter(v)?;
                    f.stack.push(it);
                }
                Instr::GetANext => {
                    let it = f.stack.last().expect("async iterator").clone();
                    let aw = self.get_anext(&it)?;
                    f.stack.push(aw);
                }
                Instr::Raise { kind } => return Err(self.raise_instr(f, kind)?),
                Instr::Reraise => {
                    let exc = pop(f);
                    self.reraising = true;
                    return Err(self.exception_from_value(exc)?);
                }
                Instr::PushExcInfo => {
                    let exc = pop(f);
                    let prev = self.handled.replace(exc.clone()).unwrap_or(Value::None);
                    f.stack.push(prev);
                    f.stack.push(exc);
                }
                Instr::PopExcept => {
                    let prev = pop(f);
                    self.handled = if prev.is_none() { None } else { Some(prev) };
                }
                Instr::CheckExcMatch => {
                    let typ = pop(f);
                    let exc = f.stack.last().expect("exception").clone();
                    let m = self.exception_matches(&exc, &typ)?;
                    f.stack.push(Value::Bool(m));
                }
                Instr::BeforeWith => {
                    let mgr = pop(f);
                    let (exit, entered) = self.enter_context(&mgr, false)?;
                    f.stack.push(exit);
                    f.stack.push(entered);
                }
                Instr::BeforeAsyncWith => {
                    let mgr = pop(f);
                    let (exit, entered) = self.enter_context(&mgr, true)?;
                    f.stack.push(exit);
                    f.stack.push(entered);
                }
                Instr::WithExceptStart => {
                    let exc = f.stack[f.stack.len() - 1].clone();
                    let exit = f.stack[f.stack.len() - 3].clone();
                    let typ = Value::Class(self.type_of(&exc));
                    let tb = self.traceback_of(&exc);
                    let res = self.call(&exit, Args::new([typ, exc, tb]))?;
                    f.stack.push(res);
                }
                Instr::ImportName { name } => {
                    let key = f.code.names[name as usize].clone();
                    let m = self.import_module(key.as_str())?;
                    f.stack.push(m);
                }
                Instr::ImportFrom { name } => {
                    let module = f.stack.last().expect("module").clone();
                    let key = f.code.names[name as usize].clone();
                    let v = self.import_from(&module, &key)?;
                    f.stack.push(v);
                }
                Instr::ImportStar => {
                    let module = pop(f);
                    let ns = f.namespace.clone().unwrap_or_else(|| f.globals.clone());
                    self.import_star(&module, &ns)?;
                }
                Instr::LoadBuildClass => {
                    let v = self.load_builtin(&Rc::new(PyStr::new("__build_class__")))?;
                    f.stack.push(v);
                }
                Instr::SetupAnnotations => {
                    let ns = f.namespace.clone().unwrap_or_else(|| f.globals.clone());
                    let key = self.interp.names.__annotations__.clone();
                    if ns.get_str(&key).is_none() {
                        ns.set_str(&key, Value::Dict(Rc::new(PyDict::new())));
                    }
                }
                Instr::LoadAssertionError => {
                    f.stack.push(Value::Class(self.exc_class(ExcKind::AssertionError)));
                }
                Instr::PrintExpr => {
                    let v = pop(f);
                    if !v.is_none() {
                        let r = self.repr(&v)?;
                        self.write_stdout(&format!("{}\n", r.as_str()))?;
                        self.interp.builtins.set_str(&self.intern("_"), v);
                    }
                }
            }
        }
    }

    /// Calls `callable`: a plain Python function gets a new frame in this loop (returns
    /// `None`); anything else is called natively and its result returned.
    fn call_or_push(&mut self, f: &mut Box<Frame>, callable: Value, args: SmallVec<[Value; 4]>) -> PyResult<Option<Value>> {
        if let Value::Function(func) = &callable {
            if !func.code.is_generator_like() {
                let frame = self.frame_for_call(func, Args { pos: args, kw: Vec::new() })?;
                self.push_frame(f, frame)?;
                return Ok(None);
            }
        }
        if let Value::Method(m) = &callable {
            if let Value::Function(func) = &m.func {
                if !func.code.is_generator_like() {
                    let mut pos: SmallVec<[Value; 4]> = SmallVec::with_capacity(args.len() + 1);
                    pos.push(m.receiver.clone());
                    pos.extend(args);
                    let frame = self.frame_for_call(func, Args { pos, kw: Vec::new() })?;
                    self.push_frame(f, frame)?;
                    return Ok(None);
                }
            }
        }
        self.call(&callable, Args { pos: args, kw: Vec::new() }).map(Some)
    }

    /// The fast call: moves the arguments `f.stack[start..]` straight into the new frame's
    /// slots, pops the callable below them, and makes the new frame the running one.
    #[inline]
    fn call_from_stack(&mut self, f: &mut Box<Frame>, func: &Rc<crate::runtime::objects::PyFunction>, start: usize) -> PyResult<()> {
        let mut frame = self.alloc_frame(func.code.clone(), func.globals.clone(), &func.closure);
        for (slot, v) in frame.locals.iter_mut().zip(f.stack.drain(start..)) {
            *slot = Some(v);
        }
        f.stack.pop();
        frame.init_cell_params();
        self.push_frame(f, frame)
    }

    /// For `Cls(args)`: the `__init__` to run in this loop when the class is a plain class
    /// (object's `__new__`, a Python `__init__` taking exactly these arguments).
    fn simple_init(&self, cls: &Rc<crate::runtime::objects::PyClass>, argc: usize) -> Option<Rc<crate::runtime::objects::PyFunction>> {
        if cls.base_kind != crate::runtime::objects::BaseKind::Object || cls.metaclass.borrow().is_some() {
            return None;
        }
        match cls.lookup(&self.interp.names.__new__)? {
            Value::Builtin(b) if std::ptr::eq(b.func as *const (), crate::runtime::methods::object::object_new as *const ()) => {}
            _ => return None,
        }
        match cls.lookup(&self.interp.names.__init__)? {
            Value::Function(init) if Vm::is_simple_call(&init, argc + 1) => Some(init),
            _ => None,
        }
    }

    /// A global or builtin by name, through the code object's cache: one version check on
    /// each dict instead of two hash lookups.
    #[inline]
    fn load_global(&self, f: &Frame, name: usize) -> PyResult<Value> {
        let gv = f.globals.version();
        let bv = self.interp.builtins.version();
        if let Some(Some(e)) = f.code.global_cache.borrow().get(name) {
            if e.globals_version == gv && e.builtins_version == bv {
                return Ok(e.value.clone());
            }
        }
        let key = &f.code.names[name];
        let v = match f.globals.get_str(key) {
            Some(v) => v,
            None => match self.interp.builtins.get_str(key) {
                Some(v) => v,
                None => return Err(self.name_error_in(f, key.as_str())),
            },
        };
        if let Some(slot) = f.code.global_cache.borrow_mut().get_mut(name) {
            *slot = Some(crate::bytecode::GlobalCacheEntry { globals_version: gv, builtins_version: bv, value: v.clone() });
        }
        Ok(v)
    }

    /// Builtins written in TinyPy (`_pybuiltins`): the module is imported the first time a
    /// program looks one up, so programs that never use them pay nothing at startup.
    pub fn lazy_builtin(&mut self, key: &Rc<PyStr>) -> Option<Value> {
        const LAZY: &[&str] = &["BaseExceptionGroup", "ExceptionGroup", "aiter", "anext"];
        if !LAZY.contains(&key.as_str()) {
            return None;
        }
        let Ok(Value::Module(m)) = self.import_module("_pybuiltins") else { return None };
        for name in LAZY {
            if let Some(v) = m.dict.get_str(&PyStr::new(name)) {
                self.interp.builtins.set_str(&self.intern(name), v);
            }
        }
        self.interp.builtins.get_str(key)
    }

    fn load_builtin(&self, key: &Rc<PyStr>) -> PyResult<Value> {
        match self.interp.builtins.get_str(key) {
            Some(v) => Ok(v),
            None => Err(self.name_error(key.as_str())),
        }
    }

    fn load_name(&self, f: &Frame, key: &Rc<PyStr>) -> PyResult<Value> {
        if let Some(ns) = &f.namespace {
            if let Some(v) = ns.get_str(key) {
                return Ok(v);
            }
        }
        match f.globals.get_str(key) {
            Some(v) => Ok(v),
            None => self.load_builtin(key),
        }
    }

    fn unbound_local(&self, f: &Frame, slot: u32) -> PyException {
        let name = f.code.varnames[slot as usize].as_str();
        self.new_error(ExcKind::UnboundLocalError, format!("cannot access local variable '{name}' where it is not associated with a value"))
    }

    fn unbound_cell(&self, f: &Frame, idx: u32) -> PyException {
        let i = idx as usize;
        let ncell = f.code.cellvars.len();
        if i < ncell {
            let name = f.code.cellvars[i].as_str();
            self.new_error(
                ExcKind::UnboundLocalError,
                format!("cannot access local variable '{name}' where it is not associated with a value"),
            )
        } else {
            let name = f.code.freevars[i - ncell].as_str();
            self.new_error(
                ExcKind::NameError,
                format!("cannot access free variable '{name}' where it is not associated with a value in enclosing scope"),
            )
        }
    }

    /// Truth of a condition, with fast paths for the common cases.
    #[inline]
    fn truth(&mut self, v: &Value) -> PyResult<bool> {
        match v {
            Value::Bool(b) => Ok(*b),
            Value::Int(i) => Ok(*i != 0),
            Value::None => Ok(false),
            _ => self.is_true(v),
        }
    }

    fn make_function(&mut self, f: &mut Frame, fl: u8) -> PyResult<Value> {
        let code = match pop(f) {
            Value::Code(c) => c,
            _ => unreachable!("MakeFunction expects code"),
        };
        let closure = if fl & 8 != 0 { cells_of(pop(f)) } else { Vec::new() };
        let annotations = if fl & 4 != 0 { Some(pop(f)) } else { None };
        let kwdefaults = if fl & 2 != 0 { pop(f) } else { Value::None };
        let defaults = if fl & 1 != 0 { pop(f) } else { Value::None };
        self.new_function(code, f.globals.clone(), defaults, kwdefaults, annotations, closure)
    }

    fn unpack(&mut self, f: &mut Frame, seq: Value, before: usize, after: Option<usize>) -> PyResult<()> {
        let items = match &seq {
            Value::Tuple(t) => t.items.to_vec(),
            Value::List(l) => l.snapshot(),
            _ => self.collect(&seq).map_err(|e| {
                if self.exc_matches(&e, ExcKind::TypeError) && self.get_iter(&seq).is_err() {
                    let tn = self.type_name(&seq);
                    self.type_error(format!("cannot unpack non-iterable {tn} object"))
                } else {
                    e
                }
            })?,
        };
        match after {
            None => {
                if items.len() != before {
                    let msg = if items.len() > before {
                        format!("too many values to unpack (expected {before})")
                    } else {
                        format!("not enough values to unpack (expected {before}, got {})", items.len())
                    };
                    return self.err(ExcKind::ValueError, msg);
                }
                f.stack.extend(items.into_iter().rev());
            }
            Some(after) => {
                if items.len() < before + after {
                    let msg = format!("not enough values to unpack (expected at least {}, got {})", before + after, items.len());
                    return self.err(ExcKind::ValueError, msg);
                }
                let mut items = items;
                let tail = items.split_off(items.len() - after);
                let middle = items.split_off(before);
                f.stack.extend(tail.into_iter().rev());
                f.stack.push(Value::list(middle));
                f.stack.extend(items.into_iter().rev());
            }
        }
        Ok(())
    }

    fn raise_instr(&mut self, f: &mut Frame, kind: u8) -> PyResult<PyException> {
        match kind {
            0 => match self.handled.clone() {
                Some(exc) => {
                    self.reraising = false;
                    self.exception_from_value(exc)
                }
                None => Ok(self.runtime_error("No active exception to reraise")),
            },
            1 => {
                let v = pop(f);
                self.make_raisable(v)
            }
            _ => {
                let cause = pop(f);
                let v = pop(f);
                let exc = self.make_raisable(v)?;
                let cause = match cause {
                    Value::None => None,
                    c @ (Value::Instance(_) | Value::Class(_)) if self.is_exception_like(&c) => {
                        Some(Value::Instance(self.make_raisable(c)?.value))
                    }
                    _ => return Ok(self.type_error("exception causes must derive from BaseException")),
                };
                if let Some(st) = &exc.value.exc {
                    let mut st = st.borrow_mut();
                    st.cause = cause;
                    st.suppress_context = true;
                }
                Ok(exc)
            }
        }
    }

    /// `raise X`: an instance is raised as is, a class is instantiated.
    pub fn make_raisable(&mut self, v: Value) -> PyResult<PyException> {
        match &v {
            Value::Instance(i) if i.exc.is_some() => Ok(PyException { value: i.clone() }),
            Value::Class(c) if c.is_subclass(&self.exc_class(ExcKind::BaseException)) => {
                let inst = self.call(&v, Args::default())?;
                self.exception_from_value(inst)
            }
            _ => Err(self.type_error("exceptions must derive from BaseException")),
        }
    }

    fn is_exception_like(&self, v: &Value) -> bool {
        match v {
            Value::Instance(i) => i.exc.is_some(),
            Value::Class(c) => c.is_subclass(&self.exc_class(ExcKind::BaseException)),
            _ => false,
        }
    }

    pub fn exception_from_value(&self, v: Value) -> PyResult<PyException> {
        match v {
            Value::Instance(i) if i.exc.is_some() => Ok(PyException { value: i }),
            _ => Err(self.type_error("exceptions must derive from BaseException")),
        }
    }

    /// `except T:` matching: T is a class or a tuple of classes.
    fn exception_matches(&mut self, exc: &Value, typ: &Value) -> PyResult<bool> {
        let cls = self.type_of(exc);
        match typ {
            Value::Class(c) => {
                if !c.is_subclass(&self.exc_class(ExcKind::BaseException)) {
                    return Err(self.type_error("catching classes that do not inherit from BaseException is not allowed"));
                }
                Ok(cls.is_subclass(c))
            }
            Value::Tuple(t) => {
                for item in t.items.iter() {
                    if self.exception_matches(exc, item)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            _ => Err(self.type_error("catching classes that do not inherit from BaseException is not allowed")),
        }
    }

    fn enter_context(&mut self, mgr: &Value, is_async: bool) -> PyResult<(Value, Value)> {
        let (enter, exit) = if is_async {
            (self.interp.names.__aenter__.clone(), self.interp.names.__aexit__.clone())
        } else {
            (self.interp.names.__enter__.clone(), self.interp.names.__exit__.clone())
        };
        let cls = self.type_of(mgr);
        let missing = |vm: &Vm, what: &str| {
            let tn = cls.name();
            let proto = if is_async { "asynchronous context manager" } else { "context manager" };
            vm.type_error(format!("'{}' object does not support the {proto} protocol{what}", tn.as_str()))
        };
        let Some(enter_fn) = cls.lookup(&enter) else { return Err(missing(self, "")) };
        let Some(exit_fn) = cls.lookup(&exit) else {
            return Err(missing(self, " (missed __exit__ method)"));
        };
        let exit_bound = self.bind_descriptor(exit_fn, mgr.clone(), &cls)?;
        let enter_bound = self.bind_descriptor(enter_fn, mgr.clone(), &cls)?;
        let entered = self.call(&enter_bound, Args::default())?;
        Ok((exit_bound, entered))
    }

    fn format_value(&mut self, v: Value, conversion: u8, spec: Option<Value>) -> PyResult<Value> {
        let v = match conversion {
            1 => Value::Str(self.str(&v)?),
            2 => Value::Str(self.repr(&v)?),
            3 => Value::from_string(self.ascii(&v)?),
            _ => v,
        };
        let spec_str = match &spec {
            Some(Value::Str(s)) => s.as_str().to_string(),
            _ => String::new(),
        };
        if spec_str.is_empty() {
            if let Value::Str(_) = v {
                return Ok(v);
            }
        }
        Ok(Value::Str(self.format(&v, &spec_str)?))
    }

    /// A closure cell as a value (for LoadClosure / MakeFunction).
    fn cell_value(&self, cell: crate::runtime::objects::Cell) -> Value {
        Value::Native(Rc::new(crate::runtime::objects::NativeObject::new(
            self.interp.types.object.clone(),
            crate::runtime::objects::NativeData::Any(Box::new(cell)),
        )))
    }

    /// `exc.__traceback__`: a traceback object while the exception has frames, else None.
    pub fn traceback_of(&self, exc: &Value) -> Value {
        let Value::Instance(i) = exc else { return Value::None };
        let has_frames = i.exc.as_ref().is_some_and(|s| !s.borrow().traceback.is_empty());
        if !has_frames {
            return Value::None;
        }
        let data = crate::runtime::objects::NativeData::Any(Box::new(exc.clone()));
        Value::Native(Rc::new(crate::runtime::objects::NativeObject::new(self.interp.types.traceback.clone(), data)))
    }

    pub fn bound_method(&self, func: Value, receiver: Value) -> Value {
        Value::Method(Rc::new(BoundMethod { func, receiver }))
    }

    /// Whether `code` runs as a class body (its frame writes to a namespace).
    pub fn is_class_body(code: &crate::bytecode::CodeObject) -> bool {
        code.has_flag(flags::CLASS_BODY)
    }
}

fn cells_of(v: Value) -> Vec<crate::runtime::objects::Cell> {
    let Value::Tuple(t) = v else { return Vec::new() };
    t.items
        .iter()
        .filter_map(|c| match c {
            Value::Native(n) => n.downcast::<crate::runtime::objects::Cell>().cloned(),
            _ => None,
        })
        .collect()
}

#[inline]
fn pop(f: &mut Frame) -> Value {
    f.stack.pop().expect("value stack underflow")
}

fn add_traceback(exc: &PyException, f: &Frame) {
    if let Some(st) = &exc.value.exc {
        st.borrow_mut().traceback.push(TracebackEntry {
            filename: f.code.filename.clone(),
            line: f.line(),
            name: Rc::from(f.code.name.as_str()),
        });
    }
}
