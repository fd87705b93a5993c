"""Maps SDK and transport exceptions to core error types, with user-facing wording."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from chatui.config import ProviderConfig
from chatui.core import (
    AuthenticationError,
    BadRequest,
    ChatError,
    ConfigError,
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
from chatui.errorlog import internal_error, mask
from chatui.providers.models.overflow import context_overflow, is_overflow
from chatui.providers.sse import StreamFailed, UnexpectedShape


def _error_detail(body: Any) -> dict[str, Any]:
    """The error object of an API error body in any protocol's shape (`{"error": {...}}`, the
    object itself, or Ollama's `{"error": "text"}`, which the OpenAI SDK hands on as the text);
    empty when there is none."""
    inner = body.get("error", body) if isinstance(body, dict) else body
    if isinstance(inner, dict):
        return inner
    return {"message": inner} if isinstance(inner, str) and inner else {}


def _body_error(body: Any) -> tuple[str | None, str | None]:
    """(type, message) from an API error body in either protocol's shape."""
    inner = _error_detail(body)
    kind = inner.get("type") or inner.get("code")
    message = inner.get("message")
    return (str(kind) if kind else None, str(message) if message else None)


def _numeric_kind(kind: str | None) -> tuple[int, str | None]:
    """(status, type) of an in-stream error: an HTTP status as its only type or code
    (OpenRouter's `{"code": 400, ...}`) is read as that status, so a rejected request is not
    taken for a server fault; any other type is kept, with status 0."""
    if kind is not None and kind.isdigit() and 400 <= int(kind) < 600:
        return int(kind), None
    return 0, kind


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
    status: int,
    kind: str | None,
    message: str,
    config: ProviderConfig,
    retry: float | None,
    detail: Mapping[str, Any] | None = None,
) -> ChatError:
    """The core error for an HTTP status (or an in-stream error type) from `config`'s endpoint;
    `detail` is the body's error object, where there is one."""
    where = f"{config.name}"
    detail = {**(detail or {}), "type": kind} if kind else (detail or {})
    if is_overflow(status, detail, message):  # before the others: a 400 that is never retried
        return context_overflow(where, detail, message)
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
    if kind == "content_filter":  # Azure's filter refused the prompt (HTTP 400)
        return BadRequest(f"Stopped by the provider's content filter ({where}): {message}")
    if status in (400, 413, 422) or kind == "invalid_request_error":
        return BadRequest(
            f"{where}: {message} (the request was refused as sent: check the model and the "
            "options in the config, or shorten the conversation)"
        )
    return ServerError(f"{where} ({status or kind}): {message}")


def status_error(response: Any, content: bytes, config: ProviderConfig) -> ChatError:
    """The core error for an HTTP error answer read without an SDK (`response` has
    `status_code` and `headers`): its JSON body's error object where there is one (Ollama's
    `{"error": "text"}` too), else its text."""
    try:
        body: Any = json.loads(content)
    except ValueError:
        body = None
    kind, message = _body_error(body)
    status = int(response.status_code)
    text = message or content.decode("utf-8", errors="replace").strip() or f"HTTP {status}"
    return from_status(status, kind, text, config, _retry_after(response), _error_detail(body))


def map_exception(exc: BaseException, config: ProviderConfig) -> ChatError:
    """Translate what an SDK stream can raise into a ChatError, with the API key masked (some
    servers quote the key they rejected; the message is shown and saved).

    Faults of the provider and the network are told apart by the SDK's and httpx2's exception
    classes; anything else is a bug in chatui: an InternalError, never retried, whose traceback
    goes to the log."""
    key = config.api_key() or ""
    error = _translate(exc, config)
    if error is None:
        return internal_error(exc, f"talking to {config.name}", hide=(key,))
    if key and len(key) >= 8 and key in error.message:
        error.message = mask(error.message, (key,))
        error.args = (error.message,)
    return error


def _translate(exc: BaseException, config: ProviderConfig) -> ChatError | None:
    """The core error for a fault of the provider or the network; None for anything else."""
    import httpx2

    if isinstance(exc, ChatError):
        return exc
    if isinstance(exc, StreamFailed):  # an error event inside a stream we read ourselves
        kind, message = _body_error(exc.body)
        status, kind = _numeric_kind(kind)
        text = message or str(exc)
        return from_status(status, kind, text, config, None, _error_detail(exc.body))
    if isinstance(exc, json.JSONDecodeError | UnicodeDecodeError | UnexpectedShape):
        return _malformed(exc, config)
    if isinstance(exc, httpx2.HTTPError):  # raised while the body is read: the SDK wraps none
        return _transport(exc, config)
    return _sdk_error(exc, config)


