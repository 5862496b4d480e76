"""The fixed account forms (DESIGN.md convention 5): WTForms classes rendered by govuk-frontend-wtf."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.main import wtforms_errors
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, PasswordField, RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional, ValidationError

from webapp.validation import (
    PHONE_EXAMPLES,
    PHONE_HINT,
    POSTCODE_EXAMPLE,
    clean_text,
    has_control_characters,
    has_direction_controls,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    phone_refusal,
)

from . import codes
from .passwords import MAX_LENGTH, password_problem

PASSWORD_TOO_LONG = f"Password must be {MAX_LENGTH} characters or fewer"
EMAIL_TOO_LONG = "Email address must be 254 characters or fewer"


def _strip(value):
    return clean_text(value) if isinstance(value, str) else value


class PlainText:
    """Rejects line breaks and control characters in one-line answers (header and log injection)."""

    def __init__(self, label: str):
        self.label = label

    def __call__(self, form, field):
        if field.data and has_direction_controls(field.data):
            # An invisible character that came with a pasted name (from a message, a web page): "special
            # characters" sent people looking for a symbol they could not see.
            raise ValidationError(f"{self.label} must not contain hidden characters. Type it in rather than "
                                  "copying and pasting it")
        if field.data and has_control_characters(field.data):
            raise ValidationError(f"{self.label} must not contain line breaks or special characters")


class UKPostcode:
    def __call__(self, form, field):
        if field.data:
            normalised = normalise_postcode(field.data)
            if normalised is None:
                raise ValidationError(f"Enter a full UK postcode, like {POSTCODE_EXAMPLE}")
            field.data = normalised


class UKPhone:
    def __call__(self, form, field):
        if field.data:
            normalised = normalise_phone(field.data)
            if normalised is None:
                usual = f"Enter a UK phone number, like {PHONE_EXAMPLES}"
                raise ValidationError(phone_refusal(field.data, usual))
            field.data = normalised


def text_field(label: str, *, required: str | None = None, max_length: int = 100, **kwargs) -> StringField:
    validators = [DataRequired(required)] if required else [Optional()]
    named = label.removesuffix(" (optional)")  # "Title must be…", not "Title (optional) must be…"
    validators += [Length(max=max_length, message=f"{named} must be {max_length} characters or fewer"),
                   PlainText(named)]
    return StringField(label, validators=validators, filters=[_strip], widget=GovTextInput(), **kwargs)


class ProfessionalRequired:
    """Role and organisation are needed only for accounts used in a professional capacity."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        if form.is_professional.data == "yes" and not field.data:
            raise ValidationError(self.message)


class RegistrationDetailsForm(FlaskForm):
    title = text_field("Title (optional)", max_length=20)
    first_name = text_field("First name", required="Enter your first name")
    surname = text_field("Surname", required="Enter your surname")
    is_professional = RadioField(
        "Is this account being used in a professional capacity?",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        validators=[InputRequired("Select yes if this account is being used in a professional capacity")],
        widget=GovRadioInput(),
        description="For example, you are a teacher, health visitor, GP or police officer",
    )
    role = StringField("Role", validators=[ProfessionalRequired("Enter your role"),
                                           Length(max=100, message="Role must be 100 characters or fewer"),
                                           PlainText("Role")], filters=[_strip], widget=GovTextInput())
    organisation = StringField("Organisation",
                               validators=[ProfessionalRequired("Enter your organisation"),
                                           Length(max=150,
                                                  message="Organisation must be 150 characters or fewer"),
                                           PlainText("Organisation")], filters=[_strip],
                               widget=GovTextInput())
    property_name = text_field("Property name (optional)")
    house_no = text_field("House number (optional)", max_length=20)
    street = text_field("Street", required="Enter your street", max_length=150)
    town = text_field("Town or city", required="Enter your town or city")
    postcode = StringField("Postcode", validators=[DataRequired("Enter your postcode"), UKPostcode()],
                           filters=[_strip], widget=GovTextInput())
    phone = StringField("Phone number (optional)", validators=[Optional(), UKPhone()], filters=[_strip],
                        widget=GovTextInput(),
                        description=PHONE_HINT)
    submit = SubmitField("Next", widget=GovSubmitInput())


DETAIL_FIELDS = ["title", "first_name", "surname", "is_professional", "role", "organisation",
                 "property_name", "house_no", "street", "town", "postcode", "phone"]


def email_field(label: str = "Email address") -> StringField:
    """An address the portal can send a code to. Its message when blank names the box as its label does:
    "Enter your email address" at "New email address" read as a request for the address already held.

    Letters outside ASCII before the @ (jö@example.com) need SMTPUTF8, which the mail library cannot
    send: such an address was accepted, and the code email then failed with a server error, leaving
    an account no one could verify. A non-ASCII domain is fine: it is sent in its ASCII (IDNA) form.
    """
    return StringField(label, validators=[
        DataRequired(f"Enter your {label[0].lower()}{label[1:]}"),
        Length(max=254, message=EMAIL_TOO_LONG),
        PlainText("Email address"),
        Email("Enter an email address in the correct format, like name@example.com",
              check_deliverability=False, allow_smtputf8=False),
    ], filters=[lambda v: normalise_email(v) if isinstance(v, str) else v], widget=GovTextInput())


