"""Sent once recomputed alignments have committed, with `standard_ids`: the standards whose
alignment was computed again, or None after a recompute of them all (reviews' priority
verdicts follow it)."""

from django.dispatch import Signal

alignment_changed = Signal()
