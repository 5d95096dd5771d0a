"""Secrets for collectors: the environment, with Streamlit's secrets file as a fallback.

Tokens are never in `ospo.yml`: the config names an environment variable (`token_env`), and
its value comes from the environment or, for people who keep the dashboard's secrets in
`.streamlit/secrets.toml`, from a top-level key of the same name there. The environment wins.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

from ospo_metrics.redact import register_secret

SECRETS_FILE = Path(".streamlit") / "secrets.toml"


def environment_with_secrets(
    env: Mapping[str, str] | None = None, secrets_file: Path = SECRETS_FILE
) -> dict[str, str]:
    """The environment plus the string values of the secrets file it does not set itself."""
    merged = dict(os.environ if env is None else env)
    try:
        secrets = tomllib.loads(secrets_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return merged
    except (OSError, tomllib.TOMLDecodeError) as exc:
        # Name the file and the problem, never its content (it holds secrets).
        raise SecretsError(f"{secrets_file}: cannot read it ({type(exc).__name__})") from None
    for key, value in secrets.items():
        if isinstance(value, str):
            register_secret(value)  # masked in every message from now on
            if not merged.get(key):
                merged[key] = value
    return merged


class SecretsError(Exception):
    """The secrets file exists but cannot be read."""
