//! On-disk cache of the compiled embedded modules (`runtime/modules/py/`), as CPython's
//! `__pycache__`: parsing and compiling `threading` and `multiprocessing` costs ~9 ms, paid by
//! every process that imports them, above all by each spawned `multiprocessing` child. A
//! cached module loads in a fraction of that.
//!
//! Files live in `$TPY_CACHE_DIR`, else `$XDG_CACHE_HOME/tpy`, else `~/.cache/tpy`, in a folder
//! named after the running binary's size and modification time, so that a rebuilt tpy never
//! reads another build's bytecode. `TPY_CACHE_DIR=` (empty) turns the cache off. Any failure
//! (unwritable folder, truncated or foreign file) falls back to compiling: the cache is only
//! ever a speed-up.

use super::emit::Interner;
use crate::bytecode::{CodeObject, ExceptionEntry, Instr};
use crate::runtime::objects::{PyBytes, PyStr, PyTuple};
use crate::runtime::value::Value;
use num_bigint::BigInt;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::rc::Rc;

/// A code object as plain data.
#[derive(Serialize, Deserialize)]
struct CodeImage {
    name: String,
    qualname: String,
    firstlineno: u32,
    instructions: Vec<Instr>,
    lines: Vec<u32>,
    consts: Vec<ConstImage>,
    names: Vec<String>,
    varnames: Vec<String>,
    cellvars: Vec<String>,
    freevars: Vec<String>,
    cell_params: Vec<(u32, u32)>,
    argcount: u32,
    posonlyargcount: u32,
    kwonlyargcount: u32,
    flags: u32,
    exception_table: Vec<ExceptionEntry>,
    max_stack: u32,
}

/// The kinds of value the compiler puts in a constant pool.
#[derive(Serialize, Deserialize)]
enum ConstImage {
    None,
    Ellipsis,
    Bool(bool),
    Int(i64),
    BigInt(Vec<u8>),
    Float(u64),
    Str(String),
    Bytes(Vec<u8>),
    Tuple(Vec<ConstImage>),
    Code(Box<CodeImage>),
}

fn strs(v: &[Rc<PyStr>]) -> Vec<String> {
    v.iter().map(|s| s.as_str().to_string()).collect()
}

fn image(code: &CodeObject) -> Option<CodeImage> {
    Some(CodeImage {
        name: code.name.as_str().to_string(),
        qualname: code.qualname.as_str().to_string(),
        firstlineno: code.firstlineno,
        instructions: code.instructions.clone(),
        lines: code.lines.clone(),
        consts: code.consts.iter().map(const_image).collect::<Option<_>>()?,
        names: strs(&code.names),
        varnames: strs(&code.varnames),
        cellvars: strs(&code.cellvars),
        freevars: strs(&code.freevars),
        cell_params: code.cell_params.clone(),
        argcount: code.argcount,
        posonlyargcount: code.posonlyargcount,
        kwonlyargcount: code.kwonlyargcount,
        flags: code.flags,
        exception_table: code.exception_table.clone(),
        max_stack: code.max_stack,
    })
}

fn const_image(v: &Value) -> Option<ConstImage> {
    Some(match v {
        Value::None => ConstImage::None,
        Value::Ellipsis => ConstImage::Ellipsis,
        Value::Bool(b) => ConstImage::Bool(*b),
        Value::Int(i) => ConstImage::Int(*i),
        Value::BigInt(b) => ConstImage::BigInt(b.to_signed_bytes_le()),
        Value::Float(f) => ConstImage::Float(f.to_bits()),
        Value::Str(s) => ConstImage::Str(s.as_str().to_string()),
        Value::Bytes(b) => ConstImage::Bytes(b.data.borrow().clone()),
        Value::Tuple(t) => ConstImage::Tuple(t.items.iter().map(const_image).collect::<Option<_>>()?),
        Value::Code(c) => ConstImage::Code(Box::new(image(c)?)),
        _ => return None,
    })
}

fn interned(v: Vec<String>, interner: &Interner) -> Vec<Rc<PyStr>> {
    v.iter().map(|s| interner.intern(s)).collect()
}

