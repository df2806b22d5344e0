# syntax=docker/dockerfile:1
# One image for the worker, the ingress, the codec server and the simulators (docker-compose.yml
# picks the command). Debian slim, not Alpine: the Temporal SDK's native core is built for glibc.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --workspaces=false: the workspace packages under packages/ (embedded Temporal service, dev UI)
# are dev tooling; the image neither copies nor installs them.
RUN npm ci --workspaces=false --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# Compile, then prebundle the workflow code so the worker does not run webpack at start-up.
RUN npm run build && node dist/worker.js bundle

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --workspaces=false --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 8080 9464
CMD ["node", "dist/worker.js"]
