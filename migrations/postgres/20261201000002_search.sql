-- Full-text search (issue 11.7). One row per searchable object, written by the
-- shared versioned write path in the change's own transaction (domain::search);
-- tsv is generated from it (title weighted A, body B) and GIN-indexed.
-- url_path is the object's page below /h/{slug} (a question's: its anchor below its
-- page, whose slug is read when searching). Only published summaries are here, with
-- their published revision's text. The markers U+E000/U+E001 that highlighting puts
-- around matches are never in the stored text.
CREATE TABLE search_documents (
    kind        TEXT NOT NULL,
    object_id   UUID NOT NULL,
    hackfest_id UUID NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    url_path    TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    tsv         tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')
    ) STORED,
    PRIMARY KEY (kind, object_id)
);
CREATE INDEX search_documents_tsv ON search_documents USING GIN (tsv);
CREATE INDEX search_documents_by_hackfest ON search_documents (hackfest_id, kind);

-- Back-fill what is already there (texts joined as domain::search joins them).
INSERT INTO search_documents (kind, object_id, hackfest_id, title, body, url_path, updated_at)
SELECT 'goal', id, hackfest_id, title, description || chr(10) || chr(10) || outcome, '/goals/' || id::text, updated_at
FROM goals;
INSERT INTO search_documents (kind, object_id, hackfest_id, title, body, url_path, updated_at)
SELECT 'session', id, hackfest_id, title, agenda || chr(10) || chr(10) || notes, '/sessions/' || id::text, updated_at
FROM hack_sessions;
INSERT INTO search_documents (kind, object_id, hackfest_id, title, body, url_path, updated_at)
SELECT 'decision', id, hackfest_id, title, context || chr(10) || chr(10) || decision, '/decisions/' || id::text, updated_at
FROM decisions;
INSERT INTO search_documents (kind, object_id, hackfest_id, title, body, url_path, updated_at)
SELECT 'action_item', id, hackfest_id, title, description, '/actions/' || id::text, updated_at
FROM action_items;
INSERT INTO search_documents (kind, object_id, hackfest_id, title, body, url_path, updated_at)
SELECT 'page', id, hackfest_id, title, body, '/pages/' || slug, updated_at
FROM pages;
INSERT INTO search_documents (kind, object_id, hackfest_id, title, body, url_path, updated_at)
SELECT 'question', id, hackfest_id, question, answer, '#q-' || id::text, updated_at
FROM page_questions;
INSERT INTO search_documents (kind, object_id, hackfest_id, title, body, url_path, updated_at)
SELECT 'summary', s.id, s.hackfest_id, r.title, r.body,
       CASE WHEN s.day IS NULL THEN '/summary' ELSE '/summary/' || s.day::text END,
       s.updated_at
FROM summaries s JOIN summary_revisions r ON r.summary_id = s.id AND r.revision = s.published_revision
WHERE s.status = 'published';

UPDATE search_documents
SET title = replace(replace(title, chr(57344), ' '), chr(57345), ' '),
    body = replace(replace(body, chr(57344), ' '), chr(57345), ' ')
WHERE strpos(title || body, chr(57344)) > 0 OR strpos(title || body, chr(57345)) > 0;
