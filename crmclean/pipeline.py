"""The one place stages are strung together:

    read -> roles -> fill -> normalize -> validate -> (clean: split cleaned / rejected)
                             +-> dedupe: match keys -> blocks -> scores -> clusters -> golden

Each stage is a plain function of a frame; nothing here prints or knows about the CLI.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from crmclean import changes as change_log
from crmclean.context import Context
from crmclean.dedupe.decisions import Labels, record_keys, resolve, resolve_keys
from crmclean.dedupe.engine import CLUSTER_ID, CLUSTER_SIZE, MATCH_SCORE, DedupeResult, find_duplicates
from crmclean.dedupe.keys import match_keys
from crmclean.dedupe.link import link_columns, link_keys
from crmclean.dedupe.merge import Golden, golden_records
from crmclean.errors import CrmcleanError, ExitCode
from crmclean.fill import apply_fill
from crmclean.io.read import ROW, Table
from crmclean.progress import NO_PROGRESS, Progress
from crmclean.progress import step as progress_step
from crmclean.rules.load import LoadedRules
from crmclean.rules.model import NormalizeRule
from crmclean.schema import RoleGuess, detect_roles, role_map
from crmclean.steps import STEPS
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


def make_context(
    table: Table, loaded: LoadedRules, progress: Progress = NO_PROGRESS
) -> tuple[list[RoleGuess], Context]:
    rules = loaded.rules
    ctx = Context(table.columns, {}, rules.settings, str(loaded.path) if loaded.path else None)
    ctx.progress = progress
    for name in rules.columns:  # every column named under `columns:` must exist
        ctx.column(name, "`columns:`")
    guesses = detect_roles(table.frame, table.columns, dict(rules.columns))
    ctx.roles = role_map(guesses)
    ctx.infer_regions(table.frame)  # the file's region for rows without a country (crmclean.region)
    return guesses, ctx


def normalize(
    frame: pl.DataFrame, rules: list[NormalizeRule], ctx: Context
) -> tuple[pl.DataFrame, pl.DataFrame]:
    logs = [change_log.empty()]
    rows = frame.get_column(ROW)
    planned = sum(len(ctx.targets(r.column, r.role, "normalize rule")) * len(r.steps) for r in rules)
    ctx.progress.start("normalizing", planned, "steps")
    for rule in rules:
        when = frame.select(ctx.condition(rule.when).alias("w")).get_column("w")
        for column in ctx.targets(rule.column, rule.role, "normalize rule"):
            for step in rule.steps:
                before = frame.get_column(column)
                result = STEPS[step](before, frame, ctx).alias(column)
                after = pl.select(pl.when(when).then(result).otherwise(before)).to_series().alias(column)
                logs.append(change_log.diff(rows, before, after, column, f"normalize:{step}"))
                frame = frame.with_columns(after)
                ctx.progress.advance()
    ctx.progress.finish()
    return frame, pl.concat(logs)


def prepare(table: Table, loaded: LoadedRules, progress: Progress = NO_PROGRESS) -> Prepared:
    """Roles, fill and normalize: the frame as `clean` would write it."""
    with progress_step(progress, "detecting roles and region", None, "rows"):
        guesses, ctx = make_context(table, loaded, progress)
    with progress_step(progress, "filling", None, "rules"):
        frame, filled = apply_fill(table.frame, loaded.rules.fill, ctx, loaded.base)
    frame, normalized = normalize(frame, loaded.rules.normalize, ctx)
    return Prepared(table, guesses, ctx, frame, pl.concat([filled, normalized]))


def validate(prepared: Prepared, loaded: LoadedRules) -> Validated:
    """Every check of the rules, plus a ``fixed`` finding for each repair fill and normalize made
    (``validate/findings.repairs``): what `clean` would change is visible in `validate` too."""
    parts = [F.empty()]
    watch = prepared.ctx.progress
    watch.start("validating", len(loaded.rules.validate_), "checks")
    for check in loaded.rules.validate_:
        parts.append(run_check(prepared.frame, check, prepared.ctx))
        watch.advance()
    watch.finish()
    parts.append(F.repairs(prepared.changes))
    return Validated(prepared, F.sort(pl.concat(parts)))


def check_table(table: Table, loaded: LoadedRules, progress: Progress = NO_PROGRESS) -> Validated:
    return validate(prepare(table, loaded, progress), loaded)


def clean(table: Table, loaded: LoadedRules, progress: Progress = NO_PROGRESS) -> Cleaned:
    """Split rows: those with an error finding go to rejects (original values plus reasons), the rest
    to cleaned (filled and normalized). Every input row lands in exactly one of them."""
    validated = check_table(table, loaded, progress)
    cleaned, rejected = split(table.frame, validated.prepared.frame, validated.findings)
    return Cleaned(validated, cleaned, rejected)


def split(
    source: pl.DataFrame, prepared: pl.DataFrame, findings: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(cleaned, rejected) rows: rows with an error finding are rejected with their source values plus
    the reasons; the others are cleaned, as prepared. Conservation is checked before returning."""
    errors = findings.filter(pl.col("severity") == "error")
    reasons = errors.group_by(ROW).agg(
        pl.format("{}: {}", "column", "message").unique(maintain_order=True).str.join("; ").alias(REASONS)
    )
    bad_rows = reasons.get_column(ROW)
    cleaned = prepared.filter(~pl.col(ROW).is_in(bad_rows.implode()))
    rejected = source.join(reasons, on=ROW, how="inner", maintain_order="left").sort(ROW)
    check_conservation(source, cleaned, rejected)
    return cleaned, rejected


