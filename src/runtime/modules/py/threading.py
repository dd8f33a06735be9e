"""threading: Thread, locks, Condition, Event, Semaphore, Barrier, Timer, local (written in
TinyPy on top of the native `_thread`, modelled on CPython's Lib/threading.py)."""

import _thread
import sys as _sys
from time import monotonic as _time

__all__ = ["get_ident", "active_count", "Condition", "current_thread", "enumerate", "main_thread",
           "TIMEOUT_MAX", "Event", "Lock", "RLock", "Semaphore", "BoundedSemaphore", "Thread",
           "Barrier", "BrokenBarrierError", "Timer", "ThreadError", "local", "excepthook",
           "ExceptHookArgs", "get_native_id", "activeCount", "currentThread"]

_start_new_thread = _thread.start_new_thread
_allocate_lock = _thread.allocate_lock
get_ident = _thread.get_ident
get_native_id = _thread.get_native_id
ThreadError = _thread.error
TIMEOUT_MAX = _thread.TIMEOUT_MAX
Lock = _allocate_lock
# tpy-only: names the current thread in the GIL statistics (absent from CPython's _thread).
_set_thread_name = getattr(_thread, "_set_thread_name", None)


def RLock(*args, **kwargs):
    """A reentrant lock: the owning thread may acquire it again (released as often)."""
    return _thread.RLock(*args, **kwargs)


class Condition:
    """A lock plus a queue of waiters; wait() releases the lock until notify()."""

    def __init__(self, lock=None):
        if lock is None:
            lock = RLock()
        self._lock = lock
        self.acquire = lock.acquire
        self.release = lock.release
        # An RLock saves and restores its recursion level around wait(); a Lock has none.
        if hasattr(lock, "_release_save"):
            self._release_save = lock._release_save
            self._acquire_restore = lock._acquire_restore
            self._is_owned = lock._is_owned
        elif hasattr(lock, "locked"):
            # A plain Lock does not know its owner: held by someone is the best guess (what
            # the generic _is_owned below finds out, in one native call).
            self._is_owned = lock.locked
        self._waiters = []  # a list: few waiters, and native remove() is fast

    def __enter__(self):
        return self._lock.__enter__()

    def __exit__(self, *args):
        return self._lock.__exit__(*args)

    def __repr__(self):
        return "<Condition(%s, %d)>" % (self._lock, len(self._waiters))

    def _release_save(self):
        self._lock.release()

    def _acquire_restore(self, state):
        self._lock.acquire()

    def _is_owned(self):
        # A lock without locked(): held by someone is the best guess.
        if self._lock.acquire(False):
            self._lock.release()
            return False
        return True

    def wait(self, timeout=None):
        if not self._is_owned():
            raise RuntimeError("cannot wait on un-acquired lock")
        waiter = _allocate_lock()
        waiter.acquire()
        self._waiters.append(waiter)
        saved = self._release_save()
        gotit = False
        try:
            if timeout is None:
                waiter.acquire()
                gotit = True
            elif timeout > 0:
                gotit = waiter.acquire(True, timeout)
            else:
                gotit = waiter.acquire(False)
            return gotit
        finally:
            self._acquire_restore(saved)
            if not gotit:
                try:
                    self._waiters.remove(waiter)
                except ValueError:
                    pass

    def wait_for(self, predicate, timeout=None):
        endtime = None
        waittime = timeout
        result = predicate()
        while not result:
            if waittime is not None:
                if endtime is None:
                    endtime = _time() + waittime
                else:
                    waittime = endtime - _time()
                    if waittime <= 0:
                        break
            self.wait(waittime)
            result = predicate()
        return result

    def notify(self, n=1):
        if not self._is_owned():
            raise RuntimeError("cannot notify on un-acquired lock")
        waiters = self._waiters
        while waiters and n > 0:
            waiter = waiters[0]
            try:
                waiter.release()
            except RuntimeError:
                pass  # a timed-out waiter already gave up
            else:
                n -= 1
            try:
                waiters.remove(waiter)
            except ValueError:
                pass

    def notify_all(self):
        self.notify(len(self._waiters))

    notifyAll = notify_all


def _at(obj):
    cls = obj.__class__
    return f"<{cls.__module__}.{cls.__qualname__} at {id(obj):#x}"


