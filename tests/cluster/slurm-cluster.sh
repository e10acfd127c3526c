#!/usr/bin/env bash
# A real single-node SLURM cluster on localhost, for testing the workflow's SLURM profile.
#
#   tests/cluster/slurm-cluster.sh install   # Debian packages (munge, slurmctld, slurmd, slurmdbd, MariaDB); root
#   tests/cluster/slurm-cluster.sh start     # start (or keep) the cluster; waits until the node is idle
#   tests/cluster/slurm-cluster.sh status    # exit 0 if every daemon runs and the node answers
#   tests/cluster/slurm-cluster.sh stop      # cancel our jobs, stop every daemon this script started, by PID
#   . "$(tests/cluster/slurm-cluster.sh env)"   # SLURM_CONF for sbatch/sacct/snakemake in this shell
#
# Everything lives in one state folder, $SSTBIAS_SLURM_STATE (default /tmp/sstbias-slurm): configuration, munge key
# (munged serves the default socket /run/munge/munge.socket.2, the only one SLURM 22.05 clients use), MariaDB data,
# spool folders, PID files and logs (kept after `stop` for debugging). Nothing in /etc is touched: clients find the
# cluster through SLURM_CONF. The daemons listen on 127.0.0.1 on their own ports
# ($SSTBIAS_SLURM_PORT_BASE+17/+18/+19 and MariaDB on +6; default base 26800), so a site SLURM is not disturbed.
# `start` is idempotent: a healthy cluster with the same configuration is left alone; a partly running one, or one
# with another configuration, is stopped and started again.
#
# The node advertises $SSTBIAS_SLURM_NODE_CPUS CPUs (default 8; never fewer than the real ones) and
# $SSTBIAS_SLURM_NODE_GPUS fake GPUs (default 2; character devices made with mknod), so that a profile written for
# real compute nodes (4 cores and one GPU per training) is schedulable unchanged and two trainings fit beside small
# jobs. Jobs still run on the real cores: Snakemake inside a job caps threads at the CPUs the operating system shows. Partitions: `main` (default) and `gpu`, on the same node. Accounts: `sstbias`
# and `other` (the user running this script may use both).
set -euo pipefail

STATE=${SSTBIAS_SLURM_STATE:-/tmp/sstbias-slurm}
PORT_BASE=${SSTBIAS_SLURM_PORT_BASE:-26800}
CTLD_PORT=$((PORT_BASE + 17))
SLURMD_PORT=$((PORT_BASE + 18))
DBD_PORT=$((PORT_BASE + 19))
MYSQL_PORT=$((PORT_BASE + 6))
WAIT_SECONDS=${SSTBIAS_SLURM_WAIT:-60}
PACKAGES=(munge slurm-wlm slurm-client slurmdbd mariadb-server mariadb-client)
HOST=$(hostname -s)
USER_NAME=$(id -un)
DB_PASSWORD=sstbias-test-only
MUNGE_SOCKET=/run/munge/munge.socket.2

ETC=$STATE/etc
RUN=$STATE/run
LOG=$STATE/log
export SLURM_CONF=$ETC/slurm.conf

say() { printf 'slurm-cluster: %s\n' "$*" >&2; }
die() {
    say "ERROR: $*"
    say "logs are in $LOG"
    exit 1
}

# --- processes ------------------------------------------------------------------------------------------------

pid_of() { # pid from a PID file, empty if the file is missing or the process is gone
    local file=$1 pid
    [[ -s $file ]] || return 0
    pid=$(tr -dc '0-9' <"$file")
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
    return 0
}

# Name, PID file and executable of each daemon, in start order.
DAEMONS=(
    "munged $RUN/munged.pid /usr/sbin/munged"
    "mariadbd $RUN/mariadbd.pid /usr/sbin/mariadbd"
    "slurmdbd $RUN/slurmdbd.pid /usr/sbin/slurmdbd"
    "slurmctld $RUN/slurmctld.pid /usr/sbin/slurmctld"
    "slurmd $RUN/slurmd.pid /usr/sbin/slurmd"
)

