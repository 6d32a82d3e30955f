"""The JSON report: a documented, versioned schema (``"schema": "crmclean.report/1"``).

The models below *are* the schema: the JSON is produced through them, so it cannot drift from the
documentation. ``python -m crmclean.report.json > docs/report-schema.json`` writes the JSON Schema;
tests/report/test_json.py fails when the committed file is stale and checks real output against it.

Compatibility: within ``crmclean.report/1`` fields are only ever added. Removing or changing the
meaning of one bumps the version.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from crmclean import __version__
from crmclean.dedupe.summary import DedupeSummary
from crmclean.report.model import SCHEMA, Report

Status = Literal["pass", "warn", "fail"]
Severity = Literal["error", "warning", "fixed"]


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceDoc(_Doc):
    """The input as read."""

    name: str = Field(description="File name as given ('<stdin>' for standard input).")
    format: str = Field(description="csv, xlsx, parquet, json or ndjson.")
    encoding: str | None = Field(description="Detected or given encoding (text formats).")
    delimiter: str | None = Field(description="CSV delimiter.")
    notes: list[str] = Field(
        description="What the reader decided and why: the code page and its evidence, CR-only line "
        "endings, blank lines skipped before the header."
    )


class RegionDoc(_Doc):
    """The region given to rows without a country (crmclean.region, docs/regions.md)."""

    region: str | None = Field(description="The file's region; null when not decided.")
    source: str = Field(description="settings (default_region / --region), inferred, or none.")
    share: float = Field(description="The region's share of the rows with evidence.")
    votes: int = Field(description="Rows with evidence (their own country, or row evidence).")
    rows: int
    rows_without_country: int
    rows_used: int = Field(description="Rows without a country that were given a region.")
    rows_from_row_evidence: int = Field(description="Of those, rows decided by their own evidence.")
    evidence: dict[str, dict[str, int]] = Field(description="Signal -> region -> rows.")
    candidates: list[list[str | float]] = Field(description="Top regions as [code, share].")
    summary: str = Field(description="One line: which region, from what, for how many rows.")


class QualityDoc(_Doc):
    """Quality score: the share of ready cells in the columns with a role."""

    before: float = Field(
        description="Ready as read: filled, needing no fill or normalize change, no finding."
    )
    after: float = Field(description="Ready after fill and normalize: filled and no finding.")
    cells: int = Field(description="Rows x columns with a role.")
    definition: str = Field(description="The definition, in words.")


class ProblemDoc(_Doc):
    message: str
    count: int = Field(description="Findings with this message on the column.")


class ColumnDoc(_Doc):
    """One column of the input."""

    column: str = Field(description="Header as in the file.")
    role: str | None = Field(description="Detected or configured role; null when none.")
    filled_before: int = Field(description="Filled cells (not null, not blank) as read.")
    filled: int = Field(description="Filled cells after fill and normalize.")
    fill_rate_before: float = Field(description="filled_before / rows.")
    fill_rate: float = Field(description="filled / rows.")
    valid_rate: float | None = Field(
        description="Share of filled cells with no error or warning finding; null when none is filled."
    )
    errors: int = Field(description="Error findings naming this column (multi-column checks included).")
    warnings: int = Field(description="Warning findings naming this column.")
    fixed: int = Field(description="Repairs fill or normalize made on this column (fixed findings).")
    fixed_rate: float = Field(description="Share of rows whose cell in this column was repaired.")
    top_problems: list[ProblemDoc] = Field(
        description="Most frequent error and warning messages on this column."
    )


class MessageDoc(_Doc):
    """Findings of one check with the same message."""

    severity: Severity
    message: str
    count: int
    first_row: int = Field(description="Smallest _row (1-based data record in the source).")
    examples: list[str] = Field(description="A few distinct values, masked unless values_masked is false.")


class CheckDoc(_Doc):
    """One rule on one column (or a column combination: `a + b`, `a / b`)."""

    rule: str = Field(description="The check's name (its type unless the rules file names it).")
    column: str
    severity: Severity = Field(
        description="error or warning; fixed: a repair by fill or normalize (rule: the step, as in the "
        "change log), never an error."
    )
    status: Status = Field(description="The gate's verdict on this check (baseline regressions included).")
    count: int = Field(description="Findings.")
    rows: int = Field(description="Input rows with at least one finding.")
    rate: float = Field(description="rows / input rows.")
    message: str | None = Field(description="The most frequent message; null when there is no finding.")
    examples: list[str] = Field(description="A few values found, masked unless values_masked is false.")
    messages: list[MessageDoc] = Field(description="Findings by message, most first.")


class ClusterDoc(_Doc):
    cluster_id: int
    size: int
    score: float = Field(description="Cohesion score of the cluster, 0..1.")
    matched_on: list[str] = Field(description="Fields that matched.")
    examples: list[str] = Field(description="Member values, masked unless values_masked is false.")


class SizeDoc(_Doc):
    size: int = Field(description="Records in a cluster.")
    clusters: int = Field(description="Clusters of that size.")


class DecisionsDoc(_Doc):
    """A person's decisions (--decisions): same and different pairs, which outrank every score."""

    loaded: int = Field(description="Decisions in the file (the last per pair).")
    same: int = Field(description="`same` decisions on two records of this file.")
    different: int = Field(description="`different` decisions on two records of this file.")
    not_in_file: int = Field(description="Decisions naming a record this file does not hold.")
    not_in_file_examples: list[str] = Field(description="A few of those record keys.")
    conflicts: int = Field(
        description="`same` decisions not applied: a chain of them contradicted a `different`."
    )
    match: float | None = Field(description="The match threshold used.")
    threshold_fitted: bool = Field(description="True when the threshold was fitted to the labelled pairs.")
    threshold: str | None = Field(description="What was done with the threshold, and why.")


