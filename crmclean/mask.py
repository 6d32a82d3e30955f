"""Mask personal data for reports and logs: keep enough to recognise a value, not to use it.

``ivan.petrov@mail.ru`` -> ``iv***@mail.ru``; ``+7 912 345-67-89`` -> ``+7 *** ***-67-89``;
``Иван`` -> ``Ив***``. Masking is the default everywhere values are shown; ``--show-values`` turns it off.
"""

from __future__ import annotations

import re

_DIGIT = re.compile(r"\d")
PERSONAL_ROLES = frozenset(
    {
        "first_name",
        "middle_name",
        "last_name",
        "full_name",
        "email",
        "phone",
        "mobile",
        "street",
        "birth_date",
        "tax_id",
        "postal_code",
        "customer_id",
    }
)


def mask_email(value: str) -> str:
    local, at, domain = value.rpartition("@")
    if not at:
        return mask_text(value)
    return f"{local[:2]}***@{domain}"


def mask_phone(value: str) -> str:
    """Keep a leading ``+`` and country code, and the last four digits; stars for the rest."""
    digits = _DIGIT.findall(value)
    if len(digits) < 6:
        return _DIGIT.sub("*", value)
    keep_head = 0
    if value.lstrip().startswith("+"):
        head = re.match(r"\s*\+(\d{1,3})", value)
        keep_head = len(head.group(1)) if head else 0
    keep_tail = 4
    out, seen, total = [], 0, len(digits)
    for ch in value:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen <= keep_head or seen > total - keep_tail else "*")
        else:
            out.append(ch)
    return "".join(out)


def mask_text(value: str) -> str:
    if len(value) <= 2:
        return "*" * len(value)
    return f"{value[:2]}***"


def mask_digits(value: str) -> str:
    """For ids and dates: keep the shape, hide all but the last two digits."""
    digits = _DIGIT.findall(value)
    keep = len(digits) - 2
    out, seen = [], 0
    for ch in value:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > keep else "*")
        else:
            out.append(ch)
    return "".join(out)


def mask_value(value: str | None, role: str | None) -> str | None:
    """Mask ``value`` according to the role of its column (or its look, when the role is unknown)."""
    if value is None:
        return None
    if role == "email" or (role is None and "@" in value):
        return mask_email(value)
    if role in ("phone", "mobile"):
        return mask_phone(value)
    if role in ("tax_id", "birth_date", "customer_id", "postal_code"):
        return mask_digits(value)
    if role in PERSONAL_ROLES or role is None:
        return mask_text(value)
    return value
