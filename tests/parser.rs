//! Parser tests: our AST (and SyntaxErrors) compared with CPython's for a corpus of snippets.
//!
//! `tests/parser_cases/*.txt` hold snippets separated by lines starting with `#----`;
//! `tests/parser_cases/dump.py` dumps CPython's AST for each in a simplified format that
//! `dump_module` below reproduces from ours. python3 (3.11) is the oracle.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;
use tpy::ast::*;
use tpy::parser::{input_is_incomplete, parse_expression, parse_module};

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join("parser_cases")
}

fn split_cases(text: &str) -> Vec<String> {
    let mut cases = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for line in text.split('\n') {
        if line.starts_with("#----") {
            cases.push(cur.join("\n"));
            cur.clear();
        } else {
            cur.push(line);
        }
    }
    if cur.iter().any(|l| !l.trim().is_empty()) {
        cases.push(cur.join("\n"));
    }
    cases
}

// ------------------------------------------------------------------ dumper

fn s(v: &str) -> String {
    let mut out = String::from("\"");
    for ch in v.chars() {
        let o = ch as u32;
        if (0x20..0x7f).contains(&o) && ch != '"' && ch != '\\' {
            out.push(ch);
        } else {
            let _ = write!(out, "\\u{{{o:x}}}");
        }
    }
    out.push('"');
    out
}

fn p(pos: Pos) -> String {
    format!("@{}:{}", pos.line, pos.col)
}

fn opt(e: &Option<Expr>) -> String {
    e.as_ref().map_or("None".to_string(), dump_expr)
}

fn optb(e: &Option<Box<Expr>>) -> String {
    e.as_ref().map_or("None".to_string(), |e| dump_expr(e))
}

fn el(v: &[Expr]) -> String {
    format!("[{}]", v.iter().map(dump_expr).collect::<Vec<_>>().join(", "))
}

fn sl(v: &[Stmt]) -> String {
    format!("[{}]", v.iter().map(dump_stmt).collect::<Vec<_>>().join(", "))
}

fn binop(o: BinOp) -> &'static str {
    match o {
        BinOp::Add => "Add",
        BinOp::Sub => "Sub",
        BinOp::Mult => "Mult",
        BinOp::MatMult => "MatMult",
        BinOp::Div => "Div",
        BinOp::FloorDiv => "FloorDiv",
        BinOp::Mod => "Mod",
        BinOp::Pow => "Pow",
        BinOp::LShift => "LShift",
        BinOp::RShift => "RShift",
        BinOp::BitOr => "BitOr",
        BinOp::BitXor => "BitXor",
        BinOp::BitAnd => "BitAnd",
    }
}

fn cmpop(o: CmpOp) -> &'static str {
    match o {
        CmpOp::Eq => "Eq",
        CmpOp::NotEq => "NotEq",
        CmpOp::Lt => "Lt",
        CmpOp::LtE => "LtE",
        CmpOp::Gt => "Gt",
        CmpOp::GtE => "GtE",
        CmpOp::Is => "Is",
        CmpOp::IsNot => "IsNot",
        CmpOp::In => "In",
        CmpOp::NotIn => "NotIn",
    }
}

fn constant(c: &Constant) -> String {
    match c {
        Constant::None => "None".into(),
        Constant::True => "True".into(),
        Constant::False => "False".into(),
        Constant::Ellipsis => "Ellipsis".into(),
        Constant::Int(i) => format!("Int({i})"),
        Constant::BigInt(b) => format!("Int({b})"),
        Constant::Float(f) => format!("Float({})", f.to_bits()),
        Constant::Str(v) => format!("Str({})", s(v)),
        Constant::Bytes(b) => {
            format!("Bytes(b[{}])", b.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(","))
        }
    }
}

fn param(x: &Param) -> String {
    format!("{}{}({}, {})", x.name, p(x.pos), opt(&x.annotation), opt(&x.default))
}

fn params(a: &Params) -> String {
    let j = |v: &[Param]| v.iter().map(param).collect::<Vec<_>>().join(", ");
    format!(
        "Params([{}], [{}], {}, [{}], {})",
        j(&a.posonly),
        j(&a.args),
        a.vararg.as_ref().map_or("None".into(), param),
        j(&a.kwonly),
        a.kwarg.as_ref().map_or("None".into(), param)
    )
}

