"""Where chatui keeps its files: config and data directories, overridable by environment."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "chatui"


def config_path() -> Path:
    """The TOML config file: `CHATUI_CONFIG`, else the platform's user config dir."""
    override = os.environ.get("CHATUI_CONFIG")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME) / "config.toml"


def data_dir() -> Path:
    """The directory holding the transcript database: `CHATUI_DATA_DIR`, else user data dir."""
    override = os.environ.get("CHATUI_DATA_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME)


def screenshot_dir() -> Path:
    """Where screenshots go: the user's downloads folder if it exists, else the data folder."""
    from platformdirs import user_downloads_path

    downloads = user_downloads_path()
    return downloads if downloads.is_dir() else data_dir()
