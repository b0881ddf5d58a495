import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lianfang.accounts.models import LoginLog
from lianfang.core.models import AuditEntry

from .factories import PASSWORD, UserFactory

URL = "/accounts/login/"
HERE = "192.0.2.10"  # documentation addresses (RFC 5737): no traffic is sent anywhere
THERE = "198.51.100.20"


@pytest.fixture
def user(db):
    return UserFactory(username="zhangsan")


def _login(client, username, password, ip=HERE, **extra):
    return client.post(URL, {"username": username, "password": password, **extra}, REMOTE_ADDR=ip)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _fail(client, username, times, ip=HERE):
    return [_login(client, username, "wrong-password", ip).status_code for _ in range(times)]


def test_it_shows_the_login_page(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()


def test_it_logs_in_and_records_the_login(client, user):
    response = _login(client, "zhangsan", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _signed_in(client)
    log = LoginLog.objects.get()
    assert (log.username, log.user, log.success, log.ip) == ("zhangsan", user, True, HERE)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.ip) == ("login", user, HERE)


def test_it_refuses_a_wrong_password_and_records_the_failure(client, user):
    response = _login(client, "zhangsan", "wrong-password")
    assert response.status_code == 200
    assert "账号或密码错误" in response.content.decode()
    assert not _signed_in(client)
    log = LoginLog.objects.get()
    assert (log.success, log.reason, log.user, log.ip) == (False, "password", None, HERE)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.actor_name) == ("login_failed", None, "zhangsan")


def test_it_refuses_an_inactive_account(client, db):
    UserFactory(username="gone", is_active=False)
    assert _login(client, "gone", PASSWORD).status_code == 200
    assert not _signed_in(client)


def test_it_goes_to_a_local_next_page_only(client, user):
    assert _login(client, "zhangsan", PASSWORD, next="/org/")["Location"] == "/org/"
    client.logout()
    response = _login(client, "zhangsan", PASSWORD, next="https://evil.example/")
    assert response["Location"] == "/"


def test_it_sends_a_signed_in_user_home_from_the_login_page(client, user):
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_it_locks_the_account_from_that_address_after_five_failures(client, user, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert _fail(client, "zhangsan", 5) == [200, 200, 200, 200, 429]
    response = _login(client, "zhangsan", PASSWORD)  # even the right password
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert not _signed_in(client)
    assert LoginLog.objects.filter(reason="locked").exists()
    assert not LoginLog.objects.filter(success=True).exists()


def test_it_still_lets_the_user_in_from_another_address(client, user):
    _fail(client, "zhangsan", 5)
    response = _login(client, "zhangsan", PASSWORD, ip=THERE)
    assert response.status_code == 302
    assert _signed_in(client)


def test_it_does_not_lock_other_accounts_from_the_same_address(client, user):
    UserFactory(username="lisi")
    _fail(client, "zhangsan", 5)
    assert _login(client, "lisi", PASSWORD).status_code == 302


def test_it_forgets_failures_after_a_successful_login(client, user):
    _fail(client, "zhangsan", 4)
    assert _login(client, "zhangsan", PASSWORD).status_code == 302
    client.logout()
    assert _fail(client, "zhangsan", 4) == [200] * 4
    assert _login(client, "zhangsan", PASSWORD).status_code == 302


def test_it_unlocks_after_the_cool_off(client, user, settings):
    assert timedelta(minutes=30) == settings.AXES_COOLOFF_TIME
    _fail(client, "zhangsan", 5)
    assert _login(client, "zhangsan", PASSWORD).status_code == 429
    earlier = timezone.now() - timedelta(minutes=31)
    AccessAttempt.objects.update(attempt_time=earlier)
    assert _login(client, "zhangsan", PASSWORD).status_code == 302


def test_it_stays_locked_until_the_cool_off_is_over(client, user):
    _fail(client, "zhangsan", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=29))
    assert _login(client, "zhangsan", PASSWORD).status_code == 429


