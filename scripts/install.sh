#!/usr/bin/env bash
# Installs aeic under PREFIX (default /usr/local): the binary with its model bundles, the man
# page (swift-argument-parser's generate-manual plugin) and bash, zsh and fish completions
# (the binary's own --generate-completion-script).
#
#   scripts/install.sh [PREFIX]        # e.g. scripts/install.sh ~/.local
#
# The models ship as SwiftPM resource bundles, which the binary finds beside itself, so they
# go to PREFIX/bin with it.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-/usr/local}
swift build -c release
mkdir -p "$prefix/bin" "$prefix/share/man/man1" "$prefix/share/bash-completion/completions" \
         "$prefix/share/zsh/site-functions" "$prefix/share/fish/vendor_completions.d"
install -m 755 .build/release/aeic "$prefix/bin/aeic"
for bundle in .build/release/aeic_*.resources; do
    rm -rf "$prefix/bin/$(basename "$bundle")"
    cp -R "$bundle" "$prefix/bin/"
done
manual=$(mktemp -d)
swift package --allow-writing-to-directory "$manual" generate-manual --output-directory "$manual" >/dev/null
install -m 644 "$manual/aeic.1" "$prefix/share/man/man1/aeic.1"
rm -rf "$manual"
"$prefix/bin/aeic" --generate-completion-script bash > "$prefix/share/bash-completion/completions/aeic"
"$prefix/bin/aeic" --generate-completion-script zsh > "$prefix/share/zsh/site-functions/_aeic"
"$prefix/bin/aeic" --generate-completion-script fish > "$prefix/share/fish/vendor_completions.d/aeic.fish"
echo "installed aeic in $prefix/bin, its man page and completions under $prefix/share"
