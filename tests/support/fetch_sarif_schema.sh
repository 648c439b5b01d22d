#!/bin/sh
# Fetch the official SARIF 2.1.0 JSON schema (rtm.5) for the report tests.
# It ships inside the npm package @microsoft/jest-sarif; `npm pack` downloads the
# tarball without installing anything, and we keep that one file.
# Usage: tests/support/fetch_sarif_schema.sh [DEST]  (default tests/artifacts/sarif-2.1.0-rtm.5.json)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
dest=${1:-"$here/../artifacts/sarif-2.1.0-rtm.5.json"}
member=package/lib/schemas/sarif-2.1.0-rtm.5.json

command -v npm >/dev/null 2>&1 || { echo "fetch_sarif_schema: npm is not installed" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

(cd "$tmp" && npm pack --silent @microsoft/jest-sarif >/dev/null)
tarball=$(ls "$tmp"/*.tgz)
tar -xzf "$tarball" -C "$tmp" "$member"

mkdir -p "$(dirname "$dest")"
# Copy then rename, so a concurrent reader never sees a partial file.
cp "$tmp/$member" "$dest.tmp.$$"
mv "$dest.tmp.$$" "$dest"
echo "fetch_sarif_schema: wrote $dest"
