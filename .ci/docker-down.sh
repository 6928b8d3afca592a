#!/usr/bin/env bash
# Stops the Docker engine that .ci/docker-up.sh started (and only that one), removing its containers.
STATE=${DOCKER_STATE_DIR:-/tmp/ci-docker}
[ -f "$STATE/dockerd.pid" ] || exit 0
pid=$(cat "$STATE/dockerd.pid")
ids=$(docker ps -aq 2>/dev/null || true)
if [ -n "$ids" ]; then docker rm -f $ids >/dev/null 2>&1 || true; fi
kill -TERM "$pid" 2>/dev/null || true
for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
rm -f "$STATE/dockerd.pid"