class Semaphore:
    """A counter: acquire() waits while it is zero, release() adds to it."""

    def __init__(self, value=1):
        if value < 0:
            raise ValueError("semaphore initial value must be >= 0")
        self._cond = Condition(Lock())
        self._value = value

    def __repr__(self):
        return f"{_at(self)}: value={self._value}>"

    def acquire(self, blocking=True, timeout=None):
        if not blocking and timeout is not None:
            raise ValueError("can't specify timeout for non-blocking acquire")
        rc = False
        endtime = None
        if timeout is not None and timeout <= 0:
            blocking = False  # nothing to wait for (ThreadPoolExecutor polls with timeout=0)
        with self._cond:
            while self._value == 0:
                if not blocking:
                    break
                if timeout is not None:
                    if endtime is None:
                        endtime = _time() + timeout
                    else:
                        timeout = endtime - _time()
                        if timeout <= 0:
                            break
                self._cond.wait(timeout)
            else:
                self._value -= 1
                rc = True
        return rc

    __enter__ = acquire

    def release(self, n=1):
        if n < 1:
            raise ValueError("n must be one or more")
        with self._cond:
            self._value += n
            for i in range(n):
                self._cond.notify()

    def __exit__(self, t, v, tb):
        self.release()


class BoundedSemaphore(Semaphore):
    """A Semaphore whose release() may not raise the counter above its initial value."""

    def __init__(self, value=1):
        Semaphore.__init__(self, value)
        self._initial_value = value

    def __repr__(self):
        return f"{_at(self)}: value={self._value}/{self._initial_value}>"

    def release(self, n=1):
        if n < 1:
            raise ValueError("n must be one or more")
        with self._cond:
            if self._value + n > self._initial_value:
                raise ValueError("Semaphore released too many times")
            self._value += n
            for i in range(n):
                self._cond.notify()


class Event:
    """A flag that threads can wait for."""

    def __init__(self):
        self._cond = Condition(Lock())
        self._flag = False

    def __repr__(self):
        status = "set" if self._flag else "unset"
        return f"{_at(self)}: {status}>"

    def is_set(self):
        return self._flag

    isSet = is_set

    def set(self):
        with self._cond:
            self._flag = True
            self._cond.notify_all()

    def clear(self):
        with self._cond:
            self._flag = False

    def wait(self, timeout=None):
        with self._cond:
            signaled = self._flag
            if not signaled:
                signaled = self._cond.wait(timeout)
            return signaled


class BrokenBarrierError(RuntimeError):
    pass


class Barrier:
    """Lets `parties` threads wait for each other; wait() returns each a distinct index."""

    def __init__(self, parties, action=None, timeout=None):
        self._cond = Condition(Lock())
        self._action = action
        self._timeout = timeout
        self._parties = parties
        self._state = 0  # 0 filling, 1 draining, -1 resetting, -2 broken
        self._count = 0

    def __repr__(self):
        if self.broken:
            return f"{_at(self)}: broken>"
        return f"{_at(self)}: waiters={self.n_waiting}/{self.parties}>"

    def wait(self, timeout=None):
        if timeout is None:
            timeout = self._timeout
        with self._cond:
            self._enter()
            index = self._count
            self._count += 1
            try:
                if index + 1 == self._parties:
                    self._release()
                else:
                    self._wait(timeout)
                return index
            finally:
                self._count -= 1
                self._exit()

    def _enter(self):
        # Wait for a previous round to drain (or a reset to finish) before joining.
        while self._state in (-1, 1):
            self._cond.wait()
        if self._state < 0:
            raise BrokenBarrierError
        assert self._state == 0

    def _release(self):
        try:
            if self._action:
                self._action()
            self._state = 1
            self._cond.notify_all()
        except BaseException:
            self._break()
            raise

    def _wait(self, timeout):
        if not self._cond.wait_for(lambda: self._state != 0, timeout):
            self._break()
            raise BrokenBarrierError
        if self._state < 0:
            raise BrokenBarrierError
        assert self._state == 1

    def _exit(self):
        if self._count == 0:
            if self._state in (-1, 1):
                self._state = 0
                self._cond.notify_all()

    def reset(self):
        with self._cond:
            if self._count > 0:
                if self._state == 0:
                    self._state = -1
                elif self._state == -2:
                    self._state = -1
            else:
                self._state = 0
            self._cond.notify_all()

    def abort(self):
        with self._cond:
            self._break()

    def _break(self):
        self._state = -2
        self._cond.notify_all()

    @property
    def parties(self):
        return self._parties

    @property
    def n_waiting(self):
        if self._state == 0:
            return self._count
        return 0

    @property
    def broken(self):
        return self._state == -2


