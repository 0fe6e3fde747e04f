-- apicheck schema, migration 003 (SQLite): indexes for the dashboard of a
-- large installation (100 banks × 1,000 partners, 5 million answers).
-- Keep in step with ../pg/003_scale.sql.
--
-- A bank's assessments through its connections, with what the dashboard's
-- totals group by and its page sorts on, without reading the table rows.
CREATE INDEX assessments_dashboard
    ON assessments (connection_id, state, due_date, catalog_id, selection_id);
-- The answers of an assessment by side and status: the progress counts
-- read this index only.
CREATE INDEX answers_progress ON answers (assessment_id, side, status, item_no);
