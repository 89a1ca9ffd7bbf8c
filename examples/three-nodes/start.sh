#!/usr/bin/env bash
# Three hub nodes (ports 8801-8803) on one PostgreSQL and one NATS, as set in
# config.json. Runs in the foreground; Ctrl-C or SIGTERM stops all three, each
# shutting down as `switchboard serve` does on SIGTERM. See README.md.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
config=${SWITCHBOARD_CONFIG:-$root/examples/three-nodes/config.json}
cli=$root/packages/cli/bin/switchboard.js

# Once, before the nodes: each node would also migrate when it starts.
node "$cli" migrate --config "$config" || exit 1

# Every node signs as the same MLS external sender: one hub key, made once,
# readable by this user only (the hub refuses a key file others can read).
# In production, put it in each node's secret store (SWITCHBOARD_HUB_KEY).
key=${SWITCHBOARD_HUB_KEY_FILE:-$root/examples/three-nodes/hub.key}
if [ ! -e "$key" ]; then
  (umask 077 && openssl rand -base64 32 > "$key") || exit 1
fi

pids=()
for port in 8801 8802 8803; do
  node "$cli" serve --config "$config" --port "$port" --hub-key-file "$key" &
  pids+=("$!")
done

stop() {
  kill -TERM "${pids[@]}" 2>/dev/null
  wait
}
trap stop INT TERM
wait
