"""concurrent.futures._base: Future, Executor, wait, as_completed (written in TinyPy, modelled
on CPython's Lib/concurrent/futures/_base.py)."""

import collections
import _thread
import sys
import threading
import time

FIRST_COMPLETED = "FIRST_COMPLETED"
FIRST_EXCEPTION = "FIRST_EXCEPTION"
ALL_COMPLETED = "ALL_COMPLETED"
_AS_COMPLETED = "_AS_COMPLETED"

PENDING = "PENDING"
RUNNING = "RUNNING"
CANCELLED = "CANCELLED"
CANCELLED_AND_NOTIFIED = "CANCELLED_AND_NOTIFIED"
FINISHED = "FINISHED"

_STATE_TO_DESCRIPTION_MAP = {
    PENDING: "pending",
    RUNNING: "running",
    CANCELLED: "cancelled",
    CANCELLED_AND_NOTIFIED: "cancelled",
    FINISHED: "finished",
}


class Error(Exception):
    """Base class for all future-related exceptions."""
    pass


class CancelledError(Error):
    """The Future was cancelled."""
    pass


TimeoutError = TimeoutError  # the builtin one, as in CPython 3.11


class InvalidStateError(Error):
    """The operation is not allowed in this state."""
    pass


class BrokenExecutor(RuntimeError):
    """An executor can no longer run work (a worker failed to start or died)."""
    pass


def _report(header, exc):
    """What CPython's logging writes for a failing callback: a header, then the traceback."""
    print(header, file=sys.stderr, flush=True)
    _thread._print_exception(exc)


class _Waiter:
    """The event wait() and as_completed() block on; futures report to it as they finish."""

    def __init__(self):
        self.event = threading.Event()
        self.finished_futures = []

    def add_result(self, future):
        self.finished_futures.append(future)

    def add_exception(self, future):
        self.finished_futures.append(future)

    def add_cancelled(self, future):
        self.finished_futures.append(future)


class _AsCompletedWaiter(_Waiter):
    def __init__(self):
        _Waiter.__init__(self)
        self.lock = threading.Lock()

    def add_result(self, future):
        with self.lock:
            _Waiter.add_result(self, future)
            self.event.set()

    def add_exception(self, future):
        with self.lock:
            _Waiter.add_exception(self, future)
            self.event.set()

    def add_cancelled(self, future):
        with self.lock:
            _Waiter.add_cancelled(self, future)
            self.event.set()


class _FirstCompletedWaiter(_Waiter):
    def add_result(self, future):
        _Waiter.add_result(self, future)
        self.event.set()

    def add_exception(self, future):
        _Waiter.add_exception(self, future)
        self.event.set()

    def add_cancelled(self, future):
        _Waiter.add_cancelled(self, future)
        self.event.set()


class _AllCompletedWaiter(_Waiter):
    """Set when every pending future is done (or, with stop_on_exception, one failed)."""

    def __init__(self, num_pending_calls, stop_on_exception):
        _Waiter.__init__(self)
        self.num_pending_calls = num_pending_calls
        self.stop_on_exception = stop_on_exception
        self.lock = threading.Lock()

    def _decrement_pending_calls(self):
        with self.lock:
            self.num_pending_calls -= 1
            if not self.num_pending_calls:
                self.event.set()

    def add_result(self, future):
        _Waiter.add_result(self, future)
        self._decrement_pending_calls()

    def add_exception(self, future):
        _Waiter.add_exception(self, future)
        if self.stop_on_exception:
            self.event.set()
        else:
            self._decrement_pending_calls()

    def add_cancelled(self, future):
        _Waiter.add_cancelled(self, future)
        self._decrement_pending_calls()


class _AcquireFutures:
    """Holds the condition of every future at once, in a fixed (id) order to avoid deadlock."""

    def __init__(self, futures):
        self.futures = sorted(futures, key=id)

    def __enter__(self):
        for future in self.futures:
            future._condition.acquire()

    def __exit__(self, *args):
        for future in self.futures:
            future._condition.release()


def _create_and_install_waiters(fs, return_when):
    if return_when == _AS_COMPLETED:
        waiter = _AsCompletedWaiter()
    elif return_when == FIRST_COMPLETED:
        waiter = _FirstCompletedWaiter()
    else:
        pending_count = sum(f._state not in (CANCELLED_AND_NOTIFIED, FINISHED) for f in fs)
        if return_when == FIRST_EXCEPTION:
            waiter = _AllCompletedWaiter(pending_count, stop_on_exception=True)
        elif return_when == ALL_COMPLETED:
            waiter = _AllCompletedWaiter(pending_count, stop_on_exception=False)
        else:
            raise ValueError("Invalid return condition: %r" % return_when)
    for f in fs:
        f._waiters.append(waiter)
    return waiter


