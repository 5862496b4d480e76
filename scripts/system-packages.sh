#!/usr/bin/env bash
# Install the Debian packages the portal needs, only where missing (called by `make setup`).
#
# - chromium: the browser Playwright drives in e2e tests (Playwright's own download is not used)
# - libpango-1.0-0, libpangoft2-1.0-0, libharfbuzz-subset0, fonts-dejavu-core: WeasyPrint (PDFs)
# - fonts-symbola: emoji and symbols in PDFs (DejaVu has none; fontconfig falls back to it by itself)
# - fonts-wqy-zenhei, fonts-noto-core: names and answers in PDFs in the scripts DejaVu lacks: Chinese,
#   Japanese and Korean (WenQuanYi); Bengali, Devanagari, Gurmukhi, Gujarati, Tamil, Telugu, Kannada,
#   Malayalam, Sinhala, Thai, Lao, Khmer, Burmese, Tibetan and Ethiopic (Noto)
# - libatomic1: Playwright's bundled node driver needs it on a bare machine
# - clamav-daemon: upload scanning (the tests start clamd themselves with a local signature DB)
# - nodejs and npm: only when there is no `npm` at all
# - python3-venv: only when the Python used for .venv cannot create a virtual environment
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libatomic1 fonts-dejavu-core
  fonts-symbola fonts-wqy-zenhei fonts-noto-core clamav-daemon)

if ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null; then
  packages+=(python3 python3-venv)
elif ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
  packages+=(python3-venv)
fi

exec scripts/apt-install.sh "${packages[@]}"
