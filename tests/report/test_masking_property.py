"""Masking holds whatever column the data is in: random personal data (emails, phones, names in
Cyrillic, Vietnamese and Latin script, tax ids, street addresses, and sentences mixing them) in every
column of a small export, every value made a finding, every report format: none of it shows, unless
show_values asks for it."""

from __future__ import annotations

import re

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmclean.io.read import ROW, Table
from crmclean.pipeline import check_table
from crmclean.report.formats import FORMATS, render
from crmclean.report.model import build_report
from crmclean.rules.load import load_rules

COLUMNS = {  # header -> role, pinned so that the data cannot move the roles
    "email": "email",
    "phone": "phone",
    "first_name": "first_name",
    "last_name": "last_name",
    "full_name": "full_name",
    "street": "street",
    "city": "city",
    "postal_code": "postal_code",
    "country": "country",
    "tax_id": "tax_id",
    "company": "company",
    "birth_date": "birth_date",
    "customer_id": "customer_id",
    "segment": "segment",
    "notes": None,
}

FIRST = ["Иван", "Мария", "Олег", "Светлана", "Nguyễn", "Trần", "Phương", "Thảo", "Maria", "João", "Fernanda"]
LAST = ["Петров", "Смирнова", "Кузнецов", "Hoàng", "Phạm", "Oliveira", "Pereira", "Kowalski", "Müller"]
STREETS = ["Ленина", "Тверская", "Садовая", "Nguyễn Trãi", "Lê Lợi", "Augusta", "Paulista", "Marienplatz"]
LATIN = {
    "Иван": "ivan",
    "Мария": "maria",
    "Олег": "oleg",
    "Светлана": "svetlana",
    "Петров": "petrov",
    "Смирнова": "smirnova",
    "Кузнецов": "kuznetsov",
}
DOMAINS = ["mail.ru", "gmail.com", "yandex.ru", "outlook.com", "vnn.vn", "uol.com.br"]


def _ascii(word: str) -> str:
    return LATIN.get(word, re.sub(r"[^a-z]", "", word.lower()) or "x")


digits = st.integers(min_value=0, max_value=9)


def _n(k: int) -> st.SearchStrategy[str]:
    return st.lists(digits, min_size=k, max_size=k).map(lambda ds: "".join(map(str, ds)))


names = st.tuples(st.sampled_from(FIRST), st.sampled_from(LAST))
emails = st.builds(
    lambda f, la, n, d, sep: f"{_ascii(f)}{sep}{_ascii(la)}{n}@{d}",
    st.sampled_from(FIRST),
    st.sampled_from(LAST),
    _n(2),
    st.sampled_from(DOMAINS),
    st.sampled_from([".", "_", ""]),
)
phones = st.one_of(
    st.builds(lambda a, b, c, d: f"+7 9{a} {b}-{c}-{d}", _n(2), _n(3), _n(2), _n(2)),
    st.builds(lambda a, b, c: f"8 (9{a}) {b}-{c}", _n(2), _n(3), _n(4)),
    st.builds(lambda a, b: f"(11) 9{a}-{b}", _n(4), _n(4)),
    st.builds(lambda a, b, c: f"+84 9{a} {b} {c}", _n(2), _n(3), _n(3)),
)
tax_ids = st.one_of(
    st.builds(lambda a, b, c, d: f"{a}.{b}.{c}-{d}", _n(3), _n(3), _n(3), _n(2)),  # CPF shape
    st.builds(lambda a: f"77{a}", _n(8)),  # INN shape
    st.builds(lambda a: f"ИНН 50{a}", _n(10)),
)
streets = st.one_of(
    st.builds(lambda s, n, m: f"{s} {n} кв {m}", st.sampled_from(STREETS), _n(1), _n(2)),
    st.builds(lambda s, n: f"ул. {s}, д. {n}", st.sampled_from(STREETS), _n(2)),
    st.builds(lambda s, n: f"Rua {s}, {n}", st.sampled_from(STREETS), _n(3)),
)


