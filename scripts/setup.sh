#!/usr/bin/env bash
# Installs everything Los needs into this checkout: a Python 3.12+ virtualenv at .venv with the
# locked packages, the front-end packages from the npm lock file (vendored into static/), compiled
# translations and the database schema. Safe to run again: it only redoes what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

find_python() {
  local candidates=(python3.14 python3.13 python3.12 python3 python)
  local pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
  for dir in "$pyenv_root"/versions/3.1[2-9]*; do [ -x "$dir/bin/python3" ] && candidates+=("$dir/bin/python3"); done
  for c in "${candidates[@]}"; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys, venv, sqlite3; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
      command -v "$c"; return 0
    fi
  done
  return 1
}

# System libraries WeasyPrint needs for PDF letters (Pango) and fonts; installed with apt when missing.
if ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0; then
  if command -v apt-get >/dev/null 2>&1; then
    say "Installing Pango and fonts for PDF generation (apt)"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null
  else
    echo "Please install Pango (libpango-1.0-0, libpangoft2-1.0-0) for PDF generation." >&2
  fi
fi

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
  PYTHON=$(find_python) || { echo "Los needs Python 3.12 or newer (Django 6). Install it (e.g. pyenv install 3.12) and run again." >&2; exit 1; }
  say "Creating .venv with $PYTHON"
  rm -rf .venv
  "$PYTHON" -m venv .venv
fi

lock_sum=$(sha256sum requirements.lock pyproject.toml | sha256sum | cut -c1-16)
if [ "$(cat .venv/.los-lock 2>/dev/null)" != "$lock_sum" ]; then
  say "Installing Python packages from requirements.lock"
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes -r requirements.lock
  echo "$lock_sum" > .venv/.los-lock
fi

npm_sum=$(sha256sum package-lock.json scripts/vendor-assets.mjs | sha256sum | cut -c1-16)
if [ "$(cat node_modules/.los-lock 2>/dev/null)" != "$npm_sum" ] || [ ! -d static/vendor ]; then
  say "Installing front-end packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
  node scripts/vendor-assets.mjs
  echo "$npm_sum" > node_modules/.los-lock
fi

# The local OpenID Connect provider of the demo and the tests (idp/: ID-porten's TestID and a municipality's
# staff log-in), from its own lock file into idp/node_modules.
idp_sum=$(sha256sum idp/package-lock.json | cut -c1-16)
if [ "$(cat idp/node_modules/.los-lock 2>/dev/null)" != "$idp_sum" ]; then
  say "Installing the local OpenID Connect provider from idp/package-lock.json"
  npm ci --prefix idp --no-audit --no-fund --loglevel=error
  echo "$idp_sum" > idp/node_modules/.los-lock
fi

say "Compiling translations"
.venv/bin/python manage.py compile_translations
