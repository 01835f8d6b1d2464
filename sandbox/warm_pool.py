"""Boxes set up ahead of their runs, and the clean-up of finished ones, per process.

Setting a box up (fork, cgroup attach, bwrap's namespaces and mounts) costs
more than most runs, so while one box's program runs the pool prepares the
next box of the same shape, and removes the empty cgroups and work dirs of
boxes that have finished. ``POOL`` is this process's pool; ``execute`` is the
one-call way to run a program in a box.

A forked worker child inherits the parent's pool: its boxes belong to the
parent, so the child forgets them (``os.register_at_fork``).
"""

from __future__ import annotations

import atexit
import os

from . import cgroups, workspace
from .box import Box
from .box_spec import BoxOutcome, BoxRun, BoxShape
from .bwrap_command import host_problem
from .config import settings


def _cgroup_support() -> cgroups.CgroupSupport | None:
    support = cgroups.detect()
    return support if support.version is not None else None


class WarmPool:
    def __init__(self) -> None:
        # Idle warm boxes, oldest first (at most settings.warm_boxes).
        self._warm: dict[BoxShape, Box] = {}
        # Finished boxes (no process left) whose cgroup and work dir are still to be removed.
        self._retired: list[Box] = []
        self._stale_checked = False

    def take(self, shape: BoxShape, keep_warm: bool = True) -> Box:
        """A box of ``shape``: the warm one if this process has it, else a new one.

        With ``keep_warm`` (and ``settings.warm_boxes``) the box's ``start`` prepares
        the next box of the same shape while the program runs. May raise OSError.
        """
        box = self._warm.pop(shape, None)
        if box is not None and box.owner != os.getpid():
            box.forget()  # inherited across fork() from another worker: not ours to use
            box = None
        if box is None:
            if not self._stale_checked:
                self._stale_checked = True
                workspace.remove_stale()
            box = Box(shape, _cgroup_support(), pool=self)
        box.keep_warm = keep_warm and settings.warm_boxes > 0
        return box

    def while_a_box_runs(self, next_shape: BoxShape | None) -> None:
        self.finish_cleanup()
        if next_shape is not None:
            self._prepare(next_shape)

    def retire(self, box: Box) -> None:
        self._retired.append(box)

    def _prepare(self, shape: BoxShape) -> None:
        if shape in self._warm:
            return
        while self._warm and len(self._warm) >= settings.warm_boxes:
            self._warm.pop(next(iter(self._warm))).discard()
        try:
            self._warm[shape] = Box(shape, _cgroup_support(), pool=self)
        except OSError:
            pass  # only an optimisation: the next run sets up its own box

    def idle_boxes(self) -> list[Box]:
        """This process's idle warm boxes (tests, shutdown)."""
        return [box for box in self._warm.values() if box.owner == os.getpid()]

    def retired_boxes(self) -> list[Box]:
        """Finished boxes of this process waiting for ``finish_cleanup`` (tests)."""
        return [box for box in self._retired if box.owner == os.getpid()]

    def finish_cleanup(self) -> None:
        """Remove the cgroups and work dirs of this process's finished boxes."""
        while self._retired:
            box = self._retired.pop()
            if box.owner == os.getpid():
                box.remove_leftovers()

    def discard_warm_boxes(self, workdir: str | None = None) -> None:
        """Stop idle warm boxes: all of them, or those bound to ``workdir``."""
        for shape in list(self._warm):
            if workdir is None or shape.workdir == workdir:
                self._warm.pop(shape).discard()

    def shutdown(self) -> None:
        """Stop every idle box and finish all cleanup (atexit; worker shutdown hooks)."""
        self.discard_warm_boxes()
        self.finish_cleanup()

    def forget_after_fork(self) -> None:  # pragma: no cover - runs in a forked child
        """After fork(): the parent's boxes are not ours; drop our copies of their fds."""
        for box in self._warm.values():
            box.forget()
        self._warm.clear()
        self._retired.clear()


POOL = WarmPool()
atexit.register(POOL.shutdown)
os.register_at_fork(after_in_child=POOL.forget_after_fork)


def execute(run: BoxRun, keep_warm: bool = False) -> BoxOutcome:
    """Run ``run.argv`` inside a fresh box and collect its outcome.

    ``keep_warm``: the caller expects another run of the same shape (a judge's
    next test), so a box for it is prepared while this one runs.
    """
    problem = host_problem()
    if problem:
        return BoxOutcome(ok=False, message=problem)
    try:
        box = POOL.take(BoxShape.of(run), keep_warm=keep_warm)
    except OSError as exc:
        return BoxOutcome(ok=False, message=f"cannot prepare the run's process/cgroup: {exc}")
    return box.start(run.argv, run.limits, run.stdin)
