//! Scope analysis: decides, before any code is emitted, whether each name in each scope is a
//! fast local (slot), a cell (captured by an inner function), a free variable (from an outer
//! function), a global, or a class-namespace name. Scopes are keyed by the address of their
//! AST node, which stays put while the compiler runs.

use crate::ast::*;
use crate::error::SyntaxError;
use std::collections::{HashMap, HashSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Function,
    Class,
    /// A comprehension or generator expression: a function whose walrus targets bind outside.
    Comprehension,
}

/// How a name is reached from one scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binding {
    Fast,
    Cell,
    Free,
    GlobalExplicit,
    GlobalImplicit,
    /// Class bodies: the namespace dict, falling back to globals.
    Name,
    /// Class bodies: a name free in an enclosing function, unless the class namespace has it.
    ClassDeref,
}

#[derive(Debug)]
pub struct Scope {
    pub kind: ScopeKind,
    pub name: String,
    /// Names bound in this scope (assignment, parameter, import, def, for target...).
    pub assigned: Vec<String>,
    assigned_set: HashSet<String>,
    pub params: Vec<String>,
    pub globals: HashSet<String>,
    pub nonlocals: HashSet<String>,
    /// Where each `nonlocal` name was declared (for "no binding" errors).
    pub nonlocal_pos: HashMap<String, Pos>,
    pub used: HashSet<String>,
    /// Locals captured by inner scopes.
    pub cells: Vec<String>,
    /// Names this scope takes from enclosing functions.
    pub frees: Vec<String>,
    pub is_generator: bool,
    pub is_async: bool,
    /// Uses `super` or `__class__` (needs the implicit `__class__` cell).
    pub needs_class_cell: bool,
    /// A class scope whose methods need `__class__`.
    pub has_class_cell: bool,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
}

impl Scope {
    fn new(kind: ScopeKind, name: &str, parent: Option<usize>) -> Scope {
        Scope {
            kind,
            name: name.to_string(),
            assigned: Vec::new(),
            assigned_set: HashSet::new(),
            params: Vec::new(),
            globals: HashSet::new(),
            nonlocals: HashSet::new(),
            nonlocal_pos: HashMap::new(),
            used: HashSet::new(),
            cells: Vec::new(),
            frees: Vec::new(),
            is_generator: false,
            is_async: false,
            needs_class_cell: false,
            has_class_cell: false,
            parent,
            children: Vec::new(),
        }
    }

    fn assign(&mut self, name: &str) {
        if self.assigned_set.insert(name.to_string()) {
            self.assigned.push(name.to_string());
        }
    }

    pub fn is_local(&self, name: &str) -> bool {
        self.assigned_set.contains(name) && !self.globals.contains(name) && !self.nonlocals.contains(name)
    }

    pub fn binding(&self, name: &str) -> Binding {
        if self.globals.contains(name) {
            return Binding::GlobalExplicit;
        }
        match self.kind {
            ScopeKind::Module => Binding::GlobalImplicit,
            ScopeKind::Class => {
                if self.is_local(name) {
                    Binding::Name
                } else if self.frees.iter().any(|f| f == name) {
                    Binding::ClassDeref
                } else {
                    Binding::Name
                }
            }
            ScopeKind::Function | ScopeKind::Comprehension => {
                if self.cells.iter().any(|c| c == name) {
                    Binding::Cell
                } else if self.frees.iter().any(|f| f == name) {
                    Binding::Free
                } else if self.is_local(name) {
                    Binding::Fast
                } else {
                    Binding::GlobalImplicit
                }
            }
        }
    }
}

pub struct SymbolTable {
    pub scopes: Vec<Scope>,
    /// AST node address → scope index.
    pub by_node: HashMap<usize, usize>,
}

pub fn node_key<T>(node: &T) -> usize {
    node as *const T as usize
}

struct Builder<'a> {
    table: SymbolTable,
    current: usize,
    filename: &'a str,
}

pub fn build(module: &Module, filename: &str) -> Result<SymbolTable, SyntaxError> {
    let mut b = Builder {
        table: SymbolTable { scopes: vec![Scope::new(ScopeKind::Module, "<module>", None)], by_node: HashMap::new() },
        current: 0,
        filename,
    };
    b.table.by_node.insert(node_key(module), 0);
    for s in &module.body {
        b.stmt(s)?;
    }
    check_nonlocals(&b.table, filename)?;
    resolve(&mut b.table);
    Ok(b.table)
}

