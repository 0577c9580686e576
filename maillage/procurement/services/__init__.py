"""Every write of procurement (see each module)."""

from maillage.procurement.services.answers import NOT_SENT, answer_need, mark_opened
from maillage.procurement.services.ledger import ImportReport, add_purchase, import_ledger, remove_purchase
from maillage.procurement.services.needs import (
    add_attachment,
    close_need,
    create_need,
    return_need,
    submit_need,
    update_need,
    validate_need,
)
from maillage.procurement.services.offers import (
    add_reference,
    decide_offer_proposal,
    record_offer_proposal,
    remove_reference,
    save_offer,
)
from maillage.procurement.services.outcomes import ask_outcomes, record_outcome
from maillage.procurement.services.sending import send_daily_batches, send_next_batch
from maillage.procurement.services.shortlists import (
    add_to_shortlist,
    create_shortlist,
    delete_shortlist,
    remove_from_shortlist,
    rename_shortlist,
    send_to_shortlist,
)

__all__ = [
    "NOT_SENT",
    "ImportReport",
    "add_attachment",
    "add_purchase",
    "add_reference",
    "add_to_shortlist",
    "answer_need",
    "ask_outcomes",
    "close_need",
    "create_need",
    "create_shortlist",
    "decide_offer_proposal",
    "delete_shortlist",
    "import_ledger",
    "mark_opened",
    "record_offer_proposal",
    "record_outcome",
    "remove_purchase",
    "remove_from_shortlist",
    "remove_reference",
    "rename_shortlist",
    "return_need",
    "save_offer",
    "send_daily_batches",
    "send_next_batch",
    "send_to_shortlist",
    "submit_need",
    "update_need",
    "validate_need",
]
