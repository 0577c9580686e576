"""The register of processing activities (docs/rgpd/registre-des-traitements.md) cannot drift from the code:
every registered personal-data hook has its entry, no entry names a hook that does not exist, and every
retention delay that is a setting is listed with its default."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from maillage.core.registry import registry

REGISTER = Path(settings.BASE_DIR) / "docs" / "rgpd" / "registre-des-traitements.md"
ENTRY = re.compile(r"^### .+ \(`([a-z._]+)`\)$", re.MULTILINE)
FIELDS = ("Finalité", "Base légale", "Personnes", "Données", "Destinataires", "Conservation", "Sécurité")


def entries() -> dict[str, str]:
    text = REGISTER.read_text(encoding="utf-8")
    keys = ENTRY.findall(text)
    bodies = ENTRY.split(text)[2::2]
    return dict(zip(keys, bodies, strict=True))


def test_every_hook_has_its_entry_and_every_entry_its_hook():
    assert set(entries()) == set(registry.personal_data)


def test_every_entry_states_what_article_30_asks():
    for key, body in entries().items():
        for name in FIELDS:
            assert f"- **{name}**" in body, f"{key}: no « {name} »"


def test_every_delay_setting_is_in_the_register_with_its_default():
    from maillage.accounts.personal_data import DEFAULT_EXPORT_LOG_RETENTION_DAYS  # noqa: PLC0415
    from maillage.api import privacy as api  # noqa: PLC0415
    from maillage.awards.services import privacy as awards  # noqa: PLC0415
    from maillage.calls.services import privacy as calls  # noqa: PLC0415
    from maillage.events.services import personal_data as events  # noqa: PLC0415
    from maillage.matchmaking.services import privacy as matchmaking  # noqa: PLC0415
    from maillage.needs.services import privacy as needs  # noqa: PLC0415
    from maillage.notifications import personal_data as notifications  # noqa: PLC0415
    from maillage.training.services import privacy as training  # noqa: PLC0415
    from maillage.workspace import personal_data as workspace  # noqa: PLC0415

    text = REGISTER.read_text(encoding="utf-8")
    for setting, default in {
        "EVENTS_GUEST_REGISTRATION_RETENTION_DAYS": events.DEFAULT_GUEST_RETENTION_DAYS,
        "EVENTS_REGISTRATION_RETENTION_DAYS": events.DEFAULT_RETENTION_DAYS,
        "API_REVOKED_KEY_RETENTION_DAYS": api.DEFAULT_REVOKED_KEY_RETENTION_DAYS,
        "AWARDS_VOTE_HASH_RETENTION_DAYS": awards.DEFAULT_VOTE_HASH_RETENTION_DAYS,
        "CALLS_UNGRANTED_ATTACHMENTS_RETENTION_DAYS": calls.DEFAULT_UNGRANTED_ATTACHMENTS_DAYS,
        "CALLS_GRANTED_ATTACHMENTS_RETENTION_DAYS": calls.DEFAULT_GRANTED_ATTACHMENTS_DAYS,
        "MATCHMAKING_RETENTION_DAYS": matchmaking.DEFAULT_RETENTION_DAYS,
        "NEEDS_CLOSED_ADDRESS_RETENTION_DAYS": needs.DEFAULT_CLOSED_ADDRESS_RETENTION_DAYS,
        "NOTIFICATIONS_RETENTION_DAYS": notifications.DEFAULT_RETENTION_DAYS,
        "TRAINING_BOOKING_RETENTION_DAYS": training.DEFAULT_BOOKING_RETENTION_DAYS,
        "WORKSPACE_ABUSE_REPORT_RETENTION_DAYS": workspace.DEFAULT_ABUSE_REPORT_RETENTION_DAYS,
        "PERSONAL_DATA_LOG_RETENTION_DAYS": DEFAULT_EXPORT_LOG_RETENTION_DAYS,
    }.items():
        assert f"| `{setting}` | {default} |" in text, setting


def test_every_hook_states_how_long_it_keeps_what_it_keeps():
    """The privacy page lists every hook with its `retention_text`: none may be silent."""
    silent = sorted(key for key, hook in registry.personal_data.items() if not hook.retention_text.strip())
    assert silent == []
