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
  ignored), offline. ``reason`` is the library's message, shortened.
- :class:`DomainBook` looks each unique domain up in DNS once per run (``settings.check_dns``),
  with email-validator's deliverability check (MX, then A/AAAA; null MX and ``v=spf1 -all``). A
  negative answer is trusted only when DNS answers at all (the root zone resolves): without a
  network, or behind a resolver that denies every name, domains are ``unavailable``, not missing.
- :func:`email_key` is a match key for deduplication: provider-specific aliases collapse
  (``I.van+crm@googlemail.com`` -> ``ivan@gmail.com``).
"""

from __future__ import annotations

import contextlib
import re
from concurrent.futures import ThreadPoolExecutor

import email_validator
import idna
import polars as pl

from crmclean.normalize.parallel import join_back, map_unique_parallel

__all__ = ["DomainBook", "check_emails", "dns_verdicts", "email_key", "normalize_email"]

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


def _validate_offline(value: str) -> tuple[bool, str | None, str | None]:
    try:
        res = email_validator.validate_email(value.strip(), check_deliverability=False)
    except email_validator.EmailNotValidError as exc:
        return False, _short_reason(str(exc)), None
    except Exception as exc:  # never raise on a value; report it instead
        return False, _short_reason(f"could not validate: {type(exc).__name__}"), None
    return True, None, res.normalized


_CHECK_SCHEMA = {"valid": pl.Boolean, "reason": pl.String, "normalized": pl.String}


def check_emails(s: pl.Series, check_dns: bool = False, domains: DomainBook | None = None) -> pl.DataFrame:
    """Validate addresses with email-validator, once per unique value.

    Returns columns ``valid`` (Boolean; null for null input), ``reason`` (short message, null when
    valid) and ``normalized`` (email-validator's normalized form when valid: domain lowercased
    and in Unicode form, local part as given). With ``check_dns``, the domains of valid addresses
    are looked up (``domains``, or a new :class:`DomainBook`): one that does not exist or takes no
    email makes the address invalid; column ``dns`` has each row's :func:`dns_verdicts`.
    """
    s = s.cast(pl.String)
    uniq = s.drop_nulls().unique().to_list()
    results = map_unique_parallel(uniq, _validate_offline)
    cols: list[tuple[object, ...]] = list(zip(*results, strict=True)) if results else [(), (), ()]
    lookup = pl.DataFrame(
        {"v": uniq, **{name: list(col) for name, col in zip(_CHECK_SCHEMA, cols, strict=True)}},
        schema={"v": pl.String, **_CHECK_SCHEMA},
    )
    out = join_back(s.alias("v").to_frame(), lookup, ["v"])
    if not check_dns:
        return out
    valid = out.get_column("valid").fill_null(False)
    verdict = dns_verdicts(out.get_column("normalized").set(~valid, None), domains or DomainBook())
    failed = verdict.is_in([MISSING, NO_MAIL]).fill_null(False)
    reason = verdict.replace_strict(DNS_REASONS, default=None, return_dtype=pl.String)
    return out.with_columns(
        valid=pl.when(failed).then(False).otherwise(pl.col("valid")),
        reason=pl.when(failed).then(reason).otherwise(pl.col("reason")),
        dns=verdict,
    )


# --------------------------------------------------------------------------------------------
# DNS: each domain once per run

OK, MISSING, NO_MAIL, UNAVAILABLE = "ok", "missing", "no_mail", "unavailable"
DNS_REASONS = {
    MISSING: "domain does not exist",
    NO_MAIL: "domain does not accept email",
    UNAVAILABLE: "domain not verified: DNS unavailable",
}
DNS_TIMEOUT = 3.0  # seconds per lookup (a resolver that does not answer costs this much, once)
DNS_BATCH = 16  # lookups in flight; a batch with not one answer means DNS is down: stop there


class DomainBook:
    """Email domains looked up in DNS, each once per run, as the PhoneBook parses each phone once.

    :meth:`check` gives each domain a verdict: ``ok``; ``missing`` (NXDOMAIN) or ``no_mail`` (null
    MX, no MX/A/AAAA, ``v=spf1 -all``), trusted only when DNS answers for the root zone; else
    ``unavailable`` (no network, timeout, no nameserver, a resolver that denies every name). Once a
    whole batch of lookups gets no answer, the remaining domains are ``unavailable`` without being
    looked up: a dead network costs one timeout, not one per domain.
    """

    def __init__(self, resolver: object | None = None, timeout: float = DNS_TIMEOUT) -> None:
        self._resolver = resolver
        self.timeout = timeout
        self.verdicts: dict[str, str] = {}
        self.attempted: set[str] = set()  # domains a lookup was sent for
        self._dns_answers: bool | None = None
        self._given_up = False

    @property
    def looked_up(self) -> int:
        return len(self.attempted)

    @property
    def missing(self) -> int:
        return sum(v in (MISSING, NO_MAIL) for v in self.verdicts.values())

    @property
    def unavailable(self) -> int:
        return sum(v == UNAVAILABLE for v in self.verdicts.values())

    def resolver(self) -> object:
        if self._resolver is None:
            self._resolver = email_validator.caching_resolver(timeout=self.timeout)  # type: ignore[arg-type]
        return self._resolver

    def check(self, domains: list[str]) -> dict[str, str]:
        """Verdicts for ``domains`` (ASCII or Unicode), looking up only the ones not seen yet."""
        todo = list(dict.fromkeys(d for d in domains if d not in self.verdicts))
        for start in range(0, len(todo), DNS_BATCH):
            batch = todo[start : start + DNS_BATCH]
            if self._given_up:
                self.verdicts.update(dict.fromkeys(batch, UNAVAILABLE))
                continue
            self.attempted.update(batch)
            with ThreadPoolExecutor(max_workers=len(batch)) as pool:
                found = dict(zip(batch, pool.map(self._lookup, batch), strict=True))
            if all(v == UNAVAILABLE for v in found.values()) and not self.dns_answers():
                self._given_up = True
            self.verdicts.update(found)
        return {d: self.verdicts[d] for d in domains}

    def _lookup(self, domain: str) -> str:
        from email_validator.deliverability import validate_email_deliverability

        try:
            resolver = self.resolver()
            info = validate_email_deliverability(_ascii_domain(domain), domain, dns_resolver=resolver)  # type: ignore[arg-type]
        except email_validator.EmailUndeliverableError as exc:
            text = str(exc)
            if "does not exist" in text:
                verdict = MISSING
            elif "does not accept email" in text or "does not send email" in text:
                verdict = NO_MAIL
            else:  # "There was an error while checking": not an answer about the domain
                return UNAVAILABLE
            return verdict if self.dns_answers() else UNAVAILABLE
        except Exception:  # no resolver configuration, a broken socket: not an answer either
            return UNAVAILABLE
        return UNAVAILABLE if "unknown-deliverability" in info else OK

    def dns_answers(self) -> bool:
        """Whether DNS answers truthfully at all: the root zone's NS records resolve (asked once)."""
        if self._dns_answers is None:
            try:
                self.resolver().resolve(".", "NS")  # type: ignore[attr-defined]
                self._dns_answers = True
            except Exception:
                self._dns_answers = False
        return self._dns_answers


def _ascii_domain(domain: str) -> str:
    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        return domain


def dns_verdicts(addresses: pl.Series, book: DomainBook) -> pl.Series:
    """Each row's DNS verdict (``ok``, ``missing``, ``no_mail``, ``unavailable``) for the domain of
    its address; null where the address is null. Each unique domain is looked up once."""
    domain = addresses.cast(pl.String).str.extract(r"@([^@]+)$").str.strip_chars().str.to_lowercase()
    unique = domain.drop_nulls().unique().sort().to_list()
    if not unique:
        return pl.Series("dns", [None] * domain.len(), dtype=pl.String)
    verdicts = book.check(unique)
    return domain.replace_strict(verdicts, default=None, return_dtype=pl.String).alias("dns")


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
