"""Judging a coding question's reference solution against its own tests, in the sandbox."""

from __future__ import annotations

from dataclasses import dataclass

import sandbox
from questions.packs import QuestionSpec


@dataclass
class ReferenceCheck:
    ran: bool  # False when the sandbox itself could not run (verdict SE)
    passed: bool
    message: str


def judge_request_for(spec: QuestionSpec, *, language: str, source: str) -> sandbox.JudgeRequest:
    return sandbox.JudgeRequest(
        language=language,
        source=source,
        tests=[sandbox.TestCase(input=t.input, expected=t.expected, hidden=t.hidden) for t in spec.tests],
        checker=spec.checker,
        float_tolerance=spec.float_tolerance,
        mode=spec.mode,
        entry_point=spec.entry_point or None,
        time_limit_s=spec.time_limit_s,
        memory_limit_mb=spec.memory_limit_mb,
    )


def verify_reference(spec: QuestionSpec) -> ReferenceCheck:
    result = sandbox.judge(judge_request_for(spec, language=spec.reference_language, source=spec.reference_source))
    if result.verdict == "SE":
        return ReferenceCheck(ran=False, passed=False, message=result.message)
    if result.verdict == "AC":
        return ReferenceCheck(ran=True, passed=True, message="")
    failing = next((t for t in result.tests if t.verdict != "AC"), None)
    where = f" on test {failing.index + 1}" if failing is not None else ""
    detail = f": {result.compile_output.strip()[:300]}" if result.verdict == "CE" else ""
    return ReferenceCheck(
        ran=True,
        passed=False,
        message=f"the reference solution does not pass its own tests (verdict {result.verdict}{where}){detail}",
    )
