"""Score candidate pairs field by field; keep the per-field scores, they are the explanation.

Each field gives a similarity in 0..1 (null when either record lacks it) computed by rapidfuzz over
all pairs at once (``cpdist``, in C++ on all cores): Jaro-Winkler for names and cities, token-set
ratio for companies and streets, exact or one-edit (OSA) for ids and dates. A similarity becomes
*evidence* in log2-odds points, for or against (table :data:`EVIDENCE`); the evidence of all fields,
each multiplied by its weight from the rules file, adds up to the pair's total, and
``score = 1 / (1 + 2 ** -(total - OFFSET))``.

Negative evidence is what keeps look-alikes apart: different birth dates or tax ids, or a different
first name where the phone and address agree (a household), pull the total down, however much else
agrees.

Two adjustments hold whatever the evidence table (built-in or learned): agreement on a value many
records carry is discounted by its count (:data:`TF_BASE`, :data:`TF_SLOPE`), and the household rule
(:func:`household_rule`) withholds shared home and office points between two different people.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from polars.expr.whenthen import ChainedThen, Then
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, JaroWinkler
from rapidfuzz.process import cpdist

from crmclean.dedupe.block import RID
from crmclean.dedupe.keys import nickname_pairs

#: A rapidfuzz scorer: (a, b, **kwargs) -> similarity or distance.
Scorer = Callable[..., Any]

#: Log2 odds at which a pair scores 0.5: the evidence a pair needs beyond the chance that two
#: records sharing a blocking key are the same customer.
OFFSET = 5.0

#: Both crosswise names must be at least this alike for a first/last swap (chance alone makes two
#: unrelated names a little more alike crosswise than straight).
SWAP_AT_LEAST = 0.8

#: Fields, in the order explanations list them (the names `weights:` in the rules file uses).
FIELDS = (
    "email",
    "phone",
    "first_name",
    "middle_name",
    "last_name",
    "birth_date",
    "tax_id",
    "company",
    "street",
    "city",
    "postal_code",
    "country",
)

#: Evidence per field: (similarity at least, points) from the strongest level down; below the last
#: level the field gives ``else`` points. Missing on either side gives 0.
EVIDENCE: dict[str, tuple[tuple[tuple[float, float], ...], float]] = {
    "email": (((1.0, 8.0),), -1.0),
    "phone": (((1.0, 6.0),), -1.0),
    # a different first or last name outweighs a shared phone, address and company tax id: a
    # household or colleagues; last names of another gender (Петров / Петрова) count as different
    "first_name": (((0.95, 3.0), (0.88, 1.5), (0.75, 0.0)), -10.0),
    "middle_name": (((0.9, 1.0), (0.7, 0.0)), -4.0),  # another patronymic, or its other gender
    "last_name": (((0.95, 3.0), (0.88, 1.5), (0.75, 0.0)), -12.0),
    "birth_date": (((1.0, 5.0), (0.5, 1.0)), -8.0),  # 0.5: one typo (or day and month swapped)
    "tax_id": (((1.0, 8.0), (0.5, 0.0)), -8.0),
    "company": (((0.9, 1.0), (0.5, 0.0)), -0.5),
    "street": (((1.0, 3.0), (0.9, 1.0), (0.5, 0.0)), -1.0),  # 1.0: same street and house numbers
    "city": (((0.9, 0.5), (0.7, 0.0)), -1.0),
    "postal_code": (((1.0, 1.0),), -1.0),
    "country": (((1.0, 0.0),), -2.0),
}


#: Term-frequency adjustment: agreement on a value that ``n`` records of the file carry is worth
#: ``TF_SLOPE * log2(n / base)`` points less (never below 0 for that field): a shared office phone, a family
#: e-mail, ``noemail@``, ``Nguyễn Văn An`` tell less than a personal value. A value carried by at most
#: ``base`` records (one customer and a duplicate or two) keeps its full weight.
TF_BASE: dict[str, float] = {
    "email": 3.0, "phone": 3.0, "name": 3.0, "street": 3.0, "company": 3.0, "tax_id": 3.0,
}  # fmt: skip
#: Points per doubling of the count beyond ``base``: a value carried by 12 records where one customer
#: and duplicates would carry 3 is two doublings, 4 points; an e-mail on 20 records has 2.5 of its 8
#: left, a name on 24 records none of its 6.
TF_SLOPE = 2.0
TF_COLUMNS = tuple(f"tf_{f}" for f in TF_BASE)


def with_frequencies(keys: pl.DataFrame) -> pl.DataFrame:
    """``keys`` plus ``n_<key>``: how many records of the file carry the record's value (null when
    it has none). Group-bys over the key frame; the phone and mobile columns share one count."""

    def count(*cols: str) -> pl.Expr:
        present = pl.all_horizontal([pl.col(c).is_not_null() for c in cols])
        return pl.when(present).then(pl.len().over(list(cols))).cast(pl.UInt32)

    out = keys.with_columns(
        n_email=count("email"), n_name=count("name"), n_street=count("street", "house"),
        n_company=count("company"), n_tax=count("tax"),
    )  # fmt: skip
    phones = (
        pl.concat([keys.select(RID, v=pl.col(c)) for c in ("phone", "phone2") if c in keys.columns])
        .drop_nulls()
        .unique()
    )
    counts = phones.group_by("v").agg(n=pl.len().cast(pl.UInt32))
    for c in ("phone", "phone2"):
        if c in keys.columns:
            out = out.join(counts.rename({"v": c, "n": f"n_{c}"}), on=c, how="left", maintain_order="left")
    return out


def _strings(frame: pl.DataFrame, column: str) -> list[str]:
    return frame.get_column(column).fill_null("").to_list()


#: Key columns compared per distinct pair of values; :func:`with_value_codes` numbers their values.
CODED = ("first", "first_t", "last", "last_t", "middle", "street", "company", "city", "tax", "birth")
#: Key columns only compared for equality: their codes stand in for them in the pair frame.
EQUAL = ("email", "house", "postal", "country")
#: The phone and mobile columns share one code space (a phone may equal the other record's mobile);
#: ``#phone9`` / ``#phone29`` number their last nine digits (numbers of at least nine digits).
PHONES = ("phone", "phone2")


def value_codes(values: pl.Series) -> pl.Series:
    """A number per distinct value (null for none), in order of first appearance: a hash join, where
    a dense rank sorts the strings."""
    distinct = values.drop_nulls().unique(maintain_order=True).to_frame("v").with_row_index("c")
    coded = values.to_frame("v").join(distinct, on="v", how="left", maintain_order="left")
    return coded.get_column("c").cast(pl.UInt32)


def with_value_codes(keys: pl.DataFrame) -> pl.DataFrame:
    """``keys`` plus ``#<key>`` for the keys of :data:`CODED`, :data:`EQUAL` and :data:`PHONES`: a
    number per distinct value (:func:`value_codes`), so that the distinct pairs of values among
    millions of candidate pairs are found by an integer group-by rather than by hashing both strings
    of every pair, and equal values are equal numbers. The pair frame holds these numbers, not the
    strings."""
    present = [c for c in (*CODED, *EQUAL) if c in keys.columns]
    out = keys.with_columns(value_codes(keys.get_column(c)).alias(f"#{c}") for c in present)
    phones = [c for c in PHONES if c in keys.columns]
    if phones:
        n = keys.height
        last9 = [pl.when(pl.col(c).str.len_bytes() >= 9).then(pl.col(c).str.slice(-9)) for c in phones]
        for name, exprs in (("", [pl.col(c) for c in phones]), ("9", last9)):
            codes = value_codes(pl.concat([keys.select(v=e).get_column("v") for e in exprs]))
            out = out.with_columns(codes.slice(i * n, n).alias(f"#{c}{name}") for i, c in enumerate(phones))
    return out


def per_value_pair(
    frame: pl.DataFrame,
    a: str,
    b: str,
    compute: Callable[[pl.DataFrame], pl.Series],
    values: tuple[pl.Series, pl.Series] | None = None,
) -> pl.Series:
    """``compute`` over the distinct (a, b) value combinations of ``frame`` (columns ``x``, ``y``, no
    nulls), joined back to every row; null where either value is missing. Candidate pairs repeat
    the same two first names, surnames or cities many times over (distinct combinations are a few
    per cent of the pairs), so each is scored once. With the value codes of
    :func:`with_value_codes` (``#a``, ``#b``) the combinations are found on integers."""
    if f"#{a}" in frame.columns and f"#{b}" in frame.columns:
        code = frame.select(k=pl.col(f"#{a}").cast(pl.UInt64) * (1 << 32) + pl.col(f"#{b}").cast(pl.UInt64))
        first = code.with_row_index("i").drop_nulls("k").group_by("k").agg(pl.col("i").first())
        if values is None:
            combos = frame.select(x=pl.col(a), y=pl.col(b))[first.get_column("i")]
        else:  # the lean pair frame (codes only): the strings of one pair per combination
            at = frame.select(POS_A, POS_B)[first.get_column("i")]
            combos = pl.DataFrame(
                {"x": values[0].gather(at.get_column(POS_A)), "y": values[1].gather(at.get_column(POS_B))}
            )
        scored = first.select("k", s=compute(combos))
        return code.join(scored, on="k", how="left", maintain_order="left").get_column("s")
    pair_values = frame.select(x=pl.col(a), y=pl.col(b))
    combos = pair_values.drop_nulls().unique()
    scored_values = combos.with_columns(s=compute(combos))
    return pair_values.join(scored_values, on=["x", "y"], how="left", maintain_order="left").get_column("s")


def _cpdist(combos: pl.DataFrame, scorer: Scorer, dtype: type = np.float32) -> np.ndarray:
    if combos.height == 0:
        return np.zeros(0, dtype=dtype)
    x, y = _strings(combos, "x"), _strings(combos, "y")
    return np.asarray(cpdist(x, y, scorer=scorer, workers=-1, dtype=dtype))


#: Record positions of a pair's two records in the lean pair frame (:func:`lean_pairs`).
POS_A, POS_B = "_pos_a", "_pos_b"


@dataclass
class Lean:
    """Candidate pairs as :func:`similarities` reads them: per pair the two records' positions in
    ``side`` and their value codes and counts (``#<key>_a``, ``#<key>_b``, ``n_<key>_a``...), never
    their strings; a string is looked up in ``side`` once per distinct combination of values."""

    frame: pl.DataFrame
    side: pl.DataFrame  # one row per record, by position

    def per_value(self, one: str, other: str, compute: Callable[[pl.DataFrame], pl.Series]) -> pl.Series:
        """``compute`` over the distinct (record a's ``one``, record b's ``other``) combinations."""
        values = (self.side.get_column(one), self.side.get_column(other))
        return per_value_pair(self.frame, f"{one}_a", f"{other}_b", compute, values)

    def code(self, key: str, side: str) -> pl.Expr:
        return pl.col(f"#{key}_{side}")


def lean_pairs(keys: pl.DataFrame, pairs: pl.DataFrame) -> Lean:
    """The lean pair frame of ``pairs`` (a, b: ``_rid``) over ``keys``. Keys from
    :func:`with_value_codes` with ``_rid`` their position (as :func:`crmclean.dedupe.engine.find_duplicates`
    numbers them) are gathered as they are; otherwise the records the pairs name are numbered here."""
    rid = keys.get_column(RID)
    positional = (
        keys.height > 0
        and rid.is_sorted()
        and rid[0] == 0
        and rid[-1] == keys.height - 1
        and rid.n_unique() == keys.height
    )
    if positional and f"#{CODED[0]}" in keys.columns:
        side, at = keys, pairs.select(pl.col("a").alias(POS_A), pl.col("b").alias(POS_B))
    else:
        named = pl.concat([pairs.get_column("a"), pairs.get_column("b")]).unique()
        side = with_value_codes(keys.filter(pl.col(RID).is_in(named.implode())).sort(RID))
        where = side.select(pl.col(RID).alias("_r")).with_row_index("_p")
        at = pairs.select("a", "b").with_row_index("_i")
        at = (
            at.join(where.rename({"_r": "a", "_p": POS_A}), on="a", how="left")
            .join(where.rename({"_r": "b", "_p": POS_B}), on="b", how="left")
            .sort("_i")
            .select(pl.col(POS_A).cast(pl.UInt32), pl.col(POS_B).cast(pl.UInt32))
        )
    wanted = [c for c in side.columns if c.startswith(("#", "n_"))]
    ours = side.select(wanted)
    frame = pl.concat(
        [
            at,
            ours[at.get_column(POS_A)].rename(lambda c: f"{c}_a"),
            ours[at.get_column(POS_B)].rename(lambda c: f"{c}_b"),
        ],
        how="horizontal",
    )
    return Lean(frame, side)


def _fuzzy(pairs: Lean, column: str, scorer: Scorer, scale: float = 1.0) -> pl.Series:
    """scorer(a, b) per pair, null when either side is missing."""
    return _cross(pairs, column, column, scorer, scale)


def _near(pairs: Lean, column: str) -> pl.Series:
    """1 when equal, 0.5 when one edit apart (a typo or a transposition), 0 otherwise."""

    def sim(combos: pl.DataFrame) -> pl.Series:
        edits = _cpdist(combos, OSA.distance, np.int32)
        return pl.Series(np.where(edits == 0, 1.0, np.where(edits == 1, 0.5, 0.0)), dtype=pl.Float32)

    return pairs.per_value(column, column, sim).alias(column)


def _equal(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    return pl.when(a.is_null() | b.is_null()).then(None).otherwise((a == b).cast(pl.Float32))


def pair_frame(keys: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """The pairs with both records' keys side by side (``<key>_a``, ``<key>_b``)."""
    side = keys.drop("_row", strict=False)
    rid = side.get_column(RID)
    if (
        side.height
        and rid.is_sorted()
        and rid[0] == 0
        and rid[-1] == side.height - 1
        and rid.n_unique() == side.height
    ):
        # _rid is the row position (as find_duplicates numbers records): a gather, not two joins
        rest = side.drop(RID)
        return pl.concat(
            [
                pairs,
                rest[pairs.get_column("a")].rename(lambda c: f"{c}_a"),
                rest[pairs.get_column("b")].rename(lambda c: f"{c}_b"),
            ],
            how="horizontal",
        )
    return pairs.join(side.rename(lambda c: "a" if c == RID else f"{c}_a"), on="a", how="left").join(
        side.rename(lambda c: "b" if c == RID else f"{c}_b"), on="b", how="left"
    )


def similarities(keys: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """``pairs`` (a, b, ...) plus one similarity column per field of :data:`FIELDS` and ``swapped``
    (first and last name matched crosswise). The pairs carry value codes, not strings
    (:func:`lean_pairs`): the strings of both records side by side held most of the memory."""
    lean = lean_pairs(keys, pairs)
    wide = lean.frame
    jw = JaroWinkler.normalized_similarity
    # each name on the better of its loosened and its plain Latin key
    first = _best(_fuzzy(lean, "first", jw), _fuzzy(lean, "first_t", jw))
    last = _best(_fuzzy(lean, "last", jw), _fuzzy(lean, "last_t", jw))
    cross_first = _best(_cross(lean, "first", "last", jw), _cross(lean, "first_t", "last_t", jw))
    cross_last = _best(_cross(lean, "last", "first", jw), _cross(lean, "last_t", "first_t", jw))
    first = _with_nicknames(lean, "first", "first", first)
    cross_first = _with_nicknames(lean, "first", "last", cross_first)
    cross_last = _with_nicknames(lean, "last", "first", cross_last)  # either order of the records
    last = last.set(_gender_conflicts(lean, "last", _SURNAME_GENDER), 0.0)
    # swapped only when each name matches the other record's opposite field better than its own:
    # "christian ferris" / "christian walch" is one first name and two surnames, not a swap
    swapped = (
        pl.select(
            (pl.lit(cross_first) > pl.lit(first).fill_null(0) + 0.02)
            & (pl.lit(cross_last) > pl.lit(last).fill_null(0) + 0.02)
            & (pl.min_horizontal(pl.lit(cross_first), pl.lit(cross_last)) >= SWAP_AT_LEAST)
        )
        .to_series()
        .fill_null(False)
    )
    code = lean.code
    # equal keys, or the same last 9 digits (a number whose region could not be told, "84949211054");
    # phone and mobile share one code space, so equal codes are equal numbers
    phone_equal = pl.any_horizontal(
        [
            ((code(x, "a") == code(y, "b")) | (code(f"{x}9", "a") == code(f"{y}9", "b"))).fill_null(False)
            for x in PHONES
            for y in PHONES
        ]
    )
    phone_present = (
        pl.coalesce(code("phone", "a"), code("phone2", "a")).is_not_null()
        & pl.coalesce(code("phone", "b"), code("phone2", "b")).is_not_null()
    )
    street = _fuzzy(lean, "street", fuzz.token_set_ratio, 100.0)
    house = wide.select(_equal(code("house", "a"), code("house", "b"))).to_series()
    street = pl.select(
        pl.when(pl.lit(street) >= 0.9)
        .then(pl.when(pl.lit(house) == 1).then(1.0).otherwise(0.95))
        .otherwise(pl.lit(street))
    ).to_series()

    def equal(key: str) -> pl.Series:
        return wide.select(_equal(code(key, "a"), code(key, "b"))).to_series()

    sims: dict[str, pl.Series | pl.DataFrame] = {
        "email": equal("email"),
        "phone": wide.select(pl.when(phone_present).then(phone_equal.cast(pl.Float32))).to_series(),
        "first_name": pl.select(pl.when(pl.lit(swapped)).then(pl.lit(cross_first)).otherwise(pl.lit(first))),
        "middle_name": _fuzzy(lean, "middle", jw).set(
            _gender_conflicts(lean, "middle", _PATRONYMIC_GENDER), 0.0
        ),
        "last_name": pl.select(pl.when(pl.lit(swapped)).then(pl.lit(cross_last)).otherwise(pl.lit(last))),
        "birth_date": _birth(lean),
        "tax_id": _near(lean, "tax"),
        "company": _fuzzy(lean, "company", fuzz.token_set_ratio, 100.0),
        "street": street,
        "city": _fuzzy(lean, "city", jw),
        "postal_code": equal("postal"),
        "country": equal("country"),
    }
    columns = [s.to_series() if isinstance(s, pl.DataFrame) else s for s in sims.values()]
    out = pl.DataFrame([c.cast(pl.Float32).alias(n) for c, n in zip(columns, sims, strict=True)])
    return pl.concat([pairs, out, pl.DataFrame({"swapped": swapped}), _shared_counts(wide)], how="horizontal")


def _shared_counts(wide: pl.DataFrame) -> pl.DataFrame:
    """Per pair, how many records of the file carry the value the two share (``tf_<field>``): the
    larger of the two records' counts, so a typo of a common name still counts as common; for the
    phone, the count of the number they share."""

    def n(key: str) -> pl.Expr:
        col_a, col_b = pl.col(f"n_{key}_a"), pl.col(f"n_{key}_b")
        return pl.max_horizontal(col_a, col_b) if f"n_{key}_a" in wide.columns else pl.lit(None)

    if "n_phone_a" in wide.columns:
        shared = [
            pl.when(pl.col(f"#{x}_a") == pl.col(f"#{y}_b")).then(pl.col(f"n_{x}_a"))
            for x in PHONES
            for y in PHONES
        ]
        phone = pl.max_horizontal(shared)
    else:
        phone = pl.lit(None)
    counts = {
        "tf_email": n("email"), "tf_phone": phone, "tf_name": n("name"), "tf_street": n("street"),
        "tf_company": n("company"), "tf_tax_id": n("tax"),
    }  # fmt: skip
    # with_columns broadcasts a missing count (a literal null) to every pair; select would give one row
    return wide.with_columns(**counts).select(list(counts)).cast(pl.UInt32)


def _best(x: pl.Series, y: pl.Series) -> pl.Series:
    return pl.select(pl.max_horizontal(pl.lit(x), pl.lit(y))).to_series().cast(pl.Float32).alias(x.name)


def _cross(pairs: Lean, one: str, other: str, scorer: Scorer, scale: float = 1.0) -> pl.Series:
    """scorer(record a's ``one``, record b's ``other``), null when either is missing."""

    def sim(combos: pl.DataFrame) -> pl.Series:
        return pl.Series(_cpdist(combos, scorer) / scale, dtype=pl.Float32)

    return pairs.per_value(one, other, sim).cast(pl.Float32).alias(one)


def _with_nicknames(pairs: Lean, one: str, other: str, sim: pl.Series) -> pl.Series:
    """1.0 where record a's ``one`` and record b's ``other`` are nicknames of each other (Саша /
    Александр, Bill / William), looked up once per distinct pair of names."""

    def nick(combos: pl.DataFrame) -> pl.Series:
        table = nickname_pairs().select(x="a", y="b", n=pl.lit(True))
        return (
            combos.join(table, on=["x", "y"], how="left", maintain_order="left")
            .get_column("n")
            .fill_null(False)
        )

    found = pairs.per_value(one, other, nick).fill_null(False)
    return pl.select(pl.when(pl.lit(found)).then(1.0).otherwise(pl.lit(sim))).to_series().cast(pl.Float32)


# Gendered endings of East Slavic surnames and patronymics, on Latin keys: (pattern, gender, stem).
_SURNAME_GENDER = ((r"(ov|ev|in)a$", "f", "$1"), (r"skaia$", "f", "skii"), (r"(ov|ev|in|skii)$", "m", "$1"))
_PATRONYMIC_GENDER = ((r"(ovn|evn|ivn|ichn)a$", "f", ""), (r"(ovich|evich|ich)$", "m", ""))


def _gender_conflicts(pairs: Lean, key: str, endings: tuple[tuple[str, str, str], ...]) -> pl.Series:
    """True where both values carry a gendered ending, the genders differ and (for surnames) the
    stems agree: Петров / Петрова, Александрович / Александровна. The regexes run once per distinct
    pair of values."""

    def conflict(combos: pl.DataFrame) -> pl.Series:
        return combos.select(
            _gender_differs(pl.col("x"), pl.col("y"), endings, same_stem=key == "last")
        ).to_series()

    return pairs.per_value(key, key, conflict).fill_null(False)


def _gender_differs(
    a: pl.Expr, b: pl.Expr, endings: tuple[tuple[str, str, str], ...], same_stem: bool
) -> pl.Expr:
    def gender_and_stem(col: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
        gender, stem = pl.lit(None, dtype=pl.String), col
        for pattern, g, replacement in reversed(endings):
            hit = col.str.contains(pattern)
            gender = pl.when(hit).then(pl.lit(g)).otherwise(gender)
            stem = pl.when(hit).then(col.str.replace(pattern, replacement)).otherwise(stem)
        return gender, stem

    ga, sa = gender_and_stem(a)
    gb, sb = gender_and_stem(b)
    stems = (sa == sb) if same_stem else pl.lit(True)
    return ((ga != gb) & stems).fill_null(False)


def _birth(pairs: Lean) -> pl.Series:
    """Equal 1; one typo or day and month swapped 0.5; otherwise 0."""
    near = _near(pairs, "birth")

    def swapped(combos: pl.DataFrame) -> pl.Series:
        a, b = pl.col("x"), pl.col("y")
        return combos.select(
            (a.str.slice(0, 4) == b.str.slice(0, 4))
            & (a.str.slice(5, 2) == b.str.slice(8, 2))
            & (a.str.slice(8, 2) == b.str.slice(5, 2))
        ).to_series()

    swapped_dm = pairs.per_value("birth", "birth", swapped)
    return (
        pl.select(
            pl.when(pl.lit(near) == 0)
            .then(pl.when(pl.lit(swapped_dm)).then(0.5).otherwise(0.0))
            .otherwise(pl.lit(near))
        )
        .to_series()
        .cast(pl.Float32)
        .alias("birth_date")
    )


def _points(field: str, table: dict[str, list[float]] | None) -> pl.Expr:
    levels, otherwise = EVIDENCE[field]
    points = [p for _, p in levels] + [otherwise] if table is None else table[field]
    sim = pl.col(field)
    expr: Then | ChainedThen = pl.when(sim.is_null()).then(0.0)
    for (at_least, _), value in zip(levels, points, strict=False):
        expr = expr.when(sim >= at_least - 1e-6).then(float(value))
    return expr.otherwise(float(points[-1]))


def _discount(tf: str, base: float) -> pl.Expr:
    """TF_SLOPE * log2(n / base) points, at least 0 (0 when the count is unknown)."""
    n = pl.col(tf).cast(pl.Float64)
    return pl.when(n > base).then(TF_SLOPE * (n / base).log(2)).otherwise(0.0).fill_null(0.0)


def _frequency_discount() -> list[pl.Expr]:
    """The agreement points of email, phone, street, company and the name (first + last together),
    less the term-frequency discount, never below 0."""
    out = []
    for field in ("email", "phone", "street", "company", "tax_id"):
        p = pl.col(f"points_{field}")
        cut = pl.min_horizontal(_discount(f"tf_{field}", TF_BASE[field]), p)
        out.append(pl.when(p > 0).then(p - cut).otherwise(p).cast(pl.Float32).alias(f"points_{field}"))
    pf, pl_ = pl.col("points_first_name"), pl.col("points_last_name")
    both = (pf > 0) & (pl_ > 0)
    cut = pl.min_horizontal(_discount("tf_name", TF_BASE["name"]), pf + pl_)
    for p, name in ((pf, "first_name"), (pl_, "last_name")):
        share = p / (pf + pl_)
        out.append(pl.when(both).then(p - cut * share).otherwise(p).cast(pl.Float32).alias(f"points_{name}"))
    return out


#: Fields a household or colleagues share; see :func:`household_rule`.
SHARED_FIELDS = ("email", "phone", "street", "company", "postal_code", "city")


#: A tax id on more records than this is not one person's (a register may hold a person five times).
PERSONAL_AT_MOST = 10


def personal_tax() -> pl.Expr:
    """The tax ids agree (or one typo apart) and are not the company's: at most
    :data:`PERSONAL_AT_MOST` records carry it, and the two records do not name the same company
    (colleagues share the company's tax id)."""
    company = (pl.col("company") >= 0.9).fill_null(False)
    rare = pl.col("tf_tax_id").fill_null(1) <= PERSONAL_AT_MOST
    return (pl.col("tax_id") >= 0.5) & rare & ~company


def household_rule(first_level: float = 0.75) -> pl.Expr:
    """True where the first names differ (not a nickname, not swapped) and no personal identifier
    agrees (birth date, or a tax id that is not the company's): then a shared e-mail, phone, street,
    company, postal code or city is what a household or colleagues have in common (a family shares one
    mailbox as often as one phone, and two records cannot tell a family address from a personal one),
    not
    evidence of one person. Fixed, whatever the weights (learned ones included)."""

    def below(field: str, level: float) -> pl.Expr:
        return (pl.col(field) < level - 1e-6).fill_null(False)

    # another first name; another family name; or a contradicting birth date with a first name
    # that is only alike (Hùng / Hưng): two people, whatever home they share
    other_person = (below("first_name", first_level) | below("last_name", first_level)) & ~pl.col("swapped")
    other_person = other_person | (below("birth_date", 0.5) & below("first_name", 0.95))
    personal = (pl.col("birth_date") >= 1.0).fill_null(False) | personal_tax().fill_null(False)
    return other_person & ~personal


def score(
    sims: pl.DataFrame,
    weights: dict[str, float] | None = None,
    table: dict[str, list[float]] | None = None,
    offset: float = OFFSET,
) -> pl.DataFrame:
    """Adds ``points_<field>`` per field, ``total`` and ``score`` (0..1). ``table``: evidence per
    level (from :func:`crmclean.dedupe.learn.fit`); default the built-in :data:`EVIDENCE`."""
    weights = weights or {}
    points = [(_points(f, table) * weights.get(f, 1.0)).cast(pl.Float32).alias(f"points_{f}") for f in FIELDS]
    out = sims.with_columns(points)
    if "tf_email" in out.columns:
        out = out.with_columns(_frequency_discount())
        # the household rule: shared home or office points withheld (kept in ``held``, for the story)
        rule = household_rule()
        out = out.with_columns(
            household=rule,
            held=pl.when(rule)
            .then(
                pl.sum_horizontal([pl.col(f"points_{f}").clip(lower_bound=0) for f in SHARED_FIELDS])
                + pl.when((pl.col("company") >= 0.9).fill_null(False))
                .then(pl.col("points_tax_id").clip(lower_bound=0))
                .otherwise(0.0)
            )
            .otherwise(0.0)
            .cast(pl.Float32),
        ).with_columns(
            [
                pl.when(pl.col("household"))
                .then(pl.col(f"points_{f}").clip(upper_bound=0))
                .otherwise(pl.col(f"points_{f}"))
                .alias(f"points_{f}")
                for f in SHARED_FIELDS
            ]
            + [
                pl.when(pl.col("household") & (pl.col("company") >= 0.9).fill_null(False))
                .then(pl.col("points_tax_id").clip(upper_bound=0))
                .otherwise(pl.col("points_tax_id"))
                .alias("points_tax_id")
            ]
        )
    total = pl.sum_horizontal([pl.col(f"points_{f}") for f in FIELDS])
    return out.with_columns(total=total).with_columns(
        score=(1.0 / (1.0 + (2.0 ** (-(pl.col("total") - offset))))).cast(pl.Float32)
    )


def score_pairs(
    keys: pl.DataFrame,
    pairs: pl.DataFrame,
    weights: dict[str, float] | None = None,
    table: dict[str, list[float]] | None = None,
    offset: float = OFFSET,
) -> pl.DataFrame:
    return score(similarities(keys, pairs), weights, table, offset)
