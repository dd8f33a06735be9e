//! The child side of a spawned process: a fresh interpreter that runs the parent's script as
//! `__mp_main__` and then the `Process` object it was sent (`multiprocessing._child_main`).

use super::spawn::{fetch_boot, watch_parent, Boot};
use crate::runtime::objects::Args;
use crate::runtime::value::Value;
use crate::vm::{Interpreter, SharedWriter, Vm};
use std::io::Write;
use std::rc::Rc;
use std::sync::Arc;

fn writer(w: Box<dyn Write + Send>) -> SharedWriter {
    Arc::new(parking_lot::Mutex::new(w))
}

/// Runs a worker; returns its exit status (the `Process.exitcode` the parent will see).
pub fn worker_main(spec: String) -> i32 {
    let Some((parent_hub, boot)) = fetch_boot(&spec) else {
        eprintln!("tpy: worker could not reach its parent");
        return 1;
    };
    watch_parent(parent_hub.clone());
    let Boot { script, argv, search_path, payload } = boot;
    let stdout: Box<dyn Write + Send> = Box::new(std::io::BufWriter::with_capacity(1 << 16, std::io::stdout()));
    let dirs = search_path.into_iter().map(Into::into).collect();
    let interp = Interpreter::new(argv, dirs, writer(stdout), writer(Box::new(std::io::stderr())));
    let mut vm = Vm::new(Rc::new(interp));
    crate::runtime::modules::multiprocessing::set_parent_hub(&mut vm, &parent_hub);
    let status = match script {
        Some(path) => run_main_module(&mut vm, &path),
        None => 0,
    };
    let status = if status == 0 { run_target(&mut vm, payload) } else { status };
    let status = join_threads(&mut vm).unwrap_or(status);
    super::at_exit(&mut vm);
    vm.flush_stdout();
    status
}

/// Imports the parent's script as `__mp_main__`, also known as `__main__` (as CPython's
/// `multiprocessing.spawn._fixup_main_from_path`), so the `__name__ == "__main__"` guard holds.
fn run_main_module(vm: &mut Vm, path: &str) -> i32 {
    let source = match std::fs::read(path) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => {
            eprintln!("tpy: worker cannot read '{path}': {e}");
            return 1;
        }
    };
    let module = vm.new_module("__mp_main__", Some(path));
    vm.interp.modules.borrow_mut().insert("__mp_main__".into(), module.clone());
    vm.interp.modules.borrow_mut().insert("__main__".into(), module.clone());
    let Value::Module(m) = &module else { return 1 };
    match vm.run_source(&source, path, m.dict.clone()) {
        Ok(_) => 0,
        Err(e) => vm.exit_status_for(&e),
    }
}

/// `multiprocessing._child_main(payload)`: decodes the `Process` and runs it; returns its
/// exit code.
fn run_target(vm: &mut Vm, payload: Vec<u8>) -> i32 {
    let data = Value::Bytes(Rc::new(crate::runtime::objects::PyBytes::new(payload)));
    let result = vm.import_module("multiprocessing").and_then(|m| {
        let f = vm.get_attr(&m, &vm.intern("_child_main"))?;
        vm.call(&f, Args::new([data]))
    });
    match result {
        Ok(Value::Int(code)) => code as i32,
        Ok(_) => 0,
        Err(e) => vm.exit_status_for(&e),
    }
}

/// `threading._shutdown()` if the child used threads (as `Vm::run_main` does for a program).
fn join_threads(vm: &mut Vm) -> Option<i32> {
    let threading = vm.interp.modules.borrow().get("threading").cloned()?;
    let result = vm.get_attr(&threading, &vm.intern("_shutdown")).and_then(|f| vm.call(&f, Args::default()));
    result.err().map(|e| vm.exit_status_for(&e))
}
