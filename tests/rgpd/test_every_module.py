"""The « dump » test over every module: a person who left a trace in every module finds each of them in
their export, and after the erasure of their account no table of the database holds their address nor
their name (what must stay — a signature, a grant's jury seat, a vote — stays, anonymised)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.utils import timezone

from maillage.accounts import services as accounts
from maillage.actors.models import EditProposal, ManagementRequest, Membership
from maillage.api.models import ApiKey
from maillage.awards.models import Nomination, Vote
from maillage.awards.services.votes import address_hash
from maillage.calls.models import Juror, SpecComment
from maillage.core.actors import system
from maillage.core.machines import TransitionLog
from maillage.core.registry import registry
from maillage.matchmaking.models import Volunteer
from maillage.needs.models import Support
from maillage.notifications.models import Notification
from maillage.plan.models import Evaluation, EvaluationComment
from maillage.procurement.models import Need as ProcurementNeed
from maillage.training.models import Booking
from maillage.workspace.models import Post, Thread
from tests.accounts.test_erasure import make_task_result, whole_database_text
from tests.assessment.factories import open_year, submit_for
from tests.awards.factories import edition_with_nominees
from tests.calls.factories import open_call
from tests.charter.factories import SignatureFactory, adopted_version
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import MembershipFactory, StructureFactory, UserFactory
from tests.matchmaking.factories import make_campaign
from tests.needs.factories import need as report_need
from tests.newsletter.factories import SubscriberFactory
from tests.plan.factories import make_version
from tests.procurement.factories import need as procurement_need
from tests.training.factories import office_hours_of
from tests.workspace.factories import AtelierMemberFactory

pytestmark = pytest.mark.django_db
EMAIL = "camille.partout@example.org"
NAME = "Camille Partout"


@pytest.fixture
def everywhere(territory, structure, animator, django_capture_on_commit_callbacks):
    """A person with a trace in every module that keeps personal data."""
    user = UserFactory(email=EMAIL, first_name="Camille", last_name="Partout")
    EmailAddress.objects.create(user=user, email="c.partout@example.org", verified=True, primary=False)
    other = StructureFactory(territory=territory, name="Atelier Vélo Solidaire")
    MembershipFactory(user=user, structure=structure, role=Membership.Role.MEMBER)
    ManagementRequest.objects.create(structure=other, user=user, message=f"Je suis {NAME}.")
    EditProposal.objects.create(
        structure=other, author=user, changes={"description": "Réparations.", "public_email": EMAIL}
    )
    Notification.objects.create(user=user, territory=territory, kind="x", title="Bienvenue")
    RegistrationFactory(event=EventFactory(territory=territory), user=user, email=EMAIL, name=NAME)
    SignatureFactory(
        version=adopted_version(territory), structure=structure, signed_by=user, signer_name=NAME
    )
    evaluation = Evaluation.objects.create(
        version=make_version(territory), consultation_ends_on=dt.date(2026, 12, 31)
    )
    EvaluationComment.objects.create(evaluation=evaluation, author=user, text="Avis de partenaire.")
    AtelierMemberFactory(user=user)
    thread = Thread.objects.create(territory=territory, title="Mutualiser un camion", author=user)
    Post.objects.create(thread=thread, author=user, body="Qui est partant ?")
    SubscriberFactory(territory=territory, email=EMAIL)
    Support.objects.create(need=report_need(territory), user=user, email=EMAIL, testimony="Moi aussi.")
    call = open_call(territory)
    Juror.objects.create(call=call, email=EMAIL, name=NAME, user=user)
    SpecComment.objects.create(
        article=call.specifications.first().articles.first(), author=user, body="Une remarque."
    )
    hours = office_hours_of(territory, UserFactory(email="conseil@example.org"))
    start = timezone.now() + dt.timedelta(days=3)
    Booking.objects.create(
        office_hours=hours,
        start=start,
        end=start + dt.timedelta(minutes=45),
        structure=structure,
        topic="Financer un local",
        user=user,
    )
    sheet = submit_for(open_year(territory), structure)
    type(sheet).objects.filter(pk=sheet.pk).update(submitted_by=user)
    Volunteer.objects.create(
        campaign=make_campaign(territory), user=user, name=NAME, structure_name=structure.name, side="a"
    )
    ProcurementNeed.objects.filter(pk=procurement_need(structure).pk).update(author=user)
    edition = edition_with_nominees(territory, [structure, other])
    nomination = Nomination.objects.filter(category__edition=edition).first()
    Nomination.objects.filter(pk=nomination.pk).update(proposed_by=user)
    Vote.objects.create(
        category=nomination.category,
        nomination=nomination,
        address_hash=address_hash(EMAIL),
        token_digest="d" * 64,
    )
    ApiKey.objects.create(
        territory=territory,
        prefix="abcd1234",
        key_hash="k" * 64,
        holder_name=NAME,
        holder_email=EMAIL,
        purpose="Carte",
        created_at=timezone.now(),
    )
    make_task_result(
        args_kwargs={"args": [{"to": [EMAIL], "subject": "Bienvenue", "body": NAME}], "kwargs": {}}
    )
    sign_transition_logs(user)
    return user


def sign_transition_logs(user) -> list[str]:
    """A line signed by the person in every state machine's log whose object exists in the fixture."""
    signed = []
    for model in apps.get_models():
        if not issubclass(model, TransitionLog):
            continue
        [parent] = [f for f in model._meta.concrete_fields if f.is_relation and f.name != "actor"]
        target = parent.related_model._base_manager.first()
        if target is not None:
            model.objects.create(**{parent.name: target}, to_state="x", actor=user, actor_label=NAME)
            signed.append(model._meta.label)
    return signed


