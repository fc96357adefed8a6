"""Property tests for the entry points that take a document's text or file: whatever comes in,
the import either succeeds or says why with ``ImportFailed``, and a failure writes nothing.

The parser alone has its own properties (``tests/mandates/parser/test_properties.py``); these
cover what is built on it: ``import_document`` (the command and the admin call it) and the
admin's upload, preview and confirm pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mandates.documents.importing import ImportFailed, import_document
from mandates.models import AddresseeRoute, Document, Paragraph, Request, StatusUpdate
from tests.factories import UnitFactory
from tests.mandates.parser.test_properties import FRAGMENTS, mutated_seed

pytestmark = pytest.mark.django_db

# A fixed search (like the schemathesis run) so that CI is repeatable.
EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Inputs: raw bytes, text built from what the parser reacts to (with a symbol, so that it gets
# past the first check), and real resolutions damaged line by line, as text or as bytes.
DOCUMENTS = st.one_of(
    st.binary(max_size=3000),
    st.lists(FRAGMENTS, max_size=80).map(lambda parts: "S/RES/9999 (2020)\n" + " ".join(parts)),
    mutated_seed(),
    mutated_seed().map(lambda text: text.encode("cp1252", errors="replace")),
)


def _counts() -> dict[str, int]:
    return {
        "documents": Document.objects.count(),
        "document history": Document.history.count(),
        "paragraphs": Paragraph.objects.count(),
        "paragraph history": Paragraph.history.count(),
        "requests": Request.objects.count(),
        "request history": Request.history.count(),
        "status updates": StatusUpdate.objects.count(),
    }


@pytest.fixture
def routes() -> None:
    ssru = UnitFactory.create(acronym="SSRU")
    AddresseeRoute.objects.create(addressee="Secretary-General", lead_unit=ssru)
    AddresseeRoute.objects.create(addressee="missions", lead_unit=ssru)


@contextmanager
def rolled_back() -> Iterator[None]:
    """Each example runs in a savepoint that is rolled back, so examples do not see each other."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@EXAMPLES
@given(data=DOCUMENTS)
def test_import_succeeds_or_fails_cleanly_with_nothing_written(routes, data):
    with rolled_back():
        before = _counts()
        try:
            report = import_document(data=data)
        except ImportFailed as exc:
            message = str(exc)
            assert message, "an import failure says why"
            assert _counts() == before, "a failed import wrote something"
        else:
            assert report.document_id is not None
            assert Document.objects.filter(pk=report.document_id).exists()


@EXAMPLES
@given(data=DOCUMENTS, kind=st.sampled_from(["", "resolution", "draft_resolution", "bogus"]))
def test_admin_upload_previews_or_explains_and_writes_nothing(routes, staff_a, client, data, kind):
    client.force_login(staff_a)
    url = reverse("admin:mandates_document_import")

    with rolled_back():
        before = _counts()
        content = data if isinstance(data, bytes) else data.encode()
        upload = SimpleUploadedFile("upload.txt", content)
        preview = client.post(url, {"file": upload, "kind": kind, "symbol": ""})

        assert preview.status_code == 200
        assert _counts() == before, "the preview wrote something"
        if "mandates_import_preview" not in client.session:
            return
        confirmed = client.post(url, {"confirm": "1"})
        assert confirmed.status_code == 302
        if confirmed.url == url:  # refused: the message says why, and nothing was written
            assert _counts() == before
        else:
            assert Document.objects.count() >= before["documents"]
