CREATE TABLE outgoing_emails_old (
    id INTEGER PRIMARY KEY,
    site_id BIGINT REFERENCES sites(id),
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('outbox', 'sent', 'failed')),
    error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);

-- Emails still queued count as failed under the old scheme (it never retried); their
-- secret is masked, as the old scheme stored SMTP emails.
INSERT INTO outgoing_emails_old
    (id, site_id, to_address, subject, body_text, body_html, status, error, created_at, sent_at)
SELECT id, site_id, to_address, subject,
       CASE WHEN secret IS NULL THEN body_text ELSE replace(body_text, secret, '[masqué]') END,
       CASE WHEN secret IS NULL THEN body_html ELSE replace(body_html, secret, '[masqué]') END,
       CASE WHEN status IN ('pending', 'sending') THEN 'failed' ELSE status END,
       last_error, created_at, sent_at
FROM outgoing_emails;

DROP TABLE outgoing_emails;
ALTER TABLE outgoing_emails_old RENAME TO outgoing_emails;
