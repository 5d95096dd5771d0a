"""GitHub REST v3 views of the model: JSON renderers and route handlers.

Renderers produce GitHub's own response shapes (field names, nested ``user`` objects, URL
templates, ``Z`` timestamps). Every ``url``-like field points back at the fake server (the API
base the request came in on, so ``/api/v3`` clients get ``/api/v3`` URLs); ``html_url`` fields
point at ``https://github.com``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from .model import (
    COMMUNITY_FILES,
    LICENSES,
    GitHubModel,
    Issue,
    Organization,
    PullRequest,
    Release,
    Repository,
    Review,
    ReviewComment,
    User,
    iso,
    node_id,
    parse_iso,
)
from .search import MAX_SEARCH_RESULTS, SearchSyntaxError, search_issues, search_repositories

DOCS = "https://docs.github.com/rest"

_REPO_URL_TEMPLATES = {
    "forks_url": "/forks",
    "keys_url": "/keys{/key_id}",
    "collaborators_url": "/collaborators{/collaborator}",
    "teams_url": "/teams",
    "hooks_url": "/hooks",
    "issue_events_url": "/issues/events{/number}",
    "events_url": "/events",
    "assignees_url": "/assignees{/user}",
    "branches_url": "/branches{/branch}",
    "tags_url": "/tags",
    "blobs_url": "/git/blobs{/sha}",
    "git_tags_url": "/git/tags{/sha}",
    "git_refs_url": "/git/refs{/sha}",
    "trees_url": "/git/trees{/sha}",
    "statuses_url": "/statuses/{sha}",
    "languages_url": "/languages",
    "stargazers_url": "/stargazers",
    "contributors_url": "/contributors",
    "subscribers_url": "/subscribers",
    "subscription_url": "/subscription",
    "commits_url": "/commits{/sha}",
    "git_commits_url": "/git/commits{/sha}",
    "comments_url": "/comments{/number}",
    "issue_comment_url": "/issues/comments{/number}",
    "contents_url": "/contents/{+path}",
    "compare_url": "/compare/{base}...{head}",
    "merges_url": "/merges",
    "archive_url": "/{archive_format}{/ref}",
    "downloads_url": "/downloads",
    "issues_url": "/issues{/number}",
    "pulls_url": "/pulls{/number}",
    "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}",
    "labels_url": "/labels{/name}",
    "releases_url": "/releases{/id}",
    "deployments_url": "/deployments",
}

_LICENSE_IDS = {spdx: n for n, spdx in enumerate(LICENSES, start=1)}

_CODES_OF_CONDUCT = ("contributor_covenant", "Contributor Covenant")


def sha_of(*parts: object) -> str:
    return hashlib.sha1(":".join(str(p) for p in parts).encode()).hexdigest()


def _reactions(url: str) -> dict[str, Any]:
    return {
        "url": f"{url}/reactions",
        "total_count": 0,
        "+1": 0,
        "-1": 0,
        "laugh": 0,
        "hooray": 0,
        "confused": 0,
        "heart": 0,
        "rocket": 0,
        "eyes": 0,
    }


def file_text(repo: Repository, kind: str) -> str:
    """Deterministic content of a community file."""
    if kind == "README":
        return f"# {repo.name}\n\n{repo.description or ''}\n"
    if kind == "LICENSE":
        name = LICENSES[repo.license_spdx][1] if repo.license_spdx else "Custom license"
        return f"{name}\n\nCopyright (c) {repo.created_at.year} {repo.owner.login}\n"
    return f"# {kind.replace('_', ' ').title()}\n\nSee {repo.html_url}.\n"


class Renderer:
    """Renders model objects as GitHub REST JSON. ``base`` is the API root URL."""

    def __init__(self, model: GitHubModel, base: str, authenticated: bool = True):
        self.model = model
        self.base = base
        self.authenticated = authenticated
        self._users: dict[int, dict[str, Any]] = {}
        self._repos: dict[int, dict[str, Any]] = {}

    # ---- accounts
    def user(self, u: User | Organization | None) -> dict[str, Any] | None:
        if u is None:
            return None
        key = id(u)
        cached = self._users.get(key)
        if cached is not None:
            return cached
        url = f"{self.base}/users/{quote(u.login)}"
        out = {
            "login": u.login,
            "id": u.id,
            "node_id": u.node_id,
            "avatar_url": f"https://avatars.githubusercontent.com/u/{u.id}?v=4",
            "gravatar_id": "",
            "url": url,
            "html_url": u.html_url,
            "followers_url": f"{url}/followers",
            "following_url": f"{url}/following{{/other_user}}",
            "gists_url": f"{url}/gists{{/gist_id}}",
            "starred_url": f"{url}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{url}/subscriptions",
            "organizations_url": f"{url}/orgs",
            "repos_url": f"{url}/repos",
            "events_url": f"{url}/events{{/privacy}}",
            "received_events_url": f"{url}/received_events",
            "type": u.type,
            "user_view_type": "public",
            "site_admin": bool(getattr(u, "site_admin", False)),
        }
        self._users[key] = out
        return out

    def full_user(self, u: User, private: bool = False) -> dict[str, Any]:
        out = dict(self.user(u) or {})
        repos = [r for r in self.model.repos.values() if r.owner is u and not r.private]
        out.update(
            {
                "name": u.name,
                "company": u.company,
                "blog": "",
                "location": u.location,
                "email": u.email,
                "hireable": None,
                "bio": u.bio,
                "twitter_username": None,
                "notification_email": u.email if private else None,
                "public_repos": len(repos),
                "public_gists": 0,
                "followers": 0,
                "following": 0,
                "created_at": iso(u.created_at),
                "updated_at": iso(u.updated_at),
            }
        )
        if private:
            out.update(
                {
                    "private_gists": 0,
                    "total_private_repos": 0,
                    "owned_private_repos": 0,
                    "disk_usage": 0,
                    "collaborators": 0,
                    "two_factor_authentication": True,
                    "plan": {
                        "name": "pro",
                        "space": 976562499,
                        "collaborators": 0,
                        "private_repos": 9999,
                    },
                }
            )
        return out

    def org_as_user(self, o: Organization) -> dict[str, Any]:
        out = dict(self.user(o) or {})
        out.update(
            {
                "name": o.name,
                "company": None,
                "blog": o.blog,
                "location": o.location,
                "email": o.email,
                "hireable": None,
                "bio": o.description,
                "twitter_username": None,
                "public_repos": self._public_repos(o),
                "public_gists": 0,
                "followers": 0,
                "following": 0,
                "created_at": iso(o.created_at),
                "updated_at": iso(o.updated_at),
            }
        )
        return out

    def _public_repos(self, o: Organization) -> int:
        return sum(1 for r in o.repos if not r.private)

    def org(self, o: Organization) -> dict[str, Any]:
        url = f"{self.base}/orgs/{quote(o.login)}"
        out = {
            "login": o.login,
            "id": o.id,
            "node_id": o.node_id,
            "url": url,
            "repos_url": f"{url}/repos",
            "events_url": f"{url}/events",
            "hooks_url": f"{url}/hooks",
            "issues_url": f"{url}/issues",
            "members_url": f"{url}/members{{/member}}",
            "public_members_url": f"{url}/public_members{{/member}}",
            "avatar_url": f"https://avatars.githubusercontent.com/u/{o.id}?v=4",
            "description": o.description,
            "name": o.name,
            "company": None,
            "blog": o.blog,
            "location": o.location,
            "email": o.email,
            "twitter_username": None,
            "is_verified": False,
            "has_organization_projects": True,
            "has_repository_projects": True,
            "public_repos": self._public_repos(o),
            "public_gists": 0,
            "followers": 0,
            "following": 0,
            "html_url": o.html_url,
            "created_at": iso(o.created_at),
            "updated_at": iso(o.updated_at),
            "archived_at": None,
            "type": "Organization",
        }
        if self.authenticated:
            private = sum(1 for r in o.repos if r.private)
            out.update(
                {
                    "total_private_repos": private,
                    "owned_private_repos": private,
                    "private_gists": 0,
                    "disk_usage": sum(r.size for r in o.repos),
                    "collaborators": 0,
                    "billing_email": o.email,
                    "default_repository_permission": "read",
                    "members_can_create_repositories": True,
                    "two_factor_requirement_enabled": True,
                    "plan": {
                        "name": "team",
                        "space": 976562499,
                        "private_repos": 999999,
                        "filled_seats": len(o.members),
                        "seats": len(o.members) + 5,
                    },
                }
            )
        return out

    # ---- repositories
    def license_simple(self, repo: Repository) -> dict[str, Any] | None:
        if not repo.has_file("LICENSE"):
            return None
        spdx = repo.license_spdx or "NOASSERTION"
        key, name = LICENSES[spdx]
        other = spdx == "NOASSERTION"
        return {
            "key": key,
            "name": name,
            "spdx_id": spdx,
            "url": None if other else f"{self.base}/licenses/{key}",
            "node_id": node_id("License", 0 if other else _LICENSE_IDS[spdx]),
        }

    def repo(self, r: Repository, full: bool = False) -> dict[str, Any]:
        cached = None if full else self._repos.get(r.id)
        if cached is not None:
            return cached
        api = f"{self.base}/repos/{r.full_name}"
        out: dict[str, Any] = {
            "id": r.id,
            "node_id": r.node_id,
            "name": r.name,
            "full_name": r.full_name,
            "private": r.private,
            "owner": self.user(r.owner),
            "html_url": r.html_url,
            "description": r.description,
            "fork": r.fork,
            "url": api,
        }
        for key, suffix in _REPO_URL_TEMPLATES.items():
            out[key] = api + suffix
        out.update(
            {
                "created_at": iso(r.created_at),
                "updated_at": iso(r.updated_at),
                "pushed_at": iso(r.pushed_at),
                "git_url": f"git://github.com/{r.full_name}.git",
                "ssh_url": f"git@github.com:{r.full_name}.git",
                # Clonable on the fake itself (its web root, like GHES's host): see git_http.py.
                "clone_url": f"{self.base.removesuffix('/api/v3')}/{r.full_name}.git",
                "svn_url": r.html_url,
                "homepage": r.homepage,
                "size": r.size,
                "stargazers_count": r.stars,
                "watchers_count": r.stars,
                "language": r.language,
                "has_issues": r.has_issues,
                "has_projects": True,
                "has_downloads": True,
                "has_wiki": r.has_wiki,
                "has_pages": False,
                "has_discussions": False,
                "forks_count": r.forks,
                "mirror_url": None,
                "archived": r.archived,
                "disabled": r.disabled,
                "open_issues_count": r.open_issues_count,
                "license": self.license_simple(r),
                "allow_forking": True,
                "is_template": r.is_template,
                "web_commit_signoff_required": False,
                "topics": list(r.topics),
                "visibility": r.visibility,
                "forks": r.forks,
                "open_issues": r.open_issues_count,
                "watchers": r.stars,
                "default_branch": r.default_branch,
            }
        )
        if self.authenticated:
            out["permissions"] = {
                "admin": True,
                "maintain": True,
                "push": True,
                "triage": True,
                "pull": True,
            }
        if full:
            out.update(
                {
                    "temp_clone_token": "" if self.authenticated else None,
                    "network_count": r.forks,
                    "subscribers_count": r.watchers,
                }
            )
            if isinstance(r.owner, Organization):
                org = dict(self.user(r.owner) or {})
                out["organization"] = org
            if r.parent is not None:
                out["parent"] = self.repo(r.parent)
                out["source"] = self.repo(r.parent)
        else:
            self._repos[r.id] = out
        return out

    def contents(self, r: Repository, kind: str) -> dict[str, Any]:
        path = COMMUNITY_FILES[kind]
        text = file_text(r, kind).encode()
        sha = hashlib.sha1(b"blob %d\0" % len(text) + text).hexdigest()
        api = f"{self.base}/repos/{r.full_name}"
        html = f"{r.html_url}/blob/{r.default_branch}/{path}"
        self_url = f"{api}/contents/{quote(path)}?ref={r.default_branch}"
        git = f"{api}/git/blobs/{sha}"
        encoded = base64.b64encode(text).decode()
        chunks = [encoded[i : i + 60] for i in range(0, len(encoded), 60)]
        return {
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "sha": sha,
            "size": len(text),
            "url": self_url,
            "html_url": html,
            "git_url": git,
            "download_url": f"https://raw.githubusercontent.com/{r.full_name}/"
            f"{r.default_branch}/{path}",
            "type": "file",
            "content": "\n".join(chunks) + "\n",
            "encoding": "base64",
            "_links": {"self": self_url, "git": git, "html": html},
        }

    def dir_entry(self, r: Repository, path: str, is_dir: bool) -> dict[str, Any]:
        api = f"{self.base}/repos/{r.full_name}"
        sha = sha_of(r.id, path)
        kind = "tree" if is_dir else "blob"
        self_url = f"{api}/contents/{quote(path)}?ref={r.default_branch}"
        html = f"{r.html_url}/{kind}/{r.default_branch}/{path}"
        git = f"{api}/git/{'trees' if is_dir else 'blobs'}/{sha}"
        return {
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "sha": sha,
            "size": 0 if is_dir else 100,
            "url": self_url,
            "html_url": html,
            "git_url": git,
            "download_url": None
            if is_dir
            else f"https://raw.githubusercontent.com/{r.full_name}/{r.default_branch}/{path}",
            "type": "dir" if is_dir else "file",
            "_links": {"self": self_url, "git": git, "html": html},
        }

    def community_profile(self, r: Repository) -> dict[str, Any]:
        api = f"{self.base}/repos/{r.full_name}"

        def file_ref(kind: str) -> dict[str, str] | None:
            if not r.has_file(kind):
                return None
            path = COMMUNITY_FILES[kind]
            return {
                "url": f"{api}/contents/{quote(path)}",
                "html_url": f"{r.html_url}/blob/{r.default_branch}/{path}",
            }

        lic = None
        if r.has_file("LICENSE"):
            lic = dict(self.license_simple(r) or {})
            lic["html_url"] = f"{r.html_url}/blob/{r.default_branch}/LICENSE"
        coc = None
        if r.has_file("CODE_OF_CONDUCT"):
            key, name = _CODES_OF_CONDUCT
            coc = {
                "key": key,
                "name": name,
                "url": f"{self.base}/codes_of_conduct/{key}",
                "html_url": f"{r.html_url}/blob/{r.default_branch}/CODE_OF_CONDUCT.md",
            }
        checks = [
            bool(r.description),
            r.has_file("README"),
            r.has_file("CODE_OF_CONDUCT"),
            r.has_file("CONTRIBUTING"),
            r.has_file("LICENSE"),
            r.has_file("ISSUE_TEMPLATE"),
            r.has_file("PULL_REQUEST_TEMPLATE"),
        ]
        return {
            "health_percentage": round(100 * sum(checks) / len(checks)),
            "description": r.description,
            "documentation": r.homepage,
            "files": {
                "code_of_conduct": coc,
                "code_of_conduct_file": file_ref("CODE_OF_CONDUCT"),
                "contributing": file_ref("CONTRIBUTING"),
                "issue_template": file_ref("ISSUE_TEMPLATE"),
                "pull_request_template": file_ref("PULL_REQUEST_TEMPLATE"),
                "license": lic,
                "readme": file_ref("README"),
            },
            "updated_at": iso(r.updated_at),
            "content_reports_enabled": isinstance(r.owner, Organization),
        }

    # ---- issues / pulls
    def label(self, r: Repository, lab) -> dict[str, Any]:
        return {
            "id": lab.id,
            "node_id": lab.node_id,
            "url": f"{self.base}/repos/{r.full_name}/labels/{quote(lab.name)}",
            "name": lab.name,
            "color": lab.color,
            "default": lab.default,
            "description": lab.description,
        }

    def issue(self, i: Issue) -> dict[str, Any]:
        r = i.repo
        api = f"{self.base}/repos/{r.full_name}"
        url = f"{api}/issues/{i.number}"
        out: dict[str, Any] = {
            "url": url,
            "repository_url": api,
            "labels_url": f"{url}/labels{{/name}}",
            "comments_url": f"{url}/comments",
            "events_url": f"{url}/events",
            "html_url": i.html_url,
            "id": i.id,
            "node_id": i.node_id,
            "number": i.number,
            "title": i.title,
            "user": self.user(i.author),
            "labels": [self.label(r, lab) for lab in i.labels],
            "state": i.state,
            "locked": i.locked,
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "comments": len(i.comments),
            "created_at": iso(i.created_at),
            "updated_at": iso(i.updated_at),
            "closed_at": iso(i.closed_at),
            "author_association": self.model.author_association(r, i.author),
            "type": None,
            "active_lock_reason": None,
            "sub_issues_summary": {"total": 0, "completed": 0, "percent_completed": 0},
        }
        if isinstance(i, PullRequest):
            out["draft"] = i.draft
            out["pull_request"] = {
                "url": f"{api}/pulls/{i.number}",
                "html_url": i.html_url,
                "diff_url": f"{i.html_url}.diff",
                "patch_url": f"{i.html_url}.patch",
                "merged_at": iso(i.merged_at),
            }
        out.update(
            {
                "body": i.body or None,
                "closed_by": None,
                "reactions": _reactions(url),
                "timeline_url": f"{url}/timeline",
                "performed_via_github_app": None,
                "state_reason": i.state_reason,
            }
        )
        return out

    def issue_full(self, i: Issue) -> dict[str, Any]:
        out = self.issue(i)
        out["closed_by"] = self.user(i.closed_by) if i.state == "closed" else None
        return out

    def _ref(self, pr: PullRequest, which: str) -> dict[str, Any]:
        r = pr.repo
        ref = pr.head_ref if which == "head" else pr.base_ref
        return {
            "label": f"{r.owner.login}:{ref}",
            "ref": ref,
            "sha": sha_of(r.id, pr.number, which),
            "user": self.user(r.owner),
            "repo": self.repo(r),
        }

    def pull(self, pr: PullRequest, full: bool = False) -> dict[str, Any]:
        r = pr.repo
        api = f"{self.base}/repos/{r.full_name}"
        url = f"{api}/pulls/{pr.number}"
        issue_url = f"{api}/issues/{pr.number}"
        head_sha = sha_of(r.id, pr.number, "head")
        out: dict[str, Any] = {
            "url": url,
            "id": pr.pull_id,
            "node_id": pr.pull_node_id,
            "html_url": pr.html_url,
            "diff_url": f"{pr.html_url}.diff",
            "patch_url": f"{pr.html_url}.patch",
            "issue_url": issue_url,
            "number": pr.number,
            "state": pr.state,
            "locked": pr.locked,
            "title": pr.title,
            "user": self.user(pr.author),
            "body": pr.body or None,
            "created_at": iso(pr.created_at),
            "updated_at": iso(pr.updated_at),
            "closed_at": iso(pr.closed_at),
            "merged_at": iso(pr.merged_at),
            "merge_commit_sha": sha_of(r.id, pr.number, "merge") if pr.merged_at else None,
            "assignee": None,
            "assignees": [],
            "requested_reviewers": [],
            "requested_teams": [],
            "labels": [self.label(r, lab) for lab in pr.labels],
            "milestone": None,
            "draft": pr.draft,
            "commits_url": f"{url}/commits",
            "review_comments_url": f"{url}/comments",
            "review_comment_url": f"{api}/pulls/comments{{/number}}",
            "comments_url": f"{issue_url}/comments",
            "statuses_url": f"{api}/statuses/{head_sha}",
            "head": self._ref(pr, "head"),
            "base": self._ref(pr, "base"),
            "_links": {
                "self": {"href": url},
                "html": {"href": pr.html_url},
                "issue": {"href": issue_url},
                "comments": {"href": f"{issue_url}/comments"},
                "review_comments": {"href": f"{url}/comments"},
                "review_comment": {"href": f"{api}/pulls/comments{{/number}}"},
                "commits": {"href": f"{url}/commits"},
                "statuses": {"href": f"{api}/statuses/{head_sha}"},
            },
            "author_association": self.model.author_association(r, pr.author),
            "auto_merge": None,
            "active_lock_reason": None,
        }
        if full:
            out.update(
                {
                    "merged": pr.merged_at is not None,
                    "mergeable": None if pr.state == "closed" else True,
                    "rebaseable": None if pr.state == "closed" else True,
                    "mergeable_state": "unknown" if pr.state == "closed" else "clean",
                    "merged_by": self.user(pr.merged_by) if pr.merged_at else None,
                    "comments": len(pr.comments),
                    "review_comments": len(pr.review_comments),
                    "maintainer_can_modify": False,
                    "commits": pr.commits,
                    "additions": pr.additions,
                    "deletions": pr.deletions,
                    "changed_files": pr.changed_files,
                }
            )
        return out

    def comment(self, c) -> dict[str, Any]:
        i = c.issue
        api = f"{self.base}/repos/{i.repo.full_name}"
        url = f"{api}/issues/comments/{c.id}"
        return {
            "url": url,
            "html_url": f"{i.html_url}#issuecomment-{c.id}",
            "issue_url": f"{api}/issues/{i.number}",
            "id": c.id,
            "node_id": c.node_id,
            "user": self.user(c.author),
            "created_at": iso(c.created_at),
            "updated_at": iso(c.updated_at),
            "author_association": self.model.author_association(i.repo, c.author),
            "body": c.body,
            "reactions": _reactions(url),
            "performed_via_github_app": None,
        }

    def review(self, rv: Review) -> dict[str, Any]:
        pr = rv.pull
        assert pr is not None
        api = f"{self.base}/repos/{pr.repo.full_name}"
        html = f"{pr.html_url}#pullrequestreview-{rv.id}"
        pr_url = f"{api}/pulls/{pr.number}"
        out = {
            "id": rv.id,
            "node_id": rv.node_id,
            "user": self.user(rv.author),
            "body": rv.body,
            "state": rv.state,
            "html_url": html,
            "pull_request_url": pr_url,
            "author_association": self.model.author_association(pr.repo, rv.author),
            "_links": {"html": {"href": html}, "pull_request": {"href": pr_url}},
            "commit_id": sha_of(pr.repo.id, pr.number, "head"),
        }
        if rv.state != "PENDING":
            out["submitted_at"] = iso(rv.submitted_at)
        return out

    def review_comment(self, rc: ReviewComment) -> dict[str, Any]:
        pr = rc.pull
        assert pr is not None
        api = f"{self.base}/repos/{pr.repo.full_name}"
        url = f"{api}/pulls/comments/{rc.id}"
        html = f"{pr.html_url}#discussion_r{rc.id}"
        pr_url = f"{api}/pulls/{pr.number}"
        sha = sha_of(pr.repo.id, pr.number, "head")
        return {
            "url": url,
            "pull_request_review_id": rc.review_id,
            "id": rc.id,
            "node_id": rc.node_id,
            "diff_hunk": f"@@ -{rc.line},3 +{rc.line},4 @@",
            "path": rc.path,
            "position": 4,
            "original_position": 4,
            "commit_id": sha,
            "original_commit_id": sha,
            "user": self.user(rc.author),
            "body": rc.body,
            "created_at": iso(rc.created_at),
            "updated_at": iso(rc.updated_at),
            "html_url": html,
            "pull_request_url": pr_url,
            "author_association": self.model.author_association(pr.repo, rc.author),
            "_links": {
                "self": {"href": url},
                "html": {"href": html},
                "pull_request": {"href": pr_url},
            },
            "reactions": _reactions(url),
            "start_line": None,
            "original_start_line": None,
            "start_side": None,
            "line": rc.line,
            "original_line": rc.line,
            "side": "RIGHT",
            "subject_type": "line",
        }

    def release(self, rel: Release) -> dict[str, Any]:
        r = rel.repo
        assert r is not None
        api = f"{self.base}/repos/{r.full_name}"
        url = f"{api}/releases/{rel.id}"
        return {
            "url": url,
            "assets_url": f"{url}/assets",
            "upload_url": f"https://uploads.github.com/repos/{r.full_name}/releases/"
            f"{rel.id}/assets{{?name,label}}",
            "html_url": f"{r.html_url}/releases/tag/{quote(rel.tag_name)}",
            "id": rel.id,
            "author": self.user(rel.author),
            "node_id": rel.node_id,
            "tag_name": rel.tag_name,
            "target_commitish": rel.target_commitish,
            "name": rel.name,
            "draft": rel.draft,
            "immutable": False,
            "prerelease": rel.prerelease,
            "created_at": iso(rel.created_at),
            "updated_at": iso(rel.published_at or rel.created_at),
            "published_at": iso(rel.published_at),
            "assets": [],
            "tarball_url": f"{api}/tarball/{quote(rel.tag_name)}",
            "zipball_url": f"{api}/zipball/{quote(rel.tag_name)}",
            "body": rel.body,
        }


# --------------------------------------------------------------------------- routing


class HttpError(Exception):
    def __init__(self, status: int, message: str, doc: str = DOCS, **extra: Any):
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"message": message, "documentation_url": doc, **extra}
        if status in (404, 422, 409):
            self.body["status"] = str(status)


def not_found(doc: str = DOCS) -> HttpError:
    return HttpError(404, "Not Found", doc)


@dataclass
class RestResult:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    last_modified: datetime | None = None


@dataclass
class RestContext:
    model: GitHubModel
    render: Renderer
    base: str  # API root, e.g. http://127.0.0.1:1234 or .../api/v3
    path: str  # request path without the /api/v3 prefix
    query: dict[str, str]
    authenticated: bool
    viewer: User | None
    rate_limit_json: Callable[[], dict[str, Any]]
    repo_name: str | None = None  # owner/name the request targeted (for the request log)
    method: str = "GET"
    body: bytes = b""  # the request body (write routes read it as JSON)

    def json_body(self) -> dict[str, Any]:
        """The request body as a JSON object; 400 like GitHub for anything else."""
        try:
            payload = json.loads(self.body or b"{}")
        except ValueError:
            raise HttpError(400, "Problems parsing JSON") from None
        if not isinstance(payload, dict):
            raise HttpError(400, "Problems parsing JSON")
        return payload

    def arg(self, name: str, default: str | None = None) -> str | None:
        return self.query.get(name, default)

    def since(self) -> datetime | None:
        value = self.query.get("since")
        if not value:
            return None
        try:
            return parse_iso(value)
        except ValueError as exc:
            raise HttpError(422, f"Invalid value for since: {value}") from exc

    def paginate(
        self,
        items: Sequence[Any],
        render: Callable[[Any], Any],
        *,
        link_path: str | None = None,
        cap: int | None = None,
        wrap: Callable[[list[Any]], Any] | None = None,
    ) -> RestResult:
        """Slice with per_page/page, render the slice, add a GitHub ``Link`` header."""
        try:
            per_page = int(self.query.get("per_page") or 30)
            page = int(self.query.get("page") or 1)
        except ValueError as exc:
            raise HttpError(422, "Invalid pagination parameters") from exc
        per_page = max(1, min(100, per_page))
        page = max(1, page)
        total = len(items) if cap is None else min(len(items), cap)
        if cap is not None and (page - 1) * per_page >= cap and total > 0:
            raise HttpError(
                422,
                f"Only the first {cap} search results are available",
                "https://docs.github.com/v3/search/",
            )
        start = (page - 1) * per_page
        chunk = [render(x) for x in items[start : min(start + per_page, total)]]
        last = max(1, math.ceil(total / per_page))
        links = []
        path = link_path or self.path

        def url(n: int) -> str:
            params = {k: v for k, v in self.query.items() if k != "page"}
            params["page"] = str(n)
            return f"{self.base}{path}?{urlencode(params)}"

        if page > 1:
            links.append(f'<{url(min(page - 1, last))}>; rel="prev"')
        if page < last:
            links.append(f'<{url(page + 1)}>; rel="next"')
            links.append(f'<{url(last)}>; rel="last"')
        if page > 1:
            links.append(f'<{url(1)}>; rel="first"')
        headers = {"Link": ", ".join(links)} if links else {}
        body = wrap(chunk) if wrap else chunk
        return RestResult(200, body, headers)


Handler = Callable[..., RestResult]


def _sorted(items: list[Any], key: Callable[[Any], Any], desc: bool) -> list[Any]:
    return sorted(items, key=key, reverse=desc)


def _direction(ctx: RestContext, default: str) -> bool:
    value = (ctx.arg("direction") or default).lower()
    if value not in ("asc", "desc"):
        raise HttpError(422, f"Invalid direction: {value}")
    return value == "desc"


# ---- handlers (repo/org arguments are resolved by the dispatcher)


def h_user(ctx: RestContext) -> RestResult:
    if ctx.viewer is None:
        raise HttpError(
            401,
            "Requires authentication",
            "https://docs.github.com/rest/users/users#get-the-authenticated-user",
        )
    if ctx.viewer.is_bot:
        raise HttpError(
            403,
            "Resource not accessible by integration",
            "https://docs.github.com/rest/users/users#get-the-authenticated-user",
        )
    return RestResult(
        body=ctx.render.full_user(ctx.viewer, private=True), last_modified=ctx.viewer.updated_at
    )


def h_users(ctx: RestContext, login: str) -> RestResult:
    u = ctx.model.get_user(login)
    if u is not None:
        return RestResult(body=ctx.render.full_user(u), last_modified=u.updated_at)
    o = ctx.model.get_org(login)
    if o is not None:
        return RestResult(body=ctx.render.org_as_user(o), last_modified=o.updated_at)
    raise not_found("https://docs.github.com/rest/users/users#get-a-user")


def h_user_repos(ctx: RestContext, login: str) -> RestResult:
    owner = ctx.model.get_owner(login)
    if owner is None:
        raise not_found()
    repos = [r for r in ctx.model.repos.values() if r.owner is owner and not r.private]
    repos.sort(key=lambda r: r.full_name.lower())
    return ctx.paginate(repos, ctx.render.repo)


def h_org(ctx: RestContext, org: Organization) -> RestResult:
    return RestResult(body=ctx.render.org(org), last_modified=org.updated_at)


def h_org_repos(ctx: RestContext, org: Organization) -> RestResult:
    kind = (ctx.arg("type") or "all").lower()
    repos = [r for r in org.repos if ctx.authenticated or not r.private]
    if kind == "public":
        repos = [r for r in repos if not r.private]
    elif kind == "private":
        repos = [r for r in repos if r.private]
    elif kind == "forks":
        repos = [r for r in repos if r.fork]
    elif kind == "sources":
        repos = [r for r in repos if not r.fork]
    elif kind not in ("all", "member"):
        raise HttpError(422, f"Invalid type: {kind}")
    sort = (ctx.arg("sort") or "created").lower()
    keys = {
        "created": lambda r: (r.created_at, r.id),
        "updated": lambda r: (r.updated_at, r.id),
        "pushed": lambda r: (r.pushed_at or r.created_at, r.id),
        "full_name": lambda r: r.full_name.lower(),
    }
    if sort not in keys:
        raise HttpError(422, f"Invalid sort: {sort}")
    desc = _direction(ctx, "asc" if sort == "full_name" else "desc")
    repos = _sorted(repos, keys[sort], desc)
    return ctx.paginate(repos, ctx.render.repo, link_path=f"/organizations/{org.id}/repos")


def h_org_members(ctx: RestContext, org: Organization) -> RestResult:
    role = (ctx.arg("role") or "all").lower()
    members = sorted(org.members, key=lambda u: u.id)
    if role == "admin":
        members = [u for u in members if org.role_of(u) == "admin"]
    elif role == "member":
        members = [u for u in members if org.role_of(u) == "member"]
    return ctx.paginate(members, ctx.render.user, link_path=f"/organizations/{org.id}/members")


def h_repo(ctx: RestContext, repo: Repository) -> RestResult:
    return RestResult(body=ctx.render.repo(repo, full=True), last_modified=repo.updated_at)


def h_topics(ctx: RestContext, repo: Repository) -> RestResult:
    return RestResult(body={"names": list(repo.topics)}, last_modified=repo.updated_at)


def _labels_filter(ctx: RestContext, items: list[Issue]) -> list[Issue]:
    labels = ctx.arg("labels")
    if labels:
        wanted = [x.strip().lower() for x in labels.split(",") if x.strip()]
        items = [
            i for i in items if all(any(lab.name.lower() == w for lab in i.labels) for w in wanted)
        ]
    return items


def _state_filter(ctx: RestContext, items: list[Issue]) -> list[Issue]:
    state = (ctx.arg("state") or "open").lower()
    if state not in ("open", "closed", "all"):
        raise HttpError(422, f"Invalid state: {state}")
    if state != "all":
        items = [i for i in items if i.state == state]
    return items


def h_issues(ctx: RestContext, repo: Repository) -> RestResult:
    items = _state_filter(ctx, list(repo.items.values()))
    since = ctx.since()
    if since is not None:
        items = [i for i in items if i.updated_at >= since]
    creator = ctx.arg("creator")
    if creator:
        items = [i for i in items if i.author.login.lower() == creator.lower()]
    items = _labels_filter(ctx, items)
    sort = (ctx.arg("sort") or "created").lower()
    keys = {
        "created": lambda i: (i.created_at, i.number),
        "updated": lambda i: (i.updated_at, i.number),
        "comments": lambda i: (len(i.comments), i.number),
    }
    if sort not in keys:
        raise HttpError(422, f"Invalid sort: {sort}")
    items = _sorted(items, keys[sort], _direction(ctx, "desc"))
    return ctx.paginate(items, ctx.render.issue, link_path=f"/repositories/{repo.id}/issues")


def _get_item(repo: Repository, number: str) -> Issue:
    try:
        item = repo.items.get(int(number))
    except ValueError:
        item = None
    if item is None:
        raise not_found("https://docs.github.com/rest/issues/issues#get-an-issue")
    return item


def h_issue(ctx: RestContext, repo: Repository, number: str) -> RestResult:
    item = _get_item(repo, number)
    return RestResult(body=ctx.render.issue_full(item), last_modified=item.updated_at)


def _comments_sorted(ctx: RestContext, comments: list[Any]) -> list[Any]:
    since = ctx.since()
    if since is not None:
        comments = [c for c in comments if c.updated_at >= since]
    sort = (ctx.arg("sort") or "created").lower()
    if sort not in ("created", "updated"):
        raise HttpError(422, f"Invalid sort: {sort}")
    attr = "created_at" if sort == "created" else "updated_at"
    return _sorted(comments, lambda c: (getattr(c, attr), c.id), _direction(ctx, "asc"))


def h_issue_comments(ctx: RestContext, repo: Repository, number: str) -> RestResult:
    item = _get_item(repo, number)
    comments = _comments_sorted(ctx, list(item.comments))
    return ctx.paginate(
        comments,
        ctx.render.comment,
        link_path=f"/repositories/{repo.id}/issues/{item.number}/comments",
    )


def h_repo_issue_comments(ctx: RestContext, repo: Repository) -> RestResult:
    comments = [c for i in repo.items.values() for c in i.comments]
    comments = _comments_sorted(ctx, comments)
    return ctx.paginate(
        comments, ctx.render.comment, link_path=f"/repositories/{repo.id}/issues/comments"
    )


def h_pulls(ctx: RestContext, repo: Repository) -> RestResult:
    items: list[Any] = _state_filter(ctx, list(repo.pulls()))
    base = ctx.arg("base")
    if base:
        items = [p for p in items if p.base_ref == base]
    head = ctx.arg("head")
    if head:
        ref = head.split(":", 1)[-1]
        items = [p for p in items if p.head_ref == ref]
    sort = (ctx.arg("sort") or "created").lower()
    keys = {
        "created": lambda p: (p.created_at, p.number),
        "updated": lambda p: (p.updated_at, p.number),
        "popularity": lambda p: (len(p.comments), p.number),
        "long-running": lambda p: (p.created_at, p.number),
    }
    if sort not in keys:
        raise HttpError(422, f"Invalid sort: {sort}")
    desc = _direction(ctx, "desc" if sort == "created" else "asc")
    items = _sorted(items, keys[sort], desc)
    return ctx.paginate(items, ctx.render.pull, link_path=f"/repositories/{repo.id}/pulls")


def _get_pull(repo: Repository, number: str) -> PullRequest:
    item = _get_item(repo, number)
    if not isinstance(item, PullRequest):
        raise not_found("https://docs.github.com/rest/pulls/pulls#get-a-pull-request")
    return item


def h_pull(ctx: RestContext, repo: Repository, number: str) -> RestResult:
    pr = _get_pull(repo, number)
    return RestResult(body=ctx.render.pull(pr, full=True), last_modified=pr.updated_at)


def h_pull_reviews(ctx: RestContext, repo: Repository, number: str) -> RestResult:
    pr = _get_pull(repo, number)
    reviews = sorted(pr.reviews, key=lambda r: (r.submitted_at, r.id))
    return ctx.paginate(
        reviews, ctx.render.review, link_path=f"/repositories/{repo.id}/pulls/{pr.number}/reviews"
    )


def h_pull_comments(ctx: RestContext, repo: Repository, number: str) -> RestResult:
    pr = _get_pull(repo, number)
    comments = _comments_sorted(ctx, list(pr.review_comments))
    return ctx.paginate(
        comments,
        ctx.render.review_comment,
        link_path=f"/repositories/{repo.id}/pulls/{pr.number}/comments",
    )


def h_repo_pull_comments(ctx: RestContext, repo: Repository) -> RestResult:
    comments = [c for p in repo.pulls() for c in p.review_comments]
    comments = _comments_sorted(ctx, comments)
    return ctx.paginate(
        comments, ctx.render.review_comment, link_path=f"/repositories/{repo.id}/pulls/comments"
    )


def _visible_releases(ctx: RestContext, repo: Repository) -> list[Release]:
    rels = [r for r in repo.releases if ctx.authenticated or not r.draft]
    return sorted(rels, key=lambda r: (r.created_at, r.id), reverse=True)


def h_releases(ctx: RestContext, repo: Repository) -> RestResult:
    return ctx.paginate(
        _visible_releases(ctx, repo),
        ctx.render.release,
        link_path=f"/repositories/{repo.id}/releases",
    )


def h_forks(ctx: RestContext, repo: Repository) -> RestResult:
    """`GET /repos/{owner}/{repo}/forks`: minimal repository objects, `sort` newest (GitHub's
    default), oldest, stargazers or watchers; private forks only for authenticated callers."""
    sort = (ctx.arg("sort") or "newest").lower()
    if sort not in ("newest", "oldest", "stargazers", "watchers"):
        raise HttpError(422, f"Invalid value for sort: {sort}")
    forks = [f for f in ctx.model.forks_of(repo) if ctx.authenticated or not f.private]
    if sort == "newest":
        forks = sorted(forks, key=lambda f: (f.created_at, f.id), reverse=True)
    elif sort == "stargazers":
        forks = sorted(forks, key=lambda f: (-f.stars, f.id))
    elif sort == "watchers":
        forks = sorted(forks, key=lambda f: (-f.watchers, f.id))
    return ctx.paginate(forks, ctx.render.repo, link_path=f"/repositories/{repo.id}/forks")


def h_latest_release(ctx: RestContext, repo: Repository) -> RestResult:
    rels = [r for r in repo.releases if not r.draft and not r.prerelease]
    if not rels:
        raise not_found("https://docs.github.com/rest/releases/releases#get-the-latest-release")
    latest = max(rels, key=lambda r: (r.published_at or r.created_at, r.id))
    return RestResult(body=ctx.render.release(latest), last_modified=latest.created_at)


def h_contributors(ctx: RestContext, repo: Repository) -> RestResult:
    rows = repo.contributors()
    if ctx.arg("anon") not in ("1", "true"):
        rows = [row for row in rows if ctx.model.get_user(row[0]) is not None]
    if not rows:
        return RestResult(204, None)

    def render(row: tuple[str, int]) -> dict[str, Any]:
        login, n = row
        who = ctx.model.get_user(login)
        if who is None:
            return {
                "email": f"{login}@users.noreply.github.com",
                "name": login,
                "type": "Anonymous",
                "contributions": n,
            }
        out = dict(ctx.render.user(who) or {})
        out["contributions"] = n
        return out

    return ctx.paginate(rows, render, link_path=f"/repositories/{repo.id}/contributors")


def h_license(ctx: RestContext, repo: Repository) -> RestResult:
    if not repo.has_file("LICENSE"):
        raise not_found(
            "https://docs.github.com/rest/licenses/licenses#get-the-license-for-a-repository"
        )
    body = ctx.render.contents(repo, "LICENSE")
    body["license"] = ctx.render.license_simple(repo)
    return RestResult(body=body, last_modified=repo.pushed_at)


def h_readme(ctx: RestContext, repo: Repository) -> RestResult:
    if not repo.has_file("README"):
        raise not_found("https://docs.github.com/rest/repos/contents#get-a-repository-readme")
    return RestResult(body=ctx.render.contents(repo, "README"), last_modified=repo.pushed_at)


def h_contents(ctx: RestContext, repo: Repository, path: str = "") -> RestResult:
    path = path.strip("/")
    present = {COMMUNITY_FILES[k]: k for k in COMMUNITY_FILES if repo.has_file(k)}
    if path in present:
        return RestResult(
            body=ctx.render.contents(repo, present[path]), last_modified=repo.pushed_at
        )
    prefix = f"{path}/" if path else ""
    children: dict[str, bool] = {}
    for p in present:
        if p.startswith(prefix):
            rest = p[len(prefix) :]
            head, sep, _ = rest.partition("/")
            children[prefix + head] = bool(sep) or children.get(prefix + head, False)
    if not children:
        raise not_found("https://docs.github.com/rest/repos/contents#get-repository-content")
    entries = [
        ctx.render.dir_entry(repo, p, d)
        for p, d in sorted(children.items(), key=lambda kv: (not kv[1], kv[0]))
    ]
    return RestResult(body=entries, last_modified=repo.pushed_at)


def h_community(ctx: RestContext, repo: Repository) -> RestResult:
    return RestResult(body=ctx.render.community_profile(repo), last_modified=repo.updated_at)


def h_dependency_sbom(ctx: RestContext, repo: Repository) -> RestResult:
    """The dependency graph's SPDX 2.3 export, wrapped in {"sbom": ...} as GitHub sends it."""
    if repo.sbom is None:
        raise not_found(f"{DOCS}/dependency-graph/sboms")
    return RestResult(body={"sbom": repo.sbom}, last_modified=repo.updated_at)


