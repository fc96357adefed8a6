"""Writes of documents and their paragraphs, with their rules. The admin (a document's page,
its paragraph rows and the paragraphs' own page) calls these; importing a document's text is
:func:`mandates.documents.importing.import_document`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from mandates.models import Document, Paragraph
from ssrtracker.writes import checked_save, service


@service
@transaction.atomic
def document_save(
    *, document: Document, by: User | None, m2m: dict[str, Iterable[Any]] | None = None
) -> Document:
    """Add a document or save the changes made to one."""
    return checked_save(
        document, by=by, m2m=m2m, refused=_("Your role does not allow changing documents.")
    )


@service
@transaction.atomic
def paragraph_save(
    *, paragraph: Paragraph, by: User | None, m2m: dict[str, Iterable[Any]] | None = None
) -> Paragraph:
    """Add a paragraph or save the changes made to one (its text, kind, themes, ...)."""
    return checked_save(
        paragraph, by=by, m2m=m2m, refused=_("Your role does not allow changing paragraphs.")
    )
