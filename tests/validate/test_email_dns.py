"""--check-dns looks every valid address's domain up, each unique domain once per run, and tells a
domain that does not exist from DNS that does not answer. Real lookups through dnspython: on a
machine without network they fail fast (or time out quickly), and that is what is tested; the
"does not exist" verdict is asserted only where DNS answers."""

from __future__ import annotations

import json

import dns.resolver
import polars as pl
import pytest

from crmclean.io.read import read_table
from crmclean.normalize.email import DNS_BATCH, UNAVAILABLE, DomainBook, check_emails
from crmclean.pipeline import check_table
from crmclean.report.formats import render
from crmclean.report.model import build_report
from crmclean.rules.load import load_rules

MISSING_DOMAIN = "nonexistent-domain-zzzq12345.com"


class RecordingResolver(dns.resolver.Resolver):
    """dnspython's resolver, unchanged, that also writes down what it was asked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.asked: list[tuple[str, str]] = []

    def resolve(self, qname, rdtype="A", *args, **kwargs):
        self.asked.append((str(qname).rstrip(".") or ".", str(rdtype)))
        return super().resolve(qname, rdtype, *args, **kwargs)


def _resolver(**kwargs) -> RecordingResolver:
    resolver = RecordingResolver(**kwargs)
    resolver.lifetime = 2.0
    return resolver


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "e.csv"
    rows = [
        f"x@{MISSING_DOMAIN}",  # ordinary-looking: the offline fast path used to skip it
        "ivan@mail.ru",
        "anna@mail.ru",
        "Olga@Mail.RU",  # same domain, other case
        "pedro@gmail.com",
        "not-an-address",  # invalid already: never looked up
    ]
    path.write_text("email\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _loaded(check_dns: bool):
    loaded = load_rules(None)
    loaded.rules.settings.check_dns = check_dns
    return loaded


def test_each_unique_domain_is_looked_up_once(export):
    loaded = _loaded(True)
    table = read_table(export)
    validated = check_table(table, loaded)
    book = validated.prepared.ctx.domains
    resolver = _resolver()
    book2 = DomainBook(resolver=resolver)
    verdicts = book2.check([MISSING_DOMAIN, "mail.ru", "gmail.com", "mail.ru"])
    mx = sorted(q for q, kind in resolver.asked if kind == "MX")
    assert mx == sorted([MISSING_DOMAIN, "mail.ru", "gmail.com"])  # once each, the repeat not again
    assert book2.check(["mail.ru"]) == {"mail.ru": verdicts["mail.ru"]}
    assert sorted(q for q, kind in resolver.asked if kind == "MX") == mx  # the book remembers
    assert book.looked_up == 3  # the run: mail.ru, gmail.com and the missing domain, each once
    if book2.dns_answers():  # a machine with DNS: the missing domain is missing, the others are fine
        assert verdicts == {MISSING_DOMAIN: "missing", "mail.ru": "ok", "gmail.com": "ok"}
    else:  # no DNS: nothing is called missing, nothing passes silently
        assert set(verdicts.values()) == {UNAVAILABLE}


def test_a_domain_that_cannot_resolve_gets_a_finding(export):
    loaded = _loaded(True)
    validated = check_table(read_table(export), loaded)
    findings = validated.findings.filter(pl.col("column") == "email", pl.col("severity") != "fixed")
    by_row = {
        r: (rule, sev, msg)
        for r, rule, sev, msg in findings.select("_row", "rule", "severity", "message").rows()
    }
    assert by_row[6] == ("email", "error", "invalid email: missing @")  # offline verdict, no lookup
    rule, severity, message = by_row[1]  # x@nonexistent-domain-zzzq12345.com
    if validated.prepared.ctx.domains.dns_answers():
        assert (rule, severity, message) == ("email", "error", "invalid email: domain does not exist")
    else:
        assert (rule, severity) == ("email_dns", "warning")
        assert "DNS unavailable" in message and "does not exist" not in message
        assert {r for r, (_, s, _) in by_row.items() if s == "error"} == {6}  # not an error per row
        assert {r for r, (rl, _, _) in by_row.items() if rl == "email_dns"} == {1, 2, 3, 4, 5}


def test_the_report_says_dns_was_checked(export):
    loaded = _loaded(True)
    report = build_report(check_table(read_table(export), loaded), rules=loaded.rules)
    assert report.dns is not None and report.dns.domains == 3
    doc = json.loads(render(report, "json"))
    assert doc["dns"]["checked"] is True and doc["dns"]["domains"] == 3
    assert doc["dns"]["missing"] + doc["dns"]["unavailable"] >= 1
    assert "3 domains looked up" in render(report, "human", width=200)
    assert "email domains (DNS)" in render(report, "markdown")
    off = _loaded(False)
    report = build_report(check_table(read_table(export), off), rules=off.rules)
    assert report.dns is None and json.loads(render(report, "json"))["dns"] is None
    assert not [r for r in report.checks if r.rule == "email_dns"]


def test_dns_that_never_answers_costs_one_batch_of_timeouts():
    """A nameserver that does not answer (TEST-NET-1, reserved, never routed): lookups time out,
    the root does not resolve either, and after one batch the rest are not looked up."""
    resolver = _resolver(configure=False)
    resolver.nameservers = ["192.0.2.1"]
    resolver.lifetime = 0.3
    book = DomainBook(resolver=resolver)
    domains = [f"d{i}.example-shop.com" for i in range(DNS_BATCH + 4)]
    verdicts = book.check(domains)
    assert set(verdicts.values()) == {UNAVAILABLE}
    assert book.looked_up == DNS_BATCH and book.unavailable == len(domains)


def test_check_emails_with_dns_marks_missing_domains_invalid_only_when_dns_answers():
    s = pl.Series([f"a@{MISSING_DOMAIN}", "b@mail.ru", None, "bad"])
    book = DomainBook(resolver=_resolver())
    out = check_emails(s, check_dns=True, domains=book)
    assert out.get_column("dns").to_list()[2:] == [None, None]
    if book.dns_answers():
        assert out.get_column("valid").to_list() == [False, True, None, False]
    else:
        assert out.get_column("valid").to_list() == [True, True, None, False]
        assert out.get_column("dns").to_list()[:2] == [UNAVAILABLE, UNAVAILABLE]
