"""allauth's pages read in good Chinese: "电子邮件地址", not allauth's own "Email地址"."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_chinese_page_after_sign_up_asks_to_verify_the_email_address_in_chinese(client):
    page = client.get("/zh-hans/accounts/confirm-email/").content.decode()
    assert "验证您的电子邮件地址" in page
    assert "Email地址" not in page


def test_the_other_languages_keep_a_translation_of_the_same_heading(client):
    for language, heading in [("fr", "Vérifiez votre adresse e-mail"), ("ar", "تحقّق من عنوان بريدك الإلكتروني"),
                              ("en", "Verify Your Email Address")]:
        assert heading in client.get(f"/{language}/accounts/confirm-email/").content.decode(), language
