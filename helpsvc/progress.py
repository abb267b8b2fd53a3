"""Progress of long jobs (an index build): what they tell a bar, and a bar that shows nothing.

A job takes a ``ProgressFactory``: called with a total and a label, it returns
something with ``update(n)`` and ``close()``. The CLI passes one that makes a
tqdm bar (tqdm's bars have exactly that shape); the library and the tests pass
None, and ``bar`` then hands back ``NO_PROGRESS``, so a job never checks for None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable


@runtime_checkable
class Progress(Protocol):
    def update(self, n: int = 1) -> object: ...

    def close(self) -> None: ...


ProgressFactory = Callable[[int, str], Progress]


class NoProgress:
    """A bar that shows nothing."""

    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


NO_PROGRESS = NoProgress()


def bar(factory: ProgressFactory | None, total: int, label: str, more_than: int = 0) -> Progress:
    """A bar for `total` steps, or one that shows nothing: without a factory, or for `more_than` steps or fewer."""
    if factory is None or total <= more_than:
        return NO_PROGRESS
    return factory(total, label)
