"""Text normalizers shared by every field: whitespace, Unicode forms, case, folding, transliteration.

All public functions take a String ``pl.Series`` (nullable) and return a Series of the same length,
order and name; null in gives null out, and no input string makes them raise.

Work is done once per *unique* value and mapped back (customer exports repeat the same values a
lot), with Polars string expressions where they exist and :func:`map_unique` for per-value Python
functions (``anyascii``, name-aware title case). Other modules reuse :func:`map_unique`,
:func:`map_unique_series` and the ``*_expr`` builders.

Normalizers (``collapse_whitespace``, ``nfc``, ``lower``, ``upper``, ``title_name``) change the
presentation of a value and are idempotent. Keys (``fold``, ``transliterate``) are for matching only
and may return null when nothing is left.

Folding rules (:func:`fold`), chosen deliberately for matching Russian, Ukrainian, Vietnamese,
Portuguese and English data:

- NFKD, then every combining mark is dropped: ``Nguyễn`` -> ``nguyen``, ``São`` -> ``sao``.
- ``ё`` -> ``е``: Russian writes ``ё`` optionally (``Семён`` = ``Семен``), so it must not split keys.
- ``й`` is **kept** (NFKD would turn it into ``и`` + breve): it is a letter of its own, not an
  optional accent, and keeping it makes :func:`transliterate` give the usual Latin ``y``
  (``Андрей`` -> ``andrey``, ``Сергей`` -> ``sergey``). Ukrainian ``ї`` loses its diaeresis
  (-> ``і``); ``anyascii`` transliterates both to ``i`` anyway.
- Letters without a decomposition are mapped by hand: Vietnamese ``đ`` -> ``d``, ``ß`` -> ``ss``,
  ``ø`` -> ``o``, ``ł`` -> ``l``, ``æ`` -> ``ae``, ``œ`` -> ``oe``, ``ð`` -> ``d``, ``þ`` -> ``th``,
  ``ı`` -> ``i``, final ``ς`` -> ``σ``.
- Apostrophes, dots and invisible format characters are removed (``O'Neil`` = ``ONeil``,
  ``U.S.A.`` = ``USA``); every other punctuation mark, symbol or control character becomes a space
  (``Anna-Maria`` = ``Anna Maria``); whitespace is collapsed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

import polars as pl
from anyascii import anyascii

__all__ = [
    "NAME_PARTICLES",
    "VIETNAMESE_SURNAMES",
    "collapse_whitespace",
    "collapse_whitespace_expr",
    "fold",
    "fold_expr",
    "fold_token",
    "lower",
    "map_unique",
    "map_unique_series",
    "nfc",
    "title_name",
    "transliterate",
    "upper",
]

# Invisible characters that are not Unicode White_Space but separate or pad words in exports:
# zero-width space, BOM / zero-width no-break space, word joiner, Mongolian vowel separator.
_INVISIBLE = "[\u200b\ufeff\u2060\u180e]"

# Common Vietnamese family names, folded (no diacritics, lower case, đ -> d).
VIETNAMESE_SURNAMES: frozenset[str] = frozenset(
    {
        "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang",
        "bui", "do", "ho", "ngo", "duong", "ly",
    }
)  # fmt: skip

_APOSTROPHES = "'’ʼ‘`´ʹ′"
_FOLD_LETTERS = {
    "ß": "ss",
    "đ": "d",
    "ð": "d",
    "ø": "o",
    "ł": "l",
    "æ": "ae",
    "œ": "oe",
    "þ": "th",
    "ı": "i",
    "ς": "σ",
}


# --------------------------------------------------------------------------- per-unique helpers


def _as_string(s: pl.Series) -> pl.Series:
    return s if s.dtype == pl.String else s.cast(pl.String)


def map_unique(
    s: pl.Series,
    fn: Callable[[str], Any],
    return_dtype: pl.DataType | type[pl.DataType] = pl.String,
) -> pl.Series:
    """Apply the per-value Python function ``fn`` once per unique non-null value of ``s``.

    The results are mapped back onto every row (same length, order and name); nulls stay null and
    ``fn`` never sees them. ``return_dtype`` may be any Polars dtype, including a ``pl.Struct`` when
    ``fn`` returns dicts.
    """
    s = _as_string(s)
    uniq = s.unique().drop_nulls()
    new = pl.Series([fn(v) for v in uniq.to_list()], dtype=return_dtype)
    return s.replace_strict(uniq, new, default=None, return_dtype=return_dtype).alias(s.name)


def map_unique_series(s: pl.Series, fn: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """Apply the vectorized ``fn`` (Series -> Series of equal length) to the unique non-null values
    of ``s`` only, and map the results back onto every row (same length, order and name)."""
    s = _as_string(s)
    uniq = s.unique().drop_nulls()
    new = fn(uniq)
    return s.replace_strict(uniq, new, default=None, return_dtype=new.dtype).alias(s.name)


def _apply_expr(s: pl.Series, build: Callable[[pl.Expr], pl.Expr]) -> pl.Series:
    """Evaluate an expression builder on a Series (any length, including 0)."""
    return s.alias("_v").to_frame().select(build(pl.col("_v"))).to_series().alias(s.name)


# --------------------------------------------------------------------------- whitespace, case


def collapse_whitespace_expr(e: pl.Expr) -> pl.Expr:
    """Expression: invisible separators removed, every whitespace run -> one space, stripped,
    empty -> null."""
    out = e.str.replace_all(_INVISIBLE, "").str.replace_all(r"\s+", " ").str.strip_chars(" ")
    return pl.when(out.str.len_bytes() > 0).then(out)


def collapse_whitespace(s: pl.Series) -> pl.Series:
    """Unicode whitespace (NBSP, U+2007, U+202F, tabs, newlines...) -> one ASCII space; zero-width
    space, BOM and word joiner removed; stripped; an empty result becomes null."""
    return map_unique_series(s, lambda u: _apply_expr(u, collapse_whitespace_expr))


def nfc(s: pl.Series) -> pl.Series:
    """Unicode NFC (composed) form, so that ``é`` typed two ways compares equal."""
    return map_unique_series(s, lambda u: u.str.normalize("NFC"))


def lower(s: pl.Series) -> pl.Series:
    """Lower case (full Unicode)."""
    return _as_string(s).str.to_lowercase()


def upper(s: pl.Series) -> pl.Series:
    """Upper case (full Unicode)."""
    return _as_string(s).str.to_uppercase()


# --------------------------------------------------------------------------- title case for names

# Lower-case name particles (Portuguese, Spanish, Italian, French, Dutch, German, Arabic).
NAME_PARTICLES: frozenset[str] = frozenset(
    {"da", "de", "do", "dos", "das", "di", "van", "von", "der", "den", "la", "le", "du", "del",
     "bin", "ibn"}
)  # fmt: skip
# Portuguese particles that stay lower case even at the start ("da Silva" as a last name).
_LEADING_PARTICLES = frozenset({"da", "das", "de", "do", "dos"})
_WS_SPLIT = re.compile(r"(\s+)")
_SEG_SPLIT = re.compile(r"([-\u2010\u2011.'’ʼ‘`´])")
_CAP_AFTER = frozenset("-\u2010\u2011.")  # hyphens and the dot of initials (J.R.R.)
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _lower_keep_len(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    # a few characters lower-case to two code points (İ -> i̇); keep those as they are
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _title_char(c: str) -> str:
    t = c.title()
    return t if len(t) == 1 else c


def _cap_segment(seg: str) -> str:
    """Lower case ``seg``, then title-case its first letter if no digit comes before it."""
    low = _lower_keep_len(seg)
    for i, c in enumerate(low):
        if c.isalpha():
            if low[i : i + 2] == "mc" and i + 2 < len(low) and low[i + 2].isalpha():
                return low[:i] + "Mc" + _title_char(low[i + 2]) + low[i + 3 :]
            return low[:i] + _title_char(c) + low[i + 1 :]
        if c.isdigit():
            return low
    return low


def _title_word(word: str, particle: bool) -> str:
    if particle:
        return _lower_keep_len(word)
    parts = _SEG_SPLIT.split(word)
    out: list[str] = []
    for i in range(0, len(parts), 2):
        part = parts[i]
        if i == 0:
            out.append(_cap_segment(part))
            continue
        sep = parts[i - 1]
        prev = parts[i - 2]
        # O'Neil, D'Artagnan: capitalize after an apostrophe only behind one Latin letter, so that
        # Ukrainian names keep their apostrophe inside the word (Мар'яна, В'ячеслав).
        cap = sep in _CAP_AFTER or (len(prev) == 1 and prev in _ASCII_LETTERS)
        out.append(sep)
        out.append(_cap_segment(part) if cap else _lower_keep_len(part))
    return "".join(out)


def fold_token(token: str) -> str:
    """Fold one token in Python (NFKD, no marks, casefold, đ -> d): for small lookups such as
    family-name lists, not for whole columns."""
    decomposed = unicodedata.normalize("NFKD", token.casefold())
    out = "".join(c for c in decomposed if not unicodedata.combining(c))
    return out.replace("đ", "d")


def _title_name_once(value: str) -> str:
    pieces = _WS_SPLIT.split(value)
    words = [(i, p) for i, p in enumerate(pieces) if p and not p.isspace()]
    vietnamese = len(words) >= 2 and fold_token(words[0][1]) in VIETNAMESE_SURNAMES
    last = len(words) - 1
    for n, (i, word) in enumerate(words):
        key = word.lower()
        particle = (
            not vietnamese and key in NAME_PARTICLES and n < last and (n > 0 or key in _LEADING_PARTICLES)
        )
        pieces[i] = _title_word(word, particle)
    return "".join(pieces)


def fixed_point(once: Callable[[str], str]) -> Callable[[str], str]:
    """Make a one-pass string normalizer idempotent by construction: a result is accepted only when
    a second pass leaves it unchanged (a safety net for exotic Unicode case mappings); otherwise
    the value is returned as it was."""

    def apply(value: str) -> str:
        result = once(value)
        if result == value or once(result) == result:
            return result
        return value

    return apply


_title_name_value = fixed_point(_title_name_once)


def title_name(s: pl.Series) -> pl.Series:
    """Name-aware title case; only the case changes (whitespace and punctuation are kept).

    ``o'neil`` -> ``O'Neil``, ``mcdonald`` -> ``McDonald``, ``anna-maria`` -> ``Anna-Maria``,
    ``DA SILVA`` -> ``da Silva``, ``ludwig VAN beethoven`` -> ``Ludwig van Beethoven``,
    ``ИВАН ПЕТРОВ`` -> ``Иван Петров``, ``NGUYỄN VĂN AN`` -> ``Nguyễn Văn An``. Particles (da, de,
    do, dos, das, di, van, von, der, den, la, le, du, del, bin, ibn) are lower case inside a name;
    da/das/de/do/dos also at its start. Names that start with a Vietnamese family name get no
    particle rule (``Le Van An`` keeps ``Van``).
    """
    return map_unique_series(s, _title_unique)


# The common shape title-cased in Polars: words of plain letters (Latin, Vietnamese, Cyrillic that
# lower-, upper- and title-case one to one and back), spaces around and between them, no word a
# name particle (its case depends on its place) nor starting with Mc. On these Polars' word title
# case is what _title_name_value does (tests/normalize prove it letter by letter); the rest goes
# through _title_name_value.
def _plain_letter(c: str) -> bool:
    low, up = c.lower(), c.upper()
    return (
        c.isalpha()
        and not unicodedata.combining(c)
        and len(low) == len(up) == len(c.title()) == 1
        and c.title() == up
        and low.upper() == up
        and up.lower() == low
    )


def _plain_letters() -> str:
    """The letters of those blocks that Python's and Polars' Unicode tables (versions may differ)
    case alike, one to one."""
    blocks = ((0x41, 0x24F), (0x400, 0x4FF), (0x1E00, 0x1EFF))
    found = [c for lo, hi in blocks for c in map(chr, range(lo, hi + 1)) if _plain_letter(c)]
    s = pl.Series(found, dtype=pl.String)
    agree = (
        (s.str.to_titlecase() == pl.Series([c.title() for c in found], dtype=pl.String))
        & (s.str.to_lowercase() == pl.Series([c.lower() for c in found], dtype=pl.String))
        & (s.str.to_uppercase() == pl.Series([c.upper() for c in found], dtype=pl.String))
    )
    return "".join(s.filter(agree).to_list())


PLAIN_LETTERS = _plain_letters()
_PLAIN_CLASS = "[" + "".join(re.escape(c) for c in PLAIN_LETTERS) + "]"
_PLAIN_NAME = rf"^ *{_PLAIN_CLASS}+(?: +{_PLAIN_CLASS}+)* *$"
_SPECIAL_WORD = r"(?i)(?:^| )(?:mc|(?:" + "|".join(sorted(NAME_PARTICLES)) + r")(?: |$))"


def _title_unique(u: pl.Series) -> pl.Series:
    """``title_name`` on unique non-null values: Polars for the plain shape, Python for the rest."""
    plain = (u.str.contains(_PLAIN_NAME) & ~u.str.contains(_SPECIAL_WORD)).fill_null(False)
    fast = u.str.to_titlecase()
    residue = u.filter(~plain)
    slow = pl.Series([_title_name_value(v) for v in residue.to_list()], dtype=pl.String)
    return fast.scatter((~plain).arg_true(), slow).alias(u.name)


# --------------------------------------------------------------------------- fold, transliterate


def fold_expr(e: pl.Expr) -> pl.Expr:
    """Expression version of :func:`fold`."""
    out = (
        e.str.normalize("NFKD")
        .str.to_lowercase()
        .str.normalize("NFKD")
        .str.replace_all("и\u0306", "й", literal=True)
        .str.replace_all(r"\p{M}+", "")
        .str.replace_many(list(_FOLD_LETTERS), list(_FOLD_LETTERS.values()))
        .str.replace_all(rf"[{_APOSTROPHES}.\p{{Cf}}]+", "")
        .str.replace_all(r"[\p{P}\p{S}\p{Cc}]+", " ")
    )
    return collapse_whitespace_expr(out)


def fold(s: pl.Series) -> pl.Series:
    """Matching key in the original script: NFKD without marks, casefolded, ``ё`` -> ``е``,
    ``đ`` -> ``d``, punctuation removed, whitespace collapsed; null when nothing is left.

    ``Иван Петров`` and ``иван  петров`` fold equal; ``Nguyễn`` -> ``nguyen``. See the module
    docstring for the exact rules (``й`` is kept).
    """
    return map_unique_series(s, lambda u: _apply_expr(u, fold_expr))


def _ascii_key_expr(e: pl.Expr) -> pl.Expr:
    out = e.str.to_lowercase().str.replace_all(r"[^a-z0-9\s]+", "")
    return collapse_whitespace_expr(out)


def _transliterate_unique(u: pl.Series) -> pl.Series:
    folded = _apply_expr(u, fold_expr)
    latin = map_unique(folded, anyascii)
    return _apply_expr(latin, _ascii_key_expr)


def transliterate(s: pl.Series) -> pl.Series:
    """Latin matching key: :func:`fold`, then ``anyascii``, lower case, only ``[a-z0-9 ]``; null when
    nothing is left.

    ``Иван Петров``, ``IVAN PETROV`` and ``Ivan Petrov`` all give ``ivan petrov``; ``Юлия`` ->
    ``yuliya``, ``Đặng`` -> ``dang``, ``Ñ`` -> ``n``.
    """
    return map_unique_series(s, _transliterate_unique)
