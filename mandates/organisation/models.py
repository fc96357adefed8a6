"""Missions, units and the people who belong to units."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from mandates.base_models import ArchivableModel, TimestampedModel, choices_check, in_language
from mandates.choices import MembershipRole, MissionKind, UnitKind
from ssrtracker.limits import sane_date

__all__ = ["AddresseeRoute", "MandateRenewal", "Mission", "Unit", "UnitMembership"]


class Mission(TimestampedModel):
    """A peacekeeping operation, special political mission or country-team presence.

    Closed missions stay in the database with their ``end_date`` so their history remains.
    Its reporting calendar (cycle, anchor and the dates the Council set) is read through
    :mod:`mandates.sg_reports.calendar`, the one source for "next report due".
    """

    acronym = models.CharField(_("acronym"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_fr = models.CharField(
        _("name in French"),
        max_length=200,
        blank=True,
        default="",
        db_default="",
        help_text=_("The official French name; French pages show it (the acronym stays)."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MissionKind.choices)
    host_country = models.CharField(_("host country"), max_length=100)
    host_country_fr = models.CharField(
        _("host country in French"), max_length=100, blank=True, default="", db_default=""
    )
    start_date = models.DateField(_("start"), null=True, blank=True, validators=[sane_date])
    end_date = models.DateField(_("end"), null=True, blank=True, validators=[sane_date])
    mandate_expiry = models.DateField(
        _("mandate expiry"), null=True, blank=True, validators=[sane_date]
    )
    reporting_cycle_months = models.PositiveSmallIntegerField(
        _("reporting cycle (months)"),
        null=True,
        blank=True,
        help_text=_("Months between the Secretary-General's regular reports on the mission."),
    )
    reporting_anchor = models.DateField(
        _("a report date of the cycle"),
        null=True,
        blank=True,
        help_text=_(
            "The date of one regular report; the others are expected every cycle before and "
            "after it."
        ),
        validators=[sane_date],
    )

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        constraints = [
            choices_check("kind", MissionKind),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message=_("A mission cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(reporting_cycle_months__isnull=True)
                | Q(reporting_cycle_months__gte=1, reporting_cycle_months__lte=24),
                name="%(app_label)s_%(class)s_reporting_cycle_range",
                violation_error_message=_("The reporting cycle is between 1 and 24 months."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.acronym} ({self.localized_host_country})"

    @property
    def localized_name(self) -> str:
        return in_language(self.name, self.name_fr)

    @property
    def localized_host_country(self) -> str:
        return in_language(self.host_country, self.host_country_fr)

    def is_closed(self, *, today: datetime.date) -> bool:
        """Closed on ``today``: its end date has passed (its history stays)."""
        return self.end_date is not None and self.end_date < today


class MandateRenewal(TimestampedModel):
    """The Council extending a mission's mandate: by which resolution, adopted when, until when.

    The latest renewal sets the mission's ``mandate_expiry``; the SSR input to the next renewal
    follows from it (:mod:`mandates.organisation.renewals`).
    """

    mission = models.ForeignKey(
        Mission, verbose_name=_("mission"), on_delete=models.PROTECT, related_name="renewals"
    )
    resolution = models.ForeignKey(
        "mandates.Document",
        verbose_name=_("resolution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
    )
    adopted = models.DateField(_("adopted"), validators=[sane_date])
    expiry = models.DateField(_("mandate until"), validators=[sane_date])
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["mission", "-adopted"]
        verbose_name = _("mandate renewal")
        verbose_name_plural = _("mandate renewals")
        get_latest_by = "adopted"
        constraints = [
            models.CheckConstraint(
                condition=Q(expiry__gt=F("adopted")),
                name="%(app_label)s_%(class)s_expiry_after_adoption",
                violation_error_message=_("The new mandate must end after the renewal."),
            ),
            models.UniqueConstraint(
                fields=["mission", "expiry"],
                name="%(app_label)s_%(class)s_one_per_expiry",
                violation_error_message=_("A renewal until this date is already recorded."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mission.acronym} until {self.expiry:%Y-%m-%d}"


class Unit(ArchivableModel, TimestampedModel):
    """An organisational unit that can lead or support requests: a Headquarters unit, a mission
    section, an agency, a task force or a partner."""

    acronym = models.CharField(_("acronym"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_fr = models.CharField(
        _("name in French"),
        max_length=200,
        blank=True,
        default="",
        db_default="",
        help_text=_("The official French name; French pages show it (the acronym stays)."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    mission = models.ForeignKey(
        Mission,
        verbose_name=_("mission"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="UnitMembership",
        verbose_name=_("members"),
        related_name="units",
        blank=True,
    )

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            choices_check("kind", UnitKind),
            models.CheckConstraint(
                condition=~Q(kind=UnitKind.MISSION_SECTION) | Q(mission__isnull=False),
                name="%(app_label)s_%(class)s_mission_section_has_mission",
                violation_error_message=_("A mission section must belong to a mission."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="%(app_label)s_%(class)s_not_own_parent",
                violation_error_message=_("A unit cannot be its own parent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.acronym} – {self.localized_name}"

    @property
    def localized_name(self) -> str:
        return in_language(self.name, self.name_fr)


class UnitMembership(models.Model):
    """A person's membership of a unit; focal points receive the unit's reminders."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="unit_memberships",
    )
    role = models.CharField(
        _("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )

    class Meta:
        ordering = ["unit", "user"]
        verbose_name = _("unit membership")
        verbose_name_plural = _("unit memberships")
        constraints = [
            choices_check("role", MembershipRole),
            models.UniqueConstraint(
                fields=["unit", "user"],
                name="%(app_label)s_%(class)s_unique_member",
                violation_error_message=_("This person is already a member of this unit."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.unit.acronym} ({self.get_role_display()})"


class AddresseeRoute(models.Model):
    """Who leads the requests an import finds for an addressee ("Secretary-General" → SSR Unit).

    Addressees are the parser's canonical names ("Secretary-General", "missions", a mission
    acronym...). An import proposes requests only for addressees that have a route, and for a
    mission acronym whose mission has an SSR section. Administrators edit the table.
    """

    addressee = models.CharField(
        _("addressee"),
        max_length=100,
        unique=True,
        help_text=_('As the parser names it, e.g. "Secretary-General" or "missions".'),
    )
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="routes_led"
    )
    supporting_units = models.ManyToManyField(
        Unit, verbose_name=_("supporting units"), blank=True, related_name="routes_supported"
    )

    class Meta:
        ordering = ["addressee"]
        verbose_name = _("addressee route")
        verbose_name_plural = _("addressee routes")

    def __str__(self) -> str:
        return f"{self.addressee} → {self.lead_unit.acronym}"
