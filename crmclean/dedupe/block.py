"""Candidate pairs: only records that share a blocking key are ever compared.

Each blocking key groups records by one or more match keys (``email``; ``name`` + ``birth``...).
Within a group every pair is a candidate; a group larger than ``max_block`` is skipped, because a
value that common (a shared office phone, ``Иван Иванов`` in Moscow) tells nothing by itself and
would cost a quadratic number of comparisons. The sorted neighbourhood adds pairs of records that sit
close in folded-name order, for typos that break every exact key. The work is bounded by
``sum(min(block, max_block)^2)`` plus ``rows * window``; all pairs of the file are never formed.

Records are addressed by ``_rid``, their position in the key frame (0-based), so that two files
(link mode) can be blocked together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

RID = "_rid"

#: Blocking key -> the match keys it groups by.
BLOCKING: dict[str, tuple[str, ...]] = {
    "email": ("email",),
    "phone": ("phone",),  # the phone and mobile columns share one key space
    "tax_id": ("tax",),
    "name_birth": ("name", "birth"),
    "first_birth": ("first", "birth"),
    "last_birth": ("last", "birth"),
    "name_city": ("name", "city"),
    "name_postal": ("name", "postal"),
    "birth_postal": ("birth", "postal"),
    "address": ("street", "house", "city"),
}
SORTED_NAME = "sorted_name"


@dataclass
class Blocking:
    pairs: pl.DataFrame  # a, b (_rid, a < b), via (blocking keys that proposed the pair, joined by +)
    skipped_blocks: dict[str, int] = field(default_factory=dict)  # key -> blocks over max_block
    largest_block: int = 0


def _key_values(keys: pl.DataFrame, name: str) -> pl.DataFrame:
    """(_rid, k) for the records that have every part of the blocking key."""
    if name == "phone":
        both = [keys.select(RID, k=pl.col(c)) for c in ("phone", "phone2") if c in keys.columns]
        return pl.concat(both).drop_nulls().unique()
    parts = BLOCKING[name]
    return keys.select(RID, k=pl.concat_str([pl.col(p) for p in parts], separator="\x1f")).drop_nulls()


def _block_pairs(values: pl.DataFrame, max_block: int) -> tuple[pl.DataFrame, int, int]:
    sizes = values.group_by("k").len()
    kept = sizes.filter((pl.col("len") > 1) & (pl.col("len") <= max_block))
    skipped = int((sizes.get_column("len") > max_block).sum())
    top = kept.get_column("len").max()
    largest = int(top) if isinstance(top, int) else 0
    members = values.join(kept.select("k"), on="k", how="semi")
    pairs = (
        members.join(members, on="k", suffix="_b")
        .filter(pl.col(RID) < pl.col(f"{RID}_b"))
        .select(a=pl.col(RID), b=pl.col(f"{RID}_b"))
    )
    return pairs, skipped, largest


def _sorted_neighbourhood(keys: pl.DataFrame, window: int) -> pl.DataFrame:
    """Pairs of records within ``window`` of each other in name order, both "last first" and
    "first last" orders, so a typo at the start of either part still leaves the other in place."""
    out = []
    for order in (["last", "first"], ["first", "last"]):
        ranked = (
            keys.select(RID, k=pl.concat_str([pl.col(c) for c in order], separator=" "))
            .drop_nulls()
            .sort(["k", RID])
        )
        rid = ranked.get_column(RID)
        for step in range(1, window):
            other = rid.shift(-step)
            pair = pl.DataFrame({"x": rid, "y": other}).drop_nulls()
            out.append(pair.select(a=pl.min_horizontal("x", "y"), b=pl.max_horizontal("x", "y")))
    return pl.concat(out) if out else pl.DataFrame(schema={"a": pl.UInt32, "b": pl.UInt32})


def candidate_pairs(
    keys: pl.DataFrame,
    blocking: Sequence[str],
    max_block: int,
    window: int,
    exclude: pl.Series | None = None,
) -> Blocking:
    """Candidate pairs from the blocking keys. ``exclude``: a boolean per record; pairs where both
    records are excluded are dropped (link mode: existing customers are not compared to each other).
    """
    # one bit per blocking key, ORed per pair: a group-by on integers, where joining the names of
    # the keys per pair (sort_by, unique, str.join) held the largest frame of the whole dedupe
    order = {name: i for i, name in enumerate(blocking)}
    names = sorted(order, key=order.__getitem__)
    if len(names) > 64:
        raise ValueError(f"at most 64 blocking keys, got {len(names)}")
    bit = {name: 1 << i for i, name in enumerate(names)}
    parts: list[pl.DataFrame] = []
    skipped: dict[str, int] = {}
    largest = 0
    for name in names:
        if name == SORTED_NAME:
            found = _sorted_neighbourhood(keys, window)
        else:
            found, skipped_here, big = _block_pairs(_key_values(keys, name), max_block)
            largest = max(largest, big)
            if skipped_here:
                skipped[name] = skipped_here
        parts.append(
            found.select(
                ab=pl.col("a").cast(pl.UInt64) * (1 << 32) + pl.col("b").cast(pl.UInt64),
                bits=pl.lit(bit[name], dtype=pl.UInt64),
            )
        )
    schema = {"ab": pl.UInt64, "bits": pl.UInt64}
    found_all = pl.concat(parts) if parts else pl.DataFrame(schema=schema)
    merged = found_all.group_by("ab").agg(pl.col("bits").bitwise_or()).sort("ab")
    del found_all, parts
    pairs = merged.select(
        a=(pl.col("ab") // (1 << 32)).cast(pl.UInt32),
        b=(pl.col("ab") % (1 << 32)).cast(pl.UInt32),
        bits=pl.col("bits"),
    )
    del merged
    if exclude is not None:
        xs = exclude.fill_null(False)
        both = pl.lit(xs).gather(pl.col("a")) & pl.lit(xs).gather(pl.col("b"))
        pairs = pairs.filter(~both)
    # the names of the keys that proposed a pair, in blocking order, once per distinct bit mask
    masks = pairs.get_column("bits").unique().to_list()
    via = {m: "+".join(n for n in names if m & bit[n]) for m in masks}
    pairs = pairs.select("a", "b", via=pl.col("bits").replace_strict(via, return_dtype=pl.String))
    return Blocking(pairs, skipped, largest)
