"""collections: deque, defaultdict, Counter, namedtuple, OrderedDict (written in TinyPy)."""

import sys as _sys

__all__ = ["deque", "defaultdict", "Counter", "namedtuple", "OrderedDict"]


def _type_name(obj):
    return type(obj).__name__


################################################################################
### deque
################################################################################

class deque:
    """Two lists back to back: `_left` holds the front of the deque reversed (its last item is
    the deque's first), `_right` the back in order. Appends and pops at either end are list
    appends and pops; when one side runs dry, half of the other side moves over, so every
    operation is O(1) amortized and indexing is O(1)."""

    __slots__ = ("_left", "_right", "_maxlen")

    def __init__(self, iterable=(), maxlen=None):
        if maxlen is not None:
            if not isinstance(maxlen, int):
                raise TypeError("an integer is required")
            if maxlen < 0:
                raise ValueError("maxlen must be non-negative")
        self._left = []
        self._right = []
        self._maxlen = maxlen
        self.extend(iterable)

    @property
    def maxlen(self):
        return self._maxlen

    def _items(self):
        """The items in order, as a new list."""
        items = self._left[::-1]
        items.extend(self._right)
        return items

    def _load(self, items):
        self._left = []
        self._right = items

    def append(self, x):
        self._right.append(x)
        if self._maxlen is not None and len(self._left) + len(self._right) > self._maxlen:
            self.popleft()

    def appendleft(self, x):
        self._left.append(x)
        if self._maxlen is not None and len(self._left) + len(self._right) > self._maxlen:
            self.pop()

    def pop(self):
        right = self._right
        if right:
            return right.pop()
        left = self._left
        if not left:
            raise IndexError("pop from an empty deque")
        # Move the back half (the start of `left`) over to `right`.
        k = (len(left) + 1) // 2
        right = left[k - 1::-1]
        del left[:k]
        self._right = right
        return right.pop()

    def popleft(self):
        left = self._left
        if left:
            return left.pop()
        right = self._right
        if not right:
            raise IndexError("pop from an empty deque")
        k = (len(right) + 1) // 2
        left = right[k - 1::-1]
        del right[:k]
        self._left = left
        return left.pop()

    def extend(self, iterable):
        if iterable is self:
            iterable = self._items()
        if self._maxlen is None:
            self._right.extend(iterable)
            return
        for x in iterable:
            self.append(x)

    def extendleft(self, iterable):
        if iterable is self:
            iterable = self._items()
        if self._maxlen is None:
            self._left.extend(iterable)
            return
        for x in iterable:
            self.appendleft(x)

    def clear(self):
        self._left = []
        self._right = []

    def copy(self):
        if type(self) is deque:
            return deque(self, self._maxlen)
        return type(self)(self, self._maxlen)

    def __copy__(self):
        return self.copy()

    def count(self, x):
        n = 0
        for item in self._items():
            if item is x or item == x:
                n += 1
        return n

    def index(self, x, start=0, stop=None):
        items = self._items()
        size = len(items)
        if stop is None or stop > size:
            stop = size
        if start < 0:
            start += size
            if start < 0:
                start = 0
        if stop < 0:
            stop += size
            if stop < 0:
                stop = 0
        for i in range(start, stop):
            item = items[i]
            if item is x or item == x:
                return i
        raise ValueError(f"{x!r} is not in deque")

    def insert(self, i, x):
        size = len(self._left) + len(self._right)
        if self._maxlen is not None and size >= self._maxlen:
            raise IndexError("deque already at its maximum size")
        items = self._items()
        items.insert(i, x)
        self._load(items)

    def remove(self, value):
        items = self._items()
        for i in range(len(items)):
            item = items[i]
            if item is value or item == value:
                del items[i]
                self._load(items)
                return
        raise ValueError(f"{value!r} is not in deque")

    def reverse(self):
        self._left, self._right = self._right, self._left

    def rotate(self, n=1):
        size = len(self._left) + len(self._right)
        if size <= 1:
            return
        n = n % size
        if n == 0:
            return
        items = self._items()
        self._load(items[size - n:] + items[:size - n])

    def __len__(self):
        return len(self._left) + len(self._right)

    def __bool__(self):
        return len(self._left) + len(self._right) != 0

    def __iter__(self):
        left = self._left
        right = self._right
        nleft = len(left)
        nright = len(right)
        i = nleft - 1
        while i >= 0:
            if self._left is not left or len(left) != nleft or len(right) != nright:
                raise RuntimeError("deque mutated during iteration")
            yield left[i]
            i -= 1
        i = 0
        while i < nright:
            if self._right is not right or len(left) != nleft or len(right) != nright:
                raise RuntimeError("deque mutated during iteration")
            yield right[i]
            i += 1
        if self._left is not left or len(left) != nleft or len(right) != nright:
            raise RuntimeError("deque mutated during iteration")

    def __reversed__(self):
        left = self._left
        right = self._right
        nleft = len(left)
        nright = len(right)
        i = nright - 1
        while i >= 0:
            if self._right is not right or len(left) != nleft or len(right) != nright:
                raise RuntimeError("deque mutated during iteration")
            yield right[i]
            i -= 1
        i = 0
        while i < nleft:
            if self._left is not left or len(left) != nleft or len(right) != nright:
                raise RuntimeError("deque mutated during iteration")
            yield left[i]
            i += 1

    def _locate(self, i):
        """(list, position) of item i."""
        if not isinstance(i, int):
            raise TypeError(f"sequence index must be integer, not '{_type_name(i)}'")
        nleft = len(self._left)
        size = nleft + len(self._right)
        if i < 0:
            i += size
        if i < 0 or i >= size:
            raise IndexError("deque index out of range")
        if i < nleft:
            return self._left, nleft - 1 - i
        return self._right, i - nleft

    def __getitem__(self, i):
        if i == 0:
            if self._left:
                return self._left[-1]
            if self._right:
                return self._right[0]
        elif i == -1:
            if self._right:
                return self._right[-1]
            if self._left:
                return self._left[0]
        items, pos = self._locate(i)
        return items[pos]

    def __setitem__(self, i, value):
        items, pos = self._locate(i)
        items[pos] = value

    def __delitem__(self, i):
        items, pos = self._locate(i)
        del items[pos]

    def __contains__(self, x):
        return x in self._right or x in self._left

    def __repr__(self):
        name = _type_name(self)
        body = repr(self._items())
        if self._maxlen is None:
            return f"{name}({body})"
        return f"{name}({body}, maxlen={self._maxlen})"

    def __eq__(self, other):
        if not isinstance(other, deque):
            return NotImplemented
        return self._items() == other._items()

    def __ne__(self, other):
        if not isinstance(other, deque):
            return NotImplemented
        return self._items() != other._items()

    def __lt__(self, other):
        if not isinstance(other, deque):
            return NotImplemented
        return self._items() < other._items()

    def __le__(self, other):
        if not isinstance(other, deque):
            return NotImplemented
        return self._items() <= other._items()

    def __gt__(self, other):
        if not isinstance(other, deque):
            return NotImplemented
        return self._items() > other._items()

    def __ge__(self, other):
        if not isinstance(other, deque):
            return NotImplemented
        return self._items() >= other._items()

    __hash__ = None

    def __add__(self, other):
        if not isinstance(other, deque):
            raise TypeError(f'can only concatenate deque (not "{_type_name(other)}") to deque')
        result = self.copy()
        result.extend(other)
        return result

    def __iadd__(self, other):
        self.extend(other)
        return self

    def __mul__(self, n):
        return deque(self._items() * n, self._maxlen)

    def __rmul__(self, n):
        return self.__mul__(n)

    def __imul__(self, n):
        items = self._items() * n
        if self._maxlen is not None and len(items) > self._maxlen:
            items = items[len(items) - self._maxlen:]
        self._load(items)
        return self


