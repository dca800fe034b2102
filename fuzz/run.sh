#!/usr/bin/env bash
# Fuzzes docgen with cargo-fuzz (libFuzzer) for a bounded time per target.
#
#     fuzz/run.sh SECONDS [TARGET...]      # default: every target
#
# FUZZ_DEV=1 builds with the dev profile of fuzz/Cargo.toml (opt-level 1, no
# debug info) instead of release: CI's short runs are dominated by the build.
#
# Seeds each target's corpus from the pages in docs-input/ (whole pages for
# the page parser and the pipeline, their JSON and HTTP code blocks for the
# JSON and HTTP example parsers). cargo-fuzz needs nightly features, so this
# sets RUSTC_BOOTSTRAP=1 to use them on a stable toolchain. Exits non-zero on
# the first target that finds a crash; the input is in fuzz/artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "$0")"

seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(parse_page lenient_json http_example pipeline)
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

# Seeds: file names are the page's path with `/` turned into `__`.
for target in parse_page lenient_json http_example pipeline; do
    mkdir -p "corpus/$target"
done
while IFS= read -r page; do
    name=${page#../docs-input/}
    name=${name//\//__}
    cp "$page" "corpus/parse_page/$name"
    # The pipeline's first byte picks the folder: even for api/, odd for resources/.
    case "$name" in
        api__*) { printf 'b'; cat "$page"; } >"corpus/pipeline/$name" ;;
        *) { printf 'a'; cat "$page"; } >"corpus/pipeline/$name" ;;
    esac
    # Each fenced block of the page, by its language.
    awk -v json="corpus/lenient_json/$name" -v http="corpus/http_example/$name" '
        /^```/ {
            if (out != "") { close(out); out = ""; next }
            # The info string may follow a space: ``` http
            lang = tolower(substr($0, 4)); sub(/^[ \t]+/, "", lang); n++
            if (lang ~ /^json/) out = json "." n
            else if (lang ~ /^http/) out = http "." n
            else out = "/dev/null"
            printf "" > out
            next
        }
        out != "" { print >> out }
    ' "$page"
done < <(find ../docs-input -name '*.md' | sort)

export RUSTC_BOOTSTRAP=1
for target in "${targets[@]}"; do
    echo "fuzz: $target for ${seconds}s"
    cargo fuzz run "$target" -s none ${FUZZ_DEV:+--dev} -- \
        -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=30 -print_final_stats=1
done
