"""Profile a table: per column, its role, fill rate, distinct count, common shapes, lengths, examples.

A *shape* replaces digits by ``9``, upper-case letters by ``A`` and other letters by ``a``, so
``+7 912 345-67-89`` has the shape ``+9 999 999-99-99`` and ``Иван`` has ``Aaaa``. Shapes are computed
once per distinct value and weighted by counts, so a column of a million rows with few distinct
values costs little.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import polars as pl

from crmclean.io.read import ROW, Table
from crmclean.mask import mask_value
from crmclean.schema import RoleGuess, detect_roles

MAX_SHAPE = 24
TOP_SHAPES = 3
EXAMPLES = 3


@dataclass
class ColumnProfile:
    column: str
    role: str | None
    role_source: str
    content: str
    role_agrees: bool
    rows: int
    filled: int
    fill_rate: float
    distinct: int
    min_length: int | None
    max_length: int | None
    shapes: list[tuple[str, int]] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)


@dataclass
class Profile:
    source: str
    format: str
    encoding: str | None
    delimiter: str | None
    rows: int
    skipped_blank: int
    columns: list[ColumnProfile]

    def to_dict(self) -> dict:
        return {"version": 1, **asdict(self)}


def shape_expr(expr: pl.Expr) -> pl.Expr:
    shape = (
        expr.str.replace_all(r"\d", "9")
        .str.replace_all(r"\p{Lu}|\p{Lt}", "A")
        .str.replace_all(r"[\p{Ll}\p{Lm}\p{Lo}]", "a")
    )
    return (
        pl.when(shape.str.len_chars() > MAX_SHAPE)
        .then(shape.str.slice(0, MAX_SHAPE) + pl.lit("…"))
        .otherwise(shape)
    )


def _column_queries(frame: pl.LazyFrame, column: str) -> list[pl.LazyFrame]:
    """Three small lazy queries per column; collected together so Polars runs them in parallel."""
    counts = (
        frame.select(pl.col(column).alias("v")).drop_nulls().group_by("v").agg(pl.len().alias("n")).cache()
    )
    stats = counts.select(
        pl.col("n").sum().alias("filled"),
        pl.len().alias("distinct"),
        pl.col("v").str.len_chars().min().alias("min"),
        pl.col("v").str.len_chars().max().alias("max"),
    )
    shapes = (
        counts.group_by(shape_expr(pl.col("v")).alias("shape"))
        .agg(pl.col("n").sum())
        .sort(["n", "shape"], descending=[True, False])
        .head(TOP_SHAPES)
    )
    examples = counts.sort(["n", "v"], descending=[True, False]).head(EXAMPLES).select("v")
    return [stats, shapes, examples]


def _column_profile(
    guess: RoleGuess, rows: int, results: list[pl.DataFrame], show_values: bool
) -> ColumnProfile:
    stats, shapes, examples = results
    filled, distinct, min_len, max_len = stats.row(0)
    filled = int(filled or 0)
    values = examples.get_column("v").to_list()
    if not show_values:
        values = [mask_value(v, guess.role) for v in values]
    return ColumnProfile(
        column=guess.column,
        role=guess.role,
        role_source=guess.source,
        content=guess.content,
        role_agrees=guess.agrees,
        rows=rows,
        filled=filled,
        fill_rate=round(filled / rows, 4) if rows else 0.0,
        distinct=int(distinct),
        min_length=min_len,
        max_length=max_len,
        shapes=[(s, int(n)) for s, n in shapes.iter_rows()],
        examples=values,
    )


def profile_table(
    table: Table, *, show_values: bool = False, roles: dict[str, str | None] | None = None
) -> Profile:
    """Profile every column of ``table``; ``roles`` overrides detected roles (column -> role)."""
    frame = table.frame.drop(ROW)
    guesses = detect_roles(frame, table.columns, roles)
    lazy = frame.lazy()
    results = pl.collect_all([q for g in guesses for q in _column_queries(lazy, g.column)])
    return Profile(
        source=table.name,
        format=table.format,
        encoding=table.encoding,
        delimiter=table.delimiter,
        rows=frame.height,
        skipped_blank=table.skipped_blank,
        columns=[
            _column_profile(g, frame.height, results[3 * i : 3 * i + 3], show_values)
            for i, g in enumerate(guesses)
        ],
    )
