#!/usr/bin/env bash
# Runs every test of unionfed: formatting, lints, the Rust test suites, the
# pages in headless Chromium (installing Debian's chromium and the npm
# packages it needs), the independent verifier of the protocol test vectors,
# and a short fuzz run of every decoder. This is the README's test command;
# CI runs it via .ci/run.
#
# Environment:
#   FUZZ_SECONDS  seconds per fuzz target (default 10; 0 skips fuzzing)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

# Installs Debian packages a step needs, as root; otherwise says which.
# The package lists are fetched once per run, by the first step that needs one.
apt_updated=""
as_root_apt() {
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        if [ -z "$apt_updated" ]; then
            apt-get update -qq
            apt_updated=1
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
    else
        echo "install $* (sudo apt-get install $*) and run again" >&2
        exit 1
    fi
}

FUZZ_SECONDS="${FUZZ_SECONDS:-10}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

# A minimal Rust toolchain may lack the formatter and the linter.
for tool in rustfmt clippy; do
    if ! cargo "${tool/rustfmt/fmt}" --version >/dev/null 2>&1; then
        rustup component add "$tool" || {
            echo "install $tool (rustup component add $tool) and run again" >&2
            exit 1
        }
    fi
done

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test"
cargo test --workspace

step "browser tests: the demo in headless Chromium, every page checked by axe-core"
command -v chromium >/dev/null 2>&1 || as_root_apt chromium
command -v npm >/dev/null 2>&1 || as_root_apt nodejs npm
(cd tests/browser && npm ci --no-audit --no-fund --silent)
cargo build --quiet -p unionfed-node --bin unionfed
UNIONFED_BIN=target/debug/unionfed SCREENSHOT_DIR=target/browser-screenshots node tests/browser/run.mjs

step "protocol test vectors, checked by an independent Python verifier"
venv=target/interop-venv
if [ ! -x "$venv/bin/python" ]; then
    if ! python3 -m venv "$venv" 2>/dev/null; then
        # Debian's own python3 needs python3-venv for this.
        as_root_apt python3 python3-venv
        rm -rf "$venv"
        python3 -m venv "$venv"
    fi
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r protocol/interop/requirements.txt
"$venv/bin/python" protocol/interop/verify_vectors.py

if [ "$FUZZ_SECONDS" -gt 0 ]; then
    step "fuzz every protocol decoder for ${FUZZ_SECONDS}s each"
    # libFuzzer, which cargo-fuzz links, is C++.
    command -v c++ >/dev/null 2>&1 || as_root_apt g++
    if ! command -v cargo-fuzz >/dev/null 2>&1; then
        cargo install cargo-fuzz --locked --quiet
    fi
    # cargo-fuzz needs unstable sanitizer flags; the stable toolchain allows
    # them with RUSTC_BOOTSTRAP for this build only.
    (
        cd protocol
        export RUSTC_BOOTSTRAP=1
        mkdir -p ../target/fuzz-logs
        for target in $(cargo fuzz list); do
            log="../target/fuzz-logs/$target.log"
            if ! cargo fuzz run "$target" -- -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 >"$log" 2>&1; then
                tail -n 60 "$log"
                echo "fuzz target $target failed; the crashing input is under protocol/fuzz/artifacts/$target/"
                exit 1
            fi
            printf '%s: %s\n' "$target" "$(grep -E '^Done' "$log")"
        done
    )
fi

step "all tests passed"
