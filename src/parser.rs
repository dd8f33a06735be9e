//! The parser: runs the lalrpop grammar (`grammar/tinypy.lalrpop`) over the tokens of
//! `lexer::tokenize`, builds the `ast`, parses f-strings, and maps failures to CPython 3.11's
//! SyntaxError messages.

use crate::ast::*;
use crate::error::{SyntaxError, SyntaxErrorKind};
use crate::lexer::{self, Num, Spanned, StrLit, Token};
use lalrpop_util::ParseError;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;

#[allow(clippy::all, clippy::pedantic, unused, unused_parens, unused_qualifications)]
mod grammar {
    include!(concat!(env!("OUT_DIR"), "/tinypy.rs"));
}

/// Deepest expression tree the parser builds. CPython 3.11 fails for deeper trees too
/// (MemoryError in its parser, RecursionError in its compiler from about 3000 levels).
pub const MAX_EXPR_DEPTH: u32 = 3000;

/// The result of the grammar's start symbol.
pub enum Top {
    Module(Vec<Stmt>),
    Expr(Expr),
}

/// One argument of a call or class header, before validation.
pub enum ArgItem {
    Pos(Expr),
    Gen(Expr, Vec<Comprehension>),
    Star(Pos, Expr),
    DStar(Pos, Expr),
    Kw(Pos, String, Expr),
}

/// One parameter of a `def` or `lambda`, before validation.
pub enum ParamItem {
    Normal(Param, Option<Expr>),
    Slash(Pos),
    Star(Pos, Option<Param>),
    DStar(Pos, Param),
}

pub type PResult<T> = Result<T, ParseError<Pos, Token, SyntaxError>>;

/// Parser state shared by the grammar actions.
pub struct Ctx {
    filename: String,
    /// Depth of the deepest expression built so far that starts at each position. Since trees
    /// are built bottom-up and nodes starting at the same position nest, the entry for a
    /// finished child is exactly that child's depth.
    depth: RefCell<HashMap<(u32, u32), u32>>,
    too_deep: Cell<Option<Pos>>,
    /// Nesting of f-strings being parsed (format specs and nested f-strings).
    fstring_level: Cell<u32>,
}

fn user<T>(err: SyntaxError) -> PResult<T> {
    Err(ParseError::User { error: err })
}

/// CPython's name for an expression kind in "cannot assign to ..." messages.
fn expr_name(e: &Expr) -> &'static str {
    match &e.kind {
        ExprKind::Name(_) => "name",
        ExprKind::Constant(c) => match c {
            Constant::None => "None",
            Constant::True => "True",
            Constant::False => "False",
            Constant::Ellipsis => "ellipsis",
            _ => "literal",
        },
        ExprKind::JoinedStr(_) => "f-string expression",
        ExprKind::BoolOp { .. } | ExprKind::BinOp { .. } | ExprKind::UnaryOp { .. } => "expression",
        ExprKind::NamedExpr { .. } => "named expression",
        ExprKind::Lambda { .. } => "lambda",
        ExprKind::IfExp { .. } => "conditional expression",
        ExprKind::Dict { .. } => "dict literal",
        ExprKind::Set(_) => "set display",
        ExprKind::List(_) => "list",
        ExprKind::Tuple(_) => "tuple",
        ExprKind::ListComp { .. } => "list comprehension",
        ExprKind::SetComp { .. } => "set comprehension",
        ExprKind::DictComp { .. } => "dict comprehension",
        ExprKind::GeneratorExp { .. } => "generator expression",
        ExprKind::Await(_) => "await expression",
        ExprKind::Yield(_) | ExprKind::YieldFrom(_) => "yield expression",
        ExprKind::Compare { .. } => "comparison",
        ExprKind::Call { .. } => "function call",
        ExprKind::Attribute { .. } => "attribute",
        ExprKind::Subscript { .. } => "subscript",
        ExprKind::Starred(_) => "starred",
        ExprKind::Slice { .. } => "slice",
    }
}

/// True for expressions CPython's grammar reaches as a `bitwise_or` (used to pick the
/// "... here. Maybe you meant '==' instead of '='?" form of assignment errors).
fn is_bitwise_or_level(e: &Expr) -> bool {
    !matches!(
        e.kind,
        ExprKind::BoolOp { .. }
            | ExprKind::UnaryOp { op: UnaryOp::Not, .. }
            | ExprKind::Compare { .. }
            | ExprKind::IfExp { .. }
            | ExprKind::Lambda { .. }
            | ExprKind::Starred(_)
            | ExprKind::Tuple(_)
            | ExprKind::List(_)
            | ExprKind::GeneratorExp { .. }
            | ExprKind::Constant(Constant::True | Constant::False | Constant::None)
    )
}

impl Ctx {
    fn new(filename: &str) -> Ctx {
        Ctx { filename: filename.to_string(), depth: RefCell::new(HashMap::new()), too_deep: Cell::new(None), fstring_level: Cell::new(0) }
    }

    pub fn err(&self, msg: impl Into<String>, pos: Pos) -> SyntaxError {
        SyntaxError::new(msg, &self.filename, pos.line, pos.col)
    }

    fn d(&self, map: &HashMap<(u32, u32), u32>, e: &Expr) -> u32 {
        map.get(&(e.pos.line, e.pos.col)).copied().unwrap_or(1)
    }

    /// Builds an expression node, tracking its depth; a node deeper than `MAX_EXPR_DEPTH` is
    /// replaced by a leaf and the error is reported after parsing.
    pub fn mk(&self, pos: Pos, kind: ExprKind) -> Expr {
        let mut map = self.depth.borrow_mut();
        let mut m = 0u32;
        {
            let mut see = |e: &Expr| m = m.max(self.d(&map, e));
            match &kind {
                ExprKind::Name(_) | ExprKind::Constant(_) => {}
                ExprKind::JoinedStr(parts) => {
                    for p in parts {
                        if let FStringPart::Formatted { value, format_spec, .. } = p {
                            see(value);
                            if let Some(s) = format_spec {
                                see(s);
                            }
                        }
                    }
                }
                ExprKind::BoolOp { values, .. } => values.iter().for_each(&mut see),
                ExprKind::NamedExpr { value, .. } => see(value),
                ExprKind::BinOp { left, right, .. } => {
                    see(left);
                    see(right);
                }
                ExprKind::UnaryOp { operand, .. } => see(operand),
                ExprKind::Lambda { params, body } => {
                    see(body);
                    for p in params.posonly.iter().chain(&params.args).chain(&params.kwonly) {
                        if let Some(d) = &p.default {
                            see(d);
                        }
                    }
                }
                ExprKind::IfExp { test, body, orelse } => {
                    see(test);
                    see(body);
                    see(orelse);
                }
                ExprKind::Dict { keys, values } => {
                    keys.iter().flatten().for_each(&mut see);
                    values.iter().for_each(&mut see);
                }
                ExprKind::Set(v) | ExprKind::List(v) | ExprKind::Tuple(v) => v.iter().for_each(&mut see),
                ExprKind::ListComp { elt, generators }
                | ExprKind::SetComp { elt, generators }
                | ExprKind::GeneratorExp { elt, generators } => {
                    see(elt);
                    for g in generators {
                        see(&g.target);
                        see(&g.iter);
                        g.ifs.iter().for_each(&mut see);
                    }
                }
                ExprKind::DictComp { key, value, generators } => {
                    see(key);
                    see(value);
                    for g in generators {
                        see(&g.target);
                        see(&g.iter);
                        g.ifs.iter().for_each(&mut see);
                    }
                }
                ExprKind::Await(e) | ExprKind::YieldFrom(e) | ExprKind::Starred(e) => see(e),
                ExprKind::Yield(e) => {
                    if let Some(e) = e {
                        see(e);
                    }
                }
                ExprKind::Compare { left, comparators, .. } => {
                    see(left);
                    comparators.iter().for_each(&mut see);
                }
                ExprKind::Call { func, args, keywords } => {
                    see(func);
                    args.iter().for_each(&mut see);
                    keywords.iter().for_each(|k| see(&k.value));
                }
                ExprKind::Attribute { value, .. } => see(value),
                ExprKind::Subscript { value, index } => {
                    see(value);
                    see(index);
                }
                ExprKind::Slice { lower, upper, step } => {
                    for e in [lower, upper, step].into_iter().flatten() {
                        see(e);
                    }
                }
            }
        }
        let depth = m + 1;
        if depth > MAX_EXPR_DEPTH {
            if self.too_deep.get().is_none() {
                self.too_deep.set(Some(pos));
            }
            map.insert((pos.line, pos.col), 1);
            return Expr::new(pos, ExprKind::Constant(Constant::None));
        }
        map.insert((pos.line, pos.col), depth);
        Expr::new(pos, kind)
    }

