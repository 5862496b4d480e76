"""CLI: create Local Authority staff accounts, and demo accounts for `make run`."""

import click
from flask import current_app
from flask.cli import with_appcontext

from webapp.clock import utcnow
from webapp.extensions import db

from . import services
from .models import TEAMS, User
from .passwords import hash_password, password_problem


@click.command("create-staff")
@click.argument("email")
@click.option("--team", type=click.Choice(sorted(TEAMS)), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--first-name", default="Caseworker")
@click.option("--surname", default="")
@with_appcontext
def create_staff(email, team, password, first_name, surname):
    """Create (or update) a Local Authority staff account for TEAM."""
    problem = password_problem(password, email, (first_name, surname))
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    user = services.create_staff(email, team, password, first_name, surname)
    click.echo(f"Staff account {user.email} ({TEAMS[team]}) is ready. Sign in at /la/.")


@click.command("disable-account")
@click.argument("email")
@with_appcontext
def disable_account(email):
    """Stop the account with EMAIL signing in, and end its sessions now (a caseworker who has left)."""
    user = services.disable_account(email)
    if user is None:
        raise click.ClickException(f"No account has the email address {email}")
    again = " `flask create-staff` enables it again." if user.is_staff else ""
    click.echo(f"Account {user.email} is disabled: it cannot sign in, and its sessions have ended.{again}")


DEMO_ACCOUNTS = [
    {"email": "professional@example.com", "password": "demo professional password",
     "first_name": "Priya", "surname": "Shah", "is_professional": True, "role": "Teacher",
     "organisation": "Meadow Primary School", "street": "1 School Lane", "town": "Wigan",
     "postcode": "WN1 1AA", "phone": "01942 000001", "label": "Professional"},
    {"email": "public@example.com", "password": "demo public password",
     "first_name": "Sam", "surname": "Jones", "is_professional": False, "street": "2 High Street",
     "town": "Wigan", "postcode": "WN2 2BB", "label": "Member of the public"},
]
DEMO_STAFF = {"email": "caseworker@example.com", "password": "demo caseworker password",
              "team": "social-care", "first_name": "Casey", "surname": "Worker"}


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Create the demo accounts (idempotent) and print their credentials."""
    if not current_app.config.get("DEMO_ACCOUNTS"):
        # Their passwords are published in this repository: never in a deployment.
        raise click.ClickException("seed-demo creates accounts with published passwords; it runs only "
                                   "with PORTAL_ENV=development (as `make run` sets it)")
    for account in DEMO_ACCOUNTS:
        fields = {k: v for k, v in account.items() if k not in {"password", "label"}}
        user = db.session.query(User).filter_by(email=account["email"]).one_or_none()
        if user is None:
            user = User(**fields)
            db.session.add(user)
        user.password_hash = hash_password(account["password"])
        user.email_verified_at = user.email_verified_at or utcnow()
        user.terms_version = current_app.config["TERMS_VERSION"]
        user.terms_accepted_at = user.terms_accepted_at or utcnow()
    db.session.commit()
    services.create_staff(DEMO_STAFF["email"], DEMO_STAFF["team"], DEMO_STAFF["password"],
                          DEMO_STAFF["first_name"], DEMO_STAFF["surname"])
    click.echo("Demo accounts (development only):")
    for account in DEMO_ACCOUNTS:
        click.echo(f"  {account['label']:<22} {account['email']:<28} password: {account['password']}")
    staff_label = "Local Authority (/la/)"
    click.echo(f"  {staff_label:<22} {DEMO_STAFF['email']:<28} password: {DEMO_STAFF['password']}")
    click.echo("Emails (codes) appear at http://127.0.0.1:5000/dev/mailbox")