fn code(img: CodeImage, filename: &Rc<str>, interner: &Interner) -> CodeObject {
    let nnames = img.names.len();
    CodeObject {
        name: interner.intern(&img.name),
        qualname: interner.intern(&img.qualname),
        filename: filename.clone(),
        firstlineno: img.firstlineno,
        instructions: img.instructions,
        lines: img.lines,
        consts: img.consts.into_iter().map(|c| value(c, filename, interner)).collect(),
        names: interned(img.names, interner),
        varnames: interned(img.varnames, interner),
        cellvars: interned(img.cellvars, interner),
        freevars: interned(img.freevars, interner),
        cell_params: img.cell_params,
        argcount: img.argcount,
        posonlyargcount: img.posonlyargcount,
        kwonlyargcount: img.kwonlyargcount,
        flags: img.flags,
        exception_table: img.exception_table,
        max_stack: img.max_stack,
        global_cache: std::cell::RefCell::new(vec![None; nnames]),
    }
}

fn value(c: ConstImage, filename: &Rc<str>, interner: &Interner) -> Value {
    match c {
        ConstImage::None => Value::None,
        ConstImage::Ellipsis => Value::Ellipsis,
        ConstImage::Bool(b) => Value::Bool(b),
        ConstImage::Int(i) => Value::Int(i),
        ConstImage::BigInt(b) => Value::from_bigint(BigInt::from_signed_bytes_le(&b)),
        ConstImage::Float(bits) => Value::Float(f64::from_bits(bits)),
        ConstImage::Str(s) => Value::Str(interner.intern(&s)),
        ConstImage::Bytes(b) => Value::Bytes(Rc::new(PyBytes::new(b))),
        ConstImage::Tuple(items) => Value::Tuple(Rc::new(PyTuple::new(items.into_iter().map(|c| value(c, filename, interner)).collect()))),
        ConstImage::Code(img) => Value::Code(Rc::new(code(*img, filename, interner))),
    }
}

/// The folder for this build's cache files, if caching is on.
fn folder() -> Option<PathBuf> {
    let base = match std::env::var_os("TPY_CACHE_DIR") {
        Some(d) if d.is_empty() => return None,
        Some(d) => PathBuf::from(d),
        None => match (std::env::var_os("XDG_CACHE_HOME"), std::env::var_os("HOME")) {
            (Some(x), _) if !x.is_empty() => PathBuf::from(x).join("tpy"),
            (_, Some(h)) if !h.is_empty() => PathBuf::from(h).join(".cache").join("tpy"),
            _ => return None,
        },
    };
    let meta = std::env::current_exe().and_then(std::fs::metadata).ok()?;
    let mtime = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(base.join(format!("{}-{}-{}.{}", env!("CARGO_PKG_VERSION"), meta.len(), mtime.as_secs(), mtime.subsec_nanos())))
}

/// The cache file of embedded module `name`, whose source text is `source`.
fn file_for(name: &str, source: &str) -> Option<PathBuf> {
    // The source's length guards against a module edited without the binary changing size
    // or time (it cannot be: the source is inside the binary; this is belt and braces).
    Some(folder()?.join(format!("{name}.{}.bin", source.len())))
}

/// bincode with a size limit, so that a damaged length prefix fails instead of allocating.
fn codec() -> impl bincode::Options {
    use bincode::Options;
    bincode::DefaultOptions::new().with_limit(64 << 20)
}

/// A checksum of the payload, stored in front of it: a truncated or damaged file is ignored.
fn checksum(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    h.write(bytes);
    h.finish()
}

/// The cached code of embedded module `name`, if there is a readable one.
pub fn load(name: &str, source: &str, filename: &str) -> Option<Rc<CodeObject>> {
    use bincode::Options;
    let bytes = std::fs::read(file_for(name, source)?).ok()?;
    let (sum, payload) = bytes.split_at_checked(8)?;
    if u64::from_le_bytes(sum.try_into().ok()?) != checksum(payload) {
        return None;
    }
    let img: CodeImage = codec().deserialize(payload).ok()?;
    Some(Rc::new(code(img, &Rc::from(filename), &Interner::default())))
}

