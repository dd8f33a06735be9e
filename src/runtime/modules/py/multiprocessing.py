# multiprocessing: Python code run in other processes, each with its own interpreter and GIL.
# Start method: spawn (see src/process/mod.rs). The machinery is native (_multiprocessing and
# src/process/); this file is the API surface, following CPython's Lib/multiprocessing.

import _multiprocessing as _mp
import os as _os
import sys as _sys
import time as _time


class ProcessError(Exception):
    pass


class BufferTooShort(ProcessError):
    pass


class TimeoutError(ProcessError):
    pass


class AuthenticationError(ProcessError):
    pass


class WorkerLostError(ProcessError):
    """A Pool worker died while tasks were pending: they are failed instead of waiting for
    ever (CPython's Pool hangs there, bpo-22393)."""


class PicklingError(Exception):
    """pickle.PicklingError (tpy has no pickle module; values cross by _multiprocessing)."""


PicklingError.__module__ = "_pickle"


def _set_module(module, *classes):
    # CPython's multiprocessing is a package: tracebacks and reprs name these submodules (the
    # wire format resolves them to this module).
    for c in classes:
        c.__module__ = module


_set_module("multiprocessing.context", ProcessError, BufferTooShort, TimeoutError, AuthenticationError)


# multiprocessing.Queue raises queue.Empty and queue.Full: _multiprocessing imports the queue
# module when it first raises one (importing it here would slow every child's start-up).


_SIGNAL_NAMES = {1: "SIGHUP", 2: "SIGINT", 9: "SIGKILL", 15: "SIGTERM"}


# ---- processes


class _ProcessState:
    """What CPython keeps in multiprocessing.process: the counter and the live children."""

    def __init__(self):
        self.counter = 0
        self.children = []
        self.current = None


_state = _ProcessState()

# True while a Process is being encoded for its child: queues, locks and shared values cross
# only then, as CPython's context.assert_spawning allows.
_spawning = False


def _assert_spawning(obj):
    if not _spawning:
        raise RuntimeError(
            "%s objects should only be shared between processes through inheritance" % type(obj).__name__)


def _spawn_only_state(self):
    _assert_spawning(self)
    return self.__dict__


