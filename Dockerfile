# rnn-stream service image: `docker build -t rnn-stream .` (docker-compose.yml builds it).
# Three stages: build compiles TypeScript; deps installs production dependencies only; the
# runtime stage copies just those, runs as the unprivileged `node` user and is probed on /healthz.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
# Scripts stay off for dependencies; the project's kafkajs patch (patches/, see
# docs/architecture.md) is applied explicitly: the service refuses to start without it.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npx patch-package && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production
# The metrics server binds loopback by default; in a container it must listen on every interface.
ENV RNN_STREAM_METRICS_HOST=0.0.0.0
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY config ./config
COPY examples/models ./examples/models
USER node
EXPOSE 9464
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.RNN_STREAM_METRICS_PORT || 9464) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/rnn-stream.js"]
CMD ["run"]
