"""Who may change what. Row-level rules on top of the roles' model permissions.

- Administrators (and superusers) change everything.
- SSR staff read everything but change only the requests their units lead or support, and the
  benchmarks (with their assessments) their units are responsible for.
- SSR staff change a mission's reporting records (its Secretary-General reports, their coverage
  checklists, its reporting calendar's dates, the support other actors give it) only if their
  units answer for that mission's reporting:

  1. a unit of the mission (``Unit.mission``: its SSR section, its other sections);
  2. a unit responsible for one of the mission's benchmarks (the reports cover them, OP20(e));
  3. the default reporting unit (``REPORTING_DEFAULT_LEAD_UNIT``, the SSR Unit at Headquarters)
     for a mission without an SSR section, since it leads that mission's coverage follow-ups.

  A record with no mission (support in a country without one) is the default reporting unit's.
  The same units record the renewals of the mission's mandate; only administrators close a
  mission.
  Marking an item "missing" opens its follow-up request only for someone who may change the
  report's checklist; the request is led by the mission's SSR section (else the default unit),
  never by whoever marked it.
- A request that concerns several missions has one line of work per mission. Besides those who
  may update the request, a line is updated by the members of the mission's own units (its
  focal points and sections) and by the person named as the line's focal point.
- Managers and API clients without change permissions read only.

The admin and the services (which the API, imports and jobs call) ask these functions, so the
rules are written once.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from mandates.models import (
    Benchmark,
    BenchmarkAssessment,
    Mission,
    PartnerSupport,
    Request,
    SecretaryGeneralReport,
    Unit,
    UnitMembership,
)
from mandates.organisation import roles
from mandates.requests.querysets import ssr_sections

_UNITS_CACHE = "_ssrtracker_unit_ids"
_ADMIN_CACHE = "_ssrtracker_is_administrator"
_REPORTING_CACHE = "_ssrtracker_reporting_mission_ids"
_MEMBER_MISSIONS_CACHE = "_ssrtracker_member_mission_ids"


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


def member_mission_ids(user: Any) -> frozenset[int]:
    """The missions the user's units belong to (``Unit.mission``), cached on the user."""
    units = user_unit_ids(user)
    if not units:
        return frozenset()
    if not hasattr(user, _MEMBER_MISSIONS_CACHE):
        ids = Unit.objects.filter(pk__in=units, mission__isnull=False).values_list(
            "mission_id", flat=True
        )
        setattr(user, _MEMBER_MISSIONS_CACHE, frozenset(ids))
    return frozenset(getattr(user, _MEMBER_MISSIONS_CACHE))


def can_update_line(
    user: Any, request: Request, mission_id: int, *, focal_point_id: int | None = None
) -> bool:
    """May ``user`` update the line of ``request`` for the mission: whoever may update the
    request, a member of one of the mission's units, or the line's named focal point."""
    if not user.has_perm("mandates.add_statusupdate"):
        return False
    if is_administrator(user) or _request_in_units(user, request):
        return True
    if focal_point_id is not None and focal_point_id == user.pk:
        return True
    return mission_id in member_mission_ids(user)


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


def reporting_mission_ids(user: Any) -> frozenset[int | None]:
    """The missions whose reporting the user's units answer for (rules 1-3 of the module's
    docstring), with ``None`` when they also answer for records with no mission. Two queries,
    then cached on the user object."""
    units = user_unit_ids(user)
    if not units:
        return frozenset()
    if not hasattr(user, _REPORTING_CACHE):
        of_units = Q(pk__in=Unit.objects.filter(pk__in=units).values("mission_id"))
        of_benchmarks = Q(
            pk__in=Benchmark.objects.filter(responsible_unit_id__in=units).values("mission_id")
        )
        default_unit = Unit.objects.filter(
            pk__in=units, acronym=settings.REPORTING_DEFAULT_LEAD_UNIT
        ).exists()
        rule = of_units | of_benchmarks
        if default_unit:
            sections = Unit.objects.filter(ssr_sections(), mission=OuterRef("pk"))
            rule |= Q(~Exists(sections))
        ids: set[int | None] = set(Mission.objects.filter(rule).values_list("pk", flat=True))
        if default_unit:
            ids.add(None)
        setattr(user, _REPORTING_CACHE, frozenset(ids))
    return frozenset(getattr(user, _REPORTING_CACHE))


def _reporting_rule(user: Any, mission_id: int | None, perm: str) -> bool:
    if not user.has_perm(perm):
        return False
    return is_administrator(user) or mission_id in reporting_mission_ids(user)


