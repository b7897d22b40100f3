#!/usr/bin/env bash
# Builds the chat widget into frontend/widget/dist: the loader (minified, served as /widget.js)
# and the chat's frame (release wasm for size, wasm-bindgen glue, wasm-opt, page and styles).
set -euo pipefail
cd "$(dirname "$0")/.."
out=frontend/widget/dist
cargo build --quiet -p widget --profile wasm --target wasm32-unknown-unknown
rm -rf "$out.tmp" && mkdir -p "$out.tmp"
wasm-bindgen --target web --no-typescript --out-dir "$out.tmp" target/wasm32-unknown-unknown/wasm/widget.wasm
.tools/node_modules/.bin/wasm-opt -Oz \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  -o "$out.tmp/widget_bg.wasm" "$out.tmp/widget_bg.wasm"
.tools/node_modules/.bin/terser frontend/widget/loader.js --compress --mangle -o "$out.tmp/loader.js"
cp frontend/widget/frame.html frontend/widget/style.css "$out.tmp/"
rm -rf "$out" && mv "$out.tmp" "$out"
# Budgets (docs/benchmarks.md): the loader 3 KB gzip, everything the chat downloads on first
# open 80 KB gzip.
gz() { cat "$@" | gzip -9 | wc -c; }
loader=$(gz "$out/loader.js")
first_open=$(($(gz "$out/frame.html") + $(gz "$out/style.css") + $(gz "$out/widget.js") + $(gz "$out/widget_bg.wasm")))
echo "widget built in $out: loader $loader bytes gzip (budget 3000), first open $first_open bytes gzip (budget 80000)"
