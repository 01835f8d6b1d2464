"""Host-side configuration of the sandbox.

Plain module-level settings object rather than Django settings: the sandbox
must work without Django. Tests and deployments may replace attributes
(``sandbox.config.settings.bwrap_path = ...``); each run reads them afresh.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field


def _default_work_root() -> str:
    return os.path.join(tempfile.gettempdir(), f"interviewprep-sandbox-{os.geteuid()}")


@dataclass
class SandboxSettings:
    bwrap_path: str = "/usr/bin/bwrap"
    setpriv_path: str = "/usr/bin/setpriv"
    # When the worker runs as root the program runs as this real, unprivileged uid/gid.
    sandbox_uid: int = 65534
    sandbox_gid: int = 65534
    # Per-run directories are created (0700) under this root.
    work_root: str = field(default_factory=_default_work_root)
    # Fall back to RLIMIT_AS when no cgroup can be made (reported by check_host).
    allow_rlimit_fallback: bool = True
    # Idle warm boxes kept per worker process (see box.Box): a run's next box of
    # the same shape is set up while it runs. 0 sets every box up on demand.
    warm_boxes: int = 2
    # Python packages made importable for the "python" language (read-only binds).
    python_packages: tuple[str, ...] = ("numpy",)


settings = SandboxSettings()
