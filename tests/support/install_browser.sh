#!/bin/sh
# The browser test of the data-flow page needs Chromium: Debian's package, installed once.
set -e
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ]; then sudo_=""; else sudo_="sudo"; fi
$sudo_ apt-get update -qq >/dev/null
$sudo_ apt-get install -y -qq chromium >/dev/null
