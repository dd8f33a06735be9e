"""Builtins written in TinyPy: BaseExceptionGroup, ExceptionGroup (CPython's
Objects/exceptions.c), aiter and anext. The VM imports this module the first time a program
looks up one of these names, and puts them into the builtins (see Vm::lazy_builtin)."""


def _matcher(condition):
    if isinstance(condition, type) and issubclass(condition, BaseException):
        return lambda e: isinstance(e, condition)
    if isinstance(condition, tuple) and all(isinstance(c, type) and issubclass(c, BaseException) for c in condition):
        return lambda e: isinstance(e, condition)
    if callable(condition) and not isinstance(condition, type):
        return condition
    raise TypeError("expected a function, exception type or tuple of exception types")


def _check_args(cls, message, exceptions):
    if not isinstance(message, str):
        raise TypeError(f"BaseExceptionGroup.__new__() argument 1 must be str, not {type(message).__name__}")
    if not isinstance(exceptions, (list, tuple)):
        raise TypeError("second argument (exceptions) must be a sequence")
    if not exceptions:
        raise ValueError("second argument (exceptions) must be a non-empty sequence")
    only_exceptions = True
    for i, e in enumerate(exceptions):
        if not isinstance(e, BaseException):
            raise ValueError(f"Item {i} of second argument (exceptions) is not an exception")
        if not isinstance(e, Exception):
            only_exceptions = False
    if issubclass(cls, Exception) and not only_exceptions:
        raise TypeError("Cannot nest BaseExceptions in an ExceptionGroup")
    return only_exceptions


class BaseExceptionGroup(BaseException):
    __module__ = 'builtins'

    def __new__(cls, message, exceptions):
        only_exceptions = _check_args(cls, message, exceptions)
        if cls is BaseExceptionGroup and only_exceptions:
            cls = ExceptionGroup
        return BaseException.__new__(cls, message, exceptions)

    def __init__(self, message, exceptions):
        BaseException.__init__(self, message, exceptions)
        self.message = message
        self.exceptions = tuple(exceptions)

    def __str__(self):
        n = len(self.exceptions)
        return f"{self.message} ({n} sub-exception{'s' if n > 1 else ''})"

    def derive(self, excs):
        return BaseExceptionGroup(self.message, excs)

    def _derive_like(self, excs):
        eg = self.derive(excs)
        eg.__cause__ = self.__cause__
        eg.__context__ = self.__context__
        eg.__traceback__ = self.__traceback__
        if hasattr(self, '__notes__'):
            eg.__notes__ = list(self.__notes__)
        return eg

    def split(self, condition):
        match = _matcher(condition)
        if match(self):
            return self, None
        matched = []
        rest = []
        for e in self.exceptions:
            if isinstance(e, BaseExceptionGroup):
                m, r = e.split(condition)
                if m is not None:
                    matched.append(m)
                if r is not None:
                    rest.append(r)
            elif match(e):
                matched.append(e)
            else:
                rest.append(e)
        m = self._derive_like(matched) if matched else None
        r = self._derive_like(rest) if rest else None
        return m, r

    def subgroup(self, condition):
        return self.split(condition)[0]


class ExceptionGroup(BaseExceptionGroup, Exception):
    __module__ = 'builtins'


def aiter(async_iterable):
    try:
        method = type(async_iterable).__aiter__
    except AttributeError:
        raise TypeError(f"'{type(async_iterable).__name__}' object is not an async iterable") from None
    return method(async_iterable)


_NO_DEFAULT = object()


async def _anext_default(awaitable, default):
    try:
        return await awaitable
    except StopAsyncIteration:
        return default


def anext(async_iterator, default=_NO_DEFAULT):
    try:
        method = type(async_iterator).__anext__
    except AttributeError:
        raise TypeError(f"'{type(async_iterator).__name__}' object is not an async iterator") from None
    awaitable = method(async_iterator)
    if default is _NO_DEFAULT:
        return awaitable
    return _anext_default(awaitable, default)
