"""Every write of the Trophée (re-exported here)."""

from maillage.awards.services.editions import (
    add_category,
    create_edition,
    publish_results,
    schedule_ceremony,
    transition_edition,
)
from maillage.awards.services.jury import add_juror, declare_conflicts, score_nomination
from maillage.awards.services.nominations import answer_consent, nominate
from maillage.awards.services.votes import confirm_vote, request_vote

__all__ = [
    "add_category",
    "add_juror",
    "answer_consent",
    "confirm_vote",
    "create_edition",
    "declare_conflicts",
    "nominate",
    "publish_results",
    "request_vote",
    "schedule_ceremony",
    "score_nomination",
    "transition_edition",
]
