//! The lexer: a logos `Token` enum for the raw tokens of one physical line, plus a layout pass
//! (`tokenize`) that turns physical lines into NEWLINE / INDENT / DEDENT tokens as CPython's
//! tokenizer does (bracket continuation, `\` continuation, comments, blank lines, tabs),
//! maps identifiers to keywords, and reports tokenizer errors with CPython's messages.

use crate::ast::Pos;
use crate::error::{SyntaxError, SyntaxErrorKind};
use logos::Logos;
use num_bigint::BigInt;

/// CPython's tokenizer limit on nested brackets (`MAXLEVEL`).
pub const MAX_BRACKET_DEPTH: usize = 200;
/// CPython's tokenizer limit on indentation levels (`MAXINDENT`).
pub const MAX_INDENT: usize = 100;

/// A numeric literal.
#[derive(Debug, Clone, PartialEq)]
pub enum Num {
    Int(i64),
    Big(BigInt),
    Float(f64),
}

/// A string literal token: prefix flags and the raw text between the quotes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StrLit {
    pub raw: bool,
    pub bytes: bool,
    pub fstring: bool,
    pub triple: bool,
    /// The undecoded source text between the quotes.
    pub body: String,
    /// Byte offset of `body` in the lexed text (converted to `body_pos` by the layout pass).
    pub body_off: usize,
    /// Position of the first character of `body`.
    pub body_pos: Pos,
}

/// A raw lexing error from a logos callback: message and byte offset (of the error's caret).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawError {
    pub msg: Option<String>,
    pub off: usize,
    /// Byte offset of the caret's end, when it spans a range.
    pub end: Option<usize>,
    /// Lazy errors (CPython's `tok->done` errors) are reported only when the parser reaches
    /// them; immediate ones win over any earlier parser error.
    pub lazy: bool,
}

fn is_id_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_id_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric() || c == '\u{b7}' || is_combining(c)
}

fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x300..=0x36F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
        || matches!(c as u32, 0x0900..=0x0DFF if !c.is_alphabetic() && !c.is_whitespace())
}

fn ident(lex: &mut logos::Lexer<Token>) -> String {
    let extra: usize = lex.remainder().chars().take_while(|&c| is_id_continue(c)).map(char::len_utf8).sum();
    lex.bump(extra);
    lex.slice().to_string()
}

fn unicode_ident(lex: &mut logos::Lexer<Token>) -> Result<String, RawError> {
    let c = lex.slice().chars().next().unwrap_or('?');
    if !is_id_start(c) {
        let msg = if c.is_control() || c.is_whitespace() && c != '\u{a0}' {
            format!("invalid non-printable character U+{:04X}", c as u32)
        } else {
            format!("invalid character '{}' (U+{:04X})", c, c as u32)
        };
        return Err(RawError { msg: Some(msg), off: lex.span().start, end: None, lazy: false });
    }
    Ok(ident(lex))
}

fn num_err(msg: &str, off: usize) -> RawError {
    RawError { msg: Some(msg.to_string()), off, end: None, lazy: false }
}

/// Scans digits (with single `_` separators) of the given radix starting at byte `i`.
/// Returns the end index, or the offset of a bad `_`.
fn scan_digits(b: &[u8], mut i: usize, radix: u32) -> Result<usize, usize> {
    let start = i;
    while i < b.len() {
        let c = b[i];
        if (c as char).is_digit(radix) {
            i += 1;
        } else if c == b'_' && i > start {
            if i + 1 < b.len() && (b[i + 1] as char).is_digit(radix) {
                i += 1;
            } else {
                return Err(i);
            }
        } else {
            break;
        }
    }
    Ok(i)
}

fn next_is_ident_char(s: &str, i: usize) -> bool {
    s[i..].chars().next().is_some_and(is_id_continue)
}

/// CPython 3.11 accepts (with a warning) a number directly followed by some keywords.
fn keyword_follows(s: &str, i: usize) -> bool {
    let rest = &s[i..];
    ["and", "else", "for", "if", "in", "is", "not", "or"].iter().any(|k| rest.starts_with(k) && !next_is_ident_char(rest, k.len()))
}

