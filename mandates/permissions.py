"""Who may change what. Row-level rules on top of the roles' model permissions.

- Administrators (and superusers) change everything.
- SSR staff read everything but change only the requests their units lead or support, and the
  benchmarks (with their assessments) their units are responsible for.
- Managers and API clients without change permissions read only.

The admin and the API both ask these functions, so the rules are written once.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from mandates import roles
from mandates.models import Benchmark, BenchmarkAssessment, Request, UnitMembership

_UNITS_CACHE = "_ssrtracker_unit_ids"
_ADMIN_CACHE = "_ssrtracker_is_administrator"


def is_administrator(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, _ADMIN_CACHE):
        setattr(user, _ADMIN_CACHE, user.groups.filter(name=roles.ADMINISTRATORS).exists())
    return bool(getattr(user, _ADMIN_CACHE))


def user_unit_ids(user: Any) -> frozenset[int]:
    """The ids of the units the user belongs to (one query, then cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if not hasattr(user, _UNITS_CACHE):
        ids = UnitMembership.objects.filter(user=user).values_list("unit_id", flat=True)
        setattr(user, _UNITS_CACHE, frozenset(ids))
    return frozenset(getattr(user, _UNITS_CACHE))


def editable_requests(user: Any, queryset: QuerySet[Request] | None = None) -> QuerySet[Request]:
    """The requests ``user`` may change."""
    queryset = Request.objects.all() if queryset is None else queryset
    if not user.has_perm("mandates.change_request"):
        return queryset.none()
    if is_administrator(user):
        return queryset
    return queryset.for_units(user_unit_ids(user))  # type: ignore[attr-defined]


def _request_in_units(user: Any, request: Request) -> bool:
    units = user_unit_ids(user)
    if request.lead_unit_id in units:
        return True
    return request.pk is not None and request.supporting_units.filter(pk__in=units).exists()


def can_change_request(user: Any, request: Request) -> bool:
    """Change its fields, archive it, or record a status update on it."""
    if not user.has_perm("mandates.change_request"):
        return False
    return is_administrator(user) or _request_in_units(user, request)


def can_make_lead(user: Any, request: Request, unit_id: int | None) -> bool:
    """May ``user`` make the unit ``unit_id`` lead ``request`` (new or existing)?

    Only administrators hand a request to another unit: SSR staff can make only one of their
    own units lead, or keep the lead it has. Otherwise a request could be given away and never
    taken back, since its new lead's requests are not theirs to change.
    """
    if unit_id is None or is_administrator(user):
        return True
    if request.pk is not None and unit_id == request.lead_unit_id:
        return True
    return unit_id in user_unit_ids(user)


def can_read_requests(user: Any) -> bool:
    """May ``user`` read requests and their deadlines (every role but none may)?"""
    return bool(getattr(user, "is_active", False)) and user.has_perm("mandates.view_request")


def can_add_status_update(user: Any, request: Request) -> bool:
    if not user.has_perm("mandates.add_statusupdate"):
        return False
    return is_administrator(user) or _request_in_units(user, request)


def editable_benchmarks(
    user: Any, queryset: QuerySet[Benchmark] | None = None
) -> QuerySet[Benchmark]:
    queryset = Benchmark.objects.all() if queryset is None else queryset
    if not user.has_perm("mandates.change_benchmark"):
        return queryset.none()
    if is_administrator(user):
        return queryset
    return queryset.filter(responsible_unit_id__in=user_unit_ids(user))


def _benchmark_rule(user: Any, benchmark: Benchmark, perm: str) -> bool:
    if not user.has_perm(perm):
        return False
    return is_administrator(user) or benchmark.responsible_unit_id in user_unit_ids(user)


def can_change_benchmark(user: Any, benchmark: Benchmark) -> bool:
    return _benchmark_rule(user, benchmark, "mandates.change_benchmark")


def can_assess_benchmark(user: Any, benchmark: Benchmark) -> bool:
    """May ``user`` add assessments to ``benchmark``?"""
    return _benchmark_rule(user, benchmark, "mandates.add_benchmarkassessment")


def can_change_assessment(user: Any, assessment: BenchmarkAssessment) -> bool:
    return _benchmark_rule(user, assessment.benchmark, "mandates.change_benchmarkassessment")
