#!/usr/bin/env bash
# Runs a command with a real Secret Service (gnome-keyring) on a private D-Bus session, so the
# keychain tests use the real thing without touching the user's own keyring.
# If a session bus and a keyring are already there (a desktop), the command runs as is.
set -euo pipefail
if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ -z "${PARVIS_PRIVATE_KEYRING:-}" ]; then
  exec "$@"
fi
for tool in dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null || { echo "with-keyring: $tool is missing (apt-get install dbus gnome-keyring)" >&2; exit 1; }
done
export PARVIS_KEYRING_HOME="$(mktemp -d)"
exec dbus-run-session -- bash -c '
  export HOME="$PARVIS_KEYRING_HOME" XDG_DATA_HOME="$PARVIS_KEYRING_HOME/.local/share"
  mkdir -p "$XDG_DATA_HOME/keyrings"
  echo -n parvis-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  "$@"; status=$?
  rm -rf "$PARVIS_KEYRING_HOME"
  exit $status' bash "$@"
