"""Issue 12: no silent country guesses. Real file shapes in tests/fixtures/regions/."""

from __future__ import annotations

from pathlib import Path

import phonenumbers
import polars as pl
import pytest
from paths import FIXTURES

from crmclean import pipeline
from crmclean.init import starter_rules
from crmclean.io.read import read_table
from crmclean.normalize.country import country_code, country_codes
from crmclean.normalize.phone import LETTERS_REASON, NO_REGION_REASON, normalize_phone, parse_phones
from crmclean.region import with_region
from crmclean.rules.load import load_rules

REGIONS = FIXTURES / "regions"


def _run(name: str, region: str | None = None):
    table = read_table(REGIONS / name)
    loaded = with_region(load_rules(None), region)
    return table, pipeline.check_table(table, loaded)


def _findings(validated, column: str) -> dict[int, str]:
    f = validated.findings.filter((pl.col("column") == column) & (pl.col("severity") != "fixed"))
    return dict(zip(f.get_column("_row").to_list(), f.get_column("message").to_list(), strict=True))


def _col(validated, column: str) -> list[str | None]:
    return validated.prepared.frame.get_column(column).to_list()


# --- phones: no wrong-country rewrites, letters are a defect ------------------------------------


@pytest.mark.parametrize(
    "raw", ["(81) 96928-4025", "(62) 98499-0002", "(51) 97938-8623", "8 (495) 027-77-62"]
)
def test_national_number_without_region_is_never_given_a_calling_code(raw: str) -> None:
    row = parse_phones(pl.Series([raw])).row(0, named=True)
    assert row["valid"] is False and row["e164"] is None and row["region"] is None
    assert row["reason"] == NO_REGION_REASON


def test_other_regions_reading_is_not_taken_from_the_digits() -> None:
    # read with RU, 5511987654321 is not valid; it must not become a Brazilian number
    assert parse_phones(pl.Series(["5511987654321"]), region="RU")["valid"].to_list() == [False]
    # the region's own country code without + and 00 + code still work
    df = parse_phones(pl.Series(["380441234567", "0049 30 123456"]), region=pl.Series(["UA", "DE"]))
    assert df["e164"].to_list() == ["+380441234567", "+4930123456"]


def test_no_evidence_file_keeps_numbers_unresolved_with_a_fix() -> None:
    table, v = _run("no_evidence.csv")
    info = v.prepared.ctx.region_info
    assert info.region is None and info.rows_used == 0
    found = _findings(v, "phone")
    assert sorted(found) == [1, 2, 3, 4, 5, 6]
    for row in (1, 2, 3, 4):
        assert (
            "no region" in found[row]
            and "settings.default_region:" in found[row]
            and "--region" in found[row]
        )
    # letters: never converted to digits
    assert LETTERS_REASON in found[5] and LETTERS_REASON in found[6]
    assert _col(v, "phone") == table.frame.get_column("phone").to_list()  # nothing rewritten


def test_no_evidence_file_with_region_flag() -> None:
    _, v = _run("no_evidence.csv", region="BR")
    assert v.prepared.ctx.region_info.source == "settings"
    assert _col(v, "phone")[:3] == ["+5581969284025", "+5562984990002", "+5551979388623"]
    assert not any("no region" in m for m in _findings(v, "phone").values())


def test_country_is_not_filled_from_a_guess() -> None:
    frame = pl.DataFrame(
        {"phone": ["(81) 96928-4025", "8 (495) 027-77-62", "+7 912 345-67-89"], "country": [None] * 3}
    )
    path = REGIONS.parent.parent / "_tmp_country_fill.csv"
    try:
        frame.write_csv(path)
        v = pipeline.check_table(read_table(path), load_rules(None))
    finally:
        path.unlink(missing_ok=True)
    assert _col(v, "country") == [None, None, "RU"]  # only the number written with +7


@pytest.mark.parametrize("raw", ["+79123456ABC", "+43123456789O", "8 800 FLOWERS"])
def test_letters_are_a_defect_unless_vanity_allowed(raw: str) -> None:
    strict = parse_phones(pl.Series([raw]), region="RU").row(0, named=True)
    assert strict["valid"] is False and strict["e164"] is None and strict["reason"] == LETTERS_REASON
    assert normalize_phone(pl.Series([raw]), region="RU").to_list() == [raw]
    lenient = parse_phones(pl.Series([raw]), region="RU", allow_vanity=True)
    assert lenient["reason"].to_list() != [LETTERS_REASON]


def test_german_vanity_letters() -> None:
    assert parse_phones(pl.Series(["030 123456 ABC"]), region="DE")["reason"].to_list() == [LETTERS_REASON]


