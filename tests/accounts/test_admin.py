"""The role admin grants and revokes through the services (history, MFA reset, mail)."""

from __future__ import annotations

from django.urls import reverse

from maillage.accounts.models import TerritoryRole
from tests.conftest import with_totp
from tests.factories import UserFactory


def test_the_role_admin_grants_and_revokes_through_the_services(
    client, territory, member, mailoutbox, django_capture_on_commit_callbacks
):
    admin = with_totp(UserFactory(is_staff=True, is_superuser=True))
    client.force_login(admin)
    version = member.access_version
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:accounts_territoryrole_add"),
            {"user": member.pk, "territory": territory.pk, "role": TerritoryRole.Role.MODERATOR},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    role = TerritoryRole.objects.get(user=member)
    member.refresh_from_db()
    assert member.access_version == version + 1  # the MFA decision cached in sessions is reset
    assert role.history.get().history_user == admin
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [member.email]
    # A role is never edited in the admin; it is revoked.
    assert client.post(reverse("admin:accounts_territoryrole_change", args=[role.pk]), {}).status_code == 403
    response = client.post(reverse("admin:accounts_territoryrole_delete", args=[role.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not TerritoryRole.objects.filter(user=member).exists()
    assert [
        h.history_type for h in TerritoryRole.history.filter(user_id=member.pk).order_by("history_date")
    ] == [
        "+",
        "-",
    ]


def test_the_user_admin_saves_through_the_service_and_refuses_add_and_delete(client, member):
    admin = with_totp(UserFactory(is_staff=True, is_superuser=True))
    client.force_login(admin)
    version = member.access_version
    response = client.post(
        reverse("admin:accounts_user_change", args=[member.pk]),
        {
            "email": member.email,
            "first_name": "Rose",
            "last_name": member.last_name,
            "is_active": "on",
            "is_staff": "on",
            "territory_roles-TOTAL_FORMS": "0",
            "territory_roles-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    member.refresh_from_db()
    assert member.first_name == "Rose" and member.is_staff
    assert member.access_version == version + 1  # a change of rights resets the cached MFA decision
    # Accounts come from sign-up; erasure (every app's hook) from the person's « Mon espace ».
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403
    delete_url = reverse("admin:accounts_user_delete", args=[member.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403


def test_the_admin_password_form_sets_the_password_through_the_service(client, member):
    admin = with_totp(UserFactory(is_staff=True, is_superuser=True))
    client.force_login(admin)
    version = member.access_version
    url = reverse("admin:auth_user_password_change", args=[member.pk])
    page = client.get(url)
    assert page.status_code == 200
    # A weak password is refused by the validators, and nothing changes.
    weak = client.post(url, {"password1": "abc", "password2": "abc", "set_usable_password": "true"})
    assert weak.status_code == 200
    member.refresh_from_db()
    assert member.access_version == version and not member.check_password("abc")
    response = client.post(
        url,
        {
            "password1": "Mimosa-de-Grasse-42",
            "password2": "Mimosa-de-Grasse-42",
            "set_usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    member.refresh_from_db()
    assert member.check_password("Mimosa-de-Grasse-42")
    assert member.access_version == version + 1  # the cached MFA decision is taken again


def test_the_admin_password_page_is_closed_to_people_who_are_not_staff(client, member):
    client.force_login(member)
    response = client.get(reverse("admin:auth_user_password_change", args=[member.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_password_service_refuses_anyone_but_a_superuser(member):
    import pytest
    from django.core.exceptions import PermissionDenied

    from maillage.accounts import services

    staff = UserFactory(is_staff=True)
    with pytest.raises(PermissionDenied):
        services.set_password_by_superuser(actor=staff, user=member, password="Mimosa-de-Grasse-42")
    member.refresh_from_db()
    assert not member.check_password("Mimosa-de-Grasse-42")
