"""The API's viewsets. Each list is filtered only by its FilterSet, paginated, and loads its
related objects in a fixed number of queries whatever the page size."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
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
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.request import Request as HttpRequest
from rest_framework.response import Response

from mandates.activities import services as activity_services
from mandates.api import exports, filters, imports, parse_output, request_list
from mandates.api import serializers as s
from mandates.api.fields import prefetched_list
from mandates.benchmarks import selectors as benchmark_selectors
from mandates.documents.importing import ImportFailed, parse
from mandates.imports.tracker import Kind
from mandates.integration.services import secret_revoke
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
from mandates.requests import services as request_services
from mandates.requests.querysets import without_document_text
from mandates.views import evidence_download
from ssrtracker.api.etags import (
    ACTIVITY_TAG,
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

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description=_("The ETag of the object as you read it (428 without it, 412 if it changed)."),
)
LINE_ACRONYM = OpenApiParameter(
    "acronym",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description=_("The mission's acronym, e.g. MINUSCA."),
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


class LinePermission(BasePermission):
    """A mission line is read by whoever reads requests and updated (row rules in the line
    services) by roles that record status updates."""

    message = _("Your role does not allow this.")

    def has_permission(self, request: HttpRequest, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return bool(request.user.has_perm("mandates.view_request"))
        return bool(request.user.has_perm("mandates.add_statusupdate"))


LINE_PERMISSIONS = [IsAuthenticated, TokenScopePermission, LinePermission]


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
                "reporting_dates",
                Prefetch(
                    "sg_reports", SecretaryGeneralReport.objects.only("id", "mission_id", "date")
                ),
                Prefetch(
                    "renewals",
                    queryset=renewals.only("mission_id", "adopted", "expiry", "resolution__symbol"),
                ),
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

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": timezone.localdate()}

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


class FulfilmentPermission(BasePermission):
    """Recording a fulfilment needs the role's permission to add one; the row rule (who may
    update the line or request) is the service's."""

    message = _("Your role does not allow this.")

    def has_permission(self, request: HttpRequest, view: Any) -> bool:
        return bool(request.user and request.user.has_perm("mandates.add_fulfilment"))


