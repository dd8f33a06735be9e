"""asyncio streams over TCP: open_connection, start_server, StreamReader, StreamWriter.

CPython splits this into a selector transport, a protocol and the stream classes
(selector_events.py, streams.py); here one _SocketTransport plays transport and protocol. It
keeps a non-blocking socket registered with the loop: readable → recv into the StreamReader,
writable → flush the write buffer. Flow control as CPython's: reading pauses while the reader
holds more than 2 * limit bytes, drain() waits while more than 64 KiB are unsent.
"""

import socket as _socket
import _asyncio
from asyncio import get_running_loop, get_event_loop, CancelledError, sleep

_DEFAULT_LIMIT = 2 ** 16
_HIGH_WATER = 64 * 1024
_LOW_WATER = 16 * 1024

# OSError subclasses by errno, as CPython's OSError(errno, text) picks them.
_ERRNO_CLASSES = {
    111: ConnectionRefusedError, 104: ConnectionResetError, 103: ConnectionAbortedError,
    32: BrokenPipeError, 110: TimeoutError, 11: BlockingIOError, 115: BlockingIOError,
}


def _os_error(errno, text):
    return _ERRNO_CLASSES.get(errno, OSError)(errno, text)


class IncompleteReadError(EOFError):
    __module__ = 'asyncio.exceptions'

    def __init__(self, partial, expected):
        r_expected = 'undefined' if expected is None else repr(expected)
        super().__init__(f'{len(partial)} bytes read on a total of {r_expected} expected bytes')
        self.partial = partial
        self.expected = expected


class LimitOverrunError(Exception):
    __module__ = 'asyncio.exceptions'

    def __init__(self, message, consumed):
        super().__init__(message)
        self.consumed = consumed


class _SocketTransport:
    def __init__(self, loop, sock, reader, server=None):
        self._loop = loop
        self._sock = sock
        self._fd = sock.fileno()
        self._reader = reader
        self._server = server
        self._buffer = bytearray()
        self._closing = False
        self._conn_lost = False
        self._eof_pending = False
        self._reading = True
        self._write_paused = False
        self._drain_waiters = []
        self._closed = loop.create_future()
        self._extra = {'peername': sock.getpeername(), 'sockname': sock.getsockname(), 'socket': sock}
        reader._transport = self
        if server is not None:
            server._attach()
        loop.add_reader(self._fd, self._read_ready)

    def get_extra_info(self, name, default=None):
        return self._extra.get(name, default)

    def is_closing(self):
        return self._closing

    def pause_reading(self):
        if self._reading and not self._closing:
            self._reading = False
            self._loop.remove_reader(self._fd)

    def resume_reading(self):
        if not self._reading and not self._closing:
            self._reading = True
            self._loop.add_reader(self._fd, self._read_ready)

    def _read_ready(self):
        try:
            data = self._sock.recv(_DEFAULT_LIMIT)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            self._force_close(exc)
            return
        if data:
            self._reader.feed_data(data)
        else:
            self._loop.remove_reader(self._fd)
            self._reading = False
            self._reader.feed_eof()

    def write(self, data):
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError(f'data argument must be a bytes-like object, not {type(data).__name__!r}')
        if self._eof_pending:
            raise RuntimeError('Cannot call write() after write_eof()')
        if not data or self._conn_lost:
            return
        if not self._buffer:
            try:
                n = self._sock.send(data)
            except (BlockingIOError, InterruptedError):
                n = 0
            except OSError as exc:
                self._force_close(exc)
                return
            if n == len(data):
                return
            data = data[n:]
            self._loop.add_writer(self._fd, self._write_ready)
        self._buffer.extend(data)
        if len(self._buffer) > _HIGH_WATER:
            self._write_paused = True

    def writelines(self, lines):
        for data in lines:
            self.write(data)

    def _write_ready(self):
        if self._conn_lost:
            return
        try:
            n = self._sock.send(self._buffer)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            self._loop.remove_writer(self._fd)
            self._buffer.clear()
            self._force_close(exc)
            return
        if n:
            del self._buffer[:n]
        if self._write_paused and len(self._buffer) <= _LOW_WATER:
            self._write_paused = False
            self._wake_drainers(None)
        if not self._buffer:
            self._loop.remove_writer(self._fd)
            if self._closing:
                self._call_connection_lost(None)
            elif self._eof_pending:
                self._sock.shutdown(_socket.SHUT_WR)

    def can_write_eof(self):
        return True

    def write_eof(self):
        if self._closing or self._eof_pending:
            return
        self._eof_pending = True
        if not self._buffer:
            self._sock.shutdown(_socket.SHUT_WR)

    def get_write_buffer_size(self):
        return len(self._buffer)

    def _wake_drainers(self, exc):
        waiters = self._drain_waiters
        self._drain_waiters = []
        for w in waiters:
            if not w.done():
                if exc is None:
                    w.set_result(None)
                else:
                    w.set_exception(exc)

    async def _drain_helper(self):
        if self._conn_lost:
            raise ConnectionResetError('Connection lost')
        if not self._write_paused:
            return
        waiter = self._loop.create_future()
        self._drain_waiters.append(waiter)
        await waiter

    def close(self):
        if self._closing:
            return
        self._closing = True
        if self._reading:
            self._loop.remove_reader(self._fd)
            self._reading = False
        if not self._buffer:
            self._loop.call_soon(self._call_connection_lost, None)

    def abort(self):
        self._force_close(None)

    def _force_close(self, exc):
        if self._conn_lost:
            return
        if self._buffer:
            self._buffer.clear()
            self._loop.remove_writer(self._fd)
        if not self._closing:
            self._closing = True
            if self._reading:
                self._loop.remove_reader(self._fd)
                self._reading = False
        self._conn_lost = True
        self._loop.call_soon(self._call_connection_lost, exc)

    def _call_connection_lost(self, exc):
        if self._closed.done():
            return
        self._conn_lost = True
        reader = self._reader
        if exc is None:
            reader.feed_eof()
        else:
            reader.set_exception(exc)
        self._wake_drainers(exc if exc is not None else None)
        self._sock.close()
        if not self._closed.done():
            if exc is None:
                self._closed.set_result(None)
            else:
                self._closed.set_exception(exc)
                self._closed.exception()
        if self._server is not None:
            self._server._detach()
            self._server = None


