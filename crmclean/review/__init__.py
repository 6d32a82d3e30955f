"""`crmclean review`: a person decides the uncertain pairs in the terminal, and the decisions last.

session.py  the queue of pairs (review band and cohesion splits, most uncertain first), what each
            pair shows (fields side by side, masked; the evidence as `explain` computes it) and the
            answers, appended to the decisions file as they are given
app.py      the Textual screen over a session: s same, d different, k skip, u undo, q quit

A shell floor, like cli/: it calls the API and the dedupe stage, and nothing below imports it.
"""
