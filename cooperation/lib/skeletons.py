"""Templates rendered once per shape and filled in per message: `SkeletonRenderer`, for mail that
goes out by the thousand from the same few templates (reminders).

The template stays the source of every word (translated with {% translate %} and
{% blocktranslate %}, autoescaped where it is HTML); what changes is how often Django renders
it. A message's context is rendered once with a marker in place of each text value it prints
(a title, a name, a link), which gives a skeleton; the next message of the same shape is that
skeleton with its own values put in place of the markers, escaped where the template escaped
the marker.

The shape is everything the output depends on other than those texts: the template, the
language, the context's numbers, dates and flags, and which texts are empty. Objects in the
context (a model instance) are looked at through a proxy that notes every attribute the
template reads, so their numbers and dates are part of the shape too, and their texts markers.
Messages whose texts differ only in what they say share a skeleton; any other difference (days
left, a date, an empty registration number) renders a new one.

What makes a template unfit, and is detected, so that it is simply rendered each time: a text
value that a filter cuts or rewrites (truncatechars: the marker comes out incomplete), a value
the proxy cannot follow (a list, a dictionary, a queryset). Not detected, and so not to be used
in these templates: filters that measure a text or compare it with another ({{ title|length }},
{% if title == "x" %}); the equivalence test (cooperation/tests/test_skeletons.py) renders every
reminder template both ways.
"""

import datetime
import decimal
import re

from django.utils.functional import Promise
from django.utils.html import conditional_escape

# A marker: private-use characters around its number, with an "&" that autoescaping turns into
# "&amp;", so the skeleton says where a value is to be escaped. The padding makes a marker longer
# than any truncation, so that a filter that cuts one is seen.
_OPEN, _CLOSE, _PAD = "\ue000", "\ue001", "\ue002" * 300
_MARKER = re.compile("\ue000(\\d+)(&amp;|&)\ue002*\ue001")
_PLAIN = (int, float, decimal.Decimal, datetime.date, datetime.time, datetime.timedelta, bool, type(None))


class _Trace:
    """What one rendering read: each path (name, attribute, ..., "()" for a call, "str" for the
    text of an object) with what it stands for in the shape, and the markers handed out."""

    def __init__(self):
        self.paths: dict[tuple, object] = {}
        self.markers: list[tuple] = []
        self.unfit = False

    def wrap(self, value, path: tuple):
        if isinstance(value, Promise):
            value = str(value)
        if type(value) is int:
            # A number is printed as a marker too; what the template does with it (compares it,
            # picks a plural form by it) is noted, and only that is part of the shape.
            self.paths[path] = int
            return _TracedInt(value, path, self)
        if isinstance(value, str):
            self.paths[path] = bool(value)
            if not value:
                return value
            self.markers.append(path)
            return f"{_OPEN}{len(self.markers) - 1}&{_PAD}{_CLOSE}"
        if isinstance(value, _PLAIN):
            self.paths[path] = value
            return value
        if callable(value) and not isinstance(value, type):
            return _TracedCall(value, path, self)
        if hasattr(value, "__getitem__") or hasattr(value, "__iter__"):
            # Django would look into it by key or index, which the proxy does not follow.
            self.unfit = True
            return value
        self.paths[path] = type(value)
        return _Traced(value, path, self)


class _TracedInt(int):
    """A number as the template sees it: printed, a marker; any arithmetic or comparison on it
    is done on its value and noted with its result."""

    def __new__(cls, value: int, path: tuple, trace: _Trace):
        number = super().__new__(cls, value)
        number.traced_path, number.traced_by = path, trace
        return number

    def __str__(self):
        trace = self.traced_by
        trace.markers.append(self.traced_path)
        return f"{_OPEN}{len(trace.markers) - 1}&{_PAD}{_CLOSE}"

    __repr__ = __str__

    def __format__(self, spec):
        return str(self) if not spec else self.noted("__format__", spec)

    def noted(self, name: str, *args):
        args = tuple(int(arg) if isinstance(arg, _TracedInt) else arg for arg in args)
        result = getattr(int, name)(int.__int__(self), *args)
        self.traced_by.paths[(*self.traced_path, ("op", name, args))] = result
        return result


def _noting(name: str):
    def operation(self, *args):
        return self.noted(name, *args)

    operation.__name__ = name
    return operation


for _name in (
    "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__hash__", "__bool__", "__int__", "__float__",
    "__index__", "__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__mod__", "__rmod__",
    "__floordiv__", "__rfloordiv__", "__truediv__", "__rtruediv__", "__divmod__", "__rdivmod__", "__pow__",
    "__rpow__", "__neg__", "__pos__", "__abs__", "__invert__", "__round__", "__trunc__", "__floor__", "__ceil__",
    "__and__", "__rand__", "__or__", "__ror__", "__xor__", "__rxor__", "__lshift__", "__rshift__",
):  # fmt: skip
    setattr(_TracedInt, _name, _noting(_name))


