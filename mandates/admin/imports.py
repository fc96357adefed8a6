"""The admin's "Import" button on the requests, status updates and assessments lists: upload a
CSV or XLSX sheet, see what each row would do (a dry run), then confirm. The sheet is kept
between the two steps (:mod:`mandates.imports.pending`); nothing is written until the
confirmation, and nothing at all if any row has an error."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from mandates.admin.common import acting_user
from mandates.imports import pending, sheets
from mandates.imports.tracker import COLUMNS, ImportReport, Kind, can_import, run_import
from ssrtracker import limits


class SheetUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Sheet"),
        help_text=_("A .csv or .xlsx file; its first row names the columns."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > limits.MAX_SPREADSHEET_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(megabytes)s MB: it was not read."),
                code="too_large",
                params={"megabytes": limits.MAX_SPREADSHEET_BYTES // 2**20},
            )
        try:
            self.cleaned_data["file_format"] = sheets.format_of(upload.name)
        except sheets.UnreadableSheet as exc:
            raise forms.ValidationError(str(exc), code="format") from None
        return upload


class SheetImportMixin:
    """Adds ``import/`` to a model's admin, and its button to the list."""

    import_kind: Kind
    admin_site: Any
    model: Any
    change_list_template: ClassVar[Any] = "admin/mandates/import_change_list.html"

    def _import_url_name(self) -> str:
        meta = self.model._meta
        return f"{meta.app_label}_{meta.model_name}_import"

    def get_urls(self) -> list[Any]:
        urls = super().get_urls()  # type: ignore[misc]
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name=self._import_url_name()), *urls]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        extra = dict(extra_context or {})
        if can_import(request.user, self.import_kind):
            extra["import_url"] = reverse(f"admin:{self._import_url_name()}")
        return super().changelist_view(request, extra_context=extra)  # type: ignore[misc]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not can_import(request.user, self.import_kind):
            raise PermissionDenied
        if request.method == "POST" and "confirm" in request.POST:
            return self._confirm(request)
        form = SheetUploadForm(request.POST or None, request.FILES or None)
        report = token = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read(limits.MAX_SPREADSHEET_BYTES + 1)
            report = run_import(
                kind=self.import_kind,
                data=data,
                file_format=form.cleaned_data["file_format"],
                by=acting_user(request),
                dry_run=True,
                filename=upload.name,
            )
            if report.ok:
                token = pending.store(
                    data=data,
                    user_id=int(request.user.pk or 0),
                    kind=self.import_kind,
                    file_format=form.cleaned_data["file_format"],
                    filename=upload.name,
                )
        return self._page(request, form=form, report=report, token=token)

    def _confirm(self, request: HttpRequest) -> HttpResponse:
        token = request.POST.get("token", "")
        here = reverse(f"admin:{self._import_url_name()}")
        try:
            data, file_format, filename = pending.load(
                token, user_id=int(request.user.pk or 0), kind=self.import_kind
            )
        except pending.Expired:
            messages.error(request, _("The preview has expired: upload the file again."))
            return HttpResponseRedirect(here)
        report = run_import(
            kind=self.import_kind,
            data=data,
            file_format=file_format,
            by=acting_user(request),
            dry_run=False,
            filename=filename,
        )
        if not report.ok:
            # The data changed since the preview: nothing was written; show why.
            messages.error(request, _("Nothing was imported: some rows have errors."))
            return self._page(request, form=SheetUploadForm(), report=report, token=None)
        pending.discard(token)
        messages.success(request, _("Imported: %s") % report.summary())
        meta = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))

    def _page(
        self,
        request: HttpRequest,
        *,
        form: SheetUploadForm,
        report: ImportReport | None,
        token: str | None,
    ) -> HttpResponse:
        columns = [c for c in COLUMNS[self.import_kind] if not c.ignored]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import %(things)s from a sheet")
            % {"things": self.model._meta.verbose_name_plural},
            "form": form,
            "report": report,
            "token": token,
            "columns": columns,
            "max_rows": limits.MAX_SPREADSHEET_ROWS,
        }
        return TemplateResponse(request, "admin/mandates/import_sheet.html", context)
