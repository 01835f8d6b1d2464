"""The hand-assembled seccomp filter: syscall numbers match the kernel headers, program is well formed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sandbox import seccomp

HEADERS = {
    "x86_64": Path("/usr/include/x86_64-linux-gnu/asm/unistd_64.h"),
    "aarch64": Path("/usr/include/asm-generic/unistd.h"),
}


@pytest.mark.parametrize("machine", sorted(seccomp.ARCHITECTURES))
def test_syscall_numbers_match_the_kernel_headers(machine):
    header = HEADERS[machine]
    if not header.exists():
        pytest.skip(f"{header} not installed (linux-libc-dev)")
    numbers = {name: int(nr) for name, nr in re.findall(r"#define __NR3?2?_?(\w+)\s+(\d+)\b", header.read_text())}
    table = seccomp.ARCHITECTURES[machine][1]
    for name, nr in table.items():
        assert numbers.get(name) == nr, f"{machine} {name}: table {nr}, header {numbers.get(name)}"


@pytest.mark.parametrize("machine", sorted(seccomp.ARCHITECTURES))
def test_every_denied_name_is_known_or_absent_by_design(machine):
    table = seccomp.ARCHITECTURES[machine][1]
    legacy_x86_only = {"iopl", "ioperm", "uselib"}
    for name in seccomp.DENIED + seccomp.UNAVAILABLE:
        assert name in table or (machine != "x86_64" and name in legacy_x86_only), name


def test_the_filter_is_whole_instructions_under_the_kernel_limit():
    program = seccomp.build_filter("x86_64")
    assert len(program) % 8 == 0
    assert len(program) // 8 < 4096


def test_unknown_architectures_fail_closed():
    with pytest.raises(seccomp.UnsupportedArchitecture):
        seccomp.build_filter("sparc64")
