"""The progress display on stderr: what crmclean.progress is told, drawn with rich.progress.

Shown only to a person watching: stderr is a terminal, not --quiet, not in CI (``CI`` set) and not
on a dumb terminal (``TERM=dumb`` or ``unknown``, as Rich tells). ``NO_COLOR`` keeps the display but
drops its colours. In a pipe, a CI log or with --quiet nothing is written at all.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichBars
from rich.text import Text

from crmclean.cli.output import terminal_console
from crmclean.progress import NO_PROGRESS, Progress

REFRESH_PER_SECOND = 8


def wanted(*, quiet: bool, console: Console | None = None) -> bool:
    """Whether a person watches stderr: a terminal, not --quiet, not CI, not TERM=dumb."""
    if quiet or os.environ.get("CI", "").lower() not in ("", "0", "false"):
        return False
    console = console or terminal_console(stderr=True)
    return console.is_terminal and not console.is_dumb_terminal  # Rich reads TERM (dumb, unknown)


class _Count(ProgressColumn):
    """``1,234/5,000 pairs``; nothing for a step of unknown size."""

    def render(self, task: Task) -> Text:
        if task.total is None or task.fields.get("unknown"):
            return Text("")
        unit = task.fields.get("unit", "")
        return Text(f"{int(task.completed):,}/{int(task.total):,} {unit}".rstrip(), style="progress.download")


class _Eta(TimeRemainingColumn):
    """``ETA 0:00:12`` while a step of known size runs; nothing otherwise."""

    def render(self, task: Task) -> Text:
        if task.total is None or task.finished or task.fields.get("unknown"):
            return Text("")
        return Text.assemble("ETA ", super().render(task))


class RichProgress:
    """A :class:`crmclean.progress.Progress` drawn as one line per step: a spinner, the step, a bar,
    units done of units planned, elapsed time and ETA."""

    def __init__(self, console: Console) -> None:
        self.bars = RichBars(
            SpinnerColumn(finished_text="✓"),
            TextColumn("{task.description}"),
            BarColumn(bar_width=30),
            _Count(),
            TimeElapsedColumn(),
            _Eta(),
            console=console,
            refresh_per_second=REFRESH_PER_SECOND,
            transient=False,
        )
        self._task: TaskID | None = None

    def start(self, step: str, total: int | None = None, unit: str = "") -> None:
        self.finish()
        self._task = self.bars.add_task(step, total=total, unit=unit, unknown=total is None)

    def advance(self, done: int = 1) -> None:
        if self._task is not None:
            self.bars.advance(self._task, done)

    def finish(self) -> None:
        if self._task is None:
            return
        task, self._task = self._task, None
        found = next(t for t in self.bars.tasks if t.id == task)
        total = found.total if found.total is not None else 1
        self.bars.update(task, total=total, completed=total)
        self.bars.stop_task(task)


@contextmanager
def shown(*, quiet: bool) -> Iterator[Progress]:
    """``with shown(quiet=flags.quiet) as progress: api.run(..., progress=progress)``: the display
    while the block runs, when a person watches (:func:`wanted`); else :data:`NO_PROGRESS`."""
    console = terminal_console(stderr=True)
    if not wanted(quiet=quiet, console=console):
        yield NO_PROGRESS
        return
    watch = RichProgress(console)
    with watch.bars:
        try:
            yield watch
        finally:
            watch.finish()
