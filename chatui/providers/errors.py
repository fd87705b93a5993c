"""Maps SDK and transport exceptions to core error types, with user-facing wording."""

from __future__ import annotations

import json
from typing import Any

from chatui.config import ProviderConfig
from chatui.core import (
    AuthenticationError,
    BadRequest,
    ChatError,
    ConnectionDropped,
    ConnectionFailed,
    MalformedStream,
    ModelNotFound,
    Overloaded,
    PermissionDenied,
    RateLimited,
    ServerError,
    StreamTimeout,
)


def _body_error(body: Any) -> tuple[str | None, str | None]:
    """(type, message) from an API error body in either protocol's shape."""
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict):
            kind = inner.get("type") or inner.get("code")
            message = inner.get("message")
            return (str(kind) if kind else None, str(message) if message else None)
    return None, None


def _retry_after(response: Any) -> float | None:
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    value = headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def from_status(
    status: int, kind: str | None, message: str, config: ProviderConfig, retry: float | None
) -> ChatError:
    """The core error for an HTTP status (or an in-stream error type) from `config`'s endpoint."""
    where = f"{config.name}"
    if kind == "overloaded_error" or status == 529:
        return Overloaded(f"{where} is overloaded: {message}. Try again shortly.")
    if kind in ("rate_limit_error", "rate_limit_exceeded") or status == 429:
        when = f"retry in {retry:g} s" if retry is not None else "wait a moment and retry"
        return RateLimited(f"{where}: {message} ({when})", retry_after=retry)
    if status == 401 or kind in ("authentication_error", "invalid_api_key"):
        if config.api_key_env:
            hint = f"check {config.api_key_env}"
        else:
            hint = "this endpoint wants a key: set api_key_env in its config"
        return AuthenticationError(f"{where} rejected the API key ({hint}): {message}")
    if status == 403 or kind == "permission_error":
        return PermissionDenied(
            f"{where}: {message} (the key may not use this model: check the account or pick "
            "another model)"
        )
    if status == 404 or kind in ("not_found_error", "model_not_found"):
        return ModelNotFound(f"{where}: {message} (check the model name or pick another model)")
    if status >= 500 or kind in ("api_error", "server_error"):
        # an error event inside a stream arrives with the stream's status, 200: name its type
        return ServerError(f"{where} failed ({status if status >= 400 else kind}): {message}")
    if status in (400, 413, 422) or kind == "invalid_request_error":
        return BadRequest(
            f"{where}: {message} (the request was refused as sent: check the model and the "
            "options in the config, or shorten the conversation)"
        )
    return ServerError(f"{where} ({status or kind}): {message}")


def map_exception(exc: BaseException, config: ProviderConfig) -> ChatError:
    """Translate anything an SDK stream can raise into a ChatError, with the API key masked
    (some servers quote the key they rejected; the message is shown and saved)."""
    error = _translate(exc, config)
    key = config.api_key()
    if key and len(key) >= 8 and key in error.message:
        error.message = error.message.replace(key, f"{key[:3]}…{key[-4:]}")
        error.args = (error.message,)
    return error


def _translate(exc: BaseException, config: ProviderConfig) -> ChatError:
    if isinstance(exc, ChatError):
        return exc
    name = type(exc).__name__
    status = getattr(exc, "status_code", None)
    if isinstance(status, int):
        kind, message = _body_error(getattr(exc, "body", None))
        kind = getattr(exc, "type", None) or kind
        text = message or getattr(exc, "message", None) or str(exc)
        retry = _retry_after(getattr(exc, "response", None))
        return from_status(status, kind, text, config, retry)
    url = config.base_url or "the provider"
    if "Timeout" in name:
        if _is_connect(exc):
            return ConnectionFailed(
                f"{url} did not accept a connection within {config.timeouts.connect:g} s: "
                "is it running, and is the address right?"
            )
        return StreamTimeout(
            f"{config.name} stopped answering (no data for {config.timeouts.read:g} s)"
        )
    if name in ("ConnectError", "APIConnectionError") and _is_connect(exc):
        return ConnectionFailed(f"cannot reach {url}: is it running, and is the address right?")
    if isinstance(exc, json.JSONDecodeError | UnicodeDecodeError) or "ValidationError" in name:
        return MalformedStream(f"{config.name} sent data that is not valid: {exc}")
    if name.endswith(("ProtocolError", "ReadError", "NetworkError", "APIConnectionError")):
        return ConnectionDropped(f"the connection to {config.name} was lost mid-reply")
    if "APIError" in name or isinstance(getattr(exc, "body", None), dict):
        kind, message = _body_error(getattr(exc, "body", None))
        return from_status(0, kind, message or str(exc), config, None)
    return ConnectionDropped(f"{config.name}: {name}: {exc}")


def _is_connect(exc: BaseException) -> bool:
    """True when the request never reached the server (refused, DNS), not a mid-stream drop."""
    seen: BaseException | None = exc
    while seen is not None:
        if type(seen).__name__ in ("ConnectError", "ConnectTimeout", "ConnectionRefusedError"):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
