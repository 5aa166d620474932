# syntax=docker/dockerfile:1
# Epoch API (NestJS), bundled by tools/bundle-app.mjs into apps/api/dist/main.js.
# Build from the repository root:  docker build -f docker/api.Dockerfile -t epoch-api .
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# ---- manifests: package.json files only, so dependency layers are rebuilt only when they change
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/api/package.json apps/api/
COPY apps/grader/package.json apps/grader/
COPY apps/web/package.json apps/web/
COPY libs/accounts/package.json libs/accounts/
COPY libs/artifacts/package.json libs/artifacts/
COPY libs/cli/package.json libs/cli/
COPY libs/content/package.json libs/content/
COPY libs/contracts/package.json libs/contracts/
COPY libs/datasets/package.json libs/datasets/
COPY libs/db/package.json libs/db/
COPY libs/grading/package.json libs/grading/
COPY libs/lti/package.json libs/lti/
COPY libs/model-spec/package.json libs/model-spec/
COPY libs/plots/package.json libs/plots/
COPY libs/trainer/package.json libs/trainer/
COPY tests/package.json tests/

# ---- build: every dependency (dev included), the generated Prisma client, the bundle
FROM manifests AS build
# Install scripts are not needed to build (native TensorFlow, Prisma engines): skipping them keeps the build offline-safe.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
RUN npm run generate -w @epoch/db && npx nx run @epoch/api:build --outputStyle=stream

# ---- prod-deps: only the API's runtime packages
FROM manifests AS prod-deps
COPY docker/hoist-workspace-deps.mjs /tmp/hoist-workspace-deps.mjs
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund -w @epoch/api \
 && node /tmp/hoist-workspace-deps.mjs /app apps/api \
 && mkdir -p apps/api/node_modules

# ---- runtime
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    EPOCH_API_HOST=0.0.0.0 \
    EPOCH_API_PORT=3001
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/apps/api/package.json ./apps/api/package.json
COPY --from=prod-deps /app/apps/api/node_modules ./apps/api/node_modules
COPY --from=build /app/apps/api/dist ./apps/api/dist
USER node
EXPOSE 3001
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.EPOCH_API_PORT||3001)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--enable-source-maps", "apps/api/dist/main.js"]