# Thread names: "Thread-N", counted over the whole program (under a lock: threads may create
# threads at the same time).
_counter_value = 0
_counter_lock = _allocate_lock()


def _newname(template):
    global _counter_value
    with _counter_lock:
        _counter_value += 1
        return template % _counter_value


# Started threads by ident, and threads between start() and their first instruction.
_active_limbo_lock = RLock()
_active = {}
_limbo = {}
# Callbacks run by _shutdown() before joining threads (concurrent.futures registers one).
_threading_atexits = []
_SHUTTING_DOWN = False


class _ExceptHookArgs:
    """What excepthook receives: exc_type, exc_value, exc_traceback, thread (also a sequence
    of these four, like CPython's struct sequence)."""

    __module__ = "_thread"  # CPython's is the struct sequence _thread._ExceptHookArgs

    def __init__(self, args):
        self.exc_type, self.exc_value, self.exc_traceback, self.thread = args

    def _fields(self):
        return (self.exc_type, self.exc_value, self.exc_traceback, self.thread)

    def __len__(self):
        return 4

    def __getitem__(self, i):
        return self._fields()[i]

    def __iter__(self):
        return iter(self._fields())

    def __repr__(self):
        return (f"_thread._ExceptHookArgs(exc_type={self.exc_type!r}, "
                f"exc_value={self.exc_value!r}, exc_traceback={self.exc_traceback!r}, "
                f"thread={self.thread!r})")


ExceptHookArgs = _ExceptHookArgs


def excepthook(args):
    """The default hook for an exception escaping Thread.run(): the traceback to stderr."""
    if args.exc_type is SystemExit:
        return
    if hasattr(_thread, "_ExceptHookArgs"):
        # CPython's native hook only accepts its own argument type.
        args = _thread._ExceptHookArgs((args.exc_type, args.exc_value, args.exc_traceback,
                                        args.thread))
    _thread._excepthook(args)


__excepthook__ = excepthook


def _invoke_excepthook(thread, exc):
    args = ExceptHookArgs([type(exc), exc, exc.__traceback__, thread])
    try:
        excepthook(args)
    except BaseException as hook_exc:
        # A failing hook is reported by the default one, as CPython falls back to sys.excepthook.
        print("Exception in threading.excepthook:", file=_sys.stderr, flush=True)
        if hasattr(_thread, "_print_exception"):
            _thread._print_exception(hook_exc)
        else:
            __excepthook__(ExceptHookArgs([type(hook_exc), hook_exc, hook_exc.__traceback__, None]))


