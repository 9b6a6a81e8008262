-- zkinfer proving service: models (compiled keys), jobs (the queue) and proofs.

CREATE TABLE models (
    digest        TEXT PRIMARY KEY,          -- hex SHA-256 of the verifying key's encoding (VerifyingKey.digest)
    proving_key   BYTEA NOT NULL,            -- ProvingKey.encode()
    verifying_key BYTEA NOT NULL,            -- VerifyingKey.encode()
    input_shape   INT[] NOT NULL,
    parameters    BIGINT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);

-- What was posted (ONNX bytes, calibration, options) -> the digest it compiled to, so that posting
-- the same model again returns the same digest without compiling it again.
CREATE TABLE model_sources (
    source_sha256 TEXT PRIMARY KEY,
    digest        TEXT NOT NULL REFERENCES models (digest)
);

CREATE TABLE jobs (
    id              UUID PRIMARY KEY,
    model_digest    TEXT NOT NULL REFERENCES models (digest),
    idempotency_key TEXT,
    input           FLOAT8[] NOT NULL,       -- the submitted input, flattened (real numbers, quantized by the worker)
    clamp_inputs    BOOLEAN NOT NULL DEFAULT FALSE,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    attempts        INT NOT NULL DEFAULT 0,  -- claims so far (a claim whose worker died counts)
    lease_owner     TEXT,
    lease_expires   TIMESTAMPTZ,
    error           TEXT,
    output          FLOAT8[],
    created_at      TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    started_at      TIMESTAMPTZ,
    finished_at     TIMESTAMPTZ,
    witness_ms      DOUBLE PRECISION,
    prove_ms        DOUBLE PRECISION,
    UNIQUE (model_digest, idempotency_key)
);

CREATE INDEX jobs_claimable ON jobs (created_at) WHERE status IN ('queued', 'running');

-- At most one proof per job (the primary key), written in the transaction that marks the job done.
CREATE TABLE proofs (
    job_id     UUID PRIMARY KEY REFERENCES jobs (id),
    proof      BYTEA NOT NULL,
    worker     TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
