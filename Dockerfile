# syntax=docker/dockerfile:1.7
# The `edgecart` image: the host binary plus the shop's Spin application
# (spin.toml, the five components built for wasm32-wasip2, the storefront built
# with Vite into storefront/dist).
#   docker run ... ghcr.io/edgecart/edgecart             `edgecart up`: the whole shop
#   args: ["commerce", ...] (k8s/base/host)               the commerce host beside a SpinApp
# The toolchain comes from rust-toolchain.toml, as on a developer's machine.

ARG RUST_VERSION=1.99.1
ARG NODE_VERSION=22
ARG DEBIAN_RELEASE=trixie

FROM node:${NODE_VERSION}-${DEBIAN_RELEASE}-slim AS storefront
WORKDIR /src/storefront
COPY storefront/package.json storefront/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY storefront/ ./
RUN npm run build

FROM rust:${RUST_VERSION}-slim-${DEBIAN_RELEASE} AS build
WORKDIR /src
COPY rust-toolchain.toml ./
RUN rustup toolchain install
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/src/target,sharing=locked \
    cargo build --release --locked -p edgecart \
    && cargo build --release --locked --target wasm32-wasip2 -p web -p users -p catalog -p cart -p orders \
    && mkdir -p /out/bin /out/app/target/wasm32-wasip2/release \
    && cp target/release/edgecart /out/bin/ \
    && cp target/wasm32-wasip2/release/web.wasm target/wasm32-wasip2/release/users.wasm \
          target/wasm32-wasip2/release/catalog.wasm target/wasm32-wasip2/release/cart.wasm \
          target/wasm32-wasip2/release/orders.wasm /out/app/target/wasm32-wasip2/release/

FROM debian:${DEBIAN_RELEASE}-slim AS runtime
ARG VERSION=dev
LABEL org.opencontainers.image.title="edgecart" \
      org.opencontainers.image.description="Edge commerce on WebAssembly: the edgecart host and the shop's Spin application" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}"
RUN groupadd --system --gid 10001 edgecart \
    && useradd --system --uid 10001 --gid edgecart --home-dir /var/lib/edgecart --create-home --shell /usr/sbin/nologin edgecart
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/bin/edgecart /usr/local/bin/edgecart
COPY --from=build /out/app/ /app/
COPY spin.toml runtime-config.toml /app/
COPY --from=storefront /src/storefront/dist /app/storefront/dist
COPY storefront/public /app/storefront/public
WORKDIR /app
USER 10001:10001
ENV EDGECART_DATA_DIR=/var/lib/edgecart \
    EDGECART_CACHE_DIR=/var/lib/edgecart/cache \
    RUST_LOG=info
VOLUME ["/var/lib/edgecart"]
EXPOSE 3000 8080 9090
# The admin listener (--admin-listen) answers /healthz; bash's /dev/tcp keeps
# curl out of the image.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9090 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '\"ok\"' <&3"]
ENTRYPOINT ["/usr/local/bin/edgecart"]
CMD ["up", "--from", "/app/spin.toml", "--listen", "0.0.0.0:3000", "--admin-listen", "0.0.0.0:9090", "--log-format", "json"]