def new_password_field(label: str = "Password") -> PasswordField:
    """Its messages name the box: "Enter a new password" at "New password", as "Confirm your new
    password" under it, and "New password must be 128 characters or fewer"."""
    return PasswordField(label, validators=[
        DataRequired(f"Enter a {label.lower()}"),
        Length(max=MAX_LENGTH, message=f"{label} must be {MAX_LENGTH} characters or fewer")],
                         widget=GovPasswordInput(),
                         description="Use 8 characters or more. A longer password, like three random "
                                     "words (15 characters or more), is harder to guess.")


class RegistrationAccountForm(FlaskForm):
    email = email_field()
    password = new_password_field()
    confirm_password = PasswordField("Confirm password", validators=[
        DataRequired("Confirm your password"), EqualTo("password", "Passwords must match")],
        widget=GovPasswordInput())
    submit = SubmitField("Next", widget=GovSubmitInput())


class CodeForm(FlaskForm):
    code = StringField("Code", validators=[DataRequired("Enter the code from the email"),
                                           Length(max=20, message="Enter the 8-digit code from the email")],
                       widget=GovTextInput())
    submit = SubmitField("Next", widget=GovSubmitInput())

    def validate_code(self, field):
        digits = codes.normalise(field.data or "")
        if not (digits.isascii() and digits.isdigit() and len(digits) == 8):
            raise ValidationError("Enter the 8-digit code from the email")


class TermsForm(FlaskForm):
    agree = BooleanField("I agree to these Terms and Conditions",
                         validators=[DataRequired(
                             "Select 'I agree to these Terms and Conditions' to continue")],
                         widget=GovCheckboxInput())
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SignInForm(FlaskForm):
    email = StringField("Email address", validators=[DataRequired("Enter your email address"),
                                                    Length(max=254, message=EMAIL_TOO_LONG),
                                                    PlainText("Email address")],
                        filters=[lambda v: clean_text(v).lower() if isinstance(v, str) else v],
                        widget=GovTextInput())
    password = PasswordField("Password", validators=[DataRequired("Enter your password"),
                                                     Length(max=MAX_LENGTH, message=PASSWORD_TOO_LONG)],
                             widget=GovPasswordInput())
    submit = SubmitField("Sign in", widget=GovSubmitInput())

    def refuse(self, message: str) -> None:
        """Wrong email address or password: one problem (which of the two is not said), shown at
        both fields but listed once in the error summary, linked to the first (`error_summary`)."""
        self.email.errors.append(message)
        self.password.errors.append(message)

    def error_summary(self) -> dict:
        """govuk-frontend-wtf's summary, with a message that several fields share listed once."""
        summary = wtforms_errors(self)
        entries = {}
        for entry in summary["errorList"]:
            entries.setdefault(entry["text"], entry)
        summary["errorList"] = list(entries.values())
        return summary


class ForgottenPasswordForm(FlaskForm):
    email = email_field()
    submit = SubmitField("Send code", widget=GovSubmitInput())


class ResetPasswordForm(FlaskForm):
    code = CodeForm.code
    password = new_password_field("New password")
    confirm_password = PasswordField("Confirm new password", validators=[
        DataRequired("Confirm your new password"), EqualTo("password", "Passwords must match")],
        widget=GovPasswordInput())
    submit = SubmitField("Change password", widget=GovSubmitInput())
    validate_code = CodeForm.validate_code


class UpdateDetailsForm(RegistrationDetailsForm):
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class ChangeEmailForm(FlaskForm):
    email = email_field("New email address")
    password = PasswordField("Your password", validators=[DataRequired("Enter your password"),
                                                          Length(max=MAX_LENGTH, message=PASSWORD_TOO_LONG)],
                             widget=GovPasswordInput())
    submit = SubmitField("Send code", widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[
        DataRequired("Enter your current password"), Length(max=MAX_LENGTH, message=PASSWORD_TOO_LONG)],
        widget=GovPasswordInput())
    password = new_password_field("New password")
    confirm_password = PasswordField("Confirm new password", validators=[
        DataRequired("Confirm your new password"), EqualTo("password", "Passwords must match")],
        widget=GovPasswordInput())
    submit = SubmitField("Change password", widget=GovSubmitInput())


class SignOutDeviceForm(FlaskForm):
    """Signing out of another device asks for the password again (ASVS 5.0 7.5.2): a session left
    open on a shared computer must not be able to end its owner's other sessions."""

    password = PasswordField("Your password", validators=[
        DataRequired("Enter your password"), Length(max=MAX_LENGTH, message=PASSWORD_TOO_LONG)],
        widget=GovPasswordInput())
    submit = SubmitField("Sign out", widget=GovSubmitInput())


def validate_with_password_rules(form, email: str | None, names: tuple = ()) -> bool:
    """The form's own checks and the password rules together, so a person sees every problem at once.

    The rules need the other answers (a password may not be the email address), so they are not a field
    validator; checked only after the form passed, a short password was reported one round later.
    """
    valid = form.validate_on_submit()
    if form.is_submitted() and form.password.data and not form.password.errors:
        problem = password_problem(form.password.data, email, names, label=form.password.label.text)
        if problem:
            form.password.errors.append(problem)
            valid = False
    return valid
