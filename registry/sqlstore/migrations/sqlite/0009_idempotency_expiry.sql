-- Idempotency keys expire (questionnaire.IdempotencyExpirer): the purge
-- deletes the oldest keys, in bounded batches, by their creation time.
-- created_at is fixed-width UTC RFC 3339, so text order is time order.

CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