impl Builder<'_> {
    fn scope(&mut self) -> &mut Scope {
        &mut self.table.scopes[self.current]
    }

    fn err(&self, msg: String, pos: Pos) -> SyntaxError {
        SyntaxError::new(msg, self.filename, pos.line, pos.col)
    }

    fn push_scope(&mut self, kind: ScopeKind, name: &str, key: usize) -> usize {
        let idx = self.table.scopes.len();
        self.table.scopes.push(Scope::new(kind, name, Some(self.current)));
        self.table.scopes[self.current].children.push(idx);
        self.table.by_node.insert(key, idx);
        let prev = self.current;
        self.current = idx;
        prev
    }

    fn bind(&mut self, name: &str) {
        self.scope().assign(name);
    }

    fn stmts(&mut self, body: &[Stmt]) -> Result<(), SyntaxError> {
        body.iter().try_for_each(|s| self.stmt(s))
    }

    fn stmt(&mut self, s: &Stmt) -> Result<(), SyntaxError> {
        match &s.kind {
            StmtKind::Expr(e) => self.expr(e)?,
            StmtKind::Assign { targets, value } => {
                self.expr(value)?;
                for t in targets {
                    self.target(t)?;
                }
            }
            StmtKind::AugAssign { target, value, .. } => {
                self.expr(value)?;
                self.expr(target)?;
                self.target(target)?;
            }
            StmtKind::AnnAssign { target, annotation, value, .. } => {
                if let Some(v) = value {
                    self.expr(v)?;
                }
                if self.scope().kind != ScopeKind::Function {
                    self.expr(annotation)?;
                }
                if matches!(target.kind, ExprKind::Name(_)) && value.is_none() {
                    if let ExprKind::Name(n) = &target.kind {
                        self.bind(n);
                    }
                } else {
                    self.target(target)?;
                }
            }
            StmtKind::Delete(targets) => {
                for t in targets {
                    self.target(t)?;
                }
            }
            StmtKind::Pass | StmtKind::Break | StmtKind::Continue => {}
            StmtKind::Return(v) => {
                if let Some(v) = v {
                    self.expr(v)?;
                }
            }
            StmtKind::Raise { exc, cause } => {
                self.opt(exc)?;
                self.opt(cause)?;
            }
            StmtKind::Global(names) => self.declare(names, true, s.pos)?,
            StmtKind::Nonlocal(names) => self.declare(names, false, s.pos)?,
            StmtKind::Assert { test, msg } => {
                self.expr(test)?;
                self.opt(msg)?;
            }
            StmtKind::If { test, body, orelse } | StmtKind::While { test, body, orelse } => {
                self.expr(test)?;
                self.stmts(body)?;
                self.stmts(orelse)?;
            }
            StmtKind::For { target, iter, body, orelse, .. } => {
                self.expr(iter)?;
                self.target(target)?;
                self.stmts(body)?;
                self.stmts(orelse)?;
            }
            StmtKind::With { items, body, .. } => {
                for it in items {
                    self.expr(&it.context)?;
                    if let Some(t) = &it.target {
                        self.target(t)?;
                    }
                }
                self.stmts(body)?;
            }
            StmtKind::Try { body, handlers, orelse, finalbody } => {
                self.stmts(body)?;
                for h in handlers {
                    self.opt(&h.typ)?;
                    if let Some(n) = &h.name {
                        self.bind(n);
                    }
                    self.stmts(&h.body)?;
                }
                self.stmts(orelse)?;
                self.stmts(finalbody)?;
            }
            StmtKind::FunctionDef(f) => self.function_def(f)?,
            StmtKind::ClassDef(c) => self.class_def(c)?,
            StmtKind::Import(aliases) => {
                for a in aliases {
                    let bound = a.asname.clone().unwrap_or_else(|| a.name.split('.').next().unwrap_or("").to_string());
                    self.bind(&bound);
                }
            }
            StmtKind::ImportFrom { names, .. } => {
                for a in names {
                    if a.name == "*" {
                        if self.scope().kind != ScopeKind::Module {
                            return Err(self.err("import * only allowed at module level".into(), s.pos));
                        }
                        continue;
                    }
                    let bound = a.asname.clone().unwrap_or_else(|| a.name.clone());
                    self.bind(&bound);
                }
            }
        }
        Ok(())
    }

    fn declare(&mut self, names: &[String], global: bool, pos: Pos) -> Result<(), SyntaxError> {
        let kind = self.scope().kind;
        for n in names {
            let sc = &self.table.scopes[self.current];
            if sc.params.contains(n) {
                let what = if global { "global" } else { "nonlocal" };
                return Err(self.err(format!("name '{n}' is parameter and {what}"), pos));
            }
            if sc.used.contains(n) || sc.assigned_set.contains(n) {
                let how = if global { "global" } else { "nonlocal" };
                let verb = if sc.assigned_set.contains(n) { "assigned to" } else { "used" };
                return Err(self.err(format!("name '{n}' is {verb} before {how} declaration"), pos));
            }
            if global {
                self.scope().globals.insert(n.clone());
            } else {
                if kind == ScopeKind::Module {
                    return Err(self.err("nonlocal declaration not allowed at module level".into(), pos));
                }
                self.scope().nonlocals.insert(n.clone());
                self.scope().nonlocal_pos.insert(n.clone(), pos);
            }
        }
        Ok(())
    }

    fn params(&mut self, p: &Params) -> Result<(), SyntaxError> {
        let all = p.posonly.iter().chain(&p.args).chain(&p.vararg).chain(&p.kwonly).chain(&p.kwarg);
        for param in all {
            if self.scope().params.contains(&param.name) {
                return Err(self.err(format!("duplicate argument '{}' in function definition", param.name), param.pos));
            }
            self.scope().params.push(param.name.clone());
            self.scope().assign(&param.name);
        }
        Ok(())
    }

    /// Defaults and annotations are evaluated in the enclosing scope.
    fn param_exprs(&mut self, p: &Params, annotations: bool) -> Result<(), SyntaxError> {
        let all: Vec<&Param> = p.posonly.iter().chain(&p.args).chain(&p.vararg).chain(&p.kwonly).chain(&p.kwarg).collect();
        for param in all {
            if let Some(d) = &param.default {
                self.expr(d)?;
            }
            if annotations {
                if let Some(a) = &param.annotation {
                    self.expr(a)?;
                }
            }
        }
        Ok(())
    }

    fn function_def(&mut self, f: &FunctionDef) -> Result<(), SyntaxError> {
        for d in &f.decorators {
            self.expr(d)?;
        }
        self.param_exprs(&f.params, true)?;
        if let Some(r) = &f.returns {
            self.expr(r)?;
        }
        self.bind(&f.name);
        let prev = self.push_scope(ScopeKind::Function, &f.name, node_key(f));
        self.scope().is_async = f.is_async;
        self.params(&f.params)?;
        self.stmts(&f.body)?;
        self.current = prev;
        Ok(())
    }

    fn class_def(&mut self, c: &ClassDef) -> Result<(), SyntaxError> {
        for d in &c.decorators {
            self.expr(d)?;
        }
        for b in &c.bases {
            self.expr(b)?;
        }
        for k in &c.keywords {
            self.expr(&k.value)?;
        }
        self.bind(&c.name);
        let prev = self.push_scope(ScopeKind::Class, &c.name, node_key(c));
        self.stmts(&c.body)?;
        self.current = prev;
        Ok(())
    }

    fn opt(&mut self, e: &Option<Expr>) -> Result<(), SyntaxError> {
        match e {
            Some(e) => self.expr(e),
            None => Ok(()),
        }
    }

    fn target(&mut self, t: &Expr) -> Result<(), SyntaxError> {
        match &t.kind {
            ExprKind::Name(n) => {
                self.bind(n);
                Ok(())
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => items.iter().try_for_each(|i| self.target(i)),
            ExprKind::Starred(inner) => self.target(inner),
            _ => self.expr(t),
        }
    }

    fn use_name(&mut self, n: &str) {
        self.scope().used.insert(n.to_string());
        if n == "super" || n == "__class__" {
            self.scope().needs_class_cell = true;
        }
    }

    fn expr(&mut self, e: &Expr) -> Result<(), SyntaxError> {
        match &e.kind {
            ExprKind::Name(n) => self.use_name(n),
            ExprKind::Constant(_) => {}
            ExprKind::JoinedStr(parts) => {
                for p in parts {
                    if let FStringPart::Formatted { value, format_spec, .. } = p {
                        self.expr(value)?;
                        if let Some(s) = format_spec {
                            self.expr(s)?;
                        }
                    }
                }
            }
            ExprKind::BoolOp { values, .. } => values.iter().try_for_each(|v| self.expr(v))?,
            ExprKind::NamedExpr { target, value } => {
                self.expr(value)?;
                self.walrus_target(target);
            }
            ExprKind::BinOp { left, right, .. } => {
                self.expr(left)?;
                self.expr(right)?;
            }
            ExprKind::UnaryOp { operand, .. } => self.expr(operand)?,
            ExprKind::Lambda { params, body } => {
                self.param_exprs(params, false)?;
                let prev = self.push_scope(ScopeKind::Function, "<lambda>", node_key(e));
                self.params(params)?;
                self.expr(body)?;
                self.current = prev;
            }
            ExprKind::IfExp { test, body, orelse } => {
                self.expr(test)?;
                self.expr(body)?;
                self.expr(orelse)?;
            }
            ExprKind::Dict { keys, values } => {
                for k in keys.iter().flatten() {
                    self.expr(k)?;
                }
                values.iter().try_for_each(|v| self.expr(v))?;
            }
            ExprKind::Set(items) | ExprKind::List(items) | ExprKind::Tuple(items) => items.iter().try_for_each(|v| self.expr(v))?,
            ExprKind::ListComp { elt, generators } | ExprKind::SetComp { elt, generators } => {
                self.comprehension(e, generators, &[elt], "<listcomp>")?
            }
            ExprKind::GeneratorExp { elt, generators } => self.comprehension(e, generators, &[elt], "<genexpr>")?,
            ExprKind::DictComp { key, value, generators } => self.comprehension(e, generators, &[key, value], "<dictcomp>")?,
            ExprKind::Await(v) => {
                // An `await` makes a list/set/dict comprehension a coroutine that is awaited.
                if self.scope().kind == ScopeKind::Comprehension {
                    self.scope().is_async = true;
                }
                self.expr(v)?;
            }
            ExprKind::Yield(v) => {
                self.mark_generator(e.pos)?;
                if let Some(v) = v {
                    self.expr(v)?;
                }
            }
            ExprKind::YieldFrom(v) => {
                self.mark_generator(e.pos)?;
                self.expr(v)?;
            }
            ExprKind::Compare { left, comparators, .. } => {
                self.expr(left)?;
                comparators.iter().try_for_each(|v| self.expr(v))?;
            }
            ExprKind::Call { func, args, keywords } => {
                self.expr(func)?;
                args.iter().try_for_each(|v| self.expr(v))?;
                keywords.iter().try_for_each(|k| self.expr(&k.value))?;
            }
            ExprKind::Attribute { value, .. } => self.expr(value)?,
            ExprKind::Subscript { value, index } => {
                self.expr(value)?;
                self.expr(index)?;
            }
            ExprKind::Starred(v) => self.expr(v)?,
            ExprKind::Slice { lower, upper, step } => {
                for part in [lower, upper, step].into_iter().flatten() {
                    self.expr(part)?;
                }
            }
        }
        Ok(())
    }

    fn mark_generator(&mut self, pos: Pos) -> Result<(), SyntaxError> {
        match self.scope().kind {
            ScopeKind::Function | ScopeKind::Comprehension => {
                self.scope().is_generator = true;
                Ok(())
            }
            _ => Err(self.err("'yield' outside function".into(), pos)),
        }
    }

    /// A walrus inside a comprehension binds in the nearest enclosing non-comprehension scope.
    fn walrus_target(&mut self, name: &str) {
        let mut idx = self.current;
        while self.table.scopes[idx].kind == ScopeKind::Comprehension {
            let sc = &mut self.table.scopes[idx];
            sc.used.insert(name.to_string());
            idx = sc.parent.unwrap_or(0);
            let parent_kind = self.table.scopes[idx].kind;
            let sc = &mut self.table.scopes[self.current];
            if parent_kind == ScopeKind::Module {
                sc.globals.insert(name.to_string());
            } else if parent_kind != ScopeKind::Comprehension {
                sc.nonlocals.insert(name.to_string());
            }
        }
        self.table.scopes[idx].assign(name);
    }

    fn comprehension(&mut self, e: &Expr, gens: &[Comprehension], elts: &[&Expr], name: &str) -> Result<(), SyntaxError> {
        // The first iterable is evaluated in the enclosing scope.
        self.expr(&gens[0].iter)?;
        let prev = self.push_scope(ScopeKind::Comprehension, name, node_key(e));
        self.scope().params.push(".0".into());
        self.scope().assign(".0");
        if matches!(e.kind, ExprKind::GeneratorExp { .. }) {
            self.scope().is_generator = true;
        }
        for (i, g) in gens.iter().enumerate() {
            if i > 0 {
                self.expr(&g.iter)?;
            }
            self.target(&g.target)?;
            g.ifs.iter().try_for_each(|c| self.expr(c))?;
        }
        for elt in elts {
            self.expr(elt)?;
        }
        let is_gen = matches!(e.kind, ExprKind::GeneratorExp { .. });
        let is_async = self.scope().is_async || gens.iter().any(|g| g.is_async);
        self.scope().is_async = is_async;
        self.current = prev;
        // Awaiting an async list/set/dict comprehension makes the enclosing comprehension async.
        if is_async && !is_gen && self.scope().kind == ScopeKind::Comprehension {
            self.scope().is_async = true;
        }
        Ok(())
    }
}