################################################################################
### defaultdict
################################################################################

class defaultdict(dict):
    def __init__(self, default_factory=None, /, *args, **kwargs):
        if default_factory is not None and not callable(default_factory):
            raise TypeError("first argument must be callable or None")
        dict.__init__(self, *args, **kwargs)
        self.default_factory = default_factory

    def __missing__(self, key):
        if self.default_factory is None:
            raise KeyError(key)
        value = self.default_factory()
        self[key] = value
        return value

    def __repr__(self):
        factory = self.default_factory
        if factory is None:
            frepr = "None"
        else:
            frepr = repr(factory)
        return f"{_type_name(self)}({frepr}, {dict(self)!r})"

    def copy(self):
        return type(self)(self.default_factory, self)

    def __copy__(self):
        return self.copy()

    def __or__(self, other):
        if not isinstance(other, dict):
            return NotImplemented
        new = self.copy()
        new.update(other)
        return new

    def __ror__(self, other):
        if not isinstance(other, dict):
            return NotImplemented
        new = type(self)(self.default_factory, other)
        new.update(self)
        return new

    def __ior__(self, other):
        self.update(other)
        return self


################################################################################
### OrderedDict
################################################################################

class OrderedDict(dict):
    def __init__(self, /, *args, **kwargs):
        if len(args) > 1:
            raise TypeError(f"expected at most 1 arguments, got {len(args)}")
        dict.__init__(self)
        self.update(*args, **kwargs)

    def move_to_end(self, key, last=True):
        if key not in self:
            raise KeyError(key)
        if last:
            value = dict.pop(self, key)
            dict.__setitem__(self, key, value)
        else:
            items = list(self.items())
            dict.clear(self)
            for k, v in items:
                if k == key:
                    dict.__setitem__(self, k, v)
                    break
            for k, v in items:
                if not (k is key or k == key):
                    dict.__setitem__(self, k, v)

    def popitem(self, last=True):
        if not self:
            raise KeyError("dictionary is empty")
        if last:
            return dict.popitem(self)
        key = next(iter(self))
        value = dict.pop(self, key)
        return key, value

    def __repr__(self):
        if not self:
            return f"{_type_name(self)}()"
        return f"{_type_name(self)}({list(self.items())!r})"

    def __reversed__(self):
        return reversed(list(self.keys()))

    def copy(self):
        return type(self)(self)

    def __copy__(self):
        return self.copy()

    def __eq__(self, other):
        if isinstance(other, OrderedDict):
            return dict.__eq__(self, other) and list(self) == list(other)
        if isinstance(other, dict):
            return dict.__eq__(self, other)
        return NotImplemented

    def __ne__(self, other):
        result = self.__eq__(other)
        if result is NotImplemented:
            return result
        return not result

    __hash__ = None

    @classmethod
    def fromkeys(cls, iterable, value=None):
        self = cls()
        for key in iterable:
            self[key] = value
        return self

    def __or__(self, other):
        if not isinstance(other, dict):
            return NotImplemented
        new = type(self)(self)
        new.update(other)
        return new

    def __ror__(self, other):
        if not isinstance(other, dict):
            return NotImplemented
        new = type(self)(other)
        new.update(self)
        return new

    def __ior__(self, other):
        self.update(other)
        return self


