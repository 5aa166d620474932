# syntax=docker/dockerfile:1
# Epoch web (Next.js 16), served by its own Node server (apps/web/server.ts -> dist/server.js) around Next.js. It talks to the API only (EPOCH_API_URL).
# Build from the repository root:  docker build -f docker/web.Dockerfile -t epoch-web .
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
RUN npx nx run @epoch/web:build --outputStyle=stream && rm -rf apps/web/.next/cache

# ---- prod-deps: only the web's runtime packages (next, react, markdown)
FROM manifests AS prod-deps
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund -w @epoch/web \
 && mkdir -p apps/web/node_modules

# ---- runtime
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    EPOCH_API_URL=http://api:3001
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./package.json
# node_modules/@epoch/contracts is a workspace link to libs/contracts (Next transpiles it into the build; the link
# must still resolve).
COPY --from=build /app/libs/contracts ./libs/contracts
COPY --from=build /app/apps/web/package.json /app/apps/web/next.config.ts ./apps/web/
COPY --from=prod-deps /app/apps/web/node_modules ./apps/web/node_modules
COPY --from=build /app/apps/web/.next ./apps/web/.next
COPY --from=build /app/apps/web/dist ./apps/web/dist
WORKDIR /app/apps/web
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENV EPOCH_WEB_PORT=3000
CMD ["node", "--enable-source-maps", "dist/server.js"]
