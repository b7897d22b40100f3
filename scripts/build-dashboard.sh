#!/usr/bin/env bash
# Builds the Leptos dashboard into frontend/dashboard/dist: release wasm, wasm-bindgen glue,
# wasm-opt for size, and the hand-written index.html and stylesheet.
set -euo pipefail
cd "$(dirname "$0")/.."
out=frontend/dashboard/dist
cargo build --quiet -p dashboard --release --target wasm32-unknown-unknown
rm -rf "$out.tmp" && mkdir -p "$out.tmp"
wasm-bindgen --target web --no-typescript --out-dir "$out.tmp" target/wasm32-unknown-unknown/release/dashboard.wasm
.tools/node_modules/.bin/wasm-opt -Oz \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  -o "$out.tmp/dashboard_bg.wasm" "$out.tmp/dashboard_bg.wasm"
cp frontend/dashboard/index.html frontend/dashboard/style.css "$out.tmp/"
[[ -d frontend/dashboard/assets ]] && cp -r frontend/dashboard/assets "$out.tmp/"
rm -rf "$out" && mv "$out.tmp" "$out"
echo "dashboard built: $(du -h "$out/dashboard_bg.wasm" | cut -f1) wasm in $out"
