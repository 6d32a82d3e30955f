"""Duplicate customers: match keys, blocking, field-by-field scores, cohesive clusters, golden records.

keys.py     identity fields -> match keys (email, E.164 phone, transliterated names, ...)
block.py    candidate pairs from shared keys, block-size capped, plus a sorted neighbourhood
compare.py  per-field similarities -> evidence (discounted by value frequency; household rule) -> score
learn.py    the evidence fitted to the file by EM (default; built-in evidence when it cannot be)
cluster.py  connected components, rebuilt by average linkage on log-odds against chaining
engine.py   the four steps above, end to end
merge.py    golden records with survivorship rules and lineage
"""
