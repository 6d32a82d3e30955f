"""Every table file in the shared corpus (frictionless-py, csvkit and CleverCSV test material) is
either read right or refused with a located InputError: never an internal error, never mojibake.

"Right" is decided per file. A CSV/TSV read by crmclean must hold what Python's ``csv`` module reads
from the same bytes decoded with the file's real encoding (``ENCODINGS`` names it where it is not
UTF-8), blank records aside. A refusal must be one whose reason the ``csv`` reading confirms (a
ragged row, an empty or repeated header name, no data row), or be listed in ``REFUSED`` with its
reason (files broken on purpose, or tables crmclean does not take: nested JSON, JSON documents).
``MUST_READ`` pins values for the shapes issue 12 names. Run with ``-s`` to print the tally.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from crmclean.errors import InputError
from crmclean.io import csvscan
from crmclean.io.encoding import decode_to_utf8
from crmclean.io.read import ROW, read_table

KINDS = {".csv", ".tsv", ".txt", ".xlsx", ".json", ".ndjson", ".jsonl"}

# The real encoding of the files that are not UTF-8 (with or without a byte-order mark).
ENCODINGS = {
    "csvkit/examples/test_latin1.csv": "latin-1",
    "csvkit/examples/test_utf16_big.csv": "utf-16",
    "csvkit/examples/test_utf16_little.csv": "utf-16",
    "frictionless/data/latin1.csv": "latin-1",
    "frictionless/data/table-infer-iso-8859-7.csv": "iso8859-7",
    "frictionless/data/table-with-accents.csv": "cp1252",  # French hotel statistics: "Année"
    "frictionless/data/issue-647.csv.txt": "cp1252",  # French charging stations: "Allée", "accessibilité"
}

# Files crmclean refuses on purpose: path -> words the error must contain.
REFUSED = {
    # broken on purpose by their projects
    "csvkit/examples/null_byte.csv": "NUL byte",
    "csvkit/examples/empty.csv": "no content",
    "frictionless/data/empty.csv": "the file is empty",
    "frictionless/data/escaping.csv": "never closed",  # backslash-escaped quote: not CSV quoting
    "frictionless/data/invalid.json": "invalid JSON",
    "frictionless/data/wide.csv": "at most 2048",
    "frictionless/data/compression/implicit-gz.csv": "does not look like text",  # gzip named .csv
    "frictionless/data/compression/implicit-zip.csv": "looks like an Excel/zip file",
    # delimiters crmclean does not pick by itself, or a title line above the header
    "clevercsv/detect/header2_sample8.csv": "split by '+'",
    "clevercsv/detect/sample2.csv": "split by ':'",
    "clevercsv/detect/sample3.csv": "split by '?'",
    "clevercsv/detect/sample8.csv": "split by '+'",
    "clevercsv/detect/sample9.csv": "split by '+'",
    "frictionless/data/country-2.csv": "split by ';'",
    # workbooks whose first sheet is empty
    "csvkit/examples/sheets.xlsx": "sheet 1 is empty",
    "frictionless/data/sheet2.xlsx": "sheet 1 is empty",
    # JSON that is not an array of flat objects
    "csvkit/examples/test_geojson.json": "single JSON object",
    "csvkit/examples/testjson_nested.json": "nested values",
    "frictionless/data/countries.json": "single JSON object",
    "frictionless/data/data.json": "single JSON object",
    "frictionless/data/resource.json": "single JSON object",
    "frictionless/data/issue-277.json": "single JSON object",
    "frictionless/data/issue-833.json": "single JSON object",
    "frictionless/data/issue-869.json": "single JSON object",
    "frictionless/data/issue-977.json": "single JSON object",
    "frictionless/data/schema-invalid-empty.json": "single JSON object",
    "frictionless/data/unique-field.json": "single JSON object",
    "frictionless/data/issue-1293/sample.json": "nested values",
    "frictionless/data/table.json": "array of objects",  # an array of arrays
    "frictionless/data/table-output.json": "array of objects",
    "frictionless/data/transform.json": "array of objects",
    # Excel sheets with cells beyond the header, or a header row that is not one
    "csvkit/examples/test.xlsx": "empty column name",
    "csvkit/examples/test_skip_lines.xlsx": "empty column name",
    "frictionless/data/issue-1024.xlsx": "empty column name",
    "frictionless/data/issue-312.xlsx": "empty column name",
    "frictionless/data/issue-320.xlsx": "empty column name",
    "frictionless/data/multiline-headers.xlsx": "empty column name",
    "frictionless/data/skip-rows.xlsx": "empty column name",
    "frictionless/data/fixtures/template.xlsx": "no data rows",
    "frictionless/data/merged-cells.xlsx": "no data rows",
}

# Values that must be read, for the shapes issue 12 names: path -> (column, first values).
MUST_READ = {
    "csvkit/examples/mac_newlines.csv": ("a", ["1", "Once upon\ra time"]),  # CR-only, CR kept in quotes
    "csvkit/examples/realdata/census_2000/determination_schema.csv": None,  # CR-only
    "csvkit/examples/test_skip_lines.csv": ("a", ["1"]),  # blank lines before the header
    "csvkit/examples/test_latin1.csv": ("c", ["3", "©"]),
    "frictionless/data/latin1.csv": ("name", ["english", "©"]),
    "frictionless/data/table-infer-iso-8859-7.csv": ("name", ["Λεωνιδας", "Αλεξανδρος"]),
    "frictionless/data/table-with-accents.csv": None,
    "frictionless/data/issue-647.csv.txt": None,
    "csvkit/examples/test_utf16_big.csv": None,
    "csvkit/examples/test_utf16_little.csv": None,
    "csvkit/examples/testjson_multiline.json": ("a", ["2", None]),  # one object per line
    "csvkit/examples/realdata/ne_1033_data.xlsx": ("ship_date", ["2008-07-11", "2008-07-11"]),
    "frictionless/data/preserve-formatting.xlsx": ("m/d/yy", ["2040-05-20"]),
}

# Text a wrong code page leaves: C1 controls, UTF-8 read as cp1252/latin-1, box drawing, U+FFFD.
MOJIBAKE = re.compile(r"[\x80-\x9f\ufffd\u2500-\u259f]|[ÃÂ][\x80-\xbf\xa0]|â€|[ÐÑ][\x80-\xbf]")


def _files(root: Path) -> list[Path]:
    readers = root / "readers"
    return sorted(p for p in readers.rglob("*") if p.is_file() and p.suffix.lower() in KINDS)


def _key(path: Path, root: Path) -> str:
    return path.relative_to(root / "readers").as_posix()


def _reference(path: Path, key: str, delimiter: str) -> list[list[str]] | None:
    """What csv reads from the file decoded right: records, blank ones dropped (None: not text)."""
    raw = path.read_bytes()
    encoding = ENCODINGS.get(key, "utf-8-sig")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        return None
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False))
    except csv.Error:
        return None
    return [r for r in rows if r and r != [""]]


def _mojibake(frame: pl.DataFrame) -> list[str]:
    values = [c for c in frame.columns if c != ROW]
    found = [c for c in values if MOJIBAKE.search(c)]
    for column in values:
        hits = frame.get_column(column).drop_nulls()
        found += hits.filter(hits.str.contains(MOJIBAKE.pattern)).head(3).to_list()
    return found


def _confirmed(err: InputError, ref: list[list[str]] | None) -> bool:
    """The csv reading shows the fault crmclean reports."""
    if ref is None:
        return False
    message = err.message
    header = [h.strip() for h in ref[0]] if ref else []
    if "fields, the header has" in message:
        return any(len(r) != len(header) for r in ref[1:])
    if "duplicate column name" in message:
        return len(set(header)) < len(header)
    if "empty column name" in message:
        return "" in header
    if "no data rows" in message:
        return len(ref) <= 1
    return False


def _check_read(key: str, path: Path, table) -> str | None:
    """None when the table is right; else what is wrong."""
    frame = table.frame
    bad = _mojibake(frame)
    if bad:
        return f"mojibake {bad[:3]!r}"
    if table.format == "csv":
        ref = _reference(path, key, table.delimiter)
        if ref is None:
            return f"read as {table.encoding}, but the file is not {ENCODINGS.get(key, 'UTF-8')}"
        header = [h.strip().lstrip("\ufeff").strip() for h in ref[0]]
        if table.columns != header:
            return f"columns {table.columns[:5]} != csv header {header[:5]}"
        rows = [["" if v is None else v for v in r[1:]] for r in frame.rows()]
        rows = [r for r in rows if any(r)] if rows else rows
        expected = [r for r in ref[1:] if any(r)]
        if rows != expected:
            first = next((i for i, (a, b) in enumerate(zip(rows, expected, strict=False)) if a != b), None)
            return f"{len(rows)} rows != csv's {len(expected)}; first difference at data row {first}"
    elif table.format in ("json", "ndjson"):
        text = path.read_text(encoding="utf-8")
        records = (
            json.loads(text) if table.format == "json" else [json.loads(x) for x in text.splitlines() if x]
        )
        keys = list(dict.fromkeys(k for r in records for k in r))
        if sorted(table.columns) != sorted(keys) or frame.height != len(records):
            return f"{frame.height}x{table.columns} != JSON's {len(records)}x{keys}"
    if key in MUST_READ and MUST_READ[key] is not None:
        column, values = MUST_READ[key]
        got = frame.get_column(column).head(len(values)).to_list()
        if got != values:
            return f"{column}: {got!r} != {values!r}"
    return None


def _judge(key: str, path: Path) -> tuple[str, str]:
    """("read" | "refused" | "wrong", detail) for one corpus file."""
    try:
        table = read_table(path)
    except InputError as err:
        if err.file is None or err.exit_code != 2:
            return "wrong", f"refused without naming the file: {err}"
        if key in MUST_READ:
            return "wrong", f"must be read, refused: {err}"
        if key in REFUSED:
            if REFUSED[key] not in str(err):
                return "wrong", f"refused for another reason than {REFUSED[key]!r}: {err}"
            return "refused", str(err)
        delimiter = ","
        if path.suffix.lower() in (".csv", ".tsv", ".txt"):
            with contextlib.suppress(InputError):
                delimiter = csvscan.sniff_delimiter(decode_to_utf8(path.read_bytes(), key).data)
            if _confirmed(err, _reference(path, key, delimiter)):
                return "refused", str(err)
        return "wrong", f"refusal not confirmed by csv, nor listed in REFUSED: {err}"
    except Exception as err:  # an internal error: exit 3 for the user
        return "wrong", f"internal error {type(err).__name__}: {err}"
    if key in REFUSED:
        return "wrong", f"read, but listed as refused ({REFUSED[key]!r})"
    problem = _check_read(key, path, table)
    return ("wrong", problem) if problem else ("read", f"{table.frame.height}x{len(table.columns)}")


def test_every_corpus_table_is_read_right_or_refused_with_a_location(corpus):
    files = _files(corpus)
    assert files, f"no table files under {corpus / 'readers'}"
    verdicts = {_key(p, corpus): _judge(_key(p, corpus), p) for p in files}
    tally = Counter(v for v, _ in verdicts.values())
    print(f"\ncorpus readers: {len(files)} files, {dict(tally)}")
    wrong = {k: d for k, (v, d) in verdicts.items() if v == "wrong"}
    assert not wrong, "\n".join(f"{k}: {d}" for k, d in wrong.items())
    missing = [k for k in list(REFUSED) + list(MUST_READ) if k not in verdicts]
    assert not missing, f"expectations for files not in the corpus: {missing}"


@pytest.mark.parametrize("key", sorted(MUST_READ))
def test_issue_12_shapes_read(corpus, key):
    path = corpus / "readers" / key
    if not path.exists():
        pytest.skip(f"{key} not in this corpus")
    verdict, detail = _judge(key, path)
    assert verdict == "read", detail
