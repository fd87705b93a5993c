"""Error types every layer understands: a user-facing title, the detail, and whether retry helps."""

from __future__ import annotations


class ChatError(Exception):
    """Base for errors shown to the user as `title: message`."""

    title = "Error"
    retryable = False

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after

    def __str__(self) -> str:
        return f"{self.title}: {self.message}"


class ConfigError(ChatError):
    title = "Configuration problem"


class AuthenticationError(ChatError):
    title = "Authentication failed"


class PermissionDenied(ChatError):
    title = "Permission denied"


class ModelNotFound(ChatError):
    title = "Model not found"


class BadRequest(ChatError):
    title = "Request rejected"


class ContextOverflow(BadRequest):
    """The request is more than the model's window can take: said by the server (a rejection,
    with the numbers where it gives them) or found before sending."""

    title = "Too long for the model"

    def __init__(
        self, message: str, *, prompt_tokens: int | None = None, window: int | None = None
    ) -> None:
        super().__init__(message)
        self.prompt_tokens = prompt_tokens
        self.window = window


class RateLimited(ChatError):
    title = "Rate limited"
    retryable = True


class Overloaded(ChatError):
    title = "Provider overloaded"
    retryable = True


class ServerError(ChatError):
    title = "Provider server error"
    retryable = True


class ConnectionFailed(ChatError):
    title = "Cannot connect"
    retryable = True


class StreamTimeout(ChatError):
    title = "Timed out"
    retryable = True


class ConnectionDropped(ChatError):
    title = "Connection dropped"
    retryable = True


class MalformedStream(ChatError):
    title = "Malformed response"
    retryable = True


class InternalError(ChatError):
    """A bug in chatui, not a fault of the provider, the network or the disk: never retried.

    `detail` says what failed (the exception's type and text); `saved`, when known, what was
    kept; `log` is the log file holding the traceback (None when it could not be written)."""

    title = "Internal error"

    def __init__(self, detail: str, *, log: str | None = None, saved: str = "") -> None:
        self.detail, self.log, self.saved = detail, log, saved
        super().__init__(self.compose())

    def compose(self) -> str:
        where = f"the traceback is in {self.log}" if self.log else "the traceback was not logged"
        said = [part[:1].upper() + part[1:] for part in (self.saved, where) if part]
        return ". ".join([self.detail, *said])

    def noting_saved(self, saved: str) -> None:
        """Say what was kept (known only to the caller that saves)."""
        self.saved = saved
        self.message = self.compose()
        self.args = (self.message,)


class StoreError(ChatError):
    title = "Storage problem"


class NotFound(StoreError):
    """No conversation (or message) has this id: the history itself is fine."""

    title = "Not found"


class AmbiguousId(StoreError):
    """A typed id prefix that several conversations share."""

    title = "Ambiguous id"


class AlreadyImported(StoreError):
    """An import whose conversation or messages are already in the history."""

    title = "Already imported"


class BadExport(StoreError):
    """A file to import that cannot be read as a chatui, ChatGPT or Claude export."""

    title = "Cannot import"
