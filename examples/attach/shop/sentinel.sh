#!/bin/sh
# One of the shop's Sentinels, watching the master as "shop" with a quorum
# of 2. The configuration file is written once and kept: Sentinel records
# there what it learns (the current master, the other Sentinels).
set -eu
conf=/var/lib/redis/sentinel.conf
if [ ! -f "$conf" ]; then
  until master=$(getent hosts "$MASTER_HOST"); do sleep 0.5; done
  master=${master%% *}
  {
    echo "port 26379"
    echo "protected-mode no"
    echo "sentinel monitor shop $master 6379 2"
    echo "sentinel auth-pass shop $REDIS_PASSWORD"
    echo "sentinel down-after-milliseconds shop 3000"
    echo "sentinel failover-timeout shop 10000"
  } >"$conf"
fi
exec redis-sentinel "$conf"
