"""OpenAPI descriptions of the error answers routes share, so the schema lists every status."""

from __future__ import annotations

from typing import Any

from api.schemas import ErrorMessage, ValidationErrorResponse

_ERRORS: dict[int, dict[str, Any]] = {
    401: {"model": ErrorMessage, "description": "No API key, or not one of ours."},
    403: {"model": ErrorMessage, "description": "The API key does not cover this agency."},
    404: {"model": ErrorMessage, "description": "No such resource."},
    413: {"model": ErrorMessage, "description": "Request body larger than the server allows."},
    422: {"model": ValidationErrorResponse, "description": "Malformed or out-of-range input."},
    503: {
        "model": ErrorMessage,
        "description": "Every solve worker is busy and the queue is full.",
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait before retrying.",
                "schema": {"type": "string"},
            }
        },
    },
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The shared error responses for these status codes."""
    return {code: _ERRORS[code] for code in codes}
