//! Table-driven tests for `format()`, `repr(float)` and `%`-formatting. Every expected
//! value in `testdata/format_cases.tsv` was produced by CPython 3.11.

use num_bigint::BigInt;

use super::float_repr::float_repr;
use super::format_spec::{format_float, format_int, format_str};
use super::printf::{
    parse_percent, parse_percent_directives, percent_char_from_int, percent_format_char, percent_format_float, percent_format_int,
    percent_format_str, Piece,
};
use super::NumError;

/// Undo the generator's escaping (`\\` and `\u{hex}`).
pub(crate) fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('u') => {
                it.next();
                let hex: String = it.by_ref().take_while(|c| *c != '}').collect();
                let code = u32::from_str_radix(&hex, 16).expect("hex escape");
                out.push(char::from_u32(code).expect("valid char"));
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Parse an int written in decimal or as `[-]0xHEX`.
pub(crate) fn big(s: &str) -> BigInt {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let v = match body.strip_prefix("0x") {
        Some(h) => BigInt::parse_bytes(h.as_bytes(), 16),
        None => BigInt::parse_bytes(body.as_bytes(), 10),
    }
    .expect("int literal");
    if neg {
        -v
    } else {
        v
    }
}

pub(crate) fn float(s: &str) -> f64 {
    s.parse().expect("float literal")
}

/// Render a result the way the table does: `=value` or `!Kind:message`.
pub(crate) fn show(r: Result<String, NumError>) -> String {
    match r {
        Ok(s) => format!("={s}"),
        Err(e) => format!("!{}:{}", e.kind(), e.message()),
    }
}

fn single_directive(fmt: &str) -> (String, super::printf::PercentSpec, String) {
    let pieces = parse_percent_directives(fmt).expect("directive parses");
    let mut prefix = String::new();
    let mut suffix = String::new();
    let mut spec = None;
    for p in pieces {
        match p {
            Piece::Literal(s) if spec.is_none() => prefix.push_str(&s),
            Piece::Literal(s) => suffix.push_str(&s),
            Piece::Directive(d) => spec = Some(d.resolve(None, None)),
        }
    }
    (prefix, spec.expect("one directive"), suffix)
}

fn pct(fmt: &str, f: impl Fn(&super::printf::PercentSpec) -> Result<String, NumError>) -> Result<String, NumError> {
    let (pre, spec, post) = single_directive(fmt);
    Ok(format!("{pre}{}{post}", f(&spec)?))
}

fn pct_parse(fmt: &str) -> Result<String, NumError> {
    for p in parse_percent(fmt) {
        if let Piece::Directive(d) = p {
            if let Some(e) = d.error {
                return Err(e);
            }
            if !d.is_supported() {
                return Err(d.unsupported_error());
            }
        }
    }
    Ok("ok".into())
}

fn run(op: &str, a: &[String]) -> Result<String, NumError> {
    match op {
        "fmt_int" => format_int(&big(&a[0]), &a[1]),
        "fmt_float" => format_float(float(&a[0]), &a[1]),
        "fmt_str" => format_str(&a[0], &a[1]),
        "repr_float" => Ok(float_repr(float(&a[0]))),
        "pct_int" => pct(&a[0], |s| percent_format_int(&big(&a[1]), s)),
        "pct_float" => pct(&a[0], |s| percent_format_float(float(&a[1]), s)),
        "pct_str" if a[0].contains('r') => pct(&a[0], |s| percent_format_str(&super::py_str_repr(&a[1]), s)),
        "pct_str" => pct(&a[0], |s| percent_format_str(&a[1], s)),
        "pct_char" => pct(&a[0], |s| percent_format_char(percent_char_from_int(&big(&a[1]))?, s)),
        "pct_parse" => pct_parse(&a[0]),
        _ => panic!("unknown op {op}"),
    }
}

#[test]
fn format_table_matches_cpython() {
    let data = include_str!("testdata/format_cases.tsv");
    let mut failures = Vec::new();
    let mut count = 0;
    for line in data.lines().filter(|l| !l.is_empty()) {
        let fields: Vec<String> = line.split('\t').map(unescape).collect();
        let (expected, args) = fields[1..].split_last().expect("fields");
        let got = show(run(&fields[0], args));
        count += 1;
        if &got != expected {
            failures.push(format!("{line}\n    got: {got}"));
        }
    }
    assert!(failures.is_empty(), "{} of {count} failed:\n{}", failures.len(), failures[..failures.len().min(40)].join("\n"));
}
