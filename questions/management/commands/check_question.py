"""Judge one or more coding question files in the sandbox, as load_pack would, and say how each solution fared.

For authors: the reference and its other languages must pass every test and each wrong solution must be
rejected; the slowest test's CPU time beside the limit shows how much room a time limit leaves.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

import sandbox
from questions.packs import PackError, parse_question_file, read_manifest
from questions.reference import fared_as_it_must, judge_request_for


class Command(BaseCommand):
    help = "Judge coding question files (packs/<pack>/questions/<slug>.md) without loading the pack."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="question files inside a pack folder")

    def handle(self, *args, files, **options):
        failures = 0
        for name in files:
            path = Path(name)
            try:
                refs = read_manifest(path.resolve().parent.parent).stage_refs()
                spec = parse_question_file(path, stage_refs=refs)
            except PackError as exc:
                raise CommandError(str(exc)) from None
            if spec.kind != "coding":
                self.stdout.write(f"{path}: not a coding question, nothing to judge")
                continue
            self.stdout.write(f"{path}: {len(spec.tests)} tests, {spec.time_limit_s:g} s each")
            solutions = [("reference", spec.reference_language, spec.reference_source, True)]
            solutions += [("reference", other.language, other.source, True) for other in spec.other_references]
            solutions += [(wrong.name, wrong.language, wrong.source, False) for wrong in spec.wrong_solutions]
            for label, language, source, must_pass in solutions:
                result = sandbox.judge(judge_request_for(spec, language=language, source=source))
                slowest = max((t.time_ms for t in result.tests), default=0)
                ok = fared_as_it_must(result.verdict, must_pass=must_pass)
                failures += not ok
                self.stdout.write(f"  {'ok  ' if ok else 'FAIL'} {label} ({language}): {result.verdict}, "
                                  f"{result.passed}/{result.total} passed, slowest test {slowest} ms "
                                  f"{result.message or result.compile_output.strip()[:200]}".rstrip())
        if failures:
            raise CommandError(f"{failures} solution(s) did not fare as they must")
