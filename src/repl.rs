//! The interactive prompt: `>>> ` and `... `, expression results echoed as their repr, line
//! editing and history (rustyline), and a traceback that does not end the session.

use crate::vm::frame::Frame;
use crate::vm::Vm;
use rustyline::error::ReadlineError;
use rustyline::DefaultEditor;

pub fn run(vm: &mut Vm) -> i32 {
    let module = vm.new_module("__main__", None);
    vm.interp.modules.borrow_mut().insert("__main__".into(), module.clone());
    let crate::runtime::value::Value::Module(m) = &module else { return 1 };
    let globals = m.dict.clone();
    let Ok(mut editor) = DefaultEditor::new() else { return 1 };
    println!("tpy {} (TinyPy, a Python 3.11 subset)", env!("CARGO_PKG_VERSION"));
    let mut buffer = String::new();
    loop {
        let prompt = if buffer.is_empty() { ">>> " } else { "... " };
        match editor.readline(prompt) {
            Ok(line) => {
                buffer.push_str(&line);
                buffer.push('\n');
                let needs_more = crate::parser::input_is_incomplete(&buffer)
                    || (!buffer.trim().is_empty() && !line.trim().is_empty() && buffer.lines().count() > 1);
                if needs_more {
                    continue;
                }
                let _ = editor.add_history_entry(buffer.trim_end());
                let source = std::mem::take(&mut buffer);
                if source.trim().is_empty() {
                    continue;
                }
                run_entry(vm, &source, globals.clone());
            }
            Err(ReadlineError::Interrupted) => {
                println!("KeyboardInterrupt");
                buffer.clear();
            }
            Err(_) => break,
        }
    }
    vm.flush_stdout();
    0
}

/// Compiles and runs one entry, printing a traceback if it raises.
fn run_entry(vm: &mut Vm, source: &str, globals: std::rc::Rc<crate::runtime::objects::PyDict>) {
    vm.interp.sources.borrow_mut().insert("<stdin>".into(), std::rc::Rc::from(source));
    let compiled = crate::parser::parse_module(source, "<stdin>")
        .and_then(|m| crate::compiler::compile(&m, "<stdin>", crate::compiler::Mode::Interactive));
    let code = match compiled {
        Ok(c) => c,
        Err(e) => {
            eprint!("{}", e.render(source));
            return;
        }
    };
    let frame = Frame::new(code, globals, Vec::new(), &[]);
    if let Err(e) = vm.execute(Box::new(frame), None) {
        if vm.exc_matches(&e, crate::vm::ExcKind::SystemExit) {
            let status = vm.exit_status_for(&e);
            vm.flush_stdout();
            std::process::exit(status);
        }
        let _ = vm.print_exception(&e);
    }
    vm.flush_stdout();
}
