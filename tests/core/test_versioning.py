"""core.versioning, the versioned-document pattern, on both documents built on it (the charter's versions and
the call's specification): the database enforces the three rules, the machine is one table, the moves
(open, adopt → the version in force superseded) and the writes of articles and comments are core's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from maillage.calls.models import SPEC_MACHINE, Call, SpecArticle, SpecComment, Specification
from maillage.charter.models import VERSION_MACHINE, Article, Charter, CharterVersion, Comment
from maillage.core import versioning
from maillage.core.actors import system
from maillage.core.machines import history
from maillage.core.versioning import VersionStatus
from tests.factories import TerritoryFactory, UserFactory

pytestmark = pytest.mark.django_db
SYS = system("tests")

# (document model, article model, comment model, a function that makes a parent and returns its kwargs)
KINDS = {
    "charter": (
        CharterVersion,
        Article,
        Comment,
        lambda: {"charter": Charter.objects.create(territory=TerritoryFactory())},
    ),
    "calls": (
        Specification,
        SpecArticle,
        SpecComment,
        lambda: {"call": Call.objects.create(territory=TerritoryFactory(), year=2026, title="Appel")},
    ),
}


@pytest.fixture(params=sorted(KINDS))
def kind(request):
    return KINDS[request.param]


def _version(model, parent, number, status, articles=1):
    version = model.objects.create(number=number, status=status, **parent)
    article_model = model.articles.rel.related_model
    for position in range(1, articles + 1):
        article_model.objects.create(
            version=version, position=position, title=f"Article {position}", body="Texte"
        )
    return version


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ((1, "adopted"), (2, "adopted")),  # one adopted version per parent
        ((1, "draft"), (2, "open")),  # one version being written per parent
        ((1, "superseded"), (1, "adopted")),  # numbers unique per parent
    ],
)
def test_the_database_refuses_what_the_pattern_forbids(kind, first, second):
    model, _article, _comment, make_parent = kind
    parent = make_parent()
    model.objects.create(number=first[0], status=first[1], **parent)
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(number=second[0], status=second[1], **parent)


def test_the_rules_hold_per_parent_and_let_history_pile_up(kind):
    model, _article, _comment, make_parent = kind
    one, two = make_parent(), make_parent()
    for parent in (one, two):  # the same numbers and states under two parents
        model.objects.create(number=1, status="superseded", **parent)
        model.objects.create(number=2, status="superseded", **parent)
        model.objects.create(number=3, status="adopted", **parent)
        model.objects.create(number=4, status="open", **parent)
    assert model.objects.count() == 8


def test_the_constraints_are_built_once_from_the_parent_field():
    built = versioning.version_constraints("call", number="n", adopted="a", working="w")
    assert [c.name for c in built] == ["n", "a", "w"]
    assert [c.fields for c in built] == [("call", "number"), ("call",), ("call",)]
    charter_names = {c.name for c in CharterVersion._meta.constraints}
    assert charter_names == {
        "charter_version_number_unique",
        "charter_one_adopted_version",
        "charter_one_working_version",
    }


def test_both_documents_run_the_same_machine_and_vocabulary():
    assert SPEC_MACHINE.moves == VERSION_MACHINE.moves == versioning.VERSION_MOVES
    assert SPEC_MACHINE.log == "calls.SpecificationTransition"
    assert VERSION_MACHINE.label("open") == SPEC_MACHINE.label("open") == "ouverte aux commentaires"
    assert Specification(status="open").allowed_transitions() == ("draft", "adopted")
    assert CharterVersion(status="adopted").allowed_transitions() == ()  # superseded follows an adoption


def test_adopting_supersedes_the_version_in_force_and_logs_both(kind):
    model, _article, _comment, make_parent = kind
    parent = make_parent()
    v1 = _version(model, parent, 1, "open")
    versioning.move_version(v1, VersionStatus.ADOPTED, actor=SYS, today=dt.date(2026, 3, 1))
    v2 = versioning.next_version(parent_versions=model.objects.filter(**parent), create=parent)
    assert (v2.number, v2.status, v2.articles.count()) == (2, "draft", 1)  # v1's article copied
    assert v2.articles.get().key == v1.articles.get().key  # the same article, followed by its key
    versioning.move_version(v2, VersionStatus.OPEN, actor=SYS, today=dt.date(2026, 4, 1))
    _moved, previous = versioning.move_version(v2, "adopted", actor=SYS, today=dt.date(2026, 5, 1))
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert previous == v1
    assert (v1.status, v1.superseded_on) == ("superseded", dt.date(2026, 5, 1))
    assert (v2.status, v2.opened_on, v2.adopted_on) == ("adopted", dt.date(2026, 4, 1), dt.date(2026, 5, 1))
    assert [line.to_state for line in history(v1)] == ["adopted", "superseded"]
    assert history(v1).last().to_label == "remplacée"
    assert history(v1).last().note == "Remplacée par la v2"


def test_refused_moves_say_why_in_french_and_change_nothing(kind):
    model, _article, _comment, make_parent = kind
    parent = make_parent()
    empty = _version(model, parent, 1, "draft", articles=0)
    with pytest.raises(ValidationError, match="sans article ne peut être ni ouverte"):
        versioning.move_version(empty, "open", actor=SYS)
    with pytest.raises(ValidationError, match="La version 1 est brouillon : ce changement"):
        versioning.move_version(empty, "adopted", actor=SYS)
    with pytest.raises(ValidationError, match="ce changement n'est pas possible"):
        versioning.move_version(empty, "superseded", actor=SYS)
    empty.refresh_from_db()
    assert empty.status == "draft" and not history(empty).exists()
    with pytest.raises(ValidationError, match="Une version est déjà en cours de rédaction"):
        versioning.next_version(parent_versions=model.objects.filter(**parent), create=parent)


def test_articles_are_added_reordered_and_removed_only_while_the_version_is_written(kind):
    model, _article, _comment, make_parent = kind
    version = _version(model, make_parent(), 1, "draft", articles=0)
    a = versioning.save_article(version=version, title=" Objet ", body="Le fonds soutient.")
    b = versioning.save_article(version=version, title="Calendrier", body="Dépôt en ligne.")
    assert (a.title, a.position, b.position) == ("Objet", 1, 2)
    with pytest.raises(ValidationError) as empty:
        versioning.save_article(version=version, title="Vide", body="  ")
    assert empty.value.message_dict == {"body": ["Le texte de l'article est obligatoire."]}
    versioning.move_article(version=version, article=b, step=-1)
    assert list(version.articles.values_list("title", flat=True)) == ["Calendrier", "Objet"]
    with pytest.raises(ValidationError, match="déjà le premier"):
        versioning.move_article(version=version, article=b, step=-1)
    versioning.delete_article(version=version, article=a)
    versioning.move_version(version, "open", actor=SYS)
    versioning.move_version(version, "adopted", actor=SYS)
    with pytest.raises(ValidationError, match="La version 1 est adoptée : son texte ne peut plus changer"):
        versioning.save_article(version=version, title="Tard", body="Trop tard.")
    assert list(version.articles.values_list("title", flat=True)) == ["Calendrier"]


def test_the_article_text_is_shown_sanitised(kind):
    _model, article_model, _comment, _parent = kind
    article = article_model(title="X", body="**Gras** <script>alert(1)</script>")
    assert "<strong>Gras</strong>" in article.body_html and "<script" not in article.body_html


def test_comments_go_to_an_article_only_while_its_version_is_open(kind):
    model, _article, comment_model, make_parent = kind
    version = _version(model, make_parent(), 1, "draft")
    article = version.articles.get()
    author = UserFactory()
    with pytest.raises(ValidationError, match="La version 1 n'est pas ouverte aux commentaires"):
        versioning.add_comment(actor=author, article=article, body="Trop tôt")
    versioning.move_version(version, "open", actor=SYS)
    comment = versioning.add_comment(actor=author, article=article, body=" Précisez le calendrier. ")
    assert isinstance(comment, comment_model)
    assert (comment.article, comment.author, comment.body) == (article, author, "Précisez le calendrier.")
    assert list(article.comments.all()) == [comment]
