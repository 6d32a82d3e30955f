"""The master's stored match keys, and the master records a new batch must be compared with.

``add`` never recomputes keys for the whole master and never blocks the whole master: it takes the
master records that share a value of some blocking key with a new record, plus the records within
the sorted-neighbourhood window of a new record in folded-name order. Those are exactly the master
records :func:`crmclean.dedupe.engine.find_duplicates` would pair with a new record had it been given
the whole master (with ``exclude`` marking the master), so the linking decisions are the same, at
the cost of the batch, not of the master.
"""

from __future__ import annotations

import polars as pl

from crmclean.dedupe.block import BLOCKING, SORTED_NAME
from crmclean.dedupe.keys import KEYS
from crmclean.io.read import ROW
from crmclean.master.batch import SEQ
from crmclean.master.store import KEY_PREFIX
from crmclean.rules.model import DedupeRules


def key_frame(index: pl.DataFrame) -> pl.DataFrame:
    """What :func:`crmclean.dedupe.engine.find_duplicates` takes: ``_row`` (the seq) and the keys."""
    return index.select(pl.col(SEQ).alias(ROW), *[pl.col(KEY_PREFIX + k).alias(k) for k in KEYS])


def key_values(index: pl.DataFrame, name: str) -> pl.DataFrame:
    """(seq, k) for the records having every part of blocking key ``name``."""
    if name == "phone":
        both = [index.select(SEQ, k=pl.col(KEY_PREFIX + c)) for c in ("phone", "phone2")]
        return pl.concat(both).drop_nulls().unique()
    parts = [pl.col(KEY_PREFIX + p) for p in BLOCKING[name]]
    return index.select(SEQ, k=pl.concat_str(parts, separator="\x1f")).drop_nulls()


def name_orders() -> tuple[tuple[str, str], ...]:
    return (("last", "first"), ("first", "last"))


def sort_key(index: pl.DataFrame, order: tuple[str, str]) -> pl.Expr:
    return pl.concat_str([pl.col(KEY_PREFIX + c) for c in order], separator=" ")


def candidates(master: pl.DataFrame, new: pl.DataFrame, settings: DedupeRules) -> pl.Series:
    """Sequence numbers of the ``master`` records a ``new`` record may be paired with."""
    found: list[pl.Series] = []
    for name in settings.blocking:
        if name == SORTED_NAME:
            continue
        values = key_values(new, name).select("k").unique()
        found.append(key_values(master, name).join(values, on="k", how="semi").get_column(SEQ))
    if SORTED_NAME in settings.blocking:
        reach = settings.window - 1
        for order in name_orders():
            both = pl.concat(
                [
                    master.select(SEQ, k=sort_key(master, order), new=pl.lit(False)),
                    new.select(SEQ, k=sort_key(new, order), new=pl.lit(True)),
                ]
            ).drop_nulls("k")
            ranked = both.sort("k", "new", SEQ).with_row_index("pos")
            at = ranked.filter(pl.col("new")).get_column("pos").cast(pl.Int64)
            if at.len() == 0:
                continue
            near = pl.concat([at + step for step in range(-reach, reach + 1) if step]).unique()
            found.append(
                ranked.filter(~pl.col("new") & pl.col("pos").cast(pl.Int64).is_in(near.implode())).get_column(
                    SEQ
                )
            )
    if not found:
        return pl.Series(SEQ, [], dtype=pl.Int64)
    return pl.concat(found).unique().sort()
