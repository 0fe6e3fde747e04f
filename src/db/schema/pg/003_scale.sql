-- apicheck schema, migration 003 (PostgreSQL): what the dashboard of a large
-- installation needs (100 banks × 1,000 partners, 5 million answers):
-- covering indexes, and answers counted per organization by triggers.
-- Keep in step with ../sqlite/003_scale.sql.
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
    org_id       BIGINT NOT NULL REFERENCES organizations (id),
    catalog_id   TEXT NOT NULL,
    selection_id BIGINT NOT NULL,
    item_no      INTEGER NOT NULL,
    side         TEXT NOT NULL CHECK (side IN ('partner', 'bank')),
    status       TEXT NOT NULL CHECK (status IN ('done', 'partial', 'todo', 'na')),
    n            BIGINT NOT NULL CHECK (n >= 0),
    PRIMARY KEY (org_id, catalog_id, selection_id, item_no, side, status)
);

INSERT INTO answer_counts (org_id, catalog_id, selection_id, item_no, side, status, n)
SELECT o.id, a.catalog_id, COALESCE(a.selection_id, 0), x.item_no, x.side, x.status, count(*)
FROM answers x JOIN assessments a ON a.id = x.assessment_id
JOIN connections c ON c.id = a.connection_id
JOIN organizations o ON o.id IN (c.bank_id, c.partner_id)
WHERE x.status IS NOT NULL
GROUP BY o.id, a.catalog_id, COALESCE(a.selection_id, 0), x.item_no, x.side, x.status;

-- Add delta to the counts of one answer's key (both organizations).
CREATE FUNCTION answer_counts_add(p_assessment BIGINT, p_item INTEGER, p_side TEXT,
                                  p_status TEXT, p_delta INTEGER) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO answer_counts (org_id, catalog_id, selection_id, item_no, side, status, n)
    SELECT o.id, a.catalog_id, COALESCE(a.selection_id, 0), p_item, p_side, p_status,
           GREATEST(p_delta, 0)
    FROM assessments a JOIN connections c ON c.id = a.connection_id
    JOIN organizations o ON o.id IN (c.bank_id, c.partner_id)
    WHERE a.id = p_assessment
    ON CONFLICT (org_id, catalog_id, selection_id, item_no, side, status)
    DO UPDATE SET n = answer_counts.n + p_delta
$$;

CREATE FUNCTION answer_counts_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IS NOT NULL THEN
        PERFORM answer_counts_add(OLD.assessment_id, OLD.item_no, OLD.side, OLD.status, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status IS NOT NULL THEN
        PERFORM answer_counts_add(NEW.assessment_id, NEW.item_no, NEW.side, NEW.status, 1);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER answer_counts_insert AFTER INSERT ON answers
    FOR EACH ROW WHEN (NEW.status IS NOT NULL) EXECUTE FUNCTION answer_counts_row();
CREATE TRIGGER answer_counts_delete AFTER DELETE ON answers
    FOR EACH ROW WHEN (OLD.status IS NOT NULL) EXECUTE FUNCTION answer_counts_row();
CREATE TRIGGER answer_counts_update AFTER UPDATE ON answers
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.item_no <> NEW.item_no
                       OR OLD.side <> NEW.side OR OLD.assessment_id <> NEW.assessment_id)
    EXECUTE FUNCTION answer_counts_row();

-- The assessments counted the same way, per organization, checklist shape,
-- state and due date ('' = none): the dashboard's totals by state and its
-- overdue count read an organization's rows here.
CREATE TABLE assessment_counts (
    org_id       BIGINT NOT NULL REFERENCES organizations (id),
    catalog_id   TEXT NOT NULL,
    selection_id BIGINT NOT NULL,
    state        TEXT NOT NULL,
    due_date     TEXT NOT NULL,
    n            BIGINT NOT NULL CHECK (n >= 0),
    PRIMARY KEY (org_id, catalog_id, selection_id, state, due_date)
);

INSERT INTO assessment_counts (org_id, catalog_id, selection_id, state, due_date, n)
SELECT o.id, a.catalog_id, COALESCE(a.selection_id, 0), a.state, COALESCE(a.due_date, ''),
       count(*)
FROM assessments a JOIN connections c ON c.id = a.connection_id
JOIN organizations o ON o.id IN (c.bank_id, c.partner_id)
GROUP BY o.id, a.catalog_id, COALESCE(a.selection_id, 0), a.state, COALESCE(a.due_date, '');

-- Add delta to the counts of one assessment's key (both organizations).
CREATE FUNCTION assessment_counts_add(p_connection BIGINT, p_catalog TEXT, p_selection BIGINT,
                                      p_state TEXT, p_due TEXT, p_delta INTEGER) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO assessment_counts (org_id, catalog_id, selection_id, state, due_date, n)
    SELECT o.id, p_catalog, COALESCE(p_selection, 0), p_state, COALESCE(p_due, ''),
           GREATEST(p_delta, 0)
    FROM connections c JOIN organizations o ON o.id IN (c.bank_id, c.partner_id)
    WHERE c.id = p_connection
    ON CONFLICT (org_id, catalog_id, selection_id, state, due_date)
    DO UPDATE SET n = assessment_counts.n + p_delta
$$;

CREATE FUNCTION assessment_counts_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM assessment_counts_add(OLD.connection_id, OLD.catalog_id, OLD.selection_id,
                                      OLD.state, OLD.due_date, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM assessment_counts_add(NEW.connection_id, NEW.catalog_id, NEW.selection_id,
                                      NEW.state, NEW.due_date, 1);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER assessment_counts_insert AFTER INSERT ON assessments
    FOR EACH ROW EXECUTE FUNCTION assessment_counts_row();
CREATE TRIGGER assessment_counts_delete AFTER DELETE ON assessments
    FOR EACH ROW EXECUTE FUNCTION assessment_counts_row();
CREATE TRIGGER assessment_counts_update AFTER UPDATE ON assessments
    FOR EACH ROW WHEN (OLD.state <> NEW.state OR OLD.due_date IS DISTINCT FROM NEW.due_date
                       OR OLD.catalog_id <> NEW.catalog_id
                       OR OLD.selection_id IS DISTINCT FROM NEW.selection_id
                       OR OLD.connection_id <> NEW.connection_id)
    EXECUTE FUNCTION assessment_counts_row();