class Thread:
    """A thread of control: start() runs run() (by default target(*args, **kwargs)) in a new
    OS thread."""

    _initialized = False  # until Thread.__init__ runs (a subclass may forget to call it)

    def __init__(self, group=None, target=None, name=None, args=(), kwargs=None, *, daemon=None):
        assert group is None, "group argument must be None for now"
        if kwargs is None:
            kwargs = {}
        if name:
            name = str(name)
        else:
            name = _newname("Thread-%d")
            if target is not None:
                target_name = getattr(target, "__name__", None)
                if target_name is not None:
                    name += f" ({target_name})"
        self._target = target
        self._name = name
        self._args = args
        self._kwargs = kwargs
        if daemon is not None:
            self._daemonic = daemon
        else:
            self._daemonic = current_thread().daemon
        self._ident = None
        self._native_id = None
        self._started = Event()
        self._is_stopped = False
        # Held from start() until the thread has finished: join() waits for it.
        self._done_lock = None
        self._initialized = True

    def __repr__(self):
        assert self._initialized, "Thread.__init__() was not called"
        status = "initial"
        if self._started.is_set():
            status = "started"
        if self._is_stopped:
            status = "stopped"
        if self._daemonic:
            status += " daemon"
        if self._ident is not None:
            status += " %s" % self._ident
        return "<%s(%s, %s)>" % (self.__class__.__name__, self._name, status)

    def start(self):
        if not self._initialized:
            raise RuntimeError("thread.__init__() not called")
        if self._started.is_set() or self._done_lock is not None:
            raise RuntimeError("threads can only be started once")
        done = _allocate_lock()
        done.acquire()
        self._done_lock = done
        with _active_limbo_lock:
            _limbo[id(self)] = self
        try:
            _start_new_thread(self._bootstrap, ())
        except Exception:
            with _active_limbo_lock:
                del _limbo[id(self)]
            raise
        self._started.wait()

    def run(self):
        try:
            if self._target is not None:
                self._target(*self._args, **self._kwargs)
        finally:
            # Drop references so that arguments can be freed while the Thread object lives on.
            del self._target, self._args, self._kwargs

    def _bootstrap(self):
        try:
            self._ident = get_ident()
            self._native_id = get_native_id()
            if _set_thread_name is not None:
                _set_thread_name(self._name)
            with _active_limbo_lock:
                _active[self._ident] = self
                del _limbo[id(self)]
            self._started.set()
            failure = None
            try:
                self.run()
            except BaseException as exc:
                failure = exc
            if failure is not None:
                # Outside the except block, so that an error in the hook is not chained to it.
                _invoke_excepthook(self, failure)
        finally:
            with _active_limbo_lock:
                if _active.get(self._ident) is self:
                    del _active[self._ident]
            self._is_stopped = True
            self._done_lock.release()

    def join(self, timeout=None):
        if not self._initialized:
            raise RuntimeError("Thread.__init__() not called")
        if not self._started.is_set():
            raise RuntimeError("cannot join thread before it is started")
        if self is current_thread():
            raise RuntimeError("cannot join current thread")
        if self._is_stopped:
            return
        if timeout is None:
            acquired = self._done_lock.acquire()
        else:
            acquired = self._done_lock.acquire(True, max(timeout, 0))
        if acquired:
            self._done_lock.release()

    def is_alive(self):
        assert self._initialized, "Thread.__init__() not called"
        return self._started.is_set() and not self._is_stopped

    @property
    def name(self):
        assert self._initialized, "Thread.__init__() not called"
        return self._name

    @name.setter
    def name(self, name):
        assert self._initialized, "Thread.__init__() not called"
        self._name = str(name)

    @property
    def ident(self):
        assert self._initialized, "Thread.__init__() not called"
        return self._ident

    @property
    def native_id(self):
        assert self._initialized, "Thread.__init__() not called"
        return self._native_id

    @property
    def daemon(self):
        assert self._initialized, "Thread.__init__() not called"
        return self._daemonic

    @daemon.setter
    def daemon(self, daemonic):
        if not self._initialized:
            raise RuntimeError("Thread.__init__() not called")
        if self._started.is_set():
            raise RuntimeError("cannot set daemon status of active thread")
        self._daemonic = daemonic

    def isDaemon(self):
        return self.daemon

    def setDaemon(self, daemonic):
        self.daemon = daemonic

    def getName(self):
        return self.name

    def setName(self, name):
        self.name = name


class Timer(Thread):
    """Calls function(*args, **kwargs) after `interval` seconds unless cancel()led first."""

    def __init__(self, interval, function, args=None, kwargs=None):
        Thread.__init__(self)
        self.interval = interval
        self.function = function
        self.args = args if args is not None else []
        self.kwargs = kwargs if kwargs is not None else {}
        self.finished = Event()

    def cancel(self):
        self.finished.set()

    def run(self):
        self.finished.wait(self.interval)
        if not self.finished.is_set():
            self.function(*self.args, **self.kwargs)
        self.finished.set()


class _MainThread(Thread):
    def __init__(self):
        Thread.__init__(self, name="MainThread", daemon=False)
        self._done_lock = _allocate_lock()
        self._done_lock.acquire()  # released by _shutdown()
        self._started.set()
        self._ident = get_ident()
        self._native_id = get_native_id()
        with _active_limbo_lock:
            _active[self._ident] = self


class _DummyThread(Thread):
    """Stands for a thread started by `_thread` directly: alive, daemonic, not joinable."""

    def __init__(self):
        Thread.__init__(self, name=_newname("Dummy-%d"), daemon=True)
        self._started.set()
        self._ident = get_ident()
        self._native_id = get_native_id()
        with _active_limbo_lock:
            _active[self._ident] = self

    def is_alive(self):
        return True

    def join(self, timeout=None):
        raise RuntimeError("cannot join a dummy thread")


