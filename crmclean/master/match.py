"""``master match``: record-at-a-time matching against the master, for the real-time side of a CRM (a
sign-up form, a queue consumer). Nothing is written; ``master add`` folds the same records in later.

The master is loaded once: its stored match keys, its stored evidence and value counts, an index per
blocking key (sorted 64-bit hashes of the values, looked up with ``numpy.searchsorted``) and the two
sorted name orders of the sorted neighbourhood. Each record is then filled, normalized and validated
with the master's rules, reduced to its match keys, and scored, with the build's evidence and the
master's counts plus the record itself, against only the master records that share a blocking key
with it (or sit next to it in name order), the records ``add`` would compare it with. A code matches
when one of its records scores at least ``dedupe.match``; the best such code is the answer, and the
others are listed (``add`` would merge them). Below ``match`` but at least ``review`` the best code
is given with status ``review``.
"""

from __future__ import annotations

import json
import os
import select
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields
from pathlib import Path

import numpy as np
import polars as pl

from crmclean.context import Context
from crmclean.dedupe.block import SORTED_NAME
from crmclean.dedupe.engine import with_rid
from crmclean.dedupe.keys import KEYS, match_keys
from crmclean.fill import apply_fill
from crmclean.io.read import ROW, Table
from crmclean.master import store
from crmclean.master.batch import CODE, SEQ, canonical
from crmclean.master.keys import key_frame, key_values, name_orders, sort_key
from crmclean.master.scoring import COUNTED, N_COLUMNS, Scoring, value_of, with_counts
from crmclean.pipeline import make_context, normalize
from crmclean.region import RegionVotes, decide_region
from crmclean.validate import findings as F
from crmclean.validate.checks import run_check

FIELDS_OUT = ("column", "rule", "severity", "value", "message")


class _Lookup:
    """Values -> positions, as sorted 64-bit hashes of the values (``numpy.searchsorted``): looking
    a value up costs microseconds and the index loads in seconds for a million records. Two values
    with one hash (odds about 1 in 10^7 on a million values) only add a candidate, which is scored."""

    def __init__(self, values: pl.Series, payload: pl.Series) -> None:
        frame = pl.DataFrame({"h": values.hash(seed=_SEED), "p": payload}).sort("h", "p")
        self.hashes: np.ndarray = frame.get_column("h").to_numpy()
        self.payload: np.ndarray = frame.get_column("p").to_numpy()

    def ranges(self, values: pl.Series) -> tuple[np.ndarray, np.ndarray]:
        """Per value, the [start, end) range of its entries (empty for a null or unknown value)."""
        h = values.hash(seed=_SEED).to_numpy()
        lo = np.searchsorted(self.hashes, h, side="left")
        hi = np.searchsorted(self.hashes, h, side="right")
        hi = np.where(values.is_null().to_numpy(), lo, hi)
        return lo, hi


_SEED = 1234
_Key = tuple[tuple[object, ...], tuple[object, ...], tuple[object, ...]]


