"""The library API: what every command does, callable from Python on a path or a Polars DataFrame.

    import crmclean, polars as pl
    result = crmclean.validate(pl.DataFrame({"email": ["a@b", "x@example.com"]}))
    result.findings                    # a Polars frame: _row, column, rule, severity, value, message
    print(result.report.render("markdown"))

Every function takes ``source`` (a path, ``"-"`` for stdin, a Polars DataFrame, or a Table from
:func:`read`) and ``rules`` (None for the bundled default, a bundled set's name such as ``"b2b"``, a
path to a YAML file, or a mapping with the YAML's structure). The CLI is a thin shell over these
functions: it maps flags to arguments and results to files and exit codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TypedDict, Unpack

import polars as pl

from crmclean import engine as engines
from crmclean import pipeline, stream
from crmclean.dedupe.decisions import DecisionsSource, load_decisions
from crmclean.dedupe.engine import DedupeResult
from crmclean.dedupe.explain import Explanation, explain_pair
from crmclean.dedupe.merge import Golden
from crmclean.dedupe.report import pair_rows, review_rows
from crmclean.dedupe.summary import DedupeSummary, summarize
from crmclean.errors import UsageError
from crmclean.io.read import ROW, ReadOptions, Table, read_table
from crmclean.io.write import PRIVATE
from crmclean.profile import Profile, profile_table
from crmclean.progress import NO_PROGRESS, Progress, step
from crmclean.region import with_region
from crmclean.report.baseline import Baseline, load_baseline
from crmclean.report.formats import render
from crmclean.report.model import Report, build_report, report_from_tally
from crmclean.rules import load as rules_load
from crmclean.rules.gate import Gate, default_gate, with_flags
from crmclean.rules.load import LoadedRules, RulesSource

Source = str | Path | pl.DataFrame | Table


# --------------------------------------------------------------------------- inputs


def read(source: Source, options: ReadOptions | None = None, **read_options: str | None) -> Table:
    """``source`` as a Table: a frame of strings with ``_row``, plus what was learned reading it.

    A path is read as the CLI reads it (``options`` or keyword arguments: ``format``, ``delimiter``,
    ``encoding``, ``sheet``). A DataFrame is taken as it is: every column cast to string for the
    checks (values kept: ``7`` stays ``"7"``), and ``_row`` numbered 1, 2, ... when it has none."""
    if isinstance(source, Table):
        return source
    if isinstance(source, pl.DataFrame):
        return _table_from_frame(source)
    if read_options:
        if options is not None:
            raise TypeError("give read options as `options` or as keyword arguments, not both")
        options = ReadOptions(**read_options)
    return read_table(source, options)


def _read(source: Source, options: ReadOptions | None, progress: Progress) -> Table:
    """:func:`read`, told to ``progress`` as the step "reading" (its size is not known up front)."""
    if isinstance(source, Table | pl.DataFrame):
        return read(source, options)
    with step(progress, f"reading {Path(str(source)).name}", None, "rows"):
        return read(source, options)


def _table_from_frame(frame: pl.DataFrame) -> Table:
    data = frame.select(pl.exclude(ROW).cast(pl.String))
    if ROW in frame.columns:
        rows = frame.get_column(ROW)
        if rows.null_count() or not rows.dtype.is_integer() or rows.n_unique() != rows.len():
            raise UsageError(f"the DataFrame's {ROW} column must hold unique whole numbers (source rows)")
        data = data.insert_column(0, rows.cast(pl.Int64))
    else:
        data = data.insert_column(0, pl.int_range(1, frame.height + 1, dtype=pl.Int64, eager=True).alias(ROW))
    return Table(frame=data, name="<DataFrame>", format="dataframe")


def load_rules(
    source: RulesSource = None, *, check_dns: bool | None = None, region: str | None = None
) -> LoadedRules:
    """Load rules (see the module docstring for what ``source`` may be); ``check_dns`` overrides
    ``settings.check_dns``, ``region`` (an ISO code such as ``"BR"``) ``settings.default_region``: the
    country of rows that name none, over what the file's own evidence suggests."""
    loaded = rules_load.load_rules(source)
    if region is not None:
        try:
            loaded = with_region(loaded, region)
        except ValueError as err:
            raise UsageError(
                f"--region {region!r}: {err}", hint="an ISO 3166 code such as BR, RU, VN, US"
            ) from None
    if check_dns is not None and check_dns != loaded.rules.settings.check_dns:
        loaded = LoadedRules(loaded.rules.model_copy(deep=True), loaded.path, loaded.base)
        loaded.rules.settings.check_dns = check_dns
    return loaded


