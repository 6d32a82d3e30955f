"""Generate docs/rules.md from the rules models: ``python -m crmclean.rules.docs > docs/rules.md``.

tests/rules/test_docs.py fails when the committed reference differs from what this prints, so the
documentation cannot drift from the code.
"""

from __future__ import annotations

import json
import typing
from datetime import date

from pydantic import BaseModel

from crmclean.rules import model as m
from crmclean.rules.load import bundled
from crmclean.schema import ROLES

INTRO = """# Rules reference

A rules file is YAML, loaded safely (no tags, no code). Generated from `crmclean/rules/model.py` by
`python -m crmclean.rules.docs`; do not edit by hand. Start from `crmclean init export.csv` or copy
one of the bundled sets: [`rules/default.yaml`](../rules/default.yaml) (used when no `--rules` is
given) and [`rules/b2b.yaml`](../rules/b2b.yaml).

Targets name a column exactly as in the header (`column: Телефон`) or a role (`role: phone`; the rule
applies to every column detected with that role, and is skipped when there is none). Roles:
{roles}.

Order of work: `columns` (roles) -> `fill` -> `normalize` -> `validate`; checks see the filled,
normalized values. A finding of severity `error` sends the row to the rejects file in `clean` and
makes `validate` exit 1; `warning` is reported only.
"""


DEDUPE_NOTES = """Blocking keys group records by match keys: `email`, `phone` (phone and mobile columns),
`tax_id`, `name_birth`, `first_birth`, `last_birth`, `name_city`, `name_postal`, `birth_postal`,
`address` (street, house numbers, city); `sorted_name` compares each record with its neighbours in
folded-name order. Evidence per field (log2-odds points; a weight multiplies both signs) is listed
in `crmclean/dedupe/compare.py` (`EVIDENCE`); `crmclean explain FILE ID1 ID2` shows it for a pair."""


_NAMES: dict[object, str] = {
    str: "text",
    bool: "true/false",
    int: "integer",
    float: "number",
    dict: "mapping",
    m.Settings: "mapping (see settings)",
    m.Condition: "condition (see when)",
    m.FillRule: "fill rules",
    m.NormalizeRule: "normalize rules",
    m.DedupeRules: "mapping (see dedupe)",
    m.Survivorship: "survivorship rules",
}


def _type(annotation: object) -> str:
    """A readable type: `text`, `list of text`, `auto | dmy | mdy`, `role`..."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return "checks (see below)"
    if origin is typing.Literal:
        if set(args) == set(ROLES):
            return "role"
        return " \\| ".join(f"`{a}`" for a in args)
    if origin is list:
        inner = _type(args[0])
        return inner if inner.endswith(("rules", "(see below)")) else f"list of {inner}"
    if origin is dict:
        if typing.get_origin(args[0]) is typing.Literal and args[1] is float:
            return "mapping of " + " \\| ".join(f"`{a}`" for a in typing.get_args(args[0])) + " to number"
        return "mapping of column to role (or null)" if len(args) == 2 and args[1] is not str else "mapping"
    if args:  # a union: drop None
        kept = [a for a in args if a is not type(None)]
        return " or ".join(_type(a) for a in kept)
    if annotation is date:
        return "date (YYYY-MM-DD)"
    return _NAMES.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _fields(model: type[BaseModel], skip: tuple[str, ...] = ()) -> list[str]:
    rows = ["| key | type | default | meaning |", "|---|---|---|---|"]
    for name, field in model.model_fields.items():
        key = field.alias or name.rstrip("_")
        if key in skip:
            continue
        if field.is_required():
            default = "required"
        elif field.default_factory is not None:
            default = "empty"
        else:
            default = "" if field.default is None else f"`{field.default}`"
        description = (field.description or "").replace("|", "\\|")
        rows.append(f"| `{key}` | {_type(field.annotation)} | {default} | {description} |")
    return rows


def _section(title: str, model: type[BaseModel], skip: tuple[str, ...] = ()) -> list[str]:
    return ["", title, "", (model.__doc__ or "").strip(), "", *_fields(model, skip)]


def render() -> str:
    from crmclean.schema import ROLES

    out = [INTRO.format(roles=", ".join(f"`{r}`" for r in ROLES)), "## Top level", "", *_fields(m.Rules)]
    out += _section("## settings", m.Settings)
    out += _section("## when: conditions", m.Condition)
    out += _section("## fill", m.FillRule)
    out += _section("## normalize", m.NormalizeRule)
    out += _section("## validate", m.CheckBase)
    for tag, model in sorted(m.CHECK_MODELS.items()):
        common = ("check", "name", "severity") + (() if tag == "required_if" else ("when",))
        out += _section(f"### `check: {tag}`", model, skip=common)
    out += _section("## dedupe", m.DedupeRules)
    out += _section("### survivorship", m.Survivorship)
    out += ["", DEDUPE_NOTES]
    out += ["", "## Example", "", "```yaml", _example().rstrip(), "```", ""]
    return "\n".join(out)


def _example() -> str:
    return bundled("b2b").read_text(encoding="utf-8")


SCHEMA_ID = "crmclean.rules/1"


def rules_schema() -> dict:
    """The JSON Schema of a rules file, from the pydantic models (as YAML is read: by alias)."""
    schema = m.Rules.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def rules_schema_text() -> str:
    return json.dumps(rules_schema(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    print(render(), end="")
