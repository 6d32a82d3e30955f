"""E-mail addresses: normalization, validation (email-validator 2.x) and match keys.

Choices, so that results are predictable:

- :func:`normalize_email` cleans what people paste into CRMs: surrounding whitespace (NBSP and
  zero-width characters included), ``mailto:`` prefixes, angle brackets and ``Name <addr>`` forms,
  spaces around the ``@``, trailing ``.,;:``, a fullwidth ``＠``. Then the whole address is
  lowercased (local part too: virtually every provider is case-insensitive) and NFC-normalized.
  The **domain keeps the form it was given in**: an ASCII/punycode domain stays ASCII
  (``xn--80a1acny.xn--p1ai``), a Unicode domain stays Unicode, in NFC (``почта.рф``). Converting
  would change what users see in their own data for no gain; :func:`email_key` is where the two
  forms meet (it decodes punycode to Unicode). Values without an ``@`` come back unchanged.
- :func:`check_emails` runs email-validator once per unique value (surrounding whitespace
  ignored), without DNS unless ``check_dns``. ``reason`` is the library's message, shortened.
- :func:`email_key` is a match key for deduplication: provider-specific aliases collapse
  (``I.van+crm@googlemail.com`` -> ``ivan@gmail.com``).
"""

from __future__ import annotations

import contextlib
import re
from functools import lru_cache

import email_validator
import idna
import polars as pl

from crmclean.normalize.parallel import join_back, map_unique_parallel

__all__ = ["check_emails", "email_key", "normalize_email"]

# Whitespace as Polars' regex sees it (\s is Unicode White_Space, NBSP included) plus zero-width
# characters that survive copy-paste from web pages and Excel.
_WS = r"[\s\u200b\u200c\u200d\u2060\ufeff]"
_MAX_PASSES = 50

_BRACKETED = r"^[^<>@]*<[^<>]*@[^<>]*>$"  # "<a@b.com>" or "Ivan Petrov <a@b.com>"


def _clean_once(e: pl.Expr) -> pl.Expr:
    t = e.str.replace_all("\uff20", "@", literal=True)
    t = t.str.replace(rf"^{_WS}+", "").str.replace(rf"{_WS}+$", "")
    t = pl.when(t.str.contains(_BRACKETED)).then(t.str.extract(r"<([^<>]*)>$")).otherwise(t)
    t = t.str.replace(rf"(?i)^(?:{_WS}*mailto:)+", "")
    t = t.str.replace_all(rf"{_WS}*@{_WS}*", "@")
    t = t.str.replace(rf"^{_WS}+", "").str.replace(rf"(?:{_WS}|[.,;:])+$", "")
    return t.str.to_lowercase().str.normalize("NFC")


def normalize_email(s: pl.Series) -> pl.Series:
    """Clean and lowercase e-mail addresses; values without ``@`` are returned unchanged.

    ``" <Ivan.Petrov@Mail.RU> "`` -> ``"ivan.petrov@mail.ru"``; ``"mailto:A@B.com"`` ->
    ``"a@b.com"``; ``"Иван@Почта.РФ"`` -> ``"иван@почта.рф"``. Idempotent.
    """
    s = s.cast(pl.String)
    uniq = s.drop_nulls().unique().alias("v")
    cur = uniq
    for _ in range(_MAX_PASSES):  # iterate to a fixed point, so f(f(x)) == f(x)
        nxt = pl.select(_clean_once(pl.lit(cur))).to_series()
        if nxt.equals(cur, null_equal=True):
            break
        cur = nxt
    done = pl.select(
        v=pl.lit(uniq),
        out=pl.when(pl.lit(cur).str.contains("@", literal=True)).then(pl.lit(cur)).otherwise(pl.lit(uniq)),
    )
    return join_back(s.alias("v").to_frame(), done, ["v"])["out"].alias(s.name)


# --------------------------------------------------------------------------------------------
# validation

_REASON_RULES: list[tuple[str, str]] = [
    (r"^An email address must have an @-sign\.?$", "missing @"),
    (r"^There must be something before the @-sign\.?$", "missing local part"),
    (r"^There must be something after the @-sign\.?$", "missing domain"),
    (r"^The part after the @-sign is not valid\. It should have a period\.?$", "domain has no dot"),
    (
        r"^The part after the @-sign is a special-use or reserved name.*$",
        "domain is a special-use or reserved name",
    ),
    (r"^The email address contains invalid characters before the @-sign", "invalid characters in local part"),
    (r"^The email address is too long", "address too long"),
    (r"^The email address is not valid\.\s*", ""),
    (r"^The part after the @-sign", "domain"),
    (r"^The part before the @-sign", "local part"),
    (r"^The domain name (\S+) does not exist\.?", r"domain \1 does not exist"),
    (r"^The domain name (\S+) does not accept email\.?", r"domain \1 does not accept email"),
    (r"^An email address cannot", "cannot"),
    (r"^An email address", "address"),
    (r"^The email address", "address"),
]
_REASON_RES = [(re.compile(p), r) for p, r in _REASON_RULES]


def _short_reason(message: str) -> str:
    msg = message.strip()
    for pattern, repl in _REASON_RES:
        msg = pattern.sub(repl, msg, count=1)
    msg = msg.strip().rstrip(".")
    if not msg:
        msg = "invalid"
    return (msg[0].lower() + msg[1:])[:160]