class StreamReader:
    def __init__(self, limit=_DEFAULT_LIMIT, loop=None):
        if limit <= 0:
            raise ValueError('Limit cannot be <= 0')
        self._limit = limit
        self._loop = get_event_loop() if loop is None else loop
        self._buffer = bytearray()
        self._eof = False
        self._waiter = None
        self._exception = None
        self._transport = None
        self._paused = False

    def __repr__(self):
        info = ['StreamReader']
        if self._buffer:
            info.append(f'{len(self._buffer)} bytes')
        if self._eof:
            info.append('eof')
        return '<{}>'.format(' '.join(info))

    def exception(self):
        return self._exception

    def set_exception(self, exc):
        self._exception = exc
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.cancelled():
                waiter.set_exception(exc)

    def _wakeup_waiter(self):
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.cancelled():
                waiter.set_result(None)

    def set_transport(self, transport):
        self._transport = transport

    def _maybe_resume_transport(self):
        if self._paused and len(self._buffer) <= self._limit:
            self._paused = False
            self._transport.resume_reading()

    def feed_eof(self):
        self._eof = True
        self._wakeup_waiter()

    def at_eof(self):
        return self._eof and not self._buffer

    def feed_data(self, data):
        if not data:
            return
        self._buffer.extend(data)
        self._wakeup_waiter()
        if self._transport is not None and not self._paused and len(self._buffer) > 2 * self._limit:
            self._transport.pause_reading()
            self._paused = True

    async def _wait_for_data(self, func_name):
        if self._waiter is not None:
            raise RuntimeError(f'{func_name}() called while another coroutine is already waiting for incoming data')
        if self._paused:
            self._paused = False
            self._transport.resume_reading()
        self._waiter = self._loop.create_future()
        try:
            await self._waiter
        finally:
            self._waiter = None

    async def readline(self):
        sep = b'\n'
        seplen = len(sep)
        try:
            line = await self.readuntil(sep)
        except IncompleteReadError as e:
            return e.partial
        except LimitOverrunError as e:
            if self._buffer.startswith(sep, e.consumed):
                del self._buffer[:e.consumed + seplen]
            else:
                self._buffer.clear()
            self._maybe_resume_transport()
            raise ValueError(e.args[0])
        return line

    async def readuntil(self, separator=b'\n'):
        seplen = len(separator)
        if seplen == 0:
            raise ValueError('Separator should be at least one-byte string')
        if self._exception is not None:
            raise self._exception
        offset = 0
        while True:
            buflen = len(self._buffer)
            if buflen - offset >= seplen:
                isep = self._buffer.find(separator, offset)
                if isep != -1:
                    break
                offset = buflen + 1 - seplen
                if offset > self._limit:
                    raise LimitOverrunError('Separator is not found, and chunk exceed the limit', offset)
            if self._eof:
                chunk = bytes(self._buffer)
                self._buffer.clear()
                raise IncompleteReadError(chunk, None)
            await self._wait_for_data('readuntil')
        if isep > self._limit:
            raise LimitOverrunError('Separator is found, but chunk is longer than limit', isep)
        chunk = bytes(self._buffer[:isep + seplen])
        del self._buffer[:isep + seplen]
        self._maybe_resume_transport()
        return chunk

    async def read(self, n=-1):
        if self._exception is not None:
            raise self._exception
        if n == 0:
            return b''
        if n < 0:
            blocks = []
            while True:
                block = await self.read(self._limit)
                if not block:
                    break
                blocks.append(block)
            return b''.join(blocks)
        if not self._buffer and not self._eof:
            await self._wait_for_data('read')
        data = bytes(self._buffer[:n])
        del self._buffer[:n]
        self._maybe_resume_transport()
        return data

    async def readexactly(self, n):
        if n < 0:
            raise ValueError('readexactly size can not be less than zero')
        if self._exception is not None:
            raise self._exception
        if n == 0:
            return b''
        while len(self._buffer) < n:
            if self._eof:
                incomplete = bytes(self._buffer)
                self._buffer.clear()
                raise IncompleteReadError(incomplete, n)
            await self._wait_for_data('readexactly')
        data = bytes(self._buffer[:n])
        del self._buffer[:n]
        self._maybe_resume_transport()
        return data

    def __aiter__(self):
        return self

    async def __anext__(self):
        val = await self.readline()
        if val == b'':
            raise StopAsyncIteration
        return val


