"""Validators for what people upload."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import FileExtensionValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

EVIDENCE_EXTENSIONS = ["pdf", "docx", "doc", "odt", "xlsx", "xls", "ods", "pptx", "txt", "csv"]
EVIDENCE_EXTENSIONS += ["png", "jpg", "jpeg"]

evidence_extension = FileExtensionValidator(allowed_extensions=EVIDENCE_EXTENSIONS)


@deconstructible
class MaxFileSize:
    def __init__(self, megabytes: int) -> None:
        self.megabytes = megabytes

    def __call__(self, value: File) -> None:
        if value.size is not None and value.size > self.megabytes * 1024 * 1024:
            raise ValidationError(
                _("The file is %(size).1f MB; the limit is %(limit)d MB."),
                code="file_too_large",
                params={"size": value.size / 1024 / 1024, "limit": self.megabytes},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MaxFileSize) and other.megabytes == self.megabytes

    def __hash__(self) -> int:
        return hash(self.megabytes)
