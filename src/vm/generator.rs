//! Resuming generators and coroutines: the suspended frame is run by `execute` until it
//! yields (and is stored back) or returns (and the generator is finished).

use super::eval::ExecResult;
use super::{ExcKind, PyException, PyResult, Vm};
use crate::bytecode::Instr;
use crate::runtime::objects::{Args, GenKind, PyGenerator};
use crate::runtime::value::Value;
use std::rc::Rc;

pub enum GenStep {
    Yielded(Value),
    Returned(Value),
}

impl Vm {
    /// Resumes `g` with `sent` (or by raising `throw` inside it).
    pub fn resume_generator(&mut self, g: &Rc<PyGenerator>, sent: Value, throw: Option<PyException>) -> PyResult<GenStep> {
        if g.running.get() {
            return Err(self.value_error(format!("{} already executing", kind_name(g.kind))));
        }
        let Some(mut frame) = g.frame.borrow_mut().take() else {
            if let Some(e) = throw {
                return Err(e);
            }
            if g.kind == GenKind::Coroutine {
                return Err(self.runtime_error("cannot reuse already awaited coroutine"));
            }
            return Ok(GenStep::Returned(Value::None));
        };
        if !g.started.get() {
            if throw.is_none() && !sent.is_none() {
                *g.frame.borrow_mut() = Some(frame);
                let what = kind_name(g.kind);
                return Err(self.type_error(format!("can't send non-None value to a just-started {what}")));
            }
        } else if throw.is_none() {
            frame.stack.push(sent);
        }
        // A throw into a generator delegating with `yield from` goes to the sub-iterator first.
        let throw = match throw {
            Some(e) if g.started.get() && frame.code.instructions.get(frame.pc) == Some(&Instr::YieldFrom) => {
                match self.throw_into_delegate(&mut frame, e) {
                    Ok(Some(v)) => {
                        *g.frame.borrow_mut() = Some(frame);
                        return Ok(GenStep::Yielded(v));
                    }
                    Ok(None) => None,
                    Err(e) => Some(e),
                }
            }
            t => t,
        };
        g.started.set(true);
        g.running.set(true);
        // The generator's own handled exception, if it has one, else the caller's shows
        // through (CPython walks the exc_info chain past generators handling nothing).
        let outer = self.handled.clone();
        if let Some(own) = g.exc_state.borrow_mut().take() {
            self.handled = Some(own);
        }
        let r = self.execute(frame, throw);
        g.running.set(false);
        let inner = std::mem::replace(&mut self.handled, outer);
        match r {
            Ok(ExecResult::Yield(v, frame)) => {
                let outer = self.handled.as_ref();
                let own = inner.filter(|e| !outer.is_some_and(|o| o.is(e)));
                *g.exc_state.borrow_mut() = own;
                *g.frame.borrow_mut() = Some(frame);
                Ok(GenStep::Yielded(v))
            }
            Ok(ExecResult::Return(v)) => Ok(GenStep::Returned(v)),
            Err(e) => Err(self.generator_error(g, e)),
        }
    }

    /// PEP 479: a StopIteration escaping a generator becomes RuntimeError.
    fn generator_error(&self, g: &PyGenerator, e: PyException) -> PyException {
        if self.exc_matches(&e, ExcKind::StopIteration) {
            let msg = match g.kind {
                GenKind::Coroutine => "coroutine raised StopIteration",
                GenKind::AsyncGenerator => "async generator raised StopIteration",
                GenKind::Generator => "generator raised StopIteration",
            };
            let new = self.runtime_error(msg);
            if let Some(st) = &new.value.exc {
                let mut st = st.borrow_mut();
                st.cause = Some(Value::Instance(e.value.clone()));
                st.suppress_context = true;
            }
            return new;
        }
        e
    }

    /// Throws `e` into the sub-iterator of a suspended `yield from`. `Ok(Some(v))`: it yielded
    /// v; `Ok(None)`: it returned (its value is pushed and the frame moves on).
    fn throw_into_delegate(&mut self, frame: &mut super::frame::Frame, e: PyException) -> PyResult<Option<Value>> {
        let sub = frame.stack.last().cloned().unwrap_or(Value::None);
        let Value::Generator(sg) = &sub else {
            if self.exc_matches(&e, ExcKind::GeneratorExit) {
                return Err(e);
            }
            let throw = self.intern("throw");
            return match self.get_attr_opt(&sub, &throw)? {
                Some(t) => {
                    let v = self.call(&t, Args::new([Value::Instance(e.value.clone())]));
                    match v {
                        Ok(v) => Ok(Some(v)),
                        Err(err) if self.exc_matches(&err, ExcKind::StopIteration) => {
                            frame.stack.pop();
                            frame.stack.push(stop_value(self, &err));
                            frame.pc += 1;
                            Ok(None)
                        }
                        Err(err) => Err(err),
                    }
                }
                None => Err(e),
            };
        };
        if self.exc_matches(&e, ExcKind::GeneratorExit) {
            self.close_generator(sg)?;
            return Err(e);
        }
        match self.resume_generator(sg, Value::None, Some(e))? {
            GenStep::Yielded(v) => Ok(Some(v)),
            GenStep::Returned(v) => {
                frame.stack.pop();
                frame.stack.push(v);
                frame.pc += 1;
                Ok(None)
            }
        }
    }