@st.composite
def pii(draw) -> tuple[str, list[tuple[str, str]]]:
    """A cell value and the personal pieces in it: (kind, text)."""
    kind = draw(st.sampled_from(["email", "phone", "name", "tax_id", "street", "sentence", "spaced_email"]))
    if kind == "email":
        e = draw(emails)
        return e, [("email", e)]
    if kind == "spaced_email":  # repaired by normalize: the value before is an example too
        e = draw(emails)
        return e.replace("@", " @"), [("email", e)]
    if kind == "phone":
        p = draw(phones)
        return p, [("phone", p)]
    if kind == "name":
        f, la = draw(names)
        return f"{f} {la}", [("name", f), ("name", la)]
    if kind == "tax_id":
        t = draw(tax_ids)
        return t, [("digits", t)]
    if kind == "street":
        s = draw(streets)
        return s, [("street", s)]
    e, p, (f, la) = draw(emails), draw(phones), draw(names)
    return f"{f} {la}: call me at {e} or {p}", [("email", e), ("phone", p), ("name", f), ("name", la)]


RULES = "extends: default\ncolumns:\n" + "".join(f"  {c}: {r}\n" for c, r in COLUMNS.items() if r)
RULES += "validate:\n" + "".join(
    f"  - {{check: regex, column: {c}, pattern: 'x^', severity: warning, name: all_{c}}}\n" for c in COLUMNS
)
RULES += "  - {check: unique, columns: [email, phone, notes], severity: warning, name: same_contact}\n"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    path = tmp_path_factory.mktemp("rules") / "everything.yaml"
    path.write_text(RULES, encoding="utf-8")
    return load_rules(path)


_RUN = re.compile(r"\d[\d\s().\-/+]*\d")


def _fold(text: str) -> str:
    return text.casefold()


def leaks(output: str, pieces: list[tuple[str, str]]) -> list[str]:
    folded = _fold(output)
    runs = {re.sub(r"\D", "", r) for r in _RUN.findall(output)}
    found = []
    for kind, text in pieces:
        if kind in ("phone", "digits"):
            number = re.sub(r"\D", "", text)
            if any(number in run for run in runs) or text.casefold() in folded:
                found.append(text)
        elif kind == "email":
            local = text.split("@")[0]
            if text.casefold() in folded or (len(local) >= 4 and local.casefold() in folded):
                found.append(text)
        elif kind == "name":
            if re.search(rf"(?<!\w){re.escape(_fold(text))}(?!\w)", folded):
                found.append(text)
        else:  # a street: its name, as a whole word
            for word in re.findall(r"[^\W\d_]{4,}", text):
                named = word in STREETS or any(word in s.split() for s in STREETS)
                if named and re.search(rf"(?<!\w){re.escape(_fold(word))}(?!\w)", folded):
                    found.append(word)
    return found


def _frame(cells: list[list[tuple[str, list]]]) -> tuple[Table, list[tuple[str, str]]]:
    data: dict[str, list] = {ROW: list(range(1, len(cells) + 1))}
    pieces = []
    for i, column in enumerate(COLUMNS):
        data[column] = [row[i][0] for row in cells]
        for row in cells:
            pieces += row[i][1]
    frame = pl.DataFrame(data, schema={ROW: pl.Int64, **dict.fromkeys(COLUMNS, pl.String)})
    return Table(frame, "export.csv", "csv", "utf-8", ","), pieces


ROWS = st.lists(st.lists(pii(), min_size=len(COLUMNS), max_size=len(COLUMNS)), min_size=2, max_size=4)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ROWS)
def test_no_format_shows_personal_data_in_any_column(loaded, cells):
    table, pieces = _frame(cells)
    validated = check_table(table, loaded)
    report = build_report(validated, rules=loaded.rules)
    assert report.counts["warnings"] >= table.frame.height * len(COLUMNS)  # every value is a finding
    for fmt in FORMATS:
        output = render(report, fmt, width=1000)
        assert leaks(output, pieces) == [], f"{fmt} shows personal data"


@settings(max_examples=5, deadline=None)
@given(ROWS)
def test_show_values_shows_them(loaded, cells):
    """The leak detector above does see the values when they are shown."""
    table, pieces = _frame(cells)
    report = build_report(check_table(table, loaded), rules=loaded.rules, show_values=True)
    for fmt in FORMATS:
        assert leaks(render(report, fmt, width=1000), pieces), fmt
