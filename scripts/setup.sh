#!/usr/bin/env bash
# Installs whatever this machine lacks to build, run and test Switchboard. Idempotent: every
# step checks first and skips what is present. `--for-tests` also installs the browser tools.
set -euo pipefail
cd "$(dirname "$0")/.."

for_tests=false
[[ "${1:-}" == "--for-tests" ]] && for_tests=true

say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

# The wasm-bindgen CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

want=$(wasm_bindgen_version)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [[ "$have" != "$want" ]]; then
  say "installing wasm-bindgen-cli $want (about 3 minutes, once)"
  # No --locked: its lock file pins a crate version this registry lacks.
  cargo install wasm-bindgen-cli --version "$want"
fi

if ! command -v just >/dev/null 2>&1; then
  say "installing just"
  pip install --quiet rust-just || npm install --global rust-just
fi

# Debian's binaryen (108) emits broken wasm; the npm build of binaryen 132 is known good.
if [[ ! -x .tools/node_modules/.bin/wasm-opt ]]; then
  say "installing binaryen 132 (wasm-opt) from npm into .tools/"
  npm install --silent --no-audit --no-fund --prefix .tools binaryen@132.0.0
fi

# The widget's loader ships minified (its budget is 3 KB gzip).
if [[ ! -x .tools/node_modules/.bin/terser ]]; then
  say "installing terser 5.51.2 (JavaScript minifier) from npm into .tools/"
  npm install --silent --no-audit --no-fund --prefix .tools terser@5.51.2
fi

if $for_tests; then
  if [[ ! -x /usr/bin/chromium ]]; then
    say "installing Debian's chromium for browser tests"
    apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
  # Screenshots of the emoji picker and of messages need a colour emoji font.
  if ! dpkg -s fonts-noto-color-emoji >/dev/null 2>&1; then
    say "installing Debian's colour emoji font for browser screenshots"
    apt-get install -y -qq fonts-noto-color-emoji >/dev/null
  fi
  if [[ ! -d e2e/node_modules/playwright-core ]]; then
    say "installing the browser-test driver (playwright-core, no browser download)"
    npm ci --silent --no-audit --no-fund --prefix e2e
  fi
  # The schema fuzzer, pinned, in its own virtual environment under .tools/.
  if [[ ! -x .tools/fuzz-venv/bin/schemathesis ]]; then
    say "installing schemathesis 4.32.5 (schema fuzzer) into .tools/fuzz-venv"
    python3 -m venv .tools/fuzz-venv
    .tools/fuzz-venv/bin/pip install --quiet --disable-pip-version-check schemathesis==4.32.5
  fi
  if ! command -v cargo-nextest >/dev/null 2>&1; then
    say "installing cargo-nextest"
    cargo install cargo-nextest --locked
  fi
fi
say "tools ready"
