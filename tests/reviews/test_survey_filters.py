"""The survey filters offer the questions of the questionnaire as it is now: a version published a
moment ago shows at once, before its transaction has even committed."""

import copy

import pytest
from django.test import RequestFactory
from django.urls import resolve

from reviews.survey import services as survey_services
from reviews.survey.filters import SurveyStandardFilter
from standards.api import StandardViewSet
from standards.filters import StandardFilter
from standards.models import Standard
from standards.urls import catalog_urls
from tests.reviews.data import FORM

pytestmark = pytest.mark.django_db

NEW_QUESTION = {
    "key": "tender_volume",
    "type": "single",
    "label": {"ja": "入札件数", "en": "Tenders a year"},
    "required": False,
    "choices": [
        {"value": "few", "label": {"ja": "少ない", "en": "Few"}},
        {"value": "many", "label": {"ja": "多い", "en": "Many"}},
    ],
}


def offered(user) -> tuple[set[str], set[str]]:
    """The answer filter's options ("question:value") and the recommended actions, as a page
    drawing the filter form sees them."""
    request = RequestFactory().get("/reviews/priorities/")
    request.user = user
    filterset = SurveyStandardFilter({}, queryset=Standard.objects.all(), request=request)
    answers = {
        value
        for _question, options in filterset.form["answer"].field.choices
        for value, _label in options
    }
    actions = {value for value, _label in filterset.form["recommended_action"].field.choices}
    return answers, actions


def test_a_new_version_is_offered_at_once(coordinator):
    survey_services.questionnaire_publish(definition=FORM)
    answers, actions = offered(coordinator)
    assert "market_use:widely" in answers and "tender_volume:few" not in answers
    assert {"confirm", "revise"} <= actions

    second = copy.deepcopy(FORM)
    second["questions"].append(NEW_QUESTION)
    survey_services.questionnaire_publish(definition=second)
    answers, _actions = offered(coordinator)
    assert {"tender_volume:few", "tender_volume:many", "market_use:widely"} <= answers


def test_an_answer_of_the_new_version_filters(client, coordinator):
    survey_services.questionnaire_publish(definition=FORM)
    client.force_login(coordinator)
    assert client.get("/api/priorities/?answer=tender_volume:few").status_code == 400
    second = copy.deepcopy(FORM)
    second["questions"].append(NEW_QUESTION)
    survey_services.questionnaire_publish(definition=second)
    assert client.get("/api/priorities/?answer=tender_volume:few").status_code == 200


def test_the_catalog_keeps_its_own_filters_and_the_project_composes_the_survey_ones():
    # nothing replaces the catalog's filters for the whole process at start-up
    assert StandardViewSet.filterset_class is StandardFilter
    assert catalog_urls()[0].default_args["filterset_class"] is StandardFilter
    # the project mounts the catalog's list page and API with the survey filters composed in
    assert resolve("/standards/").kwargs["filterset_class"] is SurveyStandardFilter
    assert resolve("/api/standards/").func.cls.filterset_class is SurveyStandardFilter
    assert resolve("/api/standards/").func.cls.__mro__[1] is StandardViewSet
