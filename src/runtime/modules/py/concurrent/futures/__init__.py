"""concurrent.futures: run calls asynchronously in a pool of threads (written in TinyPy)."""

from concurrent.futures._base import (FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED,
                                      CancelledError, TimeoutError, InvalidStateError,
                                      BrokenExecutor, Future, Executor, wait, as_completed)
from concurrent.futures.thread import ThreadPoolExecutor
from concurrent.futures import _base, thread  # the submodules as attributes, as in CPython
from concurrent.futures.process import ProcessPoolExecutor

__all__ = ("FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED", "CancelledError",
           "TimeoutError", "InvalidStateError", "BrokenExecutor", "Future", "Executor", "wait",
           "as_completed", "ThreadPoolExecutor", "ProcessPoolExecutor")
