"""Host-side configuration of the sandbox.

Plain module-level settings object rather than Django settings: the sandbox
must work without Django. Tests and deployments may replace attributes
(``sandbox.config.settings.bwrap_path = ...``); each run reads them afresh.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field

_PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _default_work_root() -> str:
    """SANDBOX_WORK_ROOT, else a directory of this instance's own under the temp dir.

    Two instances on one machine must never share a root: one's clean-up would remove the
    other's live work dirs. An instance is its var dir (the same rule as the Django settings,
    read here from the environment because the sandbox does not import Django).
    """
    explicit = os.environ.get("SANDBOX_WORK_ROOT", "").strip()
    if explicit:
        return os.path.abspath(explicit)
    var_dir = os.environ.get("INTERVIEWPREP_VAR_DIR") or os.path.join(_PROJECT_DIR, "var")
    instance = hashlib.sha256(os.path.realpath(var_dir).encode()).hexdigest()[:12]
    return os.path.join(tempfile.gettempdir(), f"interviewprep-sandbox-{os.geteuid()}-{instance}")


@dataclass
class SandboxSettings:
    bwrap_path: str = "/usr/bin/bwrap"
    setpriv_path: str = "/usr/bin/setpriv"
    # When the worker runs as root the program runs as this real, unprivileged uid/gid.
    sandbox_uid: int = 65534
    sandbox_gid: int = 65534
    # This instance's root; each process makes its per-run directories (0700) in a
    # subdirectory of its own (workspace.process_root).
    work_root: str = field(default_factory=_default_work_root)
    # Fall back to RLIMIT_AS when no cgroup can be made (reported by check_host).
    allow_rlimit_fallback: bool = True
    # Idle warm boxes kept per worker process (see box.Box): a run's next box of
    # the same shape is set up while it runs. 0 sets every box up on demand.
    warm_boxes: int = 2
    # Python packages made importable for the "python" language (read-only binds).
    python_packages: tuple[str, ...] = ("numpy",)


settings = SandboxSettings()
