#include "migrations.h"

namespace gh {

const QList<Migration> &catalogMigrations()
{
    static const QList<Migration> migrations = {
        {1,
         QStringLiteral("batches, stages, items, files and PREMIS-style events"),
         {
             QStringLiteral("CREATE TABLE batches ("
                            " id {id_pk},"
                            " name TEXT NOT NULL,"
                            " source TEXT NOT NULL,"
                            " detected TEXT NOT NULL DEFAULT '',"
                            " trace TEXT NOT NULL DEFAULT '[]',"
                            " settings TEXT NOT NULL DEFAULT '{}',"
                            " state TEXT NOT NULL DEFAULT 'open',"
                            " created_at TEXT NOT NULL,"
                            " decided_at TEXT,"
                            " decided_by TEXT)"),
             QStringLiteral("CREATE TABLE batch_stages ("
                            " batch_id BIGINT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,"
                            " stage TEXT NOT NULL,"
                            " state TEXT NOT NULL,"
                            " started_at TEXT,"
                            " finished_at TEXT,"
                            " heartbeat_at TEXT,"
                            " runner TEXT,"
                            " detail TEXT NOT NULL DEFAULT '',"
                            " PRIMARY KEY (batch_id, stage))"),
             QStringLiteral("CREATE TABLE items ("
                            " id {id_pk},"
                            " batch_id BIGINT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,"
                            " seq INTEGER NOT NULL,"
                            " identifier TEXT NOT NULL,"
                            " label TEXT NOT NULL DEFAULT '',"
                            " metadata TEXT NOT NULL DEFAULT '{}',"
                            " UNIQUE (batch_id, identifier))"),
             QStringLiteral("CREATE TABLE files ("
                            " id {id_pk},"
                            " batch_id BIGINT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,"
                            " item_id BIGINT NOT NULL REFERENCES items(id) ON DELETE CASCADE,"
                            " seq INTEGER NOT NULL,"
                            " name TEXT NOT NULL,"
                            " source_path TEXT,"
                            " source_url TEXT,"
                            // what the source declared: verified, never trusted
                            " declared_size BIGINT,"
                            " declared_md5 TEXT,"
                            " declared_sha1 TEXT,"
                            " declared_sha256 TEXT,"
                            " declared_sha512 TEXT,"
                            " declared_origin TEXT,"
                            " declared_mimetype TEXT,"
                            // what Gatehouse measured
                            " size BIGINT,"
                            " md5 TEXT,"
                            " sha1 TEXT,"
                            " sha256 TEXT,"
                            " mimetype TEXT,"
                            " status TEXT NOT NULL DEFAULT 'pending',"
                            " error TEXT,"
                            " attempts INTEGER NOT NULL DEFAULT 0,"
                            " stored_key TEXT,"
                            " processed_at TEXT,"
                            // HTTP: validators for conditional requests and the redirect chain
                            " http_status INTEGER,"
                            " etag TEXT,"
                            " last_modified TEXT,"
                            " terminal_url TEXT,"
                            " hops TEXT,"
                            // later stages: duplicates, QA, upload target
                            " dedup_case TEXT,"
                            " dedup_decision TEXT,"
                            " qa_flags TEXT,"
                            " target_name TEXT,"
                            " target_state TEXT,"
                            " UNIQUE (item_id, name))"),
             QStringLiteral("CREATE INDEX files_batch_status ON files (batch_id, status)"),
             QStringLiteral("CREATE TABLE events ("
                            " id {id_pk},"
                            " batch_id BIGINT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,"
                            " item_id BIGINT,"
                            " file_id BIGINT,"
                            " event_type TEXT NOT NULL,"
                            " event_at TEXT NOT NULL,"
                            " outcome TEXT NOT NULL,"
                            " agent TEXT NOT NULL,"
                            " detail TEXT NOT NULL DEFAULT '')"),
             QStringLiteral("CREATE INDEX events_batch_file ON events (batch_id, file_id)"),
             QStringLiteral("CREATE TABLE qa_samples ("
                            " batch_id BIGINT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,"
                            " item_id BIGINT NOT NULL REFERENCES items(id) ON DELETE CASCADE,"
                            " plan TEXT NOT NULL,"
                            " seq INTEGER NOT NULL,"
                            " verdict TEXT,"
                            " note TEXT,"
                            " decided_at TEXT,"
                            " decided_by TEXT,"
                            " PRIMARY KEY (batch_id, item_id))"),
         }},
        {2,
         QStringLiteral("HTTP cache validators per URL, shared across batches"),
         {
             QStringLiteral("CREATE TABLE http_cache ("
                            " url TEXT PRIMARY KEY,"
                            " etag TEXT,"
                            " last_modified TEXT,"
                            " expires_at TEXT,"
                            " stored_key TEXT NOT NULL,"
                            " size BIGINT NOT NULL,"
                            " md5 TEXT NOT NULL,"
                            " sha1 TEXT NOT NULL,"
                            " sha256 TEXT NOT NULL,"
                            " mimetype TEXT NOT NULL,"
                            " fetched_at TEXT NOT NULL)"),
             QStringLiteral("CREATE INDEX files_sha1 ON files (sha1)"),
         }},
        {3,
         QStringLiteral("archive members as file sources"),
         {
             QStringLiteral("ALTER TABLE files ADD COLUMN source_member TEXT"),
         }},
        // v4 (stages) and v5 (qa) come from other branches; the numbers are assigned in the team's plan.
        {6,
         QStringLiteral("duplicate cases per file and target, and the decisions about them"),
         {
             // What dedup found for a file against one target; decision_id points at the decision in force
             // (made for this case and not taken back), NULL while none is.
             QStringLiteral("CREATE TABLE duplicate_cases ("
                            " file_id BIGINT NOT NULL REFERENCES files(id) ON DELETE CASCADE,"
                            " target TEXT NOT NULL,"
                            " batch_id BIGINT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,"
                            " item_id BIGINT NOT NULL,"
                            " dup_case TEXT NOT NULL,"
                            " needs_decision INTEGER NOT NULL DEFAULT 0,"
                            " intended_name TEXT NOT NULL DEFAULT '',"
                            " sent_md5 TEXT NOT NULL DEFAULT '',"
                            " sent_sha1 TEXT NOT NULL DEFAULT '',"
                            " sent_sha256 TEXT NOT NULL DEFAULT '',"
                            " sent_size BIGINT,"
                            " existing_name TEXT,"
                            " existing_sha1 TEXT,"
                            " existing_file BIGINT,"
                            " existing_batch BIGINT,"
                            " deleted_before INTEGER NOT NULL DEFAULT 0,"
                            " deleted_for_copyright INTEGER NOT NULL DEFAULT 0,"
                            " details TEXT NOT NULL DEFAULT '{}',"
                            " decision_id BIGINT,"
                            " classified_at TEXT NOT NULL,"
                            " PRIMARY KEY (file_id, target))"),
             QStringLiteral(
                 "CREATE INDEX duplicate_cases_batch ON duplicate_cases (batch_id, target, dup_case)"),
             // Every decision ever made, taken back ones included: who, when, why, and what the upload made
             // of it (executed_at: no longer undoable).
             QStringLiteral("CREATE TABLE duplicate_decisions ("
                            " id {id_pk},"
                            " file_id BIGINT NOT NULL REFERENCES files(id) ON DELETE CASCADE,"
                            " target TEXT NOT NULL,"
                            " batch_id BIGINT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,"
                            " dup_case TEXT NOT NULL,"
                            " action TEXT NOT NULL,"
                            " new_name TEXT NOT NULL DEFAULT '',"
                            " note TEXT NOT NULL DEFAULT '',"
                            " decided_by TEXT NOT NULL,"
                            " rule TEXT NOT NULL DEFAULT '',"
                            " decided_at TEXT NOT NULL,"
                            " undone_at TEXT,"
                            " undone_by TEXT,"
                            " executed_at TEXT,"
                            " execution TEXT)"),
             QStringLiteral("CREATE INDEX duplicate_decisions_file ON duplicate_decisions (file_id, target)"),
         }},
    };
    return migrations;
}

} // namespace gh
