"""Validation baselines for `crmclean validate`: the same checks, written the way other tools are used.

    python -m benchmarks.validate_baseline pandas  customers.csv   # pandas + a Python loop over rows
    python -m benchmarks.validate_baseline pandera customers.csv   # a pandera DataFrameSchema
    python -m benchmarks.validate_baseline frictionless customers.csv   # a frictionless Table Schema

Each prints ``{"seconds": ..., "rows": ..., "findings": ..., "flagged_rows": ..., "seeded_found": ...}``
like benchmarks/measure.py (seconds from before the imports, excluding interpreter start-up); the
parent (`python -m benchmarks`) reads the peak memory from the OS. `seeded_found` is the share of the
generator's seeded error cells (defects.csv: invalid_email, invalid_phone, bad_date, future_date,
missing_required, bad_tax_id) that got a finding on the same row and column, so one can see the
baselines do comparable work.

The checks mirror crmclean's bundled default rules: customer_id unique; e-mail or phone present;
e-mail valid (email-validator, no DNS); phone valid for the row's country (phonenumbers); birth date
a real date, not in the future, at most 120 years ago (``31.12.1990``, ``31/12/1990``, ISO, and
``12/31/1990`` for US rows); created_at not in the future; tax id checksum by country and length
(python-stdnum); company required for B2B; updated_at within 1095 days (a warning). Values are
trimmed first. Country names are mapped to regions with a dictionary of the spellings in the file,
as a user would write it.

* **pandas** — the naive approach: ``pd.read_csv(dtype=str)``, then one Python function per row
  (``for row in df.itertuples()``) calling email-validator, phonenumbers and stdnum on every value.
* **pandera** (see benchmarks/README.md) — a ``pandera.pandas``
  DataFrameSchema validated with ``lazy=True`` so every failure is collected: vectorized built-ins
  where pandera/pandas have them (``unique``, ``isin``, ``str_matches`` for e-mail — pandera has no
  e-mail validator, so a regex, as its users write — and ``pd.to_datetime`` for dates), frame-level
  checks for "email or phone" and "company if B2B", and element-wise custom checks for phones and
  tax ids, which have no vectorized form.
* **frictionless** — frictionless-py's own ``Resource.validate()`` on the file against a Table
  Schema written with care for the same checks, with no limit on errors (``limit_errors``) so every
  one is counted: ``customer_id`` ``required`` + ``unique``; ``email`` a string of ``format:
  email``; ``phone`` a ``pattern`` of 8 to 15 digits with an optional ``+``, ``( ) - .`` and
  spaces; ``tax_id`` a ``pattern`` of the shapes the file's countries use (INN, CPF, CNPJ,
  ЄДРПОУ/РНОКПП, MST, EIN, GB VAT); ``segment`` an ``enum``; ``birth_date`` a ``date`` of
  ``format: any`` (dateutil: the file mixes ISO, ``31.12.1990`` and ``31/12/1990``, and a field has
  one format) with ``minimum`` 120 years ago and ``maximum`` today; ``created_at`` a ``datetime``
  with ``maximum`` now; ``updated_at`` a ``datetime`` with ``minimum`` 1095 days ago. "e-mail or
  phone" and "company if B2B" are frictionless's own ``row_constraint`` checks (a formula per row).
  What a Table Schema cannot say is left out: a phone valid for the row's country, a tax-id
  checksum, day-first or month-first by country. The file is validated as written (frictionless
  has no option to trim cells), so an e-mail with a trailing space fails ``format: email``.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

REGION = {
    "россия": "RU", "ru": "RU", "russia": "RU", "российская федерация": "RU", "рф": "RU",
    "україна": "UA", "украина": "UA", "ukraine": "UA", "ua": "UA",
    "việt nam": "VN", "vietnam": "VN", "viet nam": "VN", "vn": "VN",
    "brasil": "BR", "brazil": "BR", "br": "BR",
    "usa": "US", "us": "US", "united states": "US", "united states of america": "US",
    "uk": "GB", "united kingdom": "GB", "gb": "GB", "england": "GB", "great britain": "GB",
}  # fmt: skip
EMAIL_RE = r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$"
ERROR_DEFECTS = (
    "invalid_email",
    "invalid_phone",
    "bad_date",
    "future_date",
    "missing_required",
    "bad_tax_id",
)
TODAY = date.today()
OLDEST = TODAY.replace(year=TODAY.year - 120)
STALE = TODAY - timedelta(days=1095)


def region_of(country: str | None) -> str | None:
    return REGION.get((country or "").strip().lower())


def parse_birth_date(value: str, region: str | None) -> date | None:
    formats = ("%Y-%m-%d", "%d.%m.%Y", "%m/%d/%Y" if region == "US" else "%d/%m/%Y")
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def tax_id_ok(value: str, region: str | None) -> bool:
    from stdnum.br import cnpj, cpf
    from stdnum.gb import vat
    from stdnum.ru import inn
    from stdnum.ua import edrpou, rntrc
    from stdnum.us import ein
    from stdnum.vn import mst

    digits = "".join(ch for ch in value if ch.isdigit())
    by_region = {
        "RU": (inn,),
        "BR": (cpf,) if len(digits) == 11 else (cnpj,),
        "UA": (edrpou,) if len(digits) == 8 else (rntrc,),
        "VN": (mst,),
        "US": (ein,),
        "GB": (vat,),
    }
    modules = by_region.get(region or "", (inn, cpf, cnpj, edrpou, rntrc, mst, ein, vat))
    return any(mod.is_valid(value) for mod in modules)


def phone_ok(value: str, region: str | None) -> bool:
    import phonenumbers

    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(value, region))
    except phonenumbers.NumberParseException:
        return False


def email_ok(value: str) -> bool:
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(value, check_deliverability=False)
        return True
    except EmailNotValidError:
        return False


# -------------------------------------------------------------------------------------- pandas loop
def check_row(row) -> list[tuple[str, str]]:
    """(column, rule) of every failure in one row; the naive per-row validator."""
    out = []
    get = {k: (v.strip() if isinstance(v, str) else "") for k, v in row._asdict().items()}
    region = region_of(get["country"])
    if not get["email"] and not get["phone"]:
        out += [("email", "contactable"), ("phone", "contactable")]
    if get["email"] and not email_ok(get["email"]):
        out.append(("email", "email"))
    if get["phone"] and not phone_ok(get["phone"], region):
        out.append(("phone", "phone"))
    if get["birth_date"]:
        born = parse_birth_date(get["birth_date"], region)
        if born is None or born > TODAY or born < OLDEST:
            out.append(("birth_date", "birth_date"))
    if get["created_at"]:
        try:
            if datetime.fromisoformat(get["created_at"]).date() > TODAY:
                out.append(("created_at", "created_at"))
        except ValueError:
            out.append(("created_at", "created_at"))
    if get["tax_id"] and not tax_id_ok(get["tax_id"], region):
        out.append(("tax_id", "tax_id"))
    if get["segment"].upper() == "B2B" and not get["company"]:
        out.append(("company", "b2b_company"))
    if get["updated_at"]:
        try:
            if datetime.fromisoformat(get["updated_at"]).date() < STALE:
                out.append(("updated_at", "freshness"))
        except ValueError:
            out.append(("updated_at", "freshness"))
    return out


def validate_pandas(path: str) -> tuple[int, list[tuple[int, str, str]]]:
    import pandas as pd

    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    found = [(i + 1, "customer_id", "unique_id") for i in df.index[df["customer_id"].duplicated(keep=False)]]
    for i, row in enumerate(df.itertuples(index=False), start=1):
        found += [(i, column, rule) for column, rule in check_row(row)]
    return len(df), found


# ------------------------------------------------------------------------------------------ pandera
def pandera_schema():
    import pandas as pd
    import pandera.pandas as pa

    def dates_ok(df: pd.DataFrame) -> pd.Series:
        s, us = df["birth_date"], df["country"].map(region_of) == "US"
        parsed = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
        parsed = parsed.fillna(pd.to_datetime(s, format="%d.%m.%Y", errors="coerce"))
        dmy = pd.to_datetime(s, format="%d/%m/%Y", errors="coerce")
        mdy = pd.to_datetime(s, format="%m/%d/%Y", errors="coerce")
        parsed = parsed.fillna(mdy.where(us, dmy))
        ok = parsed.notna() & (parsed <= pd.Timestamp(TODAY)) & (parsed >= pd.Timestamp(OLDEST))
        return ok | s.isna()

    def per_row(fn, column):  # element-wise over (value, region): no vectorized phonenumbers/stdnum
        def check(df: pd.DataFrame) -> pd.Series:
            regions = df["country"].map(region_of)
            return pd.Series(
                [v is None or v != v or fn(v, r) for v, r in zip(df[column], regions, strict=True)],
                index=df.index,
            )

        return check

    def iso_datetime(when):
        def check(s: pd.Series) -> pd.Series:
            return when(pd.to_datetime(s, format="%Y-%m-%dT%H:%M:%S", errors="coerce"))

        return check

    text = {"dtype": str, "nullable": True}
    return pa.DataFrameSchema(
        {
            "customer_id": pa.Column(str, unique=True, nullable=True),
            "email": pa.Column(**text, checks=pa.Check.str_matches(EMAIL_RE, name="email")),
            "phone": pa.Column(**text),
            "company": pa.Column(**text),
            "country": pa.Column(**text),
            "birth_date": pa.Column(**text),
            "created_at": pa.Column(
                **text, checks=pa.Check(iso_datetime(lambda t: t <= pd.Timestamp(TODAY)), name="created_at")
            ),
            "updated_at": pa.Column(
                **text, checks=pa.Check(iso_datetime(lambda t: t >= pd.Timestamp(STALE)), name="freshness")
            ),
            "tax_id": pa.Column(**text),
            "segment": pa.Column(**text, checks=pa.Check.isin(["B2B", "B2C"])),
        },
        checks=[
            pa.Check(lambda df: df["email"].notna() | df["phone"].notna(), name="contactable"),
            pa.Check(lambda df: (df["segment"] != "B2B") | df["company"].notna(), name="b2b_company"),
            pa.Check(dates_ok, name="birth_date"),
            pa.Check(per_row(phone_ok, "phone"), name="phone"),
            pa.Check(per_row(tax_id_ok, "tax_id"), name="tax_id"),
        ],
        strict=False,
        coerce=False,
    )


# ------------------------------------------------------------------------------------- frictionless
PHONE_PATTERN = r"\(?\+?[ ()\-.]*(?:[0-9][ ()\-.]*){8,15}"  # +7 912 ..., (+84) 912 ..., 8 (912) ...
# frictionless anchors a pattern as "^{pattern}$", with no group: keep the alternation in one
TAX_ID_PATTERN = (
    r"(?:[0-9]{8,12}|[0-9]{14}|[0-9]{10}-[0-9]{3}|[0-9]{3}\.[0-9]{3}\.[0-9]{3}-[0-9]{2}"
    r"|[0-9]{2}\.[0-9]{3}\.[0-9]{3}/[0-9]{4}-[0-9]{2}|[0-9]{2}-[0-9]{7}"
    r"|(?:GB ?)?[0-9]{3} ?[0-9]{4} ?[0-9]{2})"
)
ROW_CONSTRAINTS = {  # frictionless row_constraint formulas (simpleeval, the row's cells as names)
    "contactable": "email or phone",
    "b2b_company": "segment != 'B2B' or company",
}
FIELD_RULES = {"updated_at": "freshness", "customer_id": "unique_id"}


def table_schema(columns: list[str]) -> dict:
    """The Table Schema descriptor for the generator's 18 columns (any other column: a plain string)."""
    now = datetime.now().replace(microsecond=0)
    special: dict[str, dict] = {
        "customer_id": {"constraints": {"required": True, "unique": True}},
        "email": {"format": "email"},
        "phone": {"constraints": {"pattern": PHONE_PATTERN}},
        "tax_id": {"constraints": {"pattern": TAX_ID_PATTERN}},
        "segment": {"constraints": {"enum": ["B2B", "B2C"]}},
        "birth_date": {
            "type": "date",
            "format": "any",
            "constraints": {"minimum": OLDEST.isoformat(), "maximum": TODAY.isoformat()},
        },
        "created_at": {"type": "datetime", "constraints": {"maximum": now.isoformat()}},
        "updated_at": {"type": "datetime", "constraints": {"minimum": f"{STALE.isoformat()}T00:00:00"}},
    }
    fields = [{"name": c, "type": "string", **special.get(c, {})} for c in columns]
    return {"fields": fields, "missingValues": [""]}


