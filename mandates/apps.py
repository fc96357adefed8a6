from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MandatesConfig(AppConfig):
    name = "mandates"
    verbose_name = _("Mandates")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, pre_delete

        from mandates.base_models import refuse_deleting_referenced
        from mandates.integration import webhooks
        from mandates.models import Document, Mission, Paragraph, Theme, Unit
        from mandates.requests import events
        from ssrtracker import schedules, security

        for model in (Unit, Mission, Theme, Document, Paragraph):
            pre_delete.connect(
                refuse_deleting_referenced, sender=model, dispatch_uid=f"keep-{model.__name__}"
            )
        events.connect()
        webhooks.connect()
        security.connect_axes_signals()
        # Every periodic job is declared in ssrtracker/schedules.py and synced after migrate.
        post_migrate.connect(schedules.sync_on_migrate, sender=self, dispatch_uid="schedules")
