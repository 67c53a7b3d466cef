"""Signing up and signing in: mail in the person's own language, and a pause after repeated wrong passwords from one
address (tests/accounts/test_sign_in.py: from others, they never stop the owner)."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache

from accounts.models import User
from tests.factories import UserFactory
from tests.pages import text

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    # allauth counts attempts in the cache (a file or Redis): counts must not carry over between tests.
    cache.clear()
    yield
    cache.clear()


def verified(**fields) -> User:
    user = UserFactory(**fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_signing_up_on_a_spanish_page_keeps_spanish_and_mails_in_spanish(client):
    response = client.post(
        "/es/accounts/signup/",
        {
            "email": "valentina@voices.example",
            "password1": "una-clave-bastante-larga",
            "password2": "una-clave-bastante-larga",
        },
    )

    assert response.status_code == 302
    assert User.objects.get(email="valentina@voices.example").preferred_language == "es"
    (email,) = mail.outbox
    assert email.to == ["valentina@voices.example"]
    assert "Please Confirm Your Email Address" not in email.subject
    assert email.subject == "[Voices] Por favor, confirme su dirección de correo electrónico"
    assert "You're receiving this email" not in email.body
    assert "/es/accounts/confirm-email/" in email.body


def test_a_password_reset_asked_from_an_english_page_is_mailed_in_the_persons_language(client):
    verified(email="camille@voices.example", preferred_language="fr")

    response = client.post("/en/accounts/password/reset/", {"email": "camille@voices.example"})

    assert response.status_code == 302
    (email,) = mail.outbox
    assert email.to == ["camille@voices.example"]
    assert email.subject == "[Voices] E-mail de réinitialisation de mot de passe"
    assert "Password Reset" not in email.subject
    assert "You're receiving this email" not in email.body
    assert "réinitialiser votre mot de passe" in email.body


def test_a_password_reset_for_someone_without_a_language_follows_the_page(client):
    verified(email="olga@voices.example", preferred_language="")

    client.post("/ru/accounts/password/reset/", {"email": "olga@voices.example"})

    (email,) = mail.outbox
    assert email.subject == "[Voices] Письмо для сброса пароля"


def sign_in(client, email, password):
    return client.post("/en/accounts/login/", {"login": email, "password": password})


def test_after_five_wrong_passwords_even_the_right_one_is_refused_for_a_while(client):
    verified(email="tomas@voices.example", password=PASSWORD)
    for _attempt in range(5):
        wrong = sign_in(client, "tomas@voices.example", "not-the-password")
        assert wrong.status_code == 200
        assert "not correct" in text(wrong)

    sixth = sign_in(client, "tomas@voices.example", PASSWORD)

    assert sixth.status_code in (200, 429)
    assert "Too many sign-in attempts from this network." in text(sixth)
    assert "Sign in with a code sent to your email, or wait five minutes" in text(sixth)
    assert "_auth_user_id" not in client.session


def test_the_pause_is_for_that_account_only(client):
    verified(email="tomas@voices.example", password=PASSWORD)
    verified(email="ines@voices.example", password=PASSWORD)
    for _attempt in range(5):
        sign_in(client, "tomas@voices.example", "not-the-password")

    response = sign_in(client, "ines@voices.example", PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email="ines@voices.example").pk)


def test_four_wrong_passwords_do_not_lock_anyone_out(client):
    verified(email="tomas@voices.example", password=PASSWORD)
    for _attempt in range(4):
        sign_in(client, "tomas@voices.example", "not-the-password")

    response = sign_in(client, "tomas@voices.example", PASSWORD)

    assert response.status_code == 302
    assert "_auth_user_id" in client.session
