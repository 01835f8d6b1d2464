"""Per-language behaviour through the real sandbox: hello, stdin, compile and runtime errors, limits."""

from __future__ import annotations

import pytest

from sandbox import LANGUAGES, RunRequest, run

HELLO = {
    "python": "print('hello')\n",
    "javascript": "console.log('hello');\n",
    "cpp": '#include <iostream>\nint main() { std::cout << "hello" << std::endl; }\n',
    "java": 'public class Main { public static void main(String[] a) { System.out.println("hello"); } }\n',
}
ECHO_SUM = {
    "python": "a, b = map(int, input().split())\nprint(a + b)\n",
    "javascript": ("const [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(Number);\n"
                   "console.log(a + b);\n"),
    "cpp": "#include <iostream>\nint main() { long a, b; std::cin >> a >> b; std::cout << a + b << '\\n'; }\n",
    "java": ("import java.util.*;\npublic class Main { public static void main(String[] x) {"
             " Scanner s = new Scanner(System.in); System.out.println(s.nextLong() + s.nextLong()); } }\n"),
}
RUNTIME_ERROR = {
    "python": "raise ValueError('boom')\n",
    "javascript": "throw new Error('boom');\n",
    "cpp": "#include <cstdlib>\nint main() { std::abort(); }\n",
    "java": "public class Main { public static void main(String[] a) { throw new RuntimeException(\"boom\"); } }\n",
}
BUSY = {
    "python": "while True:\n    pass\n",
    "javascript": "for (;;) {}\n",
    "cpp": "int main() { volatile unsigned long x = 0; for (;;) x++; }\n",
    "java": "public class Main { public static void main(String[] a) { long x = 0; while (true) { x++; } } }\n",
}
MEMORY_HOG = {
    "python": "blocks = []\nwhile True:\n    blocks.append(bytearray(16 << 20))\n",
    "javascript": "const k = [];\nfor (;;) k.push(new Array(1 << 16).fill(1.5));\n",
    "cpp": ("#include <cstring>\n#include <vector>\nint main() { std::vector<char*> v; for (;;) {"
            " char* p = new char[16 << 20]; std::memset(p, 1, 16 << 20); v.push_back(p); } }\n"),
    "java": ("import java.util.*;\npublic class Main { public static void main(String[] a) {"
             " List<long[]> k = new ArrayList<>(); while (true) k.add(new long[1 << 20]); } }\n"),
}


def test_it_registers_the_four_languages():
    assert set(LANGUAGES) >= {"python", "javascript", "cpp", "java"}


@pytest.mark.parametrize("language", sorted(HELLO))
def test_it_says_hello(language):
    result = run(RunRequest(language=language, source=HELLO[language]))
    assert result.verdict == "OK", result
    assert result.stdout == "hello\n"
    assert result.exit_code == 0 and result.signal is None
    assert result.wall_ms > 0 and result.memory_kb > 0


@pytest.mark.parametrize("language", sorted(ECHO_SUM))
def test_it_feeds_stdin(language):
    result = run(RunRequest(language=language, source=ECHO_SUM[language], stdin="40 2\n"))
    assert result.verdict == "OK", result
    assert result.stdout.strip() == "42"


@pytest.mark.parametrize("language", sorted(RUNTIME_ERROR))
def test_it_reports_runtime_errors(language):
    result = run(RunRequest(language=language, source=RUNTIME_ERROR[language]))
    assert result.verdict == "RE", result
    assert result.exit_code != 0 or result.signal is not None


@pytest.mark.parametrize("language", sorted(BUSY))
def test_it_stops_busy_loops(language):
    result = run(RunRequest(language=language, source=BUSY[language], time_limit_s=1))
    assert result.verdict == "TLE", result
    assert result.wall_ms < 5000


@pytest.mark.parametrize("language", sorted(MEMORY_HOG))
def test_it_stops_memory_hogs(language):
    result = run(RunRequest(language=language, source=MEMORY_HOG[language], memory_limit_mb=96, time_limit_s=5))
    assert result.verdict == "MLE", result


@pytest.mark.parametrize("language, source", [
    ("cpp", "int main() { return undefined_name; }\n"),
    ("java", "public class Main { public static void main(String[] a) { int x = \"no\"; } }\n"),
])
def test_it_reports_compile_errors_with_the_compiler_message(language, source):
    result = run(RunRequest(language=language, source=source))
    assert result.verdict == "CE"
    assert "error" in result.compile_output
    assert result.stdout == ""


def test_it_reports_python_syntax_errors_as_runtime_errors():
    result = run(RunRequest(language="python", source="def broken(:\n"))
    assert result.verdict == "RE"
    assert "SyntaxError" in result.stderr


def test_it_imports_numpy_in_python():
    result = run(RunRequest(language="python", source="import numpy as np\nprint(int(np.arange(5).sum()))\n",
                            time_limit_s=5))
    assert result.verdict == "OK", result
    assert result.stdout == "10\n"


def test_it_runs_python_isolated_from_site_and_environment():
    source = "import sys, os\nprint('site' in sys.modules, sys.flags.isolated, sorted(os.environ))\n"
    result = run(RunRequest(language="python", source=source))
    assert result.stdout.startswith("False 1 ")
    assert "INTERVIEWPREP_SANDBOX_TEST_SECRET" not in result.stdout


def test_it_names_the_java_file_after_the_public_class():
    source = "public class Solution { public static void main(String[] a) { System.out.println(\"named\"); } }\n"
    result = run(RunRequest(language="java", source=source))
    assert result.verdict == "OK", result
    assert result.stdout == "named\n"


def test_it_keeps_compile_output_of_a_successful_compile():
    source = "#include <cstdio>\nint main() { int unused; std::puts(\"ok\"); }\n"
    result = run(RunRequest(language="cpp", source=source))
    assert result.verdict == "OK"
    assert result.to_dict()["compile_output"] == result.compile_output


def test_it_caps_output_exactly_and_reports_ole():
    result = run(RunRequest(language="python", source="print('x' * 5000)\n", output_limit_bytes=1000))
    assert result.verdict == "OLE"
    assert len(result.stdout) == 1000


def test_it_accepts_output_at_the_cap():
    result = run(RunRequest(language="python", source="import sys\nsys.stdout.write('y' * 1000)\n",
                            output_limit_bytes=1000))
    assert result.verdict == "OK"
    assert len(result.stdout) == 1000


def test_it_passes_binary_stdin_and_large_input():
    data = "\n".join(str(i) for i in range(200000)) + "\n"
    result = run(RunRequest(language="python", source="import sys\nprint(sum(map(int, sys.stdin)))\n", stdin=data))
    assert result.stdout.strip() == str(sum(range(200000)))


def test_it_reports_a_signal_for_a_segfault():
    result = run(RunRequest(language="cpp", source="int main() { volatile int* p = nullptr; return *p; }\n"))
    assert result.verdict == "RE"
    assert result.signal == 11


def test_it_gives_each_run_a_fresh_work_dir():
    write = run(RunRequest(language="python", source="open('left.txt', 'w').write('x')\nprint('ok')\n"))
    assert write.verdict == "OK"
    check = run(RunRequest(language="python", source="import os\nprint(sorted(os.listdir('.')))\n"))
    assert check.stdout == "['main.py']\n"


def test_it_returns_se_for_an_unknown_language():
    result = run(RunRequest(language="cobol", source="DISPLAY 'HI'."))
    assert result.verdict == "SE"
    assert "unknown language" in result.message
