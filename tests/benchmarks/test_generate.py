"""Tests for benchmarks/generate.py: the synthetic CRM export generator with ground truth."""

from __future__ import annotations

import io
import json
import random
import re
from datetime import date, datetime

import phonenumbers
import polars as pl
import pytest
from email_validator import EmailNotValidError, validate_email
from stdnum.br import cnpj, cpf
from stdnum.gb import vat as gb_vat
from stdnum.ru import inn
from stdnum.ua import edrpou, rntrc
from stdnum.us import ein
from stdnum.vn import mst

from benchmarks import generate as gen

ROWS = 2000
SEED = 20240611


@pytest.fixture(scope="module")
def ds() -> gen.Dataset:
    return gen.generate_full(ROWS, SEED)


@pytest.fixture(scope="module")
def rows(ds: gen.Dataset) -> list[dict]:
    return ds.export.with_columns(ds.locale).with_row_index("row", offset=1).to_dicts()


@pytest.fixture(scope="module")
def defect_at(ds: gen.Dataset) -> dict[tuple[int, str], str]:
    return {(r, c): d for r, c, d in ds.defects.iter_rows()}


def test_headers_exact(ds: gen.Dataset) -> None:
    expected = (
        "customer_id,first_name,middle_name,last_name,full_name,email,phone,company,job_title,"
        "street,city,postal_code,country,birth_date,created_at,updated_at,tax_id,segment"
    )
    assert ",".join(ds.export.columns) == expected
    assert all(dt == pl.String for dt in ds.export.dtypes)
    assert ds.export.height == ROWS
    assert gen.export_bytes(ds.export).decode("utf-8").split("\n", 1)[0] == expected


def test_deterministic_and_seed_dependent() -> None:
    a = gen.generate(ROWS, 7)
    b = gen.generate(ROWS, 7)
    for x, y in zip(a, b, strict=True):
        assert x.equals(y)
    assert gen.export_bytes(a[0]) == gen.export_bytes(b[0])
    c = gen.generate(ROWS, 8)
    assert not a[0].equals(c[0])


def test_truth_covers_every_row(ds: gen.Dataset) -> None:
    t = ds.truth
    assert t.columns == ["row", "entity_id"]
    assert t["row"].to_list() == list(range(1, ROWS + 1))
    assert t["entity_id"].null_count() == 0
    assert t["entity_id"].n_unique() == ds.meta["entities"]


def test_duplicate_share_roughly_as_asked(ds: gen.Dataset) -> None:
    sizes = ds.truth.group_by("entity_id").len()
    with_dups = sizes.filter(pl.col("len") > 1).height
    share = with_dups / sizes.height
    assert 0.15 <= share <= 0.25, share
    assert sizes["len"].max() <= 4
    extra = ROWS - sizes.height
    assert extra == ds.meta["duplicate_records"] == ds.duplicates.height
    pairs = sum(n * (n - 1) // 2 for n in sizes["len"])
    assert pairs == ds.meta["duplicate_pairs"]
    # a lower dup rate gives fewer duplicates
    low = gen.generate_full(ROWS, SEED, dup_rate=0.05)
    assert low.meta["entity_duplicate_share"] < 0.1


def test_duplicates_stay_identifiable(ds: gen.Dataset) -> None:
    assert ds.meta["identifiability"]["pairs_with_fewer_than_2"] == 0
    assert ds.duplicates["n_agreeing_keys"].min() >= 2
    # the duplicates table points at rows of the same entity
    ent = dict(ds.truth.iter_rows())
    for r, e, first, *_ in ds.duplicates.iter_rows():
        assert ent[r] == e == ent[first] and r != first
    kinds = set(";".join(ds.duplicates["corruptions"]).split(";"))
    for k in ("name_typo", "translit", "nickname", "phone_format", "email_variant",
              "drop_diacritics", "street_abbrev", "blank_phone"):  # fmt: skip
        assert k in kinds


PLACEHOLDERS = {e for pool in gen.PLACEHOLDER_EMAILS.values() for e in pool}


def test_shared_emails_placeholders_families_and_moves(ds: gen.Dataset, rows: list[dict]) -> None:
    """Harder data (generator 2): placeholder e-mails on unrelated customers, households sharing one
    e-mail, duplicates with a new phone or a new address -- and every duplicate still identifiable."""
    ent = dict(ds.truth.iter_rows())
    placeholder = [r for r in rows if r["email"] in PLACEHOLDERS]
    assert len({ent[r["row"]] for r in placeholder}) > 5
    family = [
        (a, b) for a, b, k in ds.hard_negatives.iter_rows()
        if k == "household" and rows[a - 1]["email"] and rows[a - 1]["email"] == rows[b - 1]["email"]
    ]  # fmt: skip
    assert family, "some households share one e-mail"
    corr = ds.meta["corruptions"]
    assert corr.get("phone_changed", 0) > 0 and corr.get("moved", 0) > 0
    assert ds.meta["identifiability"]["pairs_with_fewer_than_2"] == 0


def _norm(v: str | None) -> str:
    return (v or "").strip().lower()


def _e164(r: dict) -> str:
    n = phonenumbers.parse(r["phone"], gen.PHONE_REGION[r["locale"]])
    return phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164)


