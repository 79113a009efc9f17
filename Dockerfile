# syntax=docker/dockerfile:1
# One image per module, chosen by target:
#   docker build --target user -t social-network/user .     (user, friend, recommendation,
#   discovery, gateway, all-in-one; no --target builds all-in-one, the last stage)
# The build stage compiles all six executables once (about 10 s); BuildKit reuses that stage for
# every target, so building the six images compiles once. Each image holds one executable.

ARG BUN_VERSION=1.4.5
# Base images, replaceable where the public registries are out of reach: `bun run check:images`
# builds with Debian bases made locally by mmdebstrap (scripts/images/bases.ts). The builder needs
# bun ${BUN_VERSION} and a POSIX shell; the runtime, glibc and libstdc++ (the executables link them).
ARG BUILDER_IMAGE=oven/bun:${BUN_VERSION}
ARG RUNTIME_IMAGE=gcr.io/distroless/cc-debian12:nonroot

# Runs on the builder's own platform and cross-compiles for the target one (bun downloads the
# target's runtime), which is much faster than compiling under QEMU for multi-arch images.
FROM --platform=$BUILDPLATFORM ${BUILDER_IMAGE} AS build
WORKDIR /src
# Dependencies in their own layer, reused until the lockfile changes. Dev dependencies (type
# checker, linters) are not needed to bundle. The install applies patches/ (package.json's
# patchedDependencies), so they come with the lockfile.
COPY package.json bun.lock bunfig.toml ./
COPY patches ./patches
RUN bun install --frozen-lockfile --production
COPY tsconfig.json ./
COPY src ./src
COPY scripts/build.ts ./scripts/build.ts
ARG TARGETARCH
RUN case "${TARGETARCH:-}" in \
      amd64) target=--target=bun-linux-x64 ;; \
      arm64) target=--target=bun-linux-arm64 ;; \
      "") target= ;; \
      *) echo "unsupported TARGETARCH ${TARGETARCH}" >&2; exit 1 ;; \
    esac \
 && bun scripts/build.ts --outdir /out $target \
 && mkdir -p /out/data

# Distroless: glibc and CA certificates, no shell or package manager; the executable carries its
# own runtime. `:nonroot` runs as uid 65532. The health check is the executable itself
# (`--health`), since there is no curl to call.
FROM ${RUNTIME_IMAGE} AS runtime
ARG RUNTIME_IMAGE
# Set by the release build, e.g. --build-arg REVISION=$(git rev-parse HEAD) (see deploy/README.md).
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
ARG SOURCE=""
LABEL org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.vendor="social-network" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="${RUNTIME_IMAGE}"
WORKDIR /app
# Migrations are read beside the executable (platform/db/migrations-folder.ts); they are tiny.
COPY --from=build /out/migrations /app/migrations
# Embedded PGlite data when no *_DATABASE_URL is set (always, for all-in-one): mount a volume here.
COPY --from=build --chown=65532:65532 /out/data /data
# Production mode for the runtime and its libraries (Elysia's terse defaults); the servers never
# run in development mode anyway.
ENV HOST=0.0.0.0 DATA_DIR=/data NODE_ENV=production
USER 65532:65532
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --start-interval=2s --retries=3 CMD ["/app/service", "--health"]
ENTRYPOINT ["/app/service"]

FROM runtime AS user
LABEL org.opencontainers.image.title="social-network-user" \
      org.opencontainers.image.description="User domain service: event-sourced users"
COPY --from=build /out/user /app/service
EXPOSE 8081

FROM runtime AS friend
LABEL org.opencontainers.image.title="social-network-friend" \
      org.opencontainers.image.description="Friend domain service: event-sourced friendships"
COPY --from=build /out/friend /app/service
EXPOSE 8082

FROM runtime AS recommendation
LABEL org.opencontainers.image.title="social-network-recommendation" \
      org.opencontainers.image.description="Recommendation aggregate service: friend graph projected from events"
COPY --from=build /out/recommendation /app/service
EXPOSE 8083

FROM runtime AS discovery
LABEL org.opencontainers.image.title="social-network-discovery" \
      org.opencontainers.image.description="Service registry: register, heartbeat, evict"
COPY --from=build /out/discovery /app/service
EXPOSE 8761

FROM runtime AS gateway
LABEL org.opencontainers.image.title="social-network-gateway" \
      org.opencontainers.image.description="Public API gateway: routing, balancing, merged OpenAPI"
COPY --from=build /out/gateway /app/service
# The console's script, bundled at build time and read beside the executable.
COPY --from=build /out/console /app/console
EXPOSE 9000

# Last, so a plain `docker build .` makes the one-container system.
FROM runtime AS all-in-one
LABEL org.opencontainers.image.title="social-network-all-in-one" \
      org.opencontainers.image.description="Every module in one process on embedded PGlite, in-process bus and in-memory graph"
COPY --from=build /out/all-in-one /app/service
COPY --from=build /out/console /app/console
EXPOSE 9000 8761 8081 8082 8083
# Its databases and, unless PII_MASTER_KEY is given, the master key it makes there on first start
# (pii-master-key), without which the names in them cannot be read: keep the two together.
VOLUME ["/data"]
