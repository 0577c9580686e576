"""Erasure removes every trace of a person: after it, neither `dumpdata` of every app nor a raw scan of every
table of the database finds the person's e-mail address."""

from __future__ import annotations

import io

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from maillage.accounts import services
from maillage.accounts.models import TerritoryRole, User
from maillage.accounts.personal_data import REDACTED, find_task_results_mentioning, scrub_task_arguments
from maillage.actors.models import Membership, Structure
from maillage.core.models import PersonalDataAccess
from tests.factories import MembershipFactory, StructureFactory, UserFactory

EMAIL = "dominique.partante@example.org"
OLD_EMAIL = "d.partante.ancienne@example.org"
PASSWORD = "motdepasse-solide-42"


def whole_database_text() -> str:
    """`dumpdata` of every app plus every row of every table, as text (SQLite and PostgreSQL)."""
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    chunks = [out.getvalue()]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks).lower()


def make_task_result(**kwargs) -> DBTaskResult:
    values = {
        "args_kwargs": {"args": [], "kwargs": {}},
        "task_path": "maillage.core.mail.send_mail_task",
        "backend_name": "default",
        "queue_name": "mail",
        "run_after": timezone.now(),
        "exception_class_path": "",
        "traceback": "",
    }
    values.update(kwargs)
    return DBTaskResult.objects.create(**values)


@pytest.fixture
def leaving_person(client, territory, structure, animator):
    """A sole manager with traces everywhere the platform keeps them."""
    user = UserFactory(email=EMAIL, first_name="Dominique", last_name="Partante")
    EmailAddress.objects.create(user=user, email=OLD_EMAIL, verified=True, primary=False)
    MembershipFactory(user=user, structure=structure, role=Membership.Role.MANAGER)
    other = StructureFactory(territory=territory, name="Atelier Vélo Solidaire")
    MembershipFactory(user=user, structure=other, role=Membership.Role.MEMBER)
    MembershipFactory(
        user=UserFactory(email="collegue@example.org"), structure=other, role=Membership.Role.MANAGER
    )
    # A moderator role (TOTP required), with its history.
    services.grant_territory_role(
        actor=animator, user=user, territory=territory, role=TerritoryRole.Role.MODERATOR
    )
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    Authenticator.objects.create(user=user, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "abc"})
    # Edits signed by the person in history tables, one of which carries the address.
    structure.public_email = EMAIL.upper()
    structure.description = f"Écrire à {EMAIL} pour les dons."
    structure._history_user = user
    structure._change_reason = f"Modifié par {EMAIL}"
    structure.save()
    # Login attempts (django-axes) by address.
    AccessAttempt.objects.create(
        username=EMAIL,
        ip_address="192.0.2.1",
        user_agent="Firefox",
        http_accept="*/*",
        path_info="/compte/login/",
        get_data="",
        post_data=f"login={EMAIL}",
        failures_since_start=2,
    )
    AccessLog.objects.create(
        username=EMAIL,
        ip_address="192.0.2.1",
        user_agent="Firefox",
        http_accept="*/*",
        path_info="/compte/login/",
    )
    AccessFailureLog.objects.create(
        username=OLD_EMAIL,
        ip_address="192.0.2.1",
        user_agent="Firefox",
        http_accept="*/*",
        path_info="/compte/login/",
        locked_out=False,
    )
    # Task arguments and results that mention the addresses.
    make_task_result(
        args_kwargs={
            "args": [{"to": [EMAIL], "subject": "Bienvenue", "body": f"Bonjour {EMAIL}"}],
            "kwargs": {},
        }
    )
    make_task_result(
        args_kwargs={"args": [], "kwargs": {"email": OLD_EMAIL.upper()}},
        traceback=f"SMTPRecipientsRefused: {OLD_EMAIL}",
    )
    make_task_result(args_kwargs={"args": ["someone-else@example.org"], "kwargs": {}})
    # Logs.
    PersonalDataAccess.objects.create(
        actor=user, territory=territory, what=f"Export pour {EMAIL}", row_count=3
    )
    LogEntry.objects.create(
        user=animator,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=EMAIL,
        action_flag=CHANGE,
        change_message="[]",
    )
    # A signed-in session.
    client.force_login(user)
    return user


