"""The Celery application. Configuration comes from Django settings prefixed ``CELERY_``.

Run a worker with ``celery -A ssrtracker worker`` and the scheduler with ``celery -A ssrtracker
beat`` (see README, "Scheduled jobs"). With the embedded file-system broker the queue folders are
created here, so the demo needs no setup.
"""

import contextlib
import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ssrtracker.settings")

app = Celery("ssrtracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_filesystem_queue_folders(sender: Celery, **kwargs: object) -> None:
    """Create the file-system broker's folders the first time the configuration is read."""
    if not str(sender.conf.broker_url or "").startswith("filesystem"):
        return
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            # A folder that cannot be made shows up as a clear error on the first publish.
            with contextlib.suppress(OSError):
                Path(options[key]).mkdir(parents=True, exist_ok=True)
