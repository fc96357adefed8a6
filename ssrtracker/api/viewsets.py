"""Base viewsets of the API, shared by every app's endpoints."""

from __future__ import annotations

from rest_framework import viewsets

from ssrtracker.api.etags import ETagMixin


class ReadOnlyViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    """Read-only reference data."""

    lookup_value_regex = r"[0-9]+"