/// Writes `code` to the cache, atomically (a temporary file renamed into place), so that a
/// concurrent reader sees either nothing or the whole file. Errors are ignored.
pub fn store(name: &str, source: &str, code: &CodeObject) {
    use bincode::Options;
    let (Some(path), Some(img)) = (file_for(name, source), image(code)) else { return };
    let Ok(payload) = codec().serialize(&img) else { return };
    let Some(dir) = path.parent() else { return };
    if !dir.exists() {
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        prune_old_builds(dir);
    }
    let mut bytes = checksum(&payload).to_le_bytes().to_vec();
    bytes.extend_from_slice(&payload);
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    if std::fs::write(&tmp, bytes).is_err() || std::fs::rename(&tmp, &path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// Removes the folders of other builds unused for a week (a rebuilt tpy leaves its old one).
fn prune_old_builds(current: &std::path::Path) {
    let Some(Ok(entries)) = current.parent().map(std::fs::read_dir) else { return };
    let week = std::time::Duration::from_secs(7 * 24 * 3600);
    for e in entries.flatten() {
        let old = e.metadata().and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok()).is_some_and(|age| age > week);
        if old && e.path() != current {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::modules::PYTHON_MODULES;

    fn same_const(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Code(x), Value::Code(y)) => same_code(x, y),
            (Value::Tuple(x), Value::Tuple(y)) => {
                x.items.len() == y.items.len() && x.items.iter().zip(y.items.iter()).all(|(p, q)| same_const(p, q))
            }
            (Value::Str(x), Value::Str(y)) => x.as_str() == y.as_str(),
            (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
            (Value::Bytes(x), Value::Bytes(y)) => *x.data.borrow() == *y.data.borrow(),
            (Value::BigInt(x), Value::BigInt(y)) => x == y,
            (Value::Int(x), Value::Int(y)) => x == y,
            (Value::Bool(x), Value::Bool(y)) => x == y,
            (Value::None, Value::None) | (Value::Ellipsis, Value::Ellipsis) => true,
            _ => false,
        }
    }

    fn same_code(a: &CodeObject, b: &CodeObject) -> bool {
        let names = |v: &[Rc<PyStr>]| strs(v);
        a.instructions == b.instructions
            && a.lines == b.lines
            && names(&a.names) == names(&b.names)
            && names(&a.varnames) == names(&b.varnames)
            && names(&a.cellvars) == names(&b.cellvars)
            && names(&a.freevars) == names(&b.freevars)
            && a.qualname.as_str() == b.qualname.as_str()
            && (a.argcount, a.posonlyargcount, a.kwonlyargcount, a.flags, a.max_stack)
                == (b.argcount, b.posonlyargcount, b.kwonlyargcount, b.flags, b.max_stack)
            && a.cell_params == b.cell_params
            && a.exception_table.len() == b.exception_table.len()
            && a.consts.len() == b.consts.len()
            && a.consts.iter().zip(&b.consts).all(|(x, y)| same_const(x, y))
    }

    #[test]
    fn every_embedded_module_round_trips() {
        use bincode::Options;
        for (name, source) in PYTHON_MODULES {
            let m = crate::parser::parse_module(source, name).expect("embedded module parses");
            let code = crate::compiler::compile(&m, name, crate::compiler::Mode::Module).expect("compiles");
            let bytes = codec().serialize(&image(&code).expect("cacheable")).expect("serialises");
            let back: CodeImage = codec().deserialize(&bytes).expect("deserialises");
            assert!(same_code(&code, &code_of(back)), "{name} changed in the round trip");
        }
    }

    fn code_of(img: CodeImage) -> CodeObject {
        code(img, &Rc::from("x"), &Interner::default())
    }

    #[test]
    fn a_damaged_file_is_ignored() {
        let dir = std::env::temp_dir().join(format!("tpy-cache-test-{}", std::process::id()));
        std::env::set_var("TPY_CACHE_DIR", &dir);
        let (name, source) = ("cache_probe", "x = (1, 2.5, 'a', b'b', 10**30)\ndef f(): return x\n");
        let m = crate::parser::parse_module(source, name).expect("parses");
        let code = crate::compiler::compile(&m, name, crate::compiler::Mode::Module).expect("compiles");
        store(name, source, &code);
        assert!(load(name, source, "<frozen cache_probe>").is_some_and(|c| same_code(&c, &code)));
        let path = file_for(name, source).expect("cache on");
        let mut bytes = std::fs::read(&path).expect("written");
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&path, &bytes).expect("rewritten");
        assert!(load(name, source, "<frozen cache_probe>").is_none());
        std::fs::write(&path, &bytes[..5]).expect("truncated");
        assert!(load(name, source, "<frozen cache_probe>").is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
