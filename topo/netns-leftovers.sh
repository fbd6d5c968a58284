#!/usr/bin/env bash
# What the network-namespace back-end and its tests may leave: namespaces named asoclab-… (one per
# host and one for the bridge of each topology) and processes still running in them. Only names
# with that prefix are ever looked at, so nothing else on the machine is touched.
#   topo/netns-leftovers.sh check    lists them; exit 1 when there are any
#   topo/netns-leftovers.sh remove   kills the processes in them and deletes them, saying which
#                                    (what a run cut off with SIGKILL could not take down)
set -uo pipefail
mode="${1:-}"
case "$mode" in
  check|remove) true ;;
  *) echo "usage: $0 check|remove" >&2; exit 2 ;;
esac
command -v ip >/dev/null || { echo "ip is not installed (Debian: apt-get install iproute2): no namespace can have been made" >&2; exit 2; }

# `ip netns list` prints "NAME" or "NAME (id: N)".
lab_namespaces() { ip netns list 2>/dev/null | awk '{ print $1 }' | grep '^asoclab-' || true; }
pids_in() { ip netns pids "$1" 2>/dev/null | xargs; }
any_alive() { for pid in "$@"; do kill -0 "$pid" 2>/dev/null && return 0; done; return 1; }

if [ "$mode" = remove ]; then
  for ns in $(lab_namespaces); do
    pids="$(pids_in "$ns")"
    echo "removing namespace $ns${pids:+ and its processes $pids}"
    [ -z "$pids" ] || kill -KILL $pids 2>/dev/null
    # A namespace goes only with its last process: wait for them (at most 10 s).
    for _ in $(seq 1 50); do
      any_alive $pids || break
      sleep 0.2
    done
    ip netns delete "$ns"
  done
  exit 0
fi

left=()
for ns in $(lab_namespaces); do
  pids="$(pids_in "$ns")"
  left+=("namespace $ns${pids:+ (processes: $pids)}")
done
if [ ${#left[@]} -eq 0 ]; then
  echo "nothing left: no asoclab- network namespace"
  exit 0
fi
printf 'left behind: %s\n' "${left[@]}"
exit 1
