"""Extra sections on a standard's page, contributed by other apps (the catalog knows none of them).

An app registers a template in its AppConfig.ready(); the template gets `standard` in its context.
"""

_PANELS: list[str] = []


def register(template_name: str) -> None:
    if template_name not in _PANELS:
        _PANELS.append(template_name)


def panels() -> list[str]:
    return list(_PANELS)
