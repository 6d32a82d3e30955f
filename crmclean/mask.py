"""Mask personal data for reports and logs: keep enough to recognise a value, not to use it.

``ivan.petrov@mail.ru`` -> ``iv***@mail.ru``; ``+7 912 345-67-89`` -> ``+7 *** ***-67-89``;
``Иван`` -> ``Ив***``. Masking is the default everywhere values are shown; ``--show-values`` turns it off.

Masking follows the value's shape, not only its column's role: a column's own mask applies only to
a value of the shape the role expects (an address in the email column, digits in a phone column).
Anything else — an email in the phone column, ``call me at ivan.petrov@mail.ru``, ``Иван Петров`` in
a phone column, ``Ленина 5 кв 12`` in a postal-code column — is masked piece by piece
(:func:`mask_any`): every email-like piece as an email, every run of digits as an id, every word by
its first letter. A value is shown in clear only when its shape says it is not personal: a known
country in the country column, a gender word, a date in created_at / updated_at. See
docs/masking.md.
"""

from __future__ import annotations

import re
from functools import lru_cache

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

# Pieces of free text, tried in this order at each position.
_EMAIL_PIECE = r"[^\s@＠<>()\[\],;:\"'`]+\s*[@＠]\s*[^\s@＠<>()\[\],;:\"'`]*"
_WORD_PIECE = r"[^\W\d_][^\W_]*"  # starts with a letter; letters, marks and digits after it
_DIGITS_PIECE = r"\+?\d(?:[\d\s().\-/]*\d)?"
_PIECES = re.compile(rf"(?P<email>{_EMAIL_PIECE})|(?P<word>{_WORD_PIECE})|(?P<digits>{_DIGITS_PIECE})")

_ONE_EMAIL = re.compile(r"^\s*[^\s@]*@[^\s@]*\s*$")
_NO_LETTERS = re.compile(r"^[\d\s+().\-/#*,;]*$")  # digits and the separators phones and ids use
_PLAIN_TEXT = re.compile(r"^[^\d@＠]*$")  # no digits, no @: a name, a word, a street name
_DATE = re.compile(
    r"^\s*(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\s*$"
)
_GENDER = frozenset(
    "m f male female man woman м ж муж жен мужской женский мужчина женщина ч чол чоловік жінка "
    "nam nữ nu masculino feminino masculina femenino femenina männlich weiblich herr frau "
    "mr mrs ms x other unknown".split()
)


def mask_email(value: str) -> str:
    local, at, domain = value.rpartition("@")
    if not at:
        return mask_text(value)
    return f"{local.strip()[:2]}***@{domain.strip()}"


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


def _mask_digit_run(run: str) -> str:
    digits = len(_DIGIT.findall(run))
    if digits < 4:
        return _DIGIT.sub("*", run)
    if run.startswith("+") and digits >= 6:
        return mask_phone(run)
    return mask_digits(run)


def _mask_piece(found: re.Match[str]) -> str:
    if found.group("email"):
        return mask_email(found.group("email"))
    if found.group("word"):
        return found.group("word")[0] + "***"
    return _mask_digit_run(found.group("digits"))


def mask_any(value: str) -> str:
    """Mask by shape alone: plain text as :func:`mask_text`; text with emails or digits piece by
    piece (emails as emails, digit runs as ids or phones, each word down to its first letter)."""
    if _PLAIN_TEXT.match(value):
        return mask_text(value)
    return _PIECES.sub(_mask_piece, value)


@lru_cache(maxsize=4096)
def _is_country(value: str) -> bool:
    if not _PLAIN_TEXT.match(value) or len(value) > 60:
        return False
    import polars as pl

    from crmclean.normalize.country import country_code

    return country_code(pl.Series([value], dtype=pl.String))[0] is not None


def _in_clear(value: str, role: str | None) -> bool:
    """Values whose shape says they are not personal, in a column whose role agrees."""
    if role == "country":
        return _is_country(value)
    if role == "gender":
        return value.strip().casefold().rstrip(".") in _GENDER
    if role in ("created_at", "updated_at"):
        return bool(_DATE.match(value))
    return False


def mask_value(value: str | None, role: str | None) -> str | None:
    """Mask ``value`` by the role of its column when it has the shape the role expects, else by its
    own shape (:func:`mask_any`). Only values that are recognisably not personal stay in clear."""
    if value is None:
        return None
    if _in_clear(value, role):
        return value
    if role == "email" and _ONE_EMAIL.match(value):
        return mask_email(value)
    if role in ("phone", "mobile") and _NO_LETTERS.match(value):
        return mask_phone(value)
    if role in ("tax_id", "birth_date", "customer_id", "postal_code") and _NO_LETTERS.match(value):
        return mask_digits(value)
    return mask_any(value)


def mask_finding_value(value: str | None, column: str, roles: dict[str, str]) -> str | None:
    """Mask a finding's value by the role of its column. A multi-column check labels its column
    ``a + b`` (or ``a / b``) and joins values with `` | ``: each part is masked by its own column's role;
    parts whose role is unknown are masked as text, never shown as they are."""
    if value is None or column in roles:
        return mask_value(value, roles.get(column))
    for sep in (" + ", " / "):
        names = column.split(sep)
        parts = value.split(" | ")
        if len(names) > 1 and len(names) == len(parts):
            return " | ".join(mask_value(v, roles.get(n)) or "" for v, n in zip(parts, names, strict=True))
    return mask_value(value, None)
