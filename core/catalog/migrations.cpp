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
        {4,
         QStringLiteral("file state per stage and per target; unused columns and tables dropped"),
         {
             // A row per file and stage once the stage has settled the file (or put it back for another
             // attempt): no row means pending, so intake writes nothing here for the files it accepts.
             QStringLiteral("CREATE TABLE file_stages ("
                            " file_id BIGINT NOT NULL REFERENCES files(id) ON DELETE CASCADE,"
                            " stage TEXT NOT NULL,"
                            " batch_id BIGINT NOT NULL,"
                            " state TEXT NOT NULL,"
                            " status TEXT NOT NULL,"
                            " attempts INTEGER NOT NULL DEFAULT 0,"
                            " detail TEXT NOT NULL DEFAULT '',"
                            " updated_at TEXT NOT NULL,"
                            " PRIMARY KEY (file_id, stage)){without_rowid}"),
             QStringLiteral("CREATE INDEX file_stages_batch ON file_stages (batch_id, stage, status)"),
             QStringLiteral("CREATE TABLE file_targets ("
                            " file_id BIGINT NOT NULL REFERENCES files(id) ON DELETE CASCADE,"
                            " target TEXT NOT NULL,"
                            " batch_id BIGINT NOT NULL,"
                            " remote_name TEXT NOT NULL DEFAULT '',"
                            " state TEXT NOT NULL DEFAULT 'pending',"
                            " attempts INTEGER NOT NULL DEFAULT 0,"
                            " reported TEXT NOT NULL DEFAULT '{}',"
                            " verified {bool} NOT NULL DEFAULT FALSE,"
                            " updated_at TEXT NOT NULL,"
                            " PRIMARY KEY (file_id, target)){without_rowid}"),
             QStringLiteral("CREATE INDEX file_targets_batch ON file_targets (batch_id, target, state)"),
             // What v3 knew: a settled file without a processing time was refused by intake (missing,
             // unsafe path, banned, limit exceeded); every other settled file was settled by fetch.
             QStringLiteral(
                 "INSERT INTO file_stages (file_id, stage, batch_id, state, status, attempts, detail,"
                 " updated_at)"
                 " SELECT f.id, CASE WHEN f.processed_at IS NULL THEN 'intake' ELSE 'fetch' END, f.batch_id,"
                 " CASE WHEN f.status IN ('success', 'unchanged') THEN 'done'"
                 " WHEN f.status = 'skipped-banned' THEN 'skipped' ELSE 'failed' END,"
                 " f.status, f.attempts, COALESCE(f.error, ''), COALESCE(f.processed_at, b.created_at)"
                 " FROM files f JOIN batches b ON b.id = f.batch_id WHERE f.status <> 'pending'"),
             // Pages of a batch's files in id order, whatever their status.
             QStringLiteral("DROP INDEX files_batch_status"),
             QStringLiteral("CREATE INDEX files_batch ON files (batch_id, id)"),
             QStringLiteral("ALTER TABLE files DROP COLUMN dedup_case"),
             QStringLiteral("ALTER TABLE files DROP COLUMN dedup_decision"),
             QStringLiteral("ALTER TABLE files DROP COLUMN qa_flags"),
             QStringLiteral("ALTER TABLE files DROP COLUMN target_name"),
             QStringLiteral("ALTER TABLE files DROP COLUMN target_state"),
             QStringLiteral("DROP TABLE qa_samples"),
         }},
        {5,
         QStringLiteral("QA: check findings, what the per-file checks learned, image statistics"),
         {
             QStringLiteral("CREATE TABLE check_findings ("
                            " id {id_pk},"
                            " batch_id BIGINT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,"
                            " item_id BIGINT REFERENCES items(id) ON DELETE CASCADE,"
                            " file_id BIGINT REFERENCES files(id) ON DELETE CASCADE,"
                            " check_name TEXT NOT NULL,"
                            // 'file' for the per-file pass, 'batch' for the checks across files
                            " scope TEXT NOT NULL DEFAULT 'file',"
                            " severity TEXT NOT NULL,"
                            " message TEXT NOT NULL,"
                            " line INTEGER NOT NULL DEFAULT 0,"
                            " found_at TEXT NOT NULL)"),
             QStringLiteral("CREATE INDEX check_findings_batch ON check_findings (batch_id, check_name)"),
             QStringLiteral("CREATE INDEX check_findings_file ON check_findings (file_id)"),
             QStringLiteral("CREATE INDEX check_findings_item ON check_findings (item_id)"),
             // Facts the batch-level checks compare across files (page numbers, sizes, identifiers), so
             // a check interrupted after its per-file pass still has them.
             QStringLiteral("CREATE TABLE check_files ("
                            " file_id BIGINT PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,"
                            " batch_id BIGINT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,"
                            " facts TEXT NOT NULL DEFAULT '{}',"
                            " checked_at TEXT NOT NULL)"),
             QStringLiteral("CREATE INDEX check_files_batch ON check_files (batch_id, file_id)"),
             QStringLiteral("CREATE TABLE image_stats ("
                            " file_id BIGINT PRIMARY KEY REFERENCES files(id) ON DELETE CASCADE,"
                            " batch_id BIGINT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,"
                            " sha256 TEXT NOT NULL,"
                            " format TEXT NOT NULL DEFAULT '',"
                            " width INTEGER NOT NULL,"
                            " height INTEGER NOT NULL,"
                            " sample_width INTEGER NOT NULL,"
                            " sample_height INTEGER NOT NULL,"
                            " reduction INTEGER NOT NULL,"
                            " components INTEGER NOT NULL,"
                            " histogram TEXT NOT NULL,"
                            " error TEXT,"
                            " computed_at TEXT NOT NULL)"),
             QStringLiteral("CREATE INDEX image_stats_batch ON image_stats (batch_id)"),
         }},
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
        {7,
         QStringLiteral("review and approval: QA samples and verdicts, suppliers, decisions, re-deliveries"),
         {
             QStringLiteral("ALTER TABLE batches ADD COLUMN supplier TEXT"),
             QStringLiteral("ALTER TABLE batches ADD COLUMN redelivery_of BIGINT"),
             // Why the batch was rejected, or why an approval overrode what would have refused it.
             QStringLiteral("ALTER TABLE batches ADD COLUMN decision_reason TEXT"),
             QStringLiteral("ALTER TABLE batches ADD COLUMN decision_override INTEGER NOT NULL DEFAULT 0"),
             QStringLiteral("ALTER TABLE batches ADD COLUMN target TEXT"),
             QStringLiteral("CREATE INDEX batches_supplier ON batches (supplier)"),
             QStringLiteral("CREATE TABLE review_samples ("
                            " batch_id BIGINT PRIMARY KEY REFERENCES batches(id) ON DELETE CASCADE,"
                            " lot_size BIGINT NOT NULL,"
                            " aql TEXT NOT NULL,"
                            " level TEXT NOT NULL,"
                            " code_letter TEXT NOT NULL,"
                            " plan_letter TEXT NOT NULL,"
                            " sample_size BIGINT NOT NULL,"
                            " accept_number INTEGER NOT NULL,"
                            " reject_number INTEGER NOT NULL,"
                            " seed BIGINT NOT NULL,"
                            " drawn_at TEXT NOT NULL,"
                            " drawn_by TEXT NOT NULL)"),
             // One row per item to review: drawn at random (counts toward Ac/Re) or flagged (does not), with
             // its current verdict; every verdict given is also a PREMIS event.
             QStringLiteral("CREATE TABLE review_items ("
                            " batch_id BIGINT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,"
                            " item_id BIGINT NOT NULL REFERENCES items(id) ON DELETE CASCADE,"
                            " seq INTEGER NOT NULL,"
                            " reason TEXT NOT NULL,"
                            " flags TEXT NOT NULL DEFAULT '',"
                            " verdict TEXT,"
                            " defect TEXT,"
                            " note TEXT,"
                            " reviewer TEXT,"
                            " decided_at TEXT,"
                            " PRIMARY KEY (batch_id, item_id))"),
             QStringLiteral("CREATE INDEX review_items_order ON review_items (batch_id, seq)"),
             // The review view and qa-csv read one item's files at a time, and a sample's lot by batch.
             QStringLiteral("CREATE INDEX files_item ON files (item_id, seq)"),
             QStringLiteral("CREATE INDEX items_batch ON items (batch_id, seq)"),
             // Rejection asks, for every stored object, whether another batch's file uses it too.
             QStringLiteral("CREATE INDEX files_stored_key ON files (stored_key)"),
         }},
        {8,
         QStringLiteral(
             "where a batch goes: its targets, set by upload, run --target, approve or the settings"),
         {
             // One row per batch and target spec; the upload after the review sends the batch's files to
             // each, the files its filter (the filter bar's syntax, empty: all) takes.
             QStringLiteral("CREATE TABLE batch_targets ("
                            " batch_id BIGINT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,"
                            " spec TEXT NOT NULL,"
                            " filter TEXT NOT NULL DEFAULT '',"
                            " set_by TEXT NOT NULL DEFAULT '',"
                            " set_at TEXT NOT NULL,"
                            " PRIMARY KEY (batch_id, spec))"),
             // What earlier versions knew: the targets files were delivered to, and an approval's target.
             QStringLiteral("INSERT INTO batch_targets (batch_id, spec, filter, set_by, set_at)"
                            " SELECT batch_id, target, '', 'upload', MIN(updated_at) FROM file_targets"
                            " GROUP BY batch_id, target"),
             QStringLiteral("INSERT INTO batch_targets (batch_id, spec, filter, set_by, set_at)"
                            " SELECT b.id, b.target, '', COALESCE(b.decided_by, ''),"
                            " COALESCE(b.decided_at, b.created_at) FROM batches b"
                            " WHERE b.target IS NOT NULL AND b.target <> '' AND NOT EXISTS"
                            " (SELECT 1 FROM batch_targets t WHERE t.batch_id = b.id AND t.spec = b.target)"),
         }},
        {9,
         QStringLiteral(
             "team mode: leases on the files a stage works on, so several processes share a batch"),
         {
             // One row per file a process has claimed for a stage: its owner ("host:pid") and when the
             // claim runs out (milliseconds since the epoch on the catalog server's clock). A row that has
             // run out may be taken over; rows outlive the work only until they run out.
             QStringLiteral("CREATE TABLE file_leases ("
                            " file_id BIGINT NOT NULL REFERENCES files(id) ON DELETE CASCADE,"
                            " stage TEXT NOT NULL,"
                            " batch_id BIGINT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,"
                            " owner TEXT NOT NULL,"
                            " expires_at BIGINT NOT NULL,"
                            " PRIMARY KEY (file_id, stage)){without_rowid}"),
             QStringLiteral("CREATE INDEX file_leases_owner ON file_leases (batch_id, stage, owner)"),
             // Who did a shared stage's work across the batch's files (FileStage::allSettled()) since it
             // last started, so the other processes that shared it do not do it again.
             QStringLiteral("ALTER TABLE batch_stages ADD COLUMN settled_by TEXT"),
         }},
        {10,
         QStringLiteral("the person who ran the software in each machine event, beside the software"),
         {
             // gatehouse/<version> <stage> stays the agent; the curator at work (gh::EventPerson) is the
             // second. Events recorded before stay as they were: without a person.
             QStringLiteral("ALTER TABLE events ADD COLUMN person TEXT"),
         }},
    };
    return migrations;
}

} // namespace gh
