"""The Markdown writer: a session export (`document.session_export`) as a Markdown download."""

from __future__ import annotations

from datetime import datetime

from sessions.models import InterviewSession
from sessions.portability.document import (
    QuestionExport,
    Reveal,
    RoundExport,
    SessionExport,
    SheetExport,
    fence,
    session_export,
)
from sessions.templatetags.clock import mmss


def _cell(text) -> str:
    """Text that stays inside one table cell."""
    return " ".join(str(text).split()).replace("|", "\\|") or "—"


def _block(text: str, empty: str = "*Nothing written.*") -> str:
    text = text.strip()
    return text if text else empty


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z") if moment else "—"


def _reveal_lines(reveals: list[Reveal]) -> list[str]:
    lines = []
    for reveal in reveals:
        stamp = f" *(at {mmss(reveal.offset)})*" if reveal.offset is not None else ""
        body = "\n   ".join(reveal.text.strip().splitlines())
        lines.append(f"{reveal.number}. {body}{stamp}")
    return lines


def _sheet_lines(sheet: SheetExport, level: str) -> list[str]:
    lines = [f"{level} {sheet.title} notes", ""]
    for label, text, stamp in sheet.sections:
        lines += [f"**{label}**" + (f" *(from {mmss(stamp)})*" if stamp is not None else ""), "", _block(text, "—"), ""]
    if sheet.ratings:
        lines += [
            " · ".join(f"{label}: {rating if rating is not None else '—'}" for label, rating in sheet.ratings)
            + " (1 weak to 4 strong)",
            "",
        ]
    return lines


def session_markdown(session: InterviewSession, viewer) -> str:
    """The session as Markdown: questions, answers, code, runs, reveals and the feedback the viewer may read."""
    return export_markdown(session_export(session, viewer))


def export_markdown(export: SessionExport) -> str:
    lines = [f"# {export.title}", ""]
    lines += [f"- Mode: {export.mode}"]
    if export.loop:
        lines += [f"- Loop: {export.loop}"]
    lines += [f"- Created: {_when(export.created_at)}", f"- Exported for: {export.viewer}", ""]
    if export.imported_at:
        lines += [f"> **Imported** {_when(export.imported_at)} from another instance: these rounds were not "
                  "taken here, and any scorecard in them was not written by anyone here.", ""]
    if not export.rounds:
        lines += ["*No rounds to show.*", ""]
    for r in export.rounds:
        lines += _round_lines(r, imported=export.imported_at is not None)
    return "\n".join(lines).rstrip("\n") + "\n"


def _round_lines(r: RoundExport, *, imported: bool = False) -> list[str]:
    lines = [f"## Round {r.number}: {r.title}" + (" (imported)" if imported else ""), ""]
    lines += [f"- Stage: {r.stage_kind}"]
    if r.interviewer or r.candidate:
        lines += [f"- Interviewer: {r.interviewer}", f"- Candidate: {r.candidate}", f"- Your role: {r.role.value}"]
    status = r.status + (f" ({r.end_reason.lower()})" if r.end_reason else "")
    lines += [
        f"- Status: {status}",
        f"- Started: {_when(r.started_at)}",
        f"- Time used: {mmss(r.used_seconds)} of {mmss(r.duration_seconds)}",
        "",
    ]
    for q in r.questions:
        lines += _question_lines(q)
    if r.sheet:
        lines += _sheet_lines(r.sheet, "###")
    if r.self_assessment or r.reflection:
        lines += ["### Self-assessment", ""]
        if r.self_assessment:
            lines += ["| Rubric item | Rating (1 weak to 4 strong) |", "| --- | --- |"]
            lines += [f"| {_cell(text)} | {_cell(rating or '')} |" for text, rating in r.self_assessment]
            lines += [""]
        if r.reflection.strip():
            lines += ["**What I would do differently**", "", r.reflection.strip(), ""]
    if r.scorecard:
        card = r.scorecard
        state = f"released {_when(card.released_at)}" if card.released_at else "draft, not released"
        lines += [f"### {'Imported scorecard' if imported else 'Feedback'} ({state})", ""]
        if card.rows:
            lines += ["| Rubric item | Rating |", "| --- | --- |"]
            lines += [f"| {_cell(text)} | {_cell(label)} |" for text, label in card.rows]
            lines += [""]
        lines += [f"**Overall recommendation:** {card.recommendation or '—'}", "", _block(card.feedback), ""]
    if r.interviewer_feedback:
        sent = r.interviewer_feedback
        lines += [f"### The candidate's feedback on the interview (sent {_when(sent.sent_at)})", ""]
        lines += ["| Statement | Rating (1 not at all to 4 fully) |", "| --- | --- |"]
        lines += [f"| {_cell(text)} | {_cell(rating)} |" for text, rating in sent.rows]
        lines += ["", _block(sent.comments, "*No comments.*"), ""]
    if r.notes_title:
        lines += [f"### {r.notes_title}", ""]
        if not r.notes:
            lines += ["*No notes.*", ""]
        for note in r.notes:
            head = f"- **{mmss(note.offset)}**"
            if note.question:
                head += f" (question {note.question})"
            if note.tags:
                head += " " + ", ".join(f"*{tag}*" for tag in note.tags)
            body = note.body.strip()
            lines.append(head + (":" if body else ""))
            if body:
                lines += ["", *("  " + line if line else "" for line in body.splitlines()), ""]
        lines += [""]
    return lines


