//! `time`: clocks and `sleep` (which releases the GIL).

use crate::runtime::objects::{Args, NativeFn};
use crate::runtime::value::Value;
use crate::vm::{PyResult, Vm};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn now_unix() -> Duration {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default()
}

fn time(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("time.time", &args, 0, 0)?;
    Ok(Value::Float(now_unix().as_secs_f64()))
}

fn time_ns(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("time.time_ns", &args, 0, 0)?;
    Ok(Value::from_bigint(num_bigint::BigInt::from(now_unix().as_nanos())))
}

/// Nanoseconds of a monotonic clock (CLOCK_MONOTONIC through `Instant`).
fn monotonic_nanos(vm: &Vm) -> u128 {
    Instant::now().duration_since(vm.interp.start).as_nanos() + 1_000_000_000
}

/// `perf_counter`/`monotonic` (one clock), checked under the caller's name for errors.
fn monotonic_secs(vm: &mut Vm, args: &Args, name: &str) -> PyResult<Value> {
    vm.check_args(name, args, 0, 0)?;
    Ok(Value::Float(monotonic_nanos(vm) as f64 / 1e9))
}

fn monotonic_int_ns(vm: &mut Vm, args: &Args, name: &str) -> PyResult<Value> {
    vm.check_args(name, args, 0, 0)?;
    Ok(Value::Int(monotonic_nanos(vm) as i64))
}

fn perf_counter(vm: &mut Vm, args: Args) -> PyResult<Value> {
    monotonic_secs(vm, &args, "time.perf_counter")
}

fn perf_counter_ns(vm: &mut Vm, args: Args) -> PyResult<Value> {
    monotonic_int_ns(vm, &args, "time.perf_counter_ns")
}

fn monotonic(vm: &mut Vm, args: Args) -> PyResult<Value> {
    monotonic_secs(vm, &args, "time.monotonic")
}

fn monotonic_ns(vm: &mut Vm, args: Args) -> PyResult<Value> {
    monotonic_int_ns(vm, &args, "time.monotonic_ns")
}

fn process_time(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("time.process_time", &args, 0, 0)?;
    Ok(Value::Float(crate::platform::process_cpu_time()))
}

fn thread_time(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("time.thread_time", &args, 0, 0)?;
    Ok(Value::Float(crate::platform::thread_cpu_time()))
}

/// Seconds as CPython's `_PyTime_FromSecondsObject` reads them (sleeps, lock timeouts): a
/// float must be a number within ±2**63 ns, an int must fit in nanoseconds too.
pub fn seconds_arg(vm: &Vm, v: &Value) -> PyResult<f64> {
    const LIMIT: f64 = 9_223_372_036.854_776; // 2**63 ns
    match v {
        Value::Float(f) if f.is_nan() => Err(vm.value_error("Invalid value NaN (not a number)")),
        Value::Float(f) if !(-LIMIT..LIMIT).contains(f) => Err(vm.overflow_error("timestamp out of range for platform time_t")),
        Value::Float(f) => Ok(*f),
        Value::Bool(b) => Ok(*b as i64 as f64),
        Value::Int(i) if i.unsigned_abs() <= 9_223_372_036 => Ok(*i as f64),
        Value::Int(_) | Value::BigInt(_) => Err(vm.overflow_error("timestamp too large to convert to C _PyTime_t")),
        other => Err(vm.type_error(format!("'{}' object cannot be interpreted as an integer", vm.type_name(other)))),
    }
}

fn sleep(vm: &mut Vm, args: Args) -> PyResult<Value> {
    vm.check_args("time.sleep", &args, 1, 1)?;
    let secs = seconds_arg(vm, &args.pos[0])?;
    if secs < 0.0 {
        return Err(vm.value_error("sleep length must be non-negative"));
    }
    let deadline = Duration::try_from_secs_f64(secs).ok().and_then(|d| std::time::Instant::now().checked_add(d));
    let Some(deadline) = deadline else { return Err(vm.overflow_error("timestamp too large to convert to C _PyTime_t")) };
    vm.flush_stdout();
    if !vm.is_main_thread() {
        vm.allow_threads(move || std::thread::sleep(deadline.saturating_duration_since(std::time::Instant::now())));
        return Ok(Value::None);
    }
    // The main thread's sleep ends early for SIGINT, which then raises KeyboardInterrupt.
    loop {
        let signals = vm.interp.signals.clone();
        if vm.allow_threads(move || signals.sleep_until(deadline)) {
            return Ok(Value::None);
        }
        vm.check_signals()?;
    }
}

pub const FUNCTIONS: &[(&str, NativeFn)] = &[
    ("time", time),
    ("time_ns", time_ns),
    ("perf_counter", perf_counter),
    ("perf_counter_ns", perf_counter_ns),
    ("monotonic", monotonic),
    ("monotonic_ns", monotonic_ns),
    ("process_time", process_time),
    ("thread_time", thread_time),
    ("sleep", sleep),
];

pub fn make(vm: &mut Vm) -> Value {
    super::new_module(vm, "time", FUNCTIONS)
}