class StreamWriter:
    def __init__(self, transport, protocol, reader, loop):
        self._transport = transport
        self._protocol = protocol
        self._reader = reader
        self._loop = loop

    def __repr__(self):
        return f'<StreamWriter transport={self._transport!r} reader={self._reader!r}>'

    @property
    def transport(self):
        return self._transport

    def write(self, data):
        self._transport.write(data)

    def writelines(self, data):
        self._transport.writelines(data)

    def write_eof(self):
        return self._transport.write_eof()

    def can_write_eof(self):
        return self._transport.can_write_eof()

    def close(self):
        return self._transport.close()

    def is_closing(self):
        return self._transport.is_closing()

    async def wait_closed(self):
        closed = self._transport._closed
        if not closed.done():
            waiter = self._loop.create_future()

            def done(f):
                if not waiter.done():
                    waiter.set_result(None)

            closed.add_done_callback(done)
            await waiter
        exc = closed.exception()
        if exc is not None:
            raise exc

    def get_extra_info(self, name, default=None):
        return self._transport.get_extra_info(name, default)

    async def drain(self):
        if self._reader is not None:
            exc = self._reader.exception()
            if exc is not None:
                raise exc
        if self._transport.is_closing():
            await sleep(0)
        await self._transport._drain_helper()


def _resolve(host):
    if host is None or host == '':
        return '0.0.0.0'
    if host == 'localhost':
        return '127.0.0.1'
    return host


def _wake(fut):
    if not fut.done():
        fut.set_result(None)


async def _connect(loop, host, port):
    addr = (_resolve(host), port)
    sock = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        sock.setblocking(False)
        err = sock.connect_ex(addr)
        if err == 115 or err == 114:
            fut = loop.create_future()
            fd = sock.fileno()
            loop.add_writer(fd, _wake, fut)
            try:
                await fut
            finally:
                loop.remove_writer(fd)
            err = sock.getsockopt(_socket.SOL_SOCKET, _socket.SO_ERROR)
        if err != 0:
            raise _os_error(err, f'Connect call failed {addr}')
    except BaseException:
        sock.close()
        raise
    return sock


