#!/usr/bin/env bash
# Starts a one-node Slurm cluster on localhost for the Slurm tests
# (experiments/slurm_test.ts): munged, slurmctld and slurmd, with the node's
# CPUs from `nproc` and its memory from /proc/meminfo. Recipe: platform notes,
# "Slurm on one machine". Needs root and Debian's slurm-wlm and munge.
#
# Exits 0 once `sinfo` shows the node idle (or a cluster already answers),
# non-zero with a reason otherwise; the Slurm tests then report ignored.
# The pids of the daemons it started go to $SLURM_PIDS (default
# /run/trm-slurm.pids), for .ci/slurm-stop.sh.
set -uo pipefail

PIDS=${SLURM_PIDS:-/run/trm-slurm.pids}
TIMEOUT=${SLURM_START_TIMEOUT:-60}
CONF=/etc/slurm/slurm.conf
MARK="# written by .ci/slurm-start.sh"

fail() {
  echo "slurm-start: $*" >&2
  exit 1
}

for c in munged munge slurmctld slurmd sinfo sbatch; do
  command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] || fail "$c not found (apt-get install slurm-wlm munge)"
done
export PATH="$PATH:/usr/sbin"
[ "$(id -u)" = 0 ] || fail "needs root to start munged, slurmctld and slurmd"

idle() { sinfo -h -o '%t' 2>/dev/null | grep -qx 'idle\|mix\|alloc'; }
if idle; then
  echo "slurm-start: a cluster already answers: $(sinfo -h -o '%N %t %c' | head -1)"
  exit 0
fi

: >>"$PIDS"
started() { echo "$1 $2" >>"$PIDS"; }

# munge: a key (the package writes one; else 1024 random bytes), then the daemon.
mkdir -p /etc/munge /run/munge /var/log/munge /var/lib/munge
if [ ! -s /etc/munge/munge.key ]; then
  head -c 1024 /dev/urandom >/etc/munge/munge.key || fail "cannot write /etc/munge/munge.key"
fi
chown munge:munge /etc/munge /etc/munge/munge.key /run/munge /var/log/munge /var/lib/munge
chmod 400 /etc/munge/munge.key
chmod 700 /etc/munge
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  su -s /bin/sh munge -c /usr/sbin/munged || fail "munged did not start"
  for _ in $(seq 1 20); do
    munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break
    sleep 0.25
  done
  munge -n | unmunge >/dev/null 2>&1 || fail "munge -n | unmunge fails"
  started munged "$(cat /run/munge/munged.pid 2>/dev/null || pgrep -u munge -n munged)"
fi

# slurm.conf: written unless someone else's is there.
HOST=$(hostname -s)
CPUS=$(nproc)
MEM=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 * 9 / 10))
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
if [ -s "$CONF" ] && ! grep -qF "$MARK" "$CONF"; then
  fail "$CONF exists and was not written here; start that cluster instead"
fi
cat >"$CONF" <<EOF
$MARK
ClusterName=local
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
ReturnToService=2
KillWait=10
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF

if ! scontrol ping 2>/dev/null | grep -q UP; then
  slurmctld || fail "slurmctld did not start (see /var/log/slurm/slurmctld.log)"
  sleep 0.5
  started slurmctld "$(cat /run/slurmctld.pid 2>/dev/null)"
fi
if ! pgrep -x slurmd >/dev/null; then
  slurmd || fail "slurmd did not start (see /var/log/slurm/slurmd.log)"
  sleep 0.5
  started slurmd "$(cat /run/slurmd.pid 2>/dev/null)"
fi

for _ in $(seq 1 $((TIMEOUT * 2))); do
  if idle; then
    echo "slurm-start: node $HOST idle ($CPUS CPUs, ${MEM} MB)"
    exit 0
  fi
  # A node left down by an earlier run of this script comes back.
  sinfo -h -o '%t' 2>/dev/null | grep -q 'down\|drain' &&
    scontrol update NodeName="$HOST" State=RESUME >/dev/null 2>&1
  sleep 0.5
done
fail "the node did not become idle within ${TIMEOUT} s: $(sinfo -h -o '%N %t %E' 2>&1 | head -1)"
