//! Rendering uncaught exceptions as CPython does: the chain of causes and contexts, then
//! `Traceback (most recent call last):`, a `File "...", line N, in f` line and the stripped
//! source line per frame, and `Type: message`.

use super::{PyException, PyResult, Vm};
use crate::runtime::objects::PyInstance;
use crate::runtime::value::Value;
use std::rc::Rc;

/// How many identical frames are shown before "[Previous line repeated N more times]".
const RECURSIVE_CUTOFF: usize = 3;

fn repeated_note(count: usize) -> String {
    if count <= RECURSIVE_CUTOFF {
        return String::new();
    }
    let n = count - RECURSIVE_CUTOFF;
    format!("  [Previous line repeated {n} more time{}]\n", if n > 1 { "s" } else { "" })
}

/// CPython's limits on an exception group's display (traceback.py `TracebackException`).
const MAX_GROUP_WIDTH: usize = 15;
const MAX_GROUP_DEPTH: usize = 10;

/// traceback.py's `_ExceptionPrintContext`: the group nesting that sets each line's margin.
#[derive(Default)]
struct PrintCtx {
    depth: usize,
    need_close: bool,
    seen: Vec<usize>,
}

impl PrintCtx {
    fn indent(&self) -> String {
        " ".repeat(2 * self.depth)
    }

    /// Appends every line of `text` behind the group margin (`_ExceptionPrintContext.emit`).
    fn emit(&self, out: &mut String, text: &str, margin: char) {
        let mut prefix = self.indent();
        if self.depth > 0 {
            prefix.push(margin);
            prefix.push(' ');
        }
        for line in text.split_inclusive('\n') {
            out.push_str(&prefix);
            out.push_str(line);
        }
    }
}

impl Vm {
    pub fn format_exception(&mut self, exc: &PyException) -> String {
        let mut ctx = PrintCtx::default();
        let mut out = String::new();
        self.format_chain(&exc.value, &mut ctx, &mut out);
        out
    }

    fn format_chain(&mut self, inst: &Rc<PyInstance>, ctx: &mut PrintCtx, out: &mut String) {
        ctx.seen.push(Rc::as_ptr(inst) as usize);
        if let Some(st) = &inst.exc {
            let (cause, context, suppress) = {
                let st = st.borrow();
                (st.cause.clone(), st.context.clone(), st.suppress_context)
            };
            if let Some(Value::Instance(c)) = cause {
                if !ctx.seen.contains(&(Rc::as_ptr(&c) as usize)) {
                    self.format_chain(&c, ctx, out);
                    ctx.emit(out, "\nThe above exception was the direct cause of the following exception:\n\n", '|');
                }
            } else if let (Some(Value::Instance(c)), false) = (context, suppress) {
                if !ctx.seen.contains(&(Rc::as_ptr(&c) as usize)) {
                    self.format_chain(&c, ctx, out);
                    ctx.emit(out, "\nDuring handling of the above exception, another exception occurred:\n\n", '|');
                }
            }
        }
        match self.group_members(inst) {
            None => {
                let stack = self.format_stack(inst);
                if !stack.is_empty() {
                    ctx.emit(out, "Traceback (most recent call last):\n", '|');
                    ctx.emit(out, &stack, '|');
                }
                let only = self.format_exception_only(inst);
                ctx.emit(out, &only, '|');
            }
            Some(_) if ctx.depth > MAX_GROUP_DEPTH => {
                ctx.emit(out, &format!("... (max_group_depth is {MAX_GROUP_DEPTH})\n"), '|');
            }
            Some(members) => self.format_group(inst, &members, ctx, out),
        }
    }

    /// An exception group: its traceback and message, then each member in a numbered box.
    fn format_group(&mut self, inst: &Rc<PyInstance>, members: &[Rc<PyInstance>], ctx: &mut PrintCtx, out: &mut String) {
        let toplevel = ctx.depth == 0;
        if toplevel {
            ctx.depth += 1;
        }
        let stack = self.format_stack(inst);
        if !stack.is_empty() {
            ctx.emit(out, "Exception Group Traceback (most recent call last):\n", if toplevel { '+' } else { '|' });
            ctx.emit(out, &stack, '|');
        }
        let only = self.format_exception_only(inst);
        ctx.emit(out, &only, '|');
        let n = members.len().min(MAX_GROUP_WIDTH + 1);
        ctx.need_close = false;
        for i in 0..n {
            let last = i == n - 1;
            if last {
                // The closing line may be written by a nested group instead.
                ctx.need_close = true;
            }
            let truncated = i >= MAX_GROUP_WIDTH;
            let title = if truncated { "...".to_string() } else { (i + 1).to_string() };
            out.push_str(&format!("{}{}+---------------- {title} ----------------\n", ctx.indent(), if i == 0 { "+-" } else { "  " }));
            ctx.depth += 1;
            if truncated {
                let rest = members.len() - MAX_GROUP_WIDTH;
                ctx.emit(out, &format!("and {rest} more exception{}\n", if rest > 1 { "s" } else { "" }), '|');
            } else {
                self.format_chain(&members[i], ctx, out);
            }
            if last && ctx.need_close {
                out.push_str(&format!("{}+------------------------------------\n", ctx.indent()));
                ctx.need_close = false;
            }
            ctx.depth -= 1;
        }
        if toplevel {
            ctx.depth = 0;
        }
    }

