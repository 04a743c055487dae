# syntax=docker/dockerfile:1
# Build: docker build -t peersync-node .        Run: docker run -p 8000:8000 -p 8001:8001 -p 8002:8002/udp peersync-node

# ---- build stage: the Maven wrapper builds the shaded jar (tests run in CI, not in the image build) ----
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY sync-core/pom.xml sync-core/
COPY sync-store-postgres/pom.xml sync-store-postgres/
COPY sync-testing/pom.xml sync-testing/
COPY sync-transport-netty/pom.xml sync-transport-netty/
COPY discovery-udp/pom.xml discovery-udp/
COPY review-api/pom.xml review-api/
COPY node-app/pom.xml node-app/
COPY integration-tests/pom.xml integration-tests/
COPY bench/pom.xml bench/
# Best-effort dependency layer so source edits do not re-download everything; it cannot resolve our own
# modules (they exist only in the reactor), hence '|| true': the real build below fails loudly if anything is missing.
RUN ./mvnw -B -q -pl node-app -am dependency:go-offline -DskipTests || true
COPY . .
RUN ./mvnw -B -q -pl node-app -am package -DskipTests -DskipITs

# ---- runtime stage: a JRE 17 and the jar, running as an unprivileged user ----
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin peersync \
    && mkdir -p /app/data && chown -R peersync /app
WORKDIR /app
COPY --from=build /src/node-app/target/node-app.jar /app/node-app.jar
USER peersync
ENV DATA_DIR=/app/data
# API (HTTP + WebSocket + /metrics), P2P sync (TCP), discovery (UDP)
EXPOSE 8000 8001 8002/udp
VOLUME ["/app/data"]
# Healthy when /ready answers 200 (not while joining a peer by snapshot or shutting down). Bash's /dev/tcp: the JRE
# image has no curl, and a second JVM per check would cost more than the node's own answer.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${API_PORT:-8000} && printf 'GET /ready HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q ' 200 '"]
# Without DATABASE_URL the node runs an embedded PostgreSQL in /app/data (mount a volume to keep it).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/node-app.jar"]
