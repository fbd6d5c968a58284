#!/usr/bin/env bash
# What the container back-end and its tests may leave on a Docker engine: containers of an asoc-lab
# compose project or stack, networks on 198.18.0.0/15, unnamed images, and a swarm.
#   topo/leftovers.sh snapshot FILE   notes the engine's unnamed images and swarm state before
#   topo/leftovers.sh check FILE      lists what is there now and was not before; exit 1 when anything is
#   topo/leftovers.sh remove          removes the asoc-lab containers and networks an earlier run left
#                                     (one cut off with its engine cannot take them down), saying which
set -uo pipefail
mode="${1:-}"
file="${2:-}"
case "$mode" in
  snapshot|check) [ -n "$file" ] ;;
  remove) true ;;
  *) false ;;
esac || { echo "usage: $0 snapshot|check FILE, or $0 remove" >&2; exit 2; }

unnamed() { docker images -q --no-trunc --filter dangling=true; }
swarm() { echo "swarm $(docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null)"; }
# Containers of an asoc-lab compose project or stack: id, then the project or stack.
lab_containers() {
  docker ps -a --format '{{.ID}} {{.Label "com.docker.compose.project"}}{{.Label "com.docker.stack.namespace"}}' | awk '$2 ~ /^(asoc-lab|asoclab)/'
}

if [ "$mode" = remove ]; then
  ids="$(lab_containers | awk '{ print $1 }')"
  [ -z "$ids" ] || { echo "removing $(echo "$ids" | wc -l) container(s) an earlier run left: $(lab_containers | awk '{ print $2 }' | sort -u | tr '\n' ' ')"; docker rm -f $ids >/dev/null; }
  nets="$(docker network ls --format '{{.Name}}' | grep -E '^(asoc-lab|asoclab)' || true)"
  [ -z "$nets" ] || { echo "removing network(s) an earlier run left: $(echo $nets)"; docker network rm $nets >/dev/null; }
  exit 0
fi

if [ "$mode" = snapshot ]; then
  { unnamed; swarm; } >"$file"
  exit 0
fi

left=()
while read -r id project; do
  left+=("container $id ($project)")
done < <(lab_containers)

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