fn comps(v: &[Comprehension]) -> String {
    v.iter()
        .map(|c| {
            let async_ = if c.is_async { "True" } else { "False" };
            format!("comp({}, {}, {}, {})", dump_expr(&c.target), dump_expr(&c.iter), el(&c.ifs), async_)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn kw(k: &Keyword) -> String {
    format!("kw{}({}, {})", p(k.pos), k.arg.as_deref().unwrap_or("None"), dump_expr(&k.value))
}

fn kws(v: &[Keyword]) -> String {
    v.iter().map(kw).collect::<Vec<_>>().join(", ")
}

fn b(v: bool) -> &'static str {
    if v {
        "True"
    } else {
        "False"
    }
}

fn dump_expr(e: &Expr) -> String {
    let pp = p(e.pos);
    match &e.kind {
        ExprKind::Name(n) => format!("Name{pp}({n})"),
        ExprKind::Constant(c) => format!("Constant{pp}({})", constant(c)),
        ExprKind::JoinedStr(parts) => {
            let ps: Vec<String> = parts
                .iter()
                .map(|x| match x {
                    FStringPart::Literal(l) => format!("Lit({})", s(l)),
                    FStringPart::Formatted { value, conversion, format_spec } => format!(
                        "FV({}, {}, {})",
                        dump_expr(value),
                        conversion.map_or("None".to_string(), |c| c.to_string()),
                        optb(format_spec)
                    ),
                })
                .collect();
            format!("JoinedStr{pp}([{}])", ps.join(", "))
        }
        ExprKind::BoolOp { op, values } => {
            let o = if *op == BoolOp::And { "And" } else { "Or" };
            format!("BoolOp{pp}({o}, {})", el(values))
        }
        ExprKind::NamedExpr { target, value } => {
            format!("NamedExpr{pp}({target}, {})", dump_expr(value))
        }
        ExprKind::BinOp { left, op, right } => {
            format!("BinOp{pp}({}, {}, {})", dump_expr(left), binop(*op), dump_expr(right))
        }
        ExprKind::UnaryOp { op, operand } => {
            let o = match op {
                UnaryOp::Invert => "Invert",
                UnaryOp::Not => "Not",
                UnaryOp::UAdd => "UAdd",
                UnaryOp::USub => "USub",
            };
            format!("UnaryOp{pp}({o}, {})", dump_expr(operand))
        }
        ExprKind::Lambda { params: a, body } => {
            format!("Lambda{pp}({}, {})", params(a), dump_expr(body))
        }
        ExprKind::IfExp { test, body, orelse } => {
            format!("IfExp{pp}({}, {}, {})", dump_expr(test), dump_expr(body), dump_expr(orelse))
        }
        ExprKind::Dict { keys, values } => {
            let ks: Vec<String> = keys.iter().map(opt).collect();
            format!("Dict{pp}([{}], {})", ks.join(", "), el(values))
        }
        ExprKind::Set(v) => format!("Set{pp}({})", el(v)),
        ExprKind::List(v) => format!("List{pp}({})", el(v)),
        ExprKind::Tuple(v) => format!("Tuple{pp}({})", el(v)),
        ExprKind::ListComp { elt, generators } => {
            format!("ListComp{pp}({}, [{}])", dump_expr(elt), comps(generators))
        }
        ExprKind::SetComp { elt, generators } => {
            format!("SetComp{pp}({}, [{}])", dump_expr(elt), comps(generators))
        }
        ExprKind::GeneratorExp { elt, generators } => {
            format!("GeneratorExp{pp}({}, [{}])", dump_expr(elt), comps(generators))
        }
        ExprKind::DictComp { key, value, generators } => {
            format!("DictComp{pp}({}, {}, [{}])", dump_expr(key), dump_expr(value), comps(generators))
        }
        ExprKind::Await(v) => format!("Await{pp}({})", dump_expr(v)),
        ExprKind::Yield(v) => format!("Yield{pp}({})", optb(v)),
        ExprKind::YieldFrom(v) => format!("YieldFrom{pp}({})", dump_expr(v)),
        ExprKind::Compare { left, ops, comparators } => format!(
            "Compare{pp}({}, [{}], {})",
            dump_expr(left),
            ops.iter().map(|o| cmpop(*o)).collect::<Vec<_>>().join(", "),
            el(comparators)
        ),
        ExprKind::Call { func, args, keywords } => {
            format!("Call{pp}({}, {}, [{}])", dump_expr(func), el(args), kws(keywords))
        }
        ExprKind::Attribute { value, attr } => {
            format!("Attribute{pp}({}, {attr})", dump_expr(value))
        }
        ExprKind::Subscript { value, index } => {
            format!("Subscript{pp}({}, {})", dump_expr(value), dump_expr(index))
        }
        ExprKind::Starred(v) => format!("Starred{pp}({})", dump_expr(v)),
        ExprKind::Slice { lower, upper, step } => {
            format!("Slice{pp}({}, {}, {})", optb(lower), optb(upper), optb(step))
        }
    }
}

fn alias(a: &Alias) -> String {
    format!("{} as {}", a.name, a.asname.as_deref().unwrap_or("None"))
}

fn dump_stmt(st: &Stmt) -> String {
    let pp = p(st.pos);
    match &st.kind {
        StmtKind::Expr(e) => format!("Expr{pp}({})", dump_expr(e)),
        StmtKind::Assign { targets, value } => {
            format!("Assign{pp}({}, {})", el(targets), dump_expr(value))
        }
        StmtKind::AugAssign { target, op, value } => {
            format!("AugAssign{pp}({}, {}, {})", dump_expr(target), binop(*op), dump_expr(value))
        }
        StmtKind::AnnAssign { target, annotation, value, simple } => {
            format!("AnnAssign{pp}({}, {}, {}, {})", dump_expr(target), dump_expr(annotation), opt(value), b(*simple))
        }
        StmtKind::Delete(v) => format!("Delete{pp}({})", el(v)),
        StmtKind::Pass => format!("Pass{pp}"),
        StmtKind::Break => format!("Break{pp}"),
        StmtKind::Continue => format!("Continue{pp}"),
        StmtKind::Return(v) => format!("Return{pp}({})", opt(v)),
        StmtKind::Raise { exc, cause } => format!("Raise{pp}({}, {})", opt(exc), opt(cause)),
        StmtKind::Global(v) => format!("Global{pp}({})", v.join(", ")),
        StmtKind::Nonlocal(v) => format!("Nonlocal{pp}({})", v.join(", ")),
        StmtKind::Assert { test, msg } => format!("Assert{pp}({}, {})", dump_expr(test), opt(msg)),
        StmtKind::If { test, body, orelse } => {
            format!("If{pp}({}, {}, {})", dump_expr(test), sl(body), sl(orelse))
        }
        StmtKind::While { test, body, orelse } => {
            format!("While{pp}({}, {}, {})", dump_expr(test), sl(body), sl(orelse))
        }
        StmtKind::For { target, iter, body, orelse, is_async } => {
            format!("For{pp}({}, {}, {}, {}, {})", dump_expr(target), dump_expr(iter), sl(body), sl(orelse), b(*is_async))
        }
        StmtKind::With { items, body, is_async } => {
            let its: Vec<String> = items.iter().map(|i| format!("({}, {})", dump_expr(&i.context), opt(&i.target))).collect();
            format!("With{pp}([{}], {}, {})", its.join(", "), sl(body), b(*is_async))
        }
        StmtKind::Try { body, handlers, orelse, finalbody } => {
            let hs: Vec<String> = handlers
                .iter()
                .map(|h| format!("Handler{}({}, {}, {})", p(h.pos), opt(&h.typ), h.name.as_deref().unwrap_or("None"), sl(&h.body)))
                .collect();
            format!("Try{pp}({}, [{}], {}, {})", sl(body), hs.join(", "), sl(orelse), sl(finalbody))
        }
        StmtKind::FunctionDef(f) => format!(
            "FunctionDef{pp}({}, {}, {}, {}, {}, {})",
            f.name,
            params(&f.params),
            sl(&f.body),
            el(&f.decorators),
            opt(&f.returns),
            b(f.is_async)
        ),
        StmtKind::ClassDef(c) => {
            format!("ClassDef{pp}({}, {}, [{}], {}, {})", c.name, el(&c.bases), kws(&c.keywords), sl(&c.body), el(&c.decorators))
        }
        StmtKind::Import(v) => format!("Import{pp}([{}])", v.iter().map(alias).collect::<Vec<_>>().join(", ")),
        StmtKind::ImportFrom { module, names, level } => {
            format!("ImportFrom{pp}({module}, [{}], {level})", names.iter().map(alias).collect::<Vec<_>>().join(", "))
        }
    }
}

fn dump_result(src: &str) -> String {
    match parse_module(src, "t.py") {
        Ok(m) => format!("Module({})", sl(&m.body)),
        Err(e) => format!("ERR {}|{}|{}|{}", e.kind.name(), e.msg, e.line, e.col),
    }
}

fn python_dump(file: &str) -> Vec<String> {
    let out = Command::new("python3")
        .arg(cases_dir().join("dump.py"))
        .arg(cases_dir().join(file))
        .output()
        .expect("python3 is needed for the parser tests");
    assert!(out.status.success(), "dump.py failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    text.trim_end_matches('\n').split("\n=====\n").map(str::to_string).collect()
}

fn compare_file(file: &str) {
    let text = std::fs::read_to_string(cases_dir().join(file)).expect("cases file");
    let cases = split_cases(&text);
    let expected = python_dump(file);
    assert_eq!(cases.len(), expected.len(), "case count differs from python's");
    let mut failures = Vec::new();
    let mut col_diffs = Vec::new();
    for (src, want) in cases.iter().zip(&expected) {
        let got = dump_result(src);
        if &got == want {
            continue;
        }
        // For errors, type, message and line must match; the caret column is reported only.
        let strip = |s: &str| s.rsplit_once('|').map_or(s.to_string(), |(a, _)| a.to_string());
        if got.starts_with("ERR") && want.starts_with("ERR") && strip(&got) == strip(want) {
            col_diffs.push(format!("{src:?}: python {want} / tpy {got}"));
            continue;
        }
        failures.push(format!("--- source:\n{src}\n--- python:\n{want}\n--- tpy:\n{got}\n"));
    }
    if !col_diffs.is_empty() {
        eprintln!("{} error columns differ from CPython's:\n{}", col_diffs.len(), col_diffs.join("\n"));
    }
    if !failures.is_empty() {
        panic!("{} of {} cases differ from CPython:\n{}", failures.len(), cases.len(), failures.join("\n"));
    }
}

/// Every `.tpy` program in the repository (samples and test programs) parses as CPython's.
#[test]
fn programs_match_cpython() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["samples", "tests/programs"] {
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            let Ok(rd) = std::fs::read_dir(&d) else {
                continue;
            };
            for entry in rd.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "tpy" || e == "py") {
                    files.push(path);
                }
            }
        }
    }
    files.sort();
    // Only well-formed UTF-8 files (others are for the runtime's decoding tests).
    files.retain(|f| std::fs::read_to_string(f).is_ok());
    if files.is_empty() {
        return;
    }
    let out = Command::new("python3")
        .arg(cases_dir().join("dump.py"))
        .arg("--files")
        .args(&files)
        .output()
        .expect("python3 is needed for the parser tests");
    assert!(out.status.success(), "dump.py failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let expected: Vec<&str> = text.trim_end_matches('\n').split("\n=====\n").collect();
    assert_eq!(expected.len(), files.len());
    let mut failures = Vec::new();
    for (f, want) in files.iter().zip(expected) {
        let src = std::fs::read_to_string(f).expect("read");
        let got = dump_result(&src);
        let strip = |s: &str| s.rsplit_once('|').map_or(s.to_string(), |(a, _)| a.to_string());
        let same = got == want || (got.starts_with("ERR") && want.starts_with("ERR") && strip(&got) == strip(want));
        if !same {
            let (g, w) = first_difference(&got, want);
            failures.push(format!("{}:\n  python: ...{w}\n  tpy:    ...{g}", f.display()));
        }
    }
    assert!(failures.is_empty(), "{} of {} programs differ from CPython:\n{}", failures.len(), files.len(), failures.join("\n"));
}

