"""API representations. Related objects are compact on read and plain ids on write; writes go
through ``mandates.requests.services`` so the API keeps exactly the admin's rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse as django_reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mandates.activities import services as activity_services
from mandates.api import exports
from mandates.api.fields import (
    CompactRelatedField,
    DetailUrlField,
    NullableItemsListField,
    detail_url,
)
from mandates.benchmarks import services as benchmark_services
from mandates.choices import ProgressStatus, Rating, RequestStatus
from mandates.integration import services as integration_services
from mandates.models import (
    Activity,
    Benchmark,
    BenchmarkAssessment,
    CalendarFeed,
    CoverageItem,
    Document,
    Fulfilment,
    MandateRenewal,
    Mission,
    Paragraph,
    PartnerSupport,
    Request,
    RequestMission,
    SecretaryGeneralReport,
    StatusUpdate,
    Theme,
    Unit,
)
from mandates.requests import selectors as request_selectors
from mandates.requests import services
from mandates.requests.querysets import without_document_text
from mandates.sg_reports import fulfilment as fulfilment_services
from mandates.sg_reports import selectors as sg_report_selectors


def _acronym(obj: Any) -> str:
    return str(obj.acronym)


def _symbol(obj: Any) -> str:
    return str(obj.symbol)


def _citation(obj: Any) -> str:
    return str(obj.citation)


def _reference(obj: Any) -> str:
    return str(obj.reference)


def compact(view: str, display: Any = str, **kwargs: Any) -> CompactRelatedField:
    return CompactRelatedField(view_name=f"api:{view}-detail", display=display, **kwargs)


class RefuseUnknownFields(serializers.Serializer):
    """For writes: a name the serializer does not know is refused (400) rather than silently
    dropped, so that a misspelt field or a file sent where none is taken is never lost without
    a word. Read-only fields sent back (a representation read, changed and sent again) are
    known, and ignored as before."""

    # A browser form's CSRF token, when a session posts a form.
    IGNORED = frozenset({"csrfmiddlewaretoken"})

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields) - self.IGNORED, key=str)
            if unknown:
                raise serializers.ValidationError(
                    {str(name): [_("Unknown field.")] for name in unknown}
                )
        return super().to_internal_value(data)


class ThemeSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:theme-detail")

    class Meta:
        model = Theme
        fields = ["id", "url", "slug", "name", "kind"]


class MissionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:mission-detail")
    closed = serializers.SerializerMethodField()

    class Meta:
        model = Mission
        fields = [
            "id",
            "url",
            "acronym",
            "name",
            "kind",
            "host_country",
            "start_date",
            "end_date",
            "mandate_expiry",
            "reporting_cycle_months",
            "reporting_anchor",
            "updated_at",
            "closed",
        ]

    @extend_schema_field(serializers.BooleanField())
    def get_closed(self, obj: Mission) -> bool:
        """Its end date has passed: it stays in history, out of open work."""
        return obj.is_closed(today=timezone.localdate())


class MandateRenewalSerializer(serializers.ModelSerializer):
    resolution = serializers.CharField(
        source="resolution.symbol", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = MandateRenewal
        fields = ["resolution", "adopted", "expiry"]


class ReportingCalendarSerializer(serializers.Serializer):
    cycle_months = serializers.IntegerField(
        allow_null=True, help_text=_("Months between the regular reports (null: no cycle).")
    )
    anchor = serializers.DateField(
        allow_null=True, help_text=_("The date of one report of the cycle.")
    )
    dates = serializers.ListField(
        child=serializers.DateField(), help_text=_("The report dates the Council set.")
    )
    next_report_due = serializers.DateField(
        allow_null=True,
        help_text=_(
            "The next regular report due, from the calendar (the one figure every page shows); "
            "before today when the report due most recently is late; null without a calendar "
            "or for a closed mission."
        ),
    )


class MissionDetailSerializer(MissionSerializer):
    """A mission with its mandate's renewals (newest first) and its reporting calendar."""

    renewals = MandateRenewalSerializer(many=True, read_only=True)
    reporting_calendar = serializers.SerializerMethodField()

    class Meta(MissionSerializer.Meta):
        fields = [*MissionSerializer.Meta.fields, "renewals", "reporting_calendar"]

    @extend_schema_field(ReportingCalendarSerializer)
    def get_reporting_calendar(self, obj: Mission) -> dict[str, Any]:
        today = self.context.get("today") or timezone.localdate()
        return {
            "cycle_months": obj.reporting_cycle_months,
            "anchor": obj.reporting_anchor,
            "dates": sorted(row.date for row in obj.reporting_dates.all()),
            "next_report_due": sg_report_selectors.next_report_due(obj, today=today),
        }


class UnitSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:unit-detail")
    parent = compact("unit", _acronym, read_only=True)
    mission = compact("mission", _acronym, read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "url",
            "acronym",
            "name",
            "kind",
            "parent",
            "mission",
            "email",
            "updated_at",
        ]


class DocumentSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:document-detail")
    official_url = serializers.CharField(
        source="url", read_only=True, help_text=_("The official text in the UN document system.")
    )
    draft_of = compact("document", _symbol, read_only=True)
    predecessor = compact("document", _symbol, read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "url",
            "symbol",
            "kind",
            "body",
            "citation_label",
            "date",
            "title",
            "official_url",
            "draft_of",
            "predecessor",
            "updated_at",
        ]


class DocumentDetailSerializer(DocumentSerializer):
    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "source_text"]


class ParagraphSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:paragraph-detail")
    document = compact("document", _symbol, read_only=True)
    parent = compact("paragraph", _citation, read_only=True)
    themes = compact("theme", many=True, read_only=True)

    class Meta:
        model = Paragraph
        fields = [
            "id",
            "url",
            "document",
            "kind",
            "ref",
            "citation",
            "number",
            "label",
            "parent",
            "order",
            "text",
            "lead_verb",
            "themes",
            "updated_at",
        ]


#: Where a request's serializer finds its prefetched mission lines (the views prefetch them).
PREFETCHED_LINES = exports.PREFETCHED_LINES


@extend_schema_field(serializers.CharField(allow_null=True))
class UsernameField(serializers.Field):
    """A person shown and written as their username."""

    def to_representation(self, value: Any) -> str:
        return str(value.get_username())

    def to_internal_value(self, data: Any) -> User:
        if not isinstance(data, str) or not data:
            raise serializers.ValidationError(_("A username."))
        person = User.objects.filter(username=data, is_active=True).first()
        if person is None:
            raise serializers.ValidationError(_("No active user with this username."))
        return person


class MissionLineSerializer(serializers.Serializer):
    """One mission's line of work on a request: its current status and due date (its own, or
    the request's while it follows the request), overdue flag and focal point."""

    mission = serializers.CharField(source="mission.acronym", read_only=True)
    status = serializers.ChoiceField(
        source="current_status",
        choices=RequestStatus.choices,
        read_only=True,
        help_text=_("The line's current status: its own, or the request's while it follows it."),
    )
    own_status = serializers.SerializerMethodField(
        help_text=_(
            "true: the line has a status of its own; false: it follows the request's status."
        )
    )
    due_date = serializers.DateField(source="current_due_date", read_only=True, allow_null=True)
    overdue = serializers.SerializerMethodField(
        help_text=_("Open, with a (current) due date before today.")
    )
    focal_point = serializers.SerializerMethodField(
        help_text=_("The username of the line's focal point; null without one.")
    )
    updated_at = serializers.DateTimeField(read_only=True)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_own_status(self, obj: RequestMission) -> bool:
        return obj.status is not None

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, obj: RequestMission) -> bool:
        today = self.context.get("today") or timezone.localdate()
        return request_selectors.line_is_overdue(obj, today=today)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_focal_point(self, obj: RequestMission) -> str | None:
        return obj.focal_point.get_username() if obj.focal_point is not None else None


class MissionLineDetailSerializer(RefuseUnknownFields, MissionLineSerializer):
    """A line as its own resource. PATCH changes ``due_date`` and ``focal_point`` (a username,
    null to clear it); status changes are line updates (POST to ``updates/``)."""

    request = serializers.IntegerField(source="request_id", read_only=True)
    due_date = serializers.DateField(source="current_due_date", required=False, allow_null=True)
    focal_point = UsernameField(
        required=False,
        allow_null=True,
        help_text=_("The username of the line's focal point (an active user); null for none."),
    )

    class Meta:
        fields = [
            "request",
            "mission",
            "status",
            "own_status",
            "due_date",
            "overdue",
            "focal_point",
            "updated_at",
        ]

    def update(self, instance: RequestMission, validated_data: dict[str, Any]) -> RequestMission:
        changes: dict[str, Any] = {}
        if "current_due_date" in validated_data:
            changes["due_date"] = validated_data["current_due_date"]
        if "focal_point" in validated_data:
            changes["focal_point"] = validated_data["focal_point"]
        if not changes:
            return instance
        return services.line_edit(
            request=instance.request,
            mission=instance.mission_id,
            changes=changes,
            by=self.context["request"].user,
            expected_version=self.context.get("expected_version"),
        )


