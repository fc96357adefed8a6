from django.contrib import admin
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from mandates.api.calendar import calendar_feed

admin.site.site_header = _("ssrtracker – Security sector reform mandates")
admin.site.site_title = _("ssrtracker")
admin.site.index_title = _("Mandates, requests and benchmarks")


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers and docker-compose."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("mandates/", include("mandates.urls")),
    path("api/v1/", include("ssrtracker.api_urls")),
    path("calendar/<str:secret>.ics", calendar_feed, name="calendar-feed"),
]

handler400 = "ssrtracker.errors.bad_request"
handler403 = "ssrtracker.errors.permission_denied"
handler404 = "ssrtracker.errors.page_not_found"
handler500 = "ssrtracker.errors.server_error"
