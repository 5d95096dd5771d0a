"""Credentials: a token from an environment variable, or a GitHub App installation.

The App path uses PyGithub's `Auth.AppAuth(...).get_installation_auth(...)`: PyGithub signs the
JWT, exchanges it for an installation token and refreshes that token before it expires; the
HTTP layer asks for the current token on every request. Descriptions of a credential name
where it came from (the variable, the App and installation ids) and never contain it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from github import Auth, Github, GithubException
from jwt.exceptions import PyJWTError

from collectors.base import CollectorError
from collectors.github.errors import AuthenticationError


@dataclass
class Credential:
    token: Callable[[], str | None]
    description: str  # "the token in $GITHUB_TOKEN": safe to show
    authenticated: bool


def token_credential(token: str | None, env_name: str) -> Credential:
    if not token:
        return Credential(lambda: None, f"anonymous access (${env_name} is not set)", False)
    return Credential(lambda: token, f"the token in ${env_name}", True)


def app_credential(
    app_id: int, installation_id: int, private_key_file: Path, base_url: str
) -> Credential:
    """A GitHub App installation; the token is fetched on first use and refreshed by PyGithub."""
    try:
        private_key = private_key_file.read_text(encoding="utf-8")
    except OSError as exc:
        raise CollectorError(
            f"cannot read the GitHub App private key file {private_key_file} "
            f"({exc.strerror or type(exc).__name__}); check github.app.private_key_file"
        ) from None
    description = f"the GitHub App {app_id} installation {installation_id}"
    _check_private_key(private_key, private_key_file)
    installation = Auth.AppAuth(app_id, private_key).get_installation_auth(installation_id)
    # The Github object only wires PyGithub's requester into the installation auth: retries off
    # (our HTTP layer owns retries) and no requests are made until the token is first needed.
    Github(auth=installation, base_url=base_url, retry=None, seconds_between_requests=None)

    def token() -> str:
        try:
            return installation.token
        except GithubException as exc:
            raise AuthenticationError(
                f"GitHub refused a token for {description} (HTTP {exc.status}); check the app "
                "id, the installation id and the private key"
            ) from None
        except (ValueError, PyJWTError) as exc:  # a malformed PEM key
            raise AuthenticationError(
                f"cannot sign in as {description}: the private key is not a valid PEM key "
                f"({type(exc).__name__})"
            ) from None

    return Credential(token, description, True)


def _check_private_key(pem: str, path: Path) -> None:
    """Refuse a key PyGithub could not sign with, before any request (no jwt traceback later).

    GitHub Apps sign their JWTs with RS256, so the file must hold an unencrypted RSA private
    key in PEM form, as GitHub's "Generate a private key" button downloads it.
    """
    try:
        key = load_pem_private_key(pem.encode("utf-8"), password=None)
    except (ValueError, TypeError) as exc:
        why = (
            "it is protected by a passphrase"
            if "encrypted" in str(exc).lower()
            else ("it is not a PEM private key")
        )
        raise CollectorError(
            f"the GitHub App private key file {path} cannot be used: {why}; download a new "
            "key from the App's settings and point github.app.private_key_file at it"
        ) from None
    if not isinstance(key, RSAPrivateKey):
        raise CollectorError(
            f"the GitHub App private key file {path} holds a {type(key).__name__.lstrip('_')} "
            "key; GitHub Apps sign with RSA keys: download the App's private key again"
        )
