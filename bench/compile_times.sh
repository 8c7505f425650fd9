#!/usr/bin/env bash
# Prints how long the generator and the generated crates take, each figure with its command.
# Crate-only builds: dependencies are built first, then only the generated crate is rebuilt
# (`touch` its lib.rs), so the numbers are what an integrator pays on every change of features
# or every clean CI build of their own crate graph. Run from the workspace root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
specs_from=${1:-../shared/specs}

seconds() { local t0; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }

crate_only() { # crate profile features...
    local crate=$1 profile=$2; shift 2
    cargo build -q -p "$crate" $profile "$@" >/dev/null 2>&1
    touch "generated/$crate/src/lib.rs"
    seconds cargo build -q -p "$crate" $profile "$@"
}

cargo build -q -p xtask >/dev/null 2>&1
echo "regenerate (both crates, wall)       $(seconds cargo xtask regenerate --from "$specs_from") s   cargo xtask regenerate --from $specs_from"
for crate in magicline magicline-connect; do
    one=$(sed -n '/^\[features\]/,$p' "generated/$crate/Cargo.toml" | sed -n 's/^default = \["\([^"]*\)".*/\1/p')
    full=$(crate_only "$crate" "")
    single=$(crate_only "$crate" "" --no-default-features --features "$one")
    release=$(crate_only "$crate" "--release")
    echo "$crate debug, all features          ${full} s   cargo build -p $crate"
    echo "$crate debug, one tag ($one)  ${single} s   cargo build -p $crate --no-default-features --features $one"
    echo "$crate one tag / all                 $(awk -v a="$single" -v b="$full" 'BEGIN { printf "%.2f", a / b }')"
    echo "$crate release, all features        ${release} s   cargo build -p $crate --release"
done
