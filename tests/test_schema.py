"""The error answers jisreview.schema adds to each operation of the API schema."""

import pytest
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize(
    ("method", "path", "codes"),
    [
        # any signed-in user; filters give 400, an unknown page 404
        ("get", "/api/batches/", {"200", "400", "401", "404"}),
        ("get", "/api/batches/{id}/", {"200", "401", "404"}),
        # coordinators and ministry viewers only
        ("get", "/api/plan/{id}/", {"200", "401", "403", "404"}),
        ("post", "/api/standards/", {"201", "400", "401", "403", "415"}),
        ("post", "/api/auth/token/", {"200", "400", "401", "403", "415", "429"}),
        # declared by the view: incomplete answers, a state that does not allow it
        ("post", "/api/assignments/{id}/submit/", {"200", "400", "401", "403", "404", "409"}),
        ("get", "/api/reports/progress/", {"200", "400", "401", "403"}),
        ("get", "/api/reports/burndown/", {"200", "400", "401", "403", "404"}),
    ],
)
def test_each_operation_lists_the_errors_it_can_answer(schema, method, path, codes):
    assert set(schema["paths"][path][method]["responses"]) == codes


def test_errors_come_with_their_bodies(schema):
    def body(path, method, code):
        answer = schema["paths"][path][method]["responses"][code]
        assert answer["description"]
        return answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]

    assert body("/api/standards/{id}/", "patch", "400") == "ValidationError"
    assert body("/api/standards/{id}/", "patch", "403") == "Error"
    assert body("/api/reports/burndown/", "get", "404") == "Error"
    assert body("/api/assignments/{id}/response/", "put", "409") == "Conflict"
    components = schema["components"]["schemas"]
    assert components["Error"]["required"] == ["detail"]
    assert components["Conflict"]["required"] == ["detail"]


def test_responses_are_listed_in_order_of_their_code(schema):
    for operations in schema["paths"].values():
        for operation in operations.values():
            assert list(operation["responses"]) == sorted(operation["responses"])
