"""asyncio: one thread, many tasks, an event loop that runs whichever task is ready.

The loop's core (ready queue, timer heap, OS readiness through mio, the GIL released while it
waits) is the Rust module _asyncio; see src/event_loop/mod.rs for its shape. Futures, tasks and
the API on top follow CPython 3.11's Lib/asyncio (futures.py, tasks.py, base_events.py,
runners.py, timeouts.py, taskgroups.py) so that programs see the same order of events.
Synchronisation primitives and queues are in _asyncio_sync, streams in _asyncio_streams.
"""

import _asyncio
import sys as _sys
from _asyncio import Handle, TimerHandle, Future, Task, CancelledError, InvalidStateError, sleep

_PENDING = 'PENDING'
_CANCELLED = 'CANCELLED'
_FINISHED = 'FINISHED'

FIRST_COMPLETED = 'FIRST_COMPLETED'
FIRST_EXCEPTION = 'FIRST_EXCEPTION'
ALL_COMPLETED = 'ALL_COMPLETED'


TimeoutError = TimeoutError


def _exception_group(message, errors):
    # The builtin classes (src/runtime/modules/py/_pybuiltins.py), so `except ExceptionGroup` works.
    for e in errors:
        if not isinstance(e, Exception):
            return BaseExceptionGroup(message, errors)
    return ExceptionGroup(message, errors)


# The running loop of each OS thread.
_running_loops = {}


def _get_running_loop():
    return _running_loops.get(_asyncio.thread_id())


def _set_running_loop(loop):
    if loop is None:
        _running_loops.pop(_asyncio.thread_id(), None)
    else:
        _running_loops[_asyncio.thread_id()] = loop


def get_running_loop():
    loop = _running_loops.get(_asyncio.thread_id())
    if loop is None:
        raise RuntimeError('no running event loop')
    return loop


_event_loop = None


def get_event_loop():
    global _event_loop
    loop = _get_running_loop()
    if loop is not None:
        return loop
    if _event_loop is None or _event_loop.is_closed():
        _event_loop = new_event_loop()
    return _event_loop


def set_event_loop(loop):
    global _event_loop
    _event_loop = loop


def new_event_loop():
    return BaseEventLoop()


def iscoroutine(obj):
    return _asyncio.iscoroutine(obj)


def isfuture(obj):
    return getattr(type(obj), '_asyncio_future_blocking', None) is not None


def current_task(loop=None):
    if loop is None:
        loop = get_running_loop()
    return loop._get_current_task()


def all_tasks(loop=None):
    if loop is None:
        loop = get_running_loop()
    return set(loop._all_tasks())


def _run_until_complete_cb(fut):
    fut._loop.stop()


