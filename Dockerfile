# The asoc-lab image: the lab's sources, their npm dependencies, the asoc-lab CLI as entrypoint.
# BASE is any image with Node.js 20 and npm at /usr/local/bin. With a registry that is node:20-slim;
# a machine that reaches none builds topo/base-image.sh's local image and passes
#   --build-arg BASE=asoc-lab-base:local --build-arg NPM_OFFLINE=1
# with the npm packages already in topo/npm-cache/ (`asoc-lab topo build` does both).
# The cluster's API key is never part of the image: it comes in at run time (a compose secret).
ARG BASE=node:20-slim
FROM ${BASE}
ARG NPM_OFFLINE=
WORKDIR /app
COPY package.json package-lock.json ./
COPY topo/npm-cache/ /tmp/npm-cache/
RUN npm ci --omit=dev --no-audit --no-fund --cache /tmp/npm-cache ${NPM_OFFLINE:+--offline} \
 && npm cache clean --force --cache /tmp/npm-cache
COPY bin/ bin/
COPY src/ src/
COPY lab/ lab/
COPY attacks/ attacks/
COPY sim/ sim/
COPY scenarios/ scenarios/
COPY topo/ topo/
COPY bench/ bench/
COPY vectors/ vectors/
COPY docs/ docs/
ENV NODE_ENV=production
# tsx compiles the sources on first load and caches the result in /tmp: compiling once here spares
# every container of a topology those seconds of CPU at start.
RUN node /app/bin/asoc-lab.js --help >/dev/null
ENTRYPOINT ["node", "/app/bin/asoc-lab.js"]
CMD ["--help"]
