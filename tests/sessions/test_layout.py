"""The sessions app's layout keeps its promises: small modules, no import circle, no import hidden in a function."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("sessions", "questions")
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    """Dotted name -> file, for every module of the apps (migrations left out)."""
    found = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts:
                continue
            parts = relative.with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _module_level_imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules of the apps that importing this file imports at once (its body's imports, not functions').

    A module's own enclosing packages are left out: Python runs them before the module whatever it imports
    (sessions/models/__init__.py re-exporting its submodules is the package, not a circle).
    """
    own_packages = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
    targets = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        else:
            continue
        for imported in names:
            parts = imported.split(".")
            # Importing a.b.c imports the packages a and a.b first.
            targets.update(".".join(parts[:i]) for i in range(1, len(parts) + 1) if ".".join(parts[:i]) in modules)
    return targets - own_packages - {name}


def test_it_keeps_every_module_under_the_limit():
    lengths = {
        str(path.relative_to(ROOT)): len(path.read_text().splitlines())
        for name, path in _modules().items() if name.startswith("sessions")
    }
    assert len(lengths) > 30
    too_long = {path: n for path, n in lengths.items() if n > MAX_LINES}
    assert too_long == {}


def test_it_has_no_import_circle():
    modules = _modules()
    graph = {name: _module_level_imports(name, path, modules) for name, path in modules.items()}
    assert graph["sessions.tasks"] >= {"sessions.runs.submissions"}, "the walk sees imports"
    circles = []
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                circles.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, [*path, target])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert circles == []


def test_it_imports_nothing_inside_a_function_but_the_app_registry_hook():
    hidden = []
    for path in _modules().values():
        relative = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if relative == "sessions/apps.py" and node.name == "ready":
                continue  # models exist only once the registry is ready (the comment there says so)
            inner = [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)]
            if inner:
                hidden.append(f"{relative}:{inner[0].lineno}")
    assert hidden == []
