"""``judge()``: compile once, run every test in its own fresh box, check the answers.

stdio mode feeds ``TestCase.input`` on stdin and checks stdout. Function mode
(python, javascript) runs our harness, which calls the entry point with the
JSON arguments and sends the JSON return value back on a dedicated pipe tagged
with a per-test random nonce, so nothing the program prints can pass for its
answer, and expected values never enter the box. Tests run with the work dir
mounted read-only, so nothing persists from one test to the next.
"""

from __future__ import annotations

import json
import os
import secrets

from . import checkers, warm_pool
from .api import (AC, CE, CHECKERS, MODES, OK, RE, SE, WA, CustomChecker, JudgeRequest, JudgeResult, RunRequest,
                  TestOutcome)
from .box_spec import BoxRun
from .bwrap_command import host_problem
from .languages import LANGUAGES, Language, UnusableSourceName, expand
from .runner import Workspace, binds_for, compile_in, limits_for, result_from_outcome, run


def _invalid(request: JudgeRequest) -> str | None:
    language = LANGUAGES.get(request.language)
    if language is None:
        return f"unknown language {request.language!r}"
    if request.checker not in CHECKERS:
        return f"unknown checker {request.checker!r} (one of {', '.join(CHECKERS)})"
    if request.mode not in MODES:
        return f"unknown mode {request.mode!r} (one of {', '.join(MODES)})"
    if request.mode == "function":
        if language.function_harness is None:
            return f"function mode is not available for {request.language}"
        head, _, method = (request.entry_point or "").partition(".")
        if not head.isidentifier() or (method and not method.isidentifier()):
            return "function mode needs entry_point like 'solve' or 'Solution.solve'"
    if request.checker == "custom" and not request.custom_checker:
        return "checker 'custom' needs custom_checker"
    return None


def _parse_record(record: bytes, nonce: str) -> str | None:
    """The JSON text of the harness's single record, or None if absent or forged."""
    prefix = nonce.encode() + b" "
    if not record.startswith(prefix) or not record.endswith(b"\n") or record.count(b"\n") != 1:
        return None
    payload = record[len(prefix):-1].decode("utf-8", errors="replace")
    try:
        json.loads(payload)
    except ValueError:
        return None
    return payload


def _custom_check(spec: CustomChecker | str, test_input: str, expected: str, actual: str) -> tuple[str, str]:
    """(AC|WA|SE, message) from the sandboxed custom checker."""
    if isinstance(spec, str):
        spec = CustomChecker(source=spec)
    result = run(RunRequest(
        language=spec.language, source=spec.source, time_limit_s=spec.time_limit_s,
        memory_limit_mb=spec.memory_limit_mb,
        files={"input.txt": test_input, "expected.txt": expected, "actual.txt": actual},
        args=("input.txt", "expected.txt", "actual.txt"),
    ))
    if result.verdict == OK:
        return AC, ""
    if result.verdict == "RE" and result.exit_code == 1:
        return WA, result.stdout.strip()[:500]
    return SE, f"custom checker failed ({result.verdict}): {(result.message or result.stderr)[-500:]}"


def _check(request: JudgeRequest, test_input: str, expected: str, actual: str) -> tuple[str, str]:
    if request.checker == "custom":
        return _custom_check(request.custom_checker, test_input, expected, actual)
    if request.mode == "function":
        ok = checkers.json_values_match(request.checker, expected, actual, request.float_tolerance)
    else:
        ok = checkers.TEXT_CHECKERS[request.checker](expected, actual, request.float_tolerance)
    return (AC, "") if ok else (WA, "")


