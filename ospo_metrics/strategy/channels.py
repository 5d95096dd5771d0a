"""Delivery of alert messages: e-mail (SMTP), incoming webhooks (Slack, Microsoft Teams) and
issues in a GitHub repository.

Credentials come from the environment (names in `alerts:`), are registered with
:mod:`ospo_metrics.redact` as soon as they are read and never appear in a message, an error
text or the database. A webhook URL is a credential too: errors name the webhook, not its URL.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage

import requests

from ospo_metrics.config.alerts import AlertsConfig, EmailChannel, WebhookChannel
from ospo_metrics.redact import redact, register_secret


class DeliveryError(Exception):
    """A message could not be delivered; the text is safe to show and store."""


@dataclass(frozen=True)
class Message:
    subject: str  # the alert subject(s), e.g. objective:ttfr-cloud
    title: str
    text: str  # plain text; the e-mail body and the webhook's text


def _secret(env: Mapping[str, str], name: str | None, what: str) -> str | None:
    if name is None:
        return None
    value = env.get(name)
    if not value:
        raise DeliveryError(f"{what}: the environment variable ${name} is not set")
    register_secret(value)
    return value


def send_email(config: EmailChannel, env: Mapping[str, str], to: str, message: Message) -> None:
    """Send one plain-text e-mail through the configured SMTP server."""
    user = _secret(env, config.username_env, "SMTP user")
    password = _secret(env, config.password_env, "SMTP password")
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = config.sender, to, message.title
    mail.set_content(message.text)
    try:
        with smtplib.SMTP(config.host, config.port, timeout=config.timeout_seconds) as smtp:
            if config.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if user and password:
                smtp.login(user, password)
            smtp.send_message(mail)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(
            f"e-mail to {to} through {config.host}:{config.port} failed: "
            f"{type(exc).__name__}: {redact(exc)}"
        ) from None


def webhook_payload(hook: WebhookChannel, message: Message) -> dict:
    """JSON an incoming webhook accepts: Slack's ``text`` (mrkdwn), or a Teams MessageCard."""
    if hook.format == "teams":
        return {
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": message.title,
            "title": message.title,
            "text": message.text.replace("\n", "\n\n"),  # Teams joins single line breaks
        }
    return {"text": f"*{message.title}*\n{message.text}"}


def send_webhook(
    hook: WebhookChannel, env: Mapping[str, str], message: Message, timeout: float = 30
) -> None:
    url = _secret(env, hook.url_env, f"webhook {hook.name}")
    try:
        response = requests.post(url, json=webhook_payload(hook, message), timeout=timeout)
    except requests.RequestException as exc:
        raise DeliveryError(f"webhook {hook.name}: {type(exc).__name__}") from None
    if response.status_code >= 300:
        raise DeliveryError(
            f"webhook {hook.name} answered HTTP {response.status_code}: "
            f"{redact(response.text[:200])}"
        )


class GitHubIssues:
    """One issue per alert subject in the configured repository: opened at the first alert,
    then updated (title, body, reopened) with a comment for every later change."""

    def __init__(self, http, repository: str, labels: list[str]) -> None:
        self.http, self.repository, self.labels = http, repository, labels

    def deliver(self, number: int | None, message: Message) -> int:
        """Open or update the subject's issue; returns its number."""
        from collectors.base import CollectorError

        base = f"/repos/{self.repository}/issues"
        title = f"[ospo-metrics] {message.title}"
        try:
            if number is None:
                body = {"title": title, "body": message.text, "labels": self.labels}
                return int(self.http.send_json("POST", base, body)["number"])
            self.http.send_json(
                "PATCH", f"{base}/{number}", {"title": title, "body": message.text, "state": "open"}
            )
            self.http.send_json("POST", f"{base}/{number}/comments", {"body": message.text})
            return number
        except CollectorError as exc:
            raise DeliveryError(f"GitHub issue in {self.repository}: {redact(exc)}") from None


Sender = Callable[[str, Message], None]


def email_target(channel: str) -> str | None:
    kind, _, target = channel.partition(":")
    return target if kind == "email" else None


def webhook_named(config: AlertsConfig, channel: str) -> WebhookChannel | None:
    kind, _, target = channel.partition(":")
    if kind != "webhook":
        return None
    return next((hook for hook in config.webhooks if hook.name == target), None)
