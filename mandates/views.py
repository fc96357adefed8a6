"""Pages of the mandates app outside the admin."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404

from mandates.models import StatusUpdate


@login_required
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    """Serve an evidence file to people who may read status updates, as a download."""
    if not request.user.has_perm("mandates.view_statusupdate"):
        raise PermissionDenied
    return evidence_download(get_object_or_404(StatusUpdate, pk=pk))


def evidence_download(update: StatusUpdate) -> FileResponse:
    """The update's evidence file, streamed as an attachment that browsers must not sniff into
    something else; 404 when it has none or the file is gone. The caller checks the right to
    read it (the page above, and the API)."""
    if not update.evidence_file:
        raise Http404
    try:
        handle = update.evidence_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=PurePath(update.evidence_file.name or "evidence").name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
