-- The outbox becomes a queue: requests only insert, a worker in the server sends.
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt.
CREATE TABLE outgoing_emails_new (
    id INTEGER PRIMARY KEY,
    site_id BIGINT REFERENCES sites(id),
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    -- outbox: no SMTP configured, the table is the mailbox; pending: waiting for the
    -- worker (first try or retry); sending: claimed by a worker until claimed_until;
    -- sent; failed: given up.
    status TEXT NOT NULL CHECK (status IN ('outbox', 'pending', 'sending', 'sent', 'failed')),
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    -- A secret the bodies hold (a reset token) until delivery or final failure, when the
    -- worker masks it in the bodies and clears this column.
    secret TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP,
    claimed_until TIMESTAMP
);

INSERT INTO outgoing_emails_new
    (id, site_id, to_address, subject, body_text, body_html, status, last_error, created_at, sent_at, attempts)
SELECT id, site_id, to_address, subject, body_text, body_html, status, error, created_at, sent_at,
       CASE WHEN status = 'outbox' THEN 0 ELSE 1 END
FROM outgoing_emails;

DROP TABLE outgoing_emails;
ALTER TABLE outgoing_emails_new RENAME TO outgoing_emails;

-- The worker's question: what is due (pending and due, or sending with an expired lease)?
CREATE INDEX outgoing_emails_due ON outgoing_emails(status, next_attempt_at);