class _RecordContext(Context):
    """The context of a frame of independent records: each is worked on as if it came alone.

    Region evidence is the record's own. One record never decides a file region (that takes
    ``region.MIN_VOTES`` rows), so the file region is none (or ``settings.default_region``) for
    every record of a frame, whatever the others say, and a row without a country takes its own
    evidence only, exactly as a frame of that one record would. ``region`` and ``explicit_region``
    are asked for by many steps and checks with the same country column and rows: the answer is
    kept per (country values, rows) until the next frame (the inferred regions are read once per
    row anyway, so the answer cannot change within a frame). Dates and phone numbers, read by
    normalize, the checks and the match keys alike, are kept the same way per (values, rows)."""

    _memo: dict[_Key, pl.Series | None]
    _phones: dict[_Key, pl.DataFrame]

    def reset_records(self) -> None:
        self.region_info = decide_region(RegionVotes(), self.columns, self.settings.default_region)
        self._inferred = None
        self._memo = {}
        self._phones = {}

    def _key(self, what: tuple[object, ...], frame: pl.DataFrame) -> _Key | None:
        if ROW not in frame.columns:
            return None
        country = self.first_of("country")
        values = tuple(frame.get_column(country).to_list()) if country in frame.columns else ()
        return what, values, tuple(frame.get_column(ROW).to_list())

    def _memoized(
        self, what: tuple[object, ...], frame: pl.DataFrame, compute: Callable[[], pl.Series | None]
    ) -> pl.Series | None:
        key = self._key(what, frame)
        if key is None:
            return compute()
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def region(self, frame: pl.DataFrame) -> pl.Series | None:
        return self._memoized(("region",), frame, lambda: super(_RecordContext, self).region(frame))

    def explicit_region(self, frame: pl.DataFrame) -> pl.Series | None:
        return self._memoized(
            ("explicit",), frame, lambda: super(_RecordContext, self).explicit_region(frame)
        )

    def parse_phones(
        self,
        values: pl.Series,
        frame: pl.DataFrame,
        *,
        with_region: bool = True,
        allow_vanity: bool | None = None,
    ) -> pl.DataFrame:
        """Once per (values, rows) of a frame: normalize, the checks and the match keys parse the
        same numbers (the phone book parses each number once, but each call still costs its lookup)."""
        key = self._key(("phones", with_region, allow_vanity, tuple(values.to_list())), frame)
        if key is None:
            return super().parse_phones(values, frame, with_region=with_region, allow_vanity=allow_vanity)
        if key not in self._phones:
            self._phones[key] = super().parse_phones(
                values, frame, with_region=with_region, allow_vanity=allow_vanity
            )
        return self._phones[key]

    def memo_dates(
        self,
        s: pl.Series,
        frame: pl.DataFrame,
        parse: Callable[[pl.Series, pl.DataFrame, Context], pl.Series],
    ) -> pl.Series:
        """``steps.parse_dates_for_rows`` once per (values, rows) of a frame: normalize, the checks
        and the match keys ask for the same dates several times (a date depends only on its value
        and its row's region, which cannot change within a frame)."""
        what = ("dates", s.dtype, tuple(s.to_list()))
        parsed = self._memoized(what, frame, lambda: parse(s, frame, self))
        assert parsed is not None
        return parsed.alias(s.name)