@dataclass(frozen=True)
class ReportOptions:
    """What the report and the gate are asked for: the report/gate flags of validate, clean and run.

    ``gate``: the gate to judge by (default: the rules' ``gate:`` section, else the command's default);
    ``gate_fail`` / ``gate_warn``: ``SELECTOR=LIMIT`` thresholds on top of it (as --gate-fail/--gate-warn);
    ``baseline``: a saved baseline (path or Baseline) whose rates this run must not worsen by more
    than ``baseline_tolerance`` (``"0.5%"``); ``show_values``: examples unmasked (personal data)."""

    show_values: bool = False
    gate: Gate | None = None
    gate_fail: Sequence[str] = ()
    gate_warn: Sequence[str] = ()
    baseline: str | Path | Baseline | None = None
    baseline_tolerance: str | None = None

    def resolve_gate(self, loaded: LoadedRules, *, quarantine: bool) -> Gate:
        """The gate this run is judged by: flags over ``gate`` (or the rules' gate), else the default
        (any error fails; with ``quarantine``, rows with errors went to rejects and only warn)."""
        base = self.gate if self.gate is not None else loaded.rules.gate
        chosen = with_flags(
            base, fail=list(self.gate_fail), warn=list(self.gate_warn), tolerance=self.baseline_tolerance
        )
        return chosen if chosen is not None else default_gate(quarantine=quarantine)

    def resolve_baseline(self) -> Baseline | None:
        if self.baseline is None or isinstance(self.baseline, Baseline):
            return self.baseline
        return load_baseline(str(self.baseline))


# --------------------------------------------------------------------------- results


@dataclass
class Validation:
    """What :func:`validate` found. ``frame``: the rows as filled and normalized (what clean writes);
    ``findings``: one row per finding; ``changes``: one row per changed cell."""

    table: Table
    loaded: LoadedRules
    options: ReportOptions
    validated: pipeline.Validated
    quarantine: bool = False  # rows with errors were set apart (clean, run): errors then only warn

    @property
    def findings(self) -> pl.DataFrame:
        return self.validated.findings

    @property
    def changes(self) -> pl.DataFrame:
        return self.validated.prepared.changes

    @property
    def frame(self) -> pl.DataFrame:
        return self.validated.prepared.frame

    @property
    def roles(self) -> dict[str, str | None]:
        """column -> detected (or configured) role."""
        return dict(self.validated.prepared.ctx.roles)

    @property
    def errors(self) -> int:
        return self.validated.errors

    @cached_property
    def report(self) -> Report:
        """The quality report, judged by the gate; ``report.render(fmt)`` for any format."""
        return build_report(self._reported(), **self._report_arguments())

    def _reported(self) -> pipeline.Validated | pipeline.Cleaned:
        return self.validated

    def _report_arguments(self) -> dict:
        return {
            "rules": self.loaded.rules,
            "show_values": self.options.show_values,
            "gate": self.options.resolve_gate(self.loaded, quarantine=self.quarantine),
            "baseline": self.options.resolve_baseline(),
        }

    @property
    def exit_code(self) -> int:
        """0 when the gate passes (or only warns), 1 when it fails."""
        return self.report.exit_code()


@dataclass(kw_only=True)
class Cleaning(Validation):
    """What :func:`clean` produced: every input row is in exactly one of ``cleaned`` (filled and
    normalized) and ``rejected`` (source values plus ``_reasons``)."""

    cleaned_result: pipeline.Cleaned
    quarantine: bool = True

    @property
    def cleaned(self) -> pl.DataFrame:
        return self.cleaned_result.cleaned

    @property
    def rejected(self) -> pl.DataFrame:
        return self.cleaned_result.rejected

    def _reported(self) -> pipeline.Cleaned:
        return self.cleaned_result


