# syntax=docker/dockerfile:1
# Epoch grader, CPU: tfjs-node (native TensorFlow) with the wasm backend as fallback.
# Build from the repository root:  docker build -f docker/grader.Dockerfile -t epoch-grader .
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
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false NEXT_TELEMETRY_DISABLED=1
RUN npm run generate -w @epoch/db && npx nx run @epoch/grader:build --outputStyle=stream

# ---- prod-deps: the grader's runtime packages; tfjs-node's install script fetches libtensorflow (CPU)
FROM manifests AS prod-deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY docker/hoist-workspace-deps.mjs /tmp/hoist-workspace-deps.mjs
# The GPU package is for docker/grader-gpu.Dockerfile only. When native TensorFlow cannot be installed, the image is
# still built and the grader falls back to the wasm backend (it logs the backend it chose at start-up).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund -w @epoch/grader \
 && rm -rf node_modules/@tensorflow/tfjs-node-gpu \
 && (npm rebuild @tensorflow/tfjs-node --foreground-scripts \
     || (echo "WARNING: @tensorflow/tfjs-node could not be installed: this image will train with the wasm backend" && rm -rf node_modules/@tensorflow/tfjs-node)) \
 && node /tmp/hoist-workspace-deps.mjs /app apps/grader \
 && mkdir -p apps/grader/node_modules

# ---- runtime
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    EPOCH_DATA_DIR=/data \
    EPOCH_GRADER_METRICS_PORT=9464
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/apps/grader/package.json ./apps/grader/package.json
COPY --from=prod-deps /app/apps/grader/node_modules ./apps/grader/node_modules
COPY --from=build /app/apps/grader/dist ./apps/grader/dist
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 9464
# The grader hands a running job back on SIGTERM; give it the time (compose: stop_grace_period; k8s: terminationGracePeriodSeconds).
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.EPOCH_GRADER_METRICS_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--enable-source-maps", "apps/grader/dist/main.js"]
