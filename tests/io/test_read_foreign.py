"""Shapes other projects' test files showed (issue 12, "Readers"): old Mac line endings, single-byte
code pages the text does not decide, a lone JSON object, blank lines before the header, Excel dates."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
import xlsxwriter
from paths import FIXTURES

from crmclean.errors import InputError
from crmclean.io.codepage import choose
from crmclean.io.read import ROW, read_table

FOREIGN = FIXTURES / "foreign"


@pytest.fixture
def foreign() -> Path:
    """Shapes from other projects' files (apart from good/ and broken/, which other tests list)."""
    return FOREIGN


def _csv_rows(path, encoding="utf-8"):
    with open(path, encoding=encoding, newline="") as handle:
        return [row for row in csv.reader(handle) if row]


def test_cr_only_line_endings_read_as_csv_reads_them(foreign):
    table = read_table(foreign / "mac_cr_only.csv")
    expected = _csv_rows(foreign / "mac_cr_only.csv")
    assert table.columns == expected[0]
    assert [list(r[1:]) for r in table.frame.rows()] == expected[1:]
    assert table.frame.get_column("city").to_list() == ["Recife", "New\rYork"]  # quoted CR kept
    assert any("carriage returns" in n for n in table.notes)


def test_cr_only_broken_row_error_has_no_python_advice(tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes(b"a,b\r1,2\r3,4,5\r")
    with pytest.raises(InputError) as err:
        read_table(path)
    assert err.value.line == 3
    assert "universal-newline" not in str(err.value)


def test_blank_lines_before_header_are_skipped_and_rows_numbered_from_it(foreign):
    table = read_table(foreign / "blank_lines_before_header.csv")
    assert table.columns == ["name", "email"]
    # _row counts data records after the real header; the blank record 2 keeps its number
    assert table.frame.get_column(ROW).to_list() == [1, 3]
    assert table.frame.get_column("name").to_list() == ["Maria", "Ivan"]
    assert any("header is line 4" in n for n in table.notes)


def test_errors_after_blank_leading_lines_name_the_physical_line(tmp_path):
    path = tmp_path / "skip.csv"
    path.write_bytes(b"\n\nname,email,name\nx,y,z\n")
    with pytest.raises(InputError, match="duplicate") as err:
        read_table(path)
    assert err.value.line == 3
    path.write_bytes(b"\n\nname,email\nx,y\nx,y,z\n")
    with pytest.raises(InputError, match="3 fields") as err:
        read_table(path)
    assert err.value.line == 5


def test_latin1_copyright_is_not_read_as_koi8(foreign):
    table = read_table(foreign / "latin1_copyright.csv")
    assert table.frame.get_column("brand").to_list() == ["Acme", "©"]


def test_greek_iso8859_7_is_read_as_greek(foreign):
    table = read_table(foreign / "greek_iso8859_7.csv")
    assert table.encoding == "iso8859-7"
    assert table.frame.get_column("city").to_list() == ["Αθήνα", "Θεσσαλονίκη", "Πάτρα"]


def test_undecided_code_page_is_refused_with_encoding_advice(foreign):
    with pytest.raises(InputError) as err:
        read_table(foreign / "ambiguous_codepage.csv")
    assert err.value.exit_code == 2
    assert err.value.line == 2
    assert "--encoding" in str(err.value)


def test_undecided_code_page_is_read_with_encoding_given(foreign):
    table = read_table(foreign / "ambiguous_codepage.csv", _options(encoding="cp1252"))
    assert table.frame.get_column("note").to_list() == ["é"]


def _options(**kw):
    from crmclean.io.read import ReadOptions

    return ReadOptions(**kw)


def test_country_column_settles_a_short_cyrillic_file(foreign):
    table = read_table(foreign / "ru_cp1251_country.csv")
    assert table.encoding == "cp1251"
    assert table.frame.get_column("name").to_list() == ["Иван", "Жанна"]
    assert table.notes == ["encoding cp1251 chosen from the country column (RU)"]


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Фамилия;Имя;Город\nИванов;Иван;Москва\nПетрова;Мария;Санкт-Петербург\n", "cp1251"),
        ("Фамилия;Имя;Город\nИванов;Иван;Москва\nПетрова;Мария;Санкт-Петербург\n", "koi8_r"),
        ("Фамилия;Имя;Город\nИванов;Иван;Москва\nПетрова;Мария;Санкт-Петербург\n", "cp866"),
        ("ПІБ,Місто\nОлена Шевченко,Київ\nЮрій Ковальчук,Львів\n", "cp1251"),
        ("nome,cidade\nJoão Conceição,São Paulo\nMaria Magalhães,Brasília\n", "cp1252"),
        ("nom,ville\nFrançois Lefèvre,Besançon\nHélène Bœuf,Rhône\nAnaïs Dupré,Île-de-France\n", "cp1252"),
        ("imię,miasto\nŁukasz Wójcik,Łódź\nGrażyna Kowalczyk,Kraków\n", "cp1250"),
        ("jméno,město\nJiří Dvořák,Brno\nŽofie Černá,Ústí nad Labem\n", "cp1250"),
        ("ad,şehir\nAyşe Yılmaz,İstanbul\nMehmet Öztürk,Eskişehir\n", "cp1254"),
        ("nume,oras\nŞtefan Popescu,Braşov\nIoana Ţugui,Timişoara\n", "cp1250"),
        ("vardas,miestas\nJonas Petraitis,Šiauliai\nRūta Žemaitė,Klaipėda\n", "cp1257"),
        ("Компания;Адрес\nООО «Ромашка»;ул. Ленина, д. 5, кв. №12\nИП Петров;г. Казань\n", "cp1251"),
        ("nome;endereço\nJoão da Silva;Rua Sete, 1º andar\nAna Conceição;Belém — PA\n", "cp1252"),
    ],
)
def test_code_page_decided_by_the_text(text, encoding):
    raw = text.encode(encoding)
    assert raw.decode(choose(raw, "x").encoding) == text


