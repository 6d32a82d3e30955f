"""How long work tells a watcher where it is: a small protocol the stages call, rendered by the CLI.

The library never prints: a stage announces a step (``start``), the units it has done (``advance``)
and the end (``finish``) to a :class:`Progress`, and the CLI draws those on stderr with
``rich.progress`` when a person watches (crmclean.cli.progress). The default, :data:`NO_PROGRESS`,
does nothing, so every function that takes a ``progress`` keyword works the same without one.

Units are what the step counts honestly: ``rows`` (read or written), ``steps`` (normalize steps on
columns), ``checks`` (validation checks) or ``pairs`` (candidate pairs scored of pairs planned). A
step whose size is not known up front has ``total=None`` (shown as a spinner with the elapsed time).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol, runtime_checkable


@runtime_checkable
class Progress(Protocol):
    """What a stage tells about long work. One step runs at a time; ``start`` ends the previous one."""

    def start(self, step: str, total: int | None = None, unit: str = "") -> None:
        """A step begins: its name, how many ``unit`` it will do (None: not known)."""

    def advance(self, done: int = 1) -> None:
        """``done`` more units of the current step are finished."""

    def finish(self) -> None:
        """The current step is over (its bar goes to its total)."""


class NoProgress:
    """The default: tells nobody."""

    def start(self, step: str, total: int | None = None, unit: str = "") -> None:
        return None

    def advance(self, done: int = 1) -> None:
        return None

    def finish(self) -> None:
        return None


NO_PROGRESS: Progress = NoProgress()


@contextmanager
def step(progress: Progress, name: str, total: int | None = None, unit: str = "") -> Iterator[Progress]:
    """``with step(progress, "normalizing", 12, "steps") as p: ... p.advance()``: start, then finish
    on the way out (also when the work raises, so a display never hangs on a dead step)."""
    progress.start(name, total, unit)
    try:
        yield progress
    finally:
        progress.finish()


class Recorder:
    """A Progress that keeps what it was told, as (event, step, amount) tuples: for tests and for
    callers who want the steps' names without a display."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str, int | None]] = []
        self._step = ""

    def start(self, step: str, total: int | None = None, unit: str = "") -> None:
        self._step = step
        self.events.append(("start", step, total))

    def advance(self, done: int = 1) -> None:
        self.events.append(("advance", self._step, done))

    def finish(self) -> None:
        self.events.append(("finish", self._step, None))

    @property
    def steps(self) -> list[str]:
        return [s for event, s, _ in self.events if event == "start"]

    def done(self, name: str) -> int:
        """Units advanced in step ``name``."""
        return sum(n or 0 for event, s, n in self.events if event == "advance" and s == name)
