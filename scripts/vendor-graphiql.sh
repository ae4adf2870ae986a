#!/usr/bin/env bash
# Refresh the GraphiQL playground's vendored assets (src/http/graphiql/) from the
# npm registry at the pinned versions below: production builds only, each
# package's licence beside them, and MANIFEST with the registry's integrity
# of every package tarball (checked here before anything is copied).
# The server serves these files from the binary; nothing is fetched at run time.
#   scripts/vendor-graphiql.sh            # re-fetch at the pinned versions
# To upgrade, change a version here, run it, and commit src/http/graphiql/.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=src/http/graphiql
# GraphiQL 3 is the last line with a browser (UMD) build; it needs React 18.
PACKAGES=(graphiql@3.8.3 react@18.3.1 react-dom@18.3.1 graphql-ws@5.16.2)
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"
: > "$TMP/MANIFEST"
for spec in "${PACKAGES[@]}"; do
  name=${spec%@*}; version=${spec##*@}
  (cd "$TMP" && npm pack --silent "$spec" >/dev/null)
  tgz="$TMP/$name-$version.tgz"
  want=$(npm view "$spec" dist.integrity)
  got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
  [ "$want" = "$got" ] || { echo "$spec: integrity $got, the registry says $want" >&2; exit 1; }
  mkdir -p "$TMP/$name" && tar xzf "$tgz" -C "$TMP/$name"
  echo "$spec $want" >> "$TMP/MANIFEST"
done
P() { echo "$TMP/$1/package/$2"; }
cp "$(P react umd/react.production.min.js)" "$OUT/react.production.min.js"
cp "$(P react-dom umd/react-dom.production.min.js)" "$OUT/react-dom.production.min.js"
cp "$(P graphiql graphiql.min.js)" "$OUT/graphiql.min.js"
cp "$(P graphiql graphiql.min.css)" "$OUT/graphiql.min.css"
cp "$(P graphql-ws umd/graphql-ws.min.js)" "$OUT/graphql-ws.min.js"
# Source map comments point at files not shipped: drop them.
sed -i '/^\/\/# sourceMappingURL=/d' "$OUT"/*.js
sed -i 's|/\*# sourceMappingURL=[^*]*\*/||' "$OUT/graphiql.min.css"
cp "$(P graphiql LICENSE)" "$OUT/LICENSE-graphiql"
cp "$(P react LICENSE)" "$OUT/LICENSE-react"
cp "$(P react-dom LICENSE)" "$OUT/LICENSE-react-dom"
cp "$(P graphql-ws LICENSE.md)" "$OUT/LICENSE-graphql-ws"
cp "$TMP/MANIFEST" "$OUT/MANIFEST"
ls -l "$OUT"
