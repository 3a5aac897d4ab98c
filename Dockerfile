# Production image for ChatBoard, built in stages: install everything and compile (`npm run build` → lib/),
# then keep only production dependencies, and run the compiled server as the unprivileged `node` user.
# Point it at real services with DATABASE_URL and REDIS_URL (and set AUTH_SECRET); without DATABASE_URL it keeps
# an embedded PGlite database in the /app/data volume, which suits a single instance only.

# ---- build: all dependencies, TypeScript compiled to lib/ (the server and the migrations)
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.migrations.json ./
COPY src ./src
COPY migrations ./migrations
# The web client (client/ → public/ by Vite) imports the typed client from src/, so it builds after the sources.
COPY vite.config.ts ./
COPY client ./client
COPY public ./public
RUN npm run build && npm run build:client && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: node_modules without dev dependencies, lib/, config and the built public/; no sources, no compiler
FROM node:20-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3030 \
    DATA_DIR=/app/data/pglite \
    npm_config_update_notifier=false
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/lib ./lib
COPY config ./config
COPY --from=build /app/public ./public
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node

EXPOSE 3030
# Ready = database answers with every migration applied, Redis answers, not shutting down. Five misses (75 s)
# leave room for the first start's migrations (no --start-period: dockerfilelint 1.8 misreads that option).
HEALTHCHECK --interval=15s --timeout=5s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3030) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# `npm run start:prod` without npm and a shell in between: `docker stop` sends SIGTERM to PID 1, and the server
# itself shuts down gracefully on it (give it SHUTDOWN_TIMEOUT_MS: docker stop -t / stop_grace_period).
STOPSIGNAL SIGTERM
CMD ["node", "lib/index.js"]
