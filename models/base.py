"""The one base class every domain object derives from."""

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """Immutable, strict about unknown fields, and comparable by value."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