def _yield_finished_futures(fs, waiter, ref_collect):
    """Yields the futures of `fs` (a list, consumed from its end) and drops them from the
    waiter and from the sets in ref_collect."""
    while fs:
        f = fs[-1]
        for futures_set in ref_collect:
            futures_set.remove(f)
        with f._condition:
            f._waiters.remove(waiter)
        del f
        yield fs.pop()


def as_completed(fs, timeout=None):
    """An iterator over the futures of `fs` as they complete (finished or cancelled).
    TimeoutError "N (of M) futures unfinished" when `timeout` seconds pass first."""
    if timeout is not None:
        end_time = timeout + time.monotonic()
    fs = set(fs)
    total_futures = len(fs)
    with _AcquireFutures(fs):
        finished = set(f for f in fs if f._state in (CANCELLED_AND_NOTIFIED, FINISHED))
        pending = fs - finished
        waiter = _create_and_install_waiters(fs, _AS_COMPLETED)
    finished = list(finished)
    try:
        yield from _yield_finished_futures(finished, waiter, ref_collect=(fs,))
        while pending:
            if timeout is None:
                wait_timeout = None
            else:
                wait_timeout = end_time - time.monotonic()
                if wait_timeout < 0:
                    raise TimeoutError("%d (of %d) futures unfinished" % (len(pending),
                                                                         total_futures))
            waiter.event.wait(wait_timeout)
            with waiter.lock:
                finished = waiter.finished_futures
                waiter.finished_futures = []
                waiter.event.clear()
            # Reverse: _yield_finished_futures pops from the end, keep completion order.
            finished.reverse()
            yield from _yield_finished_futures(finished, waiter, ref_collect=(fs, pending))
    finally:
        for f in fs:
            with f._condition:
                f._waiters.remove(waiter)


# wait()'s result: a named pair of sets.
DoneAndNotDoneFutures = collections.namedtuple("DoneAndNotDoneFutures", "done not_done")


def wait(fs, timeout=None, return_when=ALL_COMPLETED):
    """Waits for the futures of `fs` by return_when; returns (done, not_done) sets."""
    fs = set(fs)
    with _AcquireFutures(fs):
        done = set(f for f in fs if f._state in (CANCELLED_AND_NOTIFIED, FINISHED))
        not_done = fs - done
        if (return_when == FIRST_COMPLETED) and done:
            return DoneAndNotDoneFutures(done, not_done)
        elif (return_when == FIRST_EXCEPTION) and done:
            if any(f for f in done if not f.cancelled() and f.exception() is not None):
                return DoneAndNotDoneFutures(done, not_done)
        if len(done) == len(fs):
            return DoneAndNotDoneFutures(done, not_done)
        waiter = _create_and_install_waiters(fs, return_when)
    waiter.event.wait(timeout)
    for f in fs:
        with f._condition:
            f._waiters.remove(waiter)
    done.update(waiter.finished_futures)
    return DoneAndNotDoneFutures(done, fs - done)


def _result_or_cancel(fut, timeout=None):
    try:
        try:
            return fut.result(timeout)
        finally:
            fut.cancel()
    finally:
        del fut


