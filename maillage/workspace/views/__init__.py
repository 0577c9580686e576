"""Pages of the workspace, by use case (thin: a scoped lookup, one service, a selector's context).

`urls.py` names them through this package: `views.atelier_list`, `views.thread_detail`…
"""

from maillage.workspace.views.ateliers import (
    atelier_create,
    atelier_detail,
    atelier_join,
    atelier_list,
    atelier_members,
    meeting_minutes,
    meetings,
    member_decide,
)
from maillage.workspace.views.discussions import (
    exchange_create,
    exchanges,
    post_edit,
    post_history,
    post_moderate,
    post_report,
    report_dismiss,
    reports,
    thread_create,
    thread_detail,
)
from maillage.workspace.views.documents import document_detail, document_download, documents
from maillage.workspace.views.news import news, news_create, news_feed_import, news_feeds, news_pick

__all__ = [
    "atelier_create",
    "atelier_detail",
    "atelier_join",
    "atelier_list",
    "atelier_members",
    "document_detail",
    "document_download",
    "documents",
    "exchange_create",
    "exchanges",
    "meeting_minutes",
    "meetings",
    "member_decide",
    "news",
    "news_create",
    "news_feed_import",
    "news_feeds",
    "news_pick",
    "post_edit",
    "post_history",
    "post_moderate",
    "post_report",
    "report_dismiss",
    "reports",
    "thread_create",
    "thread_detail",
]
