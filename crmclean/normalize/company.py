"""Company names: legal forms (ООО, ТОВ, Ltda, Công ty TNHH, LLC, GmbH, ...) and company match keys.

The legal forms live in ``crmclean/data/legal_forms.csv`` (``canonical,variant,country,position``;
position is ``prefix``, ``suffix`` or ``any``). A variant matches case-insensitively at the start
(prefix forms) or the end (suffix forms) of a name, with or without its dots and commas
(``Acme, Inc.``, ``ООО "Ромашка"``, ``ромашка ооо``, ``Công ty TNHH ABC``,
``Padaria Pão Quente Ltda.``, ``Padaria X - ME``). ``Smith & Co`` keeps its ``Co``.

- :func:`split_legal_form`: the name without its legal form and quotes, and the canonical form.
- :func:`normalize_company`: the legal form in its canonical spelling and original position,
  ``ООО «Ромашка»`` quotes for Cyrillic prefix forms (not for a person's ``ИП Иванов И.И.``),
  whitespace collapsed; idempotent.
- :func:`company_key`: folded, transliterated name without legal form, for matching
  (``ООО «Ромашка»`` and ``Romashka LLC`` both give ``romashka``).

Per-value work runs once per unique value.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import polars as pl

from crmclean.normalize.text import (
    collapse_whitespace_expr,
    fixed_point,
    map_unique,
    map_unique_series,
    transliterate,
)

__all__ = [
    "LegalForm",
    "company_key",
    "legal_forms",
    "normalize_company",
    "split_legal_form",
]

_POSITIONS = frozenset({"prefix", "suffix", "any"})
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_QUOTES = frozenset("\"'«»„“”‘’‚‹›")
_ALWAYS_OPEN = frozenset("«„‚‹")
_ALWAYS_CLOSE = frozenset("»›")
_KEY_DROP = re.compile(r"[\s.,/&()\-]+")
# A suffix form is not a legal form when the name before it ends like "Smith &" or "Smith and".
_CONJUNCTION = re.compile(r"(?:^|\s)(?:&|\+|and|und|et|и|та|và)$", re.IGNORECASE)
_JUNCTION = " ,;:-–—"
_STRUCT = pl.Struct({"company_name": pl.String, "legal_form": pl.String})
# Forms of natural persons: the name after them is a person, written without quotes.
_PERSON_FORMS = frozenset({"ИП", "ФОП"})


@dataclass(frozen=True)
class LegalForm:
    """One spelling (``variant``) of a legal form and its ``canonical`` spelling."""

    canonical: str
    variant: str
    country: str
    position: str  # prefix | suffix | any

    @property
    def cyrillic(self) -> bool:
        return bool(_CYRILLIC.search(self.canonical))


@lru_cache(maxsize=1)
def legal_forms() -> tuple[LegalForm, ...]:
    """All rows of ``crmclean/data/legal_forms.csv``, in file order (cached)."""
    path = resources.files("crmclean").joinpath("data", "legal_forms.csv")
    with io.TextIOWrapper(path.open("rb"), encoding="utf-8", newline="") as handle:
        rows = [
            LegalForm(
                canonical=r["canonical"].strip(),
                variant=r["variant"].strip(),
                country=r["country"].strip(),
                position=r["position"].strip(),
            )
            for r in csv.DictReader(handle)
        ]
    for row in rows:
        if row.position not in _POSITIONS or not row.canonical or not row.variant:
            raise ValueError(f"legal_forms.csv: bad row {row}")
    return tuple(rows)


def _form_key(text: str) -> str:
    """Spelling-insensitive key of a legal form: casefold, no spaces, dots, commas, slashes."""
    return _KEY_DROP.sub("", text.casefold())


def _variant_pattern(variant: str) -> str:
    """Regex for one variant: dots, commas and slashes optional, flexible spaces."""
    out: list[str] = []
    for i, ch in enumerate(variant):
        last = i == len(variant) - 1
        if ch == ".":
            out.append(r"\." + ("?" if last else r"?\s*"))
        elif ch in ",/":
            out.append(re.escape(ch) + r"?\s*")
        elif ch == "-":
            out.append(r"\s*-?\s*")
        elif ch.isspace():
            out.append(r"\s*" if variant[i - 1] in ".,/" else r"\s+")
        else:
            out.append(re.escape(ch))
    return "".join(out)


@dataclass(frozen=True)
class _Matcher:
    prefix: re.Pattern[str]
    suffix: re.Pattern[str]
    canonical: dict[str, LegalForm]  # form key -> the row whose canonical it maps to


@lru_cache(maxsize=1)
def _matcher() -> _Matcher:
    canonical: dict[str, LegalForm] = {}
    prefix: set[str] = set()
    suffix: set[str] = set()
    for row in legal_forms():
        for text in (row.variant, row.canonical):
            key = _form_key(text)
            known = canonical.get(key)
            if known is not None and known.canonical != row.canonical:
                raise ValueError(f"legal_forms.csv: {text!r} is both {known.canonical} and {row}")
            canonical.setdefault(key, row)
            if row.position in ("prefix", "any"):
                prefix.add(text)
            if row.position in ("suffix", "any"):
                suffix.add(text)

    def alternation(variants: set[str]) -> str:
        ordered = sorted(variants, key=lambda v: (-len(v), v))
        return "|".join(_variant_pattern(v) for v in ordered)

    return _Matcher(
        prefix=re.compile(rf"^(?:{alternation(prefix)})(?!\w)", re.IGNORECASE),
        suffix=re.compile(rf"(?<!\w)(?:{alternation(suffix)})[\s.,;]*$", re.IGNORECASE),
        canonical=canonical,
    )


# --------------------------------------------------------------------------- quotes


def _quote_role(text: str, i: int) -> int:
    """+1 opening quote, -1 closing quote, 0 not a quote (an apostrophe inside a word)."""
    ch = text[i]
    if ch not in _QUOTES:
        return 0
    if ch in _ALWAYS_OPEN:
        return 1
    if ch in _ALWAYS_CLOSE:
        return -1
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before.isalnum() and after.isalnum():
        return 0  # O'Reilly, Мар'яна
    return -1 if before.isalnum() or before in ".!?" or before in _QUOTES else 1


def _balanced(text: str) -> bool:
    depth = 0
    for i in range(len(text)):
        depth += _quote_role(text, i)
        if depth < 0:
            return False
    return depth == 0


def _unquote(name: str) -> str:
    """Remove the quotes around a whole name («Ромашка», "Acme", „Ромашка“) when they pair up."""
    name = name.strip()
    if len(name) >= 2 and name[0] in _QUOTES and name[-1] in _QUOTES:
        inner = name[1:-1].strip()
        if _balanced(inner):
            return inner
    has_quote_inside = any(c in _QUOTES for c in name[1:-1])
    if name and name[0] in _QUOTES and not has_quote_inside and name[-1] not in _QUOTES:
        return name[1:].strip()
    if name and name[-1] in _QUOTES and not has_quote_inside and name[0] not in _QUOTES:
        return name[:-1].strip()
    return name


# --------------------------------------------------------------------------- splitting


@dataclass(frozen=True)
class _Split:
    name: str
    form: LegalForm
    prefix: bool


def _split_value(value: str) -> _Split | None:
    """Find the legal form of an NFC, whitespace-collapsed value; None when there is none."""
    matcher = _matcher()
    text = value
    if len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
        inner = text[1:-1].strip()  # "ООО Ромашка" quoted as a whole
        if not any(c in _QUOTES for c in inner):
            text = inner

    m = matcher.prefix.search(text)
    if m:
        name = _unquote(text[m.end() :].strip(_JUNCTION))
        form = matcher.canonical.get(_form_key(m.group(0)))
        if name and form is not None:
            return _Split(name, form, prefix=True)

    m = matcher.suffix.search(text)
    while m:
        head = text[: m.start()].rstrip(_JUNCTION)
        form = matcher.canonical.get(_form_key(m.group(0)))
        if head and form is not None and not _CONJUNCTION.search(head):
            name = _unquote(head)
            if name:
                return _Split(name, form, prefix=False)
        m = matcher.suffix.search(text, m.start() + 1)
    return None


def _clean(u: pl.Series) -> pl.Series:
    """Collapsed whitespace (blank -> null), then NFC (removing a zero-width space can bring a
    combining mark next to its letter), vectorized."""
    expr = collapse_whitespace_expr(pl.col("_v")).str.normalize("NFC")
    return u.alias("_v").to_frame().select(expr).to_series()


def _per_unique(s: pl.Series, fn: Callable[[str], object], dtype: pl.DataType) -> pl.Series:
    """Clean and apply ``fn`` on the unique values of ``s`` only, then map back to every row."""
    return map_unique_series(s, lambda u: map_unique(_clean(u), fn, return_dtype=dtype))


def _split_struct(value: str) -> dict[str, str | None]:
    found = _split_value(value)
    if found is None:
        return {"company_name": value, "legal_form": None}
    return {"company_name": found.name, "legal_form": found.form.canonical}


def split_legal_form(s: pl.Series) -> pl.DataFrame:
    """Split company names into ``company_name`` and ``legal_form`` (String columns).

    ``company_name`` is the name without its legal form and without surrounding quotes
    (« », " ", „ “), whitespace collapsed; ``legal_form`` is the canonical form or null.
    ``ООО «Ромашка»`` -> (``Ромашка``, ``ООО``); ``Acme, Inc.`` -> (``Acme``, ``Inc``);
    ``Công ty TNHH ABC`` -> (``ABC``, ``Công ty TNHH``). Without a legal form the name is the
    whole (collapsed) value. Null or blank in gives two nulls.
    """
    parsed = _per_unique(s, _split_struct, _STRUCT)
    return parsed.struct.unnest()


def _normalize_once(value: str) -> str:
    found = _split_value(value)
    if found is None:
        return value
    canonical = found.form.canonical
    if found.prefix:
        quoted = found.form.cyrillic and canonical not in _PERSON_FORMS
        name = f"«{found.name}»" if quoted else found.name
        return f"{canonical} {name}"
    return f"{found.name} {canonical}"


_normalize_value = fixed_point(_normalize_once)


def normalize_company(s: pl.Series) -> pl.Series:
    """Company name with its legal form in canonical spelling and original position.

    ``ооо "Ромашка"`` -> ``ООО «Ромашка»``; ``Acme, Inc.`` -> ``Acme Inc``;
    ``CÔNG TY TNHH ABC`` -> ``Công ty TNHH ABC``; ``Padaria Pão Quente LTDA.`` ->
    ``Padaria Pão Quente Ltda``. The name part keeps its case; whitespace is collapsed (blank ->
    null); a value without a known legal form is only whitespace-collapsed. Idempotent.
    """
    return _per_unique(s, _normalize_value, pl.String())


def _key_name(value: str) -> str:
    name = value
    for _ in range(3):  # "ООО Ромашка Ltd": strip stacked forms too
        found = _split_value(name)
        if found is None:
            break
        name = found.name
    return name


def company_key(s: pl.Series) -> pl.Series:
    """Matching key: the name without legal form(s), folded and transliterated to ``[a-z0-9 ]``.

    ``ООО «Ромашка»``, ``Romashka LLC`` and ``ромашка ооо`` all give ``romashka``; null when
    nothing is left.
    """
    return map_unique_series(s, lambda u: transliterate(map_unique(_clean(u), _key_name)))
