#!/usr/bin/env bash
# A PostgreSQL primary and its streaming replica (pg_basebackup) on loopback, a command run against them with
# the replica router on, then both stopped. The CI's « test-postgres » stage (.ci/run) runs the whole
# PostgreSQL suite this way:
#     scripts/with_replica.sh make test-postgres      # ports 55432 (primary) and 55433 (replica)
#     PRIMARY_PORT=56432 REPLICA_PORT=56433 scripts/with_replica.sh make test-postgres PYTEST_ARGS=tests/core
#
# The command gets DATABASE_URL (the primary's `maillage` database) and MAILLAGE_REPLICA_URL (the same name on
# the replica): config/settings/base.py then adds the `replica` alias as a test MIRROR of `default`, so the
# test runner creates `test_maillage_gw0` on the primary only, physical replication brings it to the replica,
# and the alias reads it there (tests/replica_reads.py counts those reads and prints the count).
#
# Replication is synchronous with `synchronous_commit = remote_apply`: a commit returns once the replica has
# applied it, so a test that writes and then reads through a lag-tolerant request sees its write — the suite
# checks behaviour, not timing. Lag itself (a replica behind, or down) is what tests/core/test_replica_streaming.py
# checks, on this same pair. Both clusters run with fsync off: they are thrown away at the end.
# Needs the PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup); run as root it runs them as `postgres`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
PRIMARY_PORT="${PRIMARY_PORT:-55432}"
REPLICA_PORT="${REPLICA_PORT:-55433}"
[ $# -gt 0 ] || set -- make test-postgres
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
psql_on() { local port="$1"; shift; psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atc "$@"; }

as_pg "$BIN/initdb" -D "$WORK/primary" -U postgres -A trust --no-sync >/dev/null
cat >> "$WORK/primary/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PRIMARY_PORT
unix_socket_directories = '$WORK'
wal_level = replica
max_wal_senders = 4
fsync = off
full_page_writes = off
CONF
echo "host replication postgres 127.0.0.1/32 trust" >> "$WORK/primary/pg_hba.conf"
as_pg "$BIN/pg_ctl" -D "$WORK/primary" -l "$WORK/primary.log" -w start >/dev/null
# -R writes primary_conninfo (and standby.signal); the name lets the primary wait for this standby.
as_pg "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$WORK/replica" -R -X stream \
  -d "application_name=maillage_replica"
sed -i "s/^port = .*/port = $REPLICA_PORT/" "$WORK/replica/postgresql.conf"
as_pg "$BIN/pg_ctl" -D "$WORK/replica" -l "$WORK/replica.log" -w start >/dev/null
# Synchronous only once the replica is up: before, every commit on the primary would wait for it.
psql_on "$PRIMARY_PORT" "ALTER SYSTEM SET synchronous_standby_names = 'maillage_replica'" >/dev/null
psql_on "$PRIMARY_PORT" "ALTER SYSTEM SET synchronous_commit = 'remote_apply'" >/dev/null
psql_on "$PRIMARY_PORT" "SELECT pg_reload_conf()" >/dev/null
psql_on "$PRIMARY_PORT" "CREATE DATABASE maillage" >/dev/null
state=""
for _ in $(seq 1 50); do
  state="$(psql_on "$PRIMARY_PORT" "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'maillage_replica'")"
  [ "$state" = sync ] && break
  sleep 0.2
done
if [ "$state" != sync ]; then
  echo "ERREUR : la réplique n'est pas synchrone (état : « ${state:-absente} »)." >&2
  cat "$WORK/replica.log" >&2
  exit 1
fi
echo "Primaire 127.0.0.1:$PRIMARY_PORT, réplique en flux 127.0.0.1:$REPLICA_PORT" \
  "(en récupération : $(psql_on "$REPLICA_PORT" "SELECT pg_is_in_recovery()"), réplication : $state," \
  "synchronous_commit = $(psql_on "$PRIMARY_PORT" "SHOW synchronous_commit"))"

export DATABASE_URL="postgres://postgres@127.0.0.1:$PRIMARY_PORT/maillage"
export MAILLAGE_REPLICA_URL="postgres://postgres@127.0.0.1:$REPLICA_PORT/maillage"
cd "$ROOT"
set +e
"$@"
status=$?
set -e
if [ "$status" -ne 0 ]; then
  echo "--- fin du journal de la réplique ---"
  tail -n 20 "$WORK/replica.log"
fi
exit "$status"