def h_search_issues(ctx: RestContext) -> RestResult:
    q = ctx.arg("q")
    if not q:
        raise HttpError(
            422,
            "Validation Failed",
            "https://docs.github.com/v3/search",
            errors=[{"resource": "Search", "field": "q", "code": "missing"}],
        )
    try:
        items = search_issues(
            ctx.model,
            q,
            sort=ctx.arg("sort"),
            order=ctx.arg("order"),
            authenticated=ctx.authenticated,
        )
    except SearchSyntaxError as exc:
        raise HttpError(
            422,
            "Validation Failed",
            "https://docs.github.com/v3/search",
            errors=[{"message": str(exc), "resource": "Search", "field": "q", "code": "invalid"}],
        ) from exc

    def render(i: Issue) -> dict[str, Any]:
        out = ctx.render.issue(i)
        out["score"] = 1.0
        return out

    total = len(items)
    return ctx.paginate(
        items,
        render,
        cap=MAX_SEARCH_RESULTS,
        wrap=lambda chunk: {"total_count": total, "incomplete_results": False, "items": chunk},
    )


def h_search_repos(ctx: RestContext) -> RestResult:
    q = ctx.arg("q")
    if not q:
        raise HttpError(422, "Validation Failed", "https://docs.github.com/v3/search")
    repos = search_repositories(ctx.model, q, authenticated=ctx.authenticated)

    def render(r: Repository) -> dict[str, Any]:
        out = dict(ctx.render.repo(r))
        out["score"] = 1.0
        return out

    total = len(repos)
    return ctx.paginate(
        repos,
        render,
        cap=MAX_SEARCH_RESULTS,
        wrap=lambda chunk: {"total_count": total, "incomplete_results": False, "items": chunk},
    )


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise not_found() from exc


