"""concurrent.futures.process: ProcessPoolExecutor (written in TinyPy, modelled on CPython's
Lib/concurrent/futures/process.py). Calls run in worker processes started by multiprocessing
(spawn); a management thread feeds them, collects results into the Futures, and notices a
worker that dies: every pending future then fails with BrokenProcessPool."""

import os
import queue
import sys
import threading
from concurrent.futures import _base

# Calls handed to the workers beyond one per worker, so that none waits for the next one
# (CPython's EXTRA_QUEUED_CALLS); the rest stay pending, and so cancellable.
EXTRA_QUEUED_CALLS = 1

# How often the management thread checks that the workers are alive while it waits.
_POLL_INTERVAL = 0.05

_managers = []
_global_shutdown = False


def _python_exit():
    global _global_shutdown
    _global_shutdown = True
    for m in list(_managers):
        m.join()


threading._register_atexit(_python_exit)


class BrokenProcessPool(_base.BrokenExecutor):
    """Raised when a process in a ProcessPoolExecutor terminated abruptly while a future was
    in the running state."""


class _WorkItem:
    def __init__(self, future, fn, args, kwargs):
        self.future = future
        self.fn = fn
        self.args = args
        self.kwargs = kwargs


def _process_worker(call_queue, result_queue, initializer, initargs):
    """The loop of a worker process: run calls until a None arrives."""
    if initializer is not None:
        try:
            initializer(*initargs)
        except BaseException as exc:
            _base._report("Exception in initializer:", exc)
            return
    while True:
        item = call_queue.get(block=True)
        if item is None:
            return
        work_id, fn, args, kwargs = item
        try:
            r, ok = fn(*args, **kwargs), True
        except BaseException as e:
            r, ok = e, False
        # A broken pool terminates its workers: what the call printed goes out first.
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            result_queue.put((work_id, ok, r))
        except BaseException as e:
            # An unpicklable result or exception: the parent gets the pickling error.
            result_queue.put((work_id, False, e))


def _process_chunk(fn, chunk):
    return [fn(*args) for args in chunk]


def _chain_from_iterable_of_lists(iterable):
    for element in iterable:
        element.reverse()
        while element:
            yield element.pop()


class _State:
    """What the executor shares with its management thread."""

    def __init__(self, max_workers):
        self.lock = threading.Lock()
        self.max_workers = max_workers
        self.pending = {}       # work id -> _WorkItem, not yet handed to a worker
        self.order = []         # pending work ids, oldest first
        self.running = {}       # work id -> _WorkItem, handed to a worker
        self.next_id = 0
        self.shutdown = False
        self.broken = None
        self.processes = []
        self.call_queue = None
        self.result_queue = None


def _feed(state):
    """Hands pending calls to the workers, up to max_workers + EXTRA_QUEUED_CALLS in flight.
    Called with state.lock held."""
    while state.order and len(state.running) < state.max_workers + EXTRA_QUEUED_CALLS:
        work_id = state.order.pop(0)
        item = state.pending.pop(work_id)
        if not item.future.set_running_or_notify_cancel():
            continue
        try:
            state.call_queue.put((work_id, item.fn, item.args, item.kwargs))
        except BaseException as e:
            item.future.set_exception(e)
            continue
        state.running[work_id] = item


def _dead_worker(state):
    for p in state.processes:
        if p.exitcode is not None:
            return p
    return None


def _break(state):
    """A worker died: fail every call not finished, as CPython does."""
    with state.lock:
        state.broken = "A child process terminated abruptly, the process pool is not usable anymore"
        items = list(state.running.values()) + list(state.pending.values())
        state.running.clear()
        state.pending.clear()
        state.order.clear()
    for item in items:
        exc = BrokenProcessPool(
            "A process in the process pool was terminated abruptly while the future was running or pending.")
        if item.future.done():
            continue
        if item.future.running() or item.future.set_running_or_notify_cancel():
            item.future.set_exception(exc)
    for p in state.processes:
        p.terminate()
    for p in state.processes:
        p.join()


