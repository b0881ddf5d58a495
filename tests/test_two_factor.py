"""The optional second factor (TOTP): enrolment, and the rule that binds the three admins."""

import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lianfang.accounts.roles import Role
from lianfang.core.models import AuditEntry

from .factories import PASSWORD, UserFactory


def _code(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def admin(db):
    return UserFactory(username="anquan", roles=[Role.SECADMIN])


def test_it_lets_admins_in_without_a_code_when_the_rule_is_off(client, admin, settings):
    settings.REQUIRE_2FA_FOR_ADMINS = False
    client.force_login(admin)
    assert client.get("/accounts/users/").status_code == 200


def test_it_holds_admins_at_enrolment_when_the_rule_is_on(client, admin, settings):
    settings.REQUIRE_2FA_FOR_ADMINS = True
    client.force_login(admin)
    response = client.get("/accounts/users/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/otp/"


def test_it_does_not_hold_business_users_when_the_rule_is_on(client, db, settings):
    settings.REQUIRE_2FA_FOR_ADMINS = True
    client.force_login(UserFactory(username="keyuan", roles=[]))
    assert client.get("/").status_code == 200


def test_it_enrols_a_device_with_a_correct_code_and_lets_the_admin_through(client, admin, settings):
    settings.REQUIRE_2FA_FOR_ADMINS = True
    client.post("/accounts/login/", {"username": "anquan", "password": PASSWORD})
    page = client.get("/accounts/otp/")
    assert page.status_code == 200
    assert "data:image/svg+xml" in page.text  # the QR code, inline: no outside service
    device = TOTPDevice.objects.get(user=admin, confirmed=False)

    refused = client.post("/accounts/otp/", {"token": "000000"})
    assert refused.status_code == 200
    assert not TOTPDevice.objects.filter(user=admin, confirmed=True).exists()

    device.refresh_from_db()
    device.throttle_reset()
    assert client.post("/accounts/otp/", {"token": _code(device)}).status_code == 302
    assert TOTPDevice.objects.filter(user=admin, confirmed=True).count() == 1
    assert client.get("/accounts/users/").status_code == 200
    assert AuditEntry.objects.filter(object_type="otp_totp.totpdevice").exists()


def test_it_asks_an_enrolled_admin_for_the_code_at_the_next_login(client, admin, settings):
    settings.REQUIRE_2FA_FOR_ADMINS = True
    device = TOTPDevice.objects.create(user=admin, name="default", confirmed=True)
    client.post("/accounts/login/", {"username": "anquan", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    response = client.post(
        "/accounts/login/", {"username": "anquan", "password": PASSWORD, "otp_token": _code(device)}
    )
    assert response.status_code == 302
    assert client.get("/accounts/users/").status_code == 200
