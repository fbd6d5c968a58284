#!/usr/bin/env bash
# Makes a Docker engine answer on this machine for the container back-end (asoc-lab topo) and its
# tests: installs Debian's docker.io and docker-compose when they are absent (needs root and
# apt-get; a `docker compose` v2 plugin stands in for docker-compose where installed), starts
# dockerd by hand when no engine answers (no systemd needed; its log goes to $ASOC_DOCKERD_LOG,
# default /tmp/asoc-lab-dockerd.log), and imports the local base image (topo/base-image.sh) when it
# is missing. Exit 0 when the engine answers and the base image is
# there; otherwise exit 3 with one line on stderr saying what is missing.
set -uo pipefail
cd "$(dirname "$0")/.."

missing() { echo "docker unavailable: $*" >&2; exit 3; }
answers() { timeout 10 docker info >/dev/null 2>&1; }

need=()
command -v docker >/dev/null || need+=(docker.io)
command -v dockerd >/dev/null || need+=(docker.io)
# Compose: docker-compose 1.29 (Debian's package), or the docker CLI's `compose` v2 plugin where that is installed.
command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 || need+=(docker-compose)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || missing "${need[*]} not installed, and installing needs root"
  command -v apt-get >/dev/null || missing "${need[*]} not installed, and there is no apt-get"
  echo "installing ${need[*]} with apt-get"
  apt-get update -q >/dev/null || missing "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io docker-compose >/dev/null || missing "apt-get install docker.io docker-compose failed"
fi

if ! answers; then
  [ "$(id -u)" = 0 ] || missing "no Docker engine answers, and starting dockerd needs root"
  command -v dockerd >/dev/null || missing "no dockerd to start"
  log="${ASOC_DOCKERD_LOG:-/tmp/asoc-lab-dockerd.log}"
  echo "starting dockerd (log: $log)"
  nohup dockerd >"$log" 2>&1 &
  for _ in $(seq 60); do answers && break; sleep 1; done
  answers || missing "dockerd did not answer within 60 s (see $log: $(tail -1 "$log"))"
fi
echo "docker engine: $(docker version --format '{{.Server.Version}}' 2>/dev/null); compose: $(docker-compose version --short 2>/dev/null || docker compose version --short 2>/dev/null)"

if ! docker image inspect asoc-lab-base:local >/dev/null 2>&1; then
  topo/base-image.sh asoc-lab-base:local || missing "could not import the base image"
fi
