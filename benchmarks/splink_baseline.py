"""Splink 4 (DuckDB backend) on the same files as `crmclean dedupe`: the dedupe baseline.

    python -m benchmarks.splink_baseline crm   customers.csv -o clusters.csv
    python -m benchmarks.splink_baseline febrl customers.csv -o clusters.csv
    python -m benchmarks.splink_baseline febrl new.csv --against existing.csv -o clusters.csv

writes ``source,row,cluster_id`` (`source` is ``in``, or ``existing`` / ``new`` when linking; `row` is
the 1-based data row) and prints ``{"seconds": ..., "rows": ..., "predicted_pairs": ...}``. The parent
(`python -m benchmarks`) runs it in a child process to read wall time and peak RSS from the OS, and
scores the clusters with benchmarks/dedupe_quality.py exactly like crmclean's output.

What Splink is given — a reasonable, documented setup, not tuned on the ground truth:

* The standard Splink workflow: estimate the prior from deterministic rules, u by random sampling
  (seed fixed), m by expectation maximisation in two sessions whose blocking rules leave every
  comparison trained at least once, predict over the union of blocking rules, then connected
  components at match probability ``THRESHOLD`` (0.95 for every dataset, Splink's usual example).
* ``crm`` profile (the generator's columns). Cleaning a Splink user would write in pandas: trim and
  lowercase, Latin diacritics removed (``Nguyễn`` -> ``nguyen``; no transliteration, Cyrillic stays
  Cyrillic), e-mail lowercased, phone reduced to its last 9 digits (so ``+7 912 ...``, ``8 912 ...``
  and ``912 ...`` agree), birth dates parsed from ``31.12.1990``, ``1990-12-31``, ``31/12/1990`` and,
  for US rows, ``12/31/1990`` into ISO, tax id and postal code reduced to letters and digits.
  Comparisons: first + last name together (``ForenameSurnameComparison``, which also scores swapped
  names), e-mail (``EmailComparison``), phone, tax id and postal code exact, birth date
  (``DateOfBirthComparison``), city exact with term-frequency adjustment. Blocking: same e-mail,
  phone, or tax id; same first name + birth date; same last name + birth date. EM sessions block on
  e-mail and on last name + birth date (keys of one person; see settings_for).
* ``febrl`` profile, modelled on the Splink documentation's febrl example (own code): given name and
  surname (``NameComparison``), birth date (``yyyymmdd``), soc_sec_id within 1-2 edits, street number,
  postcode and suburb exact with term frequencies, address_1 Jaro-Winkler. Blocking: given name +
  surname, surname + birth date, given name + birth date, postcode + street number, soc_sec_id.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

START = time.perf_counter()

THRESHOLD = 0.95
SEED = 42
U_PAIRS = 1e6  # Splink's default; 5e6 gave the same F1 at 30k rows for 2.5x the time and 3x the memory
US_COUNTRY = {"us", "usa", "u.s.", "u.s.a.", "united states", "united states of america", "сша", "eua", "mỹ"}


# --------------------------------------------------------------------------------------- cleaning
def _nonempty(s):
    return s.where(s.str.len() > 0, None)


def _clean_text(s):  # pandas Series -> trimmed, lowercased, Latin diacritics removed, "" -> None
    s = s.str.strip().str.lower().str.normalize("NFKD").str.replace(r"[\u0300-\u036f]", "", regex=True)
    return s.str.normalize("NFC").where(s.str.len() > 0, None)


def _digits(s, keep_last: int | None = None):
    d = s.str.replace(r"\D", "", regex=True)
    if keep_last:
        d = d.str[-keep_last:]
    return d.where(d.str.len() >= 5, None)


def _alnum(s):
    d = s.str.replace(r"[^0-9A-Za-z]", "", regex=True).str.lower()
    return d.where(d.str.len() > 0, None)


def _dates(s, country):
    import pandas as pd

    s = s.str.strip()
    us = country.fillna("").str.strip().str.lower().isin(US_COUNTRY)
    parsed = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
    parsed = parsed.fillna(pd.to_datetime(s, format="%d.%m.%Y", errors="coerce"))
    dmy = pd.to_datetime(s, format="%d/%m/%Y", errors="coerce")
    mdy = pd.to_datetime(s, format="%m/%d/%Y", errors="coerce")
    parsed = parsed.fillna(mdy.where(us, dmy)).fillna(dmy).fillna(mdy)
    return parsed.dt.strftime("%Y-%m-%d").where(parsed.notna(), None)


def prepare_crm(df):
    """The generator's export -> the columns Splink compares (see the module doc)."""
    import pandas as pd

    return pd.DataFrame(
        {
            "unique_id": df["unique_id"],
            "first_name": _clean_text(df["first_name"]),
            "last_name": _clean_text(df["last_name"]),
            "email": _nonempty(df["email"].str.strip().str.lower()),
            "phone": _digits(df["phone"], keep_last=9),
            "birth_date": _dates(df["birth_date"], df["country"]),
            "tax_id": _alnum(df["tax_id"]),
            "city": _clean_text(df["city"]),
            "postal_code": _alnum(df["postal_code"]),
        }
    )


