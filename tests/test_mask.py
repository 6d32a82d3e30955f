from __future__ import annotations

import pytest

from crmclean.mask import mask_any, mask_email, mask_phone, mask_value


def test_masks_keep_enough_to_recognise():
    assert mask_email("ivan.petrov@mail.ru") == "iv***@mail.ru"
    assert mask_phone("+7 912 345-67-89") == "+7 *** ***-67-89"
    assert mask_phone("(11) 98765-4321") == "(**) *****-4321"
    assert mask_value("Иван", "first_name") == "Ив***"
    assert mask_value("123.456.789-09", "tax_id") == "***.***.***-09"
    assert mask_value("1985-03-15", "birth_date") == "****-**-15"
    assert mask_value("someone@x.org", None) == "so***@x.org"
    assert mask_value("tanya@", "email") == "ta***@"
    assert mask_value(None, "email") is None


@pytest.mark.parametrize(
    ("value", "role", "masked"),
    [
        ("john@example.com", "phone", "jo***@example.com"),  # the Phone column holding emails
        ("call me at ivan.petrov@mail.ru", "phone", "c*** m*** a*** iv***@mail.ru"),
        ("Иван Петров", "phone", "Ив***"),
        ("Ленина 5 кв 12", "postal_code", "Л*** * к*** **"),  # the street goes too
        ("maria.silva @gmail.com", "email", "ma***@gmail.com"),  # repaired later; masked as an email
        ("+7 912 345-67-89 доб. 123", "phone", "+7 *** ***-67-89 д***. ***"),
        ("ИНН 7707083893", "tax_id", "И*** ********93"),
        ("Иван Петров", "country", "Ив***"),
        ("ivan@mail.ru", "created_at", "iv***@mail.ru"),
        ("Moscow", "city", "Mo***"),  # a city may be a name in the wrong column: masked as text
    ],
)
def test_masks_follow_the_value_not_the_column(value, role, masked):
    assert mask_value(value, role) == masked


@pytest.mark.parametrize(
    ("value", "role"),
    [
        ("Russia", "country"),
        ("RU", "country"),
        ("Việt Nam", "country"),
        ("female", "gender"),
        ("М", "gender"),
        ("2024-01-31", "created_at"),
        ("31.01.2024 10:15", "updated_at"),
    ],
)
def test_values_that_are_not_personal_stay_in_clear(value, role):
    assert mask_value(value, role) == value


def test_mask_any_leaves_no_word_or_number_whole():
    masked = mask_any("Nguyễn Văn An, 12 Lê Lợi, 0912 345 678, an.nguyen@vnn.vn")
    assert masked == "N*** V*** A***, ** L*** L***, **** *** *78, an***@vnn.vn"
