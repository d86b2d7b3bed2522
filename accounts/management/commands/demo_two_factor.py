"""Give the demo staff who must use two-factor an authenticator with a published key (debug only).

`make run` calls it after `load_demo`, so `admin`, `reviewer`, `reviewer2` and `finance` can log in
on a laptop: add the printed key to any authenticator app, or ask this command for the current code.
"""

from __future__ import annotations

from base64 import b32encode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor

# Known to everyone who reads this file: fit for demo accounts on a laptop, never for a server.
DEMO_KEY = b"helpcenter-demo-2026".hex()


class Command(BaseCommand):
    help = "Debug only: enrol the demo staff who need two-factor with a shared demo key; --code prints its code."

    def add_arguments(self, parser):
        parser.add_argument("--code", action="store_true", help="Print the demo authenticator's current code.")

    def handle(self, *args, code: bool = False, **options):
        if not settings.DEBUG:
            raise CommandError("Demo two-factor keys are only made with DJANGO_DEBUG=1.")
        key = bytes.fromhex(DEMO_KEY)
        if code:
            self.stdout.write(f"{totp(key):06d}")
            return
        enrolled = []
        for user in get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username"):
            if not two_factor.is_required_for(user):
                continue
            if not two_factor.is_enrolled(user):
                TOTPDevice.objects.create(user=user, name="demo authenticator", key=DEMO_KEY, confirmed=True)
            if TOTPDevice.objects.filter(user=user, key=DEMO_KEY, confirmed=True).exists():
                enrolled.append(user.username)
        if not enrolled:
            return
        typed = " ".join(b32encode(key).decode()[i : i + 4] for i in range(0, 32, 4))
        self.stdout.write(
            f"Two-factor is required for {', '.join(enrolled)}: after the password, enter the six-digit code "
            f"of the demo key {typed} (add it to an authenticator app), or the one "
            "`.venv/bin/python manage.py demo_two_factor --code` prints."
        )
