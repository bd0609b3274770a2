#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for development and CI, from Debian's binaries; installs nothing.
#
#   scripts/postgres-dev.sh start [DIR]   create a cluster in DIR (default: a new temp folder), start it on a
#                                         free loopback port, create the role and database, print the URL
#   scripts/postgres-dev.sh url [DIR]     print the URL of the running cluster
#   scripts/postgres-dev.sh stop [DIR]    stop it and delete DIR
#
# Without DIR, start remembers the folder in $TMPDIR/channel-connectors-postgres.dir for url and stop.
# As root, initdb refuses to run: the server then runs as the `postgres` user the Debian package creates.
set -euo pipefail

pointer="${TMPDIR:-/tmp}/channel-connectors-postgres.dir"
role=channel_connectors
database=channel_connectors

bindir() {
    # Debian's versioned folder first: it holds initdb, pg_ctl and psql together.
    local found
    found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [ -z "$found" ] && command -v pg_ctl >/dev/null 2>&1; then
        found="$(dirname "$(command -v pg_ctl)")"
    fi
    if [ -z "$found" ] || [ ! -x "$found/psql" ]; then
        echo "postgres-dev: no PostgreSQL binaries (pg_ctl) found: apt-get install -y postgresql" >&2
        exit 1
    fi
    echo "$found"
}

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

folder() {
    local dir="${1:-}"
    if [ -z "$dir" ] && [ -f "$pointer" ]; then
        dir="$(cat "$pointer")"
    fi
    if [ -z "$dir" ]; then
        echo "postgres-dev: no cluster folder given and none started: run 'start' first" >&2
        exit 1
    fi
    echo "$dir"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    local bin dir port password
    bin="$(bindir)"
    dir="${1:-$(mktemp -d "${TMPDIR:-/tmp}/channel-connectors-postgres.XXXXXX")}"
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$dir"
    fi
    chmod 700 "$dir"
    port="$(free_port)"
    password="$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
        -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
    }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" start >/dev/null || {
        cat "$dir/server.log" >&2
        exit 1
    }
    as_owner "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE $role LOGIN PASSWORD '$password'" \
        -c "CREATE DATABASE $database OWNER $role" >/dev/null
    echo "postgresql://$role:$password@127.0.0.1:$port/$database" >"$dir/url"
    chmod 644 "$dir/url"
    if [ -z "${1:-}" ]; then
        echo "$dir" >"$pointer"
    fi
    cat "$dir/url"
}

stop() {
    local bin dir
    bin="$(bindir)"
    dir="$(folder "${1:-}")"
    if [ -d "$dir/data" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    if [ -f "$pointer" ] && [ "$(cat "$pointer")" = "$dir" ]; then
        rm -f "$pointer"
    fi
}

case "${1:-}" in
start) start "${2:-}" ;;
url) cat "$(folder "${2:-}")/url" ;;
stop) stop "${2:-}" ;;
*)
    echo "usage: $0 start|url|stop [DIR]" >&2
    exit 2
    ;;
esac