class BaseEventLoop(_asyncio.Loop):
    """The event loop: scheduling and the run loop come from the Rust core."""

    def __init__(self):
        self._default_executor = None
        self._servers = []

    def __repr__(self):
        return (f'<_UnixSelectorEventLoop running={self.is_running()} '
                f'closed={self.is_closed()} debug=False>')

    def get_debug(self):
        return False

    def set_debug(self, enabled):
        pass

    def run_forever(self):
        if _get_running_loop() is not None:
            raise RuntimeError('Cannot run the event loop while another loop is running')
        _set_running_loop(self)
        old_hooks = _sys.get_asyncgen_hooks()
        _sys.set_asyncgen_hooks(finalizer=self._asyncgen_finalizer_hook)
        try:
            self._run_forever()
        finally:
            _set_running_loop(None)
            _sys.set_asyncgen_hooks(*old_hooks)

    def _asyncgen_finalizer_hook(self, agen):
        # An async generator dropped while suspended in try/with: close it in a task.
        self.call_soon_threadsafe(self.create_task, agen.aclose())

    def run_until_complete(self, future):
        if self.is_closed():
            raise RuntimeError('Event loop is closed')
        new_task = not isfuture(future)
        future = ensure_future(future, loop=self)
        future.add_done_callback(_run_until_complete_cb)
        try:
            self.run_forever()
        except BaseException:
            if new_task and future.done() and not future.cancelled():
                future.exception()
            raise
        finally:
            future.remove_done_callback(_run_until_complete_cb)
        if not future.done():
            raise RuntimeError('Event loop stopped before Future completed.')
        return future.result()

    def close(self):
        if self.is_running():
            raise RuntimeError('Cannot close a running event loop')
        if self.is_closed():
            return
        executor = self._default_executor
        self._default_executor = None
        if executor is not None:
            executor.shutdown(wait=False)
        self._close()
        self._report_unretrieved()

    def _report_unretrieved(self):
        """What CPython logs when a future whose exception nobody retrieved is freed."""
        for fut in self._take_unretrieved():
            kind = 'Task' if isinstance(fut, Task) else 'Future'
            self.call_exception_handler({
                'message': f'{kind} exception was never retrieved',
                'exception': fut.exception(),
                'future': fut,
            })

    def call_exception_handler(self, context):
        lines = [context.get('message', 'Unhandled exception in event loop')]
        for key in sorted(context):
            if key in ('message', 'exception'):
                continue
            lines.append(f'{key}: {context[key]!r}')
        _asyncio.write_stderr('\n'.join(lines) + '\n')
        exc = context.get('exception')
        if exc is not None:
            _asyncio.print_exception(exc)

    def default_exception_handler(self, context):
        self.call_exception_handler(context)

    def run_in_executor(self, executor, func, *args):
        if executor is None:
            executor = self._default_executor
            if executor is None:
                import concurrent.futures
                executor = concurrent.futures.ThreadPoolExecutor(thread_name_prefix='asyncio')
                self._default_executor = executor
        return wrap_future(executor.submit(func, *args), loop=self)

    def set_default_executor(self, executor):
        self._default_executor = executor

    async def shutdown_default_executor(self):
        executor = self._default_executor
        if executor is None:
            return
        self._default_executor = None
        await to_thread(executor.shutdown, True)

    async def shutdown_asyncgens(self):
        pass


def _chain_to_asyncio(conc, fut):
    """Copies the outcome of a concurrent future into an asyncio future (on the loop)."""
    if fut.done():
        return
    if conc.cancelled():
        fut.cancel()
        return
    exc = conc.exception()
    if exc is not None:
        fut.set_exception(exc)
    else:
        fut.set_result(conc.result())


def wrap_future(future, *, loop=None):
    if isfuture(future):
        return future
    if loop is None:
        loop = get_event_loop()
    new_future = loop.create_future()

    def _call_check_cancel(destination):
        if destination.cancelled():
            future.cancel()

    def _call_set_state(source):
        if not loop.is_closed():
            loop.call_soon_threadsafe(_chain_to_asyncio, source, new_future)

    new_future.add_done_callback(_call_check_cancel)
    future.add_done_callback(_call_set_state)
    return new_future


async def to_thread(func, *args, **kwargs):
    loop = get_running_loop()
    if kwargs:
        def call():
            return func(*args, **kwargs)
        return await loop.run_in_executor(None, call)
    return await loop.run_in_executor(None, func, *args)


async def _wrap_awaitable(awaitable):
    return await awaitable


def ensure_future(coro_or_future, *, loop=None):
    if isfuture(coro_or_future):
        if loop is not None and loop is not coro_or_future._loop:
            raise ValueError('The future belongs to a different loop than the one specified as the loop argument')
        return coro_or_future
    if not _asyncio.iscoroutine(coro_or_future):
        if hasattr(coro_or_future, '__await__'):
            coro_or_future = _wrap_awaitable(coro_or_future)
        else:
            raise TypeError('An asyncio.Future, a coroutine or an awaitable is required')
    if loop is None:
        loop = get_event_loop()
    return loop.create_task(coro_or_future)


def create_task(coro, *, name=None, context=None):
    loop = _get_running_loop()
    if loop is None:
        if _asyncio.iscoroutine(coro):
            coro.close()
        raise RuntimeError('no running event loop')
    return loop.create_task(coro, name=name)


def _cancel_all_tasks(loop):
    to_cancel = all_tasks(loop)
    if not to_cancel:
        return
    for task in to_cancel:
        task.cancel()
    loop.run_until_complete(gather(*to_cancel, return_exceptions=True))
    for task in to_cancel:
        if task.cancelled():
            continue
        if task.exception() is not None:
            loop.call_exception_handler({
                'message': 'unhandled exception during asyncio.run() shutdown',
                'exception': task.exception(),
                'task': task,
            })


