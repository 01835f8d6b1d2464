#!/bin/sh
# The worker container's entrypoint: make this container's own cgroup v1 groups writable, then run the command.
# Docker mounts them read-only. With them writable the sandbox gives every run a memory and pids group of its
# own below the container's group (real memory limits, peak memory, CPU time, kill-all), so Java and JavaScript
# run under the same limits as on a host; the container's own limits still cap everything below it.
# Needs CAP_SYS_ADMIN, which the worker has anyway for bubblewrap. Where this fails (cgroup v2 hosts: not yet
# handled), the sandbox falls back to RLIMIT_AS and `python -m sandbox check` says what that costs.
set -u
if [ ! -e /sys/fs/cgroup/cgroup.controllers ]; then
  for controller in memory pids cpuacct; do
    dir=$(readlink -f "/sys/fs/cgroup/$controller") || continue
    [ -e "$dir/cgroup.procs" ] || continue
    mount -o remount,rw,bind "$dir" 2>/dev/null \
      || echo "worker-entrypoint: cannot make $dir writable; the sandbox limits memory with RLIMIT_AS" >&2
  done
fi
exec "$@"