class Process:
    def __init__(self, group=None, target=None, name=None, args=(), kwargs=None, *, daemon=None):
        assert group is None, "group argument must be None for now"
        _state.counter += 1
        parent = current_process()
        self._identity = parent._identity + (_state.counter,)
        self._parent_pid = _os.getpid()
        self._parent_name = parent.name
        self._popen = None
        self._closed = False
        self._target = target
        self._args = tuple(args)
        self._kwargs = dict(kwargs) if kwargs else {}
        if name is None:
            name = type(self).__name__ + "-" + ":".join([str(i) for i in self._identity])
        self._name = name
        self._daemonic = parent.daemon if daemon is None else bool(daemon)

    def run(self):
        if self._target:
            self._target(*self._args, **self._kwargs)

    def start(self):
        self._check_closed()
        assert self._popen is None, "cannot start a process twice"
        assert self._parent_pid == _os.getpid(), "can only start a process object created by current process"
        assert not current_process().daemon, "daemonic processes are not allowed to have children"
        _cleanup()
        global _spawning
        _spawning = True
        try:
            payload = _mp.dumps(self)
        finally:
            _spawning = False
        self._popen = _mp.spawn(payload, _mp.Popen)
        _state.children.append(self)

    def terminate(self):
        self._check_closed()
        if self._popen is not None:
            _mp.popen_signal(self._popen, 15)

    def kill(self):
        self._check_closed()
        if self._popen is not None:
            _mp.popen_signal(self._popen, 9)

    def join(self, timeout=None):
        self._check_closed()
        assert self._parent_pid == _os.getpid(), "can only join a child process"
        assert self._popen is not None, "can only join a started process"
        if _mp.popen_wait(self._popen, timeout) is not None:
            _forget(self)

    def is_alive(self):
        self._check_closed()
        if self is _state.current:
            return True
        assert self._parent_pid == _os.getpid(), "can only test a child process"
        if self._popen is None:
            return False
        if _mp.popen_wait(self._popen, 0) is None:
            return True
        _forget(self)
        return False

    def close(self):
        if self._popen is not None:
            if _mp.popen_wait(self._popen, 0) is None:
                raise ValueError(
                    "Cannot close a process while it is still running. You should first call join() or terminate()."
                )
            _forget(self)
        self._popen = None
        self._closed = True

    def _check_closed(self):
        if self._closed:
            raise ValueError("process object is closed")

    @property
    def name(self):
        return self._name

    @name.setter
    def name(self, name):
        assert isinstance(name, str), "name must be a string"
        self._name = name

    @property
    def daemon(self):
        return self._daemonic

    @daemon.setter
    def daemon(self, daemonic):
        assert self._popen is None, "process has already started"
        self._daemonic = daemonic

    @property
    def exitcode(self):
        self._check_closed()
        if self._popen is None:
            return None
        return _mp.popen_wait(self._popen, 0)

    @property
    def pid(self):
        self._check_closed()
        if self is _state.current:
            return _os.getpid()
        if self._popen is None:
            return None
        return _mp.popen_pid(self._popen)

    ident = pid

    def __repr__(self):
        exitcode = None
        if self is _state.current:
            status = "started"
        elif self._closed:
            status = "closed"
        elif self._popen is None:
            status = "initial"
        else:
            exitcode = _mp.popen_wait(self._popen, 0)
            status = "started" if exitcode is None else "stopped"
        info = [type(self).__name__, "name=%r" % self._name]
        if self._popen is not None:
            info.append("pid=%s" % _mp.popen_pid(self._popen))
        info.append("parent=%s" % self._parent_pid)
        info.append(status)
        if exitcode is not None:
            if exitcode < 0 and -exitcode in _SIGNAL_NAMES:
                exitcode = "-" + _SIGNAL_NAMES[-exitcode]
            info.append("exitcode=%s" % exitcode)
        if self._daemonic:
            info.append("daemon")
        return "<%s>" % " ".join(info)

    def _bootstrap(self):
        """Runs in the child (as CPython's BaseProcess._bootstrap): the exit code of `run`."""
        _state.current = self
        _state.counter = 0
        _state.children = []
        try:
            try:
                self.run()
                exitcode = 0
            finally:
                _exit_function()
        except SystemExit as e:
            if e.code is None:
                exitcode = 0
            elif isinstance(e.code, int):
                # CPython's os._exit takes a C int: bools count as ints, a code out of range
                # fails with OverflowError, so the child exits with 1.
                exitcode = int(e.code) if -0x80000000 <= e.code <= 0x7FFFFFFF else 1
            else:
                _sys.stderr.write(str(e.code) + "\n")
                exitcode = 1
        except BaseException as e:
            exitcode = 1
            _sys.stdout.flush()
            _sys.stderr.write("Process %s:\n" % self._name)
            _mp.print_exception(e)
        return exitcode


class _MainProcess(Process):
    def __init__(self):
        self._identity = ()
        self._name = "MainProcess"
        self._parent_pid = None
        self._popen = None
        self._closed = False
        self._daemonic = False
        self._target = None
        self._args = ()
        self._kwargs = {}

    @property
    def pid(self):
        return _os.getpid()

    def __repr__(self):
        return "<_MainProcess name=%r parent=None started>" % self._name


class _ParentProcess(Process):
    def __init__(self, name, pid):
        self._identity = ()
        self._name = name
        self._parent_pid = None
        self._popen = None
        self._closed = False
        self._daemonic = False
        self._pid = pid

    @property
    def pid(self):
        return self._pid

    def is_alive(self):
        return _os.getppid() == self._pid

    def join(self, timeout=None):
        deadline = None if timeout is None else _time.monotonic() + timeout
        while self.is_alive():
            if deadline is not None and _time.monotonic() >= deadline:
                return
            _time.sleep(0.01)


_main_process = _MainProcess()


def current_process():
    if _state.current is None:
        return _main_process
    return _state.current


def parent_process():
    if _state.current is None:
        return None
    return _ParentProcess(_state.current._parent_name, _state.current._parent_pid)


def _forget(p):
    if p in _state.children:
        _state.children.remove(p)


def _cleanup():
    for p in list(_state.children):
        if p._popen is not None and _mp.popen_wait(p._popen, 0) is not None:
            _forget(p)


def active_children():
    _cleanup()
    return list(_state.children)


def cpu_count():
    n = _os.cpu_count()
    if n is None:
        raise NotImplementedError("cannot determine number of cpus")
    return n


def _exit_function():
    """At exit (called by tpy): terminate daemonic children, then join the others."""
    for p in active_children():
        if p._daemonic:
            p.terminate()
    for p in active_children():
        p.join()


def _child_main(data):
    """Entry point of a spawned child, after the script ran as __mp_main__."""
    return _mp.loads(data)._bootstrap()


