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
"""

from __future__ import annotations

import numpy as np
import polars as pl
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, JaroWinkler
from rapidfuzz.process import cpdist

from crmclean.dedupe.block import RID
from crmclean.dedupe.keys import nickname_pairs

#: Log2 odds at which a pair scores 0.5: the evidence a pair needs beyond the chance that two
#: records sharing a blocking key are the same customer.
OFFSET = 5.0

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


def _strings(frame: pl.DataFrame, column: str) -> list[str]:
    return frame.get_column(column).fill_null("").to_list()


def _fuzzy(frame: pl.DataFrame, column: str, scorer, scale: float = 1.0) -> pl.Series:
    """scorer(a, b) per pair, null when either side is missing."""
    a, b = f"{column}_a", f"{column}_b"
    if frame.height == 0:
        return pl.Series(column, [], dtype=pl.Float32)
    values = cpdist(_strings(frame, a), _strings(frame, b), scorer=scorer, workers=-1, dtype=np.float32)
    sim = pl.Series(column, values / scale, dtype=pl.Float32)
    return sim.set(frame.get_column(a).is_null() | frame.get_column(b).is_null(), None)


def _near(frame: pl.DataFrame, column: str) -> pl.Series:
    """1 when equal, 0.5 when one edit apart (a typo or a transposition), 0 otherwise."""
    a, b = f"{column}_a", f"{column}_b"
    if frame.height == 0:
        return pl.Series(column, [], dtype=pl.Float32)
    edits = pl.Series(cpdist(_strings(frame, a), _strings(frame, b), scorer=OSA.distance, workers=-1))
    sim = pl.select(
        pl.when(pl.lit(edits) == 0).then(1.0).when(pl.lit(edits) == 1).then(0.5).otherwise(0.0)
    ).to_series()
    missing = frame.get_column(a).is_null() | frame.get_column(b).is_null()
    return sim.cast(pl.Float32).set(missing, None).alias(column)


def _equal(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    return pl.when(a.is_null() | b.is_null()).then(None).otherwise((a == b).cast(pl.Float32))


def pair_frame(keys: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """The pairs with both records' keys side by side (``<key>_a``, ``<key>_b``)."""
    side = keys.drop("_row", strict=False)
    return pairs.join(side.rename(lambda c: "a" if c == RID else f"{c}_a"), on="a", how="left").join(
        side.rename(lambda c: "b" if c == RID else f"{c}_b"), on="b", how="left"
    )


