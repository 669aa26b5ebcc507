"""Settings for the test suite: the development defaults, with test data kept apart under var/test."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault(
    "JISREVIEW_VAR_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "test")
)

from jisreview.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