def validate_frictionless(path: str) -> tuple[int, list[tuple[int, str, str]]]:
    import csv

    import frictionless
    from frictionless import Checklist, Resource, Schema, checks

    with open(path, encoding="utf-8", newline="") as f:
        columns = next(csv.reader(f))
    import os

    resource = Resource(  # a path relative to its folder: frictionless refuses absolute ones as unsafe
        os.path.basename(path),
        basepath=os.path.dirname(os.path.abspath(path)),
        format="csv",
        encoding="utf-8",
        schema=Schema.from_descriptor(table_schema(columns)),
    )
    checklist = Checklist(checks=[checks.row_constraint(formula=f) for f in ROW_CONSTRAINTS.values()])
    report = resource.validate(checklist, limit_errors=sys.maxsize)  # every error, none cut off
    task = report.tasks[0]
    if task.warnings:
        raise SystemExit(f"frictionless: {task.warnings}")
    rule_of = {formula: rule for rule, formula in ROW_CONSTRAINTS.items()}
    found = []
    for error in task.errors:
        row = getattr(error, "row_number", None)
        if row is None:  # a file- or header-level error: no cell to count
            raise SystemExit(f"frictionless: {error.type}: {error.message}")
        row -= 1  # frictionless numbers the header as row 1; findings use 1-based data rows
        if isinstance(error, frictionless.errors.RowConstraintError):
            rule = next(r for f, r in rule_of.items() if f'"{f}"' in error.note)
            found += [(row, c, rule) for c in FRAME_CHECK_COLUMNS[rule]]
        elif isinstance(error, frictionless.errors.CellError):
            found.append((row, error.field_name, FIELD_RULES.get(error.field_name, error.field_name)))
        else:  # a row-level error of the file itself (extra or missing cells, blank row)
            found.append((row, "", error.type))
    return task.stats["rows"], sorted(set(found))