class _DedupeViews:
    """What every dedupe result shows the same way: the pairs and what the decisions did."""

    @property
    def summary(self) -> DedupeSummary:
        raise NotImplementedError

    @property
    def _found(self) -> DedupeResult:
        raise NotImplementedError

    def _existing_rows(self) -> int | None:
        """Link mode: how many of the compared records come from EXISTING (they come first)."""
        return None

    @cached_property
    def pairs(self) -> pl.DataFrame:
        """The compared pairs at or above the review band (and every pair merged)."""
        return pair_rows(self._found, self._found.review, self._existing_rows())

    @property
    def decisions(self) -> dict | None:
        """What the decisions did (counts, records not in the files, the threshold); None without."""
        return self.summary.decisions


class _GoldenViews:
    """The golden records of a dedupe and where each value came from."""

    @property
    def merged(self) -> Golden:
        raise NotImplementedError

    @property
    def golden(self) -> pl.DataFrame:
        """One golden record per cluster (survivorship from the rules' ``dedupe:`` section)."""
        return self.merged.records

    @property
    def lineage(self) -> pl.DataFrame:
        """For every golden value: the source row it came from and why."""
        return self.merged.lineage


@dataclass
class Deduplication(_DedupeViews, _GoldenViews):
    """What :func:`dedupe` found. ``clusters``: every input row and column plus cluster_id,
    cluster_size and match_score; ``pairs``: the compared pairs at or above the review band;
    ``review``: the pairs in the review band, both records side by side; ``summary``: the counts."""

    table: Table
    loaded: LoadedRules
    deduped: pipeline.Deduped

    @cached_property
    def summary(self) -> DedupeSummary:
        """The counts and the largest clusters (``summary.duplicate_records``; ``summary["..."]``
        reads it as the dict it once was)."""
        return summarize(self.deduped.duplicates, self.table.frame.height)

    @property
    def duplicates(self) -> DedupeSummary:
        """The summary with a few masked names per large cluster, as the report's `duplicates` shows it."""
        return _with_examples(self.summary, self.deduped, show_values=False)

    @cached_property
    def clusters(self) -> pl.DataFrame:
        return self.deduped.annotated()

    @cached_property
    def review(self) -> pl.DataFrame:
        return review_rows(self.deduped.duplicates, (self.table,))

    @property
    def _found(self) -> DedupeResult:
        return self.deduped.duplicates

    @cached_property
    def merged(self) -> Golden:
        return self.deduped.golden(self.loaded)


@dataclass
class Linkage(_DedupeViews):
    """What :func:`link` found: ``annotated`` is every NEW row and column plus status
    (existing / review / new), existing_row, existing_id, existing_score and cluster_id."""

    new: Table
    existing: Table
    loaded: LoadedRules
    linked: pipeline.Linked

    @property
    def annotated(self) -> pl.DataFrame:
        return self.linked.annotated

    @property
    def _found(self) -> DedupeResult:
        return self.linked.duplicates

    def _existing_rows(self) -> int:
        return self.existing.frame.height

    @cached_property
    def review(self) -> pl.DataFrame:
        return review_rows(self.linked.duplicates, (self.existing, self.new))

    @cached_property
    def summary(self) -> DedupeSummary:
        """Duplicates inside NEW, and the NEW rows by link status (``summary.link``)."""
        return summarize(self.linked.duplicates, self.new.frame.height, self.linked.annotated)

    @property
    def duplicates(self) -> DedupeSummary:
        """The summary, as the report's `duplicates` shows it (no names: NEW rows are not listed)."""
        return self.summary


@dataclass(kw_only=True)
class RunResult(Cleaning, _DedupeViews, _GoldenViews):
    """What :func:`run` produced: a Cleaning, plus the dedupe of the cleaned rows and their golden
    records. ``clusters``: _row, cluster_id, cluster_size, match_score of every cleaned row."""

    ran: pipeline.Ran

    @property
    def clusters(self) -> pl.DataFrame:
        return self.ran.clusters

    @property
    def _found(self) -> DedupeResult:
        return self.ran.deduped.duplicates

    @property
    def merged(self) -> Golden:
        return self.ran.golden

    @cached_property
    def review(self) -> pl.DataFrame:
        """The pairs in the review band, both records' source values side by side (cleaned rows only:
        rejected rows were not deduplicated)."""
        kept = self._found.keys.select(ROW)
        rows = self.table.frame.join(kept, on=ROW, how="semi", maintain_order="left")
        return review_rows(self._found, (replace(self.table, frame=rows),))

    @cached_property
    def summary(self) -> DedupeSummary:
        """The dedupe of the cleaned rows, in counts."""
        return summarize(self._found, self._found.clusters.height)

    def _report_arguments(self) -> dict:
        duplicates = _with_examples(self.summary, self.ran.deduped, show_values=self.options.show_values)
        return {**super()._report_arguments(), "duplicates": duplicates}

    def outputs(self) -> dict[str, pl.DataFrame]:
        """The data outputs of ``crmclean run``, by name."""
        return {
            "cleaned": self.cleaned,
            "rejects": self.rejected,
            "changes": self.changes,
            "findings": self.findings,
            "clusters": self.clusters,
            "golden": self.golden,
            "lineage": self.lineage,
        }