fn number(lex: &mut logos::Lexer<Token>) -> Result<Num, RawError> {
    let start = lex.span().start;
    let src = lex.source();
    let s = &src[start..];
    let b = s.as_bytes();
    let end;
    let value;
    let radix_kind = if b.len() > 1 && b[0] == b'0' {
        match b[1] {
            b'x' | b'X' => Some((16, "hexadecimal")),
            b'o' | b'O' => Some((8, "octal")),
            b'b' | b'B' => Some((2, "binary")),
            _ => None,
        }
    } else {
        None
    };
    if let Some((radix, name)) = radix_kind {
        let mut i = 2;
        if i < b.len() && b[i] == b'_' {
            i += 1;
        }
        let e = scan_digits(b, i, radix).map_err(|o| num_err(&format!("invalid {name} literal"), start + o))?;
        if e < b.len() && (b[e] as char).is_ascii_digit() {
            return Err(num_err(&format!("invalid digit '{}' in {name} literal", b[e] as char), start + e));
        }
        if e == i {
            return Err(num_err(&format!("invalid {name} literal"), start + e - 1));
        }
        if next_is_ident_char(s, e) && !keyword_follows(s, e) {
            return Err(num_err(&format!("invalid {name} literal"), start + e));
        }
        let digits: String = s[i..e].chars().filter(|&c| c != '_').collect();
        value = match i64::from_str_radix(&digits, radix) {
            Ok(v) => Num::Int(v),
            Err(_) => Num::Big(BigInt::parse_bytes(digits.as_bytes(), radix).unwrap_or_default()),
        };
        end = e;
    } else {
        let bad = |o: usize| num_err("invalid decimal literal", start + o);
        let mut i = scan_digits(b, 0, 10).map_err(bad)?;
        let int_end = i;
        let mut is_float = false;
        if i < b.len() && b[i] == b'.' {
            is_float = true;
            i += 1;
            if i < b.len() && b[i].is_ascii_digit() {
                i = scan_digits(b, i, 10).map_err(bad)?;
            } else if i < b.len() && b[i] == b'_' {
                return Err(bad(i));
            }
        }
        if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
            let mut j = i + 1;
            if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
                j += 1;
            }
            if j < b.len() && b[j].is_ascii_digit() {
                i = scan_digits(b, j, 10).map_err(bad)?;
                is_float = true;
            } else {
                return Err(bad(0));
            }
        }
        if i < b.len() && (b[i] == b'j' || b[i] == b'J') {
            return Err(num_err("imaginary literals are outside TinyPy, which has no complex numbers", start));
        }
        // `1if x else y` is accepted by CPython 3.11 (with a warning) for some keywords.
        if next_is_ident_char(s, i) && !keyword_follows(s, i) {
            let o = if b[i] == b'e' || b[i] == b'E' { 0 } else { i.saturating_sub(1) };
            return Err(bad(if is_float { i.saturating_sub(1) } else { o }));
        }
        let text: String = s[..i].chars().filter(|&c| c != '_').collect();
        if is_float {
            value = Num::Float(text.parse::<f64>().unwrap_or(f64::INFINITY));
        } else {
            let digits = &text;
            if digits.len() > 1 && digits.starts_with('0') && digits.bytes().any(|c| c != b'0') {
                return Err(RawError {
                    msg: Some(
                        "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers".to_string(),
                    ),
                    off: start,
                    end: Some(start + int_end),
                    lazy: false,
                });
            }
            value = match digits.parse::<i64>() {
                Ok(v) => Num::Int(v),
                Err(_) => Num::Big(BigInt::parse_bytes(digits.as_bytes(), 10).unwrap_or_default()),
            };
        }
        end = i;
    }
    lex.bump(end - lex.slice().len());
    Ok(value)
}

fn string(lex: &mut logos::Lexer<Token>) -> Result<StrLit, RawError> {
    let start = lex.span().start;
    let slice = lex.slice();
    let quote = slice.as_bytes()[slice.len() - 1];
    let prefix = &slice[..slice.len() - 1];
    let mut lit = StrLit::default();
    for c in prefix.chars() {
        match c {
            'r' | 'R' => lit.raw = true,
            'b' | 'B' => lit.bytes = true,
            'f' | 'F' => lit.fstring = true,
            _ => {}
        }
    }
    let rest = lex.remainder().as_bytes();
    let q = quote;
    let triple = rest.len() >= 2 && rest[0] == q && rest[1] == q;
    let body_start = if triple { 2 } else { 0 };
    let mut i = body_start;
    loop {
        if i >= rest.len() {
            let msg = if triple { "unterminated triple-quoted string literal" } else { "unterminated string literal" };
            return Err(RawError {
                msg: Some(format!("{msg} (detected at line {{LINE}})")),
                off: start,
                end: Some(lex.source().len()),
                lazy: false,
            });
        }
        let c = rest[i];
        if c == b'\\' {
            i += 2;
            continue;
        }
        if c == b'\n' && !triple {
            return Err(RawError {
                msg: Some("unterminated string literal (detected at line {LINE})".to_string()),
                off: start,
                end: Some(lex.span().end + i),
                lazy: false,
            });
        }
        if c == q {
            if !triple {
                break;
            }
            if i + 2 < rest.len() && rest[i + 1] == q && rest[i + 2] == q {
                break;
            }
        }
        i += 1;
    }
    let body_end = i;
    let total = body_end + if triple { 3 } else { 1 };
    let rem = lex.remainder();
    lit.body = rem[body_start..body_end].to_string();
    lit.body_off = lex.span().end + body_start;
    lit.triple = triple;
    lex.bump(total);
    Ok(lit)
}