def test_it_throttles_an_address_that_tries_many_names(client, user, settings):
    limit = settings.LOGIN_IP_FAILURE_LIMIT
    assert limit == 30
    codes = [_login(client, f"guess{i}", "wrong-password").status_code for i in range(limit)]
    assert codes == [200] * limit  # no single name was tried five times
    response = _login(client, "zhangsan", PASSWORD)
    assert response.status_code == 429
    assert not _signed_in(client)
    assert LoginLog.objects.filter(reason="ip_throttled").count() == 1
    assert _login(client, "zhangsan", PASSWORD, ip=THERE).status_code == 302


def test_it_lifts_the_address_throttle_after_the_cool_off(client, user, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 3
    for i in range(3):
        _login(client, f"guess{i}", "wrong-password")
    assert _login(client, "zhangsan", PASSWORD).status_code == 429
    LoginLog.objects.update(at=timezone.now() - timedelta(minutes=31))
    assert _login(client, "zhangsan", PASSWORD).status_code == 302


def test_it_ignores_a_forwarded_address_without_a_proxy(client, user, settings):
    assert settings.PROXY_COUNT == 0
    for i in range(5):
        client.post(
            URL,
            {"username": "zhangsan", "password": "wrong-password"},
            REMOTE_ADDR=HERE,
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        )
    response = client.post(
        URL,
        {"username": "zhangsan", "password": PASSWORD},
        REMOTE_ADDR=HERE,
        HTTP_X_FORWARDED_FOR="203.0.113.99",
    )
    assert response.status_code == 429
    assert set(LoginLog.objects.values_list("ip", flat=True)) == {HERE}


def test_it_takes_the_address_the_proxy_saw(client, user, settings):
    settings.PROXY_COUNT = 1
    client.post(
        URL,
        {"username": "zhangsan", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.7",  # the first part is the client's claim
    )
    assert LoginLog.objects.get().ip == "198.51.100.7"
    assert AuditEntry.objects.get().ip == "198.51.100.7"


def _totp(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def test_it_asks_for_the_one_time_code_of_an_enrolled_user(client, user):
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    assert _login(client, "zhangsan", PASSWORD, otp_token="000000").status_code == 200
    assert not _signed_in(client)
    assert LoginLog.objects.get().reason == "otp"
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows down guessing after a wrong code
    assert _login(client, "zhangsan", PASSWORD, otp_token=_totp(device)).status_code == 302
    assert _signed_in(client)


def test_it_ends_an_idle_session_after_thirty_minutes(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_it_extends_the_session_on_each_request_and_drops_it_when_idle(client, user):
    client.force_login(user)
    session = Session.objects.get()
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=5))
    client.get("/api/v1/accounts/me")
    renewed = Session.objects.get(pk=session.pk).expire_date
    assert renewed > timezone.now() + timedelta(minutes=29)

    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(URL)


def test_it_records_a_logout(client, user):
    _login(client, "zhangsan", PASSWORD)
    client.post("/accounts/logout/")
    assert not _signed_in(client)
    assert AuditEntry.objects.filter(action="logout", actor=user).count() == 1


def test_it_answers_in_chinese_whatever_the_browser_asks_for(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "账号" in response.text
    assert response["Content-Language"] == "zh-hans"


def test_it_answers_in_english_once_the_user_switches(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    response = client.get("/accounts/login/")
    assert "Username" in response.text


def test_it_lets_the_security_admin_lift_a_lockout(client, user, db):
    from lianfang.accounts.roles import Role

    assert _fail(client, "zhangsan", 5)[-1] == 429
    secadmin = UserFactory(username="anquan", roles=[Role.SECADMIN])
    admin = type(client)()
    admin.force_login(secadmin)
    assert admin.post(f"/accounts/users/{user.pk}/unlock/").status_code == 302
    assert _login(client, "zhangsan", PASSWORD).status_code == 302
    assert AuditEntry.objects.filter(action="update", after__unlocked=1).exists()


def test_it_refuses_the_unlock_to_the_system_admin(client, user, db):
    from lianfang.accounts.roles import Role

    client.force_login(UserFactory(username="xitong", roles=[Role.SYSADMIN]))
    assert client.post(f"/accounts/users/{user.pk}/unlock/").status_code == 403