def prepare_febrl(df):
    out = df.copy()
    for c in out.columns:
        if c != "unique_id":
            out[c] = _nonempty(out[c].str.strip().str.lower())
    return out


# --------------------------------------------------------------------------------------- settings
def settings_for(profile: str, link: bool):
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    if profile == "crm":
        blocking = [
            block_on("email"),
            block_on("phone"),
            block_on("tax_id"),
            block_on("first_name", "birth_date"),
            block_on("last_name", "birth_date"),
        ]
        comparisons = [
            cl.ForenameSurnameComparison("first_name", "last_name"),
            cl.EmailComparison("email"),
            cl.ExactMatch("phone"),
            cl.DateOfBirthComparison("birth_date", input_is_string=True, datetime_format="%Y-%m-%d"),
            cl.ExactMatch("tax_id"),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postal_code"),
        ]
        prior = [block_on("email"), block_on("phone", "birth_date")]
        # EM on blocks of person-specific keys; not on phone, which households and colleagues share
        # (EM blocked on phone learned "same phone and address" as a match: F1 0.949 -> 0.967 at 30k)
        em = [block_on("email"), block_on("last_name", "birth_date")]
    elif profile == "febrl":
        blocking = [
            block_on("given_name", "surname"),
            block_on("surname", "date_of_birth"),
            block_on("given_name", "date_of_birth"),
            block_on("postcode", "street_number"),
            block_on("soc_sec_id"),
        ]
        comparisons = [
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            cl.ExactMatch("suburb").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
        ]
        prior = [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")]
        em = [block_on("date_of_birth"), block_on("postcode")]
    else:
        raise SystemExit(f"unknown profile {profile!r}")
    settings = SettingsCreator(
        link_type="link_only" if link else "dedupe_only",
        blocking_rules_to_generate_predictions=blocking,
        comparisons=comparisons,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    return settings, prior, em


# ------------------------------------------------------------------------------------------- child
def _read(path: str, start_id: int = 0):
    import pandas as pd

    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8")
    df.insert(0, "unique_id", range(start_id + 1, start_id + len(df) + 1))
    return df


def run(profile: str, path: str, out: str, against: str | None = None, threshold: float = THRESHOLD) -> dict:
    """Train, predict and cluster with Splink; write ``source,row,cluster_id`` to `out`."""
    import logging

    import pandas as pd
    from splink import DuckDBAPI, Linker

    logging.getLogger("splink").setLevel(logging.WARNING)
    prepare = prepare_crm if profile == "crm" else prepare_febrl
    new = prepare(_read(path))
    tables, aliases = [new], ["in"]
    if against is not None:  # link: ids 1..n in EXISTING, 1..m in NEW; Splink keys on (source, id)
        tables, aliases = [prepare(_read(against)), new], ["existing", "new"]
    settings, prior, em = settings_for(profile, link=against is not None)
    linker = Linker(
        tables if len(tables) > 1 else tables[0],
        settings,
        db_api=DuckDBAPI(),
        set_up_basic_logging=False,
        input_table_aliases=aliases if len(tables) > 1 else None,
    )
    linker.training.estimate_probability_two_random_records_match(prior, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_PAIRS, seed=SEED)
    for rule in em:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    pairs = int(predictions.as_duckdbpyrelation().aggregate("count(*)").fetchall()[0][0])
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
    frame = clusters.as_pandas_dataframe()
    source = frame["source_dataset"] if "source_dataset" in frame.columns else "in"
    result = pd.DataFrame({"source": source, "row": frame["unique_id"], "cluster_id": frame["cluster_id"]})
    result.sort_values(["source", "row"]).to_csv(out, index=False)
    return {"rows": int(sum(len(t) for t in tables)), "predicted_pairs": pairs, "threshold": threshold}


# ------------------------------------------------------------------------------------------ parent
def _cmd(profile: str, path: Path, out: Path, against: Path | None) -> list[str]:
    cmd = [sys.executable, "-m", "benchmarks.splink_baseline", profile, str(path), "-o", str(out)]
    return [*cmd, "--against", str(against)] if against is not None else cmd


def run_splink_dedupe(
    path: Path, truth, dataset: str, profile: str, stage: str, hard_negatives: Path | None = None
) -> dict[str, Any]:
    """Splink dedupe of `path` in a child process: wall time, peak RSS, pairwise quality."""
    import polars as pl

    from benchmarks.dedupe_quality import quality, result_row
    from benchmarks.suite import run_child

    with tempfile.TemporaryDirectory(prefix="splink-") as tmp:
        out = Path(tmp) / "clusters.csv"
        stdout, seconds, peak = run_child(_cmd(profile, path, out, None), f"splink {dataset}")
        clusters = pl.read_csv(out, infer_schema=False).select(
            pl.col("row").cast(pl.Int64), pl.col("cluster_id")
        )
    info = json.loads(stdout)
    scores = quality(clusters, truth, hard_negatives)
    return result_row(
        stage,
        "splink",
        dataset,
        truth.height,
        seconds,
        peak,
        **scores,
        predicted_above_threshold=info["predicted_pairs"],
    )


def run_splink_link(new: Path, existing: Path, truth_new, truth_existing, dataset: str, stage: str) -> dict:
    """Splink link_only of NEW against EXISTING, scored as one clustering over both files."""
    import polars as pl

    from benchmarks.dedupe_quality import pair_scores, result_row
    from benchmarks.suite import run_child

    with tempfile.TemporaryDirectory(prefix="splink-") as tmp:
        out = Path(tmp) / "clusters.csv"
        stdout, seconds, peak = run_child(_cmd("febrl", new, out, existing), f"splink {dataset}")
        clusters = pl.read_csv(out, infer_schema=False)
    info = json.loads(stdout)
    order = pl.concat(
        [
            pl.DataFrame(
                {"source": "existing", "row": truth_existing["row"], "entity_id": truth_existing["entity_id"]}
            ),
            pl.DataFrame({"source": "new", "row": truth_new["row"], "entity_id": truth_new["entity_id"]}),
        ]
    )
    joined = order.join(
        clusters.with_columns(pl.col("row").cast(pl.Int64)),
        on=["source", "row"],
        how="left",
        maintain_order="left",
    )
    scores = pair_scores(joined["cluster_id"], joined["entity_id"])
    return result_row(
        stage,
        "splink",
        dataset,
        order.height,
        seconds,
        peak,
        **scores.to_dict(),
        predicted_above_threshold=info["predicted_pairs"],
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.splink_baseline",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("profile", choices=("crm", "febrl"))
    ap.add_argument("input")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--against", help="EXISTING file: link INPUT (new) against it (link_only)")
    ap.add_argument("--threshold", type=float, default=THRESHOLD, help="match probability to cluster at")
    args = ap.parse_args(argv)
    info = run(args.profile, args.input, args.output, args.against, args.threshold)
    print(json.dumps({"seconds": round(time.perf_counter() - START, 3), **info}))


if __name__ == "__main__":
    main()