    /// One step of `yield from` / `await`: sends `sent` into `sub`.
    pub fn send_to(&mut self, sub: &Value, sent: Value) -> PyResult<GenStep> {
        match sub {
            Value::Generator(g) => self.resume_generator(g, sent, None),
            Value::Native(n) if sent.is_none() && matches!(n.data, crate::runtime::objects::NativeData::Iter(_)) => {
                match self.next(sub)? {
                    Some(v) => Ok(GenStep::Yielded(v)),
                    None => Ok(GenStep::Returned(Value::None)),
                }
            }
            _ => {
                if let Value::Native(n) = sub {
                    if let Some(r) = crate::runtime::modules::asyncio_future::native_send(self, sub, n) {
                        return r;
                    }
                }
                let r = if sent.is_none() {
                    self.call_method(sub, "__next__", Args::default())
                } else {
                    self.call_method(sub, "send", Args::new([sent]))
                };
                match r {
                    Ok(v) => Ok(GenStep::Yielded(v)),
                    Err(e) if self.exc_matches(&e, ExcKind::StopIteration) => Ok(GenStep::Returned(stop_value(self, &e))),
                    Err(e) => Err(e),
                }
            }
        }
    }

    /// Closes the generators that were dropped while suspended in a `try`/`with` (their
    /// `finally` blocks and `__exit__`s run now, as CPython runs them when the last reference
    /// goes). An exception escaping one is reported and ignored, as CPython does.
    pub fn run_pending_closes(&mut self) {
        while self.interp.close_queue.has_pending() {
            self.warn_unawaited(None);
            for g in self.interp.close_queue.take() {
                let finalizer = self.asyncgen_hooks.1.clone();
                let r = match finalizer {
                    // An event loop runs: it schedules `aclose()` (sys.set_asyncgen_hooks).
                    Some(f) if g.kind == GenKind::AsyncGenerator => self.call(&f, Args::new([Value::Generator(g.clone())])).map(drop),
                    _ => self.close_generator(&g),
                };
                // Finalized once, as CPython's tp_finalize: a generator that yielded again
                // instead of closing is not resumed by a later drop.
                if g.kind == GenKind::Generator {
                    g.frame.borrow_mut().take();
                }
                if let Err(e) = r {
                    let what = format!("<generator object {} at {:#x}>", g.qualname.as_str(), Rc::as_ptr(&g) as usize);
                    self.flush_stdout();
                    self.write_stderr(&format!("Exception ignored in: {what}\n"));
                    let _ = self.print_exception(&e);
                }
            }
        }
    }

    /// `run_pending_closes` from the dispatch loop, where the running frame `f` (not on
    /// `self.frames`) is where CPython would place a "never awaited" warning.
    pub fn run_pending_closes_at(&mut self, f: &super::frame::Frame) {
        if self.interp.close_queue.has_pending() {
            self.warn_unawaited(Some((f.code.filename.clone(), f.line())));
            self.run_pending_closes();
        }
    }

    /// CPython's RuntimeWarning for coroutines freed before they ever ran, each text shown
    /// once per location as its default warning filter does.
    fn warn_unawaited(&mut self, at: Option<(Rc<str>, u32)>) {
        let names = self.interp.close_queue.take_unawaited();
        if names.is_empty() {
            return;
        }
        let (file, line) =
            at.or_else(|| self.frames.last().map(|f| (f.code.filename.clone(), f.line()))).unwrap_or_else(|| (Rc::from("sys"), 1));
        for name in names {
            let head = format!("{file}:{line}: RuntimeWarning: coroutine '{}' was never awaited\n", name.as_str());
            if !self.warned.insert(head.clone()) {
                continue;
            }
            let src = self.source_line(&file, line).map(|l| format!("  {l}\n")).unwrap_or_default();
            self.flush_stdout();
            self.write_stderr(&format!("{head}{src}RuntimeWarning: Enable tracemalloc to get the object allocation traceback\n"));
        }
    }