def _request_queryset(*, into_lists: bool = False) -> QuerySet[Request]:
    """Requests with what the serializer shows (the detail and the writes; the list reads plain
    rows, ``mandates.api.request_list``). ``into_lists`` prefetches the many-to-many relations
    into plain lists that :class:`CompactManyField` reads, instead of the related managers'
    caches, which cost a manager and a queryset per row: the serializer's list as it was, which
    the tests compare the list with."""

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
            # Each mission's line, with what the list shows of it (the line's status reads its
            # request's, which the prefetch sets on each line).
            Prefetch(
                "mission_lines",
                queryset=RequestMission.objects.select_related("mission", "focal_point").order_by(
                    "mission__acronym"
                ),
                to_attr=exports.PREFETCHED_LINES,
            ),
            # What fulfilled it: the compact report, document and mission of each.
            Prefetch(
                "fulfilments",
                Fulfilment.objects.select_related("mission", "report").prefetch_related(
                    Prefetch("document", without_document_text(Document.objects.all()))
                ),
            ),
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
        if self.action == "list":
            return request_list.base_queryset()
        return _request_queryset()

    def list(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
        """The page as :class:`~mandates.api.serializers.RequestSerializer` shows it, built from
        plain rows (``mandates.api.request_list``): the same JSON at a fraction of the cost."""
        rows = request_list.PageRows(self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(rows)
        context = self.get_serializer_context()
        if page is None:
            return Response(request_list.representations(list(rows), context=context))
        return self.get_paginated_response(request_list.representations(page, context=context))

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.action == "fulfilments":
            return s.FulfilmentRecordSerializer
        return s.RequestSerializer

    @extend_schema(
        summary="Record what fulfilled a request",
        description=(
            "The Secretary-General report (and its paragraphs) or other document that fulfilled "
            "a one-off request, or one mission's line of it (`mission`; not needed when the "
            "request has one line). The line or request is completed, with a timeline entry "
            "citing it. Refused (400) for a request that falls due with each regular report "
            "(registering the report answers it), a closed line or request, or a report on "
            "another mission; 403 for whoever may not update the line or request."
        ),
        request=s.FulfilmentRecordSerializer,
        responses={201: s.FulfilmentSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        pagination_class=None,
        filterset_class=None,
        permission_classes=[IsAuthenticated, TokenScopePermission, FulfilmentPermission],
    )
    def fulfilments(self, request: HttpRequest, pk: str | None = None) -> Response:
        target = self.get_object()
        context = {**self.get_serializer_context(), "target": target}
        serializer = s.FulfilmentRecordSerializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        recorded = serializer.save()
        return Response(
            s.FulfilmentSerializer(recorded, context=context).data,
            status=status.HTTP_201_CREATED,
        )

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
            ),
            OpenApiParameter(
                "per",
                str,
                enum=["request", "mission"],
                default="request",
                description=_(
                    "request: one row per request (with a column of its missions' states); "
                    "mission: one row per mission line (request × mission)."
                ),
            ),
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
        per = request.query_params.get("per", "request")
        if per not in ("request", "mission"):
            raise serializers.ValidationError({"per": [_("Choose request or mission.")]})
        queryset = self.filter_queryset(self.get_queryset())
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        name = "requests" if per == "request" else "mission-lines"
        if file_format == "xlsx":
            return exports.requests_xlsx(queryset, filename=f"{name}-{stamp}.xlsx", per=per)
        return exports.requests_csv(queryset, filename=f"{name}-{stamp}.csv", per=per)

    import_kind = Kind.REQUESTS

    @extend_schema(**imports.schema(Kind.REQUESTS, "requests"))
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=imports.PARSERS,
        permission_classes=imports.PERMISSIONS,
        pagination_class=None,
        filterset_class=None,
    )
    def import_sheet(self, request: HttpRequest) -> Response:
        return imports.respond(request, Kind.REQUESTS)

    # --- one mission's line -----------------------------------------------------------------

    def _line(self, acronym: str) -> RequestMission:
        req = self.get_object()
        line = (
            RequestMission.objects.select_related("mission", "focal_point")
            .filter(request=req, mission__acronym__iexact=acronym)
            .first()
        )
        if line is None:
            raise NotFound(_("This request does not concern that mission."))
        line.request = req
        return line

    def _line_response(self, line: RequestMission, **kwargs: Any) -> Response:
        data = s.MissionLineDetailSerializer(line, context=self.get_serializer_context()).data
        return Response(data, headers={"ETag": request_etag(line.request)}, **kwargs)

    @extend_schema(
        methods=["GET"],
        summary="One mission's line of a request",
        description=(
            "The line's current status and due date (its own, or the request's while it follows "
            "the request), overdue flag and focal point. Its ETag is the request's."
        ),
        parameters=[LINE_ACRONYM],
        responses=s.MissionLineDetailSerializer,
    )
    @extend_schema(
        methods=["PATCH"],
        summary="Change one mission's line: its due date or focal point",
        description=(
            "Allowed to whoever may update the request, to the members of the mission's units "
            "and to the line's focal point. The request's due date rolls up from its lines "
            "(the earliest open line's)."
        ),
        parameters=[LINE_ACRONYM, IF_MATCH],
        request=s.MissionLineDetailSerializer,
        responses=s.MissionLineDetailSerializer,
        examples=[
            OpenApiExample(
                "Move MONUSCO's deadline",
                value={"due_date": "2027-01-31", "focal_point": "jdoe"},
                request_only=True,
            )
        ],
    )
    @action(
        detail=True,
        methods=["get", "patch"],
        url_path=r"lines/(?P<acronym>[A-Za-z0-9-]{1,30})",
        url_name="line",
        permission_classes=LINE_PERMISSIONS,
        pagination_class=None,
        filterset_class=None,
    )
    def line(self, request: HttpRequest, pk: str | None = None, acronym: str = "") -> Response:
        line = self._line(acronym)
        if request.method == "GET":
            etag = request_etag(line.request)
            if etag in parse_etags(request.headers.get("If-None-Match", "")):
                return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
            return self._line_response(line)
        context = self.get_serializer_context()
        context["expected_version"] = _expected_version(line.request, self.required_if_match())
        serializer = s.MissionLineDetailSerializer(
            line, data=request.data, partial=True, context=context
        )
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return self._line_response(self._line(acronym))

    @extend_schema(
        summary="Record a status update on one mission's line",
        description=(
            "A new status for the mission's line (an allowed transition from its current "
            "status) or, with the current status, a progress note. The request's status rolls "
            "up from its lines (see the README's mandate cycle). Answers with the line."
        ),
        parameters=[LINE_ACRONYM, IF_MATCH_REQUEST],
        request=s.LineUpdateSerializer,
        responses={201: s.MissionLineDetailSerializer},
        examples=[
            OpenApiExample(
                "MINUSCA done",
                value={
                    "status": "completed",
                    "note": "Benchmarks reported in S/2027/123, paras 40-44.",
                    "evidence_url": "https://undocs.org/en/S/2027/123",
                },
                request_only=True,
            )
        ],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"lines/(?P<acronym>[A-Za-z0-9-]{1,30})/updates",
        url_name="line-updates",
        permission_classes=LINE_PERMISSIONS,
        pagination_class=None,
        filterset_class=None,
    )
    def line_updates(
        self, request: HttpRequest, pk: str | None = None, acronym: str = ""
    ) -> Response:
        line = self._line(acronym)
        serializer = s.LineUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        header = request.headers.get("If-Match")
        expected = _expected_version(line.request, parse_etags(header)) if header else None
        data = serializer.validated_data
        request_services.line_update_status(
            request=line.request,
            mission=line.mission_id,
            status=data["status"],
            note=data.get("note", ""),
            evidence_url=data.get("evidence_url", ""),
            by=request.user,
            expected_version=expected,
        )
        return self._line_response(self._line(acronym), status=status.HTTP_201_CREATED)


#: Separates a request's version from the freshness of its mission lines in its ETag.
LINES_MARK = "."


def request_etag(obj: Request) -> str:
    """``"request-<pk>-v<version>"``, and ``.<micros>`` (the last change of its mission lines)
    for a request with lines: a line changes without a new version of its request (a progress
    note, one mission done), and the representation shows its lines, so a cached copy must not
    be answered 304 then. If-Match reads only the version (:func:`_expected_version`)."""
    tag = REQUEST_TAG.make(obj.pk, obj.version)
    lines = exports.lines_of(obj)
    if not lines:
        return tag
    stamp = max(timestamp_micros(line.updated_at) for line in lines)
    return f"{tag[:-1]}{LINES_MARK}{stamp}{tag[-1]}"


def _expected_version(instance: Request, tags: list[str]) -> int | None:
    """The version the client read, from its If-Match tags (None for ``*``); the lines' part
    of a tag is left out: a line's change does not make a request edit stale."""
    head = f'"request-{instance.pk}-'
    plain = [
        f"{tag.split(LINES_MARK, 1)[0]}{tag[-1]}"
        if tag.startswith(head) and LINES_MARK in tag
        else tag
        for tag in tags
    ]
    return REQUEST_TAG.expected(instance.pk, plain)


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

    queryset = StatusUpdate.objects.select_related("request", "author", "mission").order_by(
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

    import_kind = Kind.STATUS_UPDATES

    @extend_schema(**imports.schema(Kind.STATUS_UPDATES, "status updates"))
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=imports.PARSERS,
        permission_classes=imports.PERMISSIONS,
        pagination_class=None,
        filterset_class=None,
    )
    def import_sheet(self, request: HttpRequest) -> Response:
        return imports.respond(request, Kind.STATUS_UPDATES)


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
        BenchmarkAssessment.objects.select_related("benchmark", "source_report", "report"),
        "source_report",
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

    import_kind = Kind.ASSESSMENTS

    @extend_schema(**imports.schema(Kind.ASSESSMENTS, "benchmark assessments"))
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=imports.PARSERS,
        permission_classes=imports.PERMISSIONS,
        pagination_class=None,
        filterset_class=None,
    )
    def import_sheet(self, request: HttpRequest) -> Response:
        return imports.respond(request, Kind.ASSESSMENTS)


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
                "mission",
                OpenApiTypes.STR,
                description=_("Only this mission: its id or acronym (e.g. MINUSCA)."),
            )
        ],
        responses=s.MissionCoverageSerializer(many=True),
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def matrix(self, request: HttpRequest) -> Response:
        try:
            mission = filters.mission_by_id_or_acronym(request.query_params.get("mission", ""))
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"mission": exc.messages}) from None
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


