"""A review session without a screen: the queue of uncertain pairs, what each pair shows, and the
answers written to the decisions file as they are given.

The queue holds the pairs in the review band and the pairs the cohesion step split (a score over
the match threshold, kept apart by the cluster): from the dedupe of FILE (with the decisions made so
far), or the rows of a pairs file (``dedupe --pairs``, ``run``'s pairs.csv or review.csv) that are
such pairs. They are walked from the most uncertain (log-odds nearest the match threshold) to the
least; pairs the decisions file already decides are left out, so a session resumes where the last
one stopped. Every answer is appended to the decisions file and flushed before the next pair shows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from crmclean import api
from crmclean.dedupe.decisions import DIFFERENT, SAME, append_decision, load_decisions, undo_last
from crmclean.dedupe.engine import DedupeResult
from crmclean.dedupe.explain import Explanation, explain_pair
from crmclean.errors import InputError
from crmclean.io.read import ROW, ReadOptions
from crmclean.mask import mask_value
from crmclean.pipeline import keys_of_records
from crmclean.rules.load import RulesSource

SKIP = "skip"
#: Clusters up to this size are searched for the member that disagrees most (cohesion splits).
MATES = 12


@dataclass(frozen=True)
class FieldRow:
    """One column of the two records, as shown: values (masked unless asked) and how they compare."""

    column: str
    a: str
    b: str
    state: str  # same | differ | one missing | both missing


@dataclass
class Answer:
    index: int  # position in the queue
    kind: str  # same | different | skip


@dataclass
class Session:
    """The pairs to review and the answers given; ``decisions``: the file answers go to."""

    result: api.Deduplication
    decisions: Path
    queue: list[tuple[int, int]]  # (row_a, row_b) source rows, most uncertain first
    show_values: bool = False
    already: int = 0  # pairs left out: the decisions file decides them
    position: int = 0
    answers: list[Answer] = field(default_factory=list)
    _keys: dict[int, str] = field(default_factory=dict)
    _explained: dict[tuple[int, int], Explanation] = field(default_factory=dict)

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(
        cls,
        source: api.Source,
        decisions: str | Path,
        *,
        rules: RulesSource = None,
        pairs: str | Path | None = None,
        options: ReadOptions | None = None,
        show_values: bool = False,
    ) -> Session:
        path = Path(decisions)
        made = load_decisions(path) if path.exists() and path.stat().st_size else None
        result = api.dedupe(source, rules, options=options, decisions=made)
        keys = keys_of_records(result.deduped.prepared)
        key_of = dict(zip(keys.get_column(ROW).to_list(), keys.get_column("key").to_list(), strict=True))
        found = result.deduped.duplicates
        candidates = _from_pairs_file(pairs, found) if pairs is not None else _from_result(found)
        decided: set[frozenset[str]] = set()
        if made is not None:
            decided = {frozenset(p) for p in made.select("left", "right").iter_rows()}
        queue, already = [], 0
        for row_a, row_b in candidates:
            named = {frozenset((key_of[row_a], key_of[row_b])), frozenset((f"row:{row_a}", f"row:{row_b}"))}
            if named & decided:
                already += 1
            else:
                queue.append((row_a, row_b))
        return cls(result, path, queue, show_values, already, _keys=key_of)

    # ------------------------------------------------------------------ what a pair shows

    @property
    def done(self) -> bool:
        return self.position >= len(self.queue)

    @property
    def current(self) -> tuple[int, int] | None:
        return None if self.done else self.queue[self.position]

    def key(self, row: int) -> str:
        return self._keys[row]

    def explanation(self, pair: tuple[int, int] | None = None) -> Explanation:
        """The per-field story of the pair, as `crmclean explain` tells it."""
        pair = pair or self.current
        if pair is None:
            raise IndexError("no pair left to review")
        if pair not in self._explained:
            found = self.result.deduped.duplicates
            self._explained[pair] = explain_pair(found, self.result.loaded.rules.dedupe, *pair)
        return self._explained[pair]

    def fields(self, pair: tuple[int, int] | None = None) -> list[FieldRow]:
        """Every column of the two records side by side (source values), and whether they agree
        (after fill and normalize, ignoring case and surrounding blanks)."""
        pair = pair or self.current
        if pair is None:
            raise IndexError("no pair left to review")
        prepared = self.result.deduped.prepared
        source, normal = prepared.table.frame, prepared.frame
        roles = prepared.ctx.roles
        raw = {r[ROW]: r for r in source.filter(pl.col(ROW).is_in(list(pair))).iter_rows(named=True)}
        norm = {r[ROW]: r for r in normal.filter(pl.col(ROW).is_in(list(pair))).iter_rows(named=True)}
        out = []
        for column in prepared.table.columns:
            a, b = (_text(raw[row].get(column)) for row in pair)
            na, nb = (_folded(norm.get(row, raw[row]).get(column)) for row in pair)
            if not a and not b:
                state = "both missing"
            elif not a or not b:
                state = "one missing"
            else:
                state = "same" if na == nb else "differ"
            if not self.show_values:
                role = roles.get(column)
                a, b = mask_value(a, role) or "", mask_value(b, role) or ""
            out.append(FieldRow(column, a, b, state))
        return out

    def against_cluster(self, pair: tuple[int, int] | None = None) -> tuple[int, int, Explanation] | None:
        """For a cohesion split: the cluster mate of one record that disagrees most with the other
        (``mate row, other row, their explanation``); None for other pairs or bigger clusters."""
        pair = pair or self.current
        if pair is None:
            return None
        e = self.explanation(pair)
        if e.decided_by != "cohesion split":
            return None
        clusters = self.result.deduped.duplicates.clusters
        worst: tuple[int, int, Explanation] | None = None
        for row, other, cluster, size in (
            (pair[0], pair[1], e.cluster_a, e.size_a),
            (pair[1], pair[0], e.cluster_b, e.size_b),
        ):
            if size < 2 or size > MATES:
                continue
            mates = clusters.filter((pl.col("cluster_id") == cluster) & (pl.col(ROW) != row))
            for mate in mates.get_column(ROW).to_list():
                told = self.explanation((int(mate), other))
                if worst is None or told.total < worst[2].total:
                    worst = (int(mate), other, told)
        return worst

    def uncertainty(self, pair: tuple[int, int] | None = None) -> float:
        """Log2-odds from the match threshold: 0 is a coin toss."""
        e = self.explanation(pair)
        return abs((e.total - self.result.deduped.duplicates.offset) - _log_odds(e.match))

    # ------------------------------------------------------------------ answering

    def counts(self) -> dict[str, int]:
        given = [a.kind for a in self.answers]
        return {
            "total": len(self.queue),
            "position": min(self.position + 1, len(self.queue)),
            SAME: given.count(SAME),
            DIFFERENT: given.count(DIFFERENT),
            SKIP: given.count(SKIP),
            "left": len(self.queue) - self.position,
            "already": self.already,
        }

    def answer(self, kind: str) -> None:
        """same / different: appended to the decisions file (flushed) before moving on; skip: move on."""
        pair = self.current
        if pair is None:
            return
        if kind in (SAME, DIFFERENT):
            append_decision(self.decisions, self.key(pair[0]), self.key(pair[1]), kind)
        elif kind != SKIP:
            raise ValueError(f"unknown answer {kind!r}")
        self.answers.append(Answer(self.position, kind))
        self.position += 1

    def undo(self) -> Answer | None:
        """Take back the last answer (a decision is removed from the file) and show its pair again."""
        if not self.answers:
            return None
        last = self.answers.pop()
        if last.kind in (SAME, DIFFERENT):
            undo_last(self.decisions)
        self.position = last.index
        return last


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _folded(value: object) -> str:
    return " ".join(_text(value).casefold().split())


def _log_odds(p: float) -> float:
    if p <= 0 or p >= 1:
        return 20.0 if p >= 1 else -20.0
    return math.log2(p / (1 - p))


def _from_result(found: DedupeResult) -> list[tuple[int, int]]:
    """Review-band and cohesion-split pairs of the dedupe, most uncertain first."""
    rows = found.keys.select("_rid", ROW)
    pairs = (
        found.pairs.filter((pl.col("decision") == "review") | (pl.col("decided_by") == "cohesion split"))
        .join(rows.rename({"_rid": "a", ROW: "row_a"}), on="a")
        .join(rows.rename({"_rid": "b", ROW: "row_b"}), on="b")
        .with_columns(doubt=(pl.col("total") - found.offset - _log_odds(found.match)).abs())
        .sort("doubt", "row_a", "row_b")
    )
    return [(int(a), int(b)) for a, b in pairs.select("row_a", "row_b").iter_rows()]


def _from_pairs_file(path: str | Path, found: DedupeResult) -> list[tuple[int, int]]:
    """The review-band and cohesion-split rows of a pairs file (all rows of a review file), most
    uncertain first by this run's evidence."""
    try:
        frame = pl.read_csv(path, infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as err:
        raise InputError(f"cannot read the pairs file: {err}", file=str(path)) from None
    if not {"row_a", "row_b"} <= set(frame.columns):
        raise InputError(
            "the pairs file has no row_a and row_b columns",
            file=str(path),
            hint="give the pairs or review file of `crmclean dedupe` or `crmclean run`",
        )
    wanted = pl.lit(True)
    if "decision" in frame.columns:
        wanted = pl.col("decision") == "review"
        if "decided_by" in frame.columns:
            wanted = wanted | (pl.col("decided_by") == "cohesion split")
    picked = frame.filter(wanted).select(pl.col("row_a", "row_b").cast(pl.Int64, strict=False))
    if picked.null_count().sum_horizontal().item():
        raise InputError("row_a and row_b must be row numbers", file=str(path))
    rows = found.keys.select("_rid", ROW)
    known = set(rows.get_column(ROW).to_list())
    pairs = [(int(a), int(b)) for a, b in picked.unique(maintain_order=True).iter_rows()]
    missing = [p for p in pairs if p[0] not in known or p[1] not in known]
    if missing:
        raise InputError(
            f"{len(missing)} pairs name rows this file does not have "
            f"(e.g. rows {missing[0][0]} and {missing[0][1]})",
            file=str(path),
            hint="give the pairs file made from this FILE",
        )
    totals = (
        pl.DataFrame(pairs, schema={"row_a": pl.Int64, "row_b": pl.Int64}, orient="row")
        .join(
            rows.rename({"_rid": "a", ROW: "row_a"}).with_columns(pl.col("row_a").cast(pl.Int64)), on="row_a"
        )
        .join(
            rows.rename({"_rid": "b", ROW: "row_b"}).with_columns(pl.col("row_b").cast(pl.Int64)), on="row_b"
        )
        .with_columns(x=pl.min_horizontal("a", "b"), y=pl.max_horizontal("a", "b"))
        .join(found.pairs.select(x="a", y="b", total="total"), on=["x", "y"], how="left")
        .with_columns(doubt=(pl.col("total").fill_null(-1e9) - found.offset - _log_odds(found.match)).abs())
        .sort("doubt", "row_a", "row_b")
    )
    return [(int(a), int(b)) for a, b in totals.select("row_a", "row_b").iter_rows()]
