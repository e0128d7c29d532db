#!/usr/bin/env bash
# Stages the compact records of every finished run under results/runs/
# (config.json, metrics.jsonl, summary.json; never checkpoints), rebuilds the
# tables and figures from them, puts the claims table into the README, and
# stages those too. Commit afterwards:
#
#   bash tools/records.sh && git commit -m "Records: ..."
#
# A run counts as finished when its summary.json exists and it was not
# stopped by a signal (the same test as the sweep's).
set -euo pipefail
cd "$(dirname "$0")/.."
n=0
for dir in results/runs/*/; do
  s="${dir}summary.json"
  [ -f "$s" ] || continue
  grep -q '"stoppedBy": "signal"' "$s" && continue
  git add -f "${dir}config.json" "${dir}metrics.jsonl" "$s"
  n=$((n + 1))
done
echo "${n} finished runs staged"
# The thinking studies' point records (test-time compute on a kept model).
[ -d results/thinking ] && git add results/thinking
deno task report >/dev/null
# The README quotes the claims table (experiments/report_records_test.ts checks it).
deno run -A tools/readme_claims.ts
git add README.md results/tables results/figures
git add -u results/tables results/figures
