# shellcheck shell=bash
# Sourced by .ci/run: a PostgreSQL cluster for the tests, stopped when the run ends (also on failure).
# Installs Debian's PostgreSQL if its binaries are missing, starts a cluster in a temporary folder on a free
# loopback port, and exports the URL the tests read; CHANNEL_CONNECTORS_REQUIRE_POSTGRES=1 makes every
# PostgreSQL test fail rather than skip if the URL is missing.
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && ! command -v pg_ctl >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
ci_postgres_dir="$(mktemp -d "${TMPDIR:-/tmp}/ci-postgres.XXXXXX")"
CHANNEL_CONNECTORS_TEST_POSTGRES_URL="$(bash scripts/postgres-dev.sh start "$ci_postgres_dir")"
export CHANNEL_CONNECTORS_TEST_POSTGRES_URL
export CHANNEL_CONNECTORS_REQUIRE_POSTGRES=1
# Stop the cluster on exit, then run whatever exit trap .ci/run had set before sourcing this file.
ci_postgres_previous_exit="$(trap -p EXIT)"
ci_postgres_previous_exit="${ci_postgres_previous_exit#"trap -- '"}"
ci_postgres_previous_exit="${ci_postgres_previous_exit%"' EXIT"}"
ci_postgres_previous_exit="${ci_postgres_previous_exit//"'\\''"/"'"}"
trap 'bash scripts/postgres-dev.sh stop "$ci_postgres_dir" >/dev/null 2>&1 || true; eval "$ci_postgres_previous_exit"' EXIT
