-- apicheck schema, migration 001 (PostgreSQL).  The whole model of the store:
-- catalogs and their items, organizations and users, connections, banks'
-- item selections, assessments with answers, reviews, comments, remediation
-- plans and evidence, partners' profiles, the audit trail, and what the web
-- layer needs for sessions, login throttling and API tokens.
--
-- Keep in step with ../sqlite/001_initial.sql: same tables, columns,
-- constraints and indexes; only the types differ (BIGINT GENERATED ALWAYS
-- AS IDENTITY and BYTEA here, INTEGER PRIMARY KEY, BLOB and STRICT there).
-- Ids are never inserted explicitly: they come back through RETURNING id.
-- Conventions: timestamps are ISO-8601 UTC TEXT made by the application
-- (db_now); dates are ISO "YYYY-MM-DD" TEXT; booleans are INTEGER 0/1;
-- enumerations are short English codes checked here; Japanese labels are
-- the application's business.  Rows are never deleted where history
-- matters (users and organizations are disabled, catalogs and selections
-- are immutable).

-- Catalogs (チェックリスト様式), normalized: items and references are rows,
-- so "which items cite 統20" is a query and answers can point at items.
CREATE TABLE catalogs (
    id           TEXT PRIMARY KEY,          -- stable key, "api-checklist-2018-08-02"
    title        TEXT NOT NULL,
    edition_date TEXT,                      -- the edition's date, ISO
    publisher    TEXT,
    builtin      INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
    created_at   TEXT NOT NULL
);

CREATE TABLE catalog_items (
    catalog_id TEXT NOT NULL REFERENCES catalogs (id),
    item_no    INTEGER NOT NULL CHECK (item_no > 0),   -- 通番
    item_key   TEXT,                                   -- identity across editions, when known
    category   TEXT NOT NULL,                          -- 区分
    objective  TEXT NOT NULL,                          -- セキュリティ対応目標
    target     TEXT NOT NULL CHECK (target IN ('partner', 'bank', 'both')),  -- 対象者
    note       TEXT,                                   -- 備考
    PRIMARY KEY (catalog_id, item_no),
    UNIQUE (catalog_id, item_key)
);

CREATE TABLE catalog_item_refs (
    catalog_id TEXT NOT NULL,
    item_no    INTEGER NOT NULL,
    seq        INTEGER NOT NULL CHECK (seq > 0),       -- order within the item
    source     TEXT NOT NULL,                          -- FISC・安対基準 …
    clause     TEXT NOT NULL,                          -- 統20, 3.3.2 …
    title      TEXT,                                   -- section title
    point      TEXT,                                   -- lettered paragraph
    PRIMARY KEY (catalog_id, item_no, seq),
    FOREIGN KEY (catalog_id, item_no) REFERENCES catalog_items (catalog_id, item_no)
);
CREATE INDEX catalog_item_refs_clause ON catalog_item_refs (clause);

-- Organizations: banks and partners (電子決済等代行業者).  (id, kind) is
-- unique so that other tables can require a bank or a partner by a
-- composite foreign key.
CREATE TABLE organizations (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('bank', 'partner')),
    name       TEXT NOT NULL UNIQUE,
    reg_no     TEXT UNIQUE,           -- 登録番号 (partners), 金融機関コード (banks)
    disabled   INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (id, kind)
);

-- Users: members of one organization, or operators of the installation
-- (org_id NULL).  login is stored as the application normalizes it.
CREATE TABLE users (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login        TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    pw_hash      TEXT,                -- argon2id, crypto_pwhash_str format; NULL = cannot log in
    role         TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'reviewer', 'viewer')),
    org_id       BIGINT REFERENCES organizations (id),
    is_operator  INTEGER NOT NULL DEFAULT 0 CHECK (is_operator IN (0, 1)),
    disabled     INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK (org_id IS NOT NULL OR is_operator = 1)
);
CREATE INDEX users_org ON users (org_id);

-- Connections: one bank × one partner × one API scope (参照系 read /
-- 更新系 write), with the state of the contract.
CREATE TABLE connections (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bank_id      BIGINT NOT NULL,
    bank_kind    TEXT NOT NULL DEFAULT 'bank' CHECK (bank_kind = 'bank'),
    partner_id   BIGINT NOT NULL,
    partner_kind TEXT NOT NULL DEFAULT 'partner' CHECK (partner_kind = 'partner'),
    scope        TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    state        TEXT NOT NULL DEFAULT 'planned'
                 CHECK (state IN ('planned', 'active', 'suspended', 'ended')),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (bank_id, partner_id, scope),
    FOREIGN KEY (bank_id, bank_kind) REFERENCES organizations (id, kind),
    FOREIGN KEY (partner_id, partner_kind) REFERENCES organizations (id, kind)
);
CREATE INDEX connections_partner ON connections (partner_id);

