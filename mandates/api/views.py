"""The API's viewsets. Each list is filtered only by its FilterSet, paginated, and loads its
related objects in a fixed number of queries whatever the page size."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request as HttpRequest
from rest_framework.response import Response

from mandates.api import exports, filters, parse_output
from mandates.api import serializers as s
from mandates.api.fields import prefetched_list
from mandates.benchmarks import selectors as benchmark_selectors
from mandates.documents.importing import ImportFailed, parse
from mandates.integration.services import secret_revoke
from mandates.models import (
    Benchmark,
    BenchmarkAssessment,
    CalendarFeed,
    CoverageItem,
    Document,
    MandateRenewal,
    Mission,
    Paragraph,
    PartnerSupport,
    Request,
    SecretaryGeneralReport,
    StatusUpdate,
    Theme,
    Unit,
)
from mandates.requests.querysets import without_document_text
from mandates.views import evidence_download
from ssrtracker.api.etags import (
    ASSESSMENT_TAG,
    REQUEST_TAG,
    ETagMixin,
    content_etag,
    from_timestamp_micros,
    parse_etags,
    timestamp_micros,
)
from ssrtracker.api.permissions import TokenScopePermission
from ssrtracker.api.viewsets import ReadOnlyViewSet
from ssrtracker.limits import bounded_int

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description=_("The ETag of the object as you read it (428 without it, 412 if it changed)."),
)
IF_MATCH_REQUEST = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=_(
        "Optional: the ETag of the request as you read it; the update is refused with 412 if "
        "the request changed since."
    ),
)


@extend_schema_view(
    list=extend_schema(summary="List themes"), retrieve=extend_schema(summary="A theme")
)
class ThemeViewSet(ReadOnlyViewSet):
    """Themes: cross-cutting themes, security-sector components and governance areas."""

    queryset = Theme.objects.order_by("kind", "name", "pk")
    serializer_class = s.ThemeSerializer
    filterset_class = filters.ThemeFilter


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@extend_schema_view(
    list=extend_schema(summary="List missions"), retrieve=extend_schema(summary="A mission")
)
class MissionViewSet(ReadOnlyViewSet):
    """Missions: peacekeeping operations, special political missions, regional offices, country
    teams. The list leaves out closed missions (an end date in the past) unless
    ``include_closed=1`` or ``active`` is given; a closed mission's page stays reachable."""

    queryset = Mission.objects.order_by("acronym", "pk")
    serializer_class = s.MissionSerializer
    filterset_class = filters.MissionFilter

    def get_queryset(self) -> QuerySet[Mission]:
        queryset = super().get_queryset()
        if self.action == "retrieve":
            renewals = MandateRenewal.objects.select_related("resolution").order_by("-adopted")
            return queryset.prefetch_related(
                Prefetch(
                    "renewals",
                    queryset=renewals.only("mission_id", "adopted", "expiry", "resolution__symbol"),
                )
            )
        params = self.request.query_params
        if (
            self.action == "list"
            and "active" not in params
            and not _truthy(params.get("include_closed"))
        ):
            queryset = queryset.exclude(end_date__lt=timezone.localdate())
        return queryset

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return s.MissionDetailSerializer if self.action == "retrieve" else s.MissionSerializer

    @extend_schema(
        summary="A mission's benchmark scorecard",
        description=(
            "The mission's benchmarks (rows) against its reporting periods (columns): the rating "
            "and value of each period, and the benchmark's progress (2553 OP20(e))."
        ),
        responses=s.ScorecardSerializer,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def scorecard(self, request: HttpRequest, pk: str | None = None) -> Response:
        mission = self.get_object()
        card = benchmark_selectors.scorecard(mission, today=timezone.localdate())
        data = s.ScorecardSerializer(
            {
                "mission": mission,
                "periods": [{"start": a, "end": b} for a, b in card.periods],
                "rows": card.rows,
            },
            context=self.get_serializer_context(),
        ).data
        return Response(data)


@extend_schema_view(
    list=extend_schema(summary="List units"), retrieve=extend_schema(summary="A unit")
)
class UnitViewSet(ReadOnlyViewSet):
    """Units that lead or support requests: Headquarters units, mission sections, agencies."""

    queryset = Unit.objects.select_related("parent", "mission").order_by("acronym", "pk")
    serializer_class = s.UnitSerializer
    filterset_class = filters.UnitFilter


@extend_schema_view(
    list=extend_schema(summary="List documents"),
    retrieve=extend_schema(summary="A document, with its full source text"),
)
class DocumentViewSet(ReadOnlyViewSet):
    """Resolutions, drafts, presidential statements and reports. The list leaves out the
    source text; the detail has it."""

    queryset = without_document_text(
        Document.objects.select_related("draft_of", "predecessor"), "draft_of", "predecessor"
    ).order_by("-date", "symbol", "pk")
    serializer_class = s.DocumentSerializer
    filterset_class = filters.DocumentFilter

    def get_queryset(self) -> QuerySet[Document]:
        queryset = super().get_queryset()
        if self.action == "list":
            queryset = without_document_text(queryset)
        return queryset

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return s.DocumentDetailSerializer if self.action == "retrieve" else s.DocumentSerializer

    @extend_schema(
        summary="A document's parse",
        description=(
            "The document's source text read by the parser: paragraphs, lead verbs, addressees "
            "and their kinds, deadlines, SSR relevance and themes, mandate renewals. The same "
            "JSON as `manage.py parse_document --format json`, described by "
            "docs/parse-output.schema.json (see `schema_version`). 422 when the document has "
            "no source text, or a text the parser cannot read."
        ),
        responses={
            200: parse_output.ParseOutputSerializer,
            422: OpenApiResponse(
                response=inline_serializer("ParseRefused", {"detail": serializers.CharField()}),
                description="The document has no source text, or the parser cannot read it.",
            ),
        },
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def parse(self, request: HttpRequest, pk: str | None = None) -> Response:
        document = self.get_object()
        if not document.source_text.strip():
            return Response(
                {"detail": _("This document has no source text to parse.")},
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        try:
            data = parse(document.source_text).to_dict()
        except ImportFailed as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
        etag = content_etag(data)
        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(data, headers={"ETag": etag})


@extend_schema_view(
    list=extend_schema(summary="List paragraphs"), retrieve=extend_schema(summary="A paragraph")
)
class ParagraphViewSet(ReadOnlyViewSet):
    """Preambular and operative paragraphs, with their citation ("2553 (2020) OP20(e)")."""

    queryset = (
        without_document_text(Paragraph.objects.select_related("document", "parent"), "document")
        .prefetch_related("themes")
        .order_by("document_id", "order", "pk")
    )
    serializer_class = s.ParagraphSerializer
    filterset_class = filters.ParagraphFilter


def _request_queryset(*, into_lists: bool = False) -> QuerySet[Request]:
    """Requests with what the serializer shows. ``into_lists`` (the list, read only) prefetches
    the many-to-many relations into plain lists that :class:`CompactManyField` reads, instead
    of the related managers' caches, which cost a manager and a queryset per row."""

    def prefetch(name: str, queryset: QuerySet[Any]) -> Prefetch:
        return Prefetch(
            name, queryset=queryset, to_attr=prefetched_list(name) if into_lists else None
        )

    return (
        Request.objects.select_related("lead_unit", "predecessor")
        .prefetch_related(
            # Only what the compact form shows: building a page of 100 requests creates about
            # 600 related objects, and their timestamps were most of the decoding time.
            prefetch("supporting_units", Unit.objects.only("id", "acronym")),
            prefetch("missions", Mission.objects.only("id", "acronym")),
            prefetch("paragraphs", Paragraph.objects.only("id", "citation")),
        )
        .order_by("due_date", "reference", "pk")
    )


@extend_schema_view(
    list=extend_schema(
        summary="List requests",
        description="Archived requests are left out unless `archived=true`.",
    ),
    retrieve=extend_schema(summary="A request"),
    partial_update=extend_schema(
        summary="Change a request's status, due date, priority or units",
        parameters=[IF_MATCH],
        examples=[
            OpenApiExample(
                "Start work",
                value={"status": "in_progress", "note": "Concept note shared with the mission."},
                request_only=True,
            ),
            OpenApiExample(
                "Move the deadline", value={"due_date": "2021-12-31"}, request_only=True
            ),
        ],
    ),
    update=extend_schema(
        summary="Replace a request's writable fields",
        parameters=[IF_MATCH],
    ),
)
class RequestViewSet(
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Requests (mandated tasks). Writes go through the workflow service: allowed transitions,
    unit rights, optimistic locking with ``If-Match``."""

    serializer_class = s.RequestSerializer
    filterset_class = filters.RequestFilter
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet[Request]:
        return _request_queryset(into_lists=self.action == "list")

    def get_etag(self, obj: Any, data: Any) -> str:
        return request_etag(obj)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def update(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        context = self.get_serializer_context()
        context["expected_version"] = _expected_version(instance, self.required_if_match())
        serializer = self.get_serializer_class()(
            instance, data=request.data, partial=kwargs.get("partial", False), context=context
        )
        serializer.is_valid(raise_exception=True)
        serializer.save()
        fresh = self.get_queryset().get(pk=instance.pk)
        data = self.get_serializer(fresh).data
        return Response(data, headers={"ETag": request_etag(fresh)})

    @extend_schema(
        summary="Export the filtered requests as CSV or XLSX",
        description=(
            "All the requests the filters select (no pagination), one row each, for "
            "spreadsheets. Takes the same filters as the list."
        ),
        parameters=[
            OpenApiParameter(
                "file_format",
                str,
                enum=["csv", "xlsx"],
                default="csv",
                description=_("csv (UTF-8 with BOM, opens in Excel) or xlsx."),
            )
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, exports.XLSX_MIME): OpenApiTypes.BINARY,
        },
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
        file_format = request.query_params.get("file_format", "csv")
        if file_format not in ("csv", "xlsx"):
            raise serializers.ValidationError({"file_format": [_("Choose csv or xlsx.")]})
        queryset = self.filter_queryset(self.get_queryset())
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        if file_format == "xlsx":
            return exports.requests_xlsx(queryset, filename=f"requests-{stamp}.xlsx")
        return exports.requests_csv(queryset, filename=f"requests-{stamp}.csv")


def request_etag(obj: Request) -> str:
    return REQUEST_TAG.make(obj.pk, obj.version)


def _expected_version(instance: Request, tags: list[str]) -> int | None:
    """The version the client read, from its If-Match tags (None for ``*``)."""
    return REQUEST_TAG.expected(instance.pk, tags)


class FileNegotiation(BaseContentNegotiation):
    """For a file download: whatever the client accepts, the file, or an error in JSON."""

    def select_parser(self, request: HttpRequest, parsers: list[Any]) -> Any:
        return parsers[0] if parsers else None

    def select_renderer(
        self, request: HttpRequest, renderers: list[Any], format_suffix: str | None = None
    ) -> tuple[Any, str]:
        return renderers[0], renderers[0].media_type


@extend_schema_view(
    list=extend_schema(summary="List status updates"),
    retrieve=extend_schema(summary="A status update"),
    create=extend_schema(
        summary="Record a status update on a request",
        description=(
            "A new status (it must be an allowed transition) or, with the current status, a "
            "progress note. To attach an evidence file, send the update as multipart/form-data "
            "with the file in `evidence_file`; download it from `evidence_file_url`."
        ),
        # No form-urlencoded body: it cannot carry the file, and a generated client that is
        # offered it sends every body, file included, that way.
        request={
            "application/json": s.StatusUpdateSerializer,
            "multipart/form-data": s.StatusUpdateSerializer,
        },
        parameters=[IF_MATCH_REQUEST],
        examples=[
            OpenApiExample(
                "Complete",
                value={
                    "request": 1,
                    "status_to": "completed",
                    "note": "Benchmarks included in the report.",
                    "evidence_url": "https://undocs.org/en/S/2021/123",
                },
                request_only=True,
            )
        ],
    ),
)
class StatusUpdateViewSet(
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The timeline of requests: append-only entries, each a status change or a progress
    note."""

    queryset = StatusUpdate.objects.select_related("request", "author").order_by(
        "-created_at", "-pk"
    )
    serializer_class = s.StatusUpdateSerializer
    filterset_class = filters.StatusUpdateFilter
    lookup_value_regex = r"[0-9]+"

    def create(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
        context = self.get_serializer_context()
        serializer = self.get_serializer_class()(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        header = request.headers.get("If-Match")
        if header:
            target = serializer.validated_data["request"]
            context["expected_version"] = _expected_version(target, parse_etags(header))
        update = serializer.save()
        data = self.get_serializer(update).data
        return Response(
            data, status=status.HTTP_201_CREATED, headers={"ETag": self.get_etag(update, data)}
        )

    @extend_schema(
        summary="Download a status update's evidence file",
        description=(
            "The file, as an attachment (its name in Content-Disposition), for whoever may read "
            "status updates; 404 when the update has none. Its Content-Type is the file's type "
            "(application/octet-stream when that is unknown)."
        ),
        # application/octet-stream first: client generators take the first type they know,
        # and few know a range such as */*, which still says that other types come.
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            (200, "*/*"): OpenApiTypes.BINARY,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        pagination_class=None,
        filterset_class=None,
        content_negotiation_class=FileNegotiation,
    )
    def evidence(self, request: HttpRequest, pk: str | None = None) -> FileResponse:
        return evidence_download(self.get_object())


def assessment_etag(obj: BenchmarkAssessment) -> str:
    return ASSESSMENT_TAG.make(obj.pk, timestamp_micros(obj.updated_at))


@extend_schema_view(
    list=extend_schema(summary="List benchmark assessments"),
    retrieve=extend_schema(summary="A benchmark assessment"),
    create=extend_schema(summary="Assess a benchmark for a reporting period"),
    partial_update=extend_schema(summary="Change an assessment", parameters=[IF_MATCH]),
    update=extend_schema(summary="Replace an assessment", parameters=[IF_MATCH]),
)
class AssessmentViewSet(
    ETagMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Assessments of benchmarks, one per benchmark and reporting period."""

    queryset = without_document_text(
        BenchmarkAssessment.objects.select_related("benchmark", "source_report"), "source_report"
    ).order_by("benchmark_id", "-period_start", "pk")
    serializer_class = s.AssessmentSerializer
    filterset_class = filters.AssessmentFilter
    lookup_value_regex = r"[0-9]+"

    def get_etag(self, obj: Any, data: Any) -> str:
        return assessment_etag(obj)

    def create(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = serializer.save()
        return Response(
            serializer.data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": assessment_etag(created)},
        )

    def update(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        context = self.get_serializer_context()
        context["expected_updated_at"] = _expected_updated_at(instance, self.required_if_match())
        serializer = self.get_serializer_class()(
            instance, data=request.data, partial=kwargs.get("partial", False), context=context
        )
        serializer.is_valid(raise_exception=True)
        saved = serializer.save()
        fresh = self.get_queryset().get(pk=saved.pk)
        return Response(self.get_serializer(fresh).data, headers={"ETag": assessment_etag(fresh)})


def _expected_updated_at(
    instance: BenchmarkAssessment, tags: list[str]
) -> datetime.datetime | None:
    micros = ASSESSMENT_TAG.expected(instance.pk, tags)
    return None if micros is None else from_timestamp_micros(micros)


@extend_schema_view(
    list=extend_schema(summary="List benchmarks"), retrieve=extend_schema(summary="A benchmark")
)
class BenchmarkViewSet(ReadOnlyViewSet):
    """Country-specific SSR benchmarks of missions (resolution 2553 OP20(e))."""

    queryset = (
        Benchmark.objects.select_related("mission", "paragraph", "component", "responsible_unit")
        .annotate(
            # The latest assessed value, for the computed progress (no query per row).
            _latest_value=Subquery(
                BenchmarkAssessment.objects.filter(benchmark=OuterRef("pk"))
                .order_by("-period_start")
                .values("value")[:1]
            )
        )
        .order_by("reference", "pk")
    )
    serializer_class = s.BenchmarkSerializer
    filterset_class = filters.BenchmarkFilter


@extend_schema_view(
    list=extend_schema(summary="List Secretary-General reports with their coverage"),
    retrieve=extend_schema(summary="A Secretary-General report with its coverage checklist"),
)
class SecretaryGeneralReportViewSet(ReadOnlyViewSet):
    """Regular reports of the Secretary-General on missions, each with its checklist of what it
    covered of resolution 2553 OP20(e) and (f) (report paragraphs as evidence)."""

    queryset = (
        SecretaryGeneralReport.objects.select_related("mission")
        .prefetch_related(
            Prefetch(
                "coverage_items",
                queryset=CoverageItem.objects.select_related("follow_up").order_by("element"),
            )
        )
        .order_by("-date", "symbol", "pk")
    )
    serializer_class = s.SecretaryGeneralReportSerializer
    filterset_class = filters.SecretaryGeneralReportFilter

    @extend_schema(
        summary="The coverage matrix",
        description=(
            "Missions × reports × elements of 2553 OP20(e)/(f), newest report first, with the "
            "report dates each mission's cycle expected over the last year and the next one."
        ),
        parameters=[
            OpenApiParameter(
                "mission", OpenApiTypes.INT, description=_("Only this mission (its id).")
            )
        ],
        responses=s.MissionCoverageSerializer(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def matrix(self, request: HttpRequest) -> Response:
        raw = request.query_params.get("mission", "")
        mission = None
        if raw:
            mission_id = bounded_int(raw)
            if mission_id is None:
                raise serializers.ValidationError({"mission": [_("A mission id.")]})
            mission = Mission.objects.filter(pk=mission_id).first()
            if mission is None:
                raise serializers.ValidationError({"mission": [_("No such mission.")]})
        rows = benchmark_selectors.coverage_matrix(mission=mission, today=timezone.localdate())
        context = self.get_serializer_context()
        return Response(s.MissionCoverageSerializer(rows, many=True, context=context).data)


@extend_schema_view(
    list=extend_schema(summary="List support by other actors"),
    retrieve=extend_schema(summary="Support by another actor"),
)
class PartnerSupportViewSet(ReadOnlyViewSet):
    """Support other actors (bilateral partners, the AU, the EU, the World Bank...) give to
    security sector reform, by mission or country, area and period (2553 OP20(f))."""

    queryset = PartnerSupport.objects.select_related("mission", "area").order_by(
        "-period_start", "partner", "pk"
    )
    serializer_class = s.PartnerSupportSerializer
    filterset_class = filters.PartnerSupportFilter


@extend_schema_view(
    list=extend_schema(summary="Your calendar feeds"),
    retrieve=extend_schema(summary="One of your calendar feeds"),
    create=extend_schema(
        summary="Create a calendar feed",
        description=(
            "Returns the secret address (`feed_url`) once. Subscribe to it in Outlook or Google "
            "Calendar; delete the feed to revoke the address."
        ),
    ),
    destroy=extend_schema(summary="Revoke a calendar feed"),
)
class CalendarFeedViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Each person's own feeds; nobody sees or revokes another's."""

    serializer_class = s.CalendarFeedSerializer
    lookup_value_regex = r"[0-9]+"
    filterset_class = None
    permission_classes = [IsAuthenticated, TokenScopePermission]

    queryset = CalendarFeed.objects.none()  # for the schema; requests use get_queryset()

    def get_queryset(self) -> QuerySet[CalendarFeed]:
        if getattr(self, "swagger_fake_view", False):
            return CalendarFeed.objects.none()
        return (
            CalendarFeed.objects.filter(owner=self.request.user, revoked_at__isnull=True)
            .select_related("unit", "mission", "owner")
            .order_by("-created_at", "-pk")
        )

    def perform_destroy(self, instance: CalendarFeed) -> None:
        secret_revoke(obj=instance, by=self.request.user)