def _stop_workers(state):
    for _ in state.processes:
        state.call_queue.put(None)
    for p in state.processes:
        p.join()


def _manage(state):
    """The management thread: results into futures, liveness of workers, orderly shutdown."""
    while True:
        with state.lock:
            idle = not state.running and not state.order
            stopping = state.shutdown or _global_shutdown
        if idle and stopping:
            _stop_workers(state)
            return
        try:
            work_id, ok, value = state.result_queue.get(True, _POLL_INTERVAL)
        except queue.Empty:
            if _dead_worker(state) is not None:
                _break(state)
                return
            continue
        with state.lock:
            item = state.running.pop(work_id, None)
            _feed(state)
        if item is not None:
            if ok:
                item.future.set_result(value)
            else:
                item.future.set_exception(value)


class ProcessPoolExecutor(_base.Executor):
    """Runs submitted calls in up to max_workers processes (default: os.cpu_count())."""

    def __init__(self, max_workers=None, mp_context=None, initializer=None, initargs=(),
                 *, max_tasks_per_child=None):
        if max_workers is None:
            max_workers = os.cpu_count() or 1
        elif max_workers <= 0:
            raise ValueError("max_workers must be greater than 0")
        if initializer is not None and not callable(initializer):
            raise TypeError("initializer must be a callable")
        self._max_workers = max_workers
        self._initializer = initializer
        self._initargs = initargs
        self._state = _State(max_workers)
        self._manager = None
        self._shutdown_lock = threading.Lock()

    def _start(self):
        # Imported on first use, so that thread-pool users do not pay for multiprocessing.
        import multiprocessing
        state = self._state
        state.call_queue = multiprocessing.Queue()
        state.result_queue = multiprocessing.Queue()
        for _ in range(self._max_workers):
            p = multiprocessing.Process(
                target=_process_worker,
                args=(state.call_queue, state.result_queue, self._initializer, self._initargs))
            p.start()
            state.processes.append(p)
        self._manager = threading.Thread(target=_manage, args=(state,), name="QueueManagerThread")
        self._manager.start()
        _managers.append(self._manager)

    def submit(self, fn, /, *args, **kwargs):
        """Schedules fn(*args, **kwargs) in a worker process; returns its Future."""
        with self._shutdown_lock:
            state = self._state
            if state.broken:
                raise BrokenProcessPool(state.broken)
            if state.shutdown:
                raise RuntimeError("cannot schedule new futures after shutdown")
            if _global_shutdown:
                raise RuntimeError("cannot schedule new futures after interpreter shutdown")
            f = _base.Future()
            if self._manager is None:
                self._start()
            with state.lock:
                if state.broken:
                    raise BrokenProcessPool(state.broken)
                state.next_id += 1
                state.pending[state.next_id] = _WorkItem(f, fn, args, kwargs)
                state.order.append(state.next_id)
                _feed(state)
            return f

    def map(self, fn, *iterables, timeout=None, chunksize=1):
        """Like Executor.map; with chunksize > 1, calls are sent to the workers in chunks."""
        if chunksize < 1:
            raise ValueError("chunksize must be >= 1.")
        if chunksize == 1:
            return _base.Executor.map(self, fn, *iterables, timeout=timeout)
        calls = list(zip(*iterables))
        chunks = [calls[i:i + chunksize] for i in range(0, len(calls), chunksize)]
        results = _base.Executor.map(self, _process_chunk, [fn] * len(chunks), chunks, timeout=timeout)
        return _chain_from_iterable_of_lists(results)

    def shutdown(self, wait=True, *, cancel_futures=False):
        """No new calls; with cancel_futures, pending ones are cancelled; with wait, returns
        once the workers have finished and exited."""
        with self._shutdown_lock:
            state = self._state
            with state.lock:
                state.shutdown = True
                if cancel_futures:
                    for work_id in state.order:
                        state.pending[work_id].future.cancel()
                    state.pending.clear()
                    state.order.clear()
        if wait and self._manager is not None:
            self._manager.join()
