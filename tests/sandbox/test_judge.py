"""judge(): stdio and function mode, checkers, hidden tests, custom checker, CE/TLE."""

from __future__ import annotations

import json

from sandbox import CustomChecker, JudgeRequest, JudgeResult, TestCase, TestOutcome, judge

SUM_PY = "a, b = map(int, input().split())\nprint(a + b)\n"
TESTS = [TestCase("1 2\n", "3\n"), TestCase("5 5\n", "10\n"), TestCase("100 1\n", "101\n", hidden=True)]


def test_it_accepts_a_correct_stdio_solution():
    result = judge(JudgeRequest(language="python", source=SUM_PY, tests=TESTS))
    assert result.verdict == "AC"
    assert (result.passed, result.total) == (3, 3)
    assert result.first_failure is None
    assert all(t.verdict == "AC" for t in result.tests)


def test_it_reports_the_first_failing_visible_test():
    source = "a, b = map(int, input().split())\nprint(a + b if a != 5 else 0)\n"
    result = judge(JudgeRequest(language="python", source=source, tests=TESTS))
    assert result.verdict == "WA"
    assert result.passed == 2
    failure = result.first_failure
    assert (failure.index, failure.input, failure.expected, failure.actual) == (1, "5 5\n", "10\n", "0\n")


def test_it_never_leaks_hidden_tests_in_to_dict():
    source = "a, b = map(int, input().split())\nprint(a + b if a != 100 else -1)\n"
    result = judge(JudgeRequest(language="python", source=source, tests=TESTS))
    assert result.verdict == "WA"
    assert result.first_failure is None  # only a hidden test failed
    data = result.to_dict()
    hidden = data["tests"][2]
    assert set(hidden) == {"index", "hidden", "verdict"}  # no time or memory: they can encode the input
    text = json.dumps(data)
    assert "100 1" not in text and "101" not in text and "-1" not in text
    assert data["first_failure"] is None
    assert "hidden" in data["message"]


def test_it_shows_hidden_tests_usage_only_as_a_rounded_aggregate():
    tests = [TestOutcome(index=0, hidden=False, verdict="AC", time_ms=37, memory_kb=9000),
             TestOutcome(index=1, hidden=True, verdict="AC", time_ms=1234, memory_kb=20000),
             TestOutcome(index=2, hidden=True, verdict="WA", time_ms=1, memory_kb=100)]
    data = JudgeResult(verdict="WA", passed=2, total=3, tests=tests).to_dict()
    assert data["hidden_usage"] == {"tests": 2, "time_ms": 1300, "memory_kb": 24576}
    assert (data["time_ms"], data["memory_kb"]) == (37, 9000)  # peaks over the visible test only
    assert all(set(t) == {"index", "hidden", "verdict"} for t in data["tests"][1:])


def test_it_has_no_hidden_usage_without_hidden_tests():
    data = JudgeResult(verdict="AC", passed=1, total=1,
                       tests=[TestOutcome(index=0, hidden=False, verdict="AC", time_ms=5)]).to_dict()
    assert data["hidden_usage"] is None and data["time_ms"] == 5


def test_it_uses_the_verdict_of_the_first_failing_test():
    source = "import time\na, b = map(int, input().split())\nif a == 5:\n    while True: pass\nprint(a + b)\n"
    result = judge(JudgeRequest(language="python", source=source, tests=TESTS, time_limit_s=0.5))
    assert result.verdict == "TLE"
    assert [t.verdict for t in result.tests] == ["AC", "TLE", "AC"]


def test_it_stops_on_the_first_failure_when_asked():
    result = judge(JudgeRequest(language="python", source="print(0)\n", tests=TESTS, stop_on_first_failure=True))
    assert result.verdict == "WA" and len(result.tests) == 1


def test_it_reports_compile_errors_once():
    result = judge(JudgeRequest(language="cpp", source="int main( {", tests=TESTS))
    assert result.verdict == "CE"
    assert result.tests == [] and result.total == 3
    assert "error" in result.compile_output