/// Every `nonlocal` name must be bound in an enclosing function.
fn check_nonlocals(table: &SymbolTable, filename: &str) -> Result<(), SyntaxError> {
    for (idx, sc) in table.scopes.iter().enumerate() {
        let mut names: Vec<&String> = sc.nonlocals.iter().collect();
        names.sort();
        for n in names {
            if !enclosing_binds(table, idx, n) {
                let pos = sc.nonlocal_pos.get(n).copied().unwrap_or_default();
                return Err(SyntaxError::new(format!("no binding for nonlocal '{n}' found"), filename, pos.line, pos.col + 1));
            }
        }
    }
    Ok(())
}

/// Second pass: decides cells and free variables from the innermost scopes outwards.
fn resolve(table: &mut SymbolTable) {
    // Every scope that needs `__class__` gets it from the nearest enclosing class.
    for i in 0..table.scopes.len() {
        if table.scopes[i].needs_class_cell && table.scopes[i].kind != ScopeKind::Class {
            table.scopes[i].used.insert("__class__".into());
        }
    }
    resolve_scope(table, 0);
}

/// Returns the names free in scope `idx` (and its children) that it could not bind itself.
fn resolve_scope(table: &mut SymbolTable, idx: usize) -> HashSet<String> {
    let children = table.scopes[idx].children.clone();
    let mut child_frees: HashSet<String> = HashSet::new();
    for c in children {
        child_frees.extend(resolve_scope(table, c));
    }
    let sc = &mut table.scopes[idx];
    let mut free_here: HashSet<String> = HashSet::new();
    match sc.kind {
        ScopeKind::Module => {}
        ScopeKind::Class => {
            for n in child_frees {
                if n == "__class__" {
                    sc.has_class_cell = true;
                    if !sc.cells.contains(&n) {
                        sc.cells.push(n);
                    }
                } else if !sc.globals.contains(&n) {
                    free_here.insert(n);
                }
            }
            // Names used but not bound in the class may come from an enclosing function.
            let used: Vec<String> = sc.used.iter().filter(|n| !sc.is_local(n) && !sc.globals.contains(*n)).cloned().collect();
            for n in used {
                free_here.insert(n);
            }
        }
        ScopeKind::Function | ScopeKind::Comprehension => {
            let mut wanted: Vec<String> = child_frees.into_iter().collect();
            wanted.sort();
            for n in wanted {
                if sc.is_local(&n) {
                    if !sc.cells.contains(&n) {
                        sc.cells.push(n);
                    }
                } else if !sc.globals.contains(&n) {
                    free_here.insert(n);
                }
            }
            let mut used: Vec<String> = sc.used.iter().filter(|n| !sc.is_local(n) && !sc.globals.contains(*n)).cloned().collect();
            used.extend(sc.nonlocals.iter().cloned());
            for n in used {
                free_here.insert(n);
            }
        }
    }
    // Keep only names that some enclosing function binds; the rest are globals.
    let mut frees: Vec<String> = free_here.into_iter().filter(|n| enclosing_binds(table, idx, n)).collect();
    frees.sort();
    let sc = &mut table.scopes[idx];
    if sc.kind != ScopeKind::Module {
        for n in &frees {
            if !sc.frees.contains(n) {
                sc.frees.push(n.clone());
            }
        }
    }
    frees.into_iter().collect()
}

/// Whether an enclosing function scope (classes are skipped, as Python does) binds `name`,
/// or, for `__class__`, whether a class encloses this scope.
fn enclosing_binds(table: &SymbolTable, idx: usize, name: &str) -> bool {
    let mut cur = table.scopes[idx].parent;
    while let Some(p) = cur {
        let sc = &table.scopes[p];
        match sc.kind {
            ScopeKind::Module => return false,
            ScopeKind::Class => {
                if name == "__class__" {
                    return true;
                }
            }
            ScopeKind::Function | ScopeKind::Comprehension => {
                if sc.is_local(name) {
                    return true;
                }
                if sc.globals.contains(name) {
                    return false;
                }
            }
        }
        cur = sc.parent;
    }
    false
}