def activity_etag(obj: Activity) -> str:
    return ACTIVITY_TAG.make(obj.pk, timestamp_micros(obj.updated_at))


@extend_schema_view(
    list=extend_schema(summary="List activities"),
    retrieve=extend_schema(summary="An activity"),
    create=extend_schema(summary="Record an activity"),
    update=extend_schema(summary="Change an activity", parameters=[IF_MATCH]),
    partial_update=extend_schema(
        summary="Change some fields of an activity", parameters=[IF_MATCH]
    ),
    destroy=extend_schema(summary="Delete an activity recorded by mistake"),
)
class ActivityViewSet(ETagMixin, viewsets.ModelViewSet):
    """Activities: assessment and advisory missions, trainings, workshops, meetings (the
    Task Force, working groups, the C-34) and publications, with their missions, units, themes,
    partners and the requests they advanced. A mission focal point records only their own
    missions' and units'."""

    queryset = Activity.objects.prefetch_related(
        "missions", "units", "themes", Prefetch("requests", Request.objects.only("reference"))
    ).order_by("-start_date", "title", "pk")
    serializer_class = s.ActivitySerializer
    filterset_class = filters.ActivityFilter
    lookup_value_regex = r"[0-9]+"

    def get_etag(self, obj: Any, data: Any) -> str:
        return activity_etag(obj)

    def create(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = serializer.save()
        fresh = self.get_queryset().get(pk=created.pk)
        return Response(
            self.get_serializer(fresh).data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": activity_etag(fresh)},
        )

    def update(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        micros = ACTIVITY_TAG.expected(instance.pk, self.required_if_match())
        context = self.get_serializer_context()
        context["expected_updated_at"] = None if micros is None else from_timestamp_micros(micros)
        serializer = self.get_serializer_class()(
            instance, data=request.data, partial=kwargs.get("partial", False), context=context
        )
        serializer.is_valid(raise_exception=True)
        saved = serializer.save()
        fresh = self.get_queryset().get(pk=saved.pk)
        return Response(self.get_serializer(fresh).data, headers={"ETag": activity_etag(fresh)})

    def perform_destroy(self, instance: Activity) -> None:
        activity_services.activity_delete(activity=instance, by=self.request.user)
