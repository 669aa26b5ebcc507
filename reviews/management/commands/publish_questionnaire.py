"""python manage.py publish_questionnaire PATH: publish a questionnaire definition as its next version."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reviews.survey import services
from reviews.survey.questionnaire import DefinitionError


class Command(BaseCommand):
    help = "Publish a questionnaire (JSON, as in fixtures/questionnaire_fy2026.json) as an immutable version."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        try:
            definition = json.loads(path.read_text(encoding="utf-8"))
            version = services.questionnaire_publish(definition=definition)
        except (OSError, json.JSONDecodeError, DefinitionError, KeyError) as exc:
            raise CommandError(f"{path}: {exc}") from None
        self.stdout.write(
            f"{version.code} version {version.version} ({version.content_hash[:12]})."
        )
