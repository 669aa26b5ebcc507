"""What the pre-check decided about routing, read by the survey's batch cutting
(reviews.survey.selectors.batch_plan): each re-routed standard's pool for the year."""

from reviews.precheck.models import Reroute


def pinned_routes(programme, fiscal_year: int) -> dict[int, tuple[str, str]]:
    """Standard id → (kind, value) of the routing pool its latest re-route for this year sent it
    to. One query."""
    rows = (
        Reroute.objects.filter(programme=programme, fiscal_year=fiscal_year)
        .order_by("at", "id")
        .values_list("standard_id", "to_kind", "to_value")
    )
    return {standard_id: (kind, value) for standard_id, kind, value in rows}
