//! Expressions → bytecode, one function per expression kind.

use super::{Compiler, NameOp};
use crate::ast::*;
use crate::bytecode::{flags, Instr};
use crate::compiler::emit::Label;
use crate::compiler::symtable::{node_key, Binding, ScopeKind};
use crate::error::SyntaxError;
use crate::runtime::objects::{PyBytes, PyStr};
use crate::runtime::value::Value;
use std::rc::Rc;

type R = Result<(), SyntaxError>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum CompKind {
    List,
    Set,
    Dict,
    Gen,
}

impl Compiler {
    pub(super) fn expr(&mut self, e: &Expr) -> R {
        self.enter_nested(e.pos)?;
        let r = self.expr_inner(e);
        self.leave_nested();
        r
    }

    fn expr_inner(&mut self, e: &Expr) -> R {
        match &e.kind {
            ExprKind::Name(n) => self.name_op(n, NameOp::Load),
            ExprKind::Constant(Constant::Str(s)) => {
                let s = self.code().interner.intern(s);
                self.load_const(Value::Str(s));
            }
            ExprKind::Constant(c) => self.load_const(constant_value(c)),
            ExprKind::JoinedStr(parts) => self.joined_str(parts)?,
            ExprKind::BoolOp { op, values } => self.bool_op(*op, values)?,
            ExprKind::NamedExpr { target, value } => {
                self.expr(value)?;
                self.emit(Instr::Copy { n: 1 });
                self.name_op(target, NameOp::Store);
            }
            ExprKind::BinOp { left, op, right } => {
                self.expr(left)?;
                self.expr(right)?;
                self.emit(Instr::BinaryOp { op: *op, inplace: false });
            }
            ExprKind::UnaryOp { op, operand } => {
                self.expr(operand)?;
                self.emit(match op {
                    UnaryOp::Invert => Instr::UnaryInvert,
                    UnaryOp::Not => Instr::UnaryNot,
                    UnaryOp::UAdd => Instr::UnaryPositive,
                    UnaryOp::USub => Instr::UnaryNegative,
                });
            }
            ExprKind::Lambda { params, body } => self.lambda(e, params, body)?,
            ExprKind::IfExp { test, body, orelse } => {
                let else_l = self.new_label();
                let end = self.new_label();
                self.jump_if(test, false, else_l)?;
                self.expr(body)?;
                self.code().jump(end);
                self.bind(else_l);
                self.expr(orelse)?;
                self.bind(end);
            }
            ExprKind::Dict { keys, values } => self.dict_display(keys, values)?,
            ExprKind::Set(items) => self.sequence_display(items, CompKind::Set, false)?,
            ExprKind::List(items) => self.sequence_display(items, CompKind::List, false)?,
            ExprKind::Tuple(items) => self.sequence_display(items, CompKind::List, true)?,
            ExprKind::ListComp { elt, generators } => self.comprehension(e, CompKind::List, generators, elt, None)?,
            ExprKind::SetComp { elt, generators } => self.comprehension(e, CompKind::Set, generators, elt, None)?,
            ExprKind::GeneratorExp { elt, generators } => self.comprehension(e, CompKind::Gen, generators, elt, None)?,
            ExprKind::DictComp { key, value, generators } => self.comprehension(e, CompKind::Dict, generators, key, Some(value))?,
            ExprKind::Await(v) => {
                if !matches!(self.scope_kind(), ScopeKind::Function | ScopeKind::Comprehension) {
                    return Err(self.error("'await' outside function", e.pos));
                }
                if !self.in_async_scope() {
                    return Err(self.error("'await' outside async function", e.pos));
                }
                self.expr(v)?;
                self.emit(Instr::GetAwaitable);
                self.load_const(Value::None);
                self.emit(Instr::YieldFrom);
            }
            ExprKind::Yield(v) => {
                match v {
                    Some(v) => self.expr(v)?,
                    None => self.load_const(Value::None),
                }
                if self.code().flags & flags::ASYNC_GENERATOR != 0 {
                    self.emit(Instr::AsyncGenWrap);
                }
                self.emit(Instr::YieldValue);
            }
            ExprKind::YieldFrom(v) => {
                if self.code().flags & (flags::ASYNC_GENERATOR | flags::COROUTINE) != 0 {
                    return Err(self.error("'yield from' inside async function", e.pos));
                }
                self.expr(v)?;
                self.emit(Instr::GetYieldFromIter);
                self.load_const(Value::None);
                self.emit(Instr::YieldFrom);
            }
            ExprKind::Compare { left, ops, comparators } => self.compare(left, ops, comparators)?,
            ExprKind::Call { func, args, keywords } => self.call(func, args, keywords)?,
            ExprKind::Attribute { value, attr } => {
                self.expr(value)?;
                let name = self.code().name_index(attr);
                self.emit(Instr::LoadAttr { name });
            }
            ExprKind::Subscript { value, index } => {
                self.expr(value)?;
                self.expr(index)?;
                self.emit(Instr::BinarySubscr);
            }
            ExprKind::Starred(_) => return Err(self.error("can't use starred expression here", e.pos)),
            ExprKind::Slice { lower, upper, step } => {
                for part in [lower, upper] {
                    match part {
                        Some(p) => self.expr(p)?,
                        None => self.load_const(Value::None),
                    }
                }
                let n = if let Some(s) = step {
                    self.expr(s)?;
                    3
                } else {
                    2
                };
                self.emit(Instr::BuildSlice { n });
            }
        }
        Ok(())
    }

