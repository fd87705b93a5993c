"""The count endpoints of the servers that can count a request before it is sent, answering a
count tests can work out by hand: the whitespace-separated words of every text of the request
(system prompt, instructions, messages) plus `TEMPLATE_TOKENS`, the "chat template" here.

Shapes (issue 14's design note, section 2): Anthropic `POST /v1/messages/count_tokens` and
OpenAI `POST /v1/responses/input_tokens` on the vendors' API (the default persona);
llama-server's `/v1/chat/completions/input_tokens`, `/v1/responses/input_tokens`,
`/v1/messages/count_tokens`, `/apply-template` and `/tokenize` (an older build: the last two
only); vLLM's `POST /tokenize` with `messages`."""

from __future__ import annotations

from typing import Any

from tests.wireserver import personas as p

TEMPLATE_TOKENS = 7
#: what `/apply-template` wraps each message in (ChatML, as SmolLM2's template does)
START, END = "<|im_start|>", "<|im_end|>"

CHAT_COUNT = "/v1/chat/completions/input_tokens"
RESPONSES_COUNT = "/v1/responses/input_tokens"
MESSAGES_COUNT = "/v1/messages/count_tokens"
APPLY_TEMPLATE = "/apply-template"
TOKENIZE = "/tokenize"
PATHS = frozenset({CHAT_COUNT, RESPONSES_COUNT, MESSAGES_COUNT, APPLY_TEMPLATE, TOKENIZE})


def texts(value: Any) -> list[str]:
    """Every text of a message list, a content (a string or a list of text blocks) or a
    system prompt."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in texts(item)]
    if isinstance(value, dict):
        found = texts(value.get("content")) + texts(value.get("text"))
        return found
    return []


def words(body: Any) -> int:
    """The words of the request's texts."""
    if not isinstance(body, dict):
        return 0
    parts = ("system", "instructions", "messages", "input")
    return sum(len(text.split()) for part in parts for text in texts(body.get(part)))


def count(body: Any) -> int:
    """What the server counts for a request: its words and the template's tokens."""
    return words(body) + TEMPLATE_TOKENS


def input_tokens(body: Any, _models: list[str]) -> Any:
    return {"object": "response.input_tokens", "input_tokens": count(body)}


def messages_count(body: Any, _models: list[str]) -> Any:
    return {"input_tokens": count(body)}


def apply_template(body: Any, _models: list[str]) -> Any:
    messages = body.get("messages") if isinstance(body, dict) else None
    rendered = [
        f"{START}{m.get('role')}\n{' '.join(texts(m.get('content')))}{END}\n"
        for m in messages or []
        if isinstance(m, dict)
    ]
    return {"prompt": "".join(rendered) + f"{START}assistant\n"}


def llama_tokenize(body: Any, _models: list[str]) -> Any:
    """A token a word of `content` (raw text: no template)."""
    content = body.get("content") if isinstance(body, dict) else None
    pieces = content.split() if isinstance(content, str) else []
    return {"tokens": [100 + i for i in range(len(pieces))]}


def vllm_tokenize(body: Any, _models: list[str]) -> Any:
    counted = count(body)
    return {"count": counted, "max_model_len": p.VLLM_MAX_MODEL_LEN, "tokens": list(range(counted))}


ROUTES = {
    (p.OPENAI, RESPONSES_COUNT): input_tokens,
    (p.OPENAI, MESSAGES_COUNT): messages_count,
    (p.ANTHROPIC, MESSAGES_COUNT): messages_count,
    (p.LLAMA_SERVER, CHAT_COUNT): input_tokens,
    (p.LLAMA_SERVER, RESPONSES_COUNT): input_tokens,
    (p.LLAMA_SERVER, MESSAGES_COUNT): messages_count,
    (p.LLAMA_SERVER, APPLY_TEMPLATE): apply_template,
    (p.LLAMA_SERVER, TOKENIZE): llama_tokenize,
    (p.LLAMA_SERVER_OLD, APPLY_TEMPLATE): apply_template,
    (p.LLAMA_SERVER_OLD, TOKENIZE): llama_tokenize,
    (p.VLLM, TOKENIZE): vllm_tokenize,
}


def answer(persona: str, method: str, path: str, body: Any, models: list[str]) -> Any:
    """The JSON `persona` counts `POST path` with; None when it has no such route."""
    route = ROUTES.get((persona, path)) if method == "POST" else None
    return None if route is None else route(body, models)
