#!/usr/bin/env bash
# Fill static/vendor/ and static/build/ from node_modules (run after `npm ci`).
#
# - static/vendor/htmx.min.js and static/vendor/govuk-frontend.min.js: copied from the pinned npm
#   packages, so nothing is loaded from a CDN and no third-party code is committed.
# - static/build/portal.css: static/src/portal.scss compiled with the npm `sass` package.
#
# Idempotent: does nothing when every output is newer than package-lock.json and the Sass sources.
# Pass --force to rebuild anyway.
set -euo pipefail

cd "$(dirname "$0")/.."

force=0
[[ "${1:-}" == "--force" ]] && force=1

if [[ ! -d node_modules/sass || ! -d node_modules/htmx.org || ! -d node_modules/govuk-frontend ]]; then
  echo "build-assets: node_modules is missing or incomplete; run 'npm ci' first" >&2
  exit 1
fi

outputs=(static/vendor/htmx.min.js static/vendor/govuk-frontend.min.js static/build/portal.css)
inputs=(package-lock.json static/src/*.scss)

up_to_date() {
  local out in
  for out in "${outputs[@]}"; do
    [[ -f "$out" ]] || return 1
    for in in "${inputs[@]}"; do
      [[ "$out" -nt "$in" ]] || return 1
    done
  done
  return 0
}

if [[ $force -eq 0 ]] && up_to_date; then
  echo "build-assets: up to date"
  exit 0
fi

mkdir -p static/vendor static/build

# Write to a temporary file, then move: an interrupted build never leaves a half-written asset.
install_file() {
  local src="$1" dest="$2"
  cp "$src" "$dest.tmp"
  mv -f "$dest.tmp" "$dest"
}

install_file node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
install_file node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/vendor/govuk-frontend.min.js

node_modules/.bin/sass \
  --load-path=node_modules \
  --style=compressed \
  --no-source-map \
  --quiet-deps \
  static/src/portal.scss static/build/portal.css.tmp
mv -f static/build/portal.css.tmp static/build/portal.css

css_bytes=$(wc -c < static/build/portal.css)
css_gzip=$(gzip -9c static/build/portal.css | wc -c)
echo "build-assets: static/vendor/htmx.min.js, static/vendor/govuk-frontend.min.js, static/build/portal.css" \
  "(${css_bytes} bytes, ${css_gzip} gzipped)"
