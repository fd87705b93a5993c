"""What a model can take: chatui's table by model id, prices on the vendor's own endpoint only,
and the config's word over everything else."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatui.config import ProviderConfig, load_config
from chatui.core import Capabilities, ConfigError, ModelRef, Price, Source, Usage, short_count
from chatui.providers import provider_for
from chatui.providers.kinds import KINDS
from chatui.services.models import list_all_models
from chatui.services.pool import ProviderPool
from chatui.services.pricing import cost_of
from tests.wireserver import WireServer

OFFICIAL = provider_for(ProviderConfig("work", "openai"))  # any name: the endpoint counts
OLLAMA = provider_for(ProviderConfig("ollama", "openai", base_url="http://127.0.0.1:11434/v1"))
CLAUDE = provider_for(ProviderConfig("c", "anthropic", base_url="https://api.anthropic.com"))


@pytest.mark.parametrize(
    ("model", "context", "price"),
    [
        ("gpt-4o-mini-2024-07-18", 128_000, Price(0.15, 0.60)),  # the longest prefix
        ("gpt-4o-2024-08-06", 128_000, Price(2.50, 10.00)),
        ("gpt-4.1-nano", 1_047_576, Price(0.10, 0.40)),
        ("gpt-5", 400_000, Price(1.25, 10.00)),
        ("o3-mini", 200_000, Price(1.10, 4.40)),
    ],
)
def test_openai_models_come_from_the_table(model: str, context: int, price: Price) -> None:
    caps = OFFICIAL.capabilities(model)
    assert (caps.context, caps.price, caps.source) == (context, price, Source.TABLE)


@pytest.mark.parametrize(
    ("model", "context", "price"),
    [
        ("claude-sonnet-4-5-20250929", 200_000, Price(3.00, 15.00)),
        ("claude-opus-4-1-20250805", 200_000, Price(15.00, 75.00)),
        ("claude-opus-4-20250514", 200_000, Price(15.00, 75.00)),
        # a later version is not the earlier one's row (claude-opus-4 cost 3x as much)
        ("claude-opus-4-5", 200_000, Price(5.00, 25.00)),
        ("claude-opus-4-6", 1_000_000, Price(5.00, 25.00)),
        ("claude-sonnet-5-5", 1_000_000, Price(2.00, 10.00)),
        ("claude-haiku-5-5", 1_000_000, Price(0.10, 0.50)),
    ],
)
def test_anthropic_models_come_from_the_table(model: str, context: int, price: Price) -> None:
    caps = CLAUDE.capabilities(model)
    assert (caps.context, caps.price, caps.reasoning) == (context, price, True)


def test_every_model_offered_before_the_live_list_has_a_row() -> None:
    for kind, provider in (("openai", OFFICIAL), ("anthropic", CLAUDE)):
        for model in KINDS[kind].models:
            caps = provider.capabilities(model)
            assert caps.context and caps.price and caps.max_output, model


def test_unknown_models_and_later_versions_stay_unknown() -> None:
    assert OFFICIAL.capabilities("gpt-5.2") == Capabilities()  # not gpt-5's row
    assert CLAUDE.capabilities("claude-opus-4-7").context is None
    assert OLLAMA.capabilities("qwen3:8b") == Capabilities()


def test_prices_are_known_on_the_vendors_own_endpoint_only() -> None:
    assert OLLAMA.capabilities("gpt-4o-mini").price is None
    assert OLLAMA.capabilities("gpt-4o-mini").context == 128_000  # the model is the model
    cost = cost_of(OFFICIAL.capabilities("gpt-4o").price, Usage(1_000_000, 100_000))
    assert cost == pytest.approx(3.5)
    assert cost_of(OLLAMA.capabilities("gpt-4o").price, Usage(10, 10)) is None


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_the_config_says_what_a_model_takes_over_the_table_and_the_server(
    tmp_path: Path,
) -> None:
    config = load_config(
        write_config(
            tmp_path,
            '[providers.openai.models."gpt-4.1"]\ncontext = 32768\nprice_in = 1\nprice_out = 2\n'
            '[providers.openai.models."my-model"]\nimages = false\n',
        )
    )
    provider = provider_for(config.providers["openai"])
    assert config.providers["openai"].models == ("gpt-4.1", "my-model")
    provider.served["gpt-4.1"] = Capabilities(context=65536, tools=False, source=Source.SERVER)
    caps = provider.capabilities("gpt-4.1")
    assert (caps.context, caps.price, caps.source) == (32768, Price(1.0, 2.0), Source.CONFIG)
    assert caps.tools is False and caps.max_output == 32_768  # the server's, the table's
    assert provider.capabilities("my-model") == Capabilities(images=False, source=Source.CONFIG)


@pytest.mark.parametrize(
    ("text", "problem", "line"),
    [
        ('[providers.openai.models."gpt-4.1"]\ncontext = 0\n', "must be tokens of the", 2),
        ('[providers.openai.models."gpt-4.1"]\ncontext = "big"\n', "got 'big'", 2),
        ('[providers.openai.models."gpt-4.1"]\nimages = 1\n', "must be true or false", 2),
        ('[providers.openai.models."gpt-4.1"]\nwindow = 8\n', "unknown setting", 2),
        ('[providers.openai.models."gpt-4.1"]\nprice_in = 1\n', "both price_in and", 1),
        ('[providers.openai]\nmodels = "gpt-4o"\n', "a list of model ids or a table", 2),
        ('[providers.openai.models]\n"gpt-4o" = 3\n', "expected a table", None),
    ],
)
def test_a_wrong_model_setting_names_file_and_line(
    tmp_path: Path, text: str, problem: str, line: int | None
) -> None:
    path = write_config(tmp_path, text)
    with pytest.raises(ConfigError, match=problem) as raised:
        load_config(path)
    assert (f"{path}, line {line}:" in str(raised.value)) == (line is not None), raised.value


def test_short_counts_for_the_picker() -> None:
    assert [short_count(n) for n in (None, 900, 2048, 8192, 128_000, 131_072, 1_047_576)] == [
        "?", "900", "2k", "8.2k", "128k", "131k", "1M",
    ]  # fmt: skip


async def test_listing_models_hears_what_the_server_says_of_them(
    tmp_path: Path, wire_server: WireServer
) -> None:
    wire_server.persona = "llama-server"  # /props: n_ctx 2048
    config = load_config(
        write_config(
            tmp_path, f'[providers.llama]\nbase_url = "{wire_server.base_url}/v1"\nmodels = ["x"]\n'
        )
    )
    [listed] = [r for r in await list_all_models(config) if r.provider.name == "llama"]
    assert listed.error is None and listed.served["test-model"].context == 2048
    pool = ProviderPool(config)
    pool.heard("llama", listed.served)
    assert pool.capabilities(ModelRef("llama", "test-model")).source is Source.SERVER
    assert pool.capabilities(ModelRef("nobody", "m")) == Capabilities()  # no such provider
