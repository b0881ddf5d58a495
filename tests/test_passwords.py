import itertools
import string
from datetime import timedelta

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from lianfang.accounts import services
from lianfang.accounts.models import PasswordHistory, User
from lianfang.accounts.passwords import CharacterClassValidator, character_classes
from lianfang.core.models import AuditEntry

from .factories import PASSWORD, UserFactory

# Ten or more characters, three or more classes, nothing common or like the user's name.
GOOD = ["Qx7#mLp2vR", "Bz4!wKc9Tn", "Hj2@rNv5Ys", "Lm8$tPq3Wd", "Ck6%gXf1Zb", "Vr9&hDs4Jm"]


def _messages(password, user=None):
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        return [e.code for e in exc.error_list]
    return []


def test_it_refuses_a_password_shorter_than_the_minimum(settings):
    assert settings.PASSWORD_MIN_LENGTH == 10
    assert "password_too_short" in _messages("Qx7#mLp2v")
    assert _messages("Qx7#mLp2vR") == []


def test_it_follows_a_changed_minimum_length(settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 12},
        }
    ]
    assert "password_too_short" in _messages("Qx7#mLp2vRz")


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("qxmlpvrtwz", False),  # lower only
        ("qxmlpv7rtw", False),  # lower + digit
        ("QXMLP#VRTW", False),  # upper + other
        ("qxmlpV7rtw", True),  # lower + upper + digit
        ("qxml#v7rtw", True),  # lower + digit + other
        ("QXML#V7RTW", True),  # upper + digit + other
        ("廉政风险防控平台abc1", True),  # Chinese characters count as "other"
    ],
)
def test_it_requires_three_of_four_character_classes(password, ok):
    assert ("password_classes" not in _messages(password)) is ok


@given(st.text(min_size=0, max_size=30))
@example("aA1")
@example("aA!")
@example("a1!")
@example("aAb")
@example("")
def test_it_counts_character_classes_like_the_policy_says(password):
    expected = sum(
        [
            any(c in string.ascii_lowercase for c in password),
            any(c in string.ascii_uppercase for c in password),
            any(c in string.digits for c in password),
            any(c not in string.ascii_letters + string.digits for c in password),
        ]
    )
    assert character_classes(password) == expected
    try:
        CharacterClassValidator().validate(password)
    except ValidationError:
        assert expected < 3
    else:
        assert expected >= 3


@pytest.fixture
def user(db):
    return UserFactory(username="wanglei", must_change_password=True)


def _change(user, old, new):
    return services.password_change(user=user, old_password=old, new_password=new)


def test_it_changes_the_password_and_lifts_the_forced_change(user):
    before = timezone.now()
    _change(user, PASSWORD, GOOD[0])
    user = User.objects.get(pk=user.pk)
    assert user.check_password(GOOD[0])
    assert not user.must_change_password
    assert user.password_changed_at >= before
    assert AuditEntry.objects.get().action == "password"


def test_it_refuses_a_wrong_old_password(user):
    with pytest.raises(ValidationError) as excinfo:
        _change(user, "not-the-password", GOOD[0])
    assert "old_password" in excinfo.value.message_dict
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_it_refuses_a_password_like_the_username(user):
    with pytest.raises(ValidationError):
        _change(user, PASSWORD, "Wanglei#2024")
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)
    assert not AuditEntry.objects.exists()


def test_it_refuses_the_current_password(user):
    with pytest.raises(ValidationError) as excinfo:
        _change(user, PASSWORD, PASSWORD)
    assert any(e.code == "password_reused" for e in excinfo.value.error_list)


def test_it_refuses_the_last_five_passwords_and_allows_the_sixth(user, settings):
    assert settings.PASSWORD_HISTORY == 5
    used = [PASSWORD, *GOOD[:5]]  # the initial one, then five changes
    for old, new in itertools.pairwise(used):
        _change(user, old, new)
    current = used[-1]
    for recent in used[-5:]:  # the current one and the four before it
        with pytest.raises(ValidationError) as excinfo:
            _change(user, current, recent)
        assert any(e.code == "password_reused" for e in excinfo.value.error_list)
    assert user.password_history.count() == 5
    _change(user, current, used[0])  # the sixth most recent is allowed again
    assert User.objects.get(pk=user.pk).check_password(used[0])


def test_it_keeps_only_as_many_old_hashes_as_it_needs(user):
    used = [PASSWORD, *GOOD]
    for old, new in itertools.pairwise(used):
        _change(user, old, new)
    assert PasswordHistory.objects.filter(user=user).count() == 5


def test_it_expires_a_password_after_the_maximum_age(user, settings):
    assert settings.PASSWORD_MAX_AGE_DAYS == 90
    now = timezone.now()
    user.password_changed_at = now - timedelta(days=89, hours=23)
    assert not services.password_expired(user)
    user.password_changed_at = now - timedelta(days=90)
    assert services.password_expired(user)
    user.password_changed_at = None
    assert services.password_expired(user)
    settings.PASSWORD_MAX_AGE_DAYS = 30
    user.password_changed_at = now - timedelta(days=30)
    assert services.password_expired(user)


@pytest.mark.parametrize("path", ["/", "/org/", "/accounts/users/"])
def test_it_sends_a_user_who_must_change_the_password_to_the_form(client, user, path):
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/"


def test_it_sends_a_user_with_an_expired_password_to_the_form(client, db):
    user = UserFactory(password_changed_at=timezone.now() - timedelta(days=91))
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/"


def test_it_refuses_the_session_api_until_the_password_is_changed(client, user):
    client.force_login(user)
    response = client.get("/api/v1/accounts/me")
    assert response.status_code in (401, 403)
    assert set(response.json()) <= {"detail", "errors"}


def test_it_lets_a_user_with_a_fresh_password_through(client, db):
    user = UserFactory(username="fresh")
    client.force_login(user)
    assert client.get("/api/v1/accounts/me").status_code == 200
    response = client.get("/")
    assert response.get("Location") != "/accounts/password/"


def test_it_lets_a_held_user_log_out(client, user):
    client.force_login(user)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert AuditEntry.objects.get().action == "logout"
