import pytest
from django.db import IntegrityError

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_people_sign_in_with_their_email_address(client):
    User.objects.create_user(email="amira@voices.example", password="a-long-test-password")
    response = client.post("/en/accounts/login/", {"login": "amira@voices.example", "password": "a-long-test-password"})
    # Mandatory verification: an unverified address is sent to confirm it first.
    assert response.status_code == 302
    assert "confirm-email" in response["Location"] or "verification" in response["Location"]


def test_an_email_address_belongs_to_one_account():
    User.objects.create_user(email="mateo@voices.example")
    with pytest.raises(IntegrityError):
        User.objects.create_user(email="mateo@voices.example")


def test_the_domain_of_an_address_is_normalised():
    user = User.objects.create_user(email="Jia@VOICES.Example")
    assert user.email == "Jia@voices.example"


def test_a_wrong_password_gets_the_form_again_not_an_error(client):
    User.objects.create_user(email="juana@voices.example", password="a-long-test-password")
    response = client.post("/en/accounts/login/", {"login": "juana@voices.example", "password": "wrong"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
