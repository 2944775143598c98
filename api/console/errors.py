"""Console errors as pages: no session sends the browser to sign in; a refusal (403, 400, 404)
is a one-line page naming the field; the `/v1` API keeps its JSON answers."""

from __future__ import annotations

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response

from api import errors
from api.console.deps import SignInRequired, render

API_PREFIXES = ("/v1", "/docs", "/openapi.json", "/redoc")


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIXES)


async def on_sign_in_required(request: Request, exc: Exception) -> Response:
    return RedirectResponse("/signin", status_code=303)


async def on_http_error(request: Request, exc: Exception) -> Response:
    if _is_api(request):
        return await errors.on_http_error(request, exc)
    assert isinstance(exc, HTTPException)
    return render(request, "error.html", exc.status_code, status=exc.status_code,
                  error=str(exc.detail))


async def on_validation_error(request: Request, exc: Exception) -> Response:
    if _is_api(request):
        return await errors.on_validation_error(request, exc)
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first.get("loc", ())[1:]) or "query"
    return render(request, "error.html", 400, status=400, error=f"{field}: {first.get('msg')}")


def install(app: FastAPI) -> None:
    """Register after `api.errors.install`: these handlers take over and delegate `/v1`."""
    app.add_exception_handler(SignInRequired, on_sign_in_required)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
