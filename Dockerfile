# Multi-stage build: compile in the Rust image, run in a small Debian image.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
# Every target the manifest declares must be present, even those not built here.
COPY src ./src
COPY seed ./seed
COPY models ./models
COPY schema ./schema
COPY tests ./tests
COPY benches ./benches
RUN cargo build --release --locked --bin claimgraph

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /data claimgraph \
    && mkdir -p /data && chown claimgraph /data
COPY --from=build /src/target/release/claimgraph /usr/local/bin/claimgraph
USER claimgraph
VOLUME ["/data"]
EXPOSE 8080
ENV CLAIMGRAPH_ADDR=0.0.0.0:8080 CLAIMGRAPH_DATA_DIR=/data
HEALTHCHECK --interval=30s --timeout=6s --start-period=20s --retries=3 \
    CMD ["claimgraph", "healthcheck", "--addr", "127.0.0.1:8080"]
ENTRYPOINT ["claimgraph"]
CMD ["serve", "--addr", "0.0.0.0:8080", "--data-dir", "/data"]
