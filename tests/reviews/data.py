"""Shared survey test data: the FY2026 form, a complete set of answers to it, reminder dates."""

import datetime as dt
import json
from pathlib import Path

FORM = json.loads(
    (Path(__file__).resolve().parents[2] / "fixtures" / "questionnaire_fy2026.json").read_text(
        "utf-8"
    )
)
COMPLETE = {
    "recommended_action": "confirm",
    "used_in_procurement": "yes",
    "procurers": ["national_ministries", "local_governments"],
    "procurers_detail": "国土交通省 共通仕様書",
    "procurement_use": ["specification_reference"],
    "cited_by_regulations": False,
    "market_use": "widely",
    "cited_standards_status": "all_current",
    "jis_mark_certification": True,
    "certificate_count": 120,
    "revision_within_three_years": True,
    "stakeholders_consulted": ["manufacturers", "users"],
    "confidence": 4,
}

DUE = dt.date(2026, 12, 9)  # a Wednesday
SEVEN_BEFORE = dt.date(2026, 12, 2)