def test_the_fixture_signs_most_state_machine_logs(everywhere):
    logs = [m for m in apps.get_models() if issubclass(m, TransitionLog)]
    signed = [m for m in logs if m.objects.filter(actor=everywhere).exists()]
    labels = {m._meta.label for m in signed}
    assert len(labels) >= 20
    # Among them, the logs that no app's eraser cleaned before the accounts hook caught them all.
    assert {
        "actors.StructureTransition",
        "awards.NominationTransition",
        "matchmaking.CampaignTransition",
        "newsletter.SubscriberTransition",
        "procurement.NeedTransition",
    } <= labels


def _records(value) -> int:
    if isinstance(value, list):
        return len(value) + sum(_records(v) for v in value)
    if isinstance(value, dict):
        return sum(_records(v) for v in value.values())
    return 0


def test_the_export_holds_a_trace_from_every_module(everywhere, territory):
    export = accounts.export_personal_data(actor=everywhere, user=everywhere, territory=territory)
    sections = export["sections"]
    assert set(sections) == set(registry.personal_data)
    empty = sorted(
        key for key, section in sections.items() if key != "accounts" and not _records(section["donnees"])
    )
    assert empty == []
    assert EMAIL in json.dumps(sections["accounts"], ensure_ascii=False)
    assert "Réparations." in json.dumps(sections["actors"], ensure_ascii=False)  # a proposed edit


def test_erasure_leaves_neither_address_nor_name_in_any_table(everywhere):
    text = whole_database_text()
    assert EMAIL in text and NAME.lower() in text  # the check below can see them

    accounts.erase_account(actor=everywhere, user=everywhere)

    text = whole_database_text()
    assert EMAIL not in text
    assert NAME.lower() not in text
    assert "partout" not in text
    # What must stay, stays, without the person.
    assert Vote.objects.count() == 1 and Vote.objects.get().address_hash != address_hash(EMAIL)
    assert Juror.objects.count() == 1


def test_erasure_by_the_system_is_refused(everywhere):
    with pytest.raises(Exception):  # noqa: B017, PT011
        accounts.erase_account(actor=system("tests"), user=everywhere)