def _run_test(request: JudgeRequest, language: Language, workspace: Workspace, file_name: str,
              index: int, test) -> TestOutcome:
    stem = os.path.splitext(file_name)[0]
    limits = limits_for(language, request.time_limit_s, request.memory_limit_mb, request.output_limit_bytes)
    function_mode = request.mode == "function"
    nonce = secrets.token_hex(16)
    if function_mode:
        argv = expand(language.function_harness, file=file_name, stem=stem, memory_mb=request.memory_limit_mb)
        stdin = f"{nonce}\n{request.entry_point}\n{test.input}"
    else:
        argv = expand(language.run, file=file_name, stem=stem, memory_mb=request.memory_limit_mb)
        stdin = test.input
    outcome = warm_pool.execute(BoxRun(
        argv=argv, workdir=workspace.box, limits=limits, writable=False, stdin=stdin.encode("utf-8"),
        binds=binds_for(language, harness=function_mode), env=language.env, result_channel=function_mode,
    ), keep_warm=True)  # the next test's box is set up while this one runs
    result = result_from_outcome(outcome, language)
    test_outcome = TestOutcome(index=index, hidden=test.hidden, verdict=result.verdict, time_ms=result.time_ms,
                               memory_kb=result.memory_kb, input=test.input, expected=test.expected or "",
                               actual=result.stdout, stderr=result.stderr[-4096:], message=result.message)
    if result.verdict != OK:
        return test_outcome
    if function_mode:
        payload = _parse_record(outcome.result, nonce)
        if payload is None:
            test_outcome.verdict = RE
            test_outcome.message = ("no valid return value reached the harness "
                                    "(exited early or tampered with the result channel)")
            return test_outcome
        test_outcome.actual = payload
    if test.expected is None:
        return test_outcome  # nothing to compare with: it ran (OK), and its output is what the person reads
    test_outcome.verdict, test_outcome.message = _check(request, test.input, test.expected, test_outcome.actual)
    return test_outcome


def judge(request: JudgeRequest) -> JudgeResult:
    """Judge ``request.source`` against ``request.tests``; see the module docstring."""
    total = sum(test.expected is not None for test in request.tests)
    invalid = _invalid(request)
    if invalid:
        return JudgeResult(verdict=SE, total=total, message=invalid)
    problem = host_problem()
    if problem:
        return JudgeResult(verdict=SE, total=total, message=problem)
    language = LANGUAGES[request.language]
    try:
        file_name = language.source_name(request.source)
    except UnusableSourceName as exc:
        return JudgeResult(verdict=CE, total=total, compile_output=str(exc), message=f"compilation failed: {exc}")
    with Workspace() as workspace:
        try:
            workspace.write(file_name, request.source)
        except (ValueError, OSError) as exc:
            return JudgeResult(verdict=SE, total=total, message=f"cannot prepare the work dir: {exc}")
        compiled = compile_in(workspace, language, file_name)
        compile_output = compiled.compile_output if compiled else ""
        if compiled is not None and compiled.verdict != OK:
            return JudgeResult(verdict=compiled.verdict, total=total, compile_output=compile_output,
                               message=compiled.message)
        outcomes: list[TestOutcome] = []
        try:
            for index, test in enumerate(request.tests):
                outcome = _run_test(request, language, workspace, file_name, index, test)
                outcomes.append(outcome)
                if outcome.verdict == SE:
                    # Sandbox or checker trouble: never blamed on the program.
                    return JudgeResult(verdict=SE, total=total, tests=outcomes, compile_output=compile_output,
                                       passed=sum(o.verdict == AC for o in outcomes), message=outcome.message)
                if outcome.verdict not in (AC, OK) and request.stop_on_first_failure:
                    break
        finally:
            warm_pool.POOL.discard_warm_boxes(workdir=workspace.box)  # a box prepared for a test that will not come
    passed = sum(o.verdict == AC for o in outcomes)
    ran = sum(o.verdict == OK for o in outcomes)
    failing = next((o for o in outcomes if o.verdict not in (AC, OK)), None)
    ran_note = f"; {ran} ran without an expected output" if ran else ""
    if failing is None and passed == total:
        return JudgeResult(verdict=AC if total else OK, passed=passed, total=total, ran=ran, tests=outcomes,
                           compile_output=compile_output, message=f"passed {passed}/{total}{ran_note}")
    where = "a hidden test" if failing.hidden else f"test {failing.index + 1}"
    return JudgeResult(verdict=failing.verdict, passed=passed, total=total, ran=ran, tests=outcomes,
                       compile_output=compile_output,
                       message=f"{failing.verdict} on {where}; passed {passed}/{total}{ran_note}")