    pub fn bin(&self, pos: Pos, left: Expr, op: BinOp, right: Expr) -> Expr {
        self.mk(pos, ExprKind::BinOp { left: Box::new(left), op, right: Box::new(right) })
    }

    pub fn boolop(&self, pos: Pos, op: BoolOp, first: Expr, rest: Vec<Expr>) -> Expr {
        let mut values = Vec::with_capacity(rest.len() + 1);
        values.push(first);
        values.extend(rest);
        self.mk(pos, ExprKind::BoolOp { op, values })
    }

    pub fn number(&self, pos: Pos, n: Num) -> Expr {
        let c = match n {
            Num::Int(i) => Constant::Int(i),
            Num::Big(b) => Constant::BigInt(b),
            Num::Float(f) => Constant::Float(f),
        };
        self.mk(pos, ExprKind::Constant(c))
    }

    // ------------------------------------------------------------ targets

    /// Checks that `e` can be assigned to (`for` targets, `with ... as`, comprehension targets).
    pub fn store_target(&self, e: Expr, _allow_star: bool) -> PResult<Expr> {
        if let Some(bad) = Self::invalid_target(&e, false) {
            return user(self.err(format!("cannot assign to {}", expr_name(bad)), bad.pos));
        }
        Ok(e)
    }

    fn invalid_target(e: &Expr, del: bool) -> Option<&Expr> {
        match &e.kind {
            ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => None,
            ExprKind::Starred(inner) if !del => Self::invalid_target(inner, del),
            ExprKind::Tuple(v) | ExprKind::List(v) => v.iter().find_map(|x| Self::invalid_target(x, del)),
            _ => Some(e),
        }
    }

    pub fn del_targets(&self, v: Vec<Expr>) -> PResult<Vec<Expr>> {
        for e in &v {
            if let Some(bad) = Self::invalid_target(e, true) {
                return user(self.err(format!("cannot delete {}", expr_name(bad)), bad.pos));
            }
        }
        Ok(v)
    }

    pub fn assign(&self, pos: Pos, first: Expr, mut rest: Vec<Expr>) -> PResult<Stmt> {
        let value = rest.pop().expect("at least one value");
        let mut targets = Vec::with_capacity(rest.len() + 1);
        targets.push(first);
        targets.extend(rest);
        let single = targets.len() == 1;
        for t in &targets {
            if let Some(bad) = Self::invalid_target(t, false) {
                if matches!(bad.kind, ExprKind::Yield(_) | ExprKind::YieldFrom(_)) {
                    return user(self.err("assignment to yield expression not possible", bad.pos));
                }
                let msg = if single && std::ptr::eq(bad, t) && is_bitwise_or_level(bad) {
                    format!("cannot assign to {} here. Maybe you meant '==' instead of '='?", expr_name(bad))
                } else {
                    format!("cannot assign to {}", expr_name(bad))
                };
                return user(self.err(msg, bad.pos));
            }
        }
        if let ExprKind::Yield(_) | ExprKind::YieldFrom(_) = value.kind {
            // `x = yield = 1` is caught above; `x = yield` is fine.
        }
        Ok(Stmt::new(pos, StmtKind::Assign { targets, value }))
    }

    pub fn aug_assign(&self, pos: Pos, target: Expr, op: BinOp, value: Expr) -> PResult<Stmt> {
        match target.kind {
            ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => {}
            _ => return user(self.err(format!("'{}' is an illegal expression for augmented assignment", expr_name(&target)), target.pos)),
        }
        Ok(Stmt::new(pos, StmtKind::AugAssign { target, op, value }))
    }

    pub fn ann_assign(&self, pos: Pos, target: Expr, annotation: Expr, value: Option<Expr>) -> PResult<Stmt> {
        let simple = match &target.kind {
            ExprKind::Name(_) => target.pos == pos,
            ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => false,
            ExprKind::Tuple(_) => return user(self.err("only single target (not tuple) can be annotated", target.pos)),
            ExprKind::List(_) => return user(self.err("only single target (not list) can be annotated", target.pos)),
            _ => return user(self.err("illegal target for annotation", target.pos)),
        };
        Ok(Stmt::new(pos, StmtKind::AnnAssign { target, annotation, value, simple }))
    }

    // ------------------------------------------------------------ statements

    pub fn for_stmt(&self, pos: Pos, f: (Expr, Expr, Vec<Stmt>, Vec<Stmt>), is_async: bool) -> Stmt {
        let (target, iter, body, orelse) = f;
        Stmt::new(pos, StmtKind::For { target, iter, body, orelse, is_async })
    }

    /// Builds an `elif` as an `If` nested in the `orelse`, bounding the nesting depth.
    pub fn elif(&self, pos: Pos, test: Expr, body: Vec<Stmt>, rest: Option<(Vec<Stmt>, u32)>) -> (Vec<Stmt>, u32) {
        let (mut orelse, depth) = rest.unwrap_or_default();
        if depth >= MAX_EXPR_DEPTH {
            if self.too_deep.get().is_none() {
                self.too_deep.set(Some(pos));
            }
            orelse.clear();
        }
        (vec![Stmt::new(pos, StmtKind::If { test, body, orelse })], depth + 1)
    }

    pub fn async_def(&self, pos: Pos, mut f: FunctionDef) -> Stmt {
        f.is_async = true;
        Stmt::new(pos, StmtKind::FunctionDef(Box::new(f)))
    }

    pub fn decorate(&self, decorators: Vec<Expr>, mut s: Stmt) -> Stmt {
        match &mut s.kind {
            StmtKind::FunctionDef(f) => f.decorators = decorators,
            StmtKind::ClassDef(c) => c.decorators = decorators,
            _ => {}
        }
        s
    }

