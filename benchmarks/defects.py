"""Recall and precision of crmclean's findings per seeded defect kind, and region inference accuracy.

    python -m benchmarks.defects --rows 30000 --seed 7 [--json OUT.json]

Takes the generator's dirty export (benchmarks/generate.py, unchanged) and seeds, on rows the
generator left without a defect, defects of its own with ground truth (one per row, seeded
``random.Random(seed + 1)``):

- ``phone_letters``: the last three digits as keypad letters (``+7 912 345-67-ADG``) or a letter O
  for a 0; expected: a phone finding (letters);
- ``national_no_country``: the phone in national format (``(81) 96928-4025``,
  ``8 (912) 345-67-89``), country blanked; expected: the true E.164, or a "no region" finding,
  never another country's number;
- ``repairable_email``: a blank before or after ``@`` (``maria.silva @gmail.com``); expected: the
  address repaired, no email error;
- ``tax_no_country``: a Brazilian CPF with a wrong check digit, country blanked; expected: an error;
- ``us_date_no_country``: a US row (phone ``+1 ...``), country blanked, an ambiguous ``07/08/1970``
  birth date; expected: read month first;

and scores the generator's own kinds too (``invalid_email``, ``invalid_phone``, ``bad_date``,
``future_date``, ``missing_required``, ``bad_tax_id``; ``whitespace`` and ``case`` are repairs, not
findings, and are not scored). The export goes through a CSV file and ``crmclean``'s library
(``read_table``, default rules, ``pipeline.check_table``), as a user's file would.

**Recall** of a kind: seeded cells that got the expected outcome. **Precision**: findings of the
kind's signature (column + rule, and for phones the reason) that fall on a cell seeded with that
kind (phone findings for letters and for other invalid numbers are told apart by their reason; "no
region" findings are counted on their own, they are not defects of the data but an honest "unknown").

**Region**: for every row without an explicit country, the region crmclean used (row evidence or
file region) against the generator's locale: precision = correct / rows given a region, coverage =
rows given a region / rows without a country. Then each locale's rows alone, with the country
column dropped (a zero-config single-country export): the file region inferred, and the share of
rows whose region is correct.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from random import Random

import phonenumbers
import polars as pl

from benchmarks.generate import PHONE_REGION, generate_full
from benchmarks.validate_baseline import ERROR_DEFECTS

REGION_OF = {"ru": "RU", "ua": "UA", "vn": "VN", "br": "BR", "us": "US", "uk": "GB"}
KEYPAD = {"2": "A", "3": "D", "4": "G", "5": "J", "6": "M", "7": "P", "8": "T", "9": "W", "0": "O", "1": "I"}
# the generator's defect kinds that the default rules must flag as errors (the same list the
# validate baselines score)
SCORED_GENERATOR_KINDS = ERROR_DEFECTS
INJECTED = (
    "phone_letters",
    "national_no_country",
    "repairable_email",
    "tax_no_country",
    "us_date_no_country",
)
# kinds that fit few rows (BR CPFs, US rows with +1) weigh more, so that every kind is seeded
WEIGHTS = {"phone_letters": 3, "national_no_country": 4, "repairable_email": 3, "tax_no_country": 8,
           "us_date_no_country": 12}  # fmt: skip


def _e164(raw: str, region: str) -> tuple[str, str] | None:
    try:
        num = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(num):
        return None
    national = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164), national


def _letters(raw: str, rnd: Random) -> str:
    chars = list(raw)
    positions = [i for i, ch in enumerate(chars) if ch.isdigit()]
    if rnd.random() < 0.3:  # a letter O typed for a zero (or the last digit)
        zeros = [i for i in positions[3:] if chars[i] == "0"] or positions[-1:]
        chars[rnd.choice(zeros)] = "O"
    else:
        for i in positions[-3:]:
            chars[i] = KEYPAD[chars[i]]
    return "".join(chars)


def _cpf_break(v: str) -> str:
    last = max(i for i, ch in enumerate(v) if ch.isdigit())
    return v[:last] + str((int(v[last]) + 1) % 10) + v[last + 1 :]


def inject(export: pl.DataFrame, locale: pl.Series, taken: set[int], seed: int, share: float = 0.04):
    """Seed this module's defects on rows (1-based) not in ``taken``. Returns the new export and the
    ground truth: one row per seeded cell (row, column, defect, expected)."""
    rnd = Random(seed + 1)
    rows = export.to_dicts()
    locs = locale.to_list()
    truth: list[tuple[int, str, str, str | None]] = []
    kinds = [k for k in INJECTED for _ in range(WEIGHTS[k])]
    for i, row in enumerate(rows):
        n = i + 1
        if n in taken or rnd.random() >= share:
            continue
        loc = locs[i]
        phone, email, tax = row["phone"], row["email"], row["tax_id"]
        parsed = _e164(phone, PHONE_REGION[loc]) if phone else None
        fits = {
            "phone_letters": bool(phone),
            "national_no_country": parsed is not None,
            "repairable_email": bool(email) and "@" in email and email == email.strip(),
            "tax_no_country": loc == "br" and bool(tax) and len(tax) == 14 and tax[3] == ".",
            "us_date_no_country": loc == "us" and bool(phone) and phone.startswith("+1"),
        }
        choices = [k for k in kinds if fits[k]]
        if not choices:
            continue
        kind = rnd.choice(choices)
        if kind == "phone_letters":
            row["phone"] = _letters(phone, rnd)
            truth.append((n, "phone", kind, None))
        elif kind == "national_no_country":
            row["phone"], row["country"] = parsed[1], None
            truth.append((n, "phone", kind, parsed[0]))
        elif kind == "repairable_email":
            local, domain = email.rsplit("@", 1)
            row["email"] = rnd.choice([f"{local} @{domain}", f"{local}@ {domain}", f"{local} @ {domain}"])
            truth.append((n, "email", kind, email.lower()))
        elif kind == "tax_no_country":
            row["tax_id"], row["country"] = _cpf_break(tax), None
            truth.append((n, "tax_id", kind, None))
        else:
            y, m = 1940 + rnd.randrange(60), rnd.randrange(1, 13)
            d = rnd.choice([x for x in range(1, 13) if x != m])
            row["birth_date"], row["country"] = f"{m:02d}/{d:02d}/{y}", None
            truth.append((n, "birth_date", kind, f"{y}-{m:02d}-{d:02d}"))
    out = pl.DataFrame(rows, schema=export.schema)
    gt = pl.DataFrame(
        {
            "row": [t[0] for t in truth],
            "column": [t[1] for t in truth],
            "defect": [t[2] for t in truth],
            "expected": [t[3] for t in truth],
        },
        schema={"row": pl.Int64, "column": pl.String, "defect": pl.String, "expected": pl.String},
    )
    return out, gt


def _run(export: pl.DataFrame, folder: Path, name: str):
    from crmclean import pipeline
    from crmclean.io.read import read_table
    from crmclean.rules.load import load_rules

    path = folder / f"{name}.csv"
    export.write_csv(path)
    t0 = time.perf_counter()
    validated = pipeline.check_table(read_table(path), load_rules(None))
    return validated, time.perf_counter() - t0


def _score(tp: int, seeded: int, flagged: int) -> dict:
    return {
        "seeded": seeded,
        "found": tp,
        "flagged": flagged,
        "recall": round(tp / seeded, 4) if seeded else None,
        "precision": round(tp / flagged, 4) if flagged else None,
    }


def score(
    validated, export: pl.DataFrame, gen_defects: pl.DataFrame, gt: pl.DataFrame, locale: pl.Series
) -> dict:
    from crmclean.normalize.phone import LETTERS_REASON

    findings = validated.findings
    frame = validated.prepared.frame.sort("_row")
    rows_of = {
        k: set(gen_defects.filter(pl.col("defect") == k).get_column("row").to_list())
        for k in SCORED_GENERATOR_KINDS
    }
    for k in INJECTED:
        rows_of[k] = set(gt.filter(pl.col("defect") == k).get_column("row").to_list())

    def flagged(column: str, rule: str | None = None, contains: str | None = None, exclude=()) -> set[int]:
        f = findings.filter((pl.col("column") == column) & (pl.col("severity") == "error"))
        if rule is not None:
            f = f.filter(pl.col("rule") == rule)
        if contains is not None:
            f = f.filter(pl.col("message").str.contains(contains, literal=True))
        for text in exclude:
            f = f.filter(~pl.col("message").str.contains(text, literal=True))
        return set(f.get_column("_row").to_list())

    out: dict[str, dict] = {}
    letters = flagged("phone", "phone", LETTERS_REASON)
    no_region = flagged("phone", "phone", "no region")
    other_phone = flagged("phone", "phone", exclude=(LETTERS_REASON, "no region"))
    out["phone_letters"] = _score(
        len(letters & rows_of["phone_letters"]), len(rows_of["phone_letters"]), len(letters)
    )
    out["invalid_phone"] = _score(
        len(other_phone & rows_of["invalid_phone"]), len(rows_of["invalid_phone"]), len(other_phone)
    )
    emails = flagged("email", "email")
    out["invalid_email"] = _score(
        len(emails & rows_of["invalid_email"]), len(rows_of["invalid_email"]), len(emails)
    )
    not_date = flagged("birth_date", "birth_date", "not a date")
    future = flagged("birth_date", "birth_date", "in the future")
    out["bad_date"] = _score(len(not_date & rows_of["bad_date"]), len(rows_of["bad_date"]), len(not_date))
    out["future_date"] = _score(
        len(future & rows_of["future_date"]), len(rows_of["future_date"]), len(future)
    )
    missing = set(findings.filter(pl.col("rule") == "contactable").get_column("_row").to_list())
    out["missing_required"] = _score(
        len(missing & rows_of["missing_required"]), len(rows_of["missing_required"]), len(missing)
    )
    taxes = flagged("tax_id", "tax_id")
    bad_tax = rows_of["bad_tax_id"] | rows_of["tax_no_country"]
    out["bad_tax_id"] = _score(
        len(taxes & rows_of["bad_tax_id"]),
        len(rows_of["bad_tax_id"]),
        len(taxes & (taxes - rows_of["tax_no_country"])),
    )
    out["tax_no_country"] = _score(
        len(taxes & rows_of["tax_no_country"]),
        len(rows_of["tax_no_country"]),
        len(taxes & (taxes - rows_of["bad_tax_id"])),
    )
    out["bad_tax_id"]["precision_all_tax_findings"] = (
        round(len(taxes & bad_tax) / len(taxes), 4) if taxes else None
    )

    # national numbers without a country: correct E.164, or flagged "no region"; never another country
    nat = gt.filter(pl.col("defect") == "national_no_country").join(
        frame.select(pl.col("_row").alias("row"), pl.col("phone").alias("got")), on="row"
    )
    correct = nat.filter(pl.col("got") == pl.col("expected")).height
    unresolved = nat.filter(pl.col("row").is_in(list(no_region))).height
    wrong = nat.filter(pl.col("got").str.starts_with("+") & (pl.col("got") != pl.col("expected"))).height
    out["national_no_country"] = {
        "seeded": nat.height,
        "resolved_correctly": correct,
        "unresolved_with_finding": unresolved,
        "wrong_country": wrong,
        "recall": round((correct + unresolved) / nat.height, 4) if nat.height else None,
        "precision": round(correct / (correct + wrong), 4) if correct + wrong else None,
    }
    out["no_region_findings"] = {"rows": len(no_region)}

    # repairable emails: repaired to the address, without an email error
    rep = gt.filter(pl.col("defect") == "repairable_email").join(
        frame.select(pl.col("_row").alias("row"), pl.col("email").alias("got")), on="row"
    )
    repaired = rep.filter((pl.col("got") == pl.col("expected")) & ~pl.col("row").is_in(list(emails))).height
    raw = export.with_row_index("row", offset=1).select("row", pl.col("email").alias("raw"))
    changed = (
        frame.select(pl.col("_row").alias("row"), pl.col("email").alias("got"))
        .join(raw.with_columns(pl.col("row").cast(pl.Int64)), on="row")
        .filter(
            pl.col("got").is_not_null()
            & (pl.col("got") != pl.col("raw").str.strip_chars().str.to_lowercase())
            & pl.col("raw").str.contains(r"\s")
            & ~pl.col("row").is_in(list(emails))
        )
    )
    repaired_rows = set(changed.get_column("row").to_list())
    out["repairable_email"] = _score(repaired, rep.height, len(repaired_rows))
    out["repairable_email"]["found"] = repaired
    out["repairable_email"]["precision"] = (
        round(len(repaired_rows & rows_of["repairable_email"]) / len(repaired_rows), 4)
        if repaired_rows
        else None
    )

    dates = gt.filter(pl.col("defect") == "us_date_no_country").join(
        frame.select(pl.col("_row").alias("row"), pl.col("birth_date").alias("got")), on="row"
    )
    ok = dates.filter(pl.col("got") == pl.col("expected")).height
    share = round(ok / dates.height, 4) if dates.height else None
    out["us_date_no_country"] = {
        "seeded": dates.height,
        "read_month_first": ok,
        "recall": share,
        "precision": share,
    }

    # region inference on rows without an explicit country
    ctx = validated.prepared.ctx
    source = validated.prepared.table.frame
    explicit = ctx.explicit_region(source)
    used = ctx.region(source)
    truth = locale.replace_strict(REGION_OF, return_dtype=pl.String)
    no_country = explicit.is_null() if explicit is not None else pl.Series([True] * source.height)
    got = (
        used.filter(no_country)
        if used is not None
        else pl.Series([None] * int(no_country.sum()), dtype=pl.String)
    )
    want = truth.filter(no_country)
    given = int(got.is_not_null().sum())
    right = int((got == want).fill_null(False).sum())
    out["region_rows_without_country"] = {
        "rows": int(no_country.sum()),
        "given_a_region": given,
        "correct": right,
        "precision": round(right / given, 4) if given else None,
        "coverage": round(given / int(no_country.sum()), 4) if no_country.any() else None,
        "file_region": ctx.region_info.as_dict()["summary"],
    }
    return out


def single_locale(export: pl.DataFrame, locale: pl.Series, folder: Path) -> dict:
    """Each locale alone, country column dropped: the file region and the share of rows it is right for."""
    out = {}
    for loc, code in REGION_OF.items():
        part = export.filter(locale == loc).drop("country")
        validated, seconds = _run(part, folder, f"only_{loc}")
        ctx = validated.prepared.ctx
        region = ctx.region(validated.prepared.table.frame)
        right = int((region == code).fill_null(False).sum()) if region is not None else 0
        out[loc] = {
            "rows": part.height,
            "file_region": ctx.region_info.region,
            "expected": code,
            "share_correct": round(right / part.height, 4) if part.height else None,
            "summary": ctx.region_info.describe(),
            "seconds": round(seconds, 2),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=30_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", help="write the results here too")
    a = ap.parse_args(argv)
    ds = generate_full(a.rows, a.seed)
    taken = set(ds.defects.get_column("row").to_list())
    export, gt = inject(ds.export, ds.locale, taken, a.seed)
    with tempfile.TemporaryDirectory(prefix="crmclean-defects-") as tmp:
        folder = Path(tmp)
        validated, seconds = _run(export, folder, "customers")
        result = {"rows": a.rows, "seed": a.seed, "check_seconds": round(seconds, 2)}
        result["kinds"] = score(validated, export, ds.defects, gt, ds.locale)
        result["single_locale_files"] = single_locale(export, ds.locale, folder)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if a.json:
        Path(a.json).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