def h_issue_comment(ctx: RestContext, repo: Repository, comment_id: str) -> RestResult:
    cid = _int(comment_id)
    for item in repo.items.values():
        for c in item.comments:
            if c.id == cid:
                return RestResult(body=ctx.render.comment(c), last_modified=c.updated_at)
    raise not_found("https://docs.github.com/rest/issues/comments#get-an-issue-comment")


def h_review_comment(ctx: RestContext, repo: Repository, comment_id: str) -> RestResult:
    cid = _int(comment_id)
    for pr in repo.pulls():
        for c in pr.review_comments:
            if c.id == cid:
                return RestResult(body=ctx.render.review_comment(c), last_modified=c.updated_at)
    raise not_found(
        "https://docs.github.com/rest/pulls/comments#get-a-review-comment-for-a-pull-request"
    )


def h_pull_review(ctx: RestContext, repo: Repository, number: str, review_id: str) -> RestResult:
    pr = _get_pull(repo, number)
    rid = _int(review_id)
    for rv in pr.reviews:
        if rv.id == rid:
            return RestResult(body=ctx.render.review(rv), last_modified=rv.submitted_at)
    raise not_found("https://docs.github.com/rest/pulls/reviews#get-a-review-for-a-pull-request")


def h_release(ctx: RestContext, repo: Repository, release_id: str) -> RestResult:
    rid = _int(release_id)
    for rel in _visible_releases(ctx, repo):
        if rel.id == rid:
            return RestResult(body=ctx.render.release(rel), last_modified=rel.created_at)
    raise not_found("https://docs.github.com/rest/releases/releases#get-a-release")