fn first_difference<'a>(a: &'a str, b: &'a str) -> (&'a str, &'a str) {
    let n = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    let mut start = n.saturating_sub(120);
    while !a.is_char_boundary(start) || !b.is_char_boundary(start) {
        start -= 1;
    }
    let cut = |s: &'a str| {
        let mut end = (n + 200).min(s.len());
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        &s[start..end]
    };
    (cut(a), cut(b))
}

#[test]
fn ast_matches_cpython() {
    compare_file("ok.txt");
}

/// 3000 random mutations of `ok.txt` (generated once with python): we must accept exactly
/// what CPython accepts, with the same AST; error messages are compared and reported, but
/// only the accept/reject decision and the ASTs must match.
#[test]
fn mutants_match_cpython() {
    let text = std::fs::read_to_string(cases_dir().join("zz_fuzz.txt")).expect("cases file");
    let cases = split_cases(&text);
    let expected = python_dump("zz_fuzz.txt");
    assert_eq!(cases.len(), expected.len(), "case count differs from python's");
    let mut failures = Vec::new();
    let mut msg_diffs = 0;
    for (src, want) in cases.iter().zip(&expected) {
        let got = dump_result(src);
        if &got == want {
            continue;
        }
        if got.starts_with("ERR") && want.starts_with("ERR") {
            msg_diffs += 1;
            continue;
        }
        failures.push(format!("--- source:\n{src}\n--- python:\n{want}\n--- tpy:\n{got}\n"));
    }
    eprintln!("{msg_diffs} of {} mutants get a different error message than CPython's", cases.len());
    assert!(failures.is_empty(), "{} mutants differ from CPython:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn errors_match_cpython() {
    compare_file("errors.txt");
}

// ------------------------------------------------------------------ limits and robustness

fn err_of(src: &str) -> tpy::error::SyntaxError {
    match parse_module(src, "t.py") {
        Ok(_) => panic!("expected an error for {:?}", &src[..src.len().min(80)]),
        Err(e) => e,
    }
}

/// Runs `f` on a thread with a small stack, as a worker thread would have.
fn on_small_stack<F: FnOnce() + Send + 'static>(f: F) {
    std::thread::Builder::new().stack_size(2 << 20).spawn(f).expect("spawn").join().expect("no panic");
}

