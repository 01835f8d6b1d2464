"""Judging a coding question's own solutions against its tests, in the sandbox: the reference
and its `other_references` must pass every test, and each of its `wrong_solutions` must fail at least one."""

from __future__ import annotations

from dataclasses import dataclass

import sandbox
from questions.packs import QuestionSpec


@dataclass
class ReferenceCheck:
    ran: bool  # False when the sandbox itself could not run (verdict SE)
    passed: bool
    message: str
    field: str = "reference"  # the front-matter field a failure is about


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


def _verify_one_reference(spec: QuestionSpec, *, language: str, source: str, field: str) -> ReferenceCheck:
    result = sandbox.judge(judge_request_for(spec, language=language, source=source))
    if result.verdict == "SE":
        return ReferenceCheck(ran=False, passed=False, message=result.message, field=field)
    if result.verdict == "AC":
        return ReferenceCheck(ran=True, passed=True, message="", field=field)
    failing = next((t for t in result.tests if t.verdict != "AC"), None)
    where = f" on test {failing.index + 1}" if failing is not None else ""
    detail = f": {result.compile_output.strip()[:300]}" if result.verdict == "CE" else ""
    what = "the reference solution" if field == "reference" else f"the {language} reference solution"
    return ReferenceCheck(
        ran=True, passed=False, field=field,
        message=f"{what} does not pass its own tests (verdict {result.verdict}{where}){detail}",
    )


def verify_reference(spec: QuestionSpec) -> ReferenceCheck:
    """The reference, then each of the other references, passes every test."""
    check = _verify_one_reference(spec, language=spec.reference_language, source=spec.reference_source,
                                  field="reference")
    for index, other in enumerate(spec.other_references):
        if not check.passed:
            break
        check = _verify_one_reference(spec, language=other.language, source=other.source,
                                      field=f"other_references[{index}]")
    return check


def fared_as_it_must(verdict: str, *, must_pass: bool) -> bool:
    """A reference passes every test; a wrong solution is rejected by a test (not by the compiler or the sandbox)."""
    return verdict == "AC" if must_pass else verdict not in ("AC", "CE", "SE")


def verify_solutions(spec: QuestionSpec) -> ReferenceCheck:
    """The reference passes every test and no wrong solution passes them all (what load_pack runs)."""
    check = verify_reference(spec)
    if not check.passed:
        return check
    for index, wrong in enumerate(spec.wrong_solutions):
        request = judge_request_for(spec, language=wrong.language, source=wrong.source)
        request.stop_on_first_failure = True  # one rejected test is all it takes
        result = sandbox.judge(request)
        where = f"wrong_solutions[{index}]"
        if result.verdict == "SE":
            return ReferenceCheck(ran=False, passed=False, field=where,
                                  message=f"wrong solution {wrong.name!r} could not be judged: {result.message}")
        if result.verdict == "CE":
            # A mistake that does not even compile proves nothing about the tests.
            return ReferenceCheck(ran=True, passed=False, field=where,
                                  message=f"the wrong solution {wrong.name!r} does not compile; it must be a program "
                                          f"that runs and gives a wrong answer: {result.compile_output.strip()[:300]}")
        if result.verdict == "AC":
            return ReferenceCheck(
                ran=True, passed=False, field=where,
                message=(f"the wrong solution {wrong.name!r} ({wrong.language}) passes all {result.total} tests; "
                         "add a test that rejects it"),
            )
    return check
