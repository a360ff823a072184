"""Matching: volunteers ranked for a help request, and open requests ranked for a volunteer.

    suggest_volunteers(help_request, limit=20) -> list[Suggestion]
    suggest_requests(volunteer_user, limit=10) -> list[Suggestion]

Hard filters (filters.py) are never traded against score; the score (scores.py) is a weighted
sum of parts from 0 to 1, with weights in settings.MATCHING_WEIGHTS; reasons (reasons.py) put
the parts into words. A feature that adds a condition for helpers (required trainings)
registers a `Requirement` with `register_requirement`.
"""

from .engine import Suggestion, suggest_requests, suggest_volunteers
from .filters import Requirement, register_requirement

__all__ = [
    "Requirement",
    "Suggestion",
    "register_requirement",
    "suggest_requests",
    "suggest_volunteers",
]
