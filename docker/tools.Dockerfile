# syntax=docker/dockerfile:1
# Epoch tools: the `./epoch` CLI for one-shot jobs (migrate, seed, data prepare), run with tsx from the sources.
# Migrations run here, once per deployment, never at API start.
# Build from the repository root:  docker build -f docker/tools.Dockerfile -t epoch-tools .
#   docker run --rm -e DATABASE_URL=... -e REDIS_URL=... epoch-tools              # db migrate (the default)
#   docker run --rm -e DATABASE_URL=... -e REDIS_URL=... epoch-tools db seed
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

# ---- runtime: all dependencies (tsx is a dev dependency), the sources, the generated Prisma client
FROM manifests AS runtime
RUN npm ci --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY . .
RUN npm run generate -w @epoch/db \
 && mkdir -p /data && chown node:node /data
ENV NODE_ENV=production \
    EPOCH_DATA_DIR=/data
USER node
ENTRYPOINT ["node", "--import", "tsx", "libs/cli/src/main.ts"]
CMD ["db", "migrate"]