FRAME_CHECK_COLUMNS = {
    "contactable": ("email", "phone"),
    "b2b_company": ("company",),
    "birth_date": ("birth_date",),
    "phone": ("phone",),
    "tax_id": ("tax_id",),
}


def validate_pandera(path: str) -> tuple[int, list[tuple[int, str, str]]]:
    import pandas as pd
    import pandera.errors

    df = pd.read_csv(path, dtype=str, keep_default_na=False).apply(lambda s: s.str.strip())
    df = df.where(df != "", None)
    try:
        pandera_schema().validate(df, lazy=True)
        return len(df), []
    except pandera.errors.SchemaErrors as err:
        cases = err.failure_cases
    cases = cases[cases["index"].notna()]
    found = []
    for context, column, check, index in zip(
        cases["schema_context"], cases["column"], cases["check"], cases["index"], strict=True
    ):
        rule = str(check).split("(")[0]
        rule = {"str_matches": "email", "field_uniqueness": "unique_id"}.get(rule, rule)
        # a frame-level check reports every column of a failing row: keep the columns it is about
        columns = FRAME_CHECK_COLUMNS[rule] if context == "DataFrameSchema" else (column,)
        found += [(int(index) + 1, c, rule) for c in columns]
    return len(df), sorted(set(found))


# --------------------------------------------------------------------------------------------- main
def seeded_found(path: str, found: list[tuple[int, str, str]]) -> float | None:
    """Share of the generator's seeded error cells (defects.csv next to `path`) that got a finding."""
    import csv

    defects = Path(path).parent / "defects.csv"
    if not defects.exists():
        return None
    with defects.open(encoding="utf-8") as f:
        seeded = {(int(r["row"]), r["column"]) for r in csv.DictReader(f) if r["defect"] in ERROR_DEFECTS}
    cells = {(row, column) for row, column, _ in found}
    return round(len(seeded & cells) / len(seeded), 4) if seeded else None


