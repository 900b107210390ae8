#!/usr/bin/env bash
# One command from a fresh clone to the whole stack on the local emulator: installs what is
# missing, starts the emulator if none runs, `up`, seeds sample products into an empty table,
# publishes the storefront and prints where everything is. Safe and fast to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ]; then npm ci --no-audit --no-fund; else npm run --silent build; fi
p1() { node bin/projet1.js "$@"; }
p1 emulator install >&2
endpoint=$(p1 emulator start)
export AWS_ENDPOINT_URL="$endpoint"
p1 up --yes "$@" >/dev/null
count=$(p1 products list --limit 1 --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).count))')
if [ "$count" = "0" ]; then p1 products seed --count 60 --seed 42 >/dev/null; fi
site=$(p1 deploy-website)
api=$(p1 outputs --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).outputs.apiUrl))')
state=$(node -e 'import("./dist/src/paths.js").then(m=>console.log(m.stateDir()))')
cat <<MSG

The stack runs on the local emulator ($endpoint, HTTPS with a self-signed certificate).
  Website      $site
               curl --cacert $state/ministack-tls/server.crt $site
               (a browser warns once about the emulator's certificate; accept it, or trust the certificate)
  API          $api
  Admin token  node bin/projet1.js admin-token show
  Certificate  $state/ministack-tls/server.crt   (curl --cacert …, AWS_CA_BUNDLE=…, NODE_EXTRA_CA_CERTS=…)

Next:
  export AWS_ENDPOINT_URL=$endpoint
  node bin/projet1.js status          # or: npx projet1 status
  node bin/projet1.js down --yes      # tear the stack down
  node bin/projet1.js emulator stop   # stop the emulator (its state is kept for the next start)
MSG