def check_conservation(source: pl.DataFrame, cleaned: pl.DataFrame, rejected: pl.DataFrame) -> None:
    """rows in == cleaned + rejected, and each source row exactly once."""
    rows_in = source.get_column(ROW)
    rows_out = pl.concat([cleaned.get_column(ROW), rejected.get_column(ROW)])
    if rows_out.len() != rows_in.len() or not rows_out.sort().equals(rows_in.sort()):
        raise ConservationError(
            f"row conservation failed: {rows_in.len()} rows in, {cleaned.height} cleaned + "
            f"{rejected.height} rejected; nothing was written"
        )


# --------------------------------------------------------------------------- dedupe


@dataclass
class Deduped:
    prepared: Prepared
    duplicates: DedupeResult

    def golden(self, loaded: LoadedRules) -> Golden:
        clusters = self.duplicates.clusters.select(ROW, CLUSTER_ID, CLUSTER_SIZE)
        return golden_records(self.prepared.frame, clusters, self.prepared.ctx, loaded.rules.dedupe)

    def annotated(self) -> pl.DataFrame:
        """Every input row and column unchanged, plus cluster_id, cluster_size and match_score."""
        clusters = self.duplicates.clusters.select(ROW, CLUSTER_ID, CLUSTER_SIZE, MATCH_SCORE)
        return self.prepared.table.frame.join(clusters, on=ROW, how="left", maintain_order="left")


def keys_of_records(prepared: Prepared) -> pl.DataFrame:
    """``_row``, ``key`` of every row of the file: the record keys decisions name
    (:func:`crmclean.dedupe.decisions.record_keys`)."""
    frame = prepared.table.frame
    return frame.select(ROW).with_columns(key=record_keys(frame, prepared.ctx.first_of("customer_id"), ROW))


KeysOf = Callable[[pl.DataFrame, Context], pl.DataFrame]
"""Who builds the match keys of prepared rows: ``match_keys`` here, or on Dask workers
(crmclean.stream.workers.dask_match_keys); the keys are the same."""


def dedupe_prepared(
    prepared: Prepared,
    loaded: LoadedRules,
    decisions: pl.DataFrame | None = None,
    keys_of: KeysOf | None = None,
) -> Deduped:
    """Cluster the prepared rows; ``decisions``: a person's (from
    :func:`crmclean.dedupe.decisions.load_decisions`), which outrank the scores."""
    progress = prepared.ctx.progress
    with progress_step(progress, "building match keys", None, "rows"):
        keys = (keys_of or match_keys)(prepared.frame, prepared.ctx)
    labels: Labels | None = None
    if decisions is not None:
        labels = resolve(decisions, keys.get_column(ROW), keys_of_records(prepared))
    return Deduped(prepared, find_duplicates(keys, loaded.rules.dedupe, labels=labels, progress=progress))


