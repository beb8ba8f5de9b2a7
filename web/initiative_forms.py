"""The forms of the board of initiatives: start one (with its look-alikes first), join one, open and close
a ballot and vote in it, offer an existing app, and a curator's merge."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, ValidationError

from sdk.manifest import is_slug
from web.choices import options

FILLED_IN = DataRequired(_l("Fill this in."))
MAX_TAGS = 20
MAX_PROPOSALS = 20
PROPOSALS_WANTED = _l("Give 2 to 20 proposals, one per line, each at most 200 characters.")


def _slugs(_form: FlaskForm, field: StringField) -> None:
    values = slug_list(field.data)
    if len(values) > MAX_TAGS or not all(is_slug(v, (2, 64)) for v in values):
        raise ValidationError(_l("Give at most 20 names of lowercase letters, digits and hyphens, separated by "
                                 "commas, e.g. zgw-zaken, bag."))


def _proposals(_form: FlaskForm, field: TextAreaField) -> None:
    lines = line_list(field.data)
    if not 2 <= len(lines) <= MAX_PROPOSALS or any(len(line) > 200 for line in lines):
        raise ValidationError(PROPOSALS_WANTED)
    if len(set(lines)) != len(lines):
        raise ValidationError(_l("Give each proposal once."))


def line_list(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def slug_list(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


class InitiativeForm(FlaskForm):
    organisation = SelectField(_l("Start for"), validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[FILLED_IN, Length(min=3, max=200)])
    problem = TextAreaField(_l("The problem it solves"), validators=[FILLED_IN, Length(min=10, max=10_000)])
    phase = SelectField(_l("Phase"), choices=options([
        ("idea", _l("Idea")), ("looking-for-partners", _l("Looking for partners")),
        ("in-development", _l("In development"))]))
    categories = StringField(_l("Categories"), validators=[Length(max=1500), _slugs],
                             description=_l("Separated by commas, e.g. waste, public-space."))
    provides = StringField(_l("Standard APIs it will provide"), validators=[Length(max=1500), _slugs],
                           description=_l("Separated by commas, e.g. zgw-zaken."))
    uses = StringField(_l("Standard APIs it will use"), validators=[Length(max=1500), _slugs],
                       description=_l("Separated by commas, e.g. bag, brp."))
    contact = StringField(_l("Contact"), validators=[Length(max=300)])
    confirmed = HiddenField()

    def api_body(self) -> dict[str, Any]:
        """The body the API takes for a new initiative."""
        return {"title": (self.title.data or "").strip(), "problem": (self.problem.data or "").strip(),
                "phase": self.phase.data, "categories": slug_list(self.categories.data),
                "provides": slug_list(self.provides.data), "uses": slug_list(self.uses.data),
                "contact": (self.contact.data or "").strip()}


class JoinForm(FlaskForm):
    organisation = SelectField(_l("Join for"), validators=[DataRequired()])
    role = SelectField(_l("Role"), validators=[DataRequired()])


class VoteForm(FlaskForm):
    organisation = SelectField(_l("Vote for"), validators=[DataRequired()])
    proposal = SelectField(_l("Proposal"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[Length(max=5000)])


class SolutionForm(FlaskForm):
    app = SelectField(_l("Your app"), validators=[DataRequired()])


class SolutionRemovalForm(FlaskForm):
    """Only the CSRF token; the initiative and the app are in the URL."""


class BallotForm(FlaskForm):
    organisation = SelectField(_l("Open for"), validators=[DataRequired()])
    question = StringField(_l("Question"), validators=[
        FILLED_IN, Length(min=3, max=300, message=_l("Ask a question of 3 to 300 characters."))])
    proposals = TextAreaField(_l("Proposals"), validators=[FILLED_IN, Length(max=5000, message=PROPOSALS_WANTED),
                                                           _proposals],
                              description=_l("One per line; at least two."))


class CloseBallotForm(FlaskForm):
    organisation = HiddenField(validators=[DataRequired()])


class MergeForm(FlaskForm):
    into = IntegerField(_l("Number of the initiative that stays"),
                        validators=[DataRequired(_l("Fill this in.")), NumberRange(min=1, max=2**31 - 1)])
