#!/bin/sh
# Installs the dca agent on macOS as the launch daemon com.dca.agent: run as root, by hand or by
# an MDM (as a script, or as the postinstall script of a pkg that carries dca and dca.sig in the
# same folder as this script). docs/install-windows-macos.md says how.
#
#   sudo DCA_HUB_URL=https://hub.example:8443 DCA_CODE=XXXX-XXXX DCA_CA_FINGERPRINT=sha256:... \
#        [DCA_PROXY=http://proxy:3128] ./install.sh
#
# The activation code and the proxy are read from the environment, never from arguments, so they do
# not show in a process list (dca reads DCA_CODE and DCA_PROXY itself). Without DCA_HUB_URL and
# DCA_CODE it installs and starts the daemon on an existing activation (an upgrade), or installs it
# for a later "sudo /usr/local/dca/dca activate ..." (the daemon restarts until then, every 10 s).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
bin_dir=/usr/local/dca
state_dir="/Library/Application Support/dca"
plist=/Library/LaunchDaemons/com.dca.agent.plist
label=com.dca.agent

fail() { echo "dca install: $1" >&2; exit "${2:-1}"; }
[ "$(id -u)" = 0 ] || fail "run it as root (sudo)" 2
for f in dca dca.sig com.dca.agent.plist; do
  [ -f "$here/$f" ] || fail "$here/$f is missing; it ships beside this script" 2
done

# A running agent is stopped before its binary is replaced.
launchctl bootout "system/$label" 2>/dev/null || true

install -d -o root -g wheel -m 0755 "$bin_dir"
install -o root -g wheel -m 0755 "$here/dca" "$bin_dir/dca.new"
install -o root -g wheel -m 0644 "$here/dca.sig" "$bin_dir/dca.sig"
mv -f "$bin_dir/dca.new" "$bin_dir/dca"
install -d -o root -g wheel -m 0700 "$state_dir"

if [ -f "$state_dir/identity.json" ]; then
  echo "dca install: already activated (state in $state_dir); DCA_HUB_URL and DCA_CODE are not used"
elif [ -n "${DCA_HUB_URL:-}" ] && [ -n "${DCA_CODE:-}" ]; then
  # DCA_CODE and DCA_PROXY reach dca through the environment (see "dca activate --help").
  if [ -n "${DCA_CA_FINGERPRINT:-}" ]; then
    "$bin_dir/dca" activate --hub "$DCA_HUB_URL" --ca-fingerprint "$DCA_CA_FINGERPRINT" --state "$state_dir"
  else
    "$bin_dir/dca" activate --hub "$DCA_HUB_URL" --state "$state_dir"
  fi
fi

install -o root -g wheel -m 0644 "$here/com.dca.agent.plist" "$plist"
launchctl bootstrap system "$plist"
echo "dca install: $label started; logs in /Library/Logs/dca.log, state in $state_dir"
