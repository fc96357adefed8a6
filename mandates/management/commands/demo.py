"""Prepare a demonstration database: migrate, load the seed data, create one user per role."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mandates.activities.services import activity_save
from mandates.choices import ActivityKind, MembershipRole, RequestStatus, TokenScope
from mandates.integration.services import api_token_create, secret_revoke
from mandates.models import (
    Activity,
    ApiToken,
    CoverageItem,
    Mission,
    Paragraph,
    Request,
    Theme,
    Unit,
    UnitMembership,
)
from mandates.organisation import roles
from mandates.requests.services import request_create, request_edit
from mandates.sg_reports.fulfilment import mission_report_lines_schedule
from mandates.sg_reports.selectors import next_report_due


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: str
    unit: str | None
    description: str
    superuser: bool = False


# Demonstration accounts only: this command refuses to run unless DEBUG is on.
DEMO_USERS = [
    DemoUser("admin", "demo-admin-2553", roles.ADMINISTRATORS, None, "administrator", True),
    DemoUser("manager", "demo-manager-2553", roles.MANAGERS, None, "Chief of the SSR Unit"),
    DemoUser("ssr.staff", "demo-staff-2553", roles.SSR_STAFF, "SSRU", "SSR Unit officer"),
    DemoUser(
        "minusca.focal", "demo-focal-2553", roles.SSR_STAFF, "MINUSCA-SSR", "MINUSCA focal point"
    ),
    DemoUser("api.client", "demo-api-2553", roles.API_CLIENTS, None, "reporting portal"),
]


DEMO_API_USER = "api.client"
DEMO_API_UNIT = "SSRU"
# Reviewed (bandit B105): the token's label, not a secret.
DEMO_TOKEN_NAME = "Demo token"  # noqa: S105  # nosec B105
#: Where the demo keeps its token's clear text (under ``VAR_DIR``), so that running the demo
#: again prints the same token instead of silently replacing it. Development only: the demo
#: refuses to run without DEBUG, and its users' passwords are published anyway.
DEMO_TOKEN_FILE = "demo-api-token"  # noqa: S105  # nosec B105
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def _base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise CommandError(f"--base-url must be an http(s) address, such as {DEFAULT_BASE_URL}.")
    return value.rstrip("/")


def align_with_today(*, today: datetime.date | None = None) -> int:
    """Date the demo's calendar-bound work on today's calendars, so its figures are plausible on
    any day: the lines of requests "with each regular report" fall due with their missions'
    next report, and each open coverage follow-up ("cover it in the next report") with its
    mission's next report due today. The seed's reports keep their real dates, so a report the
    calendar expected since then shows as late, one cycle at most. Returns how many lines and
    requests moved."""
    today = today or timezone.localdate()
    moved = len(mission_report_lines_schedule(today=today, realign=True))
    gaps = CoverageItem.objects.filter(
        follow_up__isnull=False,
        follow_up__status__in=RequestStatus.open(),
        follow_up__archived_at__isnull=True,
    ).select_related("follow_up", "report__mission")
    for item in gaps:
        due = next_report_due(item.report.mission, today=today)
        request = item.follow_up
        if due is not None and request is not None and request.due_date != due:
            request_edit(
                request=request,
                by=None,
                changes={"due_date": due},
                note=_("Due with the mission's next report, %(date)s.") % {"date": due.isoformat()},
            )
            moved += 1
    return moved


#: An open request on resolution 2151 (2014), so carrying forward to 2553 (2020) can be tried:
#: 2151 OP19 (women in security sector reform) reappears as 2553 OP24. The seed's own 2151
#: requests were all closed or carried forward in 2020.
CARRY_FORWARD_EXAMPLE = {
    "reference": "2151-OP19",
    "paragraph": ("S/RES/2151 (2014)", "19"),
    "title": "Women's participation in every stage of security sector reform",
    "description": (
        "OP19 underscores women's equal and effective participation in all stages of security "
        "sector reform, more women in the security sector, and vetting that excludes "
        "perpetrators of sexual violence. Demo request left open so that it can be carried "
        "forward to 2553 (2020) OP24."
    ),
    "lead_unit": "SSRU",
    "supporting_units": ["UN-WOMEN"],
}


def open_request_to_carry_forward() -> Request | None:
    """The demo's open request on 2151 (2014), created once (a second run leaves it, even once
    it has been carried forward). None when the seed lacks its paragraph or units."""
    example = CARRY_FORWARD_EXAMPLE
    existing = Request.objects.filter(reference=example["reference"]).first()
    if existing is not None:
        return existing
    symbol, ref = example["paragraph"]
    paragraph = Paragraph.objects.filter(document__symbol=symbol, ref=ref).first()
    lead = Unit.objects.filter(acronym=example["lead_unit"]).first()
    if paragraph is None or lead is None:
        return None
    return request_create(
        fields={
            "reference": example["reference"],
            "title": example["title"],
            "description": example["description"],
            "lead_unit": lead,
            "status": RequestStatus.IN_PROGRESS,
        },
        paragraphs=[paragraph],
        supporting_units=Unit.objects.filter(acronym__in=example["supporting_units"]),
        by=None,
        reason="Demo data",
        note=_("Open on 2151 (2014) so that carrying it forward to 2553 (2020) can be tried."),
    )


@dataclass(frozen=True)
class DemoActivity:
    kind: str
    title: str
    #: Days from today to its start and its end (the calendar shows them this month).
    start: int
    end: int | None
    missions: tuple[str, ...]
    units: tuple[str, ...]
    themes: tuple[str, ...]
    partners: str
    story: str


#: Modelled on the items of the SSR Unit's newsletter of the second quarter of 2014.
DEMO_ACTIVITIES = [
    DemoActivity(
        ActivityKind.ADVISORY_MISSION,
        "Mission Capability Study to Haiti",
        -38,
        -31,
        ("MINUSTAH",),
        ("SSRU", "MINUSTAH-SSR"),
        ("police", "rule-of-law"),
        "UN Country Team",
        "The SSR Unit took part in the study of the options for the UN presence in Haiti: "
        "support to the Haitian National Police and to security sector and legislative reform "
        "are likely to remain relevant.",
    ),
    DemoActivity(
        ActivityKind.PUBLICATION,
        "E-learning course on Defence Sector Reform launched",
        -24,
        None,
        (),
        ("SSRU",),
        ("defence",),
        "UNITAR; Permanent Missions of Denmark, Malaysia, Kenya and the Netherlands",
        "The first UN e-learning course on defence sector reform: four modules with a quiz "
        "each, for new SSR and DSR staff in the field and at Headquarters.",
    ),
    DemoActivity(
        ActivityKind.ASSESSMENT_MISSION,
        "Inter-Agency SSR Task Force joint assessment mission to Guinea",
        -18,
        -12,
        ("UNCT-GUINEA",),
        ("IASSRTF", "SSRU"),
        ("sector-governance", "national-ownership"),
        "UNDP, ECOWAS, European Union",
        "The Task Force assessed the SSR process in Guinea with the national authorities and "
        "the country team, and agreed the next steps of UN support.",
    ),
    DemoActivity(
        ActivityKind.MEETING,
        "C-34 briefing on resolution 2151 (2014)",
        -9,
        None,
        (),
        ("SSRU",),
        ("guidance-capacity",),
        "Special Committee on Peacekeeping Operations (C-34)",
        "Member States were briefed on the Council's first stand-alone resolution on SSR.",
    ),
    DemoActivity(
        ActivityKind.TRAINING,
        "Training on the Integrated Technical Guidance Notes on SSR for UNOCI staff",
        -4,
        -2,
        ("UNOCI",),
        ("SSRU", "UNOCI-SSR"),
        ("sector-governance", "gender"),
        "",
        "Three days with the mission's SSR, police, justice and DDR staff on the guidance notes.",
    ),
    DemoActivity(
        ActivityKind.MEETING,
        "Inter-Agency SSR Task Force meeting",
        3,
        None,
        (),
        ("IASSRTF", "SSRU"),
        ("coordination", "partnerships"),
        "UNDP, DPPA, UN Women, UNODC",
        "Co-chaired by DPO and UNDP: the Task Force's work plan after the Guinea mission.",
    ),
    DemoActivity(
        ActivityKind.WORKSHOP,
        "Workshop on the national security policy of the Central African Republic",
        9,
        10,
        ("MINUSCA",),
        ("MINUSCA-SSR",),
        ("sector-governance", "national-ownership"),
        "African Union, European Union",
        "",
    ),
]


#: The summaries the demo compiles: the last complete periods of each kind, this many.
DEMO_SUMMARIES = {"quarterly": 2, "monthly": 2}


def demo_summaries(*, today: datetime.date | None = None) -> list[str]:
    """Compile the last few quarterly and monthly summaries from the demo data (again on each
    run: the demo's dates follow today), through the service the scheduled job calls, so that
    the Summaries page has something to read. Returns the periods' codes."""
    # The reports app reads the mandates' models; imported here to keep the apps' load order.
    from reports.periods import Period
    from reports.summaries import summary_compile

    today = today or timezone.localdate()
    compiled = []
    for kind, count in DEMO_SUMMARIES.items():
        period = Period.last_complete(kind, today)
        for _index in range(count):
            summary_compile(period=period, recompile=True)
            compiled.append(period.code)
            period = period.previous()
    return compiled


def demo_activities(*, today: datetime.date | None = None) -> int:
    """Record the demo's activities around ``today`` once (an activity whose title is already
    recorded is left as it is). Returns how many were recorded."""
    today = today or timezone.localdate()
    recorded = 0
    for demo in DEMO_ACTIVITIES:
        if Activity.objects.filter(title=demo.title).exists():
            continue
        start = today + datetime.timedelta(days=demo.start)
        end = today + datetime.timedelta(days=demo.end) if demo.end is not None else None
        activity_save(
            activity=Activity(
                kind=demo.kind,
                title=demo.title,
                start_date=start,
                end_date=end,
                partners=demo.partners,
                story=demo.story,
            ),
            by=None,
            missions=Mission.objects.filter(acronym__in=demo.missions),
            units=Unit.objects.filter(acronym__in=demo.units),
            themes=Theme.objects.filter(slug__in=demo.themes),
        )
        recorded += 1
    return recorded


#: The mission whose SSR section the demo drafts for its next report.
DEMO_DRAFT_MISSION = "MINUSCA"


#: The MINUSCA SSR Section's notes on its lines the draft quotes: request, days ago, note.
DEMO_DRAFT_NOTES = (
    (
        "2553-OP11",
        40,
        "Community dialogues between the police, the gendarmerie and residents held in Bangui "
        "and Bambari; complaint desks opened in two police stations.",
    ),
    (
        "2553-OP15",
        25,
        "The national SSR coordination committee met its partners; the draft successor "
        "strategy was shared with them for comment.",
    ),
    (
        "2553-OP20d",
        20,
        "Good offices on the defence programming law paused until the new government is formed.",
    ),
)


def demo_draft(*, today: datetime.date | None = None) -> str:
    """Record the MINUSCA SSR Section's demo notes on its lines (once), then generate the demo's
    draft of MINUSCA's SSR section for its next report over the year to ``today`` (generated
    again on each run, as the drafting officer would). Returns its page."""
    # Imported here: the demo's drafting stays apart from the rest of the demo data.
    from mandates.models import RequestMission
    from mandates.requests.services import line_update_status
    from reports.drafts.services import draft_generate

    today = today or timezone.localdate()
    mission = Mission.objects.get(acronym=DEMO_DRAFT_MISSION)
    for reference, days, note in DEMO_DRAFT_NOTES:
        line = (
            RequestMission.objects.select_related("request")
            .filter(request__reference=reference, mission=mission)
            .first()
        )
        if line is None or line.request.updates.filter(note=note).exists():
            continue
        line_update_status(
            request=line.request,
            mission=mission,
            status=line.current_status,
            note=note,
            by=None,
            author_name="MINUSCA SSR Section",
            now=timezone.now() - datetime.timedelta(days=days),
        )
    draft = draft_generate(
        mission=mission,
        period_start=today - datetime.timedelta(days=365),
        period_end=today,
        language="en",
        by=None,
    )
    return draft.get_absolute_url()


class Command(BaseCommand):
    help = "Migrate, load the seed data and create demo users (development only, needs DEBUG=1)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-migrate", action="store_true", help="Skip migrate (the schema is current)."
        )
        parser.add_argument(
            "--base-url",
            default=DEFAULT_BASE_URL,
            help="The address the server will answer on, for the examples printed at the end "
            f"(default {DEFAULT_BASE_URL}; make demo passes its HOST and PORT).",
        )
        parser.add_argument(
            "--new-token",
            action="store_true",
            help="Issue a new demo API token and revoke the previous one (by default a demo "
            "token that still works is kept and printed again).",
        )

    def handle(self, *args, **options) -> None:
        base_url = _base_url(options["base_url"])
        if not settings.DEBUG:
            raise CommandError(
                "The demo command creates users with published passwords and runs only with "
                "DEBUG=1. For a real deployment run 'migrate', 'load_seed' and 'createsuperuser'."
            )
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
            self.stdout.write("Database migrated.")
        call_command("load_seed", verbosity=0)
        self.stdout.write("Seed data loaded.")
        moved = align_with_today()
        self.stdout.write(
            f"Work dated on the reporting calendars as of today: {moved} lines and requests."
        )
        example = open_request_to_carry_forward()
        if example is not None and example.is_open:
            self.stdout.write(
                f"Open on 2151 (2014), to try carrying forward to 2553 (2020): {example.reference}."
            )
        recorded = demo_activities()
        self.stdout.write(f"Demo activities recorded around today: {recorded}.")
        draft_page = demo_draft()
        self.stdout.write(f"Draft of the {DEMO_DRAFT_MISSION} SSR section: {base_url}{draft_page}")
        compiled = demo_summaries()
        self.stdout.write(f"Summaries compiled from the demo data: {', '.join(compiled)}.")
        with transaction.atomic():
            for demo in DEMO_USERS:
                self.create_user(demo)
            secret, kept = self.demo_token(new=options["new_token"])
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo users (development only):"))
        self.stdout.write(f"  {'username':<15} {'password':<19} {'role':<15} who")
        for demo in DEMO_USERS:
            self.stdout.write(
                f"  {demo.username:<15} {demo.password:<19} {demo.role:<15} {demo.description}"
            )
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo API token (api.client, read-write, SSRU):"))
        self.stdout.write(f"  {secret}")
        if kept:
            self.stdout.write(
                "  The same token as before: it still works. (make demo DEMO_ARGS=--new-token "
                "replaces it.)"
            )
        else:
            self.stdout.write("  A new token: any earlier demo token no longer works.")
        self.stdout.write(
            f'  curl -H "Authorization: Bearer {secret}" "{base_url}/api/v1/requests/?overdue=true"'
        )
        self.stdout.write(
            f"  API documentation: {base_url}/api/v1/docs/ (log in as a person, such as manager)"
        )
        self.stdout.write(
            f'  API schema for clients: curl -H "Authorization: Bearer {secret}" '
            f"{base_url}/api/v1/schema/"
        )

    def demo_token(self, *, new: bool) -> tuple[str, bool]:
        """The read-write token of the demo API client, which acts for the SSR Unit, and whether
        it is the one issued before. The previous token is kept while it still works, unless
        ``new``; otherwise a new one is issued and the previous demo tokens are revoked."""
        user = get_user_model().objects.get(username=DEMO_API_USER)
        unit = Unit.objects.get(acronym=DEMO_API_UNIT)
        UnitMembership.objects.get_or_create(
            unit=unit, user=user, defaults={"role": MembershipRole.MEMBER}
        )
        kept_file = Path(settings.VAR_DIR) / DEMO_TOKEN_FILE
        demo_tokens = ApiToken.objects.filter(user=user, name=DEMO_TOKEN_NAME)
        if not new and kept_file.is_file():
            secret = kept_file.read_text(encoding="utf-8").strip()
            for token in demo_tokens.usable():
                if token.scope == TokenScope.READ_WRITE and token.matches(secret):
                    return secret, True
        for token in demo_tokens.filter(revoked_at__isnull=True):
            secret_revoke(obj=token, by=None)
        secret = api_token_create(
            token=ApiToken(name=DEMO_TOKEN_NAME, user=user, scope=TokenScope.READ_WRITE), by=None
        )
        kept_file.parent.mkdir(parents=True, exist_ok=True)
        kept_file.write_text(secret + "\n", encoding="utf-8")
        kept_file.chmod(0o600)
        return secret, False

    def create_user(self, demo: DemoUser) -> None:
        User = get_user_model()
        user, _ = User.objects.get_or_create(username=demo.username)
        user.set_password(demo.password)
        user.is_staff = demo.role != roles.API_CLIENTS
        user.is_superuser = demo.superuser
        user.email = f"{demo.username}@example.org"
        user.first_name = demo.description
        user.save()
        user.groups.set([Group.objects.get(name=demo.role)])
        if demo.unit:
            unit = Unit.objects.filter(acronym=demo.unit).first()
            if unit is None:
                raise CommandError(f"Demo unit {demo.unit} is missing from the seed data.")
            UnitMembership.objects.update_or_create(
                unit=unit, user=user, defaults={"role": MembershipRole.FOCAL_POINT}
            )
