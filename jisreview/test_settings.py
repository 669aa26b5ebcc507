"""Settings for the test suite: the development defaults, with test data kept apart under var/test."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault(
    "JISREVIEW_VAR_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "test")
)

from jisreview.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Each test run gets its own cache namespace: a Redis that outlives the run (as on a developer's
# machine or CI) must not hand one run's cached rows to the next run's fresh database.
CACHES["default"]["KEY_PREFIX"] = f"test-{os.getpid()}-{os.urandom(4).hex()}"  # noqa: F405
