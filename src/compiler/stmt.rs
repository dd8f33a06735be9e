//! Statements → bytecode, one function per statement kind.

use super::{Block, Compiler, Mode, NameOp};
use crate::ast::*;
use crate::bytecode::{flags, Instr};
use crate::compiler::emit::{Holes, Label};
use crate::compiler::symtable::{node_key, ScopeKind};
use crate::error::SyntaxError;
use crate::runtime::value::Value;
use std::rc::Rc;

type R = Result<(), SyntaxError>;

/// Whether a body has a simple annotated assignment (needs `__annotations__`).
pub fn has_annotation(s: &Stmt) -> bool {
    match &s.kind {
        StmtKind::AnnAssign { simple, target, .. } => *simple && matches!(target.kind, ExprKind::Name(_)),
        StmtKind::If { body, orelse, .. } | StmtKind::While { body, orelse, .. } | StmtKind::For { body, orelse, .. } => {
            body.iter().chain(orelse).any(has_annotation)
        }
        StmtKind::With { body, .. } => body.iter().any(has_annotation),
        StmtKind::Try { body, handlers, orelse, finalbody } => {
            body.iter().chain(orelse).chain(finalbody).chain(handlers.iter().flat_map(|h| h.body.iter())).any(has_annotation)
        }
        _ => false,
    }
}

impl Compiler {
    pub(super) fn stmts(&mut self, body: &[Stmt]) -> R {
        body.iter().try_for_each(|s| self.stmt(s))
    }

    fn stmt(&mut self, s: &Stmt) -> R {
        self.set_line(s.pos);
        self.enter_nested(s.pos)?;
        let r = self.stmt_inner(s);
        self.leave_nested();
        r
    }

    fn stmt_inner(&mut self, s: &Stmt) -> R {
        match &s.kind {
            StmtKind::Expr(e) => {
                if self.mode == Mode::Interactive && self.units.len() == 1 {
                    self.expr(e)?;
                    self.emit(Instr::PrintExpr);
                } else if let ExprKind::Constant(_) = e.kind {
                    // A docstring or a bare constant: nothing to run.
                } else {
                    self.expr(e)?;
                    self.emit(Instr::PopTop);
                }
            }
            StmtKind::Assign { targets, value } => {
                self.expr(value)?;
                for (i, t) in targets.iter().enumerate() {
                    if i + 1 < targets.len() {
                        self.emit(Instr::Copy { n: 1 });
                    }
                    self.store_target(t)?;
                }
            }
            StmtKind::AugAssign { target, op, value } => self.aug_assign(target, *op, value)?,
            StmtKind::AnnAssign { target, annotation, value, simple } => self.ann_assign(target, annotation, value.as_ref(), *simple)?,
            StmtKind::Delete(targets) => {
                for t in targets {
                    self.delete_target(t)?;
                }
            }
            StmtKind::Pass => {}
            StmtKind::Break => self.break_continue(true, s.pos)?,
            StmtKind::Continue => self.break_continue(false, s.pos)?,
            StmtKind::Return(v) => self.return_stmt(v.as_ref(), s.pos)?,
            StmtKind::Raise { exc, cause } => {
                let mut kind = 0;
                if let Some(e) = exc {
                    self.expr(e)?;
                    kind = 1;
                    if let Some(c) = cause {
                        self.expr(c)?;
                        kind = 2;
                    }
                }
                self.emit(Instr::Raise { kind });
            }
            StmtKind::Global(_) | StmtKind::Nonlocal(_) => {}
            StmtKind::Assert { test, msg } => self.assert_stmt(test, msg.as_ref())?,
            StmtKind::If { test, body, orelse } => self.if_stmt(test, body, orelse)?,
            StmtKind::While { test, body, orelse } => self.while_stmt(test, body, orelse)?,
            StmtKind::For { target, iter, body, orelse, is_async } => {
                if *is_async {
                    self.async_for(target, iter, body, orelse)?
                } else {
                    self.for_stmt(target, iter, body, orelse)?
                }
            }
            StmtKind::With { items, body, is_async } => self.with_stmt(items, body, *is_async, s.pos)?,
            StmtKind::Try { body, handlers, orelse, finalbody } => {
                if finalbody.is_empty() {
                    self.try_except(body, handlers, orelse)?
                } else {
                    self.try_finally(body, handlers, orelse, finalbody)?
                }
            }
            StmtKind::FunctionDef(f) => self.function_def(f, s.pos)?,
            StmtKind::ClassDef(c) => self.class_def(c, s.pos)?,
            StmtKind::Import(aliases) => self.import(aliases)?,
            StmtKind::ImportFrom { module, names, .. } => self.import_from(module, names)?,
        }
        Ok(())
    }

