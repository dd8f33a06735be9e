"""concurrent.futures.thread: ThreadPoolExecutor (written in TinyPy, modelled on CPython's
Lib/concurrent/futures/thread.py; worker threads are started on demand and reused)."""

import os
import queue
import threading
from concurrent.futures import _base

# Every live worker and its work queue, so that interpreter exit can stop and join them.
_threads_queues = {}
_shutdown = False
_global_shutdown_lock = threading.Lock()


def _python_exit():
    global _shutdown
    with _global_shutdown_lock:
        _shutdown = True
    items = list(_threads_queues.values())
    for t, q in items:
        q.put(None)
    for t, q in items:
        t.join()


threading._register_atexit(_python_exit)


class _WorkItem:
    def __init__(self, future, fn, args, kwargs):
        self.future = future
        self.fn = fn
        self.args = args
        self.kwargs = kwargs

    def run(self):
        if not self.future.set_running_or_notify_cancel():
            return
        try:
            result = self.fn(*self.args, **self.kwargs)
        except BaseException as exc:
            self.future.set_exception(exc)
        else:
            self.future.set_result(result)


class _PoolState:
    """What workers share with their executor (not the executor itself, which they would
    otherwise keep alive)."""

    def __init__(self):
        self.idle_semaphore = threading.Semaphore(0)
        self.shutdown = False
        self.broken = False


def _initializer_failed(state, work_queue):
    state.broken = "A thread initializer failed, the thread pool is not usable anymore"
    while True:
        try:
            work_item = work_queue.get_nowait()
        except queue.Empty:
            break
        if work_item is not None:
            work_item.future.set_exception(BrokenThreadPool(state.broken))


def _worker(state, work_queue, initializer, initargs):
    if initializer is not None:
        try:
            initializer(*initargs)
        except BaseException as exc:
            _base._report("Exception in initializer:", exc)
            _initializer_failed(state, work_queue)
            return
    try:
        while True:
            work_item = work_queue.get(block=True)
            if work_item is not None:
                work_item.run()
                del work_item
                state.idle_semaphore.release()
                continue
            # None: the executor or the interpreter is shutting down; wake the next worker.
            if _shutdown or state.shutdown:
                state.shutdown = True
                work_queue.put(None)
                return
    except BaseException as exc:
        _base._report("Exception in worker", exc)


class BrokenThreadPool(_base.BrokenExecutor):
    """Raised when a worker thread in a ThreadPoolExecutor failed initializing."""
    pass


_executor_count = 0


class ThreadPoolExecutor(_base.Executor):
    """Runs submitted calls on up to max_workers threads (default min(32, cpu_count + 4))."""

    def __init__(self, max_workers=None, thread_name_prefix="", initializer=None, initargs=()):
        global _executor_count
        if max_workers is None:
            max_workers = min(32, (os.cpu_count() or 1) + 4)
        if max_workers <= 0:
            raise ValueError("max_workers must be greater than 0")
        if initializer is not None and not callable(initializer):
            raise TypeError("initializer must be a callable")
        self._max_workers = max_workers
        self._work_queue = queue.SimpleQueue()
        self._state = _PoolState()
        self._threads = []
        self._shutdown_lock = threading.Lock()
        if not thread_name_prefix:
            with _global_shutdown_lock:
                thread_name_prefix = "ThreadPoolExecutor-%d" % _executor_count
                _executor_count += 1
        self._thread_name_prefix = thread_name_prefix
        self._initializer = initializer
        self._initargs = initargs

    def submit(self, fn, /, *args, **kwargs):
        """Schedules fn(*args, **kwargs); returns its Future."""
        with self._shutdown_lock, _global_shutdown_lock:
            if self._state.broken:
                raise BrokenThreadPool(self._state.broken)
            if self._state.shutdown:
                raise RuntimeError("cannot schedule new futures after shutdown")
            if _shutdown:
                raise RuntimeError("cannot schedule new futures after interpreter shutdown")
            f = _base.Future()
            self._work_queue.put(_WorkItem(f, fn, args, kwargs))
            self._adjust_thread_count()
            return f

    def _adjust_thread_count(self):
        # An idle worker will take the item: no new thread.
        if self._state.idle_semaphore.acquire(timeout=0):
            return
        num_threads = len(self._threads)
        if num_threads < self._max_workers:
            thread_name = "%s_%d" % (self._thread_name_prefix, num_threads)
            t = threading.Thread(name=thread_name, target=_worker,
                                 args=(self._state, self._work_queue, self._initializer,
                                       self._initargs))
            t.start()
            self._threads.append(t)
            _threads_queues[id(t)] = (t, self._work_queue)

    def shutdown(self, wait=True, *, cancel_futures=False):
        """No new work; with cancel_futures, pending calls are cancelled; with wait, returns
        once every worker has finished."""
        with self._shutdown_lock:
            self._state.shutdown = True
            if cancel_futures:
                while True:
                    try:
                        work_item = self._work_queue.get_nowait()
                    except queue.Empty:
                        break
                    if work_item is not None:
                        work_item.future.cancel()
            self._work_queue.put(None)
        if wait:
            for t in self._threads:
                t.join()
                _threads_queues.pop(id(t), None)
