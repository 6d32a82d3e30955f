"""docs/rules.md is generated from the models; it must match, and name every key and check."""

from __future__ import annotations

from paths import DOCS

from crmclean.rules import model
from crmclean.rules.docs import render

RULES_DOC = DOCS / "rules.md"


def test_rules_reference_is_up_to_date():
    assert RULES_DOC.read_text(encoding="utf-8") == render(), (
        "docs/rules.md is stale: run `python -m crmclean.rules.docs > docs/rules.md`"
    )


def test_every_check_and_key_is_documented():
    text = RULES_DOC.read_text(encoding="utf-8")
    for tag, check in model.CHECK_MODELS.items():
        assert f"### `check: {tag}`" in text
        for name, field in check.model_fields.items():
            if name == "check":  # the heading names it
                continue
            assert f"`{field.alias or name.rstrip('_')}`" in text
            assert field.description, f"{tag}.{name} has no description"
    for section in (model.Rules, model.Settings, model.FillRule, model.NormalizeRule, model.Condition):
        for name, field in section.model_fields.items():
            assert field.description, f"{section.__name__}.{name} has no description"
