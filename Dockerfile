# The worker and API image of docker-compose.yml (and of any other deployment), in two stages:
#   build    the whole toolchain: `npm run build` compiles TypeScript to dist/ (tsconfig.build.json), and
#            `npm run build:workflows` bundles the workflow code once, with the SDK's webpack, into one file;
#   runtime  production dependencies only, the compiled dist/ and that bundle, the plan and the dashboard's
#            pages; plain `node`, no tsx and no webpack at start.
# The Temporal binaries are never installed here (--ignore-scripts skips the postinstall that would fetch
# them): in production the worker and the API talk to a Temporal cluster given by TEMPORAL_ADDRESS.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV SKIP_TEMPORAL_INSTALL=1 \
    npm_config_update_notifier=false \
    npm_config_fund=false
# Dependencies first, so that a source change does not reinstall them.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build && npm run build:workflows -- dist/workflow-bundle.js

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    SKIP_TEMPORAL_INSTALL=1 \
    WORKFLOW_BUNDLE_PATH=dist/workflow-bundle.js \
    npm_config_update_notifier=false \
    npm_config_fund=false
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
# dist/ finds the project root by its package.json (config/paths.ts) and reads these from there.
COPY --from=build /app/dist dist
COPY seeds seeds
COPY dashboard/public dashboard/public
RUN mkdir -p /app/data && chown node:node /app/data
USER node

# `npm run worker`, compiled; docker-compose.yml runs the API (`node dist/api/main.js`) and the setup job
# (`node dist/scripts/cluster-setup.js`) from this image too.
CMD ["node", "dist/worker/main.js"]