class _Traced:
    """An object as the template sees it: each attribute read is noted, texts become markers."""

    __slots__ = ("traced_object", "traced_path", "traced_by")

    def __init__(self, obj, path: tuple, trace: _Trace):
        self.traced_object, self.traced_path, self.traced_by = obj, path, trace

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return self.traced_by.wrap(getattr(self.traced_object, name), (*self.traced_path, name))

    def __str__(self):
        return self.traced_by.wrap(str(self.traced_object), (*self.traced_path, "str"))


class _TracedCall(_Traced):
    __slots__ = ()

    def __call__(self):
        return self.traced_by.wrap(self.traced_object(), (*self.traced_path, "()"))


def _shape_of(value, path: tuple):
    """What `value` at `path` stands for in the shape, as _Trace.wrap notes it."""
    if isinstance(path[-1], tuple):  # an operation on a number: its result
        return value
    if type(value) is int:
        return int
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return bool(value)
    if isinstance(value, _PLAIN):
        return value
    return type(value)


def _typed(value) -> tuple:
    # True, 1, 1.0 and Decimal(1) are equal; in a shape they are not the same thing.
    return (type(value), value)


def _resolve(context: dict, path: tuple, resolved: dict):
    """The value at `path` in a real context (the template's lookups: attributes and calls),
    remembered in `resolved` for the other templates of the same context."""
    if path in resolved:
        return resolved[path]
    value = context[path[0]] if len(path) == 1 else _resolve(context, path[:-1], resolved)
    step = path[-1]
    if len(path) > 1:
        if isinstance(step, tuple):
            _op, name, args = step
            value = getattr(int, name)(value, *args)
        elif step == "()":
            value = value()
        elif step == "str":
            value = str(value)
        else:
            value = getattr(value, step)
    resolved[path] = value
    return value


class _Skeleton:
    def __init__(self, output: str, markers: list[tuple]):
        # Alternating text and (path, escaped) for each marker, in order.
        self.parts: list = []
        position = 0
        for found in _MARKER.finditer(output):
            self.parts.append(output[position : found.start()])
            self.parts.append((markers[int(found.group(1))], found.group(2) == "&amp;"))
            position = found.end()
        self.parts.append(output[position:])

    def fill(self, context: dict, resolved: dict) -> str:
        pieces = []
        for part in self.parts:
            if isinstance(part, str):
                pieces.append(part)
            else:
                path, escaped = part
                value = str(_resolve(context, path, resolved))
                pieces.append(str(conditional_escape(value)) if escaped else value)
        return "".join(pieces)


class SkeletonRenderer:
    """Renders templates (as get_template returns them) through skeletons, kept for the life of
    the renderer, at most `limit` of them."""

    def __init__(self, limit: int = 2000):
        self.skeletons: dict[tuple, _Skeleton] = {}
        # For each template, the sets of paths its renderings read (one per branch taken).
        self.pathsets: dict[object, list[tuple[tuple, ...]]] = {}
        self.unfit: set = set()
        self.limit = limit
        self.rendered = self.filled = 0  # how often each way was taken (for tests and benchmarks)

    def clear(self) -> None:
        self.skeletons.clear()
        self.pathsets.clear()
        self.unfit.clear()

    def render(self, template, context: dict, *, shape: tuple = (), resolved: dict | None = None) -> str:
        """`template` rendered with `context` (a dict); `shape` holds what else the output
        depends on that the context does not show (the active language). Several templates
        rendered with the same context, unchanged, may share a `resolved` dict: what each read
        from the context is then looked up once."""
        resolved = {} if resolved is None else resolved
        # The compiled template, which the cached loader keeps (get_template wraps it anew).
        key = getattr(template, "template", template)
        if key in self.unfit:
            self.rendered += 1
            return template.render(context)
        pathsets = self.pathsets.get(key, [])
        for index, paths in enumerate(pathsets):
            try:
                values = tuple(_typed(_shape_of(_resolve(context, path, resolved), path)) for path in paths)
            except Exception:  # a path that another branch read may not exist in this context
                continue
            skeleton = self.skeletons.get((key, shape, paths, values))
            if skeleton is not None:
                if index:  # tried first next time: messages of a kind come together
                    pathsets.insert(0, pathsets.pop(index))
                self.filled += 1
                return skeleton.fill(context, resolved)
        return self._trace(template, context, key, shape, resolved)

    def _trace(self, template, context: dict, key, shape: tuple, resolved: dict) -> str:
        trace = _Trace()
        traced = {name: trace.wrap(value, (name,)) for name, value in context.items()}
        output = template.render(traced)
        self.rendered += 1
        stray = output.count(_OPEN) != len(_MARKER.findall(output)) or output.count(_CLOSE) != output.count(_OPEN)
        if trace.unfit or stray:
            self.unfit.add(key)
            return template.render(context)
        paths = tuple(trace.paths)
        values = tuple(_typed(value) for value in trace.paths.values())
        if paths not in self.pathsets.setdefault(key, []):
            self.pathsets[key].append(paths)
        if len(self.skeletons) >= self.limit:
            self.skeletons.clear()
        skeleton = _Skeleton(output, trace.markers)
        self.skeletons[(key, shape, paths, values)] = skeleton
        return skeleton.fill(context, resolved)
