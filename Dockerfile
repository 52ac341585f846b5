# syntax=docker/dockerfile:1
# Multi-stage: build the UI with the full toolchain, then ship production dependencies only,
# running as the unprivileged `node` user.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build:ui

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node package.json ./
COPY --chown=node:node runtime ./runtime
COPY --chown=node:node actors ./actors
COPY --chown=node:node sinks ./sinks
COPY --chown=node:node edge ./edge
COPY --chown=node:node sql ./sql
COPY --chown=node:node fixtures ./fixtures
COPY --chown=node:node ui/build.ts ./ui/build.ts
COPY --from=build --chown=node:node /app/ui/dist ./ui/dist
USER node
EXPOSE 8000
# The shell wrapper raises the open-file soft limit to the hard limit (Node cannot), then execs node.
ENTRYPOINT ["/bin/sh", "runtime/deploy/raise-nofile.sh", "node", "--max-semi-space-size=64", "runtime/cli/bin.js"]
CMD ["run"]