def run(main, *, debug=None):
    if _get_running_loop() is not None:
        # CPython 3.11 leaves `main` unclosed: it warns "coroutine ... was never awaited".
        raise RuntimeError('asyncio.run() cannot be called from a running event loop')
    if not _asyncio.iscoroutine(main):
        raise ValueError(f'a coroutine was expected, got {main!r}')
    loop = new_event_loop()
    try:
        return loop.run_until_complete(main)
    finally:
        try:
            _cancel_all_tasks(loop)
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            loop.close()


def _set_result_unless_cancelled(fut, result):
    if not fut.done():
        fut.set_result(result)


class _GatheringFuture(Future):
    def __init__(self, children, *, loop):
        super().__init__(loop=loop)
        self._children = children
        self._cancel_requested = False

    def cancel(self, msg=None):
        if self.done():
            return False
        ret = False
        for child in self._children:
            if child.cancel(msg=msg):
                ret = True
        if ret:
            self._cancel_requested = True
        return ret


def gather(*coros_or_futures, return_exceptions=False):
    if not coros_or_futures:
        loop = get_event_loop()
        outer = loop.create_future()
        outer.set_result([])
        return outer
    state = [0, None]  # finished count, the outer future
    children = []

    def _done_callback(fut):
        state[0] += 1
        outer = state[1]
        if outer is None or outer.done():
            if not fut.cancelled():
                fut.exception()
            return
        if not return_exceptions:
            if fut.cancelled():
                outer.set_exception(fut._make_cancelled_error())
                return
            exc = fut.exception()
            if exc is not None:
                outer.set_exception(exc)
                return
        if state[0] == nfuts:
            results = []
            for f in children:
                if f.cancelled():
                    res = CancelledError('' if f._cancel_message is None else f._cancel_message)
                else:
                    res = f.exception()
                    if res is None:
                        res = f.result()
                results.append(res)
            if outer._cancel_requested:
                outer.set_exception(fut._make_cancelled_error())
            else:
                outer.set_result(results)

    arg_to_fut = {}
    loop = None
    nfuts = 0
    for arg in coros_or_futures:
        fut = arg_to_fut.get(arg)
        if fut is None:
            fut = ensure_future(arg, loop=loop)
            if loop is None:
                loop = fut._loop
            nfuts += 1
            arg_to_fut[arg] = fut
            fut.add_done_callback(_done_callback)
        children.append(fut)
    outer = _GatheringFuture(children, loop=loop)
    state[1] = outer
    return outer


def _release_waiter(waiter, *args):
    if not waiter.done():
        waiter.set_result(None)


async def _cancel_and_wait(fut):
    loop = get_running_loop()
    waiter = loop.create_future()

    def cb(f):
        _release_waiter(waiter)

    fut.add_done_callback(cb)
    try:
        fut.cancel()
        await waiter
    finally:
        fut.remove_done_callback(cb)


async def wait_for(fut, timeout):
    loop = get_running_loop()
    if timeout is None:
        return await fut
    if timeout <= 0:
        fut = ensure_future(fut, loop=loop)
        if fut.done():
            return fut.result()
        await _cancel_and_wait(fut)
        try:
            return fut.result()
        except CancelledError as exc:
            raise TimeoutError() from exc
    waiter = loop.create_future()
    timeout_handle = loop.call_later(timeout, _release_waiter, waiter)

    def cb(f):
        _release_waiter(waiter)

    fut = ensure_future(fut, loop=loop)
    fut.add_done_callback(cb)
    try:
        try:
            await waiter
        except CancelledError:
            if fut.done():
                return fut.result()
            fut.remove_done_callback(cb)
            await _cancel_and_wait(fut)
            raise
        if fut.done():
            return fut.result()
        fut.remove_done_callback(cb)
        await _cancel_and_wait(fut)
        try:
            return fut.result()
        except CancelledError as exc:
            raise TimeoutError() from exc
    finally:
        timeout_handle.cancel()


async def wait(fs, *, timeout=None, return_when=ALL_COMPLETED):
    if isfuture(fs) or _asyncio.iscoroutine(fs):
        raise TypeError(f"expect a list of futures, not {type(fs).__name__}")
    if not fs:
        raise ValueError('Set of Tasks/Futures is empty.')
    if return_when not in (FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED):
        raise ValueError(f'Invalid return_when value: {return_when}')
    loop = get_running_loop()
    fs = set(fs)
    if any(_asyncio.iscoroutine(f) for f in fs):
        raise TypeError("Passing coroutines is forbidden, use tasks explicitly.")
    fs = {ensure_future(f, loop=loop) for f in fs}
    return await _wait(fs, timeout, return_when, loop)