def _decisions(source: DecisionsSource | None) -> pl.DataFrame | None:
    return None if source is None else load_decisions(source)


def _with_examples(summary: DedupeSummary, deduped: pipeline.Deduped, *, show_values: bool) -> DedupeSummary:
    """``summary`` with a few names (first and last name, masked unless ``show_values``) of the
    records of its largest clusters."""
    ctx = deduped.prepared.ctx
    names = [c for c in (ctx.first_of("first_name"), ctx.first_of("last_name")) if c]
    return summary.with_examples(
        deduped.duplicates, deduped.prepared.frame, names, dict(ctx.roles), show_values=show_values
    )


# --------------------------------------------------------------------------- the verbs


def profile(source: Source, *, show_values: bool = False, options: ReadOptions | None = None) -> Profile:
    """What each column holds: detected role, fill rate, distinct values, shapes, lengths."""
    return profile_table(read(source, options), show_values=show_values)


class Arguments(TypedDict, total=False):
    """The keyword arguments :func:`validate`, :func:`clean` and :func:`run` share.

    ``report``: the report and gate options; ``check_dns``: look up each email domain's MX record
    (over the rules' ``settings.check_dns``); ``region``: the ISO 3166 region of rows that name no
    country; ``options``: how to read ``source``; ``progress`` (crmclean.progress): told each step
    and how far it is."""

    report: ReportOptions | None
    check_dns: bool | None
    region: str | None
    options: ReadOptions | None
    progress: Progress


def _start(source: Source, rules: RulesSource, arguments: Arguments) -> tuple[Table, LoadedRules, Progress]:
    progress = arguments.get("progress", NO_PROGRESS)
    table = _read(source, arguments.get("options"), progress)
    loaded = load_rules(rules, check_dns=arguments.get("check_dns"), region=arguments.get("region"))
    return table, loaded, progress


def validate(source: Source, rules: RulesSource = None, **arguments: Unpack[Arguments]) -> Validation:
    """Fill, normalize and check ``source`` against ``rules``; nothing is written."""
    table, loaded, progress = _start(source, rules, arguments)
    validated = pipeline.check_table(table, loaded, progress)
    return Validation(table, loaded, arguments.get("report") or ReportOptions(), validated)


def clean(source: Source, rules: RulesSource = None, **arguments: Unpack[Arguments]) -> Cleaning:
    """Validate, then split the rows: ``cleaned`` (filled, normalized) and ``rejected`` (with reasons)."""
    table, loaded, progress = _start(source, rules, arguments)
    cleaned = pipeline.clean(table, loaded, progress)
    report = arguments.get("report") or ReportOptions()
    return Cleaning(table, loaded, report, cleaned.validated, cleaned_result=cleaned)


@dataclass
class FileRun:
    """What :func:`validate_file` or :func:`clean_file` did: outputs written batch by batch, and the
    full report (every format, the gate) from the merged tally of the batches."""

    loaded: LoadedRules
    options: ReportOptions
    result: stream.StreamValidated

    @property
    def quarantine(self) -> bool:
        return isinstance(self.result, stream.StreamCleaned)

    @cached_property
    def report(self) -> Report:
        result, cleaned = self.result, None
        if isinstance(result, stream.StreamCleaned):
            cleaned = (result.rows_cleaned, result.rows_rejected)
        return report_from_tally(
            result.tally,
            result.table,
            result.ctx,
            rules=self.loaded.rules,
            show_values=self.options.show_values,
            gate=self.options.resolve_gate(self.loaded, quarantine=self.quarantine),
            baseline=self.options.resolve_baseline(),
            rows_cleaned=None if cleaned is None else cleaned[0],
            rows_rejected=None if cleaned is None else cleaned[1],
        )

    @property
    def exit_code(self) -> int:
        return self.report.exit_code()


