"""`crmclean explain` as a Rich table: the two records field by field, with the evidence."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table as RichTable

from crmclean.dedupe.compare import FIELDS
from crmclean.dedupe.explain import Explanation
from crmclean.mask import mask_value
from crmclean.rules.model import DedupeRules

_FIELD_ROLE = {
    "email": "email",
    "phone": "phone",
    "first_name": "first_name",
    "middle_name": "middle_name",
    "last_name": "last_name",
    "birth_date": "birth_date",
    "tax_id": "tax_id",
    "company": "company",
    "street": "street",
    "city": "city",
    "postal_code": "postal_code",
    "country": "country",
}


def print_explanation(
    result: Explanation, settings: DedupeRules, row_a: int, row_b: int, show_values: bool, console: Console
) -> None:
    """The field-by-field table of one pair, the total and the decision."""
    table = RichTable(title=f"rows {row_a} and {row_b}", title_justify="left", expand=False, show_lines=False)
    table.add_column("field", style="bold")
    table.add_column(f"row {row_a}", overflow="fold")
    table.add_column(f"row {row_b}", overflow="fold")
    table.add_column("similarity", justify="right")
    table.add_column("evidence", justify="right")
    for field in FIELDS:
        a, b = result.keys_a.get(field), result.keys_b.get(field)
        if a is None and b is None:
            continue
        if not show_values:
            a, b = mask_value(a, _FIELD_ROLE[field]), mask_value(b, _FIELD_ROLE[field])
        sim = result.similarity.get(field)
        points = result.points.get(field, 0.0)
        style = "green" if points > 0 else "red" if points < 0 else "dim"
        table.add_row(
            field,
            a or "-",
            b or "-",
            "-" if sim is None else f"{sim:.2f}",
            f"[{style}]{points:+.1f}[/]",
        )
    console.print(table)
    verdict = {"match": "[green]same customer[/]", "review": "[yellow]review[/]", "no_match": "different"}
    decided = result.decided_by
    if result.decided_by == "decision" and result.label:
        decided = f"decision ({result.label}, decided {result.decided_at})"
    fitted = " fitted to the decisions" if result.match != settings.match else ""
    console.print(
        f"total {result.total:+.1f} points -> score {result.score:.3f} "
        f"(match >= {result.match:g}{fitted}, review >= {result.review:g}): {verdict[result.decision]}"
        f" · decided by {decided} · evidence {result.evidence}"
    )
    console.print(
        f"candidate pair: {_candidate(result.via)}"
        f" · clusters {result.cluster_a} (size {result.size_a}) and {result.cluster_b} (size {result.size_b})"
        + (" · names compared crosswise (first/last swapped)" if result.swapped else ""),
        markup=False,
    )


def _candidate(via: str | None) -> str:
    if via == "decision":
        return "no, compared because a person decided it"
    return "yes, blocked on " + via if via else "no (no shared blocking key)"
