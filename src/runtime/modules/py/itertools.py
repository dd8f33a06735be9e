"""Functions creating iterators for efficient looping (written in TinyPy).

Each function checks its arguments when called, as CPython's do, and returns a generator that
produces the same items in the same order as CPython's iterator.
"""

import sys as _sys

__all__ = ["count", "islice", "chain", "product", "permutations", "combinations",
           "combinations_with_replacement", "repeat", "cycle", "accumulate", "groupby",
           "zip_longest", "starmap", "takewhile", "dropwhile", "filterfalse", "tee",
           "pairwise", "compress"]


def _is_number(x):
    return isinstance(x, (int, float))


################################################################################
### infinite iterators
################################################################################

def count(start=0, step=1):
    """Return a count object whose .__next__() method returns consecutive values."""
    if not _is_number(start) or not _is_number(step):
        raise TypeError("a number is required")
    return _count(start, step)


def _count(n, step):
    if step == 1:
        while True:
            yield n
            n += 1
    while True:
        yield n
        n += step


def cycle(iterable):
    """Return elements from the iterable until it is exhausted. Then repeat the sequence
    indefinitely."""
    return _cycle(iter(iterable))


def _cycle(it):
    saved = []
    for element in it:
        yield element
        saved.append(element)
    while saved:
        for element in saved:
            yield element


def repeat(object, times=None):
    """repeat(object [,times]) -> create an iterator which returns the object for the
    specified number of times.  If not specified, returns the object endlessly."""
    if times is None:
        return _repeat_forever(object)
    if not isinstance(times, int):
        raise TypeError(f"'{type(times).__name__}' object cannot be interpreted as an integer")
    return _repeat(object, times)


def _repeat_forever(obj):
    while True:
        yield obj


def _repeat(obj, times):
    for _ in range(times):
        yield obj


################################################################################
### iterators terminating on the shortest input sequence
################################################################################

def accumulate(iterable, func=None, *, initial=None):
    """Return series of accumulated sums (or other binary function results)."""
    return _accumulate(iter(iterable), func, initial)


def _accumulate(it, func, initial):
    total = initial
    if initial is None:
        for total in it:
            break
        else:
            return
    yield total
    if func is None:
        for element in it:
            total = total + element
            yield total
    else:
        for element in it:
            total = func(total, element)
            yield total


def _chain(iterables):
    for it in iterables:
        yield from it


def chain(*iterables):
    """Return a chain object whose .__next__() method returns elements from the first
    iterable until it is exhausted, then elements from the next iterable, until all of the
    iterables are exhausted."""
    return _chain(iterables)


def _from_iterable(iterable):
    """Alternative chain() constructor taking a single iterable argument that evaluates
    lazily."""
    return _chain_lazy(iter(iterable))


def _chain_lazy(iterables):
    for it in iterables:
        yield from it


chain.from_iterable = _from_iterable


def compress(data, selectors):
    """Return data elements corresponding to true selector elements."""
    return _compress(iter(data), iter(selectors))


def _compress(data, selectors):
    for d, s in zip(data, selectors):
        if s:
            yield d


def dropwhile(predicate, iterable):
    """Drop items from the iterable while predicate(item) is true."""
    return _dropwhile(predicate, iter(iterable))


def _dropwhile(predicate, it):
    for x in it:
        if not predicate(x):
            yield x
            break
    yield from it


def filterfalse(function, iterable):
    """Return those items of iterable for which function(item) is false."""
    return _filterfalse(function, iter(iterable))


def _filterfalse(predicate, it):
    if predicate is None:
        for x in it:
            if not x:
                yield x
    else:
        for x in it:
            if not predicate(x):
                yield x


def groupby(iterable, key=None):
    """make an iterator that returns consecutive keys and groups from the iterable"""
    return _groupby(iter(iterable), key)


def _groupby(iterator, key):
    keyfunc = key
    exhausted = False
    curr_value = None
    curr_key = None

    def _grouper(target_key):
        nonlocal curr_value, curr_key, exhausted
        yield curr_value
        for curr_value in iterator:
            curr_key = curr_value if keyfunc is None else keyfunc(curr_value)
            if not curr_key == target_key:
                return
            yield curr_value
        exhausted = True

    for curr_value in iterator:
        break
    else:
        return
    curr_key = curr_value if keyfunc is None else keyfunc(curr_value)

    while not exhausted:
        target_key = curr_key
        curr_group = _grouper(target_key)
        yield curr_key, curr_group
        if curr_key == target_key:
            for _ in curr_group:
                pass


