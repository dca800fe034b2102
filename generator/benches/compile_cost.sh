#!/usr/bin/env bash
# The cost users pay on every build: clean `cargo check` / `cargo build` time
# and peak memory of the SDK generated from the real corpus, and the size of a
# small program's release binary, side by side with graph-rs-sdk 3.0.1 (the
# anchor, from crates.io), all in one run on the same machine.
#
#   bash generator/benches/compile_cost.sh [WORK_DIR]
#
# `cargo bench` cannot time rustc, hence a script. Needs the corpus at
# ../shared/corpus/graph-docs-2021 (skips with a notice without it) and
# crates.io for graph-rs-sdk (its rows are left out when it cannot be fetched).
# Prints a Markdown table; the raw `/usr/bin/time -v` logs stay in WORK_DIR.
#
# Peak memory is the largest resident set of any process of the build (GNU
# time reports the children's maximum), i.e. the biggest rustc.
#
# Breakdown of where rustc spends its time, for one crate:
#   RUSTC_BOOTSTRAP=1 cargo rustc --lib -- -Z time-passes
# (see the README, "Compile cost").
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
corpus="$repo/../shared/corpus/graph-docs-2021"
work="${1:-$repo/target/compile-cost}"
jobs="${CARGO_BUILD_JOBS:-2}"

if [ ! -d "$corpus" ]; then
    echo "notice: $corpus is absent; compile cost not measured"
    exit 0
fi
mkdir -p "$work"
cargo build -q --release -p docgen --manifest-path "$repo/Cargo.toml"
docgen="$repo/target/release/docgen"

rows=()

# measure NAME DIR CARGO-ARGS...: clean target, then the command under time -v.
measure() {
    local name="$1" dir="$2"
    shift 2
    local target="$work/target-$name"
    rm -rf "$target"
    local log="$work/$name.time"
    if ! (cd "$dir" && CARGO_TARGET_DIR="$target" /usr/bin/time -v cargo "$@" -j "$jobs" -q) \
        >"$work/$name.out" 2>"$log"; then
        echo "warning: $name failed; see $work/$name.out and $log" >&2
        rows+=("| $name | failed | | |")
        return
    fi
    local wall rss
    wall=$(grep "Elapsed (wall clock)" "$log" | awk '{print $NF}')
    rss=$(grep "Maximum resident set size" "$log" | awk '{printf "%.2f GB", $NF / 1048576}')
    rows+=("| $name | $wall | $rss | \`cargo $*\` |")
}

# binary NAME DIR BIN: the stripped size of a release binary built by `measure`.
binary() {
    local name="$1" bin="$2"
    local path="$work/target-$name/release/$bin"
    if [ -f "$path" ]; then
        strip -o "$work/$bin.stripped" "$path"
        local size
        size=$(stat -c %s "$work/$bin.stripped" | awk '{printf "%.2f MiB (%d bytes)", $1 / 1048576, $1}')
        rows+=("| $name: stripped binary | $size | | |")
    fi
}

for version in v1.0 beta; do
    sdk="$work/sdk-$version"
    "$docgen" generate --docs "$corpus/$version" --out "$sdk" >/dev/null 2>&1 || true
    measure "$version-full-check" "$sdk" check --lib --features full,client
done
measure "v1.0-users-check" "$work/sdk-v1.0" check --lib --no-default-features --features users
measure "v1.0-users-mail-sharepoint-client-check" "$work/sdk-v1.0" check --lib --no-default-features \
    --features users,outlook,sharepoint,client

# A small program: the signed-in user, users, messages, send mail, a drive's
# children. Built twice: with `client-native-tls`, the platform's TLS as
# graph-rs-sdk uses by default (the like-for-like binary), and with `client`
# (rustls, compiled into the binary).
program_for() {
    local program="$1" client="$2"
    mkdir -p "$program/src"
cat >"$program/Cargo.toml" <<EOF
[package]
name = "program"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
graph-sdk = { path = "$work/sdk-v1.0", default-features = false, features = ["users", "outlook", "sharepoint", "$client"] }
tokio = { version = "1", features = ["macros", "rt"] }

[workspace]
EOF
cat >"$program/src/main.rs" <<'EOF'
use graph_sdk::client::{Client, StaticToken};
use graph_sdk::models::{ItemBody, Message, Recipient};
use graph_sdk::operations::{me, users, SendMailBody};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = std::env::args().nth(1).unwrap_or_else(|| graph_sdk::SERVICE_ROOT.to_string());
    let client = Client::builder()
        .base_url(root)
        .token_provider(StaticToken::new("token"))
        .build()?;
    let user = client.send(&me::get()).await?;
    println!("{user:?}");
    let all = client.collect_all(users::list()).await?;
    println!("{}", all.len());
    let messages = client.send(&me::messages::list()).await?;
    println!("{}", messages.value.len());
    let body = SendMailBody {
        message: Message {
            subject: "Hello".to_string().into(),
            body: Box::new(ItemBody::text("Hi")).into(),
            to_recipients: vec![Recipient::new("a@contoso.com").into()].into(),
            ..Default::default()
        }
        .into(),
        ..Default::default()
    };
    client.send(&me::send_mail(&body)?).await?;
    let children = client.send(&me::drive::items::children::list("i")).await?;
    println!("{}", children.value.len());
    Ok(())
}
EOF
}
program_for "$work/program" client-native-tls
measure "v1.0-program-release" "$work/program" build --release
binary "v1.0-program-release" program
program_for "$work/program-rustls" client
measure "v1.0-program-rustls-release" "$work/program-rustls" build --release
binary "v1.0-program-rustls-release" program

# The anchor: graph-rs-sdk 3.0.1, the same tasks with its fluent calls.
anchor="$work/graph-rs"
mkdir -p "$anchor/src"
cat >"$anchor/Cargo.toml" <<'EOF'
[package]
name = "anchor"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
graph-rs-sdk = "=3.0.1"
serde_json = "1"
tokio = { version = "1", features = ["macros", "rt"] }

[workspace]
EOF
cat >"$anchor/src/main.rs" <<'EOF'
use graph_rs_sdk::*;

#[tokio::main(flavor = "current_thread")]
async fn main() -> GraphResult<()> {
    let client = Graph::new("token");
    let user = client.me().get_user().send().await?;
    println!("{user:?}");
    let users = client.users().list_user().send().await?;
    println!("{users:?}");
    let messages = client.me().messages().list_messages().send().await?;
    println!("{messages:?}");
    let sent = client
        .me()
        .send_mail(&serde_json::json!({
            "message": {
                "subject": "Hello",
                "body": { "contentType": "Text", "content": "Hi" },
                "toRecipients": [{ "emailAddress": { "address": "a@contoso.com" } }]
            }
        }))
        .send()
        .await?;
    println!("{sent:?}");
    let children = client.drive("d").item("i").list_children().send().await?;
    println!("{children:?}");
    Ok(())
}
EOF
if (cd "$anchor" && cargo fetch -q) 2>/dev/null; then
    measure "graph-rs-sdk-3.0.1-check" "$anchor" check
    measure "graph-rs-sdk-3.0.1-release" "$anchor" build --release
    binary "graph-rs-sdk-3.0.1-release" anchor
else
    echo "notice: graph-rs-sdk 3.0.1 could not be fetched; its rows are left out" >&2
fi

echo "| build (clean target, -j $jobs) | wall time | peak memory | command |"
echo "|---|---|---|---|"
printf '%s\n' "${rows[@]}"