def validate_file(
    path: str | Path,
    rules: RulesSource | LoadedRules = None,
    *,
    findings: str | None = None,
    report: ReportOptions | None = None,
    options: ReadOptions | None = None,
    mode: int | None = PRIVATE,
    progress: Progress = NO_PROGRESS,
    engine: engines.Engine = "local",
    scheduler: str | None = None,
) -> FileRun:
    """:func:`validate` of a file in batches (a CSV file: about ``CRMCLEAN_STREAM_MIN_BYTES`` at a time;
    other formats: one batch), memory bounded by the batch; ``findings`` written as they are found
    (CSV, NDJSON or Parquet), atomically. Same findings and report as :func:`validate`.
    ``engine="dask"``: the batches run on Dask workers (crmclean.engine: a LocalCluster, or the
    ``scheduler`` address); same findings, outputs and report. Call it under
    ``if __name__ == "__main__":``, and give a path every worker can read."""
    loaded = rules if isinstance(rules, LoadedRules) else load_rules(rules)
    with engines.session(engine, scheduler) as client:
        result = stream.validate_file(
            path,
            loaded,
            options,
            findings=findings,
            mode=mode,
            progress=progress,
            map_batches=_batches(client),
        )
    return FileRun(loaded, report or ReportOptions(), result)


def _batches(client: object) -> stream.BatchMap | None:
    """Who runs the batches' stages: None (this process) without a Dask client."""
    if client is None:
        return None
    from crmclean.stream.workers import dask_batches

    return dask_batches(client)  # type: ignore[arg-type]


def _keys_of(client: object) -> pipeline.KeysOf | None:
    """Who builds dedupe's match keys: None (this process) without a Dask client."""
    if client is None:
        return None
    from crmclean.stream.workers import dask_match_keys

    return dask_match_keys(client)  # type: ignore[arg-type]


def clean_file(
    path: str | Path,
    rules: RulesSource | LoadedRules = None,
    *,
    output: str,
    rejects: str,
    changes: str | None = None,
    findings: str | None = None,
    report: ReportOptions | None = None,
    options: ReadOptions | None = None,
    encoding: str = "utf-8",
    formulas: bool = True,
    mode: int | None = PRIVATE,
    encoding_errors: str = "strict",
    progress: Progress = NO_PROGRESS,
    engine: engines.Engine = "local",
    scheduler: str | None = None,
) -> FileRun:
    """:func:`clean` of a file in batches, its outputs written as they are decided (CSV, NDJSON or
    Parquet), renamed into place only once every row landed in exactly one of them. The bytes are
    those ``clean`` + ``write_table`` write (Parquet: the same rows, other row groups). ``engine``,
    ``scheduler``: as for :func:`validate_file`."""
    loaded = rules if isinstance(rules, LoadedRules) else load_rules(rules)
    with engines.session(engine, scheduler) as client:
        result = stream.clean_file(
            path,
            loaded,
            options,
            output=output,
            rejects=rejects,
            changes=changes,
            findings=findings,
            out_encoding=encoding,
            escape_formulas=formulas,
            mode=mode,
            encoding_errors=encoding_errors,
            progress=progress,
            map_batches=_batches(client),
        )
    return FileRun(loaded, report or ReportOptions(), result)


def dedupe(
    source: Source,
    rules: RulesSource = None,
    *,
    region: str | None = None,
    options: ReadOptions | None = None,
    progress: Progress = NO_PROGRESS,
    decisions: DecisionsSource | None = None,
    engine: engines.Engine = "local",
    scheduler: str | None = None,
) -> Deduplication:
    """Cluster probable duplicate customers (zero-config from the detected roles; tuned under
    ``dedupe:`` in the rules). ``decisions``: a decisions file (path) or frame
    (``left, right, decision, decided_at``; see :mod:`crmclean.dedupe.decisions`): a person's
    ``same`` and ``different`` outrank every score. ``progress`` (crmclean.progress) is told each
    step and how far it is. ``engine="dask"``: the match keys are built on Dask workers (see
    :func:`validate_file`); the clusters are the same."""
    table = _read(source, options, progress)
    loaded = load_rules(rules, region=region)
    with engines.session(engine, scheduler) as client:
        found = pipeline.dedupe(table, loaded, progress, _decisions(decisions), _keys_of(client))
    return Deduplication(table, loaded, found)