def h_release_by_tag(ctx: RestContext, repo: Repository, tag: str) -> RestResult:
    for rel in repo.releases:
        if rel.tag_name == tag and not rel.draft:
            return RestResult(body=ctx.render.release(rel), last_modified=rel.created_at)
    raise not_found("https://docs.github.com/rest/releases/releases#get-a-release-by-tag-name")


def h_labels(ctx: RestContext, repo: Repository) -> RestResult:
    labels = sorted(repo.labels.values(), key=lambda lab: lab.id)
    return ctx.paginate(
        labels, lambda lab: ctx.render.label(repo, lab), link_path=f"/repositories/{repo.id}/labels"
    )


def h_languages(ctx: RestContext, repo: Repository) -> RestResult:
    body = {repo.language: repo.size * 1024} if repo.language else {}
    return RestResult(body=body, last_modified=repo.pushed_at)


def h_rate_limit(ctx: RestContext) -> RestResult:
    return RestResult(body=ctx.rate_limit_json())


# (template, handler). {owner}/{repo} routes are also served as /repositories/{repo_id}/...,
# {org} routes as /organizations/{org_id}/... (GitHub uses those forms in Link headers).
ROUTES: list[tuple[str, Handler]] = [
    ("/rate_limit", h_rate_limit),
    ("/user", h_user),
    ("/users/{login}", h_users),
    ("/users/{login}/repos", h_user_repos),
    ("/orgs/{org}", h_org),
    ("/orgs/{org}/repos", h_org_repos),
    ("/orgs/{org}/members", h_org_members),
    ("/repos/{owner}/{repo}", h_repo),
    ("/repos/{owner}/{repo}/topics", h_topics),
    ("/repos/{owner}/{repo}/issues", h_issues),
    ("/repos/{owner}/{repo}/issues/comments", h_repo_issue_comments),
    ("/repos/{owner}/{repo}/issues/comments/{comment_id}", h_issue_comment),
    ("/repos/{owner}/{repo}/issues/{number}", h_issue),
    ("/repos/{owner}/{repo}/issues/{number}/comments", h_issue_comments),
    ("/repos/{owner}/{repo}/pulls", h_pulls),
    ("/repos/{owner}/{repo}/pulls/comments", h_repo_pull_comments),
    ("/repos/{owner}/{repo}/pulls/comments/{comment_id}", h_review_comment),
    ("/repos/{owner}/{repo}/pulls/{number}", h_pull),
    ("/repos/{owner}/{repo}/pulls/{number}/reviews", h_pull_reviews),
    ("/repos/{owner}/{repo}/pulls/{number}/reviews/{review_id}", h_pull_review),
    ("/repos/{owner}/{repo}/pulls/{number}/comments", h_pull_comments),
    ("/repos/{owner}/{repo}/releases", h_releases),
    ("/repos/{owner}/{repo}/forks", h_forks),
    ("/repos/{owner}/{repo}/releases/latest", h_latest_release),
    ("/repos/{owner}/{repo}/releases/tags/{tag}", h_release_by_tag),
    ("/repos/{owner}/{repo}/releases/{release_id}", h_release),
    ("/repos/{owner}/{repo}/labels", h_labels),
    ("/repos/{owner}/{repo}/languages", h_languages),
    ("/repos/{owner}/{repo}/contributors", h_contributors),
    ("/repos/{owner}/{repo}/license", h_license),
    ("/repos/{owner}/{repo}/readme", h_readme),
    ("/repos/{owner}/{repo}/contents", h_contents),
    ("/repos/{owner}/{repo}/contents/{path}", h_contents),
    ("/repos/{owner}/{repo}/community/profile", h_community),
    ("/repos/{owner}/{repo}/dependency-graph/sbom", h_dependency_sbom),
    ("/search/issues", h_search_issues),
    ("/search/repositories", h_search_repos),
]


