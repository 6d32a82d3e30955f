"""The vectorized phone path (normalize/phonefast.py) agrees with phonenumbers on every value.

Reference: ``phone._parse_pair``, phonenumbers' own parse and crmclean's reading of it, one value
at a time. Fast: ``phone.parse_phones``' pre-clean and the vectorized decision, with the residue
parsed by the reference, exactly as a run does. Values come from every region phonenumbers
supports: its example numbers of each type in international, national and trunk-prefixed form,
then corrupted (digit changed, dropped or added, truncated), decorated (punctuation, letters,
extensions, IDD and ``00`` prefixes, the calling code without ``+``) and read with the number's
own region, another region or none. Metadata updates in phonenumbers therefore cannot make the
two paths diverge silently.
"""

from __future__ import annotations

import phonenumbers
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmclean.normalize import phone
from crmclean.normalize.phonefast import decide

REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS)
_TYPES = (
    None,
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.TOLL_FREE,
    phonenumbers.PhoneNumberType.PREMIUM_RATE,
    phonenumbers.PhoneNumberType.VOIP,
)


def _examples(region: str) -> list[tuple[str, str, str]]:
    """(national significant number, calling code, national prefix) of the region's examples."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    prefix = (meta.national_prefix or "") if meta is not None else ""
    out = []
    for kind in _TYPES:
        if kind is None:
            ex = phonenumbers.example_number(region)
        else:
            ex = phonenumbers.example_number_for_type(region, kind)
        if ex is not None:
            out.append((phonenumbers.national_significant_number(ex), str(ex.country_code), prefix))
    return out


EXAMPLES = {region: _examples(region) for region in REGIONS}
NON_GEO = [
    (phonenumbers.national_significant_number(ex), str(cc))
    for cc in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS)
    if (ex := phonenumbers.example_number_for_non_geo_entity(cc)) is not None
]


def _forms(nsn: str, cc: str, prefix: str, region: str) -> list[str]:
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    idd = "00"
    if meta is not None and meta.preferred_international_prefix:
        idd = meta.preferred_international_prefix
    elif meta is not None and meta.international_prefix and meta.international_prefix.isdigit():
        idd = meta.international_prefix
    return [f"+{cc}{nsn}", nsn, f"{prefix}{nsn}", f"{cc}{nsn}", f"00{cc}{nsn}", f"{idd}{cc}{nsn}"]


def _agree(values: list[tuple[str, str]], check_preclean: bool = True) -> int:
    """Every (value, region) gives the reference's result through the fast path; returns how
    many canonical pairs the fast path decided."""
    frame = pl.DataFrame({"v": [v for v, _ in values], "r": [r for _, r in values]}).unique()
    frame = frame.with_columns(cv=phone._canonical(pl.col("v")))
    decided, residue = decide(frame.select("cv", "r").unique(), phone.NO_REGION_REASON)
    assert decided.height + residue.height == frame.select("cv", "r").unique().height
    assert decided.join(residue, on=["cv", "r"], how="inner").height == 0
    got = {(row[0], row[1]): tuple(row[2:]) for row in decided.iter_rows()}
    for v, r, cv in frame.iter_rows():
        if check_preclean:
            assert phone._parse_pair((cv, r)) == phone._parse_pair((v, r)), (v, r, cv)
        if (cv, r) in got:
            assert got[(cv, r)] == phone._parse_pair((cv, r)), (v, r, cv)
    return len(got)


def test_every_region_example_numbers_agree() -> None:
    values: list[tuple[str, str]] = []
    for region in REGIONS:
        for nsn, cc, prefix in EXAMPLES[region]:
            values += [(form, region) for form in _forms(nsn, cc, prefix, region)]
            values += [(nsn[:-1], region), (nsn + "0", region), (f"+{cc}{nsn[:-2]}", ""), (nsn, "")]
    for nsn, cc in NON_GEO:
        values += [(f"+{cc}{nsn}", ""), (f"+{cc}{nsn}1", ""), (f"00{cc}{nsn}", "US")]
    decided = _agree(values, check_preclean=False)
    assert decided > len(set(values)) // 2  # the fast path does most of the work


_DECOR = st.sampled_from(
    [
        lambda s: s,
        lambda s: " ".join([s[:3], s[3:6], s[6:]]),
        lambda s: f"({s[:2]}) {s[2:5]}-{s[5:]}",
        lambda s: s[:4] + "." + s[4:],
        lambda s: s + " ext. 12",
        lambda s: s + " x123",
        lambda s: s + " доб. 45",
        lambda s: s[:-2] + "AB",
        lambda s: s[:3] + "O" + s[4:],
        lambda s: "tel: " + s,
        lambda s: s + "#7",
        lambda s: "  " + s + "\u00a0",
    ]
)


@st.composite
def _value(draw: st.DrawFn) -> tuple[str, str]:
    region = draw(st.sampled_from(REGIONS))
    examples = EXAMPLES[region]
    if examples and draw(st.integers(0, 4)):
        nsn, cc, prefix = draw(st.sampled_from(examples))
        digits = list(draw(st.sampled_from(_forms(nsn, cc, prefix, region))))
    else:
        digits = list(draw(st.text("0123456789", min_size=3, max_size=18)))
    for _ in range(draw(st.integers(0, 2))):
        op = draw(st.integers(0, 3))
        body = [i for i, ch in enumerate(digits) if ch.isdigit()]
        if not body:
            break
        i = draw(st.sampled_from(body))
        if op == 0:
            digits[i] = str(draw(st.integers(0, 9)))
        elif op == 1 and len(body) > 3:
            del digits[i]
        elif op == 2:
            digits.insert(i, str(draw(st.integers(0, 9))))
        else:
            digits = digits[: max(3, len(digits) - draw(st.integers(1, 4)))]
    text = draw(_DECOR)("".join(digits))
    read_as = draw(st.sampled_from([region, region, "", draw(st.sampled_from(REGIONS))]))
    return text, read_as


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_value(), min_size=1, max_size=40))
def test_corrupted_and_decorated_numbers_agree(values: list[tuple[str, str]]) -> None:
    _agree(values)


def test_parse_phones_unchanged_on_mixed_column() -> None:
    """The whole parse_phones result equals a per-value reference, row for row."""
    values = ["+7 912 345-67-89", "89123456789", "8 (912) 345-67-89", "067-123-45-67", "0912345678",
              "(11) 98765-4321", "+1 (415) 555-0134", "4155550134", "+44 20 7946 0958", "020 7946 0958",
              "+7 912 3", "(81) 96928-4025", None, "", "+79123456ABC", "+16502530000 ext. 123",
              "021987654321", "5511987654321", "+0123456", "00 44 20 7946 0958"]  # fmt: skip
    regions = ["RU", "RU", "RU", "UA", "VN", "BR", "US", "US", "GB", "GB", "RU", None, "RU", "RU", "RU",
               "US", "BR", "RU", "US", "RU"]  # fmt: skip
    got = phone.parse_phones(pl.Series(values), pl.Series(regions), allow_vanity=True)
    for i, (v, r) in enumerate(zip(values, regions, strict=True)):
        want = phone._parse_pair((v, r or "")) if v is not None else (None,) * 7
        assert tuple(got.row(i)) == want, (v, r)