def _islice_index(value, message):
    if value is None:
        return None
    if not isinstance(value, int) or value < 0 or value > _sys.maxsize:
        raise ValueError(message)
    return value


def islice(iterable, *args):
    """islice(iterable, stop) --> islice object
    islice(iterable, start, stop[, step]) --> islice object"""
    nargs = len(args)
    if nargs == 0:
        raise TypeError("islice expected at least 2 arguments, got 1")
    if nargs > 3:
        raise TypeError(f"islice expected at most 4 arguments, got {nargs + 1}")
    indices_msg = ("Indices for islice() must be None or an integer: "
                   "0 <= x <= sys.maxsize.")
    start = 0
    step = 1
    if nargs == 1:
        stop = _islice_index(args[0], "Stop argument for islice() must be None or an "
                                      "integer: 0 <= x <= sys.maxsize.")
    else:
        start = _islice_index(args[0], indices_msg)
        stop = _islice_index(args[1], indices_msg)
        if start is None:
            start = 0
        if nargs == 3:
            step = args[2]
            if step is None:
                step = 1
            elif not isinstance(step, int) or step <= 0:
                raise ValueError("Step for islice() must be a positive integer or None.")
    return _islice(iter(iterable), start, stop, step)


def _islice(it, start, stop, step):
    if start:
        for _ in zip(range(start), it):
            pass
    if stop is None:
        if step == 1:
            yield from it
        else:
            i = 0
            for item in it:
                if i == 0:
                    yield item
                i += 1
                if i == step:
                    i = 0
        return
    n = stop - start
    if n <= 0:
        return
    if step == 1:
        for _, item in zip(range(n), it):
            yield item
    else:
        for i, item in zip(range(n), it):
            if i % step == 0:
                yield item


def pairwise(iterable):
    """Return an iterator of overlapping pairs taken from the input iterator."""
    return _pairwise(iter(iterable))


def _pairwise(it):
    for a in it:
        for b in it:
            yield a, b
            a = b
        return


def starmap(function, iterable):
    """Return an iterator whose values are returned from the function evaluated with an
    argument tuple taken from the given sequence."""
    return _starmap(function, iter(iterable))


def _starmap(function, it):
    for args in it:
        yield function(*args)


def takewhile(predicate, iterable):
    """Return successive entries from an iterable as long as the predicate evaluates to
    true for each entry."""
    return _takewhile(predicate, iter(iterable))


def _takewhile(predicate, it):
    for x in it:
        if predicate(x):
            yield x
        else:
            break


def tee(iterable, n=2):
    """Returns a tuple of n independent iterators."""
    if not isinstance(n, int):
        raise TypeError(f"'{type(n).__name__}' object cannot be interpreted as an integer")
    if n < 0:
        raise ValueError("n must be >= 0")
    iterator = iter(iterable)
    shared_link = [None, None]
    return tuple([_tee(iterator, shared_link) for _ in range(n)])


def _tee(iterator, link):
    while True:
        if link[1] is None:
            for value in iterator:
                break
            else:
                return
            link[0] = value
            link[1] = [None, None]
        value, link = link
        yield value


def zip_longest(*args, fillvalue=None):
    """Return a zip_longest object whose .__next__() method returns a tuple where the i-th
    element comes from the i-th iterable argument, filling missing values with fillvalue."""
    iterators = [iter(it) for it in args]
    return _zip_longest(iterators, fillvalue)


def _zip_longest(iterators, fillvalue):
    num_active = len(iterators)
    if not num_active:
        return
    sentinel = object()
    while True:
        values = []
        for i in range(len(iterators)):
            it = iterators[i]
            if it is None:
                values.append(fillvalue)
                continue
            value = next(it, sentinel)
            if value is sentinel:
                num_active -= 1
                if not num_active:
                    return
                iterators[i] = None
                value = fillvalue
            values.append(value)
        yield tuple(values)


################################################################################
### combinatoric iterators
################################################################################

