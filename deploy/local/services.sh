#!/usr/bin/env bash
# Real Kafka and Redis for development and CI, as local processes (no Docker).
#
#   deploy/local/services.sh up                 start both (idempotent), wait until they answer
#   deploy/local/services.sh down               stop both (idempotent)
#   deploy/local/services.sh status             show what runs; exit 0 only when both answer
#   deploy/local/services.sh logs [kafka|redis] tail of the log files
#   deploy/local/services.sh env                print `export KAFKA_BROKERS=... REDIS_URL=...`
#   deploy/local/services.sh cluster-up         start a three-master Redis Cluster (idempotent)
#   deploy/local/services.sh cluster-down       stop it (idempotent)
#   deploy/local/services.sh cluster-env        print `export REDIS_CLUSTER_NODES=...`
#   deploy/local/services.sh --profile secured up|down|status|env
#                                               Kafka SASL_SSL + ACLs and Redis TLS on their own
#                                               ports (deploy/local/secured-profile.sh)
#
# Kafka: Apache Kafka 3.9.1 from Maven Central (deploy/local/kafka/pom.xml), single node in
# KRaft combined mode (broker + controller), run with the system Java (17). Redis: Debian's
# redis-server with an append-only file fsynced on every write.
#
# Environment:
#   RNN_STREAM_KAFKA_PORT             Kafka client port            (default 19092)
#   RNN_STREAM_KAFKA_CONTROLLER_PORT  KRaft controller port        (default 19093)
#   RNN_STREAM_REDIS_PORT             Redis port                   (default 16379)
#   RNN_STREAM_REDIS_APPENDFSYNC      Redis appendfsync: always | everysec | no (default always)
#   RNN_STREAM_REDIS_CLUSTER_PORT     first of the cluster's three ports (default 17001; each node's
#                                     cluster bus is its port + 10000)
#   RNN_STREAM_SERVICES_DIR           state: data, logs, pid files (default <repo>/.services)
#   RNN_STREAM_SERVICES_TIMEOUT       seconds `up` waits for readiness (default 120)
#   RNN_STREAM_LOG_LINES              lines shown by `logs` and on failure (default 100)
# Kafka's jars are cached in <repo>/.cache/kafka-libs and fetched with Maven only when missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/deploy/local"

KAFKA_PORT="${RNN_STREAM_KAFKA_PORT:-19092}"
CTRL_PORT="${RNN_STREAM_KAFKA_CONTROLLER_PORT:-19093}"
REDIS_PORT="${RNN_STREAM_REDIS_PORT:-16379}"
REDIS_APPENDFSYNC="${RNN_STREAM_REDIS_APPENDFSYNC:-always}"
CLUSTER_PORT="${RNN_STREAM_REDIS_CLUSTER_PORT:-17001}"
STATE_DIR="${RNN_STREAM_SERVICES_DIR:-$ROOT/.services}"
TIMEOUT="${RNN_STREAM_SERVICES_TIMEOUT:-120}"
LOG_LINES="${RNN_STREAM_LOG_LINES:-100}"
STOP_TIMEOUT=30

mkdir -p "$STATE_DIR"
STATE_DIR="$(cd "$STATE_DIR" && pwd)"
KAFKA_DIR="$STATE_DIR/kafka"
REDIS_DIR="$STATE_DIR/redis"
KAFKA_PID="$KAFKA_DIR/kafka.pid"
REDIS_PID="$REDIS_DIR/redis.pid"
CLUSTER_DIR="$STATE_DIR/redis-cluster"
PORTS_FILE="$STATE_DIR/ports.env"

KAFKA_POM="$HERE/kafka/pom.xml"
KAFKA_LIBS="$ROOT/.cache/kafka-libs"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