class Matcher:
    def __init__(self, root: str | Path) -> None:
        master = store.load(root, tables=False)
        self.state = master.state
        self.loaded = store.stored_rules(master.state)
        self.settings = self.loaded.rules.dedupe
        self.scoring = Scoring.of_master(master, self.settings)
        index = master.index
        self.codes: list[str] = index.get_column(CODE).to_list()
        # the master's records with their stored counts, ready to be paired with a query
        self.keys = with_counts(key_frame(index).drop(ROW), self.scoring.counts)
        positions = index.select(
            pl.int_range(pl.len(), dtype=pl.Int64).alias(SEQ),
            *[c for c in index.columns if c.startswith(store.KEY_PREFIX)],
        )
        self.blocks: dict[str, _Lookup] = {}
        for name in self.settings.blocking:
            if name == SORTED_NAME:
                continue
            values = key_values(positions, name)
            self.blocks[name] = _Lookup(values.get_column("k"), values.get_column(SEQ))
        counts = self.scoring.counts
        self.counts = {
            name: _Lookup(part.get_column("value"), part.get_column("n"))
            for name in {*N_COLUMNS.values()}
            for part in [counts.filter(pl.col("key") == name)]
        }
        self.orders: list[tuple[tuple[str, str], list[str], list[int]]] = []
        if SORTED_NAME in self.settings.blocking:
            for order in name_orders():
                ranked = positions.select(SEQ, k=sort_key(positions, order)).drop_nulls("k").sort("k", SEQ)
                self.orders.append(
                    (order, ranked.get_column("k").to_list(), ranked.get_column(SEQ).to_list())
                )
        self.contexts: dict[tuple[str, ...], _RecordContext] = {}

    # ------------------------------------------------------------------------------------- one record

    def _context(self, table: Table) -> _RecordContext:
        header = tuple(table.columns)
        ctx = self.contexts.get(header)
        if ctx is None:
            # roles are read from the header and the first record, as when that record came alone
            first = Table(table.frame.head(1), table.name, table.format)
            _guesses, made = make_context(first, self.loaded)
            ctx = _RecordContext(**{f.name: getattr(made, f.name) for f in fields(Context)})
            self.contexts[header] = ctx
        ctx.reset_records()
        return ctx

    def _candidates(self, keys: pl.DataFrame) -> list[list[int]]:
        """Per query record (a row of ``keys``): the master positions it is compared with, those a
        batch ``add`` would pair it with (shared blocking values, blocks up to ``max_block``; the
        sorted-neighbourhood window in both name orders)."""
        found: list[set[int]] = [set() for _ in range(keys.height)]
        limit = self.settings.max_block
        numbered = keys.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias(SEQ)).rename(
            {k: store.KEY_PREFIX + k for k in KEYS}
        )
        for name, lookup in self.blocks.items():
            values = key_values(numbered, name)
            lo, hi = lookup.ranges(values.get_column("k"))
            for q, a, b in zip(values.get_column(SEQ).to_list(), lo.tolist(), hi.tolist(), strict=True):
                if a < b and b - a + 1 <= limit:  # a batch skips blocks over max_block
                    found[q].update(lookup.payload[a:b].tolist())
        reach = self.settings.window - 1
        for order, ks, seqs in self.orders:
            for q, k in enumerate(numbered.select(sort_key(numbered, order)).to_series().to_list()):
                if k is None:
                    continue
                at = bisect_right(ks, k)  # the new record sorts after the master's equal keys
                found[q].update(seqs[max(0, at - reach) : at + reach])
        return [sorted(f) for f in found]

    def _query_counts(self, keys: pl.DataFrame) -> pl.DataFrame:
        """The queries' keys with their counts: the master's, plus the record itself."""
        columns = []
        for column, name in N_COLUMNS.items():
            parts = (column[2:],) if name == "phone" else COUNTED[name]
            values = keys.select(value_of(parts)).to_series()
            lookup = self.counts[name]
            lo, hi = lookup.ranges(values)
            stored = np.zeros(len(values), dtype=np.int64)
            known = hi > lo
            stored[known] = lookup.payload[lo[known]]
            n = pl.Series(column, stored + 1, dtype=pl.UInt32)
            columns.append(n.set(values.is_null(), None))
        return keys.with_columns(columns)

    def match(self, record: dict) -> dict:
        return self.match_many([record])[0]

    def match_many(self, records: list[dict]) -> list[dict]:
        """One answer per record, in order. Records are worked on together (one frame per header
        set), which is what makes a stream fast; each is still matched on its own."""
        answers: list[dict | None] = [None] * len(records)
        groups: dict[tuple[str, ...], list[tuple[int, dict[str, str | None]]]] = {}
        for i, record in enumerate(records):
            values = {str(k): _text(v) for k, v in record.items() if str(k) != ROW}
            groups.setdefault(tuple(values), []).append((i, values))
        for header, members in groups.items():
            if not header:
                for i, _ in members:
                    answers[i] = {**_new(None), "normalized": {}, "findings": []}
                continue
            for (i, _), answer in zip(
                members, self._match_group(header, [v for _, v in members]), strict=True
            ):
                answers[i] = answer
        return answers  # type: ignore[return-value]

    def _match_group(self, header: tuple[str, ...], rows: list[dict[str, str | None]]) -> list[dict]:
        frame = pl.DataFrame({h: [r[h] for r in rows] for h in header}, schema={h: pl.String for h in header})
        frame = frame.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
        ctx = self._context(Table(frame, "<stdin>", "ndjson"))
        rules = self.loaded.rules
        frame, _ = apply_fill(frame, rules.fill, ctx, self.loaded.base)
        frame, _ = normalize(frame, rules.normalize, ctx)
        # `unique` compares rows of one file with each other: meaningless for independent records
        findings = pl.concat(
            [F.empty(), *(run_check(frame, c, ctx) for c in rules.validate_ if c.check != "unique")]
        )
        by_row: dict[int, list[dict]] = {}
        for f in F.sort(findings).iter_rows(named=True):
            by_row.setdefault(f[ROW], []).append({k: f[k] for k in FIELDS_OUT})
        keys = match_keys(frame, ctx)
        near = self._candidates(keys)
        best = self._score(keys, near)
        normalized = canonical(frame, ctx).to_dicts()
        out = []
        for q, scores in enumerate(best):
            answer = self._decide(scores)
            answer["normalized"] = {k: v for k, v in normalized[q].items() if v is not None}
            answer["findings"] = by_row.get(q + 1, [])
            out.append(answer)
        return out

    def _score(self, keys: pl.DataFrame, near: list[list[int]]) -> list[dict[str, float]]:
        """Per query record: its best score with each candidate code, scored with the master's
        stored evidence and counts."""
        best: list[dict[str, float]] = [{} for _ in near]
        wanted = sorted({p for c in near for p in c})
        if not wanted:
            return best
        slot = {p: j for j, p in enumerate(wanted)}
        n = keys.height
        queries = self._query_counts(keys.select(KEYS))
        small = with_rid(pl.concat([queries, self.keys[wanted]], how="vertical_relaxed"))
        # the query is record a: the count of a shared phone is then the query's (master + itself)
        a = [q for q, c in enumerate(near) for _ in c]
        b = [n + slot[p] for c in near for p in c]
        pairs = pl.DataFrame({"a": a, "b": b}, schema={"a": pl.UInt32, "b": pl.UInt32})
        scores = self.scoring.score_pairs(small, pairs).get_column("score").to_list()
        for (q, p), s in zip(((q, p) for q, c in enumerate(near) for p in c), scores, strict=True):
            code = self.codes[p]
            if float(s) > best[q].get(code, -1.0):
                best[q][code] = float(s)
        return best

    def _decide(self, scores: dict[str, float]) -> dict:
        if not scores:
            return _new(None)
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        code, score = ranked[0]
        if score >= self.settings.match:
            answer: dict = {"customer_code": code, "status": "match", "score": round(score, 3)}
            also = [c for c, s in ranked[1:] if s >= self.settings.match]
            if also:
                answer["also_matches"] = also  # `master add` would merge these codes
            return answer
        if score >= self.settings.review:
            return {**_new(score), "status": "review", "review_code": code}
        return _new(score)


