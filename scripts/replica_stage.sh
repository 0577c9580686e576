#!/usr/bin/env bash
# A PostgreSQL primary and its streaming replica on loopback, then the replica tests against them
# (tests/core/test_replica_streaming.py), then both stopped. For a CI stage:
#     scripts/replica_stage.sh            # ports 55432 (primary) and 55433 (replica)
# Needs the PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup); run as root it runs them as `postgres`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
PRIMARY_PORT="${PRIMARY_PORT:-55432}"
REPLICA_PORT="${REPLICA_PORT:-55433}"
WORK="$(mktemp -d /tmp/maillage-replica.XXXXXX)"
chmod 755 "$WORK"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" = 0 ]; then chown postgres "$WORK"; fi
stop() {
  as_pg "$BIN/pg_ctl" -D "$WORK/replica" -m immediate stop >/dev/null 2>&1 || true
  as_pg "$BIN/pg_ctl" -D "$WORK/primary" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap stop EXIT
as_pg "$BIN/initdb" -D "$WORK/primary" -U postgres -A trust --no-sync >/dev/null
cat >> "$WORK/primary/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PRIMARY_PORT
unix_socket_directories = '$WORK'
wal_level = replica
max_wal_senders = 4
fsync = off
CONF
echo "host replication postgres 127.0.0.1/32 trust" >> "$WORK/primary/pg_hba.conf"
as_pg "$BIN/pg_ctl" -D "$WORK/primary" -l "$WORK/primary.log" -w start >/dev/null
as_pg "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$WORK/replica" -R -X stream
sed -i "s/^port = .*/port = $REPLICA_PORT/" "$WORK/replica/postgresql.conf"
as_pg "$BIN/pg_ctl" -D "$WORK/replica" -l "$WORK/replica.log" -w start >/dev/null
psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -Atc "SELECT 'replica in recovery: ' || pg_is_in_recovery()"
export DATABASE_URL="postgres://postgres@127.0.0.1:$PRIMARY_PORT/maillage"
export MAILLAGE_TEST_STREAMING_REPLICA="postgres://postgres@127.0.0.1:$REPLICA_PORT/maillage"
export MAILLAGE_TEST_REPLICA_PGDATA="$WORK/replica"
cd "$ROOT"
# tests/core/test_replica.py (the router against a second database) runs in the SQLite and PostgreSQL
# stages; here, only what needs a real streaming replica.
MAILLAGE_TEST_WORKERS=1 .venv/bin/python scripts/run_tests.py postgres tests/core/test_replica_streaming.py "$@"