#[test]
fn nested_brackets_limit() {
    on_small_stack(|| {
        let ok = format!("x = {}1{}\n", "(".repeat(100), ")".repeat(100));
        parse_module(&ok, "t.py").expect("100 nested parentheses parse");
        let ok = format!("x = {}{}\n", "[".repeat(199), "]".repeat(199));
        parse_module(&ok, "t.py").expect("199 nested brackets parse");
        let e = err_of(&format!("x = {}{}\n", "(".repeat(201), ")".repeat(201)));
        assert_eq!(e.msg, "too many nested parentheses");
        let e = err_of(&format!("x = {}{}\n", "(".repeat(10000), ")".repeat(10000)));
        assert_eq!(e.msg, "too many nested parentheses");
        assert_eq!(e.line, 1);
    });
}

#[test]
fn indentation_limit() {
    let nest = |n: usize| {
        let mut s = String::new();
        for i in 0..n {
            s.push_str(&" ".repeat(i));
            s.push_str("if x:\n");
        }
        s.push_str(&" ".repeat(n));
        s.push_str("pass\n");
        s
    };
    parse_module(&nest(99), "t.py").expect("99 levels parse");
    let e = err_of(&nest(100));
    assert_eq!(e.kind.name(), "IndentationError");
    assert_eq!(e.msg, "too many levels of indentation");
}

