"""The error answers in the API schema, so that it describes every answer an operation can give.

drf-spectacular documents what a view declares; DRF itself adds the errors (invalid input, not
signed in, not allowed, not found, a body it cannot read). This post-processing hook writes those
into each operation with two small bodies, `Error` ({"detail": "…"}) and `ValidationError` (field →
messages). A view still declares the errors only it gives (409 on a workflow conflict) with
extend_schema; when it gives a description alone, the hook adds the body.
"""

from rest_framework import permissions

COMPONENTS = {
    "Error": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "ValidationError": {
        "type": "object",
        "description": "Each field in error with its messages (non_field_errors or detail when the "
        "fault is not one field's); a nested field's errors nest the same way.",
        "additionalProperties": {
            "oneOf": [{"type": "array", "items": {}}, {"type": "object"}, {"type": "string"}]
        },
    },
}
DESCRIPTIONS = {
    "400": "Invalid input: the fields in error, each with its messages.",
    "401": "Not signed in, or the token is not valid.",
    "403": "Signed in, but not allowed to do this.",
    "404": "Not found, or not visible to you; also an unknown page or format.",
    "409": "Conflicts with the current state.",
    "415": "The body is not in a media type this operation reads.",
}
# A bad page or format is answered 404, a bad page_size or ordering is ignored: none is a 400.
NOT_VALIDATED = {"page", "page_size", "ordering", "format"}
# Permission classes that let every signed-in user through (an exact match: subclasses refuse).
EVERY_SIGNED_IN_USER = (permissions.AllowAny, permissions.IsAuthenticated)


def add_error_responses(result: dict, generator, **kwargs) -> dict:
    views = {}
    for path, _regex, method, callback in generator.endpoints:
        view = generator.create_view(callback, method)
        views[generator.coerce_path(path, method, view), method.lower()] = view
    for path, operations in result["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            for code in _error_codes(operation, method, views.get((path, method))):
                responses.setdefault(code, {})
            for code, answer in responses.items():
                if code in DESCRIPTIONS:
                    _complete(code, answer)
            operation["responses"] = dict(sorted(responses.items()))
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in COMPONENTS.items():
        schemas.setdefault(name, schema)
    return result


def _error_codes(operation: dict, method: str, view) -> list[str]:
    parameters = operation.get("parameters", [])
    query = {p["name"] for p in parameters if p["in"] == "query"}
    codes = ["401"]  # DRF checks credentials on every view, even one open to all
    if "requestBody" in operation:
        codes += ["400", "415"]
    elif query - NOT_VALIDATED:
        codes.append("400")
    if method.upper() not in permissions.SAFE_METHODS or _may_refuse(view):
        codes.append("403")  # a write can also fail the CSRF check of a browser session
    if any(p["in"] == "path" for p in parameters) or query & {"page", "format"}:
        codes.append("404")
    return codes


def _may_refuse(view) -> bool:
    if view is None:
        return True
    return any(type(p) not in EVERY_SIGNED_IN_USER for p in view.get_permissions())


def _complete(code: str, answer: dict) -> None:
    if not answer.get("description"):
        answer["description"] = DESCRIPTIONS[code]
    if "content" not in answer:
        name = "ValidationError" if code == "400" else "Error"
        answer["content"] = {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}
        }
