"""Fill rules: default values, coalescing, derivations and mapping tables, each optionally
conditional (``when:``). A fill rule only writes empty cells, except ``map``/``map_file``, which
rewrite the values they list. Every change lands in the change log with the rule that made it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl

from crmclean import changes
from crmclean.context import Context
from crmclean.errors import RulesError
from crmclean.io.read import ROW
from crmclean.rules.load import resolve_inside
from crmclean.rules.model import FillRule


@cache
def free_mail_domains() -> frozenset[str]:
    """Free mail providers (bundled list): their domain says nothing about a company's website."""
    path = Path(__file__).parent / "data" / "free_mail_domains.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


NAME_PARTS = {"first_name": "first_name", "middle_name": "middle_name", "last_name": "last_name"}


def rule_id(rule: FillRule) -> str:
    """The name a fill rule's changes carry in the change log and its `fixed` findings."""
    if rule.default is not None:
        return "fill:default"
    if rule.coalesce is not None:
        return "fill:coalesce"
    if rule.derive is not None:
        return f"fill:{rule.derive}"
    return "fill:map"


def _mapping(rule: FillRule, ctx: Context, base: Path) -> dict[str, str]:
    if rule.map is not None:
        table = rule.map
    else:
        path = resolve_inside(base, rule.map_file or "")
        if path is None:
            raise RulesError(
                f"map_file {rule.map_file!r} points outside the rules folder", file=ctx.rules_file
            )
        frame = pl.read_csv(path, infer_schema=False)
        if not {"from", "to"} <= set(frame.columns):
            raise RulesError(f"map_file {rule.map_file!r} needs columns `from` and `to`", file=str(path))
        table = dict(zip(frame.get_column("from"), frame.get_column("to"), strict=True))
    return {str(k).strip().lower(): str(v) for k, v in table.items()}


def _derived(rule: FillRule, column: str, frame: pl.DataFrame, ctx: Context) -> pl.Series:
    """The derived value for every row (null where nothing can be derived)."""
    from crmclean.normalize import names

    if rule.derive == "country_from_phone":
        source = rule.source or ctx.first_of("phone") or ctx.first_of("mobile")
        if source is None:
            return pl.Series(column, [None] * frame.height, dtype=pl.String)
        parsed = ctx.parse_phones(frame.get_column(ctx.column(source)), frame, with_region=False)
        return parsed.get_column("region").alias(column)
    if rule.derive == "names_from_full_name":
        part = NAME_PARTS.get(ctx.roles.get(column, ""))
        source = rule.source or ctx.first_of("full_name")
        if part is None:
            raise RulesError(
                f"names_from_full_name fills first/middle/last name columns; {column!r} has "
                f"role {ctx.roles.get(column)!r}",
                file=ctx.rules_file,
                hint="map the column's role under `columns:`",
            )
        if source is None:
            return pl.Series(column, [None] * frame.height, dtype=pl.String)
        split = names.split_full_name(frame.get_column(ctx.column(source)))
        return split.get_column(part).alias(column)
    # website_from_email
    source = rule.source or ctx.first_of("email")
    if source is None:
        return pl.Series(column, [None] * frame.height, dtype=pl.String)
    domain = (
        frame.get_column(ctx.column(source))
        .str.strip_chars()
        .str.to_lowercase()
        .str.extract(r"@([a-z0-9.\-\p{L}]+\.[a-z\p{L}]{2,})$", 1)
    )
    return pl.Series(column, domain).set(domain.is_in(list(free_mail_domains())).fill_null(False), None)


def apply_fill(
    frame: pl.DataFrame, rules: list[FillRule], ctx: Context, base: Path
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Apply fill rules in order; return the new frame and the change log."""
    logs = [changes.empty()]
    rows = frame.get_column(ROW)
    for rule in rules:
        rule_name = rule_id(rule)
        when = frame.select(ctx.condition(rule.when).alias("w")).get_column("w")
        mapping = _mapping(rule, ctx, base) if rule.map is not None or rule.map_file is not None else None
        for column in ctx.targets(rule.column, rule.role, "fill rule"):
            before = frame.get_column(column)
            if mapping is not None:  # rewrites listed values, empty or not
                key = before.str.strip_chars().str.to_lowercase()
                mapped = key.replace_strict(list(mapping), list(mapping.values()), default=None)
                after = pl.select(pl.when(when).then(mapped.fill_null(before)).otherwise(before)).to_series()
            else:  # writes empty cells only
                fill_here = before.is_null() & when
                if rule.default is not None:
                    value = pl.Series(column, [rule.default] * frame.height, dtype=pl.String)
                elif rule.coalesce is not None:
                    sources = [ctx.column(c, "coalesce") for c in rule.coalesce]
                    value = frame.select(pl.coalesce(sources).alias(column)).to_series()
                else:  # derive, only for the rows that will be filled
                    where = fill_here.arg_true()
                    value = pl.Series(column, [None] * frame.height, dtype=pl.String)
                    if where.len():
                        value = value.scatter(where, _derived(rule, column, frame[where], ctx))
                after = pl.select(pl.when(fill_here).then(value).otherwise(before)).to_series()
            after = after.alias(column)
            logs.append(changes.diff(rows, before, after, column, rule_name))
            frame = frame.with_columns(after)
    return frame, pl.concat(logs)