    pub fn try_stmt(
        &self,
        pos: Pos,
        body: Vec<Stmt>,
        handlers: Vec<ExceptHandler>,
        orelse: Vec<Stmt>,
        finalbody: Vec<Stmt>,
    ) -> PResult<Stmt> {
        for (i, h) in handlers.iter().enumerate() {
            if h.typ.is_none() && i + 1 < handlers.len() {
                return user(self.err("default 'except:' must be last", h.pos));
            }
        }
        Ok(Stmt::new(pos, StmtKind::Try { body, handlers, orelse, finalbody }))
    }

    pub fn params(&self, items: Vec<ParamItem>) -> PResult<Params> {
        let mut p = Params::default();
        let mut seen_star = false;
        let mut seen_slash = false;
        let mut seen_default = false;
        let mut bare_star: Option<Pos> = None;
        for item in items {
            if let Some(k) = &p.kwarg {
                let at = match &item {
                    ParamItem::Normal(q, _) => q.pos,
                    ParamItem::Slash(l) | ParamItem::Star(l, _) | ParamItem::DStar(l, _) => *l,
                };
                let _ = k;
                return user(self.err("arguments cannot follow var-keyword argument", at));
            }
            match item {
                ParamItem::Normal(mut q, d) => {
                    if seen_star {
                        q.default = d;
                        p.kwonly.push(q);
                        bare_star = None;
                    } else {
                        if d.is_none() && seen_default {
                            return user(self.err("non-default argument follows default argument", q.pos));
                        }
                        seen_default |= d.is_some();
                        q.default = d;
                        p.args.push(q);
                    }
                }
                ParamItem::Slash(l) => {
                    if seen_star {
                        return user(self.err("/ must be ahead of *", l));
                    }
                    if seen_slash {
                        return user(self.err("/ may appear only once", l));
                    }
                    if p.args.is_empty() {
                        return user(self.err("at least one argument must precede /", l));
                    }
                    seen_slash = true;
                    p.posonly = std::mem::take(&mut p.args);
                }
                ParamItem::Star(l, q) => {
                    if seen_star {
                        return user(self.err("* argument may appear only once", l));
                    }
                    seen_star = true;
                    if q.is_none() {
                        bare_star = Some(l);
                    }
                    p.vararg = q;
                }
                ParamItem::DStar(l, q) => {
                    if let Some(b) = bare_star {
                        return user(self.err("named arguments must follow bare *", b));
                    }
                    let _ = l;
                    p.kwarg = Some(q);
                }
            }
        }
        if let Some(b) = bare_star {
            return user(self.err("named arguments must follow bare *", b));
        }
        Ok(p)
    }

    fn split_args(&self, lparen: Pos, items: Vec<ArgItem>) -> PResult<(Vec<Expr>, Vec<Keyword>)> {
        let n = items.len();
        let mut args = Vec::new();
        let mut keywords = Vec::new();
        let mut seen_kw = false;
        let mut seen_dstar = false;
        for item in items {
            match item {
                ArgItem::Pos(e) => {
                    if seen_dstar {
                        return user(self.err("positional argument follows keyword argument unpacking", e.pos));
                    }
                    if seen_kw {
                        return user(self.err("positional argument follows keyword argument", e.pos));
                    }
                    args.push(e);
                }
                ArgItem::Gen(e, g) => {
                    if lparen.line == 0 {
                        return user(self.err("invalid syntax", e.pos));
                    }
                    if n > 1 {
                        return user(self.err("Generator expression must be parenthesized", e.pos));
                    }
                    args.push(self.mk(lparen, ExprKind::GeneratorExp { elt: Box::new(e), generators: g }));
                }
                ArgItem::Star(l, e) => {
                    if seen_dstar {
                        return user(self.err("iterable argument unpacking follows keyword argument unpacking", l));
                    }
                    args.push(self.mk(l, ExprKind::Starred(Box::new(e))));
                }
                ArgItem::DStar(l, e) => {
                    seen_dstar = true;
                    keywords.push(Keyword { pos: l, arg: None, value: e });
                }
                ArgItem::Kw(l, name, e) => {
                    seen_kw = true;
                    keywords.push(Keyword { pos: l, arg: Some(name), value: e });
                }
            }
        }
        Ok((args, keywords))
    }

    pub fn call(&self, pos: Pos, func: Expr, lparen: Pos, items: Vec<ArgItem>) -> PResult<Expr> {
        let (args, keywords) = self.split_args(lparen, items)?;
        Ok(self.mk(pos, ExprKind::Call { func: Box::new(func), args, keywords }))
    }

    pub fn class_def(&self, name: String, args: Option<Vec<ArgItem>>, body: Vec<Stmt>) -> PResult<ClassDef> {
        let (bases, keywords) = match args {
            Some(a) => self.split_args(Pos::default(), a)?,
            None => (vec![], vec![]),
        };
        Ok(ClassDef { name, bases, keywords, body, decorators: vec![] })
    }

    // ------------------------------------------------------------ strings

    pub fn strings(&self, pos: Pos, toks: Vec<(Pos, StrLit)>) -> PResult<Expr> {
        let any_bytes = toks.iter().any(|(_, s)| s.bytes);
        let all_bytes = toks.iter().all(|(_, s)| s.bytes);
        if any_bytes && !all_bytes {
            let at = toks.iter().find(|(_, s)| s.bytes != toks[0].1.bytes).map_or(pos, |t| t.0);
            return user(self.err("cannot mix bytes and nonbytes literals", at));
        }
        if all_bytes {
            let mut out = Vec::new();
            for (p, s) in &toks {
                decode_bytes(s, &mut out).map_err(|m| ParseError::User { error: self.err(m, *p) })?;
            }
            return Ok(self.mk(pos, ExprKind::Constant(Constant::Bytes(out))));
        }
        if !toks.iter().any(|(_, s)| s.fstring) {
            let mut out = String::new();
            for (p, s) in &toks {
                if s.raw {
                    out.push_str(&s.body);
                } else {
                    decode_str(&s.body, &mut out).map_err(|m| ParseError::User { error: self.err(m, *p) })?;
                }
            }
            return Ok(self.mk(pos, ExprKind::Constant(Constant::Str(out))));
        }
        let mut parts: Vec<FStringPart> = Vec::new();
        for (p, s) in &toks {
            if s.fstring {
                self.fstring(*p, s, &mut parts)?;
            } else {
                let mut out = String::new();
                if s.raw {
                    out.push_str(&s.body);
                } else {
                    decode_str(&s.body, &mut out).map_err(|m| ParseError::User { error: self.err(m, *p) })?;
                }
                push_lit(&mut parts, &out);
            }
        }
        Ok(self.mk(pos, ExprKind::JoinedStr(parts)))
    }

    fn fstring(&self, tok_pos: Pos, s: &StrLit, parts: &mut Vec<FStringPart>) -> PResult<()> {
        let chars: Vec<char> = s.body.chars().collect();
        let mut poss = Vec::with_capacity(chars.len() + 1);
        let mut p = s.body_pos;
        for &c in &chars {
            poss.push(p);
            if c == '\n' {
                p = Pos { line: p.line + 1, col: 0 };
            } else {
                p.col += 1;
            }
        }
        poss.push(p);
        let mut f = FStr { ctx: self, chars: &chars, poss: &poss, raw: s.raw, tok_pos, i: 0 };
        let level = self.fstring_level.get();
        if level >= 200 {
            return user(self.err("too many nested f-strings", tok_pos));
        }
        self.fstring_level.set(level + 1);
        let r = f.parse(parts, 0);
        self.fstring_level.set(level);
        r?;
        if f.i < chars.len() {
            return user(self.err("f-string: single '}' is not allowed", tok_pos));
        }
        Ok(())
    }
}