    fn joined_str(&mut self, parts: &[FStringPart]) -> R {
        if parts.is_empty() {
            self.load_const(Value::str(""));
            return Ok(());
        }
        for p in parts {
            match p {
                FStringPart::Literal(s) => self.load_const(Value::str(s)),
                FStringPart::Formatted { value, conversion, format_spec } => {
                    self.expr(value)?;
                    if let Some(spec) = format_spec {
                        self.expr(spec)?;
                    }
                    let conversion = match conversion {
                        Some('s') => 1,
                        Some('r') => 2,
                        Some('a') => 3,
                        _ => 0,
                    };
                    self.emit(Instr::FormatValue { conversion, has_spec: format_spec.is_some() });
                }
            }
        }
        if parts.len() > 1 {
            self.emit(Instr::BuildString { n: parts.len() as u32 });
        } else if let FStringPart::Literal(_) = parts[0] {
        }
        Ok(())
    }

    fn bool_op(&mut self, op: BoolOp, values: &[Expr]) -> R {
        let end = self.new_label();
        for (i, v) in values.iter().enumerate() {
            self.expr(v)?;
            if i + 1 < values.len() {
                let target = end.index();
                self.emit(match op {
                    BoolOp::And => Instr::JumpIfFalseOrPop { target },
                    BoolOp::Or => Instr::JumpIfTrueOrPop { target },
                });
            }
        }
        self.bind(end);
        Ok(())
    }

    /// Compiles `e` as a condition: jumps to `label` when its truth equals `when`.
    pub(super) fn jump_if(&mut self, e: &Expr, when: bool, label: Label) -> R {
        match &e.kind {
            ExprKind::UnaryOp { op: UnaryOp::Not, operand } => return self.jump_if(operand, !when, label),
            ExprKind::BoolOp { op, values } => {
                let is_and = *op == BoolOp::And;
                // `a and b` jumps on false as soon as one is false; on true only if all are.
                if is_and != when {
                    for v in values {
                        self.jump_if(v, when, label)?;
                    }
                } else {
                    let skip = self.new_label();
                    let (last, rest) = values.split_last().expect("bool op has values");
                    for v in rest {
                        self.jump_if(v, !when, skip)?;
                    }
                    self.jump_if(last, when, label)?;
                    self.bind(skip);
                }
                return Ok(());
            }
            _ => {}
        }
        self.expr(e)?;
        let target = label.index();
        self.emit(if when { Instr::PopJumpIfTrue { target } } else { Instr::PopJumpIfFalse { target } });
        Ok(())
    }

    fn compare(&mut self, left: &Expr, ops: &[CmpOp], comparators: &[Expr]) -> R {
        self.expr(left)?;
        if ops.len() == 1 {
            self.expr(&comparators[0])?;
            self.emit(compare_instr(ops[0]));
            return Ok(());
        }
        let cleanup = self.new_label();
        let end = self.new_label();
        for (i, (op, right)) in ops.iter().zip(comparators).enumerate() {
            self.expr(right)?;
            if i + 1 < ops.len() {
                self.emit(Instr::Swap { n: 2 });
                self.emit(Instr::Copy { n: 2 });
                // [right, left, right] -> compare left, right keeping right below.
                self.emit(compare_instr(*op));
                self.emit(Instr::JumpIfFalseOrPop { target: cleanup.index() });
            } else {
                self.emit(compare_instr(*op));
                self.code().jump(end);
            }
        }
        self.bind(cleanup);
        self.emit(Instr::Swap { n: 2 });
        self.emit(Instr::PopTop);
        self.bind(end);
        Ok(())
    }