@dataclass
class Route:
    template: str
    regex: re.Pattern[str]
    handler: Handler


def _compile(template: str) -> re.Pattern[str]:
    def repl(m: re.Match[str]) -> str:
        name = m.group(1)
        return f"(?P<{name}>.+)" if name == "path" else f"(?P<{name}>[^/]+)"

    return re.compile("^" + re.sub(r"\{(\w+)\}", repl, template) + "/?$")


def build_routes() -> list[Route]:
    routes = []
    for template, handler in ROUTES:
        routes.append(Route(template, _compile(template), handler))
        if template.startswith("/repos/{owner}/{repo}"):
            alt = "/repositories/{repo_id}" + template[len("/repos/{owner}/{repo}") :]
            routes.append(Route(template, _compile(alt), handler))
        elif template.startswith("/orgs/{org}"):
            alt = "/organizations/{org_id}" + template[len("/orgs/{org}") :]
            routes.append(Route(template, _compile(alt), handler))
    return routes


ROUTE_TABLE = build_routes()


def match_route(path: str) -> tuple[Route, dict[str, str]] | None:
    for route in ROUTE_TABLE:
        m = route.regex.match(path)
        if m:
            return route, m.groupdict()
    return None


# ---- writes: the issue endpoints `ospo-metrics alerts` uses (create, update, comment)