# ---- queues and pipes


class Queue:
    __getstate__ = _spawn_only_state

    def __init__(self, maxsize=0):
        self._maxsize = maxsize if maxsize > 0 else 0
        self._h = _mp.queue_new(self._maxsize)
        self._closed = False

    def put(self, obj, block=True, timeout=None):
        if self._closed:
            raise ValueError("Queue %r is closed" % self)
        _mp.queue_put(self._h, obj, block, timeout, self._maxsize == 0)

    def get(self, block=True, timeout=None):
        if self._closed:
            raise ValueError("Queue %r is closed" % self)
        return _mp.queue_get(self._h, block, timeout)

    def put_nowait(self, obj):
        return self.put(obj, False)

    def get_nowait(self):
        return self.get(False)

    def qsize(self):
        return _mp.queue_size(self._h)

    def empty(self):
        return _mp.queue_size(self._h) == 0

    def full(self):
        return self._maxsize > 0 and _mp.queue_size(self._h) >= self._maxsize

    def close(self):
        self._closed = True

    def join_thread(self):
        # Items are handed to the owning hub by `put` itself: there is no feeder to wait for.
        assert self._closed, "Queue {0!r} not closed".format(self)

    def cancel_join_thread(self):
        # Nothing is ever left buffered in this process (see join_thread).
        return None


class SimpleQueue(Queue):
    def __init__(self):
        Queue.__init__(self, 0)


class Connection:
    def __init__(self, handle, readable=True, writable=True):
        self._h = handle
        self._readable = readable
        self._writable = writable

    def _check(self, readable):
        if _mp.conn_closed(self._h):
            raise OSError("handle is closed")
        if readable and not self._readable:
            raise OSError("connection is write-only")
        if not readable and not self._writable:
            raise OSError("connection is read-only")

    def send(self, obj):
        self._check(False)
        _mp.conn_send(self._h, obj)

    def recv(self):
        self._check(True)
        return _mp.conn_recv(self._h)

    def send_bytes(self, buf, offset=0, size=None):
        data = bytes(buf)
        if size is None:
            size = len(data) - offset
        self.send(data[offset:offset + size])

    def recv_bytes(self, maxlength=None):
        data = self.recv()
        if maxlength is not None and len(data) > maxlength:
            raise OSError("bad message length")
        return data

    def poll(self, timeout=0.0):
        self._check(True)
        return _mp.conn_poll(self._h, timeout)

    def close(self):
        _mp.conn_close(self._h)

    @property
    def closed(self):
        return _mp.conn_closed(self._h)

    @property
    def readable(self):
        return self._readable

    @property
    def writable(self):
        return self._writable

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, exc_tb):
        self.close()


def Pipe(duplex=True):
    a, b = _mp.pipe_new()
    if duplex:
        return Connection(a), Connection(b)
    return Connection(a, True, False), Connection(b, False, True)


# ---- synchronization and shared values


class Lock:
    __getstate__ = _spawn_only_state

    _recursive = False

    def __init__(self):
        self._h = _mp.lock_new(self._recursive)

    def acquire(self, block=True, timeout=None):
        return _mp.lock_acquire(self._h, block, timeout)

    def release(self):
        _mp.lock_release(self._h)

    def __enter__(self):
        return _mp.lock_acquire(self._h, True, None)

    def __exit__(self, *args):
        _mp.lock_release(self._h)

    def __repr__(self):
        return "<%s(owner=unknown)>" % type(self).__name__


class RLock(Lock):
    _recursive = True


_INT_BITS = {"b": 8, "B": 8, "h": 16, "H": 16, "i": 32, "I": 32, "l": 64, "L": 64, "q": 64, "Q": 64}
_CTYPE_NAMES = {
    "b": "c_byte", "B": "c_ubyte", "h": "c_short", "H": "c_ushort", "i": "c_int", "I": "c_uint",
    "l": "c_long", "L": "c_ulong", "q": "c_longlong", "Q": "c_ulonglong", "f": "c_float",
    "d": "c_double", "c": "c_char", "u": "c_wchar",
}


