from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MandatesConfig(AppConfig):
    name = "mandates"
    verbose_name = _("Mandates")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from mandates import events, webhooks
        from ssrtracker import security

        events.connect()
        webhooks.connect()
        security.connect_axes_signals()
