#!/bin/sh
# The shop's Redis: a password, an append-only file, and on a replica
# (MASTER_HOST set) replication from the master. The configuration file is
# written once and kept, so what Sentinel rewrites in it survives a restart.
set -eu
conf=/var/lib/redis/shop.conf
if [ ! -f "$conf" ]; then
  {
    echo "bind 0.0.0.0"
    echo "protected-mode no"
    echo "dir /var/lib/redis"
    echo "appendonly yes"
    echo "requirepass $REDIS_PASSWORD"
    echo "masterauth $REDIS_PASSWORD"
    if [ -n "${MASTER_HOST:-}" ]; then
      until master=$(getent hosts "$MASTER_HOST"); do sleep 0.5; done
      echo "replicaof ${master%% *} 6379"
    fi
  } >"$conf"
fi
exec redis-server "$conf"