def _question_lines(q: QuestionExport) -> list[str]:
    lines = [f"### {q.number}. {q.title} ({q.kind_label})", ""]
    meta = f"Time on it: {mmss(q.seconds_spent)}"
    if q.self_grade:
        meta += f" · self-grade: {q.self_grade}"
    lines += [f"*{meta}*", "", "#### Question", "", q.prompt.strip(), ""]
    if q.hints:
        lines += ["#### Hints given", "", *_reveal_lines(q.hints), ""]
    if q.hints_not_given:
        lines += ["#### Hints not given", "", *_reveal_lines(q.hints_not_given), ""]
    if q.constraints:
        lines += ["#### Constraints given", "", *_reveal_lines(q.constraints), ""]
    if q.constraints_not_given:
        lines += ["#### Constraints not reached", "", *_reveal_lines(q.constraints_not_given), ""]
    if q.kind == "coding":
        lines += [f"#### Final code ({q.language or 'no language'})", ""]
        lines += [q.code_markdown if q.code.strip() else "*No code written.*", ""]
        if q.test_cases:
            lines += ["#### Own test cases", ""]
            for number, case in enumerate(q.test_cases, start=1):
                lines += [f"Case {number}, input:", "", fence(case.get("input", "")), ""]
                expected = case.get("expected")
                lines += (["Expected output:", "", fence(expected), ""] if expected is not None
                          else ["*No expected output: run only.*", ""])
        lines += ["#### Runs", ""]
        if q.runs:
            lines += ["| When | What | Language | Verdict | Tests | Time |", "| --- | --- | --- | --- | --- | --- |"]
            for run in q.runs:
                tests = f"{run.passed}/{run.total}" if run.total else "—"
                time = f"{run.time_ms} ms" if run.time_ms is not None else "—"
                lines.append(
                    f"| {run.at:%H:%M:%S} | {run.kind} | {run.language} | {_cell(run.verdict)} | {tests} | {time} |"
                )
        else:
            lines += ["*No runs.*"]
        lines += [""]
    elif q.star:
        lines += ["#### Answer", ""]
        for label, text in q.star:
            lines += [f"**{label}**", "", _block(text, "—"), ""]
    else:
        lines += ["#### Answer", "", _block(q.answer, "*No answer written.*"), ""]
    if q.whiteboard_svg:
        # The server's own drawing (escaped text, no script), as one HTML block that Markdown viewers show.
        lines += ["#### Whiteboard", "", str(q.whiteboard_svg), ""]
    if q.model_answer.strip():
        lines += [f"#### {q.model_answer_label}", "", q.model_answer.strip(), ""]
    if q.reference_svg:
        lines += ["#### Reference diagram", "", str(q.reference_svg), ""]
    if q.rubric:
        lines += ["#### Rubric", "", *(f"- {_cell(text)}" for text in q.rubric), ""]
    if q.sheet:
        lines += _sheet_lines(q.sheet, "####")
    return lines
