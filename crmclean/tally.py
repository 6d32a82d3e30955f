"""What the quality report needs from the whole file, as sums that merge batch by batch.

A batch of rows (as read, as filled and normalized, its final findings and its change log) becomes a
:class:`Tally`; ``a.merge(b)`` is the tally of both batches, so one frame and many batches give the
same totals. Everything in it is a count over disjoint rows (every row is in exactly one batch), a
minimum (first row of a finding group) or the first few distinct examples in row order (batches are
merged in file order). The report (crmclean.report.model) is built from a tally and never looks at
the data again.

Examples are kept as found (unmasked): the report masks them by the column's role when it is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from crmclean.io.read import ROW

EXAMPLES = 3
PROBLEMS = ("error", "warning")  # the severities that make a cell not ready; `fixed` is a repair
SEVERITY_RANK = {"fixed": 0, "warning": 1, "error": 2}
COUNTS = ("findings", "errors", "warnings", "fixed", "rows_with_errors")
COLUMN_SUMS = ("filled_before", "filled", "flagged", "untouched", "errors", "warnings", "fixed", "fixed_rows")

GroupKey = tuple[str, str, str, str]  # column, rule, severity, message


@dataclass
class Group:
    count: int
    first_row: int
    examples: list[str]  # the first EXAMPLES distinct values, in row order; unmasked


@dataclass
class CheckTally:
    count: int  # findings
    rows: int  # rows with at least one finding
    rank: int  # worst severity (SEVERITY_RANK)


@dataclass
class Tally:
    columns: list[str]  # in the file's order
    rows: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    groups: dict[GroupKey, Group] = field(default_factory=dict)
    checks: dict[tuple[str, str], CheckTally] = field(default_factory=dict)  # (rule, column)
    column_sums: dict[str, dict[str, int]] = field(default_factory=dict)
    cells_changed: int = 0  # distinct (row, column) cells fill or normalize changed
    changes_by: dict[tuple[str, str], int] = field(default_factory=dict)  # (column, step) -> changes

    @classmethod
    def of(
        cls,
        source: pl.DataFrame,
        prepared: pl.DataFrame,
        findings: pl.DataFrame,
        changes: pl.DataFrame,
        columns: list[str],
    ) -> Tally:
        """The tally of one batch: ``source`` as read, ``prepared`` filled and normalized, the batch's
        final findings (the file-wide ``unique`` findings on its rows included) and its change log."""
        severity = findings.get_column("severity")
        errors = findings.filter(severity == "error")
        counts = {
            "findings": findings.height,
            "errors": errors.height,
            "warnings": int((severity == "warning").sum()),
            "fixed": int((severity == "fixed").sum()),
            "rows_with_errors": errors.get_column(ROW).n_unique(),
        }
        return cls(
            columns=list(columns),
            rows=source.height,
            counts=counts,
            groups=_groups(findings),
            checks=_checks(findings),
            column_sums=_column_sums(source, prepared, columns, findings),
            cells_changed=changes.select(ROW, "column").unique().height,
            changes_by={
                (column, rule): n
                for column, rule, n in changes.group_by(["column", "rule"]).len().iter_rows()
            },
        )

    def merge(self, later: Tally) -> Tally:
        """This tally plus that of a batch of later rows (in place; returns self)."""
        self.rows += later.rows
        self.cells_changed += later.cells_changed
        for key, n in later.counts.items():
            self.counts[key] += n
        for step, n in later.changes_by.items():
            self.changes_by[step] = self.changes_by.get(step, 0) + n
        for gkey, g in later.groups.items():
            mine = self.groups.get(gkey)
            if mine is None:
                self.groups[gkey] = Group(g.count, g.first_row, list(g.examples))
                continue
            mine.count += g.count
            mine.first_row = min(mine.first_row, g.first_row)
            if len(mine.examples) < EXAMPLES:
                mine.examples = list(dict.fromkeys([*mine.examples, *g.examples]))[:EXAMPLES]
        for ckey, c in later.checks.items():
            have = self.checks.get(ckey)
            if have is None:
                self.checks[ckey] = CheckTally(c.count, c.rows, c.rank)
            else:
                have.count, have.rows, have.rank = (
                    have.count + c.count,
                    have.rows + c.rows,
                    max(have.rank, c.rank),
                )
        for column, sums in later.column_sums.items():
            mine_sums = self.column_sums.setdefault(column, dict.fromkeys(COLUMN_SUMS, 0))
            for key, n in sums.items():
                mine_sums[key] += n
        return self

    def sorted_groups(self) -> list[tuple[GroupKey, Group]]:
        """Most findings first, then column, rule, severity, message (the report's order)."""
        return sorted(
            self.groups.items(), key=lambda kv: (-kv[1].count, kv[0][0], kv[0][1], kv[0][3], kv[0][2])
        )

    def sorted_checks(self) -> list[tuple[tuple[str, str], CheckTally]]:
        """Most rows first (then findings, rule, column); repairs after errors and warnings."""
        return sorted(
            self.checks.items(),
            key=lambda kv: (kv[1].rank == 0, -kv[1].rows, -kv[1].count, kv[0][0], kv[0][1]),
        )


def _groups(findings: pl.DataFrame) -> dict[GroupKey, Group]:
    grouped = findings.group_by(["column", "rule", "severity", "message"]).agg(
        pl.len().alias("count"),
        pl.col(ROW).min().alias("first_row"),
        pl.col("value").drop_nulls().unique(maintain_order=True).head(EXAMPLES).alias("examples"),
    )
    return {
        (column, rule, severity, message): Group(count, first_row, list(examples))
        for column, rule, severity, message, count, first_row, examples in grouped.iter_rows()
    }


def _checks(findings: pl.DataFrame) -> dict[tuple[str, str], CheckTally]:
    stats = findings.group_by(["rule", "column"]).agg(
        pl.len().alias("count"),
        pl.col(ROW).n_unique().alias("rows"),
        pl.col("severity").replace_strict(SEVERITY_RANK, default=0).max().alias("rank"),
    )
    return {
        (rule, column): CheckTally(count, rows, rank) for rule, column, count, rows, rank in stats.iter_rows()
    }


def constituents(label: str, columns: set[str]) -> list[str]:
    """The columns a findings ``column`` label names: itself, or the parts of ``a / b`` and ``a + b``."""
    if label in columns:
        return [label]
    for sep in (" / ", " + "):
        parts = label.split(sep)
        if len(parts) > 1 and all(p in columns for p in parts):
            return parts
    return []


def _expand(frame: pl.DataFrame, columns: set[str]) -> pl.DataFrame:
    """(_row, column, ...) with multi-column labels split into one row per column they name."""
    labels = frame.get_column("column").unique().to_list()
    mapping = pl.DataFrame(
        [(label, part) for label in labels for part in constituents(label, columns)],
        schema={"column": pl.String, "part": pl.String},
        orient="row",
    )
    return frame.join(mapping, on="column", how="inner").drop("column").rename({"part": "column"})


def _filled(name: str) -> pl.Expr:
    return (pl.col(name).cast(pl.String).str.strip_chars().str.len_chars() > 0).fill_null(False)


def _column_sums(
    source: pl.DataFrame, prepared: pl.DataFrame, columns: list[str], findings: pl.DataFrame
) -> dict[str, dict[str, int]]:
    """Per column: cells filled before and after, filled cells flagged (error or warning on that
    column), filled cells neither flagged nor repaired, findings by severity, rows repaired."""
    found = _expand(findings.select(ROW, "column", "severity"), set(columns))
    severity = found.group_by(["column", "severity"]).agg(pl.len().alias("n"))
    sev = {(c, s): n for c, s, n in severity.iter_rows()}

    def rows_by_column(frame: pl.DataFrame) -> dict[str, pl.Series]:
        parts = frame.select(ROW, "column").partition_by("column", as_dict=True)
        return {str(key[0]): f.get_column(ROW).unique() for key, f in parts.items()}

    flag_rows = rows_by_column(found.filter(pl.col("severity").is_in(PROBLEMS)))
    fixed_rows = rows_by_column(found.filter(pl.col("severity") == "fixed"))
    empty = pl.Series(ROW, [], dtype=pl.Int64)
    exprs = []
    for i, c in enumerate(columns):
        filled = _filled(c)
        bad = pl.col(ROW).is_in(flag_rows.get(c, empty).implode())
        repaired = pl.col(ROW).is_in(fixed_rows.get(c, empty).implode())
        exprs += [
            filled.sum().alias(f"filled{i}"),
            (filled & bad).sum().alias(f"flagged{i}"),
            (filled & ~bad & ~repaired).sum().alias(f"untouched{i}"),
        ]
    after = prepared.select(exprs).row(0, named=True) if exprs else {}
    before = source.select([_filled(c).sum().alias(c) for c in columns]).row(0, named=True) if columns else {}
    return {
        c: {
            "filled_before": int(before[c]),
            "filled": int(after[f"filled{i}"]),
            "flagged": int(after[f"flagged{i}"]),
            "untouched": int(after[f"untouched{i}"]),
            "errors": sev.get((c, "error"), 0),
            "warnings": sev.get((c, "warning"), 0),
            "fixed": sev.get((c, "fixed"), 0),
            "fixed_rows": len(fixed_rows.get(c, empty)),
        }
        for i, c in enumerate(columns)
    }
