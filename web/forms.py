"""The forms of the web store (Flask-WTF: each carries its CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from web.i18n import LANGUAGES


class SignInForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()


class SignOutForm(FlaskForm):
    """Only the CSRF token: signing out is a POST so that no other site can do it."""


class LanguageForm(FlaskForm):
    lang = HiddenField(validators=[DataRequired()])
    next = HiddenField()

    def validate_lang(self, field: HiddenField) -> None:
        if field.data not in LANGUAGES:
            from wtforms.validators import ValidationError

            raise ValidationError("unknown language")


class TokenForm(FlaskForm):
    description = StringField(_l("What is the token for?"), validators=[Length(max=200)],
                              description=_l("For example: CI of the zaken app."))


class RevokeTokenForm(FlaskForm):
    """Only the CSRF token; the token id is in the URL."""


class PublishForm(FlaskForm):
    organisation = SelectField(_l("Publish for"), validators=[DataRequired()])
    package = FileField(_l("Package"), validators=[FileRequired(_l("Choose a package file (.tar.gz)."))],
                        description=_l("A .tar.gz made with `appstore build`."))
