//! AST → bytecode. `symtable` resolves scopes first; `stmt` and `expr` decide what to emit,
//! one function per node kind; `emit` owns how (labels, pools, line and exception tables).

pub mod cache;
pub mod emit;
mod expr;
mod stmt;
pub mod symtable;

use crate::ast::{self, Pos};
use crate::bytecode::{flags, CodeObject, Instr};
use crate::error::SyntaxError;
use crate::runtime::objects::PyStr;
use crate::runtime::value::Value;
use emit::{CodeBuilder, Holes, Label};
use std::rc::Rc;
use symtable::{Binding, ScopeKind, SymbolTable};

/// How deep expressions and statements may nest before compiling stops with an error
/// instead of exhausting the native stack (CPython raises RecursionError here too).
const MAX_NESTING: u32 = 800;

/// Compile mode: a file, or one interactive REPL entry (expression results are printed).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Module,
    Interactive,
}

/// What an enclosing block needs done when `return`, `break` or `continue` leaves it.
#[derive(Clone)]
enum Block {
    /// A `for` loop: its iterator is on the stack.
    For {
        brk: Label,
        cont: Label,
    },
    While {
        brk: Label,
        cont: Label,
    },
    /// Inside the body of try/except: nothing to run on the way out, but the code that leaves
    /// (an outer `finally` inlined for `return`/`break`) must not be caught by its handlers.
    TryBody(Holes),
    /// Inside a `finally` body inlined for a `return`: the return value is on the stack, to
    /// be dropped if the body leaves by `break`/`continue`/`return` of its own.
    PopValue,
    /// Inside `try` of try/finally: the finally body must run on the way out.
    Finally(Rc<Vec<ast::Stmt>>, Holes),
    /// Inside an `except` handler: the saved exception is on the stack; `name` is unbound after.
    Handler {
        name: Option<String>,
        holes: Holes,
    },
    /// Inside a `finally` body run for an exception: the exception and saved one are on the stack.
    FinallyExc(Holes),
    /// Inside `with`: the bound `__exit__` is on the stack.
    With {
        is_async: bool,
        holes: Holes,
    },
}

pub struct Compiler {
    table: SymbolTable,
    filename: Rc<str>,
    units: Vec<Unit>,
    mode: Mode,
    nesting: u32,
    interner: emit::Interner,
}

/// One code object being built, with its scope and enclosing blocks.
struct Unit {
    code: CodeBuilder,
    scope: usize,
    blocks: Vec<Block>,
}

/// Compiles a module (or a REPL entry) to its code object.
pub fn compile(module: &ast::Module, filename: &str, mode: Mode) -> Result<Rc<CodeObject>, SyntaxError> {
    let table = symtable::build(module, filename)?;
    let filename: Rc<str> = Rc::from(filename);
    let mut c = Compiler { table, filename: filename.clone(), units: Vec::new(), mode, nesting: 0, interner: Default::default() };
    let mut code = CodeBuilder::new("<module>", "<module>", filename, 1, c.interner.clone());
    code.flags = flags::MODULE;
    c.units.push(Unit { code, scope: 0, blocks: Vec::new() });
    if module.body.iter().any(stmt::has_annotation) {
        c.emit(Instr::SetupAnnotations);
    }
    c.stmts(&module.body)?;
    c.emit_return_none();
    let unit = c.units.pop().expect("module unit");
    Ok(Rc::new(unit.code.finish()))
}

impl Compiler {
    fn unit(&mut self) -> &mut Unit {
        self.units.last_mut().expect("a code unit")
    }

    fn code(&mut self) -> &mut CodeBuilder {
        &mut self.unit().code
    }

    fn emit(&mut self, ins: Instr) {
        self.code().emit(ins);
    }

    fn set_line(&mut self, pos: Pos) {
        self.code().line = pos.line;
    }

    fn new_label(&mut self) -> Label {
        self.code().new_label()
    }

    fn bind(&mut self, l: Label) {
        self.code().bind(l);
    }

    fn load_const(&mut self, v: Value) {
        self.code().load_const(v);
    }

    fn emit_return_none(&mut self) {
        self.load_const(Value::None);
        self.emit(Instr::ReturnValue);
    }

    fn scope_kind(&self) -> ScopeKind {
        let u = self.units.last().expect("unit");
        self.table.scopes[u.scope].kind
    }

    fn error(&self, msg: impl Into<String>, pos: Pos) -> SyntaxError {
        SyntaxError::new(msg, &self.filename, pos.line, pos.col + 1)
    }

