"""Reproducible generator of messy multilingual CRM exports with ground truth.

    python -m benchmarks.generate --rows 100000 --seed 7 --out /tmp/bench

writes ``customers.csv`` (the export), ``truth.csv`` (row -> entity_id), ``defects.csv`` (seeded
defects), ``duplicates.csv`` (how each extra record of an entity was corrupted),
``hard_negatives.csv`` (look-alike pairs that are *different* customers) and ``meta.json``.

Everything is driven by one ``random.Random(seed)``: the same arguments give byte-identical
files. All name, street, company and city lists below were written for this module.
See ``benchmarks/README.md`` for the file formats and the corruption and defect kinds.
"""

from __future__ import annotations

import argparse
import codecs
import gc
import json
import sys
import time
import unicodedata
from bisect import bisect
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import accumulate
from pathlib import Path
from random import Random
from typing import Any

import polars as pl
from anyascii import anyascii

GENERATOR_VERSION = "2.0.0"

COLUMNS: tuple[str, ...] = (
    "customer_id", "first_name", "middle_name", "last_name", "full_name", "email", "phone",
    "company", "job_title", "street", "city", "postal_code", "country", "birth_date",
    "created_at", "updated_at", "tax_id", "segment",
)  # fmt: skip
(C_ID, C_FIRST, C_MIDDLE, C_LAST, C_FULL, C_EMAIL, C_PHONE, C_COMPANY, C_JOB, C_STREET, C_CITY,
 C_POSTAL, C_COUNTRY, C_BIRTH, C_CREATED, C_UPDATED, C_TAX, C_SEGMENT) = range(len(COLUMNS))  # fmt: skip

#: Locale codes. ``us`` and ``uk`` together are the "en" share.
LOCALES: tuple[str, ...] = ("ru", "ua", "vn", "br", "us", "uk")
LOCALE_WEIGHTS: tuple[float, ...] = (30, 15, 20, 20, 9, 6)
#: phonenumbers region to parse a locale's phone numbers with.
PHONE_REGION: dict[str, str] = {
    "ru": "RU", "ua": "UA", "vn": "VN", "br": "BR", "us": "US", "uk": "GB"
}  # fmt: skip

#: "Today" of the synthetic export: timestamps lie before it, future birth dates after it.
REF_DATE = date(2025, 6, 30)
_T0 = datetime(2015, 1, 1)
_SPAN = int((datetime(REF_DATE.year, REF_DATE.month, REF_DATE.day) - _T0).total_seconds())
_BIRTH_LO = date(1940, 1, 1).toordinal()
_BIRTH_HI = date(2006, 12, 31).toordinal()

B2B_SHARE = 0.25
# tax ids: company kind per locale; personal kind and the share of B2C customers that have one
_ORG_TAX = {"ru": "inn10", "ua": "edrpou", "vn": "mst", "br": "cnpj", "us": "ein", "uk": "gbvat"}
_PERSON_TAX = {"ru": "inn12", "ua": "rnokpp", "br": "cpf", "vn": "mst"}
_PERSON_TAX_SHARE = {"ru": 0.25, "ua": 0.3, "br": 0.75, "vn": 0.1}
P_HOUSEHOLD, P_NAMESAKE, P_COLLEAGUE = 0.025, 0.02, 0.03

# Identity keys a duplicate must keep (bit flags).
K_EMAIL, K_PHONE, K_NAMEBD, K_TAX = 1, 2, 4, 8
_KEY_NAMES = ((K_EMAIL, "email"), (K_PHONE, "phone"), (K_NAMEBD, "name+birth_date"),
              (K_TAX, "tax_id"))  # fmt: skip
_POP = [bin(i).count("1") for i in range(16)]


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------
def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def _w(s: str) -> list[str]:
    """Whitespace separated words."""
    return [_nfc(x) for x in s.split()]


def _p(s: str) -> list[str]:
    """'|' separated items (items may contain spaces)."""
    return [_nfc(x.strip()) for x in s.split("|") if x.strip()]


class _Pick:
    """Weighted choice driven by a ``random()`` callable."""

    __slots__ = ("cum", "items", "last", "total")

    def __init__(self, items: list[Any], weights: list[float] | None = None, zipf: float = 0.0):
        if weights is None:
            weights = [1.0 / (i + 1) ** zipf for i in range(len(items))]
        self.items = list(items)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]
        self.last = len(self.items) - 1

    def __call__(self, rnd) -> Any:
        i = bisect(self.cum, rnd() * self.total)
        return self.items[i if i <= self.last else self.last]

    def index(self, rnd) -> int:
        i = bisect(self.cum, rnd() * self.total)
        return i if i <= self.last else self.last


def _wt(s: str) -> list[tuple[str, float]]:
    """'word:weight word:weight' -> [(word, weight), ...]."""
    return [(_nfc(w), float(x)) for w, x in (item.split(":") for item in s.split())]


def _pw(pairs: list[tuple[Any, float]]) -> _Pick:
    return _Pick([a for a, _ in pairs], [b for _, b in pairs])


_FOLD_CACHE: dict[str, str] = {}


def fold(s: str) -> str:
    """Drop diacritics (Vietnamese, Portuguese; ё -> е); keeps Cyrillic letters otherwise."""
    r = _FOLD_CACHE.get(s)
    if r is None:
        t = unicodedata.normalize("NFD", s)
        t = "".join(c for c in t if unicodedata.category(c) != "Mn")
        r = unicodedata.normalize("NFC", t).replace("đ", "d").replace("Đ", "D")
        if len(_FOLD_CACHE) < 200_000:
            _FOLD_CACHE[s] = r
    return r


# Cyrillic -> Latin. Scheme 1 is the popular one ("Dmitriy", "Yuliya", "Sergiy"),
# scheme 2 the passport one ("Dmitrii", "Iuliia", "Serhii").
_RU_LAT = "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya"
_RU1 = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _RU_LAT.split(), strict=True))
_RU2 = dict(_RU1, й="i", ю="iu", я="ia", ъ="ie")
_UA1 = dict(_RU1, г="g", и="y", і="i", ї="yi", й="y", є="ye", ґ="g", х="kh", ю="yu", я="ya")
_UA2 = dict(_RU1, г="h", и="y", і="i", ї="i", й="i", є="ie", ґ="g", ю="iu", я="ia")
_UA2_START = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
_TL_TABLES = {("ru", 1): (_RU1, {}), ("ru", 2): (_RU2, {}), ("ua", 1): (_UA1, {}),
              ("ua", 2): (_UA2, _UA2_START)}  # fmt: skip
_TL_CACHE: dict[tuple[str, int, str], str] = {}


def translit(s: str, loc: str, scheme: int = 1) -> str:
    """Transliterate Cyrillic ``s`` (locale ru/ua) to Latin with one of two schemes."""
    key = (loc, scheme, s)
    r = _TL_CACHE.get(key)
    if r is not None:
        return r
    table, start = _TL_TABLES[(loc, scheme)]
    out = []
    prev_letter = False
    for ch in s:
        lo = ch.lower()
        t = start.get(lo) if (start and not prev_letter) else None
        if t is None:
            t = table.get(lo)
        if t is None:
            out.append(ch if ch not in "'’" else "")
            prev_letter = ch.isalpha()
            continue
        t = t.replace("_", "")
        if ch != lo and t:
            t = t[0].upper() + t[1:]
        out.append(t)
        prev_letter = True
    r = "".join(out)
    if len(_TL_CACHE) < 200_000:
        _TL_CACHE[key] = r
    return r


_TOKEN_CACHE: dict[tuple[str, str], str] = {}


def _ascii_token(s: str, loc: str) -> str:
    """Lower-case ASCII token for e-mail local parts and domains."""
    r = _TOKEN_CACHE.get((s, loc))
    if r is None:
        t = translit(s, loc, 1) if loc in ("ru", "ua") else fold(s)
        r = "".join(c for c in t.lower() if "a" <= c <= "z" or "0" <= c <= "9")
        if len(_TOKEN_CACHE) < 100_000:
            _TOKEN_CACHE[(s, loc)] = r
    return r


_CYR_RU = "абвгдежзийклмнопрстуфхцчшыэюя"
_CYR_UA = "абвгдежзиійклмнопрстуфхцчшщьюяєї"
_LAT = "abcdefghijklmnopqrstuvwxyz"


def _typo(s: str, rnd, alphabet: str) -> str:
    """One insert/delete/substitute/transpose, never on the first letter."""
    n = len(s)
    if n < 3:
        return s + alphabet[int(rnd() * len(alphabet))]
    i = 1 + int(rnd() * (n - 1))
    op = int(rnd() * 4)
    c = alphabet[int(rnd() * len(alphabet))]
    if op == 0:
        return s[:i] + c + s[i:]
    if op == 1 and n > 3:
        return s[:i] + s[i + 1 :]
    if op == 3 and i + 1 < n and s[i] != s[i + 1]:
        return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    if c == s[i].lower():
        c = alphabet[(alphabet.find(c) + 1) % len(alphabet)]
    return s[:i] + c + s[i + 1 :]


# --------------------------------------------------------------------------------------------
# dates
# --------------------------------------------------------------------------------------------
def _d_dot(y: int, m: int, d: int) -> str:
    return f"{d:02d}.{m:02d}.{y:04d}"


def _d_slash(y: int, m: int, d: int) -> str:
    return f"{d:02d}/{m:02d}/{y:04d}"


def _d_us(y: int, m: int, d: int) -> str:
    return f"{m:02d}/{d:02d}/{y:04d}"


def _d_iso(y: int, m: int, d: int) -> str:
    return f"{y:04d}-{m:02d}-{d:02d}"


_DFMT = (_d_dot, _d_slash, _d_us, _d_iso)
F_DOT, F_SLASH, F_US, F_ISO = range(4)


# --------------------------------------------------------------------------------------------
# check digits (verified against python-stdnum in tests/benchmarks/test_generate.py)
# --------------------------------------------------------------------------------------------
def _digits(rnd, k: int) -> str:
    return f"{int(rnd() * 10**k):0{k}d}"


def inn10(body9: str) -> str:
    w = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    return body9 + str(sum(a * int(b) for a, b in zip(w, body9, strict=False)) % 11 % 10)


def inn12(body10: str) -> str:
    w1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
    s = body10 + str(sum(a * int(b) for a, b in zip(w1, body10, strict=False)) % 11 % 10)
    w2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
    return s + str(sum(a * int(b) for a, b in zip(w2, s, strict=False)) % 11 % 10)


def cpf(body9: str) -> str:
    s = body9
    for n in (10, 11):
        t = sum(int(c) * (n - i) for i, c in enumerate(s)) * 10 % 11 % 10
        s += str(t)
    return s


def cnpj(body12: str) -> str:
    s = body12
    for w in ((5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2), (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)):
        s += str((11 - sum(a * int(b) for a, b in zip(w, s, strict=False))) % 11 % 10)
    return s


def edrpou(body7: str) -> str:
    w = [7, 1, 2, 3, 4, 5, 6] if body7[0] in "345" else [1, 2, 3, 4, 5, 6, 7]
    t = sum(a * int(b) for a, b in zip(w, body7, strict=False)) % 11
    if t >= 10:
        t = sum((a + 2) * int(b) for a, b in zip(w, body7, strict=False)) % 11 % 10
    return body7 + str(t)


def rnokpp(body9: str) -> str:
    w = (-1, 5, 7, 9, 4, 6, 10, 5, 7)
    return body9 + str(sum(a * int(b) for a, b in zip(w, body9, strict=False)) % 11 % 10)


def mst(body9: str) -> str | None:
    """Vietnamese MST; None when no check digit exists for this body."""
    w = (31, 29, 23, 19, 17, 13, 7, 5, 3)
    t = sum(a * int(b) for a, b in zip(w, body9, strict=False)) % 11
    return None if t == 0 or body9[2:] == "0000000" else body9 + str(10 - t)


def gb_vat(body7: str) -> str:
    w = (8, 7, 6, 5, 4, 3, 2)
    return body7 + f"{(-sum(a * int(b) for a, b in zip(w, body7, strict=False))) % 97:02d}"


_EIN_PREFIXES = _w("""01 02 03 04 05 06 10 11 12 13 14 15 16 20 21 22 23 24 25 26 27 30 32 33 34
 35 36 37 38 39 40 41 42 43 44 45 46 47 48 50 51 52 53 54 55 56 57 58 59 60 61 62 63 64 65 66 67
 68 71 72 73 74 75 76 77 80 81 82 83 84 85 86 87 88 90 91 92 93 94 95 98 99""")
_EIN_BAD_PREFIXES = _w("07 08 09 17 18 19 28 29 49 69 70 78 79 89 96 97")
_RU_REGIONS = _w("77 78 50 66 54 16 52 74 63 55 61 02 24 59 36 34 23 72 42 38")
_VN_PROVINCES = _w("01 03 04 02 05 06 08 10 15 18 22 23 25 26 27 28 31 32 33 35 37 40 42 45")


# --------------------------------------------------------------------------------------------
# locale data
# --------------------------------------------------------------------------------------------
RU_MALE = _w("""Александр Сергей Дмитрий Андрей Алексей Максим Евгений Иван Михаил Артём Владимир
 Николай Денис Павел Роман Игорь Олег Никита Кирилл Антон Виктор Юрий Илья Вадим Константин Егор
 Даниил Руслан Станислав Владислав Вячеслав Георгий Борис Василий Григорий Тимур Матвей Фёдор
 Леонид Степан Пётр Семён Геннадий Валерий Виталий Ярослав""")