@pytest.mark.parametrize(
    ("raw", "region", "ext"),
    [
        ("+7 912 345-67-89 доб. 45", None, "45"),
        ("+1 650 253 0000 ext 12", None, "12"),
        ("+1 650 253 0000x123", None, "123"),
        ("(11) 3333-4444 ramal 21", "BR", "21"),
        ("8 (495) 123-45-67 вн. 7", "RU", "7"),
    ],
)
def test_extension_markers_are_extensions_not_letters(raw: str, region: str | None, ext: str) -> None:
    row = parse_phones(pl.Series([raw]), region=region).row(0, named=True)
    assert row["valid"] is True and row["extension"] == ext


def test_phone_check_allow_vanity_option(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "version: 1\nsettings: {default_region: US}\n"
        "validate:\n  - {check: phone, column: phone, allow_vanity: true}\n",
        encoding="utf-8",
    )
    data = tmp_path / "p.csv"
    data.write_text("phone\n1-800-FLOWERS\n", encoding="utf-8")
    v = pipeline.check_table(read_table(data), load_rules(rules))
    assert v.findings.height == 0


# --- every region phonenumbers knows -------------------------------------------------------------


def test_every_phonenumbers_region_has_a_country_name() -> None:
    assert set(phonenumbers.SUPPORTED_REGIONS) <= country_codes()


@pytest.mark.parametrize(
    ("names", "code"),
    [
        (["Antigua and Barbuda", "Антигуа и Барбуда", "Antígua e Barbuda"], "AG"),
        (["Democratic Republic of the Congo", "Демократическая Республика Конго", "DRC"], "CD"),
        (["Yemen", "Йемен", "Ємен", "Iémen", "Jemen"], "YE"),
        (["Sudan", "Судан", "Sudão", "Sudán"], "SD"),
        (["Libya", "Ливия", "Líbia", "Libia", "Libyen"], "LY"),
        (["Madagascar", "Мадагаскар", "Madagáscar", "Madagaskar"], "MG"),
        (["Kosovo", "Косово"], "XK"),
        (["Tanzania", "Танзания", "Танзанія", "Tanzânia", "Tansania"], "TZ"),
    ],
)
def test_rare_countries_resolve_in_many_languages(names: list[str], code: str) -> None:
    assert country_code(pl.Series(names)).to_list() == [code] * len(names)


def test_rare_countries_file_numbers_and_phone_country_warning() -> None:
    _, v = _run("rare_countries.csv")
    phones = _col(v, "phone")
    assert phones[:8] == [
        "+12684641234",
        "+243812345678",
        "+967712345678",
        "+249912345678",
        "+218912345678",
        "+261321234567",
        "+38344123456",
        "+255712345678",
    ]
    assert _findings(v, "phone") == {9: "phone is from RU but country is TZ"}


# --- region inference, reported and overridable --------------------------------------------------


def test_russian_cp1251_file_infers_ru() -> None:
    table, v = _run("ru_1c_cp1251.csv")
    assert table.encoding == "cp1251" and table.delimiter == ";"
    info = v.prepared.ctx.region_info
    assert info.region == "RU" and info.source == "inferred" and info.rows_used == 7
    assert {"email_tld", "calling_code"} <= set(info.evidence)
    phones = _col(v, "Телефон")
    assert phones[:5] == ["+79123456789", "+74951234567", "+79161234567", "+79031112233", "+79120001122"]
    assert phones[5] == "+79123456ABC"  # letters: kept, with a finding
    assert LETTERS_REASON in _findings(v, "Телефон")[6]
    assert _col(v, "Дата рождения")[0] == "1970-08-07"  # day first


def test_vietnamese_tsv_infers_vn() -> None:
    _, v = _run("vn_contacts.tsv")
    info = v.prepared.ctx.region_info
    assert info.region == "VN" and info.rows_used == 6
    assert _col(v, "Số điện thoại")[:5] == [
        "+84912345678",
        "+84987654321",
        "+84903111222",
        "+84935222333",
        "+84912000111",
    ]
    assert list(_findings(v, "Số điện thoại")) == [6]  # "0912 345 67A"


def test_brazilian_file_infers_br_and_checks_cpfs() -> None:
    _, v = _run("br_clientes.csv")
    info = v.prepared.ctx.region_info
    assert info.region == "BR" and "tax_id" in info.evidence and "postal_code" in info.evidence
    assert _col(v, "telefone")[:4] == ["+5511987654321", "+5581969284025", "+5562984990002", "+5551979388623"]
    cpf = _findings(v, "cpf")
    assert sorted(cpf) == [1, 2]  # 529.982.247-26 (check digit) and 111.111.111-11 (never issued)
    assert _col(v, "data_nascimento")[0] == "1970-08-07"


def test_us_file_reads_dates_month_first() -> None:
    _, v = _run("us_contacts.csv")
    info = v.prepared.ctx.region_info
    assert info.region == "US"
    assert _col(v, "Birth Date")[:3] == ["1970-07-08", "1985-03-15", "1990-01-02"]
    assert _col(v, "Phone")[3] == "+16465550199"  # national number, file region US


