"""Print how a document parses (.txt, .md, .pdf or .docx), without a database or a secret.

Run from ``manage.py`` without ``DJANGO_SETTINGS_MODULE``, this command uses
:mod:`ssrtracker.settings_standalone`: no ``SECRET_KEY`` or ``DATABASE_URL`` is needed, and a
database it touched by mistake would fail loudly. Its JSON output follows
``docs/parse-output.schema.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mandates.documents.formats import UnreadableDocument, document_text
from mandates.documents.importing import ImportFailed, parse
from mandates.documents.parser import ParsedParagraph


class Command(BaseCommand):
    help = (
        "Parse a resolution (or draft, presidential statement, report with numbered paragraphs) "
        "and print its structure: symbol, date, paragraphs, verbs, addressees and deadlines. "
        "Reads a .txt, .md, .pdf or .docx file. Needs no database and no secret, and reads "
        "nothing from and writes nothing to the database. The file is held to the same limits "
        "as an import (size, paragraphs, parse time)."
    )
    # No system checks: they would read settings this command does not need.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="A .txt, .md, .pdf or .docx file.")
        parser.add_argument(
            "--format",
            choices=["json", "text"],
            default="text",
            help="json for other tools (docs/parse-output.schema.json), text for people (default).",
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["path"])
        try:
            parsed = parse(document_text(path))
        except (UnreadableDocument, ImportFailed) as exc:
            raise CommandError(f"{path}: {exc}") from None
        for warning in parsed.warnings:  # on stderr, so that the JSON on stdout stays whole
            self.stderr.write(self.style.WARNING(f"{path}: {warning}"))
        if options["format"] == "json":
            self.stdout.write(json.dumps(parsed.to_dict(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"Symbol: {parsed.symbol or '–'}")
        self.stdout.write(f"Date:   {parsed.date.isoformat() if parsed.date else '–'}")
        self.stdout.write(f"Title:  {parsed.title or '–'}")
        self.stdout.write(f"Preambular paragraphs: {len(parsed.preambular)}")
        self.stdout.write(f"Operative paragraphs:  {len(parsed.operative)}")
        for para in parsed.operative:
            self._write(para, str(para.number), 0)

    def _write(self, para: ParsedParagraph, ref: str, depth: int) -> None:
        indent = "  " * depth
        facts = [para.verb or "–", para.strength]
        if para.addressees:
            facts.append("to " + ", ".join(para.addressees))
        for deadline in para.deadlines:
            when = deadline.due.isoformat() if deadline.due else deadline.recurrence
            facts.append(f'"{deadline.text}" → {when}')
        self.stdout.write(f"{indent}{ref:<10} {' | '.join(facts)}")
        for sub in para.subparagraphs:
            self._write(sub, f"{ref}({sub.label})", depth + 1)