    /// Stores TOS into an assignment target.
    pub(super) fn store_target(&mut self, t: &Expr) -> R {
        match &t.kind {
            ExprKind::Name(n) => self.name_op(n, NameOp::Store),
            ExprKind::Attribute { value, attr } => {
                self.expr(value)?;
                let name = self.code().name_index(attr);
                self.emit(Instr::StoreAttr { name });
            }
            ExprKind::Subscript { value, index } => {
                self.expr(value)?;
                self.expr(index)?;
                self.emit(Instr::StoreSubscr);
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => self.unpack_into(items, t.pos)?,
            ExprKind::Starred(_) => return Err(self.error("starred assignment target must be in a list or tuple", t.pos)),
            _ => return Err(self.error("cannot assign to expression", t.pos)),
        }
        Ok(())
    }

    fn unpack_into(&mut self, items: &[Expr], pos: Pos) -> R {
        let star = items.iter().position(|e| matches!(e.kind, ExprKind::Starred(_)));
        match star {
            None => self.emit(Instr::UnpackSequence { n: items.len() as u32 }),
            Some(i) => {
                if items.iter().filter(|e| matches!(e.kind, ExprKind::Starred(_))).count() > 1 {
                    return Err(self.error("multiple starred expressions in assignment", pos));
                }
                self.emit(Instr::UnpackEx { before: i as u32, after: (items.len() - i - 1) as u32 });
            }
        }
        for item in items {
            match &item.kind {
                ExprKind::Starred(inner) => self.store_target(inner)?,
                _ => self.store_target(item)?,
            }
        }
        Ok(())
    }

    fn delete_target(&mut self, t: &Expr) -> R {
        match &t.kind {
            ExprKind::Name(n) => self.name_op(n, NameOp::Delete),
            ExprKind::Attribute { value, attr } => {
                self.expr(value)?;
                let name = self.code().name_index(attr);
                self.emit(Instr::DeleteAttr { name });
            }
            ExprKind::Subscript { value, index } => {
                self.expr(value)?;
                self.expr(index)?;
                self.emit(Instr::DeleteSubscr);
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                for i in items {
                    self.delete_target(i)?;
                }
            }
            _ => return Err(self.error("cannot delete expression", t.pos)),
        }
        Ok(())
    }

    fn aug_assign(&mut self, target: &Expr, op: BinOp, value: &Expr) -> R {
        match &target.kind {
            ExprKind::Name(n) => {
                self.name_op(n, NameOp::Load);
                self.expr(value)?;
                self.emit(Instr::BinaryOp { op, inplace: true });
                self.name_op(n, NameOp::Store);
            }
            ExprKind::Attribute { value: obj, attr } => {
                self.expr(obj)?;
                self.emit(Instr::Copy { n: 1 });
                let name = self.code().name_index(attr);
                self.emit(Instr::LoadAttr { name });
                self.expr(value)?;
                self.emit(Instr::BinaryOp { op, inplace: true });
                self.emit(Instr::Swap { n: 2 });
                self.emit(Instr::StoreAttr { name });
            }
            ExprKind::Subscript { value: obj, index } => {
                self.expr(obj)?;
                self.expr(index)?;
                self.emit(Instr::Copy { n: 2 });
                self.emit(Instr::Copy { n: 2 });
                self.emit(Instr::BinarySubscr);
                self.expr(value)?;
                self.emit(Instr::BinaryOp { op, inplace: true });
                // [obj, index, result] -> [result, obj, index]
                self.emit(Instr::Swap { n: 3 });
                self.emit(Instr::Swap { n: 2 });
                self.emit(Instr::StoreSubscr);
            }
            _ => return Err(self.error("'expression' is an illegal expression for augmented assignment", target.pos)),
        }
        Ok(())
    }

    fn ann_assign(&mut self, target: &Expr, annotation: &Expr, value: Option<&Expr>, simple: bool) -> R {
        if let Some(v) = value {
            self.expr(v)?;
            self.store_target(target)?;
        }
        let in_function = matches!(self.scope_kind(), ScopeKind::Function | ScopeKind::Comprehension);
        match &target.kind {
            ExprKind::Name(n) if simple && !in_function => {
                self.expr(annotation)?;
                let ann = self.code().name_index("__annotations__");
                if self.scope_kind() == ScopeKind::Class {
                    self.emit(Instr::LoadName { name: ann });
                } else {
                    self.emit(Instr::LoadGlobal { name: ann });
                }
                self.load_const(Value::str(n));
                self.emit(Instr::StoreSubscr);
            }
            _ if !in_function => {
                self.expr(annotation)?;
                self.emit(Instr::PopTop);
            }
            _ => {}
        }
        Ok(())
    }

    fn assert_stmt(&mut self, test: &Expr, msg: Option<&Expr>) -> R {
        let end = self.new_label();
        self.jump_if(test, true, end)?;
        self.emit(Instr::LoadAssertionError);
        if let Some(m) = msg {
            self.expr(m)?;
            self.emit(Instr::Call { argc: 1 });
        }
        self.emit(Instr::Raise { kind: 1 });
        self.bind(end);
        Ok(())
    }

    fn if_stmt(&mut self, test: &Expr, body: &[Stmt], orelse: &[Stmt]) -> R {
        let else_l = self.new_label();
        let end = self.new_label();
        self.jump_if(test, false, else_l)?;
        self.stmts(body)?;
        if !orelse.is_empty() {
            self.code().jump(end);
        }
        self.bind(else_l);
        self.stmts(orelse)?;
        self.bind(end);
        Ok(())
    }

    fn while_stmt(&mut self, test: &Expr, body: &[Stmt], orelse: &[Stmt]) -> R {
        let top = self.new_label();
        let else_l = self.new_label();
        let brk = self.new_label();
        self.bind(top);
        self.jump_if(test, false, else_l)?;
        self.unit().blocks.push(Block::While { brk, cont: top });
        self.stmts(body)?;
        self.unit().blocks.pop();
        self.code().jump(top);
        self.bind(else_l);
        self.stmts(orelse)?;
        self.bind(brk);
        Ok(())
    }

    fn for_stmt(&mut self, target: &Expr, iter: &Expr, body: &[Stmt], orelse: &[Stmt]) -> R {
        self.expr(iter)?;
        self.emit(Instr::GetIter);
        let top = self.new_label();
        let exit = self.new_label();
        let brk = self.new_label();
        self.bind(top);
        self.emit(Instr::ForIter { target: exit.index() });
        self.store_target(target)?;
        self.unit().blocks.push(Block::For { brk, cont: top });
        self.stmts(body)?;
        self.unit().blocks.pop();
        self.code().jump(top);
        self.bind(exit);
        self.stmts(orelse)?;
        self.bind(brk);
        Ok(())
    }

    /// `async for`: calls `__anext__` and awaits it until StopAsyncIteration.
    fn async_for(&mut self, target: &Expr, iter: &Expr, body: &[Stmt], orelse: &[Stmt]) -> R {
        self.expr(iter)?;
        self.get_aiter();
        let top = self.new_label();
        let handler = self.new_label();
        let brk = self.new_label();
        self.bind(top);
        self.async_next(handler);
        self.store_target(target)?;
        self.unit().blocks.push(Block::For { brk, cont: top });
        self.stmts(body)?;
        self.unit().blocks.pop();
        self.code().jump(top);
        self.async_exhausted(handler);
        self.stmts(orelse)?;
        let skip = self.new_label();
        self.code().jump(skip);
        self.bind(brk);
        self.bind(skip);
        Ok(())
    }

    /// Replaces the iterable on the stack by its `__aiter__()`.
    pub(super) fn get_aiter(&mut self) {
        self.emit(Instr::GetAIter);
    }

    /// One step of async iteration: awaits `__anext__()` of the iterator on the stack, leaving
    /// the item above it; StopAsyncIteration (or any error) goes to `handler`.
    pub(super) fn async_next(&mut self, handler: Label) {
        let depth = self.code().depth;
        let start = self.code().pc();
        self.emit(Instr::GetANext);
        self.load_const(Value::None);
        self.emit(Instr::YieldFrom);
        let end = self.code().pc();
        self.code().add_handler(start, end, handler, depth);
    }

    /// The handler of `async_next`: StopAsyncIteration pops it and the iterator and falls
    /// through (the loop is over); anything else propagates.
    pub(super) fn async_exhausted(&mut self, handler: Label) {
        let done = self.new_label();
        self.bind(handler);
        let sai = self.code().name_index("StopAsyncIteration");
        self.emit(Instr::LoadGlobal { name: sai });
        self.emit(Instr::CheckExcMatch);
        self.emit(Instr::PopJumpIfTrue { target: done.index() });
        self.emit(Instr::Reraise);
        self.bind(done);
        self.emit(Instr::PopTop);
        self.emit(Instr::PopTop);
    }

    fn break_continue(&mut self, is_break: bool, pos: Pos) -> R {
        let blocks = self.unit().blocks.clone();
        let mut found = None;
        for (i, b) in blocks.iter().enumerate().rev() {
            if matches!(b, Block::For { .. } | Block::While { .. }) {
                found = Some(i);
                break;
            }
        }
        let Some(loop_idx) = found else {
            let what = if is_break { "'break' outside loop" } else { "'continue' not properly in loop" };
            return Err(self.error(what, pos));
        };
        let opened = self.unwind_blocks(loop_idx + 1, false)?;
        match &blocks[loop_idx] {
            Block::For { brk, cont } => {
                if is_break {
                    self.emit(Instr::PopTop);
                    self.code().jump(*brk);
                } else {
                    self.code().jump(*cont);
                }
            }
            Block::While { brk, cont } => self.code().jump(if is_break { *brk } else { *cont }),
            _ => unreachable!(),
        }
        self.close_holes(opened);
        Ok(())
    }

    /// Ends the holes opened by `unwind_blocks` at the current instruction.
    fn close_holes(&mut self, opened: Vec<(Holes, u32)>) {
        let end = self.code().pc();
        for (holes, start) in opened {
            holes.borrow_mut().push((start, end));
        }
    }

    fn return_stmt(&mut self, value: Option<&Expr>, pos: Pos) -> R {
        if !matches!(self.scope_kind(), ScopeKind::Function) {
            return Err(self.error("'return' outside function", pos));
        }
        match value {
            Some(v) => self.expr(v)?,
            None => self.load_const(Value::None),
        }
        let opened = self.unwind_blocks(0, true)?;
        self.emit(Instr::ReturnValue);
        self.close_holes(opened);
        Ok(())
    }

    /// Emits the exits of blocks `from..` (innermost first) for a jump out of them.
    /// With `keep_top`, TOS is a return value to carry across.
    /// Returns the holes it opened in the protected ranges it leaves, for `close_holes`.
    fn unwind_blocks(&mut self, from: usize, keep_top: bool) -> Result<Vec<(Holes, u32)>, SyntaxError> {
        let blocks = self.unit().blocks.clone();
        let mut opened = Vec::new();
        for idx in (from..blocks.len()).rev() {
            let saved = self.unit().blocks.split_off(idx);
            let b = &saved[0];
            if let Some(h) = block_holes(b) {
                opened.push((h, self.code().pc()));
            }
            let r = self.unwind_one(b, keep_top);
            self.unit().blocks.extend(saved);
            r?;
        }
        Ok(opened)
    }

    fn unwind_one(&mut self, b: &Block, keep_top: bool) -> R {
        let under = |c: &mut Compiler, ins: Instr| {
            if keep_top {
                c.emit(Instr::Swap { n: 2 });
            }
            c.emit(ins);
        };
        match b {
            Block::For { .. } => under(self, Instr::PopTop),
            Block::While { .. } | Block::TryBody(_) => {}
            Block::Finally(body, _) => {
                if keep_top {
                    self.unit().blocks.push(Block::PopValue);
                }
                let r = self.stmts(body);
                if keep_top {
                    self.unit().blocks.pop();
                }
                r?
            }
            Block::PopValue => under(self, Instr::PopTop),
            Block::Handler { name, .. } => {
                under(self, Instr::PopExcept);
                if let Some(n) = name {
                    self.load_const(Value::None);
                    self.name_op(n, NameOp::Store);
                    self.name_op(n, NameOp::Delete);
                }
            }
            Block::FinallyExc(_) => {
                // Stack: [saved, exc, (value)]: drop the exception, restore the saved one.
                under(self, Instr::PopTop);
                under(self, Instr::PopExcept);
            }
            Block::With { is_async, .. } => {
                if keep_top {
                    self.emit(Instr::Swap { n: 2 });
                }
                self.call_exit_none(*is_async);
                self.emit(Instr::PopTop);
            }
        }
        Ok(())
    }

    /// Stack [exit]: calls exit(None, None, None), leaving its result.
    fn call_exit_none(&mut self, is_async: bool) {
        for _ in 0..3 {
            self.load_const(Value::None);
        }
        self.emit(Instr::Call { argc: 3 });
        if is_async {
            self.emit(Instr::GetAwaitable);
            self.load_const(Value::None);
            self.emit(Instr::YieldFrom);
        }
    }

    /// The handler that restores the saved exception and re-raises, for code that runs while
    /// an exception is being handled (stack at entry: [.., saved, new_exc]).
    fn emit_cleanup_handler(&mut self, cleanup: crate::compiler::emit::Label) {
        self.bind(cleanup);
        self.emit(Instr::Swap { n: 2 });
        self.emit(Instr::PopExcept);
        self.emit(Instr::Reraise);
    }

    fn try_except(&mut self, body: &[Stmt], handlers: &[ExceptHandler], orelse: &[Stmt]) -> R {
        let handler = self.new_label();
        let end = self.new_label();
        let depth = self.code().depth;
        let start = self.code().pc();
        let body_holes = Holes::default();
        self.unit().blocks.push(Block::TryBody(body_holes.clone()));
        self.stmts(body)?;
        self.unit().blocks.pop();
        let stop = self.code().pc();
        let body_holes = body_holes.borrow().clone();
        self.code().add_handler_with_holes(start, stop, handler, depth, &body_holes);
        self.stmts(orelse)?;
        self.code().jump(end);

        // Handlers: stack [exc] -> PushExcInfo -> [saved, exc].
        self.bind(handler);
        self.emit(Instr::PushExcInfo);
        let cleanup = self.new_label();
        let hstart = self.code().pc();
        let holes = Holes::default();
        for h in handlers {
            self.set_line(h.pos);
            let next = self.new_label();
            if let Some(t) = &h.typ {
                self.expr(t)?;
                self.emit(Instr::CheckExcMatch);
                self.emit(Instr::PopJumpIfFalse { target: next.index() });
            }
            match &h.name {
                Some(n) => self.name_op(n, NameOp::Store),
                None => self.emit(Instr::PopTop),
            }
            self.unit().blocks.push(Block::Handler { name: h.name.clone(), holes: holes.clone() });
            self.stmts(&h.body)?;
            self.unit().blocks.pop();
            self.emit(Instr::PopExcept);
            if let Some(n) = &h.name {
                self.load_const(Value::None);
                self.name_op(n, NameOp::Store);
                self.name_op(n, NameOp::Delete);
            }
            self.code().jump(end);
            self.bind(next);
        }
        self.emit(Instr::Reraise);
        let hend = self.code().pc();
        let holes = holes.borrow().clone();
        self.code().add_handler_with_holes(hstart, hend, cleanup, depth + 1, &holes);
        self.emit_cleanup_handler(cleanup);
        self.bind(end);
        Ok(())
    }

    fn try_finally(&mut self, body: &[Stmt], handlers: &[ExceptHandler], orelse: &[Stmt], finalbody: &[Stmt]) -> R {
        let final_rc = Rc::new(finalbody.to_vec());
        let exc_path = self.new_label();
        let end = self.new_label();
        let depth = self.code().depth;
        let start = self.code().pc();
        let holes = Holes::default();
        self.unit().blocks.push(Block::Finally(final_rc, holes.clone()));
        if handlers.is_empty() {
            self.stmts(body)?;
        } else {
            self.try_except(body, handlers, orelse)?;
        }
        self.unit().blocks.pop();
        let stop = self.code().pc();
        let body_holes = holes.borrow().clone();
        self.code().add_handler_with_holes(start, stop, exc_path, depth, &body_holes);
        // Normal path.
        self.stmts(finalbody)?;
        self.code().jump(end);
        // Exceptional path: [exc] -> [saved, exc]; run finally; re-raise.
        self.bind(exc_path);
        self.emit(Instr::PushExcInfo);
        let cleanup = self.new_label();
        let fstart = self.code().pc();
        let holes = Holes::default();
        self.unit().blocks.push(Block::FinallyExc(holes.clone()));
        self.stmts(finalbody)?;
        self.unit().blocks.pop();
        self.emit(Instr::Reraise);
        let fend = self.code().pc();
        let fholes = holes.borrow().clone();
        self.code().add_handler_with_holes(fstart, fend, cleanup, depth + 1, &fholes);
        self.emit_cleanup_handler(cleanup);
        self.bind(end);
        Ok(())
    }

    fn with_stmt(&mut self, items: &[WithItem], body: &[Stmt], is_async: bool, pos: Pos) -> R {
        let Some((first, rest)) = items.split_first() else { return self.stmts(body) };
        self.set_line(pos);
        self.expr(&first.context)?;
        if is_async {
            self.emit(Instr::BeforeAsyncWith);
            self.emit(Instr::GetAwaitable);
            self.load_const(Value::None);
            self.emit(Instr::YieldFrom);
        } else {
            self.emit(Instr::BeforeWith);
        }
        let handler = self.new_label();
        let end = self.new_label();
        let depth = self.code().depth - 1; // [exit] stays below the body
        let start = self.code().pc();
        match &first.target {
            Some(t) => self.store_target(t)?,
            None => self.emit(Instr::PopTop),
        }
        let holes = Holes::default();
        self.unit().blocks.push(Block::With { is_async, holes: holes.clone() });
        if rest.is_empty() {
            self.stmts(body)?;
        } else {
            self.with_stmt(rest, body, is_async, pos)?;
        }
        self.unit().blocks.pop();
        let stop = self.code().pc();
        let body_holes = holes.borrow().clone();
        self.code().add_handler_with_holes(start, stop, handler, depth, &body_holes);
        self.set_line(pos);
        self.call_exit_none(is_async);
        self.emit(Instr::PopTop);
        self.code().jump(end);

        // [exit, exc] -> [exit, saved, exc] -> call exit -> suppress or re-raise.
        self.bind(handler);
        self.emit(Instr::PushExcInfo);
        let cleanup = self.new_label();
        let suppress = self.new_label();
        let hstart = self.code().pc();
        self.emit(Instr::WithExceptStart);
        if is_async {
            self.emit(Instr::GetAwaitable);
            self.load_const(Value::None);
            self.emit(Instr::YieldFrom);
        }
        self.emit(Instr::PopJumpIfTrue { target: suppress.index() });
        self.emit(Instr::Reraise);
        let hend = self.code().pc();
        self.code().add_handler(hstart, hend, cleanup, depth + 1);
        self.bind(suppress);
        self.emit(Instr::PopTop);
        self.emit(Instr::PopExcept);
        self.emit(Instr::PopTop);
        self.code().jump(end);
        self.emit_cleanup_handler(cleanup);
        self.bind(end);
        Ok(())
    }

    fn function_def(&mut self, f: &FunctionDef, pos: Pos) -> R {
        for d in &f.decorators {
            self.expr(d)?;
        }
        let fflags = self.function_prologue(&f.params, f.returns.as_ref(), true)?;
        let firstline = f.decorators.first().map(|d| d.pos.line).unwrap_or(pos.line).min(pos.line);
        let _ = firstline;
        let scope = self.push_unit(node_key(f), &f.name, pos.line);
        self.setup_params(&f.params, scope, f.is_async);
        if let Some(doc) = docstring(&f.body) {
            // A docstring is the first constant, as in CPython.
            self.code().const_index(Value::str(doc));
            self.code().flags |= flags::DOCSTRING;
        }
        self.stmts(&f.body)?;
        self.emit_return_none();
        let (code, frees) = self.pop_unit();
        self.set_line(pos);
        self.make_closure(code, &frees, fflags);
        for _ in &f.decorators {
            self.emit(Instr::Call { argc: 1 });
        }
        self.name_op(&f.name, NameOp::Store);
        Ok(())
    }

    /// Evaluates defaults, keyword-only defaults and annotations; returns MakeFunction flags.
    pub(super) fn function_prologue(&mut self, p: &Params, returns: Option<&Expr>, annotations: bool) -> Result<u8, SyntaxError> {
        let mut fflags = 0u8;
        let positional: Vec<&Param> = p.posonly.iter().chain(&p.args).collect();
        let defaults: Vec<&Param> = positional.iter().copied().filter(|x| x.default.is_some()).collect();
        if !defaults.is_empty() {
            for d in &defaults {
                self.expr(d.default.as_ref().expect("default"))?;
            }
            self.emit(Instr::BuildTuple { n: defaults.len() as u32 });
            fflags |= 1;
        }
        let kwdefaults: Vec<&Param> = p.kwonly.iter().filter(|x| x.default.is_some()).collect();
        if !kwdefaults.is_empty() {
            for d in &kwdefaults {
                self.load_const(Value::str(&d.name));
                self.expr(d.default.as_ref().expect("default"))?;
            }
            self.emit(Instr::BuildMap { n: kwdefaults.len() as u32 });
            fflags |= 2;
        }
        if annotations {
            let mut n = 0;
            let all = p.posonly.iter().chain(&p.args).chain(&p.vararg).chain(&p.kwonly).chain(&p.kwarg);
            for param in all {
                if let Some(a) = &param.annotation {
                    self.load_const(Value::str(&param.name));
                    self.expr(a)?;
                    n += 1;
                }
            }
            if let Some(r) = returns {
                self.load_const(Value::str("return"));
                self.expr(r)?;
                n += 1;
            }
            if n > 0 {
                self.emit(Instr::BuildMap { n });
                fflags |= 4;
            }
        }
        Ok(fflags)
    }

    /// Sets the argument counts and flags of the unit just pushed.
    pub(super) fn setup_params(&mut self, p: &Params, scope: usize, is_async: bool) {
        let sc = &self.table.scopes[scope];
        let is_gen = sc.is_generator;
        let code = self.code();
        code.posonlyargcount = p.posonly.len() as u32;
        code.argcount = (p.posonly.len() + p.args.len()) as u32;
        code.kwonlyargcount = p.kwonly.len() as u32;
        // Slot order: positional, keyword-only, *args, **kwargs.
        let order = p.posonly.iter().chain(&p.args).chain(&p.kwonly).chain(&p.vararg).chain(&p.kwarg);
        for param in order {
            code.var_slot(&param.name);
        }
        if p.vararg.is_some() {
            code.flags |= flags::VARARGS;
        }
        if p.kwarg.is_some() {
            code.flags |= flags::VARKEYWORDS;
        }
        code.flags |= match (is_async, is_gen) {
            (true, true) => flags::ASYNC_GENERATOR,
            (true, false) => flags::COROUTINE,
            (false, true) => flags::GENERATOR,
            (false, false) => 0,
        };
    }

    fn class_def(&mut self, c: &ClassDef, pos: Pos) -> R {
        for d in &c.decorators {
            self.expr(d)?;
        }
        self.emit(Instr::LoadBuildClass);
        let scope = self.push_unit(node_key(c), &c.name, pos.line);
        self.code().flags |= flags::CLASS_BODY;
        let qualname = self.code().qualname.clone();
        let module = self.code().name_index("__name__");
        self.emit(Instr::LoadGlobal { name: module });
        let m = self.code().name_index("__module__");
        self.emit(Instr::StoreName { name: m });
        self.load_const(Value::str(&qualname));
        let q = self.code().name_index("__qualname__");
        self.emit(Instr::StoreName { name: q });
        if let Some(doc) = docstring(&c.body) {
            self.load_const(Value::str(doc));
            let d = self.code().name_index("__doc__");
            self.emit(Instr::StoreName { name: d });
        }
        if c.body.iter().any(has_annotation) {
            self.emit(Instr::SetupAnnotations);
        }
        self.stmts(&c.body)?;
        if self.table.scopes[scope].has_class_cell {
            let idx = self.code().cell_index("__class__").expect("class cell");
            self.emit(Instr::LoadClosure { idx });
            let cc = self.code().name_index("__classcell__");
            self.emit(Instr::StoreName { name: cc });
        }
        self.emit_return_none();
        let (code, frees) = self.pop_unit();
        self.set_line(pos);
        self.make_closure(code, &frees, 0);
        self.load_const(Value::str(&c.name));
        for b in &c.bases {
            self.expr(b)?;
        }
        let argc = 2 + c.bases.len() as u32;
        if c.keywords.is_empty() {
            self.emit(Instr::Call { argc });
        } else {
            let mut names = Vec::new();
            for k in &c.keywords {
                self.expr(&k.value)?;
                names.push(Value::str(k.arg.as_deref().unwrap_or("")));
            }
            self.load_const(Value::tuple(names));
            self.emit(Instr::CallKw { argc: argc + c.keywords.len() as u32 });
        }
        for _ in &c.decorators {
            self.emit(Instr::Call { argc: 1 });
        }
        self.name_op(&c.name, NameOp::Store);
        Ok(())
    }

    fn import(&mut self, aliases: &[Alias]) -> R {
        for a in aliases {
            let name = self.code().name_index(&a.name);
            self.emit(Instr::ImportName { name });
            match &a.asname {
                Some(asname) => self.name_op(asname, NameOp::Store),
                None => {
                    let top = a.name.split('.').next().unwrap_or(&a.name).to_string();
                    if top != a.name {
                        self.emit(Instr::PopTop);
                        let t = self.code().name_index(&top);
                        self.emit(Instr::ImportName { name: t });
                    }
                    self.name_op(&top, NameOp::Store);
                }
            }
        }
        Ok(())
    }

    fn import_from(&mut self, module: &str, names: &[Alias]) -> R {
        let m = self.code().name_index(module);
        self.emit(Instr::ImportName { name: m });
        if names.len() == 1 && names[0].name == "*" {
            self.emit(Instr::ImportStar);
            return Ok(());
        }
        for a in names {
            let n = self.code().name_index(&a.name);
            self.emit(Instr::ImportFrom { name: n });
            self.name_op(a.asname.as_ref().unwrap_or(&a.name), NameOp::Store);
        }
        self.emit(Instr::PopTop);
        Ok(())
    }
}

/// The docstring of a body: a string constant as its first statement.
fn docstring(body: &[Stmt]) -> Option<&str> {
    match body.first() {
        Some(Stmt { kind: StmtKind::Expr(Expr { kind: ExprKind::Constant(Constant::Str(doc)), .. }), .. }) => Some(doc),
        _ => None,
    }
}

fn block_holes(b: &Block) -> Option<Holes> {
    match b {
        Block::Finally(_, h) | Block::FinallyExc(h) | Block::TryBody(h) => Some(h.clone()),
        Block::Handler { holes, .. } | Block::With { holes, .. } => Some(holes.clone()),
        Block::For { .. } | Block::While { .. } | Block::PopValue => None,
    }
}
