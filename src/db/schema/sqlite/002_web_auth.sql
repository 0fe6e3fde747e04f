-- apicheck schema, migration 002 (SQLite): what the web sign-in needs
-- beyond 001.  An optional TOTP second factor per user (RFC 6238; the
-- shared secret, base32, readable only by the server), and a stage on each
-- session: 'full' once signed in, 'totp' while the second factor is still
-- owed after a correct password.  Keep in step with ../pg/002_web_auth.sql.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT 'full'
    CHECK (stage IN ('full', 'totp'));
