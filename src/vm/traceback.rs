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

impl Vm {
    pub fn format_exception(&mut self, exc: &PyException) -> String {
        let mut seen = Vec::new();
        self.format_chain(&exc.value, &mut seen)
    }

    fn format_chain(&mut self, inst: &Rc<PyInstance>, seen: &mut Vec<usize>) -> String {
        seen.push(Rc::as_ptr(inst) as usize);
        let mut out = String::new();
        if let Some(st) = &inst.exc {
            let (cause, context, suppress) = {
                let st = st.borrow();
                (st.cause.clone(), st.context.clone(), st.suppress_context)
            };
            if let Some(Value::Instance(c)) = cause {
                if !seen.contains(&(Rc::as_ptr(&c) as usize)) {
                    out.push_str(&self.format_chain(&c, seen));
                    out.push_str("\nThe above exception was the direct cause of the following exception:\n\n");
                }
            } else if let (Some(Value::Instance(c)), false) = (context, suppress) {
                if !seen.contains(&(Rc::as_ptr(&c) as usize)) {
                    out.push_str(&self.format_chain(&c, seen));
                    out.push_str("\nDuring handling of the above exception, another exception occurred:\n\n");
                }
            }
        }
        out.push_str(&self.format_one(inst));
        out
    }

    fn format_one(&mut self, inst: &Rc<PyInstance>) -> String {
        let mut out = String::new();
        let entries = inst.exc.as_ref().map(|s| s.borrow().traceback.clone()).unwrap_or_default();
        if !entries.is_empty() {
            out.push_str("Traceback (most recent call last):\n");
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
        }
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

    fn source_line(&self, filename: &str, line: u32) -> Option<String> {
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