fn push_lit(parts: &mut Vec<FStringPart>, s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(FStringPart::Literal(prev)) = parts.last_mut() {
        prev.push_str(s);
    } else {
        parts.push(FStringPart::Literal(s.to_string()));
    }
}

/// An f-string being parsed.
struct FStr<'a> {
    ctx: &'a Ctx,
    chars: &'a [char],
    poss: &'a [Pos],
    raw: bool,
    tok_pos: Pos,
    i: usize,
}

impl FStr<'_> {
    fn err<T>(&self, msg: &str) -> PResult<T> {
        user(self.ctx.err(msg, self.tok_pos))
    }

    fn flush(&self, raw_buf: &mut String, parts: &mut Vec<FStringPart>) -> PResult<()> {
        if raw_buf.is_empty() {
            return Ok(());
        }
        let mut out = String::new();
        if self.raw {
            out.push_str(raw_buf);
        } else {
            decode_str(raw_buf, &mut out).map_err(|m| ParseError::User { error: self.ctx.err(m, self.tok_pos) })?;
        }
        push_lit(parts, &out);
        raw_buf.clear();
        Ok(())
    }

    /// Parses literal text and fields until the end, or (in a format spec, `nest > 0`) until
    /// the closing `}` of the field, which is left unconsumed.
    fn parse(&mut self, parts: &mut Vec<FStringPart>, nest: u32) -> PResult<()> {
        let n = self.chars.len();
        let mut raw_buf = String::new();
        while self.i < n {
            let c = self.chars[self.i];
            match c {
                '{' => {
                    if nest == 0 && self.i + 1 < n && self.chars[self.i + 1] == '{' {
                        raw_buf.push('{');
                        self.i += 2;
                        continue;
                    }
                    if nest >= 2 {
                        return self.err("f-string: expressions nested too deeply");
                    }
                    self.flush(&mut raw_buf, parts)?;
                    self.i += 1;
                    self.field(parts, nest)?;
                }
                '}' => {
                    if nest > 0 {
                        break;
                    }
                    if self.i + 1 < n && self.chars[self.i + 1] == '}' {
                        raw_buf.push('}');
                        self.i += 2;
                        continue;
                    }
                    return self.err("f-string: single '}' is not allowed");
                }
                '\\' if !self.raw => {
                    raw_buf.push('\\');
                    self.i += 1;
                    if self.i < n {
                        let d = self.chars[self.i];
                        if d == 'N' && self.i + 1 < n && self.chars[self.i + 1] == '{' {
                            while self.i < n && self.chars[self.i] != '}' {
                                raw_buf.push(self.chars[self.i]);
                                self.i += 1;
                            }
                            if self.i < n {
                                raw_buf.push('}');
                                self.i += 1;
                            }
                        } else if d != '{' && d != '}' {
                            raw_buf.push(d);
                            self.i += 1;
                        }
                    }
                }
                _ => {
                    raw_buf.push(c);
                    self.i += 1;
                }
            }
        }
        self.flush(&mut raw_buf, parts)
    }

    /// Parses one replacement field; `self.i` is just after its `{`.
    fn field(&mut self, parts: &mut Vec<FStringPart>, nest: u32) -> PResult<()> {
        let n = self.chars.len();
        let start = self.i;
        let mut stack: Vec<char> = Vec::new();
        let mut quote: Option<(char, bool)> = None;
        let mut selfdoc = false;
        while self.i < n {
            let c = self.chars[self.i];
            if let Some((q, triple)) = quote {
                if c == '\\' {
                    return self.err("f-string expression part cannot include a backslash");
                }
                if c == q {
                    if !triple {
                        quote = None;
                    } else if self.i + 2 < n && self.chars[self.i + 1] == q && self.chars[self.i + 2] == q {
                        quote = None;
                        self.i += 2;
                    }
                }
                self.i += 1;
                continue;
            }
            let next = self.chars.get(self.i + 1).copied();
            match c {
                '\\' => return self.err("f-string expression part cannot include a backslash"),
                '\'' | '"' => {
                    let triple = next == Some(c) && self.chars.get(self.i + 2) == Some(&c);
                    quote = Some((c, triple));
                    self.i += if triple { 3 } else { 1 };
                    continue;
                }
                '(' | '[' | '{' => stack.push(c),
                ')' | ']' | '}' => match stack.pop() {
                    None => {
                        if c == '}' {
                            break;
                        }
                        return self.err(&format!("f-string: unmatched '{c}'"));
                    }
                    Some(o) => {
                        if !matches!((o, c), ('(', ')') | ('[', ']') | ('{', '}')) {
                            return self.err(&format!("f-string: closing parenthesis '{c}' does not match opening parenthesis '{o}'"));
                        }
                    }
                },
                '#' => return self.err("f-string expression part cannot include '#'"),
                '!' if stack.is_empty() && next != Some('=') => break,
                ':' if stack.is_empty() => break,
                '=' if stack.is_empty() && next != Some('=') => {
                    let prev = if self.i > start { self.chars[self.i - 1] } else { ' ' };
                    if !matches!(prev, '=' | '!' | '<' | '>') {
                        selfdoc = true;
                        break;
                    }
                }
                '<' | '>' | '=' | '!' if next == Some('=') => {
                    self.i += 2;
                    continue;
                }
                _ => {}
            }
            self.i += 1;
        }
        if quote.is_some() {
            return self.err("f-string: unterminated string");
        }
        if self.i >= n {
            if !stack.is_empty() {
                return self.err("f-string: expecting '}'");
            }
            return self.err("f-string: expecting '}'");
        }
        let text: String = self.chars[start..self.i].iter().collect();
        if text.trim().is_empty() {
            if selfdoc {
                return self.err("f-string: expression required before '='");
            }
            return self.err("f-string: empty expression not allowed");
        }
        let value = parse_fstring_expr(self.ctx, &text, self.poss[start])?;
        let mut conversion = None;
        if selfdoc {
            self.i += 1;
            while self.i < n && self.chars[self.i].is_whitespace() {
                self.i += 1;
            }
            let t: String = self.chars[start..self.i].iter().collect();
            push_lit(parts, &t);
        }
        if self.i < n && self.chars[self.i] == '!' {
            self.i += 1;
            match self.chars.get(self.i) {
                Some(&c @ ('s' | 'r' | 'a')) => {
                    conversion = Some(c);
                    self.i += 1;
                }
                _ => return self.err("f-string: invalid conversion character: expected 's', 'r', or 'a'"),
            }
        }
        let mut format_spec = None;
        if self.i < n && self.chars[self.i] == ':' {
            self.i += 1;
            let mut spec_parts = Vec::new();
            self.parse(&mut spec_parts, nest + 1)?;
            format_spec = Some(Box::new(self.ctx.mk(self.tok_pos, ExprKind::JoinedStr(spec_parts))));
        }
        if self.i >= n || self.chars[self.i] != '}' {
            return self.err("f-string: expecting '}'");
        }
        self.i += 1;
        if selfdoc && conversion.is_none() && format_spec.is_none() {
            conversion = Some('r');
        }
        parts.push(FStringPart::Formatted { value: Box::new(value), conversion, format_spec });
        Ok(())
    }
}

