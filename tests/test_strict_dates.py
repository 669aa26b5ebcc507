"""Every date a user or client types goes through the catalog's parser (standards.dates), never
Python's fromisoformat, which takes 2026-W01-1 (an ISO week) and 20260101 and stores them."""

import datetime as dt
import importlib
import pkgutil

import pytest
from django import forms
from rest_framework import serializers

from standards.models import Standard
from tests.standards.factories import StandardFactory

NOT_DATES = ("2026-W01-1", "20260101", "2026-001")
PROJECT = ("standards", "reviews", "accounts")


def _project_modules(kind: str):
    """Import every module of the project named `kind` (api, forms, filters), so that the
    walks below see every serializer and form there is, including ones added later."""
    for package_name in PROJECT:
        package = importlib.import_module(package_name)
        for module in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            if module.name.rsplit(".", 1)[-1] == kind:
                importlib.import_module(module.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _ours(cls) -> bool:
    return cls.__module__.split(".")[0] in PROJECT


def writable_api_dates():
    _project_modules("api")
    found = []
    for serializer in {s for s in _subclasses(serializers.Serializer) if _ours(s)}:
        for name, field in serializer().fields.items():
            if isinstance(field, serializers.DateField) and not field.read_only:
                found.append(pytest.param(field, id=f"{serializer.__name__}.{name}"))
    return found


def test_the_walk_finds_the_catalog_dates():
    names = {p.id for p in writable_api_dates()}
    assert {"StandardSerializer.confirmed_on", "FollowUpSerializer.due_on"} <= names


@pytest.mark.parametrize("field", writable_api_dates())
@pytest.mark.parametrize("text", NOT_DATES)
def test_no_api_date_field_takes_what_is_not_a_date(field, text):
    with pytest.raises(serializers.ValidationError):
        field.run_validation(text)
    assert field.run_validation("2026-01-01") == dt.date(2026, 1, 1)


@pytest.mark.parametrize("name", ["established_on", "revised_on", "confirmed_on"])
def test_the_catalog_api_takes_japanese_dates(name):
    from standards.api import StandardSerializer

    assert StandardSerializer().fields[name].run_validation("R8.1.1") == dt.date(2026, 1, 1)


def form_dates():
    _project_modules("forms")
    _project_modules("filters")
    found = []
    for form in {f for f in _subclasses(forms.BaseForm) if _ours(f)}:
        for name, field in form.base_fields.items():
            if isinstance(field, forms.DateField):
                found.append(pytest.param(field, id=f"{form.__name__}.{name}"))
    return found


@pytest.mark.parametrize("field", form_dates())
@pytest.mark.parametrize("text", NOT_DATES)
def test_no_form_date_field_takes_what_is_not_a_date(field, text):
    with pytest.raises(forms.ValidationError):
        field.clean(text)
    assert field.clean("令和8年1月1日") == dt.date(2026, 1, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("text", NOT_DATES)
def test_patching_a_standard_with_a_week_date_names_the_field(token_client, coordinator, text):
    standard = StandardFactory(number="JIS B 8445", confirmed_on=dt.date(2021, 3, 1))
    response = token_client(coordinator).patch(
        f"/api/standards/{standard.pk}/",
        {"confirmed_on": text},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["confirmed_on"]
    assert f"「{text}」 is not a date" in response.json()["confirmed_on"][0]
    assert Standard.objects.get().confirmed_on == dt.date(2021, 3, 1)
