"""How the master scores a pair, stored so every later run scores the way the build did.

A one-shot ``dedupe`` scores with two things it takes from the file: the evidence per field level
(fitted by EM on the file's candidate pairs, or the built-in table) and the term frequencies (how
many records carry each e-mail, phone, name, street, company and tax id: agreement on a common value
counts for less). ``build`` keeps both: the evidence in ``state.json`` (``evidence``), the counts in
``frequencies.parquet`` (``key, value, n``). ``add`` scores its batch with the stored evidence and
with the stored counts plus the batch's own (counts are sums, so merging them is exact: the counts
after an ``add`` are those a one-shot run over master and batch would see); ``match`` does the same
with the query record counted once. Nothing is refitted after the build: a batch is never scored on
evidence learned from itself.

The pipeline itself is :mod:`crmclean.dedupe`'s public functions (candidate pairs, similarities,
score, cohesive clusters); this module only supplies the stored evidence and counts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from crmclean.dedupe.block import RID, candidate_pairs
from crmclean.dedupe.cluster import cluster
from crmclean.dedupe.compare import OFFSET, score, similarities
from crmclean.dedupe.engine import MATCH_SCORE, DedupeResult, with_rid
from crmclean.master.keys import key_frame
from crmclean.master.store import COUNTS_SCHEMA
from crmclean.rules.model import DedupeRules

if TYPE_CHECKING:
    from crmclean.master.store import Master

COUNT_SCHEMA = COUNTS_SCHEMA

#: Counted key -> the match keys whose values it counts together (as ``with_frequencies`` does):
#: the phone and mobile columns share one count; the street counts with its house number.
COUNTED: dict[str, tuple[str, ...]] = {
    "email": ("email",),
    "name": ("name",),
    "street": ("street", "house"),
    "company": ("company",),
    "tax": ("tax",),
}
PHONES = ("phone", "phone2")
#: The count columns ``crmclean.dedupe.compare.similarities`` reads, and the counted key of each.
N_COLUMNS: dict[str, str] = {
    "n_email": "email",
    "n_name": "name",
    "n_street": "street",
    "n_company": "company",
    "n_tax": "tax",
    "n_phone": "phone",
    "n_phone2": "phone",
}


def value_of(parts: tuple[str, ...]) -> pl.Expr:
    if len(parts) == 1:
        return pl.col(parts[0])
    present = pl.all_horizontal([pl.col(p).is_not_null() for p in parts])
    return pl.when(present).then(pl.concat_str([pl.col(p) for p in parts], separator="\x1f"))


def frequencies(keys: pl.DataFrame) -> pl.DataFrame:
    """``key, value, n``: how many records of ``keys`` (match keys, one row per record) carry each
    value; a record with the same number as phone and mobile counts once."""
    parts = [
        keys.select(pl.lit(name).alias("key"), value_of(cols).alias("value")).drop_nulls("value")
        for name, cols in COUNTED.items()
    ]
    numbered = keys.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("_i"), *PHONES)
    phones = pl.concat([numbered.select("_i", value=pl.col(c)) for c in PHONES]).drop_nulls("value").unique()
    parts.append(phones.select(pl.lit("phone").alias("key"), "value"))
    return (
        pl.concat(parts)
        .group_by("key", "value")
        .agg(pl.len().cast(pl.Int64).alias("n"))
        .sort("key", "value")
        .cast(COUNT_SCHEMA)
    )


def merge_counts(*counts: pl.DataFrame) -> pl.DataFrame:
    """The sum of several count tables (counts of disjoint record sets add up)."""
    return (
        pl.concat([c.cast(COUNT_SCHEMA) for c in counts])
        .group_by("key", "value")
        .agg(pl.col("n").sum())
        .sort("key", "value")
    )


def with_counts(keys: pl.DataFrame, counts: pl.DataFrame) -> pl.DataFrame:
    """``keys`` plus the ``n_<key>`` columns scoring reads, looked up in ``counts`` (null where the
    record has no value; a value missing from ``counts`` counts 1, the record itself)."""
    out = keys
    for column, name in N_COLUMNS.items():
        source = (column[2:],) if name == "phone" else COUNTED[name]
        table = counts.filter(pl.col("key") == name).select(
            pl.col("value").alias("_v"), pl.col("n").alias(column)
        )
        out = (
            out.with_columns(value_of(source).alias("_v"))
            .join(table, on="_v", how="left", maintain_order="left")
            .with_columns(
                pl.when(pl.col("_v").is_not_null())
                .then(pl.col(column).fill_null(1))
                .cast(pl.UInt32)
                .alias(column)
            )
            .drop("_v")
        )
    return out


@dataclass
class Scoring:
    """The evidence and counts a master scores with, and the scoring steps that use them."""

    settings: DedupeRules
    counts: pl.DataFrame  # key, value, n over every record of the master
    table: dict[str, list[float]] | None = None  # learned evidence per field level; None: built-in
    offset: float = OFFSET
    kind: str = "built-in"

    @property
    def weights(self) -> dict[str, float]:
        return dict[str, float](self.settings.weights.items())

    @classmethod
    def from_found(cls, found: DedupeResult, settings: DedupeRules, counts: pl.DataFrame) -> Scoring:
        return cls(settings, counts, found.table, found.offset, found.evidence)

    @classmethod
    def from_state(cls, state: dict[str, Any], settings: DedupeRules, counts: pl.DataFrame) -> Scoring:
        stored = state.get("evidence") or {}
        table = stored.get("table")
        return cls(
            settings,
            counts,
            {k: [float(x) for x in v] for k, v in table.items()} if table else None,
            float(stored.get("offset", OFFSET)),
            str(stored.get("kind", "built-in")),
        )

    @classmethod
    def of_master(cls, master: Master, settings: DedupeRules) -> Scoring:
        """The master's stored evidence and counts (counted from the index for a master written
        before counts were stored)."""
        counts = master.counts
        if counts.height == 0 and master.index.height:
            counts = frequencies(key_frame(master.index))
        return cls.from_state(master.state, settings, counts)

    def to_state(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "offset": self.offset,
            "table": None
            if self.table is None
            else {k: [round(float(x), 6) for x in v] for k, v in self.table.items()},
        }

    def prepare(self, keys: pl.DataFrame, batch: pl.DataFrame | None = None) -> pl.DataFrame:
        """``keys`` with ``_rid`` and the counts of the master plus ``batch`` (match keys of records
        not yet in the master: the counts a one-shot run over both would see)."""
        counts = self.counts if batch is None else merge_counts(self.counts, frequencies(batch))
        return with_counts(with_rid(keys), counts)

    def score_pairs(self, keys: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
        """``pairs`` (a, b: ``_rid`` of ``keys`` from :meth:`prepare`) scored as the build scored."""
        return score(similarities(keys, pairs), self.weights, self.table, self.offset)

    def clusters(
        self,
        keys: pl.DataFrame,
        exclude: pl.Series | None = None,
        same: Sequence[tuple[int, int]] = (),
        different: Sequence[tuple[int, int]] = (),
    ) -> pl.DataFrame:
        """Cohesive clusters of ``keys`` (from :meth:`prepare`): ``_rid, cluster, match_score``
        (the record's mean score with the other members; null alone). ``exclude`` marks records
        never compared with each other (the master's); ``same`` and ``different``: a person's
        decisions (``_rid`` pairs, a < b), must-links and cannot-links."""
        s = self.settings
        blocking = candidate_pairs(keys, list[str](s.blocking), s.max_block, s.window, exclude)
        scored = self.score_pairs(keys, blocking.pairs)
        if same or different:  # decided pairs blocking did not propose are scored too
            decided = pl.DataFrame(
                [*same, *different], schema={"a": pl.UInt32, "b": pl.UInt32}, orient="row"
            ).unique()
            missing = decided.join(scored.select("a", "b"), on=["a", "b"], how="anti")
            if missing.height:
                extra = self.score_pairs(keys, missing.with_columns(via=pl.lit("decision")))
                scored = pl.concat([scored, extra.select(scored.columns)]).sort("a", "b")
        more: Callable[[pl.DataFrame], pl.DataFrame] = lambda pairs: self.score_pairs(keys, pairs)  # noqa: E731
        labels, scored = cluster(keys.height, scored, s.match, more, self.offset, same, different)
        frame = keys.select(RID).with_columns(labels.alias("cluster"))
        joined = pl.lit(labels.gather(scored.get_column("a"))) == pl.lit(
            labels.gather(scored.get_column("b"))
        )
        inside = scored.filter(joined)
        per_record = (
            pl.concat([inside.select(rid="a", s="score"), inside.select(rid="b", s="score")])
            .group_by("rid")
            .agg(pl.col("s").sum().cast(pl.Float64))
            .rename({"rid": RID})
        )
        size = pl.len().over("cluster")
        return (
            frame.join(per_record, on=RID, how="left", maintain_order="left")
            .with_columns(
                pl.when(size > 1)
                .then((pl.col("s") / (size - 1)).round(3))
                .cast(pl.Float64)
                .alias(MATCH_SCORE)
            )
            .drop("s")
        )