def reporting_missions(user: Any) -> QuerySet[Mission]:
    """The missions ``user`` may file reporting records on (the admin's choices)."""
    if is_administrator(user):
        return Mission.objects.all()
    return Mission.objects.filter(
        pk__in=[pk for pk in reporting_mission_ids(user) if pk is not None]
    )


def reports_without_mission(user: Any) -> bool:
    """May ``user`` file a reporting record with no mission (support in a country)?"""
    return is_administrator(user) or None in reporting_mission_ids(user)


def can_register_report(user: Any, mission: Mission) -> bool:
    return _reporting_rule(user, mission.pk, "mandates.add_secretarygeneralreport")


def can_change_report(user: Any, report: SecretaryGeneralReport) -> bool:
    """Change the report's mission, symbol, date, link or title."""
    return _reporting_rule(user, report.mission_id, "mandates.change_secretarygeneralreport")


def can_change_coverage(user: Any, report: SecretaryGeneralReport) -> bool:
    """Tick the report's coverage checklist (marking an item missing opens its follow-up)."""
    return _reporting_rule(user, report.mission_id, "mandates.change_coverageitem")


def can_change_reporting_dates(user: Any, mission: Mission) -> bool:
    """Add or remove the report dates the Council set for the mission (its calendar)."""
    return _reporting_rule(user, mission.pk, "mandates.add_reportingdate")


def can_add_partner_support(user: Any, mission: Mission | None) -> bool:
    mission_id = mission.pk if mission is not None else None
    return _reporting_rule(user, mission_id, "mandates.add_partnersupport")


def can_change_partner_support(user: Any, support: PartnerSupport) -> bool:
    return _reporting_rule(user, support.mission_id, "mandates.change_partnersupport")


def can_record_renewal(user: Any, mission: Mission) -> bool:
    """Record a renewal of the mission's mandate: administrators and the units that answer for
    the mission's reporting (the renewal sets its next renewal-input request)."""
    return _reporting_rule(user, mission.pk, "mandates.add_mandaterenewal")


def records_any_activity(user: Any) -> bool:
    """Administrators, and SSR staff of a Headquarters unit (a unit of no mission, such as the
    SSR Unit), record activities of any mission or unit."""
    if is_administrator(user):
        return True
    units = user_unit_ids(user)
    return bool(units) and bool(units - _mission_unit_ids(user))


_MISSION_UNITS_CACHE = "_ssrtracker_mission_unit_ids"


def _mission_unit_ids(user: Any) -> frozenset[int]:
    """The user's units that belong to a mission (its sections), cached on the user."""
    if not hasattr(user, _MISSION_UNITS_CACHE):
        ids = Unit.objects.filter(pk__in=user_unit_ids(user), mission__isnull=False).values_list(
            "pk", flat=True
        )
        setattr(user, _MISSION_UNITS_CACHE, frozenset(ids))
    return frozenset(getattr(user, _MISSION_UNITS_CACHE))


def activity_is_theirs(user: Any, mission_ids: set[int], unit_ids: set[int]) -> bool:
    """Does an activity on ``mission_ids`` led by ``unit_ids`` belong to a mission focal point?

    Every mission named is one of their units' missions, every unit named is one of their
    units or a unit of one of those missions, and at least one of them is named.
    """
    missions = member_mission_ids(user)
    if not missions or not (mission_ids or unit_ids):
        return False
    if not mission_ids <= missions:
        return False
    if not unit_ids:
        return True
    own = user_unit_ids(user)
    others = unit_ids - own
    if not others:
        return True
    in_missions = Unit.objects.filter(pk__in=others, mission_id__in=missions).count()
    return in_missions == len(others)


def can_record_activity(
    user: Any, mission_ids: set[int], unit_ids: set[int], *, perm: str = "add"
) -> bool:
    """May ``user`` record (``perm="add"``), change or delete an activity on these missions and
    units? SSR Unit staff any; a mission focal point only their own missions' and units'."""
    if not user.has_perm(f"mandates.{perm}_activity"):
        return False
    return records_any_activity(user) or activity_is_theirs(user, mission_ids, unit_ids)


def activity_links(activity: Any) -> tuple[set[int], set[int]]:
    """The missions and units an activity already saved names (two queries, or none when they
    were prefetched)."""
    if activity.pk is None:
        return set(), set()
    return (
        {m.pk for m in activity.missions.all()},
        {u.pk for u in activity.units.all()},
    )


def can_change_activity(user: Any, activity: Any, *, perm: str = "change") -> bool:
    """May ``user`` change (or delete) the stored ``activity``?"""
    if not user.has_perm(f"mandates.{perm}_activity"):
        return False
    if records_any_activity(user):
        return True
    missions, units = activity_links(activity)
    return activity_is_theirs(user, missions, units)
