"""The Celery application, configured from Django settings (CELERY_* names)."""

import os

from celery import Celery

from jisreview.folders import folder_make

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jisreview.settings")

app = Celery("jisreview")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

_BROKER_FOLDERS = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")


@app.on_after_configure.connect
def broker_folders_make(sender: Celery, **kwargs) -> None:
    """The embedded filesystem broker (development) keeps its messages in folders under var/, made
    when a process first reads the Celery settings: the web to publish, the worker to consume."""
    if not sender.conf.broker_url.startswith("filesystem://"):
        return
    options = sender.conf.broker_transport_options
    for key in _BROKER_FOLDERS:
        if key in options:
            folder_make(options[key], purpose=f"the filesystem broker's {key}")