def dedupe(
    table: Table,
    loaded: LoadedRules,
    progress: Progress = NO_PROGRESS,
    decisions: pl.DataFrame | None = None,
    keys_of: KeysOf | None = None,
) -> Deduped:
    """Prepare (fill, normalize) and cluster probable duplicate customers; ``decisions`` outrank the
    scores."""
    return dedupe_prepared(prepare(table, loaded, progress), loaded, decisions, keys_of)


@dataclass
class Linked:
    """NEW rows matched against EXISTING customers (pre-import check)."""

    new: Prepared
    existing: Prepared
    duplicates: DedupeResult  # over EXISTING rows then NEW rows, stacked (_rid)
    annotated: pl.DataFrame  # every NEW row and column, plus the link columns


def link(new: Table, existing: Table, loaded: LoadedRules, decisions: pl.DataFrame | None = None) -> Linked:
    """Cluster NEW and EXISTING together, never comparing two EXISTING records, and give every NEW
    row its EXISTING match (``existing_row``, ``existing_id``) or ``status`` new; duplicates inside
    NEW share a ``cluster_id`` (the smallest NEW row of the cluster). ``decisions`` outrank the
    scores (records named as :func:`crmclean.dedupe.link.link_keys` says)."""
    old, fresh = prepare(existing, loaded), prepare(new, loaded)
    old_keys, new_keys = match_keys(old.frame, old.ctx), match_keys(fresh.frame, fresh.ctx)
    keys = pl.concat([old_keys, new_keys])
    side = pl.Series([True] * old.frame.height + [False] * fresh.frame.height)
    labels: Labels | None = None
    if decisions is not None:
        by_key = link_keys(
            (old_keys.get_column(ROW), keys_of_records(old)),
            (new_keys.get_column(ROW), keys_of_records(fresh)),
        )
        labels = resolve_keys(decisions, by_key)
    found = find_duplicates(keys, loaded.rules.dedupe, exclude=side, labels=labels)
    id_column = old.ctx.first_of("customer_id")
    ids = None if id_column is None else existing.frame.select(ROW, id=pl.col(id_column).cast(pl.String))
    annotated = link_columns(found, side, ids, found.review)
    return Linked(fresh, old, found, new.frame.join(annotated, on=ROW, how="left", maintain_order="left"))


# --------------------------------------------------------------------------- run: everything at once


@dataclass
class Ran:
    cleaned: Cleaned
    deduped: Deduped  # over the cleaned rows: rejected rows are fixed first, then merged
    golden: Golden

    @property
    def clusters(self) -> pl.DataFrame:
        """_row, cluster_id, cluster_size, match_score for every cleaned row."""
        return self.deduped.duplicates.clusters.select(ROW, CLUSTER_ID, CLUSTER_SIZE, MATCH_SCORE)


def run(
    table: Table,
    loaded: LoadedRules,
    progress: Progress = NO_PROGRESS,
    decisions: pl.DataFrame | None = None,
    keys_of: KeysOf | None = None,
) -> Ran:
    """Fill -> normalize -> validate -> split -> dedupe the clean rows -> golden records;
    ``progress`` (crmclean.progress) is told each step, and how far it is; ``decisions`` outrank the
    dedupe scores."""
    cleaned = clean(table, loaded, progress)
    prepared = cleaned.validated.prepared
    clean_rows = Prepared(prepared.table, prepared.guesses, prepared.ctx, cleaned.cleaned, prepared.changes)
    deduped = dedupe_prepared(clean_rows, loaded, decisions, keys_of)
    with progress_step(progress, "merging golden records", None, "clusters"):
        golden = deduped.golden(loaded)
    return Ran(cleaned, deduped, golden)
