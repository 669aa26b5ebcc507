"""Procurement evidence from the ministries' specifications, beside the survey: on each standard's
page, and the JIS cited but not yet surveyed (candidates for the next batch)."""