VALIDATORS = {"pandas": validate_pandas, "pandera": validate_pandera, "frictionless": validate_frictionless}


def crmclean_summary(findings, path: str) -> dict:
    """crmclean's findings frame counted as the baselines count theirs: distinct (row, column, rule) of
    its errors and warnings (``fixed`` lines are normalizations, not problems); a finding on
    ``email / phone`` is one per column. In Polars, so counting adds nothing to the stage's peak."""
    import polars as pl

    cells = (
        findings.filter(pl.col("severity") != "fixed")
        .select(pl.col("_row").alias("row"), pl.col("column").str.split(" / "), "rule")
        .explode("column")
        .unique()
    )
    share = None
    defects = Path(path).parent / "defects.csv"
    if defects.exists():
        seeded = (
            pl.read_csv(defects, schema_overrides={"row": pl.Int64, "column": pl.String})
            .filter(pl.col("defect").is_in(ERROR_DEFECTS))
            .select("row", "column")
            .unique()
        )
        hit = seeded.join(cells.select("row", "column").unique(), on=["row", "column"], how="semi").height
        share = round(hit / seeded.height, 4) if seeded.height else None
    return {"findings": cells.height, "flagged_rows": cells["row"].n_unique(), "seeded_found": share}


def main(argv: list[str] | None = None) -> None:
    start = time.perf_counter()
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[0] not in VALIDATORS:
        raise SystemExit(f"usage: python -m benchmarks.validate_baseline {{{'|'.join(VALIDATORS)}}} FILE")
    tool, path = args
    rows, found = VALIDATORS[tool](path)
    seconds = round(time.perf_counter() - start, 3)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rows": rows,
                "findings": len(found),
                "flagged_rows": len({r for r, _, _ in found}),
                "seeded_found": seeded_found(path, found),
            }
        )
    )


# --------------------------------------------------------------------------------------- the stage
def stage_validate(tool: str, rows: int) -> list[dict]:
    """`validate_pandas` / `validate_pandera` / `validate_frictionless` at `rows`, in a child process
    like every stage."""
    from benchmarks.dedupe_quality import result_row
    from benchmarks.suite import dataset, run_child

    path = dataset(rows)
    out, _, peak = run_child(
        [sys.executable, "-m", "benchmarks.validate_baseline", tool, str(path)], f"validate_{tool}"
    )
    info = json.loads(out)
    extra = {k: info[k] for k in ("findings", "flagged_rows", "seeded_found")}
    return [result_row(f"validate_{tool}", tool, "generated", info["rows"], info["seconds"], peak, **extra)]


if __name__ == "__main__":
    main()
