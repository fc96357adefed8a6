"""Import documents from their text: paragraphs, and proposed requests (see
mandates.documents.importing)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mandates.choices import DocumentKind
from mandates.documents.importing import (
    ImportFailed,
    ImportReport,
    Router,
    import_document,
    read_document,
    symbol_from_filename,
)
from ssrtracker.progressbar import Progress


class Command(BaseCommand):
    help = (
        "Import a resolution (or draft, statement, report) from its text: the document, every "
        "paragraph, and a request for each obligation or expectation addressed to the "
        "Secretary-General or a mission. Re-importing updates in place and keeps what staff "
        "edited. Each document is imported in one transaction: a failure writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, nargs="?", help="A text or markdown file.")
        parser.add_argument(
            "--corpus", type=Path, help="Import every .txt/.md file of this folder instead."
        )
        parser.add_argument("--kind", choices=DocumentKind.values, help="Document kind.")
        parser.add_argument("--symbol", help="The symbol, when the text does not name it.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change and write nothing."
        )

    def handle(self, *args, **options) -> None:
        if bool(options["path"]) == bool(options["corpus"]):
            raise CommandError("Give either one PATH or --corpus DIR.")
        if options["corpus"]:
            self.import_corpus(Path(options["corpus"]), options)
            return
        path = Path(options["path"])
        try:
            report = import_document(
                data=read_document(path),
                kind=options["kind"],
                symbol=options["symbol"] or self.symbol_if_unnamed(path),
                dry_run=options["dry_run"],
            )
        except ImportFailed as exc:
            raise CommandError(f"{path}: {exc} Nothing was imported.") from None
        self.print_report(report)

    def symbol_if_unnamed(self, path: Path) -> str | None:
        """The symbol from a file name like S-RES-2151-2014.txt, used when the text has none."""
        return symbol_from_filename(path.stem)

    def print_report(self, report: ImportReport) -> None:
        self.stdout.write(report.summary())
        for proposal in report.proposals:
            due = proposal.due_date.isoformat() if proposal.due_date else "no due date"
            kept = (
                f" (kept staff edits: {', '.join(proposal.kept_fields)})"
                if proposal.kept_fields
                else ""
            )
            self.stdout.write(
                f"  {proposal.action:<9} {proposal.reference:<16} {proposal.lead_unit:<12} "
                f"{due:<12} {proposal.recurrence:<16} {proposal.title[:60]}{kept}"
            )
        for renewal in report.renewals:
            until = renewal.expiry.isoformat() if renewal.expiry else "no date"
            self.stdout.write(
                f"  renewal {renewal.action:<9} OP{renewal.paragraph:<6} "
                f"{renewal.acronym or renewal.mission:<16} until {until}"
            )
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"  ! {warning}"))

    def import_corpus(self, folder: Path, options: dict) -> None:
        if not folder.is_dir():
            raise CommandError(f"Not a folder: {folder}")
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in {".txt", ".md"})
        if not files:
            raise CommandError(f"No .txt or .md files in {folder}")
        progress = Progress(len(files), label="import ")
        failures: list[tuple[str, str]] = []
        totals = {"documents": 0, "paragraphs": 0, "requests": 0}
        router = Router()  # the routing table, read once for the whole folder
        for path in files:
            try:
                report = import_document(
                    data=read_document(path),
                    kind=options["kind"],
                    dry_run=options["dry_run"],
                    router=router,
                    symbol_fallback=self.symbol_if_unnamed(path),
                )
            except ImportFailed as exc:
                failures.append((path.name, str(exc)))
            except Exception as exc:  # one bad file must not stop the run
                # Its transaction rolled back; the run goes on and lists it at the end.
                failures.append((path.name, f"unexpected error: {exc!r}"))
            else:
                totals["documents"] += 1
                totals["paragraphs"] += sum(report.paragraphs.values())
                totals["requests"] += sum(1 for p in report.proposals if p.action == "create")
            progress.advance(path.name)
        verb = "Would import" if options["dry_run"] else "Imported"
        self.stdout.write(
            f"{verb} {totals['documents']} of {len(files)} documents: "
            f"{totals['paragraphs']} paragraphs, {totals['requests']} new requests."
        )
        if failures:
            for name, reason in failures:
                self.stdout.write(self.style.WARNING(f"  {name}: {reason}"))
            raise CommandError(f"{len(failures)} file(s) could not be imported (listed above).")
