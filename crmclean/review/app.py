"""The review screen: one uncertain pair at a time, both records side by side, the evidence for and
against, and one key per answer (s same, d different, k skip, u undo, q quit)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Static

from crmclean.dedupe.compare import FIELDS
from crmclean.dedupe.decisions import DIFFERENT, SAME
from crmclean.mask import mask_value
from crmclean.review.session import SKIP, Session

#: How a column's two values compare -> style of the row in the records table.
STATE_STYLE = {"same": "green", "differ": "bold yellow", "one missing": "dim", "both missing": "dim"}
STATE_MARK = {"same": "=", "differ": "≠", "one missing": "·", "both missing": ""}


class ReviewApp(App[None]):
    """Walk a :class:`Session`; every answer is in the decisions file before the next pair shows."""

    TITLE = "crmclean review"
    CSS = """
    #progress { height: 1; padding: 0 1; background: $boost; }
    #pair { height: auto; padding: 0 1; }
    #tables { height: 1fr; }
    #records { width: 3fr; }
    #evidence { width: 2fr; }
    #verdict { height: auto; padding: 0 1; }
    DataTable { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "answer('same')", "same customer"),
        Binding("d", "answer('different')", "different"),
        Binding("k", "answer('skip')", "skip"),
        Binding("u", "undo", "undo"),
        Binding("q", "quit", "quit"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.sub_title = str(session.result.table.name)

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static(id="progress")
        yield Static(id="pair")
        with Horizontal(id="tables"):
            with Vertical(id="records"):
                yield DataTable(id="fields", zebra_stripes=False, cursor_type="none")
            with Vertical(id="evidence"):
                yield DataTable(id="points", zebra_stripes=False, cursor_type="none")
        yield Static(id="verdict")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#fields", DataTable).add_columns("column", "record A", "record B", "")
        self.query_one("#points", DataTable).add_columns("field", "similarity", "evidence")
        self.show()

    # ------------------------------------------------------------------ drawing

    def progress_text(self) -> str:
        c = self.session.counts()
        where = "done" if self.session.done else f"pair {c['position']} of {c['total']}"
        text = f"{where} · {c[SAME]} same · {c[DIFFERENT]} different · {c[SKIP]} skipped · {c['left']} left"
        if c["already"]:
            text += f" · {c['already']} decided before"
        return text

    def show(self) -> None:
        session = self.session
        self.query_one("#progress", Static).update(self.progress_text())
        fields = self.query_one("#fields", DataTable)
        points = self.query_one("#points", DataTable)
        fields.clear()
        points.clear()
        pair = session.current
        if pair is None:
            c = session.counts()
            self.query_one("#pair", Static).update(
                Text(
                    f"Nothing left to review: {c[SAME]} same, {c[DIFFERENT]} different, {c[SKIP]} skipped. "
                    f"Decisions are in {session.decisions}. u undoes the last answer, q quits.",
                    style="bold",
                )
            )
            self.query_one("#verdict", Static).update(
                f"Apply them: crmclean dedupe FILE --decisions {session.decisions} (or run, explain)"
            )
            return
        e = session.explanation(pair)
        row_a, row_b = pair
        head = Text()
        head.append(f"record A: row {row_a} ({_key(session, row_a)})", style="bold cyan")
        head.append("   ")
        head.append(f"record B: row {row_b} ({_key(session, row_b)})", style="bold magenta")
        head.append(
            f"\nscore {e.score:.4f} · {e.total:+.1f} points · match ≥ {e.match:g} · "
            f"why here: {_why(e.decided_by)} · clusters {e.cluster_a} (size {e.size_a}) / "
            f"{e.cluster_b} (size {e.size_b})"
        )
        self.query_one("#pair", Static).update(head)
        for row in session.fields(pair):
            if row.state == "both missing":
                continue
            style = STATE_STYLE[row.state]
            fields.add_row(
                Text(row.column, style="bold"),
                Text(row.a or "-", style=style),
                Text(row.b or "-", style=style),
                Text(STATE_MARK[row.state], style=style),
            )
        for name in FIELDS:
            sim, value = e.similarity.get(name), e.points.get(name, 0.0)
            if sim is None and not value:
                continue
            style = "green" if value > 0 else "red" if value < 0 else "dim"
            points.add_row(
                Text(name), "-" if sim is None else f"{sim:.2f}", Text(f"{value:+.1f}", style=style)
            )
        for_ = sorted(((v, f) for f, v in e.points.items() if v > 0), reverse=True)
        against = sorted((v, f) for f, v in e.points.items() if v < 0)
        verdict = Text()
        verdict.append("for: ", style="green")
        verdict.append(", ".join(f"{f} {v:+.1f}" for v, f in for_) or "nothing")
        verdict.append("   against: ", style="red")
        verdict.append(", ".join(f"{f} {v:+.1f}" for v, f in against) or "nothing")
        if e.household:
            verdict.append(f"   household rule withheld {e.held:.1f} shared points", style="yellow")
        if e.swapped:
            verdict.append("   names compared crosswise (first/last swapped)")
        mate = session.against_cluster(pair)
        if mate is not None:
            mate_row, other, told = mate
            worst = sorted((v, f) for f, v in told.points.items() if v < 0)[:3]
            verdict.append(
                f"\nkept apart: row {mate_row}, in the same cluster, against row {other}: ", style="yellow"
            )
            verdict.append(f"{told.total:+.1f} points")
            if worst:
                verdict.append(" (" + ", ".join(f"{f} {v:+.1f}" for v, f in worst) + ")")
        self.query_one("#verdict", Static).update(verdict)

    # ------------------------------------------------------------------ keys

    def action_answer(self, kind: str) -> None:
        if self.session.done:
            self.bell()
            return
        self.session.answer(kind)
        self.show()

    def action_undo(self) -> None:
        if self.session.undo() is None:
            self.bell()
            return
        self.show()


def _key(session: Session, row: int) -> str:
    key = session.key(row)
    if session.show_values or key.startswith("row:"):
        return key
    return mask_value(key, "customer_id") or key


def _why(decided_by: str) -> str:
    if decided_by == "cohesion split":
        return "scores as a match, kept apart by its cluster"
    return "in the review band"
