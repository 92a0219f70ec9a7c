# The ledger service image. better-sqlite3 is compiled from source in the build stage, which has the toolchain.
# The Node.js line follows .nvmrc (the current LTS); the version is pinned so that a rebuild is the same image.
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

FROM ${NODE_IMAGE} AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY console ./console
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
# Every interface: a published port reaches the container from outside its loopback. The host side of
# the port is where access is limited (docker-compose.yml publishes on 127.0.0.1 only).
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 LOG_LEVEL=info LEDGER_SQLITE_PATH=/data/ledger.db
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The data directory belongs to the user the service runs as, before it becomes a volume: a new named
# volume starts as a copy of it, owner included, so the service can create its database there.
RUN mkdir -p /data && chown node:node /data && chmod 0750 /data
VOLUME /data
EXPOSE 3000
USER node
# No curl in the slim image: Node itself asks /health (200 only when the store answers).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
