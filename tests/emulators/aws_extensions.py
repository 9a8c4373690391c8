"""Extensions to moto for behaviours the roles rely on and moto 5.2.5 lacks.

Each extension is a small, named function registered in ``EXTENSIONS`` and
applied once before the server starts. Keep them stateful and shaped like the
real AWS responses; they are test infrastructure, never product code.
"""

from __future__ import annotations

from typing import Callable

EXTENSIONS: list[Callable[[], None]] = []


def extension(func: Callable[[], None]) -> Callable[[], None]:
    EXTENSIONS.append(func)
    return func


def apply() -> None:
    for func in EXTENSIONS:
        func()