def _convert(typecode, value):
    """The value as the C type stores it (ints wrap around, as ctypes does)."""
    if typecode in _INT_BITS:
        if not isinstance(value, int):
            raise TypeError("%r object cannot be interpreted as an integer" % type(value).__name__)
        bits = _INT_BITS[typecode]
        value = value & ((1 << bits) - 1)
        if typecode.islower() and value >= 1 << (bits - 1):
            value -= 1 << bits
        return value
    if typecode in ("d", "f"):
        if not isinstance(value, (int, float)):
            raise TypeError("must be real number, not %s" % type(value).__name__)
        return float(value)
    if typecode == "c":
        if not isinstance(value, bytes) or len(value) != 1:
            raise TypeError("one character bytes, bytearray or integer expected")
        return value
    if typecode == "u":
        if not isinstance(value, str) or len(value) != 1:
            raise TypeError("one character unicode string expected")
        return value
    raise TypeError("unsupported typecode %r" % (typecode,))


_ZERO = {"c": b"\x00", "u": "\x00", "d": 0.0, "f": 0.0}


class Synchronized:
    __getstate__ = _spawn_only_state

    def __init__(self, typecode, value, lock):
        self._typecode = typecode
        self._h = _mp.cell_new(_convert(typecode, value))
        self._lock = RLock() if lock is True or lock is None else lock

    @property
    def value(self):
        return _mp.cell_load(self._h)

    @value.setter
    def value(self, v):
        _mp.cell_store(self._h, _convert(self._typecode, v))

    def get_lock(self):
        return self._lock

    def get_obj(self):
        return self

    def acquire(self, *args):
        return self._lock.acquire(*args)

    def release(self):
        return self._lock.release()

    def __enter__(self):
        return self._lock.__enter__()

    def __exit__(self, *args):
        return self._lock.__exit__(*args)

    def __repr__(self):
        return "<Synchronized wrapper for %s(%r)>" % (_CTYPE_NAMES.get(self._typecode, "c_int"), self.value)


def Value(typecode_or_type, *args, lock=True):
    if typecode_or_type not in _CTYPE_NAMES:
        raise TypeError("unsupported typecode %r" % (typecode_or_type,))
    value = args[0] if args else _ZERO.get(typecode_or_type, 0)
    return Synchronized(typecode_or_type, value, lock)


def _queue_empty():
    import queue
    return queue.Empty


# ---- pools


class ExceptionWithTraceback:
    """What a pool worker sends for an exception in CPython; here only named by the repr of a
    MaybeEncodingError when the exception could not be sent."""

    def __init__(self, exc):
        self.exc = exc


class MaybeEncodingError(Exception):
    """Wraps an exception or result that could not be sent back to the parent."""

    def __init__(self, exc, value):
        self.exc = repr(exc)
        self.value = repr(value)
        Exception.__init__(self, self.exc, self.value)

    def __str__(self):
        return "Error sending result: '%s'. Reason: '%s'" % (self.value, self.exc)


def _flush_std():
    _sys.stdout.flush()
    _sys.stderr.flush()


_STARMAP = 0
_MAP = 1
_APPLY = 2


def _pool_worker(inq, outq, initializer, initargs):
    if initializer is not None:
        initializer(*initargs)
    while True:
        task = inq.get()
        if task is None:
            break
        job, i, func, kind, chunk = task
        try:
            if kind == _STARMAP:
                result = [func(*a) for a in chunk]
            elif kind == _MAP:
                result = [func(a) for a in chunk]
            else:
                result = func(*chunk[0], **chunk[1])
            ok = True
        except Exception as e:
            ok, result = False, e
        # The pool may terminate this worker as soon as the result arrives: print first.
        _flush_std()
        try:
            outq.put((job, i, ok, result))
        except Exception as e:
            outq.put((job, i, False, MaybeEncodingError(e, result if ok else ExceptionWithTraceback(result))))


class ApplyResult:
    def __init__(self, pool, callback=None, error_callback=None):
        self._pool = pool
        self._ready = False
        self._success = None
        self._value = None
        self._callback = callback
        self._error_callback = error_callback

    def ready(self):
        return self._ready

    def successful(self):
        if not self._ready:
            raise ValueError("{0!r} not ready".format(self))
        return self._success

    def wait(self, timeout=None):
        self._pool._wait_for(self, timeout)

    def get(self, timeout=None):
        self.wait(timeout)
        if not self._ready:
            raise TimeoutError
        if self._success:
            return self._value
        raise self._value

    def _set(self, i, ok, value):
        self._finish(ok, value)

    def _finish(self, ok, value):
        self._ready = True
        self._success = ok
        self._value = value
        if ok and self._callback is not None:
            self._callback(value)
        if not ok and self._error_callback is not None:
            self._error_callback(value)


AsyncResult = ApplyResult


