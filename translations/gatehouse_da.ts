<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="da_DK" sourcelanguage="en">
<context>
    <name>gh::ArchiveCopy</name>
    <message>
        <source>%1 in %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not in %2 (any more).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::ArchiveGuard</name>
    <message>
        <source>%1 declares %2 members; the limit for one archive is %3 members.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has at least %2 members; the limit for one archive is %3 members.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>its name is not valid UTF-8</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it is not a regular file (a device, pipe or socket)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>its path passes through the link %1, which Gatehouse never follows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it is a hard link to %1, outside the archive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it is a symbolic link to %1, outside the archive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (copy %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>another member has the same path, and only the first one is used</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it is encrypted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it expands from %1 to %2 bytes, a compression ratio of %3:1; the limit is %4:1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 expands from its %2 bytes to at least %3 bytes, a compression ratio of %4:1; the limit is %5:1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The files in %1 add up to at least %2 bytes; the limit for one archive is %3 bytes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 in %2 holds more data than the %3 bytes its header declares.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 in %2 expands from %3 to at least %4 bytes, a compression ratio of %5:1; the limit is %6:1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Going on in %1 means decompressing at least %2 bytes; the limit for one archive is %3 bytes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading %1 from %2 passes %3 bytes in all; the limit for one archive is %4 bytes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading %1 from %2 expands the archive&apos;s %3 bytes to at least %4 bytes, a compression ratio of %5:1; the limit is %6:1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 in %2 ends after %3 bytes, but its header declares %4 bytes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 in %2 was not read: %3.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::ArchiveMember</name>
    <message>
        <source>its name is empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>its name contains control characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it is an absolute path, which would escape the batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>its path climbs out of the archive with &quot;..&quot;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it names a Windows drive, which would escape the batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>its name contains &quot;!/&quot;, which Gatehouse reserves for members of nested archives</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>its path is %1 bytes long, more than the limit of %2 bytes</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::ArchivePackage</name>
    <message>
        <source>%1 is not an archive Gatehouse can open (zip, tar, tar.gz, tar.bz2, tar.xz or 7z).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>its path passes through the link %1, which Gatehouse never follows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it is a hard link to %1, which is not a file in the archive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> and %1 more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Links inside %1 are listed, not followed; their targets are loaded themselves: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a file in %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 in %2 cannot be read: %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 in %2 holds more than the %3 bytes allowed for %4.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot unpack %1 from %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a manifest or tag file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is an archive nested %2 levels deep; the limit is %3 levels.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create a temporary folder to open %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create a temporary file to open %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a nested archive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot unpack %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::ArchiveReader</name>
    <message>
        <source>%1 is not an archive Gatehouse can open (zip, tar, tar.gz, tar.bz2, tar.xz or 7z).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No member of %1 is open for reading.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 in %2 cannot be read: %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is an archive nested %2 levels deep; the limit is %3 levels.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create a temporary folder to open %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create a temporary file to open %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 holds more than the %2 bytes allowed for a nested archive.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot unpack %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::Bag</name>
    <message>
        <source>%1 has no bagit.txt at its root; every bag declares its BagIt version there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bagit.txt cannot be read: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 cannot be read: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The bag declares BagIt %1 but names its metadata file %2; it was read anyway.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The manifest %1 cannot be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The bag has no payload manifest (manifest-&lt;algorithm&gt;.txt); every bag needs at least one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None of the payload manifests (%1) uses an algorithm Gatehouse can compute, so no payload checksum can be verified.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The manifests %1 and %2 differ only in case.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::BagIngester</name>
    <message>
        <source>%1 and %2 more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 lists %2, which the bag holds as %3 (the same name in another Unicode normalisation form).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is listed in %2 but is not in the bag.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fetch.txt (line %1) lists %2, which no payload manifest lists; its content cannot be verified.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (line %2) lists %3, which %4; it was not read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is a BagIt %2 bag: %3 payload files in %4 items, checksums from %5 manifests (%6); %7 to fetch, %8 missing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>… and %1 more issues with this bag; &quot;gatehouse-cli bag validate&quot; lists them all.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Payload files that no manifest lists (loaded without declared checksums): %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skipped operating-system files that no manifest lists: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::BagParser</name>
    <message>
        <source>bagit.txt starts with a UTF-8 byte-order mark, which RFC 8493 forbids; it was ignored.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bagit.txt is not valid UTF-8.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line %1 of bagit.txt is not of the form &quot;Label: value&quot;: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bagit.txt declares BagIt-Version twice (lines %1 and %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bagit.txt declares Tag-File-Character-Encoding twice (lines %1 and %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line %1 of bagit.txt holds %2; bagit.txt should hold only BagIt-Version and Tag-File-Character-Encoding.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bagit.txt does not declare a BagIt-Version.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>BagIt-Version %1 in bagit.txt (line %2) is not a version number of the form M.N.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bagit.txt declares BagIt version %1; Gatehouse reads versions 0.93 to 0.97 and 1.0.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bagit.txt does not declare Tag-File-Character-Encoding; the tag files are read as UTF-8.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bagit.txt declares Tag-File-Character-Encoding before BagIt-Version; the order should be BagIt-Version first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bagit.txt declares the tag files to be in %1; UTF-8 is strongly recommended.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bagit.txt declares the tag file encoding %1, which Gatehouse cannot decode; the tag files are read as UTF-8.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not valid %2; undecodable bytes were replaced.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 starts with a UTF-8 byte-order mark, which RFC 8493 forbids in UTF-8 tag files; it was ignored.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not valid UTF-8; undecodable bytes were replaced.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line %1 of %2 is indented as a continuation, but no label precedes it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line %1 of %2 is not of the form &quot;Label: value&quot;: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line %1 of %2 has no label before its colon.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line %1 of %2: the label %3 ends with whitespace, which BagIt 1.0 does not allow.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 gives Payload-Oxum %2 times; it must appear at most once.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Payload-Oxum %1 in %2 (line %3) is not of the form OctetCount.StreamCount.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bagging-Date %1 in %2 (line %3) is not a date of the form YYYY-MM-DD.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bag-Count %1 in %2 (line %3) is not of the form &quot;N of T&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 gives %2 %3 times; it should appear only once.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 uses the algorithm %2, which Gatehouse cannot compute; its checksums are not verified.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 names its algorithm %2; BagIt requires the normalised name %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line %1 of %2 is not of the form &quot;checksum path&quot;: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line %1 of %2: %3 is not a %4 checksum.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line %1 of %2 lists %3, which %4; files outside the bag&apos;s scope are invalid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>is outside the payload folder data/</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line %1 of %2 lists %3, which is outside data/; a payload manifest must list only payload files.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>is a payload file listed in a tag manifest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line %1 of %2 lists the payload file %3; a tag manifest must not list payload files.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 lists %2 twice (lines %3 and %4); every file must be listed exactly once.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 lists %2 twice with different checksums (line %3: %4, line %5: %6).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 marks paths with md5sum&apos;s &quot;*&quot; binary flag; Gatehouse ignored it, but strict BagIt validators reject such manifests.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 writes some paths in a non-canonical form (such as &quot;./data/…&quot; or &quot;data//…&quot;); they were normalised.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line %1 of %2 is not of the form &quot;url length path&quot;: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line %1 of %2: the length %3 is neither a number of bytes nor &quot;-&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line %1 of %2: %3 is not an absolute URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line %1 of %2 lists %3, which is outside data/; fetch.txt must list only payload files.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 lists %2 twice (lines %3 and %4).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>is empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>contains a NUL character</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>is an absolute path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>names a drive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>uses a backslash, which BagIt does not allow as a path separator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>refers to a home folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>names a folder, not a file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>leaves the bag</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>names the bag itself</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::BagValidator</name>
    <message>
        <source>%1 does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a folder; Gatehouse validates bags in folders (unpack an archived bag first).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 Files outside the bag&apos;s scope are invalid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The bag has no payload folder data/.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is listed in fetch.txt (line %2) but has not been fetched; the files listed in fetch.txt must be fetched before the bag is complete.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is listed in %2 but is not in the bag.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 lists %2, which the bag holds as %3 (the same name in another Unicode normalisation form).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is in data/ but is not listed in %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is listed in %2 but not in %3; every payload manifest must list every payload file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is listed in %2 (line %3) but is not in the bag.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (line %2) lists the tag manifest %3; tag manifests must not list other tag manifests.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 does not list the payload manifest %2; every tag manifest must list every payload manifest.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The tag file %1 is not listed in %2, so its integrity is not protected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>fetch.txt (line %1) lists %2, which is not listed in every payload manifest.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is %2 bytes, but fetch.txt (line %3) gives %4 bytes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Payload-Oxum in %1 is %2 (%3 bytes in %4 files), but data/ holds %5 bytes in %6 files.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The bag has no bag-info.txt; its Payload-Oxum and Bagging-Date help receivers check it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has no %2; these labels are recommended.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The payload is protected only by %1; md5 and sha1 detect accidents but not tampering. A sha256 or sha512 manifest is recommended.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is a hidden file in data/.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 and %2 differ only in case; they collide on case-insensitive file systems.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 cannot be read to verify its checksums: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 does not match its %2 checksum in %3 (line %4): expected %5, computed %6.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Validating %1 was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::BagWriter</name>
    <message>
        <source>Cannot write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exporting batch %1 was cancelled; nothing was written to %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 exists and is not a folder; export a bag into a new or empty folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not empty; export a bag into a new or empty folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create a working folder next to %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Two files of batch %1 map to the bag path data/%2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write the manifests in %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The catalog has no md5 or sha256 for %1, so its copy cannot be verified; the export was abandoned.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read %1 from the store: %2; the export was abandoned.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create the folder for %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading %1 from the store failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The stored copy of %1 does not match the catalog (catalog: %2 bytes, sha256 %3; store: %4 bytes, sha256 %5); the export was abandoned.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write the manifests: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot move the finished bag to %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::BatchListModel</name>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batch %1 from %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Problems</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::BatchRunner</name>
    <message>
        <source>Loaded %1 as batch %2 (%3): %4 items, %5 files.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warning (%1): %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batch %1 is being processed by another Gatehouse (%2, %3 stage); wait for it to finish or stop it first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batch %1 of %2 was interrupted while loading; loading it again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resuming batch %1 of %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetch %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::BitStore</name>
    <message>
        <source>Unknown store &quot;%1&quot;; give a folder or s3://bucket/prefix.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::Catalog</name>
    <message>
        <source>The catalog %1 is a folder; give the path of a catalog file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The catalog %1 cannot be read: permission denied.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create the folder %1 for the catalog.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The Qt SQL driver %1 is not installed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open the catalog %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The catalog %1 is damaged or is not a Gatehouse catalog: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The catalog %1 was written by a newer Gatehouse (schema version %2; this version knows up to %3). Update Gatehouse to open it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The database %1 holds tables but is not a Gatehouse catalog.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reading the schema version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>starting migration %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>locking the catalog for migration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>creating the schema version table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>applying migration %1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>recording migration %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>committing migration %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Catalog error while %1 in %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>committing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>starting a transaction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>creating a batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>recording what intake detected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>listing batches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>counting files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>counting items</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reading stages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no batch %1 in the catalog %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>looking up batches of a source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>clearing batch %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>recording the %1 stage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>recording progress of the %1 stage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reading the run times of batch %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>adding item %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>adding file %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reading files of batch %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reading file %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no file %1 in the catalog.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>recording the outcome for file %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>counting files of batch %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>resetting files of batch %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reading item %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no item %1 in the catalog.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>recording a %1 event</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reading events of batch %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the PostgreSQL catalog address &quot;%1&quot;; expected postgresql://user:password@host:port/database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The catalog path is empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>discarding items of batch %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>remembering the validators of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reading HTTP validators</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>counting pending files of batch %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::ColumnMappingEditor</name>
    <message>
        <source>Identifier (rows with the same one form an item)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Title</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>URL to download</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Local file path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MD5 checksum</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SHA-1 checksum</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SHA-256 checksum</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SHA-512 checksum</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Declared media type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Declared size in bytes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Item metadata</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ignore</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read %1: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is empty: it has no header line.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Column</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Meaning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Spreadsheet columns and their meanings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Read columns from a spreadsheet…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read columns from a spreadsheet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add column…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a column</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove the selected columns</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Column mapping message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add column</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Column name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n column(s) read.</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Meaning of column %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the columns of %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Spreadsheet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Spreadsheets (*.csv *.tsv *.txt);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::CsvReader</name>
    <message>
        <source>%1 line %2: a quoted field is never closed.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::DetailsPane</name>
    <message>
        <source>File details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a file to see its details.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bytes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type (sniffed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type (declared)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MD5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SHA-1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Declared</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stored as</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HTTP status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Final URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Events</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::Engine</name>
    <message>
        <source>The catalog is not open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A batch is already running; cancel it or wait for it to finish.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::EngineSettings</name>
    <message>
        <source>The settings file %1 does not exist or cannot be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The settings file %1 is not a valid INI file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read the banned list %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2 must be a number of at least %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: store/sync must be batched, each-file or none.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a size; give bytes, or a number with K, M, G or T.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::FetchStage</name>
    <message>
        <source>Retrying %1 files that failed transiently in an earlier run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetching %1 files of batch %2 into %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled; the remaining files stay pending.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Files needing attention: %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All files stored.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %2/%3: %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The store %1 failed %2 times in a row; stopping. Last error: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refreshing %1 downloaded files with conditional requests.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is fresh until %2 by the server&apos;s own caching rules; not requested, the stored copy %3 is reused.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::FileFinisher</name>
    <message>
        <source>Checksum mismatch: %1 (declared in %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file is empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stored %1 as %2 in %3</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::FileTableModel</name>
    <message>
        <source>Item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stored as</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::Fixity</name>
    <message>
        <source>Cannot read the checksum file %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The checksum file %1 does not hold a %2 digest.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 declared %2, computed %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 verified against %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::FolderPackage</name>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is a symbolic link to %2, which does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is a symbolic link to %2, outside the batch folder; it was not read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a regular file (a device, socket or pipe).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Did not follow links to folders: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not in %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is %2 bytes, more than the %3 bytes allowed for a manifest or tag file.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::IiifIngester</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is %2 bytes, more than the %3 bytes allowed for a IIIF manifest.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::IiifReader</name>
    <message>
        <source>line %1, column %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 holds one JSON document per line, not a IIIF manifest.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not valid JSON: %2: %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a IIIF manifest or collection: it is not a JSON object.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read %1 as a IIIF Presentation %2 %3: %4 manifests with %5 canvases.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>collection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>manifest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 member manifests were read from files beside the collection.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 collection member manifests must be fetched before their canvases are known; each is recorded as an item with its manifest URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a IIIF Presentation 2 or 3 document: its @context names neither version.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is neither a IIIF manifest nor a collection (its type is &quot;%2&quot;).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attribution</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Canvas %1 (%2) has no image, sound or video to download.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The content of canvas %1 (%2) has no id to download.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The content of canvas %1 is at %2, which Gatehouse cannot download (only http and https).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has %2 sequences; only the first is read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The manifest %1 has no canvases.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 nests collections more than %2 levels deep.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The collection %1 has no members.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The collection member %1 is not valid JSON: %2: %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The collection member %1 is not a JSON object.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The collection %1 lists the manifest %2, which does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The collection %1 lists the manifest %2, outside its folder; it was not read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The collection %1 lists the manifest %2 more than once.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Collection member manifests must be fetched: %1 has not been downloaded yet, so its canvases are unknown.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::ImsCpReader</name>
    <message>
        <source>and %1 more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (line %2): the item &quot;%3&quot; refers to the resource %4, which the manifest does not define.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not an IMS Content Packaging manifest: its root element is %2 in the namespace &quot;%3&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (line %2): the resource identifier %3 is used twice; the second is ignored.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has %2 organizations; the items follow &quot;%3&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resource %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Files not listed in %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 files in the package are not listed in %2: %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 lists %2 files that are missing: %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read %1 as an IMS content package: %2 items following the organization &quot;%3&quot;, %4 files.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::IngestRequestIngester</name>
    <message>
        <source>column %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 line %2, %3: %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 line %2: an ingest request must be a JSON object.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 line %2: base_url &quot;%3&quot; is not an http or https URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 holds %2 ingest requests (JSON lines).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::Intake</name>
    <message>
        <source>The source %1 does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The source %1 cannot be read: permission denied.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 records are on the banned list and will be skipped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 items, %2 files</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::IntakeChain</name>
    <message>
        <source>%1 is a folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The source %1 cannot be read: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is a file; its content is %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is named like a %2 archive but is empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is named like a %2 archive, but its content is %3, not a %2 archive.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refused members of %1: %2 (unsafe paths, links, limits or unsupported types); they are listed as files with that status and the reason.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is a %2 archive with %3 entries (files: %4).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not use %1 as a %2 package; using the plain listing instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 stage: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::Jp2Codec</name>
    <message>
        <source>Cannot encode an empty image as JPEG 2000.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>openjpeg could not allocate a %1×%2 image.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>openjpeg rejected the encoder settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>openjpeg failed to encode a %1×%2 image.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a JPEG 2000 file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open %1 for reading.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>openjpeg could not create a decoder for %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>openjpeg rejected the decoder settings for %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The JPEG 2000 header of %1 is damaged: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 would decode to %2×%3 pixels, more than the limit of %4.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 does not offer %2 resolution levels in every tile: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is damaged or truncated; openjpeg says: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 decoded to an empty component.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not enough memory to hold %1 at %2×%3 pixels.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::LibarchiveBackend</name>
    <message>
        <source>%1 is empty, not a %2 archive.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a readable %2 archive: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is damaged after its member %2 (the file may be truncated): %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has no member number %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::ListingIngester</name>
    <message>
        <source>Listed %1: %2 files in %3 items, grouped by folder and name stem; %4 checksum files read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skipped operating-system files: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 holds no files.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::LocalCopy</name>
    <message>
        <source>%1 no longer exists.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading %1 failed after %2 bytes: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 changed while it was being copied (%2 bytes read, %3 expected).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::LocalStore</name>
    <message>
        <source>Cannot create the store folder %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open %1 in the store %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot remove %1 from the store: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The copy of %1 written to the store reads back differently (sha256 %2; expected %3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The object was already committed or aborted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot flush the store %1 to disk: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::MainWindow</name>
    <message>
        <source>Gatehouse</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Files of the selected batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Filer</translation>
    </message>
    <message>
        <source>&amp;Open Folder…</source>
        <translation>&amp;Åbn mappe …</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>Åbn &amp;seneste</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Afslut</translation>
    </message>
    <message>
        <source>&amp;Batch</source>
        <translation>&amp;Batch</translation>
    </message>
    <message>
        <source>&amp;Run or Resume</source>
        <translation>&amp;Kør eller genoptag</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>&amp;Annuller</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Vis</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hjælp</translation>
    </message>
    <message>
        <source>&amp;About Gatehouse</source>
        <translation>&amp;Om Gatehouse</translation>
    </message>
    <message>
        <source>About Gatehouse</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Gatehouse %1&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Take batches of digital objects into an archive.&lt;/p&gt;&lt;p&gt;Catalog: %2&lt;br&gt;Store: %3&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Catalog %1 · store %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A batch is running; cancel it or wait before opening %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a batch folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Intake trace</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Progress of the running batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a folder or a file, or drop one on this window.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;File…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open &amp;Web Address…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a batch file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batch sources (*.zip *.tar *.tar.gz *.tgz *.tar.bz2 *.tar.xz *.7z *.xml *.json *.jsonl *.csv *.tsv *.txt);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a web address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address of a IIIF manifest or collection:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not an http or https address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings saved; they apply to the next run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>warning</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::ManifestFiles</name>
    <message>
        <source>%1 (line %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no location)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 lists a file without a location.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 lists %2, whose scheme %3 Gatehouse cannot fetch.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 lists the absolute path %2; files must be inside the package.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 lists %2, which is outside the package.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 lists %2, which is not in the package.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 lists %2, which is outside the manifest&apos;s folder %3; it was not read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 lists %2, which does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is %2 bytes, more than the %3 bytes allowed for an XML manifest.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::MetsReader</name>
    <message>
        <source>and %1 more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (line %2): the dmdSec %3 refers to external metadata (mdRef), which is not read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (line %2): the dmdSec %3 holds neither MODS nor Dublin Core; its metadata is not read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (line %2): the file ID %3 is used twice; the second is ignored.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (line %2): the file %3 has no location.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (line %2): the file %3 is embedded in the METS document (FContent), which Gatehouse does not extract.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (line %2): the SIZE %3 of %4 is not a number of bytes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (line %2) declares %3 bytes for %4, but the file has %5 bytes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (line %2): the checksum type &quot;%3&quot; of %4 is not one Gatehouse verifies (MD5, SHA-1, SHA-256, SHA-512); it is ignored.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (line %2): the %3 checksum &quot;%4&quot; of %5 is malformed; it is ignored.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a METS document: its root element is %2 in the namespace &quot;%3&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has no structure map (structMap with a div); METS requires one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Files not in the structure map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 lists %2 files that no division of the structure map points to: %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Files not listed in %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 files in the package are not listed in %2: %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 lists %2 files that are missing: %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: the structure map points to file IDs the fileSec does not define: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read %1 as METS: %2 items from the %3 structure map (%4 divisions), %5 files.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>untyped</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::NewspaperBatchIngester</name>
    <message>
        <source>and %1 more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not laid out as a newspaper batch.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The page %1 has no page number in its file name or MODS.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The page %1 has no %2 file: %3 is missing from the batch.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (missing %2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 pages lack one of their four files (jp2, mix, mods, alto): %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 files are outside the newspaper batch layout; they are included with the folder they are in: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 files have no .md5 checksum file: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Film folders whose number is not the batch&apos;s (%1): %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read %1 as newspaper batch %2, roundtrip %3: %4 films, %5 editions, %6 pages; %7 items, %8 files; %9 checksum files read.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::ProgressPanel</name>
    <message>
        <source>Cancel</source>
        <translation>Annuller</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Progress summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel the running stage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop after the files in progress; the rest stay pending and resume next time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2 files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>problems: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::Reports</name>
    <message>
        <source>not started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SUMMARY</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Provider / source</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detected as</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Runtime</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Files</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Items</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attempted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Successful</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not yet processed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bytes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write the summary %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::S3Client</name>
    <message>
        <source>(the bucket is in region %1; set GATEHOUSE_S3_REGION)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2 (endpoint %3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Cannot reach the S3 endpoint %1 for %2: %3 (tried %n time(s)).</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot read %1 to upload it to %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot set up an HTTP request for %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot write the downloaded bytes to a local file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>cannot read the local file to upload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the server&apos;s answer is unexpectedly large</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The transfer of %1 was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot transfer %1 (endpoint %2): %3</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::S3Options</name>
    <message>
        <source>&quot;%1&quot; is not an S3 store; write s3://bucket/prefix.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The S3 store &quot;%1&quot; names no bucket; write s3://bucket/prefix.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GATEHOUSE_S3_ENDPOINT must be an http or https URL such as https://s3.example.org:9000.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>GATEHOUSE_S3_ADDRESSING must be &quot;path&quot; or &quot;virtual&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 must be a positive number of MiB.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The S3 bucket name &quot;%1&quot; is not valid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The S3 endpoint must be an http or https URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The S3 endpoint %1 must not contain a user name or password; give credentials through AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No credentials for the S3 store s3://%1: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials), or keep the secret in the keychain under &quot;%2&quot; with the access key id as its name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The S3 part size must be between 5 MiB and 5 GiB; %1 bytes was given.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The S3 multipart threshold cannot be negative.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The S3 retry and timeout settings must be positive.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::S3Store</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 ended early while reading it for upload.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot record the progress of the upload of %1 in %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The bytes for %1 do not match: %2 is %3, expected %4. Nothing was uploaded to %5.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The object was already committed or aborted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create the S3 staging folder %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot upload %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The store received different bytes for %1 (its md5 is %2, ours %3); the object was removed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another process has been uploading %1 for more than ten minutes; try again later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot list the uploaded parts of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot start the upload of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot start the upload of %1: the server sent no upload id (endpoint %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot upload part %1 of %2 of %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The store received different bytes for part %1 of %2 (ETag %3, md5 %4).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot complete the upload of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The store assembled %1 from different bytes (ETag %2, expected %3 or %4); the object was removed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot look up %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create a download file in %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 does not exist in the store.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot download %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot save the download of %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The download of %1 is incomplete (%2 of %3 bytes).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 in the store does not match its recorded sha256 (%2, got %3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot remove %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::SettingsDialog</name>
    <message>
        <source>Choose…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skip requests while the server says a copy is fresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parallel transfers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Parallel transfers:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connections per host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connections per &amp;host:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no limit (e.g. 500M, 2G)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Largest file to accept</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Largest file:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>any type (e.g. image/*, application/pdf)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accepted types</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Accepted types:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Contact sent to servers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent in every request&apos;s User-Agent, so server operators can reach you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Contact for servers:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Banned records file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Banned records:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Banned records</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hot folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New deliveries dropped into this folder are loaded once they stop changing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Hot folder:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Spreadsheet &amp;columns:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Storage key template</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Variables: {batch} {batch_name} {item} {filename} {path} {ext} {timestamp} {resource_id} {md5} {sha1} {sha256}; e.g. sha1/{sha1:0:2}/{sha1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Storage &amp;key:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Once per batch of files (recommended)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>After every file (slowest, safest)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Never (throw-away data only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When stored files are flushed to disk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flush to &amp;disk:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Intake</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Storage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The largest file must be a size such as 500M or 2G.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::SingleFileIngester</name>
    <message>
        <source>Nothing recognised %1; it is loaded as a batch of one file.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::SpoolFile</name>
    <message>
        <source>&quot;%1&quot; cannot name a resumable spool.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot truncate %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read back %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it is shorter than written</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot flush %1 to disk: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot move %1 to %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::SpreadsheetIngester</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is empty: a spreadsheet needs a header row.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has no column for the files (a url or path column): its columns are %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>line %1 has %2 fields, the header %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 line %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>line %1: &quot;%2&quot; is not a %3 digest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>line %1 names no file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 line %2: &quot;%3&quot; is not an http or https URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>line %1: identifier %2 appears again after other records; loaded as %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>tab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is a spreadsheet (%2-separated) of %3 records with %4 files.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::StageInfo</name>
    <message>
        <source>Intake</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duplicates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Upload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Needs attention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::StatusInfo</name>
    <message>
        <source>Pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stored</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not changed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skipped (banned)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too large</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrong type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Forbidden</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Request refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rate limited</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Timed out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Network error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Truncated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>TLS error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Redirect loop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too many redirects</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checksum mismatch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unreadable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Storage error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unsafe path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Limit exceeded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unsupported</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::StoreKey</name>
    <message>
        <source>The storage key &quot;%1&quot; is unsafe: %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it is empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it is an absolute path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it contains a backslash</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it contains a control character</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it contains an empty path segment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it contains a &quot;%1&quot; segment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a segment is longer than 255 bytes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>its first segment is hidden (reserved for the store&apos;s own files)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The key template &quot;%1&quot; has a malformed variable.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The key template &quot;%1&quot; uses {%2}, which is not known here.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::ThumbnailCache</name>
    <message>
        <source>“%1” is not a SHA-256 digest; the thumbnail was not cached.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An empty thumbnail cannot be cached.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot create the thumbnail cache folder %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write the thumbnail %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot remove every file in the thumbnail cache %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::ThumbnailGenerator</name>
    <message>
        <source>A thumbnail must be at least one pixel large.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is %2, which has no thumbnail.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is empty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not an image or PDF that Gatehouse can make a thumbnail of.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is a truncated PDF document (it has no end marker).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a readable PDF document.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is a password-protected PDF document.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is a PDF document without pages.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The first page of %1 cannot be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The first page of %1 cannot be rendered.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is a truncated or damaged JPEG file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is a truncated or damaged GIF file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is a truncated BMP file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 cannot be decoded as %2: %3</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::TransferWorker</name>
    <message>
        <source>&quot;%1&quot; is not an http or https URL; Gatehouse downloads nothing else.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Continuing an interrupted download of %1 after %2 bytes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is larger than the limit of %2 bytes; the transfer was stopped after %3 bytes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is %2 by its content, which is not among the accepted types (%3).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 announces %2 bytes, more than the limit of %3 bytes; nothing was downloaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is served as %2, which is not among the accepted types (%3); nothing was downloaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 answered a Range request with another part; starting over.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The TLS certificate of %1 could not be verified: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 ended after %2 of %3 bytes: %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Downloading %1 from %2 failed: %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 answered HTTP %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (attempt %2 of %3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 The server asks to come back in %2 s, later than this run waits; the file stays for a later run.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attempt %1: %2 (%3); retrying in %4 ms%5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, continuing after %1 bytes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 redirects in a loop back to %2 after %3 hops.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 redirects more than %2 times.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 redirects to %2, which is not http or https.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (HTTP %2 from %3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not modified since %2; the stored copy %3 is reused.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::UrlListIngester</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 line %2: &quot;%3&quot; is not an http or https URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>line %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is a list of %2 URLs.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Listed more than once and loaded once: %1</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::XmlDocument</name>
    <message>
        <source>it declares the external entity %1 (%2); external entities are never loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it declares the entity %1 in its DTD; entity declarations are refused because they can expand without bound</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>its DOCTYPE refers to the external DTD %1; external DTDs are never loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it refers to the external resource %1; nothing outside the document is loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is %2 bytes, more than the %3 bytes allowed for an XML manifest; it was not parsed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is too large to parse.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is empty; it is not an XML document.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not parse %1: out of memory.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 was refused at line %2: %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 was refused at line %2: its elements are nested more than 256 levels deep.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the document is not well-formed XML</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not well-formed XML: line %2, column %3: %4.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not well-formed XML: line %2: %3.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has no root element.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::ZipBackend</name>
    <message>
        <source>%1 is empty, not a zip archive.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a readable zip archive: its central directory is missing or damaged (the file may be truncated).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The central directory of %1 is damaged.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The central directory of %1 is damaged after its member %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has no member number %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>its data cannot be opened (zip error %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>its compressed data is damaged (zip error %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>its data does not match the CRC-32 checksum the archive records</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>its data cannot be read to the end (zip error %1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The central directory of %1 is damaged at member %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it is compressed with method %1, which Gatehouse cannot read</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::cli</name>
    <message>
        <source>The catalog: an SQLite file, or postgresql://user:password@host:port/db.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The bit store folder (default: store/ next to the catalog).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>dir</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Engine settings (INI).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Print no progress.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Print the engine&apos;s log on stderr.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a batch id; batch ids are positive numbers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batch %1: %2 items, %3 files (%4)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Interrupted; stopping after the files in progress.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create a batch from a folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder to load.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name of the batch (default: the source&apos;s name).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File of record identifiers to skip, one per line.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Print the result as JSON.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>warning: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parallel transfers (default 8).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>n</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--jobs takes a number from 1 to 256.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy or download and hash every pending file of a batch.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The batch id.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load a source and run every automatic stage; resumes an interrupted run of the same source.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show stages and counts per batch, oldest first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only this batch.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No batches in %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>NAME</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CREATED</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>FILES</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PROBLEMS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>List the files of a batch: path or URL, size, digests, mimetype, status and stored key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Print JSON lines, one object per file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write a report for a batch.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>format</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write to this file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>create a batch from a source; print its id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>copy/download and hash every pending file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>load + every automatic stage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stages and counts per batch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>one record per file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>write a report (summary)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gatehouse: take batches of digital objects into an archive.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One of the commands below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Commands:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run &quot;gatehouse-cli COMMAND --help&quot; for a command&apos;s options.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown command &quot;%1&quot;. Run &quot;gatehouse-cli --help&quot; for the list.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Usage: gatehouse-cli bag validate PATH [--json]
       gatehouse-cli bag export BATCH -o DIR

  validate  check that the folder PATH is a complete and valid BagIt bag (RFC 8493)
  export    write the stored files of a batch as a BagIt bag into DIR
</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check that a folder is a complete and valid BagIt bag (RFC 8493, or versions 0.93 to 0.97): every file present and listed, every checksum of every manifest verified. Exit status 0: valid (warnings are printed); 1: invalid, every problem listed; 2: not a bag or a usage error.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The bag&apos;s folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Print one JSON document: {&quot;valid&quot;, &quot;problems&quot;: [...], &quot;warnings&quot;: [...]}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Verifying</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a BagIt bag: it has neither bagit.txt nor a manifest.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>problem: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is a valid BagIt %2 bag: %3 payload files, %4 bytes, %5 files verified.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a valid bag: %2 problems.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write the stored files of a batch as a BagIt 1.0 bag into a new or empty folder, then validate it. Exit status 0: written and valid; 1: written and valid, but some files were not stored and were left out; 2: error, nothing written.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder to write the bag to (new or empty).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bag export needs -o DIR, the folder to write the bag to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exporting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The bag written to %1 does not validate.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>renamed: </source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported %1 files (%2 bytes) of batch %3 to %4 as a valid BagIt 1.0 bag.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Left out %1 files that are not stored:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown bag command &quot;%1&quot;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connections to one host at once (default 4).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refuse files larger than this (bytes, or with K, M, G, T); checked on the header and while streaming.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accept only these types, comma-separated (image/*,application/pdf); checked on the header and on the content.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>types</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--per-host takes a number from 1 to 256.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--max-size: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--accept needs at least one type, such as image/* or application/pdf.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetch downloaded files again with conditional requests; unchanged ones keep their stored copy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Report format: summary or jsonl.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown report format &quot;%1&quot;; known: summary, jsonl.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>bag validate PATH | bag export BATCH -o DIR (BagIt, RFC 8493)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::cli::BagProgressPrinter</name>
    <message>
        <source>%1 %2/%3 files, %4 / %5</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::cli::CommandLine</name>
    <message>
        <source>Run &quot;gatehouse-cli %1 --help&quot; for usage.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrong number of arguments for %1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>gh::cli::ProgressPrinter</name>
    <message>
        <source>%1/%2 files, %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 s left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 failed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Gatehouse ingest workstation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The catalog file or PostgreSQL URL.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>path</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The bit store folder.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>dir</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Engine settings (INI).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A folder to load.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