def test_it_judges_cpp_and_java_in_stdio_mode():
    cpp = "#include <iostream>\nint main() { long a, b; std::cin >> a >> b; std::cout << a + b << '\\n'; }\n"
    assert judge(JudgeRequest(language="cpp", source=cpp, tests=TESTS)).verdict == "AC"
    java = ("import java.util.*;\npublic class Main { public static void main(String[] x) {"
            " Scanner s = new Scanner(System.in); System.out.println(s.nextLong() + s.nextLong()); } }\n")
    assert judge(JudgeRequest(language="java", source=java, tests=TESTS[:1])).verdict == "AC"


def test_it_applies_the_float_checker():
    result = judge(JudgeRequest(language="python", source="print(1/3)\n", tests=[TestCase("", "0.333333")],
                                checker="float", float_tolerance=1e-5))
    assert result.verdict == "AC"
    strict = judge(JudgeRequest(language="python", source="print(1/3)\n", tests=[TestCase("", "0.333333")]))
    assert strict.verdict == "WA"


def test_it_applies_the_unordered_and_whitespace_checkers():
    source = "print('b')\nprint('a')\n"
    assert judge(JudgeRequest(language="python", source=source, tests=[TestCase("", "a\nb\n")],
                              checker="unordered")).verdict == "AC"
    assert judge(JudgeRequest(language="python", source="print('a   b')\n", tests=[TestCase("", "a b")],
                              checker="whitespace")).verdict == "AC"


def test_it_calls_a_python_function_with_json_arguments():
    source = "def two_sum(nums, target):\n    seen = {}\n    for i, n in enumerate(nums):\n" \
             "        if target - n in seen:\n            return [seen[target - n], i]\n        seen[n] = i\n"
    tests = [TestCase("[[2, 7, 11, 15], 9]", "[0, 1]"), TestCase("[[3, 2, 4], 6]", "[1, 2]", hidden=True)]
    result = judge(JudgeRequest(language="python", source=source, tests=tests, mode="function", entry_point="two_sum"))
    assert result.verdict == "AC", result
    assert result.tests[0].actual == "[0, 1]"


def test_it_calls_a_method_of_a_solution_class():
    source = "class Solution:\n    def double(self, x):\n        return x * 2\n"
    result = judge(JudgeRequest(language="python", source=source, tests=[TestCase("[21]", "42")], mode="function",
                                entry_point="Solution.double"))
    assert result.verdict == "AC", result


def test_it_serialises_numpy_return_values():
    source = "import numpy as np\ndef f(n):\n    return np.arange(n)\n"
    result = judge(JudgeRequest(language="python", source=source, tests=[TestCase("[3]", "[0, 1, 2]")],
                                mode="function", entry_point="f", time_limit_s=5))
    assert result.verdict == "AC", result


def test_function_mode_ignores_what_the_program_prints():
    source = "def f(x):\n    print(x + 1)\n    return x\n"
    result = judge(JudgeRequest(language="python", source=source, tests=[TestCase("[1]", "2")], mode="function",
                                entry_point="f"))
    assert result.verdict == "WA"
    assert result.first_failure.actual == "1"


def test_function_mode_reports_exceptions_as_runtime_errors():
    result = judge(JudgeRequest(language="python", source="def f(x):\n    return 1 / 0\n",
                                tests=[TestCase("[1]", "1")], mode="function", entry_point="f"))
    assert result.verdict == "RE"
    assert "ZeroDivisionError" in result.tests[0].stderr


def test_function_mode_works_in_javascript():
    source = "function twoSum(nums, target) {\n  const seen = new Map();\n  for (let i = 0; i < nums.length; i++) {\n" \
             "    if (seen.has(target - nums[i])) return [seen.get(target - nums[i]), i];\n" \
             "    seen.set(nums[i], i);\n  }\n}\nconsole.log('noise');\n"
    tests = [TestCase("[[2, 7, 11, 15], 9]", "[0, 1]"), TestCase("[[3, 2, 4], 6]", "[1, 2]")]
    result = judge(JudgeRequest(language="javascript", source=source, tests=tests, mode="function",
                                entry_point="twoSum"))
    assert result.verdict == "AC", result


