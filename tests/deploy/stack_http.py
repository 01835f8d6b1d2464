"""HTTP for the stack test: a cookie- and CSRF-aware client over plain HTTP to 127.0.0.1, the app's journeys
(sign up, start a coding round, queue a run, wait for its result) and the solutions it runs.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request

PORT = int(os.environ.get("STACK_TEST_PORT", "18080"))
BASE = f"http://127.0.0.1:{PORT}"
QUESTION = "newton-method-root"

# Newton's method on a polynomial (Horner for p and p'), one solution per language, following the question's
# rules: stop on p(x) = 0 or a step within 1e-12 relative, "none" on a flat tangent or after 500 steps.
SOLUTIONS = {
    "python": """import sys
t = sys.stdin.read().split()
n = int(t[0]); a = [float(v) for v in t[1:n + 2]]; x = float(t[n + 2])
answer = "none"
for _ in range(500):
    p = dp = 0.0
    for c in a:
        dp = dp * x + p
        p = p * x + c
    if p == 0.0:
        answer = f"{x:.9f}"
        break
    if dp == 0.0:
        break
    step = p / dp
    x -= step
    if abs(step) <= 1e-12 * max(1.0, abs(x)):
        answer = f"{x:.9f}"
        break
print(answer)
""",
    "javascript": """const t = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(Number);
const n = t[0], a = t.slice(1, n + 2);
let x = t[n + 2], answer = "none";
for (let i = 0; i < 500; i++) {
  let p = 0, dp = 0;
  for (const c of a) { dp = dp * x + p; p = p * x + c; }
  if (p === 0) { answer = x.toFixed(9); break; }
  if (dp === 0) break;
  const step = p / dp;
  x -= step;
  if (Math.abs(step) <= 1e-12 * Math.max(1, Math.abs(x))) { answer = x.toFixed(9); break; }
}
console.log(answer);
""",
    "cpp": """#include <cstdio>
#include <cmath>
#include <vector>
#include <algorithm>
int main() {
    int n; std::scanf("%d", &n);
    std::vector<double> a(n + 1);
    for (auto& c : a) std::scanf("%lf", &c);
    double x; std::scanf("%lf", &x);
    for (int i = 0; i < 500; i++) {
        double p = 0, dp = 0;
        for (double c : a) { dp = dp * x + p; p = p * x + c; }
        if (p == 0) { std::printf("%.9f\\n", x); return 0; }
        if (dp == 0) break;
        double step = p / dp;
        x -= step;
        if (std::fabs(step) <= 1e-12 * std::max(1.0, std::fabs(x))) { std::printf("%.9f\\n", x); return 0; }
    }
    std::printf("none\\n");
}
""",
    "java": """import java.util.*;
public class Main {
    public static void main(String[] args) {
        Scanner in = new Scanner(System.in).useLocale(Locale.US);
        int n = in.nextInt();
        double[] a = new double[n + 1];
        for (int i = 0; i <= n; i++) a[i] = in.nextDouble();
        double x = in.nextDouble();
        for (int i = 0; i < 500; i++) {
            double p = 0, dp = 0;
            for (double c : a) { dp = dp * x + p; p = p * x + c; }
            if (p == 0) { System.out.println(String.format(Locale.US, "%.9f", x)); return; }
            if (dp == 0) break;
            double step = p / dp;
            x -= step;
            if (Math.abs(step) <= 1e-12 * Math.max(1.0, Math.abs(x))) {
                System.out.println(String.format(Locale.US, "%.9f", x));
                return;
            }
        }
        System.out.println("none");
    }
}
""",
}
SLOW = "import sys, time\ntime.sleep(float(sys.stdin.read() or 1))\nprint('slept')\n"


class StepFailed(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise StepFailed(message)


class Browser:
    """A user agent over plain HTTP to 127.0.0.1 with cookies and CSRF, like the browser's forms and HTMX."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, method: str, path: str, data: dict | None = None, headers: dict | None = None,
                timeout: float = 30) -> tuple[int, str, str, dict]:
        body = urllib.parse.urlencode(data or {}).encode() if method == "POST" else None
        request = urllib.request.Request(BASE + path, data=body, method=method, headers={
            **({"X-CSRFToken": self.csrf(), "Referer": BASE + "/"} if method == "POST" else {}), **(headers or {})})
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return (response.status, response.geturl(), response.read().decode(errors="replace"),
                        dict(response.headers))
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read().decode(errors="replace"), dict(error.headers)

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, **kwargs):
        return self.request("POST", path, data, **kwargs)


