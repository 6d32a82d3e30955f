"""A customer master across batches: one code per client, kept stable as new exports arrive.

    master.build.build(DIR, files, rules)   several exports -> records, golden, lineage, events, state
    master.add.add(DIR, file)               a new batch: attach, create, merge (never silently)
    master.match.Matcher(DIR).match(rec)    one record against the master, without changing it
    master.show.profile(DIR, code), export  one customer, or every golden record

Modules: ``codes`` (the code format), ``store`` (versions on disk, state), ``batch`` (one export read
for the master), ``keys`` (stored match keys, candidates of a batch), ``scoring`` (the build's stored
evidence and value counts, and the dedupe steps that use them), ``linkage`` (which code a batch's
records join), ``golden`` (survivorship), ``build``, ``add``, ``match``, ``show``. See docs/master.md.
"""
