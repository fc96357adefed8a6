"""Enumerations of the mandates domain. Labels are translatable; values are stable API values."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    RESOLUTION = "resolution", _("Resolution")
    DRAFT_RESOLUTION = "draft_resolution", _("Draft resolution")
    PRESIDENTIAL_STATEMENT = "presidential_statement", _("Presidential statement")
    SG_REPORT = "sg_report", _("Secretary-General report")
    OTHER = "other", _("Other")


class DocumentBody(models.TextChoices):
    SECURITY_COUNCIL = "security_council", _("Security Council")
    GENERAL_ASSEMBLY = "general_assembly", _("General Assembly")
    SECRETARIAT = "secretariat", _("Secretariat")


class ParagraphKind(models.TextChoices):
    PREAMBULAR = "preambular", _("Preambular")
    OPERATIVE = "operative", _("Operative")


class ThemeKind(models.TextChoices):
    CROSS_CUTTING = "cross_cutting", _("Cross-cutting theme")
    COMPONENT = "component", _("Security sector component")
    GOVERNANCE = "governance", _("Sector-wide governance")


class MissionKind(models.TextChoices):
    PEACEKEEPING = "peacekeeping", _("Peacekeeping operation")
    POLITICAL = "political", _("Special political mission")
    COUNTRY_TEAM = "country_team", _("Country team presence")
    REGIONAL_OFFICE = "regional_office", _("Regional office")


class UnitKind(models.TextChoices):
    HQ = "hq", _("Headquarters unit")
    MISSION_SECTION = "mission_section", _("Mission section")
    AGENCY = "agency", _("Agency, fund or programme")
    TASK_FORCE = "task_force", _("Task force")
    PARTNER = "partner", _("Partner")


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Member")
    FOCAL_POINT = "focal_point", _("Focal point")


class RequestStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    ON_HOLD = "on_hold", _("On hold")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    SUPERSEDED = "superseded", _("Superseded")

    @classmethod
    def closed(cls) -> list[str]:
        """Statuses that end the work on a request (it then has ``closed_at``)."""
        return [cls.COMPLETED, cls.CANCELLED, cls.SUPERSEDED]

    @classmethod
    def open(cls) -> list[str]:
        return [cls.NOT_STARTED, cls.IN_PROGRESS, cls.ON_HOLD]


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")


class Recurrence(models.TextChoices):
    NONE = "none", _("One-off")
    INTERVAL = "interval", _("Every N months from a date")
    MISSION_REPORTS = "mission_reports", _("With each regular report of the mission")


class OwnershipElement(models.TextChoices):
    """The four elements of national ownership (resolution 2151, preamble and OP3)."""

    INCLUSIVE_VISION = "inclusive_vision", _("Inclusive national vision")
    COORDINATION = "coordination", _("Coordination of implementation")
    NATIONAL_RESOURCES = "national_resources", _("Dedication of national resources")
    MONITORING_EVALUATION = "monitoring_evaluation", _("Monitoring and evaluation")


class Rating(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    NOT_ASSESSED = "not_assessed", _("Not assessed")


class TokenScope(models.TextChoices):
    READ = "read", _("Read only")
    READ_WRITE = "read_write", _("Read and write")


class CalendarScope(models.TextChoices):
    USER = "user", _("My units")
    UNIT = "unit", _("A unit")
    MISSION = "mission", _("A mission")


class WebhookEvent(models.TextChoices):
    REQUEST_CREATED = "request.created", _("Request created")
    REQUEST_STATUS_CHANGED = "request.status_changed", _("Request status changed")
    REQUEST_OVERDUE = "request.overdue", _("Request overdue")


class DeliveryStatus(models.TextChoices):
    """Where an outgoing message stands: pending (waiting or being retried), sent, or failed
    (given up after the last attempt; an administrator can send it again)."""

    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxKind(models.TextChoices):
    """What an outgoing message is; each kind has its sender (see mandates/integration/outbox)."""

    REMINDER_DIGEST = "reminder_digest", _("Reminder e-mail")
    SUMMARY_EMAIL = "summary_email", _("Summary e-mail")
    WEBHOOK = "webhook", _("Webhook")


class Direction(models.TextChoices):
    """Which way a benchmark's indicator should move (blank: read from baseline and target)."""

    INCREASE = "increase", _("Increase")
    DECREASE = "decrease", _("Decrease")


class ProgressStatus(models.TextChoices):
    """Where a benchmark stands against its target (computed, or set by hand with a reason)."""

    ACHIEVED = "achieved", _("Achieved")
    ON_TRACK = "on_track", _("On track")
    OFF_TRACK = "off_track", _("Off track")
    NO_DATA = "no_data", _("No data")


class CoverageElement(models.TextChoices):
    """What each regular report on a mission must cover (resolution 2553 OP20(e) and (f))."""

    SSR_PROGRESS = "ssr_progress", _("OP20(e): progress of security sector reform")
    BENCHMARKS = "benchmarks", _("OP20(e): country-specific benchmarks")
    OBSTACLES = "obstacles", _("OP20(e): obstacles to reform")
    HOST_COMMITMENTS = "host_commitments", _("OP20(e): host-country commitments")
    COORDINATION = "coordination", _("OP20(f): coordination of international support")
    OTHER_ACTORS = "other_actors", _("OP20(f): support by other actors")

    @classmethod
    def subparagraph(cls, element: str) -> str:
        """ "e" or "f": the sub-paragraph of 2553 OP20 that asks for ``element``."""
        return "f" if element in (cls.COORDINATION, cls.OTHER_ACTORS) else "e"


class CoverageState(models.TextChoices):
    NOT_REVIEWED = "not_reviewed", _("Not reviewed")
    COVERED = "covered", _("Covered")
    MISSING = "missing", _("Missing")


class PartnerKind(models.TextChoices):
    BILATERAL = "bilateral", _("Bilateral partner")
    AFRICAN_UNION = "african_union", _("African Union")
    EUROPEAN_UNION = "european_union", _("European Union")
    REGIONAL = "regional", _("Other regional organization")
    WORLD_BANK = "world_bank", _("World Bank")
    UN_SYSTEM = "un_system", _("UN agency, fund or programme")
    OTHER = "other", _("Other")


class FulfilmentOutcome(models.TextChoices):
    """How one occurrence of a request was answered: by a report on time, late, or not at all."""

    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")
    MISSED = "missed", _("Missed")


class ActivityKind(models.TextChoices):
    """What the SSR Unit and the missions' SSR sections did besides reporting (the newsletter's
    items)."""

    ASSESSMENT_MISSION = "assessment_mission", _("Assessment mission")
    ADVISORY_MISSION = "advisory_mission", _("Advisory mission")
    TRAINING = "training", _("Training")
    WORKSHOP = "workshop", _("Workshop")
    MEETING = "meeting", _("Meeting")
    PUBLICATION = "publication", _("Publication")
    OTHER = "other", _("Other activity")
