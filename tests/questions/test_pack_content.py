"""The default pack's coding questions reject the mistakes the content audit (#20) found them accepting.

Each test judges a program against a question's real tests in the sandbox, as a candidate's
submission would be judged, and checks the verdict: the right one passes, the named mistake fails
in the way it should (a wrong answer, a crash, or running out of time). `load_pack` only checks
that a wrong solution fails somehow; these pin down how.
"""

from functools import cache

import pytest

import sandbox
from questions.packs import QuestionSpec, read_pack
from questions.reference import judge_request_for
from tests.conftest import DEFAULT_PACK


@cache
def questions() -> dict[str, QuestionSpec]:
    return {q.slug: q for q in read_pack(DEFAULT_PACK).questions}


def judge(slug: str, source: str, *, language: str = "python", stop_early: bool = True) -> sandbox.JudgeResult:
    request = judge_request_for(questions()[slug], language=language, source=source)
    request.stop_on_first_failure = stop_early
    return sandbox.judge(request)


def wrong_solution(slug: str, name: str):
    return next(w for w in questions()[slug].wrong_solutions if w.name == name)


@pytest.mark.parametrize("slug, name, verdict", [
    ("newton-method-root", "takes-the-nearest-root-from-numpy", "WA"),
    ("newton-method-root", "a-fixed-number-of-steps", "WA"),
    ("newton-method-root", "an-absolute-step-tolerance", "WA"),
    ("knn-3d-kmeans", "reassigns-every-point-per-query", "TLE"),
    ("two-urn-posterior", "multiplies-the-odds", "WA"),
    ("two-urn-posterior", "logs-a-prior-of-zero-or-one", "RE"),
    ("two-urn-posterior", "logs-a-colour-the-urn-lacks", "RE"),
    ("two-urn-posterior", "unguarded-sigmoid", "RE"),
    ("grid-shortest-path-wall-removal", "memoises-a-dfs-that-cuts-cycles", "WA"),
    ("grid-shortest-path-wall-removal", "depth-first-search-revisiting-on-improvement", "TLE"),
    ("cnn-receptive-field-calculator", "plain-numbers-in-javascript", "WA"),
    ("merge-adjacent-shards", "recursion-without-memo", "TLE"),
    ("merge-adjacent-shards", "tries-every-merge-order", "TLE"),
    ("merge-adjacent-shards", "memoises-the-list-of-shards", "TLE"),
    ("merge-adjacent-shards", "prefix-sum-off-by-one", "WA"),
    ("merge-adjacent-shards", "merges-the-cheapest-neighbours-first", "WA"),
    ("merge-adjacent-shards", "merges-any-two-shards", "WA"),
])
def test_each_audited_mistake_fails_the_way_it_should(slug, name, verdict):
    wrong = wrong_solution(slug, name)
    result = judge(slug, wrong.source, language=wrong.language)
    assert result.verdict == verdict, (result.verdict, result.message)


NEWTON_FIXED_STEPS = """import sys
data = sys.stdin.read().split()
d = int(data[0])
a = [float(v) for v in data[1:d + 2]]
x = float(data[d + 2])
for _ in range({steps}):
    p, dp = 0.0, 0.0
    for coef in a:
        dp = dp * x + p
        p = p * x + coef
    if p == 0.0 or dp == 0.0:
        break
    x -= p / dp
print(f"{{x:.9f}}")
"""


@pytest.mark.parametrize("steps", [30, 60, 100, 200])
def test_newton_rejects_a_fixed_step_count_that_never_says_none(steps):
    # Even with a guard against p'(x) = 0, printing the last iterate is wrong when the method fails.
    result = judge("newton-method-root", NEWTON_FIXED_STEPS.format(steps=steps))
    assert result.verdict == "WA", result.message


NEWTON_IN_CPP = r"""#include <bits/stdc++.h>
using namespace std;
int main() {
    int d; cin >> d;
    vector<double> a(d + 1);
    for (auto& c : a) cin >> c;
    double x; cin >> x;
    for (int step = 0; step < 500; step++) {
        double p = 0, dp = 0;
        for (double c : a) { dp = dp * x + p; p = p * x + c; }
        if (p == 0) { printf("%.9f\n", x); return 0; }
        if (dp == 0) break;
        double s = p / dp;
        x -= s;
        if (fabs(s) <= 1e-12 * max(1.0, fabs(x))) { printf("%.9f\n", x); return 0; }
    }
    printf("none\n");
}
"""


def test_newton_accepts_the_stated_rules_in_another_language():
    result = judge("newton-method-root", NEWTON_IN_CPP, language="cpp", stop_early=False)
    assert result.verdict == "AC", result.message


def test_the_grid_catches_visiting_each_cell_once_on_several_tests():
    wrong = wrong_solution("grid-shortest-path-wall-removal", "visits-each-cell-once")
    result = judge("grid-shortest-path-wall-removal", wrong.source, stop_early=False)
    failed = [t for t in result.tests if t.verdict != "AC"]
    assert len(failed) >= 3 and all(t.verdict == "WA" for t in failed), [t.verdict for t in result.tests]


RECEPTIVE_FIELD_WITH_BIGINT = """const data = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(BigInt);
let rf = 1n, jump = 1n;
const out = [];
for (let i = 0; i < Number(data[0]); i++) {
  const [k, s, d] = data.slice(1 + 3 * i, 4 + 3 * i);
  rf += (k - 1n) * d * jump;
  jump *= s;
  out.push(rf);
}
console.log(out.join('\\n'));
"""


def test_the_receptive_field_needs_the_bigint_the_starter_suggests():
    result = judge("cnn-receptive-field-calculator", RECEPTIVE_FIELD_WITH_BIGINT, language="javascript",
                   stop_early=False)
    assert result.verdict == "AC", result.message


MERGE_SHARDS_IN_CPP = """#include <bits/stdc++.h>
using namespace std;
int main() {
    int n; cin >> n;
    vector<long long> prefix(n + 1, 0);
    for (int i = 0; i < n; i++) { long long w; cin >> w; prefix[i + 1] = prefix[i] + w; }
    vector<vector<long long>> cost(n, vector<long long>(n, 0));
    for (int len = 2; len <= n; len++)
        for (int i = 0; i + len <= n; i++) {
            int j = i + len - 1;
            long long best = LLONG_MAX;
            for (int m = i; m < j; m++) best = min(best, cost[i][m] + cost[m + 1][j]);
            cost[i][j] = best + prefix[j + 1] - prefix[i];
        }
    cout << cost[0][n - 1] << endl;
}
"""


def test_merge_shards_accepts_the_interval_dp_in_another_language():
    result = judge("merge-adjacent-shards", MERGE_SHARDS_IN_CPP, language="cpp", stop_early=False)
    assert result.verdict == "AC", result.message


def test_merge_shards_totals_need_64_bits():
    # The same DP in 32-bit ints overflows on the large tests.
    source = MERGE_SHARDS_IN_CPP.replace("long long", "int").replace("LLONG_MAX", "INT_MAX")
    result = judge("merge-adjacent-shards", source, language="cpp")
    assert result.verdict == "WA", result.message
