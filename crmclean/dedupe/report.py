"""Dedupe results as files and counts: the pairs file, the review file and the summary."""

from __future__ import annotations

import polars as pl

from crmclean.dedupe.block import RID
from crmclean.dedupe.compare import FIELDS
from crmclean.dedupe.engine import CLUSTER_ID, CLUSTER_SIZE, Duplicates
from crmclean.io.read import ROW, Table

LARGEST = 10


def _rows(found: Duplicates) -> pl.DataFrame:
    return found.keys.select(RID, ROW)


def pair_rows(found: Duplicates, review: float, n_existing: int | None = None) -> pl.DataFrame:
    """Compared pairs at or above the review band (and every pair merged): source rows, blocking keys,
    similarity per field, total evidence, score and decision. In link mode (``n_existing``: how many
    stacked records come from EXISTING) ``side_a`` / ``side_b`` say which file each row is in."""
    rows = _rows(found)
    kept = found.pairs.filter((pl.col("score") >= review) | (pl.col("decision") == "match"))
    out = kept.join(rows.rename({RID: "a", ROW: "row_a"}), on="a").join(
        rows.rename({RID: "b", ROW: "row_b"}), on="b"
    )
    sides = []
    if n_existing is not None:
        sides = [
            pl.when(pl.col(x) < n_existing)
            .then(pl.lit("existing"))
            .otherwise(pl.lit("new"))
            .alias(f"side_{x}")
            for x in ("a", "b")
        ]
    return out.sort("a", "b").select(
        *sides,
        "row_a",
        "row_b",
        "via",
        *[pl.col(f).round(3) for f in FIELDS],
        "swapped",
        pl.col("total").round(2),
        pl.col("score").round(4),
        "decision",
        "decided_by",
    )


def review_rows(found: Duplicates, tables: tuple[Table, ...]) -> pl.DataFrame:
    """Pairs in the review band with both records' values side by side (``<column>_a``, ``_b``)."""
    stacked = pl.concat(
        [t.frame.with_columns(pl.all().cast(pl.String)).drop(ROW) for t in tables], how="diagonal_relaxed"
    ).with_row_index(RID)
    stacked = stacked.with_columns(pl.col(RID).cast(pl.UInt32))
    rows = _rows(found)
    pairs = found.pairs.filter(pl.col("decision") == "review").select("a", "b", "score", "decided_by")
    data = [c for c in stacked.columns if c != RID]
    out = (
        pairs.join(rows.rename({RID: "a", ROW: "row_a"}), on="a")
        .join(rows.rename({RID: "b", ROW: "row_b"}), on="b")
        .join(stacked.rename(lambda c: "a" if c == RID else f"{c}_a"), on="a")
        .join(stacked.rename(lambda c: "b" if c == RID else f"{c}_b"), on="b")
        .sort("score", "a", "b", descending=[True, False, False])
    )
    side_by_side = [name for c in data for name in (f"{c}_a", f"{c}_b")]
    return out.select("row_a", "row_b", pl.col("score").round(4), "decided_by", *side_by_side)


def matched_on(found: Duplicates) -> pl.DataFrame:
    """Per cluster (``cluster``): the fields that gave positive evidence in its merged pairs."""
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


def summary(found: Duplicates, records: int, linked: pl.DataFrame | None = None) -> dict:
    """Counts for the terminal, JSON and the quality report. In link mode (``linked``: the NEW rows
    with their link columns) duplicates are counted inside NEW, and the link statuses are added."""
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
    duplicates = records - clusters.height
    by_size: dict[int, dict[str, int]] = {}
    matched = multi.join(fields, on="cluster", how="inner").select("size", field="fields").explode("field")
    counted = matched.drop_nulls("field").group_by("size", "field").len().sort("size", "len", "field")
    for size, name, n in counted.iter_rows():
        by_size.setdefault(int(size), {})[name] = int(n)
    info = {
        "records": records,
        "clusters": clusters.height,
        "clusters_with_duplicates": multi.height,
        "duplicate_records": duplicates,
        "duplicate_share": round(duplicates / records, 6) if records else 0.0,
        "pairs_compared": found.compared,
        "evidence": found.evidence,
        "skipped_blocks": found.blocking.skipped_blocks,
        "largest_block": found.blocking.largest_block,
        "size_distribution": {int(s): int(n) for s, n in sizes.iter_rows()},
        # size -> field -> clusters of that size where the field gave evidence for a merge
        "matched_by_size": {s: dict(sorted(f.items(), key=lambda kv: -kv[1])) for s, f in by_size.items()},
        "largest": [
            {
                "cluster_id": r[CLUSTER_ID],
                "size": int(r["size"]),
                "score": None if r["score"] is None else round(float(r["score"]), 3),
                "matched_on": r["fields"] or [],
            }
            for r in largest.iter_rows(named=True)
        ],
    }
    if found.labels is not None:
        info["decisions"] = found.labels.summary()
    if linked is not None:
        status = linked.get_column("status").value_counts()
        counts = dict(
            zip(status.get_column("status").to_list(), status.get_column("count").to_list(), strict=True)
        )
        info["link"] = {k: int(counts.get(k, 0)) for k in ("existing", "review", "new")}
    return info
