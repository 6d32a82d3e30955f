"""Normalizers and match keys for customer fields.

Every module holds vectorized functions from a String ``pl.Series`` to a ``pl.Series`` (or a
``pl.DataFrame`` of parts) of the same length and order; null in gives null out. Per-value work
runs once per unique value. Among them:

- ``text``: whitespace, Unicode forms, case, name-aware title case, folding and transliteration,
  plus ``map_unique`` / ``map_unique_series`` (apply a function once per unique value).
- ``names``: split full person names (Western, Eastern Slavic, Vietnamese orders).
- ``company``: legal forms (ООО, ТОВ, Ltda, Công ty TNHH, LLC, GmbH, ...), company match keys.
- ``country``: country names in many languages to ISO 3166-1 alpha-2 codes.

Field-specific modules (e-mail, phone, dates, ...) sit next to these.
"""
