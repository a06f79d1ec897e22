#!/bin/sh
# Copy the dist files of the pinned npm packages into static/vendor/ (run after npm install).
set -eu
cd "$(dirname "$0")/.."
src=node_modules
dst=static/vendor
rm -rf "$dst"
mkdir -p "$dst/bootstrap" "$dst/bootstrap-icons/fonts" "$dst/chart.js" "$dst/jsvectormap/maps"
cp "$src/bootstrap/dist/css/bootstrap.min.css" "$src/bootstrap/dist/css/bootstrap.min.css.map" "$dst/bootstrap/"
cp "$src/bootstrap/dist/js/bootstrap.bundle.min.js" "$src/bootstrap/dist/js/bootstrap.bundle.min.js.map" "$dst/bootstrap/"
cp "$src/bootstrap/LICENSE" "$dst/bootstrap/"
cp "$src/bootstrap-icons/font/bootstrap-icons.min.css" "$dst/bootstrap-icons/"
cp "$src/bootstrap-icons/font/fonts/bootstrap-icons.woff2" "$src/bootstrap-icons/font/fonts/bootstrap-icons.woff" "$dst/bootstrap-icons/fonts/"
cp "$src/bootstrap-icons/LICENSE" "$dst/bootstrap-icons/"
cp "$src/chart.js/dist/chart.umd.min.js" "$dst/chart.js/"
cp "$src/chart.js/LICENSE.md" "$dst/chart.js/"
cp "$src/jsvectormap/dist/jsvectormap.min.js" "$src/jsvectormap/dist/jsvectormap.min.css" "$dst/jsvectormap/"
cp "$src/jsvectormap/dist/maps/world.js" "$dst/jsvectormap/maps/"
cp "$src/jsvectormap/LICENSE" "$dst/jsvectormap/" 2>/dev/null || true
# Country flags as SVG (emoji flags show as two letters where the system has no emoji font):
# the 4:3 flag of each two-letter country code.
mkdir -p "$dst/flag-icons/4x3"
cp "$src"/flag-icons/flags/4x3/??.svg "$dst/flag-icons/4x3/"
cp "$src/flag-icons/LICENSE" "$dst/flag-icons/"
# axe-core checks accessibility in the browser tests only: it is not served with the portal.
tests=cooperation/tests/vendor/axe-core
rm -rf "$tests"
mkdir -p "$tests"
cp "$src/axe-core/axe.min.js" "$src/axe-core/LICENSE" "$src/axe-core/LICENSE-3RD-PARTY.txt" "$tests/"
echo "vendored into $dst and $tests:"; find "$dst" "$tests" -type f | sort | grep -v flag-icons/4x3/