class LineUpdateSerializer(RefuseUnknownFields, serializers.Serializer):
    """A status update on one mission's line: a new status (an allowed transition from the
    line's current status) or, with the current status, a progress note."""

    status = serializers.ChoiceField(choices=RequestStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    evidence_url = serializers.URLField(required=False, allow_blank=True, max_length=500)


class FulfilmentSerializer(serializers.ModelSerializer):
    """What answered a request (or one mission's line of it) for one due date."""

    report = compact("sgreport", _symbol, read_only=True)
    document = compact("document", _symbol, read_only=True)
    mission = compact("mission", _acronym, read_only=True)

    class Meta:
        model = Fulfilment
        fields = [
            "id",
            "mission",
            "due_date",
            "outcome",
            "report",
            "paragraphs",
            "document",
            "note",
            "created_at",
        ]
        read_only_fields = fields


class RequestSerializer(RefuseUnknownFields, serializers.ModelSerializer):
    """A request. PATCH changes ``status`` (with a ``note``), ``due_date``, ``priority``,
    ``lead_unit``, ``supporting_units`` and ``missions``; everything else is read-only."""

    url = DetailUrlField(view_name="api:request-detail")
    lead_unit = compact("unit", _acronym, queryset=Unit.objects.all())
    supporting_units = compact("unit", _acronym, many=True, queryset=Unit.objects.all())
    missions = compact("mission", _acronym, many=True, queryset=Mission.objects.all())
    paragraphs = compact("paragraph", _citation, many=True, read_only=True)
    predecessor = compact("request", _reference, read_only=True)
    overdue = serializers.SerializerMethodField(help_text=_("Open, with a due date before today."))
    mission_lines = serializers.SerializerMethodField(
        help_text=_(
            "One line of work per mission concerned: its current status and due date (its own, "
            "or the request's while it follows the request), overdue flag and focal point."
        )
    )
    fulfilments = FulfilmentSerializer(
        many=True,
        read_only=True,
        help_text=_("What fulfilled the request or its mission lines, for which due date."),
    )
    note = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text=_("Why the status or the plan changed; recorded in the request's timeline."),
    )

    class Meta:
        model = Request
        fields = [
            "id",
            "url",
            "reference",
            "title",
            "description",
            "status",
            "priority",
            "due_date",
            "overdue",
            "recurrence",
            "recurrence_months",
            "recurrence_anchor",
            "lead_unit",
            "supporting_units",
            "missions",
            "mission_lines",
            "paragraphs",
            "predecessor",
            "created_at",
            "updated_at",
            "closed_at",
            "archived_at",
            "version",
            "fulfilments",
            "note",
        ]
        read_only_fields = [
            "reference",
            "title",
            "description",
            "recurrence",
            "recurrence_months",
            "recurrence_anchor",
            "created_at",
            "updated_at",
            "closed_at",
            "archived_at",
            "version",
        ]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_overdue(self, obj: Request) -> bool:
        return obj.is_overdue(today=self.context.get("today") or timezone.localdate())

    @extend_schema_field(MissionLineSerializer(many=True))
    def get_mission_lines(self, obj: Request) -> list[dict[str, Any]]:
        # Prefetched by the views (read otherwise); each line reads its request's status.
        lines = exports.lines_of(obj)
        return MissionLineSerializer(lines, many=True, context=self.context).data

    def validate_status(self, value: str) -> str:
        instance = self.instance
        if isinstance(instance, Request) and value != instance.status:
            try:
                services.check_transition(instance.status, value)
            except services.WorkflowError as exc:
                raise serializers.ValidationError(str(exc)) from exc
        return value

    def update(self, instance: Request, validated_data: dict[str, Any]) -> Request:
        note = validated_data.pop("note", "")
        return services.request_edit(
            request=instance,
            by=self.context["request"].user,
            changes=validated_data,
            expected_version=self.context.get("expected_version"),
            note=note,
        )


