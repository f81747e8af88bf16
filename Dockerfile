# The app's image: one build for every role; WHISK_ROLE (all, web, ws, worker) picks what a container runs.

# 1. Build: every dependency, then Next's build and the compiled server (dist/server.mjs).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The whisk workspace package: npm ci links it into node_modules.
COPY whisk/package.json whisk/
RUN npm ci
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1
# The same key for every build keeps server-action ids stable across deploys (README, "Deploying").
# Unset, Next.js makes one up per build, and tabs opened before a deploy fall back to /api/ws-token.
ARG NEXT_SERVER_ACTIONS_ENCRYPTION_KEY
# Optional, one per release: an older tab that navigates reloads instead of fetching missing scripts.
ARG NEXT_DEPLOYMENT_ID
RUN npm run build

# 2. Production dependencies only: no compilers, test tools or TypeScript loader in the image.
FROM node:24-bookworm-slim AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
COPY whisk/package.json whisk/
RUN npm ci --omit=dev

# 3. What runs: the build's output and production dependencies, as the unprivileged `node` user.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000
COPY --from=production-dependencies --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/package.json /app/next.config.ts ./
COPY --from=build --chown=node:node /app/whisk/package.json ./whisk/package.json
COPY --from=build --chown=node:node /app/public ./public
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/.next ./.next
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--enable-source-maps", "dist/server.mjs"]