def test_lone_json_object_is_refused_like_arrays_of_arrays(foreign, tmp_path):
    with pytest.raises(InputError, match="single JSON object") as err:
        read_table(foreign / "single_object.json")
    assert err.value.line == 1
    arrays = tmp_path / "arrays.json"
    arrays.write_text('[["id", "name"], [1, "x"]]')
    with pytest.raises(InputError, match="array of objects"):
        read_table(arrays)


def test_json_file_with_one_object_per_line_is_read_as_json_lines(foreign):
    table = read_table(foreign / "objects_per_line.json")
    assert table.frame.get_column("name").to_list() == ["Maria", "Ivan"]


def _workbook(path):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write_row(0, 0, ["name", "birth_date", "created_at", "note", "score"])
    sheet.write_string(1, 0, "Maria")
    sheet.write_datetime(1, 1, dt.datetime(1985, 3, 15), day)
    sheet.write_datetime(1, 2, dt.datetime(2020, 1, 2, 13, 45), stamp)
    sheet.write_string(1, 3, "1985-03-15 00:00:00")  # text that looks like a datetime: unchanged
    sheet.write_number(1, 4, 7)
    sheet.write_string(2, 0, "Ivan")
    sheet.write_string(2, 1, "unknown")
    sheet.write_datetime(2, 2, dt.datetime(2020, 1, 3, 0, 0), stamp)
    sheet.write_number(2, 3, 3.5)
    sheet.write_number(2, 4, 31000)
    book.close()
    path.write_bytes(buffer.getvalue())


def test_excel_date_cells_read_as_dates(tmp_path):
    path = tmp_path / "dates.xlsx"
    _workbook(path)
    frame = read_table(path).frame
    assert frame.get_column("birth_date").to_list() == ["1985-03-15", "unknown"]
    # a column with a time of day keeps every time, midnight included
    assert frame.get_column("created_at").to_list() == ["2020-01-02 13:45:00", "2020-01-03 00:00:00"]
    assert frame.get_column("note").to_list() == ["1985-03-15 00:00:00", "3.5"]
    assert frame.get_column("score").to_list() == ["7", "31000"]


@pytest.mark.parametrize(
    ("text", "char"),
    [
        ("name+city+state\nHarry's+Arlington+IL\nShark City+Glendale+IL\nTommy's+Blue Island+IL\n", "+"),
        ("# exported 2024-05-01\nid;name;city\n1;Ana;Recife\n2;Ivan;Kazan\n3;Lan;Hue\n", ";"),
    ],
)
def test_one_column_reading_of_delimited_rows_is_refused(tmp_path, text, char):
    path = tmp_path / "odd.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(f"split by {char!r}")) as err:
        read_table(path)
    assert err.value.line == 1 and f"--delimiter {char!r}" in str(err.value)
    if char == "+":  # the title-line file needs its title removed, not a delimiter
        assert read_table(path, _options(delimiter=char)).frame.height == 3


