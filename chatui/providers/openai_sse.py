"""An SSE decoder for the OpenAI SDK that records whether the `[DONE]` marker arrived."""

from __future__ import annotations

from collections.abc import AsyncIterator

from openai._streaming import ServerSentEvent, SSEDecoder


class DoneAwareDecoder(SSEDecoder):
    """Yields events as the SDK's decoder does; `saw_done` tells if `data: [DONE]` came."""

    saw_done = False

    async def aiter_bytes(self, iterator: AsyncIterator[bytes]) -> AsyncIterator[ServerSentEvent]:
        async for sse in super().aiter_bytes(iterator):
            if sse.data.startswith("[DONE]"):
                self.saw_done = True
            yield sse
