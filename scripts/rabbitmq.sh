#!/usr/bin/env bash
# Makes sure RabbitMQ answers on 127.0.0.1:5672 with guest/guest (the broker the bus
# tests publish to): installs it from Debian's packages if absent, starts it if
# stopped, and waits until it has started. Prints the AMQP address.
set -euo pipefail
SUDO=$([ "$(id -u)" -ne 0 ] && echo sudo || true)
HOST=127.0.0.1 PORT=5672

port_open() { (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; }

if ! port_open; then
  if ! command -v rabbitmq-server >/dev/null 2>&1; then
    echo "==> Installing RabbitMQ from Debian's packages" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq rabbitmq-server >&2
  fi
  echo "==> Starting RabbitMQ" >&2
  # The Debian scripts switch to the rabbitmq user themselves.
  $SUDO rabbitmq-server -detached >&2 || true
  $SUDO timeout 120 rabbitmqctl await_startup >&2 || true
  for _ in $(seq 1 60); do port_open && break; sleep 1; done
  port_open || { echo "RabbitMQ did not start on $HOST:$PORT" >&2; exit 1; }
fi
echo "$HOST:$PORT"