class MapResult(ApplyResult):
    def __init__(self, pool, nchunks, callback=None, error_callback=None):
        ApplyResult.__init__(self, pool, callback, error_callback)
        self._chunks = [None] * nchunks
        self._left = nchunks
        self._error = None
        self._arrived = []
        self._errors = {}
        if nchunks == 0:
            self._finish(True, [])

    def _set(self, i, ok, value):
        if not ok:
            self._errors[i] = value
            if self._error is None:
                self._error = value
        self._chunks[i] = value if ok else []
        self._arrived.append(i)
        self._left -= 1
        if self._left == 0:
            if self._error is not None:
                self._finish(False, self._error)
            else:
                out = []
                for c in self._chunks:
                    out.extend(c)
                self._finish(True, out)

    def _fail(self, exc):
        self._error = exc
        self._left = 0
        self._finish(False, exc)


class IMapIterator:
    """The results of Pool.imap, in order; a failed item raises its exception in its place."""

    _ordered = True

    def __init__(self, pool, result):
        self._pool = pool
        self._result = result
        self._taken = 0
        self._items = []

    def __iter__(self):
        return self

    def _next_chunk(self):
        """The index of the next chunk to hand out if it arrived, else None."""
        r = self._result
        if self._ordered:
            return self._taken if r._chunks[self._taken] is not None else None
        return r._arrived[self._taken] if len(r._arrived) > self._taken else None

    def next(self, timeout=None):
        if self._items:
            return self._items.pop(0)
        r = self._result
        if self._taken >= len(r._chunks):
            raise StopIteration
        deadline = None if timeout is None else _time.monotonic() + timeout
        i = self._next_chunk()
        while i is None:
            if r._ready:
                raise r._error  # the pool broke: this chunk never comes
            wait = 0.1
            if deadline is not None:
                wait = min(wait, deadline - _time.monotonic())
                if wait <= 0:
                    raise TimeoutError
            self._pool._handle_one(wait)
            i = self._next_chunk()
        self._taken += 1
        if i in r._errors:
            raise r._errors[i]
        self._items = list(r._chunks[i])
        return self.next()

    __next__ = next


class IMapUnorderedIterator(IMapIterator):
    _ordered = False


