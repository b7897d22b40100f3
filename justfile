# Switchboard developer commands. `just --list` shows them all.

set shell := ["bash", "-euo", "pipefail", "-c"]

export TEST_DATABASE_URL := env_var_or_default("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")

# Install missing tools (idempotent).
setup:
    bash scripts/setup.sh

# Build the dashboard into frontend/dashboard/dist.
build-dashboard:
    bash scripts/build-dashboard.sh

# Build the chat widget (loader and frame) into frontend/widget/dist.
build-widget:
    bash scripts/build-widget.sh

# Run server + dashboard on http://127.0.0.1:8080 with the embedded SQLite database in ./data,
# and the demo shop with the demo workspace's chat widget on http://127.0.0.1:8081.
run: build-dashboard build-widget
    cargo build --release -p switchboard-api
    DASHBOARD_DIR=frontend/dashboard/dist WIDGET_DIR=frontend/widget/dist DEMO_SITE_BIND=${DEMO_SITE_BIND:-127.0.0.1:8081} ./target/release/api

# Every test: formatting, lints, unit, integration (SQLite + PostgreSQL), schema fuzz, browser.
test: lint unit integration fuzz e2e

# Formatting and clippy (server and dashboard).
lint:
    cargo fmt --all --check
    cargo clippy --quiet -p switchboard-types -p switchboard-api -p switchboard-bench --all-targets -- -D warnings
    cargo clippy --quiet -p dashboard -p widget -p switchboard-media --target wasm32-unknown-unknown -- -D warnings

# Unit tests beside the code.
unit:
    cargo nextest run --no-fail-fast -p switchboard-types -p switchboard-api --lib --bins
    cargo nextest run --no-fail-fast -p dashboard -p widget --bins

# Integration tests against the real binary, on SQLite and on PostgreSQL.
integration:
    bash scripts/services.sh
    cargo nextest run --no-fail-fast -p switchboard-api --test api

# Schemathesis drives the real server from api-spec/openapi.json, on SQLite and on PostgreSQL.
fuzz:
    bash scripts/services.sh
    cargo build -p switchboard-api
    bash scripts/schema-fuzz.sh

# Browser tests in Debian's Chromium against the real server and the built dashboard.
e2e: build-dashboard build-widget
    cargo build -p switchboard-api
    cd e2e && node --test --test-concurrency=1 tests/

# Regenerate api-spec/openapi.json from the code.
spec:
    cargo run --quiet -p switchboard-api --bin api -- openapi > api-spec/openapi.json

# Format the code.
fmt:
    cargo fmt --all

# Benchmarks (never run as tests): the conversations API at 100k conversations / 1M messages,
# 15,000 idle visitor sockets, and visitor -> dashboard latency at 2,000 msg/s on SQLite,
# PostgreSQL, and two processes + Redis (PostgreSQL over TCP and over its Unix socket); then the
# dashboard in Chromium (first paint, visitor message -> bubble, scrolling 100k conversations)
# and the widget in Chromium (launcher after load, open after click, typed message -> ack); and
# WhatsApp (signed webhooks at 500/s -> dashboard event, agent replies at 80/s -> Graph API).
# Figures go in docs/benchmarks.md.
bench:
    bash scripts/services.sh
    cargo build --release -p switchboard-api -p switchboard-bench
    ./target/release/bench-conversations
    ./target/release/bench-realtime idle --sockets 15000
    ./target/release/bench-realtime throughput --backend sqlite
    ./target/release/bench-realtime throughput --backend postgres
    ./target/release/bench-realtime throughput --backend postgres --pg-socket /var/run/postgresql
    ./target/release/bench-realtime throughput --backend redis2
    ./target/release/bench-realtime throughput --backend redis2 --pg-socket /var/run/postgresql
    ./target/release/bench-whatsapp
    bash scripts/build-widget.sh
    bash scripts/build-dashboard.sh
    cargo build -p switchboard-api
    cd e2e && node bench/dashboard.mjs
    cd e2e && node bench/widget.mjs
