"""The back office's fixed forms (DESIGN.md convention 5)."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
)
from wtforms import HiddenField, RadioField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, ValidationError

from webapp.formdefs.fieldtypes import counted_length

from .services import REASONS, RESPONSE_MAX_LENGTH


def _strip(value):
    # Browsers post each line break as CRLF but count it as one character (so does GOV.UK Frontend's
    # character count): counting two here refused text the page said was within the limit.
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


class CountedLength:
    """At most `max` characters as the page's GOV.UK character count counts them (an emoji is two),
    the way the public's forms count (fieldtypes.counted_length). WTForms' Length counts an emoji as
    one: the count said "You have 10 characters too many" and the server took the text."""

    def __init__(self, max: int, message: str):
        self.max = max
        self.message = message

    def __call__(self, form, field):
        if isinstance(field.data, str) and counted_length(field.data) > self.max:
            raise ValidationError(self.message)


# Said on the page (GOV.UK character count), not first in an error after the caseworker has written it.
COMMENTS_MAX_LENGTH = 2000


class SeenVersionForm(FlaskForm):
    # The version the caseworker had in front of them: an action must not land on a newer version
    # the submitter sent while the page was open (services.seen_an_old_version).
    version = HiddenField()


class ReturnForm(SeenVersionForm):
    reason = RadioField("Why does this form need more information?",
                        choices=[SelectChoice(value, label) for value, label in REASONS.items()],
                        validators=[InputRequired("Select why the form needs more information")],
                        widget=GovRadioInput())
    comments = TextAreaField(
        "Comments for the submitter",
        description="Say what you need. The submitter sees this next to the form. Do not include details "
                    "the submitter did not give you.",
        validators=[DataRequired("Enter comments for the submitter"),
                    CountedLength(max=COMMENTS_MAX_LENGTH,
                                  message=f"Comments must be {COMMENTS_MAX_LENGTH} characters or fewer")],
        filters=[_strip], widget=GovCharacterCount())
    sections = SelectMultipleField("Which sections need changing? (optional)", choices=[],
                                   description="Select all that apply. These are marked for the submitter.",
                                   widget=GovCheckboxesInput())
    submit = SubmitField("Return for further information", widget=GovSubmitInput())


def _response_field() -> TextAreaField:
    return TextAreaField(
        "Response",
        validators=[DataRequired("Enter a response"),
                    CountedLength(max=RESPONSE_MAX_LENGTH,
                                  message=f"Response must be {RESPONSE_MAX_LENGTH} characters or fewer")],
        filters=[_strip], widget=GovCharacterCount())


class ResponseForm(SeenVersionForm):
    # The example in the hint names the caseworker's team: the view sets it.
    response = _response_field()
    submit = SubmitField("Post response", widget=GovSubmitInput())


class CorrectResponseForm(FlaskForm):
    # The response as the caseworker found it (services.response_fingerprint): a colleague's
    # correction since then is not written over.
    seen = HiddenField()
    response = _response_field()
    submit = SubmitField("Post corrected response", widget=GovSubmitInput())
