"""The base of every API model: camelCase on the wire, snake_case in Python."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

#: Moments are ISO 8601 in UTC with a ``Z`` (see registry.api.timestamps).
Moment = str | None
Links = dict[str, str]
Item = TypeVar("Item")


class ApiModel(BaseModel):
    """An answer's shape. Fields keep their Python names; the JSON uses the camelCase alias."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


class ListOf(ApiModel, Generic[Item]):
    """``items`` with their ``total``: ``class AppPage(ListOf[AppSummary])``."""

    items: list[Item]
    total: int = Field(ge=0)
