//! Criterion benches for the front end: `lexer::tokenize`, `parser::parse_module` and
//! `compiler::compile`, each on one large generated module (a few thousand lines).

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use std::time::Duration;
use tpy::ast::Pos;
use tpy::compiler::{compile, Mode};
use tpy::lexer::tokenize;
use tpy::parser::parse_module;

/// How many copies of the template the generated module holds (~40 lines each).
const COPIES: usize = 150;

/// A block of ordinary TinyPy: a class, functions, loops, comprehensions, f-strings,
/// try/except, with numbered names so every copy defines distinct things.
fn template(i: usize) -> String {
    format!(
        r#"
class Account{i}:
    """A bank account, copy {i}."""

    def __init__(self, owner, balance=0):
        self.owner = owner
        self.balance = balance
        self.history = []

    def deposit(self, amount):
        if amount <= 0:
            raise ValueError(f"bad amount: {{amount!r}}")
        self.balance += amount
        self.history.append(("deposit", amount))
        return self.balance


def process_{i}(items, *, scale=1.5):
    total = 0
    squares = [x * x for x in items if x % 2 == 0]
    table = {{k: v for k, v in zip(items, squares)}}
    for index, value in enumerate(items):
        try:
            total += value * scale - index / 3
        except (TypeError, ZeroDivisionError) as exc:
            print("error", exc)
        finally:
            pass
    while total > 1000 and not table:
        total //= 2
    return total, squares, table


def numbers_{i}(n):
    for k in range(n):
        yield k ** 2 + 0x1F - 0b101 + 3.25e-1


values_{i} = [process_{i}(list(range(10)))[0], *numbers_{i}(5)]
label_{i} = "account" + str({i}) if {i} % 3 == 0 else 'other {{}}'.format({i})
"#
    )
}

fn source() -> String {
    (0..COPIES).map(template).collect()
}

fn configured() -> Criterion {
    Criterion::default().sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2))
}

fn lexer(c: &mut Criterion) {
    let src = source();
    assert!(tokenize(&src, "bench.py", Pos { line: 1, col: 0 }, false).error.is_none());
    let mut group = c.benchmark_group("frontend");
    group.throughput(Throughput::Bytes(src.len() as u64));
    group.bench_function("lexer", |b| b.iter(|| tokenize(black_box(&src), "bench.py", Pos { line: 1, col: 0 }, false)));
    group.finish();
}

fn parser(c: &mut Criterion) {
    let src = source();
    assert!(parse_module(&src, "bench.py").is_ok(), "generated source must parse");
    let mut group = c.benchmark_group("frontend");
    group.throughput(Throughput::Bytes(src.len() as u64));
    group.bench_function("parser", |b| b.iter(|| parse_module(black_box(&src), "bench.py")));
    group.finish();
}

fn compiler(c: &mut Criterion) {
    let src = source();
    let Ok(module) = parse_module(&src, "bench.py") else { panic!("generated source must parse") };
    assert!(compile(&module, "bench.py", Mode::Module).is_ok(), "generated source must compile");
    let mut group = c.benchmark_group("frontend");
    group.throughput(Throughput::Bytes(src.len() as u64));
    group.bench_function("compiler", |b| b.iter(|| compile(black_box(&module), "bench.py", Mode::Module)));
    group.finish();
}

criterion_group! {
    name = benches;
    config = configured();
    targets = lexer, parser, compiler
}
criterion_main!(benches);
