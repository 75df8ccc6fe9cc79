#!/bin/sh
# Builds the libFuzzer target for the header collector, classifier and sanitizer and runs it.
# Usage: Fuzz/run.sh [seconds]   (default 120). Findings land in .build/fuzz/crashes/.
set -eu
cd "$(dirname "$0")/.."
out=.build/fuzz
mkdir -p "$out/corpus" "$out/crashes"
flags="-sanitize=fuzzer,address -parse-as-library -O -g"
# CDNTopCore as a library of its own, so the collector's `import CDNTopCore` resolves.
swiftc $flags -module-name CDNTopCore -emit-module -emit-module-path "$out/CDNTopCore.swiftmodule" \
    -emit-library -static -o "$out/libCDNTopCore.a" $(find Sources/CDNTopCore -name '*.swift')
swiftc $flags -I "$out" -L "$out" -lCDNTopCore -module-name HeaderFuzz \
    Sources/Probe/ResponseHeaderCollector.swift Fuzz/HeaderFuzzEntry.swift -o "$out/header-fuzz"
printf 'Server: cloudflare\r\nCF-Cache-Status: HIT\033]0;x\007\r\n\r\nServer: nginx\r\n' > "$out/corpus/seed"
"$out/header-fuzz" -max_total_time="${1:-120}" -max_len=4096 -artifact_prefix="$out/crashes/" "$out/corpus"
