"""Reads: an international data file checked, a standard's alignment, the counts the screens show."""

from django.db.models import Count, Max

from standards.alignment.files import InternationalReport, read_international
from standards.models import Alignment, InternationalStandard, StandardAlignment
from standards.selectors import today


def international_read(data: bytes, *, filename: str) -> InternationalReport:
    return read_international(data, filename=filename, today=today())


def international_data_summary() -> dict:
    """How much international data there is, by body, and when it last changed."""
    bodies = (
        InternationalStandard.objects.values("body")
        .annotate(editions=Count("id"))
        .order_by("-editions", "body")
    )
    last = InternationalStandard.objects.aggregate(last=Max("updated_at"))["last"]
    return {"bodies": list(bodies), "updated_at": last}


def alignment_counts() -> dict[str, int]:
    """Standards by alignment status, every status present (0 when none)."""
    found = dict(StandardAlignment.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: found.get(status, 0) for status in Alignment.values}