ISSUE_DOCS = "https://docs.github.com/rest/issues/issues"


def _writer(ctx: RestContext):
    if not ctx.authenticated or ctx.viewer is None:
        raise HttpError(401, "Requires authentication", ISSUE_DOCS)
    return ctx.viewer


def _text(payload: dict[str, Any], name: str, required: bool = False) -> str | None:
    value = payload.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        error = {"resource": "Issue", "field": name, "code": "missing_field"}
        raise HttpError(422, "Validation Failed", ISSUE_DOCS, errors=[error])
    return value


def h_create_issue(ctx: RestContext, repo: Repository) -> RestResult:
    payload = ctx.json_body()
    title = _text(payload, "title", required=True)
    labels = payload.get("labels") or []
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        raise HttpError(422, "Validation Failed", ISSUE_DOCS)
    issue = ctx.model.add_issue(
        repo, title, _writer(ctx), body=_text(payload, "body") or "", labels=labels
    )
    return RestResult(201, ctx.render.issue_full(issue))


def h_update_issue(ctx: RestContext, repo: Repository, number: str) -> RestResult:
    payload = ctx.json_body()
    _writer(ctx)
    item = _get_item(repo, number)
    title, body, state = (_text(payload, k) for k in ("title", "body", "state"))
    if state not in (None, "open", "closed"):
        raise HttpError(422, "Validation Failed", ISSUE_DOCS)
    with ctx.model.lock:
        if title is not None:
            item.title = title
        if body is not None:
            item.body = body
        if state == "closed" and item.state != "closed":
            ctx.model.close(item)
        elif state == "open" and item.state != "open":
            ctx.model.reopen(item)
        else:
            item.updated_at = ctx.model.touch()
    return RestResult(200, ctx.render.issue_full(item))


