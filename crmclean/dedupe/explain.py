"""Why two records are, or are not, the same customer: the per-field story of one pair."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from crmclean.dedupe.block import RID
from crmclean.dedupe.compare import FIELDS, score_pairs
from crmclean.dedupe.engine import CLUSTER_ID, CLUSTER_SIZE, DedupeResult
from crmclean.io.read import ROW
from crmclean.rules.model import DedupeRules

#: The match keys each field compares, as shown side by side.
FIELD_KEYS: dict[str, tuple[str, ...]] = {
    "email": ("email",),
    "phone": ("phone", "phone2"),
    "first_name": ("first",),
    "middle_name": ("middle",),
    "last_name": ("last",),
    "birth_date": ("birth",),
    "tax_id": ("tax",),
    "company": ("company",),
    "street": ("street", "house"),
    "city": ("city",),
    "postal_code": ("postal",),
    "country": ("country",),
}


@dataclass
class Explanation:
    keys_a: dict[str, str | None]  # field -> the match key compared (several keys joined by a space)
    keys_b: dict[str, str | None]
    similarity: dict[str, float | None]
    points: dict[str, float]
    total: float
    score: float
    decision: str  # match | review | no_match
    via: str | None  # blocking keys that made the pair a candidate; None when it was not one
    swapped: bool
    cluster_a: int
    size_a: int
    cluster_b: int
    size_b: int
    decided_by: str = (
        "score"  # score | cluster | cohesion split | household rule | block skipped (key) | not a candidate
    )
    evidence: str = "built-in"  # the evidence the file was scored with: learned or built-in (why)
    carried_by: dict[str, int] = field(default_factory=dict)  # field -> records carrying the shared value
    household: bool = False  # the household rule withheld the shared home or office points
    held: float = 0.0  # the points it withheld
    label: str | None = None  # what a person decided about this pair (same / different), if anything
    decided_at: str | None = None  # when
    match: float = 0.9  # the thresholds used (the match one may be fitted to the decisions)
    review: float = 0.5


def _rid(found: DedupeResult, row: int) -> int:
    return int(found.keys.filter(pl.col(ROW) == row).get_column(RID)[0])


def _shown(record: dict, field: str) -> str | None:
    parts = [record[k] for k in FIELD_KEYS[field] if record.get(k)]
    return " ".join(parts) if parts else None


def explain_pair(found: DedupeResult, settings: DedupeRules, row_a: int, row_b: int) -> Explanation:
    a, b = sorted((_rid(found, row_a), _rid(found, row_b)))
    scored = found.pairs.filter((pl.col("a") == a) & (pl.col("b") == b))
    via = scored.get_column("via")[0] if scored.height else None
    candidate = bool(scored.height)
    if not candidate:  # never proposed by blocking: score it now, to show what it would be
        never = pl.DataFrame(
            {"a": [a], "b": [b], "via": [None]}, schema={"a": pl.UInt32, "b": pl.UInt32, "via": pl.String}
        )
        scored = score_pairs(
            found.keys, never, dict[str, float](settings.weights.items()), found.table, found.offset
        )
    pair = scored.row(0, named=True)
    rec_a = found.keys.filter(pl.col(RID) == a).row(0, named=True)
    rec_b = found.keys.filter(pl.col(RID) == b).row(0, named=True)
    clusters = found.clusters
    ca = clusters.filter(pl.col(RID) == a).row(0, named=True)
    cb = clusters.filter(pl.col(RID) == b).row(0, named=True)
    if ca["cluster"] == cb["cluster"]:
        decision = "match"
    elif candidate:
        decision = pair["decision"]  # a pair a person decided is never left for review
    else:
        decision = "review" if pair["score"] >= found.review else "no_match"
    label = found.labels.kind(a, b) if found.labels is not None else None
    decided_at = found.labels.decided_at.get((a, b)) if found.labels is not None else None
    if candidate:
        reason = pair["decided_by"]
    else:
        reason = "cluster" if decision == "match" else _not_compared(found, settings, a, b)
    if rec_a[ROW] != row_a:  # show the records in the order asked
        rec_a, rec_b, ca, cb = rec_b, rec_a, cb, ca
    return Explanation(
        keys_a={f: _shown(rec_a, f) for f in FIELDS},
        keys_b={f: _shown(rec_b, f) for f in FIELDS},
        similarity={f: pair[f] for f in FIELDS},
        points={f: float(pair[f"points_{f}"]) for f in FIELDS},
        total=float(pair["total"]),
        score=float(pair["score"]),
        decision=decision,
        via=via,
        swapped=bool(pair["swapped"]),
        cluster_a=ca[CLUSTER_ID],
        size_a=ca[CLUSTER_SIZE],
        cluster_b=cb[CLUSTER_ID],
        size_b=cb[CLUSTER_SIZE],
        decided_by=reason,
        evidence=found.evidence,
        carried_by={f: int(pair[c]) for f, c in _TF.items() if pair.get(c) is not None},
        household=bool(pair.get("household")),
        held=float(pair.get("held") or 0.0),
        label=label,
        decided_at=decided_at,
        match=found.match,
        review=found.review,
    )


_TF = {"email": "tf_email", "phone": "tf_phone", "first_name": "tf_name", "last_name": "tf_name",
       "street": "tf_street", "company": "tf_company", "tax_id": "tf_tax_id"}  # fmt: skip


def _not_compared(found: DedupeResult, settings: DedupeRules, a: int, b: int) -> str:
    """Why blocking never proposed the pair: a shared key whose block was over ``max_block``, or no
    shared key at all."""
    from crmclean.dedupe.block import BLOCKING, _key_values

    for name in settings.blocking:
        if name not in BLOCKING:
            continue
        values = _key_values(found.keys, name)
        mine = values.filter(pl.col(RID).is_in([a, b]))
        shared = mine.group_by("k").agg(pl.col(RID).n_unique().alias("n")).filter(pl.col("n") == 2)
        if shared.height:
            size = values.filter(pl.col("k").is_in(shared.get_column("k").implode())).height
            if size > settings.max_block:
                return f"block skipped ({name}: {size:,} records share the value)"
    return "not a candidate"
