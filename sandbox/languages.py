"""Registry of supported languages: how to name, compile, run and version them.

Adding a language is one ``Language`` entry in ``LANGUAGES``. Command
templates may use ``{file}`` (source file name), ``{stem}`` (file name without
extension), ``{memory_mb}`` (the run's memory limit) and the toolchain paths
from ``toolchain_paths()`` (``{python}``, ``{node}``, ``{gxx}``, ``{java}``,
``{javac}``), which are resolved on the host at run time, never hard-coded.
"""

from __future__ import annotations

import functools
import glob
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field
from typing import Callable

from .config import settings

PYLIB_DIR = "/opt/pylib"  # where extra Python packages (numpy) appear inside the box
HARNESS_DIR = "/opt/harness"  # sandbox/harness/, bound read-only for function mode
HOST_HARNESS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "harness")

# -I -S: isolated mode, no site (skips .pth hooks that cost ~20 ms at start-up);
# the explicit path entry makes the bound packages (numpy) importable.
PYTHON_BOOT = (
    "import sys;sys.path.append(%r);sys.argv[:]=sys.argv[1:];"
    "__file__=sys.argv[0];del sys;"
    "exec(compile(open(__file__,'rb').read(),__file__,'exec'))" % PYLIB_DIR
)


@dataclass(frozen=True)
class Language:
    name: str
    file_name: str
    run: tuple[str, ...]
    compile: tuple[str, ...] | None = None
    version: tuple[str, ...] = ()
    # Derive the file name from the source (Java: the public class names the file).
    file_name_for: Callable[[str], str] | None = None
    # Runtime memory on top of the program's limit (JVM/V8 reserve their own).
    memory_overhead_mb: int = 0
    pids: int = 64
    # stderr text that means the runtime refused an allocation (-> MLE, not RE).
    memory_error_markers: tuple[str, ...] = ()
    # Extra read-only binds (host path, box path), computed on the host.
    binds: Callable[[], list[tuple[str, str]]] | None = None
    env: dict[str, str] = field(default_factory=dict)
    # Function-mode harness command (None: the language has only stdio judging).
    function_harness: tuple[str, ...] | None = None

    def source_name(self, source: str) -> str:
        return self.file_name_for(source) if self.file_name_for else self.file_name


class UnusableSourceName(ValueError):
    """The source declares a name that cannot be its file name in the box; the message says why (verdict CE)."""


# A top-level public type; its name runs up to whitespace, '{', '<' (generics) or the
# end of the line, so any odd character in it reaches the check below instead of
# silently truncating the name.
_JAVA_PUBLIC_TYPE = re.compile(
    r"^[ \t]*public\s+(?:(?:final|abstract|strictfp|sealed|non-sealed|static)\s+)*"
    r"(?:class|interface|enum|record)\s+([^\s{<(]+)",
    re.M,
)
_JAVA_UNICODE_ESCAPE = re.compile(r"\\u+([0-9A-Fa-f]{4})")
JAVA_MAX_CLASS_NAME_CHARS = 95  # the work dir's 100-character limit, minus ".java"
JAVA_MAX_CLASS_NAME_BYTES = 249  # the file system's 255-byte limit, minus ".class"


def _java_file_name(source: str) -> str:
    """``<PublicType>.java`` (javac insists on it), ``Main.java`` when nothing is public.

    Raises UnusableSourceName when the declared name is not a Java identifier or
    cannot be a file name here, so the candidate gets a CE that says what to change.
    """
    match = _JAVA_PUBLIC_TYPE.search(source)
    if not match:
        return "Main.java"
    # javac reads \uXXXX escapes before anything else, so `class \u00dcber` is `class Über`.
    name = _JAVA_UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), match.group(1))
    if not _is_java_identifier(name):
        raise UnusableSourceName(f"{name!r} is not a valid Java class name")
    # The work dir takes letters, digits, '_' and '$' (workspace._SAFE_NAME); Java also allows
    # other currency symbols, connectors and combining marks, which get this message instead.
    if not all(c.isalnum() or c in "_$" for c in name):
        raise UnusableSourceName(
            f"the public class name {name!r} uses characters this judge cannot put in a file name "
            "(it accepts letters, digits, '_' and '$'); rename the class, for example to Main"
        )
    if len(name) > JAVA_MAX_CLASS_NAME_CHARS or len(name.encode("utf-8")) > JAVA_MAX_CLASS_NAME_BYTES:
        raise UnusableSourceName(
            f"the public class name is too long to be a file name (at most {JAVA_MAX_CLASS_NAME_CHARS} characters "
            f"and {JAVA_MAX_CLASS_NAME_BYTES} bytes in UTF-8); rename the class, for example to Main"
        )
    return f"{name}.java"