/// The tokens. Logos produces the raw ones; the layout pass adds NEWLINE/INDENT/DEDENT and
/// maps `Name`s that are keywords to keyword tokens.
#[derive(Logos, Debug, Clone, PartialEq)]
#[logos(error = RawError)]
#[logos(skip r"[ \t\x0c]+")]
#[logos(skip r"#[^\n]*")]
#[logos(skip r"\\\n")]
pub enum Token {
    #[token("\n")]
    Newline,
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*", ident)]
    #[regex(r"[^\x00-\x7F]", unicode_ident)]
    Name(String),
    #[regex(r"[0-9]", number)]
    #[regex(r"\.[0-9]", number)]
    Number(Num),
    #[regex(r#"[rRbBfFuU]?['"]"#, string)]
    #[regex(r#"([rR][bBfF]|[bBfF][rR])['"]"#, string)]
    Str(StrLit),
    #[token("\\")]
    Backslash,

    #[token("(")]
    LPar,
    #[token(")")]
    RPar,
    #[token("[")]
    LSqb,
    #[token("]")]
    RSqb,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token(":")]
    Colon,
    #[token(",")]
    Comma,
    #[token(";")]
    Semi,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("|")]
    VBar,
    #[token("&")]
    Amper,
    #[token("<")]
    Less,
    #[token(">")]
    Greater,
    #[token("=")]
    Equal,
    #[token(".")]
    Dot,
    #[token("%")]
    Percent,
    #[token("==")]
    EqEqual,
    #[token("!=")]
    NotEqual,
    #[token("<=")]
    LessEqual,
    #[token(">=")]
    GreaterEqual,
    #[token("~")]
    Tilde,
    #[token("^")]
    Circumflex,
    #[token("<<")]
    LeftShift,
    #[token(">>")]
    RightShift,
    #[token("**")]
    DoubleStar,
    #[token("+=")]
    PlusEqual,
    #[token("-=")]
    MinEqual,
    #[token("*=")]
    StarEqual,
    #[token("/=")]
    SlashEqual,
    #[token("%=")]
    PercentEqual,
    #[token("&=")]
    AmperEqual,
    #[token("|=")]
    VBarEqual,
    #[token("^=")]
    CircumflexEqual,
    #[token("<<=")]
    LeftShiftEqual,
    #[token(">>=")]
    RightShiftEqual,
    #[token("**=")]
    DoubleStarEqual,
    #[token("//")]
    DoubleSlash,
    #[token("//=")]
    DoubleSlashEqual,
    #[token("@")]
    At,
    #[token("@=")]
    AtEqual,
    #[token("->")]
    RArrow,
    #[token("...")]
    Ellipsis,
    #[token(":=")]
    ColonEqual,

    // Produced by the layout pass only.
    /// A logical NEWLINE.
    NewlineTok,
    Indent,
    Dedent,
    /// A character CPython's tokenizer returns as an error token (`$`, `?`, `` ` ``, `!`).
    ErrorTok,
    /// Start-symbol selectors, prepended by the parser driver.
    StartModule,
    StartExpr,
    /// The `(` of a parenthesized `with (a as b, c):` item list.
    LParWith,
    // Keywords.
    False,
    None,
    True,
    And,
    As,
    Assert,
    Async,
    Await,
    Break,
    Class,
    Continue,
    Def,
    Del,
    Elif,
    Else,
    Except,
    Finally,
    For,
    From,
    Global,
    If,
    Import,
    In,
    Is,
    Lambda,
    Nonlocal,
    Not,
    Or,
    Pass,
    Raise,
    Return,
    Try,
    While,
    With,
    Yield,
}

