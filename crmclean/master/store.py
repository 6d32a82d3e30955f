"""The master on disk: versioned folders swapped in atomically, and the state a later run needs.

Layout of ``DIR``::

    DIR/current -> versions/000003      the live version (a symlink, replaced atomically)
    DIR/versions/000003/                records.csv, records.parquet, golden.csv, lineage.csv,
                                        events.csv, state.json, index.parquet, frequencies.parquet
    DIR/versions/000002/                the previous version, kept for one more write (rollback)
    DIR/records.csv -> current/records.csv   (and the other user-facing files): stable paths
    DIR/.lock                           held while a command writes the master

A write builds the whole new version in ``versions/.tmp-*``, flushes it to disk, renames it to its
number, then points ``current`` at it with one ``rename(2)``: a reader, or a process killed at any
moment (SIGKILL included), sees either the old version or the new one, never a mix. Leftover
staging folders and versions newer than ``current`` are debris of a killed write and are removed by
the next writer.

``index.parquet`` is the master's working memory: per record its sequence number, record key,
customer code, source, the stored match keys (``k_<key>``, so ``add`` and ``match`` never recompute
them for the whole master) and the normalized values per role that golden records are made from.
``frequencies.parquet`` holds how many records carry each value of a counted match key (see
:mod:`crmclean.master.scoring`); ``state.json`` the evidence the build scored with.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from crmclean import __version__
from crmclean.errors import CrmcleanError, ExitCode, UsageError
from crmclean.io.write import write_table
from crmclean.rules.load import LoadedRules
from crmclean.rules.model import Rules

FORMAT = "crmclean-master"
FORMAT_VERSION = 1
USER_FILES = ("records.csv", "records.parquet", "golden.csv", "lineage.csv", "events.csv", "state.json")
INDEX = "index.parquet"
FREQUENCIES = "frequencies.parquet"
#: frequencies.parquet: how many records carry each value of a counted match key
COUNTS_SCHEMA = pl.Schema({"key": pl.String, "value": pl.String, "n": pl.Int64})
KEY_PREFIX = "k_"
#: Testing aid: seconds to sleep after the new version is written and before it is swapped in, so a
#: test can SIGKILL a write at its most delicate moment.
PAUSE_ENV = "CRMCLEAN_MASTER_PAUSE_BEFORE_SWAP"

EVENT_SCHEMA = pl.Schema(
    {
        "timestamp": pl.String,
        "event": pl.String,
        "customer_code": pl.String,
        "other_code": pl.String,
        "record_key": pl.String,
        "source": pl.String,
        "score": pl.Float64,
    }
)
LINEAGE_SCHEMA = pl.Schema(
    {
        "customer_code": pl.String,
        "column": pl.String,
        "value": pl.String,
        "record_key": pl.String,
        "source": pl.String,
        "_row": pl.Int64,
        "strategy": pl.String,
    }
)


class MasterGateError(CrmcleanError):
    """A batch failed the master's safety gate (too many merges); nothing was written."""

    exit_code = ExitCode.GATE_FAILED


@dataclass
class Master:
    """One version of the master, in memory."""

    state: dict
    index: pl.DataFrame  # seq, record_key, customer_code, source, _row, batch, k_<key>..., roles...
    records: pl.DataFrame  # record_key, customer_code, source, _row, every original column
    golden: pl.DataFrame  # customer_code, records, sources, roles...
    lineage: pl.DataFrame
    events: pl.DataFrame
    #: key, value, n: how many records carry each match-key value (see :mod:`crmclean.master.scoring`)
    counts: pl.DataFrame = field(default_factory=pl.DataFrame)

    @property
    def prefix(self) -> str:
        return self.state["codes"]["prefix"]


