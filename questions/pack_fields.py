"""The field readers of pack files: each checks one value of a parsed YAML mapping and raises `PackError`
naming the file and the field. Shared by `questions.packs` and `questions.wrong_solutions`."""

from __future__ import annotations


class PackError(ValueError):
    """A pack file is broken. The message names the file and the field."""

    def __init__(self, file: str, field_name: str, problem: str):
        self.file = file
        self.field = field_name
        super().__init__(f"{file}: {field_name}: {problem}")


def check_keys(data: dict, allowed: set[str], file: str, where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        prefix = f"{where}." if where else ""
        raise PackError(file, f"{prefix}{unknown[0]}", f"is not a known field (known: {', '.join(sorted(allowed))})")


def field_text(data: dict, key: str, file: str, where: str = "", *, required: bool = False, default: str = "") -> str:
    name = f"{where}.{key}" if where else key
    value = data.get(key)
    if value is None:
        if required:
            raise PackError(file, name, "is required")
        return default
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PackError(file, name, "must be text")
    value = str(value)
    if required and not value.strip():
        raise PackError(file, name, "must not be empty")
    return value


def field_choice(data: dict, key: str, choices: tuple[str, ...], file: str, where: str = "", default: str | None = None) -> str:
    name = f"{where}.{key}" if where else key
    value = data.get(key, default)
    if value is None:
        raise PackError(file, name, f"is required (one of {', '.join(choices)})")
    if value not in choices:
        raise PackError(file, name, f"{value!r} is not one of {', '.join(choices)}")
    return value
