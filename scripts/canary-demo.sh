#!/usr/bin/env bash
# Canary roll-out demo: two versions of the bundled TinyStories model (1: safetensors F32, stable; 2: the Q8_0
# GGUF, canary) served from a models folder in a temp directory, the bench CLI driving load, and the routing state
# printed as the server promotes the healthy canary step by step. Then version 1 is unloaded, a third version is
# loaded through the admin API, given injected faults and traffic, and rolled back automatically.
# Needs the .NET SDK, curl, jq and ../shared/models beside this checkout. Usage: scripts/canary-demo.sh [port]
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
shared="$(cd "$root/../shared/models" && pwd)"
port="${1:-8100}"
base="http://127.0.0.1:$port"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cd "$root"
dotnet build src/InferenceServer.Cli -c Release -v quiet -nologo >/dev/null
# The built program itself (not `dotnet run`, whose child would outlive a kill of the script's server).
# Only ever run in the background: exec makes the background job's PID the program's own, so it can be stopped.
cli() { exec dotnet "$root/src/InferenceServer.Cli/bin/Release/net10.0/inference-server.dll" "$@"; }
if curl -s "$base/health" >/dev/null; then echo "port $port is taken; pass another: $0 <port>" >&2; exit 1; fi

# The manifests point at the real files in ../shared/models; nothing is copied.
mkdir -p "$work/models/story"
cat >"$work/models/story/1.json" <<EOF
{ "name": "story", "version": "1", "path": "$shared/tinystories-656k", "dtype": "f32" }
EOF
cat >"$work/models/story/2.json" <<EOF
{ "name": "story", "version": "2", "path": "$shared/tinystories-656k-q8_0.gguf" }
EOF
# A third version, loaded later through the admin API: the safetensors weights converted to F16 at load.
cat >"$work/models/story/3.json" <<EOF
{ "name": "story", "version": "3", "path": "$shared/tinystories-656k", "dtype": "f16" }
EOF
# Short windows so the demo takes seconds; production would keep minutes (the default is 300 s). Both versions
# share this machine's cores, so with a few requests a window the p95 latency is noisy: the demo allows 3x.
cat >"$work/models/story/routing.json" <<EOF
{ "stable": "1", "canary": "2", "steps": [10, 50, 100],
  "evaluation_window_seconds": 3, "min_requests": 10, "rollback": { "p95_latency_ratio": 3 } }
EOF
echo "models folder $work/models:"; (cd "$work/models" && for f in story/*.json; do echo "  $f: $(tr -s ' \n' ' ' <"$f")"; done)

cli serve --models-dir "$work/models" --port "$port" --grpc-port -1 --kv-cache-memory 33554432 \
  >"$work/server.log" 2>&1 &
server_pid=$!
until curl -sf "$base/ready" >/dev/null; do
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.5
done

state() {
  curl -s "$base/admin/routing" | jq -r '.[] | "stable \(.stable), canary \(.canary // "-") at \(.canary_weight)%, loaded [\(.loaded | join(", "))], rollbacks \(.rollbacks)"'
}
last_change() {
  curl -s "$base/admin/routing" | jq -r '.[0].history[-1] // empty | "\(.kind): \(.reason)"'
}
admin() {
  echo "POST /admin/$1 ${2:-}"
  curl -s -X POST "$base/admin/$1" -H 'Content-Type: application/json' -d "${2:-{\}}" |
    jq -r 'if .error then "  -> \(.error.message)" else "  -> stable \(.stable), canary \(.canary // "-") at \(.canary_weight)%, loaded [\(.loaded | join(", "))]" end'
}
# Drives load with the bench CLI for $1 seconds while printing the routing every second it changes.
drive() {
  # Tiny prompts and answers at 60 requests a second, so every window has its minimum of canary requests.
  cli bench serve --base-url "$base" --model story --tokenizer "$shared/tinystories-656k" --duration "$1" --request-rate 60 \
    --max-concurrency 8 --input-len 16 --output-len 16 --warmup 0 >"$work/bench.log" 2>&1 &
  local bench=$! seen="" now t0=$SECONDS
  while kill -0 "$bench" 2>/dev/null; do
    now="$(state)"
    if [[ "$now" != "$seen" ]]; then
      printf '  t=%2ss  %s\n' "$((SECONDS - t0))" "$now"
      [[ -n "$seen" ]] && echo "          because: $(last_change)"
      seen="$now"
    fi
    sleep 1
  done
  wait "$bench" || true
  echo "  bench: $(grep -E 'Successful requests|Failed requests|Request throughput' "$work/bench.log" | tr -d '│┃|' | tr -s ' ' | paste -sd ',' | sed 's/^ //')"
}

echo; echo "== 1. healthy canary: version 2 (Q8_0) advances 10% -> 50% -> 100% and becomes stable"
drive 12

echo; echo "== 2. version 1 takes no traffic now: unload it, load version 3 (F16) into the KV cache it frees"
admin models/story/versions/1/unload
admin models/story/versions/3/load

echo; echo "== 3. fault drill: version 3 fails half of its requests; at 10% it is rolled back within one window"
admin routing/story/faults '{"version": "3", "error_rate": 0.5}'
admin routing/story/weight '{"weight": 10}'
admin models/story/versions/3/unload
drive 5
echo; echo "== 4. rolled back to 0%, version 3 may go now"
admin models/story/versions/3/unload
echo
curl -s "$base/metrics" | grep '^inference_server_\(version_requests_total\|canary\)'
