"""DedupeSummary: the one summary of a dedupe, and every view of a dedupe built from it."""

from __future__ import annotations

import dataclasses
import json

import polars as pl
from paths import EXAMPLE, FIXTURES

import crmclean
from crmclean.dedupe.summary import DedupeSummary
from crmclean.report.console import dedupe_line
from crmclean.report.json import duplicates_doc, render_dedupe_json

DUPES = FIXTURES / "good" / "dupes.csv"


def test_the_counts_add_up_on_a_real_file():
    s = crmclean.dedupe(DUPES).summary
    assert isinstance(s, DedupeSummary)
    assert (s.records, s.clusters, s.clusters_with_duplicates, s.duplicate_records) == (18, 11, 6, 7)
    assert s.records == s.clusters + s.duplicate_records
    assert sum(s.size_distribution.values()) == s.clusters
    assert sum(size * n for size, n in s.size_distribution.items()) == s.records
    assert sum(n for size, n in s.size_distribution.items() if size > 1) == s.clusters_with_duplicates
    assert [c.size for c in s.largest] == sorted((c.size for c in s.largest), reverse=True)
    assert all(0 < c.score <= 1 and c.matched_on and not c.examples for c in s.largest)
    assert s.decisions is None and s.link is None and s.pairs_compared > 0


def test_the_json_duplicates_object_carries_the_summary_field_for_field():
    found = crmclean.dedupe(DUPES)
    s = found.duplicates  # the summary with masked names, as the reports show it
    data = json.loads(render_dedupe_json(s, "dupes.csv"))
    dup = data["duplicates"]
    assert dup == duplicates_doc(s).model_dump(mode="json")
    assert (dup["records"], dup["clusters"], dup["duplicate_records"]) == (
        s.records,
        s.clusters_with_duplicates,
        s.duplicate_records,
    )
    assert dup["share"] == round(s.share, 6) and dup["pairs_compared"] == s.pairs_compared
    assert dup["evidence"] == s.evidence and dup["decisions"] is None
    assert {d["size"]: d["clusters"] for d in dup["size_distribution"]} == s.size_distribution
    assert dup["largest"] == [dataclasses.asdict(c) for c in s.largest]
    assert all(c.examples for c in s.largest)  # names, masked: dupes.csv has first and last names
    assert data["skipped_blocks"] == s.skipped_blocks and data["largest_block"] == s.largest_block
    assert "link" not in data and "decisions" not in data


def test_report_json_duplicates_is_the_run_summary(tmp_path):
    result = crmclean.run(EXAMPLE)
    report = json.loads(result.report.render("json"))
    assert result.report.duplicates is not None
    assert report["duplicates"] == duplicates_doc(result.report.duplicates).model_dump(mode="json")
    s = result.summary
    assert (
        report["duplicates"]["duplicate_records"]
        == s.duplicate_records
        == result.cleaned.height - (result.golden.height)
    )
    assert report["duplicates"]["clusters"] == s.clusters_with_duplicates


def test_link_mode_counts_new_rows_by_status(tmp_path):
    source = pl.read_csv(DUPES, infer_schema=False)
    existing, new = tmp_path / "existing.csv", tmp_path / "new.csv"
    source.head(9).write_csv(existing)
    source.tail(9).write_csv(new)
    s = crmclean.link(new, existing).summary
    assert s.link is not None and sum(s.link.values()) == s.records == 9
    assert list(s.link) == ["existing", "review", "new"]
    assert all(c.score == 0.0 and not c.examples for c in s.largest)
    data = json.loads(render_dedupe_json(s, "new.csv"))
    assert data["link"] == s.link
    assert f"{s.link['new']:,} new" in dedupe_line(s, "new.csv")


def test_the_summary_still_reads_as_the_dict_it_was():
    s = crmclean.dedupe(DUPES).summary
    assert s["duplicate_records"] == s.duplicate_records
    assert s["clusters"] == s.clusters and s["clusters_with_duplicates"] == s.clusters_with_duplicates
    assert s["duplicate_share"] == round(s.share, 6)
    assert s["largest"][0]["cluster_id"] == s.largest[0].cluster_id
    assert "link" not in s and "decisions" not in s and "records" in s
    assert json.loads(json.dumps(s.as_dict()))["records"] == s.records
