"""Every write of the workspace, by use case: ateliers (members, meetings), discussions (and moderation),
documents, the news watch.

Every function is `verb_noun(*, actor: Actor, ...)`, runs in one transaction and raises a French
`ValidationError` (or `PermissionDenied`) on bad input, changing nothing; who may do what is asked of
`maillage.workspace.permissions`; a membership changes state only through core's `transition()`.
Notifications are queued on commit through `maillage.workspace.notify`. The public names are re-exported
here, so callers write `services.join_atelier(...)`.
"""

from maillage.workspace.services.ateliers import (
    add_member,
    create_atelier,
    create_meeting,
    decide_membership,
    join_atelier,
    leave_atelier,
    link_meeting,
    save_minutes,
    set_member_role,
)
from maillage.workspace.services.discussions import (
    MAX_BODY,
    create_thread,
    dismiss_report,
    edit_post,
    moderate_post,
    record_post,
    record_thread,
    reply_to_thread,
    report_post,
)
from maillage.workspace.services.documents import add_document_version, record_download, upload_document
from maillage.workspace.services.news import (
    add_news_feed,
    import_all_feeds,
    import_news_feed,
    pick_news_item,
    post_news_item,
    record_news_item,
    tags_text,
)

__all__ = [
    "MAX_BODY",
    "add_document_version",
    "add_member",
    "add_news_feed",
    "create_atelier",
    "create_meeting",
    "create_thread",
    "decide_membership",
    "dismiss_report",
    "edit_post",
    "import_all_feeds",
    "import_news_feed",
    "join_atelier",
    "leave_atelier",
    "link_meeting",
    "moderate_post",
    "pick_news_item",
    "post_news_item",
    "record_download",
    "record_news_item",
    "record_post",
    "record_thread",
    "reply_to_thread",
    "report_post",
    "save_minutes",
    "set_member_role",
    "tags_text",
    "upload_document",
]