class FulfilmentRecordSerializer(RefuseUnknownFields, serializers.Serializer):
    """POST: what fulfilled the request (a one-off request, or one mission's line of it)."""

    mission = serializers.PrimaryKeyRelatedField(
        queryset=Mission.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The mission line it fulfils (not needed when the request has one line)."),
    )
    report = serializers.PrimaryKeyRelatedField(
        queryset=SecretaryGeneralReport.objects.all(), required=False, allow_null=True
    )
    document = serializers.PrimaryKeyRelatedField(
        queryset=without_document_text(Document.objects.all()), required=False, allow_null=True
    )
    paragraphs = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text=_('e.g. "34-38, 52".')
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)

    def create(self, validated_data: dict[str, Any]) -> Fulfilment:
        return fulfilment_services.fulfilment_record(
            request=self.context["target"],
            mission=validated_data.get("mission"),
            report=validated_data.get("report"),
            document=validated_data.get("document"),
            paragraphs=validated_data.get("paragraphs", ""),
            note=validated_data.get("note", ""),
            by=self.context["request"].user,
        )


class StatusUpdateSerializer(RefuseUnknownFields, serializers.ModelSerializer):
    """An entry of a request's timeline. POST records one (a new status, or a progress note
    when ``status_to`` is the current status); entries are never changed or deleted."""

    url = serializers.HyperlinkedIdentityField(view_name="api:statusupdate-detail")
    request = compact("request", _reference, queryset=Request.objects.all())
    mission = compact("mission", _acronym, read_only=True)
    author = serializers.CharField(source="display_author", read_only=True)
    evidence_file_url = serializers.SerializerMethodField()

    class Meta:
        model = StatusUpdate
        fields = [
            "id",
            "url",
            "request",
            "mission",
            "created_at",
            "author",
            "status_from",
            "status_to",
            "note",
            "evidence_url",
            "evidence_file",
            "evidence_file_url",
        ]
        read_only_fields = ["created_at", "status_from"]
        # Uploaded in a multipart body and checked by the model field's validators (extension,
        # size); read back through evidence_file_url.
        extra_kwargs = {"evidence_file": {"write_only": True}}

    @extend_schema_field(
        serializers.URLField(
            allow_null=True,
            help_text=_("Where to download the evidence file with your token; null without one."),
        )
    )
    def get_evidence_file_url(self, obj: StatusUpdate) -> str | None:
        if not obj.evidence_file:
            return None
        return detail_url(self.context, "api:statusupdate-evidence", obj.pk)

    def create(self, validated_data: dict[str, Any]) -> StatusUpdate:
        return services.request_update_status(
            request=validated_data["request"],
            status=validated_data["status_to"],
            note=validated_data.get("note", ""),
            evidence_url=validated_data.get("evidence_url", ""),
            evidence_file=validated_data.get("evidence_file"),
            by=self.context["request"].user,
            expected_version=self.context.get("expected_version"),
        )


class BenchmarkSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:benchmark-detail")
    mission = compact("mission", _acronym, read_only=True)
    paragraph = compact("paragraph", _citation, read_only=True)
    component = compact("theme", read_only=True)
    responsible_unit = compact("unit", _acronym, read_only=True)
    progress = serializers.SerializerMethodField(
        help_text=_(
            "Progress to target (computed from the figures): achieved, on_track, off_track or "
            "no_data, from baseline, target, direction and the latest assessed value, unless set "
            "by hand (then progress_set_by_hand is true). Not the latest rating, which is the "
            "staff's assessment of a period (see the assessments)."
        )
    )
    progress_set_by_hand = serializers.SerializerMethodField()

    class Meta:
        model = Benchmark
        fields = [
            "id",
            "url",
            "reference",
            "mission",
            "paragraph",
            "ownership_element",
            "component",
            "indicator",
            "baseline",
            "target",
            "target_date",
            "responsible_unit",
            "host_country_context",
            "direction",
            "progress",
            "progress_set_by_hand",
            "progress_override_reason",
            "updated_at",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=ProgressStatus.choices))
    def get_progress(self, obj: Benchmark) -> str:
        return _progress(obj)[0]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_progress_set_by_hand(self, obj: Benchmark) -> bool:
        return _progress(obj)[1]


def _progress(obj: Benchmark) -> tuple[str, bool]:
    """Progress from the latest value the viewset annotated (``_latest_value``)."""
    return obj.progress_for(getattr(obj, "_latest_value", None))