def _sdk_error(exc: BaseException, config: ProviderConfig) -> ChatError | None:
    """An error of the provider's SDK (both SDKs have the same classes), else None."""
    sdk: tuple[type[Exception], ...]
    if config.kind not in ("openai", "anthropic"):  # spoken without an SDK (ollama)
        return None
    if config.kind == "anthropic":
        import anthropic

        sdk = (
            anthropic.APIResponseValidationError,
            anthropic.APIStatusError,
            anthropic.APITimeoutError,
            anthropic.APIConnectionError,
            anthropic.APIError,
        )
    else:
        import openai

        sdk = (
            openai.APIResponseValidationError,
            openai.APIStatusError,
            openai.APITimeoutError,
            openai.APIConnectionError,
            openai.APIError,
        )
    invalid, status, timeout, connection, api = sdk
    if isinstance(exc, invalid):  # a body that does not fit the API's schema
        return _malformed(exc, config)
    if isinstance(exc, status):  # an HTTP error status, or an error event in the SDK's stream
        body = getattr(exc, "body", None)
        kind, message = _body_error(body)
        kind = getattr(exc, "type", None) or kind
        text = message or getattr(exc, "message", None) or str(exc)
        retry = _retry_after(getattr(exc, "response", None))
        code = int(getattr(exc, "status_code", 0))
        return from_status(code, kind, text, config, retry, _error_detail(body))
    if isinstance(exc, connection):  # the SDK wraps what sending the request raised
        return _connection(exc, isinstance(exc, timeout), config)
    if isinstance(exc, api):
        body = getattr(exc, "body", None)
        kind, message = _body_error(body)
        return from_status(0, kind, message or str(exc), config, None, _error_detail(body))
    return None


def _connection(exc: BaseException, timed_out: bool, config: ProviderConfig) -> ChatError | None:
    """The SDK's connection error (or its timeout, a subclass), by what it wraps: a transport
    error or an OS error is the network's fault; anything else (both SDKs wrap every exception
    raised while sending) is a bug."""
    import httpx2

    cause = exc.__cause__
    if isinstance(cause, httpx2.HTTPError):
        return _transport(cause, config)
    if cause is not None and not isinstance(cause, OSError):
        return None
    if timed_out:
        return _timeout(exc, config)
    if _is_connect(exc):
        return _refused(config)
    return _dropped(config)


def _transport(exc: BaseException, config: ProviderConfig) -> ChatError | None:
    """An httpx2 error: the connection failed, stalled, broke, or carried something unreadable."""
    import httpx2

    if isinstance(exc, httpx2.TimeoutException):
        return _timeout(exc, config)
    if isinstance(exc, httpx2.ConnectError | httpx2.ProxyError):
        return _refused(config)
    if isinstance(exc, httpx2.UnsupportedProtocol):
        return ConfigError(f"{config.name}: cannot use the address {config.base_url} ({exc})")
    if isinstance(exc, httpx2.DecodingError):
        return _malformed(exc, config)
    if isinstance(exc, httpx2.HTTPStatusError):
        status = exc.response.status_code
        return from_status(status, None, str(exc), config, _retry_after(exc.response))
    if isinstance(exc, httpx2.NetworkError | httpx2.ProtocolError):
        return _dropped(config)
    if isinstance(exc, httpx2.RequestError):  # TooManyRedirects, and any newer kind
        return ServerError(f"{config.name}: {exc}")
    return None


def _timeout(exc: BaseException, config: ProviderConfig) -> ChatError:
    if _is_connect(exc):
        url = config.base_url or "the provider"
        return ConnectionFailed(
            f"{url} did not accept a connection within {config.timeouts.connect:g} s: "
            "is it running, and is the address right?"
        )
    read = config.timeouts.read
    return StreamTimeout(f"{config.name} stopped answering (no data for {read:g} s)")


def _refused(config: ProviderConfig) -> ChatError:
    url = config.base_url or "the provider"
    return ConnectionFailed(f"cannot reach {url}: is it running, and is the address right?")


def _dropped(config: ProviderConfig) -> ChatError:
    return ConnectionDropped(f"the connection to {config.name} was lost mid-reply")


def _malformed(exc: BaseException, config: ProviderConfig) -> ChatError:
    return MalformedStream(f"{config.name} sent data that is not valid: {exc}")


def _is_connect(exc: BaseException) -> bool:
    """True when the request never reached the server (refused, DNS), not a mid-stream drop."""
    import httpx2

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, httpx2.ConnectError | httpx2.ConnectTimeout | ConnectionRefusedError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
