//! tpy: a Rust interpreter for TinyPy, a strict subset of Python 3.11.
//! Pipeline: `lexer` → `parser` (→ `ast`) → `compiler` (→ `bytecode`) → `vm`, over the
//! `runtime` (objects, builtins, modules); `gil` guards the heap for threads.
#![deny(unsafe_code)]

pub mod ast;
pub mod bytecode;
pub mod cli;
pub mod compiler;
pub mod error;
pub mod event_loop;
pub mod gil;
pub mod lexer;
pub mod parser;
pub mod platform;
pub mod process;
pub mod repl;
pub mod runtime;
pub mod threads;
pub mod vm;
