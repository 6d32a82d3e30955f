"""Column roles: what each column of an export means, detected from headers in many languages and
confirmed (or proposed) from the values themselves. Rules files may override the detected mapping.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl
import yaml

ROLES: tuple[str, ...] = (
    "customer_id",
    "first_name",
    "middle_name",
    "last_name",
    "full_name",
    "email",
    "phone",
    "mobile",
    "company",
    "job_title",
    "street",
    "city",
    "region",
    "postal_code",
    "country",
    "birth_date",
    "created_at",
    "updated_at",
    "tax_id",
    "segment",
    "gender",
    "website",
)

SYNONYMS_FILE = Path(__file__).parent / "data" / "header_synonyms.yaml"


@cache
def synonyms() -> dict[str, tuple[str, ...]]:
    """Header synonyms per role, from the bundled data file."""
    data = yaml.safe_load(SYNONYMS_FILE.read_text(encoding="utf-8"))
    unknown = set(data) - set(ROLES)
    if unknown:  # a packaging mistake, caught by the tests
        raise ValueError(f"{SYNONYMS_FILE}: unknown roles {sorted(unknown)}")
    return {role: tuple(names) for role, names in data.items()}


_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


def fold_header(name: str) -> str:
    """Fold a header for matching: case, diacritics, ё/й, punctuation and spacing do not matter."""
    text = name.casefold().replace("ё", "е").replace("й", "и").replace("đ", "d").replace("ß", "ss")
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return _PUNCT.sub(" ", text).strip()


@cache
def _index() -> tuple[dict[str, str], list[str]]:
    """Folded synonym -> role, and the phrases longest first ("mobile phone" before "phone")."""
    index: dict[str, str] = {}
    for role, names in synonyms().items():
        for name in names:
            index.setdefault(fold_header(name), role)
    return index, sorted(index, key=lambda p: (-len(p.split()), -len(p)))


@dataclass(frozen=True)
class RoleGuess:
    """Why a column got its role."""

    column: str
    role: str | None
    source: str  # "header", "header-partial", "content", "rules", or "none"
    content: str  # what the values look like: email, phone, date, number, text, empty
    agrees: bool = True  # False when the header says one thing and the values another


def role_from_header(name: str) -> tuple[str | None, str]:
    index, phrases = _index()
    folded = fold_header(name)
    if folded in index:
        return index[folded], "header"
    padded = f" {folded} "
    for phrase in phrases:
        if len(phrase) > 2 and f" {phrase} " in padded:
            return index[phrase], "header-partial"
    return None, "none"


# Content shapes, tested on a sample of distinct non-null values.
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
_PHONE = r"^\+?[0-9(][0-9 ()\-.]{5,20}[0-9]$"
_PHONE_HINT = r"^\+|[ ()\-]"
_DATE = (
    r"^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.](\d{2}|\d{4}))"
    r"([ T]\d{1,2}:\d{2}(:\d{2})?.*)?$"
)
_NUMBER = r"^[+-]?\d+([.,]\d+)?$"
SAMPLE = 1000
THRESHOLD = 0.8


def _share(values: pl.Series, pattern: str) -> float:
    """Share of ``values`` (nulls already dropped, so never empty of bools) matching ``pattern``."""
    mean = values.str.contains(pattern).mean()
    assert mean is None or isinstance(mean, float | int)
    return float(mean or 0)


def content_kinds(frame: pl.DataFrame, columns: list[str]) -> dict[str, str]:
    """What each column's values look like, judged on up to SAMPLE distinct values per column."""
    kinds: dict[str, str] = {}
    for column in columns:
        values = frame.get_column(column).drop_nulls().unique(maintain_order=True).head(SAMPLE)
        if values.len() == 0:
            kinds[column] = "empty"
            continue
        s = values.str.strip_chars()
        share = {
            "email": _share(s, _EMAIL),
            "date": _share(s, _DATE),
            # phone-shaped, and written like phones (a '+' or separators) often enough to not be ids
            "phone": _share(s, _PHONE) if _share(s, _PHONE_HINT) >= 0.2 else 0,
            "number": _share(s, _NUMBER),
        }
        kind = next((k for k, v in share.items() if v >= THRESHOLD), "text")
        kinds[column] = kind
    return kinds


# Roles whose header is weak evidence against values that are clearly emails or phones.
_TEXT_ROLES = {"full_name", "first_name", "last_name", "company", "job_title", "segment", "street"}

_EXPECTED_CONTENT = {
    "email": {"email"},
    "phone": {"phone", "number"},
    "mobile": {"phone", "number"},
    "birth_date": {"date", "number"},
    "created_at": {"date", "number"},
    "updated_at": {"date", "number"},
}


def detect_roles(
    frame: pl.DataFrame, columns: list[str], overrides: dict[str, str | None] | None = None
) -> list[RoleGuess]:
    """Detect the role of every column: header first, content to confirm or to propose.

    ``overrides`` maps a column to a role (or ``None`` to ignore it) and always wins. A role found
    from the header goes to the first column that claims it exactly; a later exact claim keeps the
    role too (an export may have two phone columns), partial matches do not steal a taken role.
    """
    overrides = overrides or {}
    kinds = content_kinds(frame, columns)
    guesses: list[RoleGuess] = []
    taken: set[str] = {r for r in overrides.values() if r}
    for column in columns:
        kind = kinds[column]
        if column in overrides:
            guesses.append(RoleGuess(column, overrides[column], "rules", kind))
            continue
        role, source = role_from_header(column)
        if role is not None and source == "header-partial" and role in taken:
            role, source = None, "none"
        if role in _TEXT_ROLES and kind in ("email", "phone") and kind not in taken:
            role, source = kind, "content"  # "Contato" full of emails is an email column
        if role is None and kind in ("email", "phone"):
            role, source = kind, "content"
            if role in taken:
                role, source = None, "none"
        agrees = role not in _EXPECTED_CONTENT or kind in _EXPECTED_CONTENT[role] or kind == "empty"
        if role:
            taken.add(role)
        guesses.append(RoleGuess(column, role, source, kind, agrees))
    return guesses


def role_map(guesses: list[RoleGuess]) -> dict[str, str]:
    """Column -> role for the columns that have one."""
    return {g.column: g.role for g in guesses if g.role}
