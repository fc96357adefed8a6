"""The API's spreadsheet imports: ``POST /api/v1/<list>/import/`` with a CSV or XLSX file.

The rows go through :func:`mandates.imports.tracker.run_import` with the caller's rights; the
answer lists each row's outcome. ``dry_run=true`` previews; an error in any row writes nothing
and answers 400 with the same per-row list.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request as HttpRequest
from rest_framework.response import Response

from mandates.imports import sheets
from mandates.imports.tracker import COLUMNS, Kind, can_import, run_import
from ssrtracker import limits
from ssrtracker.api.parsers import MultiPartParser
from ssrtracker.api.permissions import TokenScopePermission

FORMATS = list(sheets.FORMATS)


class ImportFileSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("The sheet: a .csv or .xlsx file, header first."))
    file_format = serializers.ChoiceField(
        choices=FORMATS,
        required=False,
        help_text=_("csv or xlsx; by default read from the file's extension."),
    )

    def validate_file(self, value: Any) -> Any:
        if value.size > limits.MAX_SPREADSHEET_BYTES:
            raise serializers.ValidationError(
                _("The file is larger than %(megabytes)d MB: it was not read.")
                % {"megabytes": limits.MAX_SPREADSHEET_BYTES // 2**20}
            )
        return value


class ImportCellErrorSerializer(serializers.Serializer):
    column = serializers.CharField(help_text=_("The column's name in the sheet; empty: the row."))
    message = serializers.CharField()


class ImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text=_("The row's number in the sheet (the header is 1)."))
    key = serializers.CharField(help_text=_("What the row names: a reference, a date."))
    action = serializers.ChoiceField(choices=["created", "updated", "unchanged", "error"])
    changes = serializers.ListField(child=serializers.CharField())
    errors = ImportCellErrorSerializer(many=True)


class ImportCountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    error = serializers.IntegerField()


class ImportReportSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[str(kind) for kind in Kind])
    dry_run = serializers.BooleanField()
    written = serializers.BooleanField(help_text=_("Whether the rows were saved."))
    counts = ImportCountsSerializer()
    errors = ImportCellErrorSerializer(many=True, help_text=_("Errors of the file itself."))
    rows = ImportRowSerializer(many=True)


class ImportPermission(BasePermission):
    """Importing a kind needs one of its permissions; each row then obeys the row rules."""

    message = _("Your role does not allow importing these.")

    def has_permission(self, request: HttpRequest, view: Any) -> bool:
        return can_import(request.user, view.import_kind)


PERMISSIONS = [IsAuthenticated, TokenScopePermission, ImportPermission]
PARSERS = [MultiPartParser]


#: A refused import: the report with its errors, or the API's usual error body.
REFUSED_SCHEMA = {
    "anyOf": [
        {"$ref": "#/components/schemas/ImportReport"},
        {"$ref": "#/components/schemas/Error"},
    ]
}


def schema(kind: Kind, what: str) -> dict[str, Any]:
    """The OpenAPI description of one import operation."""
    columns = ", ".join(f"`{c.label}`" for c in COLUMNS[kind] if not c.ignored)
    return {
        "summary": f"Import {what} from a CSV or XLSX sheet",
        "description": (
            f"Send the sheet as multipart/form-data in `file`. Its columns: {columns} (see the "
            "README, “Bringing an existing tracker in”). Each row goes through the same rules as "
            "a change made one by one, with your rights. With `dry_run=true` nothing is "
            "written: the answer says what each row would do. If any row has an error, nothing "
            "is written and the answer is 400 with each row's errors (row number, column, "
            "message)."
        ),
        "parameters": [
            OpenApiParameter(
                "dry_run",
                OpenApiTypes.BOOL,
                description=_("true: preview only, nothing written."),
            )
        ],
        "request": {"multipart/form-data": ImportFileSerializer},
        "responses": {
            200: ImportReportSerializer,
            400: OpenApiResponse(
                response=REFUSED_SCHEMA,
                description=(
                    "A row has an error (the report, each row with its errors; nothing "
                    "written), or the request itself is invalid (no file, an unknown format)."
                ),
            ),
        },
    }


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def respond(request: HttpRequest, kind: Kind) -> Response:
    upload = ImportFileSerializer(data=request.data)
    upload.is_valid(raise_exception=True)
    file = upload.validated_data["file"]
    try:
        file_format = sheets.format_of(file.name, upload.validated_data.get("file_format"))
    except sheets.UnreadableSheet as exc:
        raise serializers.ValidationError({"file": [str(exc)]}) from None
    report = run_import(
        kind=kind,
        data=file.read(limits.MAX_SPREADSHEET_BYTES + 1),
        file_format=file_format,
        by=request.user,
        dry_run=_truthy(request.query_params.get("dry_run")),
        filename=file.name,
    )
    code = status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST
    return Response(report.to_dict(), status=code)
