"""The README's section on the parse output: its ``parse_document`` commands are run here as
written (the virtual environment's Python, with no secret and no database set), their output
starts with the lines the README shows, and its table documents every key of the JSON Schema."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from tests.mandates.test_parse_formats import _manage

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
SCHEMA_FILE = ROOT / "docs" / "parse-output.schema.json"

#: The commands the README runs on the three formats of 2553 (a test checks it shows them all).
COMMANDS = [
    ".venv/bin/python manage.py parse_document docs/examples/S-RES-2553-2020.pdf",
    ".venv/bin/python manage.py parse_document docs/examples/S-RES-2553-2020.docx --format json",
    ".venv/bin/python manage.py parse_document fixtures/sources/S-RES-2553-2020_plain.txt",
]

_CONSOLE = re.compile(r"```console\n\$ (?P<command>[^\n]+)\n(?P<output>.*?)```", re.DOTALL)


def _shown() -> dict[str, list[str]]:
    """Each console command of the README with the output lines it shows."""
    return {
        match["command"]: match["output"].rstrip("\n").split("\n")
        for match in _CONSOLE.finditer(README.read_text(encoding="utf-8"))
    }


def test_the_readme_shows_parse_document_on_a_pdf_a_docx_and_a_text() -> None:
    shown = [command for command in _shown() if "parse_document" in command]
    assert shown == COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_each_readme_command_prints_the_lines_shown(command: str) -> None:
    expected = _shown()[command]
    assert len(expected) >= 5
    argv = shlex.split(command)
    # ``.venv/bin/python`` is the environment make creates: here, the one running the tests.
    assert argv[:2] == [".venv/bin/python", "manage.py"]
    done = _manage(*argv[2:])
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.split("\n")[: len(expected)] == expected


def _keys(schema: dict, node: dict, seen: set[str]) -> set[str]:
    """Every property name in the schema, following references."""
    keys: set[str] = set()
    for name, value in node.get("properties", {}).items():
        keys.add(name)
        keys |= _keys(schema, value, seen)
    for nested in ("items", *(k for k in ("oneOf",) if k in node)):
        value = node.get(nested)
        for item in value if isinstance(value, list) else [value] if value else []:
            keys |= _keys(schema, item, seen)
    ref = node.get("$ref")
    if ref and ref not in seen:
        seen.add(ref)
        keys |= _keys(schema, schema["$defs"][ref.rsplit("/", 1)[1]], seen)
    return keys


def test_the_readme_documents_every_key_and_kind() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### The parse output") : text.index("## The REST API")]
    keys = _keys(schema, schema, set())
    assert {"schema_version", "addressee_details", "relative_to", "renewals", "inherited"} <= keys
    for key in sorted(keys):
        assert f"`{key}`" in section or f".{key}`" in section or f"`{key}[]`" in section, key
    definitions = schema["$defs"]
    kinds = definitions["addressee_details"]["items"]["properties"]["kind"]["enum"]
    kinds += definitions["deadline"]["properties"]["kind"]["enum"]
    for kind in kinds:
        assert f"`{kind}`" in section, kind
