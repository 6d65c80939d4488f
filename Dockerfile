# syntax=docker/dockerfile:1
# One image for every process; the command picks it:
#   node dist/apps/gateway/main.js   (default)   HTTP on PORT (3000)
#   node dist/apps/worker/main.js                health and metrics on WORKER_HTTP_PORT (3001)
#   node dist/apps/agent-cli/main.js validate|test <file.yaml>

# Node.js 24 LTS, an exact release of the minor .nvmrc names (CI runs the tests on that same
# runtime); every stage starts from this one. Named once, in a FROM line, where Dependabot finds
# it and proposes updates. Pin it by digest too (`node:<release>-bookworm-slim@sha256:<index
# digest>`) where your registry can tell the digest; the tests accept either form.
FROM node:24.21.0-bookworm-slim AS node

# Production dependencies only, installed apart from the build so that no dev tool (Nest CLI,
# webpack, TypeScript, Jest) reaches the final image. The bundles keep node_modules external.
# npm keeps TypeScript under --omit=dev: an optional peer of valibot (through @bull-board/api)
# that is also a devDependency counts as "devOptional". Nothing loads it at run time (only
# @nestjs/swagger's compile-time plugin would), so it goes: 23 MB of compiler.
FROM node AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund \
  && rm -rf node_modules/typescript node_modules/.bin/tsc node_modules/.bin/tsserver

FROM node AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY nest-cli.json webpack.config.js tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build

FROM node
ENV NODE_ENV=production
# The source revision, for the webim_build_info metric:
#   docker build --build-arg BUILD_REVISION=$(git rev-parse --short HEAD) .
ARG BUILD_REVISION=
ENV BUILD_REVISION=${BUILD_REVISION}
WORKDIR /app
# Owned by root and read-only to the app user: the running process cannot change its own code.
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# agents/demo.yaml is the demo agent the gateway seeds in development; the examples serve
# `agent-cli` users. Both are small.
COPY agents ./agents
COPY deploy/healthcheck.js ./deploy/healthcheck.js
# Numeric, so that Kubernetes' runAsNonRoot can verify it (it cannot resolve the name "node").
USER 1000:1000
EXPOSE 3000 3001
# Liveness only: restarting a container whose Redis or workers are down would not help.
# The script probes the gateway's or the worker's port, whichever process PID 1 is.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "deploy/healthcheck.js"]
CMD ["node", "dist/apps/gateway/main.js"]
