-- Full-text search (issue 11.7). One row per searchable object, written by the
-- shared versioned write path in the change's own transaction (domain::search); an
-- external-content FTS5 index over its title and body, kept in step by triggers.
-- url_path is the object's page below /h/{slug} (a question's: its anchor below its
-- page, whose slug is read when searching). Only published summaries are here, with
-- their published revision's text. The markers U+E000/U+E001 that highlighting puts
-- around matches are never in the stored text.
CREATE TABLE search_documents (
    doc         INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    object_id   BLOB NOT NULL,
    hackfest_id BLOB NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    url_path    TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (kind, object_id)
);
CREATE INDEX search_documents_by_hackfest ON search_documents (hackfest_id, kind);

CREATE VIRTUAL TABLE search USING fts5(
    title,
    body,
    content = 'search_documents',
    content_rowid = 'doc',
    tokenize = 'porter unicode61'
);

CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN
    INSERT INTO search (rowid, title, body) VALUES (new.doc, new.title, new.body);
END;
CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN
    INSERT INTO search (search, rowid, title, body) VALUES ('delete', old.doc, old.title, old.body);
END;
CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN
    INSERT INTO search (search, rowid, title, body) VALUES ('delete', old.doc, old.title, old.body);
    INSERT INTO search (rowid, title, body) VALUES (new.doc, new.title, new.body);
END;

-- Back-fill what is already there (texts joined as domain::search joins them).
INSERT INTO search_documents (kind, object_id, hackfest_id, title, body, url_path, updated_at)
SELECT 'goal', id, hackfest_id, title, description || char(10) || char(10) || outcome,
       '/goals/' || lower(substr(hex(id), 1, 8) || '-' || substr(hex(id), 9, 4) || '-' || substr(hex(id), 13, 4) || '-' || substr(hex(id), 17, 4) || '-' || substr(hex(id), 21)),
       updated_at
FROM goals;
INSERT INTO search_documents (kind, object_id, hackfest_id, title, body, url_path, updated_at)
SELECT 'session', id, hackfest_id, title, agenda || char(10) || char(10) || notes,
       '/sessions/' || lower(substr(hex(id), 1, 8) || '-' || substr(hex(id), 9, 4) || '-' || substr(hex(id), 13, 4) || '-' || substr(hex(id), 17, 4) || '-' || substr(hex(id), 21)),
       updated_at
FROM hack_sessions;
INSERT INTO search_documents (kind, object_id, hackfest_id, title, body, url_path, updated_at)
SELECT 'decision', id, hackfest_id, title, context || char(10) || char(10) || decision,
       '/decisions/' || lower(substr(hex(id), 1, 8) || '-' || substr(hex(id), 9, 4) || '-' || substr(hex(id), 13, 4) || '-' || substr(hex(id), 17, 4) || '-' || substr(hex(id), 21)),
       updated_at
FROM decisions;
INSERT INTO search_documents (kind, object_id, hackfest_id, title, body, url_path, updated_at)
SELECT 'action_item', id, hackfest_id, title, description,
       '/actions/' || lower(substr(hex(id), 1, 8) || '-' || substr(hex(id), 9, 4) || '-' || substr(hex(id), 13, 4) || '-' || substr(hex(id), 17, 4) || '-' || substr(hex(id), 21)),
       updated_at
FROM action_items;
INSERT INTO search_documents (kind, object_id, hackfest_id, title, body, url_path, updated_at)
SELECT 'page', id, hackfest_id, title, body, '/pages/' || slug, updated_at
FROM pages;
INSERT INTO search_documents (kind, object_id, hackfest_id, title, body, url_path, updated_at)
SELECT 'question', id, hackfest_id, question, answer,
       '#q-' || lower(substr(hex(id), 1, 8) || '-' || substr(hex(id), 9, 4) || '-' || substr(hex(id), 13, 4) || '-' || substr(hex(id), 17, 4) || '-' || substr(hex(id), 21)),
       updated_at
FROM page_questions;
INSERT INTO search_documents (kind, object_id, hackfest_id, title, body, url_path, updated_at)
SELECT 'summary', s.id, s.hackfest_id, r.title, r.body,
       CASE WHEN s.day IS NULL THEN '/summary' ELSE '/summary/' || s.day END,
       s.updated_at
FROM summaries s JOIN summary_revisions r ON r.summary_id = s.id AND r.revision = s.published_revision
WHERE s.status = 'published';

UPDATE search_documents
SET title = replace(replace(title, char(57344), ' '), char(57345), ' '),
    body = replace(replace(body, char(57344), ' '), char(57345), ' ')
WHERE instr(title || body, char(57344)) > 0 OR instr(title || body, char(57345)) > 0;