log() { printf '%s\n' "$*"; }
die() { printf 'services.sh: error: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

# The ports of the services that run now were recorded by `up`; they win over the environment
# so that `env`, `status` and `down` describe what actually runs.
load_recorded_ports() {
  if [[ -f "$PORTS_FILE" ]] && { kafka_running || redis_running; }; then
    # shellcheck disable=SC1090
    source "$PORTS_FILE"
  fi
}

port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# pid_of <pid file> <text the process command line must contain>: prints the pid when that
# process is alive and is the one we started (guards against stale files and reused pids).
pid_of() {
  local file="$1" marker="$2" pid
  [[ -f "$file" ]] || return 1
  pid="$(tr -dc '0-9' <"$file")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker" || return 1
  printf '%s\n' "$pid"
}
kafka_pid() { pid_of "$KAFKA_PID" "$KAFKA_DIR/server.properties"; }
redis_pid() { pid_of "$REDIS_PID" "redis-server"; }
kafka_running() { kafka_pid >/dev/null; }
redis_running() { redis_pid >/dev/null; }

tail_file() {
  local file="$1"
  if [[ -s "$file" ]]; then
    printf -- '--- %s (last %s lines) ---\n' "$file" "$LOG_LINES"
    tail -n "$LOG_LINES" "$file"
  fi
}
kafka_logs() { tail_file "$KAFKA_DIR/stdout.log"; tail_file "$KAFKA_DIR/server.log"; }
redis_logs() { tail_file "$REDIS_DIR/redis.log"; }

# ---------------------------------------------------------------------------------------------
# Prerequisites

ensure_redis_server() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return 0
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    log "redis: redis-server is missing, installing it with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
    command -v redis-server >/dev/null || die "apt-get did not install redis-server"
  else
    die "redis-server is not installed; install it (Debian/Ubuntu: sudo apt-get install -y redis-server)"
  fi
}

ensure_java() {
  command -v "$JAVA" >/dev/null ||
    die "java is not installed (Kafka needs Java 11+, 17 recommended); Debian: apt-get install -y openjdk-17-jre-headless, or set JAVA_HOME"
  local version major
  version="$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)"
  major="${version%%.*}"
  if [[ "$major" =~ ^[0-9]+$ ]] && ((major < 11)); then
    die "java $version is too old for Kafka 3.9 (needs 11+, 17 recommended)"
  fi
}

# Runtime jars of kafka_2.13 + the logging binding, fetched once. The marker file holds the
# checksum of the POM, so editing the POM (e.g. another Kafka version) refetches them.
ensure_kafka_libs() {
  local want have=""
  want="$(sha256sum "$KAFKA_POM" | cut -d' ' -f1)"
  [[ -f "$KAFKA_LIBS/.pom.sha256" ]] && have="$(cat "$KAFKA_LIBS/.pom.sha256")"
  [[ "$want" == "$have" ]] && return 0
  command -v mvn >/dev/null ||
    die "mvn (Maven) is not installed; it fetches Kafka's jars from Maven Central once. Debian: apt-get install -y maven"
  log "kafka: fetching Kafka jars from Maven Central into $KAFKA_LIBS (first run only) ..."
  local tmp="$KAFKA_LIBS.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$(dirname "$KAFKA_LIBS")"
  if ! mvn -q -B -Dstyle.color=never -f "$KAFKA_POM" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp"; then
    rm -rf "$tmp"
    die "mvn could not fetch the Kafka jars (is Maven Central reachable?)"
  fi
  printf '%s\n' "$want" >"$tmp/.pom.sha256"
  rm -rf "$KAFKA_LIBS"
  mv "$tmp" "$KAFKA_LIBS"
  log "kafka: $(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars cached"
}

# ---------------------------------------------------------------------------------------------
# Kafka

write_kafka_config() {
  mkdir -p "$KAFKA_DIR/data"
  cat >"$KAFKA_DIR/server.properties" <<EOF
# Generated by deploy/local/services.sh; rewritten on every start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CTRL_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CTRL_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
}

# JVM options and class path for both the broker and StorageTool.
KAFKA_JAVA_ARGS=(
  -Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true
  -Dlog4j.configuration="file:$HERE/kafka/log4j.properties"
  -Dkafka.logs.dir="$KAFKA_DIR"
  -cp "$KAFKA_LIBS/*"
)
java_cmd() { "$JAVA" "${KAFKA_JAVA_ARGS[@]}" "$@"; }

format_kafka_storage() {
  if [[ ! -s "$KAFKA_DIR/cluster.id" ]]; then
    java_cmd kafka.tools.StorageTool random-uuid | tail -n1 | tr -d '[:space:]' >"$KAFKA_DIR/cluster.id.tmp"
    [[ -s "$KAFKA_DIR/cluster.id.tmp" ]] || die "kafka: StorageTool random-uuid printed nothing"
    mv "$KAFKA_DIR/cluster.id.tmp" "$KAFKA_DIR/cluster.id"
  fi
  # Static voters (controller.quorum.voters): format without --standalone. -g leaves an
  # already formatted directory as it is, so data survives down/up.
  java_cmd kafka.tools.StorageTool format -t "$(cat "$KAFKA_DIR/cluster.id")" \
    -c "$KAFKA_DIR/server.properties" -g >"$KAFKA_DIR/format.log" 2>&1 ||
    { cat "$KAFKA_DIR/format.log" >&2; die "kafka: formatting the storage in $KAFKA_DIR/data failed"; }
}

