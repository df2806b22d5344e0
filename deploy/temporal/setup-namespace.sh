#!/bin/sh
# One-shot job (temporalio/admin-tools image): once the server answers, registers the namespace
# and the background-check search attributes. Idempotent: what exists is left as it is.
#
# SEARCH_ATTRIBUTES lists `Name=Type` pairs; it must match SEARCH_ATTRIBUTE_TYPES in
# src/workflows/definitions.ts (test/deploy/compose.test.ts checks it).
set -eu

: "${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS is required (host:port of the frontend)}"
: "${SEARCH_ATTRIBUTES:?SEARCH_ATTRIBUTES is required (Name=Type pairs)}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
RETENTION="${NAMESPACE_RETENTION:-720h}"
ATTEMPTS="${SETUP_ATTEMPTS:-60}"

# Runs "$@" until it succeeds, every 2 seconds, at most $ATTEMPTS times.
retry() {
  attempt=1
  until "$@"; do
    if [ "$attempt" -ge "$ATTEMPTS" ]; then
      echo "giving up after $ATTEMPTS attempts: $*" >&2
      exit 1
    fi
    attempt=$((attempt + 1))
    sleep 2
  done
}

echo "waiting for Temporal at $TEMPORAL_ADDRESS"
retry temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null

if temporal operator namespace describe --namespace "$NAMESPACE" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; then
  echo "namespace $NAMESPACE exists"
else
  retry temporal operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION" \
    --address "$TEMPORAL_ADDRESS"
  echo "namespace $NAMESPACE created (retention $RETENTION)"
fi

# A new namespace takes a few seconds to reach every frontend: the creations below are retried.
for pair in $SEARCH_ATTRIBUTES; do
  name="${pair%%=*}"
  type="${pair#*=}"
  if temporal operator search-attribute list --namespace "$NAMESPACE" --address "$TEMPORAL_ADDRESS" 2>/dev/null |
    grep -qw "$name"; then
    echo "search attribute $name exists"
  else
    retry temporal operator search-attribute create --namespace "$NAMESPACE" --name "$name" --type "$type" \
      --address "$TEMPORAL_ADDRESS"
    echo "search attribute $name ($type) created"
  fi
done
echo "namespace $NAMESPACE is ready"
