"""`manage.py check_question`: judges a question file alone, as load_pack would, and fails when a solution
does not fare as it must."""

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import MINI_PACK


def check(*paths) -> str:
    out = io.StringIO()
    call_command("check_question", *map(str, paths), stdout=out)
    return out.getvalue()


def test_it_judges_every_solution_of_a_coding_question():
    report = check(MINI_PACK / "questions" / "sum-two.md", MINI_PACK / "questions" / "bayes.md")
    assert "sum-two.md: 2 tests, 2 s each" in report
    assert "ok   reference (python): AC, 2/2 passed" in report
    assert "ok   reference (javascript): AC, 2/2 passed" in report
    assert "ok   the-example-answer (python): WA" in report
    assert "ok   adds-absolute-values (python): WA" in report
    assert "bayes.md: not a coding question" in report


def test_it_fails_when_a_wrong_solution_passes(tmp_path):
    folder = tmp_path / "mini"
    shutil.copytree(MINI_PACK, folder)
    path = folder / "questions" / "sum-two.md"
    path.write_text(path.read_text().replace("print(abs(a) + abs(b))", "print(a + b)"))
    with pytest.raises(CommandError, match="1 solution"):
        check(path)


def test_a_broken_file_is_named(tmp_path):
    folder = tmp_path / "mini"
    shutil.copytree(MINI_PACK, folder)
    path = folder / "questions" / "sum-two.md"
    path.write_text(path.read_text().replace("origin: notes", "origin: blog"))
    with pytest.raises(CommandError, match="sum-two.md: origin: 'blog' is not one of notes, general"):
        check(path)
