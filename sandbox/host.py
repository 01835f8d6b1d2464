"""``check_host()``: what this machine supports, and what to install when it falls short."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import asdict, dataclass, field

from . import cgroups, seccomp, warm_pool
from .box_spec import BoxLimits, BoxRun
from .bwrap_command import host_problem
from .config import settings
from .languages import LANGUAGES, expand, toolchain_version

# Under RLIMIT_AS the address space is limited, not the memory used; see check_host's message.
RLIMIT_AS_CAVEAT = (
    "memory is limited by RLIMIT_AS only ({problem}): that caps reserved address space, not memory used. "
    "Java and JavaScript reserve far more than they use (every thread's stack is sized from the stack "
    "limit, plus heap, class-space and code reservations), so they fail at start-up or below the configured "
    "limit; Python and C++ programs get MLE a little earlier than with cgroups. Delegate cgroups to the worker "
    "(docs: README, Production). "
)
# A trivial program per language: check_host runs each in a real box.
HELLO = {
    "python": "print('hello')\n",
    "javascript": "console.log('hello');\n",
    "cpp": '#include <cstdio>\nint main() { std::puts("hello"); }\n',
    "java": 'public class Main { public static void main(String[] a) { System.out.println("hello"); } }\n',
}
INSTALL_HINTS = {
    "python": "install the Python toolchain the worker runs on",
    "javascript": "apt-get install nodejs",
    "cpp": "apt-get install g++",
    "java": "apt-get install openjdk-17-jdk-headless",
}


@dataclass
class LanguageSupport:
    available: bool
    version: str | None
    detail: str = ""


@dataclass
class HostReport:
    ok: bool
    message: str
    bwrap_path: str
    bwrap_version: str | None
    isolation_mode: str  # "root+setpriv" or "user-namespace"
    user_namespaces: bool
    seccomp: bool
    cgroup_version: int | None
    cgroup_memory: bool
    cgroup_pids: bool
    memory_limit_by: str  # "cgroup" or "rlimit-as"
    safe_rmtree: bool
    probe: str
    languages: dict[str, LanguageSupport] = field(default_factory=dict)
    numpy_version: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@functools.cache
def _bwrap_version(path: str) -> str | None:
    try:
        proc = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10)
    except OSError:
        return None
    return proc.stdout.strip() or None


def _user_namespaces() -> bool:
    try:
        with open("/proc/sys/user/max_user_namespaces") as fh:
            return int(fh.read()) > 0
    except (OSError, ValueError):
        return os.path.exists("/proc/self/ns/user")


def _seccomp_available() -> bool:
    try:
        seccomp.cached_filter()
    except seccomp.UnsupportedArchitecture:
        return False
    return os.path.exists("/proc/sys/kernel/seccomp/actions_avail")


def _probe() -> str:
    """Run a tiny program in a real box and confirm the isolation took effect."""
    from .runner import Workspace

    with Workspace() as workspace:
        outcome = warm_pool.execute(BoxRun(
            argv=["/bin/cat", "/proc/self/status"], workdir=workspace.box,
            limits=BoxLimits(cpu_s=5, wall_s=10, memory_mb=64),
        ))
    if not outcome.ok:
        return outcome.message
    status = outcome.stdout.decode(errors="replace")
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    if fields.get("Seccomp", "").strip() != "2":
        return "seccomp filter not active in the box"
    if fields.get("NoNewPrivs", "").strip() != "1":
        return "no_new_privs not set in the box"
    if fields.get("CapEff", "").strip() not in ("0000000000000000",):
        return "the box kept capabilities"
    if os.geteuid() == 0 and fields.get("Uid", "").split()[:1] != [str(settings.sandbox_uid)]:
        return "the program did not run as the sandbox uid"
    return "ok"


def probe() -> str:
    """"ok" when this process can run a trivial program in an isolated box, else why not.

    Cheap (well under a second): what a worker checks before it takes runs and in its health check.
    """
    problem = host_problem()
    if problem:
        return problem
    try:
        return _probe()
    except OSError as exc:
        return f"cannot set up a box: {exc}"


def _hello_in_box(language: str) -> str:
    """"" when a trivial program of ``language`` prints hello in the box, else what went wrong."""
    from .api import RunRequest
    from .runner import run

    result = run(RunRequest(language=language, source=HELLO[language], time_limit_s=10, memory_limit_mb=256))
    if result.verdict == "OK" and result.stdout == "hello\n":
        return ""
    detail = (result.message + " " + (result.compile_output or result.stderr)[-300:]).strip()
    return f"a trivial {language} program ended {result.verdict}: {detail}"


def _numpy_in_box() -> tuple[str | None, str]:
    from .api import RunRequest
    from .runner import run

    result = run(RunRequest(language="python", source="import numpy\nprint(numpy.__version__)\n",
                            time_limit_s=10, memory_limit_mb=256))
    if result.verdict == "OK":
        return result.stdout.strip(), ""
    return None, (result.message + " " + result.stderr[-300:]).strip()


def check_host() -> HostReport:
    """Report bwrap, namespaces, seccomp, cgroups and each toolchain; ``ok`` only if all work."""
    problems: list[str] = []
    bwrap_ok = os.access(settings.bwrap_path, os.X_OK)
    support = cgroups.detect()
    report = HostReport(
        ok=False, message="", bwrap_path=settings.bwrap_path,
        bwrap_version=_bwrap_version(settings.bwrap_path) if bwrap_ok else None,
        isolation_mode="root+setpriv" if os.geteuid() == 0 else "user-namespace",
        user_namespaces=_user_namespaces(), seccomp=_seccomp_available(),
        cgroup_version=support.version, cgroup_memory=support.memory_parent is not None,
        cgroup_pids=support.pids_parent is not None,
        memory_limit_by="cgroup" if support.version else "rlimit-as",
        safe_rmtree=bool(getattr(shutil.rmtree, "avoids_symlink_attacks", False)), probe="not run",
    )
    if not bwrap_ok:
        problems.append(f"bubblewrap is not installed ({settings.bwrap_path} missing): apt-get install bubblewrap")
    if os.geteuid() != 0 and not report.user_namespaces:
        problems.append("unprivileged user namespaces are disabled: "
                        "sysctl user.max_user_namespaces=15000 (or run the worker as root)")
    if not report.seccomp:
        problems.append("seccomp is unavailable on this kernel/architecture")
    if support.version is None:
        if settings.allow_rlimit_fallback:
            report.memory_limit_by = "rlimit-as"
        else:
            problems.append(f"cgroups unavailable: {support.problem}")
    if not report.safe_rmtree:
        problems.append("shutil.rmtree follows symlinks on this platform: use Python 3.11+ on Linux")
    if not problems:
        report.probe = _probe()
        if report.probe != "ok":
            problems.append(f"sandbox probe failed: {report.probe}")
    for name, language in LANGUAGES.items():
        version = toolchain_version(name)
        report.languages[name] = LanguageSupport(available=version is not None, version=version,
                                                 detail="" if version else f"missing: {INSTALL_HINTS.get(name, '')}")
        if version is None:
            binary = expand(language.version)[0]
            problems.append(f"{name} toolchain missing ({binary}): {INSTALL_HINTS.get(name, '')}")
        elif report.probe == "ok" and name in HELLO:
            failure = _hello_in_box(name)
            if failure:
                report.languages[name].available = False
                report.languages[name].detail = failure
                problems.append(failure)
    if not problems:
        report.numpy_version, detail = _numpy_in_box()
        if report.numpy_version is None:
            problems.append(f"numpy is not importable in the box: pip install numpy ({detail})")
            report.languages["python"].detail = "numpy missing"
        else:
            report.languages["python"].detail = f"numpy {report.numpy_version}"
    if support.version is None:
        report.message = RLIMIT_AS_CAVEAT.format(problem=support.problem)
    report.ok = not problems
    report.message += "; ".join(problems) if problems else "sandbox ready"
    return report