def _validate(value: str, check_dns: bool) -> tuple[bool, str | None, str | None]:
    try:
        kwargs: dict[str, object] = {"check_deliverability": check_dns}
        if check_dns:
            kwargs["dns_resolver"] = _resolver()
        res = email_validator.validate_email(value.strip(), **kwargs)
    except email_validator.EmailNotValidError as exc:
        return False, _short_reason(str(exc)), None
    except Exception as exc:  # never raise on a value; report it instead
        return False, _short_reason(f"could not validate: {type(exc).__name__}"), None
    return True, None, res.normalized


@lru_cache(maxsize=1)
def _resolver() -> object:
    return email_validator.caching_resolver(timeout=10)


def _validate_offline(value: str) -> tuple[bool, str | None, str | None]:
    return _validate(value, False)


def _validate_dns(value: str) -> tuple[bool, str | None, str | None]:
    return _validate(value, True)


_CHECK_SCHEMA = {"valid": pl.Boolean, "reason": pl.String, "normalized": pl.String}


def check_emails(s: pl.Series, check_dns: bool = False) -> pl.DataFrame:
    """Validate addresses with email-validator, once per unique value.

    Returns columns ``valid`` (Boolean; null for null input), ``reason`` (short message, null when
    valid) and ``normalized`` (email-validator's normalized form when valid: domain lowercased
    and in Unicode form, local part as given). Deliverability (DNS) is checked only when
    ``check_dns``.
    """
    s = s.cast(pl.String)
    uniq = s.drop_nulls().unique().to_list()
    fn = _validate_dns if check_dns else _validate_offline
    results = map_unique_parallel(uniq, fn)
    cols = list(zip(*results, strict=True)) if results else [[], [], []]
    lookup = pl.DataFrame(
        {"v": uniq, **{name: list(col) for name, col in zip(_CHECK_SCHEMA, cols, strict=True)}},
        schema={"v": pl.String, **_CHECK_SCHEMA},
    )
    return join_back(s.alias("v").to_frame(), lookup, ["v"])


# --------------------------------------------------------------------------------------------
# match keys

_SHAPE = r"^[^@\s]+@(?:[^@\s.]+\.)+[^@\s.]+$"
_GMAIL = ["gmail.com", "googlemail.com"]
_YANDEX = (
    r"^(?:yandex\.(?:ru|com|ua|by|kz|net|com\.tr|com\.am|com\.ge|az|fr|lt|lv|ee|uz|tj|tm)"
    r"|ya\.ru|narod\.ru)$"
)
# Providers whose mailboxes accept "local+tag": the tag is dropped from the key.
_PLUS_TAG = (
    r"^(?:gmail\.com|googlemail\.com"
    r"|(?:outlook|hotmail|live|windowslive)\.(?:[a-z]{2,3}|co\.[a-z]{2}|com\.[a-z]{2})|msn\.com"
    r"|icloud\.com|me\.com|mac\.com"
    r"|protonmail\.(?:com|ch)|proton\.me|pm\.me"
    r"|fastmail\.(?:com|fm|net|org|to|cn|es|in|jp|us)|fastmail\.co\.uk|messagingengine\.com)$"
)


def _unicode_domain(domain: str) -> str:
    labels = []
    for label in domain.split("."):
        if label.startswith("xn--"):
            with contextlib.suppress(idna.IDNAError, UnicodeError, ValueError):
                label = idna.decode(label)
        labels.append(label)
    return ".".join(labels)


def email_key(s: pl.Series) -> pl.Series:
    """Match key for deduplication; null when the value has no ``local@domain.tld`` shape.

    Lowercased and cleaned as :func:`normalize_email`; punycode domains decoded to Unicode;
    Gmail: dots in the local part removed, ``googlemail.com`` -> ``gmail.com``; Yandex: all
    aliases (``ya.ru``, ``yandex.com``, ``narod.ru``, ...) -> ``yandex.ru`` and ``-`` == ``.`` in
    the login, as Yandex treats them; ``+tag`` dropped for Gmail, Outlook/Hotmail/Live, Yandex,
    iCloud, Proton and Fastmail.
    """
    norm = normalize_email(s)
    uniq = norm.drop_nulls().unique()
    df = pl.DataFrame({"v": uniq}).with_columns(ok=pl.col("v").str.contains(_SHAPE))
    df = df.with_columns(
        local=pl.col("v").str.extract(r"^([^@]+)@"),
        domain=pl.col("v").str.extract(r"@([^@]+)$"),
    )
    puny = df.filter(pl.col("ok") & pl.col("domain").str.contains("xn--", literal=True))
    if puny.height:
        doms = puny["domain"].unique().to_list()
        mapping = {d: _unicode_domain(d) for d in doms}
        df = df.with_columns(pl.col("domain").replace(mapping))
    local, dom = pl.col("local"), pl.col("domain")
    is_yandex = dom.str.contains(_YANDEX)
    df = df.with_columns(
        local=pl.when(dom.str.contains(_PLUS_TAG) | is_yandex)
        .then(local.str.replace(r"\+.*$", ""))
        .otherwise(local)
    ).with_columns(
        local=pl.when(dom.is_in(_GMAIL))
        .then(local.str.replace_all(".", "", literal=True))
        .when(is_yandex)
        .then(local.str.replace_all("-", ".", literal=True))
        .otherwise(local),
        domain=pl.when(dom.is_in(_GMAIL))
        .then(pl.lit("gmail.com"))
        .when(is_yandex)
        .then(pl.lit("yandex.ru"))
        .otherwise(dom),
    )
    df = df.select(
        "v",
        key=pl.when(pl.col("ok") & (local.str.len_chars() > 0))
        .then(pl.concat_str([local, pl.lit("@"), dom]))
        .otherwise(None),
    )
    return join_back(norm.alias("v").to_frame(), df, ["v"])["key"].alias(s.name)