class Future:
    """The result of a call that may not have finished yet."""

    def __init__(self):
        self._condition = threading.Condition()
        self._state = PENDING
        self._result = None
        self._exception = None
        self._waiters = []
        self._done_callbacks = []

    def _invoke_callbacks(self):
        for callback in self._done_callbacks:
            try:
                callback(self)
            except Exception as exc:
                _report("exception calling callback for %r" % self, exc)

    def __repr__(self):
        with self._condition:
            name = self.__class__.__name__
            state = _STATE_TO_DESCRIPTION_MAP[self._state]
            if self._state == FINISHED:
                if self._exception:
                    return "<%s at %#x state=%s raised %s>" % (
                        name, id(self), state, self._exception.__class__.__name__)
                return "<%s at %#x state=%s returned %s>" % (
                    name, id(self), state, self._result.__class__.__name__)
            return "<%s at %#x state=%s>" % (name, id(self), state)

    def cancel(self):
        """Cancels a pending future; False if it is running or done."""
        with self._condition:
            if self._state in (RUNNING, FINISHED):
                return False
            if self._state in (CANCELLED, CANCELLED_AND_NOTIFIED):
                return True
            self._state = CANCELLED
            self._condition.notify_all()
        self._invoke_callbacks()
        return True

    def cancelled(self):
        with self._condition:
            return self._state in (CANCELLED, CANCELLED_AND_NOTIFIED)

    def running(self):
        with self._condition:
            return self._state == RUNNING

    def done(self):
        with self._condition:
            return self._state in (CANCELLED, CANCELLED_AND_NOTIFIED, FINISHED)

    def _get_result(self):
        if self._exception:
            raise self._exception
        return self._result

    def add_done_callback(self, fn):
        """Calls fn(future) when it finishes, at once if it already has."""
        with self._condition:
            if self._state not in (CANCELLED, CANCELLED_AND_NOTIFIED, FINISHED):
                self._done_callbacks.append(fn)
                return
        try:
            fn(self)
        except Exception as exc:
            _report("exception calling callback for %r" % self, exc)

    def result(self, timeout=None):
        """The call's return value (or its exception raised), waiting up to timeout seconds."""
        with self._condition:
            if self._state in (CANCELLED, CANCELLED_AND_NOTIFIED):
                raise CancelledError()
            elif self._state == FINISHED:
                return self._get_result()
            self._condition.wait(timeout)
            if self._state in (CANCELLED, CANCELLED_AND_NOTIFIED):
                raise CancelledError()
            elif self._state == FINISHED:
                return self._get_result()
            raise TimeoutError()

    def exception(self, timeout=None):
        """The call's exception (None if it returned), waiting up to timeout seconds."""
        with self._condition:
            if self._state in (CANCELLED, CANCELLED_AND_NOTIFIED):
                raise CancelledError()
            elif self._state == FINISHED:
                return self._exception
            self._condition.wait(timeout)
            if self._state in (CANCELLED, CANCELLED_AND_NOTIFIED):
                raise CancelledError()
            elif self._state == FINISHED:
                return self._exception
            raise TimeoutError()

    # For Executor implementations and unit tests only.
    def set_running_or_notify_cancel(self):
        """Marks the future running (True), or reports its cancellation to waiters (False)."""
        with self._condition:
            if self._state == CANCELLED:
                self._state = CANCELLED_AND_NOTIFIED
                for waiter in self._waiters:
                    waiter.add_cancelled(self)
                return False
            elif self._state == PENDING:
                self._state = RUNNING
                return True
            raise RuntimeError("Future in unexpected state")

    def set_result(self, result):
        with self._condition:
            if self._state in (CANCELLED, CANCELLED_AND_NOTIFIED, FINISHED):
                raise InvalidStateError("{}: {!r}".format(self._state, self))
            self._result = result
            self._state = FINISHED
            for waiter in self._waiters:
                waiter.add_result(self)
            self._condition.notify_all()
        self._invoke_callbacks()

    def set_exception(self, exception):
        with self._condition:
            if self._state in (CANCELLED, CANCELLED_AND_NOTIFIED, FINISHED):
                raise InvalidStateError("{}: {!r}".format(self._state, self))
            self._exception = exception
            self._state = FINISHED
            for waiter in self._waiters:
                waiter.add_exception(self)
            self._condition.notify_all()
        self._invoke_callbacks()


class Executor:
    """The base of executors: submit() is theirs; map() and the context manager are shared."""

    def submit(self, fn, /, *args, **kwargs):
        raise NotImplementedError()

    def map(self, fn, *iterables, timeout=None, chunksize=1):
        """Like map(fn, *iterables) with the calls run by the executor; results come in order.
        TimeoutError if a result is not ready `timeout` seconds after the call to map()."""
        if timeout is not None:
            end_time = timeout + time.monotonic()
        fs = [self.submit(fn, *args) for args in zip(*iterables)]

        def result_iterator():
            try:
                fs.reverse()
                while fs:
                    if timeout is None:
                        yield _result_or_cancel(fs.pop())
                    else:
                        yield _result_or_cancel(fs.pop(), end_time - time.monotonic())
            finally:
                for future in fs:
                    future.cancel()
        return result_iterator()

    def shutdown(self, wait=True, *, cancel_futures=False):
        pass

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.shutdown(wait=True)
        return False
