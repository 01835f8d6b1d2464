"""The sandbox's public data types: requests in, results out (no Django)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# Verdicts of a single run.
OK = "OK"
RE = "RE"
TLE = "TLE"
MLE = "MLE"
OLE = "OLE"
CE = "CE"
SE = "SE"
# Verdicts of a judged test / submission.
AC = "AC"
WA = "WA"

CHECKERS = ("exact", "whitespace", "float", "unordered", "custom")
MODES = ("stdio", "function")


@dataclass
class RunRequest:
    language: str
    source: str
    stdin: str = ""
    time_limit_s: float = 2.0
    memory_limit_mb: int = 256
    output_limit_bytes: int = 64 * 1024
    # Extra files written next to the source (name -> text) and program arguments.
    files: dict[str, str] = field(default_factory=dict)
    args: tuple[str, ...] = ()
    # Wall-clock limit; None means max(2 x time limit, time limit + 1 s).
    wall_limit_s: float | None = None


@dataclass
class RunResult:
    verdict: str
    exit_code: int | None = None
    signal: int | None = None
    stdout: str = ""
    stderr: str = ""
    time_ms: int = 0
    wall_ms: int = 0
    memory_kb: int = 0
    compile_output: str = ""
    message: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class TestCase:
    """One test. `expected` None: the program is only run on `input` (the person's own case without an
    expected output), and a clean run's verdict is OK ("ran"), neither a pass nor a failure."""

    input: str
    expected: str | None
    hidden: bool = False

    __test__ = False  # not a pytest test class


@dataclass
class CustomChecker:
    """A checker program run sandboxed as ``PROGRAM input_file expected_file actual_file``.

    Exit status 0 accepts, 1 rejects; anything else is a broken checker (SE).
    """

    source: str
    language: str = "python"
    time_limit_s: float = 5.0
    memory_limit_mb: int = 256


@dataclass
class JudgeRequest:
    language: str
    source: str
    tests: list[TestCase]
    checker: str = "exact"
    float_tolerance: float = 1e-6
    mode: str = "stdio"
    entry_point: str | None = None
    custom_checker: CustomChecker | str | None = None  # a str is Python checker source
    time_limit_s: float = 2.0
    memory_limit_mb: int = 256
    output_limit_bytes: int = 64 * 1024
    stop_on_first_failure: bool = False


@dataclass
class TestOutcome:
    index: int
    hidden: bool
    verdict: str
    time_ms: int = 0
    memory_kb: int = 0
    input: str = ""
    expected: str = ""
    actual: str = ""
    stderr: str = ""
    message: str = ""

    __test__ = False

    # No per-test time or memory: a program that sleeps or allocates by its input would read
    # the input back from them. Hidden tests' usage is shown only in aggregate (hidden_usage).
    PUBLIC_HIDDEN_FIELDS = ("index", "hidden", "verdict")

    def to_dict(self) -> dict:
        data = asdict(self)
        if self.hidden:
            return {k: data[k] for k in self.PUBLIC_HIDDEN_FIELDS}
        return data


# Hidden tests' usage is published as a total CPU time and a peak memory, rounded up to
# these steps, so what a program does with a hidden input barely shows.
HIDDEN_TIME_STEP_MS = 100
HIDDEN_MEMORY_STEP_KB = 8 * 1024


def _round_up(value: int, step: int) -> int:
    return -(-value // step) * step


def hidden_usage(outcomes: list[TestOutcome]) -> dict | None:
    """The only resource figures shown for hidden tests: how many ran, their total CPU time and peak
    memory, each rounded up (HIDDEN_TIME_STEP_MS, HIDDEN_MEMORY_STEP_KB). None when none ran."""
    hidden = [o for o in outcomes if o.hidden]
    if not hidden:
        return None
    return {
        "tests": len(hidden),
        "time_ms": _round_up(sum(o.time_ms or 0 for o in hidden), HIDDEN_TIME_STEP_MS),
        "memory_kb": _round_up(max(o.memory_kb or 0 for o in hidden), HIDDEN_MEMORY_STEP_KB),
    }


def visible_peak(outcomes: list[TestOutcome]) -> tuple[int | None, int | None]:
    """Peak CPU ms and memory KB over the visible tests only (None, None when there are none)."""
    visible = [o for o in outcomes if not o.hidden]
    if not visible:
        return None, None
    return max(o.time_ms or 0 for o in visible), max(o.memory_kb or 0 for o in visible)


@dataclass
class JudgeResult:
    """`total` counts the tests with an expected output and `passed` those accepted; `ran` counts the tests
    without one that ran cleanly. The verdict is AC when every checked test passed and no test failed (OK
    when there was nothing to check), else the first failing test's."""

    verdict: str
    passed: int = 0
    total: int = 0
    ran: int = 0
    tests: list[TestOutcome] = field(default_factory=list)
    compile_output: str = ""
    message: str = ""

    @property
    def first_failure(self) -> TestOutcome | None:
        """The first failing visible test, or None (hidden failures stay hidden)."""
        for outcome in self.tests:
            if outcome.verdict not in (AC, OK) and not outcome.hidden:
                return outcome
        return None

    def to_dict(self) -> dict:
        """JSON-ready form for storage and display: hidden tests keep only their verdict, and their
        usage appears only in the rounded aggregate `hidden_usage`; `time_ms` and `memory_kb` are
        the peaks over visible tests."""
        first = self.first_failure
        time_ms, memory_kb = visible_peak(self.tests)
        return {
            "verdict": self.verdict,
            "passed": self.passed,
            "total": self.total,
            "ran": self.ran,
            "tests": [t.to_dict() for t in self.tests],
            "compile_output": self.compile_output,
            "message": self.message,
            "first_failure": first.to_dict() if first else None,
            "time_ms": time_ms,
            "memory_kb": memory_kb,
            "hidden_usage": hidden_usage(self.tests),
        }