fn keyword(s: &str) -> Option<Token> {
    Some(match s {
        "False" => Token::False,
        "None" => Token::None,
        "True" => Token::True,
        "and" => Token::And,
        "as" => Token::As,
        "assert" => Token::Assert,
        "async" => Token::Async,
        "await" => Token::Await,
        "break" => Token::Break,
        "class" => Token::Class,
        "continue" => Token::Continue,
        "def" => Token::Def,
        "del" => Token::Del,
        "elif" => Token::Elif,
        "else" => Token::Else,
        "except" => Token::Except,
        "finally" => Token::Finally,
        "for" => Token::For,
        "from" => Token::From,
        "global" => Token::Global,
        "if" => Token::If,
        "import" => Token::Import,
        "in" => Token::In,
        "is" => Token::Is,
        "lambda" => Token::Lambda,
        "nonlocal" => Token::Nonlocal,
        "not" => Token::Not,
        "or" => Token::Or,
        "pass" => Token::Pass,
        "raise" => Token::Raise,
        "return" => Token::Return,
        "try" => Token::Try,
        "while" => Token::While,
        "with" => Token::With,
        "yield" => Token::Yield,
        _ => return None,
    })
}

impl Token {
    /// The keyword or operator text of a token (for messages); `None` for value tokens.
    pub fn text(&self) -> Option<&'static str> {
        use Token::*;
        Some(match self {
            LPar | LParWith => "(",
            RPar => ")",
            LSqb => "[",
            RSqb => "]",
            LBrace => "{",
            RBrace => "}",
            Colon => ":",
            Comma => ",",
            Semi => ";",
            Equal => "=",
            Dot => ".",
            If => "if",
            Elif => "elif",
            Else => "else",
            While => "while",
            For => "for",
            Try => "try",
            Except => "except",
            Finally => "finally",
            With => "with",
            Def => "def",
            Class => "class",
            _ => return Option::None,
        })
    }
}

/// Maps byte offsets to CPython positions (1-based line, 0-based column in characters).
pub struct LineIndex {
    starts: Vec<usize>,
    ascii: Vec<bool>,
    base: Pos,
}

impl LineIndex {
    pub fn new(src: &str, base: Pos) -> LineIndex {
        let mut starts = vec![0];
        let mut ascii = Vec::new();
        let mut is_ascii = true;
        for (i, b) in src.bytes().enumerate() {
            if b == b'\n' {
                starts.push(i + 1);
                ascii.push(is_ascii);
                is_ascii = true;
            } else if b >= 0x80 {
                is_ascii = false;
            }
        }
        ascii.push(is_ascii);
        LineIndex { starts, ascii, base }
    }

    pub fn pos(&self, src: &str, off: usize) -> Pos {
        let off = off.min(src.len());
        let line = match self.starts.binary_search(&off) {
            Ok(l) => l,
            Err(l) => l - 1,
        };
        let start = self.starts[line];
        let col = if self.ascii[line] {
            off - start
        } else {
            let mut o = off;
            while !src.is_char_boundary(o) {
                o -= 1;
            }
            src[start..o].chars().count()
        } as u32;
        if line == 0 {
            Pos { line: self.base.line, col: self.base.col + col }
        } else {
            Pos { line: self.base.line + line as u32, col }
        }
    }

    /// Number of the last line of the text.
    pub fn last_line(&self, src: &str) -> u32 {
        let n = self.starts.len() as u32;
        // A final newline does not start a new line for CPython's "detected at line N".
        let n = if src.ends_with('\n') { n - 1 } else { n };
        self.base.line + n.max(1) - 1
    }
}

/// A token with its start and end positions.
pub type Spanned = (Pos, Token, Pos);

/// A tokenizer error, with whether it is reported immediately (wins over any parser error) or
/// only when the parser reaches it.
#[derive(Debug, Clone)]
pub struct LexError {
    pub err: SyntaxError,
    pub lazy: bool,
}

/// The result of tokenizing: the tokens up to the first error, and the error if any.
pub struct LexOutput {
    pub tokens: Vec<Spanned>,
    /// Byte offsets (in the normalized source) where each token starts.
    pub offsets: Vec<usize>,
    pub error: Option<LexError>,
    /// The innermost bracket left open at end of input (its char and position).
    pub unclosed: Option<(char, Pos)>,
    /// True when the input ended right after a `\` continuation.
    pub eof_in_continuation: bool,
}

