"""The summary of a dedupe: the one type the terminal line, the JSON, the report and the API show.

:func:`summarize` counts a :class:`~crmclean.dedupe.engine.DedupeResult` (clusters, duplicate
records, the largest clusters and what matched them, sizes, blocking); :meth:`DedupeSummary.with_examples`
adds a few (masked) names to the largest clusters for reports. Every view of a dedupe (``report.json``'s
``duplicates``, ``crmclean dedupe --format json``, the console, Markdown and HTML reports, the gate,
``Deduplication.summary``) reads this object.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl

from crmclean.dedupe.block import RID
from crmclean.dedupe.compare import FIELDS
from crmclean.dedupe.engine import CLUSTER_ID, CLUSTER_SIZE, DedupeResult
from crmclean.io.read import ROW
from crmclean.mask import mask_value

#: the largest clusters a summary lists
LARGEST = 10
#: the member names a report shows per listed cluster
EXAMPLES = 3
#: the statuses of NEW rows in link mode, in the order they are counted
LINK_STATUSES = ("existing", "review", "new")


@dataclass
class ClusterView:
    """One of the largest clusters."""

    cluster_id: int  # the smallest source row of the cluster
    size: int
    score: float  # mean score of its merged pairs, 0..1; 0.0 when none was scored (link mode)
    matched_on: list[str]  # fields that gave positive evidence in its merged pairs
    examples: list[str] = field(default_factory=list)  # names of a few members, masked unless asked


@dataclass
class DedupeSummary:
    """What a dedupe found, in counts. ``records = clusters + duplicate_records``."""

    records: int  # records clustered (in link mode: the NEW rows)
    clusters: int  # every cluster, records alone included
    clusters_with_duplicates: int  # clusters of size > 1
    duplicate_records: int  # records that would disappear in a merge: members beyond one per cluster
    pairs_compared: int  # candidate pairs scored
    evidence: str = "built-in"  # "learned" (weights fitted to this file by EM) or "built-in (why)"
    skipped_blocks: dict[str, int] = field(default_factory=dict)  # blocking key -> blocks over the cap
    largest_block: int = 0  # records in the largest block compared
    size_distribution: dict[int, int] = field(default_factory=dict)  # size -> clusters of that size
    # size -> field -> clusters of that size in which the field gave evidence for a merge
    matched_by_size: dict[int, dict[str, int]] = field(default_factory=dict)
    largest: list[ClusterView] = field(default_factory=list)  # largest first (size, then cluster_id)
    decisions: dict[str, Any] | None = None  # what a person's decisions did (decisions.Labels.summary)
    link: dict[str, int] | None = None  # link mode: NEW rows by status (existing, review, new)

    @property
    def share(self) -> float:
        """Duplicate records as a share of all records."""
        return self.duplicate_records / self.records if self.records else 0.0

    def with_examples(
        self,
        found: DedupeResult,
        frame: pl.DataFrame,
        name_columns: list[str],
        roles: dict[str, str | None],
        *,
        show_values: bool = False,
    ) -> DedupeSummary:
        """This summary with a few names of each listed cluster's records: the ``name_columns`` of
        ``frame`` (rows by ``_row``; their ``roles`` choose the mask), masked unless ``show_values``;
        ``row N`` for a record without a name."""
        members = found.clusters.select(ROW, CLUSTER_ID)
        largest = []
        for view in self.largest:
            rows_of = members.filter(pl.col(CLUSTER_ID) == view.cluster_id).get_column(ROW)
            rows = frame.filter(pl.col(ROW).is_in(rows_of.implode())).head(EXAMPLES)
            examples = []
            for record in rows.iter_rows(named=True):
                parts = [(record[c], c) for c in name_columns if record[c]]
                shown = [p if show_values else mask_value(p, roles.get(c)) for p, c in parts]
                examples.append(" ".join(p for p in shown if p) or f"row {record[ROW]}")
            largest.append(replace(view, examples=examples))
        return replace(self, largest=largest)

    # The summary was once a dict: ``summary["duplicate_records"]`` still reads it as that dict did.

    def as_dict(self) -> dict[str, Any]:
        """The counts as plain data (the keys of the former dict summary)."""
        info: dict[str, Any] = {
            "records": self.records,
            "clusters": self.clusters,
            "clusters_with_duplicates": self.clusters_with_duplicates,
            "duplicate_records": self.duplicate_records,
            "duplicate_share": round(self.share, 6),
            "pairs_compared": self.pairs_compared,
            "evidence": self.evidence,
            "skipped_blocks": dict(self.skipped_blocks),
            "largest_block": self.largest_block,
            "size_distribution": dict(self.size_distribution),
            "matched_by_size": {s: dict(f) for s, f in self.matched_by_size.items()},
            "largest": [
                {
                    "cluster_id": c.cluster_id,
                    "size": c.size,
                    "score": c.score,
                    "matched_on": list(c.matched_on),
                }
                for c in self.largest
            ],
        }
        if self.decisions is not None:
            info["decisions"] = self.decisions
        if self.link is not None:
            info["link"] = dict(self.link)
        return info

    def __getitem__(self, key: str) -> Any:
        return self.as_dict()[key]

    def __contains__(self, key: object) -> bool:
        return key in self.as_dict()


def matched_on(found: DedupeResult) -> pl.DataFrame:
    """Per cluster (``cluster``): the fields that gave positive evidence in its merged pairs, and
    their mean score."""
    merged = found.pairs.filter(pl.col("decision") == "match").join(
        found.clusters.select(a=RID, cluster="cluster"), on="a"
    )
    agg = [(pl.col(f"points_{f}") > 0).any().alias(f) for f in FIELDS]
    per = merged.group_by("cluster").agg(*agg, pl.col("score").mean().alias("score"))
    return per.select(
        "cluster",
        "score",
        pl.concat_list([pl.when(pl.col(f)).then(pl.lit(f)) for f in FIELDS])
        .list.drop_nulls()
        .alias("fields"),
    )


def summarize(found: DedupeResult, records: int, linked: pl.DataFrame | None = None) -> DedupeSummary:
    """The summary of ``found`` over ``records`` records. In link mode (``linked``: the NEW rows with
    their link columns) duplicates are counted inside NEW, and the link statuses are added."""
    if linked is None:
        clusters = found.clusters.group_by("cluster").agg(
            pl.col(CLUSTER_ID).first(), pl.col(CLUSTER_SIZE).first().alias("size")
        )
        fields = matched_on(found)
    else:
        clusters = linked.group_by(CLUSTER_ID).agg(pl.len().alias("size")).with_columns(cluster=CLUSTER_ID)
        fields = pl.DataFrame(
            schema={"cluster": clusters.schema[CLUSTER_ID], "score": pl.Float64, "fields": pl.List(pl.String)}
        )
    multi = clusters.filter(pl.col("size") > 1)
    sizes = clusters.group_by("size").len().sort("size")
    largest = (
        multi.join(fields, on="cluster", how="left")
        .sort(["size", CLUSTER_ID], descending=[True, False])
        .head(LARGEST)
    )
    by_size: dict[int, dict[str, int]] = {}
    matched = multi.join(fields, on="cluster", how="inner").select("size", field="fields").explode("field")
    counted = matched.drop_nulls("field").group_by("size", "field").len().sort("size", "len", "field")
    for size, name, n in counted.iter_rows():
        by_size.setdefault(int(size), {})[name] = int(n)
    link = None
    if linked is not None:
        status = linked.get_column("status").value_counts()
        counts = dict(
            zip(status.get_column("status").to_list(), status.get_column("count").to_list(), strict=True)
        )
        link = {k: int(counts.get(k, 0)) for k in LINK_STATUSES}
    return DedupeSummary(
        records=records,
        clusters=clusters.height,
        clusters_with_duplicates=multi.height,
        duplicate_records=records - clusters.height,
        pairs_compared=found.compared,
        evidence=found.evidence,
        skipped_blocks=dict(found.blocking.skipped_blocks),
        largest_block=found.blocking.largest_block,
        size_distribution={int(s): int(n) for s, n in sizes.iter_rows()},
        matched_by_size={s: dict(sorted(f.items(), key=lambda kv: -kv[1])) for s, f in by_size.items()},
        largest=[
            ClusterView(
                int(r[CLUSTER_ID]),
                int(r["size"]),
                0.0 if r["score"] is None else round(float(r["score"]), 3),
                r["fields"] or [],
            )
            for r in largest.iter_rows(named=True)
        ],
        decisions=None if found.labels is None else found.labels.summary(),
        link=link,
    )
