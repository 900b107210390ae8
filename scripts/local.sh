#!/usr/bin/env bash
# One command from a fresh clone to a running stack on the local emulator:
# installs npm dependencies, builds, installs and starts MiniStack, runs `projet1 up`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ]; then npm ci --no-audit --no-fund; else npm run --silent build; fi
node bin/projet1.js emulator install
endpoint=$(node bin/projet1.js emulator start)
node bin/projet1.js up --yes --endpoint-url "$endpoint" "$@"
cat >&2 <<MSG

The stack runs on the local emulator at $endpoint. Next:
  export AWS_ENDPOINT_URL=$endpoint
  node bin/projet1.js status          # or: npx projet1 status
  node bin/projet1.js down --yes      # tear the stack down
  npm run emulator:stop               # stop the emulator
MSG
