"""Documents of the Security Council and the Secretariat, their paragraphs, and themes."""

from __future__ import annotations

import re

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mandates.base_models import ArchivableModel, TimestampedModel, choices_check, in_language
from mandates.choices import DocumentBody, DocumentKind, ParagraphKind, ThemeKind
from ssrtracker.limits import sane_date

__all__ = ["Document", "Paragraph", "Theme"]

# "S/RES/2553 (2020)", "S/2014/302", "S/PRST/2007/3", "A/62/659": the official document symbol
# (before any "-S/..." joint symbol), which the UN document system resolves.
_SYMBOL_RE = re.compile(r"^(?P<symbol>[A-Z]+(?:/[A-Z0-9.]+)+(?: \(\d{4}\))?)(?:-[A-Z].*)?$")
UNDOCS_URL = "https://undocs.org/en/{symbol}"


class Theme(ArchivableModel):
    """A cross-cutting theme, a security-sector component or a sector-wide governance area."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_fr = models.CharField(
        _("name in French"), max_length=200, blank=True, default="", db_default=""
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ThemeKind.choices)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [choices_check("kind", ThemeKind)]

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        return in_language(self.name, self.name_fr)


class Document(TimestampedModel):
    """A resolution, draft, presidential statement or report, with its full source text."""

    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices)
    symbol = models.CharField(
        _("symbol"),
        max_length=100,
        unique=True,
        help_text=_('The official symbol, e.g. "S/RES/2553 (2020)" or "S/2014/302".'),
    )
    citation_label = models.CharField(
        _("citation label"),
        max_length=60,
        help_text=_('How a paragraph of it is cited, e.g. "2553 (2020)" in "2553 (2020) OP20(e)".'),
    )
    body = models.CharField(
        _("body"),
        max_length=30,
        choices=DocumentBody.choices,
        default=DocumentBody.SECURITY_COUNCIL,
    )
    date = models.DateField(
        _("date"),
        null=True,
        blank=True,
        help_text=_("Adoption or issue date."),
        validators=[sane_date],
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    source_text = models.TextField(_("source text"), blank=True)
    draft_of = models.ForeignKey(
        "self",
        verbose_name=_("draft of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="drafts",
        help_text=_("For a draft: the text it became once adopted."),
    )
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("predecessor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        help_text=_("The document this one follows or renews (2553 follows 2151)."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "symbol"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        permissions = [
            ("import_document", _("Can import documents from their text")),
            ("carry_forward_requests", _("Can carry requests forward to a successor document")),
        ]
        constraints = [
            choices_check("kind", DocumentKind),
            choices_check("body", DocumentBody),
            models.CheckConstraint(
                condition=Q(draft_of__isnull=True) | Q(kind=DocumentKind.DRAFT_RESOLUTION),
                name="%(app_label)s_%(class)s_draft_of_only_on_drafts",
                violation_error_message=_("Only a draft resolution can be the draft of another."),
            ),
            models.CheckConstraint(
                condition=~Q(draft_of=F("pk")) & ~Q(predecessor=F("pk")),
                name="%(app_label)s_%(class)s_not_linked_to_itself",
                violation_error_message=_("A document cannot be its own draft or predecessor."),
            ),
        ]
        indexes = [
            # Document lists filtered by kind, newest first.
            models.Index(fields=["kind", "-date"], name="mandates_doc_kind_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.symbol} {self.title}".strip() if self.title else self.symbol

    @property
    def url(self) -> str:
        """The address of the official text, built from the symbol ("" when it has none)."""
        match = _SYMBOL_RE.match(self.symbol)
        if not match:
            return ""
        return UNDOCS_URL.format(symbol=match["symbol"].replace(" ", ""))

    def cite(self, ref: str, kind: str = ParagraphKind.OPERATIVE) -> str:
        """The citation of one of its paragraphs: "2553 (2020) OP20(e)", "A/62/659 para. 45(a)"."""
        if kind == ParagraphKind.PREAMBULAR:
            return f"{self.citation_label} {ref}"
        if self.kind == DocumentKind.SG_REPORT:
            return f"{self.citation_label} para. {ref}"
        return f"{self.citation_label} OP{ref}"


class Paragraph(TimestampedModel):
    """A preambular or operative paragraph, or a lettered sub-paragraph of one.

    ``ref`` identifies it inside its document: ``PP3`` (third preambular), ``20``, ``20(e)``,
    ``20(a)(i)``. ``citation`` is the full citation, kept in the row so that lists, search and the
    API filter on it without joins.
    """

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="paragraphs"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ParagraphKind.choices)
    number = models.PositiveIntegerField(
        _("number"), help_text=_("Operative number, or the position among preambular paragraphs.")
    )
    label = models.CharField(
        _("sub-paragraph label"), max_length=10, blank=True, help_text=_('"e" for 20(e).')
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent paragraph"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    ref = models.CharField(_("reference"), max_length=40, editable=False)
    citation = models.CharField(_("citation"), max_length=120, editable=False, db_index=True)
    order = models.PositiveIntegerField(_("order"), help_text=_("Position in the document."))
    text = models.TextField(_("text"))
    lead_verb = models.CharField(_("lead verb"), max_length=60, blank=True)
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="paragraphs"
    )

    history = HistoricalRecords(m2m_fields=[themes])

    class Meta:
        ordering = ["document", "order"]
        verbose_name = _("paragraph")
        verbose_name_plural = _("paragraphs")
        constraints = [
            choices_check("kind", ParagraphKind),
            models.UniqueConstraint(
                fields=["document", "ref"],
                name="%(app_label)s_%(class)s_unique_ref",
                violation_error_message=_(
                    "This document already has a paragraph with this number."
                ),
            ),
            models.UniqueConstraint(
                fields=["document", "order"],
                name="%(app_label)s_%(class)s_unique_order",
                violation_error_message=_("Two paragraphs of a document cannot share a position."),
            ),
            models.CheckConstraint(
                condition=(Q(parent__isnull=True) & Q(label=""))
                | (Q(parent__isnull=False) & ~Q(label="")),
                name="%(app_label)s_%(class)s_label_iff_parent",
                violation_error_message=_("A sub-paragraph needs both a parent and a label."),
            ),
            models.CheckConstraint(
                condition=Q(kind=ParagraphKind.OPERATIVE) | Q(parent__isnull=True),
                name="%(app_label)s_%(class)s_only_operative_have_subparagraphs",
                violation_error_message=_("Preambular paragraphs have no sub-paragraphs."),
            ),
        ]

    def __str__(self) -> str:
        return self.citation or self.build_ref()

    def save(self, *args, **kwargs) -> None:
        self.ref = self.build_ref()
        self.citation = self.document.cite(self.ref, self.kind)
        super().save(*args, **kwargs)

    def build_ref(self) -> str:
        if self.kind == ParagraphKind.PREAMBULAR:
            return f"PP{self.number}"
        if self.parent is None:
            return str(self.number)
        return f"{self.parent.build_ref()}({self.label})"
