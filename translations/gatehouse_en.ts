<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>gh::BagParser</name>
    <message numerus="yes">
        <source>%n line(s) of %1 are longer than the 79 characters RFC 8493 recommends (the first is line %2); long values can be continued on indented lines.</source>
        <translation>
            <numerusform>%n line of %1 is longer than the 79 characters RFC 8493 recommends (the first is line %2); long values can be continued on indented lines.</numerusform>
            <numerusform>%n lines of %1 are longer than the 79 characters RFC 8493 recommends (the first is line %2); long values can be continued on indented lines.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::BatchDecisions</name>
    <message numerus="yes">
        <source>%n stored file(s) with a problem stay behind.</source>
        <translation>
            <numerusform>%n stored file with a problem stays behind.</numerusform>
            <numerusform>%n stored files with a problem stay behind.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::BatchHousekeeping</name>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n file</numerusform>
            <numerusform>%n files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n stored copy(-ies)</source>
        <translation>
            <numerusform>%n stored copy</numerusform>
            <numerusform>%n stored copies</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n stored copy(-ies) shared with other batches stay</source>
        <translation>
            <numerusform>%n stored copy shared with other batches stays</numerusform>
            <numerusform>%n stored copies shared with other batches stay</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Batch %1 was deleted from the catalog, but %n stored object(s) or files could not be removed: %2</source>
        <translation>
            <numerusform>Batch %1 was deleted from the catalog, but %n stored object or file could not be removed: %2</numerusform>
            <numerusform>Batch %1 was deleted from the catalog, but %n stored objects or files could not be removed: %2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::BatchListModel</name>
    <message numerus="yes">
        <source>%n file(s) with problems: see Problems</source>
        <translation>
            <numerusform>%n file with a problem: see Problems</numerusform>
            <numerusform>%n files with problems: see Problems</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::CheckRecords</name>
    <message numerus="yes">
        <source>forgetting the QA results of %n file(s)</source>
        <translation>
            <numerusform>forgetting the QA results of %n file</numerusform>
            <numerusform>forgetting the QA results of %n files</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::CheckRunner</name>
    <message numerus="yes">
        <source>QA of %n file(s) with the checks %1: %2.</source>
        <translation>
            <numerusform>QA of %n file with the checks %1: %2.</numerusform>
            <numerusform>QA of %n files with the checks %1: %2.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::ColumnMappingEditor</name>
    <message numerus="yes">
        <source>%n column(s) read.</source>
        <translation>
            <numerusform>%n column read.</numerusform>
            <numerusform>%n columns read.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::DedupReview</name>
    <message numerus="yes">
        <source> and %n more</source>
        <translation>
            <numerusform> and %n more</numerusform>
            <numerusform> and %n more</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) await a duplicate decision: %1. Decide them in the duplicates view or with gatehouse-cli decide.</source>
        <translation>
            <numerusform>%n file awaits a duplicate decision: %1. Decide it in the duplicates view or with gatehouse-cli decide.</numerusform>
            <numerusform>%n files await a duplicate decision: %1. Decide them in the duplicates view or with gatehouse-cli decide.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::DuplicateClassifier</name>
    <message numerus="yes">
        <source>Checking %n file(s) against %1.</source>
        <translation>
            <numerusform>Checking %n file against %1.</numerusform>
            <numerusform>Checking %n files against %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::DuplicateGate</name>
    <message numerus="yes">
        <source>%n file(s) of batch %1 wait for a duplicate decision against %2; decide them (decide, or the duplicates view) before the upload.</source>
        <translation>
            <numerusform>%n file of batch %1 waits for a duplicate decision against %2; decide it (decide, or the duplicates view) before the upload.</numerusform>
            <numerusform>%n files of batch %1 wait for a duplicate decision against %2; decide them (decide, or the duplicates view) before the upload.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::DuplicateReport</name>
    <message numerus="yes">
        <source>%n file(s) wait for a duplicate decision against %1.</source>
        <translation>
            <numerusform>%n file waits for a duplicate decision against %1.</numerusform>
            <numerusform>%n files wait for a duplicate decision against %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::DuplicateSolver</name>
    <message numerus="yes">
        <source>%n file(s) wait for a duplicate decision; the upload waits for them.</source>
        <translation>
            <numerusform>%n file waits for a duplicate decision; the upload waits for it.</numerusform>
            <numerusform>%n files wait for a duplicate decision; the upload waits for them.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) checked; none waits for a decision.</source>
        <translation>
            <numerusform>%n file checked; it waits for no decision.</numerusform>
            <numerusform>%n files checked; none waits for a decision.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::DuplicatesView</name>
    <message numerus="yes">
        <source>%n file(s) wait for a decision against %1. The upload waits until none does.</source>
        <translation>
            <numerusform>%n file waits for a decision against %1. The upload waits until it is decided.</numerusform>
            <numerusform>%n files wait for a decision against %1. The upload waits until none does.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>All %n similar (A)</source>
        <translation>
            <numerusform>All %n similar (A)</numerusform>
            <numerusform>All %n similar (A)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::FileStage</name>
    <message numerus="yes">
        <source>%1 stopped while it held %n file(s) of this batch; they are taken over.</source>
        <translation>
            <numerusform>%1 stopped while it held %n file of this batch; it is taken over.</numerusform>
            <numerusform>%1 stopped while it held %n files of this batch; they are taken over.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Waiting for %n file(s) that other Gatehouse processes are working on (%1).</source>
        <translation>
            <numerusform>Waiting for %n file that other Gatehouse processes are working on (%1).</numerusform>
            <numerusform>Waiting for %n files that other Gatehouse processes are working on (%1).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Another Gatehouse process took over %n file(s) after this one&apos;s lease on them ran out; its outcome for them is the one kept.</source>
        <translation>
            <numerusform>Another Gatehouse process took over %n file after this one&apos;s lease on it ran out; its outcome for it is the one kept.</numerusform>
            <numerusform>Another Gatehouse process took over %n files after this one&apos;s lease on them ran out; its outcome for them is the one kept.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: this process (%2) did %n file(s) of the batch.</source>
        <translation>
            <numerusform>%1: this process (%2) did %n file of the batch.</numerusform>
            <numerusform>%1: this process (%2) did %n files of the batch.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::FindingSeverity</name>
    <message numerus="yes">
        <source>%n error(s)</source>
        <translation>
            <numerusform>%n error</numerusform>
            <numerusform>%n errors</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n warning(s)</source>
        <translation>
            <numerusform>%n warning</numerusform>
            <numerusform>%n warnings</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n flag(s)</source>
        <translation>
            <numerusform>%n flag</numerusform>
            <numerusform>%n flags</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::ImsCpReader</name>
    <message numerus="yes">
        <source>%n file(s) in the package are not listed in %1: %2.</source>
        <translation>
            <numerusform>%n file in the package is not listed in %1: %2.</numerusform>
            <numerusform>%n files in the package are not listed in %1: %2.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 lists %n file(s) that are missing: %2.</source>
        <translation>
            <numerusform>%1 lists %n file that is missing: %2.</numerusform>
            <numerusform>%1 lists %n files that are missing: %2.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::Intake</name>
    <message numerus="yes">
        <source>%n record(s) on the banned list will be skipped.</source>
        <translation>
            <numerusform>%n record on the banned list will be skipped.</numerusform>
            <numerusform>%n records on the banned list will be skipped.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n item</numerusform>
            <numerusform>%n items</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n file</numerusform>
            <numerusform>%n files</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::ListingIngester</name>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n file</numerusform>
            <numerusform>%n files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n item</numerusform>
            <numerusform>%n items</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n checksum file(s) read</source>
        <translation>
            <numerusform>%n checksum file read</numerusform>
            <numerusform>%n checksum files read</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::MainWindow</name>
    <message numerus="yes">
        <source>Checking %n file(s) again…</source>
        <translation>
            <numerusform>Checking %n file again…</numerusform>
            <numerusform>Checking %n files again…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::MetsReader</name>
    <message numerus="yes">
        <source>%1 lists %n file(s) that no division of the structure map points to: %2.</source>
        <translation>
            <numerusform>%1 lists %n file that no division of the structure map points to: %2.</numerusform>
            <numerusform>%1 lists %n files that no division of the structure map points to: %2.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) in the package are not listed in %1: %2.</source>
        <translation>
            <numerusform>%n file in the package is not listed in %1: %2.</numerusform>
            <numerusform>%n files in the package are not listed in %1: %2.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 lists %n file(s) that are missing: %2.</source>
        <translation>
            <numerusform>%1 lists %n file that is missing: %2.</numerusform>
            <numerusform>%1 lists %n files that are missing: %2.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::NewspaperBatchIngester</name>
    <message numerus="yes">
        <source>%n film(s)</source>
        <translation>
            <numerusform>%n film</numerusform>
            <numerusform>%n films</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n edition(s)</source>
        <translation>
            <numerusform>%n edition</numerusform>
            <numerusform>%n editions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n page(s)</source>
        <translation>
            <numerusform>%n page</numerusform>
            <numerusform>%n pages</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n item</numerusform>
            <numerusform>%n items</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n file</numerusform>
            <numerusform>%n files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n checksum file(s) read</source>
        <translation>
            <numerusform>%n checksum file read</numerusform>
            <numerusform>%n checksum files read</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::Problems</name>
    <message numerus="yes">
        <source>Gatehouse stopped during this stage with %n file(s) still to do; Run or Resume continues.</source>
        <translation>
            <numerusform>Gatehouse stopped during this stage with %n file still to do; Run or Resume continues.</numerusform>
            <numerusform>Gatehouse stopped during this stage with %n files still to do; Run or Resume continues.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The run stopped with %n file(s) still to do; Run or Resume continues.</source>
        <translation>
            <numerusform>The run stopped with %n file still to do; Run or Resume continues.</numerusform>
            <numerusform>The run stopped with %n files still to do; Run or Resume continues.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s)</source>
        <translation>
            <numerusform>%n problem</numerusform>
            <numerusform>%n problems</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n error(s)</source>
        <translation>
            <numerusform>%n error</numerusform>
            <numerusform>%n errors</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n warning(s)</source>
        <translation>
            <numerusform>%n warning</numerusform>
            <numerusform>%n warnings</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n QA flag(s)</source>
        <translation>
            <numerusform>%n QA flag</numerusform>
            <numerusform>%n QA flags</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::ProgressPanel</name>
    <message numerus="yes">
        <source>%1 of %n file(s)</source>
        <translation>
            <numerusform>%1 of %n file</numerusform>
            <numerusform>%1 of %n files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n with a problem</source>
        <translation>
            <numerusform>%n with a problem</numerusform>
            <numerusform>%n with problems</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n file</numerusform>
            <numerusform>%n files</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::Recheck</name>
    <message numerus="yes">
        <source>%n problem(s) resolved</source>
        <translation>
            <numerusform>%n problem resolved</numerusform>
            <numerusform>%n problems resolved</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) still with problems</source>
        <translation>
            <numerusform>%n file still with a problem</numerusform>
            <numerusform>%n files still with problems</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n stored copy(-ies) verified</source>
        <translation>
            <numerusform>%n stored copy verified</numerusform>
            <numerusform>%n stored copies verified</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) to copy again</source>
        <translation>
            <numerusform>%n file to copy again</numerusform>
            <numerusform>%n files to copy again</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) no longer listed by the source</source>
        <translation>
            <numerusform>%n file no longer listed by the source</numerusform>
            <numerusform>%n files no longer listed by the source</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Checked %n file(s): %1.</source>
        <translation>
            <numerusform>Checked %n file: %1.</numerusform>
            <numerusform>Checked %n files: %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Read again: %n warning(s)</source>
        <translation>
            <numerusform>Read again: %n warning</numerusform>
            <numerusform>Read again: %n warnings</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Checked again: %n file(s) to fetch</source>
        <translation>
            <numerusform>Checked again: %n file to fetch</numerusform>
            <numerusform>Checked again: %n files to fetch</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Checked again: %n file(s) with problems</source>
        <translation>
            <numerusform>Checked again: %n file with a problem</numerusform>
            <numerusform>Checked again: %n files with problems</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Checked again: %n file(s) to check</source>
        <translation>
            <numerusform>Checked again: %n file to check</numerusform>
            <numerusform>Checked again: %n files to check</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::ReviewView</name>
    <message numerus="yes">
        <source>Sample verdict: reject — %n defect(s) reached the rejection number %1.</source>
        <translation>
            <numerusform>Sample verdict: reject — %n defect reached the rejection number %1.</numerusform>
            <numerusform>Sample verdict: reject — %n defects reached the rejection number %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Batch verdict: reject — %n defect(s) reach the rejection number %1. You may keep reviewing.</source>
        <translation>
            <numerusform>Batch verdict: reject — %n defect reaches the rejection number %1. You may keep reviewing.</numerusform>
            <numerusform>Batch verdict: reject — %n defects reach the rejection number %1. You may keep reviewing.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Batch verdict: accept — every sampled item reviewed, %n defect(s) (accept up to %1).</source>
        <translation>
            <numerusform>Batch verdict: accept — every sampled item reviewed, %n defect (accept up to %1).</numerusform>
            <numerusform>Batch verdict: accept — every sampled item reviewed, %n defects (accept up to %1).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Sample verdict: pending — the batch was decided with %n sampled item(s) not reviewed.</source>
        <translation>
            <numerusform>Sample verdict: pending — the batch was decided with %n sampled item not reviewed.</numerusform>
            <numerusform>Sample verdict: pending — the batch was decided with %n sampled items not reviewed.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Batch verdict: pending — %n sampled item(s) to go.</source>
        <translation>
            <numerusform>Batch verdict: pending — %n sampled item to go.</numerusform>
            <numerusform>Batch verdict: pending — %n sampled items to go.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::S3Client</name>
    <message numerus="yes">
        <source>Cannot reach the S3 endpoint %1 for %2: %3 (tried %n time(s)).</source>
        <translation>
            <numerusform>Cannot reach the S3 endpoint %1 for %2: %3 (tried %n time).</numerusform>
            <numerusform>Cannot reach the S3 endpoint %1 for %2: %3 (tried %n times).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::UploadHandover</name>
    <message numerus="yes">
        <source>(%n kept back by duplicate decisions)</source>
        <translation>
            <numerusform>(%n kept back by a duplicate decision)</numerusform>
            <numerusform>(%n kept back by duplicate decisions)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::cli</name>
    <message numerus="yes">
        <source>Batch %1 against %2: %n file(s)</source>
        <translation>
            <numerusform>Batch %1 against %2: %n file</numerusform>
            <numerusform>Batch %1 against %2: %n files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Took back the decisions about %n file(s).</source>
        <translation>
            <numerusform>Took back the decision about %n file.</numerusform>
            <numerusform>Took back the decisions about %n files.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Decided %n file(s): %1.</source>
        <translation>
            <numerusform>Decided %n file: %1.</numerusform>
            <numerusform>Decided %n files: %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>QA of batch %1: %n file(s), %2.</source>
        <translation>
            <numerusform>QA of batch %1: %n file, %2.</numerusform>
            <numerusform>QA of batch %1: %n files, %2.</numerusform>
        </translation>
    </message>
</context>
</TS>