async def open_connection(host=None, port=None, *, limit=_DEFAULT_LIMIT, **kwds):
    loop = get_running_loop()
    sock = await _connect(loop, host, port)
    reader = StreamReader(limit=limit, loop=loop)
    transport = _SocketTransport(loop, sock, reader)
    writer = StreamWriter(transport, None, reader, loop)
    return reader, writer


class Server:
    def __init__(self, loop, sockets, client_connected_cb, limit, backlog):
        self._loop = loop
        self._sockets = sockets
        self._client_connected_cb = client_connected_cb
        self._limit = limit
        self._backlog = backlog
        self._active_count = 0
        self._waiters = []
        self._serving = False
        self._serving_forever_fut = None

    def __repr__(self):
        return f'<Server sockets={self.sockets!r}>'

    def _attach(self):
        self._active_count += 1

    def _detach(self):
        self._active_count -= 1
        if self._active_count == 0 and self._sockets is None:
            self._wakeup()

    def _wakeup(self):
        waiters = self._waiters
        self._waiters = None
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def _start_serving(self):
        if self._serving:
            return
        self._serving = True
        for sock in self._sockets:
            self._loop.add_reader(sock.fileno(), self._accept_ready, sock)

    def _accept_ready(self, sock):
        for _ in range(self._backlog):
            try:
                conn, addr = sock.accept()
            except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                return
            except OSError as exc:
                self._loop.call_exception_handler({'message': 'socket.accept() out of system resource',
                                                   'exception': exc})
                return
            conn.setblocking(False)
            self._accept_connection(conn)

    def _accept_connection(self, conn):
        loop = self._loop
        reader = StreamReader(limit=self._limit, loop=loop)
        transport = _SocketTransport(loop, conn, reader, self)
        writer = StreamWriter(transport, None, reader, loop)
        res = self._client_connected_cb(reader, writer)
        if _asyncio.iscoroutine(res):
            loop.create_task(res)

    def get_loop(self):
        return self._loop

    def is_serving(self):
        return self._serving

    @property
    def sockets(self):
        if self._sockets is None:
            return ()
        return tuple(self._sockets)

    def close(self):
        sockets = self._sockets
        if sockets is None:
            return
        self._sockets = None
        for sock in sockets:
            if self._serving:
                self._loop.remove_reader(sock.fileno())
            sock.close()
        self._serving = False
        if self._serving_forever_fut is not None and not self._serving_forever_fut.done():
            self._serving_forever_fut.cancel()
            self._serving_forever_fut = None
        if self._active_count == 0:
            self._wakeup()

    async def start_serving(self):
        self._start_serving()
        await sleep(0)

    async def serve_forever(self):
        if self._serving_forever_fut is not None:
            raise RuntimeError(f'server {self!r} is already being awaited on serve_forever()')
        if self._sockets is None:
            raise RuntimeError(f'server {self!r} is closed')
        self._start_serving()
        self._serving_forever_fut = self._loop.create_future()
        try:
            await self._serving_forever_fut
        except CancelledError:
            try:
                self.close()
                await self.wait_closed()
            finally:
                raise
        finally:
            self._serving_forever_fut = None

    async def wait_closed(self):
        if self._sockets is None or self._waiters is None:
            return
        waiter = self._loop.create_future()
        self._waiters.append(waiter)
        await waiter

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        self.close()
        await self.wait_closed()


async def start_server(client_connected_cb, host=None, port=None, *, limit=_DEFAULT_LIMIT,
                       backlog=100, reuse_address=None, start_serving=True, **kwds):
    loop = get_running_loop()
    sock = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        sock.setsockopt(_socket.SOL_SOCKET, _socket.SO_REUSEADDR, 1)
        try:
            sock.bind((_resolve(host), port or 0))
        except OSError as err:
            raise OSError(err.errno, f'error while attempting to bind on address {(_resolve(host), port)!r}: '
                          f'{err.strerror.lower()}') from None
        sock.listen(backlog)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    server = Server(loop, [sock], client_connected_cb, limit, backlog)
    if start_serving:
        server._start_serving()
        await sleep(0)
    return server
