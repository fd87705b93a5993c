"""Plain data types shared by every layer: messages, stream events, errors. No I/O."""

from chatui.core.attachments import Attachment
from chatui.core.errors import (
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
    StoreError,
    StreamTimeout,
)
from chatui.core.events import Finished, ReasoningDelta, StreamEvent, TextDelta, UsageReport
from chatui.core.models import (
    ChatMessage,
    ChatRequest,
    GenerationOptions,
    ModelRef,
    Role,
    Usage,
)

__all__ = [
    "Attachment",
    "AuthenticationError",
    "BadRequest",
    "ChatError",
    "ChatMessage",
    "ChatRequest",
    "ConfigError",
    "ConnectionDropped",
    "ConnectionFailed",
    "Finished",
    "GenerationOptions",
    "MalformedStream",
    "ModelNotFound",
    "ModelRef",
    "Overloaded",
    "PermissionDenied",
    "RateLimited",
    "ReasoningDelta",
    "Role",
    "ServerError",
    "StoreError",
    "StreamEvent",
    "StreamTimeout",
    "TextDelta",
    "Usage",
    "UsageReport",
]
