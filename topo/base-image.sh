#!/usr/bin/env bash
# Makes the local base image asoc-lab-base:local from this machine's own Node.js, for machines that
# reach no image registry (where `FROM node:20-slim` cannot be pulled). The image holds node, npm,
# /bin/sh, /usr/bin/env and the shared libraries `ldd` lists for them, laid out as node:20-slim lays them out
# (/usr/local/bin/node, /usr/local/lib/node_modules/npm). Usage: topo/base-image.sh [TAG]
set -euo pipefail
tag="${1:-asoc-lab-base:local}"
node_bin="$(readlink -f "$(command -v node)")"
npm_dir="$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/usr/local/bin "$root"/usr/local/lib/node_modules "$root"/bin "$root"/tmp "$root"/etc "$root"/root "$root"/app
chmod 1777 "$root"/tmp
cp "$node_bin" "$root"/usr/local/bin/node
cp -a "$npm_dir" "$root"/usr/local/lib/node_modules/npm
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root"/usr/local/bin/npm
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root"/usr/local/bin/npx
cp "$(readlink -f /bin/sh)" "$root"/bin/sh
mkdir -p "$root"/usr/bin && cp /usr/bin/env "$root"/usr/bin/env   # npm's "#!/usr/bin/env node"
# Every library node and sh load, at the path the loader looks for it.
for lib in $( (ldd "$node_bin"; ldd /bin/sh; ldd /usr/bin/env) | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n' >"$root"/etc/passwd
printf 'root:x:0:\nnode:x:1000:\n' >"$root"/etc/group

previous="$(docker image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)"
tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  --change 'WORKDIR /app' \
  --change 'CMD ["node"]' \
  - "$tag" >/dev/null
# The image the tag named before is left without a name: remove it rather than leave it dangling.
if [ -n "$previous" ] && [ "$previous" != "$(docker image inspect --format '{{.Id}}' "$tag")" ]; then
  docker image rm "$previous" >/dev/null 2>&1 || true
fi
echo "base image $tag: $(docker run --rm "$tag" node --version) from $node_bin"