def test_row_with_plus_one_reads_month_first_in_a_mixed_file(tmp_path: Path) -> None:
    data = tmp_path / "mixed.csv"
    data.write_text(
        "name,phone,birth_date\nJohn,+1 212 555 0134,07/08/1970\nИван,+7 912 345-67-89,07/08/1970\n"
        "Ana,+55 11 98765-4321,07/08/1970\nAn,+84 912 345 678,07/08/1970\n",
        encoding="utf-8",
    )
    v = pipeline.check_table(read_table(data), load_rules(None))
    assert v.prepared.ctx.region_info.region is None  # mixed: no file region
    assert _col(v, "birth_date") == ["1970-07-08", "1970-08-07", "1970-08-07", "1970-08-07"]


def test_explicit_country_wins_over_inference(tmp_path: Path) -> None:
    rows = "\n".join(f"n{i},8 912 345-67-{10 + i},Россия" for i in range(9))
    data = tmp_path / "c.csv"
    data.write_text(f"name,phone,country\n{rows}\nx,0912 345 678,VN\ny,89123456700,\n", encoding="utf-8")
    v = pipeline.check_table(read_table(data), load_rules(None))
    info = v.prepared.ctx.region_info
    assert info.region == "RU" and info.rows_used == 1
    phones = _col(v, "phone")
    assert phones[9] == "+84912345678" and phones[10] == "+79123456700"


def test_settings_default_region_overrides_inference() -> None:
    _, v = _run("vn_contacts.tsv", region="RU")
    assert v.prepared.ctx.region_info.source == "settings"
    assert v.prepared.ctx.region_info.region == "RU"
    assert _col(v, "Số điện thoại")[0] == "0912 345 678"  # not a valid RU number: left, with a finding


def test_with_region_rejects_unknown_codes() -> None:
    with pytest.raises(ValueError, match="default_region"):
        with_region(load_rules(None), "Brazil")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ru_1c_cp1251.csv", "  default_region: RU "),
        ("vn_contacts.tsv", "  default_region: VN "),
        ("br_clientes.csv", "  default_region: BR "),
        ("us_contacts.csv", "  default_region: US "),
        ("no_evidence.csv", "  # default_region: XX   # not inferred: no evidence"),
    ],
)
def test_init_writes_the_inferred_region(name: str, expected: str) -> None:
    assert expected in starter_rules(read_table(REGIONS / name))


def test_region_info_is_reportable() -> None:
    _, v = _run("br_clientes.csv")
    doc = v.prepared.ctx.region_info.as_dict()
    assert doc["region"] == "BR" and doc["rows_used"] == 6 and doc["evidence"]["tax_id"] == {"BR": 6}
    assert doc["summary"].startswith("region BR inferred (100% of 6 rows")


# --- tax ids without a known country -------------------------------------------------------------


def test_tax_ids_without_country_are_checked_by_shape_or_reported_unchecked(tmp_path: Path) -> None:
    data = tmp_path / "t.csv"
    # two CPF-shaped ids are too few to decide a file region (MIN_VOTES 3): each is read by its shape
    data.write_text("name,tax_id\nA,529.982.247-26\nB,111.111.111-11\nD,7707083893\n", "utf-8")
    v = pipeline.check_table(read_table(data), load_rules(None))
    found = v.findings.filter(pl.col("column") == "tax_id")
    by_row = {r: (s, m) for r, s, m in found.select("_row", "severity", "message").iter_rows()}
    assert by_row[1][0] == "error" and by_row[2][0] == "error"  # CPF shape: checked, invalid
    assert by_row[3][0] == "warning" and by_row[3][1].startswith("tax id not checked")
    assert v.prepared.ctx.region_info.region is None


def test_report_json_shows_the_region() -> None:
    import json

    from crmclean.report.json import render_json
    from crmclean.report.model import build_report

    _, v = _run("vn_contacts.tsv")
    report = build_report(v)
    doc = json.loads(render_json(report))
    assert doc["region"]["region"] == "VN" and doc["region"]["rows_used"] == 6
    assert ("region of rows without a country", doc["region"]["summary"]) in report.summary_rows()


def test_clean_keeps_phone_extensions_and_is_idempotent():
    import crmclean

    frame = pl.DataFrame(
        {
            "phone": ["+55 11 3000-0000 ramal 21", "+7 912 345-67-89 доб. 45", "+1 650 253 0000 x123"],
            "country": ["BR", "RU", "US"],
        }
    )
    first = crmclean.clean(frame).cleaned
    assert first.get_column("phone").to_list() == [
        "+551130000000 ext. 21",
        "+79123456789 ext. 45",
        "+16502530000 ext. 123",
    ]
    again = crmclean.clean(first.drop("_row"))
    assert again.cleaned.get_column("phone").equals(first.get_column("phone"))
    assert again.changes.filter(pl.col("column") == "phone").height == 0
