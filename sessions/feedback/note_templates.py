"""Structured note templates, one per kind of stage, for interviewers and for solo self-review.

A template names the sections to write in, the competencies to rate from 1 to 4,
and whether it is filled in once per round or once per question. Coding and design
stages have no template: their notes are the free, time-stamped entries.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    prompt: str


@dataclass(frozen=True)
class NoteTemplate:
    key: str
    title: str
    sections: tuple[Section, ...]
    competencies: tuple[Section, ...] = field(default_factory=tuple)
    per_question: bool = False

    @property
    def section_keys(self) -> set[str]:
        return {section.key for section in self.sections}

    @property
    def competency_keys(self) -> set[str]:
        return {competency.key for competency in self.competencies}


RATING_SCALE = ((1, "Weak"), (2, "Mixed"), (3, "Solid"), (4, "Strong"))

RECRUITER = NoteTemplate(
    key="recruiter",
    title="Recruiter chat",
    sections=(
        Section("motivation", "Motivation", "Why this team and why now; how specific is it?"),
        Section("experience", "Relevant experience", "Which projects map onto the role, and at what scale?"),
        Section("looking_for", "What they look for next", "Scope, growth, kind of work, team shape."),
        Section("their_questions", "Questions they asked", "Did they probe the role, the team, the process?"),
        Section("logistics", "Logistics", "Location, notice period, timeline, other processes."),
    ),
)

BEHAVIOURAL = NoteTemplate(
    key="behavioural",
    title="Behavioural (per question)",
    per_question=True,
    sections=(
        Section("situation", "Situation", "Is the context concrete, with a time and a place?"),
        Section("task", "Task", "Is their own responsibility clear, apart from the team's?"),
        Section("action", "Action", "What did they do themselves, and why that over the alternatives?"),
        Section("result", "Result", "A measured outcome, and what they would do differently."),
    ),
    competencies=(
        Section("ownership", "Ownership", "Took responsibility without being asked; followed through."),
        Section("collaboration", "Collaboration", "Worked with and through others; handled disagreement."),
        Section("communication", "Communication", "Clear, structured, right level of detail."),
        Section("mission", "Mission alignment", "Cares about the organisation's goals and their wider effect."),
    ),
)

TECHNICAL_MANAGEMENT = NoteTemplate(
    key="technical_management",
    title="Technical management",
    sections=(
        Section("resume_depth", "Depth on their résumé", "Pick one project and go two levels deeper: can they?"),
        Section("leadership", "Team leadership examples", "Setting direction, growing people, handling conflict."),
        Section("decisions", "Technical decisions", "Trade-offs they owned, and how they were reversed if wrong."),
    ),
    competencies=(
        Section("depth", "Technical depth", "Understands the systems they led, not just the org chart."),
        Section("people", "People leadership", "Grows others; gives hard feedback well."),
        Section("judgement", "Judgement", "Chooses what not to do; weighs risk sensibly."),
    ),
)

TEMPLATE_FOR_STAGE_KIND = {
    "recruiter": RECRUITER,
    "behavioral": BEHAVIOURAL,
    "technical_management": TECHNICAL_MANAGEMENT,
}

TEMPLATES = {template.key: template for template in (RECRUITER, BEHAVIOURAL, TECHNICAL_MANAGEMENT)}


def template_for(stage_kind: str) -> NoteTemplate | None:
    """The structured template for a round of this kind of stage, or None when notes are free-form only."""
    return TEMPLATE_FOR_STAGE_KIND.get(stage_kind)