def sign_up(username: str) -> Browser:
    browser = Browser()
    status, _, _, _ = browser.get("/accounts/signup/")
    check(status == 200, f"sign-up page: {status}")
    password = secrets.token_urlsafe(12) + "aA1!"
    status, url, body, _ = browser.post("/accounts/signup/", {"username": username, "password1": password,
                                                               "password2": password})
    check(status == 200 and not url.endswith("/accounts/signup/"), f"sign-up refused ({status}): {body[-500:]}")
    return browser


def start_coding_round(browser: Browser) -> int:
    status, url, body, _ = browser.post("/practice/start/", {"question": QUESTION})
    check(status == 200, f"start: {status} {body[-300:]}")
    match = re.search(r"/practice/rounds/(\d+)/", url)
    if not match:  # the session page: the round waits for its start button
        form = re.search(r'action="(/practice/rounds/(\d+)/start/)"', body)
        check(form is not None, f"no round to start at {url}")
        status, url, body, _ = browser.post(form.group(1), {})
        match = re.search(r"/practice/rounds/(\d+)/", url)
    check(match is not None, f"no round page at {url}")
    return int(match.group(1))


def queue_run(browser: Browser, round_id: int, language: str, code: str, kind: str = "run",
              stdin: str | None = None) -> int:
    data = {"kind": kind, "language": language, "code": code}
    if stdin is not None:
        data |= {"use_custom_input": "on", "stdin": stdin}
    status, _, body, _ = browser.post(f"/practice/rounds/{round_id}/q/1/run/", data, headers={"HX-Request": "true"})
    check(status == 202, f"run refused ({status}): {body[-500:]}")
    match = re.search(r"/practice/runs/(\d+)/", body)
    check(match is not None, f"no run to follow in: {body[-500:]}")
    return int(match.group(1))


def wait_result(browser: Browser, submission_id: int, timeout: float = 240) -> str:
    """The results fragment once final (polled like the page's HTMX does)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, _, body, _ = browser.get(f"/practice/runs/{submission_id}/", headers={"HX-Request": "true"})
        if status == 200 and "hx-get" not in body:
            return body
        time.sleep(0.5)
    raise StepFailed(f"run {submission_id} not final after {timeout:.0f} s")


def verdict_line(fragment: str) -> str:
    match = re.search(r"<strong>(.*?)</strong>", fragment, flags=re.S)
    return re.sub(r"\s+", " ", match.group(1)).strip() if match else re.sub(r"<[^>]+>|\s+", " ", fragment)[:300]


class Users:
    """Signed-up users, each in a coding round of their own: a round question has one run at a time."""

    def __init__(self):
        self.rounds: list[tuple[Browser, int]] = []

    def queue(self, count: int, source: str, stdin: str) -> list[tuple[Browser, int]]:
        while len(self.rounds) < count:
            browser = sign_up("stack-" + secrets.token_hex(4))
            self.rounds.append((browser, start_coding_round(browser)))
        return [(browser, queue_run(browser, round_id, "python", source, stdin=stdin))
                for browser, round_id in self.rounds[:count]]

    def finish(self, queued: list[tuple[Browser, int]], timeout: float = 300) -> list[int]:
        for browser, sid in queued:
            wait_result(browser, sid, timeout=timeout)
        return [sid for _, sid in queued]


USERS = Users()
