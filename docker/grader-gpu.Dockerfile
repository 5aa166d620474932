# syntax=docker/dockerfile:1
# Epoch grader, GPU: @tensorflow/tfjs-node-gpu 4.22 links libtensorflow 2.9.1, built against CUDA 11.2 and
# cuDNN 8.1: the runtime base is NVIDIA's CUDA 11.2 + cuDNN 8 image. The host needs the NVIDIA driver (>= 450.80)
# and the NVIDIA container toolkit; compose reserves the GPU (profile `gpu`), Kubernetes requests nvidia.com/gpu.
# Build from the repository root:  docker build -f docker/grader-gpu.Dockerfile -t epoch-grader-gpu .
ARG NODE_IMAGE=node:20.20.2-bookworm-slim
ARG CUDA_IMAGE=nvidia/cuda:11.2.2-cudnn8-runtime-ubuntu20.04

FROM ${NODE_IMAGE} AS node

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

# ---- gpu-deps: the grader's runtime packages, installed on the CUDA base itself so that anything the native
# package compiles links against the same system libraries it will run with.
FROM ${CUDA_IMAGE} AS gpu-base
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && useradd --uid 1000 --create-home --shell /usr/sbin/nologin epoch

FROM gpu-base AS gpu-deps
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=manifests /app /app
COPY docker/hoist-workspace-deps.mjs /tmp/hoist-workspace-deps.mjs
# The native GPU package with its install script allowed (it downloads libtensorflow-gpu 2.9.1); a failure here
# fails the build: a GPU image without GPU TensorFlow would silently train on the CPU.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund -w @epoch/grader \
 && rm -rf node_modules/@tensorflow/tfjs-node \
 && npm rebuild @tensorflow/tfjs-node-gpu --foreground-scripts \
 && test -f node_modules/@tensorflow/tfjs-node-gpu/deps/lib/libtensorflow.so.2 \
 && node /tmp/hoist-workspace-deps.mjs /app apps/grader \
 && mkdir -p apps/grader/node_modules

# ---- runtime
FROM gpu-base AS runtime
ENV NODE_ENV=production \
    EPOCH_DATA_DIR=/data \
    EPOCH_GRADER_METRICS_PORT=9464 \
    EPOCH_BACKEND=node-gpu \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility \
    TF_CPP_MIN_LOG_LEVEL=1
WORKDIR /app
COPY --from=gpu-deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/apps/grader/package.json ./apps/grader/package.json
COPY --from=gpu-deps /app/apps/grader/node_modules ./apps/grader/node_modules
COPY --from=build /app/apps/grader/dist ./apps/grader/dist
RUN mkdir -p /data && chown epoch:epoch /data
VOLUME ["/data"]
USER epoch
EXPOSE 9464
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.EPOCH_GRADER_METRICS_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--enable-source-maps", "apps/grader/dist/main.js"]
