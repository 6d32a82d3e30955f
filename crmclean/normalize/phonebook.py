"""Parse each phone number once per run, however many stages ask.

Fill (country from phone), normalize (E.164) and two checks all need phonenumbers' verdict, and
phonenumbers is pure Python: the expensive part of validating a large export. The book keeps every
(value, region) it has parsed as a frame, parses only what it has not seen, and files each valid
result under its E.164 form too, so checks on normalized phones are lookups, not parses.
"""

from __future__ import annotations

import polars as pl

from crmclean.normalize.phone import mark_letters, parse_phones


class PhoneBook:
    def __init__(self) -> None:
        self._table: pl.DataFrame | None = None

    def trim(self) -> None:
        """Called between batches: this book keeps everything (a bounded one forgets here)."""

    def parse(
        self,
        s: pl.Series,
        region: pl.Series | str | None = None,
        default_region: str | None = None,
        allow_vanity: bool = False,
    ) -> pl.DataFrame:
        """Same result as :func:`parse_phones`, one row per row of ``s``."""
        return mark_letters(s, self.parse_raw(s, region, default_region), allow_vanity)

    def parse_raw(
        self, s: pl.Series, region: pl.Series | str | None, default_region: str | None
    ) -> pl.DataFrame:
        """phonenumbers' own reading (vanity letters read as digits); letters are marked after."""
        if isinstance(region, pl.Series):
            regions = region.cast(pl.String).fill_null(default_region or "")
        else:
            regions = pl.repeat(region or default_region or "", s.len(), dtype=pl.String, eager=True)
        # A number written with +country does not depend on the region: one key for all regions.
        keys = pl.DataFrame({"v": s, "r": regions}).with_columns(
            r=pl.when(pl.col("v").str.strip_chars_start().str.starts_with("+"))
            .then(pl.lit(""))
            .otherwise("r")
        )
        needed = keys.drop_nulls("v").unique()
        if self._table is not None:
            needed = needed.join(self._table.select("v", "r"), on=["v", "r"], how="anti")
        if needed.height:
            region_arg = needed.get_column("r").replace("", None)
            parsed = parse_phones(
                needed.get_column("v"), region=region_arg, default_region=default_region, allow_vanity=True
            )
            fresh = pl.concat([needed, parsed], how="horizontal")
            as_e164 = fresh.filter(pl.col("valid")).with_columns(v=pl.col("e164"), r=pl.lit(""))
            parts = [t for t in (self._table, fresh, as_e164) if t is not None]
            self._table = pl.concat(parts).unique(["v", "r"], keep="first", maintain_order=True)
        if self._table is None:  # every value was null
            return parse_phones(s, region, default_region, allow_vanity=True)
        return keys.join(self._table, on=["v", "r"], how="left", maintain_order="left").drop("v", "r")
