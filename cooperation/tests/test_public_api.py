"""Our code uses libraries through their public API: no class of ours overrides a library's
private (underscore) method, whose behaviour the library may change in any release."""

import importlib
import inspect
import pkgutil
from types import FunctionType

import pytest

OUR_PACKAGES = ("agreements", "cooperation", "mobility", "partners")


def our_modules():
    for package_name in OUR_PACKAGES:
        package = importlib.import_module(package_name)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            if ".tests" in module.name or ".migrations" in module.name or module.name.endswith(".tasks"):
                continue
            yield importlib.import_module(module.name)


def is_ours(cls) -> bool:
    return cls.__module__.split(".")[0] in OUR_PACKAGES


def private(name: str) -> bool:
    # Not a dunder, nor an enum's _sunder_ names (Python's documented hooks).
    return name.startswith("_") and not name.endswith("_")


@pytest.mark.django_db
def test_no_class_of_ours_overrides_a_private_method_of_a_library():
    overrides = set()
    for module in our_modules():
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if not is_ours(cls) or cls.__module__ != module.__name__:
                continue
            library_bases = [base for base in cls.__mro__[1:] if not is_ours(base)]
            for name, value in vars(cls).items():
                if not isinstance(value, (FunctionType, classmethod, staticmethod, property)):
                    continue  # a class's own data (an enum's members, a table's _meta) overrides nothing
                if private(name) and any(name in vars(base) for base in library_bases):
                    overrides.add(f"{cls.__module__}.{cls.__qualname__}.{name}")
    assert not overrides, sorted(overrides)


def test_the_check_sees_an_override():
    from django.forms import Select

    class Sneaky(Select):
        def _render(self, *args, **kwargs):
            return ""

    library_bases = [base for base in Sneaky.__mro__[1:] if not is_ours(base)]
    assert any("_render" in vars(base) for base in library_bases)
