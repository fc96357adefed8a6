"""Dashboard pages for 2553 OP20(e)/(f): benchmark scorecards and report coverage. Included in
the ``dashboard`` namespace by ``reports.urls``; missions are addressed by acronym."""

from django.urls import path

from reports import scorecard_views as views

urlpatterns = [
    path("benchmarks/", views.scorecards, name="scorecards"),
    path("benchmarks/<str:acronym>/", views.scorecard, name="scorecard"),
    path("benchmarks/<str:acronym>/xlsx/", views.scorecard_xlsx, name="scorecard-xlsx"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/xlsx/", views.coverage_xlsx, name="coverage-xlsx"),
]
