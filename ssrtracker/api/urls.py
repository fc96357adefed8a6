"""Routes of the API, version 1, for both apps. Mounted at ``/api/v1/`` under the namespace
``api``."""

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from mandates.api import views
from reports.api import SummaryViewSet

app_name = "api"

router = DefaultRouter()
router.include_root_view = False
router.register("documents", views.DocumentViewSet)
router.register("paragraphs", views.ParagraphViewSet)
router.register("requests", views.RequestViewSet, basename="request")
router.register("status-updates", views.StatusUpdateViewSet)
router.register("missions", views.MissionViewSet)
router.register("units", views.UnitViewSet)
router.register("themes", views.ThemeViewSet)
router.register("benchmarks", views.BenchmarkViewSet)
router.register("assessments", views.AssessmentViewSet, basename="assessment")
router.register("sg-reports", views.SecretaryGeneralReportViewSet, basename="sgreport")
router.register("partner-support", views.PartnerSupportViewSet)
router.register("activities", views.ActivityViewSet)
router.register("calendar-feeds", views.CalendarFeedViewSet, basename="calendarfeed")
router.register("summaries", SummaryViewSet)

#: Swagger UI and ReDoc set styles from their scripts: their pages, and only they, allow inline
#: styles (which run no code); scripts stay our own.
documentation_page = csp_update({"style-src": ["'unsafe-inline'"]})

urlpatterns = [
    path("", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Pages for people: log in first (the schema itself answers 401 like the rest of the API).
    path(
        "docs/",
        documentation_page(
            login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema"))
        ),
        name="docs",
    ),
    path(
        "redoc/",
        documentation_page(login_required(SpectacularRedocView.as_view(url_name="api:schema"))),
        name="redoc",
    ),
]
