"""Who gets what on every route: the one declared access policy of the app.

Each rule names a route (its URL name, ``namespace:name``, or the pattern of an unnamed route; shell
wildcards allowed), the methods it covers, the object it is tried on (``target``; "default" when
the route takes no object or any object of the model will do) and, for each role, the outcome:

- ``allow``: 2xx, or a redirect other than to the login page;
- ``400``: refused by a rule of the data (an archived request, an archived unit), nothing written;
- ``login``: a redirect to the login page (pages and the admin, without a session);
- ``401``: the API without credentials;
- ``403``: the role, the token's scope or a row rule refuses it;
- ``404``: someone else's object (calendar feeds), or no such page for this role;
- ``405``: the route does not take this method.

The code does not read this table: ``tests/security/test_authorization_matrix.py`` walks every URL
pattern (the admin's views for every registered model, the dashboards, every API operation of
``docs/api/openapi.yaml``), tries each method as each role and compares the answer with the table.
A route without a rule fails that test ("no policy for route X"): add its rule here when adding a
route. The rules themselves live in ``mandates/organisation/permissions.py`` and the roles'
model permissions; this table is what they are expected to produce.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    ADMINISTRATOR = "administrator"  # superuser in the Administrators group
    MANAGER = "manager"
    STAFF = "staff"  # SSR staff, focal point of unit A
    FOCAL_POINT = "focal_point"  # SSR staff, focal point of mission M's SSR section
    # An API client (a member of unit A) with a read token, then with a read-write token.
    # Reviewed: role names, not secrets.
    READ_TOKEN = "read_token"  # noqa: S105  # nosec B105
    WRITE_TOKEN = "write_token"  # noqa: S105  # nosec B105
    NO_ROLE = "no_role"  # logged in (admin site access), no role, no unit
    ANONYMOUS = "anonymous"


class Outcome(StrEnum):
    ALLOW = "allow"
    INVALID = "400"
    LOGIN = "login"
    UNAUTHENTICATED = "401"
    FORBIDDEN = "403"
    NOT_FOUND = "404"
    NOT_ALLOWED = "405"


R = Role
O = Outcome  # noqa: E741

ADMINISTRATORS = frozenset({R.ADMINISTRATOR})
#: People with a role: they read everything in the admin and on the dashboards.
READERS = frozenset({R.ADMINISTRATOR, R.MANAGER, R.STAFF, R.FOCAL_POINT})
#: People who may change something (their units' work).
WRITERS = frozenset({R.ADMINISTRATOR, R.STAFF, R.FOCAL_POINT})
#: Everyone with a session.
PEOPLE = READERS | {R.NO_ROLE}
#: Everyone the API lets read.
API_READERS = READERS | {R.READ_TOKEN, R.WRITE_TOKEN}
NOBODY: frozenset[Role] = frozenset()

Outcomes = Mapping[Role, Outcome]


def _table(allowed: Iterable[Role], fixed: Mapping[Role, Outcome], **others: Outcome) -> Outcomes:
    allowed = frozenset(allowed)
    default = others.pop("others", O.FORBIDDEN)
    table = {}
    for role in Role:
        if role in allowed:
            table[role] = O.ALLOW
        elif role.value in others:
            table[role] = others[role.value]
        else:
            table[role] = fixed.get(role, default)
    return table


def page(allowed: Iterable[Role], **others: Outcome) -> Outcomes:
    """A page behind the login (the admin, the dashboards): no session, the login page."""
    no_session = {R.ANONYMOUS: O.LOGIN, R.READ_TOKEN: O.LOGIN, R.WRITE_TOKEN: O.LOGIN}
    return _table(allowed, no_session, **others)


def api(allowed: Iterable[Role], **others: Outcome) -> Outcomes:
    """An API operation: without credentials 401."""
    return _table(allowed, {R.ANONYMOUS: O.UNAUTHENTICATED}, **others)


def everyone(outcome: Outcome = O.ALLOW) -> Outcomes:
    return dict.fromkeys(Role, outcome)


@dataclass(frozen=True)
class Rule:
    route: str
    methods: tuple[str, ...]
    outcomes: Outcomes
    target: str = "default"


@dataclass(frozen=True)
class AdminAccess:
    """Who may use a model's admin views: ``view`` the list, the change page (read-only when
    they may not change) and the history; ``add``; ``change`` (the change form's POST);
    ``delete`` (its confirmation page and POST)."""

    view: Collection[Role]
    add: Collection[Role] = NOBODY
    change: Collection[Role] = NOBODY
    delete: Collection[Role] = NOBODY
    #: Extra views of the model's admin: URL name suffix -> methods, who.
    extra: Mapping[str, tuple[tuple[str, ...], Collection[Role]]] = field(default_factory=dict)


def _admin_only(*, delete: bool = True) -> AdminAccess:
    return AdminAccess(
        ADMINISTRATORS, ADMINISTRATORS, ADMINISTRATORS, ADMINISTRATORS if delete else NOBODY
    )


#: A sheet import's page in the admin (GET the form, POST the file or the confirmation).
_IMPORT = (("GET", "POST"), WRITERS)

#: The admin, by model (``app_label.model_name``). Every registered model needs a line.
ADMIN_MODELS: dict[str, AdminAccess] = {
    "auth.group": _admin_only(),
    "auth.user": _admin_only(),
    "django_celery_beat.periodictask": _admin_only(),
    "django_celery_beat.clockedschedule": _admin_only(),
    "django_celery_beat.crontabschedule": _admin_only(),
    "django_celery_beat.solarschedule": _admin_only(),
    "django_celery_beat.intervalschedule": _admin_only(),
    # Login records are written by the login, not added by hand.
    "axes.accessattempt": AdminAccess(ADMINISTRATORS, NOBODY, ADMINISTRATORS, ADMINISTRATORS),
    "axes.accesslog": AdminAccess(ADMINISTRATORS, NOBODY, ADMINISTRATORS, ADMINISTRATORS),
    "axes.accessfailurelog": AdminAccess(ADMINISTRATORS, NOBODY, ADMINISTRATORS, ADMINISTRATORS),
    # Reference data in use is archived, never deleted.
    "mandates.theme": AdminAccess(READERS, ADMINISTRATORS, ADMINISTRATORS, NOBODY),
    "mandates.document": AdminAccess(
        READERS,
        ADMINISTRATORS,
        ADMINISTRATORS,
        NOBODY,
        extra={
            "import": (("GET",), WRITERS),
            "compare": (("GET",), READERS),
        },
    ),
    "mandates.paragraph": AdminAccess(READERS, ADMINISTRATORS, ADMINISTRATORS, NOBODY),
    "mandates.mission": AdminAccess(READERS, ADMINISTRATORS, ADMINISTRATORS, NOBODY),
    "mandates.unit": AdminAccess(READERS, ADMINISTRATORS, ADMINISTRATORS, NOBODY),
    "mandates.unitmembership": AdminAccess(READERS, ADMINISTRATORS, ADMINISTRATORS, ADMINISTRATORS),
    "mandates.addresseeroute": AdminAccess(READERS, ADMINISTRATORS, ADMINISTRATORS, ADMINISTRATORS),
    # Tokens are revoked, not deleted.
    "mandates.apitoken": _admin_only(delete=False),
    # Each person's own feeds (see the object-level rules); revoked, never changed or deleted.
    "mandates.calendarfeed": AdminAccess(READERS, READERS, NOBODY, NOBODY),
    "mandates.webhookendpoint": _admin_only(),
    # Every outgoing message (reminder and summary e-mails, webhooks): read-only, sent again
    # by an action.
    "mandates.outboxmessage": AdminAccess(ADMINISTRATORS),
    # Requests are archived, never deleted; staff change their units' (the default object is
    # one of unit A's).
    # The import page (upload, preview, confirm) is for the roles that add or change them; each
    # row then obeys the row rules.
    "mandates.request": AdminAccess(
        READERS, WRITERS, {R.ADMINISTRATOR, R.STAFF}, NOBODY, extra={"import": _IMPORT}
    ),
    # The timeline is append-only (added to from the request, or imported).
    "mandates.statusupdate": AdminAccess(READERS, extra={"import": _IMPORT}),
    # Mission lines come from the request's missions (never added or deleted here); the change
    # form records a line update. The default line is unit A's request's line for mission M:
    # unit A's staff (the request) and mission M's focal point (the mission) update it.
    "mandates.requestmission": AdminAccess(READERS, NOBODY, WRITERS, NOBODY),
    # The default benchmark is unit A's. Benchmarks, assessments and reports carry history:
    # nobody deletes them.
    "mandates.benchmark": AdminAccess(READERS, WRITERS, {R.ADMINISTRATOR, R.STAFF}),
    "mandates.benchmarkassessment": AdminAccess(
        READERS, WRITERS, {R.ADMINISTRATOR, R.STAFF}, extra={"import": _IMPORT}
    ),
    # Reporting records: the default ones are mission M's, which its focal point reports on.
    # Proposing the coverage from the report's text fills its checklist: those who tick it.
    "mandates.secretarygeneralreport": AdminAccess(
        READERS,
        WRITERS,
        {R.ADMINISTRATOR, R.FOCAL_POINT},
        extra={"propose_coverage": (("GET", "POST"), {R.ADMINISTRATOR, R.FOCAL_POINT})},
    ),
    "mandates.coverageitem": AdminAccess(READERS, NOBODY, {R.ADMINISTRATOR, R.FOCAL_POINT}, NOBODY),
    "mandates.partnersupport": AdminAccess(
        READERS, WRITERS, {R.ADMINISTRATOR, R.FOCAL_POINT}, ADMINISTRATORS
    ),
    # Activities: the default one is on mission M, led by its section (staff of unit A, a
    # Headquarters unit, and mission M's focal point change it); "other_mission" is on
    # mission X, which mission M's focal point does not record.
    "mandates.activity": AdminAccess(READERS, WRITERS, WRITERS, WRITERS),
    # What fulfilled a request: recorded through the service (whoever may update the line or
    # request), never changed or deleted afterwards.
    "mandates.fulfilment": AdminAccess(READERS, WRITERS, NOBODY, NOBODY),
    # One each: staff A, whose preference is the default object, has one already.
    "reports.reminderpreference": AdminAccess(
        READERS, READERS - {R.STAFF}, READERS, ADMINISTRATORS
    ),
    "reports.reminderdigest": AdminAccess(ADMINISTRATORS, NOBODY, ADMINISTRATORS, NOBODY),
    "reports.reminder": AdminAccess(ADMINISTRATORS),
    # Generated, edited and issued on their page; read-only in the admin.
    "reports.reportdraft": AdminAccess(READERS),
    # Compiled by the scheduled job, never added by hand.
    "reports.summary": AdminAccess(
        READERS,
        NOBODY,
        ADMINISTRATORS,
        ADMINISTRATORS,
        extra={"download": (("GET",), READERS), "preview": (("GET",), READERS)},
    ),
}


def _admin_rules() -> list[Rule]:
    rules = []
    for label, access in ADMIN_MODELS.items():
        prefix = "admin:" + label.replace(".", "_") + "_"
        rules += [
            Rule(prefix + "changelist", ("GET",), page(access.view)),
            Rule(prefix + "add", ("GET", "POST"), page(access.add)),
            Rule(prefix + "change", ("GET",), page(access.view)),
            Rule(prefix + "change", ("POST",), page(access.change)),
            Rule(prefix + "delete", ("GET", "POST"), page(access.delete)),
            Rule(prefix + "history", ("GET",), page(access.view)),
        ]
        for suffix, (methods, allowed) in access.extra.items():
            rules.append(Rule(prefix + suffix, methods, page(allowed)))
    return rules


#: What every role and token may read through the API.
API_READ_ROUTES = (
    "document-list",
    "document-detail",
    "document-parse",
    "paragraph-list",
    "paragraph-detail",
    "request-list",
    "request-export",
    "request-detail",
    "request-line",
    "statusupdate-list",
    "statusupdate-detail",
    "statusupdate-evidence",
    "mission-list",
    "mission-detail",
    "mission-scorecard",
    "unit-list",
    "unit-detail",
    "theme-list",
    "theme-detail",
    "benchmark-list",
    "benchmark-detail",
    "assessment-list",
    "assessment-detail",
    "sgreport-list",
    "sgreport-matrix",
    "sgreport-detail",
    "partnersupport-list",
    "partnersupport-detail",
    "activity-list",
    "activity-detail",
    "summary-list",
    "summary-detail",
)

#: Dashboard pages: every role that reads requests (people with a session).
DASHBOARDS = (
    "overview",
    "missions",
    "mission",
    "units",
    "unit",
    "resolutions",
    "resolution",
    "deadlines",
    "matrix",
    "summaries",
    "summary",
    "summary-download",
    "scorecards",
    "scorecard",
    "scorecard-xlsx",
    "coverage",
    "coverage-xlsx",
    "activities",
    "menu-options",
    "mission-drafts",
    "draft",
    "draft-docx",
)

#: Models whose admin shows one past version of an object (django-simple-history).
HISTORY_MODELS = (
    "benchmark",
    "benchmarkassessment",
    "document",
    "paragraph",
    "request",
    "secretarygeneralreport",
    "coverageitem",
    "partnersupport",
    "activity",
)

_NO_SESSION_ALLOWED = {"anonymous": O.ALLOW, "read_token": O.ALLOW, "write_token": O.ALLOW}


def _own_object(**others: Outcome) -> Outcomes:
    """An admin page of staff A's own object: others do not find it."""
    return page({R.ADMINISTRATOR, R.STAFF}, others=O.NOT_FOUND, **others)


_OWN_FEED = api({R.STAFF}, others=O.NOT_FOUND)

#: Object-level rules first: the first rule that matches route, method and target decides.
POLICY: list[Rule] = [
    # --- requests: unit rules, archive, lead unit ------------------------------------------
    Rule("api:request-detail", ("PATCH",), api({R.ADMINISTRATOR}), target="other_unit"),
    Rule("api:request-detail", ("PATCH",), api({R.ADMINISTRATOR, R.FOCAL_POINT}), "mission"),
    # Only administrators hand a request to another unit, as in the admin.
    Rule("api:request-detail", ("PATCH",), api({R.ADMINISTRATOR}), target="lead_move"),
    # Archived requests are read-only until restored: the rule of the data answers (400)
    # to those whose role and units would otherwise let them change it.
    Rule(
        "api:request-detail",
        ("PATCH",),
        api(NOBODY, administrator=O.INVALID, staff=O.INVALID, write_token=O.INVALID),
        target="archived",
    ),
    # Archived units leave the choices for new work, for everyone.
    Rule(
        "api:request-detail",
        ("PATCH",),
        api(NOBODY, administrator=O.INVALID, staff=O.INVALID, write_token=O.INVALID),
        target="archived_unit",
    ),
    Rule("api:request-detail", ("PUT", "PATCH"), api({R.ADMINISTRATOR, R.STAFF, R.WRITE_TOKEN})),
    # --- mission lines: the request's units, the mission's units, the line's focal point ----
    # The default line is unit A's request's line for mission M; "focal_line" is unit B's
    # request's line for mission M (its focal point updates it although unit B leads);
    # "other_line" is the same request's line for another mission (only an administrator).
    *[
        rule
        for route, methods in (
            ("api:request-line", ("PATCH",)),
            ("api:request-line-updates", ("POST",)),
        )
        for rule in (
            Rule(route, methods, api({R.ADMINISTRATOR, R.FOCAL_POINT}), target="focal_line"),
            Rule(route, methods, api({R.ADMINISTRATOR}), target="other_line"),
            Rule(route, methods, api(WRITERS | {R.WRITE_TOKEN})),
        )
    ],
    Rule("api:statusupdate-list", ("POST",), api({R.ADMINISTRATOR}), target="other_unit"),
    Rule(
        "api:statusupdate-list",
        ("POST",),
        api(NOBODY, administrator=O.INVALID, staff=O.INVALID, write_token=O.INVALID),
        target="archived",
    ),
    Rule("api:statusupdate-list", ("POST",), api({R.ADMINISTRATOR, R.STAFF, R.WRITE_TOKEN})),
    # What fulfilled a request: whoever may update its line (the default request is unit A's,
    # on mission M, whose section's focal point updates M's line).
    Rule(
        "api:request-fulfilments",
        ("POST",),
        api({R.ADMINISTRATOR, R.STAFF, R.FOCAL_POINT, R.WRITE_TOKEN}),
    ),
    # --- sheet imports: the matrix sends one row changing unit A's request (or adding an update
    # to it, or assessing unit A's benchmark); mission M's focal point gets that row refused
    # (400, nothing written), the roles without the permissions 403.
    *[
        Rule(
            route,
            ("POST",),
            api({R.ADMINISTRATOR, R.STAFF, R.WRITE_TOKEN}, focal_point=O.INVALID),
        )
        for route in ("api:request-import", "api:statusupdate-import", "api:assessment-import")
    ],
    # --- benchmarks: the responsible unit's ----------------------------------------------
    Rule("api:assessment-list", ("POST",), api({R.ADMINISTRATOR, R.FOCAL_POINT}), "mission"),
    Rule("api:assessment-list", ("POST",), api({R.ADMINISTRATOR, R.STAFF, R.WRITE_TOKEN})),
    Rule("api:assessment-detail", ("PUT", "PATCH"), api({R.ADMINISTRATOR, R.STAFF})),
    # --- activities: SSR Unit staff any, a mission focal point their own missions' ----------
    # The write token's client is a member of unit A (Headquarters); its role does not delete.
    Rule(
        "api:activity-list",
        ("POST",),
        api({R.ADMINISTRATOR, R.STAFF, R.WRITE_TOKEN}),
        target="other_mission",
    ),
    Rule("api:activity-list", ("POST",), api(WRITERS | {R.WRITE_TOKEN})),
    Rule(
        "api:activity-detail",
        ("PUT", "PATCH"),
        api({R.ADMINISTRATOR, R.STAFF, R.WRITE_TOKEN}),
        target="other_mission",
    ),
    Rule("api:activity-detail", ("PUT", "PATCH"), api(WRITERS | {R.WRITE_TOKEN})),
    Rule(
        "api:activity-detail", ("DELETE",), api({R.ADMINISTRATOR, R.STAFF}), target="other_mission"
    ),
    Rule("api:activity-detail", ("DELETE",), api(WRITERS)),
    # --- calendar feeds: each person's own (the default feed is staff A's) -----------------
    Rule("api:calendarfeed-list", ("GET",), api(API_READERS | {R.NO_ROLE})),
    Rule("api:calendarfeed-list", ("POST",), api(READERS | {R.WRITE_TOKEN})),
    Rule("api:calendarfeed-detail", ("GET",), _OWN_FEED),
    Rule("api:calendarfeed-detail", ("DELETE",), {**_OWN_FEED, R.READ_TOKEN: O.FORBIDDEN}),
    # The secret address is the credential; an unknown one is 404 for everyone.
    Rule("calendar-feed", ("GET",), everyone(O.NOT_FOUND), target="unknown"),
    Rule("calendar-feed", ("GET",), everyone()),
    # --- the rest of the API: read by every role and token -------------------------------
    Rule("api:schema", ("GET",), api(API_READERS | {R.NO_ROLE})),
    Rule("api:docs", ("GET",), page(PEOPLE)),
    Rule("api:redoc", ("GET",), page(PEOPLE)),
    *[Rule(f"api:{name}", ("GET",), api(API_READERS)) for name in API_READ_ROUTES],
    # --- the admin, object-level ------------------------------------------------------------
    # The request's change form, sent with a new due date (and the target's change); ``400``
    # is the form's error, nothing saved.
    Rule("admin:mandates_request_change", ("POST",), page({R.ADMINISTRATOR}), "other_unit"),
    Rule(
        "admin:mandates_request_change",
        ("POST",),
        page({R.ADMINISTRATOR, R.FOCAL_POINT}),
        target="mission",
    ),
    Rule(
        "admin:mandates_request_change",
        ("POST",),
        page({R.ADMINISTRATOR}, staff=O.INVALID),
        target="lead_move",
    ),
    Rule(
        "admin:mandates_request_change",
        ("POST",),
        page(NOBODY, administrator=O.INVALID, staff=O.INVALID),
        target="archived_unit",
    ),
    # An activity on mission X: mission M's focal point reads it, changes and deletes nothing.
    Rule(
        "admin:mandates_activity_change",
        ("POST",),
        page({R.ADMINISTRATOR, R.STAFF}),
        target="other_mission",
    ),
    Rule(
        "admin:mandates_activity_delete",
        ("GET", "POST"),
        page({R.ADMINISTRATOR, R.STAFF}),
        target="other_mission",
    ),
    # A mission line's change form (a line update): see "mission lines" above.
    Rule(
        "admin:mandates_requestmission_change",
        ("POST",),
        page({R.ADMINISTRATOR, R.FOCAL_POINT}),
        target="focal_line",
    ),
    Rule(
        "admin:mandates_requestmission_change",
        ("POST",),
        page({R.ADMINISTRATOR}),
        target="other_line",
    ),
    # An archived request is read-only until restored: even an administrator's due date
    # change is refused.
    Rule("admin:mandates_request_change", ("POST",), page(NOBODY), target="archived"),
    Rule("admin:mandates_request_change", ("GET",), page(READERS), target="archived"),
    # Calendar feeds and reminder preferences are each person's own (the default ones are
    # staff A's): the admin answers "does not exist" to others, but to a role without the view
    # permission it refuses the change page first (Django's order of checks).
    *[
        rule
        for label, change in (
            ("mandates_calendarfeed", NOBODY),
            ("reports_reminderpreference", {R.ADMINISTRATOR, R.STAFF}),
        )
        for rule in (
            Rule(f"admin:{label}_change", ("GET",), _own_object(no_role=O.FORBIDDEN)),
            Rule(
                f"admin:{label}_change",
                ("POST",),
                {
                    **_own_object(no_role=O.FORBIDDEN),
                    **{role: O.FORBIDDEN for role in {R.ADMINISTRATOR, R.STAFF} - change},
                },
            ),
            Rule(f"admin:{label}_history", ("GET",), _own_object()),
        )
    ],
    # --- the admin, by model ---------------------------------------------------------------
    *_admin_rules(),
    # --- the admin's own pages -------------------------------------------------------------
    Rule("admin:index", ("GET",), page(PEOPLE)),
    Rule("admin:login", ("GET",), everyone()),
    Rule("admin:logout", ("POST",), everyone()),
    # Without a session, GET is sent to the admin's index (which asks for the login).
    Rule("admin:logout", ("GET",), page(NOBODY, others=O.NOT_ALLOWED, **_NO_SESSION_ALLOWED)),
    Rule("admin:password_change", ("GET",), page(PEOPLE)),
    Rule("admin:password_change_done", ("GET",), page(PEOPLE)),
    Rule("admin:jsi18n", ("GET",), page(PEOPLE)),
    # Without a field to complete, the autocomplete answers nobody.
    Rule("admin:autocomplete", ("GET",), page(NOBODY)),
    Rule("admin:view_on_site", ("GET",), page(NOBODY, others=O.NOT_FOUND)),
    Rule("admin:app_list", ("GET",), page(READERS, no_role=O.NOT_FOUND)),
    Rule("admin:auth_user_password_change", ("GET",), page(ADMINISTRATORS)),
    *[
        Rule(f"admin:mandates_{model}_simple_history", ("GET",), page(READERS))
        for model in HISTORY_MODELS
    ],
    # /admin/<app>/<model>/<id>/ redirects to the change page.
    Rule("admin/*/*/<path:object_id>/", ("GET",), page(PEOPLE)),
    Rule("admin/(?P<url>.*)$", ("GET",), page(NOBODY, others=O.NOT_FOUND)),
    # --- dashboards and pages --------------------------------------------------------------
    *[Rule(f"dashboard:{name}", ("GET",), page(READERS)) for name in DASHBOARDS],
    # Drafts of mission M's SSR section: those who answer for its reporting (its focal point;
    # staff of unit A answer for another mission's) generate, edit and issue them.
    *[
        Rule(f"dashboard:{name}", ("POST",), page({R.ADMINISTRATOR, R.FOCAL_POINT}))
        for name in ("mission-drafts", "draft")
    ],
    Rule("mandates:evidence", ("GET",), page(READERS)),
    Rule("", ("GET",), everyone()),  # redirects to the dashboard, which asks for the login
    Rule("healthz", ("GET",), everyone()),
    Rule("favicon.ico", ("GET",), everyone()),
    Rule("set_language", ("POST",), everyone()),
]


class NoPolicy(LookupError):
    pass


def rules_for(route: str) -> list[Rule]:
    """The rules that name ``route`` (empty: the route has no policy)."""
    return [rule for rule in POLICY if fnmatch.fnmatchcase(route, rule.route)]


def expected(route: str, method: str, role: Role, target: str = "default") -> Outcome:
    """The outcome the policy declares; :class:`NoPolicy` when it declares none."""
    for rule in rules_for(route):
        if method in rule.methods and rule.target == target:
            return rule.outcomes[role]
    raise NoPolicy(f"no policy for route {route} {method} (target {target})")


def declared_methods(route: str) -> list[str]:
    """The methods the rules of ``route`` cover (its default target), in a stable order."""
    methods: list[str] = []
    for rule in rules_for(route):
        if rule.target == "default":
            methods += [m for m in rule.methods if m not in methods]
    return methods


def declared_targets(route: str, method: str) -> list[str]:
    """The object-level targets declared for ``route`` and ``method``, besides the default."""
    return [
        rule.target
        for rule in rules_for(route)
        if method in rule.methods and rule.target != "default"
    ]