    fn sequence_display(&mut self, items: &[Expr], kind: CompKind, tuple: bool) -> R {
        let starred = items.iter().any(|e| matches!(e.kind, ExprKind::Starred(_)));
        if !starred {
            if tuple && !items.is_empty() && items.iter().all(is_simple_const) {
                let values = items.iter().map(|e| match &e.kind {
                    ExprKind::Constant(c) => constant_value(c),
                    _ => unreachable!(),
                });
                self.load_const(Value::tuple(values.collect()));
                return Ok(());
            }
            if kind == CompKind::Set && !tuple && items.len() > 2 {
                // CPython folds a display of constants into a frozenset constant, which
                // decides the set's slot order.
                let consts: Option<Vec<Value>> = items.iter().map(literal_value).collect();
                if let Some(fs) = consts.and_then(crate::runtime::methods::set::const_frozenset) {
                    self.emit(Instr::BuildSet { n: 0 });
                    self.load_const(fs);
                    self.emit(Instr::SetUpdate { depth: 1 });
                    return Ok(());
                }
            }
            for item in items {
                self.expr(item)?;
            }
            let n = items.len() as u32;
            self.emit(match (kind, tuple) {
                (_, true) => Instr::BuildTuple { n },
                (CompKind::Set, _) => Instr::BuildSet { n },
                _ => Instr::BuildList { n },
            });
            return Ok(());
        }
        let is_set = kind == CompKind::Set;
        self.emit(if is_set { Instr::BuildSet { n: 0 } } else { Instr::BuildList { n: 0 } });
        for item in items {
            match &item.kind {
                ExprKind::Starred(inner) => {
                    self.expr(inner)?;
                    self.emit(if is_set { Instr::SetUpdate { depth: 1 } } else { Instr::ListExtend { depth: 1, call: false } });
                }
                _ => {
                    self.expr(item)?;
                    self.emit(if is_set { Instr::SetAdd { depth: 1 } } else { Instr::ListAppend { depth: 1 } });
                }
            }
        }
        if tuple {
            self.emit(Instr::ListToTuple);
        }
        Ok(())
    }

    fn dict_display(&mut self, keys: &[Option<Expr>], values: &[Expr]) -> R {
        if keys.iter().all(|k| k.is_some()) {
            for (k, v) in keys.iter().zip(values) {
                self.expr(k.as_ref().expect("key"))?;
                self.expr(v)?;
            }
            self.emit(Instr::BuildMap { n: keys.len() as u32 });
            return Ok(());
        }
        self.emit(Instr::BuildMap { n: 0 });
        let mut pending = 0;
        for (k, v) in keys.iter().zip(values) {
            match k {
                Some(k) => {
                    self.expr(k)?;
                    self.expr(v)?;
                    pending += 1;
                }
                None => {
                    if pending > 0 {
                        self.emit(Instr::BuildMap { n: pending });
                        self.emit(Instr::DictUpdate { depth: 1 });
                        pending = 0;
                    }
                    self.expr(v)?;
                    self.emit(Instr::DictUpdate { depth: 1 });
                }
            }
        }
        if pending > 0 {
            self.emit(Instr::BuildMap { n: pending });
            self.emit(Instr::DictUpdate { depth: 1 });
        }
        Ok(())
    }

    fn lambda(&mut self, e: &Expr, params: &Params, body: &Expr) -> R {
        let fflags = self.function_prologue(params, None, false)?;
        let scope = self.push_unit(node_key(e), "<lambda>", e.pos.line);
        self.setup_params(params, scope, false);
        self.expr(body)?;
        if self.table.scopes[scope].is_generator {
            self.emit(Instr::PopTop);
            self.load_const(Value::None);
        }
        self.emit(Instr::ReturnValue);
        let (code, frees) = self.pop_unit();
        self.make_closure(code, &frees, fflags);
        Ok(())
    }

    fn comprehension(&mut self, e: &Expr, kind: CompKind, gens: &[Comprehension], elt: &Expr, value: Option<&Expr>) -> R {
        let name = match kind {
            CompKind::List => "<listcomp>",
            CompKind::Set => "<setcomp>",
            CompKind::Dict => "<dictcomp>",
            CompKind::Gen => "<genexpr>",
        };
        let scope = self.push_unit(node_key(e), name, e.pos.line);
        self.code().var_slot(".0");
        self.code().argcount = 1;
        let is_async = gens.iter().any(|g| g.is_async) || self.table.scopes[scope].is_async;
        if kind == CompKind::Gen {
            self.code().flags |= if is_async { flags::ASYNC_GENERATOR } else { flags::GENERATOR };
        } else if is_async {
            self.code().flags |= flags::COROUTINE;
        }
        match kind {
            CompKind::List => self.emit(Instr::BuildList { n: 0 }),
            CompKind::Set => self.emit(Instr::BuildSet { n: 0 }),
            CompKind::Dict => self.emit(Instr::BuildMap { n: 0 }),
            CompKind::Gen => {}
        }
        self.comp_generator(kind, gens, 0, elt, value)?;
        if kind == CompKind::Gen {
            self.load_const(Value::None);
        }
        self.emit(Instr::ReturnValue);
        let (code, frees) = self.pop_unit();
        self.make_closure(code, &frees, 0);
        self.expr(&gens[0].iter)?;
        if gens[0].is_async {
            self.get_aiter();
        } else {
            self.emit(Instr::GetIter);
        }
        self.emit(Instr::Call { argc: 1 });
        if is_async && kind != CompKind::Gen {
            self.emit(Instr::GetAwaitable);
            self.load_const(Value::None);
            self.emit(Instr::YieldFrom);
        }
        Ok(())
    }

