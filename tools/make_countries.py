"""Regenerate ``crmclean/data/countries_generated.csv``: every ISO 3166-1 region and every region
phonenumbers knows, with names in English, Russian, Ukrainian, Portuguese, Vietnamese, Spanish,
German and French, and alpha-3 codes.

    pip install pycountry   # only for this script; crmclean reads the generated CSV
    python tools/make_countries.py

The hand-written rows of ``countries.csv`` come first and win every clash (short forms such as
``РФ``, ``ОАЭ``, ``Hoa Kỳ``, ``England``); generated names are added after them, and a generated
name whose folded key (case, diacritics, punctuation and spaces ignored) another country already
has, or two new countries share, is left out.
"""

from __future__ import annotations

import csv
import gettext
import re
import unicodedata
from pathlib import Path

import phonenumbers
import pycountry
from phonenumbers.geodata.locale import LOCALE_DATA

DATA = Path(__file__).resolve().parent.parent / "crmclean" / "data"
CSV, OUT = DATA / "countries.csv", DATA / "countries_generated.csv"
LANGUAGES = ["ru", "uk", "pt", "pt_BR", "vi", "es", "de", "fr"]
# phonenumbers regions that are not ISO 3166-1 entries of pycountry
EXTRA = {"XK": ["Kosovo", "Косово", "Kósovo"], "AC": ["Ascension Island"],
         "TA": ["Tristan da Cunha"],
         "CD": ["Democratic Republic of the Congo", "DR Congo", "DRC", "Congo-Kinshasa", "ДР Конго",
                "Демократическая Республика Конго", "Demokratische Republik Kongo", "RD Congo", "RDC"],
         "CG": ["Republic of the Congo", "Congo-Brazzaville", "Республика Конго"]}  # fmt: skip


def fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", "", text.replace("đ", "d"))


HEADS: set[str] = set()  # "Congo" of "Congo, The Democratic Republic of the": weaker than a full name


def variants(name: str) -> list[str]:
    """``Tanzania, United Republic of`` -> itself, ``United Republic of Tanzania``, ``Tanzania``."""
    out = [name]
    if ", " in name:
        head, tail = name.split(", ", 1)
        out.append(f"{tail} {head}")
        out.append(head)
        HEADS.add(head)
    return out


def main() -> None:
    with CSV.open(encoding="utf-8", newline="") as handle:
        rows = [(r["code"], r["name"]) for r in csv.DictReader(handle)]
    claimed: dict[str, str] = {}
    for code, name in rows:
        claimed.setdefault(fold(name), code)
    translations = {lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
                    for lang in LANGUAGES}  # fmt: skip
    wanted: dict[str, list[str]] = {}
    codes = sorted(
        {c.alpha_2 for c in pycountry.countries} | set(phonenumbers.SUPPORTED_REGIONS) | set(EXTRA)
    )
    for code in codes:
        names: list[str] = []
        country = pycountry.countries.get(alpha_2=code)
        if country is not None:
            english = [
                getattr(country, "common_name", None),
                country.name,
                getattr(country, "official_name", None),
            ]
            english = [n for n in english if n]
            names += [v for n in english for v in variants(n)]
            for t in translations.values():
                names += [v for n in english for v in variants(t.gettext(n))]
            names.append(country.alpha_3)
        locale = LOCALE_DATA.get(code, {})
        for lang in ("en", "ru", "uk", "pt", "vi", "es", "de", "fr"):
            name = locale.get(lang)
            if name and not name.startswith("*"):
                names += variants(name)
        names += EXTRA.get(code, [])
        wanted[code] = list(dict.fromkeys(n.strip() for n in names if n and n.strip()))
    # keys two new countries share are ambiguous: nobody gets them
    owners: dict[str, set[str]] = {}
    for code, names in wanted.items():
        for name in names:
            if name not in HEADS:
                owners.setdefault(fold(name), set()).add(code)
    for code, names in wanted.items():  # a head only where no full name has the key
        for name in names:
            if name in HEADS and fold(name) not in owners:
                owners.setdefault(fold(name) + "\0head", set()).add(code)
    for key in [k for k in owners if k.endswith("\0head")]:
        owners[key.removesuffix("\0head")] = owners.pop(key)
    known = {c for c, _ in rows}
    added: list[tuple[str, str]] = []
    for code, names in wanted.items():
        for name in names:
            key = fold(name)
            if not key or len(owners[key]) > 1 or claimed.get(key, code) != code:
                continue
            if (code, name) in set(rows) or (code, name) in set(added):
                continue
            if re.fullmatch(r"[A-Za-z]{2}", name):
                continue
            claimed.setdefault(key, code)
            added.append((code, name))
    missing = sorted(set(wanted) - known - {c for c, _ in added})
    if missing:
        raise SystemExit(f"no name for {missing}")
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "name"])
        writer.writerows(added)
    print(f"{len(rows)} hand-written rows, {len(added)} generated, {len({c for c, _ in rows + added})} codes")


if __name__ == "__main__":
    main()
