"""The `compliance:` configuration section: defaults, policy per group, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from ospo_metrics.config import ConfigError, config_from_mapping, load_config


def test_defaults_hold_every_repository_to_the_basic_files() -> None:
    config = config_from_mapping({})
    assert config.compliance.required_checks([]) == [
        "README", "LICENSE", "LICENSE_RECOGNIZED", "OSI_APPROVED", "CONTRIBUTING",
        "CODE_OF_CONDUCT", "SECURITY",
    ]  # fmt: skip


def test_a_repository_in_several_groups_gets_the_union_of_their_checks() -> None:
    config = config_from_mapping(
        {
            "groups": {"cloud": ["acme/*"], "critical": ["acme/core"]},
            "compliance": {
                "extra_files": {"changelog": ["CHANGELOG*"]},
                "policy": {
                    "default": ["readme"],
                    "cloud": ["README", "LICENSE"],
                    "critical": ["LICENSE", "SBOM", "CHANGELOG"],
                },
            },
        }
    )
    compliance = config.compliance
    assert compliance.required_checks(config.groups_for("acme/core")) == [
        "README", "LICENSE", "SBOM", "CHANGELOG"
    ]  # fmt: skip
    assert compliance.required_checks(config.groups_for("other/x")) == ["README"]


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"policy": {"default": ["READMEE"]}}, "unknown check(s) READMEE"),
        ({"policy": {"nope": ["README"]}}, "unknown group 'nope'"),
        (
            {"exemptions": [{"repository": "acme/x", "check": "SECURITY", "until": "2026-01-01"}]},
            "reason",
        ),
        (
            {
                "exemptions": [
                    {"repository": "acme/x", "check": "SECURITY", "reason": "r", "until": "soon"}
                ]
            },
            "until",
        ),
        ({"licenses": {"unlisted": "maybe"}}, "unlisted"),
        ({"scorecard": {"minimum": 11}}, "minimum"),
    ],
)
def test_mistakes_are_reported_with_their_place(tmp_path: Path, section, message) -> None:
    import yaml

    path = tmp_path / "ospo.yml"
    path.write_text(yaml.safe_dump({"compliance": section}), encoding="utf-8")
    with pytest.raises(ConfigError) as excinfo:
        load_config(path)
    text = str(excinfo.value)
    assert message in text and f"{path}:" in text and "compliance" in text