RU_FEMALE = _w("""Елена Ольга Наталья Татьяна Анна Ирина Екатерина Мария Светлана Юлия Анастасия
 Марина Дарья Ксения Виктория Александра Людмила Галина Надежда Валентина Евгения Алина Полина
 Кристина Вера Любовь Лариса Оксана Алёна Вероника Маргарита Елизавета София Яна Нина Тамара
 Жанна Инна Диана Карина Ульяна Валерия Раиса Алла""")
RU_LAST = _w("""Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов
 Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров
 Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин
 Фролов Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов
 Ковалёв Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов
 Богданов Осипов Сидоров Матвеев Титов Марков Миронов Крылов Куликов Карпов Власов Мельников
 Денисов Гаврилов Тихонов Казаков Афанасьев Данилов Щербаков Калинин Голубев Пономарёв Журавлёв
 Островский Вишневский Покровский Толстой Черных Ким Шевчук""")
_RU_PATR_EXC = {"Дмитрий": "Дмитриевич", "Георгий": "Георгиевич", "Игорь": "Игоревич",
                "Илья": "Ильич", "Никита": "Никитич", "Михаил": "Михайлович",
                "Павел": "Павлович", "Пётр": "Петрович", "Лев": "Львович"}  # fmt: skip


def _ru_patronymics(name: str) -> tuple[str, str]:
    m = _RU_PATR_EXC.get(name)
    if m is None:
        if name.endswith("ий"):
            m = name[:-2] + "ьевич"
        elif name.endswith("й"):
            m = name[:-1] + "евич"
        else:
            m = name + "ович"
    if m.endswith("ович") or m.endswith("евич"):
        f = m[:-2] + "на"
    elif m == "Ильич":
        f = "Ильинична"
    else:
        f = m + "на"  # Никитич -> Никитична
    return m, f


def _ru_last_form(last: str, g: int) -> str:
    if g == 0:
        return last
    if last.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return last + "а"
    if last.endswith(("ский", "цкий", "ой")):
        return last[:-2] + "ая"
    return last


UA_MALE = _w("""Олександр Андрій Сергій Володимир Дмитро Іван Микола Віктор Юрій Олег Василь Михайло
 Ігор Максим Богдан Тарас Роман Павло Петро Євген Віталій Анатолій Степан Ярослав Денис Назар
 Остап Руслан Вадим Ростислав Артем Данило Кирило Григорій Федір Леонід Матвій Тимофій Мирослав
 Орест Святослав Валентин Захар Арсен""")
UA_FEMALE = _w("""Олена Наталія Тетяна Ірина Оксана Юлія Світлана Марія Ольга Катерина Анна Людмила
 Галина Вікторія Анастасія Надія Віра Любов Лариса Ганна Христина Софія Дарина Богдана Леся
 Мирослава Ярослава Олеся Іванна Валентина Алла Інна Аліна Діана Марта Уляна Яна Євгенія Зоряна
 Соломія Віталіна Роксолана""")
UA_LAST = _w("""Шевченко Коваленко Бондаренко Ткаченко Кравченко Олійник Шевчук Коваль Поліщук Бойко
 Ткачук Мельник Лисенко Мороз Руденко Савченко Петренко Марченко Павленко Клименко Кравчук
 Кузьменко Левченко Гончаренко Савчук Харченко Карпенко Власенко Сидоренко Федоренко Литвиненко
 Онищенко Романенко Юрченко Мазур Приходько Кушнір Гуменюк Гнатюк Панченко Костенко Тимошенко
 Ященко Пономаренко Дмитренко Захарченко Остапенко Гриценко Білик Дяченко Іваненко Семенко
 Степаненко Кириленко Головко Кучер Тарасенко Зінченко Процюк Стасюк Яковенко Вовк Козак
 Гордієнко Демченко Назаренко Швець Прокопенко Бабенко Ковальчук Пилипенко Ярош Сорока
 Ковальський Вишневський Грушевський Лук'яненко""")
_UA_PATR_EXC = {"Микола": ("Миколайович", "Миколаївна"), "Федір": ("Федорович", "Федорівна")}


def _ua_patronymics(name: str) -> tuple[str, str]:
    if name in _UA_PATR_EXC:
        return _UA_PATR_EXC[name]
    if name.endswith("ій"):
        return name + "ович", name[:-1] + "ївна"
    if name.endswith("о"):
        return name[:-1] + "ович", name[:-1] + "івна"
    if name.endswith("ь"):
        return name + "ович", name[:-1] + "івна"
    return name + "ович", name + "івна"


def _ua_last_form(last: str, g: int) -> str:
    if g == 1 and last.endswith(("ський", "цький")):
        return last[:-2] + "а"
    return last


VN_LAST_W = _wt("""Nguyễn:38 Trần:11 Lê:9.5 Phạm:7 Hoàng:4 Huỳnh:4 Phan:4.5 Vũ:3 Võ:3 Đặng:2.1
 Bùi:2 Đỗ:1.4 Hồ:1.3 Ngô:1.3 Dương:1 Lý:0.5""")
VN_LAST_RARE = _w("""Đào Đoàn Vương Trịnh Trương Lâm Phùng Mai Tô Hà Tạ Quách Lương Lưu Cao Châu Thái
 Triệu Tăng Từ Kiều Đinh Chu Lục La Mạc Văn Khổng Thân Tống Diệp Lạc Ninh Bạch Hứa Nghiêm Âu
 Giang Kim Lã Mẫn Nông Phó Quan Sơn Tôn Ông Doãn Khúc Viên Hàn Thạch Trang Lò Hầu""")
VN_MIDDLE_M = _wt("Văn:40 Hữu:10 Đức:10 Minh:10 Quang:8 Công:6 Thành:6 Xuân:4 Ngọc:3 Hoàng:3 Anh:3 Tuấn:2")
VN_MIDDLE_F = _wt("Thị:50 Ngọc:10 Thu:8 Thanh:8 Kim:5 Mai:4 Phương:5 Hồng:5 Bích:3 Minh:2")
VN_MALE = _w("""An Anh Bảo Bình Cường Dũng Đạt Đức Hải Hiếu Hoàng Hùng Huy Khang Khánh Khoa Kiên
 Lâm Long Lộc Minh Nam Nghĩa Nhân Phát Phong Phúc Quân Quang Sơn Tài Tâm Thắng Thành Thiện Tiến
 Toàn Trí Trung Tuấn Tùng Việt Vinh Vũ Duy Hưng""")
VN_FEMALE = _w("""Anh Chi Dung Giang Hà Hạnh Hằng Hiền Hoa Hồng Hương Huyền Lan Liên Linh Loan Ly
 Mai My Nga Ngân Ngọc Nhung Nhi Oanh Phương Quyên Quỳnh Tâm Thảo Thu Thủy Trang Trinh Tuyết Uyên
 Vân Vy Yến Diệp Nhàn Châu""")

BR_MALE = _w("""José João Antônio Francisco Carlos Paulo Pedro Lucas Luiz Marcos Luís Gabriel Rafael
 Daniel Marcelo Bruno Eduardo Felipe Raimundo Rodrigo Manoel Mateus André Fernando Fábio Leonardo
 Gustavo Guilherme Leandro Tiago Anderson Ricardo Márcio Jorge Sebastião Alexandre Roberto Sérgio
 Cláudio Vinícius Diego Thiago Júlio Renato Otávio Caio Henrique""")
BR_FEMALE = _w("""Maria Ana Francisca Antônia Adriana Juliana Márcia Fernanda Patrícia Aline Sandra
 Camila Amanda Bruna Jéssica Letícia Júlia Luciana Vanessa Mariana Gabriela Vera Vitória Larissa
 Cláudia Beatriz Rita Luana Sônia Renata Eliane Raquel Simone Débora Tatiane Priscila Daniela
 Carolina Isabela Lúcia Natália Helena Rosângela Conceição""")
# surname/particle ("da Silva", "dos Santos"); a trailing "!" makes the particle near-mandatory.
BR_LAST = [
    tuple(x.split("/")) if "/" in x else (x, "")
    for x in _w("""Silva/da Santos/dos
 Oliveira/de Souza/de Rodrigues Ferreira Alves Pereira Lima/de Gomes Costa/da Ribeiro Martins
 Carvalho/de Almeida/de Lopes Soares Fernandes Vieira Barbosa Rocha/da Dias Nascimento/do
 Andrade/de Moreira Nunes Marques Machado Mendes Freitas/de Cardoso Ramos Gonçalves Santana
 Teixeira Araújo/de Pinto Correia Cavalcanti Monteiro Moura/de Castro Campos Azevedo/de Barros
 Batista Borges Cunha/da Melo/de Farias Fonseca/da Guimarães Medeiros Miranda Moraes/de Nogueira
 Pires Queiroz Reis/dos Sales Siqueira Tavares Jesus/de! Conceição/da! Paula/de! Assis/de! Xavier
 Brito Aguiar Bezerra Leite Macedo""")
]

EN_MALE = _w("""James John Robert Michael William David Richard Joseph Thomas Charles Christopher
 Daniel Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy
 Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Oliver Harry Jack
 Benjamin Samuel Henry Peter Alexander Patrick""")
EN_FEMALE = _w("""Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy
 Betty Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie
 Rebecca Sharon Laura Cynthia Katherine Amy Olivia Emma Sophie Charlotte Grace Hannah Lucy
 Victoria Rachel Megan Abigail""")
EN_LAST = _w("""Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Wilson
 Anderson Taylor Thomas Moore Jackson Martin Lee Thompson White Harris Clark Lewis Robinson Walker
 Young Allen King Wright Scott Hill Green Adams Baker Nelson Carter Mitchell Roberts Turner
 Phillips Campbell Parker Evans Edwards Collins Stewart Morris Murphy Cook Rogers Morgan Cooper
 Peterson Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood Watson Brooks Hughes Price
 O'Brien Walsh Patel Khan Davies Jenkins""")


