#!/bin/sh
# The shop's MariaDB: root reachable over the network with DB_PASSWORD, binary
# logs with GTIDs, and on the replica (PRIMARY_HOST set) read_only and
# replication from the primary, resumed from its own GTID position on every
# start.
set -eu
mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
chown -R mysql:mysql /var/lib/mysql
init=/run/mysqld/shop-init.sql
pw=$(printf '%s' "$DB_PASSWORD" | sed "s/'/''/g")
{
  echo "SET sql_log_bin=0;"
  echo "CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY '$pw';"
  echo "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;"
  echo "CREATE USER IF NOT EXISTS 'repl'@'%' IDENTIFIED BY '$pw';"
  echo "GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%';"
  if [ -n "${PRIMARY_HOST:-}" ]; then
    echo "STOP SLAVE;"
    echo "CHANGE MASTER TO MASTER_HOST='$PRIMARY_HOST', MASTER_USER='repl', MASTER_PASSWORD='$pw', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1;"
    echo "START SLAVE;"
  fi
} >"$init"
chown mysql:mysql "$init"
chmod 600 "$init"
readonly=""
[ -n "${PRIMARY_HOST:-}" ] && readonly="--read-only"
exec mariadbd --user=mysql --bind-address=0.0.0.0 --skip-name-resolve --server-id="$SERVER_ID" \
  --log-bin=shop-bin --log-slave-updates --binlog-format=ROW --init-file="$init" $readonly
