-- The outbox becomes a queue: requests only insert, a worker in the server sends.
ALTER TABLE outgoing_emails DROP CONSTRAINT outgoing_emails_status_check;
-- outbox: no SMTP configured, the table is the mailbox; pending: waiting for the worker
-- (first try or retry); sending: claimed by a worker until claimed_until; sent; failed:
-- given up.
ALTER TABLE outgoing_emails ADD CONSTRAINT outgoing_emails_status_check
    CHECK (status IN ('outbox', 'pending', 'sending', 'sent', 'failed'));
ALTER TABLE outgoing_emails RENAME COLUMN error TO last_error;
-- A secret the bodies hold (a reset token) until delivery or final failure, when the
-- worker masks it in the bodies and clears this column.
ALTER TABLE outgoing_emails ADD COLUMN secret TEXT;
ALTER TABLE outgoing_emails ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outgoing_emails ADD COLUMN next_attempt_at TIMESTAMP;
ALTER TABLE outgoing_emails ADD COLUMN claimed_until TIMESTAMP;
UPDATE outgoing_emails SET attempts = 1 WHERE status <> 'outbox';

-- The worker's question: what is due (pending and due, or sending with an expired lease)?
CREATE INDEX outgoing_emails_due ON outgoing_emails(status, next_attempt_at);
