from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from mandates.api.calendar import calendar_feed
from ssrtracker.health import healthz

# Resolved on first use: the hashed name needs the manifest, which collectstatic writes.
lazy_static = lazy(static, str)

admin.site.site_header = _("ssrtracker – Security sector reform mandates")
admin.site.site_title = _("ssrtracker")
admin.site.index_title = _("Mandates, requests and benchmarks")


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="dashboard:overview", permanent=False)),
    path("dashboard/", include("reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Answered by ssrtracker.health.HealthCheckMiddleware first; the route names it (access
    # policy, reverse()).
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico on every page, the admin's included.
    path("favicon.ico", RedirectView.as_view(url=lazy_static("reports/favicon.svg"))),
    path("mandates/", include("mandates.urls")),
    path("api/v1/", include("ssrtracker.api.urls")),
    path("calendar/<str:secret>.ics", calendar_feed, name="calendar-feed"),
]

handler400 = "ssrtracker.errors.bad_request"
handler403 = "ssrtracker.errors.permission_denied"
handler404 = "ssrtracker.errors.page_not_found"
handler500 = "ssrtracker.errors.server_error"
