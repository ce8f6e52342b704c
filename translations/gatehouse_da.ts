<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="da_DK" sourcelanguage="en">
<context>
    <name>gh::AboutDialog</name>
    <message>
        <source>About Gatehouse</source>
        <translation>Om Gatehouse</translation>
    </message>
    <message>
        <source>Gatehouse %1</source>
        <translation>Gatehouse %1</translation>
    </message>
    <message>
        <source>Catalog: %1</source>
        <translation>Katalog: %1</translation>
    </message>
    <message>
        <source>Store: %1</source>
        <translation>Lager: %1</translation>
    </message>
    <message>
        <source>Data folder: %1</source>
        <translation>Datamappe: %1</translation>
    </message>
    <message>
        <source>Qt %1 on %2</source>
        <translation>Qt %1 på %2</translation>
    </message>
    <message>
        <source>Take batches of digital objects into an archive.</source>
        <translation>Tag batches af digitale objekter ind i et arkiv.</translation>
    </message>
    <message>
        <source>&amp;Copy for a Bug Report</source>
        <translation>&amp;Kopiér til en fejlrapport</translation>
    </message>
</context>
<context>
    <name>gh::ArchiveCopy</name>
    <message>
        <source>%1 in %2</source>
        <translation>%1 i %2</translation>
    </message>
    <message>
        <source>%1 is not in %2 (any more).</source>
        <translation>%1 er ikke (længere) i %2.</translation>
    </message>
</context>
<context>
    <name>gh::ArchiveGuard</name>
    <message>
        <source>%1 declares %2 members; the limit for one archive is %3 members.</source>
        <translation>%1 angiver %2 elementer; grænsen for ét arkiv er %3 elementer.</translation>
    </message>
    <message>
        <source>%1 has at least %2 members; the limit for one archive is %3 members.</source>
        <translation>%1 har mindst %2 elementer; grænsen for ét arkiv er %3 elementer.</translation>
    </message>
    <message>
        <source>its name is not valid UTF-8</source>
        <translation>dets navn er ikke gyldig UTF-8</translation>
    </message>
    <message>
        <source>it is not a regular file (a device, pipe or socket)</source>
        <translation>det er ikke en almindelig fil (en enhedsfil, et rør eller en socket)</translation>
    </message>
    <message>
        <source>its path passes through the link %1, which Gatehouse never follows</source>
        <translation>dets sti går gennem linket %1, som Gatehouse aldrig følger</translation>
    </message>
    <message>
        <source>it is a hard link to %1, outside the archive</source>
        <translation>det er et hårdt link til %1 uden for arkivet</translation>
    </message>
    <message>
        <source>it is a symbolic link to %1, outside the archive</source>
        <translation>det er et symbolsk link til %1 uden for arkivet</translation>
    </message>
    <message>
        <source>%1 (copy %2)</source>
        <translation>%1 (kopi %2)</translation>
    </message>
    <message>
        <source>another member has the same path, and only the first one is used</source>
        <translation>et andet element har samme sti, og kun det første bruges</translation>
    </message>
    <message>
        <source>it is encrypted</source>
        <translation>det er krypteret</translation>
    </message>
    <message>
        <source>it expands from %1 to %2 bytes, a compression ratio of %3:1; the limit is %4:1</source>
        <translation>det udvides fra %1 til %2 byte, et komprimeringsforhold på %3:1; grænsen er %4:1</translation>
    </message>
    <message>
        <source>%1 expands from its %2 bytes to at least %3 bytes, a compression ratio of %4:1; the limit is %5:1.</source>
        <translation>%1 udvides fra sine %2 byte til mindst %3 byte, et komprimeringsforhold på %4:1; grænsen er %5:1.</translation>
    </message>
    <message>
        <source>The files in %1 add up to at least %2 bytes; the limit for one archive is %3 bytes.</source>
        <translation>Filerne i %1 fylder tilsammen mindst %2 byte; grænsen for ét arkiv er %3 byte.</translation>
    </message>
    <message>
        <source>%1 in %2 holds more data than the %3 bytes its header declares.</source>
        <translation>%1 i %2 indeholder flere data end de %3 byte, som dets header angiver.</translation>
    </message>
    <message>
        <source>%1 in %2 expands from %3 to at least %4 bytes, a compression ratio of %5:1; the limit is %6:1.</source>
        <translation>%1 i %2 udvides fra %3 til mindst %4 byte, et komprimeringsforhold på %5:1; grænsen er %6:1.</translation>
    </message>
    <message>
        <source>Going on in %1 means decompressing at least %2 bytes; the limit for one archive is %3 bytes.</source>
        <translation>At fortsætte i %1 betyder at dekomprimere mindst %2 byte; grænsen for ét arkiv er %3 byte.</translation>
    </message>
    <message>
        <source>Reading %1 from %2 passes %3 bytes in all; the limit for one archive is %4 bytes.</source>
        <translation>Læsning af %1 fra %2 passerer i alt %3 byte; grænsen for ét arkiv er %4 byte.</translation>
    </message>
    <message>
        <source>Reading %1 from %2 expands the archive&apos;s %3 bytes to at least %4 bytes, a compression ratio of %5:1; the limit is %6:1.</source>
        <translation>Læsning af %1 fra %2 udvider arkivets %3 byte til mindst %4 byte, et komprimeringsforhold på %5:1; grænsen er %6:1.</translation>
    </message>
    <message>
        <source>%1 in %2 ends after %3 bytes, but its header declares %4 bytes.</source>
        <translation>%1 i %2 slutter efter %3 byte, men dets header angiver %4 byte.</translation>
    </message>
    <message>
        <source>%1 in %2 was not read: %3.</source>
        <translation>%1 i %2 blev ikke læst: %3.</translation>
    </message>
</context>
<context>
    <name>gh::ArchiveMember</name>
    <message>
        <source>its name is empty</source>
        <translation>dets navn er tomt</translation>
    </message>
    <message>
        <source>its name contains control characters</source>
        <translation>dets navn indeholder kontroltegn</translation>
    </message>
    <message>
        <source>it is an absolute path, which would escape the batch</source>
        <translation>det er en absolut sti, som ville slippe ud af batchen</translation>
    </message>
    <message>
        <source>its path climbs out of the archive with &quot;..&quot;</source>
        <translation>dets sti går ud af arkivet med &quot;..&quot;</translation>
    </message>
    <message>
        <source>it names a Windows drive, which would escape the batch</source>
        <translation>det angiver et Windows-drev, som ville slippe ud af batchen</translation>
    </message>
    <message>
        <source>its name contains &quot;!/&quot;, which Gatehouse reserves for members of nested archives</source>
        <translation>dets navn indeholder &quot;!/&quot;, som Gatehouse reserverer til elementer i indlejrede arkiver</translation>
    </message>
    <message>
        <source>its path is %1 bytes long, more than the limit of %2 bytes</source>
        <translation>dets sti er %1 byte lang, mere end grænsen på %2 byte</translation>
    </message>
</context>
<context>
    <name>gh::ArchivePackage</name>
    <message>
        <source>%1 is not an archive Gatehouse can open (zip, tar, tar.gz, tar.bz2, tar.xz or 7z).</source>
        <translation>%1 er ikke et arkiv, som Gatehouse kan åbne (zip, tar, tar.gz, tar.bz2, tar.xz eller 7z).</translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation>Indlæsningen af %1 blev annulleret.</translation>
    </message>
    <message>
        <source>its path passes through the link %1, which Gatehouse never follows</source>
        <translation>dets sti går gennem linket %1, som Gatehouse aldrig følger</translation>
    </message>
    <message>
        <source>it is a hard link to %1, which is not a file in the archive</source>
        <translation>det er et hårdt link til %1, som ikke er en fil i arkivet</translation>
    </message>
    <message>
        <source> and %1 more</source>
        <translation> og %1 mere</translation>
    </message>
    <message>
        <source>Links inside %1 are listed, not followed; their targets are loaded themselves: %2</source>
        <translation>Links i %1 vises, men følges ikke; deres mål indlæses selvstændigt: %2</translation>
    </message>
    <message>
        <source>%1 is not a file in %2.</source>
        <translation>%1 er ikke en fil i %2.</translation>
    </message>
    <message>
        <source>%1 in %2 cannot be read: %3.</source>
        <translation>%1 i %2 kan ikke læses: %3.</translation>
    </message>
    <message>
        <source>%1 in %2 holds more than the %3 bytes allowed for %4.</source>
        <translation>%1 i %2 indeholder mere end de %3 byte, der er tilladt for %4.</translation>
    </message>
    <message>
        <source>Cannot unpack %1 from %2: %3</source>
        <translation>Kan ikke udpakke %1 fra %2: %3</translation>
    </message>
    <message>
        <source>a manifest or tag file</source>
        <translation>en manifest- eller tag-fil</translation>
    </message>
    <message>
        <source>%1 is an archive nested %2 levels deep; the limit is %3 levels.</source>
        <translation>%1 er et arkiv indlejret %2 niveauer dybt; grænsen er %3 niveauer.</translation>
    </message>
    <message>
        <source>Cannot create a temporary folder to open %1: %2</source>
        <translation>Kan ikke oprette en midlertidig mappe til at åbne %1: %2</translation>
    </message>
    <message>
        <source>Cannot create a temporary file to open %1: %2</source>
        <translation>Kan ikke oprette en midlertidig fil til at åbne %1: %2</translation>
    </message>
    <message>
        <source>a nested archive</source>
        <translation>et indlejret arkiv</translation>
    </message>
    <message>
        <source>Cannot unpack %1: %2</source>
        <translation>Kan ikke udpakke %1: %2</translation>
    </message>
</context>
<context>
    <name>gh::ArchiveReader</name>
    <message>
        <source>%1 is not an archive Gatehouse can open (zip, tar, tar.gz, tar.bz2, tar.xz or 7z).</source>
        <translation>%1 er ikke et arkiv, som Gatehouse kan åbne (zip, tar, tar.gz, tar.bz2, tar.xz eller 7z).</translation>
    </message>
    <message>
        <source>No member of %1 is open for reading.</source>
        <translation>Intet element i %1 er åbent for læsning.</translation>
    </message>
    <message>
        <source>%1 in %2 cannot be read: %3.</source>
        <translation>%1 i %2 kan ikke læses: %3.</translation>
    </message>
    <message>
        <source>%1 is an archive nested %2 levels deep; the limit is %3 levels.</source>
        <translation>%1 er et arkiv indlejret %2 niveauer dybt; grænsen er %3 niveauer.</translation>
    </message>
    <message>
        <source>Cannot create a temporary folder to open %1: %2</source>
        <translation>Kan ikke oprette en midlertidig mappe til at åbne %1: %2</translation>
    </message>
    <message>
        <source>Cannot create a temporary file to open %1: %2</source>
        <translation>Kan ikke oprette en midlertidig fil til at åbne %1: %2</translation>
    </message>
    <message>
        <source>%1 holds more than the %2 bytes allowed for a nested archive.</source>
        <translation>%1 indeholder mere end de %2 byte, der er tilladt for et indlejret arkiv.</translation>
    </message>
    <message>
        <source>Cannot unpack %1: %2</source>
        <translation>Kan ikke udpakke %1: %2</translation>
    </message>
</context>
<context>
    <name>gh::Bag</name>
    <message>
        <source>%1 has no bagit.txt at its root; every bag declares its BagIt version there.</source>
        <translation>%1 har ingen bagit.txt i roden; enhver bag angiver sin BagIt-version dér.</translation>
    </message>
    <message>
        <source>bagit.txt cannot be read: %1</source>
        <translation>bagit.txt kan ikke læses: %1</translation>
    </message>
    <message>
        <source>%1 cannot be read: %2</source>
        <translation>%1 kan ikke læses: %2</translation>
    </message>
    <message>
        <source>The bag declares BagIt %1 but names its metadata file %2; it was read anyway.</source>
        <translation>Bag&apos;en angiver BagIt %1, men kalder sin metadatafil %2; den blev læst alligevel.</translation>
    </message>
    <message>
        <source>The manifest %1 cannot be read.</source>
        <translation>Manifestet %1 kan ikke læses.</translation>
    </message>
    <message>
        <source>The bag has no payload manifest (manifest-&lt;algorithm&gt;.txt); every bag needs at least one.</source>
        <translation>Bag&apos;en har intet payload-manifest (manifest-&lt;algorithm&gt;.txt); enhver bag skal have mindst ét.</translation>
    </message>
    <message>
        <source>None of the payload manifests (%1) uses an algorithm Gatehouse can compute, so no payload checksum can be verified.</source>
        <translation>Ingen af payload-manifesterne (%1) bruger en algoritme, som Gatehouse kan beregne, så ingen payload-kontrolsum kan verificeres.</translation>
    </message>
    <message>
        <source>The manifests %1 and %2 differ only in case.</source>
        <translation>Manifesterne %1 og %2 adskiller sig kun ved store og små bogstaver.</translation>
    </message>
</context>
<context>
    <name>gh::BagIngester</name>
    <message>
        <source>%1 and %2 more</source>
        <translation>%1 og %2 mere</translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation>Indlæsningen af %1 blev annulleret.</translation>
    </message>
    <message>
        <source>%1 lists %2, which the bag holds as %3 (the same name in another Unicode normalisation form).</source>
        <translation>%1 angiver %2, som bag&apos;en indeholder som %3 (samme navn i en anden Unicode-normaliseringsform).</translation>
    </message>
    <message>
        <source>%1 is listed in %2 but is not in the bag.</source>
        <translation>%1 er angivet i %2, men er ikke i bag&apos;en.</translation>
    </message>
    <message>
        <source>fetch.txt (line %1) lists %2, which no payload manifest lists; its content cannot be verified.</source>
        <translation>fetch.txt (linje %1) angiver %2, som intet payload-manifest angiver; indholdet kan ikke verificeres.</translation>
    </message>
    <message>
        <source>%1 (line %2) lists %3, which %4; it was not read.</source>
        <translation>%1 (linje %2) angiver %3, som %4; den blev ikke læst.</translation>
    </message>
    <message>
        <source>%1 is a BagIt %2 bag: %3 payload files in %4 items, checksums from %5 manifests (%6); %7 to fetch, %8 missing.</source>
        <translation>%1 er en BagIt %2-bag: %3 payload-filer i %4 enheder, kontrolsummer fra %5 manifester (%6); %7 skal hentes, %8 mangler.</translation>
    </message>
    <message>
        <source>… and %1 more issues with this bag; &quot;gatehouse-cli bag validate&quot; lists them all.</source>
        <translation>… og %1 problemer mere med denne bag; &quot;gatehouse-cli bag validate&quot; viser dem alle.</translation>
    </message>
    <message>
        <source>Payload files that no manifest lists (loaded without declared checksums): %1</source>
        <translation>Payload-filer, som intet manifest angiver (indlæst uden angivne kontrolsummer): %1</translation>
    </message>
    <message>
        <source>Skipped operating-system files that no manifest lists: %1</source>
        <translation>Sprang over styresystemfiler, som intet manifest angiver: %1</translation>
    </message>
    <message>
        <source>The catalog records md5, sha1, sha256 and sha512 checksums, so the %1 checksums of %2 are not verified while fetching; &quot;gatehouse-cli bag validate&quot; verifies them.</source>
        <translation>Kataloget registrerer md5-, sha1-, sha256- og sha512-kontrolsummer, så %1-kontrolsummerne i %2 verificeres ikke under hentningen; &quot;gatehouse-cli bag validate&quot; verificerer dem.</translation>
    </message>
</context>
<context>
    <name>gh::BagParser</name>
    <message>
        <source>bagit.txt is not valid UTF-8.</source>
        <translation>bagit.txt er ikke gyldig UTF-8.</translation>
    </message>
    <message>
        <source>Line %1 of bagit.txt is not of the form &quot;Label: value&quot;: %2</source>
        <translation>Linje %1 i bagit.txt har ikke formen &quot;Label: value&quot;: %2</translation>
    </message>
    <message>
        <source>bagit.txt does not declare a BagIt-Version.</source>
        <translation>bagit.txt angiver ingen BagIt-Version.</translation>
    </message>
    <message>
        <source>BagIt-Version %1 in bagit.txt (line %2) is not a version number of the form M.N.</source>
        <translation>BagIt-Version %1 i bagit.txt (linje %2) er ikke et versionsnummer på formen M.N.</translation>
    </message>
    <message>
        <source>bagit.txt declares BagIt version %1; Gatehouse reads versions 0.93 to 0.97 and 1.0.</source>
        <translation>bagit.txt angiver BagIt-version %1; Gatehouse læser version 0.93 til 0.97 og 1.0.</translation>
    </message>
    <message>
        <source>bagit.txt does not declare Tag-File-Character-Encoding; the tag files are read as UTF-8.</source>
        <translation>bagit.txt angiver ikke Tag-File-Character-Encoding; tag-filerne læses som UTF-8.</translation>
    </message>
    <message>
        <source>bagit.txt declares the tag files to be in %1; UTF-8 is strongly recommended.</source>
        <translation>bagit.txt angiver, at tag-filerne er i %1; UTF-8 anbefales kraftigt.</translation>
    </message>
    <message>
        <source>bagit.txt declares the tag file encoding %1, which Gatehouse cannot decode; the tag files are read as UTF-8.</source>
        <translation>bagit.txt angiver tag-filkodningen %1, som Gatehouse ikke kan afkode; tag-filerne læses som UTF-8.</translation>
    </message>
    <message>
        <source>%1 is not valid %2; undecodable bytes were replaced.</source>
        <translation>%1 er ikke gyldig %2; bytes, der ikke kunne afkodes, blev erstattet.</translation>
    </message>
    <message>
        <source>%1 is not valid UTF-8; undecodable bytes were replaced.</source>
        <translation>%1 er ikke gyldig UTF-8; bytes, der ikke kunne afkodes, blev erstattet.</translation>
    </message>
    <message>
        <source>Line %1 of %2 is indented as a continuation, but no label precedes it.</source>
        <translation>Linje %1 i %2 er indrykket som en fortsættelse, men der er ingen label foran den.</translation>
    </message>
    <message>
        <source>Line %1 of %2 is not of the form &quot;Label: value&quot;: %3</source>
        <translation>Linje %1 i %2 har ikke formen &quot;Label: value&quot;: %3</translation>
    </message>
    <message>
        <source>Line %1 of %2 has no label before its colon.</source>
        <translation>Linje %1 i %2 har ingen label før kolonet.</translation>
    </message>
    <message>
        <source>Line %1 of %2: the label %3 ends with whitespace, which BagIt 1.0 does not allow.</source>
        <translation>Linje %1 i %2: label&apos;en %3 slutter med blanktegn, hvilket BagIt 1.0 ikke tillader.</translation>
    </message>
    <message>
        <source>%1 gives Payload-Oxum %2 times; it must appear at most once.</source>
        <translation>%1 angiver Payload-Oxum %2 gange; den må højst forekomme én gang.</translation>
    </message>
    <message>
        <source>Payload-Oxum %1 in %2 (line %3) is not of the form OctetCount.StreamCount.</source>
        <translation>Payload-Oxum %1 i %2 (linje %3) har ikke formen OctetCount.StreamCount.</translation>
    </message>
    <message>
        <source>Bagging-Date %1 in %2 (line %3) is not a date of the form YYYY-MM-DD.</source>
        <translation>Bagging-Date %1 i %2 (linje %3) er ikke en dato på formen ÅÅÅÅ-MM-DD.</translation>
    </message>
    <message>
        <source>Bag-Count %1 in %2 (line %3) is not of the form &quot;N of T&quot;.</source>
        <translation>Bag-Count %1 i %2 (linje %3) har ikke formen &quot;N of T&quot;.</translation>
    </message>
    <message>
        <source>%1 gives %2 %3 times; it should appear only once.</source>
        <translation>%1 angiver %2 %3 gange; den bør kun forekomme én gang.</translation>
    </message>
    <message>
        <source>%1 uses the algorithm %2, which Gatehouse cannot compute; its checksums are not verified.</source>
        <translation>%1 bruger algoritmen %2, som Gatehouse ikke kan beregne; dets kontrolsummer verificeres ikke.</translation>
    </message>
    <message>
        <source>Line %1 of %2 is not of the form &quot;checksum path&quot;: %3</source>
        <translation>Linje %1 i %2 har ikke formen &quot;checksum path&quot;: %3</translation>
    </message>
    <message>
        <source>Line %1 of %2: %3 is not a %4 checksum.</source>
        <translation>Linje %1 i %2: %3 er ikke en %4-kontrolsum.</translation>
    </message>
    <message>
        <source>Line %1 of %2 lists %3, which %4; files outside the bag&apos;s scope are invalid.</source>
        <translation>Linje %1 i %2 angiver %3, som %4; filer uden for bag&apos;ens område er ugyldige.</translation>
    </message>
    <message>
        <source>is outside the payload folder data/</source>
        <translation>er uden for payload-mappen data/</translation>
    </message>
    <message>
        <source>Line %1 of %2 lists %3, which is outside data/; a payload manifest must list only payload files.</source>
        <translation>Linje %1 i %2 angiver %3, som er uden for data/; et payload-manifest må kun angive payload-filer.</translation>
    </message>
    <message>
        <source>is a payload file listed in a tag manifest</source>
        <translation>er en payload-fil angivet i et tag-manifest</translation>
    </message>
    <message>
        <source>Line %1 of %2 lists the payload file %3; a tag manifest must not list payload files.</source>
        <translation>Linje %1 i %2 angiver payload-filen %3; et tag-manifest må ikke angive payload-filer.</translation>
    </message>
    <message>
        <source>%1 lists %2 twice (lines %3 and %4); every file must be listed exactly once.</source>
        <translation>%1 angiver %2 to gange (linje %3 og %4); hver fil skal angives præcis én gang.</translation>
    </message>
    <message>
        <source>%1 lists %2 twice with different checksums (line %3: %4, line %5: %6).</source>
        <translation>%1 angiver %2 to gange med forskellige kontrolsummer (linje %3: %4, linje %5: %6).</translation>
    </message>
    <message>
        <source>%1 marks paths with md5sum&apos;s &quot;*&quot; binary flag; Gatehouse ignored it, but strict BagIt validators reject such manifests.</source>
        <translation>%1 markerer stier med md5sums binære &quot;*&quot;-flag; Gatehouse ignorerede det, men strenge BagIt-validatorer afviser sådanne manifester.</translation>
    </message>
    <message>
        <source>%1 writes some paths in a non-canonical form (such as &quot;./data/…&quot; or &quot;data//…&quot;); they were normalised.</source>
        <translation>%1 skriver nogle stier på en ikke-kanonisk form (såsom &quot;./data/…&quot; eller &quot;data//…&quot;); de blev normaliseret.</translation>
    </message>
    <message>
        <source>Line %1 of %2 is not of the form &quot;url length path&quot;: %3</source>
        <translation>Linje %1 i %2 har ikke formen &quot;url length path&quot;: %3</translation>
    </message>
    <message>
        <source>Line %1 of %2: the length %3 is neither a number of bytes nor &quot;-&quot;.</source>
        <translation>Linje %1 i %2: længden %3 er hverken et antal byte eller &quot;-&quot;.</translation>
    </message>
    <message>
        <source>Line %1 of %2: %3 is not an absolute URL.</source>
        <translation>Linje %1 i %2: %3 er ikke en absolut URL.</translation>
    </message>
    <message>
        <source>Line %1 of %2 lists %3, which is outside data/; fetch.txt must list only payload files.</source>
        <translation>Linje %1 i %2 angiver %3, som er uden for data/; fetch.txt må kun angive payload-filer.</translation>
    </message>
    <message>
        <source>%1 lists %2 twice (lines %3 and %4).</source>
        <translation>%1 angiver %2 to gange (linje %3 og %4).</translation>
    </message>
    <message>
        <source>is empty</source>
        <translation>er tom</translation>
    </message>
    <message>
        <source>contains a NUL character</source>
        <translation>indeholder et NUL-tegn</translation>
    </message>
    <message>
        <source>is an absolute path</source>
        <translation>er en absolut sti</translation>
    </message>
    <message>
        <source>names a drive</source>
        <translation>angiver et drev</translation>
    </message>
    <message>
        <source>uses a backslash, which BagIt does not allow as a path separator</source>
        <translation>bruger en omvendt skråstreg, som BagIt ikke tillader som stiseparator</translation>
    </message>
    <message>
        <source>refers to a home folder</source>
        <translation>henviser til en hjemmemappe</translation>
    </message>
    <message>
        <source>names a folder, not a file</source>
        <translation>angiver en mappe, ikke en fil</translation>
    </message>
    <message>
        <source>leaves the bag</source>
        <translation>går ud af bag&apos;en</translation>
    </message>
    <message>
        <source>names the bag itself</source>
        <translation>angiver selve bag&apos;en</translation>
    </message>
    <message>
        <source>Line %1 of %2 lists %3, which holds a &apos;%&apos; that is not percent-encoded (as %4), as BagIt 1.0 requires; it was read literally.</source>
        <translation>Linje %1 i %2 angiver %3, som indeholder et &apos;%&apos;, der ikke er procentkodet (som %4), sådan som BagIt 1.0 kræver; det blev læst bogstaveligt.</translation>
    </message>
    <message>
        <source>The last line of %1 does not end with a line break; RFC 8493 recommends one.</source>
        <translation>Den sidste linje i %1 slutter ikke med et linjeskift; RFC 8493 anbefaler et.</translation>
    </message>
    <message>
        <source>bagit.txt starts with a UTF-8 byte-order mark; RFC 8493 forbids one in the bag declaration.</source>
        <translation>bagit.txt begynder med et UTF-8-BOM (byte order mark); RFC 8493 forbyder et sådant i bag-erklæringen.</translation>
    </message>
    <message>
        <source>Line %1 of bagit.txt is empty; bagit.txt must consist of exactly two lines, BagIt-Version and Tag-File-Character-Encoding.</source>
        <translation>Linje %1 i bagit.txt er tom; bagit.txt skal bestå af præcis to linjer, BagIt-Version og Tag-File-Character-Encoding.</translation>
    </message>
    <message>
        <source>Line %1 of bagit.txt holds %2; bagit.txt must consist of exactly two lines, BagIt-Version and Tag-File-Character-Encoding.</source>
        <translation>Linje %1 i bagit.txt indeholder %2; bagit.txt skal bestå af præcis to linjer, BagIt-Version og Tag-File-Character-Encoding.</translation>
    </message>
    <message>
        <source>Line %1 of bagit.txt reads %2; it must be exactly &quot;%3: %4&quot; (the label as written here, one space after the colon, no other whitespace).</source>
        <translation>Linje %1 i bagit.txt lyder %2; den skal være præcis &quot;%3: %4&quot; (etiketten skrevet som her, ét mellemrum efter kolonet, intet andet blanktegn).</translation>
    </message>
    <message>
        <source>…</source>
        <translation>…</translation>
    </message>
    <message>
        <source>bagit.txt declares %1 twice (lines %2 and %3).</source>
        <translation>bagit.txt angiver %1 to gange (linje %2 og %3).</translation>
    </message>
    <message>
        <source>bagit.txt declares Tag-File-Character-Encoding before BagIt-Version; RFC 8493 requires BagIt-Version on the first line and Tag-File-Character-Encoding on the second.</source>
        <translation>bagit.txt angiver Tag-File-Character-Encoding før BagIt-Version; RFC 8493 kræver BagIt-Version på første linje og Tag-File-Character-Encoding på anden.</translation>
    </message>
    <message>
        <source>%1 starts with a UTF-8 byte-order mark, which RFC 8493 forbids in UTF-8 tag files.</source>
        <translation>%1 begynder med et UTF-8-BOM (byte order mark), som RFC 8493 forbyder i UTF-8-tag-filer.</translation>
    </message>
    <message>
        <source>Line %1 of %2: BagIt 1.0 puts exactly one space or tab between the colon and the value: %3</source>
        <translation>Linje %1 i %2: BagIt 1.0 sætter præcis ét mellemrum eller tabulatortegn mellem kolonet og værdien: %3</translation>
    </message>
    <message numerus="yes">
        <source>%n line(s) of %1 are longer than the 79 characters RFC 8493 recommends (the first is line %2); long values can be continued on indented lines.</source>
        <translation>
            <numerusform>%n linje i %1 er længere end de 79 tegn, som RFC 8493 anbefaler (linje %2); lange værdier kan fortsættes på indrykkede linjer.</numerusform>
            <numerusform>%n linjer i %1 er længere end de 79 tegn, som RFC 8493 anbefaler (den første er linje %2); lange værdier kan fortsættes på indrykkede linjer.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 gives a Bag-Count but no Bag-Group-Identifier; RFC 8493 recommends both together.</source>
        <translation>%1 angiver en Bag-Count, men ingen Bag-Group-Identifier; RFC 8493 anbefaler begge sammen.</translation>
    </message>
    <message>
        <source>%1 names its algorithm %2; RFC 8493 requires the normalised name %3 (lower case, letters and digits only).</source>
        <translation>%1 kalder sin algoritme %2; RFC 8493 kræver det normaliserede navn %3 (små bogstaver, kun bogstaver og cifre).</translation>
    </message>
    <message>
        <source>%1 uses sha224, which is not in IANA&apos;s Named Information Hash Algorithm Registry that RFC 8493 recommends; Gatehouse computes it all the same.</source>
        <translation>%1 bruger sha224, som ikke står i IANA&apos;s Named Information Hash Algorithm Registry, som RFC 8493 anbefaler; Gatehouse beregner den alligevel.</translation>
    </message>
</context>
<context>
    <name>gh::BagValidator</name>
    <message>
        <source>%1 does not exist.</source>
        <translation>%1 findes ikke.</translation>
    </message>
    <message>
        <source>%1 is not a folder; Gatehouse validates bags in folders (unpack an archived bag first).</source>
        <translation>%1 er ikke en mappe; Gatehouse validerer bags i mapper (udpak først en arkiveret bag).</translation>
    </message>
    <message>
        <source>%1 Files outside the bag&apos;s scope are invalid.</source>
        <translation>%1 Filer uden for bag&apos;ens område er ugyldige.</translation>
    </message>
    <message>
        <source>The bag has no payload folder data/.</source>
        <translation>Bag&apos;en har ingen payload-mappe data/.</translation>
    </message>
    <message>
        <source>%1 is listed in fetch.txt (line %2) but has not been fetched; the files listed in fetch.txt must be fetched before the bag is complete.</source>
        <translation>%1 er angivet i fetch.txt (linje %2), men er ikke hentet; filerne i fetch.txt skal hentes, før bag&apos;en er komplet.</translation>
    </message>
    <message>
        <source>%1 is listed in %2 but is not in the bag.</source>
        <translation>%1 er angivet i %2, men er ikke i bag&apos;en.</translation>
    </message>
    <message>
        <source>%1 lists %2, which the bag holds as %3 (the same name in another Unicode normalisation form).</source>
        <translation>%1 angiver %2, som bag&apos;en indeholder som %3 (samme navn i en anden Unicode-normaliseringsform).</translation>
    </message>
    <message>
        <source>%1 is in data/ but is not listed in %2.</source>
        <translation>%1 er i data/, men er ikke angivet i %2.</translation>
    </message>
    <message>
        <source>%1 is listed in %2 but not in %3; every payload manifest must list every payload file.</source>
        <translation>%1 er angivet i %2, men ikke i %3; hvert payload-manifest skal angive hver payload-fil.</translation>
    </message>
    <message>
        <source>%1 is listed in %2 (line %3) but is not in the bag.</source>
        <translation>%1 er angivet i %2 (linje %3), men er ikke i bag&apos;en.</translation>
    </message>
    <message>
        <source>%1 (line %2) lists the tag manifest %3; tag manifests must not list other tag manifests.</source>
        <translation>%1 (linje %2) angiver tag-manifestet %3; tag-manifester må ikke angive andre tag-manifester.</translation>
    </message>
    <message>
        <source>%1 does not list the payload manifest %2; every tag manifest must list every payload manifest.</source>
        <translation>%1 angiver ikke payload-manifestet %2; hvert tag-manifest skal angive hvert payload-manifest.</translation>
    </message>
    <message>
        <source>The tag file %1 is not listed in %2, so its integrity is not protected.</source>
        <translation>Tag-filen %1 er ikke angivet i %2, så dens integritet er ikke beskyttet.</translation>
    </message>
    <message>
        <source>fetch.txt (line %1) lists %2, which is not listed in every payload manifest.</source>
        <translation>fetch.txt (linje %1) angiver %2, som ikke er angivet i alle payload-manifester.</translation>
    </message>
    <message>
        <source>%1 is %2 bytes, but fetch.txt (line %3) gives %4 bytes.</source>
        <translation>%1 er %2 byte, men fetch.txt (linje %3) angiver %4 byte.</translation>
    </message>
    <message>
        <source>Payload-Oxum in %1 is %2 (%3 bytes in %4 files), but data/ holds %5 bytes in %6 files.</source>
        <translation>Payload-Oxum i %1 er %2 (%3 byte i %4 filer), men data/ indeholder %5 byte i %6 filer.</translation>
    </message>
    <message>
        <source>The bag has no bag-info.txt; its Payload-Oxum and Bagging-Date help receivers check it.</source>
        <translation>Bag&apos;en har ingen bag-info.txt; dens Payload-Oxum og Bagging-Date hjælper modtagere med at kontrollere den.</translation>
    </message>
    <message>
        <source>%1 has no %2; these labels are recommended.</source>
        <translation>%1 har ingen %2; disse labels anbefales.</translation>
    </message>
    <message>
        <source>The payload is protected only by %1; md5 and sha1 detect accidents but not tampering. A sha256 or sha512 manifest is recommended.</source>
        <translation>Payload beskyttes kun af %1; md5 og sha1 opdager uheld, men ikke manipulation. Et sha256- eller sha512-manifest anbefales.</translation>
    </message>
    <message>
        <source>%1 is a hidden file in data/.</source>
        <translation>%1 er en skjult fil i data/.</translation>
    </message>
    <message>
        <source>%1 and %2 differ only in case; they collide on case-insensitive file systems.</source>
        <translation>%1 og %2 adskiller sig kun ved store og små bogstaver; de kolliderer på filsystemer, der ikke skelner mellem store og små bogstaver.</translation>
    </message>
    <message>
        <source>%1 cannot be read to verify its checksums: %2</source>
        <translation>%1 kan ikke læses for at verificere kontrolsummerne: %2</translation>
    </message>
    <message>
        <source>%1 does not match its %2 checksum in %3 (line %4): expected %5, computed %6.</source>
        <translation>%1 stemmer ikke med sin %2-kontrolsum i %3 (linje %4): forventet %5, beregnet %6.</translation>
    </message>
    <message>
        <source>Validating %1 was cancelled.</source>
        <translation>Valideringen af %1 blev annulleret.</translation>
    </message>
    <message>
        <source>holds a control character</source>
        <translation>indeholder et kontroltegn</translation>
    </message>
    <message>
        <source>holds the character %1</source>
        <translation>indeholder tegnet %1</translation>
    </message>
    <message>
        <source>uses the reserved name %1</source>
        <translation>bruger det reserverede navn %1</translation>
    </message>
    <message>
        <source>has a name ending in a dot or a space</source>
        <translation>har et navn, der ender på punktum eller mellemrum</translation>
    </message>
    <message>
        <source>%1 lists %2, which is a folder; manifests must list files only.</source>
        <translation>%1 angiver %2, som er en mappe; manifester må kun angive filer.</translation>
    </message>
    <message>
        <source>%1 and %2 list different tag files (%3 only in one of them); every tag manifest should list the same ones.</source>
        <translation>%1 og %2 angiver forskellige tag-filer (%3 kun i det ene); alle tag-manifester bør angive de samme.</translation>
    </message>
    <message>
        <source>%1 uses %2, which no payload manifest uses (%3); tag manifests should use the payload manifests&apos; algorithms.</source>
        <translation>%1 bruger %2, som intet payload-manifest bruger (%3); tag-manifester bør bruge payload-manifesternes algoritmer.</translation>
    </message>
    <message>
        <source>%1 is a file an operating system leaves behind, not content; it should not be in a bag&apos;s payload.</source>
        <translation>%1 er en fil, som et styresystem efterlader, ikke indhold; den bør ikke være i en bags payload.</translation>
    </message>
    <message>
        <source>%1 %2, so the bag cannot be unpacked on Windows.</source>
        <translation>%1 %2, så bag&apos;en kan ikke pakkes ud på Windows.</translation>
    </message>
    <message>
        <source>%1 and %2 differ only in Unicode normalisation; they look the same and collide on file systems that normalise names.</source>
        <translation>%1 og %2 adskiller sig kun ved Unicode-normalisering; de ser ens ud og kolliderer på filsystemer, der normaliserer navne.</translation>
    </message>
</context>
<context>
    <name>gh::BagWriter</name>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Kan ikke skrive %1: %2</translation>
    </message>
    <message>
        <source>Exporting batch %1 was cancelled; nothing was written to %2.</source>
        <translation>Eksporten af batch %1 blev annulleret; intet blev skrevet til %2.</translation>
    </message>
    <message>
        <source>%1 exists and is not a folder; export a bag into a new or empty folder.</source>
        <translation>%1 findes og er ikke en mappe; eksportér en bag til en ny eller tom mappe.</translation>
    </message>
    <message>
        <source>%1 is not empty; export a bag into a new or empty folder.</source>
        <translation>%1 er ikke tom; eksportér en bag til en ny eller tom mappe.</translation>
    </message>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation>Kan ikke oprette mappen %1.</translation>
    </message>
    <message>
        <source>Cannot create a working folder next to %1: %2</source>
        <translation>Kan ikke oprette en arbejdsmappe ved siden af %1: %2</translation>
    </message>
    <message>
        <source>Cannot create %1.</source>
        <translation>Kan ikke oprette %1.</translation>
    </message>
    <message>
        <source>Two files of batch %1 map to the bag path data/%2.</source>
        <translation>To filer i batch %1 svarer til bag-stien data/%2.</translation>
    </message>
    <message>
        <source>Cannot read %1 from the store: %2; the export was abandoned.</source>
        <translation>Kan ikke læse %1 fra lageret: %2; eksporten blev opgivet.</translation>
    </message>
    <message>
        <source>Cannot create the folder for %1.</source>
        <translation>Kan ikke oprette mappen til %1.</translation>
    </message>
    <message>
        <source>Reading %1 from the store failed: %2</source>
        <translation>Læsning af %1 fra lageret mislykkedes: %2</translation>
    </message>
    <message>
        <source>The stored copy of %1 does not match the catalog (catalog: %2 bytes, sha256 %3; store: %4 bytes, sha256 %5); the export was abandoned.</source>
        <translation>Den lagrede kopi af %1 stemmer ikke med kataloget (katalog: %2 byte, sha256 %3; lager: %4 byte, sha256 %5); eksporten blev opgivet.</translation>
    </message>
    <message>
        <source>Cannot move the finished bag to %1: %2</source>
        <translation>Kan ikke flytte den færdige bag til %1: %2</translation>
    </message>
    <message>
        <source>A bag needs at least one manifest algorithm.</source>
        <translation>En bag skal have mindst én manifestalgoritme.</translation>
    </message>
    <message>
        <source>The algorithm %1 is given twice.</source>
        <translation>Algoritmen %1 er angivet to gange.</translation>
    </message>
    <message>
        <source>The catalog has no sha256 for %1, so its copy cannot be verified; the export was abandoned.</source>
        <translation>Kataloget har ingen sha256 for %1, så kopien kan ikke verificeres; eksporten blev opgivet.</translation>
    </message>
</context>
<context>
    <name>gh::BatchDecisions</name>
    <message>
        <source>Catalog error while %1 in %2: %3</source>
        <translation>Katalogfejl under %1 i %2: %3</translation>
    </message>
    <message>
        <source>No QA sample has been drawn for batch %1.</source>
        <translation>Der er ikke udtaget en QA-stikprøve for batch %1.</translation>
    </message>
    <message>
        <source>The sample&apos;s verdict is reject: %1 defects, and the plan rejects at %2.</source>
        <translation>Stikprøvens afgørelse er afvis: %1 fejl, og planen afviser ved %2.</translation>
    </message>
    <message>
        <source>The sample is incomplete: %1 of %2 sampled items have no verdict yet.</source>
        <translation>Stikprøven er ufuldstændig: %1 af %2 udtagne enheder er endnu ikke bedømt.</translation>
    </message>
    <message>
        <source>%1 flagged items have no verdict yet.</source>
        <translation>%1 markerede enheder er endnu ikke bedømt.</translation>
    </message>
    <message>
        <source>counting the stored files of batch %1</source>
        <translation>optælling af de lagrede filer i batch %1</translation>
    </message>
    <message>
        <source>Accept %1 stored files into the archive.</source>
        <translation>Optag %1 lagrede filer i arkivet.</translation>
    </message>
    <message>
        <source>Upload %1 files to %2.</source>
        <translation>Overfør %1 filer til %2.</translation>
    </message>
    <message>
        <source>Delete %1 stored files (%2); the supplier re-delivers.</source>
        <translation>Slet %1 lagrede filer (%2); leverandøren leverer igen.</translation>
    </message>
    <message>
        <source>Batch %1 cannot be approved yet: %2 Give --override REASON to approve anyway; the reason is recorded.</source>
        <translation>Batch %1 kan endnu ikke godkendes: %2 Angiv --override GRUND for at godkende alligevel; grunden registreres.</translation>
    </message>
    <message>
        <source>batch approved</source>
        <translation>batch godkendt</translation>
    </message>
    <message>
        <source>QA sample: %1</source>
        <translation>QA-stikprøve: %1</translation>
    </message>
    <message>
        <source>target %1</source>
        <translation>mål %1</translation>
    </message>
    <message>
        <source>overriding: %1 Reason: %2</source>
        <translation>tilsidesætter: %1 Grund: %2</translation>
    </message>
    <message>
        <source>note: %1</source>
        <translation>note: %1</translation>
    </message>
    <message>
        <source>approving batch %1</source>
        <translation>godkendelse af batch %1</translation>
    </message>
    <message>
        <source>Batch %1 approved by %2, overriding: %3</source>
        <translation>Batch %1 godkendt af %2, med tilsidesættelse: %3</translation>
    </message>
    <message>
        <source>Batch %1 approved by %2.</source>
        <translation>Batch %1 godkendt af %2.</translation>
    </message>
    <message>
        <source>The target %1 is recorded with the approval; no upload stage is registered in this build to start sending files.</source>
        <translation>Målet %1 er registreret med godkendelsen; der er ikke registreret noget overførselstrin i denne version, som kan begynde at sende filer.</translation>
    </message>
    <message>
        <source>A rejection needs a reason; the supplier will want to know it.</source>
        <translation>En afvisning kræver en grund; leverandøren vil gerne kende den.</translation>
    </message>
    <message>
        <source>Rejecting a batch needs its bit store.</source>
        <translation>At afvise en batch kræver dens lager.</translation>
    </message>
    <message>
        <source>Batch %1 is approved; an approved batch cannot be rejected.</source>
        <translation>Batch %1 er godkendt; en godkendt batch kan ikke afvises.</translation>
    </message>
    <message>
        <source>rejecting batch %1</source>
        <translation>afvisning af batch %1</translation>
    </message>
    <message>
        <source>batch rejected: %1</source>
        <translation>batch afvist: %1</translation>
    </message>
    <message>
        <source>counting the files of batch %1</source>
        <translation>optælling af filerne i batch %1</translation>
    </message>
    <message>
        <source>reading the files of batch %1</source>
        <translation>læsning af filerne i batch %1</translation>
    </message>
    <message>
        <source>checking who else uses %1</source>
        <translation>kontrol af, hvem der ellers bruger %1</translation>
    </message>
    <message>
        <source>batch rejected; the stored object %1 is kept because batch %2 uses it too</source>
        <translation>batch afvist; det lagrede objekt %1 beholdes, fordi batch %2 også bruger det</translation>
    </message>
    <message>
        <source>Batch %1 is rejected, but deleting its stored copies stopped at %2: %3 Reject it again to carry on.</source>
        <translation>Batch %1 er afvist, men sletningen af dens lagrede kopier stoppede ved %2: %3 Afvis den igen for at fortsætte.</translation>
    </message>
    <message>
        <source>batch rejected; stored copy %1 deleted from %2</source>
        <translation>batch afvist; lagret kopi %1 slettet fra %2</translation>
    </message>
    <message>
        <source>marking file %1 deleted</source>
        <translation>markering af fil %1 som slettet</translation>
    </message>
    <message>
        <source>forgetting the HTTP copy %1</source>
        <translation>glemning af HTTP-kopien %1</translation>
    </message>
    <message>
        <source>Batch %1 rejected by %2: %3 files marked deleted, %4 stored objects removed from %5.</source>
        <translation>Batch %1 afvist af %2: %3 filer markeret som slettet, %4 lagrede objekter fjernet fra %5.</translation>
    </message>
    <message>
        <source>%1 objects were kept because other batches use them.</source>
        <translation>%1 objekter blev beholdt, fordi andre batches bruger dem.</translation>
    </message>
    <message>
        <source>approved by %1</source>
        <translation>godkendt af %1</translation>
    </message>
    <message>
        <source>rejected by %1: %2</source>
        <translation>afvist af %1: %2</translation>
    </message>
    <message>
        <source>Unknown target &quot;%1&quot;; give one of: %2.</source>
        <translation>Ukendt mål &quot;%1&quot;; angiv et af: %2.</translation>
    </message>
    <message numerus="yes">
        <source>%n stored file(s) with a problem stay behind.</source>
        <translation>
            <numerusform>%n lagret fil med et problem bliver tilbage.</numerusform>
            <numerusform>%n lagrede filer med et problem bliver tilbage.</numerusform>
        </translation>
    </message>
    <message>
        <source>reading the decision on batch %1</source>
        <translation>læsning af beslutningen om batch %1</translation>
    </message>
    <message>
        <source>There is no batch %1.</source>
        <translation>Der findes ingen batch %1.</translation>
    </message>
    <message>
        <source> (batch %1); a decision is made once.</source>
        <translation> (batch %1); en beslutning træffes kun én gang.</translation>
    </message>
</context>
<context>
    <name>gh::BatchHousekeeping</name>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n fil</numerusform>
            <numerusform>%n filer</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n stored copy(-ies)</source>
        <translation>
            <numerusform>%n lagret kopi</numerusform>
            <numerusform>%n lagrede kopier</numerusform>
        </translation>
    </message>
    <message>
        <source>batch %1 &quot;%2&quot;: %3, %4</source>
        <translation>batch %1 &quot;%2&quot;: %3, %4</translation>
    </message>
    <message numerus="yes">
        <source>%n stored copy(-ies) shared with other batches stay</source>
        <translation>
            <numerusform>%n lagret kopi, som andre batches deler, bliver</numerusform>
            <numerusform>%n lagrede kopier, som andre batches deler, bliver</numerusform>
        </translation>
    </message>
    <message>
        <source>Batch %1 is being processed (%2 stage); wait for it to finish or cancel it first.</source>
        <translation>Batch %1 er under behandling (trinnet %2); vent til den er færdig, eller annuller den først.</translation>
    </message>
    <message>
        <source>A batch needs a name.</source>
        <translation>En batch skal have et navn.</translation>
    </message>
    <message>
        <source>Deleting a batch needs its store.</source>
        <translation>At slette en batch kræver dens lager.</translation>
    </message>
    <message>
        <source>The folder %1 could not be removed.</source>
        <translation>Mappen %1 kunne ikke fjernes.</translation>
    </message>
    <message numerus="yes">
        <source>Batch %1 was deleted from the catalog, but %n stored object(s) or files could not be removed: %2</source>
        <translation>
            <numerusform>Batch %1 er slettet fra kataloget, men %n lagret objekt eller fil kunne ikke fjernes: %2</numerusform>
            <numerusform>Batch %1 er slettet fra kataloget, men %n lagrede objekter eller filer kunne ikke fjernes: %2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::BatchIdentifierCheck</name>
    <message>
        <source>The batch id of the batch folder&apos;s name is the one in film folder names, file names and the MODS reel and batch identifiers.</source>
        <translation>Batch-id&apos;et i batchmappens navn er det samme som i filmmappernes navne, filnavnene og MODS-identifikatorerne for spole og batch.</translation>
    </message>
    <message>
        <source>%1: the film folder %2 names batch %3, but the batch folder names %4.</source>
        <translation>%1: filmmappen %2 angiver batch %3, men batchmappen angiver %4.</translation>
    </message>
    <message>
        <source>%1: the file name names batch %2, but the batch folder names %3.</source>
        <translation>%1: filnavnet angiver batch %2, men batchmappen angiver %3.</translation>
    </message>
    <message>
        <source>%1: the MODS identifier &quot;%2&quot; (type &quot;%3&quot;) names batch %4, but the batch folder names %5.</source>
        <translation>%1: MODS-identifikatoren &quot;%2&quot; (type &quot;%3&quot;) angiver batch %4, men batchmappen angiver %5.</translation>
    </message>
</context>
<context>
    <name>gh::BatchListModel</name>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Batch %1 from %2</source>
        <translation>Batch %1 fra %2</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>Batch</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Oprettet</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>Filer</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>Problemer</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) with problems: see Problems</source>
        <translation>
            <numerusform>%n fil med problemer: se Problemer</numerusform>
            <numerusform>%n filer med problemer: se Problemer</numerusform>
        </translation>
    </message>
    <message>
        <source>Archived: hidden from the dashboard unless archived batches are shown.</source>
        <translation>Arkiveret: skjult på oversigten, medmindre arkiverede batches vises.</translation>
    </message>
    <message>
        <source>No problems</source>
        <translation>Ingen problemer</translation>
    </message>
    <message>
        <source>%1 (archived)</source>
        <translation>%1 (arkiveret)</translation>
    </message>
    <message>
        <source>Counting problems…</source>
        <translation>Tæller problemer…</translation>
    </message>
</context>
<context>
    <name>gh::BatchRunner</name>
    <message>
        <source>Loaded %1 as batch %2 (%3): %4 items, %5 files.</source>
        <translation>Indlæste %1 som batch %2 (%3): %4 enheder, %5 filer.</translation>
    </message>
    <message>
        <source>Warning (%1): %2</source>
        <translation>Advarsel (%1): %2</translation>
    </message>
    <message>
        <source>Batch %1 is being processed by another Gatehouse (%2, %3 stage); wait for it to finish or stop it first.</source>
        <translation>Batch %1 behandles af en anden Gatehouse-instans (%2, fasen %3); vent, til den er færdig, eller stop den først.</translation>
    </message>
    <message>
        <source>Batch %1 of %2 was interrupted while loading; loading it again.</source>
        <translation>Batch %1 fra %2 blev afbrudt under indlæsningen; indlæser den igen.</translation>
    </message>
    <message>
        <source>Resuming batch %1 of %2.</source>
        <translation>Genoptager batch %1 fra %2.</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Annulleret.</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>Fejl: %1</translation>
    </message>
    <message>
        <source>Batch %1 could not be loaded.</source>
        <translation>Batch %1 kunne ikke indlæses.</translation>
    </message>
    <message>
        <source>Waiting for the curator.</source>
        <translation>Venter på kuratoren.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 %2: %3</source>
        <translation>%1 %2: %3</translation>
    </message>
</context>
<context>
    <name>gh::BitStore</name>
    <message>
        <source>Unknown store &quot;%1&quot;; give a folder or s3://bucket/prefix.</source>
        <translation>Ukendt lager &quot;%1&quot;; angiv en mappe eller s3://bucket/prefix.</translation>
    </message>
</context>
<context>
    <name>gh::BlackBorderCheck</name>
    <message>
        <source>No image has more than the profile&apos;s border_max_fraction of near-black pixels (at most border_level), the end spike of a black border.</source>
        <translation>Intet billede har mere end profilens border_max_fraction af næsten sorte pixel (højst border_level), den top i histogrammets mørke ende, som en sort kant giver.</translation>
    </message>
    <message>
        <source>%1 may have a black border: %2 of its pixels are near black (at most %3 of 255), more than %4.</source>
        <translation>%1 har muligvis en sort kant: %2 af dens pixel er næsten sorte (højst %3 af 255), mere end %4.</translation>
    </message>
</context>
<context>
    <name>gh::BlankPageCheck</name>
    <message>
        <source>Every image has some ink: more than the profile&apos;s blank_max_ink of its pixels are darker than blank_ink_level.</source>
        <translation>Hvert billede har noget blæk: mere end profilens blank_max_ink af dets pixel er mørkere end blank_ink_level.</translation>
    </message>
    <message>
        <source>%1 looks blank: only %2 of its pixels are darker than %3 (a page has more than %4).</source>
        <translation>%1 ser tom ud: kun %2 af dens pixel er mørkere end %3 (en side har mere end %4).</translation>
    </message>
</context>
<context>
    <name>gh::Catalog</name>
    <message>
        <source>The catalog %1 is a folder; give the path of a catalog file.</source>
        <translation>Kataloget %1 er en mappe; angiv stien til en katalogfil.</translation>
    </message>
    <message>
        <source>The catalog %1 cannot be read: permission denied.</source>
        <translation>Kataloget %1 kan ikke læses: adgang nægtet.</translation>
    </message>
    <message>
        <source>Cannot create the folder %1 for the catalog.</source>
        <translation>Kan ikke oprette mappen %1 til kataloget.</translation>
    </message>
    <message>
        <source>The Qt SQL driver %1 is not installed.</source>
        <translation>Qt SQL-driveren %1 er ikke installeret.</translation>
    </message>
    <message>
        <source>Cannot open the catalog %1: %2</source>
        <translation>Kan ikke åbne kataloget %1: %2</translation>
    </message>
    <message>
        <source>The catalog %1 is damaged or is not a Gatehouse catalog: %2</source>
        <translation>Kataloget %1 er beskadiget eller er ikke et Gatehouse-katalog: %2</translation>
    </message>
    <message>
        <source>The catalog %1 was written by a newer Gatehouse (schema version %2; this version knows up to %3). Update Gatehouse to open it.</source>
        <translation>Kataloget %1 er skrevet af en nyere version af Gatehouse (skemaversion %2; denne version kender op til %3). Opdatér Gatehouse for at åbne det.</translation>
    </message>
    <message>
        <source>The database %1 holds tables but is not a Gatehouse catalog.</source>
        <translation>Databasen %1 indeholder tabeller, men er ikke et Gatehouse-katalog.</translation>
    </message>
    <message>
        <source>reading the schema version</source>
        <translation>læsning af skemaversionen</translation>
    </message>
    <message>
        <source>starting migration %1</source>
        <translation>start af migrering %1</translation>
    </message>
    <message>
        <source>locking the catalog for migration</source>
        <translation>låsning af kataloget til migrering</translation>
    </message>
    <message>
        <source>creating the schema version table</source>
        <translation>oprettelse af skemaversionstabellen</translation>
    </message>
    <message>
        <source>applying migration %1 (%2)</source>
        <translation>anvendelse af migrering %1 (%2)</translation>
    </message>
    <message>
        <source>recording migration %1</source>
        <translation>registrering af migrering %1</translation>
    </message>
    <message>
        <source>committing migration %1</source>
        <translation>commit af migrering %1</translation>
    </message>
    <message>
        <source>Catalog error while %1 in %2: %3</source>
        <translation>Katalogfejl under %1 i %2: %3</translation>
    </message>
    <message>
        <source>committing</source>
        <translation>commit</translation>
    </message>
    <message>
        <source>starting a transaction</source>
        <translation>start af en transaktion</translation>
    </message>
    <message>
        <source>creating a batch</source>
        <translation>oprettelse af en batch</translation>
    </message>
    <message>
        <source>recording what intake detected</source>
        <translation>registrering af, hvad modtagelsen fandt</translation>
    </message>
    <message>
        <source>listing batches</source>
        <translation>visning af batches</translation>
    </message>
    <message>
        <source>counting files</source>
        <translation>optælling af filer</translation>
    </message>
    <message>
        <source>counting items</source>
        <translation>optælling af enheder</translation>
    </message>
    <message>
        <source>reading stages</source>
        <translation>læsning af faser</translation>
    </message>
    <message>
        <source>There is no batch %1 in the catalog %2.</source>
        <translation>Der er ingen batch %1 i kataloget %2.</translation>
    </message>
    <message>
        <source>looking up batches of a source</source>
        <translation>opslag af batches fra en kilde</translation>
    </message>
    <message>
        <source>clearing batch %1</source>
        <translation>rydning af batch %1</translation>
    </message>
    <message>
        <source>recording the %1 stage</source>
        <translation>registrering af fasen %1</translation>
    </message>
    <message>
        <source>recording progress of the %1 stage</source>
        <translation>registrering af fremskridt i fasen %1</translation>
    </message>
    <message>
        <source>reading the run times of batch %1</source>
        <translation>læsning af kørselstiderne for batch %1</translation>
    </message>
    <message>
        <source>adding item %1</source>
        <translation>tilføjelse af enhed %1</translation>
    </message>
    <message>
        <source>adding file %1</source>
        <translation>tilføjelse af fil %1</translation>
    </message>
    <message>
        <source>reading files of batch %1</source>
        <translation>læsning af filerne i batch %1</translation>
    </message>
    <message>
        <source>reading file %1</source>
        <translation>læsning af fil %1</translation>
    </message>
    <message>
        <source>There is no file %1 in the catalog.</source>
        <translation>Der er ingen fil %1 i kataloget.</translation>
    </message>
    <message>
        <source>recording the outcome for file %1</source>
        <translation>registrering af resultatet for fil %1</translation>
    </message>
    <message>
        <source>counting files of batch %1</source>
        <translation>optælling af filerne i batch %1</translation>
    </message>
    <message>
        <source>resetting files of batch %1</source>
        <translation>nulstilling af filerne i batch %1</translation>
    </message>
    <message>
        <source>reading item %1</source>
        <translation>læsning af enhed %1</translation>
    </message>
    <message>
        <source>There is no item %1 in the catalog.</source>
        <translation>Der er ingen enhed %1 i kataloget.</translation>
    </message>
    <message>
        <source>recording a %1 event</source>
        <translation>registrering af en %1-hændelse</translation>
    </message>
    <message>
        <source>reading events of batch %1</source>
        <translation>læsning af hændelserne i batch %1</translation>
    </message>
    <message>
        <source>Cannot read the PostgreSQL catalog address &quot;%1&quot;; expected postgresql://user:password@host:port/database.</source>
        <translation>Kan ikke læse PostgreSQL-katalogadressen &quot;%1&quot;; forventede postgresql://user:password@host:port/database.</translation>
    </message>
    <message>
        <source>The catalog path is empty.</source>
        <translation>Katalogstien er tom.</translation>
    </message>
    <message>
        <source>discarding items of batch %1</source>
        <translation>kassering af enhederne i batch %1</translation>
    </message>
    <message>
        <source>remembering the validators of %1</source>
        <translation>lagring af validatorerne for %1</translation>
    </message>
    <message>
        <source>reading HTTP validators</source>
        <translation>læsning af HTTP-validatorer</translation>
    </message>
    <message>
        <source>counting pending files of batch %1</source>
        <translation>optælling af ventende filer i batch %1</translation>
    </message>
    <message>
        <source>recording the settings of batch %1</source>
        <translation>registrering af indstillingerne for batch %1</translation>
    </message>
    <message>
        <source>reading the settings of batch %1</source>
        <translation>læsning af indstillingerne for batch %1</translation>
    </message>
    <message>
        <source>There is no batch %1.</source>
        <translation>Der er ingen batch %1.</translation>
    </message>
    <message>
        <source>reading events of item %1</source>
        <translation>læsning af hændelserne for enhed %1</translation>
    </message>
    <message>
        <source>reading items of batch %1</source>
        <translation>læsning af enhederne i batch %1</translation>
    </message>
    <message>
        <source>counting events of batch %1</source>
        <translation>optælling af hændelserne i batch %1</translation>
    </message>
    <message>
        <source>reading the files of item %1</source>
        <translation>læsning af filerne i enhed %1</translation>
    </message>
    <message>
        <source>recording the %1 stage of file %2</source>
        <translation>registrering af fasen %1 for fil %2</translation>
    </message>
    <message>
        <source>recording the status of file %1</source>
        <translation>registrering af status for fil %1</translation>
    </message>
    <message>
        <source>reading the stages of file %1</source>
        <translation>læsning af faserne for fil %1</translation>
    </message>
    <message>
        <source>counting the %1 stage of batch %2</source>
        <translation>optælling af fasen %1 i batch %2</translation>
    </message>
    <message>
        <source>recording file %1 at %2</source>
        <translation>registrering af fil %1 hos %2</translation>
    </message>
    <message>
        <source>reading the targets of file %1</source>
        <translation>læsning af målene for fil %1</translation>
    </message>
    <message>
        <source>reading the files of batch %1 at %2</source>
        <translation>læsning af filerne i batch %1 hos %2</translation>
    </message>
    <message>
        <source>counting the files of batch %1 at %2</source>
        <translation>optælling af filerne i batch %1 hos %2</translation>
    </message>
    <message>
        <source>renaming batch %1</source>
        <translation>omdøbning af batch %1</translation>
    </message>
    <message>
        <source>listing the stored copies of batch %1</source>
        <translation>oplistning af de lagrede kopier i batch %1</translation>
    </message>
    <message>
        <source>forgetting cached downloads of batch %1</source>
        <translation>glemning af cachelagrede downloads i batch %1</translation>
    </message>
    <message>
        <source>deleting batch %1</source>
        <translation>sletning af batch %1</translation>
    </message>
    <message>
        <source>recording the check of file %1</source>
        <translation>registrering af kontrollen af filen %1</translation>
    </message>
    <message>
        <source>Catalog error while reading the schema version in %1.</source>
        <translation>Katalogfejl under læsning af skemaversionen i %1.</translation>
    </message>
    <message>
        <source>reading the targets of batch %1</source>
        <translation>læsning af målene for batch %1</translation>
    </message>
    <message>
        <source>recording the target %1 of batch %2</source>
        <translation>registrering af målet %1 for batch %2</translation>
    </message>
    <message>
        <source>reading where batch %1 was delivered</source>
        <translation>læsning af, hvor batch %1 blev leveret</translation>
    </message>
    <message>
        <source>claiming files of batch %1 for the %2 stage</source>
        <translation>reservation af filer i batch %1 til trinnet %2</translation>
    </message>
    <message>
        <source>renewing the leases of batch %1</source>
        <translation>fornyelse af reservationerne i batch %1</translation>
    </message>
    <message>
        <source>confirming leases</source>
        <translation>bekræftelse af reservationer</translation>
    </message>
    <message>
        <source>releasing the leases of batch %1</source>
        <translation>frigivelse af reservationerne i batch %1</translation>
    </message>
    <message>
        <source>reading who works on batch %1</source>
        <translation>læsning af, hvem der arbejder på batch %1</translation>
    </message>
    <message>
        <source>waiting for the end of the %1 stage of batch %2</source>
        <translation>venter på afslutningen af trinnet %1 for batch %2</translation>
    </message>
    <message>
        <source>reading the end of the %1 stage of batch %2</source>
        <translation>læsning af afslutningen af trinnet %1 for batch %2</translation>
    </message>
    <message>
        <source>recording the end of the %1 stage of batch %2</source>
        <translation>registrering af afslutningen af trinnet %1 for batch %2</translation>
    </message>
    <message>
        <source>ending the %1 stage of batch %2</source>
        <translation>afslutning af trinnet %1 for batch %2</translation>
    </message>
    <message>
        <source>Catalog connection to %1 lost; reconnecting…</source>
        <translation>Forbindelsen til katalogserveren %1 er afbrudt; forbinder igen …</translation>
    </message>
    <message>
        <source>Catalog connection to %1 reconnected after %2 s.</source>
        <translation>Forbindelsen til katalogserveren %1 er genoprettet efter %2 s.</translation>
    </message>
    <message>
        <source>Cancelled while waiting for the catalog server %1 to come back.</source>
        <translation>Annulleret, mens der blev ventet på, at katalogserveren %1 kom tilbage.</translation>
    </message>
    <message>
        <source>Lost the connection to the catalog server %1 and could not connect again within %2 s ([team] reconnect_seconds): %3</source>
        <translation>Mistede forbindelsen til katalogserveren %1 og kunne ikke forbinde igen inden for %2 s ([team] reconnect_seconds): %3</translation>
    </message>
    <message>
        <source>The catalog address %1 gives %2 a value with a semicolon, which the PostgreSQL driver cannot pass on.</source>
        <translation>Katalogadressen %1 giver %2 en værdi med semikolon, som PostgreSQL-driveren ikke kan videregive.</translation>
    </message>
    <message>
        <source>The catalog address %1 has parameters Gatehouse does not pass to PostgreSQL: %2. Known parameters: %3.</source>
        <translation>Katalogadressen %1 har parametre, som Gatehouse ikke videregiver til PostgreSQL: %2. Kendte parametre: %3.</translation>
    </message>
    <message>
        <source>reconnecting</source>
        <translation>genopretning af forbindelsen</translation>
    </message>
    <message>
        <source>adding files %1 to %2</source>
        <translation>tilføjelse af filerne %1 til %2</translation>
    </message>
    <message>
        <source>adding items %1 to %2</source>
        <translation>tilføjelse af enhederne %1 til %2</translation>
    </message>
    <message>
        <source>Catalog error while %1 in %2: the server returned an item it was not given (sequence %3).</source>
        <translation>Katalogfejl under %1 i %2: serveren returnerede en enhed, den ikke havde fået (nummer %3).</translation>
    </message>
    <message>
        <source>Catalog error while %1 in %2: %3 of %4 items were written.</source>
        <translation>Katalogfejl under %1 i %2: kun %3 af %4 enheder blev skrevet.</translation>
    </message>
    <message>
        <source>reading the targets of files %1 to %2</source>
        <translation>læsning af målene for filerne %1 til %2</translation>
    </message>
    <message>
        <source>recording the outcomes for files %1 to %2</source>
        <translation>registrering af resultaterne for filerne %1 til %2</translation>
    </message>
    <message>
        <source>recording events %1 to %2 (%3 to %4)</source>
        <translation>registrering af hændelserne %1 til %2 (%3 til %4)</translation>
    </message>
    <message>
        <source>recording the %1 stage of files %2 to %3</source>
        <translation>registrering af fasen %1 for filerne %2 til %3</translation>
    </message>
    <message>
        <source>recording the status of files %1 to %2</source>
        <translation>registrering af status for filerne %1 til %2</translation>
    </message>
</context>
<context>
    <name>gh::CatalogWatcher</name>
    <message>
        <source>telling other workstations about batch %1</source>
        <translation>underretning af andre arbejdsstationer om batch %1</translation>
    </message>
</context>
<context>
    <name>gh::CatalogWatcherWorker</name>
    <message>
        <source>Cannot listen for changes on the catalog %1: %2</source>
        <translation>Kan ikke lytte efter ændringer i kataloget %1: %2</translation>
    </message>
</context>
<context>
    <name>gh::CheckEnvironment</name>
    <message>
        <source>%1, line %2</source>
        <translation>%1, linje %2</translation>
    </message>
</context>
<context>
    <name>gh::CheckJob</name>
    <message>
        <source>The check of batch %1 was cancelled.</source>
        <translation>Kontrollen af batch %1 blev annulleret.</translation>
    </message>
</context>
<context>
    <name>gh::CheckRecords</name>
    <message>
        <source>Catalog error while %1 in %2: %3</source>
        <translation>Katalogfejl under %1 i %2: %3</translation>
    </message>
    <message>
        <source>recording a %1 finding</source>
        <translation>registrering af et %1-fund</translation>
    </message>
    <message>
        <source>replacing QA findings</source>
        <translation>udskiftning af QA-fund</translation>
    </message>
    <message>
        <source>recording what QA learned about file %1</source>
        <translation>registrering af, hvad QA fandt ud af om filen %1</translation>
    </message>
    <message>
        <source>recording the image statistics of file %1</source>
        <translation>registrering af billedstatistikken for filen %1</translation>
    </message>
    <message>
        <source>replacing the QA findings of batch %1</source>
        <translation>udskiftning af QA-fundene i batch %1</translation>
    </message>
    <message>
        <source>clearing the QA results of batch %1</source>
        <translation>rydning af QA-resultaterne i batch %1</translation>
    </message>
    <message>
        <source>reading the QA findings of batch %1</source>
        <translation>læsning af QA-fundene i batch %1</translation>
    </message>
    <message>
        <source>reading the QA findings of file %1</source>
        <translation>læsning af QA-fundene for filen %1</translation>
    </message>
    <message>
        <source>reading QA findings</source>
        <translation>læsning af QA-fund</translation>
    </message>
    <message>
        <source>counting the QA findings of batch %1</source>
        <translation>optælling af QA-fundene i batch %1</translation>
    </message>
    <message>
        <source>counting the checked files of batch %1</source>
        <translation>optælling af de kontrollerede filer i batch %1</translation>
    </message>
    <message>
        <source>reading the items of batch %1</source>
        <translation>læsning af enhederne i batch %1</translation>
    </message>
    <message>
        <source>reading the files of batch %1</source>
        <translation>læsning af filerne i batch %1</translation>
    </message>
    <message>
        <source>reading image statistics</source>
        <translation>læsning af billedstatistik</translation>
    </message>
    <message>
        <source>reading the QA findings of item %1</source>
        <translation>læsning af QA-fundene for elementet %1</translation>
    </message>
    <message numerus="yes">
        <source>forgetting the QA results of %n file(s)</source>
        <translation>
            <numerusform>glemmer QA-resultaterne for %n fil</numerusform>
            <numerusform>glemmer QA-resultaterne for %n filer</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::CheckRunner</name>
    <message>
        <source>The QA profile names the check &quot;%1&quot;, which does not exist; the checks are: %2.</source>
        <translation>QA-profilen angiver kontrollen &quot;%1&quot;, som ikke findes; kontrollerne er: %2.</translation>
    </message>
    <message>
        <source>no schemas are configured (give --schemas with a folder or an XML catalog, set schemas= under [check] in the QA profile, or run &quot;gatehouse-cli schemas fetch&quot;).</source>
        <translation>der ikke er konfigureret nogen skemaer (angiv --schemas med en mappe eller et XML-katalog, sæt schemas= under [check] i QA-profilen, eller kør &quot;gatehouse-cli schemas fetch&quot;).</translation>
    </message>
    <message>
        <source>The schemas for xml-schema cannot be used: %1</source>
        <translation>Skemaerne til xml-schema kan ikke bruges: %1</translation>
    </message>
    <message>
        <source>%1: passed</source>
        <translation>%1: bestået</translation>
    </message>
    <message numerus="yes">
        <source>QA of %n file(s) with the checks %1: %2.</source>
        <translation>
            <numerusform>QA af %n fil med kontrollerne %1: %2.</numerusform>
            <numerusform>QA af %n filer med kontrollerne %1: %2.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::CheckStage</name>
    <message>
        <source>the settings</source>
        <translation>indstillingerne</translation>
    </message>
    <message>
        <source>Check: %1 files of batch %2 to check with %3.</source>
        <translation>Kontrol: %1 filer i batch %2 skal kontrolleres med %3.</translation>
    </message>
    <message>
        <source>Check of batch %1 done: %2.</source>
        <translation>Kontrollen af batch %1 er færdig: %2.</translation>
    </message>
</context>
<context>
    <name>gh::CheckSubject</name>
    <message>
        <source>%1 cannot be read from the store: %2</source>
        <translation>%1 kan ikke læses fra lageret: %2</translation>
    </message>
    <message>
        <source>%1 does not decode: %2</source>
        <translation>%1 kan ikke afkodes: %2</translation>
    </message>
</context>
<context>
    <name>gh::ColumnMappingEditor</name>
    <message>
        <source>Identifier (rows with the same one form an item)</source>
        <translation>Identifikator (rækker med samme identifikator udgør én enhed)</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>URL to download</source>
        <translation>URL til download</translation>
    </message>
    <message>
        <source>Local file path</source>
        <translation>Lokal filsti</translation>
    </message>
    <message>
        <source>MD5 checksum</source>
        <translation>MD5-kontrolsum</translation>
    </message>
    <message>
        <source>SHA-1 checksum</source>
        <translation>SHA-1-kontrolsum</translation>
    </message>
    <message>
        <source>SHA-256 checksum</source>
        <translation>SHA-256-kontrolsum</translation>
    </message>
    <message>
        <source>SHA-512 checksum</source>
        <translation>SHA-512-kontrolsum</translation>
    </message>
    <message>
        <source>Declared media type</source>
        <translation>Angivet medietype</translation>
    </message>
    <message>
        <source>Declared size in bytes</source>
        <translation>Angivet størrelse i byte</translation>
    </message>
    <message>
        <source>Item metadata</source>
        <translation>Enhedsmetadata</translation>
    </message>
    <message>
        <source>Ignore</source>
        <translation>Ignorer</translation>
    </message>
    <message>
        <source>Cannot read %1: %2.</source>
        <translation>Kan ikke læse %1: %2.</translation>
    </message>
    <message>
        <source>%1 is empty: it has no header line.</source>
        <translation>%1 er tom: den har ingen overskriftslinje.</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>Kolonne</translation>
    </message>
    <message>
        <source>Meaning</source>
        <translation>Betydning</translation>
    </message>
    <message>
        <source>Spreadsheet columns and their meanings</source>
        <translation>Regnearkskolonner og deres betydning</translation>
    </message>
    <message>
        <source>&amp;Read columns from a spreadsheet…</source>
        <translation>&amp;Læs kolonner fra et regneark…</translation>
    </message>
    <message>
        <source>Read columns from a spreadsheet</source>
        <translation>Læs kolonner fra et regneark</translation>
    </message>
    <message>
        <source>&amp;Add column…</source>
        <translation>&amp;Tilføj kolonne…</translation>
    </message>
    <message>
        <source>Add a column</source>
        <translation>Tilføj en kolonne</translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation>&amp;Fjern</translation>
    </message>
    <message>
        <source>Remove the selected columns</source>
        <translation>Fjern de valgte kolonner</translation>
    </message>
    <message>
        <source>Column mapping message</source>
        <translation>Besked om kolonnetilknytning</translation>
    </message>
    <message>
        <source>Add column</source>
        <translation>Tilføj kolonne</translation>
    </message>
    <message>
        <source>Column name:</source>
        <translation>Kolonnenavn:</translation>
    </message>
    <message numerus="yes">
        <source>%n column(s) read.</source>
        <translation>
            <numerusform>%n kolonne læst.</numerusform>
            <numerusform>%n kolonner læst.</numerusform>
        </translation>
    </message>
    <message>
        <source>Meaning of column %1</source>
        <translation>Betydning af kolonne %1</translation>
    </message>
    <message>
        <source>Reading the columns of %1…</source>
        <translation>Læser kolonnerne i %1…</translation>
    </message>
    <message>
        <source>Spreadsheet</source>
        <translation>Regneark</translation>
    </message>
    <message>
        <source>Spreadsheets (*.csv *.tsv *.txt);;All files (*)</source>
        <translation>Regneark (*.csv *.tsv *.txt);;Alle filer (*)</translation>
    </message>
</context>
<context>
    <name>gh::CsvExport</name>
    <message>
        <source>Writing the CSV failed: %1</source>
        <translation>Skrivningen af CSV-filen mislykkedes: %1</translation>
    </message>
</context>
<context>
    <name>gh::CsvReader</name>
    <message>
        <source>%1 line %2: a quoted field is never closed.</source>
        <translation>%1 linje %2: et felt i anførselstegn lukkes aldrig.</translation>
    </message>
</context>
<context>
    <name>gh::Curator</name>
    <message>
        <source>unknown curator</source>
        <translation>ukendt kurator</translation>
    </message>
    <message>
        <source>Already decided by %1 at %2: %3</source>
        <translation>Allerede besluttet af %1 kl. %2: %3</translation>
    </message>
</context>
<context>
    <name>gh::DarkPageCheck</name>
    <message>
        <source>The peak of each image&apos;s histogram lies at or above the profile&apos;s dark_peak; a darker peak flags the page for a look.</source>
        <translation>Toppen i hvert billedes histogram ligger ved eller over profilens dark_peak; en mørkere top markerer siden til et eftersyn.</translation>
    </message>
    <message>
        <source>%1 looks dark: its histogram peaks at %2 (of 255), below %3; the mean is %4.</source>
        <translation>%1 ser mørk ud: histogrammets top ligger ved %2 (af 255), under %3; middelværdien er %4.</translation>
    </message>
</context>
<context>
    <name>gh::DecodableCheck</name>
    <message>
        <source>Every image decodes (JPEG 2000 at a reduced resolution level) and every PDF opens.</source>
        <translation>Hvert billede kan afkodes (JPEG 2000 ved et reduceret opløsningsniveau), og hver PDF kan åbnes.</translation>
    </message>
</context>
<context>
    <name>gh::DedupReview</name>
    <message>
        <source>file %1</source>
        <translation>fil %1</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message numerus="yes">
        <source> and %n more</source>
        <translation>
            <numerusform> og %n til</numerusform>
            <numerusform> og %n til</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) await a duplicate decision: %1. Decide them in the duplicates view or with gatehouse-cli decide.</source>
        <translation>
            <numerusform>%n fil venter på en dubletbeslutning: %1. Træf beslutningen i dubletvisningen eller med gatehouse-cli decide.</numerusform>
            <numerusform>%n filer venter på en dubletbeslutning: %1. Træf beslutningerne i dubletvisningen eller med gatehouse-cli decide.</numerusform>
        </translation>
    </message>
    <message>
        <source>same bytes as file %1 of batch %2</source>
        <translation>samme byte som fil %1 i batch %2</translation>
    </message>
    <message>
        <source>at the target as %1</source>
        <translation>på målet som %1</translation>
    </message>
    <message>
        <source>decided: %1 (%2)</source>
        <translation>besluttet: %1 (%2)</translation>
    </message>
    <message>
        <source>awaits a decision</source>
        <translation>venter på en beslutning</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>gh::DedupSettings</name>
    <message>
        <source>The settings file %1 does not exist or cannot be read.</source>
        <translation>Indstillingsfilen %1 findes ikke eller kan ikke læses.</translation>
    </message>
    <message>
        <source>The settings file %1 is not a valid INI file.</source>
        <translation>Indstillingsfilen %1 er ikke en gyldig INI-fil.</translation>
    </message>
    <message>
        <source>%1: [dedup] deleted must be true or false, not &quot;%2&quot;.</source>
        <translation>%1: [dedup] deleted skal være true eller false, ikke &quot;%2&quot;.</translation>
    </message>
    <message>
        <source>Say which target to check against (--target, or [targets] default= in the settings).</source>
        <translation>Angiv, hvilket mål der skal kontrolleres mod (--target eller [targets] default= i indstillingerne).</translation>
    </message>
    <message>
        <source>%1: [dedup] search must be auto, list or per-hash, not &quot;%2&quot;.</source>
        <translation>%1: [dedup] search skal være auto, list eller per-hash, ikke &quot;%2&quot;.</translation>
    </message>
    <message>
        <source>%1: [dedup] %2 is neither a case (%3) nor &quot;deleted&quot; or &quot;search&quot;.</source>
        <translation>%1: [dedup] %2 er hverken en sag (%3) eller &quot;deleted&quot; eller &quot;search&quot;.</translation>
    </message>
</context>
<context>
    <name>gh::DedupStage</name>
    <message>
        <source>Cannot read the target of batch %1: %2</source>
        <translation>Kan ikke læse målet for batch %1: %2</translation>
    </message>
    <message>
        <source>Duplicates: checking %1 files of batch %2 against the catalog and the batch.</source>
        <translation>Dubletter: kontrollerer %1 filer i batch %2 mod kataloget og batchen.</translation>
    </message>
    <message>
        <source>Duplicates: checking %1 files of batch %2 against the catalog, the batch and %3.</source>
        <translation>Dubletter: kontrollerer %1 filer i batch %2 mod kataloget, batchen og %3.</translation>
    </message>
    <message>
        <source>Every file checked for duplicates; none waits for a decision.</source>
        <translation>Alle filer er kontrolleret for dubletter; ingen venter på en beslutning.</translation>
    </message>
</context>
<context>
    <name>gh::DeliveryWatcher</name>
    <message>
        <source>The delivery %1 is gone.</source>
        <translation>Leverancen %1 er væk.</translation>
    </message>
    <message>
        <source>The hot folder %1 does not exist or is not a folder.</source>
        <translation>Den overvågede mappe %1 findes ikke eller er ikke en mappe.</translation>
    </message>
    <message>
        <source>The hot folder %1 cannot be read: permission denied.</source>
        <translation>Den overvågede mappe %1 kan ikke læses: adgang nægtet.</translation>
    </message>
    <message>
        <source>Processing the settled deliveries in %1 (settled: unchanged for %2 s).</source>
        <translation>Behandler de stabile leverancer i %1 (stabil: uændret i %2 s).</translation>
    </message>
    <message>
        <source>Watching %1 for deliveries (settle time %2 s); Ctrl-C stops.</source>
        <translation>Overvåger %1 for leverancer (stabiliseringstid %2 s); Ctrl-C stopper.</translation>
    </message>
    <message>
        <source>New delivery %1: %2 files so far; waiting until it settles.</source>
        <translation>Ny leverance %1: %2 filer indtil videre; venter, til den er stabil.</translation>
    </message>
    <message>
        <source>Delivery %1 changed after it was taken; it is taken again once it settles.</source>
        <translation>Leverancen %1 ændrede sig, efter at den blev taget; den tages igen, når den er stabil.</translation>
    </message>
    <message>
        <source>Delivery %1 still holds files being written (.part, .tmp); left for the next run.</source>
        <translation>Leverancen %1 indeholder stadig filer, der er ved at blive skrevet (.part, .tmp); venter til næste kørsel.</translation>
    </message>
    <message>
        <source>Delivery %1 changed less than %2 s ago; left for the next run.</source>
        <translation>Leverancen %1 ændrede sig for mindre end %2 s siden; venter til næste kørsel.</translation>
    </message>
    <message>
        <source>Delivery %1 changed again; waiting until it settles.</source>
        <translation>Leverancen %1 ændrede sig igen; venter, til den er stabil.</translation>
    </message>
</context>
<context>
    <name>gh::DerivativeRule</name>
    <message>
        <source>The conversion rule &quot;%1&quot; is not valid: %2. Write it as FROM=TO[:qQUALITY][:LONGEST], e.g. image/jp2=image/jpeg:q90:4000.</source>
        <translation>Konverteringsreglen &quot;%1&quot; er ikke gyldig: %2. Skriv den som FROM=TO[:qQUALITY][:LONGEST], f.eks. image/jp2=image/jpeg:q90:4000.</translation>
    </message>
    <message>
        <source>it does not have the form FROM=TO</source>
        <translation>den har ikke formen FROM=TO</translation>
    </message>
    <message>
        <source>%1 is not a type Gatehouse can write (image/jpeg, image/png, image/tiff, image/webp)</source>
        <translation>%1 er ikke en type, Gatehouse kan skrive (image/jpeg, image/png, image/tiff, image/webp)</translation>
    </message>
    <message>
        <source>the quality &quot;%1&quot; must be q0 to q100</source>
        <translation>kvaliteten &quot;%1&quot; skal være q0 til q100</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is neither a quality (q90) nor a longest side in pixels</source>
        <translation>&quot;%1&quot; er hverken en kvalitet (q90) eller en længste side i pixel</translation>
    </message>
</context>
<context>
    <name>gh::DimensionsCheck</name>
    <message>
        <source>Each image&apos;s pixel size equals the size its MIX and ALTO files state, and lies within the profile&apos;s bounds.</source>
        <translation>Hvert billedes pixelstørrelse svarer til den størrelse, som dets MIX- og ALTO-filer angiver, og ligger inden for profilens grænser.</translation>
    </message>
    <message>
        <source>its codestream</source>
        <translation>kodestrømmen</translation>
    </message>
    <message>
        <source>its decoder</source>
        <translation>dekoderen</translation>
    </message>
    <message>
        <source>%1 is %2×%3 pixels, outside the profile&apos;s bounds (width %4 to %5, height %6 to %7).</source>
        <translation>%1 er %2×%3 pixel, uden for profilens grænser (bredde %4 til %5, højde %6 til %7).</translation>
    </message>
    <message>
        <source>any</source>
        <translation>vilkårlig</translation>
    </message>
    <message>
        <source>%1: MIX says %2×%3 pixels, but %4 is %5×%6 according to %7.</source>
        <translation>%1: MIX angiver %2×%3 pixel, men %4 er %5×%6 ifølge %7.</translation>
    </message>
    <message>
        <source>%1: the ALTO page is %2×%3 pixels, but %4 is %5×%6 according to %7.</source>
        <translation>%1: ALTO-siden er %2×%3 pixel, men %4 er %5×%6 ifølge %7.</translation>
    </message>
</context>
<context>
    <name>gh::Downloader</name>
    <message>
        <source>&quot;%1&quot; is not an http or https URL; Gatehouse downloads nothing else.</source>
        <translation>&quot;%1&quot; er ikke en http- eller https-URL; Gatehouse downloader intet andet.</translation>
    </message>
    <message>
        <source>Continuing an interrupted download of %1 after %2 bytes.</source>
        <translation>Fortsætter en afbrudt download af %1 efter %2 byte.</translation>
    </message>
    <message>
        <source>%1 is larger than the limit of %2 bytes; the transfer was stopped after %3 bytes.</source>
        <translation>%1 er større end grænsen på %2 byte; overførslen blev stoppet efter %3 byte.</translation>
    </message>
    <message>
        <source>%1 is %2 by its content, which is not among the accepted types (%3).</source>
        <translation>%1 er %2 ud fra indholdet, hvilket ikke er blandt de accepterede typer (%3).</translation>
    </message>
    <message>
        <source>%1 announces %2 bytes, more than the limit of %3 bytes; nothing was downloaded.</source>
        <translation>%1 annoncerer %2 byte, mere end grænsen på %3 byte; intet blev downloadet.</translation>
    </message>
    <message>
        <source>%1 is served as %2, which is not among the accepted types (%3); nothing was downloaded.</source>
        <translation>%1 leveres som %2, hvilket ikke er blandt de accepterede typer (%3); intet blev downloadet.</translation>
    </message>
    <message>
        <source>%1 answered a Range request with another part; starting over.</source>
        <translation>%1 besvarede en Range-forespørgsel med en anden del; starter forfra.</translation>
    </message>
    <message>
        <source>The TLS certificate of %1 could not be verified: %2</source>
        <translation>TLS-certifikatet for %1 kunne ikke verificeres: %2</translation>
    </message>
    <message>
        <source>%1 ended after %2 of %3 bytes: %4</source>
        <translation>%1 sluttede efter %2 af %3 byte: %4</translation>
    </message>
    <message>
        <source>Downloading %1 from %2 failed: %3</source>
        <translation>Download af %1 fra %2 mislykkedes: %3</translation>
    </message>
    <message>
        <source>%1 answered HTTP %2.</source>
        <translation>%1 svarede HTTP %2.</translation>
    </message>
    <message>
        <source>%1 (attempt %2 of %3)</source>
        <translation>%1 (forsøg %2 af %3)</translation>
    </message>
    <message>
        <source>%1 The server asks to come back in %2 s, later than this run waits; the file stays for a later run.</source>
        <translation>%1 Serveren beder om at vende tilbage om %2 s, senere end denne kørsel venter; filen venter til en senere kørsel.</translation>
    </message>
    <message>
        <source>Attempt %1: %2 (%3); retrying in %4 ms%5</source>
        <translation>Forsøg %1: %2 (%3); prøver igen om %4 ms%5</translation>
    </message>
    <message>
        <source>, continuing after %1 bytes</source>
        <translation>, fortsætter efter %1 byte</translation>
    </message>
    <message>
        <source>%1 redirects in a loop back to %2 after %3 hops.</source>
        <translation>%1 omdirigerer i en løkke tilbage til %2 efter %3 hop.</translation>
    </message>
    <message>
        <source>%1 redirects more than %2 times.</source>
        <translation>%1 omdirigerer mere end %2 gange.</translation>
    </message>
    <message>
        <source>%1 redirects to %2, which is not http or https.</source>
        <translation>%1 omdirigerer til %2, som ikke er http eller https.</translation>
    </message>
    <message>
        <source>%1 (HTTP %2 from %3)</source>
        <translation>%1 (HTTP %2 fra %3)</translation>
    </message>
    <message>
        <source>%1 is not modified since %2; the stored copy %3 is reused.</source>
        <translation>%1 er ikke ændret siden %2; den lagrede kopi %3 genbruges.</translation>
    </message>
</context>
<context>
    <name>gh::DuplicateBook</name>
    <message>
        <source>Catalog error while %1 in %2: %3</source>
        <translation>Katalogfejl under %1 i %2: %3</translation>
    </message>
    <message>
        <source>dropping the duplicate cases against %1</source>
        <translation>fjernelse af dubletsagerne mod %1</translation>
    </message>
    <message>
        <source>recording the duplicate case of file %1</source>
        <translation>registrering af dubletsagen for fil %1</translation>
    </message>
    <message>
        <source>reading the duplicate cases of batch %1</source>
        <translation>læsning af dubletsagerne i batch %1</translation>
    </message>
    <message>
        <source>reading duplicate cases</source>
        <translation>læsning af dubletsager</translation>
    </message>
    <message>
        <source>reading the duplicate cases of item %1</source>
        <translation>læsning af dubletsagerne for enhed %1</translation>
    </message>
    <message>
        <source>reading the targets of batch %1</source>
        <translation>læsning af målene for batch %1</translation>
    </message>
    <message>
        <source>counting the duplicate cases of batch %1</source>
        <translation>optælling af dubletsagerne i batch %1</translation>
    </message>
    <message>
        <source>counting open duplicate cases of batch %1</source>
        <translation>optælling af åbne dubletsager i batch %1</translation>
    </message>
    <message>
        <source>looking up files with the same bytes</source>
        <translation>opslag af filer med de samme byte</translation>
    </message>
    <message>
        <source>File %1 has no duplicate case for %2; run dedup first.</source>
        <translation>Fil %1 har ingen dubletsag for %2; kør dedup først.</translation>
    </message>
    <message>
        <source>File %1 is no longer in the case %2 for %3 (it is %4 now); decide again.</source>
        <translation>Fil %1 er ikke længere i sagen %2 for %3 (den er %4 nu); træf beslutningen igen.</translation>
    </message>
    <message>
        <source>The decision about file %1 for %2 was already carried out (%3); it stands.</source>
        <translation>Beslutningen om fil %1 for %2 er allerede udført (%3); den står ved magt.</translation>
    </message>
    <message>
        <source>recording a decision about file %1</source>
        <translation>registrering af en beslutning om fil %1</translation>
    </message>
    <message>
        <source>The catalog gave no id for the decision about file %1.</source>
        <translation>Kataloget gav intet id for beslutningen om fil %1.</translation>
    </message>
    <message>
        <source>putting the decision about file %1 in force</source>
        <translation>iværksættelse af beslutningen om fil %1</translation>
    </message>
    <message>
        <source>There is no decision %1.</source>
        <translation>Der er ingen beslutning %1.</translation>
    </message>
    <message>
        <source>The decision %1 was already taken back.</source>
        <translation>Beslutningen %1 er allerede trukket tilbage.</translation>
    </message>
    <message>
        <source>taking back decision %1</source>
        <translation>tilbagetrækning af beslutning %1</translation>
    </message>
    <message>
        <source>recording that decision %1 was carried out</source>
        <translation>registrering af, at beslutning %1 er udført</translation>
    </message>
    <message>
        <source>reading decision %1</source>
        <translation>læsning af beslutning %1</translation>
    </message>
    <message>
        <source>reading the decisions about file %1</source>
        <translation>læsning af beslutningerne om fil %1</translation>
    </message>
    <message>
        <source>recording the duplicate cases of files %1 to %2</source>
        <translation>registrering af dubletsagerne for filerne %1 til %2</translation>
    </message>
    <message>
        <source>reading the case of file %1</source>
        <translation>læsning af sagen for fil %1</translation>
    </message>
    <message>
        <source>The upload %1 is carrying out the decision about file %2 for %3 right now; it stands.</source>
        <translation>Overførslen %1 er i gang med at udføre beslutningen om fil %2 for %3 lige nu; den står ved magt.</translation>
    </message>
    <message>
        <source>Already carried out by the upload at %1 (%2 on %3); the decision to %4 file %5 cannot be undone.</source>
        <translation>Allerede udført af overførslen kl. %1 (%2 på %3); beslutningen %4 for fil %5 kan ikke fortrydes.</translation>
    </message>
    <message>
        <source>The upload %1 is carrying out the decision to %2 file %3 on %4 right now; it cannot be undone.</source>
        <translation>Overførslen %1 er i gang med at udføre beslutningen %2 for fil %3 på %4 lige nu; den kan ikke fortrydes.</translation>
    </message>
    <message>
        <source>claiming decision %1 for the upload</source>
        <translation>reservering af beslutning %1 til overførslen</translation>
    </message>
    <message>
        <source>releasing decision %1</source>
        <translation>frigivelse af beslutning %1</translation>
    </message>
</context>
<context>
    <name>gh::DuplicateClassifier</name>
    <message>
        <source>The duplicate check was cancelled.</source>
        <translation>Dubletkontrollen blev annulleret.</translation>
    </message>
    <message>
        <source>%1 already holds these bytes as %2.</source>
        <translation>%1 indeholder allerede disse byte som %2.</translation>
    </message>
    <message>
        <source>%1 holds these bytes as %2; the name %3 is free.</source>
        <translation>%1 indeholder disse byte som %2; navnet %3 er ledigt.</translation>
    </message>
    <message>
        <source>%1 holds these bytes as %2, and %3 holds other content.</source>
        <translation>%1 indeholder disse byte som %2, og %3 indeholder andet indhold.</translation>
    </message>
    <message>
        <source>%1 does not hold these bytes; the name %2 is free.</source>
        <translation>%1 indeholder ikke disse byte; navnet %2 er ledigt.</translation>
    </message>
    <message>
        <source>%1 does not hold these bytes, but %2 holds other content (SHA-1 %3).</source>
        <translation>%1 indeholder ikke disse byte, men %2 indeholder andet indhold (SHA-1 %3).</translation>
    </message>
    <message>
        <source>File %1 of this batch has the same bytes and is kept (%2).</source>
        <translation>Fil %1 i denne batch har de samme byte og beholdes (%2).</translation>
    </message>
    <message>
        <source>Batch %1 ingested these bytes before (file %2).</source>
        <translation>Batch %1 har indlæst disse byte før (fil %2).</translation>
    </message>
    <message>
        <source>The target deleted these bytes before, for copyright.</source>
        <translation>Målet har tidligere slettet disse byte af ophavsretlige grunde.</translation>
    </message>
    <message>
        <source>The target deleted these bytes before.</source>
        <translation>Målet har tidligere slettet disse byte.</translation>
    </message>
    <message>
        <source>A file named %1 was deleted before.</source>
        <translation>En fil med navnet %1 er slettet tidligere.</translation>
    </message>
    <message>
        <source>Duplicate check (%1): %2</source>
        <translation>Dubletkontrol (%1): %2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1: %2 refuses the name %3: %4</source>
        <translation>%1: %2 afviser navnet %3: %4</translation>
    </message>
    <message>
        <source>A rule of the settings.</source>
        <translation>En regel i indstillingerne.</translation>
    </message>
    <message>
        <source>File %1: the rule %2 does not apply: %3</source>
        <translation>Fil %1: reglen %2 gælder ikke: %3</translation>
    </message>
    <message numerus="yes">
        <source>Checking %n file(s) against %1.</source>
        <translation>
            <numerusform>Kontrollerer %n fil mod %1.</numerusform>
            <numerusform>Kontrollerer %n filer mod %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::DuplicateGate</name>
    <message numerus="yes">
        <source>%n file(s) of batch %1 wait for a duplicate decision against %2; decide them (decide, or the duplicates view) before the upload.</source>
        <translation>
            <numerusform>%n fil i batch %1 venter på en dubletbeslutning mod %2; træf beslutningen (decide eller dubletvisningen) før overførslen.</numerusform>
            <numerusform>%n filer i batch %1 venter på en dubletbeslutning mod %2; træf beslutningerne (decide eller dubletvisningen) før overførslen.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 waits for a duplicate decision (%2: %3).</source>
        <translation>%1 venter på en dubletbeslutning (%2: %3).</translation>
    </message>
    <message>
        <source>%1 would now be named %2, but the duplicate decision was made for %3; run dedup again.</source>
        <translation>%1 ville nu hedde %2, men dubletbeslutningen blev truffet for %3; kør dedup igen.</translation>
    </message>
    <message>
        <source>Not sent: a duplicate decision to skip it (%1).</source>
        <translation>Ikke sendt: en dubletbeslutning om at springe den over (%1).</translation>
    </message>
    <message>
        <source>Not sent: on the hand-fix list (%1).</source>
        <translation>Ikke sendt: på listen til manuel rettelse (%1).</translation>
    </message>
    <message>
        <source>Not sent: linked to %1 (%2).</source>
        <translation>Ikke sendt: linket til %1 (%2).</translation>
    </message>
    <message>
        <source>Not sent to %1: the file is %2 there, by a duplicate decision (%3).</source>
        <translation>Ikke sendt til %1: filen er %2 dér efter en dubletbeslutning (%3).</translation>
    </message>
    <message>
        <source>%1 refuses the name %2: %3</source>
        <translation>%1 afviser navnet %2: %3</translation>
    </message>
    <message>
        <source>The new name %1 holds other content on %2; choose another one.</source>
        <translation>Det nye navn %1 indeholder andet indhold på %2; vælg et andet.</translation>
    </message>
    <message>
        <source>%1 has no free numbered name for %2 up to (9); rename it by hand.</source>
        <translation>%1 har intet ledigt nummereret navn for %2 op til (9); omdøb den manuelt.</translation>
    </message>
    <message>
        <source>%1 is no wiki; only a wiki can move %2 to %3.</source>
        <translation>%1 er ikke en wiki; kun en wiki kan flytte %2 til %3.</translation>
    </message>
    <message>
        <source>Gatehouse: the name of %1, by a duplicate decision of %2.</source>
        <translation>Gatehouse: navnet på %1 efter en dubletbeslutning af %2.</translation>
    </message>
    <message>
        <source>File:%1 on %2 was moved to File:%3 (%4).</source>
        <translation>File:%1 på %2 blev flyttet til File:%3 (%4).</translation>
    </message>
    <message>
        <source>Moved to %1 on %2; nothing sent.</source>
        <translation>Flyttet til %1 på %2; intet sendt.</translation>
    </message>
    <message>
        <source>%1 holds %2 with the same digests (sha1 %3) after the move.</source>
        <translation>%1 indeholder %2 med de samme kontrolsummer (sha1 %3) efter flytningen.</translation>
    </message>
    <message>
        <source>uploaded to %1 as %2</source>
        <translation>overført til %1 som %2</translation>
    </message>
    <message>
        <source>moved on %1 to %2</source>
        <translation>flyttet på %1 til %2</translation>
    </message>
    <message>
        <source>on %1 as %2</source>
        <translation>på %1 som %2</translation>
    </message>
    <message>
        <source>Not sent: linked to file %1 of batch %2 (%3).</source>
        <translation>Ikke sendt: knyttet til fil %1 i batch %2 (%3).</translation>
    </message>
    <message>
        <source>%1 is held back: the batch is uploaded once no file of it waits for a duplicate decision.</source>
        <translation>%1 holdes tilbage: batchen uploades, når ingen af dens filer venter på en dubletbeslutning.</translation>
    </message>
    <message>
        <source>%1 was not sent: its duplicate decision (%2) was taken back or replaced while the upload ran; the next upload follows the decision in force.</source>
        <translation>%1 blev ikke sendt: dens dubletbeslutning (%2) blev trukket tilbage eller erstattet, mens overførslen kørte; næste overførsel følger den gældende beslutning.</translation>
    </message>
</context>
<context>
    <name>gh::DuplicateInfo</name>
    <message>
        <source>Already there</source>
        <translation>Findes allerede</translation>
    </message>
    <message>
        <source>The target holds these bytes under our name: nothing to send.</source>
        <translation>Målet har disse byte under vores navn: intet at sende.</translation>
    </message>
    <message>
        <source>Same bytes under another name</source>
        <translation>Samme byte under et andet navn</translation>
    </message>
    <message>
        <source>The target holds these bytes under another name; our name is free.</source>
        <translation>Målet har disse byte under et andet navn; vores navn er ledigt.</translation>
    </message>
    <message>
        <source>Same bytes elsewhere, name taken</source>
        <translation>Samme byte andetsteds, navnet optaget</translation>
    </message>
    <message>
        <source>The target holds these bytes under another name, and our name holds other content.</source>
        <translation>Målet har disse byte under et andet navn, og vores navn indeholder andet indhold.</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Ny</translation>
    </message>
    <message>
        <source>The target does not know these bytes and our name is free.</source>
        <translation>Målet kender ikke disse byte, og vores navn er ledigt.</translation>
    </message>
    <message>
        <source>Name taken</source>
        <translation>Navnet er optaget</translation>
    </message>
    <message>
        <source>The target does not know these bytes, but our name holds other content.</source>
        <translation>Målet kender ikke disse byte, men vores navn indeholder andet indhold.</translation>
    </message>
    <message>
        <source>Twice in this batch</source>
        <translation>To gange i denne batch</translation>
    </message>
    <message>
        <source>An earlier file of this batch has the same bytes; the first one is kept.</source>
        <translation>En tidligere fil i denne batch har de samme byte; den første beholdes.</translation>
    </message>
    <message>
        <source>In an earlier batch</source>
        <translation>I en tidligere batch</translation>
    </message>
    <message>
        <source>An earlier batch of the catalog ingested these bytes.</source>
        <translation>En tidligere batch i kataloget har indlæst disse byte.</translation>
    </message>
    <message>
        <source>Skip</source>
        <translation>Spring over</translation>
    </message>
    <message>
        <source>Upload</source>
        <translation>Overfør</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Omdøb</translation>
    </message>
    <message>
        <source>Overwrite</source>
        <translation>Overskriv</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>Flyt</translation>
    </message>
    <message>
        <source>Link</source>
        <translation>Link</translation>
    </message>
    <message>
        <source>Hand-fix</source>
        <translation>Manuel rettelse</translation>
    </message>
</context>
<context>
    <name>gh::DuplicateReport</name>
    <message>
        <source>The target deleted these bytes before, for copyright.</source>
        <translation>Målet har tidligere slettet disse byte af ophavsretlige grunde.</translation>
    </message>
    <message>
        <source>The target deleted these bytes before.</source>
        <translation>Målet har tidligere slettet disse byte.</translation>
    </message>
    <message>
        <source>Duplicates</source>
        <translation>Dubletter</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Mål</translation>
    </message>
    <message>
        <source>  Waiting for a decision</source>
        <translation>  Venter på en beslutning</translation>
    </message>
    <message>
        <source>  Decided: %1</source>
        <translation>  Besluttet: %1</translation>
    </message>
    <message>
        <source>  Deleted there before</source>
        <translation>  Tidligere slettet dér</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) wait for a duplicate decision against %1.</source>
        <translation>
            <numerusform>%n fil venter på en dubletbeslutning mod %1.</numerusform>
            <numerusform>%n filer venter på en dubletbeslutning mod %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source> (%1 on %2)</source>
        <translation> (%1 på %2)</translation>
    </message>
    <message>
        <source> (batch %1)</source>
        <translation> (batch %1)</translation>
    </message>
    <message>
        <source> — decided: %1</source>
        <translation> — besluttet: %1</translation>
    </message>
    <message>
        <source> — waiting for a decision</source>
        <translation> — venter på en beslutning</translation>
    </message>
</context>
<context>
    <name>gh::DuplicateRules</name>
    <message>
        <source>The duplicate rule &quot;%1&quot; names no case; the cases are %2.</source>
        <translation>Dubletreglen &quot;%1&quot; angiver ingen sag; sagerne er %2.</translation>
    </message>
    <message>
        <source>The duplicate rule &quot;%1&quot; names no action; write CASE=ACTION with one of %2.</source>
        <translation>Dubletreglen &quot;%1&quot; angiver ingen handling; skriv SAG=HANDLING med en af %2.</translation>
    </message>
    <message>
        <source>The duplicate rule &quot;%1&quot;: %2 is not an action for %3.</source>
        <translation>Dubletreglen &quot;%1&quot;: %2 er ikke en handling for %3.</translation>
    </message>
</context>
<context>
    <name>gh::DuplicateService</name>
    <message>
        <source>A duplicate check is already running.</source>
        <translation>En dubletkontrol kører allerede.</translation>
    </message>
    <message>
        <source>Only a wiki can move a file to another name.</source>
        <translation>Kun en wiki kan flytte en fil til et andet navn.</translation>
    </message>
    <message>
        <source>The account may not move files on %1.</source>
        <translation>Kontoen må ikke flytte filer på %1.</translation>
    </message>
</context>
<context>
    <name>gh::DuplicateSolver</name>
    <message numerus="yes">
        <source>%n file(s) wait for a duplicate decision; the upload waits for them.</source>
        <translation>
            <numerusform>%n fil venter på en dubletbeslutning; overførslen venter på den.</numerusform>
            <numerusform>%n filer venter på en dubletbeslutning; overførslen venter på dem.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 is not an action for a file in the case %2 (%3).</source>
        <translation>%1 er ikke en handling for en fil i sagen %2 (%3).</translation>
    </message>
    <message>
        <source>Nothing holds the name %1 on %2, so there is nothing to overwrite.</source>
        <translation>Intet har navnet %1 på %2, så der er intet at overskrive.</translation>
    </message>
    <message>
        <source>Only a wiki can move a file to another name; %1 is not one.</source>
        <translation>Kun en wiki kan flytte en fil til et andet navn; %1 er ikke en wiki.</translation>
    </message>
    <message>
        <source>%1 holds these bytes under no other name, so there is nothing to move.</source>
        <translation>%1 har ikke disse byte under noget andet navn, så der er intet at flytte.</translation>
    </message>
    <message>
        <source>The name %1 is taken on %2, so nothing can be moved there.</source>
        <translation>Navnet %1 er optaget på %2, så intet kan flyttes dertil.</translation>
    </message>
    <message>
        <source>There is nothing to link %1 to.</source>
        <translation>Der er intet at linke %1 til.</translation>
    </message>
    <message>
        <source>%1 is already the file&apos;s name; a rename needs another one.</source>
        <translation>%1 er allerede filens navn; en omdøbning kræver et andet.</translation>
    </message>
    <message>
        <source>Only a rename takes a new name; %1 does not.</source>
        <translation>Kun en omdøbning får et nyt navn; det gør %1 ikke.</translation>
    </message>
    <message>
        <source>not to be sent</source>
        <translation>skal ikke sendes</translation>
    </message>
    <message>
        <source>to be sent as %1 despite the target&apos;s warnings</source>
        <translation>skal sendes som %1 trods målets advarsler</translation>
    </message>
    <message>
        <source>to be sent under a numbered name such as %1</source>
        <translation>skal sendes under et nummereret navn som f.eks. %1</translation>
    </message>
    <message>
        <source>to be sent as %1</source>
        <translation>skal sendes som %1</translation>
    </message>
    <message>
        <source>to be sent as a new version of %1</source>
        <translation>skal sendes som en ny version af %1</translation>
    </message>
    <message>
        <source>%1 to be moved to %2</source>
        <translation>%1 skal flyttes til %2</translation>
    </message>
    <message>
        <source>linked to file %1 of batch %2</source>
        <translation>linket til fil %1 i batch %2</translation>
    </message>
    <message>
        <source>linked to %1</source>
        <translation>linket til %1</translation>
    </message>
    <message>
        <source>on the hand-fix list for a person on the target</source>
        <translation>på listen til manuel rettelse for en person på målet</translation>
    </message>
    <message>
        <source>Duplicate case %1 against %2: %3 (%4), decided by %5</source>
        <translation>Dubletsag %1 mod %2: %3 (%4), besluttet af %5</translation>
    </message>
    <message>
        <source> by the rule %1</source>
        <translation> efter reglen %1</translation>
    </message>
    <message>
        <source>: %1</source>
        <translation>: %1</translation>
    </message>
    <message>
        <source>No fetched file to check.</source>
        <translation>Ingen hentet fil at kontrollere.</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) checked; none waits for a decision.</source>
        <translation>
            <numerusform>%n fil kontrolleret; ingen venter på en beslutning.</numerusform>
            <numerusform>%n filer kontrolleret; ingen venter på en beslutning.</numerusform>
        </translation>
    </message>
    <message>
        <source>Batch %1 was not classified against %2; run dedup first.</source>
        <translation>Batch %1 er ikke klassificeret mod %2; kør dedup først.</translation>
    </message>
    <message>
        <source>Batch %1 was not classified against %2, only against %3.</source>
        <translation>Batch %1 er ikke klassificeret mod %2, kun mod %3.</translation>
    </message>
    <message>
        <source>Batch %1 has no duplicate cases yet; run dedup BATCH --target TARGET first.</source>
        <translation>Batch %1 har endnu ingen dubletsager; kør først dedup BATCH --target MÅL.</translation>
    </message>
    <message>
        <source>Batch %1 was classified against several targets (%2); say which with --target.</source>
        <translation>Batch %1 er klassificeret mod flere mål (%2); angiv hvilket med --target.</translation>
    </message>
    <message>
        <source>Say which files to decide: some files, or a case.</source>
        <translation>Angiv, hvilke filer der skal træffes beslutning om: nogle filer eller en sag.</translation>
    </message>
    <message>
        <source>File %1 belongs to batch %2, not %3.</source>
        <translation>Fil %1 hører til batch %2, ikke %3.</translation>
    </message>
    <message>
        <source>File %1 has no duplicate case against %2 (not in this batch, not fetched, or not classified yet).</source>
        <translation>Fil %1 har ingen dubletsag mod %2 (ikke i denne batch, ikke hentet eller endnu ikke klassificeret).</translation>
    </message>
    <message>
        <source>A new name is for one file; %1 files were asked for. Rename them one by one, or leave the name out for numbered names.</source>
        <translation>Et nyt navn gælder én fil; der blev bedt om %1 filer. Omdøb dem én ad gangen, eller udelad navnet for at få nummererede navne.</translation>
    </message>
    <message>
        <source>File %1: the decision to %2 was already carried out (%3).</source>
        <translation>Fil %1: beslutningen %2 er allerede udført (%3).</translation>
    </message>
    <message>
        <source>File %1: %2</source>
        <translation>Fil %1: %2</translation>
    </message>
    <message>
        <source>File %1 has no decision to take back.</source>
        <translation>Fil %1 har ingen beslutning at trække tilbage.</translation>
    </message>
    <message>
        <source>The decision to %1 (case %2 against %3, by %4 on %5) was taken back.</source>
        <translation>Beslutningen %1 (sag %2 mod %3, af %4 den %5) blev trukket tilbage.</translation>
    </message>
    <message>
        <source>Cannot read the decisions against %1: %2</source>
        <translation>Kan ikke læse beslutningerne over for %1: %2</translation>
    </message>
    <message>
        <source> (file %1).</source>
        <translation> (fil %1).</translation>
    </message>
</context>
<context>
    <name>gh::DuplicatesModel</name>
    <message>
        <source>batch %1</source>
        <translation>batch %1</translation>
    </message>
    <message>
        <source>— waiting —</source>
        <translation>— venter —</translation>
    </message>
    <message>
        <source>%1 (%2 open of %3)</source>
        <translation>%1 (%2 åbne af %3)</translation>
    </message>
    <message>
        <source>Our file</source>
        <translation>Vores fil</translation>
    </message>
    <message>
        <source>Name on the target</source>
        <translation>Navn på målet</translation>
    </message>
    <message>
        <source>What is there</source>
        <translation>Hvad der findes dér</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>Beslutning</translation>
    </message>
</context>
<context>
    <name>gh::DuplicatesView</name>
    <message>
        <source>Checking for duplicates: %1 of %2 files…</source>
        <translation>Kontrollerer for dubletter: %1 af %2 filer…</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Mål</translation>
    </message>
    <message>
        <source>mediawiki:https://commons.wikimedia.org/w/api.php</source>
        <translation>mediawiki:https://commons.wikimedia.org/w/api.php</translation>
    </message>
    <message>
        <source>&amp;Check</source>
        <translation>&amp;Kontrollér</translation>
    </message>
    <message>
        <source>Classify every fetched file of the batch against this target.</source>
        <translation>Klassificér alle hentede filer i batchen mod dette mål.</translation>
    </message>
    <message>
        <source>Files needing a decision</source>
        <translation>Filer, der kræver en beslutning</translation>
    </message>
    <message>
        <source>&lt;b&gt;Ours&lt;/b&gt;</source>
        <translation>&lt;b&gt;Vores&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Theirs&lt;/b&gt;</source>
        <translation>&lt;b&gt;Deres&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Why (recorded with the next decision)</source>
        <translation>Hvorfor (registreres med den næste beslutning)</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Undo (%1)</source>
        <translation>Fortryd (%1)</translation>
    </message>
    <message>
        <source>This batch was not checked for duplicates yet: type a target and press Check.</source>
        <translation>Denne batch er endnu ikke kontrolleret for dubletter: skriv et mål, og tryk på Kontrollér.</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) wait for a decision against %1. The upload waits until none does.</source>
        <translation>
            <numerusform>%n fil venter på en beslutning mod %1. Overførslen venter, indtil ingen gør det.</numerusform>
            <numerusform>%n filer venter på en beslutning mod %1. Overførslen venter, indtil ingen gør det.</numerusform>
        </translation>
    </message>
    <message>
        <source>No file waits for a decision against %1; the upload may go ahead.</source>
        <translation>Ingen fil venter på en beslutning mod %1; overførslen kan gå i gang.</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Fil</translation>
    </message>
    <message>
        <source>Name there</source>
        <translation>Navn på målet</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Størrelse</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Fetched</source>
        <translation>Hentet</translation>
    </message>
    <message>
        <source>SHA-1</source>
        <translation>SHA-1</translation>
    </message>
    <message>
        <source>The target deleted these bytes before, &lt;b&gt;for copyright&lt;/b&gt;.</source>
        <translation>Målet har tidligere slettet disse byte &lt;b&gt;af ophavsretlige grunde&lt;/b&gt;.</translation>
    </message>
    <message>
        <source>The target deleted these bytes before.</source>
        <translation>Målet har tidligere slettet disse byte.</translation>
    </message>
    <message>
        <source>A file with our name was deleted there before.</source>
        <translation>En fil med vores navn er tidligere slettet dér.</translation>
    </message>
    <message>
        <source>Deleted: %1 (%2)</source>
        <translation>Slettet: %1 (%2)</translation>
    </message>
    <message>
        <source>Decided: %1 by %2 on %3</source>
        <translation>Besluttet: %1 af %2 den %3</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>Batch</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Navn</translation>
    </message>
    <message>
        <source>Dimensions</source>
        <translation>Dimensioner</translation>
    </message>
    <message>
        <source>%1 × %2</source>
        <translation>%1 × %2</translation>
    </message>
    <message>
        <source>Uploaded</source>
        <translation>Overført</translation>
    </message>
    <message>
        <source>Uploader</source>
        <translation>Overført af</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Indlæser…</translation>
    </message>
    <message>
        <source>No picture</source>
        <translation>Intet billede</translation>
    </message>
    <message>
        <source>Cannot fetch %1</source>
        <translation>Kan ikke hente %1</translation>
    </message>
    <message>
        <source>The account may not move files on this wiki.</source>
        <translation>Kontoen må ikke flytte filer på denne wiki.</translation>
    </message>
    <message>
        <source>Asking the wiki whether the account may move files…</source>
        <translation>Spørger wikien, om kontoen må flytte filer…</translation>
    </message>
    <message numerus="yes">
        <source>All %n similar (A)</source>
        <translation>
            <numerusform>Alle %n lignende (A)</numerusform>
            <numerusform>Alle %n lignende (A)</numerusform>
        </translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Omdøb</translation>
    </message>
    <message>
        <source>The name on %1 (leave it empty for a numbered name such as %2):</source>
        <translation>Navnet på %1 (lad det være tomt for et nummereret navn som f.eks. %2):</translation>
    </message>
    <message>
        <source>Type the target to check against first.</source>
        <translation>Skriv først det mål, der skal kontrolleres mod.</translation>
    </message>
    <message>
        <source>Checking for duplicates against %1…</source>
        <translation>Kontrollerer for dubletter mod %1…</translation>
    </message>
    <message>
        <source>Check against</source>
        <translation>Kontrollér mod</translation>
    </message>
    <message>
        <source>&amp;Target:</source>
        <translation>&amp;Mål:</translation>
    </message>
    <message>
        <source>Check a&amp;gainst:</source>
        <translation>Kontrollér &amp;mod:</translation>
    </message>
</context>
<context>
    <name>gh::EmptyCheck</name>
    <message>
        <source>Every file has content: no file is zero bytes long.</source>
        <translation>Hver fil har indhold: ingen fil er nul byte lang.</translation>
    </message>
    <message>
        <source>%1 is empty (0 bytes).</source>
        <translation>%1 er tom (0 byte).</translation>
    </message>
</context>
<context>
    <name>gh::Engine</name>
    <message>
        <source>The catalog is not open.</source>
        <translation>Kataloget er ikke åbent.</translation>
    </message>
    <message>
        <source>A batch is already running; cancel it or wait for it to finish.</source>
        <translation>En batch kører allerede; annuller den, eller vent, til den er færdig.</translation>
    </message>
    <message>
        <source>Running batch %1, a delivery from the hot folder.</source>
        <translation>Kører batch %1, en leverance fra den overvågede mappe.</translation>
    </message>
    <message>
        <source>Deleted %1.</source>
        <translation>Slettede %1.</translation>
    </message>
</context>
<context>
    <name>gh::EngineSettings</name>
    <message>
        <source>The settings file %1 does not exist or cannot be read.</source>
        <translation>Indstillingsfilen %1 findes ikke eller kan ikke læses.</translation>
    </message>
    <message>
        <source>The settings file %1 is not a valid INI file.</source>
        <translation>Indstillingsfilen %1 er ikke en gyldig INI-fil.</translation>
    </message>
    <message>
        <source>Cannot read the banned list %1: %2</source>
        <translation>Kan ikke læse spærrelisten %1: %2</translation>
    </message>
    <message>
        <source>Cannot write the settings file %1.</source>
        <translation>Kan ikke skrive indstillingsfilen %1.</translation>
    </message>
    <message>
        <source>fetch/key_template: %1</source>
        <translation>fetch/key_template: %1</translation>
    </message>
    <message>
        <source>settings</source>
        <translation>indstillinger</translation>
    </message>
</context>
<context>
    <name>gh::ExportMenu</name>
    <message>
        <source>&amp;Export</source>
        <translation>&amp;Eksportér</translation>
    </message>
    <message>
        <source>Export batch %1: %2</source>
        <translation>Eksportér batch %1: %2</translation>
    </message>
    <message>
        <source>Exporting batch %1 to %2…</source>
        <translation>Eksporterer batch %1 til %2…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuller</translation>
    </message>
    <message>
        <source>Exported batch %1 to %2.</source>
        <translation>Batch %1 blev eksporteret til %2.</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Eksporten mislykkedes</translation>
    </message>
    <message>
        <source>No batch to export, or an export is already running.</source>
        <translation>Ingen batch at eksportere, eller en eksport er allerede i gang.</translation>
    </message>
</context>
<context>
    <name>gh::ExportProgress</name>
    <message>
        <source>The export was cancelled.</source>
        <translation>Eksporten blev annulleret.</translation>
    </message>
</context>
<context>
    <name>gh::Exports</name>
    <message>
        <source>&amp;Summary (_SUMMARY)…</source>
        <translation>&amp;Oversigt (_SUMMARY)…</translation>
    </message>
    <message>
        <source>Text files (*.txt)</source>
        <translation>Tekstfiler (*.txt)</translation>
    </message>
    <message>
        <source>&amp;Files as CSV…</source>
        <translation>&amp;Filer som CSV…</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-filer (*.csv)</translation>
    </message>
    <message>
        <source>&amp;Errors and warnings as CSV…</source>
        <translation>F&amp;ejl og advarsler som CSV…</translation>
    </message>
    <message>
        <source>&amp;PREMIS 3 preservation metadata…</source>
        <translation>&amp;PREMIS 3-bevaringsmetadata…</translation>
    </message>
    <message>
        <source>XML files (*.xml)</source>
        <translation>XML-filer (*.xml)</translation>
    </message>
    <message>
        <source>&amp;METS document…</source>
        <translation>&amp;METS-dokument…</translation>
    </message>
    <message>
        <source>Ingest &amp;results as JSON lines…</source>
        <translation>Indlæsnings&amp;resultater som JSON-linjer…</translation>
    </message>
    <message>
        <source>JSON lines (*.jsonl)</source>
        <translation>JSON-linjer (*.jsonl)</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Kan ikke skrive %1: %2</translation>
    </message>
    <message>
        <source>&amp;QA sample and verdicts as CSV…</source>
        <translation>&amp;QA-stikprøve og bedømmelser som CSV…</translation>
    </message>
    <message>
        <source>&amp;Hand-fix list of duplicates…</source>
        <translation>&amp;Dubletliste til manuel rettelse…</translation>
    </message>
</context>
<context>
    <name>gh::FetchStage</name>
    <message>
        <source>Fetching %1 files of batch %2 into %3.</source>
        <translation>Henter %1 filer fra batch %2 til %3.</translation>
    </message>
    <message>
        <source>All files stored.</source>
        <translation>Alle filer er lagret.</translation>
    </message>
    <message>
        <source>The store %1 failed %2 times in a row; stopping. Last error: %3</source>
        <translation>Lageret %1 fejlede %2 gange i træk; stopper. Seneste fejl: %3</translation>
    </message>
    <message>
        <source>Refreshing %1 downloaded files with conditional requests.</source>
        <translation>Opdaterer %1 downloadede filer med betingede forespørgsler.</translation>
    </message>
    <message>
        <source>%1 is fresh until %2 by the server&apos;s own caching rules; not requested, the stored copy %3 is reused.</source>
        <translation>%1 er frisk indtil %2 ifølge serverens egne cacheregler; den blev ikke forespurgt, og den lagrede kopi %3 genbruges.</translation>
    </message>
</context>
<context>
    <name>gh::FileFilter</name>
    <message>
        <source>The filter term &quot;%1&quot; is not valid: %2</source>
        <translation>Filterudtrykket &quot;%1&quot; er ikke gyldigt: %2</translation>
    </message>
    <message>
        <source>the closing quote is missing.</source>
        <translation>det afsluttende anførselstegn mangler.</translation>
    </message>
    <message>
        <source>it has no value after the colon.</source>
        <translation>det har ingen værdi efter kolonet.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a status; use a status key such as &quot;fixity-mismatch&quot; or one of failed, ok, skipped, open.</source>
        <translation>&quot;%1&quot; er ikke en status; brug en statusnøgle såsom &quot;fixity-mismatch&quot; eller en af failed, ok, skipped, open.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a mimetype pattern; write &quot;image/png&quot; or &quot;image/*&quot;.</source>
        <translation>&quot;%1&quot; er ikke et mimetype-mønster; skriv &quot;image/png&quot; eller &quot;image/*&quot;.</translation>
    </message>
    <message>
        <source>only one size term may be given.</source>
        <translation>der må kun angives ét size-udtryk.</translation>
    </message>
    <message>
        <source>write a size range as &quot;10k..2M&quot;.</source>
        <translation>skriv et størrelsesinterval som &quot;10k..2M&quot;.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a size; write a number of bytes, optionally with k, M, G or T, after &gt;, &gt;=, &lt;, &lt;= or =.</source>
        <translation>&quot;%1&quot; er ikke en størrelse; skriv et antal byte, eventuelt med k, M, G eller T, efter &gt;, &gt;=, &lt;, &lt;= eller =.</translation>
    </message>
    <message>
        <source>no file is larger than that.</source>
        <translation>ingen fil er større end det.</translation>
    </message>
    <message>
        <source>no file is smaller than 0 bytes.</source>
        <translation>ingen fil er mindre end 0 byte.</translation>
    </message>
    <message>
        <source>the smallest size is larger than the largest.</source>
        <translation>den mindste størrelse er større end den største.</translation>
    </message>
    <message>
        <source>only one name term may be given.</source>
        <translation>der må kun angives ét name-udtryk.</translation>
    </message>
    <message>
        <source>only one qa term may be given.</source>
        <translation>der må kun angives ét qa-udtryk.</translation>
    </message>
    <message>
        <source>write &quot;qa:flagged&quot; or &quot;qa:unflagged&quot;.</source>
        <translation>skriv &quot;qa:flagged&quot; eller &quot;qa:unflagged&quot;.</translation>
    </message>
    <message>
        <source>name a QA check, such as &quot;check:xml-schema&quot;.</source>
        <translation>angiv en QA-kontrol, såsom &quot;check:xml-schema&quot;.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a filter; use status, mime, size, name, qa or check, or put the text in double quotes to search for it.</source>
        <translation>&quot;%1&quot; er ikke et filter; brug status, mime, size, name, qa eller check, eller sæt teksten i dobbelte anførselstegn for at søge efter den.</translation>
    </message>
</context>
<context>
    <name>gh::FileFinisher</name>
    <message>
        <source>Checksum mismatch: %1 (declared in %2)</source>
        <translation>Kontrolsummen stemmer ikke: %1 (angivet i %2)</translation>
    </message>
    <message>
        <source>The file is empty.</source>
        <translation>Filen er tom.</translation>
    </message>
    <message>
        <source>Stored %1 as %2 in %3</source>
        <translation>Lagrede %1 som %2 i %3</translation>
    </message>
    <message>
        <source>Found %1 already stored as %2 in %3 with the same bytes (an interrupted attempt stored it); not sent again</source>
        <translation>%1 fandtes allerede gemt som %2 i %3 med de samme bytes (et afbrudt forsøg gemte den); ikke sendt igen</translation>
    </message>
</context>
<context>
    <name>gh::FileMove</name>
    <message>
        <source>%1 did not move File:%2 to File:%3: %4 (%5).</source>
        <translation>%1 flyttede ikke File:%2 til File:%3: %4 (%5).</translation>
    </message>
    <message>
        <source>%1 gave no sign of moving File:%2 to File:%3.</source>
        <translation>%1 gav intet tegn på at flytte File:%2 til File:%3.</translation>
    </message>
</context>
<context>
    <name>gh::FileStage</name>
    <message>
        <source>%1: %2 files of batch %3 to do.</source>
        <translation>%1: %2 filer i batch %3 mangler.</translation>
    </message>
    <message>
        <source>%1 failed %2 times in a row; stopping. Last error: %3</source>
        <translation>%1 mislykkedes %2 gange i træk; stopper. Seneste fejl: %3</translation>
    </message>
    <message>
        <source>All files done.</source>
        <translation>Alle filer er færdige.</translation>
    </message>
    <message>
        <source>Retrying %1 files that failed transiently in an earlier run.</source>
        <translation>Prøver %1 filer igen, som fejlede midlertidigt i en tidligere kørsel.</translation>
    </message>
    <message>
        <source>Cancelled; the remaining files stay pending.</source>
        <translation>Annulleret; de resterende filer forbliver ventende.</translation>
    </message>
    <message>
        <source>Files needing attention: %1.</source>
        <translation>Filer, der kræver opmærksomhed: %1.</translation>
    </message>
    <message>
        <source>%1 %2/%3: %4</source>
        <translation>%1 %2/%3: %4</translation>
    </message>
    <message numerus="yes">
        <source>%1 stopped while it held %n file(s) of this batch; they are taken over.</source>
        <translation>
            <numerusform>%1 stoppede, mens den havde %n fil i dette batch; den overtages.</numerusform>
            <numerusform>%1 stoppede, mens den havde %n filer i dette batch; de overtages.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Waiting for %n file(s) that other Gatehouse processes are working on (%1).</source>
        <translation>
            <numerusform>Venter på %n fil, som andre Gatehouse-processer arbejder på (%1).</numerusform>
            <numerusform>Venter på %n filer, som andre Gatehouse-processer arbejder på (%1).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Another Gatehouse process took over %n file(s) after this one&apos;s lease on them ran out; its outcome for them is the one kept.</source>
        <translation>
            <numerusform>En anden Gatehouse-proces overtog %n fil, efter at denne proces’ reservation af den udløb; dens resultat for filen er det, der gemmes.</numerusform>
            <numerusform>En anden Gatehouse-proces overtog %n filer, efter at denne proces’ reservation af dem udløb; dens resultat for filerne er det, der gemmes.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: this process (%2) did %n file(s) of the batch.</source>
        <translation>
            <numerusform>%1: denne proces (%2) behandlede %n fil i batchet.</numerusform>
            <numerusform>%1: denne proces (%2) behandlede %n filer i batchet.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: %2 ended the stage for the whole batch.</source>
        <translation>%1: %2 afsluttede trinnet for hele batchen.</translation>
    </message>
</context>
<context>
    <name>gh::FileStateInfo</name>
    <message>
        <source>Pending</source>
        <translation>Ventende</translation>
    </message>
    <message>
        <source>Uploaded</source>
        <translation>Overført</translation>
    </message>
    <message>
        <source>Already there</source>
        <translation>Findes allerede</translation>
    </message>
    <message>
        <source>Needs a decision</source>
        <translation>Kræver en beslutning</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>Sprunget over</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Mislykkedes</translation>
    </message>
    <message>
        <source>Differs at the target</source>
        <translation>Afviger hos målet</translation>
    </message>
    <message>
        <source>Deleted</source>
        <translation>Slettet</translation>
    </message>
</context>
<context>
    <name>gh::FileTableModel</name>
    <message>
        <source>Item</source>
        <translation>Enhed</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Fil</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Størrelse</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <source>Stored as</source>
        <translation>Lagret som</translation>
    </message>
</context>
<context>
    <name>gh::FilterBar</name>
    <message>
        <source>Filter files: words, status:failed, mime:image/*, size:&gt;1M, name:*.tif</source>
        <translation>Filtrér filer: ord, status:failed, mime:image/*, size:&gt;1M, name:*.tif</translation>
    </message>
    <message>
        <source>Filter files</source>
        <translation>Filtrér filer</translation>
    </message>
    <message>
        <source>Words are searched in names, items, paths, digests and errors. Terms: status:KEY[,KEY] (or failed, ok, skipped, open), mime:TYPE/SUBTYPE or TYPE/*, size:&gt;1M, size:10k..2M, name:TEXT or a glob, qa:flagged. Quote text with spaces or colons.</source>
        <translation>Ord søges i navne, enheder, stier, kontrolsummer og fejl. Udtryk: status:KEY[,KEY] (eller failed, ok, skipped, open), mime:TYPE/SUBTYPE eller TYPE/*, size:&gt;1M, size:10k..2M, name:TEXT eller et glob-mønster, qa:flagged. Sæt tekst med mellemrum eller koloner i anførselstegn.</translation>
    </message>
    <message>
        <source>Status filter</source>
        <translation>Statusfilter</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Enhver status</translation>
    </message>
    <message>
        <source>Needs attention</source>
        <translation>Kræver opmærksomhed</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Færdig</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>Sprunget over</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Ventende</translation>
    </message>
    <message>
        <source>Type filter</source>
        <translation>Typefilter</translation>
    </message>
    <message>
        <source>Any type</source>
        <translation>Enhver type</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>Billeder</translation>
    </message>
    <message>
        <source>PDF documents</source>
        <translation>PDF-dokumenter</translation>
    </message>
    <message>
        <source>XML</source>
        <translation>XML</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Tekst</translation>
    </message>
    <message>
        <source>Audio</source>
        <translation>Lyd</translation>
    </message>
    <message>
        <source>Video</source>
        <translation>Video</translation>
    </message>
    <message>
        <source>Filter error</source>
        <translation>Filterfejl</translation>
    </message>
</context>
<context>
    <name>gh::FindingSeverity</name>
    <message>
        <source>warning</source>
        <translation>advarsel</translation>
    </message>
    <message>
        <source>flag</source>
        <translation>markering</translation>
    </message>
    <message>
        <source>error</source>
        <translation>fejl</translation>
    </message>
    <message numerus="yes">
        <source>%n error(s)</source>
        <translation>
            <numerusform>%n fejl</numerusform>
            <numerusform>%n fejl</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n warning(s)</source>
        <translation>
            <numerusform>%n advarsel</numerusform>
            <numerusform>%n advarsler</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n flag(s)</source>
        <translation>
            <numerusform>%n markering</numerusform>
            <numerusform>%n markeringer</numerusform>
        </translation>
    </message>
    <message>
        <source>no findings</source>
        <translation>ingen fund</translation>
    </message>
</context>
<context>
    <name>gh::Fixity</name>
    <message>
        <source>Cannot read the checksum file %1: %2</source>
        <translation>Kan ikke læse kontrolsumfilen %1: %2</translation>
    </message>
    <message>
        <source>The checksum file %1 does not hold a %2 digest.</source>
        <translation>Kontrolsumfilen %1 indeholder ikke en %2-kontrolsum.</translation>
    </message>
    <message>
        <source>%1 declared %2, computed %3</source>
        <translation>%1 angivet %2, beregnet %3</translation>
    </message>
    <message>
        <source>%1 verified against %2</source>
        <translation>%1 verificeret mod %2</translation>
    </message>
</context>
<context>
    <name>gh::FixityCheck</name>
    <message>
        <source>The checksums the source declared match the ones computed when the file was fetched.</source>
        <translation>De kontrolsummer, som kilden angav, stemmer med dem, der blev beregnet, da filen blev hentet.</translation>
    </message>
    <message>
        <source>%1: the checksum does not match: %2 (declared in %3).</source>
        <translation>%1: kontrolsummen stemmer ikke: %2 (angivet i %3).</translation>
    </message>
    <message>
        <source>the manifest</source>
        <translation>manifestet</translation>
    </message>
</context>
<context>
    <name>gh::FolderPackage</name>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation>Indlæsningen af %1 blev annulleret.</translation>
    </message>
    <message>
        <source>%1 is a symbolic link to %2, which does not exist.</source>
        <translation>%1 er et symbolsk link til %2, som ikke findes.</translation>
    </message>
    <message>
        <source>%1 is a symbolic link to %2, outside the batch folder; it was not read.</source>
        <translation>%1 er et symbolsk link til %2 uden for batchmappen; det blev ikke læst.</translation>
    </message>
    <message>
        <source>%1 is not a regular file (a device, socket or pipe).</source>
        <translation>%1 er ikke en almindelig fil (en enhedsfil, en socket eller et rør).</translation>
    </message>
    <message>
        <source>Did not follow links to folders: %1</source>
        <translation>Fulgte ikke links til mapper: %1</translation>
    </message>
    <message>
        <source>%1 is not in %2.</source>
        <translation>%1 er ikke i %2.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Kan ikke læse %1: %2</translation>
    </message>
    <message>
        <source>%1 is %2 bytes, more than the %3 bytes allowed for a manifest or tag file.</source>
        <translation>%1 er %2 byte, mere end de %3 byte, der er tilladt for en manifest- eller tag-fil.</translation>
    </message>
</context>
<context>
    <name>gh::HotFolderRunner</name>
    <message>
        <source>Stopping: %1 is cancelled after the files in progress; it is resumed next time.</source>
        <translation>Stopper: %1 annulleres efter de filer, der er i gang; den genoptages næste gang.</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>Fejl: %1</translation>
    </message>
    <message>
        <source>Delivery %1 was loaded as batch %2 and has not changed since; not loading it again.</source>
        <translation>Leverancen %1 blev indlæst som batch %2 og er ikke ændret siden; indlæser den ikke igen.</translation>
    </message>
    <message>
        <source>Delivery %1 (batch %2) did not finish; resuming it.</source>
        <translation>Leverancen %1 (batch %2) blev ikke færdig; genoptager den.</translation>
    </message>
    <message>
        <source>Loading delivery %1 (batch %2) did not finish; loading it again.</source>
        <translation>Indlæsningen af leverancen %1 (batch %2) blev ikke færdig; indlæser den igen.</translation>
    </message>
    <message>
        <source>loaded.</source>
        <translation>indlæst.</translation>
    </message>
    <message>
        <source>Delivery %1 changed since it was loaded as batch %2: %3 files, %4 bytes; loading it as a new batch.</source>
        <translation>Leverancen %1 er ændret, siden den blev indlæst som batch %2: %3 filer, %4 byte; indlæser den som en ny batch.</translation>
    </message>
    <message>
        <source>Delivery %1 settled: %2 files, %3 bytes; loading it.</source>
        <translation>Leverancen %1 er stabil: %2 filer, %3 byte; indlæser den.</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>Advarsel: %1</translation>
    </message>
    <message>
        <source>loaded (%1 items, %2 files).</source>
        <translation>indlæst (%1 enheder, %2 filer).</translation>
    </message>
    <message>
        <source>Delivery %1 finished as batch %2: %3</source>
        <translation>Leverancen %1 blev færdig som batch %2: %3</translation>
    </message>
    <message>
        <source>Delivery %1 failed%2: %3</source>
        <translation>Leverancen %1 mislykkedes%2: %3</translation>
    </message>
    <message>
        <source> (batch %1)</source>
        <translation> (batch %1)</translation>
    </message>
</context>
<context>
    <name>gh::HttpApiTransport</name>
    <message>
        <source>No answer from %1 to action=%2 after %3 attempts: %4</source>
        <translation>Intet svar fra %1 på action=%2 efter %3 forsøg: %4</translation>
    </message>
</context>
<context>
    <name>gh::HttpEngine</name>
    <message>
        <source>the received bytes could not be kept</source>
        <translation>de modtagne byte kunne ikke gemmes</translation>
    </message>
    <message>
        <source>the answer is larger than the %1 bytes expected of it</source>
        <translation>svaret er større end de forventede %1 byte</translation>
    </message>
    <message>
        <source>The request to %1 was cancelled.</source>
        <translation>Forespørgslen til %1 blev annulleret.</translation>
    </message>
    <message>
        <source>A blocking request to %1 was made on the HTTP engine&apos;s own thread.</source>
        <translation>En blokerende forespørgsel til %1 blev foretaget på HTTP-motorens egen tråd.</translation>
    </message>
</context>
<context>
    <name>gh::HttpEngineWorker</name>
    <message>
        <source>libcurl could not set up a transfer</source>
        <translation>libcurl kunne ikke oprette en overførsel</translation>
    </message>
    <message>
        <source>cannot read %1 to send it: %2</source>
        <translation>kan ikke læse %1 for at sende den: %2</translation>
    </message>
    <message>
        <source>the request&apos;s body cannot be sent a second time</source>
        <translation>forespørgslens indhold kan ikke sendes en gang til</translation>
    </message>
    <message>
        <source>%1 is shorter than the %2 bytes from offset %3 to be sent</source>
        <translation>%1 er kortere end de %2 byte fra position %3, der skal sendes</translation>
    </message>
    <message>
        <source>%1 could not be read after %2 bytes: %3</source>
        <translation>%1 kunne ikke læses efter %2 byte: %3</translation>
    </message>
    <message>
        <source>it ended</source>
        <translation>den sluttede</translation>
    </message>
    <message>
        <source>the request&apos;s body could not be read</source>
        <translation>forespørgslens indhold kunne ikke læses</translation>
    </message>
</context>
<context>
    <name>gh::IiifIngester</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Kan ikke læse %1: %2</translation>
    </message>
    <message>
        <source>%1 is %2 bytes, more than the %3 bytes allowed for a IIIF manifest.</source>
        <translation>%1 er %2 byte, mere end de %3 byte, der er tilladt for et IIIF-manifest.</translation>
    </message>
</context>
<context>
    <name>gh::IiifReader</name>
    <message>
        <source>line %1, column %2</source>
        <translation>linje %1, kolonne %2</translation>
    </message>
    <message>
        <source>%1 holds one JSON document per line, not a IIIF manifest.</source>
        <translation>%1 indeholder ét JSON-dokument pr. linje, ikke et IIIF-manifest.</translation>
    </message>
    <message>
        <source>%1 is not valid JSON: %2: %3.</source>
        <translation>%1 er ikke gyldig JSON: %2: %3.</translation>
    </message>
    <message>
        <source>%1 is not a IIIF manifest or collection: it is not a JSON object.</source>
        <translation>%1 er ikke et IIIF-manifest eller en IIIF-samling: den er ikke et JSON-objekt.</translation>
    </message>
    <message>
        <source>Read %1 as a IIIF Presentation %2 %3: %4 manifests with %5 canvases.</source>
        <translation>Læste %1 som IIIF Presentation %2 %3: %4 manifester med %5 canvasser.</translation>
    </message>
    <message>
        <source>collection</source>
        <translation>samling</translation>
    </message>
    <message>
        <source>manifest</source>
        <translation>manifest</translation>
    </message>
    <message>
        <source>%1 member manifests were read from files beside the collection.</source>
        <translation>%1 medlemsmanifester blev læst fra filer ved siden af samlingen.</translation>
    </message>
    <message>
        <source>%1 collection member manifests must be fetched before their canvases are known; each is recorded as an item with its manifest URL.</source>
        <translation>%1 medlemsmanifester i samlingen skal hentes, før deres canvasser kendes; hvert registreres som en enhed med sin manifest-URL.</translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation>Indlæsningen af %1 blev annulleret.</translation>
    </message>
    <message>
        <source>%1 is not a IIIF Presentation 2 or 3 document: its @context names neither version.</source>
        <translation>%1 er ikke et IIIF Presentation 2- eller 3-dokument: dets @context angiver ingen af versionerne.</translation>
    </message>
    <message>
        <source>%1 is neither a IIIF manifest nor a collection (its type is &quot;%2&quot;).</source>
        <translation>%1 er hverken et IIIF-manifest eller en samling (dets type er &quot;%2&quot;).</translation>
    </message>
    <message>
        <source>Attribution</source>
        <translation>Kreditering</translation>
    </message>
    <message>
        <source>Canvas %1 (%2) has no image, sound or video to download.</source>
        <translation>Canvas %1 (%2) har intet billede, lyd eller video at downloade.</translation>
    </message>
    <message>
        <source>The content of canvas %1 (%2) has no id to download.</source>
        <translation>Indholdet af canvas %1 (%2) har intet id at downloade.</translation>
    </message>
    <message>
        <source>The content of canvas %1 is at %2, which Gatehouse cannot download (only http and https).</source>
        <translation>Indholdet af canvas %1 ligger på %2, som Gatehouse ikke kan downloade (kun http og https).</translation>
    </message>
    <message>
        <source>%1 has %2 sequences; only the first is read.</source>
        <translation>%1 har %2 sekvenser; kun den første læses.</translation>
    </message>
    <message>
        <source>The manifest %1 has no canvases.</source>
        <translation>Manifestet %1 har ingen canvasser.</translation>
    </message>
    <message>
        <source>%1 nests collections more than %2 levels deep.</source>
        <translation>%1 indlejrer samlinger mere end %2 niveauer dybt.</translation>
    </message>
    <message>
        <source>The collection %1 has no members.</source>
        <translation>Samlingen %1 har ingen medlemmer.</translation>
    </message>
    <message>
        <source>The collection member %1 is not valid JSON: %2: %3.</source>
        <translation>Samlingsmedlemmet %1 er ikke gyldig JSON: %2: %3.</translation>
    </message>
    <message>
        <source>The collection member %1 is not a JSON object.</source>
        <translation>Samlingsmedlemmet %1 er ikke et JSON-objekt.</translation>
    </message>
    <message>
        <source>The collection %1 lists the manifest %2, which does not exist.</source>
        <translation>Samlingen %1 angiver manifestet %2, som ikke findes.</translation>
    </message>
    <message>
        <source>The collection %1 lists the manifest %2, outside its folder; it was not read.</source>
        <translation>Samlingen %1 angiver manifestet %2 uden for sin mappe; det blev ikke læst.</translation>
    </message>
    <message>
        <source>The collection %1 lists the manifest %2 more than once.</source>
        <translation>Samlingen %1 angiver manifestet %2 mere end én gang.</translation>
    </message>
    <message>
        <source>Collection member manifests must be fetched: %1 has not been downloaded yet, so its canvases are unknown.</source>
        <translation>Samlingens medlemsmanifester skal hentes: %1 er endnu ikke downloadet, så dets canvasser er ukendte.</translation>
    </message>
    <message>
        <source>%1 member manifests or collections were downloaded.</source>
        <translation>%1 medlemsmanifester eller -samlinger blev downloadet.</translation>
    </message>
    <message>
        <source>%1 collection members could not be read; each is recorded as an item whose file says why.</source>
        <translation>%1 samlingsmedlemmer kunne ikke læses; hvert registreres som en enhed, hvis fil angiver årsagen.</translation>
    </message>
    <message>
        <source>The collection %1 lists %2, which was already read; it is not read again.</source>
        <translation>Samlingen %1 angiver %2, som allerede er læst; det læses ikke igen.</translation>
    </message>
    <message>
        <source>The collection %1 lists more than %2 member manifests to download; %3 was not downloaded.</source>
        <translation>Samlingen %1 angiver mere end %2 medlemsmanifester, der skal downloades; %3 blev ikke downloadet.</translation>
    </message>
    <message>
        <source>The collection member %1 was not loaded.</source>
        <translation>Samlingsmedlemmet %1 blev ikke indlæst.</translation>
    </message>
    <message>
        <source>The collection member manifest %1 could not be read: %2</source>
        <translation>Samlingens medlemsmanifest %1 kunne ikke læses: %2</translation>
    </message>
    <message>
        <source>Downloaded the collection member %1 (%2 bytes).</source>
        <translation>Downloadede samlingsmedlemmet %1 (%2 byte).</translation>
    </message>
    <message>
        <source>It was redirected to %1.</source>
        <translation>Det blev omdirigeret til %1.</translation>
    </message>
</context>
<context>
    <name>gh::ImageDerivativeConverter</name>
    <message>
        <source>Gatehouse converts images only; the rule %1 starts from %2.</source>
        <translation>Gatehouse konverterer kun billeder; reglen %1 starter fra %2.</translation>
    </message>
    <message>
        <source>This installation cannot write %1 (rule %2).</source>
        <translation>Denne installation kan ikke skrive %1 (regel %2).</translation>
    </message>
    <message>
        <source>Cannot make the %1 copy of %2: %3</source>
        <translation>Kan ikke lave %1-kopien af %2: %3</translation>
    </message>
    <message>
        <source>The conversion of %1 was cancelled.</source>
        <translation>Konverteringen af %1 blev annulleret.</translation>
    </message>
    <message>
        <source>Cannot create the folder %1 for converted copies.</source>
        <translation>Kan ikke oprette mappen %1 til konverterede kopier.</translation>
    </message>
    <message>
        <source>Cannot create a converted copy in %1: %2</source>
        <translation>Kan ikke oprette en konverteret kopi i %1: %2</translation>
    </message>
    <message>
        <source>Cannot write the %1 copy of %2: %3</source>
        <translation>Kan ikke skrive %1-kopien af %2: %3</translation>
    </message>
</context>
<context>
    <name>gh::ImageProbe</name>
    <message>
        <source>cannot open %1: %2</source>
        <translation>kan ikke åbne %1: %2</translation>
    </message>
    <message>
        <source>cannot read the image header of %1: %2</source>
        <translation>kan ikke læse billedheaderen i %1: %2</translation>
    </message>
</context>
<context>
    <name>gh::ImageStatisticsAnalyser</name>
    <message>
        <source>cannot open %1: %2</source>
        <translation>kan ikke åbne %1: %2</translation>
    </message>
</context>
<context>
    <name>gh::ImsCpReader</name>
    <message>
        <source>and %1 more</source>
        <translation>og %1 mere</translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation>Indlæsningen af %1 blev annulleret.</translation>
    </message>
    <message>
        <source>%1 (line %2): the item &quot;%3&quot; refers to the resource %4, which the manifest does not define.</source>
        <translation>%1 (linje %2): enheden &quot;%3&quot; henviser til ressourcen %4, som manifestet ikke definerer.</translation>
    </message>
    <message>
        <source>%1 is not an IMS Content Packaging manifest: its root element is %2 in the namespace &quot;%3&quot;.</source>
        <translation>%1 er ikke et IMS Content Packaging-manifest: dets rodelement er %2 i navnerummet &quot;%3&quot;.</translation>
    </message>
    <message>
        <source>%1 (line %2): the resource identifier %3 is used twice; the second is ignored.</source>
        <translation>%1 (linje %2): ressourceidentifikatoren %3 bruges to gange; den anden ignoreres.</translation>
    </message>
    <message>
        <source>%1 has %2 organizations; the items follow &quot;%3&quot;.</source>
        <translation>%1 har %2 organisationer; enhederne følger &quot;%3&quot;.</translation>
    </message>
    <message>
        <source>Resource %1</source>
        <translation>Ressource %1</translation>
    </message>
    <message>
        <source>Files not listed in %1</source>
        <translation>Filer, der ikke er angivet i %1</translation>
    </message>
    <message>
        <source>Read %1 as an IMS content package: %2 items following the organization &quot;%3&quot;, %4 files.</source>
        <translation>Læste %1 som en IMS-indholdspakke: %2 enheder efter organisationen &quot;%3&quot;, %4 filer.</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) in the package are not listed in %1: %2.</source>
        <translation>
            <numerusform>%n fil i pakken er ikke opført i %1: %2.</numerusform>
            <numerusform>%n filer i pakken er ikke opført i %1: %2.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 lists %n file(s) that are missing: %2.</source>
        <translation>
            <numerusform>%1 opfører %n fil, der mangler: %2.</numerusform>
            <numerusform>%1 opfører %n filer, der mangler: %2.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::IngestRequestIngester</name>
    <message>
        <source>column %1</source>
        <translation>kolonne %1</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Kan ikke læse %1: %2</translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation>Indlæsningen af %1 blev annulleret.</translation>
    </message>
    <message>
        <source>%1 line %2, %3: %4</source>
        <translation>%1 linje %2, %3: %4</translation>
    </message>
    <message>
        <source>%1 line %2: an ingest request must be a JSON object.</source>
        <translation>%1 linje %2: en ingest-anmodning skal være et JSON-objekt.</translation>
    </message>
    <message>
        <source>%1 line %2: base_url &quot;%3&quot; is not an http or https URL.</source>
        <translation>%1 linje %2: base_url &quot;%3&quot; er ikke en http- eller https-URL.</translation>
    </message>
    <message>
        <source>%1 holds %2 ingest requests (JSON lines).</source>
        <translation>%1 indeholder %2 ingest-anmodninger (JSON lines).</translation>
    </message>
</context>
<context>
    <name>gh::Intake</name>
    <message>
        <source>The source %1 does not exist.</source>
        <translation>Kilden %1 findes ikke.</translation>
    </message>
    <message>
        <source>The source %1 cannot be read: permission denied.</source>
        <translation>Kilden %1 kan ikke læses: adgang nægtet.</translation>
    </message>
    <message numerus="yes">
        <source>%n record(s) on the banned list will be skipped.</source>
        <translation>
            <numerusform>%n post på listen over forbudte poster springes over.</numerusform>
            <numerusform>%n poster på listen over forbudte poster springes over.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message numerus="yes">
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n enhed</numerusform>
            <numerusform>%n enheder</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n fil</numerusform>
            <numerusform>%n filer</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::IntakeChain</name>
    <message>
        <source>%1 is a folder.</source>
        <translation>%1 er en mappe.</translation>
    </message>
    <message>
        <source>The source %1 cannot be read: %2</source>
        <translation>Kilden %1 kan ikke læses: %2</translation>
    </message>
    <message>
        <source>%1 is a file; its content is %2.</source>
        <translation>%1 er en fil; dens indhold er %2.</translation>
    </message>
    <message>
        <source>%1 is named like a %2 archive but is empty.</source>
        <translation>%1 er navngivet som et %2-arkiv, men er tom.</translation>
    </message>
    <message>
        <source>%1 is named like a %2 archive, but its content is %3, not a %2 archive.</source>
        <translation>%1 er navngivet som et %2-arkiv, men dets indhold er %3, ikke et %2-arkiv.</translation>
    </message>
    <message>
        <source>Refused members of %1: %2 (unsafe paths, links, limits or unsupported types); they are listed as files with that status and the reason.</source>
        <translation>Afviste elementer i %1: %2 (usikre stier, links, grænser eller ikke-understøttede typer); de vises som filer med denne status og årsagen.</translation>
    </message>
    <message>
        <source>%1 is a %2 archive with %3 entries (files: %4).</source>
        <translation>%1 er et %2-arkiv med %3 elementer (filer: %4).</translation>
    </message>
    <message>
        <source>Could not use %1 as a %2 package; using the plain listing instead.</source>
        <translation>Kunne ikke bruge %1 som en %2-pakke; bruger i stedet den simple filliste.</translation>
    </message>
    <message>
        <source>%1 stage: %2</source>
        <translation>Fasen %1: %2</translation>
    </message>
    <message>
        <source>The source %1 is not a valid URL.</source>
        <translation>Kilden %1 er ikke en gyldig URL.</translation>
    </message>
    <message>
        <source>No temporary folder for downloading %1: %2</source>
        <translation>Ingen midlertidig mappe til download af %1: %2</translation>
    </message>
    <message>
        <source>Cannot write the temporary copy %1 of %2: %3</source>
        <translation>Kan ikke skrive den midlertidige kopi %1 af %2: %3</translation>
    </message>
    <message>
        <source>%1 was downloaded (%2 bytes, served as %3); its content is %4.</source>
        <translation>%1 blev downloadet (%2 byte, leveret som %3); indholdet er %4.</translation>
    </message>
    <message>
        <source>no type</source>
        <translation>ingen type</translation>
    </message>
    <message>
        <source>It was redirected to %1.</source>
        <translation>Den blev omdirigeret til %1.</translation>
    </message>
    <message>
        <source>%1 is an archive; Gatehouse loads archives from a local copy, so download it and load the file.</source>
        <translation>%1 er et arkiv; Gatehouse indlæser arkiver fra en lokal kopi, så download det, og indlæs filen.</translation>
    </message>
    <message>
        <source>%1 looks like a %2 manifest, but the %2 reader refused it; it is loaded as a single file.</source>
        <translation>%1 ligner et %2-manifest, men %2-læseren afviste det; det indlæses som en enkelt fil.</translation>
    </message>
</context>
<context>
    <name>gh::IssuesModel</name>
    <message>
        <source>Error</source>
        <translation>Fejl</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Advarsel</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Alvorlighed</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Hvor</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Besked</translation>
    </message>
    <message>
        <source>QA flag</source>
        <translation>QA-markering</translation>
    </message>
</context>
<context>
    <name>gh::IssuesPanel</name>
    <message>
        <source>Problems</source>
        <translation>Problemer</translation>
    </message>
</context>
<context>
    <name>gh::Jp2Codec</name>
    <message>
        <source>Cannot encode an empty image as JPEG 2000.</source>
        <translation>Kan ikke kode et tomt billede som JPEG 2000.</translation>
    </message>
    <message>
        <source>openjpeg could not allocate a %1×%2 image.</source>
        <translation>openjpeg kunne ikke allokere et billede på %1×%2.</translation>
    </message>
    <message>
        <source>openjpeg rejected the encoder settings.</source>
        <translation>openjpeg afviste indkoderindstillingerne.</translation>
    </message>
    <message>
        <source>openjpeg failed to encode a %1×%2 image.</source>
        <translation>openjpeg kunne ikke kode et billede på %1×%2.</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>Kan ikke åbne %1: %2</translation>
    </message>
    <message>
        <source>%1 is not a JPEG 2000 file.</source>
        <translation>%1 er ikke en JPEG 2000-fil.</translation>
    </message>
    <message>
        <source>Cannot open %1 for reading.</source>
        <translation>Kan ikke åbne %1 til læsning.</translation>
    </message>
    <message>
        <source>openjpeg could not create a decoder for %1.</source>
        <translation>openjpeg kunne ikke oprette en dekoder til %1.</translation>
    </message>
    <message>
        <source>openjpeg rejected the decoder settings for %1.</source>
        <translation>openjpeg afviste dekoderindstillingerne for %1.</translation>
    </message>
    <message>
        <source>The JPEG 2000 header of %1 is damaged: %2</source>
        <translation>JPEG 2000-headeren i %1 er beskadiget: %2</translation>
    </message>
    <message>
        <source>%1 would decode to %2×%3 pixels, more than the limit of %4.</source>
        <translation>%1 ville blive afkodet til %2×%3 pixel, mere end grænsen på %4.</translation>
    </message>
    <message>
        <source>%1 does not offer %2 resolution levels in every tile: %3</source>
        <translation>%1 har ikke %2 opløsningsniveauer i alle fliser: %3</translation>
    </message>
    <message>
        <source>%1 is damaged or truncated; openjpeg says: %2</source>
        <translation>%1 er beskadiget eller afkortet; openjpeg siger: %2</translation>
    </message>
    <message>
        <source>%1 decoded to an empty component.</source>
        <translation>%1 blev afkodet til en tom komponent.</translation>
    </message>
    <message>
        <source>Not enough memory to hold %1 at %2×%3 pixels.</source>
        <translation>Ikke nok hukommelse til at rumme %1 ved %2×%3 pixel.</translation>
    </message>
</context>
<context>
    <name>gh::Jp2Structure</name>
    <message>
        <source>the box header at byte %1 is cut off: only %2 bytes remain</source>
        <translation>boksheaderen ved byte %1 er skåret af: kun %2 byte er tilbage</translation>
    </message>
    <message>
        <source>the box header at byte %1 cannot be read</source>
        <translation>boksheaderen ved byte %1 kan ikke læses</translation>
    </message>
    <message>
        <source>the %1 box at byte %2 has an invalid extended length</source>
        <translation>%1-boksen ved byte %2 har en ugyldig udvidet længde</translation>
    </message>
    <message>
        <source>the %1 box at byte %2 declares a length of %3 bytes, less than its own header</source>
        <translation>%1-boksen ved byte %2 angiver en længde på %3 byte, mindre end sin egen header</translation>
    </message>
    <message>
        <source>the %1 box at byte %2 declares %3 bytes but only %4 remain: the file is truncated</source>
        <translation>%1-boksen ved byte %2 angiver %3 byte, men kun %4 er tilbage: filen er afkortet</translation>
    </message>
    <message>
        <source>it does not start with the JP2 signature box</source>
        <translation>den begynder ikke med JP2-signaturboksen</translation>
    </message>
    <message>
        <source>it has more than %1 boxes; the rest was not read</source>
        <translation>den har mere end %1 bokse; resten blev ikke læst</translation>
    </message>
    <message>
        <source>the file type box (ftyp) does not follow the signature box; found %1 instead</source>
        <translation>filtypeboksen (ftyp) følger ikke efter signaturboksen; i stedet fandtes %1</translation>
    </message>
    <message>
        <source>the file type box is %1 bytes long, which is not a brand, a version and a list of four-byte entries</source>
        <translation>filtypeboksen er %1 byte lang, hvilket ikke svarer til et brand, en version og en liste af poster på fire byte</translation>
    </message>
    <message>
        <source>the file type box&apos;s brand is &quot;%1&quot;, not &quot;jp2 &quot;</source>
        <translation>filtypeboksens brand er &quot;%1&quot;, ikke &quot;jp2 &quot;</translation>
    </message>
    <message>
        <source>the file type box&apos;s compatibility list does not name &quot;jp2 &quot;</source>
        <translation>filtypeboksens kompatibilitetsliste nævner ikke &quot;jp2 &quot;</translation>
    </message>
    <message>
        <source>it has more than one JP2 header box (jp2h)</source>
        <translation>den har mere end én JP2-headerboks (jp2h)</translation>
    </message>
    <message>
        <source>the JP2 header box (jp2h) comes after the codestream box</source>
        <translation>JP2-headerboksen (jp2h) kommer efter kodestrømsboksen</translation>
    </message>
    <message>
        <source>the file type box (ftyp) is missing</source>
        <translation>filtypeboksen (ftyp) mangler</translation>
    </message>
    <message>
        <source>the JP2 header box (jp2h) is missing</source>
        <translation>JP2-headerboksen (jp2h) mangler</translation>
    </message>
    <message>
        <source>there is no contiguous codestream box (jp2c)</source>
        <translation>der er ingen sammenhængende kodestrømsboks (jp2c)</translation>
    </message>
    <message>
        <source>the JP2 header box holds more than %1 boxes; the rest was not read</source>
        <translation>JP2-headerboksen indeholder mere end %1 bokse; resten blev ikke læst</translation>
    </message>
    <message>
        <source>the JP2 header box does not start with an image header box (ihdr); found %1</source>
        <translation>JP2-headerboksen begynder ikke med en billedheaderboks (ihdr); fandt %1</translation>
    </message>
    <message>
        <source>the JP2 header box has no colour specification box (colr)</source>
        <translation>JP2-headerboksen har ingen farvespecifikationsboks (colr)</translation>
    </message>
    <message>
        <source>the image header says bit depths vary by component (BPC 255) but there is no bpcc box</source>
        <translation>billedheaderen angiver, at bitdybden varierer pr. komponent (BPC 255), men der er ingen bpcc-boks</translation>
    </message>
    <message>
        <source>the image header box (ihdr) holds %1 bytes; it must hold 14</source>
        <translation>billedheaderboksen (ihdr) indeholder %1 byte; den skal indeholde 14</translation>
    </message>
    <message>
        <source>the image header box (ihdr) cannot be read</source>
        <translation>billedheaderboksen (ihdr) kan ikke læses</translation>
    </message>
    <message>
        <source>the image header gives a size of %1×%2 pixels</source>
        <translation>billedheaderen angiver en størrelse på %1×%2 pixel</translation>
    </message>
    <message>
        <source>the image header gives no colour components</source>
        <translation>billedheaderen angiver ingen farvekomponenter</translation>
    </message>
    <message>
        <source>the image header gives a bit depth of %1, more than 38</source>
        <translation>billedheaderen angiver en bitdybde på %1, mere end 38</translation>
    </message>
    <message>
        <source>the image header&apos;s compression type is %1, not 7 (JPEG 2000)</source>
        <translation>billedheaderens komprimeringstype er %1, ikke 7 (JPEG 2000)</translation>
    </message>
    <message>
        <source>the image header&apos;s UnkC field is %1; it must be 0 or 1</source>
        <translation>billedheaderens UnkC-felt er %1; det skal være 0 eller 1</translation>
    </message>
    <message>
        <source>the image header&apos;s IPR field is %1; it must be 0 or 1</source>
        <translation>billedheaderens IPR-felt er %1; det skal være 0 eller 1</translation>
    </message>
    <message>
        <source>the colour specification box (colr) at byte %1 is too short</source>
        <translation>farvespecifikationsboksen (colr) ved byte %1 er for kort</translation>
    </message>
    <message>
        <source>the colour specification box (colr) at byte %1 uses an enumerated colour space but holds %2 bytes instead of 7</source>
        <translation>farvespecifikationsboksen (colr) ved byte %1 bruger et opregnet farverum, men indeholder %2 byte i stedet for 7</translation>
    </message>
    <message>
        <source>the colour specification box (colr) at byte %1 uses method %2; JP2 allows 1 and 2</source>
        <translation>farvespecifikationsboksen (colr) ved byte %1 bruger metode %2; JP2 tillader 1 og 2</translation>
    </message>
    <message>
        <source>the codestream does not start with the SOC and SIZ markers</source>
        <translation>kodestrømmen begynder ikke med SOC- og SIZ-markørerne</translation>
    </message>
    <message>
        <source>the codestream&apos;s main header has more than %1 marker segments</source>
        <translation>kodestrømmens hovedheader har mere end %1 markørsegmenter</translation>
    </message>
    <message>
        <source>the codestream ends in its main header, at byte %1: the file is truncated</source>
        <translation>kodestrømmen slutter i sin hovedheader, ved byte %1: filen er afkortet</translation>
    </message>
    <message>
        <source>the codestream&apos;s main header has %1 at byte %2 where a marker should be</source>
        <translation>kodestrømmens hovedheader har %1 ved byte %2, hvor der burde være en markør</translation>
    </message>
    <message>
        <source>the codestream ends (EOC) before its first tile-part</source>
        <translation>kodestrømmen slutter (EOC) før sin første tile-part</translation>
    </message>
    <message>
        <source>the marker segment %1 at byte %2 runs past the end of the codestream: the file is truncated</source>
        <translation>markørsegmentet %1 ved byte %2 rækker ud over kodestrømmens slutning: filen er afkortet</translation>
    </message>
    <message>
        <source>the codestream&apos;s main header has no coding style marker (COD)</source>
        <translation>kodestrømmens hovedheader har ingen kodningsstilmarkør (COD)</translation>
    </message>
    <message>
        <source>the codestream&apos;s main header has no quantization marker (QCD)</source>
        <translation>kodestrømmens hovedheader har ingen kvantiseringsmarkør (QCD)</translation>
    </message>
    <message>
        <source>the codestream&apos;s SIZ marker segment is cut off or too short</source>
        <translation>kodestrømmens SIZ-markørsegment er skåret af eller for kort</translation>
    </message>
    <message>
        <source>the codestream&apos;s SIZ marker segment cannot be read</source>
        <translation>kodestrømmens SIZ-markørsegment kan ikke læses</translation>
    </message>
    <message>
        <source>the SIZ marker segment is %1 bytes long for %2 components; it must be 38 + 3 per component</source>
        <translation>SIZ-markørsegmentet er %1 byte langt for %2 komponenter; det skal være 38 + 3 pr. komponent</translation>
    </message>
    <message>
        <source>the SIZ marker segment gives an empty image (Xsiz %1, XOsiz %2, Ysiz %3, YOsiz %4)</source>
        <translation>SIZ-markørsegmentet angiver et tomt billede (Xsiz %1, XOsiz %2, Ysiz %3, YOsiz %4)</translation>
    </message>
    <message>
        <source>the SIZ marker segment&apos;s tile grid does not cover the image</source>
        <translation>SIZ-markørsegmentets tile-gitter dækker ikke billedet</translation>
    </message>
    <message>
        <source>the SIZ marker segment defines %1 tiles; a codestream can index at most 65535</source>
        <translation>SIZ-markørsegmentet definerer %1 tiles; en kodestrøm kan højst indeksere 65535</translation>
    </message>
    <message>
        <source>component %1 has a subsampling factor of 0 in the SIZ marker segment</source>
        <translation>komponent %1 har en subsamplingfaktor på 0 i SIZ-markørsegmentet</translation>
    </message>
    <message>
        <source>the codestream ends at byte %1 without its end marker (EOC): the file is truncated</source>
        <translation>kodestrømmen slutter ved byte %1 uden sin slutmarkør (EOC): filen er afkortet</translation>
    </message>
    <message>
        <source>%1 bytes follow the codestream&apos;s end marker (EOC)</source>
        <translation>%1 byte følger efter kodestrømmens slutmarkør (EOC)</translation>
    </message>
    <message>
        <source>the codestream has %1 at byte %2 where a tile-part (SOT) or its end (EOC) should be</source>
        <translation>kodestrømmen har %1 ved byte %2, hvor der burde være en tile-part (SOT) eller slutningen (EOC)</translation>
    </message>
    <message>
        <source>the codestream has more tile-parts than its %1 tiles can have</source>
        <translation>kodestrømmen har flere tile-parts, end dens %1 tiles kan have</translation>
    </message>
    <message>
        <source>the tile-part header at byte %1 is cut off: the file is truncated</source>
        <translation>tile-part-headeren ved byte %1 er skåret af: filen er afkortet</translation>
    </message>
    <message>
        <source>the tile-part header at byte %1 is %2 bytes long; it must be 10</source>
        <translation>tile-part-headeren ved byte %1 er %2 byte lang; den skal være 10</translation>
    </message>
    <message>
        <source>the tile-part at byte %1 is for tile %2, but the image has %3 tiles</source>
        <translation>tile-parten ved byte %1 hører til tile %2, men billedet har %3 tiles</translation>
    </message>
    <message>
        <source>the codestream does not end with its end marker (EOC): the file is truncated</source>
        <translation>kodestrømmen slutter ikke med sin slutmarkør (EOC): filen er afkortet</translation>
    </message>
    <message>
        <source>tile-part %1 (tile %2) at byte %3 declares %4 bytes but the codestream ends %5 bytes after its start: the file is truncated</source>
        <translation>tile-part %1 (tile %2) ved byte %3 angiver %4 byte, men kodestrømmen slutter %5 byte efter dens start: filen er afkortet</translation>
    </message>
    <message>
        <source>the image header says %1×%2 pixels but the codestream says %3×%4</source>
        <translation>billedheaderen angiver %1×%2 pixel, men kodestrømmen angiver %3×%4</translation>
    </message>
    <message>
        <source>the image header says %1 components but the codestream has %2</source>
        <translation>billedheaderen angiver %1 komponenter, men kodestrømmen har %2</translation>
    </message>
    <message>
        <source>the JP2 header gives bit depths %1 but the codestream %2</source>
        <translation>JP2-headeren angiver bitdybderne %1, men kodestrømmen %2</translation>
    </message>
    <message>
        <source>it is too short to be JPEG 2000 (%1 bytes)</source>
        <translation>den er for kort til at være JPEG 2000 (%1 byte)</translation>
    </message>
    <message>
        <source>it cannot be opened: %1</source>
        <translation>den kan ikke åbnes: %1</translation>
    </message>
</context>
<context>
    <name>gh::Jp2StructureCheck</name>
    <message>
        <source>JPEG 2000 files have a sound JP2 structure: signature, file type, header with image header, codestream whose SIZ agrees, all tile-parts and the end marker.</source>
        <translation>JPEG 2000-filer har en sund JP2-struktur: signatur, filtype, header med billedheader, kodestrøm, hvis SIZ stemmer overens, alle tile-parts og slutmarkøren.</translation>
    </message>
    <message>
        <source>%1 is not a sound JPEG 2000 file: %2.</source>
        <translation>%1 er ikke en sund JPEG 2000-fil: %2.</translation>
    </message>
</context>
<context>
    <name>gh::LibarchiveBackend</name>
    <message>
        <source>%1 is empty, not a %2 archive.</source>
        <translation>%1 er tom, ikke et %2-arkiv.</translation>
    </message>
    <message>
        <source>%1 is not a readable %2 archive: %3</source>
        <translation>%1 er ikke et læsbart %2-arkiv: %3</translation>
    </message>
    <message>
        <source>%1 is damaged after its member %2 (the file may be truncated): %3</source>
        <translation>%1 er beskadiget efter elementet %2 (filen kan være afkortet): %3</translation>
    </message>
    <message>
        <source>%1 has no member number %2.</source>
        <translation>%1 har intet element nummer %2.</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>ukendt fejl</translation>
    </message>
</context>
<context>
    <name>gh::ListingIngester</name>
    <message>
        <source>Skipped operating-system files: %1</source>
        <translation>Sprang styresystemfiler over: %1</translation>
    </message>
    <message>
        <source>%1 holds no files.</source>
        <translation>%1 indeholder ingen filer.</translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation>Indlæsningen af %1 blev annulleret.</translation>
    </message>
    <message>
        <source>Listed %1: %2 in %3, grouped by folder and name stem; %4.</source>
        <translation>Listede %1: %2 i %3, grupperet efter mappe og navnestamme; %4.</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n fil</numerusform>
            <numerusform>%n filer</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n enhed</numerusform>
            <numerusform>%n enheder</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n checksum file(s) read</source>
        <translation>
            <numerusform>%n kontrolsumfil læst</numerusform>
            <numerusform>%n kontrolsumfiler læst</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::LocalCopy</name>
    <message>
        <source>%1 no longer exists.</source>
        <translation>%1 findes ikke længere.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Kan ikke læse %1: %2</translation>
    </message>
    <message>
        <source>Reading %1 failed after %2 bytes: %3</source>
        <translation>Læsning af %1 mislykkedes efter %2 byte: %3</translation>
    </message>
    <message>
        <source>%1 changed while it was being copied (%2 bytes read, %3 expected).</source>
        <translation>%1 ændrede sig, mens den blev kopieret (%2 byte læst, %3 forventet).</translation>
    </message>
    <message>
        <source>%1 is no longer a regular file (a folder, a pipe or a device now): not copied.</source>
        <translation>%1 er ikke længere en almindelig fil (nu en mappe, en pipe eller en enhed): ikke kopieret.</translation>
    </message>
</context>
<context>
    <name>gh::LocalStore</name>
    <message>
        <source>Cannot create the store folder %1.</source>
        <translation>Kan ikke oprette lagermappen %1.</translation>
    </message>
    <message>
        <source>Cannot open %1 in the store %2: %3</source>
        <translation>Kan ikke åbne %1 i lageret %2: %3</translation>
    </message>
    <message>
        <source>Cannot remove %1 from the store: %2</source>
        <translation>Kan ikke fjerne %1 fra lageret: %2</translation>
    </message>
    <message>
        <source>The copy of %1 written to the store reads back differently (sha256 %2; expected %3).</source>
        <translation>Kopien af %1, der blev skrevet til lageret, læses tilbage anderledes (sha256 %2; forventet %3).</translation>
    </message>
    <message>
        <source>The object was already committed or aborted.</source>
        <translation>Objektet er allerede committet eller afbrudt.</translation>
    </message>
    <message>
        <source>Cannot flush the store %1 to disk: %2</source>
        <translation>Kan ikke skrive lageret %1 til disken: %2</translation>
    </message>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation>Kan ikke oprette mappen %1.</translation>
    </message>
</context>
<context>
    <name>gh::LocalTarget</name>
    <message>
        <source>The target &quot;%1&quot; names no folder; write local:DIR.</source>
        <translation>Målet &quot;%1&quot; angiver ingen mappe; skriv local:DIR.</translation>
    </message>
    <message>
        <source>%1 already holds these bytes.</source>
        <translation>%1 indeholder allerede disse byte.</translation>
    </message>
    <message>
        <source>%1 already exists with other content (sha256 %2).</source>
        <translation>%1 findes allerede med andet indhold (sha256 %2).</translation>
    </message>
    <message>
        <source>%1 changed since it was stored: %2 bytes with sha256 %3 read, %4 bytes with sha256 %5 expected. Nothing was written to %6.</source>
        <translation>%1 er ændret, siden den blev lagret: %2 byte med sha256 %3 læst, %4 byte med sha256 %5 forventet. Intet blev skrevet til %6.</translation>
    </message>
    <message>
        <source>%1 is missing.</source>
        <translation>%1 mangler.</translation>
    </message>
    <message>
        <source>%1 differs from what was sent: %2 bytes with sha256 %3, expected %4 bytes with sha256 %5.</source>
        <translation>%1 afviger fra det, der blev sendt: %2 byte med sha256 %3, forventet %4 byte med sha256 %5.</translation>
    </message>
</context>
<context>
    <name>gh::LogShipper</name>
    <message>
        <source>Cannot copy %1 to %2</source>
        <translation>Kan ikke kopiere %1 til %2</translation>
    </message>
</context>
<context>
    <name>gh::Mailer</name>
    <message>
        <source>No mail server is configured ([mail] smtp_url and to).</source>
        <translation>Ingen mailserver er konfigureret ([mail] smtp_url og to).</translation>
    </message>
    <message>
        <source>Cannot send mail through %1: libcurl did not start.</source>
        <translation>Kan ikke sende mail gennem %1: libcurl startede ikke.</translation>
    </message>
    <message>
        <source>the server does not offer STARTTLS (add ?starttls=no to smtp_url to send in plain text)</source>
        <translation>serveren tilbyder ikke STARTTLS (tilføj ?starttls=no til smtp_url for at sende i klartekst)</translation>
    </message>
    <message>
        <source> (server answered %1)</source>
        <translation> (serveren svarede %1)</translation>
    </message>
    <message>
        <source>Cannot send mail through %1: %2</source>
        <translation>Kan ikke sende mail gennem %1: %2</translation>
    </message>
</context>
<context>
    <name>gh::MainWindow</name>
    <message>
        <source>Gatehouse</source>
        <translation>Gatehouse</translation>
    </message>
    <message>
        <source>Batches</source>
        <translation>Batches</translation>
    </message>
    <message>
        <source>Files of the selected batch</source>
        <translation>Filer i den valgte batch</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Log</translation>
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
        <source>Catalog %1 · store %2</source>
        <translation>Katalog %1 · lager %2</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>Fejl: %1</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Mislykkedes: %1</translation>
    </message>
    <message>
        <source>A batch is running; cancel it or wait before opening %1.</source>
        <translation>En batch kører; annuller den, eller vent, før du åbner %1.</translation>
    </message>
    <message>
        <source>Opening %1</source>
        <translation>Åbner %1</translation>
    </message>
    <message>
        <source>Open a batch folder</source>
        <translation>Åbn en batchmappe</translation>
    </message>
    <message>
        <source>Intake trace</source>
        <translation>Modtagelsesforløb</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>Fase</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>Beslutning</translation>
    </message>
    <message>
        <source>Open a folder or a file, or drop one on this window.</source>
        <translation>Åbn en mappe eller en fil, eller træk en ind på dette vindue.</translation>
    </message>
    <message>
        <source>Open &amp;File…</source>
        <translation>Åbn &amp;fil…</translation>
    </message>
    <message>
        <source>Open &amp;Web Address…</source>
        <translation>Åbn &amp;webadresse…</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Indstillinger…</translation>
    </message>
    <message>
        <source>Open a batch file</source>
        <translation>Åbn en batchfil</translation>
    </message>
    <message>
        <source>Batch sources (*.zip *.tar *.tar.gz *.tgz *.tar.bz2 *.tar.xz *.7z *.xml *.json *.jsonl *.csv *.tsv *.txt);;All files (*)</source>
        <translation>Batchkilder (*.zip *.tar *.tar.gz *.tgz *.tar.bz2 *.tar.xz *.7z *.xml *.json *.jsonl *.csv *.tsv *.txt);;Alle filer (*)</translation>
    </message>
    <message>
        <source>Settings saved; they apply to the next run.</source>
        <translation>Indstillingerne er gemt; de gælder fra næste kørsel.</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>advarsel</translation>
    </message>
    <message>
        <source>Thumbnails of the selected batch</source>
        <translation>Miniaturer i den valgte batch</translation>
    </message>
    <message>
        <source>Transfers</source>
        <translation>Overførsler</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>Problemer</translation>
    </message>
    <message>
        <source>Hot folder</source>
        <translation>Overvåget mappe</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pause</translation>
    </message>
    <message>
        <source>&amp;Filter Files</source>
        <translation>&amp;Filtrér filer</translation>
    </message>
    <message>
        <source>As a &amp;Table</source>
        <translation>Som &amp;tabel</translation>
    </message>
    <message>
        <source>As T&amp;humbnails</source>
        <translation>Som mi&amp;niaturer</translation>
    </message>
    <message>
        <source>&amp;Preview</source>
        <translation>Forhånds&amp;visning</translation>
    </message>
    <message>
        <source>Show the selected file large (Space in the file list)</source>
        <translation>Vis den valgte fil stort (mellemrum i fillisten)</translation>
    </message>
    <message>
        <source>&amp;Larger Thumbnails</source>
        <translation>&amp;Større miniaturer</translation>
    </message>
    <message>
        <source>&amp;Smaller Thumbnails</source>
        <translation>&amp;Mindre miniaturer</translation>
    </message>
    <message>
        <source>Watching %1</source>
        <translation>Overvåger %1</translation>
    </message>
    <message>
        <source>New deliveries in this folder are loaded and run once they stop changing.</source>
        <translation>Nye leverancer i denne mappe indlæses og køres, når de holder op med at ændre sig.</translation>
    </message>
    <message>
        <source>Re&amp;view Sample…</source>
        <translation>&amp;Gennemse stikprøve…</translation>
    </message>
    <message>
        <source>Review the batch&apos;s QA sample item by item, then approve or reject it</source>
        <translation>Gennemse batchens QA-stikprøve enhed for enhed, og godkend eller afvis den derefter</translation>
    </message>
    <message>
        <source>Choose a batch to review first.</source>
        <translation>Vælg først en batch at gennemse.</translation>
    </message>
    <message>
        <source>State of the selected batch</source>
        <translation>Den valgte batchs tilstand</translation>
    </message>
    <message>
        <source>Problems (%1)</source>
        <translation>Problemer (%1)</translation>
    </message>
    <message>
        <source>Check &amp;Again</source>
        <translation>Kontrollér &amp;igen</translation>
    </message>
    <message>
        <source>Read the batch&apos;s sidecars and manifests again and verify every stored copy; only what changed is copied.</source>
        <translation>Læs batchens sidefiler og manifester igen og verificér hver lagret kopi; kun det, der er ændret, kopieres.</translation>
    </message>
    <message>
        <source>Check &amp;Selected Files Again</source>
        <translation>Kontrollér &amp;valgte filer igen</translation>
    </message>
    <message>
        <source>Re&amp;name…</source>
        <translation>&amp;Omdøb…</translation>
    </message>
    <message>
        <source>Arc&amp;hive</source>
        <translation>A&amp;rkivér</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>&amp;Slet…</translation>
    </message>
    <message>
        <source>Show Ar&amp;chived Batches</source>
        <translation>Vis ar&amp;kiverede batches</translation>
    </message>
    <message>
        <source>&amp;Using Gatehouse</source>
        <translation>&amp;Brug af Gatehouse</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>&amp;Tastaturgenveje</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Resuming &quot;%1&quot; where it stopped when Gatehouse was closed.</source>
        <translation>Genoptager &quot;%1&quot;, hvor den stoppede, da Gatehouse blev lukket.</translation>
    </message>
    <message>
        <source>Resuming…</source>
        <translation>Genoptager…</translation>
    </message>
    <message>
        <source>Unarc&amp;hive</source>
        <translation>Fjern fra a&amp;rkiv</translation>
    </message>
    <message>
        <source>Opening %1 as a new batch</source>
        <translation>Åbner %1 som en ny batch</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>Indlæser %1…</translation>
    </message>
    <message>
        <source>Already a batch</source>
        <translation>Allerede en batch</translation>
    </message>
    <message>
        <source>This source is already the batch &quot;%1&quot; (loaded %2): %3.</source>
        <translation>Denne kilde er allerede batchen &quot;%1&quot; (indlæst %2): %3.</translation>
    </message>
    <message>
        <source>Open it as it is; check it again, which reads its sidecars and manifests again, verifies the stored copies and copies only what changed; or load everything again as a new batch.</source>
        <translation>Åbn den, som den er; kontrollér den igen, hvilket læser dens sidefiler og manifester igen, verificerer de lagrede kopier og kun kopierer det, der er ændret; eller indlæs alt igen som en ny batch.</translation>
    </message>
    <message>
        <source>&amp;Resume Existing Batch</source>
        <translation>&amp;Genoptag den eksisterende batch</translation>
    </message>
    <message>
        <source>&amp;Open Existing Batch</source>
        <translation>&amp;Åbn den eksisterende batch</translation>
    </message>
    <message>
        <source>&amp;New Batch</source>
        <translation>&amp;Ny batch</translation>
    </message>
    <message>
        <source>A batch is running; check again when it has finished.</source>
        <translation>En batch kører; kontrollér igen, når den er færdig.</translation>
    </message>
    <message>
        <source>Checking again…</source>
        <translation>Kontrollerer igen…</translation>
    </message>
    <message numerus="yes">
        <source>Checking %n file(s) again…</source>
        <translation>
            <numerusform>Kontrollerer %n fil igen…</numerusform>
            <numerusform>Kontrollerer %n filer igen…</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to do: every file of &quot;%1&quot; is done. Check Again (Ctrl+R) reads its sidecars and manifests again.</source>
        <translation>Intet at gøre: alle filer i &quot;%1&quot; er færdige. Kontrollér igen (Ctrl+R) læser dens sidefiler og manifester igen.</translation>
    </message>
    <message>
        <source>Watch a folder for new deliveries</source>
        <translation>Overvåg en mappe for nye leverancer</translation>
    </message>
    <message>
        <source>Rename Batch</source>
        <translation>Omdøb batch</translation>
    </message>
    <message>
        <source>New name of batch %1:</source>
        <translation>Nyt navn på batch %1:</translation>
    </message>
    <message>
        <source>Archived &quot;%1&quot;: it is kept, and View ▸ Show Archived Batches shows it again.</source>
        <translation>Arkiverede &quot;%1&quot;: den bevares, og Vis ▸ Vis arkiverede batches viser den igen.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is shown on the dashboard again.</source>
        <translation>&quot;%1&quot; vises på oversigten igen.</translation>
    </message>
    <message>
        <source>Delete Batch</source>
        <translation>Slet batch</translation>
    </message>
    <message>
        <source>Delete %1?</source>
        <translation>Slet %1?</translation>
    </message>
    <message>
        <source>The batch, its records and events, its log and the stored copies no other batch uses are removed. This cannot be undone; archiving hides a batch and keeps it.</source>
        <translation>Batchen, dens poster og hændelser, dens log og de lagrede kopier, som ingen anden batch bruger, fjernes. Det kan ikke fortrydes; arkivering skjuler en batch og bevarer den.</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Slet</translation>
    </message>
    <message>
        <source>Show the Source in the File Manager</source>
        <translation>Vis kilden i filhåndteringen</translation>
    </message>
    <message>
        <source>Open the Source in the Browser</source>
        <translation>Åbn kilden i browseren</translation>
    </message>
    <message>
        <source>Copy the Source&apos;s Address</source>
        <translation>Kopiér kildens adresse</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>&amp;Åbn</translation>
    </message>
    <message>
        <source>Show the Stored Copy in the File Manager</source>
        <translation>Vis den lagrede kopi i filhåndteringen</translation>
    </message>
    <message>
        <source>Copy SHA-256</source>
        <translation>Kopiér SHA-256</translation>
    </message>
    <message>
        <source>Copy the Stored Copy&apos;s Path</source>
        <translation>Kopiér den lagrede kopis sti</translation>
    </message>
    <message>
        <source>Only Files &quot;%1&quot;</source>
        <translation>Kun filer &quot;%1&quot;</translation>
    </message>
    <message>
        <source>Only Files of Type %1</source>
        <translation>Kun filer af typen %1</translation>
    </message>
    <message>
        <source>Show All Files</source>
        <translation>Vis alle filer</translation>
    </message>
    <message>
        <source>A Batch Is Running</source>
        <translation>En batch kører</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is still running.</source>
        <translation>&quot;%1&quot; kører stadig.</translation>
    </message>
    <message>
        <source>A batch is still running.</source>
        <translation>En batch kører stadig.</translation>
    </message>
    <message>
        <source>Pause and quit: Gatehouse carries on with it the next time it starts. Stop and quit: it stays as it is, and Resume finishes it later. Files already stored are kept either way.</source>
        <translation>Sæt på pause og afslut: Gatehouse fortsætter med den, næste gang programmet starter. Stop og afslut: den forbliver, som den er, og Genoptag gør den færdig senere. Filer, der allerede er lagret, bevares i begge tilfælde.</translation>
    </message>
    <message>
        <source>&amp;Pause and Quit</source>
        <translation>Sæt på &amp;pause og afslut</translation>
    </message>
    <message>
        <source>&amp;Stop and Quit</source>
        <translation>&amp;Stop og afslut</translation>
    </message>
    <message>
        <source>Preview &amp;Upload of File…</source>
        <translation>&amp;Forhåndsvis overførsel af fil…</translation>
    </message>
    <message>
        <source>Duplicates</source>
        <translation>Dubletter</translation>
    </message>
    <message>
        <source>Duplicates (%1 open)</source>
        <translation>Dubletter (%1 åbne)</translation>
    </message>
    <message>
        <source>&amp;Go to Duplicates</source>
        <translation>&amp;Gå til dubletter</translation>
    </message>
</context>
<context>
    <name>gh::ManifestFiles</name>
    <message>
        <source>%1 (line %2)</source>
        <translation>%1 (linje %2)</translation>
    </message>
    <message>
        <source>(no location)</source>
        <translation>(ingen placering)</translation>
    </message>
    <message>
        <source>%1 lists a file without a location.</source>
        <translation>%1 angiver en fil uden placering.</translation>
    </message>
    <message>
        <source>%1 lists %2, whose scheme %3 Gatehouse cannot fetch.</source>
        <translation>%1 angiver %2, hvis skema %3 Gatehouse ikke kan hente.</translation>
    </message>
    <message>
        <source>%1 lists the absolute path %2; files must be inside the package.</source>
        <translation>%1 angiver den absolutte sti %2; filer skal ligge i pakken.</translation>
    </message>
    <message>
        <source>%1 lists %2, which is outside the package.</source>
        <translation>%1 angiver %2, som er uden for pakken.</translation>
    </message>
    <message>
        <source>%1 lists %2, which is not in the package.</source>
        <translation>%1 angiver %2, som ikke er i pakken.</translation>
    </message>
    <message>
        <source>%1 lists %2, which is outside the manifest&apos;s folder %3; it was not read.</source>
        <translation>%1 angiver %2, som er uden for manifestets mappe %3; den blev ikke læst.</translation>
    </message>
    <message>
        <source>%1 lists %2, which does not exist.</source>
        <translation>%1 angiver %2, som ikke findes.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Kan ikke læse %1: %2</translation>
    </message>
    <message>
        <source>%1 is %2 bytes, more than the %3 bytes allowed for an XML manifest.</source>
        <translation>%1 er %2 byte, mere end de %3 byte, der er tilladt for et XML-manifest.</translation>
    </message>
    <message>
        <source>%1 lists %2 inside the archive %3, which cannot be opened: %4</source>
        <translation>%1 angiver %2 i arkivet %3, som ikke kan åbnes: %4</translation>
    </message>
    <message>
        <source>%1 lists %2 inside the archive %3, which does not hold it.</source>
        <translation>%1 angiver %2 i arkivet %3, som ikke indeholder den.</translation>
    </message>
</context>
<context>
    <name>gh::MediaWikiApi</name>
    <message>
        <source>The wiki refused a request of %1 bytes as too large (HTTP 413).</source>
        <translation>Wikien afviste en forespørgsel på %1 byte som for stor (HTTP 413).</translation>
    </message>
    <message>
        <source>The wiki answered HTTP %1 to action=%2.</source>
        <translation>Wikien svarede HTTP %1 på action=%2.</translation>
    </message>
    <message>
        <source>The wiki dropped a request of %1 bytes: it is larger than the server accepts in one request.</source>
        <translation>Wikien afbrød en forespørgsel på %1 byte: den er større, end serveren accepterer i én forespørgsel.</translation>
    </message>
    <message>
        <source>The wiki answered action=%1 with something other than the API&apos;s JSON (HTTP %2, %3 bytes starting &quot;%4&quot;).</source>
        <translation>Wikien svarede på action=%1 med noget andet end API&apos;ets JSON (HTTP %2, %3 byte, der begynder med &quot;%4&quot;).</translation>
    </message>
    <message>
        <source>The wiki refused action=%1: %2 (%3).</source>
        <translation>Wikien afviste action=%1: %2 (%3).</translation>
    </message>
    <message>
        <source>The wiki is lagged (%1); waiting as it asks.</source>
        <translation>Wikien er forsinket (%1); venter, som den beder om.</translation>
    </message>
    <message>
        <source>(no reason given)</source>
        <translation>(ingen begrundelse angivet)</translation>
    </message>
</context>
<context>
    <name>gh::MediaWikiClient</name>
    <message>
        <source>%1 %2 Gave up after the retries.</source>
        <translation>%1 %2 Opgav efter de nye forsøg.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>No account to upload to %1 with: set GATEHOUSE_MEDIAWIKI_USER and GATEHOUSE_MEDIAWIKI_PASSWORD (a bot password from Special:BotPasswords), the [mediawiki] user and password settings, or store the password in the desktop keyring.</source>
        <translation>Ingen konto at overføre til %1 med: angiv GATEHOUSE_MEDIAWIKI_USER og GATEHOUSE_MEDIAWIKI_PASSWORD (en botadgangskode fra Special:BotPasswords), indstillingerne user og password under [mediawiki], eller gem adgangskoden i skrivebordets nøglering.</translation>
    </message>
    <message>
        <source>%1 gave no login token.</source>
        <translation>%1 gav intet login-token.</translation>
    </message>
    <message>
        <source>%1 refused the login of %2: %3 (Use a bot password from Special:BotPasswords; the user is written Name@appid.)</source>
        <translation>%1 afviste login for %2: %3 (Brug en botadgangskode fra Special:BotPasswords; brugeren skrives Name@appid.)</translation>
    </message>
    <message>
        <source>%1 gave no edit token after the login of %2.</source>
        <translation>%1 gav intet redigeringstoken efter login for %2.</translation>
    </message>
    <message>
        <source>%1 lost the session of %2 %3 times in a row, even right after logging in; stopping. Check that the bot password has the upload grants and that the wiki keeps sessions.</source>
        <translation>%1 mistede sessionen for %2 %3 gange i træk, selv lige efter login; stopper. Kontrollér, at botadgangskoden har rettighederne til overførsel, og at wikien bevarer sessioner.</translation>
    </message>
</context>
<context>
    <name>gh::MediaWikiTarget</name>
    <message>
        <source>The target &quot;%1&quot; is not a wiki&apos;s API address; write mediawiki:https://host/w/api.php.</source>
        <translation>Målet &quot;%1&quot; er ikke en wikis API-adresse; skriv mediawiki:https://host/w/api.php.</translation>
    </message>
    <message>
        <source>The target &quot;%1&quot; must name the wiki&apos;s api.php, as in mediawiki:https://host/w/api.php.</source>
        <translation>Målet &quot;%1&quot; skal angive wikiens api.php, som i mediawiki:https://host/w/api.php.</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Annulleret.</translation>
    </message>
    <message>
        <source>Read %1 of the %2 bytes of %3.</source>
        <translation>Læste %1 af de %2 byte i %3.</translation>
    </message>
    <message>
        <source>Cannot read bytes %1 to %2 of %3.</source>
        <translation>Kan ikke læse byte %1 til %2 i %3.</translation>
    </message>
    <message>
        <source>%1 answered a chunk of %2 unexpectedly: %3</source>
        <translation>%1 svarede uventet på en del af %2: %3</translation>
    </message>
    <message>
        <source>%1 has been processing %2 for %3 s (stage %4); giving up for now.</source>
        <translation>%1 har behandlet %2 i %3 s (trin %4); opgiver indtil videre.</translation>
    </message>
    <message>
        <source>%1 gave an answer Gatehouse does not understand for %2: %3</source>
        <translation>%1 gav et svar for %2, som Gatehouse ikke forstår: %3</translation>
    </message>
    <message>
        <source>%1 is missing after the upload.</source>
        <translation>%1 mangler efter overførslen.</translation>
    </message>
    <message>
        <source>%1 holds other bytes than were sent: %2 bytes with SHA-1 %3, expected %4 bytes with SHA-1 %5.</source>
        <translation>%1 indeholder andre byte end dem, der blev sendt: %2 byte med SHA-1 %3, forventet %4 byte med SHA-1 %5.</translation>
    </message>
    <message>
        <source>Cannot delete File:%1 from %2: %3 (%4).</source>
        <translation>Kan ikke slette File:%1 fra %2: %3 (%4).</translation>
    </message>
</context>
<context>
    <name>gh::MediaWikiTitle</name>
    <message>
        <source>The title template &quot;%1&quot; gives no usable name for %2.</source>
        <translation>Titelskabelonen &quot;%1&quot; giver intet brugbart navn for %2.</translation>
    </message>
</context>
<context>
    <name>gh::MetadataPane</name>
    <message>
        <source>no language</source>
        <translation>intet sprog</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nej</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(ingen)</translation>
    </message>
    <message>
        <source>In other languages:</source>
        <translation>På andre sprog:</translation>
    </message>
    <message>
        <source>IIIF version</source>
        <translation>IIIF-version</translation>
    </message>
    <message>
        <source>IIIF manifest</source>
        <translation>IIIF-manifest</translation>
    </message>
    <message>
        <source>Metadata format</source>
        <translation>Metadataformat</translation>
    </message>
    <message>
        <source>Required statement</source>
        <translation>Påkrævet erklæring</translation>
    </message>
    <message>
        <source>Navigation date</source>
        <translation>Navigationsdato</translation>
    </message>
    <message>
        <source>Bag info</source>
        <translation>Bag-info</translation>
    </message>
    <message>
        <source>Ingest request</source>
        <translation>Ingest-anmodning</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Metadata</source>
        <translation>Metadata</translation>
    </message>
    <message>
        <source>METS structure</source>
        <translation>METS-struktur</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>Batch</translation>
    </message>
    <message>
        <source>Film</source>
        <translation>Film</translation>
    </message>
    <message>
        <source>Newspaper</source>
        <translation>Avis</translation>
    </message>
    <message>
        <source>Line in the source</source>
        <translation>Linje i kilden</translation>
    </message>
    <message>
        <source>(no label)</source>
        <translation>(ingen label)</translation>
    </message>
    <message>
        <source>Identifier</source>
        <translation>Identifikator</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Label</translation>
    </message>
    <message>
        <source>The source gave no descriptive metadata for this item.</source>
        <translation>Kilden angav ingen beskrivende metadata for denne enhed.</translation>
    </message>
    <message>
        <source>%1 (%2 bytes)</source>
        <translation>%1 (%2 byte)</translation>
    </message>
    <message>
        <source>not computed yet</source>
        <translation>endnu ikke beregnet</translation>
    </message>
    <message>
        <source>matches</source>
        <translation>stemmer</translation>
    </message>
    <message>
        <source>differs from the computed %1: %2</source>
        <translation>afviger fra den beregnede %1: %2</translation>
    </message>
    <message>
        <source>unknown time</source>
        <translation>ukendt tidspunkt</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Forsøg</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>Behandlet</translation>
    </message>
    <message>
        <source>the source declared %1</source>
        <translation>kilden angav %1</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Størrelse</translation>
    </message>
    <message>
        <source>Size (declared)</source>
        <translation>Størrelse (angivet)</translation>
    </message>
    <message>
        <source>(sniffed from the content)</source>
        <translation>(udledt af indholdet)</translation>
    </message>
    <message>
        <source>(declared by the source)</source>
        <translation>(angivet af kilden)</translation>
    </message>
    <message>
        <source>The declared type disagrees with the content.</source>
        <translation>Den angivne type stemmer ikke med indholdet.</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Dimensions</source>
        <translation>Dimensioner</translation>
    </message>
    <message>
        <source>Digests</source>
        <translation>Kontrolsummer</translation>
    </message>
    <message>
        <source>the source</source>
        <translation>kilden</translation>
    </message>
    <message>
        <source>Declared checksums</source>
        <translation>Angivne kontrolsummer</translation>
    </message>
    <message>
        <source>from %1</source>
        <translation>fra %1</translation>
    </message>
    <message>
        <source>Stored as</source>
        <translation>Lagret som</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Kilde</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>Sti</translation>
    </message>
    <message>
        <source>Archive member</source>
        <translation>Arkivelement</translation>
    </message>
    <message>
        <source>HTTP</source>
        <translation>HTTP</translation>
    </message>
    <message>
        <source>ETag</source>
        <translation>ETag</translation>
    </message>
    <message>
        <source>Last-Modified</source>
        <translation>Last-Modified</translation>
    </message>
    <message>
        <source>Final URL</source>
        <translation>Endelig URL</translation>
    </message>
    <message>
        <source>Redirects (%1)</source>
        <translation>Omdirigeringer (%1)</translation>
    </message>
    <message>
        <source>Nothing has happened to this file yet.</source>
        <translation>Der er endnu ikke sket noget med denne fil.</translation>
    </message>
    <message>
        <source>file</source>
        <translation>fil</translation>
    </message>
    <message>
        <source>item</source>
        <translation>enhed</translation>
    </message>
    <message>
        <source>batch</source>
        <translation>batch</translation>
    </message>
    <message>
        <source>unknown agent</source>
        <translation>ukendt agent</translation>
    </message>
    <message>
        <source>File metadata</source>
        <translation>Filmetadata</translation>
    </message>
    <message>
        <source>Select a file to see its metadata.</source>
        <translation>Vælg en fil for at se dens metadata.</translation>
    </message>
    <message>
        <source>No file selected</source>
        <translation>Ingen fil valgt</translation>
    </message>
    <message>
        <source>Descriptive metadata</source>
        <translation>Beskrivende metadata</translation>
    </message>
    <message>
        <source>Technical metadata</source>
        <translation>Tekniske metadata</translation>
    </message>
    <message>
        <source>Provenance</source>
        <translation>Proveniens</translation>
    </message>
    <message>
        <source>&amp;Descriptive</source>
        <translation>&amp;Beskrivende</translation>
    </message>
    <message>
        <source>&amp;Technical</source>
        <translation>&amp;Tekniske</translation>
    </message>
    <message>
        <source>Pro&amp;venance</source>
        <translation>&amp;Proveniens</translation>
    </message>
    <message>
        <source>no copy of the file on this machine</source>
        <translation>ingen kopi af filen på denne maskine</translation>
    </message>
    <message>
        <source>reading…</source>
        <translation>læser…</translation>
    </message>
    <message>
        <source>%1 × %2 pixels</source>
        <translation>%1 × %2 pixel</translation>
    </message>
    <message>
        <source>unknown (%1)</source>
        <translation>ukendt (%1)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ingen</translation>
    </message>
    <message>
        <source>Quality</source>
        <translation>Kvalitet</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>Fund</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>Billede</translation>
    </message>
    <message>
        <source>Histogram</source>
        <translation>Histogram</translation>
    </message>
    <message>
        <source>Peak / mean</source>
        <translation>Top / middelværdi</translation>
    </message>
    <message>
        <source>%1 / %2 of 255</source>
        <translation>%1 / %2 af 255</translation>
    </message>
    <message>
        <source>Sampled at</source>
        <translation>Analyseret ved</translation>
    </message>
    <message>
        <source>%1 × %2 pixels (%3 levels reduced)</source>
        <translation>%1 × %2 pixel (reduceret %3 niveauer)</translation>
    </message>
</context>
<context>
    <name>gh::MetsReader</name>
    <message>
        <source>and %1 more</source>
        <translation>og %1 mere</translation>
    </message>
    <message>
        <source>%1 (line %2): the dmdSec %3 refers to external metadata (mdRef), which is not read.</source>
        <translation>%1 (linje %2): dmdSec %3 henviser til eksterne metadata (mdRef), som ikke læses.</translation>
    </message>
    <message>
        <source>%1 (line %2): the dmdSec %3 holds neither MODS nor Dublin Core; its metadata is not read.</source>
        <translation>%1 (linje %2): dmdSec %3 indeholder hverken MODS eller Dublin Core; dens metadata læses ikke.</translation>
    </message>
    <message>
        <source>%1 (line %2): the file ID %3 is used twice; the second is ignored.</source>
        <translation>%1 (linje %2): fil-ID&apos;et %3 bruges to gange; det andet ignoreres.</translation>
    </message>
    <message>
        <source>%1 (line %2): the file %3 has no location.</source>
        <translation>%1 (linje %2): filen %3 har ingen placering.</translation>
    </message>
    <message>
        <source>%1 (line %2): the file %3 is embedded in the METS document (FContent), which Gatehouse does not extract.</source>
        <translation>%1 (linje %2): filen %3 er indlejret i METS-dokumentet (FContent), som Gatehouse ikke udtrækker.</translation>
    </message>
    <message>
        <source>%1 (line %2): the SIZE %3 of %4 is not a number of bytes.</source>
        <translation>%1 (linje %2): SIZE %3 for %4 er ikke et antal byte.</translation>
    </message>
    <message>
        <source>%1 (line %2) declares %3 bytes for %4, but the file has %5 bytes.</source>
        <translation>%1 (linje %2) angiver %3 byte for %4, men filen har %5 byte.</translation>
    </message>
    <message>
        <source>%1 (line %2): the checksum type &quot;%3&quot; of %4 is not one Gatehouse verifies (MD5, SHA-1, SHA-256, SHA-512); it is ignored.</source>
        <translation>%1 (linje %2): kontrolsumtypen &quot;%3&quot; for %4 er ikke en, som Gatehouse verificerer (MD5, SHA-1, SHA-256, SHA-512); den ignoreres.</translation>
    </message>
    <message>
        <source>%1 (line %2): the %3 checksum &quot;%4&quot; of %5 is malformed; it is ignored.</source>
        <translation>%1 (linje %2): %3-kontrolsummen &quot;%4&quot; for %5 er fejlformet; den ignoreres.</translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation>Indlæsningen af %1 blev annulleret.</translation>
    </message>
    <message>
        <source>%1 is not a METS document: its root element is %2 in the namespace &quot;%3&quot;.</source>
        <translation>%1 er ikke et METS-dokument: dets rodelement er %2 i navnerummet &quot;%3&quot;.</translation>
    </message>
    <message>
        <source>%1 has no structure map (structMap with a div); METS requires one.</source>
        <translation>%1 har intet strukturkort (structMap med en div); METS kræver ét.</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>Files not in the structure map</source>
        <translation>Filer, der ikke er i strukturkortet</translation>
    </message>
    <message>
        <source>Files not listed in %1</source>
        <translation>Filer, der ikke er angivet i %1</translation>
    </message>
    <message>
        <source>%1: the structure map points to file IDs the fileSec does not define: %2.</source>
        <translation>%1: strukturkortet peger på fil-ID&apos;er, som fileSec ikke definerer: %2.</translation>
    </message>
    <message>
        <source>Read %1 as METS: %2 items from the %3 structure map (%4 divisions), %5 files.</source>
        <translation>Læste %1 som METS: %2 enheder fra strukturkortet %3 (%4 inddelinger), %5 filer.</translation>
    </message>
    <message>
        <source>untyped</source>
        <translation>uden type</translation>
    </message>
    <message numerus="yes">
        <source>%1 lists %n file(s) that no division of the structure map points to: %2.</source>
        <translation>
            <numerusform>%1 opfører %n fil, som ingen inddeling i strukturkortet peger på: %2.</numerusform>
            <numerusform>%1 opfører %n filer, som ingen inddeling i strukturkortet peger på: %2.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) in the package are not listed in %1: %2.</source>
        <translation>
            <numerusform>%n fil i pakken er ikke opført i %1: %2.</numerusform>
            <numerusform>%n filer i pakken er ikke opført i %1: %2.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 lists %n file(s) that are missing: %2.</source>
        <translation>
            <numerusform>%1 opfører %n fil, der mangler: %2.</numerusform>
            <numerusform>%1 opfører %n filer, der mangler: %2.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::MimetypeExtensionCheck</name>
    <message>
        <source>The type of each file&apos;s content agrees with the type its extension says.</source>
        <translation>Typen af hver fils indhold stemmer med den type, som filendelsen angiver.</translation>
    </message>
    <message>
        <source>%1: the content is %2 (%3), but the extension &quot;%4&quot; says %5.</source>
        <translation>%1: indholdet er %2 (%3), men filendelsen &quot;%4&quot; angiver %5.</translation>
    </message>
    <message>
        <source>%1: the content is not a %2 file: its bytes begin with no known signature.</source>
        <translation>%1: indholdet er ikke en fil af typen %2: dens bytes begynder ikke med nogen kendt signatur.</translation>
    </message>
</context>
<context>
    <name>gh::NameTemplate</name>
    <message>
        <source>The template &quot;%1&quot; has {%2}: the part after &quot;:&quot; must be a number of characters, as in {%3:100}.</source>
        <translation>Skabelonen &quot;%1&quot; har {%2}: delen efter &quot;:&quot; skal være et antal tegn, som i {%3:100}.</translation>
    </message>
</context>
<context>
    <name>gh::NewspaperBatchIngester</name>
    <message>
        <source>and %1 more</source>
        <translation>og %1 mere</translation>
    </message>
    <message>
        <source>%1 is not laid out as a newspaper batch.</source>
        <translation>%1 er ikke opbygget som en avisbatch.</translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation>Indlæsningen af %1 blev annulleret.</translation>
    </message>
    <message>
        <source>The page %1 has no page number in its file name or MODS.</source>
        <translation>Siden %1 har intet sidetal i filnavnet eller i MODS.</translation>
    </message>
    <message>
        <source>The page %1 has no %2 file: %3 is missing from the batch.</source>
        <translation>Siden %1 har ingen %2-fil: %3 mangler i batchen.</translation>
    </message>
    <message>
        <source>%1 (missing %2)</source>
        <translation>%1 (mangler %2)</translation>
    </message>
    <message>
        <source>%1 pages lack one of their four files (jp2, mix, mods, alto): %2.</source>
        <translation>%1 sider mangler en af deres fire filer (jp2, mix, mods, alto): %2.</translation>
    </message>
    <message>
        <source>%1 files are outside the newspaper batch layout; they are included with the folder they are in: %2.</source>
        <translation>%1 filer er uden for avisbatchens struktur; de medtages sammen med den mappe, de ligger i: %2.</translation>
    </message>
    <message>
        <source>%1 files have no .md5 checksum file: %2.</source>
        <translation>%1 filer har ingen .md5-kontrolsumfil: %2.</translation>
    </message>
    <message>
        <source>Film folders whose number is not the batch&apos;s (%1): %2.</source>
        <translation>Filmmapper, hvis nummer ikke er batchens (%1): %2.</translation>
    </message>
    <message>
        <source>Read %1 as newspaper batch %2, roundtrip %3: %4, %5, %6; %7, %8; %9.</source>
        <translation>Læste %1 som avisbatch %2, rundtur %3: %4, %5, %6; %7, %8; %9.</translation>
    </message>
    <message numerus="yes">
        <source>%n film(s)</source>
        <translation>
            <numerusform>%n film</numerusform>
            <numerusform>%n film</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n edition(s)</source>
        <translation>
            <numerusform>%n udgave</numerusform>
            <numerusform>%n udgaver</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n page(s)</source>
        <translation>
            <numerusform>%n side</numerusform>
            <numerusform>%n sider</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n enhed</numerusform>
            <numerusform>%n enheder</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n fil</numerusform>
            <numerusform>%n filer</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n checksum file(s) read</source>
        <translation>
            <numerusform>%n kontrolsumfil læst</numerusform>
            <numerusform>%n kontrolsumfiler læst</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::OcrConfidenceCheck</name>
    <message>
        <source>The mean word confidence (WC) of each ALTO file reaches the profile&apos;s threshold.</source>
        <translation>Den gennemsnitlige ordsikkerhed (WC) i hver ALTO-fil når profilens tærskel.</translation>
    </message>
    <message>
        <source>%1: the mean OCR word confidence is %2 over %3 words, below %4.</source>
        <translation>%1: den gennemsnitlige OCR-ordsikkerhed er %2 over %3 ord, under %4.</translation>
    </message>
</context>
<context>
    <name>gh::PageSequenceCheck</name>
    <message>
        <source>The pages of every newspaper edition are numbered from 1, consecutively, with no number twice, and MODS agrees with the file names.</source>
        <translation>Siderne i hver avisudgave er nummereret fortløbende fra 1, uden at noget nummer optræder to gange, og MODS stemmer med filnavnene.</translation>
    </message>
    <message>
        <source>%1: MODS gives page %2, but the file name says page %3.</source>
        <translation>%1: MODS angiver side %2, men filnavnet siger side %3.</translation>
    </message>
    <message>
        <source>%1: page %2 of edition %3 is there twice; %4 has the same number.</source>
        <translation>%1: side %2 i udgave %3 findes to gange; %4 har samme nummer.</translation>
    </message>
    <message>
        <source>page %1</source>
        <translation>side %1</translation>
    </message>
    <message>
        <source>pages %1 to %2</source>
        <translation>siderne %1 til %2</translation>
    </message>
    <message>
        <source>%1: edition %2 does not start at page 1: %3 is missing, the first page is %4.</source>
        <translation>%1: udgave %2 begynder ikke ved side 1: %3 mangler, den første side er %4.</translation>
    </message>
    <message>
        <source>%1: edition %2 has no %3: the pages go from %4 to %5.</source>
        <translation>%1: udgave %2 mangler %3: siderne går fra %4 til %5.</translation>
    </message>
</context>
<context>
    <name>gh::PageText</name>
    <message>
        <source>Cannot read the page template %1: %2</source>
        <translation>Kan ikke læse sideskabelonen %1: %2</translation>
    </message>
    <message>
        <source>The page template %1 is not UTF-8 text.</source>
        <translation>Sideskabelonen %1 er ikke UTF-8-tekst.</translation>
    </message>
</context>
<context>
    <name>gh::Preferences</name>
    <message>
        <source>the settings</source>
        <translation>indstillingerne</translation>
    </message>
</context>
<context>
    <name>gh::PremisWriter</name>
    <message>
        <source>The %1 stage of Gatehouse</source>
        <translation>Gatehouses %1-fase</translation>
    </message>
    <message>
        <source>Writing the PREMIS document failed: %1</source>
        <translation>Skrivningen af PREMIS-dokumentet mislykkedes: %1</translation>
    </message>
</context>
<context>
    <name>gh::PreviewWidget</name>
    <message>
        <source>Preview image</source>
        <translation>Forhåndsvisningsbillede</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Forhåndsvisning</translation>
    </message>
    <message>
        <source>Previous page</source>
        <translation>Forrige side</translation>
    </message>
    <message>
        <source>Previous page (Page Up)</source>
        <translation>Forrige side (Page Up)</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>Næste side</translation>
    </message>
    <message>
        <source>Next page (Page Down)</source>
        <translation>Næste side (Page Down)</translation>
    </message>
    <message>
        <source>Page</source>
        <translation>Side</translation>
    </message>
    <message>
        <source>File shown</source>
        <translation>Vist fil</translation>
    </message>
    <message>
        <source>−</source>
        <translation>−</translation>
    </message>
    <message>
        <source>Zoom out (-)</source>
        <translation>Zoom ud (-)</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>Zoom ud</translation>
    </message>
    <message>
        <source>+</source>
        <translation>+</translation>
    </message>
    <message>
        <source>Zoom in (+)</source>
        <translation>Zoom ind (+)</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>Zoom ind</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Tilpas</translation>
    </message>
    <message>
        <source>Fit to window (F)</source>
        <translation>Tilpas til vinduet (F)</translation>
    </message>
    <message>
        <source>100%</source>
        <translation>100%</translation>
    </message>
    <message>
        <source>Actual size (1)</source>
        <translation>Faktisk størrelse (1)</translation>
    </message>
    <message>
        <source>Actual size</source>
        <translation>Faktisk størrelse</translation>
    </message>
    <message>
        <source>Select a file to preview it.</source>
        <translation>Vælg en fil for at forhåndsvise den.</translation>
    </message>
    <message>
        <source>%1 is not on this machine yet.</source>
        <translation>%1 er endnu ikke på denne maskine.</translation>
    </message>
    <message>
        <source>Loading %1 …</source>
        <translation>Indlæser %1 …</translation>
    </message>
    <message>
        <source>No preview: %1</source>
        <translation>Ingen forhåndsvisning: %1</translation>
    </message>
    <message>
        <source>Page %1 of %2</source>
        <translation>Side %1 af %2</translation>
    </message>
    <message>
        <source>Actual size (1) — now %1%</source>
        <translation>Faktisk størrelse (1) — nu %1%</translation>
    </message>
    <message>
        <source>Files of this item</source>
        <translation>Filer i denne enhed</translation>
    </message>
    <message>
        <source>Every file of this item: its pages and its metadata</source>
        <translation>Alle filer i denne enhed: dens sider og dens metadata</translation>
    </message>
    <message>
        <source>File content</source>
        <translation>Filens indhold</translation>
    </message>
    <message>
        <source>[Only the first %1 are shown.]</source>
        <translation>[Kun de første %1 vises.]</translation>
    </message>
</context>
<context>
    <name>gh::Problems</name>
    <message>
        <source>The source could not be loaded: %1</source>
        <translation>Kilden kunne ikke indlæses: %1</translation>
    </message>
    <message>
        <source>Loading the source was interrupted; Run or Resume loads it again.</source>
        <translation>Indlæsningen af kilden blev afbrudt; Kør eller genoptag indlæser den igen.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>The %1 stage could not run.</source>
        <translation>Trinnet %1 kunne ikke køre.</translation>
    </message>
    <message numerus="yes">
        <source>Gatehouse stopped during this stage with %n file(s) still to do; Run or Resume continues.</source>
        <translation>
            <numerusform>Gatehouse stoppede under dette trin med %n fil tilbage; Kør eller genoptag fortsætter.</numerusform>
            <numerusform>Gatehouse stoppede under dette trin med %n filer tilbage; Kør eller genoptag fortsætter.</numerusform>
        </translation>
    </message>
    <message>
        <source>Gatehouse stopped during this stage; Run or Resume continues.</source>
        <translation>Gatehouse stoppede under dette trin; Kør eller genoptag fortsætter.</translation>
    </message>
    <message numerus="yes">
        <source>The run stopped with %n file(s) still to do; Run or Resume continues.</source>
        <translation>
            <numerusform>Kørslen stoppede med %n fil tilbage; Kør eller genoptag fortsætter.</numerusform>
            <numerusform>Kørslen stoppede med %n filer tilbage; Kør eller genoptag fortsætter.</numerusform>
        </translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>Batch</translation>
    </message>
    <message>
        <source>Intake warning</source>
        <translation>Modtagelsesadvarsel</translation>
    </message>
    <message>
        <source>%1 failed</source>
        <translation>%1 mislykkedes</translation>
    </message>
    <message>
        <source>%1 not finished</source>
        <translation>%1 ikke færdig</translation>
    </message>
    <message>
        <source>No problems</source>
        <translation>Ingen problemer</translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s)</source>
        <translation>
            <numerusform>%n problem</numerusform>
            <numerusform>%n problemer</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n error(s)</source>
        <translation>
            <numerusform>%n fejl</numerusform>
            <numerusform>%n fejl</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n warning(s)</source>
        <translation>
            <numerusform>%n advarsel</numerusform>
            <numerusform>%n advarsler</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n QA flag(s)</source>
        <translation>
            <numerusform>%n QA-markering</numerusform>
            <numerusform>%n QA-markeringer</numerusform>
        </translation>
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
        <translation>Fremskridt</translation>
    </message>
    <message>
        <source>Cancel the running stage</source>
        <translation>Annuller den kørende fase</translation>
    </message>
    <message>
        <source>Stop after the files in progress; the rest stay pending and resume next time.</source>
        <translation>Stop efter de filer, der er i gang; resten forbliver ventende og genoptages næste gang.</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Annullerer…</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 af %2</translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>%1 tilbage</translation>
    </message>
    <message>
        <source>problems: %1</source>
        <translation>problemer: %1</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Starter…</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Genoptag</translation>
    </message>
    <message>
        <source>Check A&amp;gain</source>
        <translation>Kontrollér i&amp;gen</translation>
    </message>
    <message>
        <source>State of the selected batch</source>
        <translation>Den valgte batchs tilstand</translation>
    </message>
    <message>
        <source>Resume the batch</source>
        <translation>Genoptag batchen</translation>
    </message>
    <message>
        <source>Carry on where the batch stopped: every stage with work left goes on (F5).</source>
        <translation>Fortsæt, hvor batchen stoppede: hvert trin med arbejde tilbage fortsætter (F5).</translation>
    </message>
    <message>
        <source>Check the batch again</source>
        <translation>Kontrollér batchen igen</translation>
    </message>
    <message>
        <source>Read the sidecars and manifests again and verify every stored copy; only changed files are copied (Ctrl+R).</source>
        <translation>Læs sidefilerne og manifesterne igen og verificér hver lagret kopi; kun ændrede filer kopieres (Ctrl+R).</translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n file(s)</source>
        <translation>
            <numerusform>%1 af %n fil</numerusform>
            <numerusform>%1 af %n filer</numerusform>
        </translation>
    </message>
    <message>
        <source>paused</source>
        <translation>på pause</translation>
    </message>
    <message>
        <source>Could not be loaded: %1</source>
        <translation>Kunne ikke indlæses: %1</translation>
    </message>
    <message>
        <source>%1 stored</source>
        <translation>%1 lagret</translation>
    </message>
    <message numerus="yes">
        <source>%n with a problem</source>
        <translation>
            <numerusform>%n med et problem</numerusform>
            <numerusform>%n med problemer</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 skipped</source>
        <translation>%1 sprunget over</translation>
    </message>
    <message>
        <source>%1 still to do</source>
        <translation>%1 mangler endnu</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n fil</numerusform>
            <numerusform>%n filer</numerusform>
        </translation>
    </message>
    <message>
        <source>no problems</source>
        <translation>ingen problemer</translation>
    </message>
    <message>
        <source>last run %1</source>
        <translation>sidste kørsel %1</translation>
    </message>
    <message>
        <source>No batch selected.</source>
        <translation>Ingen batch valgt.</translation>
    </message>
    <message>
        <source>Nothing to fetch.</source>
        <translation>Intet at hente.</translation>
    </message>
</context>
<context>
    <name>gh::QaCsv</name>
    <message>
        <source>Batch %1 has no QA sample yet; draw one first (gatehouse-cli sample %1).</source>
        <translation>Batch %1 har endnu ingen QA-stikprøve; udtag en først (gatehouse-cli sample %1).</translation>
    </message>
    <message>
        <source>Cannot read the files of item %1 from %2: %3</source>
        <translation>Kan ikke læse filerne i enhed %1 fra %2: %3</translation>
    </message>
</context>
<context>
    <name>gh::QaProfile</name>
    <message>
        <source>%1: check/min_width and min_height may not exceed max_width and max_height.</source>
        <translation>%1: check/min_width og min_height må ikke overstige max_width og max_height.</translation>
    </message>
    <message>
        <source>The QA profile %1 does not exist or cannot be read.</source>
        <translation>QA-profilen %1 findes ikke eller kan ikke læses.</translation>
    </message>
    <message>
        <source>The QA profile %1 is not a valid INI file.</source>
        <translation>QA-profilen %1 er ikke en gyldig INI-fil.</translation>
    </message>
    <message>
        <source>%1: check/severities takes CHECK=error, CHECK=warning or CHECK=flag, not &quot;%2&quot;.</source>
        <translation>%1: check/severities tager CHECK=error, CHECK=warning eller CHECK=flag, ikke &quot;%2&quot;.</translation>
    </message>
</context>
<context>
    <name>gh::QaProfileEditor</name>
    <message>
        <source>&amp;Fetch standard schemas</source>
        <translation>Hent &amp;standardskemaer</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Checks that run</source>
        <translation>Kontroller, der køres</translation>
    </message>
    <message>
        <source>Checks</source>
        <translation>Kontroller</translation>
    </message>
    <message>
        <source>none: XML is checked for well-formedness only</source>
        <translation>ingen: XML kontrolleres kun for velformethed</translation>
    </message>
    <message>
        <source>the fetched standard set</source>
        <translation>det hentede standardsæt</translation>
    </message>
    <message>
        <source>XML schema folder or catalog</source>
        <translation>XML-skemamappe eller -katalog</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Gennemse…</translation>
    </message>
    <message>
        <source>Folder of XML schemas</source>
        <translation>Mappe med XML-skemaer</translation>
    </message>
    <message>
        <source>Download ALTO, MIX, MODS, METS, PREMIS, XLink and xml.xsd from their official locations into %1</source>
        <translation>Hent ALTO, MIX, MODS, METS, PREMIS, XLink og xml.xsd fra deres officielle placeringer til %1</translation>
    </message>
    <message>
        <source>XML schemas</source>
        <translation>XML-skemaer</translation>
    </message>
    <message>
        <source>no bound</source>
        <translation>ingen grænse</translation>
    </message>
    <message>
        <source>Thresholds</source>
        <translation>Tærskler</translation>
    </message>
    <message>
        <source>&amp;Sample size (longer side):</source>
        <translation>&amp;Prøvestørrelse (længste side):</translation>
    </message>
    <message>
        <source>Dark page: histogram peak &amp;below:</source>
        <translation>Mørk side: histogramtop &amp;under:</translation>
    </message>
    <message>
        <source>Blank page: &amp;ink is darker than:</source>
        <translation>Tom side: blæk er &amp;mørkere end:</translation>
    </message>
    <message>
        <source>Blank page: at &amp;most this much ink:</source>
        <translation>Tom side: h&amp;øjst så meget blæk:</translation>
    </message>
    <message>
        <source>Black border: &amp;near black is at most:</source>
        <translation>Sort kant: &amp;næsten sort er højst:</translation>
    </message>
    <message>
        <source>Black border: more &amp;than this much near black:</source>
        <translation>Sort kant: mere &amp;end så meget næsten sort:</translation>
    </message>
    <message>
        <source>&amp;OCR: mean word confidence at least:</source>
        <translation>&amp;OCR: gennemsnitlig ordsikkerhed mindst:</translation>
    </message>
    <message>
        <source>Smallest &amp;width:</source>
        <translation>Mindste &amp;bredde:</translation>
    </message>
    <message>
        <source>&amp;Largest width:</source>
        <translation>S&amp;tørste bredde:</translation>
    </message>
    <message>
        <source>Smallest &amp;height:</source>
        <translation>Mindste &amp;højde:</translation>
    </message>
    <message>
        <source>Largest h&amp;eight:</source>
        <translation>Største hø&amp;jde:</translation>
    </message>
    <message>
        <source>Downloading the standard schemas…</source>
        <translation>Henter standardskemaerne…</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>Saved %1 schemas and a catalog:</source>
        <translation>Gemte %1 skemaer og et katalog:</translation>
    </message>
</context>
<context>
    <name>gh::QaReview</name>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 %2: %3</source>
        <translation>%1 %2: %3</translation>
    </message>
</context>
<context>
    <name>gh::Recheck</name>
    <message numerus="yes">
        <source>%n problem(s) resolved</source>
        <translation>
            <numerusform>%n problem løst</numerusform>
            <numerusform>%n problemer løst</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) still with problems</source>
        <translation>
            <numerusform>%n fil stadig med problemer</numerusform>
            <numerusform>%n filer stadig med problemer</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n stored copy(-ies) verified</source>
        <translation>
            <numerusform>%n lagret kopi verificeret</numerusform>
            <numerusform>%n lagrede kopier verificeret</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) to copy again</source>
        <translation>
            <numerusform>%n fil skal kopieres igen</numerusform>
            <numerusform>%n filer skal kopieres igen</numerusform>
        </translation>
    </message>
    <message>
        <source>nothing to copy again</source>
        <translation>intet skal kopieres igen</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) no longer listed by the source</source>
        <translation>
            <numerusform>%n fil opføres ikke længere af kilden</numerusform>
            <numerusform>%n filer opføres ikke længere af kilden</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Checked %n file(s): %1.</source>
        <translation>
            <numerusform>Kontrollerede %n fil: %1.</numerusform>
            <numerusform>Kontrollerede %n filer: %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>The source could not be read again; the checksums declared earlier were used.</source>
        <translation>Kilden kunne ikke læses igen; de kontrolsummer, der blev angivet tidligere, blev brugt.</translation>
    </message>
    <message>
        <source>reading %1 was stopped</source>
        <translation>læsningen af %1 blev stoppet</translation>
    </message>
    <message>
        <source>The stored copy %1 could not be read (%2); the file will be copied again.</source>
        <translation>Den lagrede kopi %1 kunne ikke læses (%2); filen kopieres igen.</translation>
    </message>
    <message>
        <source>The stored copy %1 no longer holds the bytes that were stored (sha256 %2, now %3); the file will be copied again.</source>
        <translation>Den lagrede kopi %1 indeholder ikke længere de bytes, der blev lagret (sha256 %2, nu %3); filen kopieres igen.</translation>
    </message>
    <message>
        <source>The stored copy %1 is intact, but the source changed since it was copied; the file will be copied again.</source>
        <translation>Den lagrede kopi %1 er intakt, men kilden er ændret, siden den blev kopieret; filen kopieres igen.</translation>
    </message>
    <message>
        <source>The file is empty.</source>
        <translation>Filen er tom.</translation>
    </message>
    <message>
        <source>Stored copy %1 verified: sha256 %2.</source>
        <translation>Lagret kopi %1 verificeret: sha256 %2.</translation>
    </message>
    <message>
        <source>Checked again: the file will be fetched again.</source>
        <translation>Kontrolleret igen: filen hentes igen.</translation>
    </message>
    <message>
        <source>Batch %1 is being processed (%2 stage, %3); check it again when that has finished.</source>
        <translation>Batch %1 er under behandling (trinnet %2, %3); kontrollér den igen, når det er færdigt.</translation>
    </message>
    <message>
        <source>File %1 is not in batch %2.</source>
        <translation>Filen %1 er ikke i batch %2.</translation>
    </message>
    <message>
        <source>Checking batch %1 again: reading %2.</source>
        <translation>Kontrollerer batch %1 igen: læser %2.</translation>
    </message>
    <message>
        <source>Checking batch %1 again was cancelled.</source>
        <translation>Den fornyede kontrol af batch %1 blev annulleret.</translation>
    </message>
    <message>
        <source>The source %1 could not be read again: %2</source>
        <translation>Kilden %1 kunne ikke læses igen: %2</translation>
    </message>
    <message numerus="yes">
        <source>Read again: %n warning(s)</source>
        <translation>
            <numerusform>Læst igen: %n advarsel</numerusform>
            <numerusform>Læst igen: %n advarsler</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Checked again: %n file(s) to fetch</source>
        <translation>
            <numerusform>Kontrolleret igen: %n fil skal hentes</numerusform>
            <numerusform>Kontrolleret igen: %n filer skal hentes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Checked again: %n file(s) with problems</source>
        <translation>
            <numerusform>Kontrolleret igen: %n fil med problemer</numerusform>
            <numerusform>Kontrolleret igen: %n filer med problemer</numerusform>
        </translation>
    </message>
    <message>
        <source>Checked again: every stored copy verified</source>
        <translation>Kontrolleret igen: hver lagret kopi er verificeret</translation>
    </message>
    <message numerus="yes">
        <source>Checked again: %n file(s) to check</source>
        <translation>
            <numerusform>Kontrolleret igen: %n fil skal kontrolleres</numerusform>
            <numerusform>Kontrolleret igen: %n filer skal kontrolleres</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::RemoteFetcher</name>
    <message>
        <source>%1 cannot be downloaded: only http and https URLs are supported.</source>
        <translation>%1 kan ikke downloades: kun http- og https-URL&apos;er understøttes.</translation>
    </message>
    <message>
        <source>Downloading %1 was cancelled.</source>
        <translation>Downloaden af %1 blev annulleret.</translation>
    </message>
    <message>
        <source>%1 is larger than the %2 bytes allowed for it; it was not read.</source>
        <translation>%1 er større end de %2 byte, der er tilladt for den; den blev ikke læst.</translation>
    </message>
    <message>
        <source>%1 could not be saved to a temporary file.</source>
        <translation>%1 kunne ikke gemmes i en midlertidig fil.</translation>
    </message>
    <message>
        <source>%1 could not be downloaded (%2): %3.</source>
        <translation>%1 kunne ikke downloades (%2): %3.</translation>
    </message>
    <message>
        <source>%1 could not be downloaded: the server answered HTTP %2 (%3).</source>
        <translation>%1 kunne ikke downloades: serveren svarede HTTP %2 (%3).</translation>
    </message>
</context>
<context>
    <name>gh::ReportSettings</name>
    <message>
        <source>%1: mail/smtp_url must look like smtp://host:port or smtps://host:port, not &quot;%2&quot;.</source>
        <translation>%1: mail/smtp_url skal have formen smtp://vært:port eller smtps://vært:port, ikke &quot;%2&quot;.</translation>
    </message>
    <message>
        <source>%1: mail/smtp_url: starttls must be required, try or no.</source>
        <translation>%1: mail/smtp_url: starttls skal være required, try eller no.</translation>
    </message>
    <message>
        <source>%1: mail/timeout_seconds must be a number of at least 1.</source>
        <translation>%1: mail/timeout_seconds skal være et tal på mindst 1.</translation>
    </message>
    <message>
        <source>%1: mail/from must be an e-mail address.</source>
        <translation>%1: mail/from skal være en e-mailadresse.</translation>
    </message>
    <message>
        <source>%1: mail/to must name at least one e-mail address.</source>
        <translation>%1: mail/to skal angive mindst én e-mailadresse.</translation>
    </message>
    <message>
        <source>%1: mail/to: &quot;%2&quot; is not an e-mail address.</source>
        <translation>%1: mail/to: &quot;%2&quot; er ikke en e-mailadresse.</translation>
    </message>
    <message>
        <source>%1: report/log_target must be s3://bucket/prefix.</source>
        <translation>%1: report/log_target skal være s3://bucket/prefix.</translation>
    </message>
    <message>
        <source>The settings file %1 does not exist or cannot be read.</source>
        <translation>Indstillingsfilen %1 findes ikke eller kan ikke læses.</translation>
    </message>
</context>
<context>
    <name>gh::Reports</name>
    <message>
        <source>not started</source>
        <translation>ikke startet</translation>
    </message>
    <message>
        <source>SUMMARY</source>
        <translation>OVERSIGT</translation>
    </message>
    <message>
        <source>Provider / source</source>
        <translation>Leverandør / kilde</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>Batch</translation>
    </message>
    <message>
        <source>Detected as</source>
        <translation>Genkendt som</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>ukendt</translation>
    </message>
    <message>
        <source>Start date</source>
        <translation>Startdato</translation>
    </message>
    <message>
        <source>Runtime</source>
        <translation>Kørselstid</translation>
    </message>
    <message>
        <source>Cannot write the summary %1: %2</source>
        <translation>Kan ikke skrive oversigten %1: %2</translation>
    </message>
</context>
<context>
    <name>gh::ReviewBook</name>
    <message>
        <source>ISO 2859-1 single sampling, normal inspection, level %1, AQL %2 %: lot of %3 items, code letter %4, plan %5 (n %6): inspect %7, accept %8, reject %9</source>
        <translation>ISO 2859-1 enkelt stikprøveudtagning, normal kontrol, niveau %1, AQL %2 %: parti på %3 enheder, kodebogstav %4, plan %5 (n %6): kontrollér %7, accepter %8, afvis %9</translation>
    </message>
    <message>
        <source>Catalog error while %1 in %2: %3</source>
        <translation>Katalogfejl under %1 i %2: %3</translation>
    </message>
    <message>
        <source>reading batch %1</source>
        <translation>læsning af batch %1</translation>
    </message>
    <message>
        <source>There is no batch %1.</source>
        <translation>Der er ingen batch %1.</translation>
    </message>
    <message>
        <source>Batch %1 was approved on %2 by %3; its review is closed.</source>
        <translation>Batch %1 blev godkendt den %2 af %3; dens gennemsyn er lukket.</translation>
    </message>
    <message>
        <source>Batch %1 was rejected on %2 by %3; its review is closed.</source>
        <translation>Batch %1 blev afvist den %2 af %3; dens gennemsyn er lukket.</translation>
    </message>
    <message>
        <source>reading the items of batch %1</source>
        <translation>læsning af enhederne i batch %1</translation>
    </message>
    <message>
        <source>reading the QA sample of batch %1</source>
        <translation>læsning af QA-stikprøven for batch %1</translation>
    </message>
    <message>
        <source>The seed must be a whole number from 0 to %1.</source>
        <translation>Seed-værdien skal være et heltal fra 0 til %1.</translation>
    </message>
    <message>
        <source>Batch %1 already has a sample (level %2, AQL %3, seed %4) with %5 verdicts; a different sample cannot be drawn once review has begun.</source>
        <translation>Batch %1 har allerede en stikprøve (niveau %2, AQL %3, seed %4) med %5 bedømmelser; en anden stikprøve kan ikke udtages, når gennemsynet er begyndt.</translation>
    </message>
    <message>
        <source>Batch %1 cannot be sampled: %2</source>
        <translation>Der kan ikke udtages stikprøve af batch %1: %2</translation>
    </message>
    <message>
        <source>replacing the QA sample of batch %1</source>
        <translation>udskiftning af QA-stikprøven for batch %1</translation>
    </message>
    <message>
        <source>recording the QA sample of batch %1</source>
        <translation>registrering af QA-stikprøven for batch %1</translation>
    </message>
    <message>
        <source>QA sample drawn: %1; seed %2; %3 flagged items added beyond the sample</source>
        <translation>QA-stikprøve udtaget: %1; seed %2; %3 markerede enheder tilføjet ud over stikprøven</translation>
    </message>
    <message>
        <source>adding flagged items to the review of batch %1</source>
        <translation>tilføjelse af markerede enheder til gennemsynet af batch %1</translation>
    </message>
    <message>
        <source>A failed item needs a defect reason.</source>
        <translation>En enhed, der ikke består, kræver en fejlårsag.</translation>
    </message>
    <message>
        <source>Batch %1 has no QA sample yet; draw one first (gatehouse-cli sample %1).</source>
        <translation>Batch %1 har endnu ingen QA-stikprøve; udtag en først (gatehouse-cli sample %1).</translation>
    </message>
    <message>
        <source>reading item %1</source>
        <translation>læsning af enhed %1</translation>
    </message>
    <message>
        <source>Batch %1 has no item %2.</source>
        <translation>Batch %1 har ingen enhed %2.</translation>
    </message>
    <message>
        <source>recording the verdict on %1</source>
        <translation>registrering af bedømmelsen af %1</translation>
    </message>
    <message>
        <source>manual QA verdict: pass</source>
        <translation>manuel QA-bedømmelse: bestået</translation>
    </message>
    <message>
        <source>manual QA verdict: fail (%1)</source>
        <translation>manuel QA-bedømmelse: ikke bestået (%1)</translation>
    </message>
    <message>
        <source>note: %1</source>
        <translation>note: %1</translation>
    </message>
    <message>
        <source>added to the review by hand</source>
        <translation>tilføjet gennemsynet manuelt</translation>
    </message>
    <message>
        <source>reading the verdict on item %1</source>
        <translation>læsning af bedømmelsen af enhed %1</translation>
    </message>
    <message>
        <source>Item %1 of batch %2 has no verdict to withdraw.</source>
        <translation>Enhed %1 i batch %2 har ingen bedømmelse at trække tilbage.</translation>
    </message>
    <message>
        <source>withdrawing the verdict on item %1</source>
        <translation>tilbagetrækning af bedømmelsen af enhed %1</translation>
    </message>
    <message>
        <source>manual QA verdict withdrawn (was %1)</source>
        <translation>manuel QA-bedømmelse trukket tilbage (var %1)</translation>
    </message>
    <message>
        <source>finding item %1</source>
        <translation>søgning efter enhed %1</translation>
    </message>
    <message>
        <source>Batch %1 has no item &quot;%2&quot; (give the item&apos;s id from sample --json, or its identifier).</source>
        <translation>Batch %1 har ingen enhed &quot;%2&quot; (angiv enhedens id fra sample --json eller dens identifikator).</translation>
    </message>
    <message>
        <source>recording the supplier of batch %1</source>
        <translation>registrering af leverandøren af batch %1</translation>
    </message>
    <message>
        <source>reading the supplier of batch %1</source>
        <translation>læsning af leverandøren af batch %1</translation>
    </message>
    <message>
        <source>Batch %1 cannot be a re-delivery of itself.</source>
        <translation>Batch %1 kan ikke være en genlevering af sig selv.</translation>
    </message>
    <message>
        <source>linking batch %1 to batch %2</source>
        <translation>sammenkædning af batch %1 med batch %2</translation>
    </message>
    <message>
        <source>finding the batch %1 re-delivers</source>
        <translation>søgning efter den batch, som %1 genleverer</translation>
    </message>
    <message>
        <source>reading the supplier history</source>
        <translation>læsning af leverandørhistorikken</translation>
    </message>
    <message>
        <source>%1 (batch %2) was rejected on %3 by %4: %5</source>
        <translation>%1 (batch %2) blev afvist den %3 af %4: %5</translation>
    </message>
    <message>
        <source>%1 (batch %2) is %3.</source>
        <translation>%1 (batch %2) er %3.</translation>
    </message>
    <message>
        <source>reading the defects of batch %1</source>
        <translation>læsning af fejlene i batch %1</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Batch %1 has not finished loading (its intake is %2), so its lot is not known yet; draw its sample once intake has finished.</source>
        <translation>Batch %1 er ikke færdig med at blive indlæst (dens indlæsning er %2), så dens parti kendes endnu ikke; udtag stikprøven, når indlæsningen er færdig.</translation>
    </message>
    <message>
        <source>Cannot read the verdict on %1: %2</source>
        <translation>Kan ikke læse bedømmelsen af %1: %2</translation>
    </message>
    <message>
        <source> (item %1).</source>
        <translation> (enhed %1).</translation>
    </message>
</context>
<context>
    <name>gh::ReviewDetails</name>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Cannot look for copies of the files of item %1 in %2: %3</source>
        <translation>Kan ikke søge efter kopier af filerne i enhed %1 i %2: %3</translation>
    </message>
    <message>
        <source>%1 is identical to %2 of item %3 in batch %4 (%5)</source>
        <translation>%1 er identisk med %2 i enhed %3 i batch %4 (%5)</translation>
    </message>
</context>
<context>
    <name>gh::ReviewFlags</name>
    <message>
        <source>Cannot read the failed files of batch %1 from %2: %3</source>
        <translation>Kan ikke læse de fejlede filer i batch %1 fra %2: %3</translation>
    </message>
</context>
<context>
    <name>gh::ReviewHooks</name>
    <message>
        <source>Batch %1 goes to %2 next.</source>
        <translation>Batch %1 sendes herefter til %2.</translation>
    </message>
    <message>
        <source>Batch %1 rejected: %2</source>
        <translation>Batch %1 afvist: %2</translation>
    </message>
</context>
<context>
    <name>gh::ReviewKeys</name>
    <message>
        <source>accept</source>
        <translation>accepter</translation>
    </message>
    <message>
        <source>reject</source>
        <translation>afvis</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>afventer</translation>
    </message>
    <message>
        <source>%1 of %2 reviewed · %3 · accept up to %4, reject at %5</source>
        <translation>%1 af %2 bedømt · %3 · accepter op til %4, afvis ved %5</translation>
    </message>
    <message>
        <source>1 defect</source>
        <translation>1 fejl</translation>
    </message>
    <message>
        <source>%1 defects</source>
        <translation>%1 fejl</translation>
    </message>
</context>
<context>
    <name>gh::ReviewView</name>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>QA sample: %1; defects: %2</source>
        <translation>QA-stikprøve: %1; fejl: %2</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Gennemsyn</translation>
    </message>
    <message>
        <source>Scoreboard</source>
        <translation>Resultattavle</translation>
    </message>
    <message>
        <source>Batch verdict</source>
        <translation>Batchens afgørelse</translation>
    </message>
    <message>
        <source>Items to review</source>
        <translation>Enheder til gennemsyn</translation>
    </message>
    <message>
        <source>Item details</source>
        <translation>Enhedens detaljer</translation>
    </message>
    <message>
        <source>Supplier history</source>
        <translation>Leverandørhistorik</translation>
    </message>
    <message>
        <source>Defect reason</source>
        <translation>Fejlårsag</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>Optional note, e.g. what is wrong where</source>
        <translation>Valgfri note, f.eks. hvad der er galt hvor</translation>
    </message>
    <message>
        <source>Record Failure</source>
        <translation>Registrér fejl</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuller</translation>
    </message>
    <message>
        <source>&lt;b&gt;Fail:&lt;/b&gt; choose the defect (1–9 or the arrows), add a note if it helps, then Enter. Escape cancels.</source>
        <translation>&lt;b&gt;Ikke bestået:&lt;/b&gt; vælg fejlen (1–9 eller pilene), tilføj en note hvis det hjælper, og tryk Enter. Escape annullerer.</translation>
    </message>
    <message>
        <source>Supplier</source>
        <translation>Leverandør</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Mål</translation>
    </message>
    <message>
        <source>Target on approval (empty: keep in the archive only)</source>
        <translation>Mål ved godkendelse (tomt: behold kun i arkivet)</translation>
    </message>
    <message>
        <source>P pass · F fail · N or → next · ← previous · U undo · Z zoom · Page Up/Down pages · F5 refresh</source>
        <translation>P bestået · F ikke bestået · N eller → næste · ← forrige · U fortryd · Z zoom · Page Up/Down sider · F5 opdatér</translation>
    </message>
    <message>
        <source>Pass</source>
        <translation>Bestået</translation>
    </message>
    <message>
        <source>Fail…</source>
        <translation>Ikke bestået…</translation>
    </message>
    <message>
        <source>Undo Verdict</source>
        <translation>Fortryd bedømmelse</translation>
    </message>
    <message>
        <source>Next Item</source>
        <translation>Næste enhed</translation>
    </message>
    <message>
        <source>Previous Item</source>
        <translation>Forrige enhed</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>Zoom</translation>
    </message>
    <message>
        <source>Next Page</source>
        <translation>Næste side</translation>
    </message>
    <message>
        <source>Previous Page</source>
        <translation>Forrige side</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Opdatér</translation>
    </message>
    <message>
        <source>Saving …</source>
        <translation>Gemmer …</translation>
    </message>
    <message>
        <source>Saved: %1</source>
        <translation>Gemt: %1</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Ikke gemt: %1</translation>
    </message>
    <message>
        <source>Deleting stored copies: %1 of %2 files</source>
        <translation>Sletter lagrede kopier: %1 af %2 filer</translation>
    </message>
    <message>
        <source>Opening the review of batch %1 …</source>
        <translation>Åbner gennemsynet af batch %1 …</translation>
    </message>
    <message>
        <source>&lt;b&gt;Batch %1 · %2&lt;/b&gt;</source>
        <translation>&lt;b&gt;Batch %1 · %2&lt;/b&gt;</translation>
    </message>
    <message>
        <source>supplier %1</source>
        <translation>leverandør %1</translation>
    </message>
    <message>
        <source>ISO 2859-1, level %1, AQL %2 %: lot of %3 items, code letter %4, plan %5; seed %6, drawn by %7 on %8</source>
        <translation>ISO 2859-1, niveau %1, AQL %2 %: parti på %3 enheder, kodebogstav %4, plan %5; seed %6, udtaget af %7 den %8</translation>
    </message>
    <message>
        <source>No QA sample has been drawn for this batch.</source>
        <translation>Der er ikke udtaget en QA-stikprøve for denne batch.</translation>
    </message>
    <message>
        <source>Approved on %1 by %2</source>
        <translation>Godkendt den %1 af %2</translation>
    </message>
    <message>
        <source>Rejected on %1 by %2</source>
        <translation>Afvist den %1 af %2</translation>
    </message>
    <message>
        <source>(the review is closed)</source>
        <translation>(gennemsynet er lukket)</translation>
    </message>
    <message>
        <source>Review: %1</source>
        <translation>Gennemsyn: %1</translation>
    </message>
    <message>
        <source>%1 of %2 flagged reviewed</source>
        <translation>%1 af %2 markerede bedømt</translation>
    </message>
    <message>
        <source>flagged</source>
        <translation>markeret</translation>
    </message>
    <message>
        <source>added</source>
        <translation>tilføjet</translation>
    </message>
    <message>
        <source>Loading …</source>
        <translation>Indlæser …</translation>
    </message>
    <message>
        <source>The sample has no items.</source>
        <translation>Stikprøven har ingen enheder.</translation>
    </message>
    <message>
        <source>drawn at random</source>
        <translation>udtaget tilfældigt</translation>
    </message>
    <message>
        <source>flagged; does not count toward the plan</source>
        <translation>markeret; tæller ikke med i planen</translation>
    </message>
    <message>
        <source>added by hand; does not count toward the plan</source>
        <translation>tilføjet manuelt; tæller ikke med i planen</translation>
    </message>
    <message>
        <source>Item %1 of %2 · %3 (%4)</source>
        <translation>Enhed %1 af %2 · %3 (%4)</translation>
    </message>
    <message>
        <source>Not reviewed yet.</source>
        <translation>Endnu ikke bedømt.</translation>
    </message>
    <message>
        <source>Pass — %1, %2</source>
        <translation>Bestået — %1, %2</translation>
    </message>
    <message>
        <source>Fail: %1 — %2, %3</source>
        <translation>Ikke bestået: %1 — %2, %3</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>Note: %1</translation>
    </message>
    <message>
        <source>Why it is flagged</source>
        <translation>Hvorfor den er markeret</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>Fund</translation>
    </message>
    <message>
        <source>No findings recorded for this item.</source>
        <translation>Der er ikke registreret fund for denne enhed.</translation>
    </message>
    <message>
        <source>Duplicate case</source>
        <translation>Dubletsag</translation>
    </message>
    <message>
        <source>No copies of these files are known.</source>
        <translation>Der kendes ingen kopier af disse filer.</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>Filer</translation>
    </message>
    <message>
        <source>Metadata</source>
        <translation>Metadata</translation>
    </message>
    <message>
        <source>No descriptive metadata.</source>
        <translation>Ingen beskrivende metadata.</translation>
    </message>
    <message>
        <source>What was wrong last time</source>
        <translation>Hvad der var galt sidste gang</translation>
    </message>
    <message>
        <source>No supplier recorded (set [review] supplier or suppliers in the settings).</source>
        <translation>Ingen leverandør registreret (angiv [review] supplier eller suppliers i indstillingerne).</translation>
    </message>
    <message>
        <source>%1: last %2 batches</source>
        <translation>%1: seneste %2 batches</translation>
    </message>
    <message>
        <source>%1 of %2 defective (%3 %)</source>
        <translation>%1 af %2 med fejl (%3 %)</translation>
    </message>
    <message>
        <source>re-delivers %1</source>
        <translation>genleverer %1</translation>
    </message>
    <message>
        <source>&amp;Approve: %1</source>
        <translation>&amp;Godkend: %1</translation>
    </message>
    <message>
        <source>&amp;Reject: %1</source>
        <translation>&amp;Afvis: %1</translation>
    </message>
    <message>
        <source>A batch is running; decide when it has finished.</source>
        <translation>En batch kører; træf afgørelsen, når den er færdig.</translation>
    </message>
    <message>
        <source>Approving now needs a reason to override: %1</source>
        <translation>At godkende nu kræver en grund til tilsidesættelse: %1</translation>
    </message>
    <message>
        <source>No defect reasons are set; add them in the settings ([review] defect_reasons).</source>
        <translation>Der er ikke angivet fejlårsager; tilføj dem i indstillingerne ([review] defect_reasons).</translation>
    </message>
    <message>
        <source>Every item of the sample has a verdict.</source>
        <translation>Alle enheder i stikprøven er bedømt.</translation>
    </message>
    <message>
        <source>Nothing to undo.</source>
        <translation>Intet at fortryde.</translation>
    </message>
    <message>
        <source>Recorded a&amp;s:</source>
        <translation>Registreres &amp;som:</translation>
    </message>
    <message>
        <source>The review closes: verdicts can no longer change.</source>
        <translation>Gennemsynet lukkes: bedømmelser kan ikke længere ændres.</translation>
    </message>
    <message>
        <source>Approval is refused now:</source>
        <translation>Godkendelse afvises nu:</translation>
    </message>
    <message>
        <source>Approving anyway needs a reason; it is recorded with the approval.</source>
        <translation>At godkende alligevel kræver en grund; den registreres med godkendelsen.</translation>
    </message>
    <message>
        <source>Approve batch %1?</source>
        <translation>Godkend batch %1?</translation>
    </message>
    <message>
        <source>&amp;Note (optional):</source>
        <translation>&amp;Note (valgfri):</translation>
    </message>
    <message>
        <source>Reason for &amp;overriding:</source>
        <translation>Grund til &amp;tilsidesættelse:</translation>
    </message>
    <message>
        <source>&amp;Approve</source>
        <translation>&amp;Godkend</translation>
    </message>
    <message>
        <source>Approving batch %1 …</source>
        <translation>Godkender batch %1 …</translation>
    </message>
    <message>
        <source>Catalog records, metadata and events are kept; the files are marked deleted. The reason goes to the supplier&apos;s history.</source>
        <translation>Katalogposter, metadata og hændelser bevares; filerne markeres som slettet. Grunden indgår i leverandørens historik.</translation>
    </message>
    <message>
        <source>Reject batch %1?</source>
        <translation>Afvis batch %1?</translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation>&amp;Grund:</translation>
    </message>
    <message>
        <source>Reject and &amp;Delete</source>
        <translation>Afvis og sle&amp;t</translation>
    </message>
    <message>
        <source>Rejecting batch %1 …</source>
        <translation>Afviser batch %1 …</translation>
    </message>
    <message>
        <source>Close the Review</source>
        <translation>Luk gennemsynet</translation>
    </message>
    <message numerus="yes">
        <source>Sample verdict: reject — %n defect(s) reached the rejection number %1.</source>
        <translation>
            <numerusform>Stikprøvens afgørelse: afvis — %n fejl nåede afvisningstallet %1.</numerusform>
            <numerusform>Stikprøvens afgørelse: afvis — %n fejl nåede afvisningstallet %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Batch verdict: reject — %n defect(s) reach the rejection number %1. You may keep reviewing.</source>
        <translation>
            <numerusform>Batchens afgørelse: afvis — %n fejl når afvisningstallet %1. Du kan fortsætte gennemsynet.</numerusform>
            <numerusform>Batchens afgørelse: afvis — %n fejl når afvisningstallet %1. Du kan fortsætte gennemsynet.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Batch verdict: accept — every sampled item reviewed, %n defect(s) (accept up to %1).</source>
        <translation>
            <numerusform>Batchens afgørelse: accepter — alle udtagne enheder er bedømt, %n fejl (accepter op til %1).</numerusform>
            <numerusform>Batchens afgørelse: accepter — alle udtagne enheder er bedømt, %n fejl (accepter op til %1).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Sample verdict: pending — the batch was decided with %n sampled item(s) not reviewed.</source>
        <translation>
            <numerusform>Stikprøvens afgørelse: afventer — batchen blev afgjort med %n udtaget enhed, der ikke er bedømt.</numerusform>
            <numerusform>Stikprøvens afgørelse: afventer — batchen blev afgjort med %n udtagne enheder, der ikke er bedømt.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Batch verdict: pending — %n sampled item(s) to go.</source>
        <translation>
            <numerusform>Batchens afgørelse: afventer — %n udtaget enhed mangler.</numerusform>
            <numerusform>Batchens afgørelse: afventer — %n udtagne enheder mangler.</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Target:</source>
        <translation>&amp;Mål:</translation>
    </message>
</context>
<context>
    <name>gh::RunNotifier</name>
    <message>
        <source>approved</source>
        <translation>godkendt</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>afvist</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>mislykkedes</translation>
    </message>
    <message>
        <source>needs attention</source>
        <translation>kræver opmærksomhed</translation>
    </message>
    <message>
        <source>incomplete</source>
        <translation>ufuldstændig</translation>
    </message>
    <message>
        <source>done</source>
        <translation>færdig</translation>
    </message>
    <message>
        <source>Gatehouse: batch %1 (%2) %3: %4 files, %5 successful, %6 failed</source>
        <translation>Gatehouse: batch %1 (%2) %3: %4 filer, %5 gennemført, %6 mislykkedes</translation>
    </message>
    <message>
        <source>, %1 skipped</source>
        <translation>, %1 sprunget over</translation>
    </message>
    <message>
        <source>, %1 not yet processed</source>
        <translation>, %1 endnu ikke behandlet</translation>
    </message>
    <message>
        <source>Mailed the summary to %1.</source>
        <translation>Oversigten blev mailet til %1.</translation>
    </message>
    <message>
        <source>The summary mail was not sent: %1</source>
        <translation>Oversigtsmailen blev ikke sendt: %1</translation>
    </message>
    <message>
        <source>Copied %1 report files to %2.</source>
        <translation>Kopierede %1 rapportfiler til %2.</translation>
    </message>
    <message>
        <source>The reports were not copied to %1: %2</source>
        <translation>Rapporterne blev ikke kopieret til %1: %2</translation>
    </message>
</context>
<context>
    <name>gh::S3Client</name>
    <message>
        <source>(the bucket is in region %1; set GATEHOUSE_S3_REGION)</source>
        <translation>(bucket&apos;en ligger i regionen %1; angiv GATEHOUSE_S3_REGION)</translation>
    </message>
    <message>
        <source>%1: %2 (endpoint %3).</source>
        <translation>%1: %2 (endpoint %3).</translation>
    </message>
    <message numerus="yes">
        <source>Cannot reach the S3 endpoint %1 for %2: %3 (tried %n time(s)).</source>
        <translation>
            <numerusform>Kan ikke nå S3-endpointet %1 for %2: %3 (forsøgt %n gang).</numerusform>
            <numerusform>Kan ikke nå S3-endpointet %1 for %2: %3 (forsøgt %n gange).</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot read %1 to upload it to %2: %3</source>
        <translation>Kan ikke læse %1 for at uploade den til %2: %3</translation>
    </message>
    <message>
        <source>cannot write the downloaded bytes to a local file</source>
        <translation>kan ikke skrive de downloadede bytes til en lokal fil</translation>
    </message>
    <message>
        <source>cannot read the local file to upload</source>
        <translation>kan ikke læse den lokale fil, der skal uploades</translation>
    </message>
    <message>
        <source>the server&apos;s answer is unexpectedly large</source>
        <translation>serverens svar er uventet stort</translation>
    </message>
    <message>
        <source>The transfer of %1 was cancelled.</source>
        <translation>Overførslen af %1 blev annulleret.</translation>
    </message>
    <message>
        <source>Cannot transfer %1 (endpoint %2): %3</source>
        <translation>Kan ikke overføre %1 (endpoint %2): %3</translation>
    </message>
</context>
<context>
    <name>gh::S3Options</name>
    <message>
        <source>&quot;%1&quot; is not an S3 store; write s3://bucket/prefix.</source>
        <translation>&quot;%1&quot; er ikke et S3-lager; skriv s3://bucket/prefix.</translation>
    </message>
    <message>
        <source>The S3 store &quot;%1&quot; names no bucket; write s3://bucket/prefix.</source>
        <translation>S3-lageret &quot;%1&quot; angiver ingen bucket; skriv s3://bucket/prefix.</translation>
    </message>
    <message>
        <source>GATEHOUSE_S3_ENDPOINT must be an http or https URL such as https://s3.example.org:9000.</source>
        <translation>GATEHOUSE_S3_ENDPOINT skal være en http- eller https-URL såsom https://s3.example.org:9000.</translation>
    </message>
    <message>
        <source>GATEHOUSE_S3_ADDRESSING must be &quot;path&quot; or &quot;virtual&quot;.</source>
        <translation>GATEHOUSE_S3_ADDRESSING skal være &quot;path&quot; eller &quot;virtual&quot;.</translation>
    </message>
    <message>
        <source>%1 must be a positive number of MiB.</source>
        <translation>%1 skal være et positivt antal MiB.</translation>
    </message>
    <message>
        <source>The S3 bucket name &quot;%1&quot; is not valid.</source>
        <translation>S3-bucketnavnet &quot;%1&quot; er ikke gyldigt.</translation>
    </message>
    <message>
        <source>The S3 endpoint must be an http or https URL.</source>
        <translation>S3-endpointet skal være en http- eller https-URL.</translation>
    </message>
    <message>
        <source>The S3 endpoint %1 must not contain a user name or password; give credentials through AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.</source>
        <translation>S3-endpointet %1 må ikke indeholde et brugernavn eller en adgangskode; angiv legitimationsoplysninger via AWS_ACCESS_KEY_ID og AWS_SECRET_ACCESS_KEY.</translation>
    </message>
    <message>
        <source>No credentials for the S3 store s3://%1: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials), or keep the secret in the keychain under &quot;%2&quot; with the access key id as its name.</source>
        <translation>Ingen legitimationsoplysninger til S3-lageret s3://%1: angiv AWS_ACCESS_KEY_ID og AWS_SECRET_ACCESS_KEY (og AWS_SESSION_TOKEN for midlertidige legitimationsoplysninger), eller gem hemmeligheden i nøgleringen under &quot;%2&quot; med adgangsnøgle-id&apos;et som navn.</translation>
    </message>
    <message>
        <source>The S3 part size must be between 5 MiB and 5 GiB; %1 bytes was given.</source>
        <translation>S3-delstørrelsen skal være mellem 5 MiB og 5 GiB; der blev angivet %1 byte.</translation>
    </message>
    <message>
        <source>The S3 multipart threshold cannot be negative.</source>
        <translation>S3-grænsen for multipart-upload kan ikke være negativ.</translation>
    </message>
    <message>
        <source>The S3 retry and timeout settings must be positive.</source>
        <translation>S3-indstillingerne for genforsøg og timeout skal være positive.</translation>
    </message>
</context>
<context>
    <name>gh::S3Store</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Kan ikke læse %1: %2</translation>
    </message>
    <message>
        <source>%1 ended early while reading it for upload.</source>
        <translation>%1 sluttede for tidligt under læsning til upload.</translation>
    </message>
    <message>
        <source>Cannot record the progress of the upload of %1 in %2: %3</source>
        <translation>Kan ikke registrere fremskridtet for uploaden af %1 i %2: %3</translation>
    </message>
    <message>
        <source>The bytes for %1 do not match: %2 is %3, expected %4. Nothing was uploaded to %5.</source>
        <translation>Indholdet af %1 stemmer ikke: %2 er %3, forventet %4. Intet blev uploadet til %5.</translation>
    </message>
    <message>
        <source>The object was already committed or aborted.</source>
        <translation>Objektet er allerede committet eller afbrudt.</translation>
    </message>
    <message>
        <source>Cannot create the S3 staging folder %1.</source>
        <translation>Kan ikke oprette S3-mellemlagringsmappen %1.</translation>
    </message>
    <message>
        <source>Cannot upload %1</source>
        <translation>Kan ikke uploade %1</translation>
    </message>
    <message>
        <source>The store received different bytes for %1 (its md5 is %2, ours %3); the object was removed.</source>
        <translation>Lageret modtog andre bytes for %1 (dets md5 er %2, vores %3); objektet blev fjernet.</translation>
    </message>
    <message>
        <source>Another process has been uploading %1 for more than ten minutes; try again later.</source>
        <translation>En anden proces har uploadet %1 i mere end ti minutter; prøv igen senere.</translation>
    </message>
    <message>
        <source>Cannot list the uploaded parts of %1</source>
        <translation>Kan ikke vise de uploadede dele af %1</translation>
    </message>
    <message>
        <source>Cannot start the upload of %1</source>
        <translation>Kan ikke starte uploaden af %1</translation>
    </message>
    <message>
        <source>Cannot start the upload of %1: the server sent no upload id (endpoint %2).</source>
        <translation>Kan ikke starte uploaden af %1: serveren sendte intet upload-id (endpoint %2).</translation>
    </message>
    <message>
        <source>Cannot upload part %1 of %2 of %3</source>
        <translation>Kan ikke uploade del %1 af %2 af %3</translation>
    </message>
    <message>
        <source>The store received different bytes for part %1 of %2 (ETag %3, md5 %4).</source>
        <translation>Lageret modtog andre bytes for del %1 af %2 (ETag %3, md5 %4).</translation>
    </message>
    <message>
        <source>Cannot complete the upload of %1</source>
        <translation>Kan ikke fuldføre uploaden af %1</translation>
    </message>
    <message>
        <source>The store assembled %1 from different bytes (ETag %2, expected %3 or %4); the object was removed.</source>
        <translation>Lageret samlede %1 af andre bytes (ETag %2, forventet %3 eller %4); objektet blev fjernet.</translation>
    </message>
    <message>
        <source>Cannot look up %1</source>
        <translation>Kan ikke slå %1 op</translation>
    </message>
    <message>
        <source>Cannot create a download file in %1: %2</source>
        <translation>Kan ikke oprette en downloadfil i %1: %2</translation>
    </message>
    <message>
        <source>%1 does not exist in the store.</source>
        <translation>%1 findes ikke i lageret.</translation>
    </message>
    <message>
        <source>Cannot download %1</source>
        <translation>Kan ikke downloade %1</translation>
    </message>
    <message>
        <source>Cannot save the download of %1: %2</source>
        <translation>Kan ikke gemme downloaden af %1: %2</translation>
    </message>
    <message>
        <source>The download of %1 is incomplete (%2 of %3 bytes).</source>
        <translation>Downloaden af %1 er ufuldstændig (%2 af %3 byte).</translation>
    </message>
    <message>
        <source>%1 in the store does not match its recorded sha256 (%2, got %3).</source>
        <translation>%1 i lageret stemmer ikke med sin registrerede sha256 (%2, fik %3).</translation>
    </message>
    <message>
        <source>Cannot remove %1</source>
        <translation>Kan ikke fjerne %1</translation>
    </message>
</context>
<context>
    <name>gh::S3Target</name>
    <message>
        <source>Cannot look up %1</source>
        <translation>Kan ikke slå %1 op</translation>
    </message>
    <message>
        <source>Cannot read back %1</source>
        <translation>Kan ikke læse %1 tilbage</translation>
    </message>
    <message>
        <source>The look-up in %1 was cancelled.</source>
        <translation>Opslaget i %1 blev annulleret.</translation>
    </message>
    <message>
        <source>Cannot list %1</source>
        <translation>Kan ikke liste %1</translation>
    </message>
    <message>
        <source>%1 already holds these bytes.</source>
        <translation>%1 indeholder allerede disse byte.</translation>
    </message>
    <message>
        <source>%1 already exists with other content.</source>
        <translation>%1 findes allerede med andet indhold.</translation>
    </message>
    <message>
        <source>%1 changed since it was stored (sha256 %2, expected %3); nothing was sent to %4.</source>
        <translation>%1 er ændret, siden den blev lagret (sha256 %2, forventet %3); intet blev sendt til %4.</translation>
    </message>
    <message>
        <source>%1 is missing.</source>
        <translation>%1 mangler.</translation>
    </message>
    <message>
        <source>%1 differs from what was sent: %2 bytes (md5 %3, sha256 %4), expected %5 bytes (md5 %6, sha256 %7).</source>
        <translation>%1 afviger fra det, der blev sendt: %2 byte (md5 %3, sha256 %4), forventet %5 byte (md5 %6, sha256 %7).</translation>
    </message>
</context>
<context>
    <name>gh::SamplingPlans</name>
    <message>
        <source>A lot must hold at least one item to be sampled; this one holds %1.</source>
        <translation>Et parti skal rumme mindst én enhed for at der kan udtages stikprøve; dette rummer %1.</translation>
    </message>
    <message>
        <source>%1 is not an AQL of the sampling table; use one of 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5.</source>
        <translation>%1 er ikke en AQL i stikprøvetabellen; brug en af 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an AQL of the sampling table; use one of 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5.</source>
        <translation>&quot;%1&quot; er ikke en AQL i stikprøvetabellen; brug en af 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an inspection level; use I, II, III, S-1, S-2, S-3 or S-4.</source>
        <translation>&quot;%1&quot; er ikke et kontrolniveau; brug I, II, III, S-1, S-2, S-3 eller S-4.</translation>
    </message>
</context>
<context>
    <name>gh::SaveFile</name>
    <message>
        <source>no space left on %1 (%2 free)</source>
        <translation>ingen plads tilbage på %1 (%2 ledig)</translation>
    </message>
</context>
<context>
    <name>gh::SchemaFetch</name>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation>Kan ikke oprette mappen %1.</translation>
    </message>
    <message>
        <source>Cannot create the folder %1 for the schemas.</source>
        <translation>Kan ikke oprette mappen %1 til skemaerne.</translation>
    </message>
    <message>
        <source>--from takes an http or https URL prefix, not &quot;%1&quot;.</source>
        <translation>--from tager et http- eller https-URL-præfiks, ikke &quot;%1&quot;.</translation>
    </message>
    <message>
        <source>Fetching the schemas was cancelled.</source>
        <translation>Hentningen af skemaerne blev annulleret.</translation>
    </message>
    <message>
        <source>Cannot download the %1 schema: %2</source>
        <translation>Kan ikke hente %1-skemaet: %2</translation>
    </message>
    <message>
        <source>%1 is not an XML schema (its root element is not xs:schema); nothing was saved.</source>
        <translation>%1 er ikke et XML-skema (dets rodelement er ikke xs:schema); intet blev gemt.</translation>
    </message>
    <message>
        <source>Cannot save %1: %2</source>
        <translation>Kan ikke gemme %1: %2</translation>
    </message>
    <message>
        <source>The downloaded schemas do not compile offline: %1</source>
        <translation>De hentede skemaer kan ikke kompileres offline: %1</translation>
    </message>
</context>
<context>
    <name>gh::SchemaSet</name>
    <message>
        <source>libxml2 could not compile it</source>
        <translation>libxml2 kunne ikke kompilere det</translation>
    </message>
    <message>
        <source>(not available on this machine: %1)</source>
        <translation>(ikke tilgængelig på denne maskine: %1)</translation>
    </message>
    <message>
        <source>The schema location %1 does not exist.</source>
        <translation>Skemaplaceringen %1 findes ikke.</translation>
    </message>
    <message>
        <source>The XML catalog %1 maps to no schema on this machine.</source>
        <translation>XML-kataloget %1 peger ikke på noget skema på denne maskine.</translation>
    </message>
    <message>
        <source>The folder %1 holds no XML schema (.xsd).</source>
        <translation>Mappen %1 indeholder intet XML-skema (.xsd).</translation>
    </message>
    <message>
        <source>libxml2 reports the document invalid without saying why (code %1)</source>
        <translation>libxml2 melder dokumentet ugyldigt uden at sige hvorfor (kode %1)</translation>
    </message>
    <message>
        <source>the schema %1 cannot be compiled: %2</source>
        <translation>skemaet %1 kan ikke kompileres: %2</translation>
    </message>
</context>
<context>
    <name>gh::Settings</name>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1: %2 is not a setting Gatehouse knows; it is ignored.</source>
        <translation>%1: %2 er ikke en indstilling, Gatehouse kender; den ignoreres.</translation>
    </message>
    <message>
        <source>%1 is not a setting Gatehouse knows.</source>
        <translation>%1 er ikke en indstilling, Gatehouse kender.</translation>
    </message>
</context>
<context>
    <name>gh::SettingsDialog</name>
    <message>
        <source>Choose…</source>
        <translation>Vælg…</translation>
    </message>
    <message>
        <source>Choose %1</source>
        <translation>Vælg %1</translation>
    </message>
    <message>
        <source>Skip requests while the server says a copy is fresh</source>
        <translation>Spring forespørgsler over, mens serveren siger, at en kopi er frisk</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Indstillinger</translation>
    </message>
    <message>
        <source>Parallel transfers</source>
        <translation>Parallelle overførsler</translation>
    </message>
    <message>
        <source>&amp;Parallel transfers:</source>
        <translation>&amp;Parallelle overførsler:</translation>
    </message>
    <message>
        <source>Connections per host</source>
        <translation>Forbindelser pr. vært</translation>
    </message>
    <message>
        <source>Connections per &amp;host:</source>
        <translation>Forbindelser pr. &amp;vært:</translation>
    </message>
    <message>
        <source>no limit (e.g. 500M, 2G)</source>
        <translation>ingen grænse (f.eks. 500M, 2G)</translation>
    </message>
    <message>
        <source>Largest file to accept</source>
        <translation>Største fil, der accepteres</translation>
    </message>
    <message>
        <source>&amp;Largest file:</source>
        <translation>&amp;Største fil:</translation>
    </message>
    <message>
        <source>any type (e.g. image/*, application/pdf)</source>
        <translation>enhver type (f.eks. image/*, application/pdf)</translation>
    </message>
    <message>
        <source>Accepted types</source>
        <translation>Accepterede typer</translation>
    </message>
    <message>
        <source>&amp;Accepted types:</source>
        <translation>&amp;Accepterede typer:</translation>
    </message>
    <message>
        <source>Contact sent to servers</source>
        <translation>Kontakt, der sendes til servere</translation>
    </message>
    <message>
        <source>Sent in every request&apos;s User-Agent, so server operators can reach you.</source>
        <translation>Sendes i hver forespørgsels User-Agent, så serveroperatører kan kontakte dig.</translation>
    </message>
    <message>
        <source>&amp;Contact for servers:</source>
        <translation>Kon&amp;takt til servere:</translation>
    </message>
    <message>
        <source>Banned records file</source>
        <translation>Fil med spærrede poster</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ingen</translation>
    </message>
    <message>
        <source>&amp;Banned records:</source>
        <translation>Spær&amp;rede poster:</translation>
    </message>
    <message>
        <source>Banned records</source>
        <translation>Spærrede poster</translation>
    </message>
    <message>
        <source>Hot folder</source>
        <translation>Overvåget mappe</translation>
    </message>
    <message>
        <source>New deliveries dropped into this folder are loaded once they stop changing.</source>
        <translation>Nye leverancer, der lægges i denne mappe, indlæses, når de holder op med at ændre sig.</translation>
    </message>
    <message>
        <source>&amp;Hot folder:</source>
        <translation>&amp;Overvåget mappe:</translation>
    </message>
    <message>
        <source>Spreadsheet &amp;columns:</source>
        <translation>Regnearks&amp;kolonner:</translation>
    </message>
    <message>
        <source>Storage key template</source>
        <translation>Skabelon for lagernøgle</translation>
    </message>
    <message>
        <source>Variables: {batch} {batch_name} {item} {filename} {path} {ext} {timestamp} {resource_id} {md5} {sha1} {sha256}; e.g. sha1/{sha1:0:2}/{sha1}</source>
        <translation>Variabler: {batch} {batch_name} {item} {filename} {path} {ext} {timestamp} {resource_id} {md5} {sha1} {sha256}; f.eks. sha1/{sha1:0:2}/{sha1}</translation>
    </message>
    <message>
        <source>Storage &amp;key:</source>
        <translation>Lager&amp;nøgle:</translation>
    </message>
    <message>
        <source>Once per batch of files (recommended)</source>
        <translation>Én gang pr. batch af filer (anbefales)</translation>
    </message>
    <message>
        <source>After every file (slowest, safest)</source>
        <translation>Efter hver fil (langsomst, sikrest)</translation>
    </message>
    <message>
        <source>Never (throw-away data only)</source>
        <translation>Aldrig (kun til data, der kan kasseres)</translation>
    </message>
    <message>
        <source>When stored files are flushed to disk</source>
        <translation>Hvornår lagrede filer skrives til disken</translation>
    </message>
    <message>
        <source>Flush to &amp;disk:</source>
        <translation>Skriv til &amp;disk:</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>Downloads</translation>
    </message>
    <message>
        <source>Intake</source>
        <translation>Modtagelse</translation>
    </message>
    <message>
        <source>Storage</source>
        <translation>Lagring</translation>
    </message>
    <message>
        <source>The largest file must be a size such as 500M or 2G.</source>
        <translation>Største fil skal være en størrelse såsom 500M eller 2G.</translation>
    </message>
    <message>
        <source>Curator name</source>
        <translation>Kuratorens navn</translation>
    </message>
    <message>
        <source>Recorded with every verdict, approval and rejection.</source>
        <translation>Registreres med hver bedømmelse, godkendelse og afvisning.</translation>
    </message>
    <message>
        <source>C&amp;urator:</source>
        <translation>K&amp;urator:</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>Acceptance quality limit</source>
        <translation>Acceptabel kvalitetsgrænse (AQL)</translation>
    </message>
    <message>
        <source>&amp;AQL:</source>
        <translation>&amp;AQL:</translation>
    </message>
    <message>
        <source>Inspection level</source>
        <translation>Kontrolniveau</translation>
    </message>
    <message>
        <source>Inspection &amp;level:</source>
        <translation>Kontrol&amp;niveau:</translation>
    </message>
    <message>
        <source>Defect reasons</source>
        <translation>Fejlårsager</translation>
    </message>
    <message>
        <source>&amp;Defect reasons:</source>
        <translation>&amp;Fejlårsager:</translation>
    </message>
    <message>
        <source>Default supplier</source>
        <translation>Standardleverandør</translation>
    </message>
    <message>
        <source>Default &amp;supplier:</source>
        <translation>&amp;Standardleverandør:</translation>
    </message>
    <message>
        <source>Suppliers by batch name prefix</source>
        <translation>Leverandører efter batchnavnets præfiks</translation>
    </message>
    <message>
        <source>e.g. B4000220=Example Scanning Ltd</source>
        <translation>f.eks. B4000220=Example Scanning Ltd</translation>
    </message>
    <message>
        <source>Suppliers by &amp;prefix:</source>
        <translation>Leverandører efter &amp;præfiks:</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Gennemsyn</translation>
    </message>
    <message>
        <source>your e-mail address or web page</source>
        <translation>din e-mailadresse eller webside</translation>
    </message>
    <message>
        <source>Quality</source>
        <translation>Kvalitet</translation>
    </message>
    <message>
        <source>none: approval keeps the batch in the archive only</source>
        <translation>intet: godkendelse beholder kun batchen i arkivet</translation>
    </message>
    <message>
        <source>Default target</source>
        <translation>Standardmål</translation>
    </message>
    <message>
        <source>Default &amp;target:</source>
        <translation>Standard&amp;mål:</translation>
    </message>
    <message>
        <source>all files</source>
        <translation>alle filer</translation>
    </message>
    <message>
        <source>Files for the default target</source>
        <translation>Filer til standardmålet</translation>
    </message>
    <message>
        <source>&amp;Files:</source>
        <translation>&amp;Filer:</translation>
    </message>
    <message>
        <source>Name@appid</source>
        <translation>Navn@appid</translation>
    </message>
    <message>
        <source>Wiki bot user</source>
        <translation>Wiki-botbruger</translation>
    </message>
    <message>
        <source>Wiki &amp;user:</source>
        <translation>Wiki-&amp;bruger:</translation>
    </message>
    <message>
        <source>Wiki bot password</source>
        <translation>Wiki-botadgangskode</translation>
    </message>
    <message>
        <source>Wiki pass&amp;word:</source>
        <translation>Wiki-adgangs&amp;kode:</translation>
    </message>
    <message>
        <source>Uploads</source>
        <translation>Overførsler</translation>
    </message>
    <message>
        <source>Offered when an item fails review; one reason per line.</source>
        <translation>Tilbydes, når et emne afvises ved gennemsynet; én årsag pr. linje.</translation>
    </message>
</context>
<context>
    <name>gh::SettingsTable</name>
    <message>
        <source>Files copied or downloaded at once (local copies also at most one per core).</source>
        <translation>Filer, der kopieres eller hentes på én gang (lokale kopier også højst én pr. kerne).</translation>
    </message>
    <message>
        <source>Where each file is stored. Variables: {batch} {batch_name} {item} {filename} {path} {ext} {timestamp} {resource_id} {md5} {sha1} {sha256}, with {sha1:0:2} for a slice.</source>
        <translation>Hvor hver fil lagres. Variabler: {batch} {batch_name} {item} {filename} {path} {ext} {timestamp} {resource_id} {md5} {sha1} {sha256}, med {sha1:0:2} for et udsnit.</translation>
    </message>
    <message>
        <source>Connections to one host at once.</source>
        <translation>Samtidige forbindelser til én vært.</translation>
    </message>
    <message>
        <source>Sent with every request. Empty sends &quot;Gatehouse/&lt;version&gt; (archival ingest; +&lt;contact&gt;)&quot;.</source>
        <translation>Sendes med hver forespørgsel. Tom sender &quot;Gatehouse/&lt;version&gt; (archival ingest; +&lt;contact&gt;)&quot;.</translation>
    </message>
    <message>
        <source>An e-mail or web address where server operators can reach you; part of the default User-Agent.</source>
        <translation>En e-mail- eller webadresse, hvor serveroperatører kan nå dig; del af standard-User-Agent.</translation>
    </message>
    <message>
        <source>Milliseconds to wait for a connection.</source>
        <translation>Millisekunder at vente på en forbindelse.</translation>
    </message>
    <message>
        <source>Bytes per second below which a transfer is stalling…</source>
        <translation>Bytes pr. sekund, under hvilke en overførsel går i stå…</translation>
    </message>
    <message>
        <source>…for this many seconds: then it times out.</source>
        <translation>…i så mange sekunder: så udløber den.</translation>
    </message>
    <message>
        <source>Redirects followed before too-many-redirects.</source>
        <translation>Omdirigeringer, der følges før too-many-redirects.</translation>
    </message>
    <message>
        <source>Attempts in all for transient failures (timeouts, resets, 429, 5xx).</source>
        <translation>Forsøg i alt ved forbigående fejl (timeouts, nulstillinger, 429, 5xx).</translation>
    </message>
    <message>
        <source>First retry after about this long, doubling, with jitter.</source>
        <translation>Første nye forsøg efter omtrent så længe, fordoblet hver gang, med tilfældig spredning.</translation>
    </message>
    <message>
        <source>Longest wait between retries.</source>
        <translation>Længste ventetid mellem nye forsøg.</translation>
    </message>
    <message>
        <source>Longest Retry-After honoured; a server asking for longer leaves the file for a later run.</source>
        <translation>Længste Retry-After, der respekteres; beder en server om længere, venter filen til en senere kørsel.</translation>
    </message>
    <message>
        <source>Largest file accepted, checked on the header and while streaming (too-large). Absent or 0: no limit.</source>
        <translation>Største fil, der accepteres, kontrolleret i headeren og under overførslen (too-large). Fraværende eller 0: ingen grænse.</translation>
    </message>
    <message>
        <source>Mimetypes accepted, checked on the header and the content (wrong-mimetype). Empty: every type.</source>
        <translation>Accepterede mimetyper, kontrolleret i headeren og indholdet (wrong-mimetype). Tom: alle typer.</translation>
    </message>
    <message>
        <source>Skip requests while the server&apos;s Cache-Control or Expires says the stored copy is fresh.</source>
        <translation>Spring forespørgsler over, mens serverens Cache-Control eller Expires siger, at den lagrede kopi er frisk.</translation>
    </message>
    <message>
        <source>An extra CA bundle to verify TLS with; verification itself is never off.</source>
        <translation>Et ekstra CA-bundt at verificere TLS med; selve verifikationen er aldrig slået fra.</translation>
    </message>
    <message>
        <source>When stored files are flushed to disk: once per batch of files, after each file, or never (throw-away data only).</source>
        <translation>Hvornår lagrede filer skrives til disken: én gang pr. gruppe af filer, efter hver fil eller aldrig (kun engangsdata).</translation>
    </message>
    <message>
        <source>Read every stored file back and compare its SHA-256 before it counts as stored.</source>
        <translation>Læs hver lagret fil tilbage og sammenlign dens SHA-256, før den tæller som lagret.</translation>
    </message>
    <message>
        <source>A file of record identifiers never to ingest, one per line (# comments).</source>
        <translation>En fil med postidentifikatorer, der aldrig må indlæses, én pr. linje (# kommentarer).</translation>
    </message>
    <message>
        <source>A folder the GUI watches for deliveries (the CLI&apos;s watch command takes the folder as its argument).</source>
        <translation>En mappe, som den grafiske brugerflade holder øje med for leverancer (CLI&apos;ens watch-kommando tager mappen som argument).</translation>
    </message>
    <message>
        <source>Spreadsheet columns whose meaning differs from the default: {&quot;column&quot;: &quot;role&quot;}, roles identifier, title, url, path, md5, sha1, sha256, sha512, mimetype, size, metadata, ignore.</source>
        <translation>Regnearkskolonner, hvis betydning afviger fra standarden: {&quot;column&quot;: &quot;role&quot;}, roller identifier, title, url, path, md5, sha1, sha256, sha512, mimetype, size, metadata, ignore.</translation>
    </message>
    <message>
        <source>Acceptance quality limit of the QA sample, in percent (ISO 2859-1).</source>
        <translation>QA-stikprøvens acceptable kvalitetsgrænse i procent (ISO 2859-1).</translation>
    </message>
    <message>
        <source>Inspection level of the QA sample (ISO 2859-1).</source>
        <translation>QA-stikprøvens kontrolniveau (ISO 2859-1).</translation>
    </message>
    <message>
        <source>The reasons offered when an item fails review.</source>
        <translation>De årsager, der tilbydes, når en enhed ikke består gennemsynet.</translation>
    </message>
    <message>
        <source>The supplier of batches that no prefix below matches and that name none.</source>
        <translation>Leverandøren af batches, som intet præfiks nedenfor passer på, og som ikke selv angiver en.</translation>
    </message>
    <message>
        <source>Suppliers by batch name prefix, PREFIX=NAME; the longest matching prefix wins.</source>
        <translation>Leverandører efter batchnavnets præfiks, PRÆFIKS=NAVN; det længste matchende præfiks vinder.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a size; give bytes, or a number with K, M, G or T (500M, 2G).</source>
        <translation>&quot;%1&quot; er ikke en størrelse; angiv bytes eller et tal med K, M, G eller T (500M, 2G).</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is too large a size.</source>
        <translation>&quot;%1&quot; er en for stor størrelse.</translation>
    </message>
    <message>
        <source>a whole number of at least %1</source>
        <translation>et heltal på mindst %1</translation>
    </message>
    <message>
        <source>a whole number from %1 to %2</source>
        <translation>et heltal fra %1 til %2</translation>
    </message>
    <message>
        <source>%1 must be %2, not &quot;%3&quot;.</source>
        <translation>%1 skal være %2, ikke &quot;%3&quot;.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 must be true or false, not &quot;%2&quot;.</source>
        <translation>%1 skal være true eller false, ikke &quot;%2&quot;.</translation>
    </message>
    <message>
        <source>%1 must be one of %2, not &quot;%3&quot;.</source>
        <translation>%1 skal være en af %2, ikke &quot;%3&quot;.</translation>
    </message>
    <message>
        <source>%1 must be a JSON object such as {&quot;column&quot;: &quot;role&quot;}, not &quot;%2&quot;.</source>
        <translation>%1 skal være et JSON-objekt som {&quot;column&quot;: &quot;role&quot;}, ikke &quot;%2&quot;.</translation>
    </message>
    <message>
        <source>Where the end-of-run summary mail goes: smtp://host:port (STARTTLS required unless the URL ends in ?starttls=try or ?starttls=no) or smtps://host:port. Empty: no mail.</source>
        <translation>Hvor oversigtsmailen efter kørslen sendes hen: smtp://vært:port (STARTTLS kræves, medmindre URL&apos;en ender på ?starttls=try eller ?starttls=no) eller smtps://vært:port. Tom: ingen mail.</translation>
    </message>
    <message>
        <source>The sender of the summary mail.</source>
        <translation>Afsenderen af oversigtsmailen.</translation>
    </message>
    <message>
        <source>Who receives the summary mail.</source>
        <translation>Hvem der modtager oversigtsmailen.</translation>
    </message>
    <message>
        <source>The SMTP user, if the server wants one; the password comes from mail/password or the desktop keyring (service &quot;Gatehouse SMTP&quot;).</source>
        <translation>SMTP-brugeren, hvis serveren kræver en; adgangskoden kommer fra mail/password eller skrivebordets nøglering (tjenesten &quot;Gatehouse SMTP&quot;).</translation>
    </message>
    <message>
        <source>The SMTP password; better kept in the desktop keyring.</source>
        <translation>SMTP-adgangskoden; opbevares bedre i skrivebordets nøglering.</translation>
    </message>
    <message>
        <source>An extra CA bundle for the mail server; empty uses transfer/ca_bundle.</source>
        <translation>Et ekstra CA-bundt til mailserveren; tom bruger transfer/ca_bundle.</translation>
    </message>
    <message>
        <source>Seconds the mail server may take.</source>
        <translation>Sekunder, som mailserveren må bruge.</translation>
    </message>
    <message>
        <source>Where each run&apos;s log, _SUMMARY and CSVs are copied: s3://bucket/prefix. Empty: kept only beside the catalog.</source>
        <translation>Hvor hver kørsels log, _SUMMARY og CSV-filer kopieres hen: s3://bucket/prefix. Tom: gemmes kun ved siden af kataloget.</translation>
    </message>
    <message>
        <source>The QA checks that run: all, or a list of check names (fixity, empty, mimetype-extension, decodable, jp2-structure, xml-wellformed, xml-schema, page-sequence, batch-identifier, sidecars, dimensions, dark-page, blank-page, black-border, ocr-confidence).</source>
        <translation>De QA-kontroller, der køres: all eller en liste af kontrolnavne (fixity, empty, mimetype-extension, decodable, jp2-structure, xml-wellformed, xml-schema, page-sequence, batch-identifier, sidecars, dimensions, dark-page, blank-page, black-border, ocr-confidence).</translation>
    </message>
    <message>
        <source>QA checks not to run.</source>
        <translation>QA-kontroller, der ikke skal køres.</translation>
    </message>
    <message>
        <source>A folder of XSD files, or an OASIS XML catalog (catalog.xml), for xml-schema. Empty: the set &quot;schemas fetch&quot; saved in the data folder, if any.</source>
        <translation>En mappe med XSD-filer eller et OASIS XML-katalog (catalog.xml) til xml-schema. Tom: det sæt, som &quot;schemas fetch&quot; har gemt i datamappen, hvis der er et.</translation>
    </message>
    <message>
        <source>Longer side in pixels of the reduced decode behind the image statistics.</source>
        <translation>Den længste side i pixel af den reducerede afkodning bag billedstatistikken.</translation>
    </message>
    <message>
        <source>dark-page: a page whose histogram peaks below this value (0–255) is dark.</source>
        <translation>dark-page: en side, hvis histogram topper under denne værdi (0–255), er mørk.</translation>
    </message>
    <message>
        <source>blank-page: pixels darker than this are ink…</source>
        <translation>blank-page: pixel, der er mørkere end dette, er blæk…</translation>
    </message>
    <message>
        <source>…and a page with at most this fraction of ink is blank.</source>
        <translation>…og en side med højst denne andel blæk er tom.</translation>
    </message>
    <message>
        <source>black-border: pixels at or below this value are near black…</source>
        <translation>black-border: pixel på eller under denne værdi er næsten sorte…</translation>
    </message>
    <message>
        <source>…and more than this fraction of them is a black border.</source>
        <translation>…og mere end denne andel af dem er en sort kant.</translation>
    </message>
    <message>
        <source>ocr-confidence: the mean ALTO word confidence (WC) must reach this.</source>
        <translation>ocr-confidence: den gennemsnitlige ALTO-ordsikkerhed (WC) skal nå dette.</translation>
    </message>
    <message>
        <source>dimensions: a bound of the page size in pixels; 0 means no bound.</source>
        <translation>dimensions: en grænse for sidestørrelsen i pixel; 0 betyder ingen grænse.</translation>
    </message>
    <message>
        <source>sidecars: the files every page has…</source>
        <translation>sidecars: de filer, hver side har…</translation>
    </message>
    <message>
        <source>…and the checksum file each of them has; empty for none.</source>
        <translation>…og den kontrolsumfil, hver af dem har; tom for ingen.</translation>
    </message>
    <message>
        <source>Severities other than the checks&apos; own, CHECK=error|warning|flag.</source>
        <translation>Andre alvorsgrader end kontrollernes egne, CHECK=error|warning|flag.</translation>
    </message>
    <message>
        <source>Files checked at once; 0 for one per core.</source>
        <translation>Filer, der kontrolleres samtidig; 0 for én pr. kerne.</translation>
    </message>
    <message>
        <source>%1 must be a number from 0 to 1, not &quot;%2&quot;.</source>
        <translation>%1 skal være et tal fra 0 til 1, ikke &quot;%2&quot;.</translation>
    </message>
    <message>
        <source>A bot password&apos;s user (Name@appid) for wiki targets; or GATEHOUSE_MEDIAWIKI_USER.</source>
        <translation>Brugeren til en botadgangskode (Navn@appid) for wiki-mål; eller GATEHOUSE_MEDIAWIKI_USER.</translation>
    </message>
    <message>
        <source>The bot password; better GATEHOUSE_MEDIAWIKI_PASSWORD or the desktop keyring (service &quot;Gatehouse MediaWiki&quot;). Never logged.</source>
        <translation>Botadgangskoden; hellere GATEHOUSE_MEDIAWIKI_PASSWORD eller skrivebordets nøglering (tjenesten &quot;Gatehouse MediaWiki&quot;). Logges aldrig.</translation>
    </message>
    <message>
        <source>Files larger than this go to a wiki in chunks of this size.</source>
        <translation>Filer større end dette sendes til en wiki i bidder af denne størrelse.</translation>
    </message>
    <message>
        <source>Files up to this size go to a wiki in one request; 0: the chunk size.</source>
        <translation>Filer op til denne størrelse sendes til en wiki i én forespørgsel; 0: bidstørrelsen.</translation>
    </message>
    <message>
        <source>Chunked files at least this large are published by the wiki&apos;s job queue, and polled.</source>
        <translation>Filer i bidder af mindst denne størrelse udgives af wikiens jobkø og forespørges løbende.</translation>
    </message>
    <message>
        <source>Requests at once per wiki; raise only where the wiki allows it.</source>
        <translation>Samtidige forespørgsler pr. wiki; hæv kun, hvor wikien tillader det.</translation>
    </message>
    <message>
        <source>Sent as maxlag= on every request: seconds of database lag at which the wiki asks us to wait.</source>
        <translation>Sendes som maxlag= med hver forespørgsel: sekunders databaseforsinkelse, hvor wikien beder os vente.</translation>
    </message>
    <message>
        <source>Attempts per wiki request for maxlag, Retry-After, server errors and network failures.</source>
        <translation>Forsøg pr. wiki-forespørgsel ved maxlag, Retry-After, serverfejl og netværksfejl.</translation>
    </message>
    <message>
        <source>File page titles on a wiki; empty: {title:181} - {identifier}{ext}, with the page number for items of several files.</source>
        <translation>Titler på filsider i en wiki; tom: {title:181} - {identifier}{ext}, med sidenummeret for enheder med flere filer.</translation>
    </message>
    <message>
        <source>A wikitext file with {field} placeholders for the file description pages; empty: an information template filled from the item&apos;s metadata.</source>
        <translation>En wikitekstfil med {field}-pladsholdere til filbeskrivelsessiderne; tom: en informationsskabelon udfyldt fra enhedens metadata.</translation>
    </message>
    <message>
        <source>The upload summary on a wiki.</source>
        <translation>Overførselsresuméet i en wiki.</translation>
    </message>
    <message>
        <source>Categories every uploaded page gets on a wiki.</source>
        <translation>Kategorier, som hver overført side får i en wiki.</translation>
    </message>
    <message>
        <source>Where a batch goes once approved, when none was given: local:DIR, s3://bucket/prefix or mediawiki:https://host/w/api.php. Empty: approval uploads nothing.</source>
        <translation>Hvor en batch sendes hen, når den er godkendt, hvis intet mål blev angivet: local:MAPPE, s3://bucket/præfiks eller mediawiki:https://vært/w/api.php. Tom: godkendelse overfører intet.</translation>
    </message>
    <message>
        <source>Which files go to the default target, in the filter bar&apos;s syntax; empty: all.</source>
        <translation>Hvilke filer der sendes til standardmålet, i filterlinjens syntaks; tom: alle.</translation>
    </message>
    <message>
        <source>Conversion rules for uploads, FROM=TO[:qQUALITY][:LONGEST], several separated by commas.</source>
        <translation>Konverteringsregler for overførsler, FRA=TIL[:qKVALITET][:LÆNGSTE], flere adskilt af kommaer.</translation>
    </message>
    <message>
        <source>S3 keys and paths in local targets; empty: the file&apos;s store key.</source>
        <translation>S3-nøgler og stier i lokale mål; tom: filens lagernøgle.</translation>
    </message>
    <message>
        <source>Uploads at once to S3 and local targets.</source>
        <translation>Samtidige overførsler til S3 og lokale mål.</translation>
    </message>
    <message>
        <source>How long a claim on a file holds without a heartbeat when several Gatehouse processes share a batch on one PostgreSQL catalog; then another process takes the file over. Renewed every third of it while the work goes on.</source>
        <translation>Hvor længe en reservation af en fil holder uden livstegn, når flere Gatehouse-processer deler et batch i ét PostgreSQL-katalog; derefter overtager en anden proces filen. Fornyes hver tredjedel af tiden, mens arbejdet står på.</translation>
    </message>
    <message>
        <source>The name recorded with every decision a person makes (duplicate decisions, QA verdicts, approval, rejection) and its events; another curator who decides the same thing later is told it. gatehouse-cli --as NAME overrides it for one command. Empty: the operating system&apos;s user name.</source>
        <translation>Navnet, der registreres ved hver beslutning en person træffer (dubletbeslutninger, QA-bedømmelser, godkendelse, afvisning) og dens hændelser; en anden kurator, der senere beslutter det samme, får det at vide. gatehouse-cli --as NAVN tilsidesætter det for én kommando. Tomt: styresystemets brugernavn.</translation>
    </message>
    <message>
        <source>How soon, in milliseconds, the main window shows what other workstations or command-line runs changed in the catalog: decisions, verdicts, approvals, stages and files. A burst of changes within this time is shown at once.</source>
        <translation>Hvor hurtigt, i millisekunder, hovedvinduet viser, hvad andre arbejdsstationer eller kørsler fra kommandolinjen har ændret i kataloget: beslutninger, bedømmelser, godkendelser, faser og filer. En byge af ændringer inden for dette tidsrum vises på én gang.</translation>
    </message>
    <message>
        <source>How long a run waits for a PostgreSQL catalog&apos;s server after losing the connection (the server restarted, the network dropped) before it fails; it tries again with growing pauses and goes on where it was.</source>
        <translation>Hvor længe en kørsel venter på et PostgreSQL-katalogs server efter at have mistet forbindelsen (serveren blev genstartet, netværket faldt ud), før den fejler; den prøver igen med stigende pauser og fortsætter, hvor den var.</translation>
    </message>
</context>
<context>
    <name>gh::ShortcutsDialog</name>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>Tastaturgenveje</translation>
    </message>
    <message>
        <source>Move between the main areas</source>
        <translation>Flyt mellem hovedområderne</translation>
    </message>
    <message>
        <source>Tab, Shift+Tab</source>
        <translation>Tab, Skift+Tab</translation>
    </message>
    <message>
        <source>Preview the current file (file list, thumbnails)</source>
        <translation>Forhåndsvis den aktuelle fil (filliste, miniaturer)</translation>
    </message>
    <message>
        <source>Space</source>
        <translation>Mellemrum</translation>
    </message>
    <message>
        <source>Clear the filter (in the filter field)</source>
        <translation>Ryd filteret (i filterfeltet)</translation>
    </message>
    <message>
        <source>Escape</source>
        <translation>Escape</translation>
    </message>
    <message>
        <source>Previous or next page of an item (preview)</source>
        <translation>Forrige eller næste side i en enhed (forhåndsvisning)</translation>
    </message>
    <message>
        <source>Page Up, Page Down</source>
        <translation>Page Up, Page Down</translation>
    </message>
    <message>
        <source>Zoom the preview; fit; 100 %</source>
        <translation>Zoom forhåndsvisningen; tilpas; 100 %</translation>
    </message>
    <message>
        <source>+, -, F, 1</source>
        <translation>+, -, F, 1</translation>
    </message>
    <message>
        <source>Go to the file of a problem (Problems)</source>
        <translation>Gå til filen bag et problem (Problemer)</translation>
    </message>
    <message>
        <source>Enter</source>
        <translation>Enter</translation>
    </message>
    <message>
        <source>Context menu of a batch or file</source>
        <translation>Genvejsmenu for en batch eller fil</translation>
    </message>
    <message>
        <source>Menu, Shift+F10</source>
        <translation>Menu, Skift+F10</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Kommando</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Taster</translation>
    </message>
    <message>
        <source>Review: pass; fail (then a reason 1–9, Enter); undo the verdict</source>
        <translation>Gennemsyn: godkend; fejl (derefter en årsag 1–9, Enter); fortryd afgørelsen</translation>
    </message>
    <message>
        <source>P; F; U</source>
        <translation>P; F; U</translation>
    </message>
    <message>
        <source>Review: next item; previous item; zoom</source>
        <translation>Gennemsyn: næste enhed; forrige enhed; zoom</translation>
    </message>
    <message>
        <source>N or Right; Left; Z</source>
        <translation>N eller højrepil; venstrepil; Z</translation>
    </message>
    <message>
        <source>Review: close the window</source>
        <translation>Gennemsyn: luk vinduet</translation>
    </message>
    <message>
        <source>Ctrl+W</source>
        <translation>Ctrl+W</translation>
    </message>
    <message>
        <source>Duplicates: skip; upload; rename; overwrite; move; link; hand-fix</source>
        <translation>Dubletter: spring over; upload; omdøb; overskriv; flyt; henvis; ret i hånden</translation>
    </message>
    <message>
        <source>S; U; R; O; M; L; H</source>
        <translation>S; U; R; O; M; L; H</translation>
    </message>
    <message>
        <source>Duplicates: the next decision for all similar cases (on or off); undo</source>
        <translation>Dubletter: næste beslutning for alle lignende tilfælde (til eller fra); fortryd</translation>
    </message>
    <message>
        <source>A; Ctrl+Z</source>
        <translation>A; Ctrl+Z</translation>
    </message>
    <message>
        <source>Review: the target field; approve; reject</source>
        <translation>Gennemsyn: målfeltet; godkend; afvis</translation>
    </message>
    <message>
        <source>Alt+T; Alt+A; Alt+R</source>
        <translation>Alt+M; Alt+G; Alt+A</translation>
    </message>
</context>
<context>
    <name>gh::SidecarsCheck</name>
    <message>
        <source>Every page of a newspaper batch has the files the profile names (by default .jp2, .mix.xml, .mods.xml and .alto.xml) and every file its checksum file (.md5).</source>
        <translation>Hver side i en avisbatch har de filer, som profilen angiver (som standard .jp2, .mix.xml, .mods.xml og .alto.xml), og hver fil sin kontrolsumfil (.md5).</translation>
    </message>
    <message>
        <source>%1 has no checksum file %2 beside it.</source>
        <translation>%1 har ingen kontrolsumfil %2 ved siden af sig.</translation>
    </message>
    <message>
        <source>The page %1 has no %2 file: %3 is missing.</source>
        <translation>Siden %1 har ingen %2-fil: %3 mangler.</translation>
    </message>
</context>
<context>
    <name>gh::SingleFileIngester</name>
    <message>
        <source>Nothing recognised %1; it is loaded as a batch of one file.</source>
        <translation>Intet genkendte %1; den indlæses som en batch med én fil.</translation>
    </message>
    <message>
        <source>%1 is loaded as a batch of one file.</source>
        <translation>%1 indlæses som en batch med én fil.</translation>
    </message>
</context>
<context>
    <name>gh::SpoolFile</name>
    <message>
        <source>&quot;%1&quot; cannot name a resumable spool.</source>
        <translation>&quot;%1&quot; kan ikke bruges som navn på en genoptagelig spoolfil.</translation>
    </message>
    <message>
        <source>Cannot create %1: %2</source>
        <translation>Kan ikke oprette %1: %2</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Kan ikke skrive %1: %2</translation>
    </message>
    <message>
        <source>Cannot truncate %1: %2</source>
        <translation>Kan ikke afkorte %1: %2</translation>
    </message>
    <message>
        <source>Cannot read back %1: %2</source>
        <translation>Kan ikke læse %1 tilbage: %2</translation>
    </message>
    <message>
        <source>it is shorter than written</source>
        <translation>den er kortere end det skrevne</translation>
    </message>
    <message>
        <source>Cannot flush %1 to disk: %2</source>
        <translation>Kan ikke skrive %1 til disken: %2</translation>
    </message>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation>Kan ikke oprette mappen %1.</translation>
    </message>
    <message>
        <source>Cannot move %1 to %2: %3</source>
        <translation>Kan ikke flytte %1 til %2: %3</translation>
    </message>
</context>
<context>
    <name>gh::SpreadsheetIngester</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Kan ikke læse %1: %2</translation>
    </message>
    <message>
        <source>%1 is empty: a spreadsheet needs a header row.</source>
        <translation>%1 er tom: et regneark skal have en overskriftsrække.</translation>
    </message>
    <message>
        <source>%1 has no column for the files (a url or path column): its columns are %2.</source>
        <translation>%1 har ingen kolonne til filerne (en url- eller path-kolonne): dens kolonner er %2.</translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation>Indlæsningen af %1 blev annulleret.</translation>
    </message>
    <message>
        <source>line %1 has %2 fields, the header %3</source>
        <translation>linje %1 har %2 felter, overskriften %3</translation>
    </message>
    <message>
        <source>%1 line %2</source>
        <translation>%1 linje %2</translation>
    </message>
    <message>
        <source>line %1: &quot;%2&quot; is not a %3 digest</source>
        <translation>linje %1: &quot;%2&quot; er ikke en %3-kontrolsum</translation>
    </message>
    <message>
        <source>line %1 names no file</source>
        <translation>linje %1 angiver ingen fil</translation>
    </message>
    <message>
        <source>%1 line %2: &quot;%3&quot; is not an http or https URL.</source>
        <translation>%1 linje %2: &quot;%3&quot; er ikke en http- eller https-URL.</translation>
    </message>
    <message>
        <source>line %1: identifier %2 appears again after other records; loaded as %3</source>
        <translation>linje %1: identifikator %2 optræder igen efter andre poster; indlæst som %3</translation>
    </message>
    <message>
        <source>tab</source>
        <translation>tabulator</translation>
    </message>
    <message>
        <source>%1 is a spreadsheet (%2-separated) of %3 records with %4 files.</source>
        <translation>%1 er et regneark (%2-separeret) med %3 poster og %4 filer.</translation>
    </message>
</context>
<context>
    <name>gh::StageInfo</name>
    <message>
        <source>Intake</source>
        <translation>Modtagelse</translation>
    </message>
    <message>
        <source>Fetch</source>
        <translation>Hentning</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Kontrol</translation>
    </message>
    <message>
        <source>Duplicates</source>
        <translation>Dubletter</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Gennemsyn</translation>
    </message>
    <message>
        <source>Upload</source>
        <translation>Upload</translation>
    </message>
    <message>
        <source>Not started</source>
        <translation>Ikke startet</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Kører</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Færdig</translation>
    </message>
    <message>
        <source>Needs attention</source>
        <translation>Kræver opmærksomhed</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Mislykkedes</translation>
    </message>
</context>
<context>
    <name>gh::StatusInfo</name>
    <message>
        <source>Pending</source>
        <translation>Ventende</translation>
    </message>
    <message>
        <source>Stored</source>
        <translation>Lagret</translation>
    </message>
    <message>
        <source>Not changed</source>
        <translation>Ikke ændret</translation>
    </message>
    <message>
        <source>Skipped (banned)</source>
        <translation>Sprunget over (spærret)</translation>
    </message>
    <message>
        <source>Too large</source>
        <translation>For stor</translation>
    </message>
    <message>
        <source>Wrong type</source>
        <translation>Forkert type</translation>
    </message>
    <message>
        <source>Empty</source>
        <translation>Tom</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>Ikke fundet</translation>
    </message>
    <message>
        <source>Forbidden</source>
        <translation>Forbudt</translation>
    </message>
    <message>
        <source>Request refused</source>
        <translation>Forespørgsel afvist</translation>
    </message>
    <message>
        <source>Server error</source>
        <translation>Serverfejl</translation>
    </message>
    <message>
        <source>Rate limited</source>
        <translation>Hastighedsbegrænset</translation>
    </message>
    <message>
        <source>Timed out</source>
        <translation>Tidsudløb</translation>
    </message>
    <message>
        <source>Network error</source>
        <translation>Netværksfejl</translation>
    </message>
    <message>
        <source>Truncated</source>
        <translation>Afkortet</translation>
    </message>
    <message>
        <source>TLS error</source>
        <translation>TLS-fejl</translation>
    </message>
    <message>
        <source>Redirect loop</source>
        <translation>Omdirigeringsløkke</translation>
    </message>
    <message>
        <source>Too many redirects</source>
        <translation>For mange omdirigeringer</translation>
    </message>
    <message>
        <source>Checksum mismatch</source>
        <translation>Kontrolsummen stemmer ikke</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>Mangler</translation>
    </message>
    <message>
        <source>Unreadable</source>
        <translation>Ulæselig</translation>
    </message>
    <message>
        <source>Storage error</source>
        <translation>Lagerfejl</translation>
    </message>
    <message>
        <source>Unsafe path</source>
        <translation>Usikker sti</translation>
    </message>
    <message>
        <source>Limit exceeded</source>
        <translation>Grænse overskredet</translation>
    </message>
    <message>
        <source>Unsupported</source>
        <translation>Ikke understøttet</translation>
    </message>
    <message>
        <source>Deleted (batch rejected)</source>
        <translation>Slettet (batch afvist)</translation>
    </message>
    <message>
        <source>Needs a decision</source>
        <translation>Kræver en beslutning</translation>
    </message>
    <message>
        <source>Refused by the target</source>
        <translation>Afvist af målet</translation>
    </message>
    <message>
        <source>Differs on the target</source>
        <translation>Afviger på målet</translation>
    </message>
</context>
<context>
    <name>gh::StoreKey</name>
    <message>
        <source>The storage key &quot;%1&quot; is unsafe: %2.</source>
        <translation>Lagernøglen &quot;%1&quot; er usikker: %2.</translation>
    </message>
    <message>
        <source>it is empty</source>
        <translation>den er tom</translation>
    </message>
    <message>
        <source>it is an absolute path</source>
        <translation>den er en absolut sti</translation>
    </message>
    <message>
        <source>it contains a backslash</source>
        <translation>den indeholder en omvendt skråstreg</translation>
    </message>
    <message>
        <source>it contains a control character</source>
        <translation>den indeholder et kontroltegn</translation>
    </message>
    <message>
        <source>it contains an empty path segment</source>
        <translation>den indeholder et tomt stisegment</translation>
    </message>
    <message>
        <source>it contains a &quot;%1&quot; segment</source>
        <translation>den indeholder et &quot;%1&quot;-segment</translation>
    </message>
    <message>
        <source>a segment is longer than 255 bytes</source>
        <translation>et segment er længere end 255 byte</translation>
    </message>
    <message>
        <source>its first segment is hidden (reserved for the store&apos;s own files)</source>
        <translation>dens første segment er skjult (reserveret til lagerets egne filer)</translation>
    </message>
    <message>
        <source>The key template &quot;%1&quot; has a malformed variable.</source>
        <translation>Nøgleskabelonen &quot;%1&quot; har en fejlformet variabel.</translation>
    </message>
    <message>
        <source>The key template &quot;%1&quot; uses {%2}, which is not known here.</source>
        <translation>Nøgleskabelonen &quot;%1&quot; bruger {%2}, som ikke kendes her.</translation>
    </message>
</context>
<context>
    <name>gh::StoredCopy</name>
    <message>
        <source>Cannot write a temporary copy of %1: %2</source>
        <translation>Kan ikke skrive en midlertidig kopi af %1: %2</translation>
    </message>
    <message>
        <source>Cannot create a temporary copy of %1: %2</source>
        <translation>Kan ikke oprette en midlertidig kopi af %1: %2</translation>
    </message>
    <message>
        <source>Cannot read %1 from %2: %3</source>
        <translation>Kan ikke læse %1 fra %2: %3</translation>
    </message>
</context>
<context>
    <name>gh::StreamHash</name>
    <message>
        <source>Reading %1 was cancelled.</source>
        <translation>Læsningen af %1 blev annulleret.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Kan ikke læse %1: %2</translation>
    </message>
</context>
<context>
    <name>gh::SummarySections</name>
    <message>
        <source>Files</source>
        <translation>Filer</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>Enheder</translation>
    </message>
    <message>
        <source>Attempted</source>
        <translation>Forsøgt</translation>
    </message>
    <message>
        <source>Successful</source>
        <translation>Lykkedes</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Mislykkedes</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>Sprunget over</translation>
    </message>
    <message>
        <source>Not yet processed</source>
        <translation>Endnu ikke behandlet</translation>
    </message>
    <message>
        <source>Bytes</source>
        <translation>Byte</translation>
    </message>
    <message>
        <source>By status</source>
        <translation>Efter status</translation>
    </message>
    <message>
        <source>Stages</source>
        <translation>Faser</translation>
    </message>
    <message>
        <source>Checks</source>
        <translation>Kontroller</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Gennemsyn</translation>
    </message>
    <message>
        <source>Uploads</source>
        <translation>Overførsler</translation>
    </message>
    <message>
        <source>Approval</source>
        <translation>Godkendelse</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>Afgørelse</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>godkendt</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>afvist</translation>
    </message>
</context>
<context>
    <name>gh::Target</name>
    <message>
        <source>%1 has no name on the target: it was never stored, or the key template gives nothing.</source>
        <translation>%1 har intet navn på målet: den blev aldrig lagret, eller nøgleskabelonen giver intet.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Kan ikke læse %1: %2</translation>
    </message>
    <message>
        <source>The upload has no source.</source>
        <translation>Overførslen har ingen kilde.</translation>
    </message>
</context>
<context>
    <name>gh::TargetDelivery</name>
    <message>
        <source>%1 was never stored, so there is nothing to send.</source>
        <translation>%1 blev aldrig lagret, så der er intet at sende.</translation>
    </message>
    <message>
        <source>The rule %1 applies to %2, but this program cannot convert images.</source>
        <translation>Reglen %1 gælder for %2, men dette program kan ikke konvertere billeder.</translation>
    </message>
    <message>
        <source>Dissemination copy %1 (rule %2) made from the stored original (sha256 %3): %4×%5 pixels, %6 bytes, md5 %7, sha1 %8, sha256 %9.</source>
        <translation>Formidlingskopi %1 (regel %2) lavet ud fra den lagrede original (sha256 %3): %4×%5 pixel, %6 byte, md5 %7, sha1 %8, sha256 %9.</translation>
    </message>
    <message>
        <source>%1 refuses the name %2: %3</source>
        <translation>%1 afviser navnet %2: %3</translation>
    </message>
    <message>
        <source>%1 already holds these bytes as %2; nothing sent.</source>
        <translation>%1 indeholder allerede disse byte som %2; intet sendt.</translation>
    </message>
    <message>
        <source>%1 holds %2 with the same digests (sha1 %3); not sent again.</source>
        <translation>%1 indeholder %2 med de samme kontrolsummer (sha1 %3); ikke sendt igen.</translation>
    </message>
    <message>
        <source>%1: the name %2 is taken (a page without a file).</source>
        <translation>%1: navnet %2 er optaget (en side uden en fil).</translation>
    </message>
    <message>
        <source>%1: the name %2 holds other content.</source>
        <translation>%1: navnet %2 har andet indhold.</translation>
    </message>
    <message>
        <source>%1 already holds these bytes as %2.</source>
        <translation>%1 indeholder allerede disse byte som %2.</translation>
    </message>
    <message>
        <source>%1 deleted these bytes before for copyright (%2: %3).</source>
        <translation>%1 har tidligere slettet disse byte af ophavsretlige grunde (%2: %3).</translation>
    </message>
    <message>
        <source>%1 deleted these bytes before (%2).</source>
        <translation>%1 har tidligere slettet disse byte (%2).</translation>
    </message>
    <message>
        <source>Sent to %1 as %2: %3 bytes, sha1 %4, sha256 %5.</source>
        <translation>Sendt til %1 som %2: %3 byte, sha1 %4, sha256 %5.</translation>
    </message>
    <message>
        <source>%1 already held these bytes as %2; nothing sent.</source>
        <translation>%1 indeholdt allerede disse byte som %2; intet sendt.</translation>
    </message>
    <message>
        <source>Not sent to %1 as %2: %3</source>
        <translation>Ikke sendt til %1 som %2: %3</translation>
    </message>
    <message>
        <source>Sending to %1 as %2 failed: %3</source>
        <translation>Afsendelse til %1 som %2 mislykkedes: %3</translation>
    </message>
    <message>
        <source>%1 holds %2 with the digests that were sent (sha1 %3, %4 bytes).</source>
        <translation>%1 indeholder %2 med de kontrolsummer, der blev sendt (sha1 %3, %4 byte).</translation>
    </message>
    <message>
        <source>%1 holds %2 as an interrupted run sent it; nothing sent again.</source>
        <translation>%1 har %2, som en afbrudt kørsel sendte den; intet sendt igen.</translation>
    </message>
    <message>
        <source>Sent to %1 as %2 by an interrupted run: %3 bytes, sha1 %4, found complete.</source>
        <translation>Sendt til %1 som %2 af en afbrudt kørsel: %3 byte, sha1 %4, fundet komplet.</translation>
    </message>
    <message>
        <source>%1 stored %2 although its answer was lost; not sent again.</source>
        <translation>%1 gemte %2, selv om svaret gik tabt; ikke sendt igen.</translation>
    </message>
    <message>
        <source>Sent to %1 as %2: %3 bytes, sha1 %4, sha256 %5 (the first answer was lost).</source>
        <translation>Sendt til %1 som %2: %3 bytes, sha1 %4, sha256 %5 (det første svar gik tabt).</translation>
    </message>
    <message>
        <source>%1 holds %2 with the digests that were sent (sha1 %3, %4 bytes), as its answer to the upload says.</source>
        <translation>%1 indeholder %2 med de kontrolsummer, der blev sendt (sha1 %3, %4 byte), som dens svar på uploaden siger.</translation>
    </message>
</context>
<context>
    <name>gh::TargetOptions</name>
    <message>
        <source>%1: targets/derive: %2</source>
        <translation>%1: targets/derive: %2</translation>
    </message>
    <message>
        <source>settings</source>
        <translation>indstillinger</translation>
    </message>
    <message>
        <source>%1: mediawiki/chunk_size must be a size of at least 1K (such as 5M).</source>
        <translation>%1: mediawiki/chunk_size skal være en størrelse på mindst 1K (f.eks. 5M).</translation>
    </message>
</context>
<context>
    <name>gh::TargetRegistry</name>
    <message>
        <source>Unknown target &quot;%1&quot;; give one of: %2.</source>
        <translation>Ukendt mål &quot;%1&quot;; angiv et af: %2.</translation>
    </message>
</context>
<context>
    <name>gh::ThumbnailCache</name>
    <message>
        <source>“%1” is not a SHA-256 digest; the thumbnail was not cached.</source>
        <translation>“%1” er ikke en SHA-256-kontrolsum; miniaturen blev ikke cachet.</translation>
    </message>
    <message>
        <source>An empty thumbnail cannot be cached.</source>
        <translation>En tom miniature kan ikke caches.</translation>
    </message>
    <message>
        <source>Cannot create the thumbnail cache folder %1.</source>
        <translation>Kan ikke oprette cachemappen til miniaturer %1.</translation>
    </message>
    <message>
        <source>Cannot write the thumbnail %1: %2</source>
        <translation>Kan ikke skrive miniaturen %1: %2</translation>
    </message>
    <message>
        <source>Cannot remove every file in the thumbnail cache %1.</source>
        <translation>Kan ikke fjerne alle filer i miniaturecachen %1.</translation>
    </message>
</context>
<context>
    <name>gh::ThumbnailGenerator</name>
    <message>
        <source>A thumbnail must be at least one pixel large.</source>
        <translation>En miniature skal være mindst én pixel stor.</translation>
    </message>
    <message>
        <source>%1 is %2, which has no thumbnail.</source>
        <translation>%1 er %2, som der ikke kan laves en miniature af.</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>Kan ikke åbne %1: %2</translation>
    </message>
    <message>
        <source>%1 is empty.</source>
        <translation>%1 er tom.</translation>
    </message>
    <message>
        <source>%1 is not an image or PDF that Gatehouse can make a thumbnail of.</source>
        <translation>%1 er ikke et billede eller en PDF, som Gatehouse kan lave en miniature af.</translation>
    </message>
    <message>
        <source>%1 is a truncated PDF document (it has no end marker).</source>
        <translation>%1 er et afkortet PDF-dokument (det har ingen slutmarkør).</translation>
    </message>
    <message>
        <source>%1 is not a readable PDF document.</source>
        <translation>%1 er ikke et læsbart PDF-dokument.</translation>
    </message>
    <message>
        <source>%1 is a password-protected PDF document.</source>
        <translation>%1 er et adgangskodebeskyttet PDF-dokument.</translation>
    </message>
    <message>
        <source>%1 is a PDF document without pages.</source>
        <translation>%1 er et PDF-dokument uden sider.</translation>
    </message>
    <message>
        <source>The first page of %1 cannot be read.</source>
        <translation>Den første side i %1 kan ikke læses.</translation>
    </message>
    <message>
        <source>The first page of %1 cannot be rendered.</source>
        <translation>Den første side i %1 kan ikke gengives.</translation>
    </message>
    <message>
        <source>%1 is a truncated or damaged JPEG file.</source>
        <translation>%1 er en afkortet eller beskadiget JPEG-fil.</translation>
    </message>
    <message>
        <source>%1 is a truncated or damaged GIF file.</source>
        <translation>%1 er en afkortet eller beskadiget GIF-fil.</translation>
    </message>
    <message>
        <source>%1 is a truncated BMP file.</source>
        <translation>%1 er en afkortet BMP-fil.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Kan ikke læse %1: %2</translation>
    </message>
    <message>
        <source>%1 cannot be decoded as %2: %3</source>
        <translation>%1 kan ikke afkodes som %2: %3</translation>
    </message>
</context>
<context>
    <name>gh::ThumbnailView</name>
    <message>
        <source>Thumbnails</source>
        <translation>Miniaturer</translation>
    </message>
</context>
<context>
    <name>gh::TransfersModel</name>
    <message>
        <source>%1 of %2 bytes received</source>
        <translation>%1 af %2 byte modtaget</translation>
    </message>
    <message>
        <source>%1 bytes received; the size is not known yet</source>
        <translation>%1 byte modtaget; størrelsen kendes endnu ikke</translation>
    </message>
    <message>
        <source>%1 of %2 (%3%)</source>
        <translation>%1 af %2 (%3%)</translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Fil</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Vært</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fremskridt</translation>
    </message>
    <message>
        <source>Rate</source>
        <translation>Hastighed</translation>
    </message>
    <message>
        <source>Attempt</source>
        <translation>Forsøg</translation>
    </message>
    <message>
        <source>waiting…</source>
        <translation>venter…</translation>
    </message>
    <message>
        <source>Waiting for the server: connecting, or in the queue for this host.</source>
        <translation>Venter på serveren: opretter forbindelse eller står i kø til denne vært.</translation>
    </message>
</context>
<context>
    <name>gh::TransfersView</name>
    <message>
        <source>Cancel</source>
        <translation>Annuller</translation>
    </message>
    <message>
        <source>Transfer summary</source>
        <translation>Oversigt over overførsler</translation>
    </message>
    <message>
        <source>Nothing is running.</source>
        <translation>Intet kører.</translation>
    </message>
    <message>
        <source>Cancel the running stage</source>
        <translation>Annuller den kørende fase</translation>
    </message>
    <message>
        <source>Stop the running stage; files not finished stay pending and resume next time.</source>
        <translation>Stop den kørende fase; filer, der ikke er færdige, forbliver ventende og genoptages næste gang.</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Annullerer…</translation>
    </message>
    <message>
        <source>Running transfers</source>
        <translation>Kørende overførsler</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Genoptag</translation>
    </message>
    <message>
        <source>Resume transfers</source>
        <translation>Genoptag overførsler</translation>
    </message>
    <message>
        <source>Carry on with the paused transfers and start the files still waiting.</source>
        <translation>Fortsæt de pausede overførsler, og start de filer, der stadig venter.</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pause</translation>
    </message>
    <message>
        <source>Pause transfers</source>
        <translation>Sæt overførsler på pause</translation>
    </message>
    <message>
        <source>Hold the running downloads and uploads where they are and start no new files; a local copy under way finishes its file.</source>
        <translation>Hold de kørende downloads og uploads, hvor de er, og start ingen nye filer; en lokal kopiering, der er i gang, gør sin fil færdig.</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Starter…</translation>
    </message>
</context>
<context>
    <name>gh::UploadErrors</name>
    <message>
        <source>The wiki refused the upload: %1 (%2).</source>
        <translation>Wikien afviste overførslen: %1 (%2).</translation>
    </message>
    <message>
        <source>The wiki already holds these bytes under this name.</source>
        <translation>Wikien har allerede disse byte under dette navn.</translation>
    </message>
</context>
<context>
    <name>gh::UploadHandover</name>
    <message>
        <source>targets/default: %1</source>
        <translation>targets/default: %1</translation>
    </message>
    <message>
        <source>Wikimedia Commons</source>
        <translation>Wikimedia Commons</translation>
    </message>
    <message>
        <source>%1 files to %2</source>
        <translation>%1 filer til %2</translation>
    </message>
    <message>
        <source>Upload %1.</source>
        <translation>Overfør %1.</translation>
    </message>
    <message>
        <source>%1: nothing of this batch to delete; %2 files were there before and stay.</source>
        <translation>%1: intet fra denne batch at slette; %2 filer var der i forvejen og bliver.</translation>
    </message>
    <message>
        <source>Cannot withdraw batch %1 from %2: %3</source>
        <translation>Kan ikke trække batch %1 tilbage fra %2: %3</translation>
    </message>
    <message>
        <source>%1 files stay on %2: deleting needs an administrator.</source>
        <translation>%1 filer bliver på %2: sletning kræver en administrator.</translation>
    </message>
    <message>
        <source>Deleting batch %1 from %2 stopped at %3: %4 Reject it again to carry on.</source>
        <translation>Sletning af batch %1 fra %2 stoppede ved %3: %4 Afvis den igen for at fortsætte.</translation>
    </message>
    <message>
        <source>batch rejected; %1 deleted from %2</source>
        <translation>batch afvist; %1 slettet fra %2</translation>
    </message>
    <message>
        <source>%1 files deleted from %2.</source>
        <translation>%1 filer slettet fra %2.</translation>
    </message>
    <message>
        <source>%1 files that were there before stay.</source>
        <translation>%1 filer, der var der i forvejen, bliver.</translation>
    </message>
    <message>
        <source>The target &quot;%1&quot; names no folder; write local:DIR.</source>
        <translation>Målet &quot;%1&quot; angiver ingen mappe; skriv local:DIR.</translation>
    </message>
    <message numerus="yes">
        <source>(%n kept back by duplicate decisions)</source>
        <translation>
            <numerusform>(%n holdt tilbage af en dubletbeslutning)</numerusform>
            <numerusform>(%n holdt tilbage af dubletbeslutninger)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::UploadPlan</name>
    <message>
        <source>A target needs a spec.</source>
        <translation>Et mål skal have en angivelse.</translation>
    </message>
    <message>
        <source>The filter for %1: %2</source>
        <translation>Filteret for %1: %2</translation>
    </message>
    <message>
        <source>--filter %1 comes before any --target; give each --target first, then its --filter.</source>
        <translation>--filter %1 kommer før nogen --target; angiv hvert --target først og derefter dets --filter.</translation>
    </message>
    <message>
        <source>--target %1 has two filters; combine them in one query.</source>
        <translation>--target %1 har to filtre; kombinér dem i én forespørgsel.</translation>
    </message>
</context>
<context>
    <name>gh::UploadPreview</name>
    <message>
        <source>Conversion rules are set, but this program cannot convert images.</source>
        <translation>Der er angivet konverteringsregler, men dette program kan ikke konvertere billeder.</translation>
    </message>
    <message>
        <source>%1 exists; the converted bytes decide whether it is the same file.</source>
        <translation>%1 findes; de konverterede byte afgør, om det er den samme fil.</translation>
    </message>
    <message>
        <source>Already there as %1.</source>
        <translation>Findes allerede som %1.</translation>
    </message>
    <message>
        <source>%1 holds other content.</source>
        <translation>%1 har andet indhold.</translation>
    </message>
    <message>
        <source>The bytes are already there as %1.</source>
        <translation>Disse byte findes allerede som %1.</translation>
    </message>
    <message>
        <source>The preview was cancelled.</source>
        <translation>Forhåndsvisningen blev annulleret.</translation>
    </message>
    <message>
        <source>%1/%2 does not go to %3.</source>
        <translation>%1/%2 skal ikke til %3.</translation>
    </message>
    <message>
        <source>Would be uploaded</source>
        <translation>Ville blive overført</translation>
    </message>
    <message>
        <source>Name taken on the target</source>
        <translation>Navnet er optaget på målet</translation>
    </message>
    <message>
        <source>Cannot be uploaded</source>
        <translation>Kan ikke overføres</translation>
    </message>
</context>
<context>
    <name>gh::UploadPreviewDialog</name>
    <message>
        <source>&amp;Show</source>
        <translation>&amp;Vis</translation>
    </message>
    <message>
        <source>Upload Preview</source>
        <translation>Forhåndsvisning af overførsel</translation>
    </message>
    <message>
        <source>mediawiki:https://commons.wikimedia.org/w/api.php</source>
        <translation>mediawiki:https://commons.wikimedia.org/w/api.php</translation>
    </message>
    <message>
        <source>{title:181} - {identifier}{ext} on wikis; the store key elsewhere</source>
        <translation>{title:181} - {identifier}{ext} på wikier; lagernøglen andre steder</translation>
    </message>
    <message>
        <source>&amp;Target:</source>
        <translation>&amp;Mål:</translation>
    </message>
    <message>
        <source>Title &amp;template:</source>
        <translation>Titel&amp;skabelon:</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Navn:</translation>
    </message>
    <message>
        <source>On the target:</source>
        <translation>På målet:</translation>
    </message>
    <message>
        <source>Page text:</source>
        <translation>Sidetekst:</translation>
    </message>
    <message>
        <source>Type a target first.</source>
        <translation>Skriv først et mål.</translation>
    </message>
    <message>
        <source>Asking the target…</source>
        <translation>Spørger målet…</translation>
    </message>
    <message>
        <source>converted by %1</source>
        <translation>konverteret af %1</translation>
    </message>
    <message>
        <source>Summary: %1</source>
        <translation>Resumé: %1</translation>
    </message>
    <message>
        <source>Looking up the batch&apos;s target…</source>
        <translation>Slår batchens mål op…</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Upload Preview: %1</source>
        <translation>Forhåndsvisning af overførsel: %1</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
</context>
<context>
    <name>gh::UploadStage</name>
    <message>
        <source>Batch %1 was rejected; nothing of it is uploaded.</source>
        <translation>Batch %1 blev afvist; intet fra den overføres.</translation>
    </message>
    <message>
        <source>No target to upload to: give --target, or [targets] default in the settings.</source>
        <translation>Intet mål at overføre til: angiv --target eller default under [targets] i indstillingerne.</translation>
    </message>
    <message>
        <source>Upload: %1 files of batch %2 to %3.</source>
        <translation>Overførsel: %1 filer fra batch %2 til %3.</translation>
    </message>
    <message>
        <source>%1 uploads in a row failed to reach their target; stopping. Last error: %2</source>
        <translation>%1 overførsler i træk nåede ikke deres mål; stopper. Seneste fejl: %2</translation>
    </message>
    <message>
        <source>Every file is at its targets.</source>
        <translation>Alle filer er på deres mål.</translation>
    </message>
</context>
<context>
    <name>gh::UploadWarnings</name>
    <message>
        <source>The wiki already holds these bytes as File:%1.</source>
        <translation>Wikien har allerede disse byte som File:%1.</translation>
    </message>
    <message>
        <source>The wiki already holds these bytes as %1.</source>
        <translation>Wikien har allerede disse byte som %1.</translation>
    </message>
    <message>
        <source>A file with these bytes was deleted from the wiki (File:%1).</source>
        <translation>En fil med disse byte blev slettet fra wikien (File:%1).</translation>
    </message>
    <message>
        <source>File:%1 exists with other content.</source>
        <translation>File:%1 findes med andet indhold.</translation>
    </message>
    <message>
        <source>File:%1 exists and differs from our name only in the case of its extension.</source>
        <translation>File:%1 findes og adskiller sig kun fra vores navn ved store/små bogstaver i filtypenavnet.</translation>
    </message>
    <message>
        <source>The page File:%1 exists without a file.</source>
        <translation>Siden File:%1 findes uden en fil.</translation>
    </message>
    <message>
        <source>A file named File:%1 was deleted before.</source>
        <translation>En fil med navnet File:%1 er tidligere blevet slettet.</translation>
    </message>
    <message>
        <source>An older version of File:%1 has these bytes.</source>
        <translation>En ældre version af File:%1 har disse byte.</translation>
    </message>
    <message>
        <source>The wiki would publish the file as File:%1 instead of File:%2; change the title template.</source>
        <translation>Wikien ville udgive filen som File:%1 i stedet for File:%2; ret titelskabelonen.</translation>
    </message>
    <message>
        <source>The file is empty.</source>
        <translation>Filen er tom.</translation>
    </message>
    <message>
        <source>The wiki does not want files of this type (%1).</source>
        <translation>Wikien ønsker ikke filer af denne type (%1).</translation>
    </message>
    <message>
        <source>The wiki warns: %1 %2.</source>
        <translation>Wikien advarer: %1 %2.</translation>
    </message>
</context>
<context>
    <name>gh::UrlListIngester</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Kan ikke læse %1: %2</translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation>Indlæsningen af %1 blev annulleret.</translation>
    </message>
    <message>
        <source>%1 line %2: &quot;%3&quot; is not an http or https URL.</source>
        <translation>%1 linje %2: &quot;%3&quot; er ikke en http- eller https-URL.</translation>
    </message>
    <message>
        <source>line %1</source>
        <translation>linje %1</translation>
    </message>
    <message>
        <source>%1 is a list of %2 URLs.</source>
        <translation>%1 er en liste med %2 URL&apos;er.</translation>
    </message>
    <message>
        <source>Listed more than once and loaded once: %1</source>
        <translation>Angivet mere end én gang og indlæst én gang: %1</translation>
    </message>
</context>
<context>
    <name>gh::UsageDialog</name>
    <message>
        <source>Using Gatehouse</source>
        <translation>Brug af Gatehouse</translation>
    </message>
    <message>
        <source>This build carries no usage notes.</source>
        <translation>Denne udgave har ingen brugsvejledning.</translation>
    </message>
</context>
<context>
    <name>gh::WebAddressDialog</name>
    <message>
        <source>Open Web Address</source>
        <translation>Åbn webadresse</translation>
    </message>
    <message>
        <source>The address of a IIIF manifest or collection, a spreadsheet or a list of URLs. Files it lists are downloaded into the store.</source>
        <translation>Adressen på et IIIF-manifest eller en IIIF-samling, et regneark eller en liste over URL&apos;er. De filer, den opfører, hentes ind i lageret.</translation>
    </message>
    <message>
        <source>e.g. iiif.example.org/manifest.json</source>
        <translation>f.eks. iiif.example.org/manifest.json</translation>
    </message>
    <message>
        <source>&amp;Address:</source>
        <translation>&amp;Adresse:</translation>
    </message>
    <message>
        <source>Type or paste the address of a manifest, a spreadsheet or a list of URLs.</source>
        <translation>Skriv eller indsæt adressen på et manifest, et regneark eller en liste over URL&apos;er.</translation>
    </message>
    <message>
        <source>A web address has no spaces: &quot;%1&quot;.</source>
        <translation>En webadresse har ingen mellemrum: &quot;%1&quot;.</translation>
    </message>
    <message>
        <source>Only http and https addresses can be opened; &quot;%1&quot; is a %2 address. To open a file on this computer, use File ▸ Open File.</source>
        <translation>Kun http- og https-adresser kan åbnes; &quot;%1&quot; er en %2-adresse. Brug Filer ▸ Åbn fil for at åbne en fil på denne computer.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a web address: it needs a host name such as iiif.example.org.</source>
        <translation>&quot;%1&quot; er ikke en webadresse: den skal have et værtsnavn som iiif.example.org.</translation>
    </message>
</context>
<context>
    <name>gh::WelcomePanel</name>
    <message>
        <source>Welcome</source>
        <translation>Velkommen</translation>
    </message>
    <message>
        <source>Welcome to Gatehouse</source>
        <translation>Velkommen til Gatehouse</translation>
    </message>
    <message>
        <source>Take a delivery into the archive: Gatehouse copies or downloads every file into the store, checks it against the checksums that came with it, and shows you every problem before anything goes further.</source>
        <translation>Tag en leverance ind i arkivet: Gatehouse kopierer eller henter hver fil ind i lageret, kontrollerer den mod de kontrolsummer, der fulgte med, og viser dig hvert problem, før noget går videre.</translation>
    </message>
    <message>
        <source>Open &amp;Folder…</source>
        <translation>Åbn &amp;mappe…</translation>
    </message>
    <message>
        <source>A folder of files, a newspaper batch, a BagIt bag or a METS package.</source>
        <translation>En mappe med filer, en avisbatch, en BagIt-pose eller en METS-pakke.</translation>
    </message>
    <message>
        <source>Open F&amp;ile…</source>
        <translation>Åbn f&amp;il…</translation>
    </message>
    <message>
        <source>A zip, tar or 7z archive, a IIIF or METS manifest, a spreadsheet or a list of URLs.</source>
        <translation>Et zip-, tar- eller 7z-arkiv, et IIIF- eller METS-manifest, et regneark eller en liste over URL&apos;er.</translation>
    </message>
    <message>
        <source>Open &amp;Web Address…</source>
        <translation>Åbn &amp;webadresse…</translation>
    </message>
    <message>
        <source>A IIIF manifest or collection on the web.</source>
        <translation>Et IIIF-manifest eller en IIIF-samling på nettet.</translation>
    </message>
    <message>
        <source>&amp;Watch a Folder…</source>
        <translation>&amp;Overvåg en mappe…</translation>
    </message>
    <message>
        <source>You can also drop a folder, a file or a web address on this window.</source>
        <translation>Du kan også trække en mappe, en fil eller en webadresse ind i dette vindue.</translation>
    </message>
    <message>
        <source>New deliveries copied into a watched folder are loaded and checked on their own. No folder is watched now.</source>
        <translation>Nye leverancer, der kopieres ind i en overvåget mappe, indlæses og kontrolleres af sig selv. Ingen mappe overvåges nu.</translation>
    </message>
    <message>
        <source>Watching %1: new deliveries there are loaded and checked on their own.</source>
        <translation>Overvåger %1: nye leverancer dér indlæses og kontrolleres af sig selv.</translation>
    </message>
    <message>
        <source>New to Gatehouse? &lt;a href=&quot;sample&quot;&gt;Open the sample batch&lt;/a&gt;: a box of postcards with checksum sidecars, one of them deliberately wrong.</source>
        <translation>Ny i Gatehouse? &lt;a href=&quot;sample&quot;&gt;Åbn eksempelbatchen&lt;/a&gt;: en æske postkort med kontrolsumfiler, hvoraf én er forkert med vilje.</translation>
    </message>
</context>
<context>
    <name>gh::XmlCatalog</name>
    <message>
        <source>%1: the entry for %2 points at the network; it is ignored, schemas are only read from this machine.</source>
        <translation>%1: posten for %2 peger på netværket; den ignoreres, skemaer læses kun fra denne maskine.</translation>
    </message>
    <message>
        <source>%1: catalogs chained more than %2 deep; the rest is ignored.</source>
        <translation>%1: kataloger kædet mere end %2 niveauer dybt; resten ignoreres.</translation>
    </message>
    <message>
        <source>Cannot read the XML catalog %1: %2</source>
        <translation>Kan ikke læse XML-kataloget %1: %2</translation>
    </message>
    <message>
        <source>The XML catalog %1 is larger than 16 MiB.</source>
        <translation>XML-kataloget %1 er større end 16 MiB.</translation>
    </message>
    <message>
        <source>%1 is not an OASIS XML catalog: its root element is not catalog in %2.</source>
        <translation>%1 er ikke et OASIS XML-katalog: dets rodelement er ikke catalog i %2.</translation>
    </message>
</context>
<context>
    <name>gh::XmlDocument</name>
    <message>
        <source>it declares the external entity %1 (%2); external entities are never loaded</source>
        <translation>det erklærer den eksterne entitet %1 (%2); eksterne entiteter indlæses aldrig</translation>
    </message>
    <message>
        <source>it declares the entity %1 in its DTD; entity declarations are refused because they can expand without bound</source>
        <translation>det erklærer entiteten %1 i sin DTD; entitetserklæringer afvises, fordi de kan udvides ubegrænset</translation>
    </message>
    <message>
        <source>its DOCTYPE refers to the external DTD %1; external DTDs are never loaded</source>
        <translation>dets DOCTYPE henviser til den eksterne DTD %1; eksterne DTD&apos;er indlæses aldrig</translation>
    </message>
    <message>
        <source>it refers to the external resource %1; nothing outside the document is loaded</source>
        <translation>det henviser til den eksterne ressource %1; intet uden for dokumentet indlæses</translation>
    </message>
    <message>
        <source>%1 is %2 bytes, more than the %3 bytes allowed for an XML manifest; it was not parsed.</source>
        <translation>%1 er %2 byte, mere end de %3 byte, der er tilladt for et XML-manifest; den blev ikke fortolket.</translation>
    </message>
    <message>
        <source>%1 is too large to parse.</source>
        <translation>%1 er for stor til at blive fortolket.</translation>
    </message>
    <message>
        <source>%1 is empty; it is not an XML document.</source>
        <translation>%1 er tom; den er ikke et XML-dokument.</translation>
    </message>
    <message>
        <source>Could not parse %1: out of memory.</source>
        <translation>Kunne ikke fortolke %1: ikke mere hukommelse.</translation>
    </message>
    <message>
        <source>%1 was refused at line %2: %3.</source>
        <translation>%1 blev afvist ved linje %2: %3.</translation>
    </message>
    <message>
        <source>%1 was refused at line %2: its elements are nested more than 256 levels deep.</source>
        <translation>%1 blev afvist ved linje %2: dens elementer er indlejret mere end 256 niveauer dybt.</translation>
    </message>
    <message>
        <source>the document is not well-formed XML</source>
        <translation>dokumentet er ikke velformet XML</translation>
    </message>
    <message>
        <source>%1 is not well-formed XML: line %2, column %3: %4.</source>
        <translation>%1 er ikke velformet XML: linje %2, kolonne %3: %4.</translation>
    </message>
    <message>
        <source>%1 is not well-formed XML: line %2: %3.</source>
        <translation>%1 er ikke velformet XML: linje %2: %3.</translation>
    </message>
    <message>
        <source>%1 has no root element.</source>
        <translation>%1 har intet rodelement.</translation>
    </message>
    <message>
        <source>Could not validate %1: out of memory.</source>
        <translation>Kunne ikke validere %1: hukommelsen slap op.</translation>
    </message>
</context>
<context>
    <name>gh::XmlSchemaCheck</name>
    <message>
        <source>Every XML file is valid against the XML schema for its namespace, from the configured schema folder or catalog; nothing is read from the network.</source>
        <translation>Hver XML-fil er gyldig i forhold til XML-skemaet for sit navnerum, fra den konfigurerede skemamappe eller det konfigurerede katalog; intet læses fra netværket.</translation>
    </message>
    <message>
        <source>%1: not valid against %2: %3</source>
        <translation>%1: ikke gyldig i forhold til %2: %3</translation>
    </message>
    <message>
        <source>%1: %2 more validity errors against %3.</source>
        <translation>%1: %2 yderligere valideringsfejl i forhold til %3.</translation>
    </message>
    <message>
        <source>xml-schema was skipped: %1 XML files were not validated because %2</source>
        <translation>xml-schema blev sprunget over: %1 XML-filer blev ikke valideret, fordi %2</translation>
    </message>
    <message>
        <source>(no namespace)</source>
        <translation>(intet navnerum)</translation>
    </message>
    <message>
        <source>xml-schema: %1 has no schema for the namespace %2, so %3 XML files were not validated (the first is %4).</source>
        <translation>xml-schema: %1 har intet skema for navnerummet %2, så %3 XML-filer blev ikke valideret (den første er %4).</translation>
    </message>
    <message>
        <source>xml-schema: the schema %1 cannot be compiled (%2), so %3 XML files were not validated (the first is %4).</source>
        <translation>xml-schema: skemaet %1 kan ikke kompileres (%2), så %3 XML-filer blev ikke valideret (den første er %4).</translation>
    </message>
</context>
<context>
    <name>gh::XmlWellformedCheck</name>
    <message>
        <source>Every XML file is well-formed, with no DTD, entities or external references.</source>
        <translation>Hver XML-fil er velformet, uden DTD, entiteter eller eksterne referencer.</translation>
    </message>
</context>
<context>
    <name>gh::ZipBackend</name>
    <message>
        <source>%1 is empty, not a zip archive.</source>
        <translation>%1 er tom, ikke et zip-arkiv.</translation>
    </message>
    <message>
        <source>%1 is not a readable zip archive: its central directory is missing or damaged (the file may be truncated).</source>
        <translation>%1 er ikke et læsbart zip-arkiv: dets centrale katalog mangler eller er beskadiget (filen kan være afkortet).</translation>
    </message>
    <message>
        <source>The central directory of %1 is damaged.</source>
        <translation>Det centrale katalog i %1 er beskadiget.</translation>
    </message>
    <message>
        <source>The central directory of %1 is damaged after its member %2.</source>
        <translation>Det centrale katalog i %1 er beskadiget efter elementet %2.</translation>
    </message>
    <message>
        <source>%1 has no member number %2.</source>
        <translation>%1 har intet element nummer %2.</translation>
    </message>
    <message>
        <source>its data cannot be opened (zip error %1)</source>
        <translation>dets data kan ikke åbnes (zip-fejl %1)</translation>
    </message>
    <message>
        <source>its compressed data is damaged (zip error %1)</source>
        <translation>dets komprimerede data er beskadiget (zip-fejl %1)</translation>
    </message>
    <message>
        <source>its data does not match the CRC-32 checksum the archive records</source>
        <translation>dets data stemmer ikke med den CRC-32-kontrolsum, arkivet registrerer</translation>
    </message>
    <message>
        <source>its data cannot be read to the end (zip error %1)</source>
        <translation>dets data kan ikke læses til ende (zip-fejl %1)</translation>
    </message>
    <message>
        <source>The central directory of %1 is damaged at member %2.</source>
        <translation>Det centrale katalog i %1 er beskadiget ved elementet %2.</translation>
    </message>
    <message>
        <source>it is compressed with method %1, which Gatehouse cannot read</source>
        <translation>det er komprimeret med metode %1, som Gatehouse ikke kan læse</translation>
    </message>
</context>
<context>
    <name>gh::cli</name>
    <message>
        <source>The catalog: an SQLite file, or postgresql://user:password@host:port/db.</source>
        <translation>Kataloget: en SQLite-fil eller postgresql://user:password@host:port/db.</translation>
    </message>
    <message>
        <source>path</source>
        <translation>sti</translation>
    </message>
    <message>
        <source>dir</source>
        <translation>mappe</translation>
    </message>
    <message>
        <source>Engine settings (INI).</source>
        <translation>Motorindstillinger (INI).</translation>
    </message>
    <message>
        <source>file</source>
        <translation>fil</translation>
    </message>
    <message>
        <source>Print no progress.</source>
        <translation>Udskriv intet fremskridt.</translation>
    </message>
    <message>
        <source>Print the engine&apos;s log on stderr.</source>
        <translation>Udskriv motorens log på stderr.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a batch id; batch ids are positive numbers.</source>
        <translation>&quot;%1&quot; er ikke et batch-id; batch-id&apos;er er positive tal.</translation>
    </message>
    <message>
        <source>Batch %1: %2 items, %3 files (%4)</source>
        <translation>Batch %1: %2 enheder, %3 filer (%4)</translation>
    </message>
    <message>
        <source>Interrupted; stopping after the files in progress.</source>
        <translation>Afbrudt; stopper efter de filer, der er i gang.</translation>
    </message>
    <message>
        <source>Name of the batch (default: the source&apos;s name).</source>
        <translation>Navn på batchen (standard: kildens navn).</translation>
    </message>
    <message>
        <source>name</source>
        <translation>navn</translation>
    </message>
    <message>
        <source>File of record identifiers to skip, one per line.</source>
        <translation>Fil med postidentifikatorer, der skal springes over, én pr. linje.</translation>
    </message>
    <message>
        <source>Print the result as JSON.</source>
        <translation>Udskriv resultatet som JSON.</translation>
    </message>
    <message>
        <source>warning: </source>
        <translation>advarsel: </translation>
    </message>
    <message>
        <source>Parallel transfers (default 8).</source>
        <translation>Parallelle overførsler (standard 8).</translation>
    </message>
    <message>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <source>--jobs takes a number from 1 to 256.</source>
        <translation>--jobs tager et tal fra 1 til 256.</translation>
    </message>
    <message>
        <source>Copy or download and hash every pending file of a batch, then run its automatic QA and duplicate stages (what comes before the curator&apos;s review).</source>
        <translation>Kopiér eller download og beregn kontrolsum for hver ventende fil i en batch, og kør derefter dens automatiske QA og dubletkontrol (det, der kommer før kuratorens gennemgang).</translation>
    </message>
    <message>
        <source>The batch id.</source>
        <translation>Batch-id&apos;et.</translation>
    </message>
    <message>
        <source>Load a source and run every automatic stage; resumes an interrupted run of the same source.</source>
        <translation>Indlæs en kilde, og kør alle automatiske faser; genoptager en afbrudt kørsel af samme kilde.</translation>
    </message>
    <message>
        <source>Only this batch.</source>
        <translation>Kun denne batch.</translation>
    </message>
    <message>
        <source>No batches in %1.</source>
        <translation>Ingen batches i %1.</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>NAVN</translation>
    </message>
    <message>
        <source>CREATED</source>
        <translation>OPRETTET</translation>
    </message>
    <message>
        <source>FILES</source>
        <translation>FILER</translation>
    </message>
    <message>
        <source>PROBLEMS</source>
        <translation>PROBLEMER</translation>
    </message>
    <message>
        <source>List the files of a batch: path or URL, size, digests, mimetype, status and stored key.</source>
        <translation>Vis filerne i en batch: sti eller URL, størrelse, kontrolsummer, MIME-type, status og lagernøgle.</translation>
    </message>
    <message>
        <source>Print JSON lines, one object per file.</source>
        <translation>Udskriv JSON lines, ét objekt pr. fil.</translation>
    </message>
    <message>
        <source>Write a report for a batch.</source>
        <translation>Skriv en rapport for en batch.</translation>
    </message>
    <message>
        <source>format</source>
        <translation>format</translation>
    </message>
    <message>
        <source>Write to this file.</source>
        <translation>Skriv til denne fil.</translation>
    </message>
    <message>
        <source>create a batch from a source; print its id</source>
        <translation>opret en batch fra en kilde; udskriv dens id</translation>
    </message>
    <message>
        <source>copy/download and hash every pending file, then QA and duplicates</source>
        <translation>kopiér/download og beregn kontrolsum for hver ventende fil, derefter QA og dubletter</translation>
    </message>
    <message>
        <source>load + every automatic stage</source>
        <translation>indlæsning + alle automatiske faser</translation>
    </message>
    <message>
        <source>stages and counts per batch</source>
        <translation>faser og antal pr. batch</translation>
    </message>
    <message>
        <source>one record per file</source>
        <translation>én post pr. fil</translation>
    </message>
    <message>
        <source>Gatehouse: take batches of digital objects into an archive.</source>
        <translation>Gatehouse: før batches af digitale objekter ind i et arkiv.</translation>
    </message>
    <message>
        <source>One of the commands below.</source>
        <translation>En af kommandoerne nedenfor.</translation>
    </message>
    <message>
        <source>Commands:</source>
        <translation>Kommandoer:</translation>
    </message>
    <message>
        <source>Run &quot;gatehouse-cli COMMAND --help&quot; for a command&apos;s options.</source>
        <translation>Kør &quot;gatehouse-cli COMMAND --help&quot; for at se en kommandos indstillinger.</translation>
    </message>
    <message>
        <source>Unknown command &quot;%1&quot;. Run &quot;gatehouse-cli --help&quot; for the list.</source>
        <translation>Ukendt kommando &quot;%1&quot;. Kør &quot;gatehouse-cli --help&quot; for at se listen.</translation>
    </message>
    <message>
        <source>Check that a folder is a complete and valid BagIt bag (RFC 8493, or versions 0.93 to 0.97): every file present and listed, every checksum of every manifest verified. Exit status 0: valid (warnings are printed); 1: invalid, every problem listed; 2: not a bag or a usage error.</source>
        <translation>Kontrollér, at en mappe er en komplet og gyldig BagIt-bag (RFC 8493 eller version 0.93 til 0.97): hver fil er til stede og angivet, hver kontrolsum i hvert manifest er verificeret. Afslutningsstatus 0: gyldig (advarsler udskrives); 1: ugyldig, alle problemer vises; 2: ikke en bag eller en brugsfejl.</translation>
    </message>
    <message>
        <source>The bag&apos;s folder.</source>
        <translation>Bag&apos;ens mappe.</translation>
    </message>
    <message>
        <source>Print one JSON document: {&quot;valid&quot;, &quot;problems&quot;: [...], &quot;warnings&quot;: [...]}.</source>
        <translation>Udskriv ét JSON-dokument: {&quot;valid&quot;, &quot;problems&quot;: [...], &quot;warnings&quot;: [...]}.</translation>
    </message>
    <message>
        <source>Verifying</source>
        <translation>Verificerer</translation>
    </message>
    <message>
        <source>%1 is not a BagIt bag: it has neither bagit.txt nor a manifest.</source>
        <translation>%1 er ikke en BagIt-bag: den har hverken bagit.txt eller et manifest.</translation>
    </message>
    <message>
        <source>problem: </source>
        <translation>problem: </translation>
    </message>
    <message>
        <source>%1 is a valid BagIt %2 bag: %3 payload files, %4 bytes, %5 files verified.</source>
        <translation>%1 er en gyldig BagIt %2-bag: %3 payload-filer, %4 byte, %5 filer verificeret.</translation>
    </message>
    <message>
        <source>%1 is not a valid bag: %2 problems.</source>
        <translation>%1 er ikke en gyldig bag: %2 problemer.</translation>
    </message>
    <message>
        <source>Write the stored files of a batch as a BagIt 1.0 bag into a new or empty folder, then validate it. Exit status 0: written and valid; 1: written and valid, but some files were not stored and were left out; 2: error, nothing written.</source>
        <translation>Skriv de lagrede filer i en batch som en BagIt 1.0-bag i en ny eller tom mappe, og validér den derefter. Afslutningsstatus 0: skrevet og gyldig; 1: skrevet og gyldig, men nogle filer var ikke lagret og blev udeladt; 2: fejl, intet skrevet.</translation>
    </message>
    <message>
        <source>The folder to write the bag to (new or empty).</source>
        <translation>Mappen, som bag&apos;en skal skrives til (ny eller tom).</translation>
    </message>
    <message>
        <source>bag export needs -o DIR, the folder to write the bag to.</source>
        <translation>bag export kræver -o DIR, mappen som bag&apos;en skal skrives til.</translation>
    </message>
    <message>
        <source>Exporting</source>
        <translation>Eksporterer</translation>
    </message>
    <message>
        <source>The bag written to %1 does not validate.</source>
        <translation>Bag&apos;en, der blev skrevet til %1, validerer ikke.</translation>
    </message>
    <message>
        <source>renamed: </source>
        <translation>omdøbt: </translation>
    </message>
    <message>
        <source>Exported %1 files (%2 bytes) of batch %3 to %4 as a valid BagIt 1.0 bag.</source>
        <translation>Eksporterede %1 filer (%2 byte) fra batch %3 til %4 som en gyldig BagIt 1.0-bag.</translation>
    </message>
    <message>
        <source>Left out %1 files that are not stored:</source>
        <translation>Udelod %1 filer, der ikke er lagret:</translation>
    </message>
    <message>
        <source>Unknown bag command &quot;%1&quot;.</source>
        <translation>Ukendt bag-kommando &quot;%1&quot;.</translation>
    </message>
    <message>
        <source>Connections to one host at once (default 4).</source>
        <translation>Forbindelser til én vært ad gangen (standard 4).</translation>
    </message>
    <message>
        <source>size</source>
        <translation>størrelse</translation>
    </message>
    <message>
        <source>Accept only these types, comma-separated (image/*,application/pdf); checked on the header and on the content.</source>
        <translation>Acceptér kun disse typer, kommasepareret (image/*,application/pdf); kontrolleres i headeren og på indholdet.</translation>
    </message>
    <message>
        <source>types</source>
        <translation>typer</translation>
    </message>
    <message>
        <source>--per-host takes a number from 1 to 256.</source>
        <translation>--per-host tager et tal fra 1 til 256.</translation>
    </message>
    <message>
        <source>--max-size: %1</source>
        <translation>--max-size: %1</translation>
    </message>
    <message>
        <source>--accept needs at least one type, such as image/* or application/pdf.</source>
        <translation>--accept kræver mindst én type, såsom image/* eller application/pdf.</translation>
    </message>
    <message>
        <source>Fetch downloaded files again with conditional requests; unchanged ones keep their stored copy.</source>
        <translation>Hent downloadede filer igen med betingede forespørgsler; uændrede filer beholder deres lagrede kopi.</translation>
    </message>
    <message>
        <source>bag validate PATH | bag export BATCH -o DIR (BagIt, RFC 8493)</source>
        <translation>bag validate PATH | bag export BATCH -o DIR (BagIt, RFC 8493)</translation>
    </message>
    <message>
        <source>Create a batch from a folder, archive, manifest or list.</source>
        <translation>Opret en batch fra en mappe, et arkiv, et manifest eller en liste.</translation>
    </message>
    <message>
        <source>The folder, archive, manifest, spreadsheet or list to load; a manifest or list may be an http(s) URL.</source>
        <translation>Mappen, arkivet, manifestet, regnearket eller listen, der skal indlæses; et manifest eller en liste kan være en http(s)-URL.</translation>
    </message>
    <message>
        <source>Only files matching this query, e.g. &quot;status:failed mime:image/* size:&gt;1M name:*.tif&quot; (the GUI&apos;s filter syntax).</source>
        <translation>Kun filer, der matcher denne forespørgsel, f.eks. &quot;status:failed mime:image/* size:&gt;1M name:*.tif&quot; (GUI&apos;ens filtersyntaks).</translation>
    </message>
    <message>
        <source>query</source>
        <translation>forespørgsel</translation>
    </message>
    <message>
        <source>fill the thumbnail cache for a batch&apos;s stored files</source>
        <translation>udfyld miniaturecachen for de lagrede filer i en batch</translation>
    </message>
    <message>
        <source>watch a hot folder: run each delivery once it has settled</source>
        <translation>overvåg en mappe til leverancer: kør hver leverance, når den er stabil</translation>
    </message>
    <message>
        <source>Cannot create a temporary copy of %1 for its thumbnail: %2</source>
        <translation>Kan ikke oprette en midlertidig kopi af %1 til dens miniature: %2</translation>
    </message>
    <message>
        <source>Cannot read %1 from the store: %2</source>
        <translation>Kan ikke læse %1 fra lageret: %2</translation>
    </message>
    <message>
        <source>Cannot write a temporary copy of %1: %2</source>
        <translation>Kan ikke skrive en midlertidig kopi af %1: %2</translation>
    </message>
    <message>
        <source>Fill the thumbnail cache for every stored file of a batch (the cache the GUI reads, under the user&apos;s cache folder).</source>
        <translation>Udfyld miniaturecachen for hver lagret fil i en batch (den cache, som GUI&apos;en læser, i brugerens cachemappe).</translation>
    </message>
    <message>
        <source>Longest side of a thumbnail in pixels (default 128, what the GUI&apos;s grid shows on a normal-density screen; 256 for a high-density one).</source>
        <translation>Længste side af en miniature i pixel (standard 128, hvad GUI&apos;ens gitter viser på en skærm med normal tæthed; 256 for en skærm med høj tæthed).</translation>
    </message>
    <message>
        <source>px</source>
        <translation>px</translation>
    </message>
    <message>
        <source>Thumbnails made at once (default: one per core).</source>
        <translation>Miniaturer, der laves samtidig (standard: én pr. kerne).</translation>
    </message>
    <message>
        <source>Print the summary as JSON.</source>
        <translation>Udskriv oversigten som JSON.</translation>
    </message>
    <message>
        <source>--size takes a number of pixels from 16 to 4096.</source>
        <translation>--size tager et antal pixel fra 16 til 4096.</translation>
    </message>
    <message>
        <source>Thumbnails: %1 of %2</source>
        <translation>Miniaturer: %1 af %2</translation>
    </message>
    <message>
        <source>Thumbnails of batch %1 at %2 px: %3 made, %4 cached already, %5 failed, %6 unsupported</source>
        <translation>Miniaturer for batch %1 ved %2 px: %3 lavet, %4 allerede cachet, %5 mislykkedes, %6 ikke understøttet</translation>
    </message>
    <message>
        <source> (%1 files not stored)</source>
        <translation> (%1 filer ikke lagret)</translation>
    </message>
    <message>
        <source>Cache: %1</source>
        <translation>Cache: %1</translation>
    </message>
    <message>
        <source>Watch a folder for deliveries: each top-level folder or file becomes a batch once it has stopped changing (and, with --run, runs through every automatic stage). Names starting with &quot;.&quot; or ending in &quot;.part&quot; or &quot;.tmp&quot; are ignored until they are renamed. A delivery that was loaded is not loaded again unless it changes.</source>
        <translation>Overvåg en mappe for leverancer: hver mappe eller fil på øverste niveau bliver en batch, når den er holdt op med at ændre sig (og med --run køres den gennem alle automatiske faser). Navne, der starter med &quot;.&quot; eller slutter på &quot;.part&quot; eller &quot;.tmp&quot;, ignoreres, indtil de omdøbes. En leverance, der er indlæst, indlæses ikke igen, medmindre den ændres.</translation>
    </message>
    <message>
        <source>The folder to watch.</source>
        <translation>Mappen, der skal overvåges.</translation>
    </message>
    <message>
        <source>Seconds a delivery must stay unchanged before it is loaded (default 10).</source>
        <translation>Sekunder, som en leverance skal forblive uændret, før den indlæses (standard 10).</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>sekunder</translation>
    </message>
    <message>
        <source>Process the deliveries that are settled now, then exit (for cron).</source>
        <translation>Behandl de leverancer, der er stabile nu, og afslut derefter (til cron).</translation>
    </message>
    <message>
        <source>Run every automatic stage of each batch after loading it (default: load only).</source>
        <translation>Kør alle automatiske faser for hver batch efter indlæsning (standard: kun indlæsning).</translation>
    </message>
    <message>
        <source>--settle takes a number of seconds from 0 to 86400.</source>
        <translation>--settle tager et antal sekunder fra 0 til 86400.</translation>
    </message>
    <message>
        <source>The bit store: a folder (default: store/ next to the catalog) or s3://bucket/prefix.</source>
        <translation>Lageret: en mappe (standard: store/ ved siden af kataloget) eller s3://bucket/prefix.</translation>
    </message>
    <message>
        <source>Report format: %1.</source>
        <translation>Rapportformat: %1.</translation>
    </message>
    <message>
        <source>Unknown report format &quot;%1&quot;; known: %2.</source>
        <translation>Ukendt rapportformat &quot;%1&quot;; kendte: %2.</translation>
    </message>
    <message>
        <source>Cannot write to standard output: %1</source>
        <translation>Kan ikke skrive til standardoutput: %1</translation>
    </message>
    <message>
        <source>Refuse files larger than this (bytes, or with K, M, G, T; 0 for no limit); checked on the header and while streaming.</source>
        <translation>Afvis filer større end dette (bytes eller med K, M, G, T; 0 for ingen grænse); kontrolleres i headeren og under overførslen.</translation>
    </message>
    <message>
        <source>STATE</source>
        <translation>TILSTAND</translation>
    </message>
    <message>
        <source>an ISO 2859-1 plan, or draw a batch&apos;s QA sample (seeded, recorded)</source>
        <translation>en ISO 2859-1-plan, eller udtag en batchs QA-stikprøve (med seed, registreret)</translation>
    </message>
    <message>
        <source>record a manual-QA verdict on a sampled item</source>
        <translation>registrér en manuel QA-bedømmelse af en udtaget enhed</translation>
    </message>
    <message>
        <source>approve a batch as a whole</source>
        <translation>godkend en batch som helhed</translation>
    </message>
    <message>
        <source>reject a batch: delete its stored copies, keep its records</source>
        <translation>afvis en batch: slet dens lagrede kopier, behold dens poster</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>verdict %1</source>
        <translation>afgørelse %1</translation>
    </message>
    <message>
        <source>%1 of %2 flagged reviewed</source>
        <translation>%1 af %2 markerede bedømt</translation>
    </message>
    <message>
        <source>Lot of %1 items, level %2, AQL %3 %: code letter %4, plan %5 (n = %6).</source>
        <translation>Parti på %1 enheder, niveau %2, AQL %3 %: kodebogstav %4, plan %5 (n = %6).</translation>
    </message>
    <message>
        <source>Inspect every item (100 %).</source>
        <translation>Kontrollér alle enheder (100 %).</translation>
    </message>
    <message>
        <source>Inspect %1 items.</source>
        <translation>Kontrollér %1 enheder.</translation>
    </message>
    <message>
        <source>Accept with %1 defects or fewer, reject at %2.</source>
        <translation>Accepter med %1 fejl eller færre, afvis ved %2.</translation>
    </message>
    <message>
        <source>--aql takes one of 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5.</source>
        <translation>--aql tager en af 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5.</translation>
    </message>
    <message>
        <source>--level takes I, II, III, S-1, S-2, S-3 or S-4.</source>
        <translation>--level tager I, II, III, S-1, S-2, S-3 eller S-4.</translation>
    </message>
    <message>
        <source>The batch&apos;s supplier (default: [review] suppliers by batch name prefix, else [review] supplier).</source>
        <translation>Batchens leverandør (standard: [review] suppliers efter batchnavnets præfiks, ellers [review] supplier).</translation>
    </message>
    <message>
        <source>The rejected batch this one re-delivers (default: …-RT1 for a batch named …-RT2).</source>
        <translation>Den afviste batch, som denne genleverer (standard: …-RT1 for en batch med navnet …-RT2).</translation>
    </message>
    <message>
        <source>batch</source>
        <translation>batch</translation>
    </message>
    <message>
        <source>--supplier needs a name.</source>
        <translation>--supplier kræver et navn.</translation>
    </message>
    <message>
        <source>--redelivery-of: %1</source>
        <translation>--redelivery-of: %1</translation>
    </message>
    <message>
        <source>Show an ISO 2859-1 sampling plan (--lot-size), or draw the QA sample of a batch: the items to review, chosen by a recorded seed, and every flagged item beyond them.</source>
        <translation>Vis en ISO 2859-1-stikprøveplan (--lot-size), eller udtag en batchs QA-stikprøve: de enheder, der skal gennemses, valgt med en registreret seed, og alle markerede enheder ud over dem.</translation>
    </message>
    <message>
        <source>Show the plan for a lot of this many items.</source>
        <translation>Vis planen for et parti med så mange enheder.</translation>
    </message>
    <message>
        <source>Acceptance quality limit in percent: 0.10 … 6.5 (default: review/aql, 1.0).</source>
        <translation>Acceptabel kvalitetsgrænse i procent: 0.10 … 6.5 (standard: review/aql, 1.0).</translation>
    </message>
    <message>
        <source>aql</source>
        <translation>aql</translation>
    </message>
    <message>
        <source>Inspection level: I, II, III, S-1 … S-4 (default: review/level, II).</source>
        <translation>Kontrolniveau: I, II, III, S-1 … S-4 (standard: review/level, II).</translation>
    </message>
    <message>
        <source>level</source>
        <translation>niveau</translation>
    </message>
    <message>
        <source>Draw with this seed (default: a random one, recorded).</source>
        <translation>Udtag med denne seed (standard: en tilfældig, som registreres).</translation>
    </message>
    <message>
        <source>seed</source>
        <translation>seed</translation>
    </message>
    <message>
        <source>Give either a batch or --lot-size, not both.</source>
        <translation>Angiv enten en batch eller --lot-size, ikke begge.</translation>
    </message>
    <message>
        <source>--lot-size takes a number of items, at least 1.</source>
        <translation>--lot-size tager et antal enheder, mindst 1.</translation>
    </message>
    <message>
        <source>Give a batch, or --lot-size N for a plan alone.</source>
        <translation>Angiv en batch, eller --lot-size N for kun en plan.</translation>
    </message>
    <message>
        <source>--seed takes a whole number from 0 to %1.</source>
        <translation>--seed tager et heltal fra 0 til %1.</translation>
    </message>
    <message>
        <source>Batch %1: %2</source>
        <translation>Batch %1: %2</translation>
    </message>
    <message>
        <source>Seed %1 (the same seed draws the same sample on any machine).</source>
        <translation>Seed %1 (samme seed udtager samme stikprøve på enhver maskine).</translation>
    </message>
    <message>
        <source>Record a manual-QA verdict on an item of a batch&apos;s sample.</source>
        <translation>Registrér en manuel QA-bedømmelse af en enhed i en batchs stikprøve.</translation>
    </message>
    <message>
        <source>The item: its id (from sample --json) or its identifier.</source>
        <translation>Enheden: dens id (fra sample --json) eller dens identifikator.</translation>
    </message>
    <message>
        <source>id</source>
        <translation>id</translation>
    </message>
    <message>
        <source>The item is fine.</source>
        <translation>Enheden er i orden.</translation>
    </message>
    <message>
        <source>The item has a defect; say which.</source>
        <translation>Enheden har en fejl; angiv hvilken.</translation>
    </message>
    <message>
        <source>reason</source>
        <translation>grund</translation>
    </message>
    <message>
        <source>Withdraw the item&apos;s verdict (undo).</source>
        <translation>Træk enhedens bedømmelse tilbage (fortryd).</translation>
    </message>
    <message>
        <source>A note kept with the verdict.</source>
        <translation>En note, der gemmes med bedømmelsen.</translation>
    </message>
    <message>
        <source>text</source>
        <translation>tekst</translation>
    </message>
    <message>
        <source>Give exactly one of --pass, --fail REASON or --withdraw.</source>
        <translation>Angiv præcis én af --pass, --fail GRUND eller --withdraw.</translation>
    </message>
    <message>
        <source>Give the item with --item ID.</source>
        <translation>Angiv enheden med --item ID.</translation>
    </message>
    <message>
        <source>--fail needs a defect reason.</source>
        <translation>--fail kræver en fejlårsag.</translation>
    </message>
    <message>
        <source>target</source>
        <translation>mål</translation>
    </message>
    <message>
        <source>Approve despite what refuses it, for this reason (recorded).</source>
        <translation>Godkend trods det, der afviser det, af denne grund (registreres).</translation>
    </message>
    <message>
        <source>--override needs a reason.</source>
        <translation>--override kræver en grund.</translation>
    </message>
    <message>
        <source>Reject a batch as a whole: delete every stored copy of it (its catalog records, metadata and events stay), mark its files deleted and record why.</source>
        <translation>Afvis en batch som helhed: slet alle dens lagrede kopier (dens katalogposter, metadata og hændelser bevares), markér dens filer som slettet og registrér hvorfor.</translation>
    </message>
    <message>
        <source>Why the batch is rejected (required; recorded).</source>
        <translation>Hvorfor batchen afvises (påkrævet; registreres).</translation>
    </message>
    <message>
        <source>Give the reason with --reason TEXT; the supplier will want to know it.</source>
        <translation>Angiv grunden med --reason TEKST; leverandøren vil gerne kende den.</translation>
    </message>
    <message>
        <source>%1/%2 files</source>
        <translation>%1/%2 filer</translation>
    </message>
    <message>
        <source>Review: %1</source>
        <translation>Gennemsyn: %1</translation>
    </message>
    <message>
        <source>%1 on %2 by %3%4</source>
        <translation>%1 den %2 af %3%4</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Godkendt</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Afvist</translation>
    </message>
    <message>
        <source>Re-delivers batch %1. What was wrong last time:</source>
        <translation>Genleverer batch %1. Hvad der var galt sidste gang:</translation>
    </message>
    <message>
        <source>Supplier %1, last %2 batches:</source>
        <translation>Leverandør %1, seneste %2 batches:</translation>
    </message>
    <message>
        <source>%1 defects in %2 reviewed (%3 %)</source>
        <translation>%1 fejl i %2 bedømte (%3 %)</translation>
    </message>
    <message>
        <source>re-delivers %1</source>
        <translation>genleverer %1</translation>
    </message>
    <message>
        <source>Catalog: %1</source>
        <translation>Katalog: %1</translation>
    </message>
    <message>
        <source>check a batch again after a fix: re-read sidecars, verify stored copies</source>
        <translation>kontrollér en batch igen efter en rettelse: genlæs sidefiler, verificér lagrede kopier</translation>
    </message>
    <message>
        <source>batch rename BATCH NAME | archive BATCH | unarchive BATCH | delete BATCH</source>
        <translation>batch rename BATCH NAVN | archive BATCH | unarchive BATCH | delete BATCH</translation>
    </message>
    <message>
        <source>Show stages, counts and problems per batch, oldest first.</source>
        <translation>Vis trin, antal og problemer pr. batch, ældste først.</translation>
    </message>
    <message>
        <source>Include archived batches.</source>
        <translation>Medtag arkiverede batches.</translation>
    </message>
    <message>
        <source>--files takes file ids separated by commas, such as 12,13,40; &quot;%1&quot; is not one.</source>
        <translation>--files tager fil-id&apos;er adskilt af kommaer, f.eks. 12,13,40; &quot;%1&quot; er ikke et.</translation>
    </message>
    <message>
        <source>--files needs at least one file id.</source>
        <translation>--files kræver mindst ét fil-id.</translation>
    </message>
    <message>
        <source>Check a batch again after a fix: read its sidecars and manifests again, verify every stored copy against them, and copy only what changed or was never stored.</source>
        <translation>Kontrollér en batch igen efter en rettelse: læs dens sidefiler og manifester igen, verificér hver lagret kopi mod dem, og kopiér kun det, der er ændret eller aldrig blev lagret.</translation>
    </message>
    <message>
        <source>Only these files (ids, comma-separated).</source>
        <translation>Kun disse filer (id&apos;er, kommasepareret).</translation>
    </message>
    <message>
        <source>ids</source>
        <translation>id&apos;er</translation>
    </message>
    <message>
        <source>Only check; leave files that need copying pending for a later fetch.</source>
        <translation>Kontrollér kun; lad filer, der skal kopieres, vente til en senere hentning.</translation>
    </message>
    <message>
        <source>Print what the check found as JSON.</source>
        <translation>Udskriv kontrollens resultat som JSON.</translation>
    </message>
    <message>
        <source>Checked %1 of %2 files</source>
        <translation>Kontrollerede %1 af %2 filer</translation>
    </message>
    <message>
        <source>Keep batches tidy: rename, archive (hide from status and the dashboard; nothing is removed), unarchive, or delete a batch with the stored copies only it uses.</source>
        <translation>Hold orden i batches: omdøb, arkivér (skjul fra status og oversigten; intet fjernes), fjern fra arkiv, eller slet en batch med de lagrede kopier, kun den bruger.</translation>
    </message>
    <message>
        <source>rename, archive, unarchive or delete.</source>
        <translation>rename, archive, unarchive eller delete.</translation>
    </message>
    <message>
        <source>The new name (rename only).</source>
        <translation>Det nye navn (kun rename).</translation>
    </message>
    <message>
        <source>Really delete (without it, delete says what would go).</source>
        <translation>Slet virkelig (uden dette fortæller delete, hvad der ville forsvinde).</translation>
    </message>
    <message>
        <source>Unknown action &quot;%1&quot;: use rename, archive, unarchive or delete.</source>
        <translation>Ukendt handling &quot;%1&quot;: brug rename, archive, unarchive eller delete.</translation>
    </message>
    <message>
        <source>batch rename needs the batch id and the new name.</source>
        <translation>batch rename kræver batch-id&apos;et og det nye navn.</translation>
    </message>
    <message>
        <source>batch %1 takes only the batch id.</source>
        <translation>batch %1 tager kun batch-id&apos;et.</translation>
    </message>
    <message>
        <source>Would delete %1.</source>
        <translation>Ville slette %1.</translation>
    </message>
    <message>
        <source>Run again with --yes to delete it.</source>
        <translation>Kør igen med --yes for at slette den.</translation>
    </message>
    <message>
        <source>Deleted %1.</source>
        <translation>Slettede %1.</translation>
    </message>
    <message>
        <source>Batch %1 is now called &quot;%2&quot;.</source>
        <translation>Batch %1 hedder nu &quot;%2&quot;.</translation>
    </message>
    <message>
        <source>Batch %1 is archived: hidden from status and the dashboard, kept in the catalog.</source>
        <translation>Batch %1 er arkiveret: skjult fra status og oversigten, bevaret i kataloget.</translation>
    </message>
    <message>
        <source>Batch %1 is shown again.</source>
        <translation>Batch %1 vises igen.</translation>
    </message>
    <message>
        <source>Usage: gatehouse-cli bag validate PATH [--json]
       gatehouse-cli bag export BATCH -o DIR [--algorithm LIST]

  validate  check that the folder PATH is a complete and valid BagIt bag (RFC 8493)
  export    write the stored files of a batch as a BagIt bag into DIR
</source>
        <translation>Brug: gatehouse-cli bag validate PATH [--json]
      gatehouse-cli bag export BATCH -o DIR [--algorithm LIST]

  validate  kontrollér, at mappen PATH er en komplet og gyldig BagIt-bag (RFC 8493)
  export    skriv de lagrede filer i en batch som en BagIt-bag i DIR
</translation>
    </message>
    <message>
        <source>Manifest algorithms, comma-separated or repeated: md5, sha1, sha224, sha256, sha384, sha512 (default: sha512,sha256).</source>
        <translation>Manifestalgoritmer, kommaseparerede eller gentagne: md5, sha1, sha224, sha256, sha384, sha512 (standard: sha512,sha256).</translation>
    </message>
    <message>
        <source>list</source>
        <translation>liste</translation>
    </message>
    <message>
        <source>Unknown manifest algorithm &quot;%1&quot;; use md5, sha1, sha224, sha256, sha384 or sha512.</source>
        <translation>Ukendt manifestalgoritme &quot;%1&quot;; brug md5, sha1, sha224, sha256, sha384 eller sha512.</translation>
    </message>
    <message>
        <source>--algorithm needs at least one algorithm.</source>
        <translation>--algorithm kræver mindst én algoritme.</translation>
    </message>
    <message>
        <source>Automatic QA of a fetched batch: checksums, empty files, types, JPEG 2000 structure, decoding, XML well-formedness and schema validity, page sequence, batch identifiers, sidecars, dimensions, dark, blank and black-bordered pages, OCR confidence. Prints the findings per check. Exit status 0 without errors or flags, 1 with, 2 when the check could not run.</source>
        <translation>Automatisk QA af en hentet batch: kontrolsummer, tomme filer, typer, JPEG 2000-struktur, afkodning, XML-velformethed og skemagyldighed, siderækkefølge, batch-identifikatorer, sidefiler, dimensioner, mørke, tomme og sortkantede sider, OCR-sikkerhed. Udskriver fundene pr. kontrol. Afslutningsstatus 0 uden fejl eller markeringer, 1 med, 2 når kontrollen ikke kunne køre.</translation>
    </message>
    <message>
        <source>Print the result as one JSON document.</source>
        <translation>Udskriv resultatet som ét JSON-dokument.</translation>
    </message>
    <message>
        <source>Read the QA profile (thresholds, which checks run) from the [check] section of this INI file.</source>
        <translation>Læs QA-profilen (tærskler, hvilke kontroller der køres) fra afsnittet [check] i denne INI-fil.</translation>
    </message>
    <message>
        <source>Validate XML against the schemas in this folder, or mapped by this OASIS XML catalog (default: the set &quot;schemas fetch&quot; saved, if any).</source>
        <translation>Validér XML mod skemaerne i denne mappe eller dem, som dette OASIS XML-katalog peger på (standard: det sæt, som &quot;schemas fetch&quot; har gemt, hvis der er et).</translation>
    </message>
    <message>
        <source>dir|catalog</source>
        <translation>mappe|katalog</translation>
    </message>
    <message>
        <source>Files checked at once (default: one per core).</source>
        <translation>Filer, der kontrolleres samtidig (standard: én pr. kerne).</translation>
    </message>
    <message>
        <source>batch %1 has not been fetched completely; files without a stored copy are checked only for what the catalog knows.</source>
        <translation>batch %1 er ikke hentet helt; filer uden lagret kopi kontrolleres kun for det, kataloget ved.</translation>
    </message>
    <message>
        <source>Checking: %1 of %2 files</source>
        <translation>Kontrollerer: %1 af %2 filer</translation>
    </message>
    <message>
        <source>XML schemas: none configured.</source>
        <translation>XML-skemaer: ingen konfigureret.</translation>
    </message>
    <message>
        <source>XML schemas: %1</source>
        <translation>XML-skemaer: %1</translation>
    </message>
    <message>
        <source>check</source>
        <translation>kontrol</translation>
    </message>
    <message>
        <source>errors</source>
        <translation>fejl</translation>
    </message>
    <message>
        <source>warnings</source>
        <translation>advarsler</translation>
    </message>
    <message>
        <source>flags</source>
        <translation>markeret</translation>
    </message>
    <message>
        <source>files</source>
        <translation>filer</translation>
    </message>
    <message>
        <source>Findings:</source>
        <translation>Fund:</translation>
    </message>
    <message>
        <source>… and %1 more; &quot;gatehouse-cli files %2 --filter qa:flagged --json&quot; lists them all.</source>
        <translation>… og %1 mere; &quot;gatehouse-cli files %2 --filter qa:flagged --json&quot; viser dem alle.</translation>
    </message>
    <message>
        <source>schemas fetch: download the standard XML schemas (ALTO, MIX, MODS, METS, PREMIS, XLink, xml.xsd) from their official locations into the user&apos;s data folder, with a catalog &quot;check&quot; uses by default. schemas list: the namespaces a schema folder or catalog validates.</source>
        <translation>schemas fetch: hent standard-XML-skemaerne (ALTO, MIX, MODS, METS, PREMIS, XLink, xml.xsd) fra deres officielle placeringer til brugerens datamappe, med et katalog, som &quot;check&quot; bruger som standard. schemas list: de navnerum, som en skemamappe eller et katalog validerer.</translation>
    </message>
    <message>
        <source>fetch or list.</source>
        <translation>fetch eller list.</translation>
    </message>
    <message>
        <source>Download from this URL prefix instead (a mirror with the same relative paths, such as alto/alto-4-2.xsd).</source>
        <translation>Hent i stedet fra dette URL-præfiks (et spejl med de samme relative stier, såsom alto/alto-4-2.xsd).</translation>
    </message>
    <message>
        <source>url</source>
        <translation>url</translation>
    </message>
    <message>
        <source>Save into this folder instead of the user&apos;s data folder.</source>
        <translation>Gem i denne mappe i stedet for brugerens datamappe.</translation>
    </message>
    <message>
        <source>list: the folder or catalog to list (default: the fetched set).</source>
        <translation>list: den mappe eller det katalog, der skal vises (standard: det hentede sæt).</translation>
    </message>
    <message>
        <source>No schemas have been fetched; run &quot;gatehouse-cli schemas fetch&quot; or give --schemas.</source>
        <translation>Der er ikke hentet nogen skemaer; kør &quot;gatehouse-cli schemas fetch&quot; eller angiv --schemas.</translation>
    </message>
    <message>
        <source>(no namespace)</source>
        <translation>(intet navnerum)</translation>
    </message>
    <message>
        <source>Unknown action &quot;%1&quot;; use &quot;schemas fetch&quot; or &quot;schemas list&quot;.</source>
        <translation>Ukendt handling &quot;%1&quot;; brug &quot;schemas fetch&quot; eller &quot;schemas list&quot;.</translation>
    </message>
    <message>
        <source>Saved %1 (%2 bytes) from %3 as %4</source>
        <translation>Gemte %1 (%2 byte) fra %3 som %4</translation>
    </message>
    <message>
        <source>automatic QA of a fetched batch (findings per check)</source>
        <translation>automatisk QA af en hentet batch (fund pr. kontrol)</translation>
    </message>
    <message>
        <source>schemas fetch | schemas list: the XML schemas QA validates with</source>
        <translation>schemas fetch | schemas list: de XML-skemaer, som QA validerer med</translation>
    </message>
    <message>
        <source>write a report (summary, csv, errors-csv, premis, mets, jsonl, qa-csv, …)</source>
        <translation>skriv en rapport (summary, csv, errors-csv, premis, mets, jsonl, qa-csv, …)</translation>
    </message>
    <message>
        <source>send a batch&apos;s files to a target: never twice, verified after</source>
        <translation>send en batchs filer til et mål: aldrig to gange, verificeret bagefter</translation>
    </message>
    <message>
        <source>Where to send the files: local:DIR, s3://bucket/prefix or mediawiki:https://host/w/api.php. Repeat for several targets.</source>
        <translation>Hvor filerne skal sendes hen: local:DIR, s3://bucket/prefix eller mediawiki:https://host/w/api.php. Gentag for flere mål.</translation>
    </message>
    <message>
        <source>Only the files matching this query go to the --target before it (the filter bar&apos;s syntax, e.g. &quot;mime:image/jp2&quot;).</source>
        <translation>Kun de filer, der matcher denne forespørgsel, går til --target før den (filterlinjens syntaks, f.eks. &quot;mime:image/jp2&quot;).</translation>
    </message>
    <message>
        <source>Names on the target: {title:181} - {identifier}{ext} on wikis, the store key on S3 and folders by default; {filename} {stem} {ext} {identifier} {label} {page} {pages} {batch} and any descriptive field, {field:N} cut to N characters.</source>
        <translation>Navne på målet: som standard {title:181} - {identifier}{ext} på wikier, lagernøglen på S3 og i mapper; {filename} {stem} {ext} {identifier} {label} {page} {pages} {batch} og ethvert beskrivende felt, {field:N} afkortet til N tegn.</translation>
    </message>
    <message>
        <source>template</source>
        <translation>skabelon</translation>
    </message>
    <message>
        <source>Wikitext file for a wiki&apos;s description pages.</source>
        <translation>Wikitekstfil til en wikis beskrivelsessider.</translation>
    </message>
    <message>
        <source>The upload summary on a wiki.</source>
        <translation>Overførselsresuméet på en wiki.</translation>
    </message>
    <message>
        <source>A category for every page on a wiki (repeatable).</source>
        <translation>En kategori for hver side på en wiki (kan gentages).</translation>
    </message>
    <message>
        <source>Conversion rules, e.g. image/jp2=image/jpeg:q90:4000 (FROM=TO[:qQUALITY][:LONGEST]; several separated by commas).</source>
        <translation>Konverteringsregler, f.eks. image/jp2=image/jpeg:q90:4000 (FROM=TO[:qQUALITY][:LONGEST]; flere adskilt af kommaer).</translation>
    </message>
    <message>
        <source>rules</source>
        <translation>regler</translation>
    </message>
    <message>
        <source>Chunk size for large files on a wiki (default 5M).</source>
        <translation>Delstørrelse for store filer på en wiki (standard 5M).</translation>
    </message>
    <message>
        <source>Requests at once per wiki, uploads at once to S3 and folders (default 1 for wikis).</source>
        <translation>Samtidige forespørgsler pr. wiki, samtidige overførsler til S3 og mapper (standard 1 for wikier).</translation>
    </message>
    <message>
        <source>--%1 takes a number from 1 to 64.</source>
        <translation>--%1 tager et tal fra 1 til 64.</translation>
    </message>
    <message>
        <source>--chunk-size takes a size of at least 1K, such as 5M.</source>
        <translation>--chunk-size tager en størrelse på mindst 1K, såsom 5M.</translation>
    </message>
    <message>
        <source>Send a batch&apos;s fetched files to one or more targets: each file once (the target is asked first), verified after.</source>
        <translation>Send en batchs hentede filer til et eller flere mål: hver fil én gang (målet spørges først), verificeret bagefter.</translation>
    </message>
    <message>
        <source>Same as --upload-jobs.</source>
        <translation>Samme som --upload-jobs.</translation>
    </message>
    <message>
        <source>Send nothing: show each file&apos;s name, page text and what the target holds now.</source>
        <translation>Send intet: vis hver fils navn, sidetekst og hvad målet indeholder nu.</translation>
    </message>
    <message>
        <source>Print JSON (JSON lines with --dry-run).</source>
        <translation>Udskriv JSON (JSON-linjer med --dry-run).</translation>
    </message>
    <message>
        <source>Batch %1 was rejected; its files are not uploaded.</source>
        <translation>Batch %1 blev afvist; dens filer overføres ikke.</translation>
    </message>
    <message>
        <source>Give a --target (local:DIR, s3://bucket/prefix, mediawiki:https://host/w/api.php), or set [targets] default in the settings.</source>
        <translation>Angiv et --target (local:DIR, s3://bucket/prefix, mediawiki:https://host/w/api.php), eller sæt default under [targets] i indstillingerne.</translation>
    </message>
    <message>
        <source>nothing to send</source>
        <translation>intet at sende</translation>
    </message>
    <message>
        <source>classify duplicates against a target, the catalog and the batch</source>
        <translation>klassificér dubletter mod et mål, kataloget og batchen</translation>
    </message>
    <message>
        <source>record a curator&apos;s duplicate decision</source>
        <translation>registrér en kurators dubletbeslutning</translation>
    </message>
    <message numerus="yes">
        <source>Batch %1 against %2: %n file(s)</source>
        <translation>
            <numerusform>Batch %1 mod %2: %n fil</numerusform>
            <numerusform>Batch %1 mod %2: %n filer</numerusform>
        </translation>
    </message>
    <message>
        <source>(%1 need a decision)</source>
        <translation>(%1 kræver en beslutning)</translation>
    </message>
    <message>
        <source>(%1 decided)</source>
        <translation>(%1 besluttet)</translation>
    </message>
    <message>
        <source>%1 file(s) have bytes the target deleted before.</source>
        <translation>%1 fil(er) har byte, som målet tidligere har slettet.</translation>
    </message>
    <message>
        <source>%1 file(s) need a decision: gatehouse-cli decide %2 --case CASE --action ACTION, or the duplicates view.</source>
        <translation>%1 fil(er) kræver en beslutning: gatehouse-cli decide %2 --case SAG --action HANDLING eller dubletvisningen.</translation>
    </message>
    <message>
        <source>No file needs a decision.</source>
        <translation>Ingen fil kræver en beslutning.</translation>
    </message>
    <message>
        <source>Classify every fetched file of a batch against a target, the catalog&apos;s earlier batches and the batch itself: %1. Exits 1 while any file needs a decision.</source>
        <translation>Klassificér alle hentede filer i en batch mod et mål, katalogets tidligere batches og selve batchen: %1. Afslutter med 1, så længe en fil kræver en beslutning.</translation>
    </message>
    <message>
        <source>local:DIR, s3://bucket/prefix or mediawiki:https://host/w/api.php.</source>
        <translation>local:MAPPE, s3://bucket/præfiks eller mediawiki:https://vært/w/api.php.</translation>
    </message>
    <message>
        <source>Only the files of this query go to the target (as for upload).</source>
        <translation>Kun filerne i denne forespørgsel sendes til målet (som ved upload).</translation>
    </message>
    <message>
        <source>The title or key template, as upload would use it.</source>
        <translation>Titel- eller nøgleskabelonen, som upload ville bruge den.</translation>
    </message>
    <message>
        <source>Print the counts as one JSON object.</source>
        <translation>Udskriv antallene som ét JSON-objekt.</translation>
    </message>
    <message>
        <source>dedup checks one target at a time; run it once per target.</source>
        <translation>dedup kontrollerer ét mål ad gangen; kør den én gang pr. mål.</translation>
    </message>
    <message>
        <source>dedup: %1/%2 files</source>
        <translation>dedup: %1/%2 filer</translation>
    </message>
    <message>
        <source>Record a curator&apos;s decision about duplicate cases (see dedup): for some files, or for every file of a case. The upload carries it out; until then --undo takes it back.</source>
        <translation>Registrér en kurators beslutning om dubletsager (se dedup): for nogle filer eller for alle filer i en sag. Overførslen udfører den; indtil da trækker --undo den tilbage.</translation>
    </message>
    <message>
        <source>More file ids after --file.</source>
        <translation>Flere fil-id&apos;er efter --file.</translation>
    </message>
    <message>
        <source>A file id (repeatable; more ids may follow).</source>
        <translation>Et fil-id (kan gentages; flere id&apos;er kan følge).</translation>
    </message>
    <message>
        <source>Every file of this case: %1.</source>
        <translation>Alle filer i denne sag: %1.</translation>
    </message>
    <message>
        <source>case</source>
        <translation>sag</translation>
    </message>
    <message>
        <source>With --case: only the files that have no decision yet.</source>
        <translation>Med --case: kun de filer, der endnu ikke har en beslutning.</translation>
    </message>
    <message>
        <source>One of %1.</source>
        <translation>En af %1.</translation>
    </message>
    <message>
        <source>action</source>
        <translation>handling</translation>
    </message>
    <message>
        <source>rename: the new name (one file); without it, a numbered name such as &quot;Name (2).jpg&quot; is found at upload.</source>
        <translation>rename: det nye navn (én fil); uden det findes der ved overførslen et nummereret navn som &quot;Navn (2).jpg&quot;.</translation>
    </message>
    <message>
        <source>Why: recorded with the decision.</source>
        <translation>Hvorfor: registreres med beslutningen.</translation>
    </message>
    <message>
        <source>The target whose cases are decided (needed when the batch was checked against several).</source>
        <translation>Det mål, hvis sager besluttes (kræves, når batchen er kontrolleret mod flere).</translation>
    </message>
    <message>
        <source>Take back the decision in force for the files instead.</source>
        <translation>Træk i stedet den gældende beslutning for filerne tilbage.</translation>
    </message>
    <message>
        <source>Print what was decided as one JSON object.</source>
        <translation>Udskriv det besluttede som ét JSON-objekt.</translation>
    </message>
    <message>
        <source>File ids go after --file.</source>
        <translation>Fil-id&apos;er skrives efter --file.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a file id.</source>
        <translation>&quot;%1&quot; er ikke et fil-id.</translation>
    </message>
    <message>
        <source>Unknown case &quot;%1&quot;; the cases are %2.</source>
        <translation>Ukendt sag &quot;%1&quot;; sagerne er %2.</translation>
    </message>
    <message>
        <source>Give either --file ID… or --case CASE.</source>
        <translation>Angiv enten --file ID… eller --case SAG.</translation>
    </message>
    <message>
        <source>Unknown action &quot;%1&quot;; the actions are %2.</source>
        <translation>Ukendt handling &quot;%1&quot;; handlingerne er %2.</translation>
    </message>
    <message>
        <source>Say what to do with --action (%1), or --undo.</source>
        <translation>Angiv, hvad der skal ske, med --action (%1) eller --undo.</translation>
    </message>
    <message>
        <source>The account %1 may not move files on %2; choose another action.</source>
        <translation>Kontoen %1 må ikke flytte filer på %2; vælg en anden handling.</translation>
    </message>
    <message numerus="yes">
        <source>Took back the decisions about %n file(s).</source>
        <translation>
            <numerusform>Trak beslutningen om %n fil tilbage.</numerusform>
            <numerusform>Trak beslutningerne om %n filer tilbage.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Decided %n file(s): %1.</source>
        <translation>
            <numerusform>Besluttede %n fil: %1.</numerusform>
            <numerusform>Besluttede %n filer: %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>the settings</source>
        <translation>indstillingerne</translation>
    </message>
    <message>
        <source>Approve a batch as a whole, then upload it to its targets (--target, the targets recorded for it, or [targets] default) with progress; refused while its QA sample is incomplete or rejects it, or decisions are open, unless --override gives a reason.</source>
        <translation>Godkend en batch som helhed og overfør den derefter til dens mål (--target, de mål, der er registreret for den, eller [targets] default) med fremskridt; afvises, mens dens QA-stikprøve er ufuldstændig eller afviser den, eller beslutninger er åbne, medmindre --override angiver en begrundelse.</translation>
    </message>
    <message>
        <source>Where the approved files go (local:DIR, s3://…, mediawiki:…); recorded with the batch. Repeat for several targets.</source>
        <translation>Hvor de godkendte filer sendes hen (local:MAPPE, s3://…, mediawiki:…); registreres med batchen. Gentag for flere mål.</translation>
    </message>
    <message>
        <source>Only the files matching this query go to the --target before it (the filter bar&apos;s syntax).</source>
        <translation>Kun de filer, der matcher denne forespørgsel, sendes til --target før den (filterlinjens syntaks).</translation>
    </message>
    <message numerus="yes">
        <source>QA of batch %1: %n file(s), %2.</source>
        <translation>
            <numerusform>QA af batch %1: %n fil, %2.</numerusform>
            <numerusform>QA af batch %1: %n filer, %2.</numerusform>
        </translation>
    </message>
    <message>
        <source>The curator recorded with decisions and their events (default: the [team] curator setting, else the operating system&apos;s user).</source>
        <translation>Kuratoren, der registreres ved beslutninger og deres hændelser (standard: indstillingen [team] curator, ellers styresystemets bruger).</translation>
    </message>
    <message>
        <source>Who decides (default: --as, else the [team] curator setting, else the operating system&apos;s user).</source>
        <translation>Hvem der beslutter (standard: --as, ellers indstillingen [team] curator, ellers styresystemets bruger).</translation>
    </message>
    <message>
        <source>Copy or download and hash only; the automatic QA and duplicate stages run at the batch&apos;s next fetch or run.</source>
        <translation>Kopiér eller hent og beregn kontrolsummer alene; den automatiske QA og dubletkontrollen kører ved batchens næste fetch eller run.</translation>
    </message>
</context>
<context>
    <name>gh::cli::BagProgressPrinter</name>
    <message>
        <source>%1 %2/%3 files, %4 / %5</source>
        <translation>%1 %2/%3 filer, %4 / %5</translation>
    </message>
</context>
<context>
    <name>gh::cli::CommandLine</name>
    <message>
        <source>Run &quot;gatehouse-cli %1 --help&quot; for usage.</source>
        <translation>Kør &quot;gatehouse-cli %1 --help&quot; for at se brugen.</translation>
    </message>
    <message>
        <source>Wrong number of arguments for %1.</source>
        <translation>Forkert antal argumenter til %1.</translation>
    </message>
</context>
<context>
    <name>gh::cli::ProgressPrinter</name>
    <message>
        <source>%1/%2 files, %3</source>
        <translation>%1/%2 filer, %3</translation>
    </message>
    <message>
        <source>%1 s left</source>
        <translation>%1 s tilbage</translation>
    </message>
    <message>
        <source>%1 failed</source>
        <translation>%1 mislykkedes</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Gatehouse ingest workstation</source>
        <translation>Gatehouse-arbejdsstation til ingest</translation>
    </message>
    <message>
        <source>The catalog file or PostgreSQL URL.</source>
        <translation>Katalogfilen eller PostgreSQL-URL&apos;en.</translation>
    </message>
    <message>
        <source>path</source>
        <translation>sti</translation>
    </message>
    <message>
        <source>The bit store folder.</source>
        <translation>Lagermappen.</translation>
    </message>
    <message>
        <source>dir</source>
        <translation>mappe</translation>
    </message>
    <message>
        <source>Engine settings (INI).</source>
        <translation>Motorindstillinger (INI).</translation>
    </message>
    <message>
        <source>file</source>
        <translation>fil</translation>
    </message>
    <message>
        <source>A folder, archive, manifest or list to load, or a gatehouse://batch/ID/item/ID link to show.</source>
        <translation>En mappe, et arkiv, et manifest eller en liste, der skal indlæses, eller et gatehouse://batch/ID/item/ID-link, der skal vises.</translation>
    </message>
    <message>
        <source>%1 is not a Gatehouse link; links look like gatehouse://batch/3/item/17.</source>
        <translation>%1 er ikke et Gatehouse-link; links ser ud som gatehouse://batch/3/item/17.</translation>
    </message>
</context>
</TS>
