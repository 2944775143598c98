"""Exception handlers: every failure becomes a JSON answer that names what went wrong.

Malformed or out-of-range input is a 422 whose `detail` lists `{loc, msg, type}` per bad field,
the first 50 of them with `omitted` counting the rest, whether pydantic caught it
(`RequestValidationError`, `BodyInvalid`) or the scheduler did (`InputError`). The
input value itself is never echoed: it may hold officer names. Anything unexpected is logged
with the request id and answered 500 with that id, so an operator can find the traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from api.bodies import MAX_ERRORS, BodyInvalid, error_details
from api.jobstore import input_error_detail
from api.schemas import ErrorDetail, ErrorMessage, ValidationErrorResponse
from models.common import InputError

logger = logging.getLogger(__name__)


def request_id_of(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def validation_details(errors: Sequence[Any]) -> list[ErrorDetail]:
    """Pydantic's errors reduced to location, message and type (no input, no context objects)."""
    return error_details(errors)


def _unprocessable(details: list[ErrorDetail], omitted: int = 0) -> JSONResponse:
    body = ValidationErrorResponse(detail=details, omitted=omitted)
    return JSONResponse(status_code=422, content=body.model_dump(mode="json"))


def _sent_as(request: Request, locs: list[list[str | int]]) -> JSONResponse | None:
    """A body that was not sent as JSON: FastAPI then passes its bytes on, and the error said
    only that the body is not an object. The answer names the content type, or None."""
    kind = request.headers.get("content-type")
    if kind is None or "json" in kind.lower() or ["body"] not in locs:
        return None
    detail = ErrorDetail(
        loc=["body"], msg=f"send JSON with Content-Type: application/json (not {kind})",
        type="content_type",
    )
    return _unprocessable([detail])


async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    sent_as = _sent_as(request, [list(e.get("loc", ())) for e in errors])
    if sent_as is not None:
        return sent_as
    return _unprocessable(validation_details(errors[:MAX_ERRORS]), max(0, len(errors) - MAX_ERRORS))


async def on_body_invalid(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BodyInvalid)
    return _sent_as(request, [d.loc for d in exc.details]) or _unprocessable(
        exc.details, exc.omitted
    )


async def on_input_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InputError)
    return _unprocessable(input_error_detail(exc))


async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 400:
        # FastAPI's answer to a body it cannot decode: bad input, so a 422. JSON nested about
        # a thousand levels deep stops Python's parser, and is not an encoding problem.
        deep = isinstance(exc.__cause__, RecursionError)
        msg = (
            f"{exc.detail}: its JSON nests too deeply to read" if deep
            else f"{exc.detail}: send JSON in UTF-8"
        )
        detail = ErrorDetail(loc=["body"], msg=msg,
                             type="body_too_deep" if deep else "body_unreadable")
        return _unprocessable([detail])
    body = ErrorMessage(detail=str(exc.detail), request_id=request_id_of(request))
    return JSONResponse(
        status_code=exc.status_code, content=body.model_dump(mode="json"), headers=exc.headers
    )


async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    request_id = request_id_of(request)
    logger.error(
        "unexpected error", exc_info=exc,
        extra={"fields": {"request_id": request_id, "path": request.url.path}},
    )
    body = ErrorMessage(detail="internal error; quote the request id when reporting it",
                        request_id=request_id)
    headers = {"X-Request-ID": request_id} if request_id else None
    return JSONResponse(status_code=500, content=body.model_dump(mode="json"), headers=headers)


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(BodyInvalid, on_body_invalid)
    app.add_exception_handler(InputError, on_input_error)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)
