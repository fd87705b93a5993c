"""The error JSON bodies the OpenAI and Anthropic APIs send per HTTP status."""

from __future__ import annotations

from typing import Any

from tests.wireserver.replies import uid

OPENAI_ERRORS: dict[int, tuple[str, str | None, str]] = {
    400: ("invalid_request_error", None, "Invalid request."),
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
    403: ("invalid_request_error", "unsupported_country_region_territory", "Forbidden."),
    404: ("invalid_request_error", "model_not_found", "The model does not exist."),
    429: ("requests", "rate_limit_exceeded", "Rate limit reached. Please try again in 1s."),
    500: ("server_error", None, "The server had an error while processing your request."),
    503: ("server_error", None, "The engine is currently overloaded, please try again later."),
}
ANTHROPIC_ERRORS: dict[int, tuple[str, str]] = {
    400: ("invalid_request_error", "Invalid request."),
    401: ("authentication_error", "invalid x-api-key"),
    402: ("billing_error", "Your credit balance is too low."),
    403: ("permission_error", "Your API key does not have permission to use this resource."),
    404: ("not_found_error", "Not found."),
    413: ("request_too_large", "Request exceeds the maximum allowed number of bytes."),
    429: ("rate_limit_error", "Number of requests has exceeded your rate limit."),
    500: ("api_error", "Internal server error"),
    504: ("timeout_error", "Request timed out."),
    529: ("overloaded_error", "Overloaded"),
}


def openai_error(
    status: int,
    message: str | None = None,
    type_: str | None = None,
    code: str | None = None,
    param: str | None = None,
) -> dict[str, Any]:
    """The OpenAI error body for `status`; unset parts come from the status' usual error."""
    default = OPENAI_ERRORS.get(
        status,
        ("server_error", None, "Server error.")
        if status >= 500
        else ("invalid_request_error", None, "Error."),
    )
    return {
        "error": {
            "message": message or default[2],
            "type": type_ or default[0],
            "param": param,
            "code": code if code is not None else default[1],
        }
    }


def anthropic_error(
    status: int, message: str | None = None, type_: str | None = None
) -> dict[str, Any]:
    """The Anthropic error body for `status`; unset parts come from the status' usual error."""
    default = ANTHROPIC_ERRORS.get(
        status,
        ("api_error", "Internal server error")
        if status >= 500
        else ("invalid_request_error", "Error."),
    )
    return {
        "type": "error",
        "error": {"type": type_ or default[0], "message": message or default[1]},
        "request_id": uid("req_"),
    }
