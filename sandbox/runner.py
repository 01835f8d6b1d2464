"""``run()``: compile (when the language needs it) and run one program in the box."""

from __future__ import annotations

import os
import signal

from . import scratch, warm_pool
from .box_spec import BoxLimits, BoxOutcome, BoxRun, BoxShape
from .bwrap_command import host_problem
from .api import CE, MLE, OK, OLE, RE, SE, TLE, RunRequest, RunResult
from .languages import HARNESS_DIR, HOST_HARNESS_DIR, LANGUAGES, Language, UnusableSourceName, expand
from .workspace import Workspace

COMPILE_LIMITS = dict(cpu_s=15.0, wall_s=30.0, memory_mb=1024, pids=128, output_bytes=64 * 1024,
                      stderr_bytes=64 * 1024, file_mb=256, tmpfs_mb=256)


def default_wall_limit(time_limit_s: float) -> float:
    return max(2 * time_limit_s, time_limit_s + 1.0)


def limits_for(language: Language, time_limit_s: float, memory_limit_mb: int, output_limit_bytes: int,
               wall_limit_s: float | None = None) -> BoxLimits:
    return BoxLimits(
        cpu_s=time_limit_s,
        wall_s=wall_limit_s or default_wall_limit(time_limit_s),
        memory_mb=memory_limit_mb + language.memory_overhead_mb,
        pids=language.pids,
        output_bytes=output_limit_bytes,
        stderr_bytes=max(output_limit_bytes, 16 * 1024),
        stack_mb=memory_limit_mb,
        tmpfs_mb=scratch.size_mb(memory_limit_mb),
    )


def binds_for(language: Language, harness: bool = False) -> list[tuple[str, str]]:
    binds = list(language.binds()) if language.binds else []
    if harness:
        binds.append((HOST_HARNESS_DIR, HARNESS_DIR))
    return binds


def verdict_for(outcome: BoxOutcome, language: Language | None = None) -> str:
    """Map a box outcome to OK/RE/TLE/MLE/OLE/SE (limits first, then the exit status)."""
    if not outcome.ok:
        return SE
    if outcome.output_exceeded or outcome.file_size_exceeded or outcome.disk_full:
        return OLE
    if outcome.oom:
        return MLE
    if outcome.wall_timeout or outcome.cpu_exceeded:
        return TLE
    if outcome.exit_code == 0 and outcome.signal is None:
        return OK
    if language is not None:
        tail = outcome.stderr[-4096:]
        if any(marker.encode() in tail for marker in language.memory_error_markers):
            return MLE
    return RE


def decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def result_from_outcome(outcome: BoxOutcome, language: Language | None, compile_output: str = "") -> RunResult:
    verdict = verdict_for(outcome, language)
    message = outcome.message
    if not message and outcome.disk_full:
        message = scratch.message(outcome.disk_mb)
    if not message:
        message = {
            OLE: "output limit exceeded",
            MLE: "memory limit exceeded",
            TLE: "wall-clock limit exceeded" if outcome.wall_timeout else "CPU time limit exceeded",
        }.get(verdict, "")
        if verdict == RE and outcome.signal is not None:
            try:
                message = f"killed by signal {signal.Signals(outcome.signal).name}"
            except ValueError:
                message = f"killed by signal {outcome.signal}"
        elif verdict == RE:
            message = f"exit code {outcome.exit_code}"
    return RunResult(
        verdict=verdict,
        exit_code=outcome.exit_code,
        signal=outcome.signal,
        stdout=decode(outcome.stdout),
        stderr=decode(outcome.stderr),
        time_ms=outcome.cpu_ms,
        wall_ms=outcome.wall_ms,
        memory_kb=outcome.memory_kb,
        compile_output=compile_output,
        message=message,
    )


def compile_in(workspace: Workspace, language: Language, file_name: str) -> RunResult | None:
    """Compile inside the box. None when there is nothing to compile; otherwise a
    RunResult whose verdict is OK (compiled), CE or SE."""
    if language.compile is None:
        return None
    stem = os.path.splitext(file_name)[0]
    argv = expand(language.compile, file=file_name, stem=stem, memory_mb=COMPILE_LIMITS["memory_mb"])
    outcome = warm_pool.execute(BoxRun(
        argv=argv, workdir=workspace.box, limits=BoxLimits(**COMPILE_LIMITS),
        binds=binds_for(language), env=language.env,
    ))
    output = decode(outcome.stdout + outcome.stderr)
    if not outcome.ok:
        return RunResult(verdict=SE, message=outcome.message, wall_ms=outcome.wall_ms)
    verdict = verdict_for(outcome)
    result = RunResult(verdict=OK if verdict == OK else CE, exit_code=outcome.exit_code, signal=outcome.signal,
                       time_ms=outcome.cpu_ms, wall_ms=outcome.wall_ms, memory_kb=outcome.memory_kb,
                       compile_output=output)
    if verdict != OK:
        result.message = {TLE: "compilation exceeded its time limit", MLE: "compilation exceeded its memory limit",
                          OLE: "compiler output too large"}.get(verdict, "compilation failed")
    return result


def run(request: RunRequest) -> RunResult:
    """Run ``request.source`` with ``request.stdin`` under the request's limits."""
    language = LANGUAGES.get(request.language)
    if language is None:
        return RunResult(verdict=SE, message=f"unknown language {request.language!r} (known: {', '.join(LANGUAGES)})")
    problem = host_problem()
    if problem:
        return RunResult(verdict=SE, message=problem)
    limits = limits_for(language, request.time_limit_s, request.memory_limit_mb, request.output_limit_bytes,
                        request.wall_limit_s)
    shape = BoxShape(binds=tuple(binds_for(language)), env=tuple(sorted(language.env.items())),
                         tmpfs_mb=limits.tmpfs_mb, file_mb=limits.file_mb, nofile=limits.nofile, scratch=True)
    try:
        run_box = warm_pool.POOL.take(shape)  # usually warm: set up while the previous run ran
    except OSError as exc:
        return RunResult(verdict=SE, message=f"cannot prepare the run's process/cgroup/work dir: {exc}")
    with run_box:
        workspace = run_box.workspace
        try:
            file_name = language.source_name(request.source)
        except UnusableSourceName as exc:
            return RunResult(verdict=CE, compile_output=str(exc), message=f"compilation failed: {exc}")
        try:
            workspace.write(file_name, request.source)
            for name, text in request.files.items():
                workspace.write(name, text)
        except (ValueError, OSError) as exc:
            return RunResult(verdict=SE, message=f"cannot prepare the work dir: {exc}")
        compiled = compile_in(workspace, language, file_name)
        if compiled is not None and compiled.verdict != OK:
            return compiled
        stem = os.path.splitext(file_name)[0]
        argv = expand(language.run, file=file_name, stem=stem, memory_mb=request.memory_limit_mb) + list(request.args)
        outcome = run_box.start(argv, limits, request.stdin.encode("utf-8"))
        return result_from_outcome(outcome, language, compiled.compile_output if compiled else "")
