"""Choose the single-byte code page of a text export that is not UTF-8, or refuse to guess.

Statistical detectors need far more text than a CRM export often has: one ``©`` (byte ``0xA9``) is
``©`` in cp1252, ``╘`` in KOI8-R and ``й`` in cp866, and four Greek names read as well in cp1251 as
in ISO-8859-7. So the choice here is made on the words that hold non-ASCII bytes, candidate by
candidate, and it is only made when it is clear:

1. **Plausible words.** Each distinct word is decoded with every candidate. A word is plausible
   when its letters are of one script (Latin, Cyrillic or Greek, ASCII letters counting as Latin),
   it is lower case, upper case or capitalized, its non-ASCII letters fit one language's alphabet
   (``Núńez`` mixes Spanish and Polish), and it holds nothing real exports do not: C1 controls,
   box drawing, a sign glued to letters (``Braºov`` is Romanian ``Braşov`` read in cp1252).
   A reading's score is its share of plausible words, halved when vowels are under 25 % or over
   70 % of its letters (Greek read as cp1251).
2. **Contenders** are the readings within ``TIE`` of the best score; readings that decode every
   word the same are one answer. Between different readings, only the words they read differently
   are evidence: a reading wins if it leads there by ``MARGIN``, or, as plausible word by word, if
   one language's alphabet holds ``ONE_LANGUAGE`` of the file's non-ASCII letters in it and
   clearly less in the others (French read as cp1250 has ``č ď ű`` among ``â ç î``), over at
   least ``MIN_WORDS`` differing words.
3. **Otherwise** the rest of the file settles it: the header (a known column name in one reading
   only) or the country column (the countries named select the code page their language uses).
   If nothing does, the file is refused with ``--encoding`` advice: a guess would write mojibake
   with a success exit code. Small or multilingual files are refused more often; that is the price
   of never being wrong.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from crmclean.errors import InputError

# Candidate code pages, in the order a tie between equal readings is named (most common first).
CANDIDATES = (
    "cp1252",
    "cp1251",
    "cp1250",
    "iso8859_15",
    "iso8859_7",
    "cp1253",
    "cp1254",
    "cp1257",
    "koi8_r",
    "koi8_u",
    "cp866",
)
TIE = 0.05  # candidates scoring within this of the best are "not clearly worse"
MARGIN = 0.1  # on the words they read differently, the best reading must lead by this much
ONE_LANGUAGE = 0.95  # ...or, as plausible, have this share of its letters in one language's alphabet
MIN_WORDS = 3  # ...over at least this many distinct words read differently
MAX_WORDS = 2000  # distinct words scored; more add time, not evidence
PER_BYTE = 20  # ...plus this many words for each non-ASCII byte value
MIN_SCORE = 0.4  # below this in every code page, the bytes are not text in any of them

_WORD = re.compile(rb"[A-Za-z\x80-\xff]*[\x80-\xff][A-Za-z\x80-\xff]*")

# Lower-case non-ASCII letters of each language (ASCII letters are always allowed).
_ALPHABETS = {
    "fr": "àâæçéèêëîïôœùûüÿ",
    "de": "äöüß",
    "es": "áéíñóúü",
    "pt": "áâãàçéêíóôõú",
    "it": "àèéìíîòóù",
    "ca": "àçèéíïòóúü",
    "nl": "áéëïóöü",
    "nordic": "åäæöøéáíóúýþð",
    "pl": "ąćęłńóśźż",
    "cs": "áäčďéěíĺľňóôŕřšťúůýž",
    "hu": "áéíóöőúüű",
    "ro": "ăâîșțşţ",
    "hr": "čćđšž",
    "tr": "çğıöşüâîû",
    "lt": "ąčęėįšųūž",
    "lv": "āčēģīķļņšūž",
    "et": "äöõüšž",
    "sq": "çë",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    "be": "абвгдеёжзійклмнопрстуўфхцчшыьэюя",
    "bg": "абвгдежзийклмнопрстуфхцчшщъьюя",
    "sr": "абвгдђежзијклљмнњопрстћуфхцчџш",
    "mk": "абвгдѓежзѕијклљмнњопрстќуфхцчџш",
    "el": "αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰ",
}
_ALPHABET_SETS = {lang: frozenset(letters) for lang, letters in _ALPHABETS.items()}
_VOWELS = frozenset("aeiouyıæøœаеёиоуыэюяіїєαεηιουωάέήίόύώϊϋΐΰ")
# Symbols that occur in real exports on their own or beside words.
_SYMBOLS = frozenset("©®°€£¥№«»–—‘’‚“”„…•·±×÷§¶²³¹µ¢™¿¡ºª\xa0‰½¼¾")

# The code page each country's exports use (languages written in Latin script with few accents
# fall back to cp1252, so only the other scripts and Central Europe are listed).
_COUNTRY_CODEPAGE = {
    **dict.fromkeys(("RU", "UA", "BY", "KZ", "KG", "BG", "RS", "MK", "MN", "TJ", "UZ"), "cp1251"),
    **dict.fromkeys(("GR", "CY"), "iso8859_7"),
    **dict.fromkeys(("PL", "CZ", "SK", "HU", "SI", "HR", "RO", "BA", "AL"), "cp1250"),
    **dict.fromkeys(("TR", "AZ"), "cp1254"),
    **dict.fromkeys(("LT", "LV", "EE"), "cp1257"),
}


@dataclass(frozen=True)
class Choice:
    encoding: str  # Python codec name
    reason: str  # "" when the text alone decided; else what settled it


def _script(ch: str) -> str:
    if ch.isascii():
        return "latin"
    name = unicodedata.name(ch, "")
    for script in ("LATIN", "CYRILLIC", "GREEK"):
        if name.startswith(script):
            return script.lower()
    return "other"


def _casing_ok(word: str) -> bool:
    return word.islower() or word.isupper() or (word[:1].isupper() and word[1:].islower())


@dataclass
class _Score:
    codec: str
    score: float
    reading: tuple[str, ...]
    ok: tuple[bool, ...]  # per word: plausible and of one language


_BLANK_SYMBOLS = str.maketrans(dict.fromkeys(_SYMBOLS, " "))  # "1º", "µm": symbols, not letters


# Symbols that never come right before a letter: "1º andar" and "m²" are text, "Braºov" is
# Romanian "Braşov" read in cp1252.
_GLUED = re.compile(r"[ªº°¹²³±×÷§¶µ][^\W\d_]|[^\W\d_][©®°€£¥№«»‚“”„…•±×÷§¶²³¹µ¢™¿¡ºª‰½¼¾][^\W\d_]")


def _word_ok(text: str) -> bool:
    """One script per letter run, sane casing, no odd characters, letters of one language."""
    if _GLUED.search(text):
        return False
    for run in re.findall(r"[^\W\d_]+|[\W\d_]+", text.translate(_BLANK_SYMBOLS)):
        if run[0].isalpha():
            scripts = {_script(c) for c in run}
            if len(scripts) != 1 or "other" in scripts or not _casing_ok(run):
                return False
        elif not run.isascii():
            return False
    high = {c for c in text.lower() if c.isalpha() and not c.isascii() and c not in _SYMBOLS}
    return not high or any(high <= alphabet for alphabet in _ALPHABET_SETS.values())


def _rate(reading: tuple[str, ...], ok: tuple[bool, ...], weights: list[int], idx: list[int]) -> float:
    """How plausible the words at ``idx`` are in one reading: the weighted share of good words (a
    lone letter, "й" where cp1252 reads "©", counts half), halved when vowels are too rare or too
    common for words (Greek read as cp1251)."""
    good = total = 0.0
    vowels = letter_count = 0
    for i in idx:
        text, weight = reading[i], weights[i]
        total += weight
        if not ok[i]:
            continue
        good += weight / 2 if sum(ch.isalpha() for ch in text) == 1 else weight
        for ch in text.lower():
            if ch.isalpha() and ch not in _SYMBOLS:
                letter_count += weight
                vowels += weight * (ch in _VOWELS or _base(ch) in _VOWELS)
    score = good / total if total else 1.0
    if letter_count >= 30 and not 0.25 <= vowels / letter_count <= 0.7:
        score *= 0.5
    return score


def _coverage(reading: tuple[str, ...], weights: list[int], idx: list[int]) -> float:
    """The share of the non-ASCII letters of the words at ``idx`` that one language's alphabet
    holds: French read as cp1250 has ``č ď ű`` beside ``é â ç``, which no language has together."""
    letters: Counter[str] = Counter()
    for i in idx:
        for ch in reading[i].lower():
            if ch.isalpha() and not ch.isascii() and ch not in _SYMBOLS:
                letters[ch] += weights[i]
    high = sum(letters.values())
    if not high:
        return 1.0
    return max(sum(n for c, n in letters.items() if c in a) for a in _ALPHABET_SETS.values()) / high


def _score(codec: str, words: list[bytes], weights: list[int]) -> _Score | None:
    try:
        reading = tuple(w.decode(codec) for w in words)
    except UnicodeDecodeError:
        return None  # a byte this code page leaves undefined
    ok = tuple(_word_ok(text) for text in reading)
    return _Score(codec, _rate(reading, ok, weights, list(range(len(words)))), reading, ok)


def _base(ch: str) -> str:
    return unicodedata.normalize("NFKD", ch)[:1]


def _sample_words(raw: bytes) -> tuple[list[bytes], list[int]]:
    """Distinct words holding non-ASCII bytes, with their counts: the ``MAX_WORDS`` most frequent,
    plus up to ``PER_BYTE`` words for every non-ASCII byte value, so a rare letter still counts."""
    counts = Counter(_WORD.findall(raw))
    if len(counts) <= MAX_WORDS:
        return list(counts), list(counts.values())
    seen: Counter[int] = Counter()
    words: list[bytes] = []
    weights: list[int] = []
    for word, n in counts.most_common():
        high = {b for b in word if b >= 0x80}
        if len(words) < MAX_WORDS or any(seen[b] < PER_BYTE for b in high):
            words.append(word)
            weights.append(n)
            seen.update(high)
    return words, weights


def choose(raw: bytes, name: str) -> Choice:
    """The code page of ``raw`` (a sample of a file that is not UTF-8), or an InputError."""
    words, weights = _sample_words(raw)
    scores = [s for s in (_score(c, words, weights) for c in CANDIDATES) if s is not None]
    best = max((s.score for s in scores), default=0.0)
    if best < MIN_SCORE:
        raise InputError(
            "does not look like text in any supported encoding (binary file?)",
            file=name,
            hint="pass --encoding if it is text, or --input-format if it is Excel/Parquet/JSON",
        )
    contenders = [s for s in scores if s.score >= best - TIE]
    readings: dict[tuple[str, ...], _Score] = {}
    members: dict[tuple[str, ...], list[str]] = {}
    for s in contenders:
        readings.setdefault(s.reading, s)
        members.setdefault(s.reading, []).append(s.codec)
    groups = list(members.values())  # each: codecs reading the words the same, in CANDIDATES order
    if len(groups) == 1:
        return Choice(codecs.lookup(groups[0][0]).name, "")
    # Words every contender reads the same are no evidence: judge the readings on the others.
    differ = [i for i in range(len(words)) if len({r[i] for r in readings}) > 1]
    rated = sorted(((_rate(s.reading, s.ok, weights, differ), k) for k, s in readings.items()), reverse=True)
    if rated[0][0] >= rated[1][0] + MARGIN:  # the others read implausible words there
        return Choice(codecs.lookup(members[rated[0][1]][0]).name, "")
    # As plausible word by word: one language must hold the winner's letters, and clearly less so
    # the others' (a file mixing languages has no such winner, and is not guessed).
    tied = {k for score, k in rated if score >= rated[0][0] - TIE}
    # (letters of all words: those every reading shares anchor the language, "â ç î" for French)
    every = list(range(len(words)))
    covered = sorted(((_coverage(k, weights, every), k in tied, k) for _, k in rated), reverse=True)
    top, in_tie, winner = covered[0]
    evidence = len(differ) >= MIN_WORDS
    if evidence and in_tie and top >= ONE_LANGUAGE and top >= covered[1][0] + MARGIN:
        return Choice(codecs.lookup(members[winner][0]).name, "")
    settled = _settle(raw, groups)
    if settled is not None:
        return settled
    first = min(raw.find(words[i]) for i in differ)
    options = ", ".join(codecs.lookup(g[0]).name for g in groups)
    raise InputError(
        f"the file is not UTF-8, and its non-ASCII text reads as plausibly in {options}: "
        "crmclean does not guess",
        file=name,
        line=raw.count(b"\n", 0, first) + 1,
        hint=f"pass --encoding with the file's real encoding (one of {options}), or re-export as UTF-8",
    )


def _settle(raw: bytes, groups: list[list[str]]) -> Choice | None:
    """The reading the header or the country column supports, when exactly one does."""
    import polars as pl

    from crmclean.normalize.country import country_code
    from crmclean.schema import role_from_header

    text = raw[: 64 * 1024].decode("latin-1")  # byte-transparent: cells are re-encoded below
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows = list(csv.reader(io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n")), delimiter=delimiter))
    rows = [r for r in rows if any(c.strip() for c in r)]
    if len(rows) < 1:
        return None
    header_raw = [h.encode("latin-1") for h in rows[0]]

    def header(codec: str) -> list[str]:
        return [h.decode(codec, errors="replace").strip() for h in header_raw]

    # 1. the header: a known column name with non-ASCII letters in one reading only
    known = [
        g for g in groups if any(not h.isascii() and role_from_header(h)[1] == "header" for h in header(g[0]))
    ]
    if len(known) == 1:
        return Choice(codecs.lookup(known[0][0]).name, "the header's column names")
    # 2. the country column: the code page of the countries it names
    for g in groups:
        names = header(g[0])
        column = next((i for i, h in enumerate(names) if role_from_header(h)[0] == "country"), None)
        if column is None:
            continue
        values = [
            r[column].encode("latin-1").decode(g[0], errors="replace") for r in rows[1:] if len(r) > column
        ]
        found = country_code(pl.Series(values, dtype=pl.String)).drop_nulls()
        if found.len() == 0:
            continue
        top = found.value_counts(sort=True).row(0)
        if top[1] / max(len(values), 1) < 0.5:
            continue
        wanted = codecs.lookup(_COUNTRY_CODEPAGE.get(top[0], "cp1252")).name
        match = [x for x in groups if wanted in {codecs.lookup(c).name for c in x}]
        if len(match) == 1:
            return Choice(wanted, f"the country column ({top[0]})")
    return None