class DuplicatesDoc(_Doc):
    """Duplicate detection, when the command dedupes."""

    records: int
    clusters: int
    duplicate_records: int = Field(description="Records in clusters of size > 1, minus one per cluster.")
    share: float = Field(description="duplicate_records / records.")
    pairs_compared: int
    size_distribution: list[SizeDoc] = Field(description="By size, ascending.")
    largest: list[ClusterDoc] = Field(description="Largest clusters first.")
    evidence: str = Field(
        description="learned: match weights fitted to this file (EM); built-in (and why): the fixed ones."
    )
    decisions: DecisionsDoc | None = Field(None, description="null without a decisions file.")


class DnsDoc(_Doc):
    """Email domains looked up in DNS (settings.check_dns / --check-dns)."""

    checked: bool = Field(description="Always true: the object is null when DNS was not checked.")
    domains: int = Field(description="Unique domains looked up (each once per run).")
    missing: int = Field(
        description="Domains that do not exist or accept no email: their addresses are errors."
    )
    unavailable: int = Field(
        description="Domains DNS gave no answer for (no network, timeout): their addresses get an "
        "`email_dns` warning, not an error."
    )


class GateItemDoc(_Doc):
    kind: Literal["check", "fill", "duplicates", "baseline"]
    status: Status
    message: str = Field(description="What was measured against which limit, in words.")
    rule: str | None
    column: str | None
    rows: int | None = Field(description="Measured rows (rows with findings, filled cells, duplicates).")
    rate: float | None = Field(description="Measured share.")
    limit: str | None = Field(
        description="The limit that decided the status ('5%', '10'); for baseline items, the baseline rate."
    )


class GateDoc(_Doc):
    verdict: Status = Field(description="fail: exit code 1 (unless --no-fail); pass and warn: 0.")
    failures: int
    warnings: int
    baseline: str | None = Field(description="The baseline file compared with, if any.")
    items: list[GateItemDoc] = Field(
        description="Every judged measure: checks with findings or a "
        "threshold, fill rates, duplicate share, baseline regressions."
    )