def h_create_comment(ctx: RestContext, repo: Repository, number: str) -> RestResult:
    payload = ctx.json_body()
    item = _get_item(repo, number)
    comment = ctx.model.add_comment(item, _writer(ctx), _text(payload, "body", required=True))
    return RestResult(201, ctx.render.comment(comment))


WRITE_ROUTES: list[tuple[str, str, Handler]] = [
    ("POST", "/repos/{owner}/{repo}/issues", h_create_issue),
    ("PATCH", "/repos/{owner}/{repo}/issues/{number}", h_update_issue),
    ("POST", "/repos/{owner}/{repo}/issues/{number}/comments", h_create_comment),
]
WRITE_TABLE = [(method, Route(t, _compile(t), handler)) for method, t, handler in WRITE_ROUTES]


def match_write_route(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for wanted, route in WRITE_TABLE:
        m = route.regex.match(path)
        if m and method == wanted:
            return route, m.groupdict()
    return None


def dispatch(ctx: RestContext, route: Route, params: dict[str, str]) -> RestResult:
    """Resolve {owner}/{repo}, {repo_id}, {org}, {org_id} and call the handler."""
    from urllib.parse import unquote

    kwargs: dict[str, Any] = {k: unquote(v) for k, v in params.items()}
    model = ctx.model
    if "repo_id" in kwargs or "owner" in kwargs:
        if "repo_id" in kwargs:
            rid = kwargs.pop("repo_id")
            repo = model.repos_by_id.get(int(rid)) if rid.isdigit() else None
            ctx.repo_name = repo.full_name if repo else f"#{rid}"
        else:
            owner, name = kwargs.pop("owner"), kwargs.pop("repo")
            repo = model.get_repo(owner, name)
            ctx.repo_name = f"{owner}/{name}"
        if repo is None or (repo.private and not ctx.authenticated):
            raise not_found("https://docs.github.com/rest/repos/repos#get-a-repository")
        ctx.repo_name = repo.full_name
        kwargs["repo"] = repo
    if "org_id" in kwargs or "org" in kwargs:
        if "org_id" in kwargs:
            oid = kwargs.pop("org_id")
            org = next((o for o in model.orgs.values() if str(o.id) == oid), None)
        else:
            org = model.get_org(kwargs.pop("org"))
        if org is None:
            raise not_found("https://docs.github.com/rest/orgs/orgs#get-an-organization")
        kwargs["org"] = org
    return route.handler(ctx, **kwargs)
