from __future__ import annotations

from crmclean.mask import mask_email, mask_phone, mask_value


def test_masks_keep_enough_to_recognise():
    assert mask_email("ivan.petrov@mail.ru") == "iv***@mail.ru"
    assert mask_phone("+7 912 345-67-89") == "+7 *** ***-67-89"
    assert mask_phone("(11) 98765-4321") == "(**) *****-4321"
    assert mask_value("Иван", "first_name") == "Ив***"
    assert mask_value("123.456.789-09", "tax_id") == "***.***.***-09"
    assert mask_value("Moscow", "city") == "Moscow"
    assert mask_value("someone@x.org", None) == "so***@x.org"
    assert mask_value(None, "email") is None
