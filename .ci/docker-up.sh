#!/usr/bin/env bash
# Starts a local Docker engine (Debian's docker.io, no image registry) and builds the integration
# tests' images from a base image made with debootstrap. Run by .ci/run before the package lists are
# installed, so it also preseeds what those installs must not do.
#
# In CI (CI=true) any failure here fails the run; on a developer machine it prints a warning and
# exits 0, and the container tests then skip with a message saying Docker is not available.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
STATE=${DOCKER_STATE_DIR:-/tmp/ci-docker}        # data-root, logs, pid
started=$(date +%s)

# postfix is installed only for smtp-source: with "No configuration" its install writes no main.cf
# and so never starts a mail daemon on port 25 (the tests bind their own SMTP servers).
if command -v debconf-set-selections >/dev/null && ! dpkg-query -W -f='${Status}' postfix 2>/dev/null | grep -q "ok installed"; then
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
fi

fail() {
  echo "docker-up: $*" >&2
  if [ "${CI:-}" = "true" ]; then
    exit 1
  fi
  echo "docker-up: not in CI, going on without Docker: the container tests will be skipped" >&2
  exit 0
}

# Needs root for dockerd; a developer without root (or without apt) gets the skip path.
if [ "$(id -u)" != 0 ] && ! docker info >/dev/null 2>&1; then
  fail "not root and no Docker engine answering"
fi

# 1. Engine. Write daemon.json first, so that even an accidental service start gets no bridge and no
# iptables rules: the containers use the host's network (--network host) and nothing else.
if ! docker info >/dev/null 2>&1; then
  mkdir -p "$STATE" /etc/docker
  if [ ! -f /etc/docker/daemon.json ]; then
    cat > /etc/docker/daemon.json <<'JSON'
{ "bridge": "none", "iptables": false, "ip-masq": false, "ip6tables": false }
JSON
  fi
  if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        docker.io debootstrap >/dev/null; } || fail "cannot install docker.io and debootstrap"
  fi
  setsid dockerd --data-root "$STATE/data" >"$STATE/dockerd.log" 2>&1 </dev/null &
  echo $! >"$STATE/dockerd.pid"
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { tail -20 "$STATE/dockerd.log" >&2; fail "dockerd did not answer within 30 s"; }
fi
if ip link show docker0 >/dev/null 2>&1; then fail "a docker0 bridge exists: refusing to go on"; fi

# 2. Base image without a registry: debootstrap against the mirror apt already uses, then import.
if ! docker image inspect debian:bookworm-slim >/dev/null 2>&1; then
  command -v debootstrap >/dev/null || fail "debootstrap is not installed"
  mkdir -p "$STATE"
  MIRROR=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  rm -rf "$STATE/rootfs"
  debootstrap --variant=minbase bookworm "$STATE/rootfs" ${MIRROR:+"$MIRROR"} >"$STATE/debootstrap.log" 2>&1 \
    || { tail -20 "$STATE/debootstrap.log" >&2; fail "debootstrap failed"; }
  rm -rf "$STATE"/rootfs/var/cache/apt/archives/*.deb "$STATE"/rootfs/var/lib/apt/lists/*
  tar -C "$STATE/rootfs" -c . | docker import --change 'CMD ["/bin/bash"]' - debian:bookworm-slim >/dev/null \
    || fail "docker import of the base image failed"
  rm -rf "$STATE/rootfs"
fi

# 3. Project images, FROM the base. apt inside a build needs the host network. The tags are the
# names the tests use (dev.berth.it.ContainerImages).
for dir in "$HERE"/docker/*/; do
  name=$(basename "$dir")
  docker build -q --network host -t "local/berth-$name:1" "$dir" >"$STATE/build-$name.log" 2>&1 \
    || { tail -20 "$STATE/build-$name.log" >&2; fail "docker build of local/berth-$name:1 failed"; }
done
echo "docker-up: engine and images ready in $(( $(date +%s) - started )) s"
