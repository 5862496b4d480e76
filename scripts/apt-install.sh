#!/usr/bin/env bash
# Install the given Debian packages, but only those not already installed.
#
#   scripts/apt-install.sh PACKAGE...
#
# Runs `apt-get update` once, and only when something is missing. Uses sudo only when not root.
# Services in the packages (clamav-daemon, clamav-freshclam, postgresql) are not started by the
# install: the project's tests and .ci/run start what they need themselves.
set -euo pipefail

# No pipe: `dpkg -s PKG | grep -q` failed now and then under pipefail for a package with a long
# description (grep quit at the Status line, and dpkg got SIGPIPE), and an installed package was
# installed again.
is_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == installed ]]
}

missing=()
for pkg in "$@"; do
  is_installed "$pkg" || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=()
if [[ "$(id -u)" -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "apt-install: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi

echo "apt-install: installing ${missing[*]}"

# Keep packages from starting their daemons during the install (Debian's policy-rc.d mechanism),
# unless the machine already has a policy of its own.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
  "${sudo[@]}" chmod 755 "$policy"
  made_policy=1
fi
cleanup() { if [[ $made_policy -eq 1 ]]; then "${sudo[@]}" rm -f "$policy"; fi; }
trap cleanup EXIT

"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
