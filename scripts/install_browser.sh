#!/usr/bin/env bash
# Debian's Chromium and its driver for the browser tests (tests/e2e/). Idempotent and quiet:
# nothing happens when both are already there. Needs root (CI runs as root) or sudo.
# The browser is never downloaded by Playwright: the tests launch /usr/bin/chromium.
set -euo pipefail

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo -n"
    else
        echo "install_browser.sh: not root and no sudo; install chromium and chromium-driver (Debian) by hand" >&2
        exit 1
    fi
fi

echo "install_browser.sh: installing Debian's chromium and chromium-driver"
export DEBIAN_FRONTEND=noninteractive
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! { $SUDO apt-get update -qq -o DPkg::Lock::Timeout=300 &&
       $SUDO apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 chromium chromium-driver; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "install_browser.sh: apt-get failed" >&2
    exit 1
fi
/usr/bin/chromium --version 2>/dev/null | grep -i chromium
