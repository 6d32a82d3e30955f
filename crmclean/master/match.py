"""``master match``: record-at-a-time matching against the master, for the real-time side of a CRM
(a sign-up form, a queue consumer). Nothing is written; ``master add`` folds the same records in later.

The master is loaded once: its stored match keys, an in-memory index per blocking key (value ->
records) and the two sorted name orders of the sorted neighbourhood. Each record is then filled,
normalized and validated with the master's rules, reduced to its match keys, and scored against only
the master records that share a blocking key with it (or sit next to it in name order), exactly the
records ``add`` would compare it with. A code matches when one of its records scores at least
``dedupe.match``; the best such code is the answer, and the others are listed (``add`` would merge
them). Below ``match`` but at least ``review`` the best code is given with status ``review``.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from pathlib import Path

import polars as pl

from crmclean.context import Context
from crmclean.dedupe.block import BLOCKING, RID, SORTED_NAME
from crmclean.dedupe.compare import score_pairs
from crmclean.dedupe.keys import KEYS, match_keys
from crmclean.fill import apply_fill
from crmclean.io.read import ROW, Table
from crmclean.master import store
from crmclean.master.batch import CODE, canonical
from crmclean.master.keys import key_values, name_orders, sort_key
from crmclean.pipeline import make_context, normalize
from crmclean.validate.checks import run_check

FIELDS_OUT = ("column", "rule", "severity", "value", "message")


class Matcher:
    def __init__(self, root: str | Path) -> None:
        master = store.load(root, tables=False)
        self.state = master.state
        self.loaded = store.stored_rules(master.state)
        self.settings = self.loaded.rules.dedupe
        index = master.index
        self.codes: list[str] = index.get_column(CODE).to_list()
        self.keys = index.select(*[pl.col(store.KEY_PREFIX + k).alias(k) for k in KEYS])
        self.blocks: dict[str, dict[str, list[int]]] = {}
        positions = index.select(
            pl.int_range(pl.len(), dtype=pl.Int64).alias("seq"),
            *[c for c in index.columns if c.startswith(store.KEY_PREFIX)],
        )
        for name in self.settings.blocking:
            if name == SORTED_NAME:
                continue
            groups = key_values(positions, name).group_by("k").agg(pl.col("seq"))
            self.blocks[name] = dict(groups.iter_rows())
        self.orders: list[tuple[tuple[str, str], list[str], list[int]]] = []
        if SORTED_NAME in self.settings.blocking:
            for order in name_orders():
                ranked = (
                    positions.select("seq", k=sort_key(positions, order)).drop_nulls("k").sort("k", "seq")
                )
                self.orders.append(
                    (order, ranked.get_column("k").to_list(), ranked.get_column("seq").to_list())
                )
        self.contexts: dict[tuple[str, ...], Context] = {}

    # ------------------------------------------------------------------------------------- one record

    def _context(self, table: Table) -> Context:
        header = tuple(table.columns)
        ctx = self.contexts.get(header)
        if ctx is None:
            _guesses, ctx = make_context(table, self.loaded)
            self.contexts[header] = ctx
        return ctx

    def _candidates(self, keys: dict[str, str | None]) -> list[int]:
        found: set[int] = set()
        limit = self.settings.max_block
        for name, table in self.blocks.items():
            parts = [("phone",), ("phone2",)] if name == "phone" else [BLOCKING[name]]
            for part in parts:
                values = [keys.get(p) for p in part]
                if any(v is None for v in values):
                    continue
                members = table.get("\x1f".join(values))  # type: ignore[arg-type]
                if members and len(members) + 1 <= limit:  # a batch skips blocks over max_block
                    found.update(members)
        reach = self.settings.window - 1
        for order, ks, seqs in self.orders:
            parts = [keys.get(c) for c in order]
            if any(p is None for p in parts):
                continue
            k = " ".join(parts)  # type: ignore[arg-type]
            at = bisect_right(ks, k)  # the new record sorts after the master's equal keys
            lo = max(0, at - reach)
            found.update(seqs[lo : at + reach])
        return sorted(found)

    def match(self, record: dict) -> dict:
        values = {str(k): _text(v) for k, v in record.items()}
        frame = pl.DataFrame({k: [v] for k, v in values.items()}, schema={k: pl.String for k in values})
        frame = frame.with_columns(pl.lit(1, dtype=pl.Int64).alias(ROW)).select(ROW, *values)
        table = Table(frame, "<stdin>", "ndjson")
        ctx = self._context(table)
        rules = self.loaded.rules
        frame, _ = apply_fill(frame, rules.fill, ctx, self.loaded.base)
        frame, _ = normalize(frame, rules.normalize, ctx)
        findings = [run_check(frame, check, ctx) for check in rules.validate_ if check.check != "unique"]
        keys = match_keys(frame, ctx)
        key_row = keys.row(0, named=True)
        near = self._candidates(key_row)
        out: dict = {"customer_code": "new", "status": "new", "score": None}
        if near:
            small = (
                pl.concat([self.keys[near], keys.select(KEYS)])
                .with_row_index(RID)
                .with_columns(pl.col(RID).cast(pl.UInt32))
            )
            n = len(near)
            pairs = pl.DataFrame({"a": list(range(n)), "b": [n] * n}, schema={"a": pl.UInt32, "b": pl.UInt32})
            scored = score_pairs(small, pairs, dict(self.settings.weights)).get_column("score").to_list()
            best: dict[str, float] = {}
            for pos, s in zip(near, scored, strict=True):
                code = self.codes[pos]
                best[code] = max(best.get(code, 0.0), float(s))
            ranked = sorted(best.items(), key=lambda kv: -kv[1])
            code, score = ranked[0]
            if score >= self.settings.match:
                out = {"customer_code": code, "status": "match", "score": round(score, 3)}
                also = [c for c, s in ranked[1:] if s >= self.settings.match]
                if also:
                    out["also_matches"] = also  # `master add` would merge these codes
            elif score >= self.settings.review:
                out = {
                    "customer_code": "new",
                    "status": "review",
                    "score": round(score, 3),
                    "review_code": code,
                }
            else:
                out["score"] = round(score, 3)
        normalized = canonical(frame, ctx).row(0, named=True)
        out["normalized"] = {k: v for k, v in normalized.items() if v is not None}
        out["findings"] = [
            {k: f[k] for k in FIELDS_OUT} for part in findings for f in part.iter_rows(named=True)
        ]
        return out


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def answer_lines(matcher: Matcher, lines: Iterable[str]) -> Iterator[tuple[str, str | None]]:
    """(output line, error message or None) per non-blank input line."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            message = f"<stdin>, line {number}: not valid JSON ({err.msg}, column {err.colno})"
            yield json.dumps({"line": number, "error": message}), message
            continue
        if not isinstance(record, dict):
            message = f"<stdin>, line {number}: expected a JSON object (one customer record)"
            yield json.dumps({"line": number, "error": message}), message
            continue
        result = {"line": number, **matcher.match(record)}
        yield json.dumps(result, ensure_ascii=False), None