    /// Guards native recursion over deeply nested code.
    fn enter_nested(&mut self, pos: Pos) -> Result<(), SyntaxError> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return Err(self.error("too many nested parentheses", pos));
        }
        Ok(())
    }

    fn leave_nested(&mut self) {
        self.nesting -= 1;
    }

    fn binding(&self, name: &str) -> Binding {
        let u = self.units.last().expect("unit");
        self.table.scopes[u.scope].binding(name)
    }

    /// Emits a load, store or delete of `name` as its scope resolution says.
    fn name_op(&mut self, name: &str, op: NameOp) {
        let binding = self.binding(name);
        let code = self.code();
        let ins = match binding {
            Binding::Fast => {
                let slot = code.var_slot(name);
                match op {
                    NameOp::Load => Instr::LoadFast { slot },
                    NameOp::Store => Instr::StoreFast { slot },
                    NameOp::Delete => Instr::DeleteFast { slot },
                }
            }
            Binding::Cell | Binding::Free => {
                let idx = code.cell_index(name).expect("cell variable registered");
                match op {
                    NameOp::Load => Instr::LoadDeref { idx },
                    NameOp::Store => Instr::StoreDeref { idx },
                    NameOp::Delete => Instr::DeleteDeref { idx },
                }
            }
            Binding::GlobalExplicit | Binding::GlobalImplicit => {
                let n = code.name_index(name);
                match op {
                    NameOp::Load => Instr::LoadGlobal { name: n },
                    NameOp::Store => Instr::StoreGlobal { name: n },
                    NameOp::Delete => Instr::DeleteGlobal { name: n },
                }
            }
            Binding::Name => {
                let n = code.name_index(name);
                match op {
                    NameOp::Load => Instr::LoadName { name: n },
                    NameOp::Store => Instr::StoreName { name: n },
                    NameOp::Delete => Instr::DeleteName { name: n },
                }
            }
            Binding::ClassDeref => {
                let n = code.name_index(name);
                let idx = code.cell_index(name).expect("class free variable registered");
                match op {
                    NameOp::Load => Instr::LoadClassDeref { idx, name: n },
                    NameOp::Store => Instr::StoreName { name: n },
                    NameOp::Delete => Instr::DeleteName { name: n },
                }
            }
        };
        code.emit(ins);
    }

    /// Starts a new code unit for the scope of AST node `key`.
    fn push_unit(&mut self, key: usize, name: &str, firstlineno: u32) -> usize {
        let scope = *self.table.by_node.get(&key).expect("scope analysed");
        let qualname = self.qualname_for(name, scope);
        let mut code = CodeBuilder::new(name, &qualname, self.filename.clone(), firstlineno, self.interner.clone());
        let sc = &self.table.scopes[scope];
        code.cellvars = sc.cells.iter().map(|c| self.interner.intern(c)).collect();
        code.freevars = sc.frees.iter().map(|c| self.interner.intern(c)).collect();
        self.units.push(Unit { code, scope, blocks: Vec::new() });
        scope
    }

    fn pop_unit(&mut self) -> (Rc<CodeObject>, Vec<Rc<PyStr>>) {
        let unit = self.units.pop().expect("unit to pop");
        let frees = unit.code.freevars.clone();
        (Rc::new(unit.code.finish()), frees)
    }

    /// CPython's `__qualname__`: `Outer.method`, `f.<locals>.inner`.
    fn qualname_for(&self, name: &str, scope: usize) -> String {
        let Some(parent_unit) = self.units.last() else { return name.to_string() };
        let parent = &self.table.scopes[parent_unit.scope];
        let _ = scope;
        match parent.kind {
            ScopeKind::Module => name.to_string(),
            ScopeKind::Class => format!("{}.{}", parent_unit.code.qualname, name),
            _ => format!("{}.<locals>.{}", parent_unit.code.qualname, name),
        }
    }

    /// Pushes a function made from `code`: closure cells, then MakeFunction with `flags`
    /// (the defaults, kwdefaults and annotations must already be on the stack).
    fn make_closure(&mut self, code: Rc<CodeObject>, frees: &[Rc<PyStr>], mut fflags: u8) {
        if !frees.is_empty() {
            for f in frees {
                let idx = self.code().cell_index(f.as_str()).expect("enclosing cell for a free variable");
                self.emit(Instr::LoadClosure { idx });
            }
            self.emit(Instr::BuildTuple { n: frees.len() as u32 });
            fflags |= 8;
        }
        self.load_const(Value::Code(code));
        self.emit(Instr::MakeFunction { flags: fflags });
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum NameOp {
    Load,
    Store,
    Delete,
}