def test_one_column_files_are_still_read(tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text("birth_date\n05/05/2003\n12/28/2002\n01/02/1999\n", encoding="utf-8")
    assert read_table(path).frame.get_column("birth_date").to_list()[0] == "05/05/2003"


# Real words per language, and the code page its exports use (several languages share one).
VOCABULARY = {
    "ru": (
        "cp1251",
        "Иван Пётр Мария Анна Сергей Ольга Москва Казань Иванов Петрова ул. Ленина д. №12 «Ромашка»",
    ),
    "ru-koi8": ("koi8_r", "Иван Пётр Мария Анна Сергей Ольга Москва Казань Иванов Петрова Екатеринбург"),
    "ru-dos": ("cp866", "Иван Пётр Мария Анна Сергей Ольга Москва Казань Иванов Петрова Новосибирск"),
    "uk": ("cp1251", "Олена Шевченко Київ Львів Юрій Ковальчук Ігор Житомир Євген Запоріжжя"),
    "es": ("cp1252", "José Núñez María Peña Málaga Córdoba Ángel Muñoz Logroño Cádiz"),
    "pt": ("cp1252", "João Conceição São Paulo Brasília Magalhães Goiânia Belém 1º andar à vista"),
    "fr": ("cp1252", "François Lefèvre Hélène Bœuf Besançon Rhône Anaïs Dupré Île Gérard Crèche Noël"),
    "de": ("cp1252", "Jürgen Müller München Köln Straße Größe Bäcker Düsseldorf Österreich –"),
    "nordic": ("cp1252", "Søren Ærø Björk Ångström Göteborg Kærlighed Åsa Jönköping Þór"),
    "pl": ("cp1250", "Łukasz Wójcik Łódź Grażyna Kraków Gdańsk Świętosław Źródło Bożena"),
    "cs": ("cp1250", "Jiří Dvořák Plzeň Žofie Černá Ústí Brno Tomáš Růžička Děčín"),
    "hu": ("cp1250", "Kovács Gábor Győr Szabó Éva Pécs Tőkés Ödön Debrecen Szűcs"),
    "ro": ("cp1250", "Ştefan Popescu Braşov Ioana Ţugui Timişoara Constanţa Bârlad"),
    "hr": ("cp1250", "Đurđević Čakovec Šibenik Žarko Ivić Split Ćiro Đakovo"),
    "el": ("iso8859_7", "Λεωνίδας Αλέξανδρος Μαρία Γεωργίου Αθήνα Θεσσαλονίκη Πάτρα Νικολάου"),
    "tr": ("cp1254", "Ayşe Yılmaz İstanbul Mehmet Öztürk Eskişehir Çağla Muğla Şahin Kılıç"),
    "lt": ("cp1257", "Jonas Petraitis Šiauliai Rūta Žemaitė Klaipėda Ąžuolas Kaunas Vilnius"),
    "lv": ("cp1257", "Jānis Bērziņš Rīga Liepāja Kārlis Ozoliņš Daugavpils Jēkabpils"),
}


@pytest.mark.parametrize("language", sorted(VOCABULARY))
def test_code_page_is_right_or_refused_never_a_guess(language):
    """Random small exports of real words: the text decides the code page right, or the file is
    refused (exit 2, --encoding advice); a wrong code page with exit 0 never happens."""
    import random

    from crmclean.io.codepage import choose

    encoding, words = VOCABULARY[language]
    vocabulary = words.split()
    rng = random.Random(language)
    outcomes = {"right": 0, "refused": 0}
    for rows in (1, 2, 3, 5, 10, 30) * 8:
        lines = ["id,name,city"] + [
            f"{i},{rng.choice(vocabulary)} {rng.choice(vocabulary)},{rng.choice(vocabulary)}"
            for i in range(rows)
        ]
        text = "\n".join(lines) + "\n"
        raw = text.encode(encoding)
        try:
            chosen = choose(raw, "x").encoding
        except InputError as err:
            assert err.exit_code == 2 and "--encoding" in str(err)
            outcomes["refused"] += 1
            continue
        assert raw.decode(chosen) == text, f"{encoding} file read as {chosen}: {text!r}"
        outcomes["right"] += 1
    assert outcomes["right"] >= outcomes["refused"]  # refusals are for tiny files, not the rule


def test_multilingual_file_is_refused_not_guessed():
    # German, French and Spanish names in cp1252: cp1257 reads "Núñez" as Polish-looking "Nśńez"
    text = "Name,Stadt\nJürgen Müller,München\nZoé Dubois,Köln\nJosé Núñez,Straße 5 – “VIP”\n"
    raw = text.encode("cp1252")
    try:
        assert raw.decode(choose(raw, "x").encoding) == text
    except InputError as err:
        assert "--encoding" in str(err)
