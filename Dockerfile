# The worker and API image of docker-compose.yml (and of any other deployment): the project's source run by
# tsx, production dependencies only. The Temporal binaries are not installed (SKIP_TEMPORAL_INSTALL=1): in
# production the worker and the API talk to a Temporal cluster given by TEMPORAL_ADDRESS.
FROM node:20-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production \
    SKIP_TEMPORAL_INSTALL=1 \
    npm_config_update_notifier=false \
    npm_config_fund=false

# Dependencies first, so that a source change does not reinstall them. The postinstall step needs its
# script and the module it imports; with SKIP_TEMPORAL_INSTALL=1 it installs nothing.
COPY package.json package-lock.json tsconfig.json ./
COPY scripts/install-temporal.ts scripts/
COPY embedded/binaries.ts embedded/
RUN npm ci --omit=dev && npm cache clean --force

COPY . .
RUN mkdir -p /app/data && chown node:node /app/data
USER node

# The same command as `npm run worker`; docker-compose.yml runs the API from this image with `api/main.ts`.
CMD ["node_modules/.bin/tsx", "worker/main.ts"]
