"""The question bank stands on its own: `questions` never imports `sessions` (sessions depends on questions).

What the bank needs to know about sessions (who is a guest, who is the live candidate of a paired round)
reaches it through the rules `sessions` registers when its app is ready.
"""

import ast
from pathlib import Path

from questions import access

QUESTIONS = Path(__file__).resolve().parents[2] / "questions"


def _imported_modules(path: Path) -> list[str]:
    """Every module a file imports, at any depth (functions included)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


def test_it_never_imports_the_sessions_app():
    files = sorted(QUESTIONS.rglob("*.py"))
    assert len(files) > 10, "the walk found the questions app's modules"
    offenders = {
        str(path.relative_to(QUESTIONS.parent)): module
        for path in files
        for module in _imported_modules(path)
        if module == "sessions" or module.startswith("sessions.")
    }
    assert offenders == {}


def test_it_asks_the_rules_the_sessions_app_registered():
    from sessions import access as session_access

    assert access._guest_rule is session_access.guest_rule
    assert access._live_candidate_rule is session_access.live_candidate_rule
