#!/usr/bin/env bash
# Builds and runs the libFuzzer targets in Fuzz/ (see the Makefile's fuzz targets).
#
#   Fuzz/fuzz.sh build            the MemoryGraph library with ASan and coverage, then each target
#   Fuzz/fuzz.sh run SECONDS      build, then run each target for SECONDS on a copy of its corpus
#   Fuzz/fuzz.sh seeds            build, then regenerate Fuzz/Corpus from the library's encoders
#
# Everything is built in .build-fuzz; crash inputs go to .build-fuzz/artifacts. `run` exits
# non-zero when any target finds a crash, a leak, a timeout or an out-of-memory input.
set -euo pipefail
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
SWIFTC=${SWIFTC:-${SWIFT}c}
SCRATCH=.build-fuzz
TARGETS=(NodeRecord StorageKey DumpLine)

build() {
    # One combined flag: swiftc keeps only the last of several -sanitize= options.
    "$SWIFT" build --scratch-path "$SCRATCH" -Xswiftc -sanitize=fuzzer,address --target MemoryGraph
    local debug="$SCRATCH/debug"
    find "$debug/" -path '*.build/*.o' | sed 's/.*/"&"/' >"$SCRATCH/objects.rsp"
    # The C module maps (CLMDB and the dependencies' shims) the library was compiled with.
    local modules
    modules=$(awk '/^  "C\.MemoryGraph-[^"]*-debug\.module":/ { found = 1 } found && /^    args:/ { print; exit }' \
        "$SCRATCH/debug.yaml" | grep -o '"-fmodule-map-file=[^"]*"\|"-I","-Xcc","[^"]*"' | tr -d '"' |
        sed 's/^-I,-Xcc,/-I/; s/^/-Xcc /')
    mkdir -p "$SCRATCH/fuzzers"
    for target in "${TARGETS[@]}"; do
        echo "building $SCRATCH/fuzzers/$target"
        # shellcheck disable=SC2086 # $modules holds several options
        "$SWIFTC" -sanitize=fuzzer,address -use-ld=lld -parse-as-library -g -swift-version 6 \
            -enable-upcoming-feature ExistentialAny -enable-upcoming-feature InternalImportsByDefault \
            -enable-upcoming-feature MemberImportVisibility \
            -warnings-as-errors -module-name "${target}Fuzzer" -I "$debug/Modules" $modules \
            "Fuzz/${target}Fuzzer.swift" Fuzz/Support/*.swift @"$SCRATCH/objects.rsp" -llmdb \
            -o "$SCRATCH/fuzzers/$target"
    done
}

run() {
    local seconds=$1 failed=()
    mkdir -p "$SCRATCH/artifacts" "$SCRATCH/logs"
    for target in "${TARGETS[@]}"; do
        local corpus="$SCRATCH/corpus/$target" log="$SCRATCH/logs/$target.log"
        rm -rf "$corpus"
        mkdir -p "$corpus"
        cp Fuzz/Corpus/"$target"/* "$corpus"/
        local options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
            -artifact_prefix="$SCRATCH/artifacts/$target-")
        [ -f "Fuzz/$target.dict" ] && options+=(-dict="Fuzz/$target.dict")
        echo "fuzzing $target for ${seconds}s (log: $log)"
        # Without the Swift backtracer a failed check is reported by libFuzzer itself, not by
        # the backtracer tripping over ASan.
        if SWIFT_BACKTRACE=enable=no "$SCRATCH/fuzzers/$target" "${options[@]}" "$corpus" >"$log" 2>&1; then
            grep -E '^stat::number_of_executed_units|^Done' "$log" | tr '\n' ' '
            echo
        else
            failed+=("$target")
            grep -E 'Precondition failed|Fatal error|ERROR|Test unit written|SUMMARY' "$log" || tail -20 "$log"
        fi
    done
    if [ ${#failed[@]} -gt 0 ]; then
        echo "crashes found by: ${failed[*]}; inputs in $SCRATCH/artifacts" >&2
        exit 1
    fi
}

seeds() {
    for target in "${TARGETS[@]}"; do
        rm -rf "Fuzz/Corpus/$target"
        FUZZ_WRITE_SEEDS="Fuzz/Corpus/$target" "$SCRATCH/fuzzers/$target"
        echo "Fuzz/Corpus/$target: $(ls "Fuzz/Corpus/$target" | wc -l) seeds"
    done
}

case "${1:-}" in
build) build ;;
run)
    build
    run "${2:?usage: Fuzz/fuzz.sh run SECONDS}"
    ;;
seeds)
    build
    seeds
    ;;
*)
    echo "usage: Fuzz/fuzz.sh build | run SECONDS | seeds" >&2
    exit 2
    ;;
esac