    /// At the end of the program: closes suspended generators the main module still refers
    /// to (CPython finalizes them when it clears the module at shutdown).
    pub fn close_module_generators(&mut self, globals: &crate::runtime::objects::PyDict) {
        let gens: Vec<Rc<PyGenerator>> = globals
            .map
            .borrow()
            .items()
            .into_iter()
            .filter_map(|(_, v)| match v {
                Value::Generator(g) if g.kind == GenKind::Generator => Some(g),
                _ => None,
            })
            .collect();
        for g in gens {
            if let Err(e) = self.close_generator(&g) {
                self.write_stderr(&format!(
                    "Exception ignored in: <generator object {} at {:#x}>\n",
                    g.qualname.as_str(),
                    Rc::as_ptr(&g) as usize
                ));
                let _ = self.print_exception(&e);
            }
        }
        self.run_pending_closes();
    }

    /// `gen.close()`: raises GeneratorExit inside; a value yielded in response is an error.
    pub fn close_generator(&mut self, g: &Rc<PyGenerator>) -> PyResult<()> {
        if g.is_finished() {
            return Ok(());
        }
        if !g.started.get() {
            g.frame.borrow_mut().take();
            return Ok(());
        }
        let exit = self.new_exception(self.exc_class(ExcKind::GeneratorExit), Vec::new());
        match self.resume_generator(g, Value::None, Some(exit)) {
            Ok(GenStep::Yielded(_)) => Err(self.runtime_error("generator ignored GeneratorExit")),
            Ok(GenStep::Returned(_)) => Ok(()),
            Err(e) if self.exc_matches(&e, ExcKind::GeneratorExit) || self.exc_matches(&e, ExcKind::StopIteration) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Whether `v` is its own await iterator: a coroutine, or an asyncio future or sleep.
    fn awaits_itself(v: &Value) -> bool {
        match v {
            Value::Generator(g) => g.kind == GenKind::Coroutine,
            Value::Native(n) => crate::runtime::modules::asyncio_future::is_native_awaitable(n),
            _ => false,
        }
    }

    /// Whether `await v` is allowed.
    fn is_awaitable(&self, v: &Value) -> bool {
        Self::awaits_itself(v) || self.type_of(v).lookup(&self.interp.names.__await__).is_some()
    }

    /// `await v`: the iterator to delegate to.
    pub fn get_awaitable(&mut self, v: Value) -> PyResult<Value> {
        if Self::awaits_itself(&v) {
            return Ok(v);
        }
        let cls = self.type_of(&v);
        match cls.lookup(&self.interp.names.__await__) {
            Some(f) => {
                let bound = self.bind_descriptor(f, v.clone(), &cls)?;
                let it = self.call(&bound, Args::default())?;
                self.get_iter(&it)
            }
            None => Err(self.type_error(format!("object {} can't be used in 'await' expression", cls.name().as_str()))),
        }
    }
}

impl Vm {
    /// `async for`'s `__aiter__()` call, with CPython's TypeErrors.
    pub fn get_aiter(&mut self, v: Value) -> PyResult<Value> {
        let name = self.interp.names.__aiter__.clone();
        let Some(it) = self.call_method_opt(&v, &name, Args::default())? else {
            let t = self.type_of(&v).name();
            return Err(self.type_error(format!("'async for' requires an object with __aiter__ method, got {}", t.as_str())));
        };
        if self.type_of(&it).lookup(&self.interp.names.__anext__).is_none() {
            let t = self.type_of(&it).name();
            let msg = format!("'async for' received an object from __aiter__ that does not implement __anext__: {}", t.as_str());
            return Err(self.type_error(msg));
        }
        Ok(it)
    }

    /// `async for`'s awaitable of `__anext__()`, with CPython's TypeError for a bad result.
    pub fn get_anext(&mut self, it: &Value) -> PyResult<Value> {
        let name = self.interp.names.__anext__.clone();
        let Some(r) = self.call_method_opt(it, &name, Args::default())? else {
            let t = self.type_of(it).name();
            return Err(self.type_error(format!("'async for' requires an iterator with __anext__ method, got {}", t.as_str())));
        };
        if !self.is_awaitable(&r) {
            let t = self.type_of(&r).name();
            return Err(self.type_error(format!("'async for' received an invalid object from __anext__: {}", t.as_str())));
        }
        self.get_awaitable(r)
    }
}

fn kind_name(k: GenKind) -> &'static str {
    match k {
        GenKind::Generator => "generator",
        GenKind::Coroutine => "coroutine",
        GenKind::AsyncGenerator => "async generator",
    }
}

/// The `value` of a StopIteration.
pub fn stop_value(vm: &Vm, e: &PyException) -> Value {
    vm.exc_args(&e.value).into_iter().next().unwrap_or(Value::None)
}