def link(
    new: Source,
    existing: Source,
    rules: RulesSource = None,
    *,
    options: ReadOptions | None = None,
    decisions: DecisionsSource | None = None,
) -> Linkage:
    """Match every NEW record against EXISTING customers (a pre-import check); duplicates inside NEW
    are found too. Two EXISTING records are never compared. ``decisions`` as for :func:`dedupe`;
    EXISTING records are named ``existing:<key>`` (see :mod:`crmclean.dedupe.link`)."""
    new_table, old_table = read(new, options), read(existing, options)
    loaded = load_rules(rules)
    linked = pipeline.link(new_table, old_table, loaded, _decisions(decisions))
    return Linkage(new_table, old_table, loaded, linked)


def find_record(table: Table, ident: str) -> int:
    """The source row of a record named by its customer id (when a customer_id column holds it) or
    by its row number."""
    from crmclean.schema import detect_roles, role_map

    roles = role_map(detect_roles(table.frame, table.columns, {}))
    id_column = next((c for c, r in roles.items() if r == "customer_id"), None)
    if id_column is not None:
        hits = table.frame.filter(pl.col(id_column).cast(pl.String).str.strip_chars() == ident.strip())
        if hits.height == 1:
            return int(hits.get_column(ROW)[0])
        if hits.height > 1:
            rows = ", ".join(str(r) for r in hits.get_column(ROW).head(5).to_list())
            raise UsageError(f"customer id {ident!r} is on several rows ({rows}); give a row number")
    if ident.isdigit() and table.frame.get_column(ROW).is_in([int(ident)]).any():
        return int(ident)
    where = f"in column {id_column!r} or " if id_column else ""
    raise UsageError(f"no record {ident!r} {where}as a row number in {table.name}")


@dataclass
class PairExplanation:
    """Why two records are, or are not, the same customer: ``explanation`` holds the per-field
    similarity and evidence, the total, the decision and the clusters."""

    row_a: int
    row_b: int
    explanation: Explanation
    loaded: LoadedRules


def explain(
    source: Source,
    first: str,
    second: str,
    rules: RulesSource = None,
    *,
    options: ReadOptions | None = None,
    decisions: DecisionsSource | None = None,
) -> PairExplanation:
    """Explain the pair of records ``first`` and ``second`` (customer ids or row numbers);
    ``decisions`` as for :func:`dedupe` (the explanation names the decision that decided the pair)."""
    table, loaded = read(source, options), load_rules(rules)
    row_a, row_b = find_record(table, first), find_record(table, second)
    if row_a == row_b:
        raise UsageError(f"{first!r} and {second!r} are the same record (row {row_a})")
    found = pipeline.dedupe(table, loaded, decisions=_decisions(decisions)).duplicates
    return PairExplanation(row_a, row_b, explain_pair(found, loaded.rules.dedupe, row_a, row_b), loaded)


def run(
    source: Source,
    rules: RulesSource = None,
    *,
    decisions: DecisionsSource | None = None,
    engine: engines.Engine = "local",
    scheduler: str | None = None,
    **arguments: Unpack[Arguments],
) -> RunResult:
    """The main job: fill, normalize, validate, split, dedupe the cleaned rows, merge golden records.
    ``decisions``, ``engine`` and ``scheduler`` as for :func:`dedupe`."""
    table, loaded, progress = _start(source, rules, arguments)
    with engines.session(engine, scheduler) as client:
        keys_of = _keys_of(client)
        ran = pipeline.run(table, loaded, progress=progress, decisions=_decisions(decisions), keys_of=keys_of)
    report = arguments.get("report") or ReportOptions()
    return RunResult(table, loaded, report, ran.cleaned.validated, cleaned_result=ran.cleaned, ran=ran)


__all__ = [
    "Arguments",
    "Cleaning",
    "Deduplication",
    "Linkage",
    "PairExplanation",
    "ReportOptions",
    "RunResult",
    "Source",
    "Validation",
    "clean",
    "dedupe",
    "explain",
    "find_record",
    "link",
    "load_rules",
    "profile",
    "read",
    "render",
    "run",
    "validate",
]
