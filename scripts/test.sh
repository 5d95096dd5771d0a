#!/usr/bin/env bash
# The whole test suite, from a fresh machine: dependencies, PostgreSQL, GitHub's GraphQL schema.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

# The database tests run against the real PostgreSQL on loopback as well as SQLite.
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null && break; sleep 1; done
fi

# The task-queue tests (collect --queue, worker) use the real Redis on loopback.
if ! (command -v redis-cli >/dev/null && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1); then
  if ! command -v redis-server >/dev/null && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  fi
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' --appendonly no >/dev/null
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi

# The browser smoke test drives Debian's Chromium (Playwright never downloads a browser here);
# the CSV-injection test opens exports in LibreOffice Calc, headless (no GUI packages needed).
if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  if ! command -v chromium >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
  if ! command -v soffice >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends libreoffice-calc-nogui >/dev/null
  fi
fi

# GitHub's published GraphQL schema validates every query the collector sends (not committed).
schema_dir=tests/.github-schema
if [ ! -s "$schema_dir/schema.graphql" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent @octokit/graphql-schema >/dev/null && tar xzf ./*.tgz)
  mkdir -p "$schema_dir"
  cp "$tmp/package/schema.graphql" "$schema_dir/schema.graphql"
  rm -rf "$tmp"
fi

ruff check .
python3 -m pytest -n 2 "$@"
