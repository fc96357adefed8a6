"""The dashboards, under ``/dashboard/``. Missions and units are addressed by acronym."""

from django.urls import include, path

from reports import views
from reports.drafts import views as drafts

app_name = "dashboard"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("missions/", views.missions, name="missions"),
    path("missions/<str:acronym>/", views.mission, name="mission"),
    path("missions/<str:acronym>/drafts/", drafts.mission_drafts, name="mission-drafts"),
    path("drafts/<int:pk>/", drafts.draft, name="draft"),
    path("drafts/<int:pk>/docx/", drafts.draft_download, name="draft-docx"),
    path("units/", views.units, name="units"),
    path("units/<str:acronym>/", views.unit, name="unit"),
    path("resolutions/", views.resolutions, name="resolutions"),
    path("resolutions/<int:pk>/", views.resolution, name="resolution"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("matrix/", views.matrix, name="matrix"),
    path("activities/", views.activities, name="activities"),
    path("menus/<str:menu>/", views.menu_options, name="menu-options"),
    path("summaries/", views.summaries, name="summaries"),
    path("summaries/<int:pk>/", views.summary, name="summary"),
    path("summaries/<int:pk>/<str:fmt>/", views.summary_download, name="summary-download"),
    path("", include("reports.scorecard_urls")),
]