################################################################################
### namedtuple
################################################################################

def _join_names(names):
    quoted = [f"'{n}'" for n in names]
    if len(quoted) == 1:
        return quoted[0]
    if len(quoted) == 2:
        return quoted[0] + " and " + quoted[1]
    return ", ".join(quoted[:-1]) + ", and " + quoted[-1]


def _is_identifier(name):
    return isinstance(name, str) and name.isidentifier()


_KEYWORDS = frozenset([
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
    "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
    "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
    "try", "while", "with", "yield",
])


def _make_getter(index, doc):
    def getter(self):
        return self[index]
    return property(getter, doc=doc)


def namedtuple(typename, field_names, *, rename=False, defaults=None, module=None):
    """Returns a new subclass of tuple with named fields."""
    if isinstance(field_names, str):
        field_names = field_names.replace(",", " ").split()
    field_names = list(map(str, field_names))
    typename = str(typename)

    if rename:
        seen = set()
        for index, name in enumerate(field_names):
            if (not _is_identifier(name) or name in _KEYWORDS
                    or name.startswith("_") or name in seen):
                field_names[index] = f"_{index}"
            seen.add(name)

    for name in [typename] + field_names:
        if type(name) is not str:
            raise TypeError("Type names and field names must be strings")
        if not _is_identifier(name):
            raise ValueError("Type names and field names must be valid "
                             f"identifiers: {name!r}")
        if name in _KEYWORDS:
            raise ValueError("Type names and field names cannot be a "
                             f"keyword: {name!r}")

    seen = set()
    for name in field_names:
        if name.startswith("_") and not rename:
            raise ValueError("Field names cannot start with an underscore: "
                             f"{name!r}")
        if name in seen:
            raise ValueError(f"Encountered duplicate field name: {name!r}")
        seen.add(name)

    field_defaults = {}
    if defaults is not None:
        defaults = tuple(defaults)
        if len(defaults) > len(field_names):
            raise TypeError("Got more default values than field names")
        field_defaults = dict(reversed(list(zip(reversed(field_names),
                                                reversed(defaults)))))

    field_names = tuple(field_names)
    num_fields = len(field_names)
    num_defaults = len(field_defaults)
    num_required = num_fields - num_defaults
    qualname_new = f"{typename}.__new__"
    tuple_new = tuple.__new__

    def __new__(_cls, *args, **kwargs):
        nargs = len(args)
        if not kwargs and nargs == num_fields:
            return tuple_new(_cls, args)
        if nargs > num_fields:
            if num_defaults:
                takes = f"from {num_required + 1} to {num_fields + 1}"
            else:
                takes = f"{num_fields + 1}"
            given = nargs + 1
            raise TypeError(f"{qualname_new}() takes {takes} positional arguments "
                            f"but {given} {'was' if given == 1 else 'were'} given")
        values = list(args)
        missing = []
        for i in range(nargs, num_fields):
            name = field_names[i]
            if name in kwargs:
                values.append(kwargs[name])
            elif name in field_defaults:
                values.append(field_defaults[name])
            else:
                missing.append(name)
        if kwargs:
            for key in kwargs:
                if key not in field_names:
                    raise TypeError(f"{qualname_new}() got an unexpected keyword argument '{key}'")
                if field_names.index(key) < nargs:
                    raise TypeError(f"{qualname_new}() got multiple values for argument '{key}'")
        if missing:
            plural = "argument" if len(missing) == 1 else "arguments"
            raise TypeError(f"{qualname_new}() missing {len(missing)} required positional "
                            f"{plural}: {_join_names(missing)}")
        return tuple_new(_cls, values)

    @classmethod
    def _make(cls, iterable):
        result = tuple_new(cls, iterable)
        if len(result) != num_fields:
            raise TypeError(f"Expected {num_fields} arguments, got {len(result)}")
        return result

    def _replace(self, /, **kwds):
        values = []
        for i in range(num_fields):
            name = field_names[i]
            if name in kwds:
                values.append(kwds.pop(name))
            else:
                values.append(self[i])
        if kwds:
            raise ValueError(f"Got unexpected field names: {list(kwds)!r}")
        return self._make(values)

    def __repr__(self):
        parts = []
        for i in range(num_fields):
            parts.append(f"{field_names[i]}={self[i]!r}")
        return f"{self.__class__.__name__}({', '.join(parts)})"

    def _asdict(self):
        return dict(zip(self._fields, self))

    def __getnewargs__(self):
        return tuple(self)

    namespace = {
        "__doc__": f"{typename}({', '.join(field_names)})",
        "__slots__": (),
        "_fields": field_names,
        "_field_defaults": field_defaults,
        "__new__": __new__,
        "_make": _make,
        "_replace": _replace,
        "__repr__": __repr__,
        "_asdict": _asdict,
        "__getnewargs__": __getnewargs__,
        "__match_args__": field_names,
        "__module__": "__main__" if module is None else module,
        "__qualname__": typename,
    }
    for index, name in enumerate(field_names):
        namespace[name] = _make_getter(index, f"Alias for field number {index}")

    return type(typename, (tuple,), namespace)


