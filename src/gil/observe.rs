//! `--gil-stats` and `--gil-trace`: what each thread did with the GIL, recorded by the GIL itself
//! under its own mutex, so the timestamps of a handoff are the handoff's.
//!
//! Every thread is always in one [`ThreadState`]; each transition closes a span of the previous
//! state, adds it to the thread's totals and (with tracing) keeps it for the trace file.

use super::ThreadId;
use std::fmt::Write as _;
use std::time::Instant;

/// What a thread is doing, from the GIL's point of view.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ThreadState {
    /// Registered, not yet asking for the GIL.
    Starting,
    /// Holding the GIL: running bytecode.
    Running,
    /// Waiting to take the GIL.
    Waiting,
    /// Released the GIL around a call that can block (I/O, sleep, lock waits).
    Blocked,
    Exited,
}

#[derive(Default)]
struct Totals {
    held: u64,
    waiting: u64,
    blocked: u64,
    acquisitions: u64,
    forced: u64,
    voluntary: u64,
    longest_wait: u64,
}

struct ThreadRecord {
    name: String,
    state: ThreadState,
    /// When the current state began (ns since the observer started).
    since: u64,
    totals: Totals,
}

/// One finished span of the trace: (thread, state, start ns, duration ns).
type Span = (ThreadId, ThreadState, u64, u64);

pub struct Observer {
    start: Instant,
    threads: Vec<ThreadRecord>,
    switches: u64,
    last_holder: Option<ThreadId>,
    spans: Option<Vec<Span>>,
}

impl Observer {
    pub fn new(trace: bool) -> Observer {
        Observer { start: Instant::now(), threads: Vec::new(), switches: 0, last_holder: None, spans: trace.then(Vec::new) }
    }

    fn now(&self) -> u64 {
        self.start.elapsed().as_nanos() as u64
    }

    pub fn register(&mut self, thread: ThreadId, name: &str) {
        let since = self.now();
        debug_assert_eq!(thread as usize, self.threads.len());
        self.threads.push(ThreadRecord { name: name.to_string(), state: ThreadState::Starting, since, totals: Totals::default() });
    }

    pub fn rename(&mut self, thread: ThreadId, name: &str) {
        if let Some(t) = self.threads.get_mut(thread as usize) {
            t.name = name.to_string();
        }
    }

    /// Closes the thread's current span and starts one in `next`.
    pub fn transition(&mut self, thread: ThreadId, next: ThreadState) {
        let now = self.now();
        let t = &mut self.threads[thread as usize];
        if t.state == next {
            return;
        }
        let span = now - t.since;
        match t.state {
            ThreadState::Running => t.totals.held += span,
            ThreadState::Waiting => {
                t.totals.waiting += span;
                t.totals.longest_wait = t.totals.longest_wait.max(span);
            }
            ThreadState::Blocked => t.totals.blocked += span,
            ThreadState::Starting | ThreadState::Exited => {}
        }
        if let Some(spans) = &mut self.spans {
            if matches!(t.state, ThreadState::Running | ThreadState::Waiting | ThreadState::Blocked) && span > 0 {
                spans.push((thread, t.state, t.since, span));
            }
        }
        t.state = next;
        t.since = now;
    }

    pub fn took(&mut self, thread: ThreadId) {
        self.transition(thread, ThreadState::Running);
        self.threads[thread as usize].totals.acquisitions += 1;
        if self.last_holder.is_some_and(|h| h != thread) {
            self.switches += 1;
        }
        self.last_holder = Some(thread);
    }

    pub fn dropped(&mut self, thread: ThreadId, next: ThreadState) {
        let totals = &mut self.threads[thread as usize].totals;
        match next {
            ThreadState::Waiting => totals.forced += 1,
            ThreadState::Blocked => totals.voluntary += 1,
            _ => {}
        }
        self.transition(thread, next);
    }

    /// The statistics table printed at exit.
    pub fn table(&self) -> String {
        let wall = self.now();
        let secs = |ns: u64| ns as f64 / 1e9;
        let mut out = String::new();
        let _ = writeln!(out, "GIL statistics (wall time {:.3} s)", secs(wall));
        let _ = writeln!(
            out,
            "{:<24} {:>10} {:>10} {:>10} {:>9} {:>7} {:>9} {:>13}",
            "thread", "held s", "waiting s", "blocked s", "acquired", "forced", "voluntary", "max wait ms"
        );
        let mut held = 0;
        for t in &self.threads {
            // A thread still in a state (the main thread at exit) has an open span to count.
            let open = wall.saturating_sub(t.since);
            let add = |s: ThreadState| if t.state == s { open } else { 0 };
            let tt = &t.totals;
            let h = tt.held + add(ThreadState::Running);
            held += h;
            let name: String = t.name.chars().take(24).collect();
            let _ = writeln!(
                out,
                "{:<24} {:>10.3} {:>10.3} {:>10.3} {:>9} {:>7} {:>9} {:>13.3}",
                name,
                secs(h),
                secs(tt.waiting + add(ThreadState::Waiting)),
                secs(tt.blocked + add(ThreadState::Blocked)),
                tt.acquisitions,
                tt.forced,
                tt.voluntary,
                tt.longest_wait.max(add(ThreadState::Waiting)) as f64 / 1e6
            );
        }
        let pct = if wall > 0 { 100.0 * held as f64 / wall as f64 } else { 0.0 };
        let rate = if wall > 0 { self.switches as f64 / secs(wall) } else { 0.0 };
        let _ = writeln!(out, "total: GIL held {pct:.1}% of wall time, {} switches ({rate:.1} per second)", self.switches);
        out
    }

    /// The Chrome trace-event JSON (`--gil-trace`): one track per thread, a span per state.
    pub fn trace_json(&self) -> Option<String> {
        let spans = self.spans.as_ref()?;
        let now = self.now();
        let mut events: Vec<String> = Vec::new();
        events.push(r#"{"name":"process_name","ph":"M","pid":1,"tid":0,"args":{"name":"tpy"}}"#.to_string());
        for (i, t) in self.threads.iter().enumerate() {
            let name = json_string(&t.name);
            events.push(format!(r#"{{"name":"thread_name","ph":"M","pid":1,"tid":{},"args":{{"name":{name}}}}}"#, i + 1));
        }
        let open = self.threads.iter().enumerate().filter_map(|(i, t)| {
            let live = matches!(t.state, ThreadState::Running | ThreadState::Waiting | ThreadState::Blocked);
            live.then(|| (i as ThreadId, t.state, t.since, now - t.since))
        });
        for (thread, state, start, dur) in spans.iter().copied().chain(open) {
            let name = match state {
                ThreadState::Running => "running",
                ThreadState::Waiting => "waiting for GIL",
                _ => "blocked",
            };
            events.push(format!(
                r#"{{"name":"{name}","cat":"gil","ph":"X","pid":1,"tid":{},"ts":{:.3},"dur":{:.3}}}"#,
                thread + 1,
                start as f64 / 1e3,
                dur as f64 / 1e3
            ));
        }
        Some(format!("{{\"traceEvents\":[\n{}\n],\"displayTimeUnit\":\"ms\"}}\n", events.join(",\n")))
    }
}

/// `s` as a JSON string literal.
fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