def similarities(keys: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """``pairs`` (a, b, ...) plus one similarity column per field of :data:`FIELDS` and ``swapped``
    (first and last name matched crosswise)."""
    wide = pair_frame(keys, pairs)
    jw = JaroWinkler.normalized_similarity
    first, last = _fuzzy(wide, "first", jw), _fuzzy(wide, "last", jw)
    cross_first = pl.Series(
        cpdist(_strings(wide, "first_a"), _strings(wide, "last_b"), scorer=jw, workers=-1)
    )
    cross_last = pl.Series(cpdist(_strings(wide, "last_a"), _strings(wide, "first_b"), scorer=jw, workers=-1))
    first = _with_nicknames(wide, "first_a", "first_b", first)
    cross_first = _with_nicknames(wide, "first_a", "last_b", cross_first)
    last = last.set(wide.select(_gender_conflict("last", _SURNAME_GENDER)).to_series(), 0.0)
    straight = (first.fill_null(0) + last.fill_null(0)) / 2
    swapped = ((cross_first + cross_last) / 2 > straight + 0.02) & (cross_first > 0) & (cross_last > 0)
    pa, pb = [pl.col(f"phone_{s}") for s in "ab"], [pl.col(f"phone2_{s}") for s in "ab"]
    phone_equal = pl.any_horizontal(
        [(x == y).fill_null(False) for x in (pa[0], pb[0]) for y in (pa[1], pb[1])]
    )
    phone_present = pl.coalesce(pa[0], pb[0]).is_not_null() & pl.coalesce(pa[1], pb[1]).is_not_null()
    street = _fuzzy(wide, "street", fuzz.token_set_ratio, 100.0)
    house = wide.select(_equal(pl.col("house_a"), pl.col("house_b"))).to_series()
    street = pl.select(
        pl.when(pl.lit(street) >= 0.9)
        .then(pl.when(pl.lit(house) == 1).then(1.0).otherwise(0.95))
        .otherwise(pl.lit(street))
    ).to_series()
    sims = {
        "email": wide.select(_equal(pl.col("email_a"), pl.col("email_b"))).to_series(),
        "phone": wide.select(pl.when(phone_present).then(phone_equal.cast(pl.Float32))).to_series(),
        "first_name": pl.select(pl.when(pl.lit(swapped)).then(pl.lit(cross_first)).otherwise(pl.lit(first))),
        "middle_name": _fuzzy(wide, "middle", jw).set(
            wide.select(_gender_conflict("middle", _PATRONYMIC_GENDER)).to_series(), 0.0
        ),
        "last_name": pl.select(pl.when(pl.lit(swapped)).then(pl.lit(cross_last)).otherwise(pl.lit(last))),
        "birth_date": _birth(wide),
        "tax_id": _near(wide, "tax"),
        "company": _fuzzy(wide, "company", fuzz.token_set_ratio, 100.0),
        "street": street,
        "city": _fuzzy(wide, "city", jw),
        "postal_code": wide.select(_equal(pl.col("postal_a"), pl.col("postal_b"))).to_series(),
        "country": wide.select(_equal(pl.col("country_a"), pl.col("country_b"))).to_series(),
    }
    columns = [s.to_series() if isinstance(s, pl.DataFrame) else s for s in sims.values()]
    out = pl.DataFrame([c.cast(pl.Float32).alias(n) for c, n in zip(columns, sims, strict=True)])
    return pl.concat([pairs, out, pl.DataFrame({"swapped": swapped})], how="horizontal")


def _with_nicknames(wide: pl.DataFrame, a: str, b: str, sim: pl.Series) -> pl.Series:
    """1.0 where the two first names are nicknames of each other (Саша / Александр, Bill / William)."""
    nick = (
        wide.select(a=pl.col(a), b=pl.col(b))
        .join(nickname_pairs().with_columns(n=pl.lit(True)), on=["a", "b"], how="left", maintain_order="left")
        .get_column("n")
        .fill_null(False)
    )
    return pl.select(pl.when(pl.lit(nick)).then(1.0).otherwise(pl.lit(sim))).to_series().cast(pl.Float32)


# Gendered endings of East Slavic surnames and patronymics, on Latin keys: (pattern, gender, stem).
_SURNAME_GENDER = ((r"(ov|ev|in)a$", "f", "$1"), (r"skaia$", "f", "skii"), (r"(ov|ev|in|skii)$", "m", "$1"))
_PATRONYMIC_GENDER = ((r"(ovn|evn|ivn|ichn)a$", "f", ""), (r"(ovich|evich|ich)$", "m", ""))


def _gender_conflict(key: str, endings: tuple[tuple[str, str, str], ...]) -> pl.Expr:
    """True where both values carry a gendered ending, the genders differ and (for surnames) the
    stems agree: Петров / Петрова, Александрович / Александровна."""

    def gender_and_stem(col: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
        gender, stem = pl.lit(None, dtype=pl.String), col
        for pattern, g, replacement in reversed(endings):
            hit = col.str.contains(pattern)
            gender = pl.when(hit).then(pl.lit(g)).otherwise(gender)
            stem = pl.when(hit).then(col.str.replace(pattern, replacement)).otherwise(stem)
        return gender, stem

    ga, sa = gender_and_stem(pl.col(f"{key}_a"))
    gb, sb = gender_and_stem(pl.col(f"{key}_b"))
    same_stem = (sa == sb) if key == "last" else pl.lit(True)
    return ((ga != gb) & same_stem).fill_null(False)


def _birth(wide: pl.DataFrame) -> pl.Series:
    """Equal 1; one typo or day and month swapped 0.5; otherwise 0."""
    near = _near(wide, "birth")
    a, b = pl.col("birth_a"), pl.col("birth_b")
    swapped_dm = wide.select(
        (a.str.slice(0, 4) == b.str.slice(0, 4))
        & (a.str.slice(5, 2) == b.str.slice(8, 2))
        & (a.str.slice(8, 2) == b.str.slice(5, 2))
    ).to_series()
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
    expr = pl.when(sim.is_null()).then(0.0)
    for (at_least, _), value in zip(levels, points, strict=False):
        expr = expr.when(sim >= at_least - 1e-6).then(float(value))
    return expr.otherwise(float(points[-1]))


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
