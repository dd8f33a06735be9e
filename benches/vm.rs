//! Criterion benches for the VM: small TinyPy programs run end to end through the library
//! (parse, compile, execute) the way `src/cli.rs` runs a file, with output sent to a sink.
//! One `Interpreter` and `Vm` serve every iteration of a bench; each iteration runs the
//! program as a fresh `__main__`. `interpreter_new` times creating an interpreter itself.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use std::io::Write;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;
use tpy::vm::{Interpreter, SharedWriter, Vm};

/// (bench name, program). Each runs in about a millisecond or a few under CPython.
const WORKLOADS: &[(&str, &str)] = &[
    (
        "fib_recursive",
        r#"
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)

assert fib(20) == 6765
"#,
    ),
    (
        "int_loop",
        r#"
def loop(n):
    total = 0
    i = 0
    while i < n:
        total += i * 3 % 7
        i += 1
    for j in range(n):
        total -= j & 5
    return total

loop(20000)
"#,
    ),
    (
        "float_math",
        r#"
def integrate(n):
    step = 1.0 / n
    acc = 0.0
    for i in range(n):
        x = (i + 0.5) * step
        acc += 4.0 / (1.0 + x * x)
    return acc * step

assert abs(integrate(20000) - 3.14159265) < 1e-6
"#,
    ),
    (
        "string_building",
        r#"
def build(n):
    parts = []
    s = ""
    for i in range(n):
        s += str(i)
        parts.append(f"{i}:{i * 2}")
    joined = ",".join(parts).upper()
    return len(s) + len(joined[::2]) + len(s[100:200] * 3)

build(3000)
"#,
    ),
    (
        "dict_ops",
        r#"
def words(n):
    counts = {}
    for i in range(n):
        key = "k" + str(i % 500)
        counts[key] = counts.get(key, 0) + 1
    total = 0
    for k, v in counts.items():
        if k in counts:
            total += v
    del counts["k0"]
    return total + len(counts)

words(10000)
"#,
    ),
    (
        "method_calls",
        r#"
class Counter:
    def __init__(self):
        self.value = 0

    def add(self, n):
        self.value += n
        return self

    def get(self):
        return self.value

def run(n):
    c = Counter()
    for i in range(n):
        c.add(i).add(1)
    return c.get()

run(10000)
"#,
    ),
    (
        "generators",
        r#"
def numbers(n):
    for i in range(n):
        yield i

def evens(source):
    for x in source:
        if x % 2 == 0:
            yield x

def chained(n):
    yield from evens(numbers(n))

total = sum(chained(20000)) + sum(x * x for x in range(5000))
"#,
    ),
];

fn sink() -> SharedWriter {
    let w: Box<dyn Write + Send> = Box::new(std::io::sink());
    Arc::new(parking_lot::Mutex::new(w))
}

fn new_vm() -> Vm {
    let interp = Interpreter::new(vec!["bench.py".to_string()], vec![".".into()], sink(), sink());
    Vm::new(Rc::new(interp))
}

fn configured() -> Criterion {
    Criterion::default().sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2))
}

fn workloads(c: &mut Criterion) {
    let mut group = c.benchmark_group("vm");
    for &(name, source) in WORKLOADS {
        let mut vm = new_vm();
        // A program that fails would time its traceback instead of its work.
        assert_eq!(vm.run_main(source, "bench.py"), 0, "workload {name} must run cleanly");
        group.bench_function(name, |b| b.iter(|| vm.run_main(black_box(source), "bench.py")));
    }
    group.finish();
}

fn interpreter_new(c: &mut Criterion) {
    c.bench_function("vm/interpreter_new", |b| b.iter(|| black_box(new_vm())));
}

criterion_group! {
    name = benches;
    config = configured();
    targets = workloads, interpreter_new
}
criterion_main!(benches);