################################################################################
### Counter
################################################################################

def _count_elements(mapping, iterable):
    get = mapping.get
    for elem in iterable:
        mapping[elem] = get(elem, 0) + 1


def _is_mapping(obj):
    return isinstance(obj, dict) or (hasattr(obj, "keys") and hasattr(obj, "__getitem__"))


class Counter(dict):
    """Dict subclass for counting hashable items."""

    def __init__(self, iterable=None, /, **kwds):
        dict.__init__(self)
        self.update(iterable, **kwds)

    def __missing__(self, key):
        return 0

    def total(self):
        return sum(self.values())

    def most_common(self, n=None):
        items = sorted(self.items(), key=_second, reverse=True)
        if n is None:
            return items
        if n < 0:
            n = 0
        return items[:n]

    def elements(self):
        for elem, count in list(self.items()):
            for _ in range(count):
                yield elem

    @classmethod
    def fromkeys(cls, iterable, v=None):
        raise NotImplementedError(
            "Counter.fromkeys() is undefined.  Use Counter(iterable) instead.")

    def update(self, iterable=None, /, **kwds):
        if iterable is not None:
            if _is_mapping(iterable):
                if self:
                    self_get = self.get
                    for elem in iterable.keys():
                        self[elem] = iterable[elem] + self_get(elem, 0)
                else:
                    dict.update(self, iterable)
            else:
                _count_elements(self, iterable)
        if kwds:
            self.update(kwds)

    def subtract(self, iterable=None, /, **kwds):
        if iterable is not None:
            self_get = self.get
            if _is_mapping(iterable):
                for elem in iterable.keys():
                    self[elem] = self_get(elem, 0) - iterable[elem]
            else:
                for elem in iterable:
                    self[elem] = self_get(elem, 0) - 1
        if kwds:
            self.subtract(kwds)

    def copy(self):
        return self.__class__(self)

    def __copy__(self):
        return self.copy()

    def __delitem__(self, elem):
        if elem in self:
            dict.__delitem__(self, elem)

    def __repr__(self):
        if not self:
            return f"{self.__class__.__name__}()"
        try:
            d = dict(self.most_common())
        except TypeError:
            d = dict(self)
        return f"{self.__class__.__name__}({d!r})"

    def __eq__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        for e, c in self.items():
            if other[e] != c:
                return False
        for e, c in other.items():
            if self[e] != c:
                return False
        return True

    def __ne__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        return not self == other

    __hash__ = None

    def __le__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        for e, c in self.items():
            if not c <= other[e]:
                return False
        for e, c in other.items():
            if not self[e] <= c:
                return False
        return True

    def __lt__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        return self <= other and self != other

    def __ge__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        for e, c in self.items():
            if not c >= other[e]:
                return False
        for e, c in other.items():
            if not self[e] >= c:
                return False
        return True

    def __gt__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        return self >= other and self != other

    def __add__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        result = Counter()
        for elem, count in self.items():
            newcount = count + other[elem]
            if newcount > 0:
                result[elem] = newcount
        for elem, count in other.items():
            if elem not in self and count > 0:
                result[elem] = count
        return result

    def __sub__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        result = Counter()
        for elem, count in self.items():
            newcount = count - other[elem]
            if newcount > 0:
                result[elem] = newcount
        for elem, count in other.items():
            if elem not in self and count < 0:
                result[elem] = 0 - count
        return result

    def __or__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        result = Counter()
        for elem, count in self.items():
            other_count = other[elem]
            newcount = other_count if count < other_count else count
            if newcount > 0:
                result[elem] = newcount
        for elem, count in other.items():
            if elem not in self and count > 0:
                result[elem] = count
        return result

    def __and__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        result = Counter()
        for elem, count in self.items():
            other_count = other[elem]
            newcount = count if count < other_count else other_count
            if newcount > 0:
                result[elem] = newcount
        return result

    def __pos__(self):
        result = Counter()
        for elem, count in self.items():
            if count > 0:
                result[elem] = count
        return result

    def __neg__(self):
        result = Counter()
        for elem, count in self.items():
            if count < 0:
                result[elem] = 0 - count
        return result

    def _keep_positive(self):
        nonpositive = [elem for elem, count in self.items() if not count > 0]
        for elem in nonpositive:
            dict.__delitem__(self, elem)
        return self

    def __iadd__(self, other):
        for elem, count in other.items():
            self[elem] += count
        return self._keep_positive()

    def __isub__(self, other):
        for elem, count in other.items():
            self[elem] -= count
        return self._keep_positive()

    def __ior__(self, other):
        for elem, other_count in other.items():
            count = self[elem]
            if other_count > count:
                self[elem] = other_count
        return self._keep_positive()

    def __iand__(self, other):
        for elem, count in list(self.items()):
            other_count = other[elem]
            if other_count < count:
                self[elem] = other_count
        return self._keep_positive()


def _second(pair):
    return pair[1]
