"""Java names its source file after the public class: every valid name runs, the rest get a clear CE, never SE."""

from __future__ import annotations

import pytest

from sandbox import JudgeRequest, RunRequest, TestCase, judge, run


def program(name: str, declaration: str = "public class") -> str:
    return f'{declaration} {name} {{ public static void main(String[] a) {{ System.out.println("ran"); }} }}\n'


@pytest.mark.parametrize("name", ["$X", "A$b", "Über", "Ñandú", "Café$2", "_x", "数据"])
def test_it_runs_any_java_class_name_that_can_be_a_file_name(name):
    result = run(RunRequest(language="java", source=program(name)))
    assert result.verdict == "OK", result
    assert result.stdout == "ran\n"


def test_it_judges_a_class_named_with_a_dollar_sign():
    result = judge(JudgeRequest(language="java", source=program("$Solution"), tests=[TestCase("", "ran")]))
    assert result.verdict == "AC", result


def test_it_reads_unicode_escapes_in_the_class_name_as_javac_does():
    result = run(RunRequest(language="java", source=program("\\u00dcber")))
    assert result.verdict == "OK", result


@pytest.mark.parametrize("declaration", ["public final class", "public record", "public enum", "public interface"])
def test_it_names_the_file_after_any_public_top_level_type(declaration):
    suffix = "(int x)" if declaration.endswith("record") else ""
    source = (f"{declaration} Äpfel{suffix} {{ {'; ' if declaration.endswith('enum') else ''}"
              'public static void main(String[] a) { System.out.println("ran"); } }\n')
    result = run(RunRequest(language="java", source=source))
    assert result.verdict == "OK", result
    assert result.stdout == "ran\n"


@pytest.mark.parametrize("name, says", [
    ("Pr€is", "cannot put in a file name"),
    ("9Lives", "is not a valid Java class name"),
    ("Ä" * 120, "too long to be a file name"),
])
def test_it_gives_a_clear_compile_error_for_names_it_cannot_use(name, says):
    ran = run(RunRequest(language="java", source=program(name)))
    judged = judge(JudgeRequest(language="java", source=program(name), tests=[TestCase("", "ran")]))
    for result in (ran, judged):
        assert result.verdict == "CE", result
        assert says in result.compile_output
        assert "rename the class" in result.compile_output or "not a valid" in result.compile_output
