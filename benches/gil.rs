//! The GIL's own costs: an uncontended release + take (what every blocking builtin pays), a
//! forced-switch round trip between two threads, and the VM loop with its normal check points
//! against a check point at every instruction (`-X switch=every-instruction`), which bounds what
//! the normal ones cost.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use parking_lot::Mutex;
use std::io::Write;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tpy::gil::{Gil, GilOptions, GIL_DROP_REQUEST};
use tpy::vm::{Interpreter, SharedWriter, Vm};

fn uncontended(c: &mut Criterion) {
    let gil = Gil::new();
    let mut guard = gil.acquire("bench");
    c.bench_function("gil/uncontended_release_take", |b| b.iter(|| guard.allow_threads(|| black_box(1))));
}

/// Hands the GIL over whenever the other thread asks, as the VM's check point does.
fn serve(guard: &mut tpy::gil::GilGuard, gil: &Gil, stop: &AtomicBool) -> u64 {
    let mut switches = 0;
    while !stop.load(Ordering::Relaxed) {
        if gil.eval_breaker.load(Ordering::Relaxed) & GIL_DROP_REQUEST != 0 {
            guard.forced_switch();
            switches += 1;
        }
    }
    switches
}

fn handoff(c: &mut Criterion) {
    c.bench_function("gil/forced_switch_round_trip", |b| {
        b.iter_custom(|iters| {
            let gil = Gil::new();
            gil.set_switch_interval(1e-6);
            let stop = Arc::new(AtomicBool::new(false));
            let (g2, s2) = (gil.clone(), stop.clone());
            let other = std::thread::spawn(move || {
                let mut guard = g2.acquire("other");
                serve(&mut guard, &g2, &s2);
            });
            let mut guard = gil.acquire("bench");
            let start = Instant::now();
            let mut done = 0;
            while done < iters {
                if gil.eval_breaker.load(Ordering::Relaxed) & GIL_DROP_REQUEST != 0 {
                    guard.forced_switch();
                    done += 1;
                }
            }
            let elapsed = start.elapsed();
            stop.store(true, Ordering::Relaxed);
            drop(guard);
            other.join().expect("other thread");
            elapsed
        })
    });
}

const LOOP: &str = "total = 0\nfor i in range(200000):\n    total += i % 7\n";

fn vm_with(every_instruction: bool) -> Vm {
    let w: Box<dyn Write + Send> = Box::new(std::io::sink());
    let sink: SharedWriter = Arc::new(Mutex::new(w));
    let mut interp = Interpreter::new(vec!["bench.py".to_string()], vec![".".into()], sink.clone(), sink);
    interp.gil = Gil::with_options(GilOptions { every_instruction, ..GilOptions::default() });
    Vm::new(Rc::new(interp))
}

fn check_points(c: &mut Criterion) {
    let mut group = c.benchmark_group("check_point");
    for (name, every) in [("normal", false), ("every_instruction", true)] {
        let mut vm = vm_with(every);
        group.bench_function(name, |b| b.iter(|| vm.run_main(black_box(LOOP), "bench.py")));
    }
    group.finish();
}

fn configured() -> Criterion {
    Criterion::default().sample_size(20).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2))
}

criterion_group! { name = benches; config = configured(); targets = uncontended, handoff, check_points }
criterion_main!(benches);
