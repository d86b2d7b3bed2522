"""Who must prove a second factor, and the devices that prove it (django-otp).

A staff member has at most one authenticator (TOTP) and one set of recovery codes (a static device
whose tokens are deleted as they are used). Members of the groups in HELPCENTER_TWO_FACTOR_GROUPS
and superusers must enrol before they see any admin page; anyone else on the staff may enrol, and
from then on is asked for a code too.
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp import verify_token as verify_device_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"


def is_required_for(user: AbstractBaseUser) -> bool:
    if not settings.HELPCENTER_TWO_FACTOR_ENFORCED:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=settings.HELPCENTER_TWO_FACTOR_GROUPS).exists()


def is_enrolled(user: AbstractBaseUser) -> bool:
    return user_has_device(user, confirmed=True)


def session_passes(user: AbstractBaseUser, session) -> bool:
    """Whether this session may act as staff, where django_otp's middleware does not run (the chat's
    agent socket): a user who must or chose to use a second factor needs one proved in this session,
    as RequireTwoFactorMiddleware asks before any admin page."""
    if not (is_enrolled(user) or is_required_for(user)):
        return True
    persistent_id = session.get(DEVICE_ID_SESSION_KEY) if session is not None else None
    device = Device.from_persistent_id(persistent_id) if persistent_id else None
    return device is not None and device.user_id == user.pk and device.confirmed


def pending_authenticator(user: AbstractBaseUser) -> TOTPDevice:
    """The authenticator being set up: the same key on every reload until a code confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def confirm_authenticator(device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm a pending authenticator with its first code; it replaces any earlier one, and a new
    set of recovery codes replaces the old. Returns the recovery codes, or None for a wrong code."""
    if not device.verify_token(normalise(token)):
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return new_recovery_codes(device.user)


def new_recovery_codes(user: AbstractBaseUser) -> list[str]:
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def normalise(token: str) -> str:
    # Codes are read off a phone or a sheet of paper: spaces and dashes are how people group them.
    return "".join(token.split()).replace("-", "").lower()


def verify(user: AbstractBaseUser, token: str) -> TOTPDevice | StaticDevice | None:
    """The device that accepts this code: six digits are the authenticator's, anything else a
    recovery code (used up by this call). Each device's throttling applies."""
    token = normalise(token)
    if not token:
        return None
    model = TOTPDevice if token.isdigit() and len(token) <= 8 else StaticDevice
    for device in model.objects.filter(user=user, confirmed=True):
        verified = verify_device_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


def is_throttled(user: AbstractBaseUser) -> bool:
    """A wrong code was given too recently to try another yet."""
    devices = [*TOTPDevice.objects.filter(user=user, confirmed=True), *StaticDevice.objects.filter(user=user)]
    return any(not device.verify_is_allowed()[0] for device in devices)


def qr_code_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG, drawn here: the key never leaves the server for a QR service."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff")


def key_for_typing(device: TOTPDevice) -> str:
    """The base32 key in groups of four, for an authenticator that cannot scan."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))
