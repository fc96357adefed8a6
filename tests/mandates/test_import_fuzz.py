"""Fuzz the import service and the two commands under small document limits.

The import of random text succeeds or fails with ImportFailed (OverLimit for a limit) and
writes nothing; a success has unique paragraph references, no more top-level paragraphs than
the limit, and no due date outside EARLIEST_DATE..LATEST_DATE. ``parse_document`` and
``import_document`` given random paths and flags succeed or raise CommandError, nothing else.
Each example runs in a savepoint that is rolled back. The search is fixed and bounded.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from hypothesis import given, settings
from hypothesis import strategies as st

from mandates.documents.importing import ImportFailed, import_document
from mandates.models import AddresseeRoute, Document, Paragraph, Request
from ssrtracker import limits
from tests.factories import UnitFactory
from tests.mandates.parser.test_fuzz_limits import ADOPTED, DATES, DOCUMENTS, FUZZ, LIMIT
from tests.mandates.parser.test_limits import HEAD, numbered_text
from tests.mandates.test_import_properties import _counts, rolled_back
from tests.robustness import examples

pytestmark = pytest.mark.django_db

IMPORT_FUZZ = settings(FUZZ, max_examples=examples(150))
COMMAND_FUZZ = settings(FUZZ, max_examples=examples(200))
SIZE_LIMIT = 40_000


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Limits small enough that random input reaches them."""
    monkeypatch.setattr(limits, "MAX_DOCUMENT_PARAGRAPHS", LIMIT)
    monkeypatch.setattr(limits, "MAX_DOCUMENT_BYTES", SIZE_LIMIT)
    ssru = UnitFactory.create(acronym="SSRU")
    AddresseeRoute.objects.create(addressee="Secretary-General", lead_unit=ssru)
    AddresseeRoute.objects.create(addressee="missions", lead_unit=ssru)


def _import_problems(data: bytes | str) -> list[str]:
    with rolled_back():
        before = _counts()
        try:
            report = import_document(data=data, symbol_fallback="S/RES/9999 (2020)")
        except ImportFailed as exc:
            if not str(exc) or "\n" in str(exc):
                return [f"unclear message {exc!r}"]
            return [] if _counts() == before else ["a failed import wrote something"]
        except Exception as exc:
            return [f"{type(exc).__name__}: {exc}"]
        document = Document.objects.get(symbol=report.symbol)
        problems = []
        paragraphs = Paragraph.objects.filter(document=document)
        if paragraphs.filter(parent=None).count() > LIMIT:
            problems.append("more paragraphs than the limit")
        if paragraphs.values("ref").annotate(n=Count("pk")).filter(n__gt=1).exists():
            problems.append("a paragraph reference twice")
        dues = Request.objects.filter(source_document=document).values_list("due_date", flat=True)
        if any(d is not None and not limits.date_in_range(d) for d in dues):
            problems.append("a due date out of range")
        return problems


# A resolution whose paragraphs ask the Secretary-General for reports by random dates, adopted
# on a random date: what turns into requests and due dates.
_ASKS = st.builds(
    lambda adopted, dates: "\n".join(
        [
            HEAD.replace(
                "Adopted by the Security Council at its 9000th meeting, on 1 January 2020", adopted
            ),
            *(
                f"{n}. Requests the Secretary-General to report {d};"
                for n, d in enumerate(dates, 1)
            ),
        ]
    ),
    ADOPTED,
    st.lists(DATES | st.sampled_from(["within 90 days", "every three months"]), max_size=8),
)


def test_import_of_random_text(small_limits, robustness) -> None:
    tried = 0
    failures: list[str] = []
    texts = st.one_of(
        DOCUMENTS,
        DOCUMENTS.map(lambda text: text.encode("utf-8")),
        st.binary(max_size=3000),
        st.integers(1, 3 * LIMIT).map(numbered_text),
        _ASKS,
    )

    @IMPORT_FUZZ
    @given(texts)
    def feed(data: bytes | str) -> None:
        nonlocal tried
        tried += 1
        failures.extend(f"{p} for {data[:120]!r}" for p in _import_problems(data))

    feed()
    robustness.record("import: random text", cases=tried, failures=len(failures))
    assert failures == []


# --- the commands ----------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path, small_limits):
    """Real files of each kind a path may name, for the random command lines to pick from."""
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "S-RES-9999-2020.txt").write_text(numbered_text(3))
    (tmp_path / "folder" / "big.md").write_text(numbered_text(1000))
    (tmp_path / "folder" / "empty.txt").write_bytes(b"")
    (tmp_path / "folder" / "dir.txt").mkdir()
    paths = {
        "good": tmp_path / "folder" / "S-RES-9999-2020.txt",
        "many": tmp_path / "many.txt",
        "large": tmp_path / "large.txt",
        "binary": tmp_path / "binary.txt",
        "folder": tmp_path / "folder",
        "missing": tmp_path / "missing.txt",
    }
    paths["many"].write_text(numbered_text(2 * LIMIT))
    with paths["large"].open("wb") as file:
        file.truncate(SIZE_LIMIT + 1)
    paths["binary"].write_bytes(bytes(range(256)) * 10)
    return paths


_ANY_TEXT = st.text(max_size=30)


def _command_line(paths: dict) -> st.SearchStrategy[tuple[str, list[str]]]:
    real = st.sampled_from([str(p) for p in paths.values()])
    path = st.one_of(
        real,
        real,
        st.sampled_from(["/", "/dev/null", "/dev/zero", ".", "", "-", "x" * 5000]),
        _ANY_TEXT,
        _ANY_TEXT.map(lambda t: t + "\x00"),
    )
    flag = st.one_of(
        st.tuples(
            st.just("--kind"), st.sampled_from(["resolution", "draft_resolution"]) | _ANY_TEXT
        ),
        st.tuples(
            st.just("--symbol"), st.sampled_from(["S/RES/1 (2000)", "S/" + "9" * 200]) | _ANY_TEXT
        ),
        st.tuples(st.just("--corpus"), path),
        st.tuples(st.just("--format"), st.sampled_from(["json", "text"]) | _ANY_TEXT),
        st.tuples(st.sampled_from(["--dry-run", "--bogus", "-v", "--verbosity"])),
    )
    return st.tuples(
        st.sampled_from(["parse_document", "import_document"]),
        st.tuples(st.lists(path, min_size=1, max_size=2), st.lists(flag, max_size=3)).map(
            lambda parts: [*parts[0], *(arg for f in parts[1] for arg in f)]
        ),
    )


def test_commands_with_random_paths_and_flags(files, robustness) -> None:
    tried = 0
    failures: list[str] = []

    @COMMAND_FUZZ
    @given(_command_line(files))
    def feed(command_line: tuple[str, list[str]]) -> None:
        nonlocal tried
        tried += 1
        name, args = command_line
        with rolled_back():
            try:
                call_command(name, *args, stdout=io.StringIO(), stderr=io.StringIO())
            except CommandError as exc:
                if not str(exc):
                    failures.append(f"empty CommandError for {command_line!r}")
            except Exception as exc:
                failures.append(f"{type(exc).__name__}: {exc} for {str(command_line)[:200]}")

    feed()
    robustness.record("commands: random paths and flags", cases=tried, failures=len(failures))
    assert failures == []