-- A bank's own selection of items for one catalog and scope, versioned
-- like a catalog: a version is never changed once written; assessments
-- keep the version they were opened with.  Items are those of the catalog
-- listed in selection_catalog_items, plus the bank's own in
-- selection_items, numbered after the catalog's.
CREATE TABLE selections (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bank_id    BIGINT NOT NULL,
    bank_kind  TEXT NOT NULL DEFAULT 'bank' CHECK (bank_kind = 'bank'),
    catalog_id TEXT NOT NULL REFERENCES catalogs (id),
    scope      TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    version    INTEGER NOT NULL CHECK (version > 0),
    note       TEXT,
    created_by BIGINT REFERENCES users (id),
    created_at TEXT NOT NULL,
    UNIQUE (bank_id, catalog_id, scope, version),
    UNIQUE (id, catalog_id),
    FOREIGN KEY (bank_id, bank_kind) REFERENCES organizations (id, kind)
);

CREATE TABLE selection_catalog_items (
    selection_id BIGINT NOT NULL,
    catalog_id   TEXT NOT NULL,
    item_no      INTEGER NOT NULL,
    PRIMARY KEY (selection_id, item_no),
    FOREIGN KEY (selection_id, catalog_id) REFERENCES selections (id, catalog_id),
    FOREIGN KEY (catalog_id, item_no) REFERENCES catalog_items (catalog_id, item_no)
);

CREATE TABLE selection_items (
    selection_id BIGINT NOT NULL REFERENCES selections (id),
    item_no      INTEGER NOT NULL CHECK (item_no > 0),
    category     TEXT NOT NULL,
    objective    TEXT NOT NULL,
    target       TEXT NOT NULL CHECK (target IN ('partner', 'bank', 'both')),
    note         TEXT,
    PRIMARY KEY (selection_id, item_no)
);

CREATE TABLE selection_item_refs (
    selection_id BIGINT NOT NULL,
    item_no      INTEGER NOT NULL,
    seq          INTEGER NOT NULL CHECK (seq > 0),
    source       TEXT NOT NULL,
    clause       TEXT NOT NULL,
    title        TEXT,
    point        TEXT,
    PRIMARY KEY (selection_id, item_no, seq),
    FOREIGN KEY (selection_id, item_no) REFERENCES selection_items (selection_id, item_no)
);
CREATE INDEX selection_item_refs_clause ON selection_item_refs (clause);

