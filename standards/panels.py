"""Extra sections on a standard's page, contributed by other apps (the catalog knows none of them).

An app registers a template in its AppConfig.ready(); the template gets `standard` and `request` in
its context. A panel showing the app's own data reads it through a template tag that applies the
app's access rules for `request.user`, never through `standard`'s relations (every registered panel
is rendered as every role by tests/test_survey_data_scope.py).
"""

_PANELS: list[str] = []


def register(template_name: str) -> None:
    if template_name not in _PANELS:
        _PANELS.append(template_name)


def panels() -> list[str]:
    return list(_PANELS)