async def _wait(fs, timeout, return_when, loop):
    waiter = loop.create_future()
    timeout_handle = None
    if timeout is not None:
        timeout_handle = loop.call_later(timeout, _release_waiter, waiter)
    counter = [len(fs)]

    def _on_completion(f):
        counter[0] -= 1
        if (counter[0] <= 0 or return_when == FIRST_COMPLETED or
                (return_when == FIRST_EXCEPTION and not f.cancelled() and f.exception() is not None)):
            if timeout_handle is not None:
                timeout_handle.cancel()
            if not waiter.done():
                waiter.set_result(None)

    for f in fs:
        f.add_done_callback(_on_completion)
    try:
        await waiter
    finally:
        if timeout_handle is not None:
            timeout_handle.cancel()
        for f in fs:
            f.remove_done_callback(_on_completion)
    done, pending = set(), set()
    for f in fs:
        if f.done():
            done.add(f)
        else:
            pending.add(f)
    return done, pending


def as_completed(fs, *, timeout=None):
    if isfuture(fs) or _asyncio.iscoroutine(fs):
        raise TypeError(f"expect an iterable of futures, not {type(fs).__name__}")
    from _asyncio_sync import Queue
    done = Queue()
    loop = get_event_loop()
    todo = {ensure_future(f, loop=loop) for f in set(fs)}
    handle = [None]

    def _on_timeout():
        for f in todo:
            f.remove_done_callback(_on_completion)
            done.put_nowait(None)
        todo.clear()

    def _on_completion(f):
        if not todo:
            return
        todo.remove(f)
        done.put_nowait(f)
        if not todo and handle[0] is not None:
            handle[0].cancel()

    async def _wait_for_one():
        f = await done.get()
        if f is None:
            raise TimeoutError
        return f.result()

    for f in todo:
        f.add_done_callback(_on_completion)
    if todo and timeout is not None:
        handle[0] = loop.call_later(timeout, _on_timeout)
    for _ in range(len(todo)):
        yield _wait_for_one()


def shield(arg):
    inner = ensure_future(arg)
    if inner.done():
        return inner
    loop = inner._loop
    outer = loop.create_future()

    def _inner_done_callback(inner):
        if outer.cancelled():
            if not inner.cancelled():
                inner.exception()
            return
        if inner.cancelled():
            outer.cancel()
        else:
            exc = inner.exception()
            if exc is not None:
                outer.set_exception(exc)
            else:
                outer.set_result(inner.result())

    def _outer_done_callback(outer):
        if not inner.done():
            inner.remove_done_callback(_inner_done_callback)

    inner.add_done_callback(_inner_done_callback)
    outer.add_done_callback(_outer_done_callback)
    return outer


class Timeout:
    """`async with asyncio.timeout(delay)`: cancels the task at the deadline and turns that
    cancellation into TimeoutError on the way out (CPython 3.11's timeouts.py)."""

    def __init__(self, when):
        self._state = 'created'
        self._timeout_handler = None
        self._task = None
        self._when = when

    def when(self):
        return self._when

    def reschedule(self, when):
        if self._timeout_handler is not None:
            self._timeout_handler.cancel()
        self._when = when
        if when is None:
            self._timeout_handler = None
        else:
            loop = get_running_loop()
            if when <= loop.time():
                self._timeout_handler = loop.call_soon(self._on_timeout)
            else:
                self._timeout_handler = loop.call_at(when, self._on_timeout)

    def expired(self):
        return self._state in ('expiring', 'expired')

    def __repr__(self):
        info = ['']
        if self._state == 'entered':
            info.append(f"when={self._when!r}")
        return f"<Timeout [{self._state}]{' '.join(info)}>"

    async def __aenter__(self):
        self._state = 'entered'
        self._task = current_task()
        if self._task is None:
            raise RuntimeError("Timeout should be used inside a task")
        self.reschedule(self._when)
        return self

    async def __aexit__(self, exc_type, exc_val, exc_tb):
        if self._timeout_handler is not None:
            self._timeout_handler.cancel()
            self._timeout_handler = None
        if self._state == 'expiring':
            self._state = 'expired'
            if self._task.uncancel() <= 0 and exc_type is CancelledError:
                raise TimeoutError from exc_val
        elif self._state == 'entered':
            self._state = 'exited'
        return None

    def _on_timeout(self):
        self._task.cancel()
        self._state = 'expiring'
        self._timeout_handler = None