#[test]
fn deep_expressions_do_not_overflow() {
    on_small_stack(|| {
        for src in [
            format!("x = {}1\n", "-".repeat(100_000)),
            format!("x = {}x\n", "not ".repeat(100_000)),
            format!("x = {}\n", vec!["1"; 100_000].join("+")),
            format!("x = {}\n", vec!["1"; 100_000].join("**")),
            format!("x = a{}\n", ".b".repeat(100_000)),
            format!("x = a{}\n", "()".repeat(100_000)),
            format!("x = {}c\n", "a if b else ".repeat(50_000)),
            format!("x = {}c\n", "lambda: ".repeat(50_000)),
            format!("x = {}1\n", "await ".repeat(50_000)),
            format!("if x:\n  pass\n{}", "elif x:\n  pass\n".repeat(20_000)),
            format!("x = {}1 +\n", "-".repeat(100_000)),
        ] {
            let e = err_of(&src);
            assert_eq!(e.kind.name(), "SyntaxError");
        }
        // Moderately deep trees are fine (CPython accepts 2500 levels).
        parse_module(&format!("x = {}1\n", "-".repeat(2500)), "t.py").expect("2500 unary minus");
        parse_module(&format!("x = {}\n", vec!["1"; 2500].join("+")), "t.py").expect("2500 terms");
    });
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn garbage_never_panics() {
    on_small_stack(|| {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let fixed = [
            "",
            "\n",
            "\\",
            "\\\n",
            "\0",
            "x\0",
            "'",
            "\"",
            "'''",
            "\"\"\"",
            "f'",
            "f'{",
            "f'{'",
            "f\"{x!}\"",
            "  x",
            " ",
            "\t",
            "\tx\n",
            "(",
            ")",
            "[",
            "}",
            "((]",
            "@",
            "@\n",
            "if",
            "if:",
            "def",
            "class",
            "lambda",
            "x = (1,\n",
            "\u{2026}",
            "\u{feff}x = 1",
            "\r\n\r\n",
            "x\r",
            "é = 1",
            "0x",
            "1e",
            "1_",
            "f'{x:{y:{z}}}'",
            "b'\u{e9}'",
            "'\\N{'",
            "'\\x'",
            "'\\u12'",
            "\"\\U\"",
            "with (",
            "with (a as b",
            "async",
            "await",
            "yield",
            "*",
            "**",
            "x: ",
            "del",
            "del ()",
            "import",
            "from",
            "from .",
            "global",
            "f'{'a'}'",
            "f'''{\n}'''",
            "f'{x=}'",
            "f'{=}'",
            "f'{!r}'",
            "f'{x!r:{'",
            "x[::]=1",
            "x = *a,",
        ];
        for src in fixed {
            let _ = parse_module(src, "t.py");
            let _ = parse_expression(src, "t.py");
            let _ = input_is_incomplete(src);
        }
        let alphabet: Vec<char> = " \t\n\\'\"#()[]{}:;,.=+-*/%<>!@~^&|0123456789abcxyzfbruif_ \u{e9}\u{2026}".chars().collect();
        for _ in 0..3000 {
            let len = rng.below(40);
            let s: String = (0..len).map(|_| alphabet[rng.below(alphabet.len())]).collect();
            let _ = parse_module(&s, "t.py");
            let _ = input_is_incomplete(&s);
        }
        // Random bytes, decoded lossily.
        for _ in 0..500 {
            let len = rng.below(64);
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let _ = parse_module(&String::from_utf8_lossy(&bytes), "t.py");
        }
        // Mutations of the valid corpus.
        let text = std::fs::read_to_string(cases_dir().join("ok.txt")).expect("corpus");
        let cases = split_cases(&text);
        for _ in 0..3000 {
            let base: Vec<char> = cases[rng.below(cases.len())].chars().collect();
            let mut v = base.clone();
            for _ in 0..1 + rng.below(3) {
                if v.is_empty() {
                    break;
                }
                let i = rng.below(v.len());
                match rng.below(3) {
                    0 => {
                        v.remove(i);
                    }
                    1 => v.insert(i, alphabet[rng.below(alphabet.len())]),
                    _ => v.truncate(i),
                }
            }
            let s: String = v.into_iter().collect();
            let _ = parse_module(&s, "t.py");
            let _ = input_is_incomplete(&s);
        }
    });
}

#[test]
fn expression_api() {
    let e = parse_expression("1 + 2 * x", "<string>").expect("parses");
    assert_eq!(dump_expr(&e), "BinOp@1:0(Constant@1:0(Int(1)), Add, BinOp@1:4(Constant@1:4(Int(2)), Mult, Name@1:8(x)))");
    let e = parse_expression("(a,\n b)", "<string>").expect("parses");
    assert!(matches!(e.kind, ExprKind::Tuple(_)));
    assert!(parse_expression("x = 1", "<string>").is_err());
    assert!(parse_expression("", "<string>").is_err());
}

#[test]
fn repl_incomplete_input() {
    for src in [
        "if x:",
        "if x:\n",
        "def f():\n    return 1\n",
        "for i in range(3):\n    print(i)",
        "x = (1,",
        "x = [\n1,\n",
        "x = '''abc",
        "x = 1 + \\",
        "class A:\n    def f(self):\n        pass\n",
        "while True:\n    pass\nelse:",
        "@dec",
        "try:\n    pass\n",
    ] {
        assert!(input_is_incomplete(src), "should be incomplete: {src:?}");
    }
    for src in [
        "x = 1",
        "x = 1\n",
        "print(1)",
        "if x: pass",
        "x = )",
        "x = 'abc",
        "if x:\n    pass\n\n",
        "def f():\n    return 1\n\n",
        "1 +",
        "",
        "import os",
    ] {
        assert!(!input_is_incomplete(src), "should be complete: {src:?}");
    }
}

#[test]
fn positions_are_in_characters() {
    let m = parse_module("x = 'é' + y\n", "t.py").expect("parses");
    let StmtKind::Assign { value, .. } = &m.body[0].kind else { panic!("assign") };
    let ExprKind::BinOp { right, .. } = &value.kind else { panic!("binop") };
    assert_eq!(right.pos, Pos { line: 1, col: 10 });
}

#[test]
fn error_render_matches_cpython_shape() {
    let src = "print(\"a\"\n";
    let e = err_of(src);
    assert_eq!(e.render(src), "  File \"t.py\", line 1\n    print(\"a\"\n         ^\nSyntaxError: '(' was never closed\n");
}