def test_task_results_are_found_by_text_and_scrubbed(db):
    hit = make_task_result(args_kwargs={"args": [{"to": ["Une.Personne@Example.org"]}], "kwargs": {}})
    miss = make_task_result(args_kwargs={"args": ["autre@example.org"], "kwargs": {}})
    assert list(find_task_results_mentioning("une.personne@example.org")) == [hit]
    assert scrub_task_arguments(["une.personne@example.org"]) == 1
    hit.refresh_from_db()
    miss.refresh_from_db()
    assert hit.args_kwargs == {"args": [{"to": [REDACTED]}], "kwargs": {}}
    assert miss.args_kwargs == {"args": ["autre@example.org"], "kwargs": {}}


def test_erasure_leaves_no_trace_of_the_address(client, leaving_person, structure, animator):
    text = whole_database_text()
    assert EMAIL in text and OLD_EMAIL in text  # the check below can see them

    response = client.post(
        "/compte/mon-espace/supprimer-mon-compte/", {"password": PASSWORD, "confirm": "on"}
    )
    assert response.status_code == 302

    text = whole_database_text()
    assert EMAIL not in text
    assert OLD_EMAIL not in text
    assert not User.objects.filter(pk=leaving_person.pk).exists()
    assert not Session.objects.exists() or all(
        s.get_decoded().get("_auth_user_id") != str(leaving_person.pk) for s in Session.objects.all()
    )
    assert not Authenticator.objects.filter(user_id=leaving_person.pk).exists()
    assert not AccessAttempt.objects.exists() and not AccessLog.objects.exists()
    assert not AccessFailureLog.objects.exists()
    # Nothing of the person is left in any history table, but the history itself remains.
    assert not TerritoryRole.history.filter(user_id=leaving_person.pk).exists()
    assert not Membership.history.filter(user_id=leaving_person.pk).exists()
    assert not Structure.history.filter(history_user_id=leaving_person.pk).exists()
    assert Structure.history.filter(id=structure.pk).count() >= 2
    # The other tasks are untouched.
    assert any(t.args_kwargs["args"] == ["someone-else@example.org"] for t in DBTaskResult.objects.all())
    # The export log stays, without its actor.
    assert PersonalDataAccess.objects.filter(actor=None).count() == 1
    # The sole manager's structure went to the territory's animator; the co-managed one kept its manager.
    structure.refresh_from_db()
    assert structure.public_email == ""
    handed = Membership.objects.get(structure=structure, user=animator)
    assert handed.role == Membership.Role.MANAGER
    assert "animation du territoire" in handed.history.latest().history_change_reason


def test_an_animator_can_erase_their_account_and_the_history_of_their_grants_survives(
    client, territory, animator, member
):
    services.grant_territory_role(
        actor=animator, user=member, territory=territory, role=TerritoryRole.Role.MODERATOR
    )
    client.force_login(animator)
    response = client.post(
        "/compte/mon-espace/supprimer-mon-compte/", {"password": PASSWORD, "confirm": "on"}
    )
    assert response.status_code == 302
    grant = TerritoryRole.history.get(user_id=member.pk, history_type="+")
    assert grant.history_user_id is None
    assert "animatrice@example.org" not in whole_database_text()


def test_login_logs_expire_after_six_months(db):
    from datetime import timedelta

    from maillage.core.registry import registry

    old = AccessLog.objects.create(
        username="ancien@example.org",
        ip_address="192.0.2.9",
        user_agent="x",
        http_accept="*/*",
        path_info="/compte/login/",
    )
    recent = AccessLog.objects.create(
        username="recent@example.org",
        ip_address="192.0.2.9",
        user_agent="x",
        http_accept="*/*",
        path_info="/compte/login/",
    )
    AccessLog.objects.filter(pk=old.pk).update(attempt_time=timezone.now() - timedelta(days=200))
    assert registry.personal_data["accounts"].retention(timezone.now()) == 1
    assert list(AccessLog.objects.all()) == [recent]