def _new(score: float | None) -> dict:
    return {"customer_code": "new", "status": "new", "score": None if score is None else round(score, 3)}


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def line_batches(fd: int, max_batch: int = 512) -> Iterator[list[bytes]]:
    """Lines of ``fd`` in batches: whatever has arrived, at most ``max_batch``. A record typed or
    sent alone is answered at once; a file or a busy queue is worked on in batches."""
    pending: bytes = b""
    lines: list[bytes] = []
    while True:
        if lines and not select.select([fd], [], [], 0)[0]:
            yield lines
            lines = []
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            break
        *complete, pending = (pending + chunk).split(b"\n")
        lines.extend(complete)
        while len(lines) >= max_batch:
            yield lines[:max_batch]
            lines = lines[max_batch:]
    if pending.strip():
        lines.append(pending)
    if lines:
        yield lines


def answer_lines(matcher: Matcher, batches: Iterable[list[bytes]]) -> Iterator[tuple[str, str | None]]:
    """(output line, error message or None) per non-blank input line, in order."""
    number = 0
    for batch in batches:
        parsed: list[tuple[int, dict | str]] = []
        for raw in batch:
            number += 1
            if not raw.strip():
                continue
            parsed.append((number, _parse(raw, number)))
        records = [r for _, r in parsed if isinstance(r, dict)]
        answers = iter(matcher.match_many(records)) if records else iter(())
        for line, item in parsed:
            if isinstance(item, str):
                yield json.dumps({"line": line, "error": item}, ensure_ascii=False), item
            else:
                yield json.dumps({"line": line, **next(answers)}, ensure_ascii=False), None


def _parse(raw: bytes, number: int) -> dict | str:
    """The record of one line, or the one-line error message."""
    try:
        record = json.loads(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
    except UnicodeDecodeError:
        return f"<stdin>, line {number}: not UTF-8 text"
    except json.JSONDecodeError as err:
        return f"<stdin>, line {number}: not valid JSON ({err.msg}, column {err.colno})"
    if not isinstance(record, dict):
        return f"<stdin>, line {number}: expected a JSON object (one customer record)"
    return record