owned_pid() { # the PID in the daemon's PID file, only if that process runs the expected executable
    local file=$1 exe=$2 pid
    pid=$(pid_of "$file")
    [[ -n $pid ]] || return 0
    if [[ $(readlink -f "/proc/$pid/exe" 2>/dev/null) == "$(readlink -f "$exe")" ]]; then
        echo "$pid"
    fi
    return 0
}

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...: retry the command every 0.5 s
    local seconds=$1 what=$2
    shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || die "$what: not ready after ${seconds} s"
        sleep 0.5
    done
}

# --- configuration --------------------------------------------------------------------------------------------

write_configs() { # into the folder $1
    local etc=$1
    mkdir -p "$etc" "$RUN" "$LOG" "$STATE/munge" "$STATE/spool/ctld" "$STATE/spool/d" "$STATE/dev"
    chmod 700 "$STATE" "$STATE/munge"
    local real_cpus node_cpus memory
    real_cpus=$(nproc --all)
    node_cpus=${SSTBIAS_SLURM_NODE_CPUS:-8}
    ((node_cpus >= real_cpus)) || node_cpus=$real_cpus
    local gpus=${SSTBIAS_SLURM_NODE_GPUS:-2} gpu
    memory=$(($(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p') - 1024))
    for ((gpu = 0; gpu < gpus; gpu++)); do
        [[ -e $STATE/dev/fakegpu$gpu ]] || mknod "$STATE/dev/fakegpu$gpu" c 1 3 ||
            die "mknod refused: cannot make the fake GPU devices (containers may forbid it)"
    done

    cat >"$etc/slurm.conf" <<EOF
# Written by tests/cluster/slurm-cluster.sh: single-node test cluster on localhost.
ClusterName=sstbias
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=$USER_NAME
SlurmdUser=$USER_NAME
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$STATE/spool/ctld
SlurmdSpoolDir=$STATE/spool/d
SlurmctldPidFile=$RUN/slurmctld.pid
SlurmdPidFile=$RUN/slurmd.pid
SlurmctldLogFile=$LOG/slurmctld.log
SlurmdLogFile=$LOG/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups in containers: track processes by parentage, no task binding (no cgroup.conf at all).
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=30
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStoragePort=$DBD_PORT
AccountingStorageTRES=gres/gpu
AccountingStoreFlags=job_comment
GresTypes=gpu
# Finished jobs stay visible to squeue for 10 minutes; SIGKILL follows SIGTERM after 10 s.
MinJobAge=600
KillWait=10
OverTimeLimit=0
InactiveLimit=0
ReturnToService=2
SlurmdParameters=config_overrides
SlurmctldParameters=enable_configless
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$node_cpus Boards=1 SocketsPerBoard=1 CoresPerSocket=$node_cpus ThreadsPerCore=1 RealMemory=$memory Gres=gpu:$gpus State=UNKNOWN
PartitionName=main Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
PartitionName=gpu Nodes=$HOST MaxTime=INFINITE State=UP
EOF
    cat >"$etc/gres.conf" <<EOF
NodeName=$HOST Name=gpu File=$STATE/dev/fakegpu[0-$((gpus - 1))]
EOF
    cat >"$etc/slurmdbd.conf" <<EOF
AuthType=auth/munge
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=$DBD_PORT
SlurmUser=$USER_NAME
PidFile=$RUN/slurmdbd.pid
LogFile=$LOG/slurmdbd.log
DebugLevel=info
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$MYSQL_PORT
StorageUser=slurm
StoragePass=$DB_PASSWORD
StorageLoc=slurm_acct_db
EOF
    chmod 600 "$etc/slurmdbd.conf"
    printf 'export SLURM_CONF=%q\n' "$SLURM_CONF" >"$STATE/env"
}

# --- daemons --------------------------------------------------------------------------------------------------

start_munge() {
    # SLURM 22.05 clients (sacctmgr, sbatch) reach munged only through its default socket, so ours serves that
    # socket; a munged already answering there (not started by us) is used as it is and never stopped by us.
    if [[ -z $(owned_pid "$RUN/munged.pid" /usr/sbin/munged) ]] && munge -n >/dev/null 2>&1; then
        say "using the munged that already answers on $MUNGE_SOCKET (not started by this script)"
        return 0
    fi
    [[ -s $STATE/munge/munge.key ]] || mungekey --create --keyfile="$STATE/munge/munge.key" >>"$LOG/munged.log" 2>&1
    chmod 600 "$STATE/munge/munge.key"
    mkdir -p "$(dirname "$MUNGE_SOCKET")"
    chmod 755 "$(dirname "$MUNGE_SOCKET")"
    /usr/sbin/munged --force --socket="$MUNGE_SOCKET" --key-file="$STATE/munge/munge.key" \
        --pid-file="$RUN/munged.pid" --log-file="$LOG/munged.log" --seed-file="$STATE/munge/munged.seed" \
        </dev/null >>"$LOG/munged.log" 2>&1 || die "munged did not start"
    wait_for 10 munged munge -n
}

mysql_client() { mariadb --no-defaults --socket="$STATE/mysql/mysqld.sock" -u root "$@"; }

start_mariadb() {
    if [[ ! -d $STATE/mysql/data/mysql ]]; then
        mkdir -p "$STATE/mysql"
        mariadb-install-db --no-defaults --datadir="$STATE/mysql/data" --user="$USER_NAME" --skip-test-db \
            --auth-root-authentication-method=socket >>"$LOG/mariadb-install.log" 2>&1 ||
            die "mariadb-install-db failed (see $LOG/mariadb-install.log)"
    fi
    # mariadbd stays in the foreground: detach it into its own session, output to its log.
    setsid /usr/sbin/mariadbd --no-defaults --datadir="$STATE/mysql/data" --user="$USER_NAME" \
        --socket="$STATE/mysql/mysqld.sock" --port="$MYSQL_PORT" --bind-address=127.0.0.1 --skip-name-resolve \
        --pid-file="$RUN/mariadbd.pid" --log-error="$LOG/mariadbd.log" \
        --innodb-buffer-pool-size=128M --innodb-lock-wait-timeout=900 --innodb-log-file-size=64M \
        </dev/null >>"$LOG/mariadbd.log" 2>&1 &
    wait_for 60 mariadbd mysql_client -e "SELECT 1"
    mysql_client <<EOF
CREATE DATABASE IF NOT EXISTS slurm_acct_db;
CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
FLUSH PRIVILEGES;
EOF
}

start_slurm() {
    /usr/sbin/slurmdbd </dev/null >>"$LOG/slurmdbd.log" 2>&1 || die "slurmdbd did not start"
    wait_for 30 slurmdbd sacctmgr -n show cluster
    /usr/sbin/slurmctld -f "$SLURM_CONF" </dev/null >>"$LOG/slurmctld.log" 2>&1 || die "slurmctld did not start"
    wait_for 30 slurmctld scontrol ping
    wait_for 30 "cluster registration" bash -c "sacctmgr -n -P show cluster format=cluster | grep -qx sstbias"
    sacctmgr -i add account sstbias,other cluster=sstbias >>"$LOG/sacctmgr.log" 2>&1 || true
    sacctmgr -i add user "$USER_NAME" account=sstbias,other cluster=sstbias >>"$LOG/sacctmgr.log" 2>&1 || true
    # Configless slurmd: it fetches the configuration from slurmctld and links /run/slurm/conf to its cache, where
    # SLURM clients look when neither SLURM_CONF nor /etc/slurm/slurm.conf exists. srun inside a Snakemake job needs
    # that: the jobstep plugin removes SLURM_* variables (SLURM_CONF included) from the job step's environment.
    env -u SLURM_CONF /usr/sbin/slurmd --conf-server "127.0.0.1:$CTLD_PORT" -N "$HOST" \
        </dev/null >>"$LOG/slurmd.log" 2>&1 || die "slurmd did not start"
    wait_for 30 "node registration" bash -c "sinfo -h -N -o %T | grep -vq unknown"
    scontrol update nodename="$HOST" state=resume >/dev/null 2>&1 || true
    wait_for "$WAIT_SECONDS" "node $HOST idle" bash -c "sinfo -h -N -o %T | grep -qx idle"
}

healthy() {
    local entry name file exe
    munge -n >/dev/null 2>&1 || return 1
    for entry in "${DAEMONS[@]:1}"; do
        read -r name file exe <<<"$entry"
        [[ -n $(owned_pid "$file" "$exe") ]] || return 1
    done
    sinfo -h -N -o %T 2>/dev/null | grep -Eqx 'idle|mixed|allocated' && sacctmgr -n show cluster >/dev/null 2>&1
}

# --- commands -------------------------------------------------------------------------------------------------

cmd_install() {
    local missing=()
    for package in "${PACKAGES[@]}"; do
        dpkg-query -W -f '${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    if ((${#missing[@]})); then
        say "installing ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 || {
            apt-get update -q >&2
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
        }
    fi
}

cmd_start() {
    local binary
    for binary in munged mungekey mariadbd mariadb-install-db slurmdbd slurmctld slurmd sbatch sacct; do
        command -v "$binary" >/dev/null || [[ -x /usr/sbin/$binary ]] ||
            die "$binary is missing: run '$0 install' first (Debian packages ${PACKAGES[*]})"
    done
    [[ $(id -u) == 0 ]] || die "must run as root (daemons, mknod)"
    rm -rf "$STATE/etc.new"
    write_configs "$STATE/etc.new"
    if diff -rq "$ETC" "$STATE/etc.new" >/dev/null 2>&1 && healthy; then
        rm -rf "$STATE/etc.new"
        say "already running (SLURM_CONF=$SLURM_CONF)"
        return 0
    fi
    cmd_stop quiet # a partly running cluster, or one with another configuration
    rm -rf "$ETC"
    mv "$STATE/etc.new" "$ETC"
    say "starting in $STATE (ports $CTLD_PORT/$SLURMD_PORT/$DBD_PORT, MariaDB $MYSQL_PORT)"
    start_munge
    start_mariadb
    start_slurm
    say "node $HOST idle; SLURM_CONF=$SLURM_CONF"
}

cmd_stop() {
    [[ -d $RUN ]] || return 0
    # Jobs first (on this cluster only: SLURM_CONF points at it), so that no job step outlives slurmd.
    if [[ -n $(owned_pid "$RUN/slurmctld.pid" /usr/sbin/slurmctld) ]]; then
        scancel --user="$USER_NAME" >/dev/null 2>&1 || true
        local deadline=$((SECONDS + 30))
        while [[ -n $(squeue -h -t running,completing -o %i 2>/dev/null) ]] && ((SECONDS < deadline)); do
            sleep 0.5
        done
    fi
    local index entry name file exe pid
    for ((index = ${#DAEMONS[@]} - 1; index >= 0; index--)); do
        read -r name file exe <<<"${DAEMONS[index]}"
        pid=$(owned_pid "$file" "$exe")
        [[ -n $pid ]] || continue
        [[ ${1:-} == quiet ]] || say "stopping $name (PID $pid)"
        kill -TERM "$pid"
        local deadline=$((SECONDS + 30))
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
        if kill -0 "$pid" 2>/dev/null; then
            say "$name (PID $pid) ignored SIGTERM for 30 s: SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        rm -f "$file"
    done
    # slurmd's link to its configuration cache (see start_slurm), if it points into our state folder
    if [[ -L /run/slurm/conf && $(readlink /run/slurm/conf) == "$STATE"/* ]]; then
        rm -f /run/slurm/conf
    fi
}

cmd_status() {
    local entry name file exe pid ok=0
    for entry in "${DAEMONS[@]}"; do
        read -r name file exe <<<"$entry"
        pid=$(owned_pid "$file" "$exe")
        printf '%-10s %s\n' "$name" "${pid:-not running}"
        [[ -n $pid ]] || ok=1
    done
    sinfo -N -o "%N %P %T %c %m %G" 2>/dev/null || ok=1
    return $ok
}

case ${1:-} in
install) cmd_install ;;
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
env) echo "$STATE/env" ;;
*)
    sed -n '2,8p' "$0" >&2
    exit 2
    ;;
esac
