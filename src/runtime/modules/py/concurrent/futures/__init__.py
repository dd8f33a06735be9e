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

# `import concurrent.futures` reaches this package as an attribute of `concurrent`: make sure
# it is one even where the importer does not set submodule attributes on their parent.
import concurrent as _parent
import concurrent.futures as _this
_parent.futures = _this
del _parent, _this
