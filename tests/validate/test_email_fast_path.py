"""The vectorized plain-email shortcut must never accept what email-validator rejects."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from crmclean.normalize.email import check_emails
from crmclean.validate.checks import PLAIN_EMAIL, plain_email

LABEL = st.from_regex(r"[a-z0-9]{1,20}(-[a-z0-9]{1,10})?", fullmatch=True)
EMAILS = st.builds(
    lambda local, labels, tld: f"{local}@{'.'.join(labels)}.{tld}",
    st.from_regex(r"[a-z0-9]{1,30}([._+\-][a-z0-9]{1,10}){0,3}", fullmatch=True),
    st.lists(LABEL, min_size=1, max_size=3),
    st.sampled_from(["ru", "com", "br", "vn", "ua", "local", "test", "onion", "co", "example", "xn"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(EMAILS, st.from_regex(PLAIN_EMAIL, fullmatch=True)), min_size=1, max_size=20))
def test_shortcut_accepts_only_what_email_validator_accepts(values):
    s = pl.Series("e", values)
    fast = pl.select(plain_email(pl.lit(s))).to_series()
    verdict = check_emails(s).get_column("valid")
    for value, f, v in zip(values, fast, verdict, strict=True):
        assert not f or v, f"shortcut accepted {value!r}, email-validator rejects it"


def test_shortcut_on_real_shapes():
    s = pl.Series(
        ["ivan.petrov@mail.ru", "an.nguyen+shop@gmail.com", "x@host.test", "Ivan@Mail.ru", "a..b@x.ru"]
    )
    assert pl.select(plain_email(pl.lit(s))).to_series().to_list() == [True, True, False, False, False]
