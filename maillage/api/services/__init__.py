"""Every write of the api app (re-exported here)."""

from maillage.api.services.keys import IssuedKey, erase_person, issue_key, record_use, revoke_key

__all__ = ["IssuedKey", "erase_person", "issue_key", "record_use", "revoke_key"]
