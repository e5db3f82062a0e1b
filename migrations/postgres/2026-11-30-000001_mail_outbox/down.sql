DROP INDEX outgoing_emails_due;
-- Emails still queued count as failed under the old scheme (it never retried); their
-- secret is masked, as the old scheme stored SMTP emails.
UPDATE outgoing_emails
SET body_text = replace(body_text, secret, '[masqué]'),
    body_html = replace(body_html, secret, '[masqué]')
WHERE secret IS NOT NULL;
UPDATE outgoing_emails SET status = 'failed' WHERE status IN ('pending', 'sending');
ALTER TABLE outgoing_emails DROP COLUMN claimed_until;
ALTER TABLE outgoing_emails DROP COLUMN next_attempt_at;
ALTER TABLE outgoing_emails DROP COLUMN attempts;
ALTER TABLE outgoing_emails DROP COLUMN secret;
ALTER TABLE outgoing_emails RENAME COLUMN last_error TO error;
ALTER TABLE outgoing_emails DROP CONSTRAINT outgoing_emails_status_check;
ALTER TABLE outgoing_emails ADD CONSTRAINT outgoing_emails_status_check
    CHECK (status IN ('outbox', 'sent', 'failed'));
