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
    input: str
    expected: str
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

    PUBLIC_HIDDEN_FIELDS = ("index", "hidden", "verdict", "time_ms", "memory_kb")

    def to_dict(self) -> dict:
        data = asdict(self)
        if self.hidden:
            return {k: data[k] for k in self.PUBLIC_HIDDEN_FIELDS}
        return data


@dataclass
class JudgeResult:
    verdict: str
    passed: int = 0
    total: int = 0
    tests: list[TestOutcome] = field(default_factory=list)
    compile_output: str = ""
    message: str = ""

    @property
    def first_failure(self) -> TestOutcome | None:
        """The first failing visible test, or None (hidden failures stay hidden)."""
        for outcome in self.tests:
            if outcome.verdict != AC and not outcome.hidden:
                return outcome
        return None

    def to_dict(self) -> dict:
        """JSON-ready form for storage; hidden tests keep only their verdict and usage."""
        first = self.first_failure
        return {
            "verdict": self.verdict,
            "passed": self.passed,
            "total": self.total,
            "tests": [t.to_dict() for t in self.tests],
            "compile_output": self.compile_output,
            "message": self.message,
            "first_failure": first.to_dict() if first else None,
        }
