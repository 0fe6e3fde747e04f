-- apicheck schema, migration 004 (PostgreSQL): the count functions of 003 in
-- PL/pgSQL.  A LANGUAGE sql function that cannot be inlined (an INSERT …
-- ON CONFLICT is not) is parsed and planned again on every call: the
-- triggers called it once or twice for every answer whose status changed,
-- and a save spent most of its time there (UPDATE of one answer 0.5–0.7 ms,
-- measured with log_min_duration_statement).  PL/pgSQL keeps its plans for
-- the session.  Same statements, same results.
--
-- And an answer whose status changes (the common update) moves its four
-- counts (bank and partner, old and new status) in one statement instead of
-- two calls: a third less time in the trigger (pgbench, 2,000 updates).
CREATE OR REPLACE FUNCTION answer_counts_add(p_assessment BIGINT, p_item INTEGER, p_side TEXT,
                                             p_status TEXT, p_delta INTEGER) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO answer_counts (org_id, catalog_id, selection_id, item_no, side, status, n)
    SELECT o.id, a.catalog_id, COALESCE(a.selection_id, 0), p_item, p_side, p_status,
           GREATEST(p_delta, 0)
    FROM assessments a JOIN connections c ON c.id = a.connection_id
    JOIN organizations o ON o.id IN (c.bank_id, c.partner_id)
    WHERE a.id = p_assessment
    ON CONFLICT (org_id, catalog_id, selection_id, item_no, side, status)
    DO UPDATE SET n = answer_counts.n + p_delta;
END
$$;

CREATE OR REPLACE FUNCTION assessment_counts_add(p_connection BIGINT, p_catalog TEXT,
                                                 p_selection BIGINT, p_state TEXT, p_due TEXT,
                                                 p_delta INTEGER) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO assessment_counts (org_id, catalog_id, selection_id, state, due_date, n)
    SELECT o.id, p_catalog, COALESCE(p_selection, 0), p_state, COALESCE(p_due, ''),
           GREATEST(p_delta, 0)
    FROM connections c JOIN organizations o ON o.id IN (c.bank_id, c.partner_id)
    WHERE c.id = p_connection
    ON CONFLICT (org_id, catalog_id, selection_id, state, due_date)
    DO UPDATE SET n = assessment_counts.n + p_delta;
END
$$;

CREATE OR REPLACE FUNCTION answer_counts_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.assessment_id = NEW.assessment_id THEN
        -- The trigger's WHEN makes the old and new keys differ, so no row is
        -- hit twice.  v.d is 0 for the old key and 1 for the new one: a new
        -- row starts at d, an existing one moves by 2d - 1 (-1 or +1).
        INSERT INTO answer_counts AS k (org_id, catalog_id, selection_id, item_no, side,
                                        status, n)
        SELECT o.id, a.catalog_id, COALESCE(a.selection_id, 0), v.item_no, v.side, v.status,
               v.d
        FROM assessments a JOIN connections c ON c.id = a.connection_id
        CROSS JOIN LATERAL (VALUES (c.bank_id), (c.partner_id)) o (id)
        CROSS JOIN (VALUES (OLD.item_no, OLD.side, OLD.status, 0),
                           (NEW.item_no, NEW.side, NEW.status, 1)) v (item_no, side, status, d)
        WHERE a.id = NEW.assessment_id AND v.status IS NOT NULL
        ON CONFLICT (org_id, catalog_id, selection_id, item_no, side, status)
        DO UPDATE SET n = k.n + 2 * excluded.n - 1;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IS NOT NULL THEN
        PERFORM answer_counts_add(OLD.assessment_id, OLD.item_no, OLD.side, OLD.status, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status IS NOT NULL THEN
        PERFORM answer_counts_add(NEW.assessment_id, NEW.item_no, NEW.side, NEW.status, 1);
    END IF;
    RETURN NULL;
END
$$;
