"""Print how a document's text parses, without touching the database."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mandates.documents.importing import ImportFailed, parse, read_document
from mandates.documents.parser import ParsedParagraph


class Command(BaseCommand):
    help = (
        "Parse a resolution (or draft, presidential statement, report with numbered paragraphs) "
        "and print its structure: symbol, date, paragraphs, verbs, addressees and deadlines. "
        "Reads nothing from and writes nothing to the database. The file is held to the same "
        "limits as an import (size, paragraphs, parse time)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="A text or markdown file.")
        parser.add_argument(
            "--format",
            choices=["json", "text"],
            default="text",
            help="json for other tools (a stable shape), text for people (default).",
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["path"])
        try:
            parsed = parse(read_document(path))
        except ImportFailed as exc:
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
