# syntax=docker/dockerfile:1
# The build stage has the dev dependencies (rollup, TypeScript); the image that runs has none of them.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000 DATA_DIR=/app/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# What the server reads at run time besides its node_modules: the build, the Congress data, the
# migrations, the dashboard's page and the demo pages.
COPY --from=build /app/dist ./dist
COPY --from=build /app/server/congress/congress-data.json ./server/congress/congress-data.json
COPY --from=build /app/server/store/migrations ./server/store/migrations
COPY --from=build /app/admin/index.html /app/admin/admin.css ./admin/
COPY --from=build /app/examples ./examples
# The image's own non-root user; DATA_DIR (PGlite, without DATABASE_URL) must be writable by it.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# No curl in the slim image: node asks for readiness (store reachable, migrations done).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health/ready`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The same V8 flags as `npm start` (and `npm run serve`); node itself, not npm, so SIGTERM reaches the server.
CMD ["node", "--max-semi-space-size=4", "--no-wasm-tier-up", "--no-wasm-dynamic-tiering", "--heap-growing-percent=30", "dist/server/main.js"]
