"""Writes of the charter, by use case. Every function is keyword-only, typed (`actor: Actor`: a person or
the system, never `None`), runs in one transaction, and raises a French `ValidationError` (or
`PermissionDenied`) on bad input, having changed nothing. States change only through core's `transition()`.

- `versions`: the charter, its versions and their machine, articles;
- `signatures`: sign, withdraw, attach to a ceremony;
- `writing`: comments and amendments (proposal, support, decision);
- `notices`: what the charter tells people (re-signing invitations, amendment decisions);
- `privacy`: the erasure of a person.
"""

from maillage.charter.services.common import MAX_TEXT
from maillage.charter.services.notices import invite_previous_signatories, tell_amendment_decided
from maillage.charter.services.privacy import erase_person
from maillage.charter.services.signatures import attach_ceremony, sign_charter, withdraw_signature
from maillage.charter.services.versions import (
    create_version,
    date_last_move,
    delete_article,
    get_or_create_charter,
    rename_charter,
    save_article,
    transition_version,
    update_version,
)
from maillage.charter.services.writing import (
    accept_amendment,
    comment_article,
    propose_amendment,
    reject_amendment,
    support_amendment,
)

__all__ = [
    "MAX_TEXT",
    "accept_amendment",
    "attach_ceremony",
    "comment_article",
    "create_version",
    "date_last_move",
    "delete_article",
    "erase_person",
    "get_or_create_charter",
    "invite_previous_signatories",
    "propose_amendment",
    "reject_amendment",
    "rename_charter",
    "save_article",
    "sign_charter",
    "support_amendment",
    "tell_amendment_decided",
    "transition_version",
    "update_version",
    "withdraw_signature",
]