    fn comp_generator(&mut self, kind: CompKind, gens: &[Comprehension], i: usize, elt: &Expr, value: Option<&Expr>) -> R {
        let g = &gens[i];
        if i == 0 {
            self.emit(Instr::LoadFast { slot: 0 });
        } else {
            self.expr(&g.iter)?;
            if g.is_async {
                self.get_aiter();
            } else {
                self.emit(Instr::GetIter);
            }
        }
        let top = self.new_label();
        let exit = self.new_label();
        // Filters skip forward to the loop's backward jump, which is a check point.
        let next = self.new_label();
        self.bind(top);
        if g.is_async {
            self.async_next(exit);
        } else {
            self.emit(Instr::ForIter { target: exit.index() });
        }
        self.store_target(&g.target)?;
        for cond in &g.ifs {
            self.jump_if(cond, false, next)?;
        }
        if i + 1 < gens.len() {
            self.comp_generator(kind, gens, i + 1, elt, value)?;
        } else {
            let depth = (i + 2) as u32;
            match kind {
                CompKind::List => {
                    self.expr(elt)?;
                    self.emit(Instr::ListAppend { depth });
                }
                CompKind::Set => {
                    self.expr(elt)?;
                    self.emit(Instr::SetAdd { depth });
                }
                CompKind::Dict => {
                    self.expr(elt)?;
                    self.expr(value.expect("dict comprehension value"))?;
                    self.emit(Instr::MapAdd { depth });
                }
                CompKind::Gen => {
                    self.expr(elt)?;
                    if self.code().flags & flags::ASYNC_GENERATOR != 0 {
                        self.emit(Instr::AsyncGenWrap);
                    }
                    self.emit(Instr::YieldValue);
                    self.emit(Instr::PopTop);
                }
            }
        }
        self.bind(next);
        self.code().jump(top);
        if g.is_async {
            self.async_exhausted(exit);
        } else {
            self.bind(exit);
        }
        Ok(())
    }

    fn call(&mut self, func: &Expr, args: &[Expr], keywords: &[Keyword]) -> R {
        if let Some(()) = self.zero_arg_super(func, args, keywords)? {
            return Ok(());
        }
        let star = args.iter().any(|a| matches!(a.kind, ExprKind::Starred(_))) || keywords.iter().any(|k| k.arg.is_none());
        if let (ExprKind::Attribute { value, attr }, false, true) = (&func.kind, star, keywords.is_empty()) {
            self.expr(value)?;
            let name = self.code().name_index(attr);
            self.emit(Instr::LoadMethod { name });
            for a in args {
                self.expr(a)?;
            }
            self.set_line(func.pos);
            self.emit(Instr::CallMethod { argc: args.len() as u32 });
            return Ok(());
        }
        self.expr(func)?;
        if star {
            return self.call_ex(args, keywords);
        }
        for a in args {
            self.expr(a)?;
        }
        if keywords.is_empty() {
            self.emit(Instr::Call { argc: args.len() as u32 });
            return Ok(());
        }
        let mut names = Vec::new();
        for k in keywords {
            self.expr(&k.value)?;
            names.push(Value::str(k.arg.as_deref().unwrap_or("")));
        }
        self.load_const(Value::tuple(names));
        self.emit(Instr::CallKw { argc: (args.len() + keywords.len()) as u32 });
        Ok(())
    }

