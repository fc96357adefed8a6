"""The Django admin: where SSR staff and focal points record their work.

Every changelist loads what its columns show with ``list_select_related``, a prefetch or an
annotation, so its query count does not grow with the number of rows (tests/mandates/test_admin.py).
Row-level rules (who may change what) come from :mod:`mandates.organisation.permissions`.
"""

from mandates.admin import (
    activities,
    benchmarks,
    documents,
    fulfilment,
    integration,
    lines,
    organisation,
    requests,
    sg_reports,
)

__all__ = [
    "activities",
    "benchmarks",
    "documents",
    "fulfilment",
    "integration",
    "lines",
    "organisation",
    "requests",
    "sg_reports",
]
