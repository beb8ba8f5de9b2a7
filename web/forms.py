"""The forms of the web store (Flask-WTF: each carries its CSRF token)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from sdk.manifest import is_slug
from sdk.versions import is_range
from web.i18n import LANGUAGES

FILLED_IN = DataRequired(_l("Fill this in."))


def form_problems(form: FlaskForm) -> str:
    """What is wrong with a posted form, in the page's language, for a flashed message: each
    problem after its field's label. Our validators' words come from our catalogues and WTForms'
    own from its catalogues; Flask-WTF words the CSRF token's problems in English only, so an
    expired or missing token gets a sentence of ours."""
    texts = [_("The form has expired. Reload the page and try again.") if field.name == "csrf_token" else
             _("%(field)s: %(problem)s", field=field.label.text, problem=error)
             for field in form for error in field.errors]
    return " ".join(dict.fromkeys(texts))  # each sentence once


class SignInForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[FILLED_IN, Length(max=1024)])
    new = PasswordField(_l("New password"), description=_l("At least 12 characters."), validators=[
        FILLED_IN, Length(min=12, max=1024, message=_l("Choose a new password of 12 to 1024 characters."))])
    repeat = PasswordField(_l("New password again"), validators=[
        FILLED_IN, EqualTo("new", message=_l("The two new passwords are not the same."))])


class SignOutForm(FlaskForm):
    """Only the CSRF token: signing out is a POST so that no other site can do it."""


class LanguageForm(FlaskForm):
    lang = HiddenField(validators=[DataRequired()])
    next = HiddenField()

    def validate_lang(self, field: HiddenField) -> None:
        if field.data not in LANGUAGES:
            raise ValidationError("unknown language")


class TokenForm(FlaskForm):
    description = StringField(_l("What is the token for?"), validators=[Length(max=200)],
                              description=_l("For example: CI of the zaken app."))


class RevokeTokenForm(FlaskForm):
    """Only the CSRF token; the token id is in the URL."""


class PublishForm(FlaskForm):
    organisation = SelectField(_l("Publish for"), validators=[DataRequired()])
    package = FileField(_l("Package"), validators=[FileRequired(_l("Choose a package file (.tar.gz)."))],
                        description=_l("A .tar.gz made with the command appstore build."))


class PlanForm(FlaskForm):
    """What to plan; the providers chosen per API come as ``choice-<api>`` fields (see views.environments)."""

    app = SelectField(_l("App"), validators=[DataRequired()], validate_choice=False)
    version = StringField(_l("Version (optional)"), validators=[Length(max=100)],
                          description=_l("A range such as ^1.3, >=1.2 <2 or 1.4.0. Empty: the newest that fits."))

    def validate_app(self, field: SelectField) -> None:
        if not is_slug(field.data):
            raise ValidationError(_l("Choose an app from the list."))

    def validate_version(self, field: StringField) -> None:
        if field.data and field.data.strip() and not is_range(field.data.strip()):
            raise ValidationError(_l("Write a version range such as ^1.3, >=1.2 <2 or 1.4.0."))


class RecordPlanForm(FlaskForm):
    """Only the CSRF token; the plan is in the URL."""


class InterestForm(FlaskForm):
    organisation = HiddenField(validators=[DataRequired(), Length(max=64)])


class GrantForm(FlaskForm):
    """The organisation chosen from the matches of a search by name (its id, in a hidden field)."""

    organisation = HiddenField(validators=[DataRequired(), Length(max=64)])


class RevokeEntitlementForm(FlaskForm):
    """Only the CSRF token; module and organisation are in the URL."""