def test_hard_negatives_are_different_customers(ds: gen.Dataset, rows: list[dict], defect_at: dict) -> None:
    ent = dict(ds.truth.iter_rows())
    kinds = set(ds.hard_negatives["kind"])
    assert {"household", "namesake", "colleague"} <= kinds
    for a, b, kind in ds.hard_negatives.iter_rows():
        ra, rb = rows[a - 1], rows[b - 1]
        assert ent[a] != ent[b]
        clean_phones = (
            ra["phone"] and rb["phone"]
            and (a, "phone") not in defect_at and (b, "phone") not in defect_at
        )  # fmt: skip
        if kind == "namesake":
            assert _norm(ra["first_name"]) == _norm(rb["first_name"])
            assert _norm(ra["last_name"]) == _norm(rb["last_name"])
            assert ra["email"] != rb["email"] or ra["email"] is None or ra["email"] in PLACEHOLDERS
            if clean_phones:
                assert _e164(ra) != _e164(rb)
        elif kind == "colleague":
            assert _norm(ra["company"]) == _norm(rb["company"]) != ""
            assert ra["email"] != rb["email"] or ra["email"] is None
        else:  # household: same home phone and address, another person
            assert _norm(ra["first_name"]) != _norm(rb["first_name"])
            assert ra["street"] == rb["street"] or (a, "street") in defect_at or (
                b, "street") in defect_at  # fmt: skip
            if clean_phones:
                assert _e164(ra) == _e164(rb)


def _tax_module(loc: str, value: str):
    digits = re.sub(r"\D", "", value)
    return {
        "ru": inn,
        "br": cpf if len(digits) == 11 else cnpj,
        "ua": edrpou if len(digits) == 8 else rntrc,
        "vn": mst,
        "us": ein,
        "uk": gb_vat,
    }[loc]


def test_tax_ids_validate_unless_seeded(rows: list[dict], defect_at: dict) -> None:
    seen = set()
    for r in rows:
        t = r["tax_id"]
        if t is None:
            continue
        seen.add(r["locale"])
        ok = _tax_module(r["locale"], t).is_valid(t)
        if (r["row"], "tax_id") in defect_at:
            assert not ok, (r["row"], r["locale"], t)
        else:
            assert ok, (r["row"], r["locale"], t)
    assert {"ru", "ua", "br", "vn", "us", "uk"} <= seen


def test_phones_valid_unless_seeded(rows: list[dict], defect_at: dict) -> None:
    n = 0
    for r in rows:
        ph = r["phone"]
        if ph is None:
            continue
        region = gen.PHONE_REGION[r["locale"]]
        try:
            ok = phonenumbers.is_valid_number(phonenumbers.parse(ph, region))
        except phonenumbers.NumberParseException:
            ok = False
        if defect_at.get((r["row"], "phone")) == "invalid_phone":
            assert not ok, (r["row"], ph)
        else:
            assert ok, (r["row"], region, ph)
            n += 1
    assert n > ROWS * 0.8


def test_emails_valid_unless_seeded(rows: list[dict], defect_at: dict) -> None:
    for r in rows:
        e = r["email"]
        if e is None:
            continue
        try:
            validate_email(e.strip(), check_deliverability=False)
            ok = True
        except EmailNotValidError:
            ok = False
        if defect_at.get((r["row"], "email")) == "invalid_email":
            assert not ok, (r["row"], e)
        else:
            assert ok, (r["row"], e)
            assert e == e.strip() or (r["row"], "email") in defect_at


_BIRTH_FORMATS = {
    "ru": ("%d.%m.%Y", "%Y-%m-%d"), "ua": ("%d.%m.%Y", "%Y-%m-%d"),
    "vn": ("%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d"), "br": ("%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d"),
    "uk": ("%d/%m/%Y", "%Y-%m-%d"), "us": ("%m/%d/%Y", "%Y-%m-%d"),
}  # fmt: skip


def _parse_birth(loc: str, s: str) -> date | None:
    for f in _BIRTH_FORMATS[loc]:
        try:
            return datetime.strptime(s, f).date()
        except ValueError:
            pass
    return None


def test_dates(rows: list[dict], defect_at: dict) -> None:
    for r in rows:
        for c in ("created_at", "updated_at"):
            assert datetime.fromisoformat(r[c]).date() <= gen.REF_DATE
        assert r["created_at"] <= r["updated_at"]
        b = r["birth_date"]
        if b is None:
            continue
        d = _parse_birth(r["locale"], b)
        kind = defect_at.get((r["row"], "birth_date"))
        if kind == "bad_date":
            assert d is None, b
        elif kind == "future_date":
            assert d is not None and d > gen.REF_DATE, b
        else:
            assert d is not None and date(1900, 1, 1) < d < gen.REF_DATE, (r["locale"], b)


