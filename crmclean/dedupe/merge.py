"""Golden records: one row per cluster, each value chosen by a survivorship strategy, with lineage.

Strategies (per column or role in ``dedupe.survivorship``, else ``default_strategy``; customer_id and
created_at default to ``oldest``, so the merged customer keeps its first id and creation date, and
name parts to ``most_frequent``):

- ``most_recent``: from the record updated last (``updated_at``, else ``created_at``);
- ``oldest``: from the record created first;
- ``most_complete``: from the record with the most filled cells;
- ``most_frequent``: the value most records of the cluster agree on;
- ``longest``: the longest value (``Ivan`` loses to ``Ivan Sergeevich``);
- ``source_priority``: from the record whose ``source_column`` comes first in ``source_priority``.

Empty values never win while another record has one; every tie goes to the lower source row, so the
result is deterministic. Values come from the filled, normalized frame. The lineage frame says, for
every column of every merged cluster, which source row the golden value came from and why; clusters
of one record are their own golden record and need no lineage.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from crmclean.context import Context
from crmclean.dedupe.engine import CLUSTER_ID, CLUSTER_SIZE
from crmclean.io.read import ROW
from crmclean.rules.model import DedupeRules
from crmclean.steps import parse_dates_for_rows

SOURCE_ROWS = "source_rows"
ROLE_DEFAULTS = {
    "customer_id": "oldest",
    "created_at": "oldest",
    # the spelling most records agree on: one record with swapped or mistyped names does not win
    "first_name": "most_frequent",
    "middle_name": "most_frequent",
    "last_name": "most_frequent",
    "full_name": "most_frequent",
}


@dataclass
class Golden:
    records: pl.DataFrame  # cluster_id, cluster_size, source_rows, then the data columns
    lineage: pl.DataFrame  # cluster_id, column, value, source_row, strategy


def strategies(columns: list[str], ctx: Context, settings: DedupeRules) -> dict[str, str]:
    """Survivorship strategy of every data column."""
    chosen = {c: ROLE_DEFAULTS.get(ctx.roles.get(c, ""), settings.default_strategy) for c in columns}
    for rule in settings.survivorship:
        for column in ctx.targets(rule.column, rule.role, "survivorship rule"):
            chosen[column] = rule.strategy
    return chosen


def _dates(frame: pl.DataFrame, ctx: Context, role: str) -> pl.Series:
    column = ctx.first_of(role)
    if column is None:
        return pl.repeat(None, frame.height, dtype=pl.Date, eager=True)
    return parse_dates_for_rows(frame.get_column(column).cast(pl.String), frame, ctx)


def _row_facts(members: pl.DataFrame, data: list[str], ctx: Context, settings: DedupeRules) -> pl.DataFrame:
    created = _dates(members, ctx, "created_at")
    recency = pl.select(pl.coalesce(pl.lit(_dates(members, ctx, "updated_at")), pl.lit(created))).to_series()
    facts = members.select(
        ROW,
        CLUSTER_ID,
        filled=pl.sum_horizontal([pl.col(c).is_not_null() & (pl.col(c).cast(pl.String) != "") for c in data]),
    ).with_columns(recency=recency, created=created)
    if settings.source_column and settings.source_priority:
        source = ctx.column(settings.source_column, "dedupe.source_column")
        rank = {s.strip().lower(): i for i, s in enumerate(settings.source_priority)}
        facts = facts.with_columns(
            source_rank=members.get_column(source)
            .cast(pl.String)
            .str.strip_chars()
            .str.to_lowercase()
            .replace_strict(rank, default=len(rank), return_dtype=pl.UInt32)
        )
    else:
        facts = facts.with_columns(source_rank=pl.lit(0, dtype=pl.UInt32))
    return facts


_ORDER: dict[str, tuple[list[str], list[bool]]] = {
    "most_recent": (["recency", ROW], [True, False]),
    "oldest": (["created", ROW], [False, False]),
    "most_complete": (["filled", ROW], [True, False]),
    "most_frequent": (["agree", "recency", ROW], [True, True, False]),
    "longest": (["length", ROW], [True, False]),
    "source_priority": (["source_rank", "recency", ROW], [False, True, False]),
}


def golden_records(
    frame: pl.DataFrame, clusters: pl.DataFrame, ctx: Context, settings: DedupeRules
) -> Golden:
    """``frame``: the normalized records (with ``_row``); ``clusters``: ``_row``, cluster_id, size."""
    data = [c for c in frame.columns if c != ROW]
    chosen = strategies(data, ctx, settings)
    framed = frame.join(clusters.select(ROW, CLUSTER_ID, CLUSTER_SIZE), on=ROW, maintain_order="left")
    single = framed.filter(pl.col(CLUSTER_SIZE) == 1)
    multi = framed.filter(pl.col(CLUSTER_SIZE) > 1)
    singles = single.select(CLUSTER_ID, CLUSTER_SIZE, pl.col(ROW).cast(pl.String).alias(SOURCE_ROWS), *data)
    facts = _row_facts(multi, data, ctx, settings)
    long = (
        multi.select(ROW, *[pl.col(c).cast(pl.String) for c in data])
        .unpivot(index=ROW, variable_name="column", value_name="value")
        .filter(pl.col("value").is_not_null() & (pl.col("value") != ""))
        .join(facts, on=ROW)
        .with_columns(
            length=pl.col("value").str.len_chars(),
            agree=pl.len().over(CLUSTER_ID, "column", "value"),
            strategy=pl.col("column").replace_strict(chosen, return_dtype=pl.String),
        )
    )
    picked = []
    for strategy, (by, descending) in _ORDER.items():
        part = long.filter(pl.col("strategy") == strategy)
        if part.height:
            part = part.sort(
                [CLUSTER_ID, "column", *by], descending=[False, False, *descending], nulls_last=True
            )
            picked.append(part.group_by(CLUSTER_ID, "column", maintain_order=True).first())
    schema = pl.Schema([(CLUSTER_ID, multi.schema[CLUSTER_ID])]) | pl.Schema(
        {"column": pl.String, "value": pl.String, ROW: pl.UInt32}
    )
    winners = (
        pl.concat([p.select(CLUSTER_ID, "column", "value", pl.col(ROW).cast(pl.UInt32)) for p in picked])
        if picked
        else pl.DataFrame(schema=schema)
    )
    members = multi.group_by(CLUSTER_ID).agg(
        pl.len().cast(pl.UInt32).alias(CLUSTER_SIZE),
        pl.col(ROW).sort().cast(pl.String).str.join(" ").alias(SOURCE_ROWS),
    )
    wide = winners.pivot(on="column", on_columns=data, index=CLUSTER_ID, values="value")
    merged = members.join(wide, on=CLUSTER_ID, how="left").select(
        CLUSTER_ID,
        CLUSTER_SIZE,
        SOURCE_ROWS,
        *[pl.col(c) if c in wide.columns else pl.lit(None) for c in data],
    )
    merged = merged.with_columns(
        [pl.col(c).cast(frame.schema[c]) for c in data if frame.schema[c] != pl.String]
    )
    records = pl.concat([singles.cast(merged.schema), merged]).sort(CLUSTER_ID)
    lineage = (
        winners.with_columns(strategy=pl.col("column").replace_strict(chosen, return_dtype=pl.String))
        .rename({ROW: "source_row"})
        .with_columns(order=pl.col("column").replace_strict({c: i for i, c in enumerate(data)}))
        .sort(CLUSTER_ID, "order")
        .drop("order")
    )
    return Golden(records, lineage)
