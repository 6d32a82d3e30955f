from __future__ import annotations

from crmclean.io.read import read_table
from crmclean.profile import profile_table


def test_profile_of_russian_export(good):
    result = profile_table(read_table(good / "ru_cp1251_semicolon.csv"))
    cols = {c.column: c for c in result.columns}
    assert result.rows == 3 and result.encoding == "cp1251"
    phone = cols["Телефон"]
    assert phone.role == "phone" and phone.content == "phone" and phone.role_agrees
    assert ("+9 999 999-99-99", 1) in phone.shapes
    assert cols["Отчество"].fill_rate == round(2 / 3, 4)
    assert cols["Эл. почта"].filled == 2 and cols["Эл. почта"].distinct == 2
    assert cols["Имя"].shapes[0] == ("Aaaa", 2)  # Иван, Пётр; Алёна is Aaaaa
    assert (cols["Город"].min_length, cols["Город"].max_length) == (6, 15)


def test_examples_are_masked_unless_asked(good):
    masked = profile_table(read_table(good / "ru_cp1251_semicolon.csv"))
    emails = next(c for c in masked.columns if c.role == "email").examples
    assert emails and all("***@" in e for e in emails)
    shown = profile_table(read_table(good / "ru_cp1251_semicolon.csv"), show_values=True)
    emails = next(c for c in shown.columns if c.role == "email").examples
    assert "ivan.petrov@mail.ru" in emails


def test_profile_dict_is_versioned(good):
    data = profile_table(read_table(good / "us_pipe.csv")).to_dict()
    assert data["version"] == 1
    assert [c["role"] for c in data["columns"]] == [
        "first_name",
        "last_name",
        "postal_code",
        "city",
        "email",
    ]
