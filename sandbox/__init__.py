"""Django-free sandbox: runs untrusted programs under bubblewrap, seccomp, cgroups and rlimits.

Dataclass in, dataclass out: ``run(RunRequest) -> RunResult``,
``judge(JudgeRequest) -> JudgeResult``, ``check_host() -> HostReport``.
"""

from .api import CustomChecker, JudgeRequest, JudgeResult, RunRequest, RunResult, TestCase, TestOutcome
from .host import HostReport, check_host
from .judge import judge
from .languages import LANGUAGES, Language
from .runner import run

__all__ = [
    "run", "judge", "check_host", "RunRequest", "RunResult", "JudgeRequest", "JudgeResult", "TestCase",
    "TestOutcome", "CustomChecker", "HostReport", "LANGUAGES", "Language",
]
