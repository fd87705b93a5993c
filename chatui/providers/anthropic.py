"""Anthropic Messages streaming through `AsyncAnthropic.messages.stream`."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import TYPE_CHECKING, Any

from chatui.core import (
    ChatMessage,
    ChatRequest,
    ConnectionDropped,
    Finished,
    ReasoningDelta,
    StreamEvent,
    TextDelta,
    Usage,
    UsageReport,
)
from chatui.providers.base import Provider, merge_models
from chatui.providers.errors import map_exception
from chatui.providers.sse import valid_utf8

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic


def anthropic_messages(messages: tuple[ChatMessage, ...]) -> list[dict[str, str]]:
    """Drop empty messages and merge consecutive same-role ones so roles alternate."""
    merged: list[dict[str, str]] = []
    for message in messages:
        if not message.content.strip():
            continue
        if merged and merged[-1]["role"] == message.role.value:
            merged[-1]["content"] += "\n\n" + message.content
        else:
            merged.append({"role": message.role.value, "content": message.content})
    return merged


def _client_class() -> type[AsyncAnthropic]:
    """`AsyncAnthropic` reading streams that may hold invalid UTF-8 (a proxy's, a local
    server's) with U+FFFD in its place, as the OpenAI path does, instead of failing the reply.
    The SDK's own Bedrock and Vertex clients swap the decoder the same way."""
    import anthropic
    from anthropic._streaming import ServerSentEvent, SSEDecoder

    class Decoder(SSEDecoder):
        def aiter_bytes(self, iterator: AsyncIterator[bytes]) -> AsyncIterator[ServerSentEvent]:
            return super().aiter_bytes(valid_utf8(iterator))

    class Client(anthropic.AsyncAnthropic):
        def _make_sse_decoder(self) -> SSEDecoder:
            return Decoder()

    return Client


class AnthropicProvider(Provider):
    """Streams from the Anthropic Messages API (or a server speaking it)."""

    _client: AsyncAnthropic | None = None

    def client(self) -> AsyncAnthropic:
        """The SDK client, built once (importing the SDK on first use)."""
        if self._client is None:
            import httpx2

            times = self.config.timeouts
            self._client = _client_class()(
                api_key=self.config.api_key() or "missing",
                base_url=self.config.base_url,
                timeout=httpx2.Timeout(times.read, connect=times.connect),
                max_retries=0,
            )
        return self._client

    def warm(self) -> None:
        _ = self.client().messages  # imports the resource modules, off the event loop

    async def _stream(self, request: ChatRequest) -> AsyncGenerator[StreamEvent, None]:
        try:
            async with aclosing(self._run(request)) as events:
                async for event in events:
                    yield event
        except Exception as exc:
            raise map_exception(exc, self.config) from exc

    async def _run(self, request: ChatRequest) -> AsyncGenerator[StreamEvent, None]:
        extra: dict[str, Any] = {}
        if request.options.temperature is not None:
            extra["temperature"] = request.options.temperature
        args: dict[str, Any] = {"extra_body": extra} if extra else {}
        if request.system:
            args["system"] = request.system
        manager = self.client().messages.stream(
            model=request.model,
            max_tokens=request.options.max_tokens,
            messages=anthropic_messages(request.messages),  # type: ignore[arg-type]
            **args,
        )
        async with manager as stream:
            stopped = False
            async for event in stream:
                if event.type == "content_block_delta":
                    if event.delta.type == "text_delta":
                        yield TextDelta(event.delta.text)
                    elif event.delta.type == "thinking_delta":
                        yield ReasoningDelta(event.delta.thinking)
                elif event.type == "message_stop":
                    stopped = True
            if not stopped:
                raise ConnectionDropped("the connection closed before the reply was complete")
            final = await stream.get_final_message()
            usage = final.usage  # the cached part of the prompt is counted separately
            prompt = usage.input_tokens + (usage.cache_read_input_tokens or 0)
            prompt += usage.cache_creation_input_tokens or 0
            yield UsageReport(Usage(prompt, usage.output_tokens))
            yield Finished(final.stop_reason)

    async def list_models(self) -> list[str]:
        try:
            live = [model.id async for model in self.client().models.list()]
        except Exception as exc:
            raise map_exception(exc, self.config) from exc
        return merge_models(live, self.config.models)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None
