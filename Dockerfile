# Production image for ChatBoard: Node 20, production dependencies only, runs as the unprivileged `node` user.
# Point it at real services with DATABASE_URL and REDIS_URL (and set AUTH_SECRET); without DATABASE_URL it keeps
# an embedded PGlite database in the /app/data volume, which suits a single instance only.
FROM node:20-slim

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3030 \
    DATA_DIR=/app/data/pglite \
    npm_config_update_notifier=false

WORKDIR /app

# Dependencies first, so the layer is reused while only the sources change. tsx is a runtime dependency
# (the server runs its TypeScript through it, migrations included), so --omit=dev keeps everything it needs.
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY config ./config
COPY migrations ./migrations
COPY public ./public
COPY src ./src

RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node

EXPOSE 3030
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3030) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# What `npm start` runs (tsx src/index.ts), without npm and a shell in between: `docker stop` sends SIGTERM to
# PID 1, and only the server itself shuts down gracefully on it (npm start exits and leaves it to be killed).
CMD ["node", "--import", "tsx", "src/index.ts"]
