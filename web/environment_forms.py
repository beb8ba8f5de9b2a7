"""The forms of a municipality's environments: creating and changing one, and the
config values a plan still needs (a secret only as a reference to a Kubernetes
Secret, never its value)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from registry.services.install_advice import MissingValue
from registry.services.namespaces import PREFIX
from sdk.manifest import is_slug
from sdk.render import NAME
from sdk.secrets import SECRET_KEY, SECRET_NAME, looks_like_secret_name
from web.forms import FILLED_IN

MAX_VALUE = 2000
MAX_SHARED_VALUES = 100
MAX_APIS = 200


class EnvironmentForm(FlaskForm):
    """What the API's environment holds, except per-app values (those come with a plan)."""

    name = StringField(_l("Name"), validators=[FILLED_IN, Length(max=64)],
                       description=_l("Lowercase letters, digits and dashes, for example: test, acceptatie."))
    stage = SelectField(_l("Stage"), validators=[DataRequired()])
    profile = SelectField(_l("Platform profile"), validators=[DataRequired()],
                          description=_l("The platform this environment runs on."))
    promote_from = SelectField(_l("Promotes from"), description=_l(
        "A release must have run there before it is installed here."))
    namespace_mode = RadioField(_l("Namespaces"), default="per-app")
    namespace_prefix = StringField(_l("Prefix of the namespaces"), validators=[Length(max=29)],
                                   description=_l("For example test-: then each app goes to test-APP-ID."))
    shared_values = TextAreaField(_l("Values for every app"), validators=[Length(max=20_000)], description=_l(
        "One per line as name=value, for example hostname=apps.gemeente.example. "
        "Secrets are set as a reference to a Kubernetes Secret on the plan page."))
    confirmed_apis = StringField(_l("External APIs this environment has access to"), validators=[Length(max=4000)],
                                 description=_l("Separated by commas, for example: brp, kvk, bag."))
    next = HiddenField()

    def validate_name(self, field: StringField) -> None:
        if not is_slug(field.data, (2, 64)):
            raise ValidationError(_l("Use 2 to 64 lowercase letters, digits and single dashes, such as test."))

    def validate_namespace_prefix(self, field: StringField) -> None:
        if not PREFIX.match(field.data or ""):
            raise ValidationError(_l("Use at most 29 lowercase letters, digits and dashes, such as test-."))

    def validate_shared_values(self, field: TextAreaField) -> None:
        lines = [line.strip() for line in (field.data or "").splitlines() if line.strip()]
        if len(lines) > MAX_SHARED_VALUES:
            raise ValidationError(_l("Give at most %(n)d values.", n=MAX_SHARED_VALUES))
        for line in lines:
            name, equals, value = line.partition("=")
            if not equals or not NAME.match(name.strip()) or len(value.strip()) > MAX_VALUE:
                raise ValidationError(_l("Write each value as name=value on its own line; a name has letters, "
                                         "digits and underscores."))
            if looks_like_secret_name(name.strip()):
                raise ValidationError(_l("%(name)s is a secret: set it as a reference to a Kubernetes Secret on "
                                         "the plan page, never in clear.", name=name.strip()))

    def validate_confirmed_apis(self, field: StringField) -> None:
        apis = self.apis()
        if len(apis) > MAX_APIS or not all(is_slug(api, (2, 64)) for api in apis):
            raise ValidationError(_l("Name each API by its id, such as brp, separated by commas."))

    def apis(self) -> list[str]:
        return [api.strip() for api in (self.confirmed_apis.data or "").split(",") if api.strip()]

    def values(self) -> dict[str, str]:
        pairs = (line.partition("=") for line in (self.shared_values.data or "").splitlines() if line.strip())
        return {name.strip(): value.strip() for name, _, value in pairs}

    def fill_from(self, environment: Any) -> None:
        """The form as the environment is now (plain shared values only; references stay)."""
        self.name.data = environment.name
        self.stage.data = environment.stage
        self.profile.data = environment.profile.slug
        self.promote_from.data = environment.promote_from.name if environment.promote_from else ""
        self.namespace_mode.data = environment.namespace_mode or "per-app"
        self.namespace_prefix.data = environment.namespace_prefix or ""
        self.shared_values.data = "\n".join(f"{n}={v}" for n, v in sorted((environment.config or {}).items())
                                            if isinstance(v, str))
        self.confirmed_apis.data = ", ".join(environment.confirmed_apis or [])

    def api_body(self, config: dict[str, Any] | None = None) -> dict[str, Any]:
        """The body the API would take; ``config`` keeps the environment's references."""
        kept = {n: v for n, v in (config or {}).items() if not isinstance(v, str)}
        return {"name": self.name.data, "stage": self.stage.data, "profile": self.profile.data,
                "promoteFrom": self.promote_from.data or None,
                "namespaces": {"mode": self.namespace_mode.data, "prefix": self.namespace_prefix.data or ""},
                "config": {**kept, **self.values()}, "confirmedApis": self.apis()}


class ArchiveEnvironmentForm(FlaskForm):
    """Only the CSRF token; the environment is in the URL."""


class ConfigValuesForm(FlaskForm):
    """The CSRF token; the values come as fields named after each missing value (see :func:`field_names`)."""


def field_names(value: MissingValue) -> dict[str, str]:
    """The form fields of one missing value: its text, or a Secret's name and key."""
    stem = f"{value.app}.{value.name}"
    if value.secret:
        return {"secret": f"secret.{stem}", "key": f"key.{stem}"}
    return {"value": f"value.{stem}"}


def supplied_values(missing: list[MissingValue], form: MultiDict[str, str]) -> tuple[dict[str, dict[str, Any]],
                                                                                       dict[str, str]]:
    """The values given, per app, and the problems per field name (in the reader's language).

    A value left empty is skipped (it stays missing); a Secret needs both its name and key.
    """
    values: dict[str, dict[str, Any]] = {}
    problems: dict[str, str] = {}
    for item in missing:
        names = field_names(item)
        if not item.secret:
            text = form.get(names["value"], "").strip()
            if len(text) > MAX_VALUE:
                problems[names["value"]] = str(_l("Use at most %(n)d characters.", n=MAX_VALUE))
            elif text:
                values.setdefault(item.app, {})[item.name] = text
            continue
        secret, key = form.get(names["secret"], "").strip(), form.get(names["key"], "").strip()
        if not secret and not key:
            continue
        if not SECRET_NAME.match(secret):
            problems[names["secret"]] = str(_l("Name the Secret as in Kubernetes: lowercase letters, digits, "
                                               "dashes and dots, such as db-credentials."))
        if not SECRET_KEY.match(key):
            problems[names["key"]] = str(_l("Name the key within the Secret: letters, digits, dashes, dots "
                                            "and underscores, such as password."))
        if names["secret"] not in problems and names["key"] not in problems:
            values.setdefault(item.app, {})[item.name] = {"secretName": secret, "key": key}
    return values, problems