def _nick(s: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in s.split():
        k, v = item.split(":")
        out[_nfc(k)] = [_nfc(x) for x in v.split(",")]
    return out


NICKNAMES: dict[str, dict[str, list[str]]] = {
    "ru": _nick("""Александр:Саша,Шура Дмитрий:Дима Алексей:Лёша,Алёша Сергей:Серёжа Михаил:Миша
 Николай:Коля Владимир:Вова,Володя Евгений:Женя Иван:Ваня Павел:Паша Андрей:Андрюша
 Константин:Костя Вячеслав:Слава Станислав:Стас Владислав:Влад Григорий:Гриша Борис:Боря
 Юрий:Юра Виктор:Витя Пётр:Петя Роман:Рома Максим:Макс Екатерина:Катя Елена:Лена Мария:Маша
 Наталья:Наташа Ольга:Оля Татьяна:Таня Анастасия:Настя Юлия:Юля Светлана:Света Анна:Аня
 Ирина:Ира Александра:Саша Евгения:Женя Дарья:Даша Ксения:Ксюша Виктория:Вика Людмила:Люда
 Надежда:Надя Валентина:Валя Галина:Галя Елизавета:Лиза Маргарита:Рита Любовь:Люба"""),
    "ua": _nick("""Олександр:Сашко,Саша Володимир:Вова,Володя Микола:Коля Дмитро:Діма Іван:Іванко
 Андрій:Андрійко Юрій:Юра Михайло:Михась Богдан:Бодя Ярослав:Ярик Тарас:Тарасик Петро:Петрик
 Олена:Оленка Наталія:Наталка,Наташа Тетяна:Таня Катерина:Катя Марія:Марічка Юлія:Юля
 Ганна:Ганнуся Галина:Галя Ольга:Оля Ірина:Іра Христина:Христя Соломія:Соля Олеся:Леся"""),
    "br": _nick("""José:Zé Francisco:Chico Antônio:Toninho,Tonho João:Joãozinho Eduardo:Edu,Dudu
 Fernando:Nando Rafael:Rafa Gabriel:Biel Guilherme:Gui Alexandre:Xande Roberto:Beto
 Carlos:Carlinhos Raimundo:Mundinho Sebastião:Tião Vinícius:Vini Fernanda:Nanda Juliana:Ju
 Gabriela:Gabi Mariana:Mari Patrícia:Paty Beatriz:Bia Francisca:Chica Isabela:Bela
 Daniela:Dani Carolina:Carol"""),
    "en": _nick("""William:Bill,Will Robert:Bob,Rob Richard:Rick,Dick James:Jim,Jimmy John:Jack,Johnny
 Michael:Mike Thomas:Tom Joseph:Joe Charles:Charlie,Chuck Christopher:Chris Daniel:Dan,Danny
 Matthew:Matt Anthony:Tony Steven:Steve Andrew:Andy,Drew Kenneth:Ken Timothy:Tim Edward:Ed,Ted
 Jeffrey:Jeff Nicholas:Nick Jonathan:Jon Benjamin:Ben Samuel:Sam Alexander:Alex Patrick:Pat
 Elizabeth:Liz,Beth Margaret:Maggie,Peggy Patricia:Pat,Patty Jennifer:Jen,Jenny Susan:Sue
 Deborah:Debbie Kimberly:Kim Rebecca:Becky Katherine:Kate,Kathy Jessica:Jess Stephanie:Steph
 Cynthia:Cindy Victoria:Vicky Abigail:Abby Barbara:Barb"""),
    "vn": {},
}
NICKNAMES["us"] = NICKNAMES["uk"] = NICKNAMES["en"]


# cities: (names (first is canonical, others are alternative spellings), postal lo, postal hi,
#          weight, fixed-line prefixes of the national significant number)
def _cities(spec: str) -> list[tuple[list[str], int, int, float, list[str]]]:
    out = []
    for line in spec.strip().splitlines():
        names, lo, hi, w, pref = (x.strip() for x in line.split(";"))
        out.append((_p(names), int(lo), int(hi), float(w), pref.split()))
    return out


RU_CITIES = _cities("""
Москва|г. Москва; 101000; 129999; 30; 495 499
Санкт-Петербург|г. Санкт-Петербург|СПб; 190000; 199406; 14; 812
Новосибирск; 630000; 630132; 5; 383
Екатеринбург|г. Екатеринбург; 620000; 620146; 5; 343
Казань; 420000; 420140; 5; 843
Нижний Новгород|Н. Новгород; 603000; 603163; 4; 831
Челябинск; 454000; 454138; 4; 351
Самара; 443000; 443125; 4; 846
Омск; 644000; 644123; 3; 381
Ростов-на-Дону|Ростов-на-дону; 344000; 344113; 4; 863
Уфа; 450000; 450112; 3; 347
Красноярск; 660000; 660135; 3; 391
Пермь; 614000; 614113; 3; 342
Воронеж; 394000; 394094; 3; 473
Волгоград; 400000; 400138; 3; 844
""")
UA_CITIES = _cities("""
Київ|м. Київ|Киев; 1001; 4655; 30; 44
Харків|м. Харків; 61001; 61204; 10; 57
Одеса|м. Одеса; 65001; 65125; 8; 48
Дніпро|м. Дніпро; 49000; 49128; 8; 56
Львів|м. Львів; 79000; 79071; 8; 32
Запоріжжя; 69001; 69124; 5; 61
Вінниця; 21001; 21050; 4; 43
Полтава; 36000; 36040; 3; 53
Чернігів; 14000; 14040; 3; 46
Івано-Франківськ; 76000; 76019; 3; 34
""")
VN_CITIES = _cities("""
TP. Hồ Chí Minh|Hồ Chí Minh|TP.HCM; 700000; 760000; 35; 283 285 286 287 288 289
Hà Nội|TP. Hà Nội; 100000; 155000; 30; 242 243 246 247
Đà Nẵng; 550000; 559999; 8; 236
Hải Phòng; 180000; 189999; 7; 225
Cần Thơ; 900000; 909999; 5; 292
Huế; 530000; 539999; 4; 234
Nha Trang; 650000; 659999; 4; 258
Biên Hòa; 810000; 819999; 4; 251
Vũng Tàu; 790000; 799999; 3; 254
""")
BR_CITIES = _cities("""
São Paulo|Sao Paulo|São Paulo - SP; 1000000; 5999999; 30; 11
Rio de Janeiro|Rio de Janeiro - RJ; 20000000; 23799999; 15; 21
Belo Horizonte|BH; 30000000; 31999999; 8; 31
Brasília|Brasilia; 70000000; 72799999; 7; 61
Salvador; 40000000; 42599999; 7; 71
Fortaleza; 60000000; 61599999; 6; 85
Curitiba; 80000000; 82999999; 6; 41
Recife; 50000000; 52999999; 5; 81
Porto Alegre; 90000000; 91999999; 5; 51
Manaus; 69000000; 69099999; 4; 92
Campinas; 13000000; 13139999; 3; 19
Belém; 66000000; 66999999; 3; 91
Goiânia; 74000000; 74899999; 3; 62
""")
US_CITIES = _cities("""
New York|New York City|NYC; 10001; 10292; 25; 212 646 718 917
Los Angeles|LA; 90001; 90089; 12; 213 310 323
Chicago; 60601; 60661; 10; 312 773
Houston; 77001; 77099; 8; 713 832
Boston; 2108; 2137; 8; 617 857
San Francisco|SF; 94102; 94134; 8; 415 628
Seattle; 98101; 98199; 6; 206
Miami; 33101; 33199; 6; 305 786
Austin; 78701; 78759; 5; 512 737
Denver; 80201; 80239; 5; 303 720
Newark; 7101; 7199; 4; 973 862
Hartford; 6101; 6199; 3; 860
""")
UK_CITIES = _cities("""
London; 0; 0; 45; 207 208 203
Manchester; 0; 0; 12; 1612 1613 1614 1615 1617 1618 1619
Birmingham; 0; 0; 12; 1212 1213 1214 1215 1217
Leeds; 0; 0; 7; 1132 1133 1134 1135
Glasgow; 0; 0; 7; 1412 1413 1414 1415 1417
Edinburgh; 0; 0; 6; 1312 1313 1314 1315 1317
Bristol; 0; 0; 6; 1172 1173 1174 1179
Liverpool; 0; 0; 5; 1512 1513 1514 1515 1517
""")
UK_OUTWARD = {
    "London": _w("SW1A SW3 SW11 SE1 SE10 E1 E14 EC1A EC2M N1 N7 NW1 NW3 W1D W2 W8 WC1E WC2H"),
    "Manchester": _w("M1 M2 M4 M13 M14 M20 M21"),
    "Birmingham": _w("B1 B2 B5 B15 B29"),
    "Leeds": _w("LS1 LS2 LS6 LS11"),
    "Glasgow": _w("G1 G2 G3 G12"),
    "Edinburgh": _w("EH1 EH2 EH3 EH10"),
    "Bristol": _w("BS1 BS2 BS8"),
    "Liverpool": _w("L1 L2 L3 L17"),
}
_UK_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

MOBILE_PREFIXES = {
    "ru": _w("""903 905 906 909 910 912 913 915 916 917 919 920 921 922 925 926 927 929 931 950 951
 952 953 960 961 962 963 964 965 977 980 981 985 999"""),
    "ua": _w("50 63 66 67 68 73 93 95 96 97 98 99"),
    "vn": _w("90 91 93 94 96 97 98 86 88 70 76 77 78 79 81 82 83 84 85 32 33 34 35 36 37 38 39"),
    "br": [],  # area code + 9 + [6-9]
    "us": [],  # city area code
    "uk": _w("""7412 7423 7435 7440 7468 7479 7480 7495 7500 7512 7538 7546 7557 7568 7583 7590 7710
 7722 7734 7747 7752 7766 7774 7788 7790 7801 7815 7826 7833 7846 7852 7867 7875 7889 7894 7903
 7912 7920 7931 7944 7956 7960 7973 7985 7999"""),
}
NSN_LEN = {"ru": 10, "ua": 9, "vn": 9, "br": 11, "us": 10, "uk": 10}
FIXED_LEN = {"ru": 10, "ua": 9, "vn": 10, "br": 10, "us": 10, "uk": 10}


# phone formats: lists of (function(nsn) -> str, weight)
def _ru_phone(n: str, f: int) -> str:
    a, b, c, d = n[:3], n[3:6], n[6:8], n[8:]
    return (f"+7 {a} {b}-{c}-{d}", f"8 ({a}) {b}-{c}-{d}", "8" + n, "+7" + n,
            f"+7 ({a}) {b}-{c}-{d}", f"8-{a}-{b}-{c}-{d}", "7" + n)[f]  # fmt: skip


def _ua_phone(n: str, f: int) -> str:
    a, b, c, d = n[:2], n[2:5], n[5:7], n[7:]
    return (f"+380 {a} {b} {c}{d}", f"0{a}-{b}-{c}-{d}", "0" + n, "+380" + n,
            f"(0{a}) {b}-{c}-{d}", f"38 0{a} {b} {c} {d}", "380" + n)[f]  # fmt: skip


def _vn_phone(n: str, f: int) -> str:
    if len(n) == 10:  # fixed line: area code 24/28 or 3 digits, then subscriber
        k = 2 if n[:2] in ("24", "28") else 3
        a, r = n[:k], n[k:]
        b, c = r[:-4], r[-4:]
        return (f"+84 {a} {b} {c}", "0" + n, f"0{a} {b} {c}", "+84" + n, f"0{a}.{b}.{c}",
                f"(0{a}) {b} {c}", "84" + n)[f]  # fmt: skip
    a, b, c = n[:3], n[3:6], n[6:]
    return (f"+84 {a} {b} {c}", "0" + n, f"0{a} {b} {c}", "+84" + n, f"0{a}.{b}.{c}",
            f"(+84) {a} {b} {c}", "84" + n)[f]  # fmt: skip


def _br_phone(n: str, f: int) -> str:
    a, b, c = n[:2], n[2:-4], n[-4:]
    return (f"({a}) {b}-{c}", f"+55 {a} {b}-{c}", n, "+55" + n, f"{a} {b}-{c}", f"0{a} {b}-{c}",
            f"({a}) {b} {c}")[f]  # fmt: skip


def _us_phone(n: str, f: int) -> str:
    a, b, c = n[:3], n[3:6], n[6:]
    return (f"+1 ({a}) {b}-{c}", f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", "+1" + n,
            f"1-{a}-{b}-{c}", f"+1 {a}-{b}-{c}")[f]  # fmt: skip


def _uk_phone(n: str, f: int) -> str:
    if n[:2] == "20":
        g = (n[:2], n[2:6], n[6:])
    elif n[0] == "7":
        g = (n[:4], n[4:])
    else:
        g = (n[:3], n[3:6], n[6:])
    s = " ".join(g)
    return (f"+44 {s}", f"0{s}", "+44" + n, "0" + n, f"(0{g[0]}) " + " ".join(g[1:]),
            f"+44 (0){s}", f"0044 {s}")[f]  # fmt: skip


PHONE_FMT = {"ru": _ru_phone, "ua": _ua_phone, "vn": _vn_phone, "br": _br_phone,
             "us": _us_phone, "uk": _uk_phone}  # fmt: skip
PHONE_FMT_W = {
    "ru": [30, 25, 15, 10, 10, 5, 5], "ua": [35, 20, 20, 10, 8, 4, 3],
    "vn": [20, 35, 20, 10, 8, 4, 3], "br": [45, 20, 12, 8, 8, 2, 5],
    "us": [15, 45, 20, 8, 8, 2, 2], "uk": [25, 40, 10, 15, 5, 3, 2],
}  # fmt: skip

STREET_TYPES = {
    "ru": [("улица", "ул."), ("проспект", "пр-т"), ("переулок", "пер."), ("бульвар", "б-р"),
           ("шоссе", "ш.")],
    "ua": [("вулиця", "вул."), ("проспект", "просп."), ("провулок", "пров."),
           ("бульвар", "бульв.")],
    "vn": [("Đường", "Đ."), ("Phố", "P.")],
    "br": [("Rua", "R."), ("Avenida", "Av."), ("Travessa", "Tv."), ("Alameda", "Al.")],
    "us": [("Street", "St"), ("Avenue", "Ave"), ("Road", "Rd"), ("Boulevard", "Blvd"),
           ("Drive", "Dr"), ("Lane", "Ln"), ("Court", "Ct")],
    "uk": [("Street", "St"), ("Road", "Rd"), ("Lane", "Ln"), ("Avenue", "Ave"), ("Close", "Cl"),
           ("Gardens", "Gdns"), ("Crescent", "Cres")],
}  # fmt: skip
STREET_TYPE_W = {"ru": [75, 10, 8, 4, 3], "ua": [75, 12, 8, 5], "vn": [70, 30],
                 "br": [70, 20, 5, 5], "us": [40, 25, 12, 6, 8, 5, 4],
                 "uk": [40, 35, 8, 7, 4, 3, 3]}  # fmt: skip
STREET_NAMES = {
    "ru": _p("""Ленина|Мира|Советская|Гагарина|Пушкина|Садовая|Московская|Лесная|Школьная|Октябрьская|
 Молодёжная|Центральная|Набережная|Победы|Кирова|Чехова|Тверская|Профсоюзная|Ломоносова|
 Маяковского|Лермонтова|Комсомольская|Первомайская|Строителей|Заводская|Суворова|Жукова|Есенина|
 Горького|Новая"""),
    "ua": _p("""Шевченка|Франка|Лесі Українки|Грушевського|Хмельницького|Сагайдачного|Соборна|
 Незалежності|Садова|Київська|Героїв Майдану|Володимирська|Січових Стрільців|Бандери|Коновальця|
 Мазепи|Городоцька|Личаківська|Пушкінська|Сумська|Дерибасівська|Шкільна|Центральна|Миру|Перемоги|
 Зелена|Липова|Калинова|Гоголя|Богуна"""),
    "vn": _p("""Nguyễn Huệ|Lê Lợi|Trần Hưng Đạo|Hai Bà Trưng|Lý Thường Kiệt|Điện Biên Phủ|Võ Văn Tần|
 Pasteur|Cách Mạng Tháng Tám|Phan Đình Phùng|Hoàng Diệu|Quang Trung|Bà Triệu|Nguyễn Trãi|Lê Duẩn|
 Nguyễn Thị Minh Khai|Trần Phú|Hùng Vương|Lạc Long Quân|Phạm Văn Đồng|Nguyễn Văn Linh|Võ Thị Sáu|
 Lê Thánh Tôn|Đinh Tiên Hoàng|Tôn Đức Thắng|Bạch Đằng|Hàng Bài|Kim Mã|Giải Phóng|Lê Văn Sỹ"""),
    "br": _p("""Augusta|das Flores|XV de Novembro|Sete de Setembro|Tiradentes|Dom Pedro II|
 Barão do Rio Branco|Getúlio Vargas|Santos Dumont|São João|da Consolação|Oscar Freire|Haddock Lobo|
 Voluntários da Pátria|Paulista|Brasil|Rio Branco|Afonso Pena|Boa Viagem|Presidente Vargas|
 Marechal Deodoro|das Palmeiras|dos Andradas|da Independência|Amazonas|Bahia|Pernambuco|Ipiranga|
 Goiás|São Bento"""),
    "us": _p("""Main|Oak|Pine|Maple|Cedar|Elm|Washington|Lake|Hill|Park|Sunset|Lincoln|Jefferson|
 Madison|Franklin|Highland|Spring|Church|Market|Mill|River|Walnut|Chestnut|Center|Jackson|Adams|
 Ridge|Meadow|Forest|Valley"""),
    "uk": _p("""High|Baker|Station|Church|Victoria|Green|Manor|Park|Queen's|King's|Mill|London|Oxford|
 Albert|Windsor|Grange|North|Chapel|Springfield|Richmond|York|Castle|Bridge|Market|Abbey|Elm|Oak|
 Cedar|Willow|Baker"""),
}
_FEMININE_STREETS = frozenset(
    [x for x in STREET_NAMES["ru"] if x.endswith("ая")]
    + _w("Соборна Садова Київська Шкільна Центральна Зелена Липова Калинова Городоцька Личаківська")
    + _w("Пушкінська Сумська Дерибасівська Володимирська")
)
N_STREET_STYLES = {"ru": 3, "ua": 3, "vn": 4, "br": 3, "us": 3, "uk": 3}


def _street(loc: str, st: tuple[int, str, str, str], style: int) -> str:
    t, name, house, flat = st
    full, abbr = STREET_TYPES[loc][t]
    if loc == "ru":
        if style == 0:
            return f"{abbr} {name}, д. {house}" + (f", кв. {flat}" if flat else "")
        if style == 1:
            return f"{full} {name}, дом {house}" + (f", квартира {flat}" if flat else "")
        return f"{abbr} {name}, {house}" + (f"-{flat}" if flat else "")
    if loc == "ua":
        if style == 0:
            return f"{abbr} {name}, {house}" + (f", кв. {flat}" if flat else "")
        if style == 1:
            return f"{full} {name}, буд. {house}" + (f", кв. {flat}" if flat else "")
        return f"{abbr} {name}, {house}" + (f"/{flat}" if flat else "")
    if loc == "vn":
        if flat:
            house = f"{house}/{flat}"
        if style == 0:
            return f"{house} {name}"
        if style == 1:
            return f"{house} {full} {name}"
        if style == 2:
            return f"Số {house} {full.lower()} {name}"
        return f"{house} {abbr} {name}"
    if loc == "br":
        if style == 0:
            return f"{full} {name}, {house}" + (f", apto {flat}" if flat else "")
        if style == 1:
            return f"{abbr} {name}, {house}" + (f" - ap. {flat}" if flat else "")
        return f"{full} {name} {house}" + (f" apto {flat}" if flat else "")
    if loc == "us":
        if style == 0:
            return f"{house} {name} {full}" + (f", Apt {flat}" if flat else "")
        if style == 1:
            return f"{house} {name} {abbr}" + (f" Apt {flat}" if flat else "")
        return f"{house} {name} {abbr}." + (f", #{flat}" if flat else "")
    # uk
    if style == 0:
        return (f"Flat {flat}, " if flat else "") + f"{house} {name} {full}"
    if style == 1:
        return (f"Flat {flat}, " if flat else "") + f"{house} {name} {abbr}"
    return (f"{flat}/" if flat else "") + f"{house} {name} {full}"


COUNTRIES = {
    "ru": _pw([("Россия", 50), ("RU", 15), ("Russia", 10), ("Российская Федерация", 10),
               ("РФ", 5), ("", 10)]),
    "ua": _pw([("Україна", 55), ("UA", 15), ("Ukraine", 15), ("Украина", 5), ("", 10)]),
    "vn": _pw([("Việt Nam", 45), ("Vietnam", 20), ("VN", 15), ("Viet Nam", 10), ("", 10)]),
    "br": _pw([("Brasil", 60), ("BR", 15), ("Brazil", 15), ("", 10)]),
    "us": _pw([("USA", 35), ("US", 20), ("United States", 25), ("United States of America", 10),
               ("", 10)]),
    "uk": _pw([("UK", 35), ("United Kingdom", 30), ("GB", 15), ("England", 10),
               ("Great Britain", 5), ("", 5)]),
}  # fmt: skip

EMAIL_DOMAINS = {
    "ru": _pw([("mail.ru", 30), ("yandex.ru", 25), ("gmail.com", 20), ("bk.ru", 5), ("list.ru", 5),
               ("inbox.ru", 4), ("rambler.ru", 5), ("ya.ru", 6)]),
    "ua": _pw([("ukr.net", 35), ("gmail.com", 40), ("i.ua", 10), ("meta.ua", 5),
               ("outlook.com", 5), ("yahoo.com", 5)]),
    "vn": _pw([("gmail.com", 60), ("yahoo.com", 15), ("yahoo.com.vn", 8), ("outlook.com", 7),
               ("hotmail.com", 10)]),
    "br": _pw([("gmail.com", 45), ("hotmail.com", 15), ("bol.com.br", 10), ("uol.com.br", 10),
               ("yahoo.com.br", 8), ("outlook.com", 7), ("terra.com.br", 5)]),
    "us": _pw([("gmail.com", 45), ("yahoo.com", 15), ("outlook.com", 12), ("hotmail.com", 8),
               ("icloud.com", 10), ("aol.com", 5), ("comcast.net", 5)]),
    "uk": _pw([("gmail.com", 40), ("hotmail.co.uk", 15), ("outlook.com", 12), ("yahoo.co.uk", 10),
               ("btinternet.com", 10), ("icloud.com", 8), ("sky.com", 5)]),
}  # fmt: skip
_PLUS_DOMAINS = frozenset(
    "gmail.com outlook.com hotmail.com yandex.ru ya.ru icloud.com hotmail.co.uk".split()
)
_PLUS_TAGS = _w("crm shop promo news 2020 orders work")
COMPANY_TLD = {"ru": ".ru", "ua": ".com.ua", "vn": ".vn", "br": ".com.br", "us": ".com",
               "uk": ".co.uk"}  # fmt: skip

# legal forms: list of (weight, [rendering variants]); "{}" is the company name
LEGAL_FORMS = {
    "ru": [(70, ["ООО «{}»", 'ООО "{}"', "ООО {}", "Общество с ограниченной ответственностью «{}»"]),
           (15, ["АО «{}»", 'АО "{}"', "АО {}", "Акционерное общество «{}»"]),
           (5, ["ПАО «{}»", 'ПАО "{}"', "ПАО {}", "Публичное акционерное общество «{}»"]),
           (10, ["ЗАО «{}»", 'ЗАО "{}"', "ЗАО {}", "Закрытое акционерное общество «{}»"])],
    "ua": [(70, ['ТОВ "{}"', "ТОВ «{}»", "ТОВ {}",
                 'Товариство з обмеженою відповідальністю "{}"']),
           (15, ['ПП "{}"', "ПП «{}»", "ПП {}", 'Приватне підприємство "{}"']),
           (10, ['ПрАТ "{}"', "ПрАТ «{}»", "ПрАТ {}", 'Приватне акціонерне товариство "{}"']),
           (5, ['АТ "{}"', "АТ «{}»", "АТ {}", 'Акціонерне товариство "{}"'])],
    "vn": [(55, ["Công ty TNHH {}", "Công ty Trách nhiệm hữu hạn {}", "CÔNG TY TNHH {}",
                 "Cty TNHH {}"]),
           (25, ["Công ty Cổ phần {}", "Công ty CP {}", "CÔNG TY CỔ PHẦN {}", "Cty CP {}"]),
           (15, ["Công ty TNHH MTV {}", "Công ty TNHH Một thành viên {}", "CÔNG TY TNHH MTV {}",
                 "Cty TNHH MTV {}"]),
           (5, ["Doanh nghiệp tư nhân {}", "DNTN {}", "DOANH NGHIỆP TƯ NHÂN {}", "DNTN {}"])],
    "br": [(60, ["{} Ltda", "{} Ltda.", "{} LTDA", "{} Limitada"]),
           (15, ["{} S.A.", "{} S/A", "{} SA", "{} S.A"]),
           (15, ["{} ME", "{} - ME", "{} Me", "{} Microempresa"]),
           (10, ["{} EIRELI", "{} Eireli", "{} - EIRELI", "{} EIRELI"])],
    "us": [(45, ["{} LLC", "{}, LLC", "{} L.L.C.", "{} llc"]),
           (30, ["{} Inc.", "{}, Inc.", "{} Inc", "{} Incorporated"]),
           (15, ["{} Corp.", "{} Corporation", "{} Corp", "{} CORP"]),
           (10, ["{} Co.", "{} Company", "{} Co", "{} CO."])],
    "uk": [(85, ["{} Ltd", "{} Limited", "{} Ltd.", "{} LTD"]),
           (15, ["{} PLC", "{} plc", "{} Public Limited Company", "{} P.L.C."])],
}  # fmt: skip
COMPANY_STYLE_W = [55, 20, 10, 15]
SOLE_FORMS = {
    "ru": ["ИП {l} {f} {m}", "ИП {l} {fi}. {mi}.", "Индивидуальный предприниматель {l} {f} {m}",
           "ИП {l} {fi}.{mi}."],
    "ua": ["ФОП {l} {f} {m}", "ФОП {l} {fi}. {mi}.", "Фізична особа-підприємець {l} {f} {m}",
           "ФОП {l} {fi}.{mi}."],
}  # fmt: skip


def _combo(pre: str, suf: str, sep: str = "") -> list[str]:
    return [a + sep + b for a in _w(pre) for b in _w(suf)]


COMPANY_NAMES = {
    "ru": _w("""Ромашка Вектор Альфа Гранит Север Восток Меридиан Импульс Прогресс Сибирь Волга
 Радуга Феникс Атлант Спектр Горизонт Магистраль Орион Полюс Берёзка Кристалл Рассвет Титан
 Эталон Парус""")
    + _combo(
        "Строй Техно Агро Мед Авто Энерго Транс Пром Инвест Торг Сиб Урал Нева Фарм Лес",
        "Сервис Инвест Торг Групп Маркет Систем Трейд Комплект Снаб Проект Монтаж Логистик",
    ),
    "ua": _w("""Світанок Київбуд Укрпостач Карпати Поділля Оберіг Злагода Будмайстер Техносвіт
 Агросвіт Дніпро Полісся Калина Вишиванка Гетьман Січ Явір Джерело Смерека Весна""")
    + _combo(
        "Буд Агро Техно Укр Мед Транс Енерго Торг Хліб Метал",
        "сервіс інвест торг постач буд маркет проект трейд",
    ),
    "vn": [
        a + " " + b
        for a in _w("Minh Phú Hưng Thành Tân Việt Đại Kim Hoàng Sao Bình An Trường")
        for b in _w("Phát Quý Thịnh Công Phú Tiến Dương Long Gia Mai Minh Khang Thành")
    ]
    + _p("""Thương mại Hòa Bình|Xây dựng Thành Công|Dịch vụ Phương Nam|Công nghệ Sao Việt|
 Vận tải Bắc Nam|Thực phẩm An Khang|Đầu tư Đông Á|Thương mại Dịch vụ Tân Phú"""),
    "br": [
        a + " " + b
        for a in _p("""Padaria|Construtora|Comercial|Transportadora|Farmácia|Auto Peças|
 Distribuidora|Mercado|Oficina|Clínica|Papelaria|Restaurante|Materiais de Construção|Informática|
 Imobiliária|Agropecuária|Confecções|Tecnologia""")
        for b in _p("""Pão Quente|Horizonte|Boa Vista|Estrela|São Jorge|Bela Vista|Nova Era|
 Santa Luzia|Progresso|Primavera|Aliança|Bom Jesus|Real|Paulista|Mineira|Gaúcha|do Vale|Central|
 Sol Nascente|Três Irmãos""")
    ],
    "us": _w("Acme Globex Initech Umbrella Hooli Vandelay")
    + [
        a + " " + b
        for a in _p("""Summit|Blue Ridge|Pioneer|Northwind|Riverside|Evergreen|Keystone|
 Lakeside|Redwood|Silver Oak|Granite|Harbor|Liberty|Frontier|Cascade|Sterling|Oakmont|Bayview""")
        for b in _w("Logistics Consulting Solutions Systems Foods Supply Holdings Partners Labs")
    ],
    "uk": [
        a + " " + b
        for a in _p("""Thames|Pennine|Albion|Kestrel|Heritage|Highland|Crown|Oakley|
 Marlow|Brookfield|Ashdown|Cotswold|Mersey|Severn|Wessex|Northgate""")
        for b in _w("Consulting Engineering Logistics Foods Trading Solutions Estates Group")
    ],
}

JOB_TITLES = {
    "ru": _p("""Менеджер|Менеджер по продажам|Главный бухгалтер|Бухгалтер|Генеральный директор|Директор|
 Инженер|Ведущий специалист|Специалист по закупкам|Руководитель отдела|Юрист|Экономист|Программист|
 Логист|Администратор"""),
    "ua": _p("""Менеджер|Менеджер з продажу|Головний бухгалтер|Бухгалтер|Директор|Генеральний директор|
 Інженер|Провідний спеціаліст|Фахівець із закупівель|Керівник відділу|Юрист|Економіст|Програміст|
 Логіст"""),
    "vn": _p("""Giám đốc|Phó Giám đốc|Kế toán trưởng|Kế toán|Nhân viên kinh doanh|Trưởng phòng|
 Trưởng phòng kinh doanh|Nhân viên mua hàng|Kỹ sư|Lập trình viên|Chuyên viên|Thư ký"""),
    "br": _p("""Gerente|Gerente Comercial|Diretor|Diretora Financeira|Analista de Compras|Contador|
 Assistente Administrativo|Engenheiro|Vendedor|Coordenador de Logística|Sócio-Administrador|
 Advogado|Analista de Sistemas"""),
    "us": _p("""Sales Manager|CEO|Accountant|Purchasing Manager|Software Engineer|Office Manager|
 Operations Director|Account Executive|CFO|Procurement Specialist|Marketing Manager|Founder|
 Consultant|HR Manager"""),
}
JOB_TITLES["uk"] = JOB_TITLES["us"]

# date formats a locale uses for birth dates: (format id, weight)
BIRTH_FMTS = {
    "ru": _pw([(F_DOT, 80), (F_ISO, 20)]), "ua": _pw([(F_DOT, 80), (F_ISO, 20)]),
    "vn": _pw([(F_SLASH, 75), (F_ISO, 20), (F_DOT, 5)]),
    "br": _pw([(F_SLASH, 70), (F_DOT, 15), (F_ISO, 15)]),
    "us": _pw([(F_US, 85), (F_ISO, 15)]), "uk": _pw([(F_SLASH, 85), (F_ISO, 15)]),
}  # fmt: skip
FULL_STYLES = {  # 0 = empty
    "ru": _pw([(0, 15), (1, 55), (2, 20), (3, 10)]), "ua": _pw([(0, 15), (1, 55), (2, 20), (3, 10)]),
    "vn": _pw([(0, 15), (1, 80), (2, 5)]), "br": _pw([(0, 15), (1, 85)]),
    "us": _pw([(0, 15), (1, 60), (2, 15), (3, 10)]), "uk": _pw([(0, 15), (1, 60), (2, 15), (3, 10)]),
}  # fmt: skip
N_FULL_STYLES = {"ru": 4, "ua": 4, "vn": 3, "br": 2, "us": 4, "uk": 4}


def _full_name(loc: str, style: int, f: str, m: str, last: str) -> str:
    if style == 0:
        return ""
    if loc in ("ru", "ua"):
        parts = ((last, f, m), (f, last), (f, m, last))[style - 1]
    elif loc == "vn":
        parts = (last, m, f) if style == 1 else (f, last)
    elif loc == "br":
        parts = (f, m, last)
    else:
        if style == 3:
            return f"{last}, {f}"
        parts = (f, last) if style == 1 else (f, m, last)
    return " ".join(x for x in parts if x)


# tax id kinds -> (number of display formats)
TAX_FORMATS = {"inn": 1, "cpf": 2, "cnpj": 2, "edrpou": 1, "rnokpp": 1, "mst": 1, "ein": 2,
               "gbvat": 3}  # fmt: skip


def _tax_render(kind: str, t: str, style: int) -> str:
    if kind == "cpf" and style == 0:
        return f"{t[:3]}.{t[3:6]}.{t[6:9]}-{t[9:]}"
    if kind == "cnpj" and style == 0:
        return f"{t[:2]}.{t[2:5]}.{t[5:8]}/{t[8:12]}-{t[12:]}"
    if kind == "ein" and style == 0:
        return f"{t[:2]}-{t[2:]}"
    if kind == "gbvat":
        if style == 0:
            return "GB" + t
        if style == 1:
            return f"GB {t[:3]} {t[3:7]} {t[7:]}"
        return f"{t[:3]} {t[3:7]} {t[7:]}"
    return t


TAX_STYLE_W = {"cpf": [60, 40], "cnpj": [70, 30], "ein": [85, 15], "gbvat": [60, 25, 15]}
_TAX_STYLE_PICK = {k: _Pick(list(range(len(w))), w) for k, w in TAX_STYLE_W.items()}


class _Locale:
    """Per-locale pickers (built once at import)."""

    def __init__(self, code: str):
        self.code = code
        if code == "ru":
            self.male = _Pick(RU_MALE, zipf=0.8)
            self.female = _Pick(RU_FEMALE, zipf=0.8)
            self.last = _Pick(RU_LAST, zipf=0.7)
            self.fathers = _Pick([_ru_patronymics(n) for n in RU_MALE], zipf=0.6)
        elif code == "ua":
            self.male = _Pick(UA_MALE, zipf=0.8)
            self.female = _Pick(UA_FEMALE, zipf=0.8)
            self.last = _Pick(UA_LAST, zipf=0.7)
            self.fathers = _Pick([_ua_patronymics(n) for n in UA_MALE], zipf=0.6)
        elif code == "vn":
            self.male = _Pick(VN_MALE, zipf=0.6)
            self.female = _Pick(VN_FEMALE, zipf=0.6)
            self.last = _pw(VN_LAST_W + [(x, 0.2) for x in VN_LAST_RARE])
            self.mid_m = _pw(VN_MIDDLE_M)
            self.mid_f = _pw(VN_MIDDLE_F)
        elif code == "br":
            self.male = _Pick(BR_MALE, zipf=0.8)
            self.female = _Pick(BR_FEMALE, zipf=0.8)
            self.last = _Pick(BR_LAST, zipf=0.9)
        else:
            self.male = _Pick(EN_MALE, zipf=0.7)
            self.female = _Pick(EN_FEMALE, zipf=0.7)
            self.last = _Pick(EN_LAST, zipf=0.8)
        table = {"ru": RU_CITIES, "ua": UA_CITIES, "vn": VN_CITIES, "br": BR_CITIES,
                 "us": US_CITIES, "uk": UK_CITIES}[code]  # fmt: skip
        self.cities = table
        self.city = _Pick(list(range(len(table))), [c[3] for c in table])
        self.street_type = _Pick(list(range(len(STREET_TYPES[code]))), STREET_TYPE_W[code])
        self.street_name = _Pick(STREET_NAMES[code], zipf=0.5)
        self.country = COUNTRIES[code]
        self.domain = EMAIL_DOMAINS[code]
        self.legal = _Pick(list(range(len(LEGAL_FORMS[code]))), [w for w, _ in LEGAL_FORMS[code]])
        self.company = _Pick(COMPANY_NAMES[code], zipf=0.5)
        self.job = _Pick(JOB_TITLES[code], zipf=0.4)
        self.birth_fmt = BIRTH_FMTS[code]
        self.full_style = FULL_STYLES[code]
        self.phone_fmt = _Pick(list(range(7)), PHONE_FMT_W[code])
        self.mobile = MOBILE_PREFIXES[code]
        self.nick = NICKNAMES[code]


_LOC = {c: _Locale(c) for c in LOCALES}
_LOC_PICK = _Pick(list(LOCALES), list(LOCALE_WEIGHTS))
_COMPANY_STYLE = _Pick([0, 1, 2, 3], COMPANY_STYLE_W)
_EMAIL_PATTERNS = _Pick(list(range(11)), [25, 12, 8, 8, 6, 12, 6, 10, 5, 4, 4])
_EMAIL_B2B_PATTERNS = _Pick(list(range(4)), [50, 25, 10, 15])
_N_DUPS = _Pick([1, 2, 3], [60, 30, 10])
_N_CORR = _Pick([0, 1, 2, 3, 4], [4, 24, 36, 26, 10])

# corruption kinds: name -> (weight, damaged key bits)
CORRUPTIONS: dict[str, tuple[float, int]] = {
    "name_typo": (10, K_NAMEBD), "translit": (9, K_NAMEBD), "name_case": (6, 0),
    "drop_diacritics": (9, 0), "nickname": (6, K_NAMEBD), "name_swap": (3, K_NAMEBD),
    "phone_format": (12, 0), "email_variant": (10, 0), "blank_phone": (5, K_PHONE),
    "blank_email": (5, K_EMAIL), "older_updated": (6, 0), "street_abbrev": (8, 0),
    "date_format": (4, 0), "tax_format": (3, 0), "company_variant": (5, 0),
    "country_variant": (5, 0), "city_variant": (3, 0), "full_name_variant": (5, 0),
    # people move and change numbers: a new phone (the phone key breaks), a new street and postal code
    "phone_changed": (4, K_PHONE), "moved": (4, 0),
}  # fmt: skip

#: Addresses typed when the customer gave none, shared by unrelated customers (never an identity key).
PLACEHOLDER_EMAILS = {
    "ru": ["noemail@mail.ru", "net@mail.ru", "test@test.ru", "no@email.com"],
    "ua": ["noemail@ukr.net", "test@test.com", "no@email.com"],
    "vn": ["noemail@gmail.com", "khongco@gmail.com", "test@test.com", "no@email.com"],
    "br": ["semEmail@gmail.com", "naotem@naotem.com.br", "test@test.com", "noemail@gmail.com"],
    "us": ["noemail@gmail.com", "none@none.com", "test@test.com", "no@email.com"],
    "uk": ["noemail@gmail.com", "none@none.com", "test@test.com", "no@email.com"],
}
P_PLACEHOLDER = 0.02  # share of B2C customers with a placeholder e-mail
P_FAMILY_EMAIL = 0.35  # share of household members who use the e-mail of the person they live with
#: Share of customers with a birth date (B2C, B2B); Vietnamese CRM records carry it less often.
P_BIRTH = {"vn": (0.55, 0.3)}

# defect kinds: name -> weight
DEFECTS: dict[str, float] = {
    "invalid_email": 18, "invalid_phone": 16, "bad_date": 12, "future_date": 8,
    "missing_required": 10, "bad_tax_id": 10, "whitespace": 14, "case": 12,
}  # fmt: skip
_DEFECT_PICK = _Pick(list(DEFECTS), list(DEFECTS.values()))


# --------------------------------------------------------------------------------------------
# the generator
# --------------------------------------------------------------------------------------------
@dataclass
class Dataset:
    """Everything one run produces (frames use strings; blanks are null in ``export``)."""

    export: pl.DataFrame
    truth: pl.DataFrame
    defects: pl.DataFrame
    duplicates: pl.DataFrame
    hard_negatives: pl.DataFrame
    locale: pl.Series
    meta: dict[str, Any] = field(default_factory=dict)


class _Gen:
    def __init__(self, rows: int, seed: int, dup_rate: float, defect_rate: float):
        if rows < 0:
            raise ValueError("rows must be >= 0")
        if not 0.0 <= dup_rate <= 1.0 or not 0.0 <= defect_rate <= 1.0:
            raise ValueError("dup_rate and defect_rate must lie in [0, 1]")
        self.rows, self.seed = rows, seed
        self.dup_rate, self.defect_rate = dup_rate, defect_rate
        self.rng = Random(seed)
        self.rnd = self.rng.random
        self.used_email: set[str] = set()
        self.used_phone: set[str] = set()
        self.used_tax: set[str] = set()
        # per record
        self.recs: list[list[str]] = []
        self.r_ent: list[int] = []
        self.r_loc: list[str] = []
        self.r_dmg: list[int] = []
        self.r_bfmt: list[int] = []
        self.r_taxk: list[str] = []
        self.r_taxp: list[bool] = []
        self.r_created: list[int] = []  # seconds after _T0, rendered in frames()
        self.r_updated: list[int] = []
        self.dups: list[tuple[int, int, list[str]]] = []  # (dup rec, base rec, corruptions)
        self.ent_avail: list[int] = [0]  # entity ids start at 1
        self.ent_recs: dict[int, list[int]] = {}  # only entities with more than one record
        self.hard: list[tuple[int, int, str]] = []
        self.pool_b2c: dict[str, list[tuple[int, dict]]] = {c: [] for c in LOCALES}
        self.pool_org: dict[str, list[tuple[int, dict]]] = {c: [] for c in LOCALES}
        self.defects: list[tuple[int, str, str]] = []

    # ---- entity attributes -------------------------------------------------------------
    def _names(self, L: _Locale, g: int) -> tuple[str, str, str, str]:
        rnd = self.rnd
        loc = L.code
        first = (L.male if g == 0 else L.female)(rnd)
        if loc in ("ru", "ua"):
            middle = L.fathers(rnd)[g] if rnd() < 0.92 else ""
            last_m = L.last(rnd)
            last = _ru_last_form(last_m, g) if loc == "ru" else _ua_last_form(last_m, g)
        elif loc == "vn":
            middle = (L.mid_m if g == 0 else L.mid_f)(rnd) if rnd() < 0.95 else ""
            last_m = last = L.last(rnd)
        elif loc == "br":
            middle = (L.male if g == 0 else L.female)(rnd) if rnd() < 0.25 else ""
            parts = []
            for _ in range(1 if rnd() < 0.55 else 2):
                s, part = L.last(rnd)
                if part.endswith("!"):
                    part = part[:-1] if rnd() < 0.95 else ""
                elif part and rnd() < 0.5:
                    part = ""
                parts.append(f"{part} {s}" if part else s)
            if len(parts) == 2 and parts[0] == parts[1]:
                parts.pop()
            last_m = last = " ".join(parts)
        else:
            u = rnd()
            if u < 0.15:
                middle = (L.male if g == 0 else L.female)(rnd)[0] + "."
            elif u < 0.3:
                middle = (L.male if g == 0 else L.female)(rnd)
            else:
                middle = ""
            last_m = last = L.last(rnd)
        if middle == first:
            middle = ""
        return first, middle, last, last_m

    def _nsn(self, L: _Locale, city: int, fixed: bool) -> str:
        rnd, loc = self.rnd, L.code
        used = self.used_phone
        for _ in range(50):
            if loc == "br":
                area = L.cities[city][4][0]
                n = (area + str(int(rnd() * 4) + 2) + _digits(rnd, 7) if fixed
                     else area + "9" + str(6 + int(rnd() * 4)) + _digits(rnd, 7))  # fmt: skip
            elif loc == "us":
                pref = L.cities[city][4]
                n = pref[int(rnd() * len(pref))] + str(2 + int(rnd() * 8)) + _digits(rnd, 6)
            else:
                pref = L.cities[city][4] if fixed else L.mobile
                p = pref[int(rnd() * len(pref))]
                n = p + _digits(rnd, (FIXED_LEN if fixed else NSN_LEN)[loc] - len(p))
            if n not in used:
                used.add(n)
                return n
        raise RuntimeError("phone number space exhausted")  # pragma: no cover

    def _email(self, L: _Locale, first: str, last: str, year: int, domain: str | None) -> str:
        rnd, loc = self.rnd, L.code
        f = _ascii_token(first, loc) or "client"
        last_tok = last.split()[-1] if last else ""
        lt = _ascii_token(last_tok, loc) or "x"
        yy = f"{year % 100:02d}" if year else f"{int(rnd() * 100):02d}"
        if domain is None:
            pat = _EMAIL_PATTERNS.index(rnd)
            if pat < 5:
                sep = (".", "", ".", ".", "_")[pat]
                local = f"{f[0]}.{lt}" if pat == 2 else (f"{lt}.{f}" if pat == 3 else f + sep + lt)
            elif pat == 5:
                local = f"{f}.{lt}{yy}"
            elif pat == 6:
                local = f"{lt}{year or 1960 + int(rnd() * 45)}"
            elif pat == 7:
                local = f"{f}{lt}{1 + int(rnd() * 99)}"
            elif pat == 8:
                local = f + lt[0]
            elif pat == 9:
                local = f"{lt}_{f[0]}"
            else:
                local = f + yy
            domain = L.domain(rnd)
        else:
            pat = _EMAIL_B2B_PATTERNS.index(rnd)
            local = (f"{f}.{lt}", f"{f[0]}.{lt}", f, f"{lt}{f[0]}")[pat]
        used = self.used_email
        for attempt in range(100):
            cand = local if attempt == 0 else f"{local}{int(rnd() * 10 ** (1 + attempt // 10))}"
            key = cand.replace(".", "") + "@" + domain
            if key not in used:
                used.add(key)
                return f"{cand}@{domain}"
        raise RuntimeError("e-mail space exhausted")  # pragma: no cover

    def _tax(self, kind: str, birth: int, g: int) -> str:
        rnd, used = self.rnd, self.used_tax
        for _ in range(100):
            if kind == "inn10":
                t = inn10(_RU_REGIONS[int(rnd() * len(_RU_REGIONS))] + _digits(rnd, 7))
            elif kind == "inn12":
                t = inn12(_RU_REGIONS[int(rnd() * len(_RU_REGIONS))] + _digits(rnd, 8))
            elif kind == "cpf":
                t = cpf(_digits(rnd, 9))
                if len(set(t)) == 1:
                    continue
            elif kind == "cnpj":
                t = cnpj(_digits(rnd, 8) + "0001")
                if t.startswith("00000000"):
                    continue
            elif kind == "edrpou":
                t = edrpou(str(int(rnd() * 4)) + _digits(rnd, 6))
            elif kind == "rnokpp":
                days = (birth or _BIRTH_LO + int(rnd() * (_BIRTH_HI - _BIRTH_LO))) - 693595
                serial = _digits(rnd, 3) + str(int(rnd() * 5) * 2 + (1 if g == 0 else 0))
                t = rnokpp(f"{days:05d}" + serial)
            elif kind == "mst":
                m = mst(_VN_PROVINCES[int(rnd() * len(_VN_PROVINCES))] + _digits(rnd, 7))
                if m is None:
                    continue
                t = m
            elif kind == "ein":
                t = _EIN_PREFIXES[int(rnd() * len(_EIN_PREFIXES))] + _digits(rnd, 7)
            else:  # gbvat
                t = gb_vat(str(1 + int(rnd() * 9)) + _digits(rnd, 6))
            if t not in used:
                used.add(t)
                return t
        raise RuntimeError("tax id space exhausted")  # pragma: no cover

    def _postal(self, L: _Locale, city: int) -> str:
        rnd, loc = self.rnd, L.code
        names, lo, hi, _, _ = L.cities[city]
        if loc == "uk":
            out = UK_OUTWARD[names[0]]
            a = _UK_INWARD_LETTERS
            return (f"{out[int(rnd() * len(out))]} {int(rnd() * 10)}"
                    f"{a[int(rnd() * len(a))]}{a[int(rnd() * len(a))]}")  # fmt: skip
        n = lo + int(rnd() * (hi - lo + 1))
        if loc == "br":
            return f"{n // 1000:05d}-{n % 1000:03d}" if rnd() < 0.8 else f"{n:08d}"
        if loc == "us":
            return f"{n:05d}" if rnd() < 0.93 else f"{n:05d}-{_digits(rnd, 4)}"
        return f"{n:0{5 if loc == 'ua' else 6}d}"

    def _street_parts(self, L: _Locale) -> tuple[int, str, str, str]:
        rnd, loc = self.rnd, L.code
        t = L.street_type.index(rnd)
        name = L.street_name(rnd)
        if t and name in _FEMININE_STREETS:  # "Садовая улица", never "Садовая переулок"
            t = 0
        if loc in ("ru", "ua"):
            house = str(1 + int(rnd() * 150))
            flat = str(1 + int(rnd() * 300)) if rnd() < 0.7 else ""
        elif loc == "vn":
            house = str(1 + int(rnd() * 400))
            flat = str(1 + int(rnd() * 30)) if rnd() < 0.25 else ""
        elif loc == "br":
            house = str(1 + int(rnd() * 3000))
            flat = str(10 * (1 + int(rnd() * 20)) + 1 + int(rnd() * 4)) if rnd() < 0.35 else ""
        elif loc == "us":
            house = str(1 + int(rnd() * 9999))
            flat = (str(1 + int(rnd() * 30)) + "ABCD"[int(rnd() * 4)]) if rnd() < 0.3 else ""
        else:
            house = str(1 + int(rnd() * 300)) + ("B" if rnd() < 0.04 else "")
            flat = str(1 + int(rnd() * 20)) if rnd() < 0.25 else ""
        return t, name, house, flat

    def _timestamps(self) -> tuple[int, int]:
        rnd = self.rnd
        c = int(rnd() * (_SPAN - 3600))
        u = c if rnd() < 0.3 else c + int(rnd() * (_SPAN - c))
        return c, u

    def _person(self, loc: str, b2b: bool, names: tuple | None = None, g: int | None = None,
                company: dict | None = None) -> dict:  # fmt: skip
        """A fresh customer. ``names`` = (first, middle, last, last_m) to reuse a name;
        ``company`` = the company fields of a colleague to share."""
        rnd = self.rnd
        L = _LOC[loc]
        if g is None:
            g = 0 if rnd() < 0.5 else 1
        first, middle, last, last_m = names if names else self._names(L, g)
        city = L.city.index(rnd)
        birth = 0
        p_b2c, p_b2b = P_BIRTH.get(loc, (0.88, 0.45))
        if rnd() < (p_b2b if b2b else p_b2c):
            birth = _BIRTH_LO + int(rnd() * (_BIRTH_HI - _BIRTH_LO))
        year = date.fromordinal(birth).year if birth else 0
        created, updated = self._timestamps()
        p = {
            "loc": loc, "g": g, "first": first, "middle": middle, "last": last, "last_m": last_m,
            "full": L.full_style(rnd), "case": 0, "tr": 0, "fold": False, "swap": False,
            "email": "", "nsn": "", "pfmt": L.phone_fmt.index(rnd), "co": None, "co_style": 0,
            "job": "", "st": None, "st_style": int(rnd() * N_STREET_STYLES[loc]),
            "city": city, "city_alt": 0, "postal": "", "country": L.country(rnd),
            "birth": birth, "bfmt": L.birth_fmt(rnd), "created": created, "updated": updated,
            "tax": "", "taxk": "", "tax_style": 0, "tax_personal": False,
            "seg": "B2B" if b2b else "B2C", "email_shared": False,
        }  # fmt: skip
        if len(L.cities[city][0]) > 1 and rnd() < 0.3:
            p["city_alt"] = 1 + int(rnd() * (len(L.cities[city][0]) - 1))
        domain = None
        if company is not None:
            p.update(company)
            domain = company["_domain"]
            del p["_domain"]
        elif b2b:
            sole = loc in ("ru", "ua") and rnd() < (0.2 if loc == "ru" else 0.25)
            if sole:
                if not p["middle"]:
                    p["middle"] = middle = L.fathers(rnd)[g]
                p["co"] = ("sole", 0, (last, first, middle))
                p["co_style"] = _COMPANY_STYLE.index(rnd)
                if rnd() < 0.95:
                    self._set_tax(p, "inn12" if loc == "ru" else "rnokpp", True)
            else:
                root = L.company(rnd)
                p["co"] = ("org", L.legal.index(rnd), root)
                p["co_style"] = _COMPANY_STYLE.index(rnd)
                domain = _ascii_token(root, loc) + COMPANY_TLD[loc]
                if rnd() < 0.92:
                    self._set_tax(p, _ORG_TAX[loc], False)
        else:
            share = _PERSON_TAX_SHARE.get(loc, 0.0)
            if share and rnd() < share:
                self._set_tax(p, _PERSON_TAX[loc], True)
        if (rnd() < 0.85) if (b2b and company is None) else (not b2b and rnd() < 0.15):
            p["job"] = L.job(rnd)
        # contact data: never both e-mail and phone missing in a clean record
        u = rnd()
        has_email, has_phone = u >= 0.03, not (0.03 <= u < 0.06)
        if domain is not None and p["co"] and p["co"][0] == "org" and rnd() < 0.15:
            domain_for_mail = None  # employee gave a personal address
        else:
            domain_for_mail = domain
        if has_email and not b2b and has_phone and rnd() < P_PLACEHOLDER:
            pool = PLACEHOLDER_EMAILS[loc]
            p["email"], p["email_shared"] = pool[int(rnd() * len(pool))], True
        elif has_email:
            p["email"] = self._email(L, first, last, year, domain_for_mail)
        if has_phone and company is None:
            fixed = rnd() < (0.5 if b2b else 0.15)
            p["nsn"] = self._nsn(L, city, fixed)
        if company is None:
            if rnd() < 0.9:
                p["st"] = self._street_parts(L)
            if rnd() < 0.9:
                p["postal"] = self._postal(L, city)
        return p

    def _set_tax(self, p: dict, kind: str, personal: bool) -> None:
        p["tax"] = self._tax(kind, p["birth"], p["g"])
        k = "inn" if kind.startswith("inn") else kind
        p["taxk"] = k
        p["tax_personal"] = personal
        pick = _TAX_STYLE_PICK.get(k)
        p["tax_style"] = pick.index(self.rnd) if pick else 0

    # ---- rendering ---------------------------------------------------------------------
    def _render(self, p: dict) -> list[str]:
        loc = p["loc"]
        f, m, last = p["first"], p["middle"], p["last"]
        if p["tr"]:
            tr = p["tr"]
            f, m, last = translit(f, loc, tr), translit(m, loc, tr), translit(last, loc, tr)
        if p["fold"]:
            f, m, last = fold(f), fold(m), fold(last)
        full = _full_name(loc, p["full"], f, m, last)
        if p["case"]:
            f, m, last, full = f.upper(), m.upper(), last.upper(), full.upper()
        if p["swap"]:
            f, last = last, f
        phone = PHONE_FMT[loc](p["nsn"], p["pfmt"]) if p["nsn"] else ""
        co = p["co"]
        if co is None:
            company = ""
        elif co[0] == "sole":
            sl, sf, sm = co[2]
            company = SOLE_FORMS[loc][p["co_style"]].format(l=sl, f=sf, m=sm, fi=sf[:1],
                                                            mi=sm[:1])  # fmt: skip
        else:
            company = LEGAL_FORMS[loc][co[1]][1][p["co_style"]].format(co[2])
        street = _street(loc, p["st"], p["st_style"]) if p["st"] else ""
        city = _LOC[loc].cities[p["city"]][0][p["city_alt"]]
        if p["fold"]:
            street, city = fold(street), fold(city)
        b = p["birth"]
        if b:
            d = date.fromordinal(b)
            birth = _DFMT[p["bfmt"]](d.year, d.month, d.day)
        else:
            birth = ""
        tax = _tax_render(p["taxk"], p["tax"], p["tax_style"]) if p["tax"] else ""
        return ["", f, m, last, full, p["email"], phone, company, p["job"], street, city,
                p["postal"], p["country"], birth, "", "", tax, p["seg"]]  # fmt: skip

    def _add(self, p: dict, ent: int) -> int:
        i = len(self.recs)
        self.recs.append(self._render(p))
        self.r_ent.append(ent)
        self.r_loc.append(p["loc"])
        self.r_dmg.append(0)
        self.r_bfmt.append(p["bfmt"] if p["birth"] else -1)
        self.r_taxk.append(p["taxk"])
        self.r_taxp.append(p["tax_personal"])
        self.r_created.append(p["created"])
        self.r_updated.append(p["updated"])
        return i

    @staticmethod
    def _avail(p: dict) -> int:
        a = 0
        if p["email"] and not p["email_shared"]:
            a |= K_EMAIL
        if p["nsn"]:
            a |= K_PHONE
        if p["birth"]:
            a |= K_NAMEBD
        if p["tax"] and p["tax_personal"]:
            a |= K_TAX
        return a

    def _keeps_identity(self, ent: int, rec: int, cur: int, extra: int) -> bool:
        """Would record ``rec`` (damage ``cur``) still share >= 2 keys with every other
        record of its entity after also damaging ``extra``?"""
        sibs = self.ent_recs.get(ent)
        if not sibs or not extra:
            return True
        avail = self.ent_avail[ent]
        mine = cur | extra
        r_dmg = self.r_dmg
        return all(_POP[avail & ~(r_dmg[o] | mine)] >= 2 for o in sibs if o != rec)

    # ---- duplicates ----------------------------------------------------------------------
    def _corruption_ok(self, name: str, q: dict) -> bool:
        loc = q["loc"]
        if name == "translit":
            return loc in ("ru", "ua") and not q["tr"]
        if name == "drop_diacritics":
            if loc in ("vn", "br"):
                return not q["fold"]
            names = (q["first"] + q["middle"] + q["last"]).lower()
            return loc == "ru" and not q["fold"] and "ё" in names
        if name == "nickname":
            return q["first"] in _LOC[loc].nick
        if name == "phone_format":
            return bool(q["nsn"])
        if name == "email_variant":
            return bool(q["email"])
        if name in ("blank_phone", "blank_email"):  # never blank both: that is a seeded defect
            return bool(q["nsn"]) and bool(q["email"])
        if name == "street_abbrev":
            return q["st"] is not None
        if name == "date_format":
            return bool(q["birth"]) and len(BIRTH_FMTS[loc].items) > 1
        if name == "tax_format":
            return bool(q["tax"]) and TAX_FORMATS.get(q["taxk"], 1) > 1
        if name == "company_variant":
            return q["co"] is not None
        if name == "city_variant":
            return len(_LOC[loc].cities[q["city"]][0]) > 1
        if name == "phone_changed":
            return bool(q["nsn"]) and bool(q["email"])  # never left without a contact
        if name == "moved":
            return q["st"] is not None
        if name == "name_case":
            return not q["case"]
        if name == "name_swap":
            return not q["swap"]
        return True

    def _apply(self, name: str, q: dict, base: dict) -> None:
        rnd, loc = self.rnd, q["loc"]
        L = _LOC[loc]
        if name == "name_typo":
            key = "first" if rnd() < 0.5 else "last"
            alpha = {"ru": _CYR_RU, "ua": _CYR_UA}.get(loc, _LAT)
            q[key] = _typo(q[key], rnd, alpha)
        elif name == "translit":
            q["tr"] = 1 if rnd() < 0.6 else 2
        elif name == "name_case":
            q["case"] = 1
        elif name == "drop_diacritics":
            q["fold"] = True
        elif name == "nickname":
            opts = L.nick[q["first"]]
            q["first"] = opts[int(rnd() * len(opts))]
        elif name == "name_swap":
            q["swap"] = True
        elif name == "phone_format":
            q["pfmt"] = (q["pfmt"] + 1 + int(rnd() * 6)) % 7
        elif name == "email_variant":
            q["email"] = self._email_variant(q["email"])
        elif name == "blank_phone":
            q["nsn"] = ""
        elif name == "blank_email":
            q["email"] = ""
        elif name == "older_updated":
            back = 86400 + int(rnd() * 2 * 365 * 86400)
            q["updated"] = max(0, base["updated"] - back)
            q["created"] = min(q["created"], max(0, q["updated"] - int(rnd() * 365 * 86400)))
        elif name == "street_abbrev":
            n = N_STREET_STYLES[loc]
            q["st_style"] = (q["st_style"] + 1 + int(rnd() * (n - 1))) % n
        elif name == "date_format":
            fmts = BIRTH_FMTS[loc].items
            others = [x for x in fmts if x != q["bfmt"]]
            q["bfmt"] = others[int(rnd() * len(others))]
        elif name == "tax_format":
            n = TAX_FORMATS[q["taxk"]]
            q["tax_style"] = (q["tax_style"] + 1 + int(rnd() * (n - 1))) % n
        elif name == "company_variant":
            q["co_style"] = (q["co_style"] + 1 + int(rnd() * 3)) % 4
        elif name == "country_variant":
            items = [x for x in L.country.items if x and x != q["country"]]
            q["country"] = items[int(rnd() * len(items))]
        elif name == "city_variant":
            n = len(L.cities[q["city"]][0])
            q["city_alt"] = (q["city_alt"] + 1 + int(rnd() * (n - 1))) % n
        elif name == "phone_changed":
            q["nsn"] = self._nsn(L, q["city"], rnd() < 0.3)
            q["pfmt"] = L.phone_fmt.index(rnd)
        elif name == "moved":
            q["st"] = self._street_parts(L)
            if q["postal"]:
                q["postal"] = self._postal(L, q["city"])
        elif name == "full_name_variant":
            n = N_FULL_STYLES[loc]
            q["full"] = (q["full"] + 1 + int(rnd() * (n - 1))) % n

    def _email_variant(self, email: str) -> str:
        rnd = self.rnd
        local, domain = email.rsplit("@", 1)
        opts = ["case"]
        if domain in _PLUS_DOMAINS:
            opts.append("plus")
        if domain == "gmail.com" and len(local) > 3:
            opts.append("dots")
        op = opts[int(rnd() * len(opts))]
        if op == "plus":
            return f"{local}+{_PLUS_TAGS[int(rnd() * len(_PLUS_TAGS))]}@{domain}"
        if op == "dots":
            if "." in local:
                return local.replace(".", "") + "@" + domain
            i = 1 + int(rnd() * (len(local) - 2))
            return f"{local[:i]}.{local[i:]}@{domain}"
        if rnd() < 0.3:
            return email.upper()
        return ".".join(x[:1].upper() + x[1:] for x in local.split(".")) + "@" + domain.capitalize()

    def _duplicate(self, base: dict, base_rec: int, ent: int) -> None:
        rnd = self.rnd
        q = dict(base)
        q["created"], q["updated"] = self._timestamps()
        dmg = 0
        names = list(CORRUPTIONS)
        weights = [CORRUPTIONS[n][0] for n in names]
        applied: list[str] = []
        want = _N_CORR(rnd)
        sibs = self.ent_recs[ent]
        rec = len(self.recs)
        sibs.append(rec)
        tries = 0
        while len(applied) < want and names and tries < 20:
            tries += 1
            i = bisect(list(accumulate(weights)), rnd() * sum(weights))
            i = min(i, len(names) - 1)
            name = names.pop(i)
            weights.pop(i)
            if not self._corruption_ok(name, q):
                continue
            bits = CORRUPTIONS[name][1]
            # entities only keep keys that the base record has
            if bits and not self._keeps_identity(ent, rec, dmg, bits & self.ent_avail[ent]):
                continue
            self._apply(name, q, base)
            dmg |= bits & self.ent_avail[ent]
            applied.append(name)
        i = self._add(q, ent)
        assert i == rec
        self.r_dmg[i] = dmg
        self.dups.append((i, base_rec, applied))

    # ---- main loop -----------------------------------------------------------------------
    def _pool_add(self, pool: list, item: tuple[int, dict]) -> None:
        if len(pool) < 4096:
            pool.append(item)
        else:
            pool[int(self.rnd() * 4096)] = item

    def build(self) -> None:
        rnd = self.rnd
        rows = self.rows
        recs = self.recs
        ent = 0
        while len(recs) < rows:
            ent += 1
            loc = _LOC_PICK(rnd)
            b2b = rnd() < B2B_SHARE
            u = rnd()
            src = None
            kind = ""
            if u < P_HOUSEHOLD and not b2b and self.pool_b2c[loc]:
                pool = self.pool_b2c[loc]
                src_rec, src = pool[int(rnd() * len(pool))]
                p = self._household(src)
                kind = "household"
            elif u < P_HOUSEHOLD + P_NAMESAKE and self.pool_b2c[loc]:
                pool = self.pool_b2c[loc]
                src_rec, src = pool[int(rnd() * len(pool))]
                p = self._person(loc, b2b, names=(src["first"], src["middle"], src["last"],
                                                  src["last_m"]), g=src["g"])  # fmt: skip
                kind = "namesake"
            elif u < P_HOUSEHOLD + P_NAMESAKE + P_COLLEAGUE and b2b and self.pool_org[loc]:
                pool = self.pool_org[loc]
                src_rec, src = pool[int(rnd() * len(pool))]
                p = self._colleague(src)
                kind = "colleague"
            else:
                p = self._person(loc, b2b)
            rec = self._add(p, ent)
            avail = self._avail(p)
            self.ent_avail.append(avail)
            if src is not None:
                self.hard.append((src_rec, rec, kind))
            if p["seg"] == "B2C":
                self._pool_add(self.pool_b2c[loc], (rec, p))
            elif p["co"] and p["co"][0] == "org" and p["nsn"]:
                self._pool_add(self.pool_org[loc], (rec, p))
            if rnd() < self.dup_rate and _POP[avail] >= 2:
                k = _N_DUPS(rnd)
                self.ent_recs[ent] = [rec]
                for _ in range(k):
                    if len(recs) >= rows:
                        break
                    self._duplicate(p, rec, ent)
                if len(self.ent_recs[ent]) == 1:
                    del self.ent_recs[ent]
        self.n_entities = ent

    def _household(self, src: dict) -> dict:
        rnd = self.rnd
        loc = src["loc"]
        L = _LOC[loc]
        g = 0 if rnd() < 0.5 else 1
        first = src["first"]
        for _ in range(20):
            first, middle, last, last_m = self._names(L, g)
            if first != src["first"]:
                break
        if loc == "ru":
            last_m = src["last_m"]
            last = _ru_last_form(last_m, g)
        elif loc == "ua":
            last_m = src["last_m"]
            last = _ua_last_form(last_m, g)
        elif loc != "vn" or rnd() < 0.5:
            last_m = last = src["last_m"]
        p = self._person(loc, False, names=(first, middle, last, last_m), g=g)
        # same home: phone, street, city, postal, country
        if src["nsn"]:
            if p["nsn"]:
                self.used_phone.discard(p["nsn"])
            p["nsn"] = src["nsn"]
        for k in ("st", "st_style", "city", "city_alt", "postal", "country"):
            p[k] = src[k]
        if src["email"] and p["nsn"] and self.rnd() < P_FAMILY_EMAIL:  # one family address
            p["email"], p["email_shared"] = src["email"], True
        if not p["email"] and not p["nsn"]:
            p["email"] = self._email(L, first, last, 0, None)
        return p

    def _colleague(self, src: dict) -> dict:
        loc = src["loc"]
        company = {k: src[k] for k in ("co", "co_style", "tax", "taxk", "tax_style",
                                       "tax_personal", "nsn", "st", "city", "city_alt",
                                       "postal", "country")}  # fmt: skip
        co = src["co"]
        company["_domain"] = _ascii_token(co[2], loc) + COMPANY_TLD[loc]
        p = self._person(loc, True, company=company)
        if self.rnd() < 0.85:
            p["job"] = _LOC[loc].job(self.rnd)
        if not p["email"]:
            p["email"] = self._email(_LOC[loc], p["first"], p["last"], 0,
                                     company["_domain"])  # fmt: skip
        return p

    # ---- defects -------------------------------------------------------------------------
    def seed_defects(self) -> None:
        rnd = self.rnd
        rate = self.defect_rate
        for i in range(len(self.recs)):
            if rnd() < rate:
                for _ in range(8):
                    if self._defect(i, _DEFECT_PICK(rnd)):
                        break

    def _defect(self, i: int, kind: str) -> bool:
        rnd = self.rnd
        row = self.recs[i]
        loc = self.r_loc[i]
        ent = self.r_ent[i]
        avail = self.ent_avail[ent]
        cur = self.r_dmg[i]

        def ok(bits: int) -> bool:
            return self._keeps_identity(ent, i, cur, bits & avail)

        out: list[tuple[str, str]] = []
        bits = 0
        if kind == "invalid_email":
            e = row[C_EMAIL]
            if not e or not ok(K_EMAIL):
                return False
            local, domain = e.rsplit("@", 1)
            v = int(rnd() * 7)
            if v == 0:
                bad = f"{local}@"
            elif v == 1:
                bad = f"{local}@@{domain}"
            elif v == 2:
                bad = local.replace(".", " ", 1) if "." in local else local[:2] + " " + local[2:]
                bad += "@" + domain
            elif v == 3:
                bad = f"{local}@{domain.split('.', 1)[0]}"
            elif v == 4:
                bad = f"{local}{domain}"
            elif v == 5:
                bad = f"{local}@{domain.replace('.', ',', 1)}"
            else:
                bad = (local.replace(".", "..", 1) if "." in local else local + ".") + "@" + domain
            row[C_EMAIL] = bad
            bits = K_EMAIL
            out.append(("email", kind))
        elif kind == "invalid_phone":
            ph = row[C_PHONE]
            if not ph or not ok(K_PHONE):
                return False
            keep = 5 + int(rnd() * 2)  # no number with <= 6 digits (incl. country code) is valid
            j = 0
            seen = 0
            while j < len(ph) and seen < keep:
                seen += ph[j].isdigit()
                j += 1
            row[C_PHONE] = ph[:j].rstrip(" -.(")
            bits = K_PHONE
            out.append(("phone", kind))
        elif kind in ("bad_date", "future_date"):
            if not ok(K_NAMEBD):
                return False
            fmt = self.r_bfmt[i]
            if fmt < 0:
                fmt = BIRTH_FMTS[loc].items[0]
            if kind == "bad_date":
                y = 1950 + int(rnd() * 55)
                y, m, d = [(y, 2, 31), (y, 2, 30), (1991 + 4 * int(rnd() * 5), 2, 29),
                           (y, 13, 1 + int(rnd() * 28)), (y, 1 + int(rnd() * 12), 32),
                           (y, 4, 31), (y, 0, 0)][int(rnd() * 7)]  # fmt: skip
            else:
                y = REF_DATE.year + 6 + int(rnd() * 40)
                m, d = 1 + int(rnd() * 12), 1 + int(rnd() * 28)
            row[C_BIRTH] = _DFMT[fmt](y, m, d)
            bits = K_NAMEBD
            out.append(("birth_date", kind))
        elif kind == "missing_required":
            if not (row[C_EMAIL] or row[C_PHONE]) or not ok(K_EMAIL | K_PHONE):
                return False
            row[C_EMAIL] = ""
            row[C_PHONE] = ""
            bits = K_EMAIL | K_PHONE
            out += [("email", kind), ("phone", kind)]
        elif kind == "bad_tax_id":
            t = row[C_TAX]
            personal = self.r_taxp[i]
            if not t or (personal and not ok(K_TAX)):
                return False
            if self.r_taxk[i] == "ein":
                row[C_TAX] = _EIN_BAD_PREFIXES[int(rnd() * len(_EIN_BAD_PREFIXES))] + t[2:]
            else:
                j = max(k for k, c in enumerate(t) if c.isdigit())
                row[C_TAX] = t[:j] + str((int(t[j]) + 1 + int(rnd() * 9)) % 10) + t[j + 1 :]
            bits = K_TAX if personal else 0
            out.append(("tax_id", kind))
        elif kind == "whitespace":
            cols = [c for c in (C_FIRST, C_LAST, C_EMAIL, C_CITY, C_STREET, C_COMPANY) if row[c]]
            c = cols[int(rnd() * len(cols))]
            v = int(rnd() * 4)
            s = row[c]
            row[c] = (" " + s, s + " ", "  " + s + "  ", s + "\u00a0")[v]
            out.append((COLUMNS[c], kind))
        elif kind == "case":
            cols = [c for c in (C_FIRST, C_LAST, C_CITY, C_FULL)
                    if row[c] and row[c].swapcase() != row[c]]  # fmt: skip
            if not cols:
                return False
            c = cols[int(rnd() * len(cols))]
            s = row[c]
            if rnd() < 0.7 or s.lower() == s:
                row[c] = s.swapcase()
            else:
                row[c] = s.lower()
            out.append((COLUMNS[c], kind))
        self.r_dmg[i] = cur | (bits & avail)
        for col, k in out:
            self.defects.append((i, col, k))
        return True

    # ---- frames --------------------------------------------------------------------------
    def frames(self) -> Dataset:
        n = len(self.recs)
        perm = list(range(n))
        self.rng.shuffle(perm)
        inv = [0] * n
        for pos, j in enumerate(perm):
            inv[j] = pos + 1
        cols = list(zip(*self.recs, strict=True)) if n else [() for _ in COLUMNS]
        self.recs = []  # free memory early
        data = {c: pl.Series(c, cols[k], dtype=pl.String) for k, c in enumerate(COLUMNS)}
        del cols
        idx = pl.Series("idx", perm, dtype=pl.Int64)
        t0 = int((_T0 - datetime(1970, 1, 1)).total_seconds())
        data["created_at"] = pl.Series("created_at", self.r_created, dtype=pl.Int64)
        data["updated_at"] = pl.Series("updated_at", self.r_updated, dtype=pl.Int64)
        export = pl.DataFrame(data).select(pl.all().gather(idx))
        export = export.with_columns(
            pl.int_range(1, n + 1, dtype=pl.Int64).cast(pl.String).str.zfill(7).alias("customer_id"),
            *(
                pl.from_epoch(pl.col(c) + t0, time_unit="s").dt.strftime("%Y-%m-%dT%H:%M:%S").alias(c)
                for c in ("created_at", "updated_at")
            ),
        ).with_columns(
            pl.when(pl.col(c).str.len_bytes() == 0).then(None).otherwise(pl.col(c)).alias(c) for c in COLUMNS
        )
        truth = pl.DataFrame(
            {"row": pl.int_range(1, n + 1, eager=True, dtype=pl.Int64),
             "entity_id": pl.Series([self.r_ent[j] for j in perm], dtype=pl.Int64)}
        )  # fmt: skip
        locale = pl.Series("locale", [self.r_loc[j] for j in perm], dtype=pl.String)
        defects = pl.DataFrame(
            {"row": [inv[i] for i, _, _ in self.defects],
             "column": [c for _, c, _ in self.defects],
             "defect": [k for _, _, k in self.defects]},
            schema={"row": pl.Int64, "column": pl.String, "defect": pl.String},
        ).sort("row", "column")  # fmt: skip

        # duplicates and their identifiability
        avail = self.ent_avail
        r_dmg = self.r_dmg
        dup_rows, dup_ent, dup_base, dup_corr, dup_keys, dup_nkeys = [], [], [], [], [], []
        corr_counts: Counter[str] = Counter()
        for d, b, applied in self.dups:
            e = self.r_ent[d]
            bits = avail[e] & ~r_dmg[d] & ~r_dmg[b]
            dup_rows.append(inv[d])
            dup_ent.append(e)
            dup_base.append(inv[b])
            dup_corr.append(";".join(applied) if applied else "exact_copy")
            dup_keys.append(";".join(nm for bit, nm in _KEY_NAMES if bits & bit))
            dup_nkeys.append(_POP[bits])
            corr_counts.update(applied or ["exact_copy"])
        duplicates = pl.DataFrame(
            {"row": dup_rows, "entity_id": dup_ent, "first_row": dup_base,
             "corruptions": dup_corr, "agreeing_keys": dup_keys, "n_agreeing_keys": dup_nkeys},
            schema={"row": pl.Int64, "entity_id": pl.Int64, "first_row": pl.Int64,
                    "corruptions": pl.String, "agreeing_keys": pl.String,
                    "n_agreeing_keys": pl.Int64},
        ).sort("row")  # fmt: skip
        pair_hist: Counter[int] = Counter()
        for e, rs in self.ent_recs.items():
            for x in range(len(rs)):
                for y in range(x + 1, len(rs)):
                    pair_hist[_POP[avail[e] & ~r_dmg[rs[x]] & ~r_dmg[rs[y]]]] += 1
        hard = pl.DataFrame(
            {"row_a": [inv[a] for a, _, _ in self.hard], "row_b": [inv[b] for _, b, _ in self.hard],
             "kind": [k for _, _, k in self.hard]},
            schema={"row_a": pl.Int64, "row_b": pl.Int64, "kind": pl.String},
        ).sort("row_a", "row_b")  # fmt: skip

        n_pairs = sum(pair_hist.values())
        n_dup_rows = len(self.dups)
        defect_rows = len({i for i, _, _ in self.defects})
        meta: dict[str, Any] = {
            "generator": "benchmarks.generate",
            "generator_version": GENERATOR_VERSION,
            "seed": self.seed,
            "rows": n,
            "dup_rate": self.dup_rate,
            "defect_rate": self.defect_rate,
            "reference_date": REF_DATE.isoformat(),
            "entities": self.n_entities,
            "entities_with_duplicates": len(self.ent_recs),
            "entity_duplicate_share": round(len(self.ent_recs) / max(1, self.n_entities), 4),
            "duplicate_records": n_dup_rows,
            "duplicate_record_share": round(n_dup_rows / max(1, n), 4),
            "duplicate_pairs": n_pairs,
            "identifiability": {
                "rule": "every pair of records of one entity agrees on >= 2 of: email, phone, "
                "name+birth_date, personal tax_id (INN-12, CPF, RNOKPP, personal MST, "
                "ИП/ФОП), after normalization (trim, case fold, e-mail +tag removal and "
                "gmail dots, phone -> E.164, diacritics folding, date parsing, tax id digits). "
                "Typos, transliteration, nicknames and swapped name fields count as breaking "
                "the name key; company tax ids are not identity keys (colleagues share them).",
                "pairs_by_agreeing_keys": {str(k): pair_hist[k] for k in sorted(pair_hist)},
                "pairs_with_fewer_than_2": sum(v for k, v in pair_hist.items() if k < 2),
            },
            "corruptions": dict(sorted(corr_counts.items())),
            "hard_negative_pairs": dict(sorted(Counter(k for _, _, k in self.hard).items())),
            "defect_rows": defect_rows,
            "defect_row_share": round(defect_rows / max(1, n), 4),
            "defects": dict(sorted(Counter(k for _, k in {(i, k) for i, _, k in self.defects})
                                   .items())),
            "locales": dict(sorted(Counter(self.r_loc).items())),
        }  # fmt: skip
        return Dataset(export, truth, defects, duplicates, hard, locale, meta)


# --------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------
def generate_full(rows: int, seed: int, dup_rate: float = 0.2,
                  defect_rate: float = 0.05) -> Dataset:  # fmt: skip
    """Generate the export plus all ground-truth tables."""
    g = _Gen(rows, seed, dup_rate, defect_rate)
    # millions of small lists/dicts and no reference cycles: the cyclic GC would only rescan
    # the growing heap again and again (quadratic-ish slowdown), so pause it.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        g.build()
        g.seed_defects()
        return g.frames()
    finally:
        if was_enabled:
            gc.enable()


def generate(rows: int, seed: int, dup_rate: float = 0.2,
             defect_rate: float = 0.05) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:  # fmt: skip
    """Return ``(export, truth, defects)``.

    ``export`` has the 18 string columns of :data:`COLUMNS` (blank cells are null),
    ``truth`` is ``row, entity_id`` and ``defects`` is ``row, column, defect``;
    ``row`` is the 1-based data row of the export.
    """
    ds = generate_full(rows, seed, dup_rate, defect_rate)
    return ds.export, ds.truth, ds.defects


def _cp1251_fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    return anyascii(exc.object[exc.start : exc.end]), exc.end


codecs.register_error("crmclean-bench-ascii", _cp1251_fallback)


def export_bytes(export: pl.DataFrame, fmt: str = "csv") -> bytes:
    """Serialize the export: ``csv`` = UTF-8, ``,``, LF; ``cp1251`` = cp1251, ``;``, CRLF
    (characters cp1251 lacks, e.g. Vietnamese or Portuguese diacritics, are transliterated)."""
    if fmt == "csv":
        return export.write_csv().encode("utf-8")
    if fmt == "cp1251":
        text = export.write_csv(separator=";", line_terminator="\r\n")
        return text.encode("cp1251", errors="crmclean-bench-ascii")
    raise ValueError(f"unknown format {fmt!r}: expected 'csv' or 'cp1251'")


def write_dataset(ds: Dataset, out: str | Path, fmt: str = "csv") -> dict[str, Any]:
    """Write a generated dataset into directory ``out``; returns the meta dict written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "customers.csv").write_bytes(export_bytes(ds.export, fmt))
    ds.truth.write_csv(out / "truth.csv")
    ds.defects.write_csv(out / "defects.csv")
    ds.duplicates.write_csv(out / "duplicates.csv")
    ds.hard_negatives.write_csv(out / "hard_negatives.csv")
    meta = dict(ds.meta)
    meta["format"] = fmt
    meta["encoding"] = "cp1251" if fmt == "cp1251" else "utf-8"
    meta["delimiter"] = ";" if fmt == "cp1251" else ","
    meta["files"] = ["customers.csv", "truth.csv", "defects.csv", "duplicates.csv",
                     "hard_negatives.csv", "meta.json"]  # fmt: skip
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n",
                                   encoding="utf-8")  # fmt: skip
    return meta


def write(out: str | Path, rows: int, seed: int, dup_rate: float = 0.2,
          defect_rate: float = 0.05, fmt: str = "csv") -> dict[str, Any]:  # fmt: skip
    """Generate and write ``customers.csv``, ``truth.csv``, ``defects.csv``, ``duplicates.csv``,
    ``hard_negatives.csv`` and ``meta.json`` into ``out``. Returns the meta dict."""
    if fmt not in ("csv", "cp1251"):
        raise ValueError(f"unknown format {fmt!r}: expected 'csv' or 'cp1251'")
    return write_dataset(generate_full(rows, seed, dup_rate, defect_rate), out, fmt)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.generate",
        description="Generate a messy multilingual CRM export with ground truth.",
    )
    ap.add_argument("--rows", type=int, required=True, help="number of data rows")
    ap.add_argument("--seed", type=int, required=True, help="random seed (same seed = same files)")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument(
        "--dup-rate",
        type=float,
        default=0.2,
        help="share of customers that get 1-3 extra records (default 0.2)",
    )
    ap.add_argument(
        "--defect-rate", type=float, default=0.05, help="share of rows with one seeded defect (default 0.05)"
    )
    ap.add_argument(
        "--format",
        choices=("csv", "cp1251"),
        default="csv",
        help="csv: UTF-8 ','; cp1251: cp1251 ';' CRLF like a 1C/Bitrix export",
    )
    a = ap.parse_args(argv)
    if a.rows < 0:
        ap.error("--rows must be >= 0")
    if not (0 <= a.dup_rate <= 1 and 0 <= a.defect_rate <= 1):
        ap.error("--dup-rate and --defect-rate must lie in [0, 1]")
    t0 = time.perf_counter()
    meta = write(a.out, a.rows, a.seed, a.dup_rate, a.defect_rate, a.format)
    dt = time.perf_counter() - t0
    print(f"wrote {meta['rows']} rows ({meta['entities']} customers, "
          f"{meta['duplicate_records']} duplicate records, {meta['defect_rows']} defect rows) "
          f"to {a.out} in {dt:.1f}s", file=sys.stderr)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