def current_thread():
    thread = _active.get(get_ident())
    if thread is None:
        return _DummyThread()
    return thread


currentThread = current_thread


def main_thread():
    return _main_thread


def active_count():
    with _active_limbo_lock:
        return len(_active) + len(_limbo)


activeCount = active_count


def enumerate():
    with _active_limbo_lock:
        return list(_active.values()) + list(_limbo.values())


def _register_atexit(func, *arg, **kwargs):
    """Runs func at shutdown, before the non-daemon threads are joined."""
    if _SHUTTING_DOWN:
        raise RuntimeError("can't register atexit after shutdown")
    _threading_atexits.append(lambda: func(*arg, **kwargs))


def _shutdown():
    """Called by the interpreter at exit: runs the atexit callbacks, then joins every
    non-daemon thread (again and again, as threads may start threads)."""
    global _SHUTTING_DOWN
    if _main_thread._is_stopped:
        return  # already done
    _SHUTTING_DOWN = True
    for atexit_call in reversed(_threading_atexits):
        atexit_call()
    me = current_thread()
    if me is _main_thread:
        _main_thread._is_stopped = True
        _main_thread._done_lock.release()
    while True:
        with _active_limbo_lock:
            pending = [t for t in list(_active.values()) + list(_limbo.values())
                       if not t._daemonic and t is not me and t is not _main_thread]
        if not pending:
            break
        for t in pending:
            if t._started.is_set():
                t.join()
            else:
                t._started.wait()


class _local:
    """Attributes seen only by the thread that set them. A subclass's __init__ runs again,
    with the constructor's arguments, the first time each other thread touches the object."""

    __module__ = "_thread"  # CPython's threading.local is _thread._local

    def __new__(cls, *args, **kw):
        if (args or kw) and (cls.__init__ is object.__init__):
            raise TypeError("Initialization arguments are not supported")
        self = object.__new__(cls)
        object.__setattr__(self, "_local__args", (args, kw))
        # The creating thread's dict, filled by the __init__ that runs next.
        object.__setattr__(self, "_local__dicts", {get_ident(): (current_thread(), {})})
        return self

    def __getattribute__(self, name):
        if name.startswith("_local__") or name == "__class__":
            return object.__getattribute__(self, name)
        d = _local_dict(self)
        if name == "__dict__":
            return d
        if name in d and not _is_data_descriptor(self, name):
            return d[name]
        return object.__getattribute__(self, name)

    def __setattr__(self, name, value):
        if name == "__dict__":
            raise AttributeError("'%s' object attribute '__dict__' is read-only"
                                 % _tp_name(self))
        if _is_data_descriptor(self, name):
            return object.__setattr__(self, name, value)
        _local_dict(self)[name] = value

    def __delattr__(self, name):
        if name == "__dict__":
            raise AttributeError("'%s' object attribute '__dict__' is read-only"
                                 % _tp_name(self))
        if _is_data_descriptor(self, name):
            return object.__delattr__(self, name)
        d = _local_dict(self)
        if name not in d:
            raise AttributeError(f"'{_tp_name(self)}' object has no attribute '{name}'",
                                 name=name, obj=self)
        del d[name]

    def __getattr__(self, name):
        # Reached when __getattribute__ failed: the message names the C type as CPython's does.
        raise AttributeError(f"'{_tp_name(self)}' object has no attribute '{name}'",
                             name=name, obj=self)


local = _local


def _tp_name(obj):
    """The type's name as CPython's tp_name spells it: dotted for the C type itself."""
    cls = type(obj)
    return "_thread._local" if cls is _local else cls.__name__


def _is_data_descriptor(obj, name):
    return isinstance(getattr(type(obj), name, None), property)


def _local_dict(obj):
    """This thread's attribute dict of a `local`, made (running __init__ again) on first use.
    An entry left by a finished thread whose ident was reused is replaced."""
    dicts = object.__getattribute__(obj, "_local__dicts")
    key = get_ident()
    me = current_thread()
    entry = dicts.get(key)
    if entry is not None and entry[0] is me:
        return entry[1]
    d = {}
    dicts[key] = (me, d)
    init = type(obj).__init__
    if init is not object.__init__:
        args, kw = object.__getattribute__(obj, "_local__args")
        init(obj, *args, **kw)
    return d


_main_thread = _MainThread()
