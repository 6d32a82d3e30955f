"""Person names: split a full name into first / middle / last name and detect its order.

Three orders are understood:

- ``western``: given names first, family name last (``John Michael Smith``); name particles stay
  with the family name (``Ludwig van Beethoven`` -> last ``van Beethoven``).
- ``eastern_slavic``: Фамилия Имя Отчество (``Петров Иван Сергеевич``).
- ``vietnamese``: family name, middle name(s), given name (``Trần Thị Thu Hà``).

``auto`` decides per value: a Cyrillic name with a patronymic puts the patronymic in
``middle_name`` and reads Ф-И-О or И-О-Ф from where the patronymic stands; two Cyrillic words read
Имя Фамилия unless the first looks like a surname and the second does not; a first word that is a
common Vietnamese family name reads Vietnamese; everything else reads Western. In every order
``Last, First Middle`` (with a comma) puts the part before the comma in ``last_name``.

Splitting keeps each part as written (whitespace collapsed); use ``text.title_name`` for case.
Work is done once per unique value.
"""

from __future__ import annotations

import re
from typing import Literal

import polars as pl

from crmclean.normalize.text import NAME_PARTICLES, VIETNAMESE_SURNAMES, fold_token, map_unique

__all__ = [
    "NAME_ORDERS",
    "NameOrder",
    "is_patronymic",
    "name_order",
    "split_full_name",
]

NameOrder = Literal["auto", "western", "eastern_slavic", "vietnamese"]
NAME_ORDERS: tuple[str, ...] = ("auto", "western", "eastern_slavic", "vietnamese")

_PARTS = ("first_name", "middle_name", "last_name")
_STRUCT = pl.Struct(
    {"first_name": pl.String, "middle_name": pl.String, "last_name": pl.String, "order": pl.String}
)

_CYRILLIC = re.compile(r"[\u0400-\u04ff\u0500-\u052f]")
_INVISIBLE = re.compile("[\u200b\ufeff\u2060\u180e]")
_CYRILLIC_WORD = re.compile(r"^[\u0400-\u04ff\u0500-\u052f'’ʼ-]+$")

# Patronymic endings. Strong ones are unambiguous; a bare -ич/-ыч (Ильич, Кузьмич, Иваныч) is
# weak because many surnames end in it too (Бабич, Шуфрич).
_PATRONYMIC_STRONG = (
    "ович", "евич", "ёвич", "овна", "евна", "ёвна", "ична", "инична",  # Russian
    "йович", "івна", "ївна",  # Ukrainian
)  # fmt: skip
_PATRONYMIC_WEAK = ("ич", "ыч")
_LATIN_PATRONYMIC = ("ovich", "evich", "ovych", "evych", "ovna", "evna", "ichna", "ivna", "yivna")
# Azerbaijani / Turkic patronymic words that follow the father's name: Ахмед оглы.
_TURKIC_PATRONYMIC = frozenset({"оглы", "оглу", "улы", "кызы", "гызы", "oglu", "ogly", "kyzy", "gyzy"})

_SURNAME_SUFFIXES = (
    "ов", "ев", "ёв", "ин", "ын", "ова", "ева", "ёва", "ина", "ына",
    "ский", "цкий", "ская", "цкая", "ський", "цький", "ська", "цька",
    "енко", "ук", "юк", "чук",
)  # fmt: skip
_LATIN_SURNAME_SUFFIXES = (
    "ov", "ev", "in", "yn", "ova", "eva", "ina", "yna", "sky", "skiy", "skii", "ski",
    "skaya", "enko", "uk", "yuk", "chuk",
)  # fmt: skip

# Common Russian / Ukrainian given names that end like surnames (Ирина, Константин...) or that
# help to tell Имя from Фамилия in two-word names.
_GIVEN_NAMES = frozenset(
    """
    александр алексей анатолий андрей антон аркадий артем артём борис вадим валентин валерий
    василий вениамин виктор виталий владимир владислав вячеслав геннадий георгий глеб григорий
    даниил денис дмитрий евгений егор иван игорь илья кирилл константин леонид максим матвей
    михаил никита николай олег павел петр пётр роман руслан сергей станислав степан тарас тимур
    федор фёдор филипп эдуард юрий ярослав олександр олексій андрій сергій юрій дмитро микола
    василь петро іван ігор віктор володимир михайло григорій євген остап богдан
    александра алина алла анастасия ангелина анна валентина валерия вера вероника виктория
    галина дарья диана евгения екатерина елена елизавета жанна зарина зоя инна ирина карина
    кристина ксения лариса любовь людмила маргарита марина мария надежда наталья наталия нина
    оксана олеся ольга полина регина светлана софия софья тамара татьяна ульяна юлия яна олена
    ганна катерина наталія марія юлія тетяна ірина софія вікторія анастасія дарина соломія
    христина ліна
    """.split()
)

