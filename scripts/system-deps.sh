#!/usr/bin/env bash
# Install the Debian packages HallQ needs, if they are missing.
#   scripts/system-deps.sh run    espeak-ng + sox (voice clips), a CJK font (ticket previews), node/npm
#   scripts/system-deps.sh test   the above, plus Chromium for the browser tests
set -euo pipefail

want=()
need() { command -v "$1" >/dev/null 2>&1 || want+=("$2"); }
need espeak-ng espeak-ng
need sox sox
need npm npm
[ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || want+=(fonts-wqy-zenhei)
if [ "${1:-run}" = "test" ]; then
  need chromium chromium
  need chromedriver chromium-driver
fi

[ ${#want[@]} -eq 0 ] && exit 0
echo "installing system packages: ${want[*]}"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${want[@]}"
    exit 0
  fi
  echo "please install as root: apt-get install ${want[*]}" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${want[@]}" >/dev/null
