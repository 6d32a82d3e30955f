"""The work one batch needs, apart from the run that orders the batches: fill, normalize, the row checks
and the ``unique`` checks' key columns. A :class:`Stages` holds only the rules and the file's Context
(roles and region decided on the whole file, ``today`` pinned), so it pickles: the local engine calls it
in-process, the Dask engine (crmclean.stream.workers) sends it once to every worker.

Whatever a batch's result depends on is in the Stages or the batch itself, never in an earlier batch:
the change log's segment numbers are fixed by the rules (each step's parts in the order the eager
pipeline logs them), and the phone book is only a cache (a number parsed again gives the same result).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl
import polars.selectors as cs

from crmclean import changes as change_log
from crmclean import pipeline
from crmclean.context import Context
from crmclean.fill import apply_fill
from crmclean.io.read import ROW
from crmclean.progress import NO_PROGRESS
from crmclean.rules.load import LoadedRules
from crmclean.rules.model import UniqueCheck
from crmclean.validate import findings as F
from crmclean.validate.checks import run_check

GLOBAL_CHECKS = frozenset({"unique"})  # checks whose verdict on a row depends on other rows
CHECK = "_check"  # position of the check in the rules: ties in the findings order keep rule order
CHUNK = "_chunk"
CANDIDATE = "_candidate"


def _candidate(columns: list[str]) -> pl.Expr:
    """A hash of the key that equal keys share whether or not the check ignores case (trimmed, lower
    case), null where the key is: rows whose candidate occurs once cannot be duplicates."""
    parts = [cs.by_name(c).str.strip_chars().str.to_lowercase() for c in columns]
    key = pl.concat_str(parts, separator="\x1f")
    # fixed seeds: partitions hashed in other processes agree (given the same Polars version)
    return pl.when(key.is_not_null()).then(key.hash(seed=0))


@dataclass
class Batch:
    """One batch after the per-batch stages: what the run orders, merges and writes."""

    index: int
    frame: pl.DataFrame  # as read
    prepared: pl.DataFrame  # filled and normalized
    logs: list[tuple[int, pl.DataFrame]]  # change-log parts by segment (the eager log's order)
    partial: pl.DataFrame  # findings of every check but the global ones, repairs last, with CHECK
    keys: dict[int, pl.DataFrame]  # global check -> _row, key columns, CHUNK, CANDIDATE

    @property
    def changes(self) -> pl.DataFrame:
        return _joined(self.logs)


@dataclass
class Stages:
    """The per-batch stages of a run over one file, as a value that can travel to another process."""

    loaded: LoadedRules  # ``today`` pinned
    ctx: Context  # roles and region of the whole file
    segments: dict[tuple, dict[tuple[str, str | None], int]] = field(default_factory=dict)
    key_columns: dict[int, tuple[list[str], list[str]]] = field(default_factory=dict)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["ctx"] = portable(self.ctx)
        return state

    @property
    def checks(self) -> list:
        return self.loaded.rules.validate_

    @property
    def global_checks(self) -> list[int]:
        return [i for i, c in enumerate(self.checks) if c.check in GLOBAL_CHECKS]

    def batch(self, index: int, frame: pl.DataFrame) -> Batch:
        self.ctx.phones.trim()  # between batches: a batch's stages all find what its normalize parsed
        prepared, logs = self.prepare(frame)
        partial, keys = self.validate(prepared, index)
        fixed = F.repairs(_joined(logs)).with_columns(pl.lit(len(self.checks), pl.Int32).alias(CHECK))
        partial = pl.concat([partial, fixed])  # after every check, as pipeline.validate puts them
        return Batch(index, frame, prepared, logs, partial, keys)

    def prepare(self, frame: pl.DataFrame) -> tuple[pl.DataFrame, list[tuple[int, pl.DataFrame]]]:
        """pipeline.prepare's fill and normalize, one rule at a time so that each step's change log
        stays apart (the log's order is step, then row, over the whole file)."""
        ctx, rules, logs = self.ctx, self.loaded.rules, []
        for i, rule in enumerate(rules.fill):
            frame, log = apply_fill(frame, [rule], ctx, self.loaded.base)
            fill_keys: list[tuple[str, str | None]] = [(c, None) for c in ctx.targets(rule.column, rule.role)]
            parts = self._segments(("fill", i), fill_keys)
            logs.extend(_split(log, parts, by_rule=False))
        for i, norm in enumerate(rules.normalize):
            frame, log = pipeline.normalize(frame, [norm], ctx)
            targets = ctx.targets(norm.column, norm.role)
            steps: list[tuple[str, str | None]] = [
                (c, f"normalize:{step}") for c in targets for step in norm.steps
            ]
            logs.extend(_split(log, self._segments(("normalize", i), steps), by_rule=True))
        return frame, logs

    def _segments(self, step: tuple, keys: list[tuple[str, str | None]]) -> dict[tuple, int]:
        """Segment numbers of a rule's change-log parts, in the order the eager pipeline logs them."""
        found = self.segments.get(step)
        if found is None:  # the parts of the steps before this one (fill < normalize, then by index)
            start = sum(len(v) for k, v in list(self.segments.items()) if k < step)
            found = {}
            for key in keys:  # the same step twice on a column in one rule: one part (documented)
                found.setdefault(key, start + len(found))
            self.segments[step] = found
        return found

    def validate(self, prepared: pl.DataFrame, index: int) -> tuple[pl.DataFrame, dict[int, pl.DataFrame]]:
        """Every check in rules order; ``unique`` checks keep their key columns for the end."""
        parts = [F.empty().with_columns(pl.lit(0, pl.Int32).alias(CHECK))]
        keys_out: dict[int, pl.DataFrame] = {}
        glob = set(self.global_checks)
        for i, check in enumerate(self.checks):
            if i in glob:
                keys, columns = self.keys_of(i)
                if keys:
                    keys_out[i] = prepared.select(
                        cs.by_name(ROW, *columns),
                        pl.lit(index, pl.UInt32).alias(CHUNK),
                        _candidate(keys).alias(CANDIDATE),
                    )
                continue
            found = run_check(prepared, check, self.ctx)
            parts.append(found.with_columns(pl.lit(i, pl.Int32).alias(CHECK)))
        return pl.concat(parts), keys_out

    def keys_of(self, i: int) -> tuple[list[str], list[str]]:
        """The unique check's key columns, and those plus the columns its ``when:`` reads."""
        found = self.key_columns.get(i)
        if found is None:
            check = self.checks[i]
            assert isinstance(check, UniqueCheck)  # key columns are asked of unique checks only
            keys = self.ctx.resolve_many(check.columns, "check `unique`")
            when = self.ctx.condition(check.when).meta.root_names() if keys else []
            found = self.key_columns[i] = (keys, [c for c in dict.fromkeys([*keys, *when]) if c != ROW])
        return found


def portable(ctx: Context) -> Context:
    """The Context as another process needs it: the client's progress display stays behind, and the
    phone book starts empty there (a cache)."""
    import dataclasses

    return dataclasses.replace(ctx, progress=NO_PROGRESS, phones=type(ctx.phones)())


def _joined(logs: list[tuple[int, pl.DataFrame]]) -> pl.DataFrame:
    """The change log of a batch: its parts in segment order."""
    return pl.concat([log for _, log in logs]) if logs else change_log.empty()


def _split(log: pl.DataFrame, parts: dict[tuple, int], *, by_rule: bool) -> list[tuple[int, pl.DataFrame]]:
    if log.height == 0:
        return []
    keys = ["column", "rule"] if by_rule else ["column"]
    out = []
    for key, part in log.partition_by(keys, maintain_order=True, as_dict=True).items():
        segment = parts[(key[0], key[1] if by_rule else None)]
        out.append((segment, part))
    return sorted(out, key=lambda p: p[0])