# Vietnamese family names recognised only when written with diacritics (without them they are
# ordinary Western words: Mai, Cao, Ha, To...).
_VIETNAMESE_SURNAMES_DIACRITIC = frozenset(
    {
        "truong", "dinh", "doan", "luong", "trinh", "lam", "mai", "cao", "ha", "ta", "chau",
        "thai", "to", "ton", "quach", "luu", "kieu", "la", "lai", "tang", "tieu", "vuong",
        "trieu", "khuc", "hua", "phung", "mac", "thach", "diep", "au", "vinh", "tong",
    }
)  # fmt: skip

# Generational and academic suffixes that stay with the family name ("Smith Jr.").
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md", "esq", "mba"})


# --------------------------------------------------------------------------- token tests


def _patronymic_score(token: str) -> int:
    """2: certainly a patronymic ending, 1: maybe (-ич), 0: no."""
    low = token.lower()
    if not _CYRILLIC_WORD.match(low):
        return 0
    for suffix in _PATRONYMIC_STRONG:
        if low.endswith(suffix) and len(low) >= len(suffix) + 2:
            return 2
    for suffix in _PATRONYMIC_WEAK:
        if low.endswith(suffix) and len(low) >= len(suffix) + 3:
            return 1
    return 0


def _latin_patronymic_score(token: str) -> int:
    low = token.lower()
    if not low.isascii() or not low.isalpha():
        return 0
    return int(any(low.endswith(x) and len(low) >= len(x) + 2 for x in _LATIN_PATRONYMIC)) * 2


def is_patronymic(token: str) -> bool:
    """True when ``token`` has a Russian or Ukrainian patronymic ending.

    Endings: -ович -евич -ич -овна -евна -ична -инична (Russian), -йович -івна -ївна (Ukrainian).
    ``Сергеевич``, ``Ивановна``, ``Ильич``, ``Миколайович``, ``Сергіївна`` are patronymics;
    ``Петров`` and ``Иван`` are not. A bare -ич is also a common surname ending (``Бабич``); the
    name splitter weighs that, this test does not.
    """
    return isinstance(token, str) and _patronymic_score(token.strip()) > 0


def _surname_like(token: str) -> bool:
    low = token.lower()
    if low in _GIVEN_NAMES:
        return False
    suffixes = _SURNAME_SUFFIXES if _CYRILLIC.search(low) else _LATIN_SURNAME_SUFFIXES
    return any(low.endswith(x) and len(low) >= len(x) + 2 for x in suffixes)


def _is_vietnamese_surname(token: str) -> bool:
    key = fold_token(token)
    if key in VIETNAMESE_SURNAMES:
        return True
    return not token.isascii() and key in _VIETNAMESE_SURNAMES_DIACRITIC


def _is_suffix(token: str) -> bool:
    return token.lower().strip(".,") in _NAME_SUFFIXES


# --------------------------------------------------------------------------- positional splits

_Parts = tuple[str | None, str | None, str | None]


def _join(tokens: list[str]) -> str | None:
    return " ".join(tokens) if tokens else None


def _western(tokens: list[str]) -> _Parts:
    if len(tokens) == 1:
        return tokens[0], None, None
    suffixes: list[str] = []
    while len(tokens) > 2 and _is_suffix(tokens[-1]):
        suffixes.insert(0, tokens.pop())
    start = len(tokens) - 1
    while start > 0 and tokens[start - 1].lower() in NAME_PARTICLES:
        start -= 1
    last = _join(tokens[start:] + suffixes)
    if start == 0:  # "da Silva", "van Gogh": all family name
        return None, None, last
    return tokens[0], _join(tokens[1:start]), last


def _eastern_slavic(tokens: list[str]) -> _Parts:
    if len(tokens) == 1:
        return tokens[0], None, None
    return tokens[1], _join(tokens[2:]), tokens[0]


def _vietnamese(tokens: list[str]) -> _Parts:
    if len(tokens) == 1:
        return tokens[0], None, None
    return tokens[-1], _join(tokens[1:-1]), tokens[0]


def _given_part(tokens: list[str], order: str) -> tuple[str | None, str | None]:
    """First and middle names from the part after a comma."""
    if not tokens:
        return None, None
    if order == "vietnamese":
        return tokens[-1], _join(tokens[:-1])
    return tokens[0], _join(tokens[1:])


# --------------------------------------------------------------------------- auto detection


def _slavic_with_patronymic(tokens: list[str], scores: list[int]) -> tuple[_Parts, str]:
    best = max(scores[1:])
    top = [i for i in range(1, len(tokens)) if scores[i] == best]
    p = top[-1] if (_surname_like(tokens[0]) or scores[0] > 0) else top[0]
    if p == 1:  # И-О-Ф (or И-О)
        end = 2
        while end < len(tokens) and tokens[end].lower() in _TURKIC_PATRONYMIC:
            end += 1
        return (tokens[0], _join(tokens[1:end]), _join(tokens[end:])), "western"
    # Ф-И-О: everything before the given name is the family name (Салтыков Щедрин Михаил ...)
    return (tokens[p - 1], _join(tokens[p:]), _join(tokens[: p - 1])), "eastern_slavic"


