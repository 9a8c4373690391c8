"""The aws_extensions package applies every extension its service modules define, once each."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import aws_extensions  # noqa: E402


def service_extensions() -> list:
    """The public functions defined in the service modules (``common`` holds helpers only)."""
    found = []
    for info in pkgutil.iter_modules(aws_extensions.__path__):
        if info.name == "common":
            continue
        module = importlib.import_module(f"aws_extensions.{info.name}")
        found += [func for name, func in inspect.getmembers(module, inspect.isfunction)
                  if func.__module__ == module.__name__ and not name.startswith("_")]
    return found


def test_every_extension_is_applied_once():
    defined = service_extensions()
    assert defined
    assert sorted(f.__name__ for f in aws_extensions.EXTENSIONS) == sorted(f.__name__ for f in defined)


def test_every_extension_is_importable_from_the_package_by_name():
    for func in aws_extensions.EXTENSIONS:
        assert getattr(aws_extensions, func.__name__) is func
