"""Command line: ``python -m sandbox check``, ``python -m sandbox probe`` and ``python -m sandbox run``."""

from __future__ import annotations

import argparse
import json
import sys

from .api import SE, RunRequest
from .host import check_host, probe
from .languages import LANGUAGES
from .runner import run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="report what this host supports; exit 1 unless ready")
    sub.add_parser("probe", help="run a trivial program in a box (a health check); exit 1 unless it ran")
    run_parser = sub.add_parser("run", help="run one program and print its result as JSON")
    run_parser.add_argument("--language", required=True, choices=sorted(LANGUAGES))
    run_parser.add_argument("--stdin", metavar="FILE", help="file fed to the program's standard input")
    run_parser.add_argument("--time-limit", type=float, default=2.0, metavar="SECONDS")
    run_parser.add_argument("--memory-limit", type=int, default=256, metavar="MB")
    run_parser.add_argument("source", metavar="SOURCE_FILE")
    args = parser.parse_args(argv)

    if args.command == "check":
        report = check_host()
        print(json.dumps(report.to_dict(), indent=2))
        return 0 if report.ok else 1

    if args.command == "probe":
        state = probe()
        print(state)
        return 0 if state == "ok" else 1

    with open(args.source, encoding="utf-8", errors="replace") as fh:
        source = fh.read()
    stdin = ""
    if args.stdin:
        with open(args.stdin, encoding="utf-8", errors="replace") as fh:
            stdin = fh.read()
    result = run(RunRequest(language=args.language, source=source, stdin=stdin, time_limit_s=args.time_limit,
                            memory_limit_mb=args.memory_limit))
    print(json.dumps(result.to_dict()))
    return 1 if result.verdict == SE else 0


if __name__ == "__main__":
    sys.exit(main())