def _patronymic_scores(tokens: list[str], latin: bool) -> list[int]:
    score = _latin_patronymic_score if latin else _patronymic_score
    scores = [score(t) for t in tokens]
    for i in range(1, len(tokens) - 1):
        if tokens[i + 1].lower() in _TURKIC_PATRONYMIC:
            scores[i] = 2
    return scores


def _detect_order(tokens: list[str]) -> str:
    """Order for a comma-free value of 2+ tokens (without the patronymic cases)."""
    if _CYRILLIC.search(" ".join(tokens)):
        t0, t1 = tokens[0].lower(), tokens[1].lower()
        family_first = (_surname_like(t0) and not _surname_like(t1)) or (
            t1 in _GIVEN_NAMES and t0 not in _GIVEN_NAMES
        )
        return "eastern_slavic" if family_first else "western"
    if _is_vietnamese_surname(tokens[0]):
        return "vietnamese"
    return "western"


_SPLITTERS = {"western": _western, "eastern_slavic": _eastern_slavic, "vietnamese": _vietnamese}


def _auto(tokens: list[str]) -> tuple[_Parts, str]:
    if len(tokens) >= 2:
        cyrillic = bool(_CYRILLIC.search(" ".join(tokens)))
        if cyrillic or len(tokens) >= 3:
            scores = _patronymic_scores(tokens, latin=not cyrillic)
            # with two words a bare -ич is more likely a surname (Иван Бабич)
            if max(scores[1:]) >= (2 if len(tokens) == 2 else 1):
                return _slavic_with_patronymic(tokens, scores)
    order = _detect_order(tokens) if len(tokens) >= 2 else "western"
    return _SPLITTERS[order](tokens), order


def _parse(value: str, order: str) -> dict[str, str | None]:
    text = _INVISIBLE.sub("", value)
    before, comma, after = text.partition(",")
    before_tokens, after_tokens = before.split(), after.replace(",", " ").split()
    if comma and after_tokens and all(_is_suffix(t) for t in after_tokens):
        before_tokens, after_tokens, comma = before_tokens + after_tokens, [], ""

    if comma and before_tokens:  # "Last, First Middle"
        if order == "auto":
            if _CYRILLIC.search(text):
                order = "eastern_slavic"
            elif _is_vietnamese_surname(before_tokens[0]):
                order = "vietnamese"
            else:
                order = "western"
        suffixes: list[str] = []
        while after_tokens and _is_suffix(after_tokens[-1]):
            suffixes.insert(0, after_tokens.pop())
        first, middle = _given_part(after_tokens, order)
        last = _join(before_tokens + suffixes)
        return {"first_name": first, "middle_name": middle, "last_name": last, "order": order}

    tokens = before_tokens + after_tokens
    if not tokens:
        return {"first_name": None, "middle_name": None, "last_name": None, "order": None}
    if order == "auto":
        (first, middle, last), order = _auto(tokens)
    else:
        first, middle, last = _SPLITTERS[order](tokens)
    return {"first_name": first, "middle_name": middle, "last_name": last, "order": order}


def _check_order(order: str) -> None:
    if order not in NAME_ORDERS:
        raise ValueError(f"unknown name order {order!r}; expected one of {', '.join(NAME_ORDERS)}")


def _parsed(s: pl.Series, order: str) -> pl.Series:
    _check_order(order)
    return map_unique(s, lambda v: _parse(v, order), return_dtype=_STRUCT)


# --------------------------------------------------------------------------- public API


def split_full_name(s: pl.Series, order: NameOrder = "auto") -> pl.DataFrame:
    """Split full names into String columns ``first_name``, ``middle_name``, ``last_name``.

    One row per input row, in order. ``order`` is ``"western"`` (``John Michael Smith``),
    ``"eastern_slavic"`` (``Петров Иван Сергеевич``), ``"vietnamese"`` (``Trần Thị Thu Hà`` ->
    last ``Trần``, middle ``Thị Thu``, first ``Hà``) or ``"auto"`` (detected per value; see the
    module docstring). ``Smith, John`` puts ``Smith`` in ``last_name`` in every order. A single word
    is a first name; null or blank gives three nulls. Parts keep their spelling.
    """
    parsed = _parsed(s, order)
    return parsed.struct.unnest().select(_PARTS)


def name_order(s: pl.Series) -> pl.Series:
    """The order ``split_full_name(order="auto")`` detects per value (same name as ``s``).

    ``"eastern_slavic"`` when the family name comes first in a Cyrillic (or transliterated
    Slavic) name (``Петров Иван Сергеевич``, ``Петров Иван``), ``"vietnamese"`` for Vietnamese
    names (``Nguyễn Văn An``), ``"western"`` when the given name comes first (``John Smith``,
    ``Иван Сергеевич Петров``). Null for null or blank values.
    """
    return _parsed(s, "auto").struct.field("order").alias(s.name)