-- Assessments: one connection × one catalog (optionally through a bank's
-- selection version) × one round such as 2026年度.  version counts
-- workflow changes, for optimistic concurrency on the assessment itself.
CREATE TABLE assessments (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    connection_id BIGINT NOT NULL REFERENCES connections (id),
    catalog_id    TEXT NOT NULL REFERENCES catalogs (id),
    selection_id  BIGINT,
    round         TEXT NOT NULL,
    due_date      TEXT,
    state         TEXT NOT NULL DEFAULT 'draft'
                  CHECK (state IN ('draft', 'submitted', 'in_review', 'returned', 'accepted')),
    previous_id   BIGINT REFERENCES assessments (id),  -- the round it started from
    version       INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
    created_by    BIGINT REFERENCES users (id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    submitted_at  TEXT,
    accepted_at   TEXT,
    UNIQUE (connection_id, round),
    FOREIGN KEY (selection_id, catalog_id) REFERENCES selections (id, catalog_id)
);
CREATE INDEX assessments_state_due ON assessments (state, due_date);
CREATE INDEX assessments_catalog ON assessments (catalog_id);

-- Answers per item and side.  status NULL = not answered yet.  A save
-- names the version it was based on: UPDATE … WHERE version = $n, and
-- zero rows changed means someone else saved first.
CREATE TABLE answers (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES assessments (id),
    item_no       INTEGER NOT NULL CHECK (item_no > 0),
    side          TEXT NOT NULL CHECK (side IN ('partner', 'bank')),
    status        TEXT CHECK (status IN ('done', 'partial', 'todo', 'na')),
    current_text  TEXT,               -- 現在の対応状況
    gap_text      TEXT,               -- 課題認識
    plan_text     TEXT,               -- 課題への対応計画
    plan_due      TEXT,               -- its due date, ISO
    note          TEXT,               -- 備考
    version       INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
    updated_by    BIGINT REFERENCES users (id),
    updated_at    TEXT NOT NULL,
    UNIQUE (assessment_id, item_no, side)
);

-- The bank's evaluation per item: unrated 未評価, ok 適, improve 要改善,
-- ng 不適.
CREATE TABLE reviews (
    assessment_id INTEGER NOT NULL REFERENCES assessments (id),
    item_no       INTEGER NOT NULL CHECK (item_no > 0),
    evaluation    TEXT NOT NULL DEFAULT 'unrated'
                  CHECK (evaluation IN ('unrated', 'ok', 'improve', 'ng')),
    version       INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
    updated_by    BIGINT REFERENCES users (id),
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (assessment_id, item_no)
);

-- Comment threads: per item, or on the whole assessment (item_no NULL,
-- e.g. the reason for a 差戻し).  A thread reads in id order.
CREATE TABLE review_comments (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES assessments (id),
    item_no       INTEGER CHECK (item_no > 0),
    reply_to      BIGINT REFERENCES review_comments (id),
    body          TEXT NOT NULL,
    author_id     BIGINT NOT NULL REFERENCES users (id),
    org_id        BIGINT REFERENCES organizations (id),
    created_at    TEXT NOT NULL
);
CREATE INDEX review_comments_item ON review_comments (assessment_id, item_no, id);

-- Remediation plans (課題への対応計画) with owner and due date.
CREATE TABLE plans (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES assessments (id),
    item_no       INTEGER NOT NULL CHECK (item_no > 0),
    side          TEXT NOT NULL CHECK (side IN ('partner', 'bank')),
    body          TEXT NOT NULL,
    owner         TEXT,
    due           TEXT,
    state         TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done')),
    version       INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
    created_by    BIGINT REFERENCES users (id),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    closed_at     TEXT,
    CHECK ((state = 'done' AND closed_at IS NOT NULL) OR (state = 'open' AND closed_at IS NULL))
);
CREATE INDEX plans_assessment ON plans (assessment_id, item_no);
CREATE INDEX plans_state_due ON plans (state, due);

-- Evidence: file contents stored once by SHA-256 (in the database, so a
-- backup and a transaction cover them; sizes are capped by the
-- application), and attached to answers under a file name.
CREATE TABLE evidence_blobs (
    sha256     TEXT PRIMARY KEY CHECK (length(sha256) = 64),  -- lower-case hex
    size       BIGINT NOT NULL CHECK (size >= 0),
    data       BYTEA NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE evidence (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    answer_id   BIGINT NOT NULL REFERENCES answers (id),
    sha256      TEXT NOT NULL REFERENCES evidence_blobs (sha256),
    filename    TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    uploaded_by BIGINT REFERENCES users (id),
    uploaded_at TEXT NOT NULL,
    UNIQUE (answer_id, sha256)
);
CREATE INDEX evidence_sha256 ON evidence (sha256);

-- Profiles: an organization's master answers per catalog item and side
-- ("fill once, share with many"; partners above all).
CREATE TABLE profile_answers (
    org_id       BIGINT NOT NULL REFERENCES organizations (id),
    catalog_id   TEXT NOT NULL,
    item_no      INTEGER NOT NULL,
    side         TEXT NOT NULL CHECK (side IN ('partner', 'bank')),
    status       TEXT CHECK (status IN ('done', 'partial', 'todo', 'na')),
    current_text TEXT,
    gap_text     TEXT,
    plan_text    TEXT,
    plan_due     TEXT,
    note         TEXT,
    version      INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
    updated_by   BIGINT REFERENCES users (id),
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (org_id, catalog_id, item_no, side),
    FOREIGN KEY (catalog_id, item_no) REFERENCES catalog_items (catalog_id, item_no)
);

-- The audit trail: one event per change, written in the same transaction.
-- seq is assigned by the application (last + 1, under the write lock) so
-- that a removed row leaves a gap; hash = SHA-256 over the event's fields
-- and prev_hash, chaining every event to the one before.  No foreign keys:
-- the trail stands on its own and names the actor by login too.
CREATE TABLE audit_events (
    seq         BIGINT PRIMARY KEY CHECK (seq > 0),
    occurred_at TEXT NOT NULL,
    user_id     BIGINT,
    user_login  TEXT,
    org_id      BIGINT,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_events_object ON audit_events (object_type, object_id, seq);
CREATE INDEX audit_events_user ON audit_events (user_id, seq);
CREATE INDEX audit_events_time ON audit_events (occurred_at);

-- Web sessions: the cookie holds a random token, the table its SHA-256.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Login attempts, for throttling by login name or client address.
CREATE TABLE login_attempts (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    attempt_key TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    success     INTEGER NOT NULL CHECK (success IN (0, 1))
);
CREATE INDEX login_attempts_key_time ON login_attempts (attempt_key, occurred_at);

-- API tokens for programs: stored hashed like sessions.
CREATE TABLE api_tokens (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    expires_at   TEXT,
    revoked      INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),
    UNIQUE (user_id, name)
);