def test_function_mode_supports_exports_and_async_in_javascript():
    source = "exports.add = async (a, b) => a + b;\n"
    result = judge(JudgeRequest(language="javascript", source=source, tests=[TestCase("[2, 3]", "5")],
                                mode="function", entry_point="add"))
    assert result.verdict == "AC", result


def test_function_mode_with_the_unordered_checker():
    source = "def f():\n    return [[3], [1, 2]]\n"
    result = judge(JudgeRequest(language="python", source=source, tests=[TestCase("[]", "[[1, 2], [3]]")],
                                mode="function", entry_point="f", checker="unordered"))
    assert result.verdict == "AC"


def test_it_runs_a_sandboxed_custom_checker():
    checker = ("import sys\nexpected = int(open(sys.argv[2]).read())\nactual = int(open(sys.argv[3]).read())\n"
               "sys.exit(0 if abs(expected - actual) <= 1 else 1)\n")
    tests = [TestCase("", "10")]
    near = judge(JudgeRequest(language="python", source="print(11)\n", tests=tests, checker="custom",
                              custom_checker=checker))
    assert near.verdict == "AC"
    far = judge(JudgeRequest(language="python", source="print(13)\n", tests=tests, checker="custom",
                             custom_checker=CustomChecker(source=checker)))
    assert far.verdict == "WA"


def test_a_broken_custom_checker_is_a_system_error_not_the_candidates_fault():
    result = judge(JudgeRequest(language="python", source="print(1)\n", tests=[TestCase("", "1")], checker="custom",
                                custom_checker="raise SystemExit(3)\n"))
    assert result.verdict == "SE"
    assert "custom checker" in result.message


def test_it_rejects_invalid_requests_with_se():
    assert judge(JudgeRequest(language="cpp", source="", tests=[], mode="function", entry_point="f")).verdict == "SE"
    assert judge(JudgeRequest(language="python", source="", tests=[], checker="fuzzy")).verdict == "SE"
    assert judge(JudgeRequest(language="python", source="", tests=[], mode="function")).verdict == "SE"


def test_tests_cannot_see_files_written_by_earlier_tests():
    source = ("import os\nprint(os.path.exists('/tmp/mark'))\nopen('/tmp/mark', 'w').write('x')\n"
              "try:\n    open('mark', 'w')\n    print('cwd writable')\nexcept OSError:\n    print('cwd read-only')\n")
    result = judge(JudgeRequest(language="python", source=source,
                                tests=[TestCase("", "False\ncwd read-only\n")] * 2))
    assert result.verdict == "AC", [t.actual for t in result.tests]


def test_a_test_without_an_expected_output_only_runs():
    tests = [TestCase("1 2\n", "3\n"), TestCase("40 2\n", None), TestCase("2 2\n", "5\n")]
    result = judge(JudgeRequest(language="python", source=SUM_PY, tests=tests))
    assert [t.verdict for t in result.tests] == ["AC", "OK", "WA"]
    assert result.tests[1].actual == "42\n" and result.tests[1].expected == ""
    # Only tests with an expected output count towards passed/total; the run-only one is counted apart.
    assert (result.verdict, result.passed, result.total, result.ran) == ("WA", 1, 2, 1)
    assert result.message == "WA on test 3; passed 1/2; 1 ran without an expected output"
    assert result.first_failure.index == 2


def test_only_run_only_tests_is_ok_and_a_crash_is_still_a_failure():
    ran = judge(JudgeRequest(language="python", source=SUM_PY, tests=[TestCase("1 1\n", None)]))
    assert (ran.verdict, ran.passed, ran.total, ran.ran) == ("OK", 0, 0, 1)
    crashed = judge(JudgeRequest(language="python", source=SUM_PY, tests=[TestCase("not numbers\n", None)]))
    assert crashed.verdict == "RE" and crashed.first_failure.index == 0
