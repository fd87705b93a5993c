"""Conversation data handed to providers: roles, messages, model references, options, usage."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    """Who said a message (a system message instructs the model, like the system prompt)."""

    USER = "user"
    ASSISTANT = "assistant"
    SYSTEM = "system"


class MessageStatus(StrEnum):
    """Where a stored message stands; the store writes these strings."""

    COMPLETE = "complete"
    STREAMING = "streaming"  # a reply still arriving (or its writer died: then interrupted)
    STOPPED = "stopped"  # stopped by the user
    ERROR = "error"  # the provider failed; the message holds the error
    INTERRUPTED = "interrupted"  # found streaming with its writer gone (a crash)


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One turn of a conversation as a provider sees it."""

    role: Role
    content: str


@dataclass(frozen=True, slots=True)
class ModelRef:
    """A model on a provider, written `provider/model` (the model part may contain slashes)."""

    provider: str
    model: str

    @classmethod
    def parse(cls, text: str) -> ModelRef:
        provider, sep, model = text.strip().partition("/")
        if not sep or not provider or not model:
            raise ValueError(
                f"{text!r} is not a model reference: write provider/model, e.g. openai/gpt-4o"
            )
        return cls(provider, model)

    def __str__(self) -> str:
        return f"{self.provider}/{self.model}"


@dataclass(frozen=True, slots=True)
class GenerationOptions:
    """Sampling options for one request.

    `thinking_budget`: tokens of extended thinking for models that support it (Anthropic);
    0 is off, None means "the configured default" until a session resolves it (then off).
    """

    max_tokens: int = 4096
    temperature: float | None = None
    seed: int | None = None
    thinking_budget: int | None = None


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """Everything a provider needs to stream one reply."""

    model: str
    messages: tuple[ChatMessage, ...]
    system: str = ""
    options: GenerationOptions = field(default_factory=GenerationOptions)


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts reported by a provider for one reply."""

    input_tokens: int = 0
    output_tokens: int = 0
