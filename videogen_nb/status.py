"""Which stages are done, stale, pending or failed, and why: derived, never stored."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Optional, Sequence

from .models import PipelineContext
from .stages import Services, Stage, dependencies

# JupyterLab's theme variables first (readable on its light and dark themes), fixed colours where there are none
_COLOURS = {
    "done": "var(--jp-success-color1, #15803d)",
    "stale": "var(--jp-warn-color1, #b45309)",
    "pending": "var(--jp-ui-font-color2, #64748b)",
    "failed": "var(--jp-error-color1, #b91c1c)",
}


@dataclass(frozen=True)
class StageRow:
    """One line of the status table."""

    stage: str
    state: str
    seconds: Optional[float]
    summary: str
    note: str = ""


def compute_rows(stages: Sequence[Stage], ctx: PipelineContext, services: Services) -> list[StageRow]:
    """Derive every stage's state (``stages`` in run order) from its record, its fingerprint and its dependencies."""
    rows: dict[str, StageRow] = {}
    for st in stages:
        rec = ctx.stage_records.get(st.name)
        if rec is None:
            rows[st.name] = StageRow(st.name, "pending", None, "")
            continue
        if rec.state == "failed":
            rows[st.name] = StageRow(st.name, "failed", rec.seconds, rec.error or "", "")
            continue
        note = ""
        for dep in dependencies(st, stages):
            dep_rec = ctx.stage_records.get(dep.name)
            if rows[dep.name].state != "done":
                note = f"{dep.name} is {rows[dep.name].state}"
                break
            if dep_rec is not None and dep_rec.seq > rec.seq:
                note = f"{dep.name} ran again since"
                break
        if not note:
            fp = st.fingerprint(ctx, services)
            if fp is not None and rec.fingerprint is not None and fp != rec.fingerprint:
                note = "its inputs changed"
        if not note:
            problems = st.check_artifacts(ctx)
            if problems:
                note = problems[0]
        rows[st.name] = StageRow(st.name, "stale" if note else "done", rec.seconds, rec.summary, note)
    return [rows[s.name] for s in stages]


class StatusView(dict):
    """``{stage: state}`` that prints as a table (text in a terminal, HTML in a notebook)."""

    def __init__(self, rows: Sequence[StageRow], title: str = "", changed: str = "") -> None:
        super().__init__((r.stage, r.state) for r in rows)
        self.rows = list(rows)
        self.title = title
        self.changed = changed

    def __repr__(self) -> str:
        lines = [self.title] if self.title else []
        if self.changed:
            lines.append(self.changed)
        w = max([7, *(len(r.stage) for r in self.rows)])
        lines.append(f"  {'stage':<{w}} {'state':<8} {'time':>7}  result")
        for r in self.rows:
            t = f"{r.seconds:.2f}s" if r.seconds is not None else ""
            text = r.summary if r.state in ("done", "failed") else ""
            if r.note:
                text = f"{text} ({r.note})" if text else f"({r.note})"
            lines.append(f"  {r.stage:<{w}} {r.state:<8} {t:>7}  {text}")
        return "\n".join(lines)

    __str__ = __repr__

    def _repr_html_(self) -> str:
        body = []
        for r in self.rows:
            t = f"{r.seconds:.2f} s" if r.seconds is not None else ""
            text = html.escape(r.summary if r.state in ("done", "failed") else "")
            if r.note:
                text += f" <i>({html.escape(r.note)})</i>"
            body.append(
                f"<tr><td><code>{r.stage}</code></td>"
                f"<td style='color:{_COLOURS[r.state]};font-weight:bold'>{r.state}</td>"
                f"<td style='text-align:right;white-space:nowrap'>{t}</td><td style='text-align:left'>{text}</td></tr>"
            )
        head = f"<div><b>{html.escape(self.title)}</b></div>" if self.title else ""
        if self.changed:
            head += f"<div style='color:var(--jp-ui-font-color2, #475569)'>{html.escape(self.changed)}</div>"
        return (
            f"{head}<table><thead><tr><th>stage</th><th>state</th><th>time</th>"
            f"<th style='text-align:left'>result</th></tr></thead><tbody>{''.join(body)}</tbody></table>"
        )
