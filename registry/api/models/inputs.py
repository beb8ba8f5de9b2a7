"""What the API takes: JSON bodies and query parameters, strict, every problem at once.

These models check the shape (fields, types, lengths, formats); the services then check
what needs the database (an active profile, an environment to promote from) and keep
their own answers for those.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Field,
    PlainValidator,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from registry.models import ENVIRONMENT_STAGES
from registry.services.catalogue import SORTS
from registry.services.namespaces import MODES
from registry.services.planning import PlanRequest
from registry.validation import InputModel, QueryModel, problem
from sdk.manifest import LAYERS
from sdk.profiles import is_minor_version
from sdk.versions import is_range

SLUG = "^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
AppId = Annotated[str, Field(pattern=SLUG, min_length=3, max_length=64, description="An app id.")]
Slug = Annotated[str, Field(pattern=SLUG, min_length=2, max_length=64)]
MAX_PAGE = 100_000
DEFAULT_PAGE_SIZE_MAX = 100


def _range(value: str | None) -> str | None:
    if value is not None and not is_range(value):
        raise problem("range", 'Give a version range, e.g. "^1.3", ">=1.2 <2" or "1.4.0".')
    return value


class YankInput(InputModel):
    model_config = {"json_schema_extra": {"example": {"reason": "Security fix in 1.4.1; upgrade."}}}

    reason: str = Field(min_length=1, max_length=1000, description="Why, and what to use instead.")


class PlanInput(InputModel):
    """Plan installing or upgrading an app."""

    model_config = {"json_schema_extra": {"example": {"app": "open-zaak", "version": "^1.3",
                                                      "choices": {"zgw-catalogi": "open-zaak"}}}}

    app: AppId
    version: Annotated[str | None, Field(max_length=200), AfterValidator(_range)] = Field(
        None, description="A range such as ^1.3; the newest that fits when left out.")
    choices: dict[Slug, AppId] = Field(default_factory=dict, max_length=200,
                                       description="API name -> the app picked to provide it.")

    def request(self) -> PlanRequest:
        return PlanRequest(self.app, self.version, dict(self.choices))


class InstallationInput(InputModel):
    """Either `plan` (record an applied plan) or `app` and `version` (record one release)."""

    model_config = {"json_schema_extra": {"examples": [{"plan": 12}, {"app": "open-zaak", "version": "1.4.0"}]}}

    plan: int | None = Field(None, ge=1)  # beyond the database's ids: 404, like any unknown plan
    app: AppId | None = None
    version: Annotated[str, Field(min_length=1, max_length=100)] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> InstallationInput:
        by_plan, by_release = self.plan is not None, self.app is not None or self.version is not None
        if by_plan == by_release or (by_release and (self.app is None or self.version is None)):
            raise problem("form", 'Send {"plan": 12} to record an applied plan, or '
                                  '{"app": "open-zaak", "version": "1.4.0"} to record one release.')
        return self


MAX_CONFIG_VALUE = 2000


def _config_value(value: Any) -> Any:
    if isinstance(value, dict):
        return value  # a reference to a Secret: the service checks its shape
    if isinstance(value, bool) or not isinstance(value, (str, int, float)) or len(str(value)) > MAX_CONFIG_VALUE:
        raise problem("type", f"A config value is text of at most {MAX_CONFIG_VALUE} characters, or a reference "
                              '{"secretName": "...", "key": "..."}.')
    return value


ConfigName = Annotated[str, Field(pattern="^[A-Za-z_][A-Za-z0-9_]*$", max_length=200)]
ConfigValue = Annotated[Any, PlainValidator(_config_value), WithJsonSchema({"oneOf": [
    {"type": "string", "maxLength": MAX_CONFIG_VALUE}, {"type": "number"},
    {"type": "object", "required": ["secretName", "key"], "additionalProperties": False,
     "properties": {"secretName": {"type": "string", "maxLength": 253}, "key": {"type": "string", "maxLength": 253}}},
]})]


class NamespacesInput(InputModel):
    mode: Literal[MODES] | None = Field(  # type: ignore[valid-type]
        None, description="per-app: each app in namespace PREFIX+APP-ID (the default); shared: every app in "
                          "the `namespace` config value, else the environment's name.")
    prefix: Annotated[str, Field(pattern="^([a-z0-9][a-z0-9-]{0,28})?$")] | None = None


class EnvironmentChange(InputModel):
    """The fields to change; the others stay."""

    stage: Literal[ENVIRONMENT_STAGES] | None = None  # type: ignore[valid-type]
    profile: Annotated[str, Field(max_length=64)] | None = Field(
        None, description="An active platform profile (GET /api/v1/profiles).")
    config: dict[ConfigName, ConfigValue] | None = Field(
        None, max_length=500, description="Config values shared by every app (e.g. storageClass). A secret is a "
                                          'reference {"secretName": ..., "key": ...}, never text.')
    app_config: dict[AppId, dict[ConfigName, ConfigValue]] | None = Field(
        None, max_length=500, description="Config values per app id; they win over `config`.")
    namespaces: NamespacesInput | None = None
    promote_from: Annotated[str, Field(max_length=64)] | None = Field(
        None, description="An environment a release must have run in first; null for none.")
    confirmed_apis: list[Slug] | None = Field(
        None, max_length=200, description="External APIs (brp, kvk, bag) this environment has access to.")
    name: Slug | None = Field(None, description="An environment keeps its name.")

    def values(self) -> dict[str, Any]:
        """The fields sent, by their JSON names, as the service reads them."""
        return self.model_dump(by_alias=True, exclude_unset=True)


class NewEnvironment(EnvironmentChange):
    model_config = {"json_schema_extra": {"example": {
        "name": "test", "stage": "test", "profile": "haven", "config": {"storageClass": "standard"},
        "promoteFrom": None}}}

    name: Slug = Field(description="A lowercase slug such as test, acceptatie or productie.")
    stage: Literal[ENVIRONMENT_STAGES]  # type: ignore[valid-type]
    profile: Annotated[str, Field(max_length=64)] = Field(description="An active platform profile.")


class SettingsInput(InputModel):
    show_in_adoption: bool = Field(description="Whether apps name your organisation among those that run "
                                               "them in production.")


class VerificationInput(InputModel):
    """Exactly one identifier: an OIN (government bodies, 20 digits) or a KvK number (companies, 8 digits)."""

    model_config = {"json_schema_extra": {"examples": [{"oin": "00000001002564440000"}, {"kvk": "69599084"}]}}

    oin: Annotated[str, Field(max_length=40)] | None = None
    kvk: Annotated[str, Field(max_length=40)] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> VerificationInput:
        if (self.oin is None) == (self.kvk is None):
            raise problem("form", 'Send exactly one identifier: {"oin": "00000001002564440000"} or '
                                  '{"kvk": "69599084"}.')
        return self

    def identifier(self) -> tuple[str, str]:
        return ("oin", self.oin) if self.oin is not None else ("kvk", self.kvk or "")


# -- query parameters ------------------------------------------------------------

class PageQuery(QueryModel):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int | None = Field(None, ge=1, json_schema_extra={"maximum": DEFAULT_PAGE_SIZE_MAX})

    @field_validator("page_size")
    @classmethod
    def _at_most(cls, value: int | None, info: ValidationInfo) -> int | None:
        limit = (info.context or {}).get("page_size_max", DEFAULT_PAGE_SIZE_MAX)
        if value is not None and value > limit:
            raise problem("range", f"Ask for at most {limit} items a page.")
        return value


class AppsQuery(PageQuery):
    q: str = Field("", max_length=200, description="Words to search for (Dutch stems, prefixes and synonyms).")
    layer: Literal[LAYERS] | None = None  # type: ignore[valid-type]
    category: str | None = Field(None, max_length=64)
    publisher: str | None = Field(None, max_length=64)
    license: str | None = Field(None, max_length=200, description="An SPDX expression, or `open` / `proprietary`.")
    sort: Literal[SORTS] = Field(  # type: ignore[valid-type]
        "relevance", description="`relevance` (default), `name`, `released` (last release first) or `adoption`.")


class ImpactQuery(QueryModel):
    kubernetes: str = Field(max_length=8, pattern=r"^1\.(0|[1-9][0-9]?)$",
                            description="The Kubernetes minor version to move to, e.g. 1.38.")

    @field_validator("kubernetes")
    @classmethod
    def _minor(cls, value: str) -> str:
        if not is_minor_version(value):
            raise problem("format", "Give the Kubernetes minor version to move to, e.g. `?kubernetes=1.38`.")
        return value