start_kafka() {
  local pid
  if pid="$(kafka_pid)"; then
    log "kafka: already running (pid $pid, port $KAFKA_PORT)"
    return 0
  fi
  rm -f "$KAFKA_PID"
  local port
  for port in "$KAFKA_PORT" "$CTRL_PORT"; do
    if port_open "$port"; then
      die "kafka: port $port is already in use by another process; stop it or set RNN_STREAM_KAFKA_PORT / RNN_STREAM_KAFKA_CONTROLLER_PORT"
    fi
  done
  ensure_java
  ensure_kafka_libs
  write_kafka_config
  format_kafka_storage
  log "kafka: starting Apache Kafka 3.9.1 (KRaft, node 1) on 127.0.0.1:$KAFKA_PORT, controller :$CTRL_PORT"
  # setsid: its own session, so a Ctrl-C or a killed process group of the caller leaves it be.
  # (setsid does not fork here, so $! is the JVM's pid.) 9>&-: see with_lock.
  setsid nohup "$JAVA" "${KAFKA_JAVA_ARGS[@]}" kafka.Kafka "$KAFKA_DIR/server.properties" \
    </dev/null >"$KAFKA_DIR/stdout.log" 2>&1 9>&- &
  echo $! >"$KAFKA_PID"
}

kafka_answers() {
  local timeout_ms="${1:-5000}"
  if [[ -d "$ROOT/node_modules/kafkajs" ]] && command -v node >/dev/null; then
    node "$HERE/wait-kafka.mjs" --brokers "127.0.0.1:$KAFKA_PORT" --timeout-ms "$timeout_ms"
  else
    # Without node_modules (npm ci not run yet) fall back to the broker's own log line.
    grep -q 'Kafka Server started' "$KAFKA_DIR/server.log" 2>/dev/null &&
      log "kafka: log says started (kafkajs not installed: run npm ci for a real check)"
  fi
}

