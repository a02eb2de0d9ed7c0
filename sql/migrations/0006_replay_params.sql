-- A request_key answers a retry of the same call only: the digest of the
-- checked parameters is kept with the answer, and a replay with other
-- parameters is refused. Keys stored before this migration have none and
-- are answered as before.
ALTER TABLE idempotency_keys ADD COLUMN params_digest bytea
	CHECK (params_digest IS NULL OR length(params_digest) = 32);