/// Normalizes newlines (`\r\n` and `\r` become `\n`) as CPython's universal newlines do.
pub fn normalize_newlines(src: &str) -> std::borrow::Cow<'_, str> {
    if src.contains('\r') {
        std::borrow::Cow::Owned(src.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(src)
    }
}

/// Tokenizes `src` (already newline-normalized). `base` is the position of the first character
/// (line 1, col 0 for a whole file). In `implicit_paren` mode (f-string expressions), the text
/// is lexed as if inside brackets: no NEWLINE/INDENT/DEDENT tokens.
pub fn tokenize(src: &str, filename: &str, base: Pos, implicit_paren: bool) -> LexOutput {
    let index = LineIndex::new(src, base);
    let mut out = LexOutput { tokens: Vec::new(), offsets: Vec::new(), error: None, unclosed: None, eof_in_continuation: false };
    let mk_err = |msg: String, off: usize, end: Option<usize>, lazy: bool| -> LexError {
        let p = index.pos(src, off);
        let msg = msg.replace("{LINE}", &index.last_line_upto(src, end).to_string());
        let mut err = SyntaxError::new(msg, filename, p.line, p.col);
        if let Some(e) = end {
            let ep = index.pos(src, e);
            if ep.line == p.line && ep.col > p.col {
                err = err.with_end(ep.col);
            }
        }
        LexError { err, lazy }
    };
    if let Some(i) = src.find('\0') {
        let _ = i;
        out.error = Some(LexError { err: SyntaxError::new("source code cannot contain null bytes", filename, 0, 0), lazy: false });
        return out;
    }
    // Indentation stack: (col with tabs to 8, col with tabs to 1).
    let mut indents: Vec<(u32, u32)> = vec![(0, 0)];
    let mut brackets: Vec<(char, Pos)> = Vec::new();
    let mut at_bol = !implicit_paren;
    let mut line_has_tokens = false;
    let mut line_start = 0usize;
    let mut last_end = 0usize;
    let mut lex = Token::lexer(src);
    while let Some(res) = lex.next() {
        let span = lex.span();
        if at_bol && !matches!(res, Ok(Token::Newline)) {
            at_bol = false;
            // Measure the indentation of this logical line's first physical line.
            let (mut col, mut alt) = (0u32, 0u32);
            for c in src[line_start..].chars() {
                match c {
                    ' ' => {
                        col += 1;
                        alt += 1;
                    }
                    '\t' => {
                        col = (col / 8 + 1) * 8;
                        alt += 1;
                    }
                    '\x0c' => {
                        col = 0;
                        alt = 0;
                    }
                    _ => break,
                }
            }
            let p = index.pos(src, span.start);
            let (top, top_alt) = *indents.last().unwrap_or(&(0, 0));
            let tab_err = || {
                let mut e = mk_err("inconsistent use of tabs and spaces in indentation".to_string(), span.start, None, true);
                e.err.kind = SyntaxErrorKind::TabError;
                e.err.col = 0;
                e
            };
            if col == top {
                if alt != top_alt {
                    out.error = Some(tab_err());
                    return out;
                }
            } else if col > top {
                if indents.len() >= MAX_INDENT {
                    let mut e = mk_err("too many levels of indentation".to_string(), span.start, None, true);
                    e.err.kind = SyntaxErrorKind::IndentationError;
                    out.error = Some(e);
                    return out;
                }
                if alt <= top_alt {
                    out.error = Some(tab_err());
                    return out;
                }
                indents.push((col, alt));
                out.tokens.push((Pos { line: p.line, col: 0 }, Token::Indent, p));
                out.offsets.push(span.start);
            } else {
                // Check the target level before emitting any DEDENT, as CPython does.
                let keep = indents.iter().rposition(|x| x.0 <= col).unwrap_or(0);
                let (top, top_alt) = indents[keep];
                if col != top {
                    let eol = src[span.start..].find('\n').map_or(src.len(), |k| span.start + k);
                    let mut e = mk_err("unindent does not match any outer indentation level".to_string(), eol, None, true);
                    e.err.kind = SyntaxErrorKind::IndentationError;
                    out.error = Some(e);
                    return out;
                }
                if alt != top_alt {
                    out.error = Some(tab_err());
                    return out;
                }
                while indents.len() > keep + 1 {
                    indents.pop();
                    out.tokens.push((p, Token::Dedent, p));
                    out.offsets.push(span.start);
                }
            }
        }
        let tok = match res {
            Ok(t) => t,
            Err(e) => {
                if let Some(msg) = e.msg {
                    out.error = Some(mk_err(msg, e.off, e.end, e.lazy));
                    return out;
                }
                // An unrecognized ASCII character: an error token the parser cannot accept.
                let c = src[span.start..].chars().next().unwrap_or(' ');
                if c.is_ascii_control() && c != '\t' {
                    let msg = format!("invalid non-printable character U+{:04X}", c as u32);
                    out.error = Some(mk_err(msg, span.start, None, false));
                    return out;
                }
                Token::ErrorTok
            }
        };
        let tok = match tok {
            Token::Newline => {
                if brackets.is_empty() && !implicit_paren && line_has_tokens {
                    // CPython's NEWLINE token starts at a trailing comment, if any.
                    let at = src[last_end..span.start].find('#').map_or(span.start, |k| last_end + k);
                    let p = index.pos(src, at);
                    out.tokens.push((p, Token::NewlineTok, Pos { line: p.line, col: p.col + 1 }));
                    out.offsets.push(span.start);
                    at_bol = true;
                    line_has_tokens = false;
                }
                line_start = span.end;
                continue;
            }
            Token::Backslash => {
                // A `\` not followed by a newline.
                if span.end >= src.len() || src[span.end..].trim_end_matches([' ', '\t']).is_empty() {
                    out.eof_in_continuation = true;
                    out.error = Some(mk_err("unexpected EOF while parsing".to_string(), span.end, None, true));
                } else {
                    out.error = Some(mk_err("unexpected character after line continuation character".to_string(), span.end, None, false));
                }
                return out;
            }
            Token::Name(s) => keyword(&s).unwrap_or(Token::Name(s)),
            Token::Str(mut lit) => {
                lit.body_pos = index.pos(src, lit.body_off);
                Token::Str(lit)
            }
            t => t,
        };
        line_has_tokens = true;
        let p = index.pos(src, span.start);
        match tok {
            Token::LPar | Token::LSqb | Token::LBrace => {
                if brackets.len() >= MAX_BRACKET_DEPTH {
                    out.error = Some(mk_err("too many nested parentheses".to_string(), span.start, None, false));
                    return out;
                }
                let c = match tok {
                    Token::LPar => '(',
                    Token::LSqb => '[',
                    _ => '{',
                };
                brackets.push((c, p));
            }
            Token::RPar | Token::RSqb | Token::RBrace => {
                let c = match tok {
                    Token::RPar => ')',
                    Token::RSqb => ']',
                    _ => '}',
                };
                match brackets.pop() {
                    None => {
                        out.error = Some(mk_err(format!("unmatched '{c}'"), span.start, None, false));
                        return out;
                    }
                    Some((open, op)) => {
                        let ok = matches!((open, c), ('(', ')') | ('[', ']') | ('{', '}'));
                        if !ok {
                            let msg = if op.line != p.line {
                                format!("closing parenthesis '{c}' does not match opening parenthesis '{open}' on line {}", op.line)
                            } else {
                                format!("closing parenthesis '{c}' does not match opening parenthesis '{open}'")
                            };
                            out.error = Some(mk_err(msg, span.start, None, false));
                            return out;
                        }
                    }
                }
            }
            _ => {}
        }
        let end = index.pos(src, span.end);
        out.tokens.push((p, tok, end));
        out.offsets.push(span.start);
        last_end = span.end;
    }
    if let Some(&(c, p)) = brackets.last() {
        out.unclosed = Some((c, p));
        return out;
    }
    if implicit_paren {
        return out;
    }
    let eof = index.pos(src, src.len());
    if line_has_tokens {
        let at = src[last_end..].find('#').map_or(src.len(), |k| last_end + k);
        let p = index.pos(src, at);
        out.tokens.push((p, Token::NewlineTok, Pos { line: p.line, col: p.col + 1 }));
        out.offsets.push(last_end);
    }
    for _ in 1..indents.len() {
        out.tokens.push((eof, Token::Dedent, eof));
        out.offsets.push(src.len());
    }
    out
}

impl LineIndex {
    /// The line CPython reports as "detected at line N": the line of offset `end` (or the
    /// last line of the text when `end` is the end of input).
    fn last_line_upto(&self, src: &str, end: Option<usize>) -> u32 {
        match end {
            Some(e) if e < src.len() => self.pos(src, e).line,
            _ => self.last_line(src),
        }
    }
}
