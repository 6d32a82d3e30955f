"""Rules files: valid ones load; broken ones fail with file, line, key and a suggestion."""

from __future__ import annotations

import textwrap

import pytest

from crmclean.errors import ExitCode, RulesError
from crmclean.rules.load import bundled, load_rules


def write(tmp_path, text: str, name: str = "rules.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def error(path) -> RulesError:
    with pytest.raises(RulesError) as info:
        load_rules(path)
    assert info.value.exit_code == ExitCode.INPUT_ERROR
    assert info.value.file == str(path)
    return info.value


def test_bundled_rule_sets_load():
    assert load_rules(None).rules.validate_
    b2b = load_rules(bundled("b2b"))
    names = [c.name for c in b2b.rules.validate_]
    assert "b2b_tax_id" in names and "contactable" in names  # extends: default merged


def test_typo_in_check_key_suggests_the_right_one(tmp_path):
    path = write(
        tmp_path,
        """
        validate:
          - check: required_if
            column: company
            wehn: {column: segment, equals: B2B}
        """,
    )
    err = error(path)
    assert err.line == 4
    assert "unknown key `wehn`" in err.message
    assert err.hint == "did you mean `when`?"


def test_typo_in_check_name(tmp_path):
    err = error(write(tmp_path, "validate:\n  - {role: company, check: requred_if}\n"))
    assert err.line == 2 and "unknown check `requred_if`" in err.message
    assert err.hint == "did you mean `required_if`?"


def test_typo_in_section_name(tmp_path):
    err = error(write(tmp_path, "settings: {}\nvalidtae: []\n"))
    assert err.line == 2 and err.hint == "did you mean `validate`?"


def test_wrong_value_and_wrong_type(tmp_path):
    err = error(write(tmp_path, "settings:\n  date_order: dym\n"))
    assert err.line == 2 and "'dym' is not allowed" in err.message and "dmy" in err.hint
    err = error(write(tmp_path, "validate:\n  - {check: length, role: company, max: many}\n", "b.yaml"))
    assert err.line == 2 and "max" in err.message


def test_invalid_yaml_is_located(tmp_path):
    err = error(write(tmp_path, "validate:\n  - {check: email, role: email\n  - x\n"))
    assert err.line is not None and "invalid YAML" in err.message


def test_not_a_mapping(tmp_path):
    err = error(write(tmp_path, "- check: email\n"))
    assert "is a mapping" in err.message


def test_billion_laughs_is_refused(tmp_path):
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 10)}]")
    err = error(write(tmp_path, "\n".join(lines) + "\n"))
    assert "alias bomb" in err.message


def test_python_tags_are_not_executed(tmp_path):
    err = error(write(tmp_path, "settings: !!python/object/apply:os.system ['echo hi']\n"))
    assert "invalid YAML" in err.message


def test_backtracking_regex_is_rejected_with_line(tmp_path):
    err = error(write(tmp_path, "validate:\n  - check: regex\n    role: email\n    pattern: '(a+)+\\1$'\n"))
    assert err.line == 4 and "regular expression not supported" in err.message


def test_nested_quantifier_regex_runs_in_linear_time(tmp_path):
    path = write(tmp_path, "validate:\n  - {check: regex, role: email, pattern: '(a+)+b'}\n")
    assert load_rules(path).rules.validate_[0].pattern == "(a+)+b"  # safe: Rust's engine is linear


def test_map_file_must_stay_beside_the_rules(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "secret.csv").write_text("from,to\na,b\n")
    err = error(write(tmp_path / "sub", "fill:\n  - {column: city, map_file: ../secret.csv}\n"))
    assert err.line == 2 and "outside the rules file's folder" in err.message
    err = error(write(tmp_path / "sub", "fill:\n  - {column: city, map_file: /etc/passwd}\n", "abs.yaml"))
    assert "outside" in err.message


def test_fill_needs_exactly_one_action(tmp_path):
    err = error(write(tmp_path, "fill:\n  - {column: city, default: X, coalesce: [town]}\n"))
    assert "exactly one of" in err.message


def test_missing_rules_file(tmp_path):
    with pytest.raises(RulesError, match="no such rules file"):
        load_rules(tmp_path / "nope.yaml")
