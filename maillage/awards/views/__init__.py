from maillage.awards.views.jury import jury_home, score
from maillage.awards.views.manage import edition_manage, manage, results, votes_audit
from maillage.awards.views.nominations import consent, nominate
from maillage.awards.views.public import edition, home, vote, vote_confirm, winners

__all__ = [
    "consent",
    "edition",
    "edition_manage",
    "home",
    "jury_home",
    "manage",
    "nominate",
    "results",
    "score",
    "vote",
    "vote_confirm",
    "votes_audit",
    "winners",
]