    /// The members of a `BaseExceptionGroup` (the builtin from `_pybuiltins`), or None.
    fn group_members(&self, inst: &Rc<PyInstance>) -> Option<Vec<Rc<PyInstance>>> {
        let Some(Value::Class(group)) = self.interp.builtins.get_str(&self.intern("BaseExceptionGroup")) else { return None };
        if !inst.class.is_subclass(&group) {
            return None;
        }
        let Some(Value::Tuple(t)) = inst.dict.get_str(&self.intern("exceptions")) else { return None };
        Some(t.items.iter().filter_map(|v| if let Value::Instance(i) = v { Some(i.clone()) } else { None }).collect())
    }

    /// The `  File ...` lines of an exception's traceback, outermost first.
    fn format_stack(&mut self, inst: &Rc<PyInstance>) -> String {
        let mut out = String::new();
        let entries = inst.exc.as_ref().map(|s| s.borrow().traceback.clone()).unwrap_or_default();
        // Runs of one identical frame collapse after three, as CPython's `tb_print_internal`.
        let mut last: Option<(&str, u32, &str)> = None;
        let mut count = 0;
        for e in entries.iter().rev() {
            let key = (&*e.filename, e.line, &*e.name);
            if last != Some(key) {
                out.push_str(&repeated_note(count));
                last = Some(key);
                count = 0;
            }
            count += 1;
            if count > RECURSIVE_CUTOFF {
                continue;
            }
            out.push_str(&format!("  File \"{}\", line {}, in {}\n", e.filename, e.line, e.name));
            if let Some(line) = self.source_line(&e.filename, e.line) {
                out.push_str(&format!("    {line}\n"));
            }
        }
        out.push_str(&repeated_note(count));
        out
    }

    /// The exception's own lines: a SyntaxError's location block, then `Type: message`.
    fn format_exception_only(&mut self, inst: &Rc<PyInstance>) -> String {
        let mut out = String::new();
        if inst.class.is_subclass(&self.exc_class(super::ExcKind::SyntaxError)) {
            out.push_str(&self.syntax_error_detail(inst));
        }
        out.push_str(&self.exception_last_line(inst));
        out.push('\n');
        out
    }

    /// The `  File ..., line N` block CPython prints above a SyntaxError's last line.
    fn syntax_error_detail(&mut self, inst: &Rc<PyInstance>) -> String {
        let get = |vm: &Vm, k: &str| inst.dict.get_str(&vm.intern(k));
        let (Some(Value::Str(file)), Some(Value::Int(line))) = (get(self, "filename"), get(self, "lineno")) else {
            return String::new();
        };
        let col = match get(self, "offset") {
            Some(Value::Int(o)) => (o - 1).max(0) as u32,
            _ => 0,
        };
        let se = crate::error::SyntaxError::new("", file.as_str(), line as u32, col);
        let source = self.interp.sources.borrow().get(file.as_str()).cloned().unwrap_or_else(|| Rc::from(""));
        let rendered = se.render(&source);
        // Drop the final "SyntaxError: " line; the caller prints the real one.
        let mut lines: Vec<&str> = rendered.lines().collect();
        lines.pop();
        lines.iter().map(|l| format!("{l}\n")).collect()
    }

    /// `ValueError: message`, or just the name when the message is empty.
    pub fn exception_last_line(&mut self, inst: &Rc<PyInstance>) -> String {
        let cls = inst.class.clone();
        let module = cls.module.borrow().clone();
        let name = match module.as_str() {
            Some("builtins") | Some("__main__") | None => cls.qualname.borrow().as_str().to_string(),
            Some(m) => format!("{m}.{}", cls.qualname.borrow().as_str()),
        };
        let msg = match self.str(&Value::Instance(inst.clone())) {
            Ok(s) => s.as_str().to_string(),
            Err(_) => "<exception str() failed>".to_string(),
        };
        let hint = self.suggestion_for(inst).map(|s| format!(". Did you mean: '{s}'?")).unwrap_or_default();
        if msg.is_empty() {
            name
        } else {
            format!("{name}: {msg}{hint}")
        }
    }

    /// CPython 3.11 adds "Did you mean" to NameError and AttributeError tracebacks.
    fn suggestion_for(&self, inst: &Rc<PyInstance>) -> Option<String> {
        let get = |k: &str| inst.dict.get_str(&self.intern(k));
        if let Some(Value::Str(s)) = get("__suggestion__") {
            return Some(s.as_str().to_string());
        }
        if !inst.class.is_subclass(&self.exc_class(super::ExcKind::AttributeError)) {
            return None;
        }
        match (get("obj"), get("name")) {
            (Some(obj), Some(Value::Str(name))) => self.attribute_suggestion(&obj, name.as_str()),
            _ => None,
        }
    }

    pub(crate) fn source_line(&self, filename: &str, line: u32) -> Option<String> {
        // CPython shows no source for `<string>` (-c) and `<stdin>` programs.
        if filename.starts_with('<') {
            return None;
        }
        let sources = self.interp.sources.borrow();
        let src = sources.get(filename)?;
        let text = src.lines().nth(line.checked_sub(1)? as usize)?;
        let t = text.trim();
        (!t.is_empty()).then(|| t.to_string())
    }

    /// Prints an uncaught exception to stderr.
    pub fn print_exception(&mut self, exc: &PyException) -> PyResult<()> {
        let text = self.format_exception(exc);
        self.flush_stdout();
        self.write_stderr(&text);
        Ok(())
    }
}
