"""The professional most end-to-end tests sign in as: a new account for each test, so no test meets
another's drafts, and the way a person signs in with it."""

import secrets

from webapp.accounts.models import User
from webapp.accounts.passwords import hash_password
from webapp.clock import utcnow
from webapp.extensions import db

PASSWORD = "correct horse battery staple"


def make_professional(app) -> str:
    email = f"hv-{secrets.token_hex(4)}@nhs.example.net"
    with app.app_context():
        db.session.add(User(email=email, password_hash=hash_password(PASSWORD), first_name="Dana",
                            surname="Okafor", is_professional=True, role="Health Visitor",
                            organisation="Wigan Health Visiting", phone="01942 000002",
                            email_verified_at=utcnow(), terms_version=app.config["TERMS_VERSION"],
                            terms_accepted_at=utcnow()))
        db.session.commit()
        db.session.remove()
    return email


def sign_in(page, email):
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