wait_kafka() {
  local deadline=$((SECONDS + TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kafka_running; then
      kafka_logs >&2
      die "kafka: the process exited during startup (logs above)"
    fi
    if port_open "$KAFKA_PORT" && kafka_answers 5000 >"$KAFKA_DIR/ready.out" 2>&1; then
      log "kafka: ready ($(cat "$KAFKA_DIR/ready.out"))"
      return 0
    fi
    sleep 1
  done
  kafka_logs >&2
  [[ -s "$KAFKA_DIR/ready.out" ]] && { echo "--- last readiness check ---" >&2; cat "$KAFKA_DIR/ready.out" >&2; }
  die "kafka: not ready after ${TIMEOUT}s (logs above; raise RNN_STREAM_SERVICES_TIMEOUT if the machine is slow)"
}

# ---------------------------------------------------------------------------------------------
# Redis

start_redis() {
  local pid
  if pid="$(redis_pid)"; then
    log "redis: already running (pid $pid, port $REDIS_PORT)"
    return 0
  fi
  rm -f "$REDIS_PID"
  if port_open "$REDIS_PORT"; then
    die "redis: port $REDIS_PORT is already in use by another process; stop it or set RNN_STREAM_REDIS_PORT"
  fi
  ensure_redis_server
  mkdir -p "$REDIS_DIR"
  log "redis: starting $(redis-server --version | cut -d' ' -f1-3) on 127.0.0.1:$REDIS_PORT"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 \
    --save "" --appendonly yes --appendfsync "$REDIS_APPENDFSYNC" \
    --dir "$REDIS_DIR" --daemonize yes \
    --pidfile "$REDIS_PID" --logfile "$REDIS_DIR/redis.log" 9>&- ||
    { redis_logs >&2; die "redis: redis-server failed to start (log above)"; }
}

wait_redis() {
  local deadline=$((SECONDS + TIMEOUT)) reply
  while ((SECONDS < deadline)); do
    reply="$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null || true)"
    if [[ "$reply" == "PONG" ]]; then
      redis_running || die "redis: port $REDIS_PORT answers but not the redis-server started here"
      log "redis: ready (PONG)"
      return 0
    fi
    sleep 0.2
  done
  redis_logs >&2
  die "redis: no PONG after ${TIMEOUT}s (log above)"
}

# ---------------------------------------------------------------------------------------------
# Redis Cluster: three masters, no replicas, on CLUSTER_PORT .. CLUSTER_PORT+2 (loopback).

cluster_ports() { echo "$CLUSTER_PORT" "$((CLUSTER_PORT + 1))" "$((CLUSTER_PORT + 2))"; }
cluster_node_pid() { pid_of "$CLUSTER_DIR/$1/redis.pid" "redis-server"; }

cluster_state() {
  redis-cli -h 127.0.0.1 -p "$CLUSTER_PORT" cluster info 2>/dev/null | tr -d '\r' | sed -n 's/^cluster_state://p'
}

# The ports recorded by cluster-up win over the environment while a node runs (as for `up`).
load_cluster_port() {
  local file="$STATE_DIR/cluster-ports.env" port
  [[ -f "$file" ]] || return 0
  # shellcheck disable=SC1090
  port="$(source "$file"; echo "$CLUSTER_PORT")"
  local saved="$CLUSTER_PORT"
  CLUSTER_PORT="$port"
  local p
  for p in $(cluster_ports); do cluster_node_pid "$p" >/dev/null && return 0; done
  CLUSTER_PORT="$saved"
}

start_cluster_node() {
  local port="$1" dir="$CLUSTER_DIR/$1" pid
  if pid="$(cluster_node_pid "$port")"; then
    log "redis-cluster: node $port already running (pid $pid)"
    return 0
  fi
  rm -f "$dir/redis.pid"
  local p
  for p in "$port" "$((port + 10000))"; do
    if port_open "$p"; then
      die "redis-cluster: port $p is already in use by another process; set RNN_STREAM_REDIS_CLUSTER_PORT"
    fi
  done
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes \
    --cluster-config-file "$dir/nodes.conf" --cluster-node-timeout 5000 \
    --save "" --appendonly yes --appendfsync "$REDIS_APPENDFSYNC" \
    --dir "$dir" --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" 9>&- ||
    { tail_file "$dir/redis.log" >&2; die "redis-cluster: node $port failed to start (log above)"; }
}

wait_cluster_nodes() {
  local deadline=$((SECONDS + TIMEOUT)) port
  for port in $(cluster_ports); do
    until [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null || true)" == "PONG" ]]; do
      ((SECONDS < deadline)) || { tail_file "$CLUSTER_DIR/$port/redis.log" >&2; die "redis-cluster: node $port: no PONG after ${TIMEOUT}s"; }
      sleep 0.2
    done
  done
}

cmd_cluster_up() {
  with_lock
  load_cluster_port
  ensure_redis_server
  local port
  for port in $(cluster_ports); do start_cluster_node "$port"; done
  printf 'CLUSTER_PORT=%s\n' "$CLUSTER_PORT" >"$STATE_DIR/cluster-ports.env"
  wait_cluster_nodes
  # Slots are assigned once (nodes.conf keeps them across restarts); a node that knows no other
  # node and has no slot is fresh, so the cluster is created.
  if [[ "$(redis-cli -h 127.0.0.1 -p "$CLUSTER_PORT" cluster info | tr -d '\r' | sed -n 's/^cluster_slots_assigned://p')" == "0" ]]; then
    local nodes=()
    for port in $(cluster_ports); do nodes+=("127.0.0.1:$port"); done
    log "redis-cluster: creating the cluster (3 masters, no replicas) on ${nodes[*]}"
    redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$CLUSTER_DIR/create.log" 2>&1 ||
      { cat "$CLUSTER_DIR/create.log" >&2; die "redis-cluster: redis-cli --cluster create failed (output above)"; }
  fi
  local deadline=$((SECONDS + TIMEOUT))
  until [[ "$(cluster_state)" == "ok" ]]; do
    ((SECONDS < deadline)) || { redis-cli -h 127.0.0.1 -p "$CLUSTER_PORT" cluster info >&2 || true; die "redis-cluster: cluster_state is not ok after ${TIMEOUT}s"; }
    sleep 0.5
  done
  log "redis-cluster: ready (cluster_state:ok) on 127.0.0.1:$(cluster_ports | tr ' ' ',')"
  log "  eval \"\$($HERE/services.sh cluster-env)\""
}

cmd_cluster_down() {
  with_lock
  load_cluster_port
  local port pid
  for port in $(cluster_ports); do
    if pid="$(cluster_node_pid "$port")"; then stop_process "redis-cluster node $port" "$pid" "$CLUSTER_DIR/$port/redis.pid"; else
      rm -f "$CLUSTER_DIR/$port/redis.pid"
      log "redis-cluster: node $port not running"
    fi
  done
}

cmd_cluster_env() {
  load_cluster_port
  local nodes=() port
  for port in $(cluster_ports); do nodes+=("127.0.0.1:$port"); done
  printf 'export REDIS_CLUSTER_NODES=%s\n' "$(IFS=,; echo "${nodes[*]}")"
}

# ---------------------------------------------------------------------------------------------
# Stop: SIGTERM, wait, then SIGKILL.

stop_process() {
  local name="$1" pid="$2" pidfile="$3" waited=0
  log "$name: stopping (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited >= STOP_TIMEOUT * 5)); then
      log "$name: still running after ${STOP_TIMEOUT}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
  rm -f "$pidfile"
  log "$name: stopped"
}

# ---------------------------------------------------------------------------------------------
# Commands

with_lock() {
  # One `up`/`down` at a time per state directory. The services are started with fd 9 closed
  # (`9>&-`) so that they do not keep holding the lock.
  exec 9>"$STATE_DIR/.lock"
  flock -w 600 9 || die "another services.sh up/down holds $STATE_DIR/.lock"
}

cmd_up() {
  with_lock
  local started=$SECONDS
  if kafka_running || redis_running; then
    load_recorded_ports
  fi
  start_redis
  start_kafka
  printf 'KAFKA_PORT=%s\nCTRL_PORT=%s\nREDIS_PORT=%s\n' "$KAFKA_PORT" "$CTRL_PORT" "$REDIS_PORT" >"$PORTS_FILE"
  wait_redis
  wait_kafka
  log "services up in $((SECONDS - started))s (state in $STATE_DIR). Use them with:"
  log "  eval \"\$($HERE/services.sh env)\""
}

cmd_down() {
  with_lock
  local pid
  if pid="$(kafka_pid)"; then stop_process kafka "$pid" "$KAFKA_PID"; else
    rm -f "$KAFKA_PID"
    log "kafka: not running"
  fi
  if pid="$(redis_pid)"; then stop_process redis "$pid" "$REDIS_PID"; else
    rm -f "$REDIS_PID"
    log "redis: not running"
  fi
}

cmd_status() {
  load_recorded_ports
  local ok=0 pid
  if pid="$(kafka_pid)"; then
    if kafka_answers 3000 >"$KAFKA_DIR/ready.out" 2>&1; then
      log "kafka: running, pid $pid, 127.0.0.1:$KAFKA_PORT, $(cat "$KAFKA_DIR/ready.out")"
    else
      log "kafka: process running (pid $pid) but not answering on 127.0.0.1:$KAFKA_PORT"
      ok=1
    fi
  else
    log "kafka: not running"
    ok=1
  fi
  if pid="$(redis_pid)"; then
    if [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null || true)" == "PONG" ]]; then
      log "redis: running, pid $pid, 127.0.0.1:$REDIS_PORT, PONG"
    else
      log "redis: process running (pid $pid) but no PONG on 127.0.0.1:$REDIS_PORT"
      ok=1
    fi
  else
    log "redis: not running"
    ok=1
  fi
  log "state: $STATE_DIR"
  return "$ok"
}

cmd_logs() {
  case "${1:-all}" in
    kafka) kafka_logs ;;
    redis) redis_logs ;;
    all) kafka_logs; redis_logs ;;
    *) die "logs: unknown service '$1' (kafka or redis)" ;;
  esac
}

cmd_env() {
  load_recorded_ports
  printf 'export KAFKA_BROKERS=127.0.0.1:%s REDIS_URL=redis://127.0.0.1:%s\n' "$KAFKA_PORT" "$REDIS_PORT"
}

# --profile secured: the same commands for the secured services (deploy/local/secured-profile.sh).
if [[ "${1:-}" == "--profile" ]]; then
  [[ "${2:-}" == "secured" ]] || die "unknown profile '${2:-}' (known: secured)"
  # shellcheck source=deploy/local/secured-profile.sh
  source "$HERE/secured-profile.sh"
  case "${3:-}" in
    up) cmd_secured_up ;;
    down) cmd_secured_down ;;
    status) cmd_secured_status ;;
    env) cmd_secured_env ;;
    *) die "--profile secured: up, down, status or env" ;;
  esac
  exit $?
fi

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  logs) cmd_logs "${2:-all}" ;;
  env) cmd_env ;;
  cluster-up) cmd_cluster_up ;;
  cluster-down) cmd_cluster_down ;;
  cluster-env) cmd_cluster_env ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