def test_defects_table(ds: gen.Dataset, rows: list[dict]) -> None:
    d = ds.defects
    assert d.columns == ["row", "column", "defect"]
    assert set(d["column"]) <= set(gen.COLUMNS)
    assert set(d["defect"]) <= set(gen.DEFECTS)
    share = d["row"].n_unique() / ROWS
    assert 0.03 <= share <= 0.07, share
    for r, c, kind in d.iter_rows():
        v = rows[r - 1][c]
        if kind == "missing_required":
            assert rows[r - 1]["email"] is None and rows[r - 1]["phone"] is None
        elif kind == "whitespace":
            assert v != v.strip()
        elif kind == "case":
            assert v != v.title()
    # outside seeded defects, a customer always has an e-mail or a phone
    missing = {r for r, _, k in d.iter_rows() if k == "missing_required"}
    for r in rows:
        if r["row"] not in missing:
            assert r["email"] is not None or r["phone"] is not None


def test_content_is_multilingual_and_string_exact(ds: gen.Dataset, rows: list[dict]) -> None:
    locs = ds.locale.value_counts(normalize=True)
    share = dict(zip(locs["locale"], locs["proportion"], strict=True))
    assert abs(share["ru"] - 0.30) < 0.05 and abs(share["vn"] - 0.20) < 0.05
    assert abs(share["us"] + share["uk"] - 0.15) < 0.05
    text = " ".join(str(v) for r in rows[:600] for v in r.values())
    for needle in ("ООО", "Nguyễn", "@gmail.com", "B2B", "B2C"):
        assert needle in text, needle
    postals = [r["postal_code"] for r in rows if r["postal_code"]]
    assert any(p.startswith("0") for p in postals)  # leading zeros survive (BR, US, UA)
    assert any(re.fullmatch(r"\d{5}-\d{3}", p) for p in postals)  # CEP
    ru_female = [r for r in rows if r["locale"] == "ru" and (r["middle_name"] or "").endswith("вна")]
    assert ru_female and sum(r["last_name"].endswith("а") for r in ru_female) > len(ru_female) / 2


def test_write_roundtrip(tmp_path) -> None:
    meta = gen.write(tmp_path, 500, 3)
    for f in ("customers.csv", "truth.csv", "defects.csv", "duplicates.csv",
              "hard_negatives.csv", "meta.json"):  # fmt: skip
        assert (tmp_path / f).exists()
    export, truth, _ = gen.generate(500, 3)
    back = pl.read_csv(tmp_path / "customers.csv", infer_schema=False)
    assert back.equals(export)
    assert pl.read_csv(tmp_path / "truth.csv").equals(truth)
    m = json.loads((tmp_path / "meta.json").read_text(encoding="utf-8"))
    assert m == meta
    assert m["rows"] == 500 and m["seed"] == 3 and m["generator_version"] == gen.GENERATOR_VERSION
    assert m["entities"] == truth["entity_id"].n_unique()


def test_cp1251_output(tmp_path) -> None:
    gen.write(tmp_path, 800, 4, fmt="cp1251")
    raw = (tmp_path / "customers.csv").read_bytes()
    text = raw.decode("cp1251")  # strict: must decode
    header = text.split("\r\n", 1)[0]
    assert header == ";".join(gen.COLUMNS)
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    df = pl.read_csv(io.StringIO(text), separator=";", infer_schema=False)
    assert df.shape == (800, len(gen.COLUMNS))
    assert any("ООО" in (c or "") for c in df["company"])
    assert any("Nguyen" in (n or "") for n in df["last_name"])  # transliterated, not dropped


def test_check_digit_helpers_match_stdnum() -> None:
    rng = random.Random(1)
    for _ in range(300):
        d = "".join(str(rng.randrange(10)) for _ in range(12))
        assert inn.is_valid(gen.inn10(d[:9]))
        assert inn.is_valid(gen.inn12(d[:10]))
        if len(set(d[:9])) > 1:
            assert cpf.is_valid(gen.cpf(d[:9]))
        if not d.startswith("000000000000"):
            assert cnpj.is_valid(gen.cnpj(d[:12]))
        assert edrpou.is_valid(gen.edrpou(d[:7]))
        assert rntrc.is_valid(gen.rnokpp(d[:9]))
        m = gen.mst(d[:9])
        if m is not None:
            assert mst.is_valid(m)
        assert gb_vat.is_valid(gen.gb_vat("1" + d[:6]))


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        gen.generate(10, 1, dup_rate=1.5)
    with pytest.raises(ValueError):
        gen.export_bytes(pl.DataFrame({"a": ["x"]}), "xlsx")
    assert gen.generate(0, 1)[0].height == 0