class ReportDoc(_Doc):
    """A crmclean quality report."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_: Literal["crmclean.report/1"] = Field(alias="schema", description="Schema name and version.")
    generator: str = Field(description="crmclean and its version.")
    source: SourceDoc
    rows: int = Field(description="Rows read (data records; blank lines skipped).")
    rows_cleaned: int | None = Field(description="Rows written as cleaned; null when not cleaning.")
    rows_rejected: int | None = Field(description="Rows sent to rejects; null when not cleaning.")
    findings: int = Field(description="All findings.")
    errors: int = Field(description="Findings of severity error.")
    warnings: int = Field(description="Findings of severity warning.")
    fixed: int = Field(description="Findings of severity fixed: repairs fill and normalize made.")
    rows_with_errors: int
    cells_changed: int = Field(description="Cells fill or normalize changed (see clean --changes).")
    values_masked: bool = Field(description="Examples are masked (false only with --show-values).")
    dns: DnsDoc | None = Field(description="null when email domains were not looked up.")
    quality: QualityDoc
    columns: list[ColumnDoc] = Field(description="In file order.")
    checks: list[CheckDoc] = Field(description="Most rows with findings first; checks without any last.")
    duplicates: DuplicatesDoc | None = Field(description="null when the command does not dedupe.")
    gate: GateDoc
    region: RegionDoc | None = Field(None, description="Region of rows without a country; null if unknown.")


def to_doc(report: Report) -> ReportDoc:
    dup, dns = report.duplicates, report.dns
    return ReportDoc(
        schema_=SCHEMA,
        generator=report.generator,
        source=SourceDoc(**vars(report.source)),
        rows=report.rows,
        rows_cleaned=report.rows_cleaned,
        rows_rejected=report.rows_rejected,
        **report.counts,
        cells_changed=report.cells_changed,
        values_masked=report.values_masked,
        dns=None
        if dns is None
        else DnsDoc(checked=True, domains=dns.domains, missing=dns.missing, unavailable=dns.unavailable),
        quality=QualityDoc(
            before=round(report.quality.before, 6),
            after=round(report.quality.after, 6),
            cells=report.quality.cells,
            definition=report.quality.definition,
        ),
        columns=[
            ColumnDoc(
                column=c.column,
                role=c.role,
                filled_before=c.filled_before,
                filled=c.filled,
                fill_rate_before=round(c.fill_rate_before, 6),
                fill_rate=round(c.fill_rate, 6),
                valid_rate=None if c.valid_rate is None else round(c.valid_rate, 6),
                errors=c.errors,
                warnings=c.warnings,
                fixed=c.fixed,
                fixed_rate=round(c.fixed_rate, 6),
                top_problems=[ProblemDoc(message=p.message, count=p.count) for p in c.top_problems],
            )
            for c in report.columns
        ],
        checks=[
            CheckDoc(
                rule=c.rule,
                column=c.column,
                severity=c.severity,
                status=report.gate.status_of(c.rule, c.column),
                count=c.count,
                rows=c.rows,
                rate=round(c.rate, 6),
                message=c.message,
                examples=c.examples,
                messages=[
                    MessageDoc(
                        severity=g.severity,
                        message=g.message,
                        count=g.count,
                        first_row=g.first_row,
                        examples=g.examples,
                    )
                    for g in c.groups
                ],
            )
            for c in report.checks
        ],
        duplicates=None if dup is None else duplicates_doc(dup),
        gate=GateDoc(
            verdict=report.gate.verdict,
            failures=len(report.gate.failures),
            warnings=len(report.gate.warnings),
            baseline=report.gate.baseline,
            items=[GateItemDoc(**vars(i)) for i in report.gate.items],
        ),
        region=None if report.region is None else RegionDoc(**report.region),
    )


def duplicates_doc(dup: DedupeSummary) -> DuplicatesDoc:
    """The `duplicates` object, in report.json and in `crmclean dedupe --format json`."""
    return DuplicatesDoc(
        records=dup.records,
        clusters=dup.clusters_with_duplicates,
        duplicate_records=dup.duplicate_records,
        share=round(dup.share, 6),
        pairs_compared=dup.pairs_compared,
        size_distribution=[SizeDoc(size=s, clusters=n) for s, n in sorted(dup.size_distribution.items())],
        largest=[ClusterDoc(**vars(c)) for c in dup.largest],
        evidence=dup.evidence,
        decisions=None if dup.decisions is None else DecisionsDoc(**dup.decisions),
    )


DEDUPE_SCHEMA = "crmclean.dedupe/1"


def render_dedupe_json(dup: DedupeSummary, source: str) -> str:
    """`crmclean dedupe --format json`: the report's `duplicates` object, plus what only dedupe
    measures (skipped blocks, largest block, link statuses, the decisions)."""
    doc: dict[str, Any] = {
        "schema": DEDUPE_SCHEMA,
        "generator": f"crmclean {__version__}",
        "source": source,
        "duplicates": duplicates_doc(dup).model_dump(mode="json"),
        "skipped_blocks": dup.skipped_blocks,
        "largest_block": dup.largest_block,
    }
    if dup.link is not None:
        doc["link"] = dup.link
    if dup.decisions is not None:
        doc["decisions"] = dup.decisions
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def render_json(report: Report) -> str:
    return report_json(to_doc(report))


def report_json(doc: ReportDoc) -> str:
    return json.dumps(doc.model_dump(mode="json", by_alias=True), ensure_ascii=False, indent=2) + "\n"


def json_schema() -> dict:
    schema = ReportDoc.model_json_schema(by_alias=True)
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
    }
    return schema


def schema_text() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")
