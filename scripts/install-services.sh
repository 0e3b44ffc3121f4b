#!/usr/bin/env bash
# Install the Debian services a team set-up and the scale-out tests use, when missing: PostgreSQL
# (server + client tools: initdb, pg_ctl, pg_dump, pg_restore) and redis-server. Idempotent; runs as root
# (e.g. in CI, no stdin) or through passwordless sudo. It installs only: the tests start their own
# throwaway PostgreSQL cluster and redis-server on free ports, and Debian's packaged services are left
# as the package configures them.
set -euo pipefail

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v pg_dump >/dev/null 2>&1 || missing+=(postgresql-client)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "Missing Debian packages: ${missing[*]} (run as root: apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# policy-rc.d-free containers: the packages' post-install may try to start the services; that's harmless.
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "Installed: ${missing[*]}"
