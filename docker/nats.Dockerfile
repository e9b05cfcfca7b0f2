# Debian's nats-server (with JetStream), for docker/docker-compose.cluster.yml.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends nats-server \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 998 --home-dir /var/lib/nats --shell /usr/sbin/nologin nats \
 && install -d -o nats -g nats -m 0700 /var/lib/nats
USER nats
VOLUME /var/lib/nats
EXPOSE 4222/tcp
ENTRYPOINT ["nats-server", "--jetstream", "--store_dir", "/var/lib/nats"]
