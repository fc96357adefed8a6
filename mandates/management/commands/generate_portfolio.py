"""Fill a scratch database with a large made-up portfolio for benchmarks:
``generate_portfolio --scale 1 --seed 1``."""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from mandates.models import Mission, Request, Unit
from mandates.sample_portfolio import (
    MISSION_PREFIX,
    REQUEST_PREFIX,
    UNIT_PREFIX,
    Portfolio,
    Table,
    sizes,
)
from ssrtracker.progressbar import Progress

CHUNK = 20_000


def _model_and_table(name: str) -> tuple[type[models.Model], str]:
    """The model and table of "mandates.Request", or of "mandates.Request.missions" (the
    through table)."""
    parts = name.split(".")
    model = apps.get_model(parts[0], parts[1])
    if len(parts) == 3:
        model = getattr(model, parts[2]).through
    return model, model._meta.db_table


def _chunks(rows: Iterable[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


class Command(BaseCommand):
    help = (
        "Generate a large, realistic, made-up portfolio (at scale 1: 100,000 requests and "
        "1,000,000 status updates) into an empty database, for benchmarks. Deterministic for a "
        "seed, a scale and a day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="0.1, 1 or 10 (default 1).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="Generate around this day (YYYY-MM-DD) instead of today.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add to a database that already holds real (not generated) data.",
        )
        parser.add_argument(
            "--yes", action="store_true", help="Run even with DEBUG off (a production setting)."
        )

    def handle(self, *args, **options) -> None:
        scale: float = options["scale"]
        if not 0 < scale <= 100:
            raise CommandError("--scale must be between 0 and 100.")
        if not settings.DEBUG and not options["yes"]:
            raise CommandError(
                "DEBUG is off, so this may be a production database: this command fills it with "
                "made-up data. Add --yes if this database is a scratch one."
            )
        if Request.objects.filter(reference__startswith=REQUEST_PREFIX).exists():
            self.stdout.write("This database already holds a generated portfolio; nothing done.")
            return
        real = (
            Request.objects.exists()
            or Mission.objects.exclude(acronym__startswith=MISSION_PREFIX).exists()
            or Unit.objects.exclude(acronym__startswith=UNIT_PREFIX).exists()
        )
        if real and not options["force"]:
            raise CommandError(
                "This database already holds requests, missions or units that were not "
                "generated. Use an empty database, or --force to add to it."
            )
        today = options["today"] or timezone.localdate()
        portfolio = Portfolio(scale=scale, seed=options["seed"], today=today, start=_next_ids())
        n = sizes(scale)
        estimate = n["requests"] * 16 + n["documents"] * 21 + n["benchmarks"] * 11 + n["users"]
        progress = Progress(max(estimate // CHUNK, 1), label="portfolio ")
        written = 0
        started = time.monotonic()
        counts: dict[str, int] = {}
        touched: list[type[models.Model]] = []
        with transaction.atomic():
            deferred = _Deferred()
            for table in portfolio.tables():
                model, db_table = _model_and_table(table.name)
                touched.append(model)
                deferred.set_aside(db_table)
                counts[table.name] = 0
                extra, values = _defaults(model, table.columns, is_m2m=table.name.count(".") > 1)
                for chunk in _chunks(table.rows):
                    if extra:
                        chunk = [(*row, *values) for row in chunk]
                    _insert(db_table, [*table.columns, *extra], chunk)
                    counts[table.name] += len(chunk)
                    written += len(chunk)
                    while progress.done < min(written // CHUNK, progress.total - 1):
                        progress.advance(table.name)
            _reset_sequences(touched)
            deferred.restore()
        while progress.done < progress.total:
            progress.advance("done")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.monotonic() - started
        for name, count in counts.items():
            self.stdout.write(f"  {name:<36} {count:>10,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated scale {scale:g} (seed {options['seed']}, around {today:%Y-%m-%d}) "
                f"in {elapsed:.1f} s."
            )
        )


def _defaults(
    model: type[models.Model], columns: list[str], *, is_m2m: bool
) -> tuple[list[str], list[Any]]:
    """Columns the generator does not set, with their model defaults ("" for text), so that
    fields added to the models later get their default rather than NULL."""
    if is_m2m:
        return [], []
    extra: list[str] = []
    values: list[Any] = []
    for field in model._meta.concrete_fields:
        if field.column is None or field.column in columns:
            continue
        if not field.has_default() and field.null:
            continue  # NULL is fine
        extra.append(field.column)
        values.append(field.get_db_prep_save(field.get_default(), connection))
    return extra, values


def _next_ids() -> dict[str, int]:
    """The first free id of each table the generator numbers itself."""
    keys = {
        "theme": "mandates.Theme",
        "mission": "mandates.Mission",
        "unit": "mandates.Unit",
        "user": "auth.User",
        "membership": "mandates.UnitMembership",
        "document": "mandates.Document",
        "paragraph": "mandates.Paragraph",
        "request": "mandates.Request",
        "update": "mandates.StatusUpdate",
        "benchmark": "mandates.Benchmark",
        "assessment": "mandates.BenchmarkAssessment",
    }
    start = {}
    for key, label in keys.items():
        model = apps.get_model(label)
        last = model._default_manager.aggregate(last=models.Max("pk"))["last"]
        start[key] = (last or 0) + 1
    return start


def _insert(db_table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is several times faster than INSERT for a million rows.
            with cursor.cursor.copy(f"COPY {quote(db_table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            # Reviewed (bandit B608): table and column names come from the models, quoted by the
            # backend; the values go through parameters.
            sql = f"INSERT INTO {quote(db_table)} ({names}) VALUES ({marks})"  # noqa: S608  # nosec B608
            cursor.executemany(sql, rows)


class _Deferred:
    """On PostgreSQL, a loaded table's foreign keys and secondary indexes are set aside while it
    is filled and put back once every table is: each foreign key is then checked by one join
    and each index built in one sort, not row by row (Django's foreign keys are deferred, so
    each row queued a check run at commit). All of it inside the load's transaction: if
    anything fails, the tables are as they were, constraints and indexes included. Primary
    keys and unique constraints stay, so a clash is still refused."""

    def __init__(self) -> None:
        self.constraints: list[tuple[str, str, str]] = []
        self.indexes: list[tuple[str, str]] = []
        self.active = connection.vendor == "postgresql"
        if self.active:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")

    def set_aside(self, db_table: str) -> None:
        if not self.active:
            return
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [quote(db_table)],
            )
            constraints = cursor.fetchall()
            cursor.execute(
                "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
                [quote(db_table)],
            )
            indexes = cursor.fetchall()
            for name, definition in constraints:
                # Names read from the catalogue, quoted by the backend.
                cursor.execute(f"ALTER TABLE {quote(db_table)} DROP CONSTRAINT {quote(name)}")
                self.constraints.append((db_table, name, definition))
            for name, definition in indexes:
                cursor.execute(f"DROP INDEX {quote(name)}")
                self.indexes.append((name, definition))

    def restore(self) -> None:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for _name, definition in self.indexes:
                cursor.execute(definition)
            for db_table, name, definition in self.constraints:
                cursor.execute(
                    f"ALTER TABLE {quote(db_table)} ADD CONSTRAINT {quote(name)} {definition}"
                )
        self.constraints, self.indexes = [], []


def _reset_sequences(models_: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


__all__ = ["Command", "Table"]