def product(*args, repeat=1):
    """Cartesian product of input iterables.  Equivalent to nested for-loops."""
    if not isinstance(repeat, int):
        raise TypeError(f"'{type(repeat).__name__}' object cannot be interpreted as an integer")
    if repeat < 0:
        raise ValueError("repeat argument cannot be negative")
    pools = [tuple(pool) for pool in args] * repeat
    return _product(pools)


def _product(pools):
    n = len(pools)
    if n == 0:
        yield ()
        return
    for pool in pools:
        if not pool:
            return
    if n == 1:
        for a in pools[0]:
            yield (a,)
        return
    if n == 2:
        p0, p1 = pools
        for a in p0:
            for b in p1:
                yield (a, b)
        return
    if n == 3:
        p0, p1, p2 = pools
        for a in p0:
            for b in p1:
                for c in p2:
                    yield (a, b, c)
        return
    indices = [0] * n
    result = [pool[0] for pool in pools]
    yield tuple(result)
    while True:
        i = n - 1
        while i >= 0:
            pool = pools[i]
            j = indices[i] + 1
            if j == len(pool):
                indices[i] = 0
                result[i] = pool[0]
                i -= 1
            else:
                indices[i] = j
                result[i] = pool[j]
                break
        if i < 0:
            return
        yield tuple(result)


def _check_r(r):
    if not isinstance(r, int):
        raise TypeError(f"'{type(r).__name__}' object cannot be interpreted as an integer")
    if r < 0:
        raise ValueError("r must be non-negative")


def permutations(iterable, r=None):
    """Return successive r-length permutations of elements in the iterable."""
    pool = tuple(iterable)
    if r is not None:
        _check_r(r)
    return _permutations(pool, r)


def _permutations(pool, r):
    n = len(pool)
    r = n if r is None else r
    if r > n:
        return
    if r == n:
        yield from _permutations_full(pool)
        return
    # CPython's cycles algorithm, moving the values themselves alongside the cycle counts.
    values = list(pool)
    cycles = list(range(n, n - r, -1))
    yield tuple(values[:r])
    positions = list(range(r - 1, -1, -1))
    while n:
        for i in positions:
            c = cycles[i] - 1
            if c == 0:
                values[i:] = values[i + 1:] + values[i:i + 1]
                cycles[i] = n - i
            else:
                cycles[i] = c
                values[i], values[-c] = values[-c], values[i]
                yield tuple(values[:r])
                break
        else:
            return


def _permutations_full(pool):
    # Lexicographic order of the positions (CPython's order), by the next-permutation step on
    # the positions, with the values moved alongside.
    n = len(pool)
    order = list(range(n))
    values = list(pool)
    yield tuple(values)
    while True:
        i = n - 2
        while i >= 0 and order[i] > order[i + 1]:
            i -= 1
        if i < 0:
            return
        j = n - 1
        oi = order[i]
        while order[j] < oi:
            j -= 1
        order[i] = order[j]
        order[j] = oi
        values[i], values[j] = values[j], values[i]
        order[i + 1:] = order[:i:-1]
        values[i + 1:] = values[:i:-1]
        yield tuple(values)


def combinations(iterable, r):
    """Return successive r-length combinations of elements in the iterable."""
    pool = tuple(iterable)
    _check_r(r)
    return _combinations(pool, r)


def _combinations(pool, r):
    n = len(pool)
    if r > n:
        return
    indices = list(range(r))
    yield tuple([pool[i] for i in indices])
    while True:
        for i in reversed(range(r)):
            if indices[i] != i + n - r:
                break
        else:
            return
        indices[i] += 1
        for j in range(i + 1, r):
            indices[j] = indices[j - 1] + 1
        yield tuple([pool[k] for k in indices])


def combinations_with_replacement(iterable, r):
    """Return successive r-length combinations of elements in the iterable allowing
    individual elements to have successive repeats."""
    pool = tuple(iterable)
    _check_r(r)
    return _combinations_with_replacement(pool, r)


def _combinations_with_replacement(pool, r):
    n = len(pool)
    if not n and r:
        return
    indices = [0] * r
    yield tuple([pool[i] for i in indices])
    while True:
        for i in reversed(range(r)):
            if indices[i] != n - 1:
                break
        else:
            return
        indices[i:] = [indices[i] + 1] * (r - i)
        yield tuple([pool[k] for k in indices])
