<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="de_DE" sourcelanguage="en">
<context>
    <name>gh::BatchListModel</name>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Batch %1 from %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Batch</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Created</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Files</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Problems</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>gh::BatchRunner</name>
    <message>
        <source>Loaded %1 as batch %2 (%3): %4 items, %5 files.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Warning (%1): %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Batch %1 is being processed by another Gatehouse (%2, %3 stage); wait for it to finish or stop it first.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Batch %1 of %2 was interrupted while loading; loading it again.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Resuming batch %1 of %2.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cancelled.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Fetch %1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Error: %1</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>gh::BitStore</name>
    <message>
        <source>Unknown store "%1"; give a folder.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>gh::Catalog</name>
    <message>
        <source>The catalog %1 is a folder; give the path of a catalog file.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The catalog %1 cannot be read: permission denied.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot create the folder %1 for the catalog.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The Qt SQL driver %1 is not installed.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot open the catalog %1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The catalog %1 is damaged or is not a Gatehouse catalog: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The catalog %1 was written by a newer Gatehouse (schema version %2; this version knows up to %3). Update Gatehouse to open it.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The database %1 holds tables but is not a Gatehouse catalog.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>reading the schema version</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>starting migration %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>locking the catalog for migration</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>creating the schema version table</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>applying migration %1 (%2)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>recording migration %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>committing migration %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Catalog error while %1 in %2: %3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>committing</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>starting a transaction</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>creating a batch</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>recording what intake detected</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>listing batches</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>counting files</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>counting items</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>reading stages</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>There is no batch %1 in the catalog %2.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>looking up batches of a source</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>clearing batch %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>recording the %1 stage</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>recording progress of the %1 stage</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>reading the run times of batch %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>adding item %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>adding file %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>reading files of batch %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>reading file %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>There is no file %1 in the catalog.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>recording the outcome for file %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>counting files of batch %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>resetting files of batch %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>reading item %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>There is no item %1 in the catalog.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>recording a %1 event</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>reading events of batch %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot read the PostgreSQL catalog address "%1"; expected postgresql://user:password@host:port/database.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The catalog path is empty.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>gh::DetailsPane</name>
    <message>
        <source>File details</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Select a file to see its details.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Item</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Problem</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>bytes</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Type (sniffed)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Type (declared)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>MD5</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>SHA-1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>SHA-256</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Declared</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Stored as</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>HTTP status</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Final URL</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Events</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>gh::Engine</name>
    <message>
        <source>The catalog is not open.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>A batch is already running; cancel it or wait for it to finish.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>gh::EngineSettings</name>
    <message>
        <source>The settings file %1 does not exist or cannot be read.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The settings file %1 is not a valid INI file.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1: fetch/jobs must be a positive number.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot read the banned list %1: %2</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>gh::FetchStage</name>
    <message>
        <source>Retrying %1 files that failed transiently in an earlier run.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Fetching %1 files of batch %2 into %3.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cancelled; the remaining files stay pending.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Files needing attention: %1.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>All files stored.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 has no local source; downloads need the transfer engine.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 %2/%3: %4</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The store %1 failed %2 times in a row; stopping. Last error: %3</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>gh::FileFinisher</name>
    <message>
        <source>Checksum mismatch: %1 (declared in %2)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The file is empty.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>gh::FileTableModel</name>
    <message>
        <source>Item</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>File</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>SHA-256</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Stored as</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>gh::Fixity</name>
    <message>
        <source>Cannot read the checksum file %1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The checksum file %1 does not hold a %2 digest.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 declared %2, computed %3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 verified against %2</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>gh::FolderIngester</name>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 is a symbolic link to %2, which does not exist.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 is a symbolic link to %2, outside the batch folder; it was not read.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 is not a regular file (a device, socket or pipe).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Listed the folder: %1 files in %2 items, grouped by folder and name stem; %3 checksum files read.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Skipped operating-system files: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Did not follow links to folders: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The folder holds no files.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>gh::Intake</name>
    <message>
        <source>The source %1 does not exist.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The source %1 cannot be read: permission denied.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 is a folder.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Gatehouse cannot load %1: only folders are supported as sources so far.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 records are on the banned list and will be skipped.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 items, %2 files</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>gh::LocalCopy</name>
    <message>
        <source>%1 no longer exists.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Reading %1 failed after %2 bytes: %3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 changed while it was being copied (%2 bytes read, %3 expected).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Copied %1 to %2 in %3</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>gh::LocalStore</name>
    <message>
        <source>Cannot write to the store at %1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The object for %1 was already committed or aborted.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot flush %1 to disk: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot create the folder %1 in the store.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot move %1 into place in the store: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot read back %1 from the store: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The copy of %1 written to the store reads back differently (%2 bytes, sha256 %3; expected %4 bytes, sha256 %5).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot create the store folder %1.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot create a temporary file in the store %1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot open %1 in the store %2: %3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot remove %1 from the store: %2</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>gh::MainWindow</name>
    <message>
        <source>Gatehouse</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Batches</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Files of the selected batch</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Log</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Open a folder, or drop one on this window.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Open Folder…</source>
        <translation>&amp;Ordner öffnen …</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>Zuletzt &amp;geöffnet</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Batch</source>
        <translation>&amp;Stapel</translation>
    </message>
    <message>
        <source>&amp;Run or Resume</source>
        <translation>&amp;Ausführen oder fortsetzen</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>&amp;Abbrechen</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Gatehouse</source>
        <translation>&amp;Über Gatehouse</translation>
    </message>
    <message>
        <source>About Gatehouse</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Gatehouse %1&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Take batches of digital objects into an archive.&lt;/p&gt;&lt;p&gt;Catalog: %2&lt;br&gt;Store: %3&lt;/p&gt;</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Catalog %1 · store %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Error: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Failed: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>A batch is running; cancel it or wait before opening %1.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Opening %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Open a batch folder</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>gh::ProgressPanel</name>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Progress summary</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cancel the running stage</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Stop after the files in progress; the rest stay pending and resume next time.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cancelling…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 of %2 files</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 of %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1/s</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 left</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>problems: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Starting…</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>gh::Reports</name>
    <message>
        <source>not started</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>SUMMARY</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Provider / source</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Batch</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Detected as</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>unknown</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Start date</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Runtime</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Files</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Items</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Attempted</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Successful</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Skipped</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Not yet processed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Bytes</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>By status</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot write the summary %1: %2</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>gh::StageInfo</name>
    <message>
        <source>Intake</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Fetch</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Check</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Duplicates</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Review</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Upload</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Not started</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Running</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Done</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Needs attention</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>gh::StatusInfo</name>
    <message>
        <source>Pending</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Stored</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Not changed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Skipped (banned)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Too large</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Wrong type</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Empty</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Not found</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Forbidden</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Request refused</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Server error</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Rate limited</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Timed out</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Network error</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Truncated</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>TLS error</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Redirect loop</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Too many redirects</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Checksum mismatch</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Missing</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Unreadable</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Storage error</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Unsafe path</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Limit exceeded</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Unsupported</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>gh::StoreKey</name>
    <message>
        <source>The storage key "%1" is unsafe: %2.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>it is empty</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>it is an absolute path</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>it contains a backslash</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>it contains a control character</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>it contains an empty path segment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>it contains a "%1" segment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>a segment is longer than 255 bytes</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>its first segment is hidden (reserved for the store's own files)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The key template "%1" has a malformed variable.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The key template "%1" uses {%2}, which is not known here.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>gh::cli</name>
    <message>
        <source>The catalog: an SQLite file, or postgresql://user:password@host:port/db.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>path</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The bit store folder (default: store/ next to the catalog).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>dir</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Engine settings (INI).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Print no progress.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Print the engine's log on stderr.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>"%1" is not a batch id; batch ids are positive numbers.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Batch %1: %2 items, %3 files (%4)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Interrupted; stopping after the files in progress.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Create a batch from a folder.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The folder to load.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Name of the batch (default: the source's name).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>File of record identifiers to skip, one per line.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Print the result as JSON.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>warning: </source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Parallel transfers (default 8).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>n</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>--jobs takes a number from 1 to 256.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Copy or download and hash every pending file of a batch.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The batch id.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Load a source and run every automatic stage; resumes an interrupted run of the same source.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Show stages and counts per batch, oldest first.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Only this batch.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No batches in %1.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>ID</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>NAME</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>CREATED</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>FILES</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>PROBLEMS</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>List the files of a batch: path or URL, size, digests, mimetype, status and stored key.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Print JSON lines, one object per file.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Write a report for a batch.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Report format: summary.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>format</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Write to this file.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Unknown report format "%1"; known: summary.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>create a batch from a source; print its id</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>copy/download and hash every pending file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>load + every automatic stage</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>stages and counts per batch</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>one record per file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>write a report (summary)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Gatehouse: take batches of digital objects into an archive.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>One of the commands below.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Commands:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Run "gatehouse-cli COMMAND --help" for a command's options.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Unknown command "%1". Run "gatehouse-cli --help" for the list.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>gh::cli::CommandLine</name>
    <message>
        <source>Run "gatehouse-cli %1 --help" for usage.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Wrong number of arguments for %1.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>gh::cli::ProgressPrinter</name>
    <message>
        <source>%1/%2 files, %3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 s left</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 failed</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Gatehouse ingest workstation</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The catalog file or PostgreSQL URL.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>path</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The bit store folder.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>dir</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Engine settings (INI).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>A folder to load.</source>
        <translation type="unfinished" />
    </message>
</context>
</TS>