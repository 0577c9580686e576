"""`maillage totp_code EMAIL`: print the current TOTP code of a demo account, so the demo can pass MFA.

Refused unless DEBUG is on or the address is a demo one (…@demo.maillage.fr): on a real instance it would
be a way around the second factor for whoever can run commands.
"""

from __future__ import annotations

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from maillage.accounts.demo import DEMO_DOMAIN
from maillage.accounts.models import User


class Command(BaseCommand):
    help = "Affiche le code TOTP actuel d'un compte de démonstration (…@demo.maillage.fr, ou si DEBUG)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email", help="adresse électronique du compte")

    def handle(self, *args, **options) -> None:
        email = options["email"].strip().lower()
        if not (settings.DEBUG or email.endswith(DEMO_DOMAIN)):
            raise CommandError(
                f"Refusé : seuls les comptes de démonstration (…{DEMO_DOMAIN}) ont un code "
                "affichable hors du mode DEBUG."
            )
        user = User.objects.filter(email=email).first()
        if user is None:
            raise CommandError(f"Aucun compte pour « {email} ».")
        authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if authenticator is None:
            raise CommandError(f"Le compte « {email} » n'a pas d'application d'authentification (TOTP).")
        secret = get_mfa_adapter().decrypt(authenticator.data["secret"])
        now = int(timezone.now().timestamp())
        period = mfa_settings.TOTP_PERIOD
        code = format_hotp_value(hotp_value(secret, now // period))
        self.stdout.write(code)
        self.stderr.write(f"(valable encore {period - now % period} s)")
