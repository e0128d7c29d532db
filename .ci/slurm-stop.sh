#!/usr/bin/env bash
# Stops the daemons .ci/slurm-start.sh started (by the pids it recorded),
# slurmd first, then slurmctld, then munged.
set -uo pipefail
PIDS=${SLURM_PIDS:-/run/trm-slurm.pids}
[ -s "$PIDS" ] || exit 0
for name in slurmd slurmctld munged; do
  while read -r n pid; do
    [ "$n" = "$name" ] && [ -n "$pid" ] || continue
    # Only a process of that name: a pid may have been reused since.
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ]; then
      kill "$pid" 2>/dev/null && echo "slurm-stop: stopped $name ($pid)"
      for _ in $(seq 1 20); do
        [ -e "/proc/$pid" ] || break
        sleep 0.25
      done
    fi
  done <"$PIDS"
done
rm -f "$PIDS"