/// Parses the expression of an f-string field with the same grammar, at its real position.
fn parse_fstring_expr(ctx: &Ctx, text: &str, base: Pos) -> PResult<Expr> {
    match parse_expr_with(ctx, text, base) {
        Ok(e) => Ok(e),
        Err(mut e) => {
            if e.kind == SyntaxErrorKind::SyntaxError && !e.msg.starts_with("f-string") {
                e.msg = format!("f-string: {}", e.msg);
            }
            user(e)
        }
    }
}

fn unicode_err(kind: &str, start: usize, end: usize, what: &str) -> String {
    let _ = kind;
    format!("(unicode error) 'unicodeescape' codec can't decode bytes in position {start}-{end}: {what}")
}

/// Decodes the escapes of a (non-raw) str literal body.
pub fn decode_str(body: &str, out: &mut String) -> Result<(), String> {
    let chars: Vec<char> = body.chars().collect();
    let mut i = 0;
    // Byte positions for error messages (CPython counts UTF-8 bytes).
    let bpos = |i: usize| -> usize { chars[..i].iter().map(|c| c.len_utf8()).sum() };
    while i < chars.len() {
        let c = chars[i];
        if c != '\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let Some(&e) = chars.get(i) else {
            out.push('\\');
            break;
        };
        i += 1;
        match e {
            '\n' => {}
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\x0b'),
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.get(i).and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            i += 1;
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            'x' | 'u' | 'U' => {
                let len = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let mut v: u32 = 0;
                for k in 0..len {
                    match chars.get(i + k).and_then(|d| d.to_digit(16)) {
                        Some(d) => v = v * 16 + d,
                        None => {
                            let what = match e {
                                'x' => "truncated \\xXX escape",
                                'u' => "truncated \\uXXXX escape",
                                _ => "truncated \\UXXXXXXXX escape",
                            };
                            let end = bpos((i + k).min(chars.len())).saturating_sub(1);
                            return Err(unicode_err("", bpos(start), end, what));
                        }
                    }
                }
                i += len;
                match char::from_u32(v) {
                    Some(ch) => out.push(ch),
                    None => {
                        return Err(unicode_err("", bpos(start), bpos(i) - 1, "illegal Unicode character"));
                    }
                }
            }
            'N' => {
                // Named escapes need the Unicode name database, which TinyPy does not carry.
                let mut j = i;
                if chars.get(j) == Some(&'{') {
                    while j < chars.len() && chars[j] != '}' {
                        j += 1;
                    }
                }
                let name: String = chars[i..j.min(chars.len())].iter().skip(1).collect();
                match named_char(&name) {
                    Some(ch) if j < chars.len() => {
                        out.push(ch);
                        i = j + 1;
                    }
                    _ => {
                        let end = bpos(j.min(chars.len())).saturating_sub(if j < chars.len() { 0 } else { 1 });
                        return Err(unicode_err("", bpos(start), end, "unknown Unicode character name"));
                    }
                }
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Ok(())
}

/// A few common `\N{...}` names.
fn named_char(name: &str) -> Option<char> {
    Some(match name.to_ascii_uppercase().as_str() {
        "BULLET" => '\u{2022}',
        "EM DASH" => '\u{2014}',
        "EN DASH" => '\u{2013}',
        "HORIZONTAL ELLIPSIS" => '\u{2026}',
        "NO-BREAK SPACE" => '\u{a0}',
        "SPACE" => ' ',
        "DEGREE SIGN" => '\u{b0}',
        "COPYRIGHT SIGN" => '\u{a9}',
        "GREEK SMALL LETTER ALPHA" => '\u{3b1}',
        "GREEK SMALL LETTER PI" => '\u{3c0}',
        "LATIN SMALL LETTER E WITH ACUTE" => '\u{e9}',
        "SNOWMAN" => '\u{2603}',
        "CHECK MARK" => '\u{2713}',
        "BLACK STAR" => '\u{2605}',
        "RIGHTWARDS ARROW" => '\u{2192}',
        "LEFTWARDS ARROW" => '\u{2190}',
        "EURO SIGN" => '\u{20ac}',
        "POUND SIGN" => '\u{a3}',
        "NULL" => '\0',
        "LINE FEED" => '\n',
        "CHARACTER TABULATION" => '\t',
        _ => return None,
    })
}

/// Decodes a bytes literal body (raw or not) into bytes.
pub fn decode_bytes(s: &StrLit, out: &mut Vec<u8>) -> Result<(), String> {
    if !s.body.is_ascii() {
        return Err("bytes can only contain ASCII literal characters".to_string());
    }
    let b = s.body.as_bytes();
    if s.raw {
        out.extend_from_slice(b);
        return Ok(());
    }
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c != b'\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let Some(&e) = b.get(i) else {
            out.push(b'\\');
            break;
        };
        i += 1;
        match e {
            b'\n' => {}
            b'\\' => out.push(b'\\'),
            b'\'' => out.push(b'\''),
            b'"' => out.push(b'"'),
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(11),
            b'0'..=b'7' => {
                let mut v = u32::from(e - b'0');
                for _ in 0..2 {
                    match b.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push((v & 0xff) as u8);
            }
            b'x' => {
                let h = b.get(i..i + 2).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
                match h {
                    Some(v) if b[i..i + 2].iter().all(u8::is_ascii_hexdigit) => {
                        out.push(v);
                        i += 2;
                    }
                    _ => {
                        let end = (i + 2).min(b.len()) - 1;
                        return Err(format!("(value error) invalid \\x escape at position {start}").replace("{end}", &end.to_string()));
                    }
                }
            }
            other => {
                out.push(b'\\');
                out.push(other);
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- driver

/// Finds the `(` of `with (a as b, c):` (the parenthesized item list form) and marks it.
fn mark_paren_with(tokens: &mut [Spanned]) {
    let n = tokens.len();
    for i in 0..n {
        if !matches!(tokens[i].1, Token::With) || i + 1 >= n || !matches!(tokens[i + 1].1, Token::LPar) {
            continue;
        }
        // Find the matching `)`, noting top-level features that rule the item form out.
        let mut depth = 0usize;
        let mut j = i + 1;
        let mut ok = true;
        let mut close = None;
        while j < n {
            match tokens[j].1 {
                Token::LPar | Token::LSqb | Token::LBrace => depth += 1,
                Token::RPar | Token::RSqb | Token::RBrace => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(j);
                        break;
                    }
                }
                Token::For | Token::Async | Token::ColonEqual | Token::Yield if depth == 1 => ok = false,
                Token::Star if depth == 1 && matches!(tokens[j - 1].1, Token::LPar | Token::Comma) => ok = false,
                Token::NewlineTok => break,
                _ => {}
            }
            j += 1;
        }
        let Some(c) = close else { continue };
        if ok && c > i + 2 && c + 1 < n && matches!(tokens[c + 1].1, Token::Colon) {
            tokens[i + 1].1 = Token::LParWith;
        }
    }
}

struct Prepared {
    tokens: Vec<Spanned>,
    lex: lexer::LexOutput,
}

fn prepare(source: &str, filename: &str, base: Pos, implicit_paren: bool, start: Token) -> Prepared {
    let mut lex = lexer::tokenize(source, filename, base, implicit_paren);
    let mut tokens = std::mem::take(&mut lex.tokens);
    mark_paren_with(&mut tokens);
    tokens.insert(0, (base, start, base));
    Prepared { tokens, lex }
}

fn run(ctx: &Ctx, prep: &Prepared) -> Result<Top, ParseError<Pos, Token, SyntaxError>> {
    let toks = prep.tokens.iter().cloned().map(Ok);
    let err = prep.lex.error.clone().map(|e| Err(ParseError::User { error: e.err }));
    let stream = toks.map(|r: Result<Spanned, ParseError<Pos, Token, SyntaxError>>| r).chain(err);
    // lalrpop's external lexer takes an iterator of `Result<Spanned, Error>`.
    let stream = stream.map(|r| match r {
        Ok(t) => Ok(t),
        Err(ParseError::User { error }) => Err(error),
        Err(_) => unreachable!(),
    });
    grammar::TopParser::new().parse(ctx, stream)
}

fn describe_header(tokens: &[Spanned], colon: usize) -> Option<(String, u32)> {
    // Walk back to the first token of the logical line holding the `:` at `colon`.
    let mut k = colon;
    while k > 0 && !matches!(tokens[k - 1].1, Token::NewlineTok | Token::Indent | Token::Dedent | Token::StartModule) {
        k -= 1;
    }
    // Skip a `;`-separated prefix is not possible for compound statements; take the keyword.
    let mut t = &tokens[k];
    if matches!(t.1, Token::Async) && k + 1 < tokens.len() {
        t = &tokens[k + 1];
    }
    let line = t.0.line;
    let what = match t.1 {
        Token::Def => "function definition".to_string(),
        Token::Class => "class definition".to_string(),
        ref tok => format!("'{}' statement", tok.text()?),
    };
    Some((what, line))
}

fn can_end_expr(t: &Token) -> bool {
    matches!(
        t,
        Token::Name(_)
            | Token::Number(_)
            | Token::Str(_)
            | Token::RPar
            | Token::RSqb
            | Token::RBrace
            | Token::True
            | Token::False
            | Token::None
            | Token::Ellipsis
    )
}

fn can_start_expr(t: &Token) -> bool {
    matches!(
        t,
        Token::Name(_)
            | Token::Number(_)
            | Token::Str(_)
            | Token::LPar
            | Token::LSqb
            | Token::LBrace
            | Token::True
            | Token::False
            | Token::None
            | Token::Ellipsis
            | Token::Lambda
            | Token::Not
            | Token::Tilde
            | Token::Await
    )
}

/// Bracket depth of each token (after the token).
fn bracket_depth_before(tokens: &[Spanned], idx: usize) -> usize {
    // f-string expressions are parsed as if inside parentheses.
    let mut d: usize = usize::from(matches!(tokens.first(), Some((_, Token::StartExpr, _))));
    for t in &tokens[..idx] {
        match t.1 {
            Token::LPar | Token::LSqb | Token::LBrace | Token::LParWith => d += 1,
            Token::RPar | Token::RSqb | Token::RBrace => d = d.saturating_sub(1),
            _ => {}
        }
    }
    d
}

/// Turns a grammar failure into CPython's SyntaxError.
fn map_error(ctx: &Ctx, prep: &Prepared, err: ParseError<Pos, Token, SyntaxError>) -> SyntaxError {
    let toks = &prep.tokens;
    let e = match err {
        ParseError::User { error } => return error,
        ParseError::UnrecognizedEof { location, expected } => {
            if let Some((c, p)) = prep.lex.unclosed {
                return ctx.err(format!("'{c}' was never closed"), p);
            }
            if expected.iter().any(|x| x == "\"INDENT\"") {
                if let Some(colon) = toks.iter().rposition(|t| matches!(t.1, Token::Colon)) {
                    if let Some((what, line)) = describe_header(toks, colon) {
                        let last = toks.last().map_or(location, |t| t.0);
                        let mut e = ctx.err(format!("expected an indented block after {what} on line {line}"), last);
                        e.kind = SyntaxErrorKind::IndentationError;
                        return e;
                    }
                }
            }
            let last = toks.last().map_or(location, |t| t.0);
            if expected.iter().any(|x| x == "\"except\"") && expected.iter().any(|x| x == "\"finally\"") {
                return ctx.err("expected 'except' or 'finally' block", last);
            }
            return ctx.err("invalid syntax", last);
        }
        ParseError::UnrecognizedToken { token, expected } => {
            let (lo, tok, _hi) = token;
            let idx = toks.iter().position(|t| t.0 == lo && t.1 == tok).unwrap_or(toks.len().saturating_sub(1));
            let e = syntax_error_at(ctx, toks, idx, &tok, lo, &expected);
            let mut fetched = lo.line;
            if e.msg.ends_with("Perhaps you forgot a comma?") || e.msg.starts_with("invalid syntax. Maybe you meant") {
                // CPython's parser reads past the second expression before reporting this.
                fetched = u32::MAX;
                let mut depth = 0usize;
                for t in &toks[idx..] {
                    match t.1 {
                        Token::LPar | Token::LSqb | Token::LBrace => depth += 1,
                        Token::RPar | Token::RSqb | Token::RBrace | Token::Comma if depth == 0 => {
                            fetched = t.0.line;
                            break;
                        }
                        Token::RPar | Token::RSqb | Token::RBrace => depth -= 1,
                        _ => {}
                    }
                }
            }
            (e, fetched)
        }
        ParseError::ExtraToken { token } => (ctx.err("invalid syntax", token.0), token.0.line),
        ParseError::InvalidToken { location } => (ctx.err("invalid syntax", location), location.line),
    };
    // An unclosed bracket wins over a parser error found on a later line (CPython compares
    // with the line of the last token its parser fetched).
    let (e, fetched_line) = e;
    if let Some((c, p)) = prep.lex.unclosed {
        if fetched_line.max(e.line) > p.line {
            return ctx.err(format!("'{c}' was never closed"), p);
        }
    }
    e
}

fn syntax_error_at(ctx: &Ctx, toks: &[Spanned], idx: usize, tok: &Token, lo: Pos, expected: &[String]) -> SyntaxError {
    let expects = |s: &str| expected.iter().any(|x| x.trim_matches('"') == s);
    let line_start = {
        let mut k = idx;
        while k > 0 && !matches!(toks[k - 1].1, Token::NewlineTok | Token::Indent | Token::Dedent | Token::StartModule) {
            k -= 1;
        }
        k
    };
    if matches!(tok, Token::Indent) {
        let at = toks.get(idx + 1).map_or(lo, |t| t.0);
        let mut e = ctx.err("unexpected indent", Pos { line: at.line, col: at.col.saturating_sub(1) });
        e.kind = SyntaxErrorKind::IndentationError;
        return e;
    }
    if expects("INDENT") && idx >= 2 && matches!(toks[idx - 1].1, Token::NewlineTok) {
        if let Some((what, line)) = describe_header(toks, idx - 2) {
            let at = if matches!(tok, Token::Dedent) { toks.get(idx + 1).map_or(lo, |t| t.0) } else { lo };
            let at = if matches!(tok, Token::Dedent) && toks.get(idx + 1).is_none() { lo } else { at };
            let mut e = ctx.err(format!("expected an indented block after {what} on line {line}"), at);
            e.kind = SyntaxErrorKind::IndentationError;
            return e;
        }
    }
    if expects(":") && !matches!(tok, Token::NewlineTok) && bracket_depth_before(toks, idx) == 0 {
        let mut k = line_start;
        if matches!(toks[k].1, Token::Async) && k + 1 < idx {
            k += 1;
        }
        if matches!(toks[k].1, Token::Def | Token::Class | Token::Try | Token::Finally | Token::Else | Token::For) {
            return ctx.err("expected ':'", lo);
        }
    }
    if matches!(tok, Token::NewlineTok) && expects(":") {
        let first = {
            let mut k = idx;
            while k > 0 && !matches!(toks[k - 1].1, Token::NewlineTok | Token::Indent | Token::Dedent | Token::StartModule) {
                k -= 1;
            }
            k
        };
        let compound = matches!(
            toks[first].1,
            Token::If
                | Token::Elif
                | Token::Else
                | Token::While
                | Token::For
                | Token::With
                | Token::Def
                | Token::Class
                | Token::Try
                | Token::Except
                | Token::Finally
                | Token::Async
        );
        if compound {
            return ctx.err("expected ':'", lo);
        }
    }
    if expects("except") && expects("finally") {
        return ctx.err("expected 'except' or 'finally' block", lo);
    }
    if expects("else") && !matches!(tok, Token::Else) && !expects("NEWLINE") {
        let at = (0..idx).rev().find(|&k| matches!(toks[k].1, Token::If)).map_or(idx, |k| expr_start(toks, k));
        return ctx.err("expected 'else' after 'if' expression", toks[at].0);
    }
    if matches!(tok, Token::NewlineTok)
        && idx > 0
        && matches!(toks[idx - 1].1, Token::Comma)
        && matches!(toks[line_start].1, Token::From)
        && bracket_depth_before(toks, idx) == 0
    {
        return ctx.err("trailing comma not allowed without surrounding parentheses", lo);
    }
    if matches!(tok, Token::Comma) && matches!(toks[line_start].1, Token::Except) && bracket_depth_before(toks, idx) == 0 {
        return ctx.err("multiple exception types must be parenthesized", toks[line_start + 1.min(idx)].0);
    }
    if matches!(tok, Token::Dedent) {
        let mut e = ctx.err("unexpected unindent", lo);
        e.kind = SyntaxErrorKind::IndentationError;
        return e;
    }
    if idx >= 2 && matches!(toks[idx - 2].1, Token::Def) && matches!(toks[idx - 1].1, Token::Name(_)) {
        return ctx.err("expected '('", lo);
    }
    if matches!(tok, Token::Comma | Token::RPar | Token::Colon)
        && idx > 0
        && matches!(toks[idx - 1].1, Token::Equal)
        && (matches!(toks[line_start].1, Token::Def | Token::Async | Token::Lambda)
            || (line_start..idx).any(|k| matches!(toks[k].1, Token::Lambda)))
    {
        return ctx.err("expected default value expression", toks[idx - 1].0);
    }
    if matches!(tok, Token::Equal) && matches!(toks[line_start].1, Token::Yield) && bracket_depth_before(toks, idx) == 0 {
        return ctx.err("assignment to yield expression not possible", toks[line_start].0);
    }
    if let Some(ob) = innermost_open(toks, idx) {
        if matches!(toks[ob].1, Token::LBrace) {
            if matches!(tok, Token::RBrace | Token::Comma) && matches!(toks[idx - 1].1, Token::Colon) {
                return ctx.err("expression expected after dictionary key and ':'", toks[idx - 1].0);
            }
            let start = expr_start(toks, idx);
            let inner = bracket_depth_before(toks, ob + 1);
            let is_dict =
                (ob + 1..start).any(|k| matches!(toks[k].1, Token::Colon | Token::DoubleStar) && bracket_depth_before(toks, k) == inner);
            if start > 0 && matches!(toks[start - 1].1, Token::Comma) && is_dict && can_start_expr(tok) {
                return ctx.err("':' expected after dictionary key", toks[idx - 1].0);
            }
        }
    }
    let prev = if idx > 0 { Some(&toks[idx - 1].1) } else { None };
    // `print "x"`
    if let Some(Token::Name(n)) = prev {
        if n == "print"
            && idx >= 2
            && matches!(toks[idx - 2].1, Token::NewlineTok | Token::Indent | Token::Dedent | Token::StartModule | Token::Semi)
            && can_start_expr(tok)
        {
            return ctx.err("Missing parentheses in call to 'print'. Did you mean print(...)?", toks[idx - 1].0);
        }
    }
    // `if x = 1:` / `[x = 1]`
    if matches!(tok, Token::Equal) {
        if let Some(Token::Name(_)) = prev {
            if idx >= 2
                && matches!(
                    toks[idx - 2].1,
                    Token::If | Token::Elif | Token::While | Token::LSqb | Token::LBrace | Token::Comma | Token::LPar | Token::Assert
                )
            {
                if matches!(toks[idx - 2].1, Token::LPar | Token::Comma) && bracket_call_context(toks, idx) {
                    return ctx.err("expression cannot contain assignment, perhaps you meant \"==\"?", toks[idx - 1].0);
                }
                return ctx.err("invalid syntax. Maybe you meant '==' or ':=' instead of '='?", toks[idx - 1].0);
            }
        }
        if bracket_call_context(toks, idx) {
            let start = expr_start(toks, idx);
            return ctx.err("expression cannot contain assignment, perhaps you meant \"==\"?", toks[start].0);
        }
    }
    if matches!(tok, Token::ColonEqual)
        && idx > 0
        && (bracket_depth_before(toks, idx) > 0 || matches!(toks[line_start].1, Token::If | Token::Elif | Token::While))
    {
        let start = expr_start(toks, idx);
        if start + 1 < idx || !matches!(toks[start].1, Token::Name(_)) {
            let e = &toks[idx - 1].1;
            let what = match e {
                Token::Name(_) if start + 1 < idx && matches!(toks[idx - 2].1, Token::Dot) => "attribute",
                Token::RSqb => "subscript",
                _ => "expression",
            };
            return ctx.err(format!("cannot use assignment expressions with {what}"), toks[start].0);
        }
    }
    // `f(a b)`: a missing comma inside brackets.
    if let Some(p) = prev {
        if can_end_expr(p)
            && can_start_expr(tok)
            && !(matches!(p, Token::Name(_)) && matches!(tok, Token::Str(_)))
            && bracket_depth_before(toks, idx) > 0
            && !matches!(tok, Token::Not | Token::Tilde | Token::Await | Token::Lambda)
            && comma_context_ok(toks, idx)
        {
            let start = expr_start(toks, idx);
            return ctx.err("invalid syntax. Perhaps you forgot a comma?", toks[start].0);
        }
    }
    ctx.err("invalid syntax", lo)
}

/// The index of the innermost bracket still open before `idx`.
fn innermost_open(toks: &[Spanned], idx: usize) -> Option<usize> {
    let mut d = 0i32;
    for k in (0..idx).rev() {
        match toks[k].1 {
            Token::RPar | Token::RSqb | Token::RBrace => d += 1,
            Token::LPar | Token::LSqb | Token::LBrace | Token::LParWith => {
                if d == 0 {
                    return Some(k);
                }
                d -= 1;
            }
            Token::NewlineTok => return None,
            _ => {}
        }
    }
    None
}

/// Whether CPython would try its "Perhaps you forgot a comma?" rule here: the first
/// expression must be parsed as an expression (not a parameter, import name, lambda
/// parameter, comprehension clause or conditional test).
fn comma_context_ok(toks: &[Spanned], idx: usize) -> bool {
    let start = expr_start(toks, idx);
    if start > 0 && matches!(toks[start - 1].1, Token::Lambda | Token::For | Token::In | Token::If | Token::ColonEqual | Token::Import) {
        return false;
    }
    if (start..idx).any(|k| matches!(toks[k].1, Token::Lambda)) {
        return false;
    }
    match innermost_open(toks, idx) {
        Some(ob) if ob >= 2 => !(matches!(toks[ob - 2].1, Token::Def) || matches!(toks[ob - 1].1, Token::Import)),
        Some(ob) if ob >= 1 => !matches!(toks[ob - 1].1, Token::Import),
        _ => true,
    }
}

/// Whether the token at `idx` is directly inside the parentheses of a call.
fn bracket_call_context(toks: &[Spanned], idx: usize) -> bool {
    let mut d = 0i32;
    let mut k = idx;
    while k > 0 {
        k -= 1;
        match toks[k].1 {
            Token::RPar | Token::RSqb | Token::RBrace => d += 1,
            Token::LPar | Token::LSqb | Token::LBrace => {
                if d == 0 {
                    return matches!(toks[k].1, Token::LPar) && k > 0 && can_end_expr(&toks[k - 1].1);
                }
                d -= 1;
            }
            Token::NewlineTok => return false,
            _ => {}
        }
    }
    false
}

/// The index of the first token of the expression ending just before `idx` (approximate:
/// back to the previous `,`, opening bracket, `=`, keyword or statement start).
fn expr_start(toks: &[Spanned], idx: usize) -> usize {
    let mut d = 0i32;
    let mut k = idx;
    while k > 0 {
        let t = &toks[k - 1].1;
        match t {
            Token::RPar | Token::RSqb | Token::RBrace => d += 1,
            Token::LPar | Token::LSqb | Token::LBrace | Token::LParWith => {
                if d == 0 {
                    return k;
                }
                d -= 1;
            }
            _ if d > 0 => {}
            Token::Comma
            | Token::Equal
            | Token::Colon
            | Token::ColonEqual
            | Token::NewlineTok
            | Token::Indent
            | Token::Dedent
            | Token::StartModule
            | Token::StartExpr
            | Token::Semi
            | Token::If
            | Token::Else
            | Token::Elif
            | Token::While
            | Token::For
            | Token::In
            | Token::Return
            | Token::Lambda
            | Token::Yield
            | Token::Assert
            | Token::Del
            | Token::Import
            | Token::From
            | Token::With
            | Token::As
            | Token::Raise => return k,
            _ => {}
        }
        k -= 1;
    }
    0
}

fn finish(ctx: &Ctx, prep: &Prepared, result: Result<Top, ParseError<Pos, Token, SyntaxError>>) -> Result<Top, SyntaxError> {
    match result {
        Ok(top) => {
            if let Some(p) = ctx.too_deep.get() {
                return Err(ctx.err("maximum recursion depth exceeded during compilation", p));
            }
            Ok(top)
        }
        Err(err) => {
            let is_lex = matches!(&err, ParseError::User { error } if prep.lex.error.as_ref().is_some_and(|l| &l.err == error));
            let e = map_error(ctx, prep, err);
            if !is_lex && !e.msg.starts_with("unexpected indent") && !e.msg.starts_with("unexpected unindent") {
                // An immediate tokenizer error anywhere in the file wins (CPython tokenizes the
                // rest of the file after a parser error).
                if let Some(l) = &prep.lex.error {
                    if !l.lazy {
                        return Err(l.err.clone());
                    }
                }
            }
            Err(e)
        }
    }
}

fn parse_expr_with(ctx: &Ctx, text: &str, base: Pos) -> Result<Expr, SyntaxError> {
    let text = lexer::normalize_newlines(text);
    let prep = prepare(&text, &ctx.filename, base, true, Token::StartExpr);
    let result = run(ctx, &prep);
    match finish(ctx, &prep, result)? {
        Top::Expr(e) => Ok(e),
        Top::Module(_) => Err(ctx.err("invalid syntax", base)),
    }
}

/// Parses a whole file.
pub fn parse_module(source: &str, filename: &str) -> Result<Module, SyntaxError> {
    let source = lexer::normalize_newlines(source);
    let ctx = Ctx::new(filename);
    let prep = prepare(&source, filename, Pos { line: 1, col: 0 }, false, Token::StartModule);
    let result = run(&ctx, &prep);
    match finish(&ctx, &prep, result)? {
        Top::Module(body) => Ok(Module { body }),
        Top::Expr(_) => Err(ctx.err("invalid syntax", Pos { line: 1, col: 0 })),
    }
}

/// Parses one expression (newlines allowed, as inside brackets); used for f-string fields.
pub fn parse_expression(source: &str, filename: &str) -> Result<Expr, SyntaxError> {
    let ctx = Ctx::new(filename);
    let e = parse_expr_with(&ctx, source.trim_start_matches([' ', '\t']), Pos { line: 1, col: 0 })?;
    Ok(e)
}

/// For the REPL: true when `source` is an unfinished prefix of a valid program (an unclosed
/// bracket or triple-quoted string, a trailing `\`, or a compound statement header or body
/// that may continue).
pub fn input_is_incomplete(source: &str) -> bool {
    let src = lexer::normalize_newlines(source);
    let lex = lexer::tokenize(&src, "<stdin>", Pos { line: 1, col: 0 }, false);
    if lex.unclosed.is_some() || lex.eof_in_continuation {
        return true;
    }
    if let Some(e) = &lex.error {
        return e.err.msg.starts_with("unterminated triple-quoted");
    }
    match parse_module(&src, "<stdin>") {
        Ok(m) => {
            // A compound statement stays open until a blank line ends it.
            let last_line = src.trim_end_matches('\n').lines().last().unwrap_or("");
            let ends_blank = src.ends_with("\n\n") || src.trim().is_empty();
            !ends_blank
                && m.body.last().is_some_and(|s| {
                    !matches!(
                        s.kind,
                        StmtKind::Expr(_)
                            | StmtKind::Assign { .. }
                            | StmtKind::AugAssign { .. }
                            | StmtKind::AnnAssign { .. }
                            | StmtKind::Delete(_)
                            | StmtKind::Pass
                            | StmtKind::Break
                            | StmtKind::Continue
                            | StmtKind::Return(_)
                            | StmtKind::Raise { .. }
                            | StmtKind::Global(_)
                            | StmtKind::Nonlocal(_)
                            | StmtKind::Assert { .. }
                            | StmtKind::Import(_)
                            | StmtKind::ImportFrom { .. }
                    ) && (last_line.starts_with([' ', '\t']) || last_line.trim_end().ends_with(':'))
                })
        }
        Err(e) => {
            let t = src.trim_end();
            let last_line = t.lines().last().unwrap_or("").trim_start();
            let ends_blank = src.ends_with("\n\n");
            (e.kind == SyntaxErrorKind::IndentationError && e.msg.starts_with("expected an indented block") && t.ends_with(':'))
                || (!ends_blank && e.msg == "expected 'except' or 'finally' block")
                || (!ends_blank && last_line.starts_with('@'))
        }
    }
}