def rules_hash(rules: Rules) -> str:
    dump = rules.model_dump(mode="json", by_alias=True)
    return hashlib.sha256(json.dumps(dump, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def stored_rules(state: dict) -> LoadedRules:
    """The rules the master was built with, from ``state.json`` (the master is self-contained)."""
    info = state["rules"]
    rules = Rules.model_validate(info["rules"])
    path = Path(info["path"]) if info.get("path") else None
    return LoadedRules(rules, path, Path(info["base"]))


def file_sha256(path: str | Path) -> str | None:
    try:
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None


def new_state(loaded: LoadedRules, prefix: str) -> dict:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "crmclean_version": __version__,
        "master_version": 0,
        "rules": {
            "path": str(loaded.path) if loaded.path else None,
            "base": str(loaded.base),
            "sha256": rules_hash(loaded.rules),
            "rules": loaded.rules.model_dump(mode="json", by_alias=True),
        },
        "codes": {"prefix": prefix, "digits": 7, "next": 1},
        "next_seq": 0,
        "retired": {},
        "batches": [],
        "counts": {},
    }


# --------------------------------------------------------------------------------------------- read


def is_master(root: Path) -> bool:
    return (root / "current").exists() or (root / "versions").is_dir()


def load(root: str | Path, *, tables: bool = True) -> Master:
    """The live version of the master at ``root``; with ``tables=False`` only state and index."""
    root = Path(root)
    link = root / "current"
    if not link.exists():
        raise UsageError(
            f"{root} is not a customer master (no {link})", hint="create one with `crmclean master build`"
        )
    current = link.resolve()  # once: a writer swapping `current` meanwhile does not mix versions
    state = json.loads((current / "state.json").read_text(encoding="utf-8"))
    if state.get("format") != FORMAT or state.get("format_version", 0) > FORMAT_VERSION:
        raise UsageError(f"{current / 'state.json'} is not a master state this crmclean can read")
    index = pl.read_parquet(current / INDEX)
    counts = _read_counts(current)
    if not tables:
        empty = pl.DataFrame()
        return Master(state, index, empty, empty, empty, empty, counts)
    return Master(
        state,
        index,
        pl.read_parquet(current / "records.parquet"),
        pl.read_parquet(current / "golden.parquet"),
        pl.read_parquet(current / "lineage.parquet"),
        pl.read_csv(current / "events.csv", schema=EVENT_SCHEMA),
        counts,
    )


def _read_counts(folder: Path) -> pl.DataFrame:
    """The stored value counts; a master written before they were stored has none (empty)."""
    path = folder / FREQUENCIES
    if path.exists():
        return pl.read_parquet(path)
    return pl.DataFrame(schema=COUNTS_SCHEMA)


# --------------------------------------------------------------------------------------------- write


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold ``root/.lock`` (released by the kernel even when the process is killed)."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UsageError(
                f"another crmclean command is writing the master {root}; try again later"
            ) from None
        try:
            _clean_debris(root)
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _current_number(root: Path) -> int | None:
    link = root / "current"
    if not link.is_symlink():
        return None
    return int(Path(os.readlink(link)).name)


def _clean_debris(root: Path) -> None:
    versions = root / "versions"
    if not versions.is_dir():
        return
    live = _current_number(root)
    for entry in versions.iterdir():
        stale = entry.name.startswith(".tmp-") or (
            entry.name.isdigit() and (live is None or int(entry.name) > live)
        )
        if stale:
            shutil.rmtree(entry, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write(root: Path, master: Master) -> Path:
    """Write ``master`` as the next version and swap it in; call inside :func:`locked`."""
    versions = root / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    number = (_current_number(root) or 0) + 1
    master.state["master_version"] = number
    master.state["crmclean_version"] = __version__
    master.state["written_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    staging = versions / f".tmp-{os.getpid()}-{number:06d}"
    staging.mkdir()
    _write_files(staging, master)
    _fsync_dir(staging)
    final = versions / f"{number:06d}"
    os.rename(staging, final)
    _fsync_dir(versions)
    pause = os.environ.get(PAUSE_ENV)
    if pause:
        time.sleep(float(pause))
    link_tmp = root / f".current.tmp-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        link_tmp.unlink()
    os.symlink(Path("versions") / final.name, link_tmp)
    os.replace(link_tmp, root / "current")  # the commit point
    _fsync_dir(root)
    for name in USER_FILES:
        stable = root / name
        if not stable.is_symlink():
            if stable.exists():
                stable.unlink()
            os.symlink(Path("current") / name, stable)
    for entry in versions.iterdir():  # keep this version and the one before it
        if entry.name.isdigit() and int(entry.name) < number - 1:
            shutil.rmtree(entry, ignore_errors=True)
    return final


def _write_files(folder: Path, master: Master) -> None:
    master.index.write_parquet(folder / INDEX)
    master.counts.write_parquet(folder / FREQUENCIES)
    master.records.write_parquet(folder / "records.parquet")
    write_table(master.records, folder / "records.csv")
    master.golden.write_parquet(folder / "golden.parquet")
    write_table(master.golden, folder / "golden.csv")
    master.lineage.write_parquet(folder / "lineage.parquet")
    write_table(master.lineage, folder / "lineage.csv")
    write_table(master.events, folder / "events.csv", formulas=False)
    payload = json.dumps(master.state, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    (folder / "state.json").write_text(payload, encoding="utf-8")
    for name in os.listdir(folder):
        fd = os.open(folder / name, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def now_utc() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def event_frame(rows: list[dict[str, object]]) -> pl.DataFrame:
    """Events (dicts with the keys of :data:`EVENT_SCHEMA`) as a frame."""
    if not rows:
        return pl.DataFrame(schema=EVENT_SCHEMA)
    return pl.DataFrame(rows, schema=EVENT_SCHEMA, orient="row")