class AssessmentSerializer(RefuseUnknownFields, serializers.ModelSerializer):
    """How a benchmark stood in one reporting period. POST creates one (once per benchmark and
    period start); PATCH/PUT change it with ``If-Match``."""

    url = serializers.HyperlinkedIdentityField(view_name="api:assessment-detail")
    benchmark = compact("benchmark", _reference, queryset=Benchmark.objects.all())
    source_report = compact(
        "document",
        _symbol,
        queryset=without_document_text(Document.objects.all()),
        required=False,
        allow_null=True,
    )

    report = compact(
        "sgreport",
        _symbol,
        queryset=SecretaryGeneralReport.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The registered regular report that gave this rating (on the same mission)."),
    )

    class Meta:
        model = BenchmarkAssessment
        fields = [
            "id",
            "url",
            "benchmark",
            "period_start",
            "period_end",
            "rating",
            "value",
            "narrative",
            "evidence",
            "evidence_url",
            "source_report",
            "report",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {
            "rating": {
                "help_text": _(
                    "Rating (staff assessment) for this period: a judgement, not computed; "
                    "the benchmark's progress to target is computed from the figures."
                )
            }
        }
        # The one-per-period rule is checked by the model with its own message.
        validators: list[Any] = []

    def validate_benchmark(self, value: Benchmark) -> Benchmark:
        if self.instance is not None and value != self.instance.benchmark:
            raise serializers.ValidationError(_("An assessment cannot move to another benchmark."))
        return value

    def create(self, validated_data: dict[str, Any]) -> BenchmarkAssessment:
        benchmark = validated_data.pop("benchmark")
        return benchmark_services.assessment_create(
            benchmark=benchmark, by=self.context["request"].user, fields=validated_data
        )

    def update(
        self, instance: BenchmarkAssessment, validated_data: dict[str, Any]
    ) -> BenchmarkAssessment:
        validated_data.pop("benchmark", None)
        return benchmark_services.assessment_update(
            assessment=instance,
            by=self.context["request"].user,
            changes=validated_data,
            expected_updated_at=self.context.get("expected_updated_at"),
        )


class CalendarFeedSerializer(RefuseUnknownFields, serializers.ModelSerializer):
    """A personal calendar subscription. The secret address is returned once, on creation."""

    unit = compact("unit", _acronym, queryset=Unit.objects.all(), required=False, allow_null=True)
    mission = compact(
        "mission", _acronym, queryset=Mission.objects.all(), required=False, allow_null=True
    )
    feed_url = serializers.SerializerMethodField(
        help_text=_("The secret address to subscribe to; shown only in the creation response.")
    )
    display = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = CalendarFeed
        fields = ["id", "scope", "unit", "mission", "display", "created_at", "feed_url"]
        read_only_fields = ["created_at"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_feed_url(self, obj: CalendarFeed) -> str | None:
        secret = getattr(obj, "_secret", None)
        if secret is None:
            return None
        path = django_reverse("calendar-feed", kwargs={"secret": secret})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        feed = CalendarFeed(owner=self.context["request"].user, **attrs)
        try:
            feed.full_clean(exclude=["owner", "digest"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return attrs

    def create(self, validated_data: dict[str, Any]) -> CalendarFeed:
        feed = CalendarFeed(**validated_data)
        feed._secret = integration_services.calendar_feed_create(  # type: ignore[attr-defined]
            feed=feed, by=self.context["request"].user
        )
        return feed


class CoverageItemSerializer(serializers.ModelSerializer):
    follow_up = compact("request", _reference, read_only=True)

    class Meta:
        model = CoverageItem
        fields = ["id", "element", "state", "paragraphs", "note", "follow_up", "updated_at"]


class SecretaryGeneralReportSerializer(serializers.ModelSerializer):
    """A regular report on a mission with its OP20(e)/(f) coverage checklist."""

    url = serializers.HyperlinkedIdentityField(view_name="api:sgreport-detail")
    mission = compact("mission", _acronym, read_only=True)
    coverage = CoverageItemSerializer(source="coverage_items", many=True, read_only=True)

    class Meta:
        model = SecretaryGeneralReport
        fields = [
            "id",
            "url",
            "mission",
            "symbol",
            "date",
            "title",
            "link",
            "coverage",
            "updated_at",
        ]


class PartnerSupportSerializer(serializers.ModelSerializer):
    """Support another actor gives to SSR (2553 OP20(f))."""

    url = serializers.HyperlinkedIdentityField(view_name="api:partnersupport-detail")
    mission = compact("mission", _acronym, read_only=True)
    area = compact("theme", read_only=True)

    class Meta:
        model = PartnerSupport
        fields = [
            "id",
            "url",
            "partner",
            "partner_kind",
            "mission",
            "country",
            "area",
            "period_start",
            "period_end",
            "note",
            "updated_at",
        ]


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class ScorecardCellSerializer(serializers.Serializer):
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    rating = serializers.ChoiceField(
        choices=Rating.choices,
        help_text=_("Rating (staff assessment) for the period: a judgement, not computed."),
    )
    value = serializers.CharField()


class ScorecardRowSerializer(serializers.Serializer):
    benchmark = compact("benchmark", _reference, read_only=True)
    indicator = serializers.CharField(source="benchmark.indicator")
    baseline = serializers.CharField(source="benchmark.baseline")
    target = serializers.CharField(source="benchmark.target")
    target_date = serializers.DateField(source="benchmark.target_date", allow_null=True)
    latest_rating = serializers.ChoiceField(
        choices=Rating.choices,
        allow_null=True,
        help_text=_(
            "Latest rating (staff assessment, of the last assessed period): a judgement, null "
            "when never assessed."
        ),
    )
    progress = serializers.ChoiceField(
        choices=ProgressStatus.choices,
        help_text=_(
            "Progress to target (computed from the figures): from baseline, target and the "
            "latest assessed value, unless set by hand."
        ),
    )
    progress_set_by_hand = serializers.BooleanField(source="progress_by_hand")
    rating_differs = serializers.BooleanField(
        help_text=_(
            "true when the latest rating and the computed progress contradict each other "
            "(see the latest assessment's narrative)."
        )
    )
    cells = serializers.ListField(
        child=ScorecardCellSerializer(allow_null=True),
        help_text=_("One per period of the scorecard, in order; null where not assessed."),
    )


class ScorecardSerializer(serializers.Serializer):
    """A mission's benchmarks against its reporting periods."""

    mission = compact("mission", _acronym, read_only=True)
    periods = PeriodSerializer(many=True)
    rows = ScorecardRowSerializer(many=True)


class ExpectedReportSerializer(serializers.Serializer):
    date = serializers.DateField()
    report = compact("sgreport", _symbol, read_only=True, allow_null=True)
    upcoming = serializers.BooleanField()


class CoverageRowSerializer(serializers.Serializer):
    report = compact("sgreport", _symbol, read_only=True)
    date = serializers.DateField(source="report.date")
    coverage = NullableItemsListField(
        source="cells",
        child=CoverageItemSerializer(allow_null=True),
        help_text=_("One per element, in the order of the elements; null if not on the list."),
    )


class MissionCoverageSerializer(serializers.Serializer):
    """One mission of the coverage matrix: its reports with their checklists, and the report
    dates its cycle expected over the last year and next."""

    mission = compact("mission", _acronym, read_only=True)
    expected = ExpectedReportSerializer(many=True)
    rows = CoverageRowSerializer(many=True)


class ActivitySerializer(RefuseUnknownFields, serializers.ModelSerializer):
    """Something done on SSR besides reporting: an assessment mission, a training, a meeting...
    POST records one; PATCH/PUT change it with ``If-Match``; DELETE removes one recorded by
    mistake. Missions, units, themes and requests are given by id."""

    url = serializers.HyperlinkedIdentityField(view_name="api:activity-detail")
    missions = compact(
        "mission", _acronym, many=True, queryset=Mission.objects.all(), required=False
    )
    units = compact("unit", _acronym, many=True, queryset=Unit.objects.all(), required=False)
    themes = compact("theme", many=True, queryset=Theme.objects.all(), required=False)
    requests = compact(
        "request", _reference, many=True, queryset=Request.objects.all(), required=False
    )

    class Meta:
        model = Activity
        fields = [
            "id",
            "url",
            "kind",
            "title",
            "start_date",
            "end_date",
            "missions",
            "units",
            "themes",
            "partners",
            "story",
            "requests",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    _LINKS = ("missions", "units", "themes", "requests")

    def create(self, validated_data: dict[str, Any]) -> Activity:
        links = {name: validated_data.pop(name, []) for name in self._LINKS}
        return activity_services.activity_save(
            activity=Activity(**validated_data), by=self.context["request"].user, **links
        )

    def update(self, instance: Activity, validated_data: dict[str, Any]) -> Activity:
        links = {name: validated_data.pop(name, None) for name in self._LINKS}
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return activity_services.activity_save(
            activity=instance,
            by=self.context["request"].user,
            expected_updated_at=self.context.get("expected_updated_at"),
            **links,
        )
