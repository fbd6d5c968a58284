#!/usr/bin/env bash
# Provides `docker compose` (Compose v2, the docker CLI plugin) next to docker-compose 1.29, so the
# container tests can run docker-compose.yml with both. Debian bookworm ships only 1.29; its next
# release (trixie) packages v2 as one statically built Go program. This script takes that program
# out of trixie's .deb without installing any trixie package or adding trixie to apt's sources:
#   1. trixie's InRelease from the Debian mirror apt already uses, its signature checked with gpgv
#      against the machine's Debian archive keyring;
#   2. main's Packages index for this architecture, checked against the SHA-256 that InRelease lists;
#   3. the docker-compose .deb the index names, checked against the index's SHA-256;
#   4. `dpkg-deb -x` into a scratch folder, the program's shared libraries checked with ldd, and the
#      program copied to /usr/local/lib/docker/cli-plugins/docker-compose.
# Exit 0 when `docker compose version` answers v2 (at once when it already did); otherwise exit 3
# with one line on stderr saying why. Needs root and the network to the Debian mirror.
set -uo pipefail

SUITE=trixie
PACKAGE=docker-compose
PLUGIN_DIR=/usr/local/lib/docker/cli-plugins
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

missing() { echo "compose v2 unavailable: $*" >&2; exit 3; }
v2_answers() { docker compose version --short 2>/dev/null | grep -qE '^v?2\.'; }

if v2_answers; then
  echo "compose v2: $(docker compose version --short) (already there)"
  exit 0
fi
[ "$(id -u)" = 0 ] || missing "docker compose v2 is not installed, and installing it needs root"
command -v docker >/dev/null || missing "no docker command to plug it into"
for tool in curl xz gpgv dpkg-deb sha256sum ldd; do command -v "$tool" >/dev/null || missing "$tool is not installed"; done
[ -r "$KEYRING" ] || missing "no Debian archive keyring at $KEYRING"

# The mirror apt already uses for this release (deb822 .sources or one-line sources.list).
codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
mirror="$(awk -v rel="$codename" '
  /^URIs:/ { uri = $2 } /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == rel && uri != "") { print uri; exit } }
' /etc/apt/sources.list.d/*.sources 2>/dev/null)"
[ -n "$mirror" ] || mirror="$(awk -v rel="$codename" '$1 == "deb" && $3 == rel { print $2; exit }' /etc/apt/sources.list 2>/dev/null)"
[ -n "$mirror" ] || missing "no Debian mirror for $codename in apt's sources"
mirror="${mirror%/}"
arch="$(dpkg --print-architecture)"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
fetch() { curl -fsSL --max-time 300 -o "$2" "$1" || missing "could not download $1"; }
sha_of() { sha256sum "$1" | cut -d' ' -f1; }

echo "fetching $PACKAGE from $SUITE ($mirror, $arch): only its program, as a docker CLI plugin"
fetch "$mirror/dists/$SUITE/InRelease" "$scratch/InRelease"
gpgv --keyring "$KEYRING" --output "$scratch/Release" "$scratch/InRelease" 2>"$scratch/gpgv.log" || missing "the signature of $SUITE's InRelease does not check out ($(tail -1 "$scratch/gpgv.log"))"
index="main/binary-$arch/Packages.xz"
index_sha="$(awk -v f="$index" '/^SHA256:/ { s = 1; next } /^[^ ]/ { s = 0 } s && $3 == f { print $1; exit }' "$scratch/Release")"
[ -n "$index_sha" ] || missing "$SUITE's Release lists no $index"
fetch "$mirror/dists/$SUITE/$index" "$scratch/Packages.xz"
[ "$(sha_of "$scratch/Packages.xz")" = "$index_sha" ] || missing "$index does not match the SHA-256 in $SUITE's Release"

stanza="$(xz -dc "$scratch/Packages.xz" | awk -v p="$PACKAGE" '$0 == "Package: " p { on = 1 } on && /^$/ { exit } on')"
field() { printf '%s\n' "$stanza" | awk -v f="$1:" '$1 == f { print $2; exit }'; }
filename="$(field Filename)"; deb_sha="$(field SHA256)"; version="$(field Version)"
[ -n "$filename" ] && [ -n "$deb_sha" ] || missing "$SUITE's index has no $PACKAGE for $arch"
fetch "$mirror/$filename" "$scratch/package.deb"
[ "$(sha_of "$scratch/package.deb")" = "$deb_sha" ] || missing "$filename does not match the SHA-256 in the index"

dpkg-deb -x "$scratch/package.deb" "$scratch/root" || missing "dpkg-deb could not extract $filename"
program="$(find "$scratch/root" -path '*/cli-plugins/docker-compose' -type f | head -1)"
[ -n "$program" ] || missing "$filename holds no cli-plugins/docker-compose"
# A Go program linked against libc only: every library it names must be found on this release.
if ldd "$program" 2>&1 | grep -q 'not found'; then missing "$PACKAGE $version needs libraries this machine lacks: $(ldd "$program" 2>&1 | grep 'not found' | tr -s ' \t\n' ' ')"; fi
"$program" version >/dev/null 2>&1 || missing "$PACKAGE $version does not run here: $("$program" version 2>&1 | tail -1)"

mkdir -p "$PLUGIN_DIR"
install -m 0755 "$program" "$PLUGIN_DIR/docker-compose"
v2_answers || missing "installed $PLUGIN_DIR/docker-compose, but \`docker compose version\` does not answer v2"
echo "compose v2: $(docker compose version --short) ($PACKAGE $version from $SUITE, as $PLUGIN_DIR/docker-compose)"
