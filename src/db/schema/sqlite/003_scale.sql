-- apicheck schema, migration 003 (SQLite): what the dashboard of a large
-- installation needs (100 banks × 1,000 partners, 5 million answers):
-- covering indexes, and answers counted per organization by triggers.
-- Keep in step with ../pg/003_scale.sql.
--
-- A bank's assessments through its connections, with what the dashboard's
-- totals group by and its page sorts on, without reading the table rows.
CREATE INDEX assessments_dashboard
    ON assessments (connection_id, state, due_date, catalog_id, selection_id);
-- The answers of an assessment by side and status: the progress counts
-- read this index only.
CREATE INDEX answers_progress ON answers (assessment_id, side, status, item_no);

-- The answers with a status, counted per organization (the bank and the
-- partner of the assessment's connection each get a row), checklist shape
-- (catalog, selection; 0 = none), item, side and status.  The dashboard's
-- totals read an organization's rows here (a few hundred) instead of
-- counting its answers (fifty for every partner) on every request.  The
-- triggers below keep it exact for every write of answers; rows whose
-- count fell to 0 stay.
CREATE TABLE answer_counts (
    org_id       INTEGER NOT NULL REFERENCES organizations (id),
    catalog_id   TEXT NOT NULL,
    selection_id INTEGER NOT NULL,
    item_no      INTEGER NOT NULL,
    side         TEXT NOT NULL CHECK (side IN ('partner', 'bank')),
    status       TEXT NOT NULL CHECK (status IN ('done', 'partial', 'todo', 'na')),
    n            INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (org_id, catalog_id, selection_id, item_no, side, status)
) STRICT, WITHOUT ROWID;

INSERT INTO answer_counts (org_id, catalog_id, selection_id, item_no, side, status, n)
SELECT o.id, a.catalog_id, COALESCE(a.selection_id, 0), x.item_no, x.side, x.status, count(*)
FROM answers x JOIN assessments a ON a.id = x.assessment_id
JOIN connections c ON c.id = a.connection_id
JOIN organizations o ON o.id IN (c.bank_id, c.partner_id)
WHERE x.status IS NOT NULL
GROUP BY o.id, a.catalog_id, COALESCE(a.selection_id, 0), x.item_no, x.side, x.status;

CREATE TRIGGER answer_counts_insert AFTER INSERT ON answers
WHEN NEW.status IS NOT NULL
BEGIN
    INSERT INTO answer_counts (org_id, catalog_id, selection_id, item_no, side, status, n)
    SELECT o.id, a.catalog_id, COALESCE(a.selection_id, 0), NEW.item_no, NEW.side, NEW.status, 1
    FROM assessments a JOIN connections c ON c.id = a.connection_id
    JOIN organizations o ON o.id IN (c.bank_id, c.partner_id)
    WHERE a.id = NEW.assessment_id
    ON CONFLICT (org_id, catalog_id, selection_id, item_no, side, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER answer_counts_delete AFTER DELETE ON answers
WHEN OLD.status IS NOT NULL
BEGIN
    UPDATE answer_counts SET n = n - 1
    WHERE item_no = OLD.item_no AND side = OLD.side AND status = OLD.status
      AND (org_id, catalog_id, selection_id) IN (
          SELECT o.id, a.catalog_id, COALESCE(a.selection_id, 0)
          FROM assessments a JOIN connections c ON c.id = a.connection_id
          JOIN organizations o ON o.id IN (c.bank_id, c.partner_id)
          WHERE a.id = OLD.assessment_id);
END;

CREATE TRIGGER answer_counts_update AFTER UPDATE ON answers
WHEN OLD.status IS NOT NEW.status OR OLD.item_no <> NEW.item_no OR OLD.side <> NEW.side
  OR OLD.assessment_id <> NEW.assessment_id
BEGIN
    UPDATE answer_counts SET n = n - 1
    WHERE OLD.status IS NOT NULL
      AND item_no = OLD.item_no AND side = OLD.side AND status = OLD.status
      AND (org_id, catalog_id, selection_id) IN (
          SELECT o.id, a.catalog_id, COALESCE(a.selection_id, 0)
          FROM assessments a JOIN connections c ON c.id = a.connection_id
          JOIN organizations o ON o.id IN (c.bank_id, c.partner_id)
          WHERE a.id = OLD.assessment_id);
    INSERT INTO answer_counts (org_id, catalog_id, selection_id, item_no, side, status, n)
    SELECT o.id, a.catalog_id, COALESCE(a.selection_id, 0), NEW.item_no, NEW.side, NEW.status, 1
    FROM assessments a JOIN connections c ON c.id = a.connection_id
    JOIN organizations o ON o.id IN (c.bank_id, c.partner_id)
    WHERE a.id = NEW.assessment_id AND NEW.status IS NOT NULL
    ON CONFLICT (org_id, catalog_id, selection_id, item_no, side, status) DO UPDATE SET n = n + 1;
END;

-- The assessments counted the same way, per organization, checklist shape,
-- state and due date ('' = none): the dashboard's totals by state and its
-- overdue count read an organization's rows here.
CREATE TABLE assessment_counts (
    org_id       INTEGER NOT NULL REFERENCES organizations (id),
    catalog_id   TEXT NOT NULL,
    selection_id INTEGER NOT NULL,
    state        TEXT NOT NULL,
    due_date     TEXT NOT NULL,
    n            INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (org_id, catalog_id, selection_id, state, due_date)
) STRICT, WITHOUT ROWID;

INSERT INTO assessment_counts (org_id, catalog_id, selection_id, state, due_date, n)
SELECT o.id, a.catalog_id, COALESCE(a.selection_id, 0), a.state, COALESCE(a.due_date, ''),
       count(*)
FROM assessments a JOIN connections c ON c.id = a.connection_id
JOIN organizations o ON o.id IN (c.bank_id, c.partner_id)
GROUP BY o.id, a.catalog_id, COALESCE(a.selection_id, 0), a.state, COALESCE(a.due_date, '');

CREATE TRIGGER assessment_counts_insert AFTER INSERT ON assessments
BEGIN
    INSERT INTO assessment_counts (org_id, catalog_id, selection_id, state, due_date, n)
    SELECT o.id, NEW.catalog_id, COALESCE(NEW.selection_id, 0), NEW.state,
           COALESCE(NEW.due_date, ''), 1
    FROM connections c JOIN organizations o ON o.id IN (c.bank_id, c.partner_id)
    WHERE c.id = NEW.connection_id
    ON CONFLICT (org_id, catalog_id, selection_id, state, due_date) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER assessment_counts_delete AFTER DELETE ON assessments
BEGIN
    UPDATE assessment_counts SET n = n - 1
    WHERE catalog_id = OLD.catalog_id AND selection_id = COALESCE(OLD.selection_id, 0)
      AND state = OLD.state AND due_date = COALESCE(OLD.due_date, '')
      AND org_id IN (SELECT o.id FROM connections c
                     JOIN organizations o ON o.id IN (c.bank_id, c.partner_id)
                     WHERE c.id = OLD.connection_id);
END;

CREATE TRIGGER assessment_counts_update AFTER UPDATE ON assessments
WHEN OLD.state <> NEW.state OR OLD.due_date IS NOT NEW.due_date
  OR OLD.catalog_id <> NEW.catalog_id OR OLD.selection_id IS NOT NEW.selection_id
  OR OLD.connection_id <> NEW.connection_id
BEGIN
    UPDATE assessment_counts SET n = n - 1
    WHERE catalog_id = OLD.catalog_id AND selection_id = COALESCE(OLD.selection_id, 0)
      AND state = OLD.state AND due_date = COALESCE(OLD.due_date, '')
      AND org_id IN (SELECT o.id FROM connections c
                     JOIN organizations o ON o.id IN (c.bank_id, c.partner_id)
                     WHERE c.id = OLD.connection_id);
    INSERT INTO assessment_counts (org_id, catalog_id, selection_id, state, due_date, n)
    SELECT o.id, NEW.catalog_id, COALESCE(NEW.selection_id, 0), NEW.state,
           COALESCE(NEW.due_date, ''), 1
    FROM connections c JOIN organizations o ON o.id IN (c.bank_id, c.partner_id)
    WHERE c.id = NEW.connection_id
    ON CONFLICT (org_id, catalog_id, selection_id, state, due_date) DO UPDATE SET n = n + 1;
END;
