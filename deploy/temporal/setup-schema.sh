#!/bin/sh
# One-shot job (temporalio/admin-tools image): creates the Temporal databases on PostgreSQL and
# brings both schemas to the latest version shipped in the image. Safe to run on every start.
set -eu

: "${POSTGRES_SEEDS:?POSTGRES_SEEDS is required (the PostgreSQL host)}"
: "${POSTGRES_USER:?POSTGRES_USER is required}"
: "${SQL_PASSWORD:?SQL_PASSWORD is required}"
PORT="${DB_PORT:-5432}"
SCHEMA_DIR=/etc/temporal/schema/postgresql/v12

sql() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$PORT" -u "$POSTGRES_USER" "$@"
}

for db in temporal temporal_visibility; do
  case "$db" in
    temporal) versions="$SCHEMA_DIR/temporal/versioned" ;;
    *) versions="$SCHEMA_DIR/visibility/versioned" ;;
  esac
  # `create` fails when the database exists: that is the re-run case, not an error.
  sql --db "$db" create 2>/dev/null || echo "database $db already exists"
  sql --db "$db" setup-schema -v 0.0 2>/dev/null || echo "schema of $db already set up"
  sql --db "$db" update-schema -d "$versions"
done
echo "Temporal schemas are up to date"
