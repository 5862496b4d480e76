"""The declaration is a fixed form (DESIGN.md convention 5), rendered by govuk-frontend-wtf."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput
from wtforms import BooleanField
from wtforms.validators import DataRequired

DECLARATION_LABEL = "I confirm the declaration above"
DECLARATION_REQUIRED = "Select 'I confirm the declaration above' to submit this form"


class DeclarationForm(FlaskForm):
    declaration = BooleanField(DECLARATION_LABEL, validators=[DataRequired(DECLARATION_REQUIRED)],
                               widget=GovCheckboxInput())