class Pool:
    def __init__(self, processes=None, initializer=None, initargs=(), maxtasksperchild=None):
        if processes is None:
            processes = _os.cpu_count() or 1
        if processes < 1:
            raise ValueError("Number of processes must be at least 1")
        if initializer is not None and not callable(initializer):
            raise TypeError("initializer must be a callable")
        self._processes = processes
        self._inq = Queue()
        self._outq = Queue()
        self._jobs = {}
        self._next_job = 0
        self._state = "RUN"
        self._broken = None
        self._pool = []
        for _ in range(processes):
            p = Process(target=_pool_worker, args=(self._inq, self._outq, initializer, tuple(initargs)))
            p._name = p._name.replace("Process", "SpawnPoolWorker", 1)
            p._daemonic = True
            p.start()
            self._pool.append(p)

    def _check_running(self):
        if self._state != "RUN":
            raise ValueError("Pool not running")
        if self._broken is not None:
            raise self._broken

    def _new_job(self, result):
        self._next_job += 1
        self._jobs[self._next_job] = result
        return self._next_job

    def apply_async(self, func, args=(), kwds={}, callback=None, error_callback=None):
        self._check_running()
        result = ApplyResult(self, callback, error_callback)
        job = self._new_job(result)
        self._send(job, 0, (job, 0, func, _APPLY, (tuple(args), dict(kwds))))
        return result

    def _send(self, job, i, task):
        # A task that cannot be sent fails its result (on get), as CPython's task handler.
        try:
            self._inq.put(task)
        except Exception as e:
            result = self._jobs[job]
            result._set(i, False, e)
            if result._ready:
                del self._jobs[job]

    def apply(self, func, args=(), kwds={}):
        return self.apply_async(func, args, kwds).get()

    def _map_async(self, func, iterable, kind, chunksize, callback=None, error_callback=None):
        self._check_running()
        items = list(iterable)
        if chunksize is None:
            chunksize, extra = divmod(len(items), len(self._pool) * 4)
            if extra:
                chunksize += 1
        if len(items) == 0:
            chunksize = 0
        nchunks = 0 if chunksize == 0 else (len(items) + chunksize - 1) // chunksize
        result = MapResult(self, nchunks, callback, error_callback)
        if nchunks:
            job = self._new_job(result)
            for i in range(nchunks):
                self._send(job, i, (job, i, func, kind, items[i * chunksize:(i + 1) * chunksize]))
        return result

    def map_async(self, func, iterable, chunksize=None, callback=None, error_callback=None):
        return self._map_async(func, iterable, _MAP, chunksize, callback, error_callback)

    def starmap_async(self, func, iterable, chunksize=None, callback=None, error_callback=None):
        return self._map_async(func, iterable, _STARMAP, chunksize, callback, error_callback)

    def map(self, func, iterable, chunksize=None):
        return self._map_async(func, iterable, _MAP, chunksize).get()

    def starmap(self, func, iterable, chunksize=None):
        return self._map_async(func, iterable, _STARMAP, chunksize).get()

    def imap(self, func, iterable, chunksize=1):
        return self._imap(func, iterable, chunksize, IMapIterator)

    def imap_unordered(self, func, iterable, chunksize=1):
        return self._imap(func, iterable, chunksize, IMapUnorderedIterator)

    def _imap(self, func, iterable, chunksize, cls):
        self._check_running()
        if chunksize < 1:
            raise ValueError("Chunksize must be 1+, not {0:n}".format(chunksize))
        it = cls(self, self._map_async(func, iterable, _MAP, chunksize))
        # CPython hands out chunks of more than one item through a generator.
        return it if chunksize == 1 else (x for x in it)

    def _wait_for(self, result, timeout):
        deadline = None if timeout is None else _time.monotonic() + timeout
        while not result._ready:
            wait = 0.1
            if deadline is not None:
                wait = min(wait, deadline - _time.monotonic())
                if wait <= 0:
                    return
            self._handle_one(wait)

    def _handle_one(self, timeout):
        """Takes one result from the workers, or checks that none of them died."""
        try:
            job, i, ok, value = self._outq.get(True, timeout)
        except _queue_empty():
            self._check_workers()
            return
        result = self._jobs.get(job)
        if result is not None:
            result._set(i, ok, value)
            if result._ready:
                del self._jobs[job]

    def _check_workers(self):
        if self._state == "TERMINATE" or self._broken is not None:
            return
        for p in self._pool:
            code = p.exitcode
            if code is not None and not (self._state == "CLOSE" and code == 0):
                self._break(p, code)
                return

    def _break(self, p, code):
        if code < 0 and -code in _SIGNAL_NAMES:
            how = "was killed by " + _SIGNAL_NAMES[-code]
        else:
            how = "exited with code %d" % code
        self._broken = WorkerLostError(
            "a worker process of the pool (%s) %s; the tasks it held are lost" % (p.name, how)
        )
        for job in list(self._jobs):
            result = self._jobs.pop(job)
            if isinstance(result, MapResult):
                result._fail(self._broken)
            else:
                result._finish(False, self._broken)

    def close(self):
        if self._state == "RUN":
            self._state = "CLOSE"
            for _ in self._pool:
                self._inq.put(None)

    def terminate(self):
        self._state = "TERMINATE"
        for p in self._pool:
            p.terminate()
        for p in self._pool:
            p.join()

    def join(self):
        if self._state == "RUN":
            raise ValueError("Pool is still running")
        if self._state not in ("CLOSE", "TERMINATE"):
            raise ValueError("In unknown state")
        for p in self._pool:
            while p.exitcode is None:
                self._handle_one(0.05)
                if not self._jobs:
                    p.join()
        while self._jobs:
            try:
                job, i, ok, value = self._outq.get(False)
            except _queue_empty():
                break
            result = self._jobs.get(job)
            if result is not None:
                result._set(i, ok, value)
                if result._ready:
                    del self._jobs[job]

    def __enter__(self):
        self._check_running()
        return self

    def __exit__(self, exc_type, exc_value, exc_tb):
        self.terminate()

    def __repr__(self):
        return "<multiprocessing.pool.Pool state=%s pool_size=%d>" % (self._state, len(self._pool))


_set_module("multiprocessing.pool", IMapIterator, IMapUnorderedIterator, ExceptionWithTraceback, MaybeEncodingError, ApplyResult, MapResult, Pool)
_set_module("multiprocessing.context", Process)
_set_module("multiprocessing.process", _MainProcess, _ParentProcess)
_set_module("multiprocessing.queues", Queue, SimpleQueue)
_set_module("multiprocessing.connection", Connection)
_set_module("multiprocessing.synchronize", Lock, RLock)
_set_module("multiprocessing.sharedctypes", Synchronized)


def get_start_method(allow_none=False):
    return "spawn"


def freeze_support():
    return None
