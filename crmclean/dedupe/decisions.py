"""What a person decided about pairs of records: the same customer, or not. A decision outranks
every score.

The decisions file is a CSV with the header ``left,right,decision,decided_at``:

- ``left``, ``right``: record keys. A record's key is its ``customer_id`` value when the file has a
  customer-id column and that value is filled and unique in the file; otherwise ``row:N`` (N the
  1-based data row). ``row:N`` is always accepted too.
- ``decision``: ``same`` (a must-link: the two end in one cluster) or ``different`` (a cannot-link:
  the two end apart, whatever chain of other pairs joins them).
- ``decided_at``: when, as an ISO 8601 date-time (``2026-12-02T04:30:00+00:00``).

The file is a log: a later line about the same pair replaces an earlier one (a person changed their
mind). Decisions about records that are not in the file are counted and reported, never an error.

How decisions act on the clusters (:func:`crmclean.dedupe.cluster.cluster`):

1. ``same`` pairs are joined first into *atoms* (union-find, pairs in key order); a ``same`` that
   would put two records of a ``different`` pair into one atom is dropped and reported as a
   conflict: a ``different`` is never overridden, not even by a chain of ``same``.
2. Atoms are linked into components by the scored matches, as without decisions.
3. A component holding both records of a ``different`` pair (or more than two records) is rebuilt by
   average linkage that starts from the atoms and never merges two groups between which a
   ``different`` pair runs. So it splits where the evidence is weakest: each record stays with the
   side it agrees with best on average; ties go to the smaller ``_rid``, as everywhere.

With enough labelled pairs (:data:`MIN_LABELLED`, at least :data:`MIN_EACH` of each kind) the match
threshold is fitted to them (:func:`fit_threshold`).
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Generic, TypeVar

import polars as pl

from crmclean.errors import InputError

COLUMNS = ("left", "right", "decision", "decided_at")
SAME, DIFFERENT = "same", "different"
KINDS = (SAME, DIFFERENT)
ROW_PREFIX = "row:"
#: Labelled pairs needed to fit the match threshold, and of each kind at least this many.
MIN_LABELLED = 20
MIN_EACH = 5
#: The fitted threshold stays within these log2-odds (a score of about 1e-6 .. 1 - 1e-6), the range
#: the cohesion step clips pair evidence to.
FIT_RANGE = (-20.0, 20.0)
EXAMPLES = 5

DecisionsSource = str | Path | pl.DataFrame

_SCHEMA = {
    "left": pl.String,
    "right": pl.String,
    "decision": pl.String,
    "decided_at": pl.String,
    "line": pl.Int64,
}


# --------------------------------------------------------------------------- the file


def _check(left: str, right: str, decision: str, decided_at: str, where: str, line: int) -> None:
    def fail(message: str, column: str, hint: str) -> InputError:
        return InputError(message, file=where, line=line, column=column, hint=hint)

    if not left.strip() or not right.strip():
        raise fail(
            "a record key is empty", "left" if not left.strip() else "right", "give both records' keys"
        )
    if left.strip() == right.strip():
        raise fail(f"a record is paired with itself ({left.strip()!r})", "right", "give two records")
    if decision.strip() not in KINDS:
        raise fail(
            f"decision {decision!r} is neither 'same' nor 'different'", "decision", "same or different"
        )
    try:
        datetime.fromisoformat(decided_at.strip())
    except ValueError:
        raise fail(
            f"decided_at {decided_at!r} is not an ISO 8601 date-time",
            "decided_at",
            "such as 2026-12-02T04:30:00+00:00",
        ) from None


def load_decisions(source: DecisionsSource) -> pl.DataFrame:
    """The decisions of a file (or a frame with the same columns), checked, the last per pair kept:
    ``left``, ``right`` (as written), ``decision``, ``decided_at``, ``line`` (the file's line, or the
    frame's row + 1). A bad line is an :class:`InputError` naming the line; a missing file too."""
    if isinstance(source, pl.DataFrame):
        missing = [c for c in COLUMNS if c not in source.columns]
        if missing:
            raise InputError(f"the decisions frame lacks the column(s) {', '.join(missing)}")
        rows = [
            (
                str(r["left"] or ""),
                str(r["right"] or ""),
                str(r["decision"] or ""),
                str(r["decided_at"] or ""),
                i + 2,
            )
            for i, r in enumerate(source.select(COLUMNS).iter_rows(named=True))
        ]
        where = "<decisions frame>"
    else:
        where = str(source)
        try:
            text = Path(source).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise InputError(
                "no such decisions file", file=where, hint="crmclean review writes one"
            ) from None
        except (OSError, UnicodeDecodeError) as err:
            raise InputError(f"cannot read the decisions file: {err}", file=where) from None
        rows = list(_parse(text, where))
    for left, right, decision, decided_at, line in rows:
        _check(left, right, decision, decided_at, where, line)
    frame = pl.DataFrame(
        [(a.strip(), b.strip(), d.strip(), t.strip(), n) for a, b, d, t, n in rows],
        schema=_SCHEMA,
        orient="row",
    )
    pair = [pl.min_horizontal("left", "right"), pl.max_horizontal("left", "right")]
    return frame.unique(subset=pair, keep="last", maintain_order=True).sort("line")


def _parse(text: str, where: str) -> Iterable[tuple[str, str, str, str, int]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        return
    if [h.strip().lower() for h in header] != list(COLUMNS):
        raise InputError(
            f"the header is {','.join(header)!r}",
            file=where,
            line=1,
            hint="a decisions file starts with left,right,decision,decided_at",
        )
    for values in reader:
        line = reader.line_num
        if not values or all(not v.strip() for v in values):
            continue
        if len(values) != len(COLUMNS):
            raise InputError(
                f"{len(values)} fields where 4 were expected", file=where, line=line, hint=",".join(COLUMNS)
            )
        yield values[0], values[1], values[2], values[3], line


@dataclass(frozen=True)
class Decision:
    left: str
    right: str
    decision: str
    decided_at: str


def _line(values: Sequence[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()


def append_decision(
    path: str | Path, left: str, right: str, decision: str, when: datetime | None = None
) -> Decision:
    """Append one decision to the file (created with its header when missing or empty) in one write,
    flushed to disk before returning: an interrupted session loses nothing it had answered."""
    if decision not in KINDS:
        raise ValueError(f"decision must be one of {KINDS}, not {decision!r}")
    stamp = (when or datetime.now(UTC)).isoformat(timespec="seconds")
    made = Decision(left, right, decision, stamp)
    target = Path(path)
    text = _line([left, right, decision, stamp])
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        if os.fstat(fd).st_size == 0:
            text = _line(COLUMNS) + text
        else:  # a file whose last line lacks its newline (edited by hand): start a new line
            with open(target, "rb") as tail:
                tail.seek(-1, os.SEEK_END)
                if tail.read(1) not in (b"\n", b"\r"):
                    text = "\n" + text
        os.write(fd, text.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return made


def undo_last(path: str | Path) -> Decision | None:
    """Remove the file's last decision (the file is rewritten to a temporary file and renamed over
    it, so it is whole at every moment); None when there is none."""
    target = Path(path)
    if not target.exists():
        return None
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    while len(lines) > 1 and not lines[-1].strip():
        lines.pop()
    if len(lines) <= 1:
        return None
    values = next(csv.reader([lines[-1]]))
    temporary = target.with_name(f".{target.name}.undo")
    with open(temporary, "w", encoding="utf-8", newline="") as out:
        out.write("".join(lines[:-1]))
        out.flush()
        os.fsync(out.fileno())
    os.chmod(temporary, 0o600)
    os.replace(temporary, target)
    return Decision(*([*values, "", "", "", ""])[:4])


# --------------------------------------------------------------------------- keys


def record_keys(frame: pl.DataFrame, id_column: str | None, row: str = "_row") -> pl.Series:
    """The record key of every row of ``frame`` (in its order): the customer id when filled and
    unique in the frame, else ``row:N``."""
    fallback = pl.format(ROW_PREFIX + "{}", pl.col(row))
    if id_column is None:
        return frame.select(fallback.alias("key")).to_series()
    value = pl.col(id_column).cast(pl.String).str.strip_chars()
    unique = value.is_not_null() & (value != "") & (pl.len().over(value) == 1)
    return frame.select(pl.when(unique).then(value).otherwise(fallback).alias("key")).to_series()


# --------------------------------------------------------------------------- decisions on records


@dataclass
class Labels:
    """Decisions resolved to records (``_rid`` pairs, a < b), as the clustering takes them."""

    same: list[tuple[int, int]] = field(default_factory=list)
    different: list[tuple[int, int]] = field(default_factory=list)
    decided_at: dict[tuple[int, int], str] = field(default_factory=dict)
    loaded: int = 0  # decisions in the file (the last per pair)
    unknown: int = 0  # decisions naming a record that is not in the file
    unknown_examples: list[str] = field(default_factory=list)
    conflicts: list[tuple[int, int]] = field(default_factory=list)  # `same` dropped: a `different` holds
    fit: ThresholdFit | None = None

    def kind(self, a: int, b: int) -> str | None:
        """What the person decided about the pair of records ``a``, ``b`` (None: nothing)."""
        pair = (min(a, b), max(a, b))
        if pair in self.same or pair in self.conflicts:
            return SAME
        return DIFFERENT if pair in self.different else None

    def frame(self) -> pl.DataFrame:
        """a, b, label (same / different) of every decision on two records of the file (a ``same``
        dropped as a conflict included: it is still what the person said)."""
        rows = [(a, b, SAME) for a, b in [*self.same, *self.conflicts]]
        rows += [(a, b, DIFFERENT) for a, b in self.different]
        return pl.DataFrame(
            rows, schema={"a": pl.UInt32, "b": pl.UInt32, "label": pl.String}, orient="row"
        ).sort("a", "b")

    def summary(self) -> dict[str, object]:
        """The counts reports show."""
        return {
            "loaded": self.loaded,
            "same": len(self.same) + len(self.conflicts),
            "different": len(self.different),
            "not_in_file": self.unknown,
            "not_in_file_examples": list(self.unknown_examples),
            "conflicts": len(self.conflicts),
            "threshold": None if self.fit is None else self.fit.describe(),
            "match": None if self.fit is None else self.fit.match,
            "threshold_fitted": bool(
                self.fit is not None and self.fit.fitted and self.fit.match != self.fit.configured
            ),
        }


def resolve(decisions: pl.DataFrame, rows: pl.Series, keys: pl.DataFrame) -> Labels:
    """Decisions on the records being clustered. ``rows``: the source row of each record, by
    ``_rid``; ``keys``: ``_row``, ``key`` of every row of the file (rows of the file that are not
    clustered, rejected ones in ``run``, count as not in the file)."""
    rid_of_row = {int(r): i for i, r in enumerate(rows.to_list())}
    by_key: dict[str, int] = {}
    for row, key in keys.select("_row", "key").iter_rows():
        if int(row) in rid_of_row:
            by_key[key] = rid_of_row[int(row)]
            by_key[f"{ROW_PREFIX}{int(row)}"] = rid_of_row[int(row)]
    return resolve_keys(decisions, by_key)


def resolve_keys(decisions: pl.DataFrame, by_key: dict[str, int]) -> Labels:
    """Decisions on records named by ``by_key`` (record key -> the record's number; several keys
    may name one record); a decision naming a key not in it is counted as not in the file."""
    labels = Labels(loaded=decisions.height)
    chosen: dict[tuple[int, int], tuple[str, str]] = {}
    for left, right, decision, decided_at in decisions.select(COLUMNS).iter_rows():
        a, b = by_key.get(left), by_key.get(right)
        if a is None or b is None:
            labels.unknown += 1
            if len(labels.unknown_examples) < EXAMPLES:
                labels.unknown_examples.append(left if a is None else right)
            continue
        if a == b:  # `row:3` and the id of row 3
            continue
        chosen[(min(a, b), max(a, b))] = (decision, decided_at)  # a later line wins
    for pair in sorted(chosen):
        decision, decided_at = chosen[pair]
        (labels.same if decision == SAME else labels.different).append(pair)
        labels.decided_at[pair] = decided_at
    labels.same, labels.conflicts = consistent(labels.same, labels.different)
    return labels


T = TypeVar("T", int, str)


def consistent(
    same: Sequence[tuple[int, int]], different: Sequence[tuple[int, int]]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(kept, dropped) ``same`` pairs: in order, a ``same`` is dropped when it would put the two
    records of a ``different`` pair into one group of ``same`` links."""
    groups: Groups[int] = Groups()
    kept, dropped = [], []
    for a, b in sorted(same):
        ra, rb = groups.find(a), groups.find(b)
        if ra == rb:
            kept.append((a, b))
            continue
        if groups.kept_apart(ra, rb, different):
            dropped.append((a, b))
            continue
        groups.join(min(ra, rb), max(ra, rb))
        kept.append((a, b))
    return kept, dropped


class Groups(Generic[T]):
    """Groups of ``same`` links (union-find): each item's group is named by its root item."""

    def __init__(self) -> None:
        self.parent: dict[T, T] = {}

    def find(self, x: T) -> T:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def kept_apart(self, ra: T, rb: T, different: Iterable[tuple[T, T]]) -> bool:
        """Whether a ``different`` pair has one item in group ``ra`` and the other in group ``rb``."""
        sides = {ra, rb}
        return any({self.find(x), self.find(y)} == sides for x, y in different)

    def join(self, survivor: T, gone: T) -> None:
        """Put root ``gone``'s group under root ``survivor``."""
        self.parent[gone] = survivor


# --------------------------------------------------------------------------- the threshold


@dataclass
class ThresholdFit:
    """The match threshold fitted to the labelled pairs, or why it was not."""

    fitted: bool
    match: float  # the threshold used (the fitted one, or the configured one)
    configured: float
    same: int
    different: int
    errors: int = 0  # labelled pairs the threshold used still gets wrong by score alone
    reason: str = ""
    odds: float | None = None  # the fitted threshold in log2-odds (total - offset)

    def describe(self) -> str:
        pairs = f"{self.same + self.different} labelled pairs ({self.same} same, {self.different} different)"
        if not self.fitted:
            return f"match threshold {self.configured:g} kept: {self.reason}"
        if self.match == self.configured:
            return f"match threshold {self.configured:g} kept: it fits the {pairs}"
        return (
            f"match threshold fitted to {pairs}: {self.configured:g} -> {self.match:.7g}"
            f" ({self.odds:+.1f} points over the offset; {self.errors} of them still on the wrong side"
            " by score alone)"
        )


def _probability(log_odds: float) -> float:
    return 1.0 / (1.0 + 2.0 ** (-log_odds))


def _log_odds(p: float) -> float:
    lo, hi = FIT_RANGE
    if p <= 0:
        return lo
    if p >= 1:
        return hi
    return math.log2(p / (1 - p))


def fit_threshold(same: Sequence[float], different: Sequence[float], configured: float) -> ThresholdFit:
    """The match threshold that puts the most labelled pairs on their side (``same`` and
    ``different``: their log2-odds, ``total - offset``). The configured threshold is kept when no
    other does better; otherwise the middle of the best gap nearest to it (kept within
    :data:`FIT_RANGE`)."""
    n_same, n_diff = len(same), len(different)
    if n_same + n_diff < MIN_LABELLED or min(n_same, n_diff) < MIN_EACH:
        return ThresholdFit(
            False,
            configured,
            configured,
            n_same,
            n_diff,
            reason=f"not enough labelled pairs to fit it ({n_same} same, {n_diff} different; "
            f"{MIN_LABELLED} needed, {MIN_EACH} of each kind)",
        )

    def errors(t: float) -> int:
        return sum(1 for v in same if v < t) + sum(1 for v in different if v >= t)

    current = _log_odds(configured)
    values = sorted(set(same) | set(different))
    lo, hi = FIT_RANGE
    candidates = [
        values[0] - 1.0,
        *[(x + y) / 2 for x, y in itertools.pairwise(values)],
        values[-1] + 1.0,
    ]
    candidates = [min(max(c, lo), hi) for c in candidates]
    best = min(errors(c) for c in candidates)
    if errors(current) <= best:
        return ThresholdFit(True, configured, configured, n_same, n_diff, errors(current))
    chosen = min((c for c in candidates if errors(c) == best), key=lambda c: (abs(c - current), c))
    return ThresholdFit(True, _probability(chosen), configured, n_same, n_diff, best, odds=chosen)
