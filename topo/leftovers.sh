#!/usr/bin/env bash
# What the container back-end and its tests may leave on a Docker engine: containers of an asoc-lab
# compose project or stack, networks on 198.18.0.0/15, unnamed images, and a swarm.
#   topo/leftovers.sh snapshot FILE   notes the engine's unnamed images and swarm state before
#   topo/leftovers.sh check FILE      lists what is there now and was not before; exit 1 when anything is
set -uo pipefail
mode="${1:-}"
file="${2:-}"
[ -n "$file" ] && { [ "$mode" = snapshot ] || [ "$mode" = check ]; } || { echo "usage: $0 snapshot|check FILE" >&2; exit 2; }

unnamed() { docker images -q --no-trunc --filter dangling=true; }
swarm() { echo "swarm $(docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null)"; }

if [ "$mode" = snapshot ]; then
  { unnamed; swarm; } >"$file"
  exit 0
fi

left=()
while read -r id project stack; do
  case "$project$stack" in asoc-lab*|asoclab*) left+=("container $id ($project$stack)") ;; esac
done < <(docker ps -a --format '{{.ID}} {{.Label "com.docker.compose.project"}} {{.Label "com.docker.stack.namespace"}}')

for net in $(docker network ls -q); do
  subnets="$(docker network inspect --format '{{.Name}}: {{range .IPAM.Config}}{{.Subnet}} {{end}}' "$net" 2>/dev/null)"
  case "$subnets" in *" 198.18."*|*" 198.19."*) left+=("network $subnets") ;; esac
done

for id in $(unnamed); do
  grep -qx "$id" "$file" || left+=("unnamed image $id")
done

now="$(swarm)"
grep -qx "$now" "$file" || left+=("$now (was: $(grep '^swarm ' "$file"))")

if [ ${#left[@]} -eq 0 ]; then
  echo "nothing left: no asoc-lab container, no network on 198.18.0.0/15, no new unnamed image, the swarm as it was"
  exit 0
fi
printf 'left behind: %s\n' "${left[@]}"
exit 1