def _is_java_identifier(name: str) -> bool:
    """Character.isJavaIdentifierStart/Part, by Unicode category (keywords are javac's business)."""
    def start(c: str) -> bool:
        return unicodedata.category(c) in ("Lu", "Ll", "Lt", "Lm", "Lo", "Nl", "Sc", "Pc")

    def part(c: str) -> bool:
        return start(c) or unicodedata.category(c) in ("Nd", "Mn", "Mc")

    return bool(name) and start(name[0]) and all(part(c) for c in name[1:])


def _python_executable() -> str:
    # Inside a venv, _base_executable is the real interpreter (3.11+).
    exe = getattr(sys, "_base_executable", None) or sys.executable
    return os.path.realpath(exe)


@functools.cache
def python_package_binds() -> tuple[tuple[str, str], ...]:
    """Host dirs of the extra packages (and their bundled .libs) -> /opt/pylib/<name>."""
    binds = []
    for name in settings.python_packages:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            continue
        pkg_dir = os.path.realpath(list(spec.submodule_search_locations)[0])
        binds.append((pkg_dir, f"{PYLIB_DIR}/{name}"))
        libs = pkg_dir + ".libs"  # manylinux wheels keep vendored .so files here
        if os.path.isdir(libs):
            binds.append((libs, f"{PYLIB_DIR}/{name}.libs"))
    return tuple(binds)


def _python_binds() -> list[tuple[str, str]]:
    prefix = os.path.realpath(sys.base_prefix)
    binds = [] if prefix == "/usr" or prefix.startswith("/usr/") else [(prefix, prefix)]
    exe = _python_executable()
    if not exe.startswith(prefix + os.sep) and not exe.startswith("/usr/"):
        binds.append((os.path.dirname(exe), os.path.dirname(exe)))
    return binds + list(python_package_binds())


def _java_binds() -> list[tuple[str, str]]:
    return [(d, d) for d in sorted(glob.glob("/etc/java-*")) if os.path.isdir(d)]


@functools.cache
def toolchain_paths() -> dict[str, str]:
    """Absolute, symlink-resolved paths of the toolchains (resolved once)."""
    def which(name: str) -> str:
        found = shutil.which(name, path="/usr/local/bin:/usr/bin:/bin")
        return os.path.realpath(found) if found else f"/usr/bin/{name}"

    return {
        "python": _python_executable(),
        "node": which("node"),
        "gxx": which("g++"),
        "java": which("java"),
        "javac": which("javac"),
    }


LANGUAGES: dict[str, Language] = {
    "python": Language(
        name="python",
        file_name="main.py",
        run=("{python}", "-I", "-S", "-c", PYTHON_BOOT, "{file}"),
        version=("{python}", "-I", "-S", "-c", "import sys;print('Python %d.%d.%d' % sys.version_info[:3])"),
        memory_error_markers=("MemoryError",),
        binds=_python_binds,
        env={"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PYTHONIOENCODING": "utf-8"},
        function_harness=("{python}", "-I", "-S", HARNESS_DIR + "/python_harness.py", "{file}"),
    ),
    "javascript": Language(
        name="javascript",
        file_name="main.js",
        run=("{node}", "--max-old-space-size={memory_mb}", "--stack-size=16000", "{file}"),
        version=("{node}", "--version"),
        memory_overhead_mb=64,
        memory_error_markers=("JavaScript heap out of memory",),
        function_harness=("{node}", "--max-old-space-size={memory_mb}", "--stack-size=16000",
                          HARNESS_DIR + "/javascript_harness.js", "{file}"),
    ),
    "cpp": Language(
        name="cpp",
        file_name="main.cpp",
        compile=("{gxx}", "-std=c++17", "-O2", "-pipe", "-o", "main", "{file}"),
        run=("./main",),
        version=("{gxx}", "--version"),
        memory_error_markers=("std::bad_alloc",),
    ),
    "java": Language(
        name="java",
        file_name="Main.java",
        file_name_for=_java_file_name,
        compile=("{javac}", "-J-Xmx512m", "-J-XX:+UseSerialGC", "-J-XX:TieredStopAtLevel=1",
                 "-J-XX:-UsePerfData", "-encoding", "UTF-8", "{file}"),
        run=("{java}", "-Xmx{memory_mb}m", "-Xss64m", "-XX:+UseSerialGC", "-XX:-UsePerfData",
             "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", ".", "{stem}"),
        version=("{java}", "-version"),
        memory_overhead_mb=256,
        pids=128,
        memory_error_markers=("java.lang.OutOfMemoryError",),
        binds=_java_binds,
    ),
}


def expand(template: tuple[str, ...], **values: str | int) -> list[str]:
    values = {**toolchain_paths(), **values}
    return [part.format(**values) if "{" in part and part != PYTHON_BOOT else part for part in template]


@functools.cache
def toolchain_version(name: str) -> str | None:
    """First line of the language's version output on the host, or None when missing."""
    language = LANGUAGES[name]
    argv = expand(language.version)
    if not os.path.exists(argv[0]):
        return None
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=20, env={"PATH": "/usr/bin:/bin"})
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (proc.stdout or proc.stderr).strip()
    return text.splitlines()[0] if proc.returncode == 0 and text else None
