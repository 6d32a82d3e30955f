"""The JSON report: versioned, documented by docs/report-schema.json, and real output matches it."""

from __future__ import annotations

import json

from paths import DOCS

from crmclean.report.json import ReportDoc, render_json, schema_text
from crmclean.report.model import build_report

SCHEMA_FILE = DOCS / "report-schema.json"


def test_schema_file_is_up_to_date():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "docs/report-schema.json is stale: run `python -m crmclean.report.json > docs/report-schema.json`"
    )


def validate(instance, schema: dict, root: dict, path: str = "$") -> list[str]:
    """A small JSON Schema checker for the keywords the schema uses (no extra dependency): $ref,
    anyOf, type, const, enum, properties, required, additionalProperties, items."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return validate(instance, root["$defs"][name], root, path)
    if "anyOf" in schema:
        options = [validate(instance, s, root, path) for s in schema["anyOf"]]
        return [] if any(not o for o in options) else [f"{path}: matches no anyOf option: {options}"]
    errors = []
    kind = schema.get("type")
    types = {
        "object": dict,
        "array": list,
        "string": str,
        "integer": int,
        "number": (int, float),
        "boolean": bool,
        "null": type(None),
    }
    if kind is not None:
        ok = isinstance(instance, types[kind])
        if kind in ("integer", "number") and isinstance(instance, bool):
            ok = False
        if not ok:
            return [f"{path}: expected {kind}, found {type(instance).__name__}"]
    if "const" in schema and instance != schema["const"]:
        errors.append(f"{path}: expected {schema['const']!r}")
    if "enum" in schema and instance not in schema["enum"]:
        errors.append(f"{path}: {instance!r} not in {schema['enum']}")
    if kind == "object":
        props = schema.get("properties", {})
        errors += [f"{path}: missing {k}" for k in schema.get("required", []) if k not in instance]
        if schema.get("additionalProperties") is False:
            errors += [f"{path}: unexpected {k}" for k in instance if k not in props]
        for key, value in instance.items():
            if key in props:
                errors += validate(value, props[key], root, f"{path}.{key}")
    if kind == "array" and "items" in schema:
        for i, item in enumerate(instance):
            errors += validate(item, schema["items"], root, f"{path}[{i}]")
    return errors


def test_output_matches_the_schema(cleaned, loaded, duplicates):
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    for report in (
        build_report(cleaned, rules=loaded.rules, duplicates=duplicates),
        build_report(cleaned.validated),
    ):
        data = json.loads(render_json(report))
        assert validate(data, schema, schema) == []
        assert ReportDoc.model_validate(data).schema_ == "crmclean.report/1"


def test_the_checker_catches_drift(validated):
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    data = json.loads(render_json(build_report(validated)))
    data["rows"] = "24"
    data["checks"][0]["surprise"] = 1
    del data["gate"]["verdict"]
    errors = validate(data, schema, schema)
    assert "$.rows: expected integer, found str" in errors
    assert "$.checks[0]: unexpected surprise" in errors
    assert "$.gate: missing verdict" in errors


def test_json_content(cleaned, loaded, duplicates):
    data = json.loads(render_json(build_report(cleaned, rules=loaded.rules, duplicates=duplicates)))
    assert data["schema"] == "crmclean.report/1"
    assert (data["rows"], data["rows_cleaned"], data["rows_rejected"]) == (24, 18, 6)
    assert data["errors"] == 8 and data["rows_with_errors"] == 6 and data["values_masked"] is True
    email = next(c for c in data["checks"] if c["rule"] == "email")
    assert email["status"] == "fail" and email["rows"] == 2 and email["examples"] == ["jo***@gmail"]
    assert [m["first_row"] for m in email["messages"]] == [17, 9]
    assert data["duplicates"]["size_distribution"] == [
        {"size": 1, "clusters": 17},
        {"size": 3, "clusters": 1},
        {"size": 4, "clusters": 1},
    ]
    assert data["duplicates"]["share"] == round(5 / 24, 6)
    # build_report's default gate is validate's: errors fail (`clean --rejects` passes a quarantine gate)
    assert data["gate"]["verdict"] == "fail" and data["gate"]["failures"] == 5
    assert {"kind", "status", "message", "rule", "column", "rows", "rate", "limit"} == set(
        data["gate"]["items"][0]
    )
