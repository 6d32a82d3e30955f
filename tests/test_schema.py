"""Column roles from multilingual headers, confirmed or proposed from content."""

from __future__ import annotations

import polars as pl
import pytest

from crmclean.schema import ROLES, detect_roles, role_from_header, role_map, synonyms


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("Имя", "first_name"),
        ("Фамилия", "last_name"),
        ("Отчество", "middle_name"),
        ("Телефон", "phone"),
        ("Эл. почта", "email"),
        ("Прізвище", "last_name"),
        ("По батькові", "middle_name"),
        ("Nome", "first_name"),
        ("Sobrenome", "last_name"),
        ("CEP", "postal_code"),
        ("Họ", "last_name"),
        ("Tên", "first_name"),
        ("Số điện thoại", "phone"),
        ("given_name", "first_name"),
        ("surname", "last_name"),
        ("postcode", "postal_code"),
        ("suburb", "city"),
        ("E-Mail", "email"),
        ("ФИО", "full_name"),
        ("ИНН", "tax_id"),
        ("Mã số thuế", "tax_id"),
        ("Teléfono", "phone"),
        ("Geburtsdatum", "birth_date"),
        ("Straße", "street"),
        ("  Дата рождения ", "birth_date"),
    ],
)
def test_header_synonyms(header, role):
    assert role_from_header(header)[0] == role


def test_partial_header_prefers_longest_phrase():
    assert role_from_header("Customer Mobile Phone") == ("mobile", "header-partial")
    assert role_from_header("Billing Street")[0] == "street"
    assert role_from_header("Favourite colour") == (None, "none")


def test_synonym_file_only_names_known_roles():
    assert set(synonyms()) <= set(ROLES)
    assert set(synonyms()) == set(ROLES)  # every role can be found from some header


def test_content_proposes_and_confirms_roles():
    frame = pl.DataFrame(
        {
            "contato": ["ivan@mail.ru", "ana@uol.com.br", "bill@example.com"],
            "x1": ["+7 912 345-67-89", "89123456789", "(11) 98765-4321"],
            "Email": ["Ivan", "Petr", "Anna"],  # header says email, values say otherwise
            "code": ["1001", "1002", "1003"],
        }
    )
    guesses = {g.column: g for g in detect_roles(frame, frame.columns)}
    assert guesses["contato"].role == "email" and guesses["contato"].source == "content"
    assert guesses["x1"].role == "phone" and guesses["x1"].content == "phone"
    assert guesses["Email"].role == "email" and not guesses["Email"].agrees
    assert guesses["code"].role is None and guesses["code"].content == "number"


def test_overrides_win_and_can_ignore_a_column():
    frame = pl.DataFrame({"Phone": ["+7 912 345-67-89"], "Misc": ["a"]})
    roles = role_map(detect_roles(frame, frame.columns, {"Misc": "segment", "Phone": None}))
    assert roles == {"Misc": "segment"}
