"""Request bodies checked off the event loop, with at most `MAX_ERRORS` errors reported.

FastAPI validates a declared body inside the event loop, before the route runs: a body of a
thousand officers, or of half a million junk items, would hold every other request (`/healthz`
among them) for as long as that takes. So a route declares its body as
`Annotated[Any, Deferred(Model), Body(...)]`: the OpenAPI schema is still the model's, FastAPI
only decodes the JSON, and `validated` (or `validate_now` inside a worker thread) checks it
against the model in a worker thread. A bad body is a 422 listing the first `MAX_ERRORS`
problems and how many more there were; the input values are never echoed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, GetCoreSchemaHandler, GetJsonSchemaHandler, ValidationError
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema
from starlette.concurrency import run_in_threadpool

from api.schemas import ErrorDetail

logger = logging.getLogger(__name__)

MAX_ERRORS = 50

M = TypeVar("M", bound=BaseModel)


class Deferred:
    """Annotation metadata: accept any decoded JSON now, publish `model`'s schema in OpenAPI."""

    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.any_schema()

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return handler(self.model.__pydantic_core_schema__)


class BodyInvalid(Exception):
    """The body does not fit its model: the first errors, and how many more were left out."""

    def __init__(self, details: list[ErrorDetail], omitted: int) -> None:
        super().__init__(f"{len(details) + omitted} validation error(s)")
        self.details = details
        self.omitted = omitted


def error_details(errors: Sequence[Any], prefix: Sequence[str | int] = ()) -> list[ErrorDetail]:
    """Pydantic's errors as location, message and type (no input, no context objects)."""
    details = []
    for error in errors:
        loc = [*prefix, *(p if isinstance(p, int) else str(p) for p in error.get("loc", ()))]
        msg = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
        details.append(ErrorDetail(loc=loc, msg=msg, type=str(error.get("type", "value_error"))))
    return details


def validate_now(model: type[M], data: Any) -> M:
    """`data` as a `model`, or `BodyInvalid` with the first errors located under `body`."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        count = exc.error_count()
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        details = error_details(errors[:MAX_ERRORS], ("body",))
        logger.debug("body refused", extra={"fields": {"model": model.__name__, "errors": count}})
        raise BodyInvalid(details, count - len(details)) from None


async def validated(model: type[M], data: Any) -> M:
    """`validate_now` in a worker thread, so the event loop keeps answering meanwhile."""
    return await run_in_threadpool(validate_now, model, data)
