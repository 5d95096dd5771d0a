"""The base every configuration section model derives from."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator


class _Model(BaseModel):
    """Base for all sections: unknown keys are errors, and an empty key means "use default"."""

    # Numbers are accepted where text is expected because YAML turns e.g. `title: 2025` or an
    # all-digit login into an int, which is never what the user meant to be an error.
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_means_default(cls, data: Any) -> Any:
        # `github:` with nothing after it parses as None; for optional keys treat that like
        # an omitted key instead of "Input should be a valid dictionary".
        if not isinstance(data, dict):
            return data
        optional = {
            (info.alias or name)
            for name, info in cls.model_fields.items()
            if not info.is_required()
        }
        return {k: v for k, v in data.items() if not (v is None and k in optional)}
