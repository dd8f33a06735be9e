//! The command line: `tpy FILE [ARGS...]`, `tpy -c CODE`, `tpy -` (program from stdin),
//! `tpy --version`, `tpy --dis FILE`, and the REPL when started with no program on a terminal.

use crate::gil::{Gil, GilOptions};
use crate::threads::signals;
use crate::vm::{Interpreter, SharedWriter, Vm};
use clap::Parser;
use std::io::{IsTerminal, Read, Write};
use std::rc::Rc;
use std::sync::Arc;

/// Native stack for the interpreter thread: deep enough for `sys.getrecursionlimit()` levels
/// of Python calls that recurse through builtins (each nested `execute` is a few KB).
const INTERPRETER_STACK: usize = 512 << 20;

#[derive(Parser, Debug)]
#[command(name = "tpy", version = concat!(env!("CARGO_PKG_VERSION"), " (TinyPy, a Python 3.11 subset)"), about = "TinyPy interpreter")]
struct Cli {
    /// Program passed in as a string.
    #[arg(short = 'c', value_name = "CODE")]
    code: Option<String>,
    /// Print the bytecode instead of running the program.
    #[arg(long)]
    dis: bool,
    /// At exit, print per-thread GIL statistics to stderr.
    #[arg(long)]
    gil_stats: bool,
    /// Write a Chrome trace-event file (Perfetto, chrome://tracing) of every thread's GIL states.
    #[arg(long, value_name = "OUT.json")]
    gil_trace: Option<String>,
    /// Implementation option; `-X switch=every-instruction` makes every instruction a GIL check point.
    #[arg(short = 'X', value_name = "OPT")]
    xopts: Vec<String>,
    /// Program file (`-` reads the program from stdin), then its arguments.
    #[arg(value_name = "FILE", trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

pub fn main() -> i32 {
    // A spawned `multiprocessing` child (hidden argument, as CPython's `--multiprocessing-fork`).
    if let Some(spec) = crate::process::spawn::worker_spec() {
        return on_big_stack(move || crate::process::worker::worker_main(spec));
    }
    let cli = Cli::parse();
    on_big_stack(move || run(cli))
}

/// Runs the interpreter on a thread with `INTERPRETER_STACK` of native stack.
fn on_big_stack(f: impl FnOnce() -> i32 + Send + 'static) -> i32 {
    let handle = std::thread::Builder::new().name("tpy-main".into()).stack_size(INTERPRETER_STACK).spawn(f);
    match handle.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        _ => {
            eprintln!("tpy: internal error");
            70
        }
    }
}

fn writer(w: Box<dyn Write + Send>) -> SharedWriter {
    Arc::new(parking_lot::Mutex::new(w))
}

/// Where the program comes from.
enum Program {
    File(String),
    Code(String),
    Stdin,
    Repl,
}

fn run(cli: Cli) -> i32 {
    let (program, argv) = match (&cli.code, cli.args.first()) {
        (Some(code), _) => (Program::Code(code.clone()), std::iter::once("-c".to_string()).chain(cli.args.iter().cloned()).collect()),
        (None, Some(f)) if f == "-" => (Program::Stdin, cli.args.clone()),
        (None, Some(f)) => (Program::File(f.clone()), cli.args.clone()),
        (None, None) if std::io::stdin().is_terminal() => (Program::Repl, vec![String::new()]),
        (None, None) => (Program::Stdin, vec![String::new()]),
    };
    let dir = match &program {
        Program::File(f) => std::path::Path::new(f).parent().map(|p| if p.as_os_str().is_empty() { ".".into() } else { p.to_path_buf() }),
        _ => Some(".".into()),
    };
    let stdout: Box<dyn Write + Send> = Box::new(std::io::BufWriter::with_capacity(1 << 16, std::io::stdout()));
    let mut interp = Interpreter::new(argv, dir.into_iter().collect(), writer(stdout), writer(Box::new(std::io::stderr())));
    let options = GilOptions {
        stats: cli.gil_stats,
        trace: cli.gil_trace.is_some(),
        every_instruction: cli.xopts.iter().any(|x| x == "switch=every-instruction"),
    };
    interp.gil = Gil::with_options(options);
    if !matches!(program, Program::Repl) {
        signals::listen_for_sigint(interp.signals.clone(), interp.gil.clone());
    }
    let mut vm = Vm::new(Rc::new(interp));
    let (source, filename) = match program {
        Program::File(f) => match std::fs::read(&f) {
            Ok(bytes) => (String::from_utf8_lossy(&bytes).into_owned(), f),
            Err(e) => {
                let errno = e.raw_os_error().unwrap_or(2);
                let msg = e.to_string();
                let msg = msg.split(" (os error").next().unwrap_or(&msg).to_string();
                eprintln!("{}: can't open file '{}': [Errno {errno}] {msg}", std::env::args().next().unwrap_or("tpy".into()), f);
                return 2;
            }
        },
        Program::Code(c) => (c, "<string>".to_string()),
        Program::Stdin => {
            let mut s = String::new();
            let _ = std::io::stdin().read_to_string(&mut s);
            (s, "<stdin>".to_string())
        }
        Program::Repl => return crate::repl::run(&mut vm),
    };
    if cli.dis {
        return dis(&source, &filename);
    }
    let status = vm.run_main(&source, &filename);
    crate::process::at_exit(&mut vm);
    finish(&mut vm, status, cli.gil_trace.as_deref())
}

/// Reports GIL statistics and the trace, then ends the process while this thread still holds
/// the GIL: daemon threads never run again (CPython's finalization freezes them the same way).
fn finish(vm: &mut Vm, status: i32, trace: Option<&str>) -> ! {
    if let Some(table) = vm.interp.gil.stats_table() {
        vm.write_stderr(&table);
    }
    if let (Some(path), Some(json)) = (trace, vm.interp.gil.trace_json()) {
        if let Err(e) = std::fs::write(path, json) {
            vm.write_stderr(&format!("tpy: cannot write GIL trace to {path}: {e}\n"));
        }
    }
    vm.flush_stdout();
    if vm.interp.exit_by_sigint.get() {
        signals::die_by_sigint();
    }
    std::process::exit(status)
}

fn dis(source: &str, filename: &str) -> i32 {
    let compiled =
        crate::parser::parse_module(source, filename).and_then(|m| crate::compiler::compile(&m, filename, crate::compiler::Mode::Module));
    match compiled {
        Ok(code) => {
            print!("{}", code.disassemble());
            0
        }
        Err(e) => {
            eprint!("{}", e.render(source));
            1
        }
    }
}
