"""The worker container's seccomp profile (deploy/worker-seccomp.json) is what tools/worker_seccomp.py writes:
an allow-list without the calls Docker's default profile keeps from containers, plus bubblewrap's needs.

tests/deploy/stack_test.sh runs the sandbox's whole test suite in a container under this profile.
"""

import ctypes.util
import json
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(BASE_DIR / "tools"))
import worker_seccomp  # noqa: E402

PROFILE = json.loads((BASE_DIR / "deploy" / "worker-seccomp.json").read_text())
ALLOWED = set(PROFILE["syscalls"][0]["names"])


def test_it_denies_what_is_not_listed():
    assert PROFILE["defaultAction"] == "SCMP_ACT_ERRNO"
    assert PROFILE["syscalls"][0]["action"] == "SCMP_ACT_ALLOW"


def test_it_allows_what_bubblewrap_needs():
    assert {"mount", "umount2", "pivot_root", "unshare", "clone", "sethostname", "prctl", "seccomp"} <= ALLOWED


def test_it_keeps_denying_what_docker_denies_to_containers():
    dangerous = {"ptrace", "kexec_load", "init_module", "bpf", "keyctl", "setns", "open_by_handle_at",
                 "perf_event_open", "userfaultfd", "reboot", "swapon", "process_vm_writev", "io_uring_setup"}
    assert not dangerous & ALLOWED
    assert not worker_seccomp.BLOCKED & ALLOWED


def test_it_allows_personality_only_for_plain_linux_personas():
    rules = [rule for rule in PROFILE["syscalls"] if rule["names"] == ["personality"]]
    assert {rule["args"][0]["value"] for rule in rules} == set(worker_seccomp.PERSONALITY_ARGS)
    assert all(rule["action"] == "SCMP_ACT_ALLOW" and rule["args"][0]["op"] == "SCMP_CMP_EQ" for rule in rules)


@pytest.mark.skipif(not ctypes.util.find_library("seccomp"), reason="libseccomp2 is not installed")
def test_it_is_what_the_generator_writes_for_the_calls_this_libseccomp_knows():
    known = worker_seccomp.known_syscalls()
    expected = worker_seccomp.profile(known)
    assert set(expected["syscalls"][0]["names"]) & known == ALLOWED & known
    assert expected["syscalls"][1:] == PROFILE["syscalls"][1:]
    assert {k: v for k, v in expected.items() if k != "syscalls"} == {k: v for k, v in PROFILE.items() if k != "syscalls"}