def timeout(delay):
    loop = get_running_loop()
    return Timeout(loop.time() + delay if delay is not None else None)


def timeout_at(when):
    return Timeout(when)


class TaskGroup:
    """Structured concurrency (CPython 3.11's taskgroups.py): leaving the block waits for every
    task; the first failure cancels the rest and the errors come out as an ExceptionGroup."""

    def __init__(self):
        self._entered = False
        self._exiting = False
        self._aborting = False
        self._loop = None
        self._parent_task = None
        self._parent_cancel_requested = False
        self._tasks = set()
        self._errors = []
        self._base_error = None
        self._on_completed_fut = None

    def __repr__(self):
        info = ['']
        if self._tasks:
            info.append(f'tasks={len(self._tasks)}')
        if self._errors:
            info.append(f'errors={len(self._errors)}')
        if self._aborting:
            info.append('cancelling')
        elif self._entered:
            info.append('entered')
        return f"<TaskGroup{' '.join(info)}>"

    async def __aenter__(self):
        if self._entered:
            raise RuntimeError(f"TaskGroup {self!r} has been already entered")
        self._entered = True
        if self._loop is None:
            self._loop = get_running_loop()
        self._parent_task = current_task(self._loop)
        if self._parent_task is None:
            raise RuntimeError(f'TaskGroup {self!r} cannot determine the parent task')
        return self

    async def __aexit__(self, et, exc, tb):
        self._exiting = True
        propagate_cancellation_error = None
        if exc is not None and self._is_base_error(exc) and self._base_error is None:
            self._base_error = exc
        if et is not None and issubclass(et, CancelledError):
            if self._parent_cancel_requested and not self._parent_task.uncancel():
                pass
            else:
                propagate_cancellation_error = exc
        if et is not None and not self._aborting:
            self._abort()
        while self._tasks:
            if self._on_completed_fut is None:
                self._on_completed_fut = self._loop.create_future()
            try:
                await self._on_completed_fut
            except CancelledError as ex:
                if not self._aborting:
                    propagate_cancellation_error = ex
                    self._abort()
            self._on_completed_fut = None
        if self._base_error is not None:
            raise self._base_error
        if propagate_cancellation_error and not self._errors:
            raise propagate_cancellation_error
        if et is not None and not issubclass(et, CancelledError):
            self._errors.append(exc)
        if self._errors:
            errors = self._errors
            self._errors = None
            raise _exception_group('unhandled errors in a TaskGroup', errors) from None

    def create_task(self, coro, *, name=None, context=None):
        if not self._entered:
            raise RuntimeError(f"TaskGroup {self!r} has not been entered")
        if self._exiting and not self._tasks:
            raise RuntimeError(f"TaskGroup {self!r} is finished")
        if self._aborting:
            raise RuntimeError(f"TaskGroup {self!r} is shutting down")
        task = self._loop.create_task(coro, name=name)
        if task.done():
            self._on_task_done(task)
        else:
            self._tasks.add(task)
            task.add_done_callback(self._on_task_done)
        return task

    def _is_base_error(self, exc):
        return isinstance(exc, (SystemExit, KeyboardInterrupt))

    def _abort(self):
        self._aborting = True
        for t in self._tasks:
            if not t.done():
                t.cancel()

    def _on_task_done(self, task):
        self._tasks.discard(task)
        if self._on_completed_fut is not None and not self._tasks:
            if not self._on_completed_fut.done():
                self._on_completed_fut.set_result(True)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is None:
            return
        self._errors.append(exc)
        if self._is_base_error(exc) and self._base_error is None:
            self._base_error = exc
        if not self._aborting and not self._parent_cancel_requested:
            self._abort()
            self._parent_cancel_requested = True
            self._parent_task.cancel()


from _asyncio_sync import (Queue, PriorityQueue, LifoQueue, QueueEmpty, QueueFull, Event, Lock,
                           Semaphore, BoundedSemaphore, Condition)
from _asyncio_streams import (StreamReader, StreamWriter, IncompleteReadError, LimitOverrunError,
                              open_connection, start_server, Server)