    /// `f(*a, x, **k)`: builds the positional tuple and keyword dict, then CallFunctionEx.
    fn call_ex(&mut self, args: &[Expr], keywords: &[Keyword]) -> R {
        self.emit(Instr::BuildList { n: 0 });
        // CPython names the callable in the error only for a lone `*args` (passed as is).
        let lone = args.len() == 1;
        for a in args {
            match &a.kind {
                ExprKind::Starred(inner) => {
                    self.expr(inner)?;
                    self.emit(Instr::ListExtend { depth: 1, call: lone });
                }
                _ => {
                    self.expr(a)?;
                    self.emit(Instr::ListAppend { depth: 1 });
                }
            }
        }
        self.emit(Instr::ListToTuple);
        if keywords.is_empty() {
            self.emit(Instr::CallFunctionEx { has_kwargs: false });
            return Ok(());
        }
        self.emit(Instr::BuildMap { n: 0 });
        for k in keywords {
            match &k.arg {
                Some(name) => {
                    self.load_const(Value::str(name));
                    self.expr(&k.value)?;
                    self.emit(Instr::BuildMap { n: 1 });
                    self.emit(Instr::DictMerge { depth: 1 });
                }
                None => {
                    self.expr(&k.value)?;
                    self.emit(Instr::DictMerge { depth: 1 });
                }
            }
        }
        self.emit(Instr::CallFunctionEx { has_kwargs: true });
        Ok(())
    }

    /// `super()` inside a method becomes `super(__class__, <first argument>)`.
    fn zero_arg_super(&mut self, func: &Expr, args: &[Expr], keywords: &[Keyword]) -> Result<Option<()>, SyntaxError> {
        let ExprKind::Name(n) = &func.kind else { return Ok(None) };
        if n != "super" || !args.is_empty() || !keywords.is_empty() {
            return Ok(None);
        }
        if self.binding("__class__") != Binding::Free {
            return Ok(None);
        }
        let scope = self.units.last().expect("unit").scope;
        let Some(first) = self.table.scopes[scope].params.first().cloned() else { return Ok(None) };
        self.name_op("super", NameOp::Load);
        self.name_op("__class__", NameOp::Load);
        self.name_op(&first, NameOp::Load);
        self.emit(Instr::Call { argc: 2 });
        Ok(Some(()))
    }
}

impl Compiler {
    /// Whether `await` is allowed here: an async function, or a comprehension inside one.
    fn in_async_scope(&self) -> bool {
        let mut idx = Some(self.units.last().expect("unit").scope);
        while let Some(i) = idx {
            let sc = &self.table.scopes[i];
            match sc.kind {
                ScopeKind::Function => return sc.is_async,
                ScopeKind::Comprehension => idx = sc.parent,
                _ => return false,
            }
        }
        false
    }
}

fn compare_instr(op: CmpOp) -> Instr {
    match op {
        CmpOp::Is => Instr::IsOp { invert: false },
        CmpOp::IsNot => Instr::IsOp { invert: true },
        CmpOp::In => Instr::ContainsOp { invert: false },
        CmpOp::NotIn => Instr::ContainsOp { invert: true },
        op => Instr::CompareOp { op },
    }
}

/// A number, string, bool or None literal (negative numbers included, as CPython folds
/// them), as a value.
fn literal_value(e: &Expr) -> Option<Value> {
    match &e.kind {
        ExprKind::Constant(
            c @ (Constant::Int(_) | Constant::BigInt(_) | Constant::Float(_) | Constant::Str(_) | Constant::True | Constant::False),
        ) => Some(constant_value(c)),
        ExprKind::UnaryOp { op: UnaryOp::USub, operand } => match &operand.kind {
            ExprKind::Constant(Constant::Int(i)) => Some(match i.checked_neg() {
                Some(n) => Value::Int(n),
                None => Value::from_bigint(-num_bigint::BigInt::from(*i)),
            }),
            ExprKind::Constant(Constant::BigInt(b)) => Some(Value::from_bigint(-b.clone())),
            ExprKind::Constant(Constant::Float(f)) => Some(Value::Float(-f)),
            _ => None,
        },
        _ => None,
    }
}

fn is_simple_const(e: &Expr) -> bool {
    matches!(
        &e.kind,
        ExprKind::Constant(Constant::Int(_) | Constant::Float(_) | Constant::Str(_) | Constant::None | Constant::True | Constant::False)
    )
}

pub fn constant_value(c: &Constant) -> Value {
    match c {
        Constant::None => Value::None,
        Constant::True => Value::Bool(true),
        Constant::False => Value::Bool(false),
        Constant::Ellipsis => Value::Ellipsis,
        Constant::Int(i) => Value::Int(*i),
        Constant::BigInt(b) => Value::from_bigint(b.clone()),
        Constant::Float(f) => Value::Float(*f),
        Constant::Str(s) => Value::Str(Rc::new(PyStr::new(s))),
        Constant::Bytes(b) => Value::Bytes(Rc::new(PyBytes::new(b.clone()))),
    }
}
