#!/usr/bin/env bash
# SPEC §6 benchmarks: builds release binaries, generates the data (once, in bench/data/),
# runs every measurement and prints the figures. Needs cargo, python3 and jq; strace is used
# when present. Usage: bench/run.sh   (BENCH_RUNS=N for more runs; default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
data=bench/data
mkdir -p "$data"

echo "building release binaries…" >&2
cargo build --release --locked --quiet --bin paindiary --example bench_parse

gen() { [ -e "$2" ] || { echo "generating $2…" >&2; python3 bench/gen.py "$@"; }; }
gen big "$data/big.json" 1000000
gen many "$data/many" 10000
gen big "$data/log-100000.json" 100000
gen big "$data/log-200000.json" 200000

python3 bench/measure.py target/release/paindiary target/release/examples/bench_parse "$data"
