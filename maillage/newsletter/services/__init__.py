"""Every write of the lettre d'information, by use case: subscriptions (double opt-in), issues, sending.

Every function with an author takes `actor: Actor` (the animator, or the system for the engine, the demo
and the examples); anonymous flows (subscribing, confirming, unsubscribing by a mailed link) take none and
log « Visiteur (lien du courriel) ». States change only through core's `transition()`. The public names are
re-exported here, so callers write `services.start_sending(...)`.
"""

from maillage.newsletter.services import sending
from maillage.newsletter.services.issues import (
    ALREADY_SENT,
    DEFAULT_SINCE,
    compose_blocks,
    compose_issue,
    create_issue,
    issue_since,
    record_issue,
    segment_choices,
    segment_subscribers,
    send_test,
    start_sending,
    update_issue,
)
from maillage.newsletter.services.sending import SendReport, sending_report
from maillage.newsletter.services.subscriptions import (
    CONFIRM_MAX_AGE,
    CONFIRM_PURPOSE,
    CONSENT_TEXT,
    STALE_LINK_MESSAGE,
    confirm_subscription,
    confirmation_token,
    normalise_email,
    pending_request,
    record_pending_subscription,
    record_subscriber,
    request_subscription,
    unsubscribe,
)

__all__ = [
    "ALREADY_SENT",
    "CONFIRM_MAX_AGE",
    "CONFIRM_PURPOSE",
    "CONSENT_TEXT",
    "DEFAULT_SINCE",
    "STALE_LINK_MESSAGE",
    "SendReport",
    "compose_blocks",
    "compose_issue",
    "confirm_subscription",
    "confirmation_token",
    "create_issue",
    "issue_since",
    "normalise_email",
    "pending_request",
    "record_issue",
    "record_pending_subscription",
    "record_subscriber",
    "request_subscription",
    "segment_choices",
    "segment_subscribers",
    "send_test",
    "sending",
    "sending_report",
    "start_sending",
    "unsubscribe",
    "update_issue",
]
