"""Admin pages on documents: import from text with a preview, and compare two documents."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from mandates.admin.common import acting_user
from mandates.choices import DocumentKind
from mandates.documents.importing import ImportFailed, decode_text, import_document, read_document
from mandates.documents.selectors import compare_documents
from mandates.models import Document, Paragraph, Request
from mandates.requests.querysets import without_document_text
from mandates.requests.services import WorkflowError, request_carry_forward
from ssrtracker import limits
from ssrtracker.limits import bounded_int

_SESSION_KEY = "mandates_import_preview"

#: How the comparison names what happened to a paragraph (mandates.documents.compare).
CHANGE_LABELS = {
    "unchanged": _("unchanged"),
    "modified": _("modified"),
    "moved": _("moved"),
    "new": _("new"),
    "dropped": _("dropped"),
}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Text of the document"),
        help_text=_(
            "A .txt or .md file: text copied or extracted from the PDF, markdown, or one "
            "paragraph per line. UTF-8 or Latin-1."
        ),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("Guess from the symbol")), *DocumentKind.choices],
        required=False,
    )
    symbol = forms.CharField(
        label=_("Symbol"),
        required=False,
        max_length=100,
        help_text=_("Only when the text does not name it, e.g. S/2014/302."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > limits.MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(megabytes)s MB: it was not read."),
                code="too_large",
                params={"megabytes": f"{limits.MAX_DOCUMENT_BYTES / 2**20:g}"},
            )
        return upload


def _ticked(request: HttpRequest) -> set[str] | None:
    """The references of the requests ticked in the preview; None when the form did not send
    its ticks (the import then proposes the SSR-relevant paragraphs)."""
    if "selection" not in request.POST:
        return None
    return {
        reference[:100]
        for reference in request.POST.getlist("select")[: limits.MAX_DOCUMENT_PARAGRAPHS]
    }


class DocumentToolsMixin:
    """Adds ``import/`` and ``<id>/compare/`` to the document admin."""

    admin_site: Any
    model: type[Document]

    def get_urls(self) -> list[Any]:
        urls = super().get_urls()  # type: ignore[misc]
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="mandates_document_import"),
            path(
                "<path:object_id>/compare/",
                wrap(self.compare_view),
                name="mandates_document_compare",
            ),
            *urls,
        ]

    def _context(self, request: HttpRequest, **extra: Any) -> dict[str, Any]:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **extra}

    # --- import ---------------------------------------------------------------------------

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("mandates.import_document"):
            raise PermissionDenied
        if request.method == "POST" and "confirm" in request.POST:
            return self._confirm_import(request)
        form = ImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            options = {"kind": form.cleaned_data["kind"] or None}
            options["symbol"] = form.cleaned_data["symbol"] or None
            try:
                data = read_document(form.cleaned_data["file"])
                report = import_document(
                    data=data, dry_run=True, by=acting_user(request), **options
                )
            except ImportFailed as exc:
                form.add_error("file", str(exc))
            else:
                request.session[_SESSION_KEY] = {"text": decode_text(data), **options}
        context = self._context(
            request, title=_("Import a document from its text"), form=form, report=report
        )
        return TemplateResponse(request, "admin/mandates/document/import.html", context)

    def _confirm_import(self, request: HttpRequest) -> HttpResponse:
        pending = request.session.pop(_SESSION_KEY, None)
        if not pending:
            messages.error(request, _("The preview has expired: upload the file again."))
            return HttpResponseRedirect(reverse("admin:mandates_document_import"))
        try:
            report = import_document(
                data=pending["text"],
                kind=pending.get("kind"),
                symbol=pending.get("symbol"),
                by=acting_user(request),
                select=_ticked(request),
            )
        except ImportFailed as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(reverse("admin:mandates_document_import"))
        messages.success(request, report.summary())
        for warning in report.warnings:
            messages.warning(request, warning)
        return HttpResponseRedirect(
            reverse("admin:mandates_document_change", args=[report.document_id])
        )

    # --- compare and carry forward ----------------------------------------------------------

    def compare_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if not request.user.has_perm("mandates.view_document"):
            raise PermissionDenied
        # Paragraphs are compared, not source texts: those are left out of every document here.
        documents = without_document_text(Document.objects.all())
        new = get_object_or_404(documents, pk=object_id)
        candidates = documents.exclude(pk=new.pk).filter(paragraphs__isnull=False).distinct()
        other_id = request.GET.get("with") or request.POST.get("with")
        default = (
            new.predecessor_id
            or new.draft_of_id
            or (new.drafts.values_list("pk", flat=True).first())
        )
        old = None
        if other_id:
            other_pk = bounded_int(other_id)
            old = candidates.filter(pk=other_pk).first() if other_pk is not None else None
        elif default:
            old = candidates.filter(pk=default).first()
        if request.method == "POST" and old is not None:
            self._carry_forward(request, old, new)
            url = reverse("admin:mandates_document_compare", args=[new.pk])
            return HttpResponseRedirect(f"{url}?with={old.pk}")
        rows = compare_documents(old, new) if old is not None else []
        # A paragraph both renumbered and edited counts once as moved and once as modified.
        counts: dict[str, int] = {}
        for row in rows:
            row.changes = [(change, CHANGE_LABELS[change]) for change in row.alignment.changes]
            for change in row.alignment.changes:
                counts[change] = counts.get(change, 0) + 1
        context = self._context(
            request,
            title=_("Compare %(old)s → %(new)s")
            % {"old": old.symbol if old else "…", "new": new.symbol},
            document=new,
            other=old,
            candidates=candidates.order_by("-date", "symbol"),
            rows=rows,
            counts=[(status, n, CHANGE_LABELS[status]) for status, n in sorted(counts.items())],
            can_carry_forward=request.user.has_perm("mandates.carry_forward_requests"),
        )
        return TemplateResponse(request, "admin/mandates/document/compare.html", context)

    def _carry_forward(self, request: HttpRequest, old: Document, new: Document) -> None:
        if not request.user.has_perm("mandates.carry_forward_requests"):
            raise PermissionDenied
        pairs = []
        for value in request.POST.getlist("carry"):
            request_part, _sep, paragraph_part = value.partition(":")
            request_id, paragraph_id = bounded_int(request_part), bounded_int(paragraph_part)
            if request_id is not None and paragraph_id is not None:
                pairs.append((request_id, paragraph_id))
        if not pairs:
            messages.warning(request, _("Select the requests to carry forward."))
            return
        sources = Request.objects.in_bulk([r for r, _p in pairs])
        paragraphs = Paragraph.objects.filter(document=new).in_bulk([p for _r, p in pairs])
        done: list[str] = []
        with transaction.atomic():
            for request_id, paragraph_id in pairs:
                source, target = sources.get(request_id), paragraphs.get(paragraph_id)
                if source is None or target is None:
                    continue
                try:
                    successor = request_carry_forward(
                        request=source, paragraph=target, by=acting_user(request)
                    )
                except (WorkflowError, PermissionDenied) as exc:
                    messages.warning(request, f"{source.reference}: {exc}")
                else:
                    done.append(f"{source.reference} → {successor.reference}")
        if done:
            messages.success(request, _("Carried forward: %s") % "; ".join(done))
