"""The one place stages are strung together:

    read -> roles -> fill -> normalize -> validate -> (clean: split cleaned / rejected)

Each stage is a plain function of a frame; nothing here prints or knows about the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from crmclean import changes as change_log
from crmclean.context import Context
from crmclean.errors import CrmcleanError, ExitCode
from crmclean.fill import apply_fill
from crmclean.io.read import ROW, Table
from crmclean.normalize.steps import STEPS
from crmclean.rules.load import LoadedRules
from crmclean.rules.model import NormalizeRule
from crmclean.schema import RoleGuess, detect_roles, role_map
from crmclean.validate import findings as F
from crmclean.validate.checks import run_check

REASONS = "_reasons"


class ConservationError(CrmcleanError):
    """Rows were lost or duplicated between input and outputs: a bug, never written out."""

    exit_code = ExitCode.INTERNAL_ERROR


@dataclass
class Prepared:
    table: Table
    guesses: list[RoleGuess]
    ctx: Context
    frame: pl.DataFrame  # filled and normalized
    changes: pl.DataFrame


@dataclass
class Validated:
    prepared: Prepared
    findings: pl.DataFrame

    @property
    def errors(self) -> int:
        return int((self.findings.get_column("severity") == "error").sum())


@dataclass
class Cleaned:
    validated: Validated
    cleaned: pl.DataFrame
    rejected: pl.DataFrame


def make_context(table: Table, loaded: LoadedRules) -> tuple[list[RoleGuess], Context]:
    rules = loaded.rules
    ctx = Context(table.columns, {}, rules.settings, str(loaded.path) if loaded.path else None)
    for name in rules.columns:  # every column named under `columns:` must exist
        ctx.column(name, "`columns:`")
    guesses = detect_roles(table.frame, table.columns, dict(rules.columns))
    ctx.roles = role_map(guesses)
    return guesses, ctx


def normalize(
    frame: pl.DataFrame, rules: list[NormalizeRule], ctx: Context
) -> tuple[pl.DataFrame, pl.DataFrame]:
    logs = [change_log.empty()]
    rows = frame.get_column(ROW)
    for rule in rules:
        when = frame.select(ctx.condition(rule.when).alias("w")).get_column("w")
        for column in ctx.targets(rule.column, rule.role, "normalize rule"):
            for step in rule.steps:
                before = frame.get_column(column)
                result = STEPS[step](before, frame, ctx).alias(column)
                after = pl.select(pl.when(when).then(result).otherwise(before)).to_series().alias(column)
                logs.append(change_log.diff(rows, before, after, column, f"normalize:{step}"))
                frame = frame.with_columns(after)
    return frame, pl.concat(logs)


def prepare(table: Table, loaded: LoadedRules) -> Prepared:
    """Roles, fill and normalize: the frame as `clean` would write it."""
    guesses, ctx = make_context(table, loaded)
    frame, filled = apply_fill(table.frame, loaded.rules.fill, ctx, loaded.base)
    frame, normalized = normalize(frame, loaded.rules.normalize, ctx)
    return Prepared(table, guesses, ctx, frame, pl.concat([filled, normalized]))


def validate(prepared: Prepared, loaded: LoadedRules) -> Validated:
    parts = [F.empty()]
    parts.extend(run_check(prepared.frame, check, prepared.ctx) for check in loaded.rules.validate_)
    return Validated(prepared, F.sort(pl.concat(parts)))


def check_table(table: Table, loaded: LoadedRules) -> Validated:
    return validate(prepare(table, loaded), loaded)


def clean(table: Table, loaded: LoadedRules) -> Cleaned:
    """Split rows: those with an error finding go to rejects (original values plus reasons), the rest
    to cleaned (filled and normalized). Every input row lands in exactly one of them."""
    validated = check_table(table, loaded)
    errors = validated.findings.filter(pl.col("severity") == "error")
    reasons = errors.group_by(ROW).agg(
        pl.format("{}: {}", "column", "message").unique(maintain_order=True).str.join("; ").alias(REASONS)
    )
    bad_rows = reasons.get_column(ROW)
    cleaned = validated.prepared.frame.filter(~pl.col(ROW).is_in(bad_rows.implode()))
    rejected = table.frame.join(reasons, on=ROW, how="inner", maintain_order="left").sort(ROW)
    check_conservation(table.frame, cleaned, rejected)
    return Cleaned(validated, cleaned, rejected)


def check_conservation(source: pl.DataFrame, cleaned: pl.DataFrame, rejected: pl.DataFrame) -> None:
    """rows in == cleaned + rejected, and each source row exactly once."""
    rows_in = source.get_column(ROW)
    rows_out = pl.concat([cleaned.get_column(ROW), rejected.get_column(ROW)])
    if rows_out.len() != rows_in.len() or not rows_out.sort().equals(rows_in.sort()):
        raise ConservationError(
            f"row conservation failed: {rows_in.len()} rows in, {cleaned.height} cleaned + "
            f"{rejected.height} rejected; nothing was written"
        )
