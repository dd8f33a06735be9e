//! Compile-time errors (SyntaxError and friends) and their rendering, byte for byte as CPython
//! prints them. Runtime tracebacks are rendered by `vm::traceback`.

use std::fmt;

/// Which class a compile-time error belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    SyntaxError,
    IndentationError,
    TabError,
}

impl SyntaxErrorKind {
    pub fn name(self) -> &'static str {
        match self {
            SyntaxErrorKind::SyntaxError => "SyntaxError",
            SyntaxErrorKind::IndentationError => "IndentationError",
            SyntaxErrorKind::TabError => "TabError",
        }
    }
}

/// A SyntaxError found by the lexer, parser or compiler.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    pub msg: String,
    pub filename: String,
    /// 1-based line of the error.
    pub line: u32,
    /// 0-based column (in characters) where the caret starts.
    pub col: u32,
    /// 0-based column where the caret run ends (exclusive); `None` for a single caret.
    pub end_col: Option<u32>,
}

impl SyntaxError {
    pub fn new(msg: impl Into<String>, filename: &str, line: u32, col: u32) -> SyntaxError {
        SyntaxError { kind: SyntaxErrorKind::SyntaxError, msg: msg.into(), filename: filename.to_string(), line, col, end_col: None }
    }

    pub fn with_kind(mut self, kind: SyntaxErrorKind) -> SyntaxError {
        self.kind = kind;
        self
    }

    pub fn with_end(mut self, end_col: u32) -> SyntaxError {
        self.end_col = Some(end_col);
        self
    }

    /// Renders the error as CPython does for an uncaught SyntaxError:
    /// ```text
    ///   File "t.py", line 1
    ///     print("a"
    ///          ^
    /// SyntaxError: '(' was never closed
    /// ```
    /// `source` is the program text, used to show the offending line.
    pub fn render(&self, source: &str) -> String {
        let mut out = format!("  File \"{}\", line {}\n", self.filename, self.line);
        let text = source.lines().nth(self.line.saturating_sub(1) as usize);
        if let Some(text) = text {
            // CPython strips leading whitespace and shifts the caret by the same amount.
            let trimmed = text.trim_start();
            let stripped = (text.chars().count() - trimmed.chars().count()) as u32;
            let trimmed = trimmed.trim_end();
            if !trimmed.is_empty() {
                out.push_str("    ");
                out.push_str(trimmed);
                out.push('\n');
                let start = self.col.saturating_sub(stripped);
                let width = match self.end_col {
                    Some(end) if end > self.col => end - self.col,
                    _ => 1,
                };
                out.push_str("    ");
                out.push_str(&" ".repeat(start as usize));
                out.push_str(&"^".repeat(width as usize));
                out.push('\n');
            }
        }
        out.push_str(&format!("{}: {}\n", self.kind.name(), self.msg));
        out
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}, line {})", self.msg, self.filename, self.line)
    }
}

impl std::error::Error for SyntaxError {}
