#!/usr/bin/env bash
# One command from a fresh clone to the whole stack on the local emulator: installs what is
# missing, starts the emulator if none runs, `up`, seeds sample products into an empty table,
# publishes the storefront and prints where everything is. Safe and fast to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
# The build (tsc + bundle, ~17 s) runs only when a source is newer than the last build: a second
# run that changes nothing should not pay for it. dist/.built marks a finished build.
stamp=dist/.built
sources=(src handlers test bench scripts tsconfig.json package.json package-lock.json)
if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
  touch "$stamp"
elif [ ! -f "$stamp" ] || [ -n "$(find "${sources[@]}" -newer "$stamp" -type f -print -quit 2>/dev/null)" ]; then
  echo "Building (sources changed since the last build)…" >&2
  npm run --silent build
  touch "$stamp"
fi
p1() { node bin/projet1.js "$@"; }
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{let v=JSON.parse(s);for(const k of process.argv[1].split("."))v=v[k];console.log(v??"")})' "$1"; }
# A --json run that fails prints its error as JSON on stdout: show it as the CLI would.
p1json() {
  local out
  if ! out=$(p1 "$@" --json); then
    node -e 'const e=JSON.parse(process.argv[1]).error??{};console.error(`Error: ${e.message}`+(e.hint?`\nHint: ${e.hint}`:""))' "$out" || echo "$out" >&2
    return 1
  fi
  echo "$out"
}
started=$(p1json emulator start) # installs MiniStack first when it is missing
endpoint=$(json endpoint <<<"$started")
cert=$(json ca <<<"$started")
export AWS_ENDPOINT_URL="$endpoint"
# up prints the outputs in its JSON: no separate `outputs` run (each is a full observation).
upped=$(p1json up --yes "$@")
api=$(json outputs.apiUrl <<<"$upped")
count=$(p1json products list --limit 1 | json count)
if [ "$count" = "0" ]; then p1 products seed --count 60 --seed 42 >/dev/null; fi
site=$(p1 deploy-website)
cat <<MSG

The stack runs on the local emulator ($endpoint, HTTPS with a certificate made for it).
  Website      $site
               curl --cacert $cert $site
               (a browser warns once about the certificate; accept it, or trust $cert)
  API          $site/products
               (only through the site; its own URL, $api, answers 403: api.edgeOnly)
  Admin token  node bin/projet1.js admin-token show
  Certificate  $cert   (curl --cacert …, AWS_CA_BUNDLE=…, NODE_EXTRA_CA_CERTS=…)

Next (from this folder; \`npm link\` once puts \`projet1\` on your PATH instead):
  export AWS_ENDPOINT_URL=$endpoint
  node bin/projet1.js status
  node bin/projet1.js down --yes      # tear the stack down
  node bin/projet1.js emulator stop   # stop the emulator (its state is kept for the next start)
MSG
