# shellcheck shell=bash
# Sourced by .ci/run: a Redis for the worker tests, stopped when the run ends (also on failure).
# Installs Debian's redis-server if missing, starts it on a free loopback port with no persistence, and
# exports the URL the tests read; CHANNEL_CONNECTORS_REQUIRE_REDIS=1 makes every Redis test fail rather
# than skip if Redis is missing.
if ! command -v redis-server >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi
ci_redis_dir="$(mktemp -d "${TMPDIR:-/tmp}/ci-redis.XXXXXX")"
ci_redis_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
redis-server --bind 127.0.0.1 --port "$ci_redis_port" --save '' --appendonly no --daemonize yes \
    --dir "$ci_redis_dir" --pidfile "$ci_redis_dir/redis.pid" --logfile "$ci_redis_dir/redis.log"
for _ in $(seq 1 50); do
    redis-cli -h 127.0.0.1 -p "$ci_redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
done
export CHANNEL_CONNECTORS_TEST_REDIS_URL="redis://127.0.0.1:$ci_redis_port/0"
export CHANNEL_CONNECTORS_REQUIRE_REDIS=1
# Stop Redis (by its own pid) on exit, then run whatever exit trap .ci/run had set before sourcing this file.
ci_redis_previous_exit="$(trap -p EXIT)"
ci_redis_previous_exit="${ci_redis_previous_exit#"trap -- '"}"
ci_redis_previous_exit="${ci_redis_previous_exit%"' EXIT"}"
ci_redis_previous_exit="${ci_redis_previous_exit//"'\\''"/"'"}"
trap 'kill "$(cat "$ci_redis_dir/redis.pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$ci_redis_dir"; eval "$ci_redis_previous_exit"' EXIT
