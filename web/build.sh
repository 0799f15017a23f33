#!/bin/sh
# Rebuild por/serve/static/verify.js from web/src: one esbuild bundle (an IIFE defining the global
# PorVerify, so it also runs from file:// and under Node's vm), byte-for-byte reproducible: pinned
# esbuild and @noble versions (package-lock.json), no timestamps, no source maps, sorted inputs.
set -eu
cd "$(dirname "$0")"
[ -x node_modules/.bin/esbuild ] || npm ci --no-audit --no-fund --ignore-scripts
OUT=${1:-../por/serve/static/verify.js}
mkdir -p "$(dirname "$OUT")"
node_modules/.bin/esbuild src/index.js --bundle --format=iife --global-name=PorVerify \
  --target=es2020 --charset=utf8 --legal-comments=none --log-level=warning --outfile="$OUT"
