"""`init`: a starting rules file written from what the profile learned about an export."""

from __future__ import annotations

import yaml

from crmclean.io.read import Table
from crmclean.normalize.dates import guess_date_order
from crmclean.profile import profile_table

DATE_ROLES = ("birth_date", "created_at", "updated_at")


def _quote(text: str) -> str:
    return yaml.safe_dump(text, allow_unicode=True, default_style=None).strip().removesuffix("...").strip()


def _default_region(table: Table, roles: dict[str, str]) -> str:
    """The ``default_region`` line: the region inferred from the file (crmclean.region), or a
    commented-out line saying why none was inferred. Never a fixed guess."""
    from crmclean.region import infer_region

    info, _ = infer_region(table.frame, roles)
    if info.region:
        signals = ", ".join(s for s, counts in info.evidence.items() if counts.get(info.region))
        why = f"inferred: {info.share:.0%} of {info.votes} rows with evidence ({signals})"
        return f"  default_region: {info.region}   # phones written without +country; {why}"
    if info.candidates:
        shares = ", ".join(f"{c} {s:.0%}" for c, s in info.candidates[:4])
        return f"  # default_region: {info.candidates[0][0]}   # not inferred: evidence is mixed ({shares})"
    return "  # default_region: XX   # not inferred: no evidence of a country in the file"


def starter_rules(table: Table) -> str:
    profile = profile_table(table)
    roles = {c.column: c.role for c in profile.columns if c.role}
    lines = [
        f"# Rules for {table.name}, written by `crmclean init`. Edit freely; see docs/rules.md.",
        "version: 1",
        "extends: default        # the bundled default checks for every role below, plus the rules here",
        "",
        "settings:",
    ]
    lines.append(_default_region(table, roles))
    order = "auto"
    for column, role in roles.items():
        if role in DATE_ROLES:
            guess = guess_date_order(table.frame.get_column(column))
            if guess in ("dmy", "mdy"):  # ISO dates are never ambiguous; mixed stays auto
                order = guess
                break
    lines += [f"  date_order: {order}", "", "columns:   # detected roles; change a role, or null to ignore"]
    for col in profile.columns:
        note = (
            f"  # {col.role_source}, values look like {col.content}"
            if col.role
            else f"  # values look like {col.content}"
        )
        lines.append(f"  {_quote(col.column)}: {col.role or 'null'}{note}")
    lines += ["", "validate:"]
    suggestions = []
    for col in profile.columns:
        if col.fill_rate >= 0.98 and col.role not in (None, "middle_name"):
            suggestions.append(
                f"  - {{check: required, column: {_quote(col.column)}}}   # {col.fill_rate:.0%} filled"
            )
        if (
            1 < col.distinct <= 10
            and col.fill_rate >= 0.5
            and col.role in (None, "segment", "gender", "country")
        ):
            values = table.frame.get_column(col.column).drop_nulls().unique().sort().to_list()
            flow = ", ".join(_quote(v) for v in values)
            suggestions.append(f"  - {{check: allowed, column: {_quote(col.column)}, values: [{flow}]}}")
    lines += suggestions or ["  []"]
    return "\n".join(lines) + "\n"
