<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE" sourcelanguage="en">
<context>
    <name>gh::AboutDialog</name>
    <message>
        <source>About Gatehouse</source>
        <translation>Über Gatehouse</translation>
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
        <translation>Speicher: %1</translation>
    </message>
    <message>
        <source>Data folder: %1</source>
        <translation>Datenordner: %1</translation>
    </message>
    <message>
        <source>Qt %1 on %2</source>
        <translation>Qt %1 unter %2</translation>
    </message>
    <message>
        <source>Take batches of digital objects into an archive.</source>
        <translation>Stapel digitaler Objekte in ein Archiv übernehmen.</translation>
    </message>
    <message>
        <source>&amp;Copy for a Bug Report</source>
        <translation>Für einen Fehlerbericht &amp;kopieren</translation>
    </message>
</context>
<context>
    <name>gh::ArchiveCopy</name>
    <message>
        <source>%1 in %2</source>
        <translation>%1 in %2</translation>
    </message>
    <message>
        <source>%1 is not in %2 (any more).</source>
        <translation>%1 ist nicht (mehr) in %2.</translation>
    </message>
</context>
<context>
    <name>gh::ArchiveGuard</name>
    <message>
        <source>%1 declares %2 members; the limit for one archive is %3 members.</source>
        <translation>%1 gibt %2 Einträge an; die Grenze für ein Archiv liegt bei %3 Einträgen.</translation>
    </message>
    <message>
        <source>%1 has at least %2 members; the limit for one archive is %3 members.</source>
        <translation>%1 hat mindestens %2 Einträge; die Grenze für ein Archiv liegt bei %3 Einträgen.</translation>
    </message>
    <message>
        <source>its name is not valid UTF-8</source>
        <translation>sein Name ist kein gültiges UTF-8</translation>
    </message>
    <message>
        <source>it is not a regular file (a device, pipe or socket)</source>
        <translation>es ist keine reguläre Datei (sondern ein Gerät, eine Pipe oder ein Socket)</translation>
    </message>
    <message>
        <source>its path passes through the link %1, which Gatehouse never follows</source>
        <translation>sein Pfad führt über den Link %1, dem Gatehouse nie folgt</translation>
    </message>
    <message>
        <source>it is a hard link to %1, outside the archive</source>
        <translation>es ist ein Hardlink auf %1 außerhalb des Archivs</translation>
    </message>
    <message>
        <source>it is a symbolic link to %1, outside the archive</source>
        <translation>es ist ein symbolischer Link auf %1 außerhalb des Archivs</translation>
    </message>
    <message>
        <source>%1 (copy %2)</source>
        <translation>%1 (Kopie %2)</translation>
    </message>
    <message>
        <source>another member has the same path, and only the first one is used</source>
        <translation>ein anderer Eintrag hat denselben Pfad, und nur der erste wird verwendet</translation>
    </message>
    <message>
        <source>it is encrypted</source>
        <translation>es ist verschlüsselt</translation>
    </message>
    <message>
        <source>it expands from %1 to %2 bytes, a compression ratio of %3:1; the limit is %4:1</source>
        <translation>es entpackt sich von %1 auf %2 Bytes, ein Kompressionsverhältnis von %3:1; die Grenze liegt bei %4:1</translation>
    </message>
    <message>
        <source>%1 expands from its %2 bytes to at least %3 bytes, a compression ratio of %4:1; the limit is %5:1.</source>
        <translation>%1 entpackt sich von %2 Bytes auf mindestens %3 Bytes, ein Kompressionsverhältnis von %4:1; die Grenze liegt bei %5:1.</translation>
    </message>
    <message>
        <source>The files in %1 add up to at least %2 bytes; the limit for one archive is %3 bytes.</source>
        <translation>Die Dateien in %1 umfassen zusammen mindestens %2 Bytes; die Grenze für ein Archiv liegt bei %3 Bytes.</translation>
    </message>
    <message>
        <source>%1 in %2 holds more data than the %3 bytes its header declares.</source>
        <translation>%1 in %2 enthält mehr Daten als die %3 Bytes, die sein Header angibt.</translation>
    </message>
    <message>
        <source>%1 in %2 expands from %3 to at least %4 bytes, a compression ratio of %5:1; the limit is %6:1.</source>
        <translation>%1 in %2 entpackt sich von %3 auf mindestens %4 Bytes, ein Kompressionsverhältnis von %5:1; die Grenze liegt bei %6:1.</translation>
    </message>
    <message>
        <source>Going on in %1 means decompressing at least %2 bytes; the limit for one archive is %3 bytes.</source>
        <translation>Ein Fortfahren in %1 bedeutet, mindestens %2 Bytes zu entpacken; die Grenze für ein Archiv liegt bei %3 Bytes.</translation>
    </message>
    <message>
        <source>Reading %1 from %2 passes %3 bytes in all; the limit for one archive is %4 bytes.</source>
        <translation>Das Lesen von %1 aus %2 überschreitet insgesamt %3 Bytes; die Grenze für ein Archiv liegt bei %4 Bytes.</translation>
    </message>
    <message>
        <source>Reading %1 from %2 expands the archive&apos;s %3 bytes to at least %4 bytes, a compression ratio of %5:1; the limit is %6:1.</source>
        <translation>Das Lesen von %1 aus %2 entpackt die %3 Bytes des Archivs auf mindestens %4 Bytes, ein Kompressionsverhältnis von %5:1; die Grenze liegt bei %6:1.</translation>
    </message>
    <message>
        <source>%1 in %2 ends after %3 bytes, but its header declares %4 bytes.</source>
        <translation>%1 in %2 endet nach %3 Bytes, aber sein Header gibt %4 Bytes an.</translation>
    </message>
    <message>
        <source>%1 in %2 was not read: %3.</source>
        <translation>%1 in %2 wurde nicht gelesen: %3.</translation>
    </message>
</context>
<context>
    <name>gh::ArchiveMember</name>
    <message>
        <source>its name is empty</source>
        <translation>sein Name ist leer</translation>
    </message>
    <message>
        <source>its name contains control characters</source>
        <translation>sein Name enthält Steuerzeichen</translation>
    </message>
    <message>
        <source>it is an absolute path, which would escape the batch</source>
        <translation>es ist ein absoluter Pfad, der aus dem Stapel hinausführen würde</translation>
    </message>
    <message>
        <source>its path climbs out of the archive with &quot;..&quot;</source>
        <translation>sein Pfad führt mit &quot;..&quot; aus dem Archiv hinaus</translation>
    </message>
    <message>
        <source>it names a Windows drive, which would escape the batch</source>
        <translation>es nennt ein Windows-Laufwerk, was aus dem Stapel hinausführen würde</translation>
    </message>
    <message>
        <source>its name contains &quot;!/&quot;, which Gatehouse reserves for members of nested archives</source>
        <translation>sein Name enthält &quot;!/&quot;, was Gatehouse für Einträge verschachtelter Archive reserviert</translation>
    </message>
    <message>
        <source>its path is %1 bytes long, more than the limit of %2 bytes</source>
        <translation>sein Pfad ist %1 Bytes lang, mehr als die Grenze von %2 Bytes</translation>
    </message>
</context>
<context>
    <name>gh::ArchivePackage</name>
    <message>
        <source>%1 is not an archive Gatehouse can open (zip, tar, tar.gz, tar.bz2, tar.xz or 7z).</source>
        <translation>%1 ist kein Archiv, das Gatehouse öffnen kann (zip, tar, tar.gz, tar.bz2, tar.xz oder 7z).</translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation>Das Laden von %1 wurde abgebrochen.</translation>
    </message>
    <message>
        <source>its path passes through the link %1, which Gatehouse never follows</source>
        <translation>sein Pfad führt über den Link %1, dem Gatehouse nie folgt</translation>
    </message>
    <message>
        <source>it is a hard link to %1, which is not a file in the archive</source>
        <translation>es ist ein Hardlink auf %1, das keine Datei im Archiv ist</translation>
    </message>
    <message>
        <source> and %1 more</source>
        <translation> und %1 weitere</translation>
    </message>
    <message>
        <source>Links inside %1 are listed, not followed; their targets are loaded themselves: %2</source>
        <translation>Links innerhalb von %1 werden aufgeführt, nicht verfolgt; ihre Ziele werden selbst geladen: %2</translation>
    </message>
    <message>
        <source>%1 is not a file in %2.</source>
        <translation>%1 ist keine Datei in %2.</translation>
    </message>
    <message>
        <source>%1 in %2 cannot be read: %3.</source>
        <translation>%1 in %2 kann nicht gelesen werden: %3.</translation>
    </message>
    <message>
        <source>%1 in %2 holds more than the %3 bytes allowed for %4.</source>
        <translation>%1 in %2 enthält mehr als die %3 Bytes, die für %4 erlaubt sind.</translation>
    </message>
    <message>
        <source>Cannot unpack %1 from %2: %3</source>
        <translation>%1 kann nicht aus %2 entpackt werden: %3</translation>
    </message>
    <message>
        <source>a manifest or tag file</source>
        <translation>eine Manifest- oder Tag-Datei</translation>
    </message>
    <message>
        <source>%1 is an archive nested %2 levels deep; the limit is %3 levels.</source>
        <translation>%1 ist ein Archiv, das %2 Ebenen tief verschachtelt ist; die Grenze liegt bei %3 Ebenen.</translation>
    </message>
    <message>
        <source>Cannot create a temporary folder to open %1: %2</source>
        <translation>Zum Öffnen von %1 kann kein temporärer Ordner angelegt werden: %2</translation>
    </message>
    <message>
        <source>Cannot create a temporary file to open %1: %2</source>
        <translation>Zum Öffnen von %1 kann keine temporäre Datei angelegt werden: %2</translation>
    </message>
    <message>
        <source>a nested archive</source>
        <translation>ein verschachteltes Archiv</translation>
    </message>
    <message>
        <source>Cannot unpack %1: %2</source>
        <translation>%1 kann nicht entpackt werden: %2</translation>
    </message>
</context>
<context>
    <name>gh::ArchiveReader</name>
    <message>
        <source>%1 is not an archive Gatehouse can open (zip, tar, tar.gz, tar.bz2, tar.xz or 7z).</source>
        <translation>%1 ist kein Archiv, das Gatehouse öffnen kann (zip, tar, tar.gz, tar.bz2, tar.xz oder 7z).</translation>
    </message>
    <message>
        <source>No member of %1 is open for reading.</source>
        <translation>Kein Eintrag von %1 ist zum Lesen geöffnet.</translation>
    </message>
    <message>
        <source>%1 in %2 cannot be read: %3.</source>
        <translation>%1 in %2 kann nicht gelesen werden: %3.</translation>
    </message>
    <message>
        <source>%1 is an archive nested %2 levels deep; the limit is %3 levels.</source>
        <translation>%1 ist ein Archiv, das %2 Ebenen tief verschachtelt ist; die Grenze liegt bei %3 Ebenen.</translation>
    </message>
    <message>
        <source>Cannot create a temporary folder to open %1: %2</source>
        <translation>Zum Öffnen von %1 kann kein temporärer Ordner angelegt werden: %2</translation>
    </message>
    <message>
        <source>Cannot create a temporary file to open %1: %2</source>
        <translation>Zum Öffnen von %1 kann keine temporäre Datei angelegt werden: %2</translation>
    </message>
    <message>
        <source>%1 holds more than the %2 bytes allowed for a nested archive.</source>
        <translation>%1 enthält mehr als die %2 Bytes, die für ein verschachteltes Archiv erlaubt sind.</translation>
    </message>
    <message>
        <source>Cannot unpack %1: %2</source>
        <translation>%1 kann nicht entpackt werden: %2</translation>
    </message>
</context>
<context>
    <name>gh::Bag</name>
    <message>
        <source>%1 has no bagit.txt at its root; every bag declares its BagIt version there.</source>
        <translation>%1 hat keine bagit.txt in seinem Stammordner; jedes Bag gibt dort seine BagIt-Version an.</translation>
    </message>
    <message>
        <source>bagit.txt cannot be read: %1</source>
        <translation>bagit.txt kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>%1 cannot be read: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>The bag declares BagIt %1 but names its metadata file %2; it was read anyway.</source>
        <translation>Das Bag gibt BagIt %1 an, nennt seine Metadatendatei aber %2; sie wurde trotzdem gelesen.</translation>
    </message>
    <message>
        <source>The manifest %1 cannot be read.</source>
        <translation>Das Manifest %1 kann nicht gelesen werden.</translation>
    </message>
    <message>
        <source>The bag has no payload manifest (manifest-&lt;algorithm&gt;.txt); every bag needs at least one.</source>
        <translation>Das Bag hat kein Payload-Manifest (manifest-&lt;algorithm&gt;.txt); jedes Bag braucht mindestens eines.</translation>
    </message>
    <message>
        <source>None of the payload manifests (%1) uses an algorithm Gatehouse can compute, so no payload checksum can be verified.</source>
        <translation>Keines der Payload-Manifeste (%1) verwendet einen Algorithmus, den Gatehouse berechnen kann; daher kann keine Payload-Prüfsumme verifiziert werden.</translation>
    </message>
    <message>
        <source>The manifests %1 and %2 differ only in case.</source>
        <translation>Die Manifeste %1 und %2 unterscheiden sich nur in der Groß-/Kleinschreibung.</translation>
    </message>
</context>
<context>
    <name>gh::BagIngester</name>
    <message>
        <source>%1 and %2 more</source>
        <translation>%1 und %2 weitere</translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation>Das Laden von %1 wurde abgebrochen.</translation>
    </message>
    <message>
        <source>%1 lists %2, which the bag holds as %3 (the same name in another Unicode normalisation form).</source>
        <translation>%1 führt %2 auf, das im Bag als %3 vorliegt (derselbe Name in einer anderen Unicode-Normalisierungsform).</translation>
    </message>
    <message>
        <source>%1 is listed in %2 but is not in the bag.</source>
        <translation>%1 ist in %2 aufgeführt, aber nicht im Bag enthalten.</translation>
    </message>
    <message>
        <source>fetch.txt (line %1) lists %2, which no payload manifest lists; its content cannot be verified.</source>
        <translation>fetch.txt (Zeile %1) führt %2 auf, das in keinem Payload-Manifest steht; sein Inhalt kann nicht verifiziert werden.</translation>
    </message>
    <message>
        <source>%1 (line %2) lists %3, which %4; it was not read.</source>
        <translation>%1 (Zeile %2) führt %3 auf, das %4; es wurde nicht gelesen.</translation>
    </message>
    <message>
        <source>%1 is a BagIt %2 bag: %3 payload files in %4 items, checksums from %5 manifests (%6); %7 to fetch, %8 missing.</source>
        <translation>%1 ist ein Bag nach BagIt %2: %3 Payload-Dateien in %4 Objekten, Prüfsummen aus %5 Manifesten (%6); %7 abzurufen, %8 fehlen.</translation>
    </message>
    <message>
        <source>… and %1 more issues with this bag; &quot;gatehouse-cli bag validate&quot; lists them all.</source>
        <translation>… und %1 weitere Probleme mit diesem Bag; &quot;gatehouse-cli bag validate&quot; listet sie alle auf.</translation>
    </message>
    <message>
        <source>Payload files that no manifest lists (loaded without declared checksums): %1</source>
        <translation>Payload-Dateien, die in keinem Manifest stehen (ohne angegebene Prüfsummen geladen): %1</translation>
    </message>
    <message>
        <source>Skipped operating-system files that no manifest lists: %1</source>
        <translation>Übersprungene Betriebssystemdateien, die in keinem Manifest stehen: %1</translation>
    </message>
    <message>
        <source>The catalog records md5, sha1, sha256 and sha512 checksums, so the %1 checksums of %2 are not verified while fetching; &quot;gatehouse-cli bag validate&quot; verifies them.</source>
        <translation>Der Katalog speichert md5-, sha1-, sha256- und sha512-Prüfsummen, daher werden die %1-Prüfsummen von %2 beim Abrufen nicht verifiziert; &quot;gatehouse-cli bag validate&quot; verifiziert sie.</translation>
    </message>
</context>
<context>
    <name>gh::BagParser</name>
    <message>
        <source>bagit.txt is not valid UTF-8.</source>
        <translation>bagit.txt ist kein gültiges UTF-8.</translation>
    </message>
    <message>
        <source>Line %1 of bagit.txt is not of the form &quot;Label: value&quot;: %2</source>
        <translation>Zeile %1 von bagit.txt hat nicht die Form &quot;Label: value&quot;: %2</translation>
    </message>
    <message>
        <source>bagit.txt does not declare a BagIt-Version.</source>
        <translation>bagit.txt gibt keine BagIt-Version an.</translation>
    </message>
    <message>
        <source>BagIt-Version %1 in bagit.txt (line %2) is not a version number of the form M.N.</source>
        <translation>BagIt-Version %1 in bagit.txt (Zeile %2) ist keine Versionsnummer der Form M.N.</translation>
    </message>
    <message>
        <source>bagit.txt declares BagIt version %1; Gatehouse reads versions 0.93 to 0.97 and 1.0.</source>
        <translation>bagit.txt gibt die BagIt-Version %1 an; Gatehouse liest die Versionen 0.93 bis 0.97 und 1.0.</translation>
    </message>
    <message>
        <source>bagit.txt does not declare Tag-File-Character-Encoding; the tag files are read as UTF-8.</source>
        <translation>bagit.txt gibt kein Tag-File-Character-Encoding an; die Tag-Dateien werden als UTF-8 gelesen.</translation>
    </message>
    <message>
        <source>bagit.txt declares the tag files to be in %1; UTF-8 is strongly recommended.</source>
        <translation>bagit.txt gibt für die Tag-Dateien die Kodierung %1 an; UTF-8 wird dringend empfohlen.</translation>
    </message>
    <message>
        <source>bagit.txt declares the tag file encoding %1, which Gatehouse cannot decode; the tag files are read as UTF-8.</source>
        <translation>bagit.txt gibt die Tag-Datei-Kodierung %1 an, die Gatehouse nicht dekodieren kann; die Tag-Dateien werden als UTF-8 gelesen.</translation>
    </message>
    <message>
        <source>%1 is not valid %2; undecodable bytes were replaced.</source>
        <translation>%1 ist kein gültiges %2; nicht dekodierbare Bytes wurden ersetzt.</translation>
    </message>
    <message>
        <source>%1 is not valid UTF-8; undecodable bytes were replaced.</source>
        <translation>%1 ist kein gültiges UTF-8; nicht dekodierbare Bytes wurden ersetzt.</translation>
    </message>
    <message>
        <source>Line %1 of %2 is indented as a continuation, but no label precedes it.</source>
        <translation>Zeile %1 von %2 ist als Fortsetzung eingerückt, aber ihr geht kein Label voraus.</translation>
    </message>
    <message>
        <source>Line %1 of %2 is not of the form &quot;Label: value&quot;: %3</source>
        <translation>Zeile %1 von %2 hat nicht die Form &quot;Label: value&quot;: %3</translation>
    </message>
    <message>
        <source>Line %1 of %2 has no label before its colon.</source>
        <translation>Zeile %1 von %2 hat kein Label vor ihrem Doppelpunkt.</translation>
    </message>
    <message>
        <source>Line %1 of %2: the label %3 ends with whitespace, which BagIt 1.0 does not allow.</source>
        <translation>Zeile %1 von %2: Das Label %3 endet mit Leerraum, was BagIt 1.0 nicht erlaubt.</translation>
    </message>
    <message>
        <source>%1 gives Payload-Oxum %2 times; it must appear at most once.</source>
        <translation>%1 gibt Payload-Oxum %2-mal an; es darf höchstens einmal vorkommen.</translation>
    </message>
    <message>
        <source>Payload-Oxum %1 in %2 (line %3) is not of the form OctetCount.StreamCount.</source>
        <translation>Payload-Oxum %1 in %2 (Zeile %3) hat nicht die Form OctetCount.StreamCount.</translation>
    </message>
    <message>
        <source>Bagging-Date %1 in %2 (line %3) is not a date of the form YYYY-MM-DD.</source>
        <translation>Bagging-Date %1 in %2 (Zeile %3) ist kein Datum der Form JJJJ-MM-TT.</translation>
    </message>
    <message>
        <source>Bag-Count %1 in %2 (line %3) is not of the form &quot;N of T&quot;.</source>
        <translation>Bag-Count %1 in %2 (Zeile %3) hat nicht die Form &quot;N of T&quot;.</translation>
    </message>
    <message>
        <source>%1 gives %2 %3 times; it should appear only once.</source>
        <translation>%1 gibt %2 %3-mal an; es sollte nur einmal vorkommen.</translation>
    </message>
    <message>
        <source>%1 uses the algorithm %2, which Gatehouse cannot compute; its checksums are not verified.</source>
        <translation>%1 verwendet den Algorithmus %2, den Gatehouse nicht berechnen kann; seine Prüfsummen werden nicht verifiziert.</translation>
    </message>
    <message>
        <source>Line %1 of %2 is not of the form &quot;checksum path&quot;: %3</source>
        <translation>Zeile %1 von %2 hat nicht die Form &quot;checksum path&quot;: %3</translation>
    </message>
    <message>
        <source>Line %1 of %2: %3 is not a %4 checksum.</source>
        <translation>Zeile %1 von %2: %3 ist keine %4-Prüfsumme.</translation>
    </message>
    <message>
        <source>Line %1 of %2 lists %3, which %4; files outside the bag&apos;s scope are invalid.</source>
        <translation>Zeile %1 von %2 führt %3 auf, das %4; Dateien außerhalb des Geltungsbereichs des Bags sind ungültig.</translation>
    </message>
    <message>
        <source>is outside the payload folder data/</source>
        <translation>außerhalb des Payload-Ordners data/ liegt</translation>
    </message>
    <message>
        <source>Line %1 of %2 lists %3, which is outside data/; a payload manifest must list only payload files.</source>
        <translation>Zeile %1 von %2 führt %3 auf, das außerhalb von data/ liegt; ein Payload-Manifest darf nur Payload-Dateien aufführen.</translation>
    </message>
    <message>
        <source>is a payload file listed in a tag manifest</source>
        <translation>eine Payload-Datei ist, die in einem Tag-Manifest aufgeführt ist</translation>
    </message>
    <message>
        <source>Line %1 of %2 lists the payload file %3; a tag manifest must not list payload files.</source>
        <translation>Zeile %1 von %2 führt die Payload-Datei %3 auf; ein Tag-Manifest darf keine Payload-Dateien aufführen.</translation>
    </message>
    <message>
        <source>%1 lists %2 twice (lines %3 and %4); every file must be listed exactly once.</source>
        <translation>%1 führt %2 zweimal auf (Zeilen %3 und %4); jede Datei muss genau einmal aufgeführt sein.</translation>
    </message>
    <message>
        <source>%1 lists %2 twice with different checksums (line %3: %4, line %5: %6).</source>
        <translation>%1 führt %2 zweimal mit unterschiedlichen Prüfsummen auf (Zeile %3: %4, Zeile %5: %6).</translation>
    </message>
    <message>
        <source>%1 marks paths with md5sum&apos;s &quot;*&quot; binary flag; Gatehouse ignored it, but strict BagIt validators reject such manifests.</source>
        <translation>%1 kennzeichnet Pfade mit dem Binär-Flag &quot;*&quot; von md5sum; Gatehouse hat es ignoriert, aber strenge BagIt-Validatoren weisen solche Manifeste zurück.</translation>
    </message>
    <message>
        <source>%1 writes some paths in a non-canonical form (such as &quot;./data/…&quot; or &quot;data//…&quot;); they were normalised.</source>
        <translation>%1 schreibt einige Pfade in nicht kanonischer Form (etwa &quot;./data/…&quot; oder &quot;data//…&quot;); sie wurden normalisiert.</translation>
    </message>
    <message>
        <source>Line %1 of %2 is not of the form &quot;url length path&quot;: %3</source>
        <translation>Zeile %1 von %2 hat nicht die Form &quot;url length path&quot;: %3</translation>
    </message>
    <message>
        <source>Line %1 of %2: the length %3 is neither a number of bytes nor &quot;-&quot;.</source>
        <translation>Zeile %1 von %2: Die Länge %3 ist weder eine Anzahl von Bytes noch &quot;-&quot;.</translation>
    </message>
    <message>
        <source>Line %1 of %2: %3 is not an absolute URL.</source>
        <translation>Zeile %1 von %2: %3 ist keine absolute URL.</translation>
    </message>
    <message>
        <source>Line %1 of %2 lists %3, which is outside data/; fetch.txt must list only payload files.</source>
        <translation>Zeile %1 von %2 führt %3 auf, das außerhalb von data/ liegt; fetch.txt darf nur Payload-Dateien aufführen.</translation>
    </message>
    <message>
        <source>%1 lists %2 twice (lines %3 and %4).</source>
        <translation>%1 führt %2 zweimal auf (Zeilen %3 und %4).</translation>
    </message>
    <message>
        <source>is empty</source>
        <translation>leer ist</translation>
    </message>
    <message>
        <source>contains a NUL character</source>
        <translation>ein NUL-Zeichen enthält</translation>
    </message>
    <message>
        <source>is an absolute path</source>
        <translation>ein absoluter Pfad ist</translation>
    </message>
    <message>
        <source>names a drive</source>
        <translation>ein Laufwerk nennt</translation>
    </message>
    <message>
        <source>uses a backslash, which BagIt does not allow as a path separator</source>
        <translation>einen Backslash verwendet, den BagIt nicht als Pfadtrenner erlaubt</translation>
    </message>
    <message>
        <source>refers to a home folder</source>
        <translation>auf einen Home-Ordner verweist</translation>
    </message>
    <message>
        <source>names a folder, not a file</source>
        <translation>einen Ordner nennt, keine Datei</translation>
    </message>
    <message>
        <source>leaves the bag</source>
        <translation>aus dem Bag hinausführt</translation>
    </message>
    <message>
        <source>names the bag itself</source>
        <translation>das Bag selbst nennt</translation>
    </message>
    <message>
        <source>Line %1 of %2 lists %3, which holds a &apos;%&apos; that is not percent-encoded (as %4), as BagIt 1.0 requires; it was read literally.</source>
        <translation>Zeile %1 von %2 führt %3 auf, das ein &apos;%&apos; enthält, das nicht prozentkodiert ist (als %4), wie BagIt 1.0 es verlangt; es wurde wörtlich gelesen.</translation>
    </message>
    <message>
        <source>The last line of %1 does not end with a line break; RFC 8493 recommends one.</source>
        <translation>Die letzte Zeile von %1 endet nicht mit einem Zeilenumbruch; RFC 8493 empfiehlt einen.</translation>
    </message>
    <message>
        <source>bagit.txt starts with a UTF-8 byte-order mark; RFC 8493 forbids one in the bag declaration.</source>
        <translation>bagit.txt beginnt mit einer UTF-8-Bytereihenfolgemarkierung (BOM); RFC 8493 verbietet sie in der Bag-Erklärung.</translation>
    </message>
    <message>
        <source>Line %1 of bagit.txt is empty; bagit.txt must consist of exactly two lines, BagIt-Version and Tag-File-Character-Encoding.</source>
        <translation>Zeile %1 von bagit.txt ist leer; bagit.txt muss aus genau zwei Zeilen bestehen, BagIt-Version und Tag-File-Character-Encoding.</translation>
    </message>
    <message>
        <source>Line %1 of bagit.txt holds %2; bagit.txt must consist of exactly two lines, BagIt-Version and Tag-File-Character-Encoding.</source>
        <translation>Zeile %1 von bagit.txt enthält %2; bagit.txt muss aus genau zwei Zeilen bestehen, BagIt-Version und Tag-File-Character-Encoding.</translation>
    </message>
    <message>
        <source>Line %1 of bagit.txt reads %2; it must be exactly &quot;%3: %4&quot; (the label as written here, one space after the colon, no other whitespace).</source>
        <translation>Zeile %1 von bagit.txt lautet %2; sie muss genau &quot;%3: %4&quot; lauten (die Bezeichnung so geschrieben wie hier, ein Leerzeichen nach dem Doppelpunkt, kein anderer Leerraum).</translation>
    </message>
    <message>
        <source>…</source>
        <translation>…</translation>
    </message>
    <message>
        <source>bagit.txt declares %1 twice (lines %2 and %3).</source>
        <translation>bagit.txt gibt %1 zweimal an (Zeilen %2 und %3).</translation>
    </message>
    <message>
        <source>bagit.txt declares Tag-File-Character-Encoding before BagIt-Version; RFC 8493 requires BagIt-Version on the first line and Tag-File-Character-Encoding on the second.</source>
        <translation>bagit.txt gibt Tag-File-Character-Encoding vor BagIt-Version an; RFC 8493 verlangt BagIt-Version in der ersten Zeile und Tag-File-Character-Encoding in der zweiten.</translation>
    </message>
    <message>
        <source>%1 starts with a UTF-8 byte-order mark, which RFC 8493 forbids in UTF-8 tag files.</source>
        <translation>%1 beginnt mit einer UTF-8-Bytereihenfolgemarkierung (BOM), die RFC 8493 in UTF-8-Tag-Dateien verbietet.</translation>
    </message>
    <message>
        <source>Line %1 of %2: BagIt 1.0 puts exactly one space or tab between the colon and the value: %3</source>
        <translation>Zeile %1 von %2: BagIt 1.0 setzt genau ein Leerzeichen oder einen Tabulator zwischen Doppelpunkt und Wert: %3</translation>
    </message>
    <message numerus="yes">
        <source>%n line(s) of %1 are longer than the 79 characters RFC 8493 recommends (the first is line %2); long values can be continued on indented lines.</source>
        <translation>
            <numerusform>%n Zeile von %1 ist länger als die 79 Zeichen, die RFC 8493 empfiehlt (Zeile %2); lange Werte können in eingerückten Zeilen fortgesetzt werden.</numerusform>
            <numerusform>%n Zeilen von %1 sind länger als die 79 Zeichen, die RFC 8493 empfiehlt (die erste ist Zeile %2); lange Werte können in eingerückten Zeilen fortgesetzt werden.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 gives a Bag-Count but no Bag-Group-Identifier; RFC 8493 recommends both together.</source>
        <translation>%1 gibt ein Bag-Count an, aber keinen Bag-Group-Identifier; RFC 8493 empfiehlt beide zusammen.</translation>
    </message>
    <message>
        <source>%1 names its algorithm %2; RFC 8493 requires the normalised name %3 (lower case, letters and digits only).</source>
        <translation>%1 nennt seinen Algorithmus %2; RFC 8493 verlangt den normalisierten Namen %3 (Kleinbuchstaben, nur Buchstaben und Ziffern).</translation>
    </message>
    <message>
        <source>%1 uses sha224, which is not in IANA&apos;s Named Information Hash Algorithm Registry that RFC 8493 recommends; Gatehouse computes it all the same.</source>
        <translation>%1 verwendet sha224, das nicht in der von RFC 8493 empfohlenen Named Information Hash Algorithm Registry der IANA steht; Gatehouse berechnet es trotzdem.</translation>
    </message>
</context>
<context>
    <name>gh::BagValidator</name>
    <message>
        <source>%1 does not exist.</source>
        <translation>%1 existiert nicht.</translation>
    </message>
    <message>
        <source>%1 is not a folder; Gatehouse validates bags in folders (unpack an archived bag first).</source>
        <translation>%1 ist kein Ordner; Gatehouse validiert Bags in Ordnern (entpacken Sie ein archiviertes Bag zuerst).</translation>
    </message>
    <message>
        <source>%1 Files outside the bag&apos;s scope are invalid.</source>
        <translation>%1 Dateien außerhalb des Geltungsbereichs des Bags sind ungültig.</translation>
    </message>
    <message>
        <source>The bag has no payload folder data/.</source>
        <translation>Das Bag hat keinen Payload-Ordner data/.</translation>
    </message>
    <message>
        <source>%1 is listed in fetch.txt (line %2) but has not been fetched; the files listed in fetch.txt must be fetched before the bag is complete.</source>
        <translation>%1 ist in fetch.txt (Zeile %2) aufgeführt, wurde aber nicht abgerufen; die in fetch.txt aufgeführten Dateien müssen abgerufen werden, bevor das Bag vollständig ist.</translation>
    </message>
    <message>
        <source>%1 is listed in %2 but is not in the bag.</source>
        <translation>%1 ist in %2 aufgeführt, aber nicht im Bag enthalten.</translation>
    </message>
    <message>
        <source>%1 lists %2, which the bag holds as %3 (the same name in another Unicode normalisation form).</source>
        <translation>%1 führt %2 auf, das im Bag als %3 vorliegt (derselbe Name in einer anderen Unicode-Normalisierungsform).</translation>
    </message>
    <message>
        <source>%1 is in data/ but is not listed in %2.</source>
        <translation>%1 liegt in data/, ist aber nicht in %2 aufgeführt.</translation>
    </message>
    <message>
        <source>%1 is listed in %2 but not in %3; every payload manifest must list every payload file.</source>
        <translation>%1 ist in %2 aufgeführt, aber nicht in %3; jedes Payload-Manifest muss jede Payload-Datei aufführen.</translation>
    </message>
    <message>
        <source>%1 is listed in %2 (line %3) but is not in the bag.</source>
        <translation>%1 ist in %2 (Zeile %3) aufgeführt, aber nicht im Bag enthalten.</translation>
    </message>
    <message>
        <source>%1 (line %2) lists the tag manifest %3; tag manifests must not list other tag manifests.</source>
        <translation>%1 (Zeile %2) führt das Tag-Manifest %3 auf; Tag-Manifeste dürfen keine anderen Tag-Manifeste aufführen.</translation>
    </message>
    <message>
        <source>%1 does not list the payload manifest %2; every tag manifest must list every payload manifest.</source>
        <translation>%1 führt das Payload-Manifest %2 nicht auf; jedes Tag-Manifest muss jedes Payload-Manifest aufführen.</translation>
    </message>
    <message>
        <source>The tag file %1 is not listed in %2, so its integrity is not protected.</source>
        <translation>Die Tag-Datei %1 ist nicht in %2 aufgeführt, daher ist ihre Integrität nicht geschützt.</translation>
    </message>
    <message>
        <source>fetch.txt (line %1) lists %2, which is not listed in every payload manifest.</source>
        <translation>fetch.txt (Zeile %1) führt %2 auf, das nicht in jedem Payload-Manifest aufgeführt ist.</translation>
    </message>
    <message>
        <source>%1 is %2 bytes, but fetch.txt (line %3) gives %4 bytes.</source>
        <translation>%1 ist %2 Bytes groß, aber fetch.txt (Zeile %3) gibt %4 Bytes an.</translation>
    </message>
    <message>
        <source>Payload-Oxum in %1 is %2 (%3 bytes in %4 files), but data/ holds %5 bytes in %6 files.</source>
        <translation>Payload-Oxum in %1 ist %2 (%3 Bytes in %4 Dateien), aber data/ enthält %5 Bytes in %6 Dateien.</translation>
    </message>
    <message>
        <source>The bag has no bag-info.txt; its Payload-Oxum and Bagging-Date help receivers check it.</source>
        <translation>Das Bag hat keine bag-info.txt; deren Payload-Oxum und Bagging-Date helfen Empfängern bei der Prüfung.</translation>
    </message>
    <message>
        <source>%1 has no %2; these labels are recommended.</source>
        <translation>%1 hat kein %2; diese Labels werden empfohlen.</translation>
    </message>
    <message>
        <source>The payload is protected only by %1; md5 and sha1 detect accidents but not tampering. A sha256 or sha512 manifest is recommended.</source>
        <translation>Die Payload ist nur durch %1 geschützt; md5 und sha1 erkennen Versehen, aber keine Manipulation. Ein sha256- oder sha512-Manifest wird empfohlen.</translation>
    </message>
    <message>
        <source>%1 is a hidden file in data/.</source>
        <translation>%1 ist eine versteckte Datei in data/.</translation>
    </message>
    <message>
        <source>%1 and %2 differ only in case; they collide on case-insensitive file systems.</source>
        <translation>%1 und %2 unterscheiden sich nur in der Groß-/Kleinschreibung; auf Dateisystemen ohne Unterscheidung der Groß-/Kleinschreibung kollidieren sie.</translation>
    </message>
    <message>
        <source>%1 cannot be read to verify its checksums: %2</source>
        <translation>%1 kann nicht gelesen werden, um seine Prüfsummen zu verifizieren: %2</translation>
    </message>
    <message>
        <source>%1 does not match its %2 checksum in %3 (line %4): expected %5, computed %6.</source>
        <translation>%1 stimmt nicht mit seiner %2-Prüfsumme in %3 (Zeile %4) überein: erwartet %5, berechnet %6.</translation>
    </message>
    <message>
        <source>Validating %1 was cancelled.</source>
        <translation>Das Validieren von %1 wurde abgebrochen.</translation>
    </message>
    <message>
        <source>holds a control character</source>
        <translation>enthält ein Steuerzeichen</translation>
    </message>
    <message>
        <source>holds the character %1</source>
        <translation>enthält das Zeichen %1</translation>
    </message>
    <message>
        <source>uses the reserved name %1</source>
        <translation>verwendet den reservierten Namen %1</translation>
    </message>
    <message>
        <source>has a name ending in a dot or a space</source>
        <translation>hat einen Namen, der auf einen Punkt oder ein Leerzeichen endet</translation>
    </message>
    <message>
        <source>%1 lists %2, which is a folder; manifests must list files only.</source>
        <translation>%1 führt %2 auf, das ein Ordner ist; Manifeste dürfen nur Dateien aufführen.</translation>
    </message>
    <message>
        <source>%1 and %2 list different tag files (%3 only in one of them); every tag manifest should list the same ones.</source>
        <translation>%1 und %2 führen verschiedene Tag-Dateien auf (%3 nur in einem davon); jedes Tag-Manifest sollte dieselben aufführen.</translation>
    </message>
    <message>
        <source>%1 uses %2, which no payload manifest uses (%3); tag manifests should use the payload manifests&apos; algorithms.</source>
        <translation>%1 verwendet %2, das kein Payload-Manifest verwendet (%3); Tag-Manifeste sollten die Algorithmen der Payload-Manifeste verwenden.</translation>
    </message>
    <message>
        <source>%1 is a file an operating system leaves behind, not content; it should not be in a bag&apos;s payload.</source>
        <translation>%1 ist eine Datei, die ein Betriebssystem hinterlässt, kein Inhalt; sie gehört nicht in die Payload eines Bags.</translation>
    </message>
    <message>
        <source>%1 %2, so the bag cannot be unpacked on Windows.</source>
        <translation>%1 %2, daher kann das Bag unter Windows nicht entpackt werden.</translation>
    </message>
    <message>
        <source>%1 and %2 differ only in Unicode normalisation; they look the same and collide on file systems that normalise names.</source>
        <translation>%1 und %2 unterscheiden sich nur in der Unicode-Normalisierung; sie sehen gleich aus und kollidieren auf Dateisystemen, die Namen normalisieren.</translation>
    </message>
</context>
<context>
    <name>gh::BagWriter</name>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Exporting batch %1 was cancelled; nothing was written to %2.</source>
        <translation>Der Export von Stapel %1 wurde abgebrochen; nach %2 wurde nichts geschrieben.</translation>
    </message>
    <message>
        <source>%1 exists and is not a folder; export a bag into a new or empty folder.</source>
        <translation>%1 existiert und ist kein Ordner; exportieren Sie ein Bag in einen neuen oder leeren Ordner.</translation>
    </message>
    <message>
        <source>%1 is not empty; export a bag into a new or empty folder.</source>
        <translation>%1 ist nicht leer; exportieren Sie ein Bag in einen neuen oder leeren Ordner.</translation>
    </message>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation>Der Ordner %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <source>Cannot create a working folder next to %1: %2</source>
        <translation>Neben %1 kann kein Arbeitsordner angelegt werden: %2</translation>
    </message>
    <message>
        <source>Cannot create %1.</source>
        <translation>%1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <source>Two files of batch %1 map to the bag path data/%2.</source>
        <translation>Zwei Dateien von Stapel %1 werden auf den Bag-Pfad data/%2 abgebildet.</translation>
    </message>
    <message>
        <source>Cannot read %1 from the store: %2; the export was abandoned.</source>
        <translation>%1 kann nicht aus dem Speicher gelesen werden: %2; der Export wurde abgebrochen.</translation>
    </message>
    <message>
        <source>Cannot create the folder for %1.</source>
        <translation>Der Ordner für %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <source>Reading %1 from the store failed: %2</source>
        <translation>Das Lesen von %1 aus dem Speicher ist fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>The stored copy of %1 does not match the catalog (catalog: %2 bytes, sha256 %3; store: %4 bytes, sha256 %5); the export was abandoned.</source>
        <translation>Die gespeicherte Kopie von %1 stimmt nicht mit dem Katalog überein (Katalog: %2 Bytes, sha256 %3; Speicher: %4 Bytes, sha256 %5); der Export wurde abgebrochen.</translation>
    </message>
    <message>
        <source>Cannot move the finished bag to %1: %2</source>
        <translation>Das fertige Bag kann nicht nach %1 verschoben werden: %2</translation>
    </message>
    <message>
        <source>A bag needs at least one manifest algorithm.</source>
        <translation>Ein Bag braucht mindestens einen Manifest-Algorithmus.</translation>
    </message>
    <message>
        <source>The algorithm %1 is given twice.</source>
        <translation>Der Algorithmus %1 ist zweimal angegeben.</translation>
    </message>
    <message>
        <source>The catalog has no sha256 for %1, so its copy cannot be verified; the export was abandoned.</source>
        <translation>Der Katalog hat keine sha256 für %1, daher kann seine Kopie nicht verifiziert werden; der Export wurde abgebrochen.</translation>
    </message>
</context>
<context>
    <name>gh::BatchDecisions</name>
    <message>
        <source>Catalog error while %1 in %2: %3</source>
        <translation>Katalogfehler beim %1 in %2: %3</translation>
    </message>
    <message>
        <source>No QA sample has been drawn for batch %1.</source>
        <translation>Für Stapel %1 wurde noch keine QA-Stichprobe gezogen.</translation>
    </message>
    <message>
        <source>The sample&apos;s verdict is reject: %1 defects, and the plan rejects at %2.</source>
        <translation>Das Urteil der Stichprobe lautet zurückweisen: %1 Mängel, und der Plan weist bei %2 zurück.</translation>
    </message>
    <message>
        <source>The sample is incomplete: %1 of %2 sampled items have no verdict yet.</source>
        <translation>Die Stichprobe ist unvollständig: %1 von %2 gezogenen Objekten sind noch nicht bewertet.</translation>
    </message>
    <message>
        <source>%1 flagged items have no verdict yet.</source>
        <translation>%1 markierte Objekte sind noch nicht bewertet.</translation>
    </message>
    <message>
        <source>counting the stored files of batch %1</source>
        <translation>Zählen der gespeicherten Dateien von Stapel %1</translation>
    </message>
    <message>
        <source>Accept %1 stored files into the archive.</source>
        <translation>%1 gespeicherte Dateien ins Archiv übernehmen.</translation>
    </message>
    <message>
        <source>Upload %1 files to %2.</source>
        <translation>%1 Dateien nach %2 hochladen.</translation>
    </message>
    <message>
        <source>Delete %1 stored files (%2); the supplier re-delivers.</source>
        <translation>%1 gespeicherte Dateien löschen (%2); der Lieferant liefert neu.</translation>
    </message>
    <message>
        <source>Batch %1 cannot be approved yet: %2 Give --override REASON to approve anyway; the reason is recorded.</source>
        <translation>Stapel %1 kann noch nicht freigegeben werden: %2 Mit --override GRUND wird trotzdem freigegeben; der Grund wird festgehalten.</translation>
    </message>
    <message>
        <source>batch approved</source>
        <translation>Stapel freigegeben</translation>
    </message>
    <message>
        <source>QA sample: %1</source>
        <translation>QA-Stichprobe: %1</translation>
    </message>
    <message>
        <source>target %1</source>
        <translation>Ziel %1</translation>
    </message>
    <message>
        <source>overriding: %1 Reason: %2</source>
        <translation>übergangen: %1 Grund: %2</translation>
    </message>
    <message>
        <source>note: %1</source>
        <translation>Notiz: %1</translation>
    </message>
    <message>
        <source>approving batch %1</source>
        <translation>Freigeben von Stapel %1</translation>
    </message>
    <message>
        <source>Batch %1 approved by %2, overriding: %3</source>
        <translation>Stapel %1 von %2 freigegeben, übergangen: %3</translation>
    </message>
    <message>
        <source>Batch %1 approved by %2.</source>
        <translation>Stapel %1 von %2 freigegeben.</translation>
    </message>
    <message>
        <source>The target %1 is recorded with the approval; no upload stage is registered in this build to start sending files.</source>
        <translation>Das Ziel %1 ist mit der Freigabe festgehalten; in diesem Build ist keine Upload-Stufe registriert, die mit dem Senden beginnen könnte.</translation>
    </message>
    <message>
        <source>A rejection needs a reason; the supplier will want to know it.</source>
        <translation>Eine Zurückweisung braucht einen Grund; der Lieferant wird ihn wissen wollen.</translation>
    </message>
    <message>
        <source>Rejecting a batch needs its bit store.</source>
        <translation>Zum Zurückweisen eines Stapels wird sein Speicher gebraucht.</translation>
    </message>
    <message>
        <source>Batch %1 is approved; an approved batch cannot be rejected.</source>
        <translation>Stapel %1 ist freigegeben; ein freigegebener Stapel kann nicht zurückgewiesen werden.</translation>
    </message>
    <message>
        <source>rejecting batch %1</source>
        <translation>Zurückweisen von Stapel %1</translation>
    </message>
    <message>
        <source>batch rejected: %1</source>
        <translation>Stapel zurückgewiesen: %1</translation>
    </message>
    <message>
        <source>counting the files of batch %1</source>
        <translation>Zählen der Dateien von Stapel %1</translation>
    </message>
    <message>
        <source>reading the files of batch %1</source>
        <translation>Lesen der Dateien von Stapel %1</translation>
    </message>
    <message>
        <source>checking who else uses %1</source>
        <translation>Prüfen, wer %1 noch verwendet</translation>
    </message>
    <message>
        <source>batch rejected; the stored object %1 is kept because batch %2 uses it too</source>
        <translation>Stapel zurückgewiesen; das gespeicherte Objekt %1 bleibt, weil Stapel %2 es auch verwendet</translation>
    </message>
    <message>
        <source>Batch %1 is rejected, but deleting its stored copies stopped at %2: %3 Reject it again to carry on.</source>
        <translation>Stapel %1 ist zurückgewiesen, aber das Löschen seiner gespeicherten Kopien hielt bei %2 an: %3 Weisen Sie ihn erneut zurück, um fortzufahren.</translation>
    </message>
    <message>
        <source>batch rejected; stored copy %1 deleted from %2</source>
        <translation>Stapel zurückgewiesen; gespeicherte Kopie %1 aus %2 gelöscht</translation>
    </message>
    <message>
        <source>marking file %1 deleted</source>
        <translation>Markieren von Datei %1 als gelöscht</translation>
    </message>
    <message>
        <source>forgetting the HTTP copy %1</source>
        <translation>Vergessen der HTTP-Kopie %1</translation>
    </message>
    <message>
        <source>Batch %1 rejected by %2: %3 files marked deleted, %4 stored objects removed from %5.</source>
        <translation>Stapel %1 von %2 zurückgewiesen: %3 Dateien als gelöscht markiert, %4 gespeicherte Objekte aus %5 entfernt.</translation>
    </message>
    <message>
        <source>%1 objects were kept because other batches use them.</source>
        <translation>%1 Objekte wurden behalten, weil andere Stapel sie verwenden.</translation>
    </message>
    <message>
        <source>approved by %1</source>
        <translation>freigegeben von %1</translation>
    </message>
    <message>
        <source>rejected by %1: %2</source>
        <translation>zurückgewiesen von %1: %2</translation>
    </message>
    <message>
        <source>Unknown target &quot;%1&quot;; give one of: %2.</source>
        <translation>Unbekanntes Ziel &quot;%1&quot;; geben Sie eines an von: %2.</translation>
    </message>
    <message numerus="yes">
        <source>%n stored file(s) with a problem stay behind.</source>
        <translation>
            <numerusform>%n gespeicherte Datei mit einem Problem bleibt zurück.</numerusform>
            <numerusform>%n gespeicherte Dateien mit einem Problem bleiben zurück.</numerusform>
        </translation>
    </message>
    <message>
        <source>reading the decision on batch %1</source>
        <translation>beim Lesen der Entscheidung über Stapel %1</translation>
    </message>
    <message>
        <source>There is no batch %1.</source>
        <translation>Es gibt keinen Stapel %1.</translation>
    </message>
    <message>
        <source> (batch %1); a decision is made once.</source>
        <translation> (Stapel %1); eine Entscheidung fällt nur einmal.</translation>
    </message>
</context>
<context>
    <name>gh::BatchHousekeeping</name>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n Datei</numerusform>
            <numerusform>%n Dateien</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n stored copy(-ies)</source>
        <translation>
            <numerusform>%n gespeicherte Kopie</numerusform>
            <numerusform>%n gespeicherte Kopien</numerusform>
        </translation>
    </message>
    <message>
        <source>batch %1 &quot;%2&quot;: %3, %4</source>
        <translation>Stapel %1 „%2“: %3, %4</translation>
    </message>
    <message numerus="yes">
        <source>%n stored copy(-ies) shared with other batches stay</source>
        <translation>
            <numerusform>%n gespeicherte Kopie, die andere Stapel teilen, bleibt</numerusform>
            <numerusform>%n gespeicherte Kopien, die andere Stapel teilen, bleiben</numerusform>
        </translation>
    </message>
    <message>
        <source>Batch %1 is being processed (%2 stage); wait for it to finish or cancel it first.</source>
        <translation>Stapel %1 wird gerade verarbeitet (Schritt %2); warten Sie, bis er fertig ist, oder brechen Sie ihn zuerst ab.</translation>
    </message>
    <message>
        <source>A batch needs a name.</source>
        <translation>Ein Stapel braucht einen Namen.</translation>
    </message>
    <message>
        <source>Deleting a batch needs its store.</source>
        <translation>Zum Löschen eines Stapels wird sein Speicher gebraucht.</translation>
    </message>
    <message>
        <source>The folder %1 could not be removed.</source>
        <translation>Der Ordner %1 konnte nicht entfernt werden.</translation>
    </message>
    <message numerus="yes">
        <source>Batch %1 was deleted from the catalog, but %n stored object(s) or files could not be removed: %2</source>
        <translation>
            <numerusform>Stapel %1 wurde aus dem Katalog gelöscht, aber %n gespeichertes Objekt oder Datei konnte nicht entfernt werden: %2</numerusform>
            <numerusform>Stapel %1 wurde aus dem Katalog gelöscht, aber %n gespeicherte Objekte oder Dateien konnten nicht entfernt werden: %2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::BatchIdentifierCheck</name>
    <message>
        <source>The batch id of the batch folder&apos;s name is the one in film folder names, file names and the MODS reel and batch identifiers.</source>
        <translation>Die Stapelkennung im Namen des Stapelordners ist dieselbe wie in den Namen der Filmordner, den Dateinamen und den MODS-Kennungen für Rolle und Stapel.</translation>
    </message>
    <message>
        <source>%1: the film folder %2 names batch %3, but the batch folder names %4.</source>
        <translation>%1: Der Filmordner %2 nennt Stapel %3, aber der Stapelordner nennt %4.</translation>
    </message>
    <message>
        <source>%1: the file name names batch %2, but the batch folder names %3.</source>
        <translation>%1: Der Dateiname nennt Stapel %2, aber der Stapelordner nennt %3.</translation>
    </message>
    <message>
        <source>%1: the MODS identifier &quot;%2&quot; (type &quot;%3&quot;) names batch %4, but the batch folder names %5.</source>
        <translation>%1: Die MODS-Kennung &quot;%2&quot; (Typ &quot;%3&quot;) nennt Stapel %4, aber der Stapelordner nennt %5.</translation>
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
        <translation>Stapel %1 aus %2</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>Stapel</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Angelegt</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>Dateien</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>Probleme</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) with problems: see Problems</source>
        <translation>
            <numerusform>%n Datei mit Problemen: siehe Probleme</numerusform>
            <numerusform>%n Dateien mit Problemen: siehe Probleme</numerusform>
        </translation>
    </message>
    <message>
        <source>Archived: hidden from the dashboard unless archived batches are shown.</source>
        <translation>Archiviert: in der Übersicht verborgen, solange archivierte Stapel nicht angezeigt werden.</translation>
    </message>
    <message>
        <source>No problems</source>
        <translation>Keine Probleme</translation>
    </message>
    <message>
        <source>%1 (archived)</source>
        <translation>%1 (archiviert)</translation>
    </message>
    <message>
        <source>Counting problems…</source>
        <translation>Probleme werden gezählt…</translation>
    </message>
</context>
<context>
    <name>gh::BatchRunner</name>
    <message>
        <source>Loaded %1 as batch %2 (%3): %4 items, %5 files.</source>
        <translation>%1 als Stapel %2 geladen (%3): %4 Objekte, %5 Dateien.</translation>
    </message>
    <message>
        <source>Warning (%1): %2</source>
        <translation>Warnung (%1): %2</translation>
    </message>
    <message>
        <source>Batch %1 is being processed by another Gatehouse (%2, %3 stage); wait for it to finish or stop it first.</source>
        <translation>Stapel %1 wird von einem anderen Gatehouse verarbeitet (%2, Stufe %3); warten Sie, bis er fertig ist, oder halten Sie ihn zuerst an.</translation>
    </message>
    <message>
        <source>Batch %1 of %2 was interrupted while loading; loading it again.</source>
        <translation>Stapel %1 von %2 wurde beim Laden unterbrochen; er wird erneut geladen.</translation>
    </message>
    <message>
        <source>Resuming batch %1 of %2.</source>
        <translation>Stapel %1 von %2 wird fortgesetzt.</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Abgebrochen.</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <source>Batch %1 could not be loaded.</source>
        <translation>Stapel %1 konnte nicht geladen werden.</translation>
    </message>
    <message>
        <source>Waiting for the curator.</source>
        <translation>Wartet auf den Kurator.</translation>
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
        <translation>Unbekannter Speicher &quot;%1&quot;; geben Sie einen Ordner oder s3://bucket/prefix an.</translation>
    </message>
</context>
<context>
    <name>gh::BlackBorderCheck</name>
    <message>
        <source>No image has more than the profile&apos;s border_max_fraction of near-black pixels (at most border_level), the end spike of a black border.</source>
        <translation>Kein Bild hat mehr als den Anteil border_max_fraction des Profils an fast schwarzen Pixeln (höchstens border_level), die Spitze am dunklen Ende, die ein schwarzer Rand erzeugt.</translation>
    </message>
    <message>
        <source>%1 may have a black border: %2 of its pixels are near black (at most %3 of 255), more than %4.</source>
        <translation>%1 hat möglicherweise einen schwarzen Rand: %2 seiner Pixel sind fast schwarz (höchstens %3 von 255), mehr als %4.</translation>
    </message>
</context>
<context>
    <name>gh::BlankPageCheck</name>
    <message>
        <source>Every image has some ink: more than the profile&apos;s blank_max_ink of its pixels are darker than blank_ink_level.</source>
        <translation>Jedes Bild enthält etwas Tinte: Mehr als der Anteil blank_max_ink des Profils seiner Pixel ist dunkler als blank_ink_level.</translation>
    </message>
    <message>
        <source>%1 looks blank: only %2 of its pixels are darker than %3 (a page has more than %4).</source>
        <translation>%1 sieht leer aus: Nur %2 seiner Pixel sind dunkler als %3 (eine Seite hat mehr als %4).</translation>
    </message>
</context>
<context>
    <name>gh::Catalog</name>
    <message>
        <source>The catalog %1 is a folder; give the path of a catalog file.</source>
        <translation>Der Katalog %1 ist ein Ordner; geben Sie den Pfad einer Katalogdatei an.</translation>
    </message>
    <message>
        <source>The catalog %1 cannot be read: permission denied.</source>
        <translation>Der Katalog %1 kann nicht gelesen werden: Zugriff verweigert.</translation>
    </message>
    <message>
        <source>Cannot create the folder %1 for the catalog.</source>
        <translation>Der Ordner %1 für den Katalog kann nicht angelegt werden.</translation>
    </message>
    <message>
        <source>The Qt SQL driver %1 is not installed.</source>
        <translation>Der Qt-SQL-Treiber %1 ist nicht installiert.</translation>
    </message>
    <message>
        <source>Cannot open the catalog %1: %2</source>
        <translation>Der Katalog %1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>The catalog %1 is damaged or is not a Gatehouse catalog: %2</source>
        <translation>Der Katalog %1 ist beschädigt oder kein Gatehouse-Katalog: %2</translation>
    </message>
    <message>
        <source>The catalog %1 was written by a newer Gatehouse (schema version %2; this version knows up to %3). Update Gatehouse to open it.</source>
        <translation>Der Katalog %1 wurde von einem neueren Gatehouse geschrieben (Schemaversion %2; diese Version kennt bis %3). Aktualisieren Sie Gatehouse, um ihn zu öffnen.</translation>
    </message>
    <message>
        <source>The database %1 holds tables but is not a Gatehouse catalog.</source>
        <translation>Die Datenbank %1 enthält Tabellen, ist aber kein Gatehouse-Katalog.</translation>
    </message>
    <message>
        <source>reading the schema version</source>
        <translation>Lesen der Schemaversion</translation>
    </message>
    <message>
        <source>starting migration %1</source>
        <translation>Starten der Migration %1</translation>
    </message>
    <message>
        <source>locking the catalog for migration</source>
        <translation>Sperren des Katalogs für die Migration</translation>
    </message>
    <message>
        <source>creating the schema version table</source>
        <translation>Anlegen der Tabelle für die Schemaversion</translation>
    </message>
    <message>
        <source>applying migration %1 (%2)</source>
        <translation>Anwenden der Migration %1 (%2)</translation>
    </message>
    <message>
        <source>recording migration %1</source>
        <translation>Aufzeichnen der Migration %1</translation>
    </message>
    <message>
        <source>committing migration %1</source>
        <translation>Festschreiben der Migration %1</translation>
    </message>
    <message>
        <source>Catalog error while %1 in %2: %3</source>
        <translation>Katalogfehler beim %1 in %2: %3</translation>
    </message>
    <message>
        <source>committing</source>
        <translation>Festschreiben</translation>
    </message>
    <message>
        <source>starting a transaction</source>
        <translation>Starten einer Transaktion</translation>
    </message>
    <message>
        <source>creating a batch</source>
        <translation>Anlegen eines Stapels</translation>
    </message>
    <message>
        <source>recording what intake detected</source>
        <translation>Aufzeichnen dessen, was die Annahme erkannt hat</translation>
    </message>
    <message>
        <source>listing batches</source>
        <translation>Auflisten der Stapel</translation>
    </message>
    <message>
        <source>counting files</source>
        <translation>Zählen der Dateien</translation>
    </message>
    <message>
        <source>counting items</source>
        <translation>Zählen der Objekte</translation>
    </message>
    <message>
        <source>reading stages</source>
        <translation>Lesen der Stufen</translation>
    </message>
    <message>
        <source>There is no batch %1 in the catalog %2.</source>
        <translation>Im Katalog %2 gibt es keinen Stapel %1.</translation>
    </message>
    <message>
        <source>looking up batches of a source</source>
        <translation>Nachschlagen der Stapel einer Quelle</translation>
    </message>
    <message>
        <source>clearing batch %1</source>
        <translation>Leeren von Stapel %1</translation>
    </message>
    <message>
        <source>recording the %1 stage</source>
        <translation>Aufzeichnen der Stufe %1</translation>
    </message>
    <message>
        <source>recording progress of the %1 stage</source>
        <translation>Aufzeichnen des Fortschritts der Stufe %1</translation>
    </message>
    <message>
        <source>reading the run times of batch %1</source>
        <translation>Lesen der Laufzeiten von Stapel %1</translation>
    </message>
    <message>
        <source>adding item %1</source>
        <translation>Hinzufügen von Objekt %1</translation>
    </message>
    <message>
        <source>adding file %1</source>
        <translation>Hinzufügen von Datei %1</translation>
    </message>
    <message>
        <source>reading files of batch %1</source>
        <translation>Lesen der Dateien von Stapel %1</translation>
    </message>
    <message>
        <source>reading file %1</source>
        <translation>Lesen von Datei %1</translation>
    </message>
    <message>
        <source>There is no file %1 in the catalog.</source>
        <translation>Im Katalog gibt es keine Datei %1.</translation>
    </message>
    <message>
        <source>recording the outcome for file %1</source>
        <translation>Aufzeichnen des Ergebnisses für Datei %1</translation>
    </message>
    <message>
        <source>counting files of batch %1</source>
        <translation>Zählen der Dateien von Stapel %1</translation>
    </message>
    <message>
        <source>resetting files of batch %1</source>
        <translation>Zurücksetzen der Dateien von Stapel %1</translation>
    </message>
    <message>
        <source>reading item %1</source>
        <translation>Lesen von Objekt %1</translation>
    </message>
    <message>
        <source>There is no item %1 in the catalog.</source>
        <translation>Im Katalog gibt es kein Objekt %1.</translation>
    </message>
    <message>
        <source>recording a %1 event</source>
        <translation>Aufzeichnen eines %1-Ereignisses</translation>
    </message>
    <message>
        <source>reading events of batch %1</source>
        <translation>Lesen der Ereignisse von Stapel %1</translation>
    </message>
    <message>
        <source>Cannot read the PostgreSQL catalog address &quot;%1&quot;; expected postgresql://user:password@host:port/database.</source>
        <translation>Die PostgreSQL-Katalogadresse &quot;%1&quot; kann nicht gelesen werden; erwartet wird postgresql://user:password@host:port/database.</translation>
    </message>
    <message>
        <source>The catalog path is empty.</source>
        <translation>Der Katalogpfad ist leer.</translation>
    </message>
    <message>
        <source>discarding items of batch %1</source>
        <translation>Verwerfen der Objekte von Stapel %1</translation>
    </message>
    <message>
        <source>remembering the validators of %1</source>
        <translation>Speichern der Validatoren von %1</translation>
    </message>
    <message>
        <source>reading HTTP validators</source>
        <translation>Lesen der HTTP-Validatoren</translation>
    </message>
    <message>
        <source>counting pending files of batch %1</source>
        <translation>Zählen der ausstehenden Dateien von Stapel %1</translation>
    </message>
    <message>
        <source>recording the settings of batch %1</source>
        <translation>Aufzeichnen der Einstellungen von Stapel %1</translation>
    </message>
    <message>
        <source>reading the settings of batch %1</source>
        <translation>Lesen der Einstellungen von Stapel %1</translation>
    </message>
    <message>
        <source>There is no batch %1.</source>
        <translation>Es gibt keinen Stapel %1.</translation>
    </message>
    <message>
        <source>reading events of item %1</source>
        <translation>Lesen der Ereignisse von Objekt %1</translation>
    </message>
    <message>
        <source>reading items of batch %1</source>
        <translation>Lesen der Einheiten von Stapel %1</translation>
    </message>
    <message>
        <source>counting events of batch %1</source>
        <translation>Zählen der Ereignisse von Stapel %1</translation>
    </message>
    <message>
        <source>reading the files of item %1</source>
        <translation>Lesen der Dateien von Objekt %1</translation>
    </message>
    <message>
        <source>recording the %1 stage of file %2</source>
        <translation>Aufzeichnen der Stufe %1 von Datei %2</translation>
    </message>
    <message>
        <source>recording the status of file %1</source>
        <translation>Aufzeichnen des Status von Datei %1</translation>
    </message>
    <message>
        <source>reading the stages of file %1</source>
        <translation>Lesen der Stufen von Datei %1</translation>
    </message>
    <message>
        <source>counting the %1 stage of batch %2</source>
        <translation>Zählen der Stufe %1 von Stapel %2</translation>
    </message>
    <message>
        <source>recording file %1 at %2</source>
        <translation>Aufzeichnen von Datei %1 bei %2</translation>
    </message>
    <message>
        <source>reading the targets of file %1</source>
        <translation>Lesen der Ziele von Datei %1</translation>
    </message>
    <message>
        <source>reading the files of batch %1 at %2</source>
        <translation>Lesen der Dateien von Stapel %1 bei %2</translation>
    </message>
    <message>
        <source>counting the files of batch %1 at %2</source>
        <translation>Zählen der Dateien von Stapel %1 bei %2</translation>
    </message>
    <message>
        <source>renaming batch %1</source>
        <translation>Umbenennen von Stapel %1</translation>
    </message>
    <message>
        <source>listing the stored copies of batch %1</source>
        <translation>Auflisten der gespeicherten Kopien von Stapel %1</translation>
    </message>
    <message>
        <source>forgetting cached downloads of batch %1</source>
        <translation>Vergessen der zwischengespeicherten Downloads von Stapel %1</translation>
    </message>
    <message>
        <source>deleting batch %1</source>
        <translation>Löschen von Stapel %1</translation>
    </message>
    <message>
        <source>recording the check of file %1</source>
        <translation>Festhalten der Prüfung von Datei %1</translation>
    </message>
    <message>
        <source>Catalog error while reading the schema version in %1.</source>
        <translation>Katalogfehler beim Lesen der Schemaversion in %1.</translation>
    </message>
    <message>
        <source>reading the targets of batch %1</source>
        <translation>Lesen der Ziele von Stapel %1</translation>
    </message>
    <message>
        <source>recording the target %1 of batch %2</source>
        <translation>Speichern des Ziels %1 von Stapel %2</translation>
    </message>
    <message>
        <source>reading where batch %1 was delivered</source>
        <translation>Lesen, wohin Stapel %1 geliefert wurde</translation>
    </message>
    <message>
        <source>claiming files of batch %1 for the %2 stage</source>
        <translation>Beanspruchen von Dateien von Stapel %1 für die Stufe %2</translation>
    </message>
    <message>
        <source>renewing the leases of batch %1</source>
        <translation>Erneuern der Reservierungen von Stapel %1</translation>
    </message>
    <message>
        <source>confirming leases</source>
        <translation>Bestätigen von Reservierungen</translation>
    </message>
    <message>
        <source>releasing the leases of batch %1</source>
        <translation>Freigeben der Reservierungen von Stapel %1</translation>
    </message>
    <message>
        <source>reading who works on batch %1</source>
        <translation>Lesen, wer an Stapel %1 arbeitet</translation>
    </message>
    <message>
        <source>waiting for the end of the %1 stage of batch %2</source>
        <translation>beim Warten auf den Abschluss der Stufe %1 von Stapel %2</translation>
    </message>
    <message>
        <source>reading the end of the %1 stage of batch %2</source>
        <translation>beim Lesen des Abschlusses der Stufe %1 von Stapel %2</translation>
    </message>
    <message>
        <source>recording the end of the %1 stage of batch %2</source>
        <translation>beim Festhalten des Abschlusses der Stufe %1 von Stapel %2</translation>
    </message>
    <message>
        <source>ending the %1 stage of batch %2</source>
        <translation>beim Abschließen der Stufe %1 von Stapel %2</translation>
    </message>
    <message>
        <source>Catalog connection to %1 lost; reconnecting…</source>
        <translation>Verbindung zum Katalogserver %1 unterbrochen; neue Verbindung wird aufgebaut …</translation>
    </message>
    <message>
        <source>Catalog connection to %1 reconnected after %2 s.</source>
        <translation>Verbindung zum Katalogserver %1 nach %2 s wiederhergestellt.</translation>
    </message>
    <message>
        <source>Cancelled while waiting for the catalog server %1 to come back.</source>
        <translation>Abgebrochen, während auf die Rückkehr des Katalogservers %1 gewartet wurde.</translation>
    </message>
    <message>
        <source>Lost the connection to the catalog server %1 and could not connect again within %2 s ([team] reconnect_seconds): %3</source>
        <translation>Die Verbindung zum Katalogserver %1 ist abgerissen und konnte innerhalb von %2 s nicht wiederhergestellt werden ([team] reconnect_seconds): %3</translation>
    </message>
    <message>
        <source>The catalog address %1 gives %2 a value with a semicolon, which the PostgreSQL driver cannot pass on.</source>
        <translation>Die Katalogadresse %1 gibt %2 einen Wert mit Semikolon, den der PostgreSQL-Treiber nicht weitergeben kann.</translation>
    </message>
    <message>
        <source>The catalog address %1 has parameters Gatehouse does not pass to PostgreSQL: %2. Known parameters: %3.</source>
        <translation>Die Katalogadresse %1 enthält Parameter, die Gatehouse nicht an PostgreSQL weitergibt: %2. Bekannte Parameter: %3.</translation>
    </message>
    <message>
        <source>reconnecting</source>
        <translation>Wiederherstellen der Verbindung</translation>
    </message>
    <message>
        <source>adding files %1 to %2</source>
        <translation>Hinzufügen der Dateien %1 bis %2</translation>
    </message>
    <message>
        <source>adding items %1 to %2</source>
        <translation>Hinzufügen der Objekte %1 bis %2</translation>
    </message>
    <message>
        <source>Catalog error while %1 in %2: the server returned an item it was not given (sequence %3).</source>
        <translation>Katalogfehler beim %1 in %2: Der Server lieferte ein Objekt zurück, das er nicht erhalten hatte (Nummer %3).</translation>
    </message>
    <message>
        <source>Catalog error while %1 in %2: %3 of %4 items were written.</source>
        <translation>Katalogfehler beim %1 in %2: Nur %3 von %4 Objekten wurden geschrieben.</translation>
    </message>
    <message>
        <source>reading the targets of files %1 to %2</source>
        <translation>Lesen der Ziele der Dateien %1 bis %2</translation>
    </message>
    <message>
        <source>recording the outcomes for files %1 to %2</source>
        <translation>Aufzeichnen der Ergebnisse für die Dateien %1 bis %2</translation>
    </message>
    <message>
        <source>recording events %1 to %2 (%3 to %4)</source>
        <translation>Aufzeichnen der Ereignisse %1 bis %2 (%3 bis %4)</translation>
    </message>
    <message>
        <source>recording the %1 stage of files %2 to %3</source>
        <translation>Aufzeichnen der Stufe %1 der Dateien %2 bis %3</translation>
    </message>
    <message>
        <source>recording the status of files %1 to %2</source>
        <translation>Aufzeichnen des Status der Dateien %1 bis %2</translation>
    </message>
</context>
<context>
    <name>gh::CatalogWatcher</name>
    <message>
        <source>telling other workstations about batch %1</source>
        <translation>Benachrichtigen anderer Arbeitsplätze über Stapel %1</translation>
    </message>
</context>
<context>
    <name>gh::CatalogWatcherWorker</name>
    <message>
        <source>Cannot listen for changes on the catalog %1: %2</source>
        <translation>Änderungen im Katalog %1 können nicht verfolgt werden: %2</translation>
    </message>
</context>
<context>
    <name>gh::CheckEnvironment</name>
    <message>
        <source>%1, line %2</source>
        <translation>%1, Zeile %2</translation>
    </message>
</context>
<context>
    <name>gh::CheckJob</name>
    <message>
        <source>The check of batch %1 was cancelled.</source>
        <translation>Die Prüfung von Stapel %1 wurde abgebrochen.</translation>
    </message>
</context>
<context>
    <name>gh::CheckRecords</name>
    <message>
        <source>Catalog error while %1 in %2: %3</source>
        <translation>Katalogfehler beim %1 in %2: %3</translation>
    </message>
    <message>
        <source>recording a %1 finding</source>
        <translation>Festhalten eines %1-Befunds</translation>
    </message>
    <message>
        <source>replacing QA findings</source>
        <translation>Ersetzen der QA-Befunde</translation>
    </message>
    <message>
        <source>recording what QA learned about file %1</source>
        <translation>Festhalten dessen, was die QA über die Datei %1 ermittelt hat</translation>
    </message>
    <message>
        <source>recording the image statistics of file %1</source>
        <translation>Festhalten der Bildstatistik der Datei %1</translation>
    </message>
    <message>
        <source>replacing the QA findings of batch %1</source>
        <translation>Ersetzen der QA-Befunde von Stapel %1</translation>
    </message>
    <message>
        <source>clearing the QA results of batch %1</source>
        <translation>Löschen der QA-Ergebnisse von Stapel %1</translation>
    </message>
    <message>
        <source>reading the QA findings of batch %1</source>
        <translation>Lesen der QA-Befunde von Stapel %1</translation>
    </message>
    <message>
        <source>reading the QA findings of file %1</source>
        <translation>Lesen der QA-Befunde der Datei %1</translation>
    </message>
    <message>
        <source>reading QA findings</source>
        <translation>Lesen der QA-Befunde</translation>
    </message>
    <message>
        <source>counting the QA findings of batch %1</source>
        <translation>Zählen der QA-Befunde von Stapel %1</translation>
    </message>
    <message>
        <source>counting the checked files of batch %1</source>
        <translation>Zählen der geprüften Dateien von Stapel %1</translation>
    </message>
    <message>
        <source>reading the items of batch %1</source>
        <translation>Lesen der Objekte von Stapel %1</translation>
    </message>
    <message>
        <source>reading the files of batch %1</source>
        <translation>Lesen der Dateien von Stapel %1</translation>
    </message>
    <message>
        <source>reading image statistics</source>
        <translation>Lesen der Bildstatistik</translation>
    </message>
    <message>
        <source>reading the QA findings of item %1</source>
        <translation>Lesen der QA-Befunde des Elements %1</translation>
    </message>
    <message numerus="yes">
        <source>forgetting the QA results of %n file(s)</source>
        <translation>
            <numerusform>Verwerfen der QA-Ergebnisse von %n Datei</numerusform>
            <numerusform>Verwerfen der QA-Ergebnisse von %n Dateien</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::CheckRunner</name>
    <message>
        <source>The QA profile names the check &quot;%1&quot;, which does not exist; the checks are: %2.</source>
        <translation>Das QA-Profil nennt die Prüfung &quot;%1&quot;, die es nicht gibt; die Prüfungen sind: %2.</translation>
    </message>
    <message>
        <source>no schemas are configured (give --schemas with a folder or an XML catalog, set schemas= under [check] in the QA profile, or run &quot;gatehouse-cli schemas fetch&quot;).</source>
        <translation>keine Schemas eingerichtet sind (geben Sie --schemas mit einem Ordner oder einem XML-Katalog an, setzen Sie schemas= unter [check] im QA-Profil oder führen Sie &quot;gatehouse-cli schemas fetch&quot; aus).</translation>
    </message>
    <message>
        <source>The schemas for xml-schema cannot be used: %1</source>
        <translation>Die Schemas für xml-schema können nicht verwendet werden: %1</translation>
    </message>
    <message>
        <source>%1: passed</source>
        <translation>%1: bestanden</translation>
    </message>
    <message numerus="yes">
        <source>QA of %n file(s) with the checks %1: %2.</source>
        <translation>
            <numerusform>QA von %n Datei mit den Prüfungen %1: %2.</numerusform>
            <numerusform>QA von %n Dateien mit den Prüfungen %1: %2.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::CheckStage</name>
    <message>
        <source>the settings</source>
        <translation>die Einstellungen</translation>
    </message>
    <message>
        <source>Check: %1 files of batch %2 to check with %3.</source>
        <translation>Prüfung: %1 Dateien von Stapel %2 sind mit %3 zu prüfen.</translation>
    </message>
    <message>
        <source>Check of batch %1 done: %2.</source>
        <translation>Prüfung von Stapel %1 abgeschlossen: %2.</translation>
    </message>
</context>
<context>
    <name>gh::CheckSubject</name>
    <message>
        <source>%1 cannot be read from the store: %2</source>
        <translation>%1 kann nicht aus dem Speicher gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 does not decode: %2</source>
        <translation>%1 lässt sich nicht dekodieren: %2</translation>
    </message>
</context>
<context>
    <name>gh::ColumnMappingEditor</name>
    <message>
        <source>Identifier (rows with the same one form an item)</source>
        <translation>Kennung (Zeilen mit derselben Kennung bilden ein Objekt)</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>URL to download</source>
        <translation>Herunterzuladende URL</translation>
    </message>
    <message>
        <source>Local file path</source>
        <translation>Lokaler Dateipfad</translation>
    </message>
    <message>
        <source>MD5 checksum</source>
        <translation>MD5-Prüfsumme</translation>
    </message>
    <message>
        <source>SHA-1 checksum</source>
        <translation>SHA-1-Prüfsumme</translation>
    </message>
    <message>
        <source>SHA-256 checksum</source>
        <translation>SHA-256-Prüfsumme</translation>
    </message>
    <message>
        <source>SHA-512 checksum</source>
        <translation>SHA-512-Prüfsumme</translation>
    </message>
    <message>
        <source>Declared media type</source>
        <translation>Angegebener Medientyp</translation>
    </message>
    <message>
        <source>Declared size in bytes</source>
        <translation>Angegebene Größe in Bytes</translation>
    </message>
    <message>
        <source>Item metadata</source>
        <translation>Objekt-Metadaten</translation>
    </message>
    <message>
        <source>Ignore</source>
        <translation>Ignorieren</translation>
    </message>
    <message>
        <source>Cannot read %1: %2.</source>
        <translation>%1 kann nicht gelesen werden: %2.</translation>
    </message>
    <message>
        <source>%1 is empty: it has no header line.</source>
        <translation>%1 ist leer: Es hat keine Kopfzeile.</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>Spalte</translation>
    </message>
    <message>
        <source>Meaning</source>
        <translation>Bedeutung</translation>
    </message>
    <message>
        <source>Spreadsheet columns and their meanings</source>
        <translation>Tabellenspalten und ihre Bedeutungen</translation>
    </message>
    <message>
        <source>&amp;Read columns from a spreadsheet…</source>
        <translation>Spalten aus einer Tabelle &amp;lesen …</translation>
    </message>
    <message>
        <source>Read columns from a spreadsheet</source>
        <translation>Spalten aus einer Tabelle lesen</translation>
    </message>
    <message>
        <source>&amp;Add column…</source>
        <translation>Spalte &amp;hinzufügen …</translation>
    </message>
    <message>
        <source>Add a column</source>
        <translation>Eine Spalte hinzufügen</translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>Remove the selected columns</source>
        <translation>Die ausgewählten Spalten entfernen</translation>
    </message>
    <message>
        <source>Column mapping message</source>
        <translation>Meldung zur Spaltenzuordnung</translation>
    </message>
    <message>
        <source>Add column</source>
        <translation>Spalte hinzufügen</translation>
    </message>
    <message>
        <source>Column name:</source>
        <translation>Spaltenname:</translation>
    </message>
    <message numerus="yes">
        <source>%n column(s) read.</source>
        <translation>
            <numerusform>%n Spalte gelesen.</numerusform>
            <numerusform>%n Spalten gelesen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Meaning of column %1</source>
        <translation>Bedeutung von Spalte %1</translation>
    </message>
    <message>
        <source>Reading the columns of %1…</source>
        <translation>Die Spalten von %1 werden gelesen …</translation>
    </message>
    <message>
        <source>Spreadsheet</source>
        <translation>Tabelle</translation>
    </message>
    <message>
        <source>Spreadsheets (*.csv *.tsv *.txt);;All files (*)</source>
        <translation>Tabellen (*.csv *.tsv *.txt);;Alle Dateien (*)</translation>
    </message>
</context>
<context>
    <name>gh::CsvExport</name>
    <message>
        <source>Writing the CSV failed: %1</source>
        <translation>Das Schreiben der CSV-Datei ist fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>gh::CsvReader</name>
    <message>
        <source>%1 line %2: a quoted field is never closed.</source>
        <translation>%1 Zeile %2: Ein Feld in Anführungszeichen wird nie geschlossen.</translation>
    </message>
</context>
<context>
    <name>gh::Curator</name>
    <message>
        <source>unknown curator</source>
        <translation>unbekannte Kuratorin/unbekannter Kurator</translation>
    </message>
    <message>
        <source>Already decided by %1 at %2: %3</source>
        <translation>Bereits entschieden von %1 um %2: %3</translation>
    </message>
</context>
<context>
    <name>gh::DarkPageCheck</name>
    <message>
        <source>The peak of each image&apos;s histogram lies at or above the profile&apos;s dark_peak; a darker peak flags the page for a look.</source>
        <translation>Die Spitze des Histogramms jedes Bildes liegt bei oder über dark_peak des Profils; eine dunklere Spitze markiert die Seite zur Ansicht.</translation>
    </message>
    <message>
        <source>%1 looks dark: its histogram peaks at %2 (of 255), below %3; the mean is %4.</source>
        <translation>%1 sieht dunkel aus: Die Spitze seines Histogramms liegt bei %2 (von 255), unter %3; der Mittelwert ist %4.</translation>
    </message>
</context>
<context>
    <name>gh::DecodableCheck</name>
    <message>
        <source>Every image decodes (JPEG 2000 at a reduced resolution level) and every PDF opens.</source>
        <translation>Jedes Bild lässt sich dekodieren (JPEG 2000 auf einer reduzierten Auflösungsstufe), und jedes PDF lässt sich öffnen.</translation>
    </message>
</context>
<context>
    <name>gh::DedupReview</name>
    <message>
        <source>file %1</source>
        <translation>Datei %1</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message numerus="yes">
        <source> and %n more</source>
        <translation>
            <numerusform> und %n weitere</numerusform>
            <numerusform> und %n weitere</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) await a duplicate decision: %1. Decide them in the duplicates view or with gatehouse-cli decide.</source>
        <translation>
            <numerusform>%n Datei wartet auf eine Dublettenentscheidung: %1. Entscheiden Sie in der Dublettenansicht oder mit gatehouse-cli decide.</numerusform>
            <numerusform>%n Dateien warten auf eine Dublettenentscheidung: %1. Entscheiden Sie in der Dublettenansicht oder mit gatehouse-cli decide.</numerusform>
        </translation>
    </message>
    <message>
        <source>same bytes as file %1 of batch %2</source>
        <translation>dieselben Bytes wie Datei %1 von Stapel %2</translation>
    </message>
    <message>
        <source>at the target as %1</source>
        <translation>beim Ziel als %1</translation>
    </message>
    <message>
        <source>decided: %1 (%2)</source>
        <translation>entschieden: %1 (%2)</translation>
    </message>
    <message>
        <source>awaits a decision</source>
        <translation>wartet auf eine Entscheidung</translation>
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
        <translation>Die Einstellungsdatei %1 existiert nicht oder kann nicht gelesen werden.</translation>
    </message>
    <message>
        <source>The settings file %1 is not a valid INI file.</source>
        <translation>Die Einstellungsdatei %1 ist keine gültige INI-Datei.</translation>
    </message>
    <message>
        <source>%1: [dedup] deleted must be true or false, not &quot;%2&quot;.</source>
        <translation>%1: [dedup] deleted muss true oder false sein, nicht &quot;%2&quot;.</translation>
    </message>
    <message>
        <source>Say which target to check against (--target, or [targets] default= in the settings).</source>
        <translation>Geben Sie an, mit welchem Ziel abgeglichen wird (--target oder [targets] default= in den Einstellungen).</translation>
    </message>
    <message>
        <source>%1: [dedup] search must be auto, list or per-hash, not &quot;%2&quot;.</source>
        <translation>%1: [dedup] search muss auto, list oder per-hash sein, nicht „%2“.</translation>
    </message>
    <message>
        <source>%1: [dedup] %2 is neither a case (%3) nor &quot;deleted&quot; or &quot;search&quot;.</source>
        <translation>%1: [dedup] %2 ist weder ein Fall (%3) noch „deleted“ oder „search“.</translation>
    </message>
</context>
<context>
    <name>gh::DedupStage</name>
    <message>
        <source>Cannot read the target of batch %1: %2</source>
        <translation>Das Ziel von Stapel %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Duplicates: checking %1 files of batch %2 against the catalog and the batch.</source>
        <translation>Dubletten: %1 Dateien von Stapel %2 werden mit dem Katalog und dem Stapel abgeglichen.</translation>
    </message>
    <message>
        <source>Duplicates: checking %1 files of batch %2 against the catalog, the batch and %3.</source>
        <translation>Dubletten: %1 Dateien von Stapel %2 werden mit dem Katalog, dem Stapel und %3 abgeglichen.</translation>
    </message>
    <message>
        <source>Every file checked for duplicates; none waits for a decision.</source>
        <translation>Jede Datei ist auf Dubletten geprüft; keine wartet auf eine Entscheidung.</translation>
    </message>
</context>
<context>
    <name>gh::DeliveryWatcher</name>
    <message>
        <source>The delivery %1 is gone.</source>
        <translation>Die Lieferung %1 ist nicht mehr vorhanden.</translation>
    </message>
    <message>
        <source>The hot folder %1 does not exist or is not a folder.</source>
        <translation>Der Hotfolder %1 existiert nicht oder ist kein Ordner.</translation>
    </message>
    <message>
        <source>The hot folder %1 cannot be read: permission denied.</source>
        <translation>Der Hotfolder %1 kann nicht gelesen werden: Zugriff verweigert.</translation>
    </message>
    <message>
        <source>Processing the settled deliveries in %1 (settled: unchanged for %2 s).</source>
        <translation>Die stabilen Lieferungen in %1 werden verarbeitet (stabil: seit %2 s unverändert).</translation>
    </message>
    <message>
        <source>Watching %1 for deliveries (settle time %2 s); Ctrl-C stops.</source>
        <translation>%1 wird auf Lieferungen überwacht (Ruhezeit %2 s); Strg-C beendet.</translation>
    </message>
    <message>
        <source>New delivery %1: %2 files so far; waiting until it settles.</source>
        <translation>Neue Lieferung %1: bisher %2 Dateien; es wird gewartet, bis sie stabil ist.</translation>
    </message>
    <message>
        <source>Delivery %1 changed after it was taken; it is taken again once it settles.</source>
        <translation>Lieferung %1 hat sich nach der Übernahme geändert; sie wird erneut übernommen, sobald sie stabil ist.</translation>
    </message>
    <message>
        <source>Delivery %1 still holds files being written (.part, .tmp); left for the next run.</source>
        <translation>Lieferung %1 enthält noch Dateien, die gerade geschrieben werden (.part, .tmp); sie bleibt für den nächsten Lauf liegen.</translation>
    </message>
    <message>
        <source>Delivery %1 changed less than %2 s ago; left for the next run.</source>
        <translation>Lieferung %1 hat sich vor weniger als %2 s geändert; sie bleibt für den nächsten Lauf liegen.</translation>
    </message>
    <message>
        <source>Delivery %1 changed again; waiting until it settles.</source>
        <translation>Lieferung %1 hat sich erneut geändert; es wird gewartet, bis sie stabil ist.</translation>
    </message>
</context>
<context>
    <name>gh::DerivativeRule</name>
    <message>
        <source>The conversion rule &quot;%1&quot; is not valid: %2. Write it as FROM=TO[:qQUALITY][:LONGEST], e.g. image/jp2=image/jpeg:q90:4000.</source>
        <translation>Die Umwandlungsregel &quot;%1&quot; ist ungültig: %2. Schreiben Sie sie als FROM=TO[:qQUALITY][:LONGEST], z. B. image/jp2=image/jpeg:q90:4000.</translation>
    </message>
    <message>
        <source>it does not have the form FROM=TO</source>
        <translation>sie hat nicht die Form FROM=TO</translation>
    </message>
    <message>
        <source>%1 is not a type Gatehouse can write (image/jpeg, image/png, image/tiff, image/webp)</source>
        <translation>%1 ist kein Typ, den Gatehouse schreiben kann (image/jpeg, image/png, image/tiff, image/webp)</translation>
    </message>
    <message>
        <source>the quality &quot;%1&quot; must be q0 to q100</source>
        <translation>die Qualität &quot;%1&quot; muss zwischen q0 und q100 liegen</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is neither a quality (q90) nor a longest side in pixels</source>
        <translation>&quot;%1&quot; ist weder eine Qualität (q90) noch eine längste Seite in Pixeln</translation>
    </message>
</context>
<context>
    <name>gh::DimensionsCheck</name>
    <message>
        <source>Each image&apos;s pixel size equals the size its MIX and ALTO files state, and lies within the profile&apos;s bounds.</source>
        <translation>Die Pixelgröße jedes Bildes entspricht der Größe, die seine MIX- und ALTO-Dateien angeben, und liegt innerhalb der Grenzen des Profils.</translation>
    </message>
    <message>
        <source>its codestream</source>
        <translation>dem Codestream</translation>
    </message>
    <message>
        <source>its decoder</source>
        <translation>dem Decoder</translation>
    </message>
    <message>
        <source>%1 is %2×%3 pixels, outside the profile&apos;s bounds (width %4 to %5, height %6 to %7).</source>
        <translation>%1 hat %2×%3 Pixel, außerhalb der Grenzen des Profils (Breite %4 bis %5, Höhe %6 bis %7).</translation>
    </message>
    <message>
        <source>any</source>
        <translation>beliebig</translation>
    </message>
    <message>
        <source>%1: MIX says %2×%3 pixels, but %4 is %5×%6 according to %7.</source>
        <translation>%1: MIX gibt %2×%3 Pixel an, aber %4 hat laut %7 %5×%6 Pixel.</translation>
    </message>
    <message>
        <source>%1: the ALTO page is %2×%3 pixels, but %4 is %5×%6 according to %7.</source>
        <translation>%1: Die ALTO-Seite hat %2×%3 Pixel, aber %4 hat laut %7 %5×%6 Pixel.</translation>
    </message>
</context>
<context>
    <name>gh::Downloader</name>
    <message>
        <source>&quot;%1&quot; is not an http or https URL; Gatehouse downloads nothing else.</source>
        <translation>&quot;%1&quot; ist keine http- oder https-URL; Gatehouse lädt nichts anderes herunter.</translation>
    </message>
    <message>
        <source>Continuing an interrupted download of %1 after %2 bytes.</source>
        <translation>Ein unterbrochener Download von %1 wird nach %2 Bytes fortgesetzt.</translation>
    </message>
    <message>
        <source>%1 is larger than the limit of %2 bytes; the transfer was stopped after %3 bytes.</source>
        <translation>%1 ist größer als die Grenze von %2 Bytes; die Übertragung wurde nach %3 Bytes angehalten.</translation>
    </message>
    <message>
        <source>%1 is %2 by its content, which is not among the accepted types (%3).</source>
        <translation>%1 ist dem Inhalt nach %2, was nicht zu den akzeptierten Typen gehört (%3).</translation>
    </message>
    <message>
        <source>%1 announces %2 bytes, more than the limit of %3 bytes; nothing was downloaded.</source>
        <translation>%1 kündigt %2 Bytes an, mehr als die Grenze von %3 Bytes; es wurde nichts heruntergeladen.</translation>
    </message>
    <message>
        <source>%1 is served as %2, which is not among the accepted types (%3); nothing was downloaded.</source>
        <translation>%1 wird als %2 ausgeliefert, was nicht zu den akzeptierten Typen gehört (%3); es wurde nichts heruntergeladen.</translation>
    </message>
    <message>
        <source>%1 answered a Range request with another part; starting over.</source>
        <translation>%1 hat eine Range-Anfrage mit einem anderen Teil beantwortet; Neustart von vorn.</translation>
    </message>
    <message>
        <source>The TLS certificate of %1 could not be verified: %2</source>
        <translation>Das TLS-Zertifikat von %1 konnte nicht verifiziert werden: %2</translation>
    </message>
    <message>
        <source>%1 ended after %2 of %3 bytes: %4</source>
        <translation>%1 endete nach %2 von %3 Bytes: %4</translation>
    </message>
    <message>
        <source>Downloading %1 from %2 failed: %3</source>
        <translation>Das Herunterladen von %1 von %2 ist fehlgeschlagen: %3</translation>
    </message>
    <message>
        <source>%1 answered HTTP %2.</source>
        <translation>%1 hat mit HTTP %2 geantwortet.</translation>
    </message>
    <message>
        <source>%1 (attempt %2 of %3)</source>
        <translation>%1 (Versuch %2 von %3)</translation>
    </message>
    <message>
        <source>%1 The server asks to come back in %2 s, later than this run waits; the file stays for a later run.</source>
        <translation>%1 Der Server bittet, in %2 s wiederzukommen – später, als dieser Lauf wartet; die Datei bleibt für einen späteren Lauf.</translation>
    </message>
    <message>
        <source>Attempt %1: %2 (%3); retrying in %4 ms%5</source>
        <translation>Versuch %1: %2 (%3); neuer Versuch in %4 ms%5</translation>
    </message>
    <message>
        <source>, continuing after %1 bytes</source>
        <translation>, Fortsetzung nach %1 Bytes</translation>
    </message>
    <message>
        <source>%1 redirects in a loop back to %2 after %3 hops.</source>
        <translation>%1 leitet nach %3 Sprüngen in einer Schleife zurück zu %2 weiter.</translation>
    </message>
    <message>
        <source>%1 redirects more than %2 times.</source>
        <translation>%1 leitet mehr als %2-mal weiter.</translation>
    </message>
    <message>
        <source>%1 redirects to %2, which is not http or https.</source>
        <translation>%1 leitet zu %2 weiter, das weder http noch https ist.</translation>
    </message>
    <message>
        <source>%1 (HTTP %2 from %3)</source>
        <translation>%1 (HTTP %2 von %3)</translation>
    </message>
    <message>
        <source>%1 is not modified since %2; the stored copy %3 is reused.</source>
        <translation>%1 ist seit %2 nicht geändert; die gespeicherte Kopie %3 wird wiederverwendet.</translation>
    </message>
</context>
<context>
    <name>gh::DuplicateBook</name>
    <message>
        <source>Catalog error while %1 in %2: %3</source>
        <translation>Katalogfehler beim %1 in %2: %3</translation>
    </message>
    <message>
        <source>dropping the duplicate cases against %1</source>
        <translation>Verwerfen der Dublettenfälle gegen %1</translation>
    </message>
    <message>
        <source>recording the duplicate case of file %1</source>
        <translation>Aufzeichnen des Dublettenfalls von Datei %1</translation>
    </message>
    <message>
        <source>reading the duplicate cases of batch %1</source>
        <translation>Lesen der Dublettenfälle von Stapel %1</translation>
    </message>
    <message>
        <source>reading duplicate cases</source>
        <translation>Lesen von Dublettenfällen</translation>
    </message>
    <message>
        <source>reading the duplicate cases of item %1</source>
        <translation>Lesen der Dublettenfälle von Objekt %1</translation>
    </message>
    <message>
        <source>reading the targets of batch %1</source>
        <translation>Lesen der Ziele von Stapel %1</translation>
    </message>
    <message>
        <source>counting the duplicate cases of batch %1</source>
        <translation>Zählen der Dublettenfälle von Stapel %1</translation>
    </message>
    <message>
        <source>counting open duplicate cases of batch %1</source>
        <translation>Zählen der offenen Dublettenfälle von Stapel %1</translation>
    </message>
    <message>
        <source>looking up files with the same bytes</source>
        <translation>Suchen von Dateien mit denselben Bytes</translation>
    </message>
    <message>
        <source>File %1 has no duplicate case for %2; run dedup first.</source>
        <translation>Datei %1 hat keinen Dublettenfall für %2; führen Sie zuerst dedup aus.</translation>
    </message>
    <message>
        <source>File %1 is no longer in the case %2 for %3 (it is %4 now); decide again.</source>
        <translation>Datei %1 ist nicht mehr im Fall %2 für %3 (sie ist jetzt %4); entscheiden Sie erneut.</translation>
    </message>
    <message>
        <source>The decision about file %1 for %2 was already carried out (%3); it stands.</source>
        <translation>Die Entscheidung über Datei %1 für %2 wurde bereits ausgeführt (%3); sie bleibt bestehen.</translation>
    </message>
    <message>
        <source>recording a decision about file %1</source>
        <translation>Aufzeichnen einer Entscheidung über Datei %1</translation>
    </message>
    <message>
        <source>The catalog gave no id for the decision about file %1.</source>
        <translation>Der Katalog hat für die Entscheidung über Datei %1 keine ID vergeben.</translation>
    </message>
    <message>
        <source>putting the decision about file %1 in force</source>
        <translation>Inkraftsetzen der Entscheidung über Datei %1</translation>
    </message>
    <message>
        <source>There is no decision %1.</source>
        <translation>Es gibt keine Entscheidung %1.</translation>
    </message>
    <message>
        <source>The decision %1 was already taken back.</source>
        <translation>Die Entscheidung %1 wurde bereits zurückgenommen.</translation>
    </message>
    <message>
        <source>taking back decision %1</source>
        <translation>Zurücknehmen der Entscheidung %1</translation>
    </message>
    <message>
        <source>recording that decision %1 was carried out</source>
        <translation>Aufzeichnen, dass Entscheidung %1 ausgeführt wurde</translation>
    </message>
    <message>
        <source>reading decision %1</source>
        <translation>Lesen der Entscheidung %1</translation>
    </message>
    <message>
        <source>reading the decisions about file %1</source>
        <translation>Lesen der Entscheidungen über Datei %1</translation>
    </message>
    <message>
        <source>recording the duplicate cases of files %1 to %2</source>
        <translation>Aufzeichnen der Dublettenfälle der Dateien %1 bis %2</translation>
    </message>
    <message>
        <source>reading the case of file %1</source>
        <translation>Lesen des Falls von Datei %1</translation>
    </message>
    <message>
        <source>The upload %1 is carrying out the decision about file %2 for %3 right now; it stands.</source>
        <translation>Der Upload %1 führt die Entscheidung über Datei %2 für %3 gerade aus; sie bleibt bestehen.</translation>
    </message>
    <message>
        <source>Already carried out by the upload at %1 (%2 on %3); the decision to %4 file %5 cannot be undone.</source>
        <translation>Bereits vom Upload um %1 ausgeführt (%2 auf %3); die Entscheidung %4 für Datei %5 kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>The upload %1 is carrying out the decision to %2 file %3 on %4 right now; it cannot be undone.</source>
        <translation>Der Upload %1 führt die Entscheidung %2 für Datei %3 auf %4 gerade aus; sie kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>claiming decision %1 for the upload</source>
        <translation>Beanspruchen von Entscheidung %1 für den Upload</translation>
    </message>
    <message>
        <source>releasing decision %1</source>
        <translation>Freigeben von Entscheidung %1</translation>
    </message>
</context>
<context>
    <name>gh::DuplicateClassifier</name>
    <message>
        <source>The duplicate check was cancelled.</source>
        <translation>Die Dublettenprüfung wurde abgebrochen.</translation>
    </message>
    <message>
        <source>%1 already holds these bytes as %2.</source>
        <translation>%1 enthält diese Bytes bereits als %2.</translation>
    </message>
    <message>
        <source>%1 holds these bytes as %2; the name %3 is free.</source>
        <translation>%1 enthält diese Bytes als %2; der Name %3 ist frei.</translation>
    </message>
    <message>
        <source>%1 holds these bytes as %2, and %3 holds other content.</source>
        <translation>%1 enthält diese Bytes als %2, und %3 enthält anderen Inhalt.</translation>
    </message>
    <message>
        <source>%1 does not hold these bytes; the name %2 is free.</source>
        <translation>%1 enthält diese Bytes nicht; der Name %2 ist frei.</translation>
    </message>
    <message>
        <source>%1 does not hold these bytes, but %2 holds other content (SHA-1 %3).</source>
        <translation>%1 enthält diese Bytes nicht, aber %2 enthält anderen Inhalt (SHA-1 %3).</translation>
    </message>
    <message>
        <source>File %1 of this batch has the same bytes and is kept (%2).</source>
        <translation>Datei %1 dieses Stapels hat dieselben Bytes und wird behalten (%2).</translation>
    </message>
    <message>
        <source>Batch %1 ingested these bytes before (file %2).</source>
        <translation>Stapel %1 hat diese Bytes bereits übernommen (Datei %2).</translation>
    </message>
    <message>
        <source>The target deleted these bytes before, for copyright.</source>
        <translation>Das Ziel hat diese Bytes früher aus urheberrechtlichen Gründen gelöscht.</translation>
    </message>
    <message>
        <source>The target deleted these bytes before.</source>
        <translation>Das Ziel hat diese Bytes früher gelöscht.</translation>
    </message>
    <message>
        <source>A file named %1 was deleted before.</source>
        <translation>Eine Datei namens %1 wurde früher gelöscht.</translation>
    </message>
    <message>
        <source>Duplicate check (%1): %2</source>
        <translation>Dublettenprüfung (%1): %2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1: %2 refuses the name %3: %4</source>
        <translation>%1: %2 lehnt den Namen %3 ab: %4</translation>
    </message>
    <message>
        <source>A rule of the settings.</source>
        <translation>Eine Regel der Einstellungen.</translation>
    </message>
    <message>
        <source>File %1: the rule %2 does not apply: %3</source>
        <translation>Datei %1: Die Regel %2 greift nicht: %3</translation>
    </message>
    <message numerus="yes">
        <source>Checking %n file(s) against %1.</source>
        <translation>
            <numerusform>%n Datei wird mit %1 abgeglichen.</numerusform>
            <numerusform>%n Dateien werden mit %1 abgeglichen.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::DuplicateGate</name>
    <message numerus="yes">
        <source>%n file(s) of batch %1 wait for a duplicate decision against %2; decide them (decide, or the duplicates view) before the upload.</source>
        <translation>
            <numerusform>%n Datei von Stapel %1 wartet auf eine Dublettenentscheidung gegen %2; entscheiden Sie vor dem Hochladen (decide oder die Dublettenansicht).</numerusform>
            <numerusform>%n Dateien von Stapel %1 warten auf eine Dublettenentscheidung gegen %2; entscheiden Sie vor dem Hochladen (decide oder die Dublettenansicht).</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 waits for a duplicate decision (%2: %3).</source>
        <translation>%1 wartet auf eine Dublettenentscheidung (%2: %3).</translation>
    </message>
    <message>
        <source>%1 would now be named %2, but the duplicate decision was made for %3; run dedup again.</source>
        <translation>%1 hieße jetzt %2, aber die Dublettenentscheidung wurde für %3 getroffen; führen Sie dedup erneut aus.</translation>
    </message>
    <message>
        <source>Not sent: a duplicate decision to skip it (%1).</source>
        <translation>Nicht gesendet: eine Dublettenentscheidung, die Datei zu überspringen (%1).</translation>
    </message>
    <message>
        <source>Not sent: on the hand-fix list (%1).</source>
        <translation>Nicht gesendet: auf der Handkorrekturliste (%1).</translation>
    </message>
    <message>
        <source>Not sent: linked to %1 (%2).</source>
        <translation>Nicht gesendet: mit %1 verknüpft (%2).</translation>
    </message>
    <message>
        <source>Not sent to %1: the file is %2 there, by a duplicate decision (%3).</source>
        <translation>Nicht an %1 gesendet: Die Datei ist dort %2, nach einer Dublettenentscheidung (%3).</translation>
    </message>
    <message>
        <source>%1 refuses the name %2: %3</source>
        <translation>%1 lehnt den Namen %2 ab: %3</translation>
    </message>
    <message>
        <source>The new name %1 holds other content on %2; choose another one.</source>
        <translation>Der neue Name %1 enthält auf %2 anderen Inhalt; wählen Sie einen anderen.</translation>
    </message>
    <message>
        <source>%1 has no free numbered name for %2 up to (9); rename it by hand.</source>
        <translation>%1 hat für %2 keinen freien nummerierten Namen bis (9); benennen Sie die Datei von Hand um.</translation>
    </message>
    <message>
        <source>%1 is no wiki; only a wiki can move %2 to %3.</source>
        <translation>%1 ist kein Wiki; nur ein Wiki kann %2 nach %3 verschieben.</translation>
    </message>
    <message>
        <source>Gatehouse: the name of %1, by a duplicate decision of %2.</source>
        <translation>Gatehouse: der Name von %1, nach einer Dublettenentscheidung von %2.</translation>
    </message>
    <message>
        <source>File:%1 on %2 was moved to File:%3 (%4).</source>
        <translation>File:%1 auf %2 wurde nach File:%3 verschoben (%4).</translation>
    </message>
    <message>
        <source>Moved to %1 on %2; nothing sent.</source>
        <translation>Auf %2 nach %1 verschoben; nichts gesendet.</translation>
    </message>
    <message>
        <source>%1 holds %2 with the same digests (sha1 %3) after the move.</source>
        <translation>%1 enthält %2 nach dem Verschieben mit denselben Prüfsummen (sha1 %3).</translation>
    </message>
    <message>
        <source>uploaded to %1 as %2</source>
        <translation>nach %1 als %2 hochgeladen</translation>
    </message>
    <message>
        <source>moved on %1 to %2</source>
        <translation>auf %1 nach %2 verschoben</translation>
    </message>
    <message>
        <source>on %1 as %2</source>
        <translation>auf %1 als %2</translation>
    </message>
    <message>
        <source>Not sent: linked to file %1 of batch %2 (%3).</source>
        <translation>Nicht gesendet: mit Datei %1 aus Stapel %2 verknüpft (%3).</translation>
    </message>
    <message>
        <source>%1 is held back: the batch is uploaded once no file of it waits for a duplicate decision.</source>
        <translation>%1 wird zurückgehalten: Der Stapel wird hochgeladen, sobald keine seiner Dateien mehr auf eine Dublettenentscheidung wartet.</translation>
    </message>
    <message>
        <source>%1 was not sent: its duplicate decision (%2) was taken back or replaced while the upload ran; the next upload follows the decision in force.</source>
        <translation>%1 wurde nicht gesendet: seine Duplikatentscheidung (%2) wurde zurückgenommen oder ersetzt, während der Upload lief; der nächste Upload folgt der geltenden Entscheidung.</translation>
    </message>
</context>
<context>
    <name>gh::DuplicateInfo</name>
    <message>
        <source>Already there</source>
        <translation>Bereits vorhanden</translation>
    </message>
    <message>
        <source>The target holds these bytes under our name: nothing to send.</source>
        <translation>Das Ziel enthält diese Bytes unter unserem Namen: nichts zu senden.</translation>
    </message>
    <message>
        <source>Same bytes under another name</source>
        <translation>Dieselben Bytes unter anderem Namen</translation>
    </message>
    <message>
        <source>The target holds these bytes under another name; our name is free.</source>
        <translation>Das Ziel enthält diese Bytes unter einem anderen Namen; unser Name ist frei.</translation>
    </message>
    <message>
        <source>Same bytes elsewhere, name taken</source>
        <translation>Dieselben Bytes anderswo, Name belegt</translation>
    </message>
    <message>
        <source>The target holds these bytes under another name, and our name holds other content.</source>
        <translation>Das Ziel enthält diese Bytes unter einem anderen Namen, und unter unserem Namen liegt anderer Inhalt.</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Neu</translation>
    </message>
    <message>
        <source>The target does not know these bytes and our name is free.</source>
        <translation>Das Ziel kennt diese Bytes nicht, und unser Name ist frei.</translation>
    </message>
    <message>
        <source>Name taken</source>
        <translation>Name belegt</translation>
    </message>
    <message>
        <source>The target does not know these bytes, but our name holds other content.</source>
        <translation>Das Ziel kennt diese Bytes nicht, aber unter unserem Namen liegt anderer Inhalt.</translation>
    </message>
    <message>
        <source>Twice in this batch</source>
        <translation>Zweimal in diesem Stapel</translation>
    </message>
    <message>
        <source>An earlier file of this batch has the same bytes; the first one is kept.</source>
        <translation>Eine frühere Datei dieses Stapels hat dieselben Bytes; die erste wird behalten.</translation>
    </message>
    <message>
        <source>In an earlier batch</source>
        <translation>In einem früheren Stapel</translation>
    </message>
    <message>
        <source>An earlier batch of the catalog ingested these bytes.</source>
        <translation>Ein früherer Stapel des Katalogs hat diese Bytes übernommen.</translation>
    </message>
    <message>
        <source>Skip</source>
        <translation>Überspringen</translation>
    </message>
    <message>
        <source>Upload</source>
        <translation>Hochladen</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Umbenennen</translation>
    </message>
    <message>
        <source>Overwrite</source>
        <translation>Überschreiben</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>Verschieben</translation>
    </message>
    <message>
        <source>Link</source>
        <translation>Verknüpfen</translation>
    </message>
    <message>
        <source>Hand-fix</source>
        <translation>Handkorrektur</translation>
    </message>
</context>
<context>
    <name>gh::DuplicateReport</name>
    <message>
        <source>The target deleted these bytes before, for copyright.</source>
        <translation>Das Ziel hat diese Bytes früher aus urheberrechtlichen Gründen gelöscht.</translation>
    </message>
    <message>
        <source>The target deleted these bytes before.</source>
        <translation>Das Ziel hat diese Bytes früher gelöscht.</translation>
    </message>
    <message>
        <source>Duplicates</source>
        <translation>Dubletten</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>  Waiting for a decision</source>
        <translation>  Wartet auf eine Entscheidung</translation>
    </message>
    <message>
        <source>  Decided: %1</source>
        <translation>  Entschieden: %1</translation>
    </message>
    <message>
        <source>  Deleted there before</source>
        <translation>  Dort früher gelöscht</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) wait for a duplicate decision against %1.</source>
        <translation>
            <numerusform>%n Datei wartet auf eine Dublettenentscheidung gegen %1.</numerusform>
            <numerusform>%n Dateien warten auf eine Dublettenentscheidung gegen %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source> (%1 on %2)</source>
        <translation> (%1 auf %2)</translation>
    </message>
    <message>
        <source> (batch %1)</source>
        <translation> (Stapel %1)</translation>
    </message>
    <message>
        <source> — decided: %1</source>
        <translation> — entschieden: %1</translation>
    </message>
    <message>
        <source> — waiting for a decision</source>
        <translation> — wartet auf eine Entscheidung</translation>
    </message>
</context>
<context>
    <name>gh::DuplicateRules</name>
    <message>
        <source>The duplicate rule &quot;%1&quot; names no case; the cases are %2.</source>
        <translation>Die Dublettenregel &quot;%1&quot; nennt keinen Fall; die Fälle sind %2.</translation>
    </message>
    <message>
        <source>The duplicate rule &quot;%1&quot; names no action; write CASE=ACTION with one of %2.</source>
        <translation>Die Dublettenregel &quot;%1&quot; nennt keine Aktion; schreiben Sie FALL=AKTION mit einer von %2.</translation>
    </message>
    <message>
        <source>The duplicate rule &quot;%1&quot;: %2 is not an action for %3.</source>
        <translation>Die Dublettenregel &quot;%1&quot;: %2 ist keine Aktion für %3.</translation>
    </message>
</context>
<context>
    <name>gh::DuplicateService</name>
    <message>
        <source>A duplicate check is already running.</source>
        <translation>Eine Dublettenprüfung läuft bereits.</translation>
    </message>
    <message>
        <source>Only a wiki can move a file to another name.</source>
        <translation>Nur ein Wiki kann eine Datei unter einen anderen Namen verschieben.</translation>
    </message>
    <message>
        <source>The account may not move files on %1.</source>
        <translation>Das Konto darf auf %1 keine Dateien verschieben.</translation>
    </message>
</context>
<context>
    <name>gh::DuplicateSolver</name>
    <message numerus="yes">
        <source>%n file(s) wait for a duplicate decision; the upload waits for them.</source>
        <translation>
            <numerusform>%n Datei wartet auf eine Dublettenentscheidung; das Hochladen wartet darauf.</numerusform>
            <numerusform>%n Dateien warten auf eine Dublettenentscheidung; das Hochladen wartet auf sie.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 is not an action for a file in the case %2 (%3).</source>
        <translation>%1 ist keine Aktion für eine Datei im Fall %2 (%3).</translation>
    </message>
    <message>
        <source>Nothing holds the name %1 on %2, so there is nothing to overwrite.</source>
        <translation>Auf %2 trägt nichts den Namen %1, es gibt also nichts zu überschreiben.</translation>
    </message>
    <message>
        <source>Only a wiki can move a file to another name; %1 is not one.</source>
        <translation>Nur ein Wiki kann eine Datei unter einen anderen Namen verschieben; %1 ist keines.</translation>
    </message>
    <message>
        <source>%1 holds these bytes under no other name, so there is nothing to move.</source>
        <translation>%1 enthält diese Bytes unter keinem anderen Namen, es gibt also nichts zu verschieben.</translation>
    </message>
    <message>
        <source>The name %1 is taken on %2, so nothing can be moved there.</source>
        <translation>Der Name %1 ist auf %2 belegt, daher kann nichts dorthin verschoben werden.</translation>
    </message>
    <message>
        <source>There is nothing to link %1 to.</source>
        <translation>Es gibt nichts, womit %1 verknüpft werden könnte.</translation>
    </message>
    <message>
        <source>%1 is already the file&apos;s name; a rename needs another one.</source>
        <translation>%1 ist bereits der Name der Datei; eine Umbenennung braucht einen anderen.</translation>
    </message>
    <message>
        <source>Only a rename takes a new name; %1 does not.</source>
        <translation>Nur eine Umbenennung erwartet einen neuen Namen; %1 nicht.</translation>
    </message>
    <message>
        <source>not to be sent</source>
        <translation>nicht zu senden</translation>
    </message>
    <message>
        <source>to be sent as %1 despite the target&apos;s warnings</source>
        <translation>trotz der Warnungen des Ziels als %1 zu senden</translation>
    </message>
    <message>
        <source>to be sent under a numbered name such as %1</source>
        <translation>unter einem nummerierten Namen wie %1 zu senden</translation>
    </message>
    <message>
        <source>to be sent as %1</source>
        <translation>als %1 zu senden</translation>
    </message>
    <message>
        <source>to be sent as a new version of %1</source>
        <translation>als neue Version von %1 zu senden</translation>
    </message>
    <message>
        <source>%1 to be moved to %2</source>
        <translation>%1 nach %2 zu verschieben</translation>
    </message>
    <message>
        <source>linked to file %1 of batch %2</source>
        <translation>mit Datei %1 von Stapel %2 verknüpft</translation>
    </message>
    <message>
        <source>linked to %1</source>
        <translation>mit %1 verknüpft</translation>
    </message>
    <message>
        <source>on the hand-fix list for a person on the target</source>
        <translation>auf der Handkorrekturliste für eine Person beim Ziel</translation>
    </message>
    <message>
        <source>Duplicate case %1 against %2: %3 (%4), decided by %5</source>
        <translation>Dublettenfall %1 gegen %2: %3 (%4), entschieden von %5</translation>
    </message>
    <message>
        <source> by the rule %1</source>
        <translation> nach der Regel %1</translation>
    </message>
    <message>
        <source>: %1</source>
        <translation>: %1</translation>
    </message>
    <message>
        <source>No fetched file to check.</source>
        <translation>Keine abgerufene Datei zu prüfen.</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) checked; none waits for a decision.</source>
        <translation>
            <numerusform>%n Datei geprüft; keine wartet auf eine Entscheidung.</numerusform>
            <numerusform>%n Dateien geprüft; keine wartet auf eine Entscheidung.</numerusform>
        </translation>
    </message>
    <message>
        <source>Batch %1 was not classified against %2; run dedup first.</source>
        <translation>Stapel %1 wurde nicht mit %2 abgeglichen; führen Sie zuerst dedup aus.</translation>
    </message>
    <message>
        <source>Batch %1 was not classified against %2, only against %3.</source>
        <translation>Stapel %1 wurde nicht mit %2 abgeglichen, nur mit %3.</translation>
    </message>
    <message>
        <source>Batch %1 has no duplicate cases yet; run dedup BATCH --target TARGET first.</source>
        <translation>Stapel %1 hat noch keine Dublettenfälle; führen Sie zuerst dedup STAPEL --target ZIEL aus.</translation>
    </message>
    <message>
        <source>Batch %1 was classified against several targets (%2); say which with --target.</source>
        <translation>Stapel %1 wurde mit mehreren Zielen abgeglichen (%2); geben Sie mit --target an, mit welchem.</translation>
    </message>
    <message>
        <source>Say which files to decide: some files, or a case.</source>
        <translation>Geben Sie an, über welche Dateien entschieden wird: einzelne Dateien oder einen Fall.</translation>
    </message>
    <message>
        <source>File %1 belongs to batch %2, not %3.</source>
        <translation>Datei %1 gehört zu Stapel %2, nicht zu %3.</translation>
    </message>
    <message>
        <source>File %1 has no duplicate case against %2 (not in this batch, not fetched, or not classified yet).</source>
        <translation>Datei %1 hat keinen Dublettenfall gegen %2 (nicht in diesem Stapel, nicht abgerufen oder noch nicht abgeglichen).</translation>
    </message>
    <message>
        <source>A new name is for one file; %1 files were asked for. Rename them one by one, or leave the name out for numbered names.</source>
        <translation>Ein neuer Name gilt für eine Datei; angefragt wurden %1 Dateien. Benennen Sie sie einzeln um, oder lassen Sie den Namen für nummerierte Namen weg.</translation>
    </message>
    <message>
        <source>File %1: the decision to %2 was already carried out (%3).</source>
        <translation>Datei %1: Die Entscheidung (%2) wurde bereits ausgeführt (%3).</translation>
    </message>
    <message>
        <source>File %1: %2</source>
        <translation>Datei %1: %2</translation>
    </message>
    <message>
        <source>File %1 has no decision to take back.</source>
        <translation>Datei %1 hat keine Entscheidung, die zurückgenommen werden könnte.</translation>
    </message>
    <message>
        <source>The decision to %1 (case %2 against %3, by %4 on %5) was taken back.</source>
        <translation>Die Entscheidung (%1; Fall %2 gegen %3, von %4 am %5) wurde zurückgenommen.</translation>
    </message>
    <message>
        <source>Cannot read the decisions against %1: %2</source>
        <translation>Die Entscheidungen gegenüber %1 können nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source> (file %1).</source>
        <translation> (Datei %1).</translation>
    </message>
</context>
<context>
    <name>gh::DuplicatesModel</name>
    <message>
        <source>batch %1</source>
        <translation>Stapel %1</translation>
    </message>
    <message>
        <source>— waiting —</source>
        <translation>— wartet —</translation>
    </message>
    <message>
        <source>%1 (%2 open of %3)</source>
        <translation>%1 (%2 von %3 offen)</translation>
    </message>
    <message>
        <source>Our file</source>
        <translation>Unsere Datei</translation>
    </message>
    <message>
        <source>Name on the target</source>
        <translation>Name beim Ziel</translation>
    </message>
    <message>
        <source>What is there</source>
        <translation>Dort vorhanden</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>Entscheidung</translation>
    </message>
</context>
<context>
    <name>gh::DuplicatesView</name>
    <message>
        <source>Checking for duplicates: %1 of %2 files…</source>
        <translation>Dublettenprüfung: %1 von %2 Dateien …</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>mediawiki:https://commons.wikimedia.org/w/api.php</source>
        <translation>mediawiki:https://commons.wikimedia.org/w/api.php</translation>
    </message>
    <message>
        <source>&amp;Check</source>
        <translation>&amp;Prüfen</translation>
    </message>
    <message>
        <source>Classify every fetched file of the batch against this target.</source>
        <translation>Jede abgerufene Datei des Stapels mit diesem Ziel abgleichen.</translation>
    </message>
    <message>
        <source>Files needing a decision</source>
        <translation>Dateien, die eine Entscheidung brauchen</translation>
    </message>
    <message>
        <source>&lt;b&gt;Ours&lt;/b&gt;</source>
        <translation>&lt;b&gt;Bei uns&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Theirs&lt;/b&gt;</source>
        <translation>&lt;b&gt;Beim Ziel&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Why (recorded with the next decision)</source>
        <translation>Begründung (wird mit der nächsten Entscheidung festgehalten)</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Undo (%1)</source>
        <translation>Rückgängig (%1)</translation>
    </message>
    <message>
        <source>This batch was not checked for duplicates yet: type a target and press Check.</source>
        <translation>Dieser Stapel wurde noch nicht auf Dubletten geprüft: Geben Sie ein Ziel ein und klicken Sie auf Prüfen.</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) wait for a decision against %1. The upload waits until none does.</source>
        <translation>
            <numerusform>%n Datei wartet auf eine Entscheidung gegen %1. Das Hochladen wartet, bis keine mehr wartet.</numerusform>
            <numerusform>%n Dateien warten auf eine Entscheidung gegen %1. Das Hochladen wartet, bis keine mehr wartet.</numerusform>
        </translation>
    </message>
    <message>
        <source>No file waits for a decision against %1; the upload may go ahead.</source>
        <translation>Keine Datei wartet auf eine Entscheidung gegen %1; das Hochladen kann beginnen.</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Name there</source>
        <translation>Name dort</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Fetched</source>
        <translation>Abgerufen</translation>
    </message>
    <message>
        <source>SHA-1</source>
        <translation>SHA-1</translation>
    </message>
    <message>
        <source>The target deleted these bytes before, &lt;b&gt;for copyright&lt;/b&gt;.</source>
        <translation>Das Ziel hat diese Bytes früher &lt;b&gt;aus urheberrechtlichen Gründen&lt;/b&gt; gelöscht.</translation>
    </message>
    <message>
        <source>The target deleted these bytes before.</source>
        <translation>Das Ziel hat diese Bytes früher gelöscht.</translation>
    </message>
    <message>
        <source>A file with our name was deleted there before.</source>
        <translation>Eine Datei mit unserem Namen wurde dort früher gelöscht.</translation>
    </message>
    <message>
        <source>Deleted: %1 (%2)</source>
        <translation>Gelöscht: %1 (%2)</translation>
    </message>
    <message>
        <source>Decided: %1 by %2 on %3</source>
        <translation>Entschieden: %1 von %2 am %3</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>Stapel</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Dimensions</source>
        <translation>Abmessungen</translation>
    </message>
    <message>
        <source>%1 × %2</source>
        <translation>%1 × %2</translation>
    </message>
    <message>
        <source>Uploaded</source>
        <translation>Hochgeladen</translation>
    </message>
    <message>
        <source>Uploader</source>
        <translation>Hochgeladen von</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen …</translation>
    </message>
    <message>
        <source>No picture</source>
        <translation>Kein Bild</translation>
    </message>
    <message>
        <source>Cannot fetch %1</source>
        <translation>%1 kann nicht abgerufen werden</translation>
    </message>
    <message>
        <source>The account may not move files on this wiki.</source>
        <translation>Das Konto darf in diesem Wiki keine Dateien verschieben.</translation>
    </message>
    <message>
        <source>Asking the wiki whether the account may move files…</source>
        <translation>Das Wiki wird gefragt, ob das Konto Dateien verschieben darf …</translation>
    </message>
    <message numerus="yes">
        <source>All %n similar (A)</source>
        <translation>
            <numerusform>%n ähnliche (A)</numerusform>
            <numerusform>Alle %n ähnlichen (A)</numerusform>
        </translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Umbenennen</translation>
    </message>
    <message>
        <source>The name on %1 (leave it empty for a numbered name such as %2):</source>
        <translation>Der Name auf %1 (leer lassen für einen nummerierten Namen wie %2):</translation>
    </message>
    <message>
        <source>Type the target to check against first.</source>
        <translation>Geben Sie zuerst das Ziel ein, mit dem abgeglichen wird.</translation>
    </message>
    <message>
        <source>Checking for duplicates against %1…</source>
        <translation>Abgleich der Dubletten mit %1 …</translation>
    </message>
    <message>
        <source>Check against</source>
        <translation>Prüfen gegen</translation>
    </message>
    <message>
        <source>&amp;Target:</source>
        <translation>&amp;Ziel:</translation>
    </message>
    <message>
        <source>Check a&amp;gainst:</source>
        <translation>Prüfen &amp;gegen:</translation>
    </message>
</context>
<context>
    <name>gh::EmptyCheck</name>
    <message>
        <source>Every file has content: no file is zero bytes long.</source>
        <translation>Jede Datei hat Inhalt: Keine Datei ist null Bytes lang.</translation>
    </message>
    <message>
        <source>%1 is empty (0 bytes).</source>
        <translation>%1 ist leer (0 Bytes).</translation>
    </message>
</context>
<context>
    <name>gh::Engine</name>
    <message>
        <source>The catalog is not open.</source>
        <translation>Der Katalog ist nicht geöffnet.</translation>
    </message>
    <message>
        <source>A batch is already running; cancel it or wait for it to finish.</source>
        <translation>Ein Stapel läuft bereits; brechen Sie ihn ab oder warten Sie, bis er fertig ist.</translation>
    </message>
    <message>
        <source>Running batch %1, a delivery from the hot folder.</source>
        <translation>Stapel %1, eine Lieferung aus dem Hotfolder, wird ausgeführt.</translation>
    </message>
    <message>
        <source>Deleted %1.</source>
        <translation>%1 gelöscht.</translation>
    </message>
</context>
<context>
    <name>gh::EngineSettings</name>
    <message>
        <source>The settings file %1 does not exist or cannot be read.</source>
        <translation>Die Einstellungsdatei %1 existiert nicht oder kann nicht gelesen werden.</translation>
    </message>
    <message>
        <source>The settings file %1 is not a valid INI file.</source>
        <translation>Die Einstellungsdatei %1 ist keine gültige INI-Datei.</translation>
    </message>
    <message>
        <source>Cannot read the banned list %1: %2</source>
        <translation>Die Sperrliste %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Cannot write the settings file %1.</source>
        <translation>Die Einstellungsdatei %1 kann nicht geschrieben werden.</translation>
    </message>
    <message>
        <source>fetch/key_template: %1</source>
        <translation>fetch/key_template: %1</translation>
    </message>
    <message>
        <source>settings</source>
        <translation>Einstellungen</translation>
    </message>
</context>
<context>
    <name>gh::ExportMenu</name>
    <message>
        <source>&amp;Export</source>
        <translation>E&amp;xportieren</translation>
    </message>
    <message>
        <source>Export batch %1: %2</source>
        <translation>Stapel %1 exportieren: %2</translation>
    </message>
    <message>
        <source>Exporting batch %1 to %2…</source>
        <translation>Stapel %1 wird nach %2 exportiert …</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Exported batch %1 to %2.</source>
        <translation>Stapel %1 wurde nach %2 exportiert.</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Export fehlgeschlagen</translation>
    </message>
    <message>
        <source>No batch to export, or an export is already running.</source>
        <translation>Kein Stapel zum Exportieren, oder ein Export läuft bereits.</translation>
    </message>
</context>
<context>
    <name>gh::ExportProgress</name>
    <message>
        <source>The export was cancelled.</source>
        <translation>Der Export wurde abgebrochen.</translation>
    </message>
</context>
<context>
    <name>gh::Exports</name>
    <message>
        <source>&amp;Summary (_SUMMARY)…</source>
        <translation>&amp;Zusammenfassung (_SUMMARY) …</translation>
    </message>
    <message>
        <source>Text files (*.txt)</source>
        <translation>Textdateien (*.txt)</translation>
    </message>
    <message>
        <source>&amp;Files as CSV…</source>
        <translation>&amp;Dateien als CSV …</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>&amp;Errors and warnings as CSV…</source>
        <translation>&amp;Fehler und Warnungen als CSV …</translation>
    </message>
    <message>
        <source>&amp;PREMIS 3 preservation metadata…</source>
        <translation>&amp;PREMIS-3-Erhaltungsmetadaten …</translation>
    </message>
    <message>
        <source>XML files (*.xml)</source>
        <translation>XML-Dateien (*.xml)</translation>
    </message>
    <message>
        <source>&amp;METS document…</source>
        <translation>&amp;METS-Dokument …</translation>
    </message>
    <message>
        <source>Ingest &amp;results as JSON lines…</source>
        <translation>Übernahme&amp;ergebnisse als JSON-Zeilen …</translation>
    </message>
    <message>
        <source>JSON lines (*.jsonl)</source>
        <translation>JSON-Zeilen (*.jsonl)</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>&amp;QA sample and verdicts as CSV…</source>
        <translation>&amp;QA-Stichprobe und Bewertungen als CSV …</translation>
    </message>
    <message>
        <source>&amp;Hand-fix list of duplicates…</source>
        <translation>&amp;Handkorrekturliste der Dubletten …</translation>
    </message>
</context>
<context>
    <name>gh::FetchStage</name>
    <message>
        <source>Fetching %1 files of batch %2 into %3.</source>
        <translation>%1 Dateien von Stapel %2 werden nach %3 abgerufen.</translation>
    </message>
    <message>
        <source>All files stored.</source>
        <translation>Alle Dateien gespeichert.</translation>
    </message>
    <message>
        <source>The store %1 failed %2 times in a row; stopping. Last error: %3</source>
        <translation>Der Speicher %1 ist %2-mal hintereinander fehlgeschlagen; Abbruch. Letzter Fehler: %3</translation>
    </message>
    <message>
        <source>Refreshing %1 downloaded files with conditional requests.</source>
        <translation>%1 heruntergeladene Dateien werden mit bedingten Anfragen aktualisiert.</translation>
    </message>
    <message>
        <source>%1 is fresh until %2 by the server&apos;s own caching rules; not requested, the stored copy %3 is reused.</source>
        <translation>%1 ist nach den Caching-Regeln des Servers bis %2 aktuell; nicht angefragt, die gespeicherte Kopie %3 wird wiederverwendet.</translation>
    </message>
</context>
<context>
    <name>gh::FileFilter</name>
    <message>
        <source>The filter term &quot;%1&quot; is not valid: %2</source>
        <translation>Der Filterbegriff &quot;%1&quot; ist ungültig: %2</translation>
    </message>
    <message>
        <source>the closing quote is missing.</source>
        <translation>das schließende Anführungszeichen fehlt.</translation>
    </message>
    <message>
        <source>it has no value after the colon.</source>
        <translation>nach dem Doppelpunkt steht kein Wert.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a status; use a status key such as &quot;fixity-mismatch&quot; or one of failed, ok, skipped, open.</source>
        <translation>&quot;%1&quot; ist kein Status; verwenden Sie einen Statusschlüssel wie &quot;fixity-mismatch&quot; oder einen von failed, ok, skipped, open.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a mimetype pattern; write &quot;image/png&quot; or &quot;image/*&quot;.</source>
        <translation>&quot;%1&quot; ist kein MIME-Typ-Muster; schreiben Sie &quot;image/png&quot; oder &quot;image/*&quot;.</translation>
    </message>
    <message>
        <source>only one size term may be given.</source>
        <translation>es darf nur ein size-Begriff angegeben werden.</translation>
    </message>
    <message>
        <source>write a size range as &quot;10k..2M&quot;.</source>
        <translation>schreiben Sie einen Größenbereich als &quot;10k..2M&quot;.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a size; write a number of bytes, optionally with k, M, G or T, after &gt;, &gt;=, &lt;, &lt;= or =.</source>
        <translation>&quot;%1&quot; ist keine Größe; schreiben Sie eine Anzahl von Bytes, optional mit k, M, G oder T, nach &gt;, &gt;=, &lt;, &lt;= oder =.</translation>
    </message>
    <message>
        <source>no file is larger than that.</source>
        <translation>keine Datei ist größer als das.</translation>
    </message>
    <message>
        <source>no file is smaller than 0 bytes.</source>
        <translation>keine Datei ist kleiner als 0 Bytes.</translation>
    </message>
    <message>
        <source>the smallest size is larger than the largest.</source>
        <translation>die kleinste Größe ist größer als die größte.</translation>
    </message>
    <message>
        <source>only one name term may be given.</source>
        <translation>es darf nur ein name-Begriff angegeben werden.</translation>
    </message>
    <message>
        <source>only one qa term may be given.</source>
        <translation>es darf nur ein qa-Begriff angegeben werden.</translation>
    </message>
    <message>
        <source>write &quot;qa:flagged&quot; or &quot;qa:unflagged&quot;.</source>
        <translation>schreiben Sie &quot;qa:flagged&quot; oder &quot;qa:unflagged&quot;.</translation>
    </message>
    <message>
        <source>name a QA check, such as &quot;check:xml-schema&quot;.</source>
        <translation>nennen Sie eine QA-Prüfung, etwa &quot;check:xml-schema&quot;.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a filter; use status, mime, size, name, qa or check, or put the text in double quotes to search for it.</source>
        <translation>&quot;%1&quot; ist kein Filter; verwenden Sie status, mime, size, name, qa oder check, oder setzen Sie den Text in doppelte Anführungszeichen, um danach zu suchen.</translation>
    </message>
</context>
<context>
    <name>gh::FileFinisher</name>
    <message>
        <source>Checksum mismatch: %1 (declared in %2)</source>
        <translation>Prüfsummenabweichung: %1 (angegeben in %2)</translation>
    </message>
    <message>
        <source>The file is empty.</source>
        <translation>Die Datei ist leer.</translation>
    </message>
    <message>
        <source>Stored %1 as %2 in %3</source>
        <translation>%1 als %2 in %3 gespeichert</translation>
    </message>
    <message>
        <source>Found %1 already stored as %2 in %3 with the same bytes (an interrupted attempt stored it); not sent again</source>
        <translation>%1 ist bereits als %2 in %3 mit denselben Bytes gespeichert (ein unterbrochener Versuch hat es gespeichert); nicht erneut gesendet</translation>
    </message>
</context>
<context>
    <name>gh::FileMove</name>
    <message>
        <source>%1 did not move File:%2 to File:%3: %4 (%5).</source>
        <translation>%1 hat File:%2 nicht nach File:%3 verschoben: %4 (%5).</translation>
    </message>
    <message>
        <source>%1 gave no sign of moving File:%2 to File:%3.</source>
        <translation>%1 hat nicht erkennen lassen, dass File:%2 nach File:%3 verschoben wurde.</translation>
    </message>
</context>
<context>
    <name>gh::FileStage</name>
    <message>
        <source>%1: %2 files of batch %3 to do.</source>
        <translation>%1: %2 Dateien von Stapel %3 sind zu erledigen.</translation>
    </message>
    <message>
        <source>%1 failed %2 times in a row; stopping. Last error: %3</source>
        <translation>%1 ist %2-mal hintereinander fehlgeschlagen; Abbruch. Letzter Fehler: %3</translation>
    </message>
    <message>
        <source>All files done.</source>
        <translation>Alle Dateien erledigt.</translation>
    </message>
    <message>
        <source>Retrying %1 files that failed transiently in an earlier run.</source>
        <translation>%1 Dateien, die in einem früheren Lauf vorübergehend fehlgeschlagen sind, werden erneut versucht.</translation>
    </message>
    <message>
        <source>Cancelled; the remaining files stay pending.</source>
        <translation>Abgebrochen; die übrigen Dateien bleiben ausstehend.</translation>
    </message>
    <message>
        <source>Files needing attention: %1.</source>
        <translation>Dateien, die Aufmerksamkeit erfordern: %1.</translation>
    </message>
    <message>
        <source>%1 %2/%3: %4</source>
        <translation>%1 %2/%3: %4</translation>
    </message>
    <message numerus="yes">
        <source>%1 stopped while it held %n file(s) of this batch; they are taken over.</source>
        <translation>
            <numerusform>%1 wurde beendet, während er %n Datei dieses Stapels hielt; sie wird übernommen.</numerusform>
            <numerusform>%1 wurde beendet, während er %n Dateien dieses Stapels hielt; sie werden übernommen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Waiting for %n file(s) that other Gatehouse processes are working on (%1).</source>
        <translation>
            <numerusform>Warte auf %n Datei, an der andere Gatehouse-Prozesse arbeiten (%1).</numerusform>
            <numerusform>Warte auf %n Dateien, an denen andere Gatehouse-Prozesse arbeiten (%1).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Another Gatehouse process took over %n file(s) after this one&apos;s lease on them ran out; its outcome for them is the one kept.</source>
        <translation>
            <numerusform>Ein anderer Gatehouse-Prozess hat %n Datei übernommen, nachdem die Reservierung dieses Prozesses abgelaufen war; sein Ergebnis dafür wird behalten.</numerusform>
            <numerusform>Ein anderer Gatehouse-Prozess hat %n Dateien übernommen, nachdem die Reservierung dieses Prozesses abgelaufen war; sein Ergebnis dafür wird behalten.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: this process (%2) did %n file(s) of the batch.</source>
        <translation>
            <numerusform>%1: Dieser Prozess (%2) hat %n Datei des Stapels bearbeitet.</numerusform>
            <numerusform>%1: Dieser Prozess (%2) hat %n Dateien des Stapels bearbeitet.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: %2 ended the stage for the whole batch.</source>
        <translation>%1: %2 hat die Stufe für den ganzen Stapel abgeschlossen.</translation>
    </message>
</context>
<context>
    <name>gh::FileStateInfo</name>
    <message>
        <source>Pending</source>
        <translation>Ausstehend</translation>
    </message>
    <message>
        <source>Uploaded</source>
        <translation>Hochgeladen</translation>
    </message>
    <message>
        <source>Already there</source>
        <translation>Bereits vorhanden</translation>
    </message>
    <message>
        <source>Needs a decision</source>
        <translation>Entscheidung nötig</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>Übersprungen</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Differs at the target</source>
        <translation>Weicht beim Ziel ab</translation>
    </message>
    <message>
        <source>Deleted</source>
        <translation>Gelöscht</translation>
    </message>
</context>
<context>
    <name>gh::FileTableModel</name>
    <message>
        <source>Item</source>
        <translation>Objekt</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <source>Stored as</source>
        <translation>Gespeichert als</translation>
    </message>
</context>
<context>
    <name>gh::FilterBar</name>
    <message>
        <source>Filter files: words, status:failed, mime:image/*, size:&gt;1M, name:*.tif</source>
        <translation>Dateien filtern: Wörter, status:failed, mime:image/*, size:&gt;1M, name:*.tif</translation>
    </message>
    <message>
        <source>Filter files</source>
        <translation>Dateien filtern</translation>
    </message>
    <message>
        <source>Words are searched in names, items, paths, digests and errors. Terms: status:KEY[,KEY] (or failed, ok, skipped, open), mime:TYPE/SUBTYPE or TYPE/*, size:&gt;1M, size:10k..2M, name:TEXT or a glob, qa:flagged. Quote text with spaces or colons.</source>
        <translation>Wörter werden in Namen, Objekten, Pfaden, Hashwerten und Fehlern gesucht. Begriffe: status:KEY[,KEY] (oder failed, ok, skipped, open), mime:TYPE/SUBTYPE oder TYPE/*, size:&gt;1M, size:10k..2M, name:TEXT oder ein Glob-Muster, qa:flagged. Setzen Sie Text mit Leerzeichen oder Doppelpunkten in Anführungszeichen.</translation>
    </message>
    <message>
        <source>Status filter</source>
        <translation>Statusfilter</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Jeder Status</translation>
    </message>
    <message>
        <source>Needs attention</source>
        <translation>Erfordert Aufmerksamkeit</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>Übersprungen</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Ausstehend</translation>
    </message>
    <message>
        <source>Type filter</source>
        <translation>Typfilter</translation>
    </message>
    <message>
        <source>Any type</source>
        <translation>Jeder Typ</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>Bilder</translation>
    </message>
    <message>
        <source>PDF documents</source>
        <translation>PDF-Dokumente</translation>
    </message>
    <message>
        <source>XML</source>
        <translation>XML</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>Audio</source>
        <translation>Audio</translation>
    </message>
    <message>
        <source>Video</source>
        <translation>Video</translation>
    </message>
    <message>
        <source>Filter error</source>
        <translation>Filterfehler</translation>
    </message>
</context>
<context>
    <name>gh::FindingSeverity</name>
    <message>
        <source>warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>flag</source>
        <translation>Markierung</translation>
    </message>
    <message>
        <source>error</source>
        <translation>Fehler</translation>
    </message>
    <message numerus="yes">
        <source>%n error(s)</source>
        <translation>
            <numerusform>%n Fehler</numerusform>
            <numerusform>%n Fehler</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n warning(s)</source>
        <translation>
            <numerusform>%n Warnung</numerusform>
            <numerusform>%n Warnungen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n flag(s)</source>
        <translation>
            <numerusform>%n Markierung</numerusform>
            <numerusform>%n Markierungen</numerusform>
        </translation>
    </message>
    <message>
        <source>no findings</source>
        <translation>keine Befunde</translation>
    </message>
</context>
<context>
    <name>gh::Fixity</name>
    <message>
        <source>Cannot read the checksum file %1: %2</source>
        <translation>Die Prüfsummendatei %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>The checksum file %1 does not hold a %2 digest.</source>
        <translation>Die Prüfsummendatei %1 enthält keinen %2-Hashwert.</translation>
    </message>
    <message>
        <source>%1 declared %2, computed %3</source>
        <translation>%1 angegeben %2, berechnet %3</translation>
    </message>
    <message>
        <source>%1 verified against %2</source>
        <translation>%1 gegen %2 verifiziert</translation>
    </message>
</context>
<context>
    <name>gh::FixityCheck</name>
    <message>
        <source>The checksums the source declared match the ones computed when the file was fetched.</source>
        <translation>Die von der Quelle angegebenen Prüfsummen stimmen mit den beim Abrufen der Datei berechneten überein.</translation>
    </message>
    <message>
        <source>%1: the checksum does not match: %2 (declared in %3).</source>
        <translation>%1: Die Prüfsumme stimmt nicht überein: %2 (angegeben in %3).</translation>
    </message>
    <message>
        <source>the manifest</source>
        <translation>dem Manifest</translation>
    </message>
</context>
<context>
    <name>gh::FolderPackage</name>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation>Das Laden von %1 wurde abgebrochen.</translation>
    </message>
    <message>
        <source>%1 is a symbolic link to %2, which does not exist.</source>
        <translation>%1 ist ein symbolischer Link auf %2, das nicht existiert.</translation>
    </message>
    <message>
        <source>%1 is a symbolic link to %2, outside the batch folder; it was not read.</source>
        <translation>%1 ist ein symbolischer Link auf %2 außerhalb des Stapelordners; er wurde nicht gelesen.</translation>
    </message>
    <message>
        <source>%1 is not a regular file (a device, socket or pipe).</source>
        <translation>%1 ist keine reguläre Datei (sondern ein Gerät, ein Socket oder eine Pipe).</translation>
    </message>
    <message>
        <source>Did not follow links to folders: %1</source>
        <translation>Links auf Ordner wurden nicht verfolgt: %1</translation>
    </message>
    <message>
        <source>%1 is not in %2.</source>
        <translation>%1 ist nicht in %2.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 is %2 bytes, more than the %3 bytes allowed for a manifest or tag file.</source>
        <translation>%1 ist %2 Bytes groß, mehr als die %3 Bytes, die für eine Manifest- oder Tag-Datei erlaubt sind.</translation>
    </message>
</context>
<context>
    <name>gh::HotFolderRunner</name>
    <message>
        <source>Stopping: %1 is cancelled after the files in progress; it is resumed next time.</source>
        <translation>Anhalten: %1 wird nach den Dateien in Bearbeitung abgebrochen und beim nächsten Mal fortgesetzt.</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <source>Delivery %1 was loaded as batch %2 and has not changed since; not loading it again.</source>
        <translation>Lieferung %1 wurde als Stapel %2 geladen und hat sich seitdem nicht geändert; sie wird nicht erneut geladen.</translation>
    </message>
    <message>
        <source>Delivery %1 (batch %2) did not finish; resuming it.</source>
        <translation>Lieferung %1 (Stapel %2) wurde nicht abgeschlossen; sie wird fortgesetzt.</translation>
    </message>
    <message>
        <source>Loading delivery %1 (batch %2) did not finish; loading it again.</source>
        <translation>Das Laden der Lieferung %1 (Stapel %2) wurde nicht abgeschlossen; sie wird erneut geladen.</translation>
    </message>
    <message>
        <source>loaded.</source>
        <translation>geladen.</translation>
    </message>
    <message>
        <source>Delivery %1 changed since it was loaded as batch %2: %3 files, %4 bytes; loading it as a new batch.</source>
        <translation>Lieferung %1 hat sich geändert, seit sie als Stapel %2 geladen wurde: %3 Dateien, %4 Bytes; sie wird als neuer Stapel geladen.</translation>
    </message>
    <message>
        <source>Delivery %1 settled: %2 files, %3 bytes; loading it.</source>
        <translation>Lieferung %1 ist stabil: %2 Dateien, %3 Bytes; sie wird geladen.</translation>
    </message>
    <message>
        <source>Warning: %1</source>
        <translation>Warnung: %1</translation>
    </message>
    <message>
        <source>loaded (%1 items, %2 files).</source>
        <translation>geladen (%1 Objekte, %2 Dateien).</translation>
    </message>
    <message>
        <source>Delivery %1 finished as batch %2: %3</source>
        <translation>Lieferung %1 als Stapel %2 abgeschlossen: %3</translation>
    </message>
    <message>
        <source>Delivery %1 failed%2: %3</source>
        <translation>Lieferung %1%2 ist fehlgeschlagen: %3</translation>
    </message>
    <message>
        <source> (batch %1)</source>
        <translation> (Stapel %1)</translation>
    </message>
</context>
<context>
    <name>gh::HttpApiTransport</name>
    <message>
        <source>No answer from %1 to action=%2 after %3 attempts: %4</source>
        <translation>Keine Antwort von %1 auf action=%2 nach %3 Versuchen: %4</translation>
    </message>
</context>
<context>
    <name>gh::HttpEngine</name>
    <message>
        <source>the received bytes could not be kept</source>
        <translation>die empfangenen Bytes konnten nicht behalten werden</translation>
    </message>
    <message>
        <source>the answer is larger than the %1 bytes expected of it</source>
        <translation>die Antwort ist größer als die erwarteten %1 Bytes</translation>
    </message>
    <message>
        <source>The request to %1 was cancelled.</source>
        <translation>Die Anfrage an %1 wurde abgebrochen.</translation>
    </message>
    <message>
        <source>A blocking request to %1 was made on the HTTP engine&apos;s own thread.</source>
        <translation>Eine blockierende Anfrage an %1 wurde im eigenen Thread der HTTP-Engine gestellt.</translation>
    </message>
</context>
<context>
    <name>gh::HttpEngineWorker</name>
    <message>
        <source>libcurl could not set up a transfer</source>
        <translation>libcurl konnte keine Übertragung einrichten</translation>
    </message>
    <message>
        <source>cannot read %1 to send it: %2</source>
        <translation>%1 kann zum Senden nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>the request&apos;s body cannot be sent a second time</source>
        <translation>der Inhalt der Anfrage kann nicht ein zweites Mal gesendet werden</translation>
    </message>
    <message>
        <source>%1 is shorter than the %2 bytes from offset %3 to be sent</source>
        <translation>%1 ist kürzer als die %2 Bytes ab Position %3, die gesendet werden sollen</translation>
    </message>
    <message>
        <source>%1 could not be read after %2 bytes: %3</source>
        <translation>%1 konnte nach %2 Bytes nicht gelesen werden: %3</translation>
    </message>
    <message>
        <source>it ended</source>
        <translation>sie war zu Ende</translation>
    </message>
    <message>
        <source>the request&apos;s body could not be read</source>
        <translation>der Inhalt der Anfrage konnte nicht gelesen werden</translation>
    </message>
</context>
<context>
    <name>gh::IiifIngester</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 is %2 bytes, more than the %3 bytes allowed for a IIIF manifest.</source>
        <translation>%1 ist %2 Bytes groß, mehr als die %3 Bytes, die für ein IIIF-Manifest erlaubt sind.</translation>
    </message>
</context>
<context>
    <name>gh::IiifReader</name>
    <message>
        <source>line %1, column %2</source>
        <translation>Zeile %1, Spalte %2</translation>
    </message>
    <message>
        <source>%1 holds one JSON document per line, not a IIIF manifest.</source>
        <translation>%1 enthält ein JSON-Dokument pro Zeile, kein IIIF-Manifest.</translation>
    </message>
    <message>
        <source>%1 is not valid JSON: %2: %3.</source>
        <translation>%1 ist kein gültiges JSON: %2: %3.</translation>
    </message>
    <message>
        <source>%1 is not a IIIF manifest or collection: it is not a JSON object.</source>
        <translation>%1 ist kein IIIF-Manifest und keine IIIF-Sammlung: Es ist kein JSON-Objekt.</translation>
    </message>
    <message>
        <source>Read %1 as a IIIF Presentation %2 %3: %4 manifests with %5 canvases.</source>
        <translation>%1 als %3 nach IIIF Presentation %2 gelesen: %4 Manifeste mit %5 Canvases.</translation>
    </message>
    <message>
        <source>collection</source>
        <translation>Sammlung</translation>
    </message>
    <message>
        <source>manifest</source>
        <translation>Manifest</translation>
    </message>
    <message>
        <source>%1 member manifests were read from files beside the collection.</source>
        <translation>%1 Manifeste der Sammlung wurden aus Dateien neben der Sammlung gelesen.</translation>
    </message>
    <message>
        <source>%1 collection member manifests must be fetched before their canvases are known; each is recorded as an item with its manifest URL.</source>
        <translation>%1 Manifeste der Sammlung müssen abgerufen werden, bevor ihre Canvases bekannt sind; jedes wird als Objekt mit seiner Manifest-URL aufgezeichnet.</translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation>Das Laden von %1 wurde abgebrochen.</translation>
    </message>
    <message>
        <source>%1 is not a IIIF Presentation 2 or 3 document: its @context names neither version.</source>
        <translation>%1 ist kein Dokument nach IIIF Presentation 2 oder 3: Sein @context nennt keine der beiden Versionen.</translation>
    </message>
    <message>
        <source>%1 is neither a IIIF manifest nor a collection (its type is &quot;%2&quot;).</source>
        <translation>%1 ist weder ein IIIF-Manifest noch eine Sammlung (sein Typ ist &quot;%2&quot;).</translation>
    </message>
    <message>
        <source>Attribution</source>
        <translation>Namensnennung</translation>
    </message>
    <message>
        <source>Canvas %1 (%2) has no image, sound or video to download.</source>
        <translation>Canvas %1 (%2) hat kein Bild, keinen Ton und kein Video zum Herunterladen.</translation>
    </message>
    <message>
        <source>The content of canvas %1 (%2) has no id to download.</source>
        <translation>Der Inhalt von Canvas %1 (%2) hat keine id zum Herunterladen.</translation>
    </message>
    <message>
        <source>The content of canvas %1 is at %2, which Gatehouse cannot download (only http and https).</source>
        <translation>Der Inhalt von Canvas %1 liegt unter %2, was Gatehouse nicht herunterladen kann (nur http und https).</translation>
    </message>
    <message>
        <source>%1 has %2 sequences; only the first is read.</source>
        <translation>%1 hat %2 Sequenzen; nur die erste wird gelesen.</translation>
    </message>
    <message>
        <source>The manifest %1 has no canvases.</source>
        <translation>Das Manifest %1 hat keine Canvases.</translation>
    </message>
    <message>
        <source>%1 nests collections more than %2 levels deep.</source>
        <translation>%1 verschachtelt Sammlungen mehr als %2 Ebenen tief.</translation>
    </message>
    <message>
        <source>The collection %1 has no members.</source>
        <translation>Die Sammlung %1 hat keine Mitglieder.</translation>
    </message>
    <message>
        <source>The collection member %1 is not valid JSON: %2: %3.</source>
        <translation>Das Sammlungsmitglied %1 ist kein gültiges JSON: %2: %3.</translation>
    </message>
    <message>
        <source>The collection member %1 is not a JSON object.</source>
        <translation>Das Sammlungsmitglied %1 ist kein JSON-Objekt.</translation>
    </message>
    <message>
        <source>The collection %1 lists the manifest %2, which does not exist.</source>
        <translation>Die Sammlung %1 führt das Manifest %2 auf, das nicht existiert.</translation>
    </message>
    <message>
        <source>The collection %1 lists the manifest %2, outside its folder; it was not read.</source>
        <translation>Die Sammlung %1 führt das Manifest %2 außerhalb ihres Ordners auf; es wurde nicht gelesen.</translation>
    </message>
    <message>
        <source>The collection %1 lists the manifest %2 more than once.</source>
        <translation>Die Sammlung %1 führt das Manifest %2 mehr als einmal auf.</translation>
    </message>
    <message>
        <source>Collection member manifests must be fetched: %1 has not been downloaded yet, so its canvases are unknown.</source>
        <translation>Manifeste von Sammlungsmitgliedern müssen abgerufen werden: %1 wurde noch nicht heruntergeladen, daher sind seine Canvases unbekannt.</translation>
    </message>
    <message>
        <source>%1 member manifests or collections were downloaded.</source>
        <translation>%1 Sammlungsmitglieder (Manifeste oder Sammlungen) wurden heruntergeladen.</translation>
    </message>
    <message>
        <source>%1 collection members could not be read; each is recorded as an item whose file says why.</source>
        <translation>%1 Sammlungsmitglieder konnten nicht gelesen werden; jedes wird als Objekt aufgezeichnet, dessen Datei den Grund angibt.</translation>
    </message>
    <message>
        <source>The collection %1 lists %2, which was already read; it is not read again.</source>
        <translation>Die Sammlung %1 führt %2 auf, das bereits gelesen wurde; es wird nicht erneut gelesen.</translation>
    </message>
    <message>
        <source>The collection %1 lists more than %2 member manifests to download; %3 was not downloaded.</source>
        <translation>Die Sammlung %1 führt mehr als %2 herunterzuladende Manifeste von Mitgliedern auf; %3 wurde nicht heruntergeladen.</translation>
    </message>
    <message>
        <source>The collection member %1 was not loaded.</source>
        <translation>Das Sammlungsmitglied %1 wurde nicht geladen.</translation>
    </message>
    <message>
        <source>The collection member manifest %1 could not be read: %2</source>
        <translation>Das Manifest des Sammlungsmitglieds %1 konnte nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Downloaded the collection member %1 (%2 bytes).</source>
        <translation>Das Sammlungsmitglied %1 wurde heruntergeladen (%2 Bytes).</translation>
    </message>
    <message>
        <source>It was redirected to %1.</source>
        <translation>Es wurde nach %1 weitergeleitet.</translation>
    </message>
</context>
<context>
    <name>gh::ImageDerivativeConverter</name>
    <message>
        <source>Gatehouse converts images only; the rule %1 starts from %2.</source>
        <translation>Gatehouse wandelt nur Bilder um; die Regel %1 geht von %2 aus.</translation>
    </message>
    <message>
        <source>This installation cannot write %1 (rule %2).</source>
        <translation>Diese Installation kann %1 nicht schreiben (Regel %2).</translation>
    </message>
    <message>
        <source>Cannot make the %1 copy of %2: %3</source>
        <translation>Die %1-Kopie von %2 kann nicht erstellt werden: %3</translation>
    </message>
    <message>
        <source>The conversion of %1 was cancelled.</source>
        <translation>Die Umwandlung von %1 wurde abgebrochen.</translation>
    </message>
    <message>
        <source>Cannot create the folder %1 for converted copies.</source>
        <translation>Der Ordner %1 für umgewandelte Kopien kann nicht angelegt werden.</translation>
    </message>
    <message>
        <source>Cannot create a converted copy in %1: %2</source>
        <translation>In %1 kann keine umgewandelte Kopie angelegt werden: %2</translation>
    </message>
    <message>
        <source>Cannot write the %1 copy of %2: %3</source>
        <translation>Die %1-Kopie von %2 kann nicht geschrieben werden: %3</translation>
    </message>
</context>
<context>
    <name>gh::ImageProbe</name>
    <message>
        <source>cannot open %1: %2</source>
        <translation>%1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>cannot read the image header of %1: %2</source>
        <translation>der Bild-Header von %1 kann nicht gelesen werden: %2</translation>
    </message>
</context>
<context>
    <name>gh::ImageStatisticsAnalyser</name>
    <message>
        <source>cannot open %1: %2</source>
        <translation>%1 kann nicht geöffnet werden: %2</translation>
    </message>
</context>
<context>
    <name>gh::ImsCpReader</name>
    <message>
        <source>and %1 more</source>
        <translation>und %1 weitere</translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation>Das Laden von %1 wurde abgebrochen.</translation>
    </message>
    <message>
        <source>%1 (line %2): the item &quot;%3&quot; refers to the resource %4, which the manifest does not define.</source>
        <translation>%1 (Zeile %2): Das Item &quot;%3&quot; verweist auf die Ressource %4, die das Manifest nicht definiert.</translation>
    </message>
    <message>
        <source>%1 is not an IMS Content Packaging manifest: its root element is %2 in the namespace &quot;%3&quot;.</source>
        <translation>%1 ist kein Manifest nach IMS Content Packaging: Sein Wurzelelement ist %2 im Namensraum &quot;%3&quot;.</translation>
    </message>
    <message>
        <source>%1 (line %2): the resource identifier %3 is used twice; the second is ignored.</source>
        <translation>%1 (Zeile %2): Die Ressourcenkennung %3 wird zweimal verwendet; die zweite wird ignoriert.</translation>
    </message>
    <message>
        <source>%1 has %2 organizations; the items follow &quot;%3&quot;.</source>
        <translation>%1 hat %2 Organisationen (organizations); die Objekte folgen &quot;%3&quot;.</translation>
    </message>
    <message>
        <source>Resource %1</source>
        <translation>Ressource %1</translation>
    </message>
    <message>
        <source>Files not listed in %1</source>
        <translation>Nicht in %1 aufgeführte Dateien</translation>
    </message>
    <message>
        <source>Read %1 as an IMS content package: %2 items following the organization &quot;%3&quot;, %4 files.</source>
        <translation>%1 als IMS Content Package gelesen: %2 Objekte gemäß der Organisation &quot;%3&quot;, %4 Dateien.</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) in the package are not listed in %1: %2.</source>
        <translation>
            <numerusform>%n Datei im Paket ist nicht in %1 aufgeführt: %2.</numerusform>
            <numerusform>%n Dateien im Paket sind nicht in %1 aufgeführt: %2.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 lists %n file(s) that are missing: %2.</source>
        <translation>
            <numerusform>%1 führt %n Datei auf, die fehlt: %2.</numerusform>
            <numerusform>%1 führt %n Dateien auf, die fehlen: %2.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::IngestRequestIngester</name>
    <message>
        <source>column %1</source>
        <translation>Spalte %1</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation>Das Laden von %1 wurde abgebrochen.</translation>
    </message>
    <message>
        <source>%1 line %2, %3: %4</source>
        <translation>%1 Zeile %2, %3: %4</translation>
    </message>
    <message>
        <source>%1 line %2: an ingest request must be a JSON object.</source>
        <translation>%1 Zeile %2: Eine Übernahmeanfrage muss ein JSON-Objekt sein.</translation>
    </message>
    <message>
        <source>%1 line %2: base_url &quot;%3&quot; is not an http or https URL.</source>
        <translation>%1 Zeile %2: base_url &quot;%3&quot; ist keine http- oder https-URL.</translation>
    </message>
    <message>
        <source>%1 holds %2 ingest requests (JSON lines).</source>
        <translation>%1 enthält %2 Übernahmeanfragen (JSON Lines).</translation>
    </message>
</context>
<context>
    <name>gh::Intake</name>
    <message>
        <source>The source %1 does not exist.</source>
        <translation>Die Quelle %1 existiert nicht.</translation>
    </message>
    <message>
        <source>The source %1 cannot be read: permission denied.</source>
        <translation>Die Quelle %1 kann nicht gelesen werden: Zugriff verweigert.</translation>
    </message>
    <message numerus="yes">
        <source>%n record(s) on the banned list will be skipped.</source>
        <translation>
            <numerusform>%n Datensatz auf der Sperrliste wird übersprungen.</numerusform>
            <numerusform>%n Datensätze auf der Sperrliste werden übersprungen.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message numerus="yes">
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n Objekt</numerusform>
            <numerusform>%n Objekte</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n Datei</numerusform>
            <numerusform>%n Dateien</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::IntakeChain</name>
    <message>
        <source>%1 is a folder.</source>
        <translation>%1 ist ein Ordner.</translation>
    </message>
    <message>
        <source>The source %1 cannot be read: %2</source>
        <translation>Die Quelle %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 is a file; its content is %2.</source>
        <translation>%1 ist eine Datei; ihr Inhalt ist %2.</translation>
    </message>
    <message>
        <source>%1 is named like a %2 archive but is empty.</source>
        <translation>%1 ist wie ein %2-Archiv benannt, aber leer.</translation>
    </message>
    <message>
        <source>%1 is named like a %2 archive, but its content is %3, not a %2 archive.</source>
        <translation>%1 ist wie ein %2-Archiv benannt, aber sein Inhalt ist %3, kein %2-Archiv.</translation>
    </message>
    <message>
        <source>Refused members of %1: %2 (unsafe paths, links, limits or unsupported types); they are listed as files with that status and the reason.</source>
        <translation>Abgelehnte Einträge von %1: %2 (unsichere Pfade, Links, Grenzwerte oder nicht unterstützte Typen); sie werden als Dateien mit diesem Status und dem Grund aufgeführt.</translation>
    </message>
    <message>
        <source>%1 is a %2 archive with %3 entries (files: %4).</source>
        <translation>%1 ist ein %2-Archiv mit %3 Einträgen (Dateien: %4).</translation>
    </message>
    <message>
        <source>Could not use %1 as a %2 package; using the plain listing instead.</source>
        <translation>%1 konnte nicht als %2-Paket verwendet werden; stattdessen wird die einfache Auflistung verwendet.</translation>
    </message>
    <message>
        <source>%1 stage: %2</source>
        <translation>Stufe %1: %2</translation>
    </message>
    <message>
        <source>The source %1 is not a valid URL.</source>
        <translation>Die Quelle %1 ist keine gültige URL.</translation>
    </message>
    <message>
        <source>No temporary folder for downloading %1: %2</source>
        <translation>Kein temporärer Ordner zum Herunterladen von %1: %2</translation>
    </message>
    <message>
        <source>Cannot write the temporary copy %1 of %2: %3</source>
        <translation>Die temporäre Kopie %1 von %2 kann nicht geschrieben werden: %3</translation>
    </message>
    <message>
        <source>%1 was downloaded (%2 bytes, served as %3); its content is %4.</source>
        <translation>%1 wurde heruntergeladen (%2 Bytes, ausgeliefert als %3); sein Inhalt ist %4.</translation>
    </message>
    <message>
        <source>no type</source>
        <translation>kein Typ</translation>
    </message>
    <message>
        <source>It was redirected to %1.</source>
        <translation>Es wurde nach %1 weitergeleitet.</translation>
    </message>
    <message>
        <source>%1 is an archive; Gatehouse loads archives from a local copy, so download it and load the file.</source>
        <translation>%1 ist ein Archiv; Gatehouse lädt Archive aus einer lokalen Kopie. Laden Sie es also herunter und laden Sie dann die Datei.</translation>
    </message>
    <message>
        <source>%1 looks like a %2 manifest, but the %2 reader refused it; it is loaded as a single file.</source>
        <translation>%1 sieht wie ein %2-Manifest aus, aber der %2-Leser hat es abgelehnt; es wird als einzelne Datei geladen.</translation>
    </message>
</context>
<context>
    <name>gh::IssuesModel</name>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Schweregrad</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Ort</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <source>QA flag</source>
        <translation>QA-Markierung</translation>
    </message>
</context>
<context>
    <name>gh::IssuesPanel</name>
    <message>
        <source>Problems</source>
        <translation>Probleme</translation>
    </message>
</context>
<context>
    <name>gh::Jp2Codec</name>
    <message>
        <source>Cannot encode an empty image as JPEG 2000.</source>
        <translation>Ein leeres Bild kann nicht als JPEG 2000 kodiert werden.</translation>
    </message>
    <message>
        <source>openjpeg could not allocate a %1×%2 image.</source>
        <translation>openjpeg konnte kein Bild mit %1×%2 zuweisen.</translation>
    </message>
    <message>
        <source>openjpeg rejected the encoder settings.</source>
        <translation>openjpeg hat die Encoder-Einstellungen zurückgewiesen.</translation>
    </message>
    <message>
        <source>openjpeg failed to encode a %1×%2 image.</source>
        <translation>openjpeg konnte ein Bild mit %1×%2 nicht kodieren.</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>%1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>%1 is not a JPEG 2000 file.</source>
        <translation>%1 ist keine JPEG-2000-Datei.</translation>
    </message>
    <message>
        <source>Cannot open %1 for reading.</source>
        <translation>%1 kann nicht zum Lesen geöffnet werden.</translation>
    </message>
    <message>
        <source>openjpeg could not create a decoder for %1.</source>
        <translation>openjpeg konnte keinen Decoder für %1 anlegen.</translation>
    </message>
    <message>
        <source>openjpeg rejected the decoder settings for %1.</source>
        <translation>openjpeg hat die Decoder-Einstellungen für %1 zurückgewiesen.</translation>
    </message>
    <message>
        <source>The JPEG 2000 header of %1 is damaged: %2</source>
        <translation>Der JPEG-2000-Header von %1 ist beschädigt: %2</translation>
    </message>
    <message>
        <source>%1 would decode to %2×%3 pixels, more than the limit of %4.</source>
        <translation>%1 würde zu %2×%3 Pixeln dekodiert, mehr als die Grenze von %4.</translation>
    </message>
    <message>
        <source>%1 does not offer %2 resolution levels in every tile: %3</source>
        <translation>%1 bietet nicht in jeder Kachel %2 Auflösungsstufen: %3</translation>
    </message>
    <message>
        <source>%1 is damaged or truncated; openjpeg says: %2</source>
        <translation>%1 ist beschädigt oder abgeschnitten; openjpeg meldet: %2</translation>
    </message>
    <message>
        <source>%1 decoded to an empty component.</source>
        <translation>%1 wurde zu einer leeren Komponente dekodiert.</translation>
    </message>
    <message>
        <source>Not enough memory to hold %1 at %2×%3 pixels.</source>
        <translation>Nicht genug Speicher, um %1 mit %2×%3 Pixeln aufzunehmen.</translation>
    </message>
</context>
<context>
    <name>gh::Jp2Structure</name>
    <message>
        <source>the box header at byte %1 is cut off: only %2 bytes remain</source>
        <translation>der Box-Header bei Byte %1 ist unvollständig: nur %2 Bytes sind übrig</translation>
    </message>
    <message>
        <source>the box header at byte %1 cannot be read</source>
        <translation>der Box-Header bei Byte %1 kann nicht gelesen werden</translation>
    </message>
    <message>
        <source>the %1 box at byte %2 has an invalid extended length</source>
        <translation>die %1-Box bei Byte %2 hat eine ungültige erweiterte Länge</translation>
    </message>
    <message>
        <source>the %1 box at byte %2 declares a length of %3 bytes, less than its own header</source>
        <translation>die %1-Box bei Byte %2 gibt eine Länge von %3 Bytes an, weniger als ihr eigener Header</translation>
    </message>
    <message>
        <source>the %1 box at byte %2 declares %3 bytes but only %4 remain: the file is truncated</source>
        <translation>die %1-Box bei Byte %2 gibt %3 Bytes an, aber nur %4 sind übrig: die Datei ist abgeschnitten</translation>
    </message>
    <message>
        <source>it does not start with the JP2 signature box</source>
        <translation>sie beginnt nicht mit der JP2-Signaturbox</translation>
    </message>
    <message>
        <source>it has more than %1 boxes; the rest was not read</source>
        <translation>sie hat mehr als %1 Boxen; der Rest wurde nicht gelesen</translation>
    </message>
    <message>
        <source>the file type box (ftyp) does not follow the signature box; found %1 instead</source>
        <translation>die Dateitypbox (ftyp) folgt nicht auf die Signaturbox; stattdessen wurde %1 gefunden</translation>
    </message>
    <message>
        <source>the file type box is %1 bytes long, which is not a brand, a version and a list of four-byte entries</source>
        <translation>die Dateitypbox ist %1 Bytes lang, was nicht zu einer Marke (brand), einer Version und einer Liste von Vier-Byte-Einträgen passt</translation>
    </message>
    <message>
        <source>the file type box&apos;s brand is &quot;%1&quot;, not &quot;jp2 &quot;</source>
        <translation>die Marke (brand) der Dateitypbox ist &quot;%1&quot;, nicht &quot;jp2 &quot;</translation>
    </message>
    <message>
        <source>the file type box&apos;s compatibility list does not name &quot;jp2 &quot;</source>
        <translation>die Kompatibilitätsliste der Dateitypbox nennt &quot;jp2 &quot; nicht</translation>
    </message>
    <message>
        <source>it has more than one JP2 header box (jp2h)</source>
        <translation>sie hat mehr als eine JP2-Header-Box (jp2h)</translation>
    </message>
    <message>
        <source>the JP2 header box (jp2h) comes after the codestream box</source>
        <translation>die JP2-Header-Box (jp2h) kommt nach der Codestream-Box</translation>
    </message>
    <message>
        <source>the file type box (ftyp) is missing</source>
        <translation>die Dateitypbox (ftyp) fehlt</translation>
    </message>
    <message>
        <source>the JP2 header box (jp2h) is missing</source>
        <translation>die JP2-Header-Box (jp2h) fehlt</translation>
    </message>
    <message>
        <source>there is no contiguous codestream box (jp2c)</source>
        <translation>es gibt keine zusammenhängende Codestream-Box (jp2c)</translation>
    </message>
    <message>
        <source>the JP2 header box holds more than %1 boxes; the rest was not read</source>
        <translation>die JP2-Header-Box enthält mehr als %1 Boxen; der Rest wurde nicht gelesen</translation>
    </message>
    <message>
        <source>the JP2 header box does not start with an image header box (ihdr); found %1</source>
        <translation>die JP2-Header-Box beginnt nicht mit einer Bild-Header-Box (ihdr); gefunden: %1</translation>
    </message>
    <message>
        <source>the JP2 header box has no colour specification box (colr)</source>
        <translation>die JP2-Header-Box hat keine Farbspezifikationsbox (colr)</translation>
    </message>
    <message>
        <source>the image header says bit depths vary by component (BPC 255) but there is no bpcc box</source>
        <translation>der Bild-Header gibt an, dass die Bittiefen je Komponente variieren (BPC 255), aber es gibt keine bpcc-Box</translation>
    </message>
    <message>
        <source>the image header box (ihdr) holds %1 bytes; it must hold 14</source>
        <translation>die Bild-Header-Box (ihdr) enthält %1 Bytes; sie muss 14 enthalten</translation>
    </message>
    <message>
        <source>the image header box (ihdr) cannot be read</source>
        <translation>die Bild-Header-Box (ihdr) kann nicht gelesen werden</translation>
    </message>
    <message>
        <source>the image header gives a size of %1×%2 pixels</source>
        <translation>der Bild-Header gibt eine Größe von %1×%2 Pixeln an</translation>
    </message>
    <message>
        <source>the image header gives no colour components</source>
        <translation>der Bild-Header gibt keine Farbkomponenten an</translation>
    </message>
    <message>
        <source>the image header gives a bit depth of %1, more than 38</source>
        <translation>der Bild-Header gibt eine Bittiefe von %1 an, mehr als 38</translation>
    </message>
    <message>
        <source>the image header&apos;s compression type is %1, not 7 (JPEG 2000)</source>
        <translation>der Kompressionstyp im Bild-Header ist %1, nicht 7 (JPEG 2000)</translation>
    </message>
    <message>
        <source>the image header&apos;s UnkC field is %1; it must be 0 or 1</source>
        <translation>das Feld UnkC im Bild-Header ist %1; es muss 0 oder 1 sein</translation>
    </message>
    <message>
        <source>the image header&apos;s IPR field is %1; it must be 0 or 1</source>
        <translation>das Feld IPR im Bild-Header ist %1; es muss 0 oder 1 sein</translation>
    </message>
    <message>
        <source>the colour specification box (colr) at byte %1 is too short</source>
        <translation>die Farbspezifikationsbox (colr) bei Byte %1 ist zu kurz</translation>
    </message>
    <message>
        <source>the colour specification box (colr) at byte %1 uses an enumerated colour space but holds %2 bytes instead of 7</source>
        <translation>die Farbspezifikationsbox (colr) bei Byte %1 verwendet einen aufgezählten Farbraum, enthält aber %2 Bytes statt 7</translation>
    </message>
    <message>
        <source>the colour specification box (colr) at byte %1 uses method %2; JP2 allows 1 and 2</source>
        <translation>die Farbspezifikationsbox (colr) bei Byte %1 verwendet Methode %2; JP2 erlaubt 1 und 2</translation>
    </message>
    <message>
        <source>the codestream does not start with the SOC and SIZ markers</source>
        <translation>der Codestream beginnt nicht mit den Markern SOC und SIZ</translation>
    </message>
    <message>
        <source>the codestream&apos;s main header has more than %1 marker segments</source>
        <translation>der Haupt-Header des Codestreams hat mehr als %1 Markersegmente</translation>
    </message>
    <message>
        <source>the codestream ends in its main header, at byte %1: the file is truncated</source>
        <translation>der Codestream endet in seinem Haupt-Header, bei Byte %1: die Datei ist abgeschnitten</translation>
    </message>
    <message>
        <source>the codestream&apos;s main header has %1 at byte %2 where a marker should be</source>
        <translation>der Haupt-Header des Codestreams hat %1 bei Byte %2, wo ein Marker stehen sollte</translation>
    </message>
    <message>
        <source>the codestream ends (EOC) before its first tile-part</source>
        <translation>der Codestream endet (EOC) vor seinem ersten Tile-Part</translation>
    </message>
    <message>
        <source>the marker segment %1 at byte %2 runs past the end of the codestream: the file is truncated</source>
        <translation>das Markersegment %1 bei Byte %2 reicht über das Ende des Codestreams hinaus: die Datei ist abgeschnitten</translation>
    </message>
    <message>
        <source>the codestream&apos;s main header has no coding style marker (COD)</source>
        <translation>der Haupt-Header des Codestreams hat keinen Coding-Style-Marker (COD)</translation>
    </message>
    <message>
        <source>the codestream&apos;s main header has no quantization marker (QCD)</source>
        <translation>der Haupt-Header des Codestreams hat keinen Quantisierungsmarker (QCD)</translation>
    </message>
    <message>
        <source>the codestream&apos;s SIZ marker segment is cut off or too short</source>
        <translation>das SIZ-Markersegment des Codestreams ist unvollständig oder zu kurz</translation>
    </message>
    <message>
        <source>the codestream&apos;s SIZ marker segment cannot be read</source>
        <translation>das SIZ-Markersegment des Codestreams kann nicht gelesen werden</translation>
    </message>
    <message>
        <source>the SIZ marker segment is %1 bytes long for %2 components; it must be 38 + 3 per component</source>
        <translation>das SIZ-Markersegment ist für %2 Komponenten %1 Bytes lang; es muss 38 + 3 je Komponente lang sein</translation>
    </message>
    <message>
        <source>the SIZ marker segment gives an empty image (Xsiz %1, XOsiz %2, Ysiz %3, YOsiz %4)</source>
        <translation>das SIZ-Markersegment ergibt ein leeres Bild (Xsiz %1, XOsiz %2, Ysiz %3, YOsiz %4)</translation>
    </message>
    <message>
        <source>the SIZ marker segment&apos;s tile grid does not cover the image</source>
        <translation>das Tile-Raster des SIZ-Markersegments deckt das Bild nicht ab</translation>
    </message>
    <message>
        <source>the SIZ marker segment defines %1 tiles; a codestream can index at most 65535</source>
        <translation>das SIZ-Markersegment definiert %1 Tiles; ein Codestream kann höchstens 65535 indizieren</translation>
    </message>
    <message>
        <source>component %1 has a subsampling factor of 0 in the SIZ marker segment</source>
        <translation>Komponente %1 hat im SIZ-Markersegment einen Unterabtastungsfaktor von 0</translation>
    </message>
    <message>
        <source>the codestream ends at byte %1 without its end marker (EOC): the file is truncated</source>
        <translation>der Codestream endet bei Byte %1 ohne seinen Endmarker (EOC): die Datei ist abgeschnitten</translation>
    </message>
    <message>
        <source>%1 bytes follow the codestream&apos;s end marker (EOC)</source>
        <translation>%1 Bytes folgen auf den Endmarker des Codestreams (EOC)</translation>
    </message>
    <message>
        <source>the codestream has %1 at byte %2 where a tile-part (SOT) or its end (EOC) should be</source>
        <translation>der Codestream hat %1 bei Byte %2, wo ein Tile-Part (SOT) oder sein Ende (EOC) stehen sollte</translation>
    </message>
    <message>
        <source>the codestream has more tile-parts than its %1 tiles can have</source>
        <translation>der Codestream hat mehr Tile-Parts, als seine %1 Tiles haben können</translation>
    </message>
    <message>
        <source>the tile-part header at byte %1 is cut off: the file is truncated</source>
        <translation>der Tile-Part-Header bei Byte %1 ist unvollständig: die Datei ist abgeschnitten</translation>
    </message>
    <message>
        <source>the tile-part header at byte %1 is %2 bytes long; it must be 10</source>
        <translation>der Tile-Part-Header bei Byte %1 ist %2 Bytes lang; er muss 10 Bytes lang sein</translation>
    </message>
    <message>
        <source>the tile-part at byte %1 is for tile %2, but the image has %3 tiles</source>
        <translation>der Tile-Part bei Byte %1 gehört zu Tile %2, aber das Bild hat %3 Tiles</translation>
    </message>
    <message>
        <source>the codestream does not end with its end marker (EOC): the file is truncated</source>
        <translation>der Codestream endet nicht mit seinem Endmarker (EOC): die Datei ist abgeschnitten</translation>
    </message>
    <message>
        <source>tile-part %1 (tile %2) at byte %3 declares %4 bytes but the codestream ends %5 bytes after its start: the file is truncated</source>
        <translation>Tile-Part %1 (Tile %2) bei Byte %3 gibt %4 Bytes an, aber der Codestream endet %5 Bytes nach seinem Beginn: die Datei ist abgeschnitten</translation>
    </message>
    <message>
        <source>the image header says %1×%2 pixels but the codestream says %3×%4</source>
        <translation>der Bild-Header gibt %1×%2 Pixel an, der Codestream aber %3×%4</translation>
    </message>
    <message>
        <source>the image header says %1 components but the codestream has %2</source>
        <translation>der Bild-Header gibt %1 Komponenten an, aber der Codestream hat %2</translation>
    </message>
    <message>
        <source>the JP2 header gives bit depths %1 but the codestream %2</source>
        <translation>der JP2-Header gibt die Bittiefen %1 an, der Codestream aber %2</translation>
    </message>
    <message>
        <source>it is too short to be JPEG 2000 (%1 bytes)</source>
        <translation>sie ist zu kurz für JPEG 2000 (%1 Bytes)</translation>
    </message>
    <message>
        <source>it cannot be opened: %1</source>
        <translation>sie kann nicht geöffnet werden: %1</translation>
    </message>
</context>
<context>
    <name>gh::Jp2StructureCheck</name>
    <message>
        <source>JPEG 2000 files have a sound JP2 structure: signature, file type, header with image header, codestream whose SIZ agrees, all tile-parts and the end marker.</source>
        <translation>JPEG-2000-Dateien haben eine einwandfreie JP2-Struktur: Signatur, Dateityp, Header mit Bild-Header, Codestream mit übereinstimmendem SIZ, alle Tile-Parts und den Endmarker.</translation>
    </message>
    <message>
        <source>%1 is not a sound JPEG 2000 file: %2.</source>
        <translation>%1 ist keine einwandfreie JPEG-2000-Datei: %2.</translation>
    </message>
</context>
<context>
    <name>gh::LibarchiveBackend</name>
    <message>
        <source>%1 is empty, not a %2 archive.</source>
        <translation>%1 ist leer, kein %2-Archiv.</translation>
    </message>
    <message>
        <source>%1 is not a readable %2 archive: %3</source>
        <translation>%1 ist kein lesbares %2-Archiv: %3</translation>
    </message>
    <message>
        <source>%1 is damaged after its member %2 (the file may be truncated): %3</source>
        <translation>%1 ist nach seinem Eintrag %2 beschädigt (die Datei ist möglicherweise abgeschnitten): %3</translation>
    </message>
    <message>
        <source>%1 has no member number %2.</source>
        <translation>%1 hat keinen Eintrag Nummer %2.</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>unbekannter Fehler</translation>
    </message>
</context>
<context>
    <name>gh::ListingIngester</name>
    <message>
        <source>Skipped operating-system files: %1</source>
        <translation>Übersprungene Betriebssystemdateien: %1</translation>
    </message>
    <message>
        <source>%1 holds no files.</source>
        <translation>%1 enthält keine Dateien.</translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation>Das Laden von %1 wurde abgebrochen.</translation>
    </message>
    <message>
        <source>Listed %1: %2 in %3, grouped by folder and name stem; %4.</source>
        <translation>%1 aufgelistet: %2 in %3, gruppiert nach Ordner und Namensstamm; %4.</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n Datei</numerusform>
            <numerusform>%n Dateien</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n Objekt</numerusform>
            <numerusform>%n Objekte</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n checksum file(s) read</source>
        <translation>
            <numerusform>%n Prüfsummendatei gelesen</numerusform>
            <numerusform>%n Prüfsummendateien gelesen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::LocalCopy</name>
    <message>
        <source>%1 no longer exists.</source>
        <translation>%1 existiert nicht mehr.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Reading %1 failed after %2 bytes: %3</source>
        <translation>Das Lesen von %1 ist nach %2 Bytes fehlgeschlagen: %3</translation>
    </message>
    <message>
        <source>%1 changed while it was being copied (%2 bytes read, %3 expected).</source>
        <translation>%1 hat sich während des Kopierens geändert (%2 Bytes gelesen, %3 erwartet).</translation>
    </message>
    <message>
        <source>%1 is no longer a regular file (a folder, a pipe or a device now): not copied.</source>
        <translation>%1 ist keine gewöhnliche Datei mehr (jetzt ein Ordner, eine Pipe oder ein Gerät): nicht kopiert.</translation>
    </message>
</context>
<context>
    <name>gh::LocalStore</name>
    <message>
        <source>Cannot create the store folder %1.</source>
        <translation>Der Speicherordner %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <source>Cannot open %1 in the store %2: %3</source>
        <translation>%1 kann im Speicher %2 nicht geöffnet werden: %3</translation>
    </message>
    <message>
        <source>Cannot remove %1 from the store: %2</source>
        <translation>%1 kann nicht aus dem Speicher entfernt werden: %2</translation>
    </message>
    <message>
        <source>The copy of %1 written to the store reads back differently (sha256 %2; expected %3).</source>
        <translation>Die in den Speicher geschriebene Kopie von %1 liest sich anders zurück (sha256 %2; erwartet %3).</translation>
    </message>
    <message>
        <source>The object was already committed or aborted.</source>
        <translation>Das Objekt wurde bereits festgeschrieben oder verworfen.</translation>
    </message>
    <message>
        <source>Cannot flush the store %1 to disk: %2</source>
        <translation>Der Speicher %1 kann nicht auf die Festplatte geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation>Der Ordner %1 kann nicht angelegt werden.</translation>
    </message>
</context>
<context>
    <name>gh::LocalTarget</name>
    <message>
        <source>The target &quot;%1&quot; names no folder; write local:DIR.</source>
        <translation>Das Ziel &quot;%1&quot; nennt keinen Ordner; schreiben Sie local:DIR.</translation>
    </message>
    <message>
        <source>%1 already holds these bytes.</source>
        <translation>%1 enthält diese Bytes bereits.</translation>
    </message>
    <message>
        <source>%1 already exists with other content (sha256 %2).</source>
        <translation>%1 existiert bereits mit anderem Inhalt (sha256 %2).</translation>
    </message>
    <message>
        <source>%1 changed since it was stored: %2 bytes with sha256 %3 read, %4 bytes with sha256 %5 expected. Nothing was written to %6.</source>
        <translation>%1 hat sich seit dem Speichern geändert: %2 Bytes mit sha256 %3 gelesen, %4 Bytes mit sha256 %5 erwartet. Nach %6 wurde nichts geschrieben.</translation>
    </message>
    <message>
        <source>%1 is missing.</source>
        <translation>%1 fehlt.</translation>
    </message>
    <message>
        <source>%1 differs from what was sent: %2 bytes with sha256 %3, expected %4 bytes with sha256 %5.</source>
        <translation>%1 weicht vom Gesendeten ab: %2 Bytes mit sha256 %3, erwartet %4 Bytes mit sha256 %5.</translation>
    </message>
</context>
<context>
    <name>gh::LogShipper</name>
    <message>
        <source>Cannot copy %1 to %2</source>
        <translation>%1 kann nicht nach %2 kopiert werden</translation>
    </message>
</context>
<context>
    <name>gh::Mailer</name>
    <message>
        <source>No mail server is configured ([mail] smtp_url and to).</source>
        <translation>Es ist kein Mailserver eingerichtet ([mail] smtp_url und to).</translation>
    </message>
    <message>
        <source>Cannot send mail through %1: libcurl did not start.</source>
        <translation>Mail kann nicht über %1 gesendet werden: libcurl ist nicht gestartet.</translation>
    </message>
    <message>
        <source>the server does not offer STARTTLS (add ?starttls=no to smtp_url to send in plain text)</source>
        <translation>der Server bietet kein STARTTLS an (?starttls=no an smtp_url anhängen, um unverschlüsselt zu senden)</translation>
    </message>
    <message>
        <source> (server answered %1)</source>
        <translation> (Server antwortete %1)</translation>
    </message>
    <message>
        <source>Cannot send mail through %1: %2</source>
        <translation>Mail kann nicht über %1 gesendet werden: %2</translation>
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
        <translation>Stapel</translation>
    </message>
    <message>
        <source>Files of the selected batch</source>
        <translation>Dateien des ausgewählten Stapels</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Protokoll</translation>
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
        <translation>A&amp;bbrechen</translation>
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
        <source>Catalog %1 · store %2</source>
        <translation>Katalog %1 · Speicher %2</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>A batch is running; cancel it or wait before opening %1.</source>
        <translation>Ein Stapel läuft; brechen Sie ihn ab oder warten Sie, bevor Sie %1 öffnen.</translation>
    </message>
    <message>
        <source>Opening %1</source>
        <translation>%1 wird geöffnet</translation>
    </message>
    <message>
        <source>Open a batch folder</source>
        <translation>Einen Stapelordner öffnen</translation>
    </message>
    <message>
        <source>Intake trace</source>
        <translation>Annahmeverlauf</translation>
    </message>
    <message>
        <source>Stage</source>
        <translation>Stufe</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>Entscheidung</translation>
    </message>
    <message>
        <source>Open a folder or a file, or drop one on this window.</source>
        <translation>Öffnen Sie einen Ordner oder eine Datei, oder ziehen Sie sie auf dieses Fenster.</translation>
    </message>
    <message>
        <source>Open &amp;File…</source>
        <translation>&amp;Datei öffnen …</translation>
    </message>
    <message>
        <source>Open &amp;Web Address…</source>
        <translation>&amp;Webadresse öffnen …</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen …</translation>
    </message>
    <message>
        <source>Open a batch file</source>
        <translation>Eine Stapeldatei öffnen</translation>
    </message>
    <message>
        <source>Batch sources (*.zip *.tar *.tar.gz *.tgz *.tar.bz2 *.tar.xz *.7z *.xml *.json *.jsonl *.csv *.tsv *.txt);;All files (*)</source>
        <translation>Stapelquellen (*.zip *.tar *.tar.gz *.tgz *.tar.bz2 *.tar.xz *.7z *.xml *.json *.jsonl *.csv *.tsv *.txt);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Settings saved; they apply to the next run.</source>
        <translation>Einstellungen gespeichert; sie gelten ab dem nächsten Lauf.</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>Thumbnails of the selected batch</source>
        <translation>Vorschaubilder des ausgewählten Stapels</translation>
    </message>
    <message>
        <source>Transfers</source>
        <translation>Übertragungen</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>Probleme</translation>
    </message>
    <message>
        <source>Hot folder</source>
        <translation>Hotfolder</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pausieren</translation>
    </message>
    <message>
        <source>&amp;Filter Files</source>
        <translation>Dateien &amp;filtern</translation>
    </message>
    <message>
        <source>As a &amp;Table</source>
        <translation>Als &amp;Tabelle</translation>
    </message>
    <message>
        <source>As T&amp;humbnails</source>
        <translation>Als Vorschau&amp;bilder</translation>
    </message>
    <message>
        <source>&amp;Preview</source>
        <translation>&amp;Vorschau</translation>
    </message>
    <message>
        <source>Show the selected file large (Space in the file list)</source>
        <translation>Die ausgewählte Datei groß anzeigen (Leertaste in der Dateiliste)</translation>
    </message>
    <message>
        <source>&amp;Larger Thumbnails</source>
        <translation>&amp;Größere Vorschaubilder</translation>
    </message>
    <message>
        <source>&amp;Smaller Thumbnails</source>
        <translation>&amp;Kleinere Vorschaubilder</translation>
    </message>
    <message>
        <source>Watching %1</source>
        <translation>%1 wird überwacht</translation>
    </message>
    <message>
        <source>New deliveries in this folder are loaded and run once they stop changing.</source>
        <translation>Neue Lieferungen in diesem Ordner werden geladen und ausgeführt, sobald sie sich nicht mehr ändern.</translation>
    </message>
    <message>
        <source>Re&amp;view Sample…</source>
        <translation>&amp;Stichprobe prüfen…</translation>
    </message>
    <message>
        <source>Review the batch&apos;s QA sample item by item, then approve or reject it</source>
        <translation>Die QA-Stichprobe des Stapels Objekt für Objekt prüfen, dann freigeben oder zurückweisen</translation>
    </message>
    <message>
        <source>Choose a batch to review first.</source>
        <translation>Wählen Sie zuerst einen Stapel zum Prüfen.</translation>
    </message>
    <message>
        <source>State of the selected batch</source>
        <translation>Zustand des ausgewählten Stapels</translation>
    </message>
    <message>
        <source>Problems (%1)</source>
        <translation>Probleme (%1)</translation>
    </message>
    <message>
        <source>Check &amp;Again</source>
        <translation>&amp;Erneut prüfen</translation>
    </message>
    <message>
        <source>Read the batch&apos;s sidecars and manifests again and verify every stored copy; only what changed is copied.</source>
        <translation>Begleitdateien und Manifeste des Stapels erneut lesen und jede gespeicherte Kopie prüfen; nur Geändertes wird kopiert.</translation>
    </message>
    <message>
        <source>Check &amp;Selected Files Again</source>
        <translation>Ausgewählte &amp;Dateien erneut prüfen</translation>
    </message>
    <message>
        <source>Re&amp;name…</source>
        <translation>&amp;Umbenennen…</translation>
    </message>
    <message>
        <source>Arc&amp;hive</source>
        <translation>Arc&amp;hivieren</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>&amp;Löschen…</translation>
    </message>
    <message>
        <source>Show Ar&amp;chived Batches</source>
        <translation>&amp;Archivierte Stapel anzeigen</translation>
    </message>
    <message>
        <source>&amp;Using Gatehouse</source>
        <translation>Gatehouse &amp;benutzen</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Resuming &quot;%1&quot; where it stopped when Gatehouse was closed.</source>
        <translation>„%1“ wird dort fortgesetzt, wo er beim Beenden von Gatehouse stehen blieb.</translation>
    </message>
    <message>
        <source>Resuming…</source>
        <translation>Wird fortgesetzt…</translation>
    </message>
    <message>
        <source>Unarc&amp;hive</source>
        <translation>Aus dem Arc&amp;hiv holen</translation>
    </message>
    <message>
        <source>Opening %1 as a new batch</source>
        <translation>%1 wird als neuer Stapel geöffnet</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>%1 wird geladen…</translation>
    </message>
    <message>
        <source>Already a batch</source>
        <translation>Bereits ein Stapel</translation>
    </message>
    <message>
        <source>This source is already the batch &quot;%1&quot; (loaded %2): %3.</source>
        <translation>Diese Quelle ist bereits der Stapel „%1“ (geladen %2): %3.</translation>
    </message>
    <message>
        <source>Open it as it is; check it again, which reads its sidecars and manifests again, verifies the stored copies and copies only what changed; or load everything again as a new batch.</source>
        <translation>Öffnen Sie ihn, wie er ist; prüfen Sie ihn erneut, was seine Begleitdateien und Manifeste erneut liest, die gespeicherten Kopien prüft und nur Geändertes kopiert; oder laden Sie alles erneut als neuen Stapel.</translation>
    </message>
    <message>
        <source>&amp;Resume Existing Batch</source>
        <translation>Vorhandenen Stapel &amp;fortsetzen</translation>
    </message>
    <message>
        <source>&amp;Open Existing Batch</source>
        <translation>Vorhandenen Stapel ö&amp;ffnen</translation>
    </message>
    <message>
        <source>&amp;New Batch</source>
        <translation>&amp;Neuer Stapel</translation>
    </message>
    <message>
        <source>A batch is running; check again when it has finished.</source>
        <translation>Ein Stapel läuft; prüfen Sie erneut, wenn er fertig ist.</translation>
    </message>
    <message>
        <source>Checking again…</source>
        <translation>Wird erneut geprüft…</translation>
    </message>
    <message numerus="yes">
        <source>Checking %n file(s) again…</source>
        <translation>
            <numerusform>%n Datei wird erneut geprüft…</numerusform>
            <numerusform>%n Dateien werden erneut geprüft…</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing to do: every file of &quot;%1&quot; is done. Check Again (Ctrl+R) reads its sidecars and manifests again.</source>
        <translation>Nichts zu tun: Alle Dateien von „%1“ sind fertig. Erneut prüfen (Strg+R) liest seine Begleitdateien und Manifeste erneut.</translation>
    </message>
    <message>
        <source>Watch a folder for new deliveries</source>
        <translation>Einen Ordner auf neue Lieferungen überwachen</translation>
    </message>
    <message>
        <source>Rename Batch</source>
        <translation>Stapel umbenennen</translation>
    </message>
    <message>
        <source>New name of batch %1:</source>
        <translation>Neuer Name von Stapel %1:</translation>
    </message>
    <message>
        <source>Archived &quot;%1&quot;: it is kept, and View ▸ Show Archived Batches shows it again.</source>
        <translation>„%1“ archiviert: Er bleibt erhalten, und Ansicht ▸ Archivierte Stapel anzeigen zeigt ihn wieder.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is shown on the dashboard again.</source>
        <translation>„%1“ wird in der Übersicht wieder angezeigt.</translation>
    </message>
    <message>
        <source>Delete Batch</source>
        <translation>Stapel löschen</translation>
    </message>
    <message>
        <source>Delete %1?</source>
        <translation>%1 löschen?</translation>
    </message>
    <message>
        <source>The batch, its records and events, its log and the stored copies no other batch uses are removed. This cannot be undone; archiving hides a batch and keeps it.</source>
        <translation>Der Stapel, seine Datensätze und Ereignisse, sein Protokoll und die gespeicherten Kopien, die kein anderer Stapel nutzt, werden entfernt. Das lässt sich nicht rückgängig machen; Archivieren verbirgt einen Stapel und behält ihn.</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <source>Show the Source in the File Manager</source>
        <translation>Quelle im Dateimanager zeigen</translation>
    </message>
    <message>
        <source>Open the Source in the Browser</source>
        <translation>Quelle im Browser öffnen</translation>
    </message>
    <message>
        <source>Copy the Source&apos;s Address</source>
        <translation>Adresse der Quelle kopieren</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>Ö&amp;ffnen</translation>
    </message>
    <message>
        <source>Show the Stored Copy in the File Manager</source>
        <translation>Gespeicherte Kopie im Dateimanager zeigen</translation>
    </message>
    <message>
        <source>Copy SHA-256</source>
        <translation>SHA-256 kopieren</translation>
    </message>
    <message>
        <source>Copy the Stored Copy&apos;s Path</source>
        <translation>Pfad der gespeicherten Kopie kopieren</translation>
    </message>
    <message>
        <source>Only Files &quot;%1&quot;</source>
        <translation>Nur Dateien „%1“</translation>
    </message>
    <message>
        <source>Only Files of Type %1</source>
        <translation>Nur Dateien vom Typ %1</translation>
    </message>
    <message>
        <source>Show All Files</source>
        <translation>Alle Dateien anzeigen</translation>
    </message>
    <message>
        <source>A Batch Is Running</source>
        <translation>Ein Stapel läuft</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is still running.</source>
        <translation>„%1“ läuft noch.</translation>
    </message>
    <message>
        <source>A batch is still running.</source>
        <translation>Ein Stapel läuft noch.</translation>
    </message>
    <message>
        <source>Pause and quit: Gatehouse carries on with it the next time it starts. Stop and quit: it stays as it is, and Resume finishes it later. Files already stored are kept either way.</source>
        <translation>Pausieren und beenden: Gatehouse setzt ihn beim nächsten Start fort. Anhalten und beenden: Er bleibt, wie er ist, und Fortsetzen stellt ihn später fertig. Bereits gespeicherte Dateien bleiben in beiden Fällen erhalten.</translation>
    </message>
    <message>
        <source>&amp;Pause and Quit</source>
        <translation>&amp;Pausieren und beenden</translation>
    </message>
    <message>
        <source>&amp;Stop and Quit</source>
        <translation>&amp;Anhalten und beenden</translation>
    </message>
    <message>
        <source>Preview &amp;Upload of File…</source>
        <translation>Hochladen der Datei in der &amp;Vorschau zeigen…</translation>
    </message>
    <message>
        <source>Duplicates</source>
        <translation>Dubletten</translation>
    </message>
    <message>
        <source>Duplicates (%1 open)</source>
        <translation>Dubletten (%1 offen)</translation>
    </message>
    <message>
        <source>&amp;Go to Duplicates</source>
        <translation>&amp;Zu den Dubletten</translation>
    </message>
</context>
<context>
    <name>gh::ManifestFiles</name>
    <message>
        <source>%1 (line %2)</source>
        <translation>%1 (Zeile %2)</translation>
    </message>
    <message>
        <source>(no location)</source>
        <translation>(kein Speicherort)</translation>
    </message>
    <message>
        <source>%1 lists a file without a location.</source>
        <translation>%1 führt eine Datei ohne Speicherort auf.</translation>
    </message>
    <message>
        <source>%1 lists %2, whose scheme %3 Gatehouse cannot fetch.</source>
        <translation>%1 führt %2 auf, dessen Schema %3 Gatehouse nicht abrufen kann.</translation>
    </message>
    <message>
        <source>%1 lists the absolute path %2; files must be inside the package.</source>
        <translation>%1 führt den absoluten Pfad %2 auf; Dateien müssen im Paket liegen.</translation>
    </message>
    <message>
        <source>%1 lists %2, which is outside the package.</source>
        <translation>%1 führt %2 auf, das außerhalb des Pakets liegt.</translation>
    </message>
    <message>
        <source>%1 lists %2, which is not in the package.</source>
        <translation>%1 führt %2 auf, das nicht im Paket enthalten ist.</translation>
    </message>
    <message>
        <source>%1 lists %2, which is outside the manifest&apos;s folder %3; it was not read.</source>
        <translation>%1 führt %2 auf, das außerhalb des Manifestordners %3 liegt; es wurde nicht gelesen.</translation>
    </message>
    <message>
        <source>%1 lists %2, which does not exist.</source>
        <translation>%1 führt %2 auf, das nicht existiert.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 is %2 bytes, more than the %3 bytes allowed for an XML manifest.</source>
        <translation>%1 ist %2 Bytes groß, mehr als die %3 Bytes, die für ein XML-Manifest erlaubt sind.</translation>
    </message>
    <message>
        <source>%1 lists %2 inside the archive %3, which cannot be opened: %4</source>
        <translation>%1 führt %2 im Archiv %3 auf, das nicht geöffnet werden kann: %4</translation>
    </message>
    <message>
        <source>%1 lists %2 inside the archive %3, which does not hold it.</source>
        <translation>%1 führt %2 im Archiv %3 auf, das diesen Eintrag nicht enthält.</translation>
    </message>
</context>
<context>
    <name>gh::MediaWikiApi</name>
    <message>
        <source>The wiki refused a request of %1 bytes as too large (HTTP 413).</source>
        <translation>Das Wiki hat eine Anfrage mit %1 Bytes als zu groß abgelehnt (HTTP 413).</translation>
    </message>
    <message>
        <source>The wiki answered HTTP %1 to action=%2.</source>
        <translation>Das Wiki hat auf action=%2 mit HTTP %1 geantwortet.</translation>
    </message>
    <message>
        <source>The wiki dropped a request of %1 bytes: it is larger than the server accepts in one request.</source>
        <translation>Das Wiki hat eine Anfrage mit %1 Bytes verworfen: Sie ist größer, als der Server in einer Anfrage annimmt.</translation>
    </message>
    <message>
        <source>The wiki answered action=%1 with something other than the API&apos;s JSON (HTTP %2, %3 bytes starting &quot;%4&quot;).</source>
        <translation>Das Wiki hat auf action=%1 mit etwas anderem als dem JSON der API geantwortet (HTTP %2, %3 Bytes, beginnend mit &quot;%4&quot;).</translation>
    </message>
    <message>
        <source>The wiki refused action=%1: %2 (%3).</source>
        <translation>Das Wiki hat action=%1 abgelehnt: %2 (%3).</translation>
    </message>
    <message>
        <source>The wiki is lagged (%1); waiting as it asks.</source>
        <translation>Das Wiki ist im Verzug (%1); es wird wie verlangt gewartet.</translation>
    </message>
    <message>
        <source>(no reason given)</source>
        <translation>(kein Grund angegeben)</translation>
    </message>
</context>
<context>
    <name>gh::MediaWikiClient</name>
    <message>
        <source>%1 %2 Gave up after the retries.</source>
        <translation>%1 %2 Nach den Wiederholungen aufgegeben.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>No account to upload to %1 with: set GATEHOUSE_MEDIAWIKI_USER and GATEHOUSE_MEDIAWIKI_PASSWORD (a bot password from Special:BotPasswords), the [mediawiki] user and password settings, or store the password in the desktop keyring.</source>
        <translation>Kein Konto zum Hochladen nach %1: Setzen Sie GATEHOUSE_MEDIAWIKI_USER und GATEHOUSE_MEDIAWIKI_PASSWORD (ein Bot-Passwort von Special:BotPasswords), die Einstellungen user und password unter [mediawiki], oder legen Sie das Passwort im Schlüsselbund des Desktops ab.</translation>
    </message>
    <message>
        <source>%1 gave no login token.</source>
        <translation>%1 hat kein Login-Token geliefert.</translation>
    </message>
    <message>
        <source>%1 refused the login of %2: %3 (Use a bot password from Special:BotPasswords; the user is written Name@appid.)</source>
        <translation>%1 hat die Anmeldung von %2 abgelehnt: %3 (Verwenden Sie ein Bot-Passwort von Special:BotPasswords; der Benutzer wird Name@appid geschrieben.)</translation>
    </message>
    <message>
        <source>%1 gave no edit token after the login of %2.</source>
        <translation>%1 hat nach der Anmeldung von %2 kein Bearbeitungstoken geliefert.</translation>
    </message>
    <message>
        <source>%1 lost the session of %2 %3 times in a row, even right after logging in; stopping. Check that the bot password has the upload grants and that the wiki keeps sessions.</source>
        <translation>%1 hat die Sitzung von %2 %3-mal hintereinander verloren, selbst direkt nach der Anmeldung; Abbruch. Prüfen Sie, ob das Bot-Passwort die Rechte zum Hochladen hat und das Wiki Sitzungen beibehält.</translation>
    </message>
</context>
<context>
    <name>gh::MediaWikiTarget</name>
    <message>
        <source>The target &quot;%1&quot; is not a wiki&apos;s API address; write mediawiki:https://host/w/api.php.</source>
        <translation>Das Ziel &quot;%1&quot; ist keine API-Adresse eines Wikis; schreiben Sie mediawiki:https://host/w/api.php.</translation>
    </message>
    <message>
        <source>The target &quot;%1&quot; must name the wiki&apos;s api.php, as in mediawiki:https://host/w/api.php.</source>
        <translation>Das Ziel &quot;%1&quot; muss die api.php des Wikis nennen, wie in mediawiki:https://host/w/api.php.</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Abgebrochen.</translation>
    </message>
    <message>
        <source>Read %1 of the %2 bytes of %3.</source>
        <translation>%1 der %2 Bytes von %3 gelesen.</translation>
    </message>
    <message>
        <source>Cannot read bytes %1 to %2 of %3.</source>
        <translation>Die Bytes %1 bis %2 von %3 können nicht gelesen werden.</translation>
    </message>
    <message>
        <source>%1 answered a chunk of %2 unexpectedly: %3</source>
        <translation>%1 hat unerwartet auf einen Teil von %2 geantwortet: %3</translation>
    </message>
    <message>
        <source>%1 has been processing %2 for %3 s (stage %4); giving up for now.</source>
        <translation>%1 verarbeitet %2 seit %3 s (Stufe %4); vorerst aufgegeben.</translation>
    </message>
    <message>
        <source>%1 gave an answer Gatehouse does not understand for %2: %3</source>
        <translation>%1 hat für %2 eine Antwort gegeben, die Gatehouse nicht versteht: %3</translation>
    </message>
    <message>
        <source>%1 is missing after the upload.</source>
        <translation>%1 fehlt nach dem Hochladen.</translation>
    </message>
    <message>
        <source>%1 holds other bytes than were sent: %2 bytes with SHA-1 %3, expected %4 bytes with SHA-1 %5.</source>
        <translation>%1 enthält andere Bytes als gesendet: %2 Bytes mit SHA-1 %3, erwartet %4 Bytes mit SHA-1 %5.</translation>
    </message>
    <message>
        <source>Cannot delete File:%1 from %2: %3 (%4).</source>
        <translation>File:%1 kann nicht aus %2 gelöscht werden: %3 (%4).</translation>
    </message>
</context>
<context>
    <name>gh::MediaWikiTitle</name>
    <message>
        <source>The title template &quot;%1&quot; gives no usable name for %2.</source>
        <translation>Die Titelvorlage &quot;%1&quot; ergibt für %2 keinen brauchbaren Namen.</translation>
    </message>
</context>
<context>
    <name>gh::MetadataPane</name>
    <message>
        <source>no language</source>
        <translation>keine Sprache</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>In other languages:</source>
        <translation>In anderen Sprachen:</translation>
    </message>
    <message>
        <source>IIIF version</source>
        <translation>IIIF-Version</translation>
    </message>
    <message>
        <source>IIIF manifest</source>
        <translation>IIIF-Manifest</translation>
    </message>
    <message>
        <source>Metadata format</source>
        <translation>Metadatenformat</translation>
    </message>
    <message>
        <source>Required statement</source>
        <translation>Pflichtangabe</translation>
    </message>
    <message>
        <source>Navigation date</source>
        <translation>Navigationsdatum</translation>
    </message>
    <message>
        <source>Bag info</source>
        <translation>Bag-Info</translation>
    </message>
    <message>
        <source>Ingest request</source>
        <translation>Übernahmeanfrage</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Metadata</source>
        <translation>Metadaten</translation>
    </message>
    <message>
        <source>METS structure</source>
        <translation>METS-Struktur</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>Stapel</translation>
    </message>
    <message>
        <source>Film</source>
        <translation>Film</translation>
    </message>
    <message>
        <source>Newspaper</source>
        <translation>Zeitung</translation>
    </message>
    <message>
        <source>Line in the source</source>
        <translation>Zeile in der Quelle</translation>
    </message>
    <message>
        <source>(no label)</source>
        <translation>(ohne Bezeichnung)</translation>
    </message>
    <message>
        <source>Identifier</source>
        <translation>Kennung</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Bezeichnung</translation>
    </message>
    <message>
        <source>The source gave no descriptive metadata for this item.</source>
        <translation>Die Quelle hat für dieses Objekt keine beschreibenden Metadaten angegeben.</translation>
    </message>
    <message>
        <source>%1 (%2 bytes)</source>
        <translation>%1 (%2 Bytes)</translation>
    </message>
    <message>
        <source>not computed yet</source>
        <translation>noch nicht berechnet</translation>
    </message>
    <message>
        <source>matches</source>
        <translation>stimmt überein</translation>
    </message>
    <message>
        <source>differs from the computed %1: %2</source>
        <translation>weicht vom berechneten %1-Wert ab: %2</translation>
    </message>
    <message>
        <source>unknown time</source>
        <translation>Zeitpunkt unbekannt</translation>
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
        <translation>Versuche</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>Verarbeitet</translation>
    </message>
    <message>
        <source>the source declared %1</source>
        <translation>die Quelle gab %1 an</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Size (declared)</source>
        <translation>Größe (angegeben)</translation>
    </message>
    <message>
        <source>(sniffed from the content)</source>
        <translation>(aus dem Inhalt erkannt)</translation>
    </message>
    <message>
        <source>(declared by the source)</source>
        <translation>(von der Quelle angegeben)</translation>
    </message>
    <message>
        <source>The declared type disagrees with the content.</source>
        <translation>Der angegebene Typ passt nicht zum Inhalt.</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Dimensions</source>
        <translation>Abmessungen</translation>
    </message>
    <message>
        <source>Digests</source>
        <translation>Hashwerte</translation>
    </message>
    <message>
        <source>the source</source>
        <translation>der Quelle</translation>
    </message>
    <message>
        <source>Declared checksums</source>
        <translation>Angegebene Prüfsummen</translation>
    </message>
    <message>
        <source>from %1</source>
        <translation>aus %1</translation>
    </message>
    <message>
        <source>Stored as</source>
        <translation>Gespeichert als</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>Pfad</translation>
    </message>
    <message>
        <source>Archive member</source>
        <translation>Archiveintrag</translation>
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
        <translation>Endgültige URL</translation>
    </message>
    <message>
        <source>Redirects (%1)</source>
        <translation>Weiterleitungen (%1)</translation>
    </message>
    <message>
        <source>Nothing has happened to this file yet.</source>
        <translation>Mit dieser Datei ist noch nichts geschehen.</translation>
    </message>
    <message>
        <source>file</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>item</source>
        <translation>Objekt</translation>
    </message>
    <message>
        <source>batch</source>
        <translation>Stapel</translation>
    </message>
    <message>
        <source>unknown agent</source>
        <translation>unbekannter Akteur</translation>
    </message>
    <message>
        <source>File metadata</source>
        <translation>Dateimetadaten</translation>
    </message>
    <message>
        <source>Select a file to see its metadata.</source>
        <translation>Wählen Sie eine Datei aus, um ihre Metadaten zu sehen.</translation>
    </message>
    <message>
        <source>No file selected</source>
        <translation>Keine Datei ausgewählt</translation>
    </message>
    <message>
        <source>Descriptive metadata</source>
        <translation>Beschreibende Metadaten</translation>
    </message>
    <message>
        <source>Technical metadata</source>
        <translation>Technische Metadaten</translation>
    </message>
    <message>
        <source>Provenance</source>
        <translation>Provenienz</translation>
    </message>
    <message>
        <source>&amp;Descriptive</source>
        <translation>&amp;Beschreibend</translation>
    </message>
    <message>
        <source>&amp;Technical</source>
        <translation>&amp;Technisch</translation>
    </message>
    <message>
        <source>Pro&amp;venance</source>
        <translation>&amp;Provenienz</translation>
    </message>
    <message>
        <source>no copy of the file on this machine</source>
        <translation>keine Kopie der Datei auf diesem Rechner</translation>
    </message>
    <message>
        <source>reading…</source>
        <translation>wird gelesen …</translation>
    </message>
    <message>
        <source>%1 × %2 pixels</source>
        <translation>%1 × %2 Pixel</translation>
    </message>
    <message>
        <source>unknown (%1)</source>
        <translation>unbekannt (%1)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>Quality</source>
        <translation>Qualität</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>Befunde</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>Bild</translation>
    </message>
    <message>
        <source>Histogram</source>
        <translation>Histogramm</translation>
    </message>
    <message>
        <source>Peak / mean</source>
        <translation>Spitze / Mittelwert</translation>
    </message>
    <message>
        <source>%1 / %2 of 255</source>
        <translation>%1 / %2 von 255</translation>
    </message>
    <message>
        <source>Sampled at</source>
        <translation>Ausgewertet bei</translation>
    </message>
    <message>
        <source>%1 × %2 pixels (%3 levels reduced)</source>
        <translation>%1 × %2 Pixel (um %3 Stufen reduziert)</translation>
    </message>
</context>
<context>
    <name>gh::MetsReader</name>
    <message>
        <source>and %1 more</source>
        <translation>und %1 weitere</translation>
    </message>
    <message>
        <source>%1 (line %2): the dmdSec %3 refers to external metadata (mdRef), which is not read.</source>
        <translation>%1 (Zeile %2): Die dmdSec %3 verweist auf externe Metadaten (mdRef), die nicht gelesen werden.</translation>
    </message>
    <message>
        <source>%1 (line %2): the dmdSec %3 holds neither MODS nor Dublin Core; its metadata is not read.</source>
        <translation>%1 (Zeile %2): Die dmdSec %3 enthält weder MODS noch Dublin Core; ihre Metadaten werden nicht gelesen.</translation>
    </message>
    <message>
        <source>%1 (line %2): the file ID %3 is used twice; the second is ignored.</source>
        <translation>%1 (Zeile %2): Die Datei-ID %3 wird zweimal verwendet; die zweite wird ignoriert.</translation>
    </message>
    <message>
        <source>%1 (line %2): the file %3 has no location.</source>
        <translation>%1 (Zeile %2): Die Datei %3 hat keinen Speicherort.</translation>
    </message>
    <message>
        <source>%1 (line %2): the file %3 is embedded in the METS document (FContent), which Gatehouse does not extract.</source>
        <translation>%1 (Zeile %2): Die Datei %3 ist in das METS-Dokument eingebettet (FContent), was Gatehouse nicht extrahiert.</translation>
    </message>
    <message>
        <source>%1 (line %2): the SIZE %3 of %4 is not a number of bytes.</source>
        <translation>%1 (Zeile %2): Die SIZE %3 von %4 ist keine Anzahl von Bytes.</translation>
    </message>
    <message>
        <source>%1 (line %2) declares %3 bytes for %4, but the file has %5 bytes.</source>
        <translation>%1 (Zeile %2) gibt %3 Bytes für %4 an, aber die Datei hat %5 Bytes.</translation>
    </message>
    <message>
        <source>%1 (line %2): the checksum type &quot;%3&quot; of %4 is not one Gatehouse verifies (MD5, SHA-1, SHA-256, SHA-512); it is ignored.</source>
        <translation>%1 (Zeile %2): Der Prüfsummentyp &quot;%3&quot; von %4 gehört nicht zu denen, die Gatehouse verifiziert (MD5, SHA-1, SHA-256, SHA-512); er wird ignoriert.</translation>
    </message>
    <message>
        <source>%1 (line %2): the %3 checksum &quot;%4&quot; of %5 is malformed; it is ignored.</source>
        <translation>%1 (Zeile %2): Die %3-Prüfsumme &quot;%4&quot; von %5 ist fehlerhaft; sie wird ignoriert.</translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation>Das Laden von %1 wurde abgebrochen.</translation>
    </message>
    <message>
        <source>%1 is not a METS document: its root element is %2 in the namespace &quot;%3&quot;.</source>
        <translation>%1 ist kein METS-Dokument: Sein Wurzelelement ist %2 im Namensraum &quot;%3&quot;.</translation>
    </message>
    <message>
        <source>%1 has no structure map (structMap with a div); METS requires one.</source>
        <translation>%1 hat keine Strukturkarte (structMap mit einem div); METS verlangt eine.</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>Files not in the structure map</source>
        <translation>Dateien, die nicht in der Strukturkarte stehen</translation>
    </message>
    <message>
        <source>Files not listed in %1</source>
        <translation>Nicht in %1 aufgeführte Dateien</translation>
    </message>
    <message>
        <source>%1: the structure map points to file IDs the fileSec does not define: %2.</source>
        <translation>%1: Die Strukturkarte verweist auf Datei-IDs, die die fileSec nicht definiert: %2.</translation>
    </message>
    <message>
        <source>Read %1 as METS: %2 items from the %3 structure map (%4 divisions), %5 files.</source>
        <translation>%1 als METS gelesen: %2 Objekte aus der Strukturkarte %3 (%4 Abschnitte), %5 Dateien.</translation>
    </message>
    <message>
        <source>untyped</source>
        <translation>ohne Typ</translation>
    </message>
    <message numerus="yes">
        <source>%1 lists %n file(s) that no division of the structure map points to: %2.</source>
        <translation>
            <numerusform>%1 führt %n Datei auf, auf die kein Abschnitt der Strukturkarte verweist: %2.</numerusform>
            <numerusform>%1 führt %n Dateien auf, auf die kein Abschnitt der Strukturkarte verweist: %2.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) in the package are not listed in %1: %2.</source>
        <translation>
            <numerusform>%n Datei im Paket ist nicht in %1 aufgeführt: %2.</numerusform>
            <numerusform>%n Dateien im Paket sind nicht in %1 aufgeführt: %2.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 lists %n file(s) that are missing: %2.</source>
        <translation>
            <numerusform>%1 führt %n Datei auf, die fehlt: %2.</numerusform>
            <numerusform>%1 führt %n Dateien auf, die fehlen: %2.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::MimetypeExtensionCheck</name>
    <message>
        <source>The type of each file&apos;s content agrees with the type its extension says.</source>
        <translation>Der Typ des Inhalts jeder Datei stimmt mit dem Typ überein, den ihre Endung angibt.</translation>
    </message>
    <message>
        <source>%1: the content is %2 (%3), but the extension &quot;%4&quot; says %5.</source>
        <translation>%1: Der Inhalt ist %2 (%3), aber die Endung &quot;%4&quot; gibt %5 an.</translation>
    </message>
    <message>
        <source>%1: the content is not a %2 file: its bytes begin with no known signature.</source>
        <translation>%1: Der Inhalt ist keine Datei vom Typ %2: Ihre Bytes beginnen mit keiner bekannten Signatur.</translation>
    </message>
</context>
<context>
    <name>gh::NameTemplate</name>
    <message>
        <source>The template &quot;%1&quot; has {%2}: the part after &quot;:&quot; must be a number of characters, as in {%3:100}.</source>
        <translation>Die Vorlage &quot;%1&quot; enthält {%2}: Der Teil nach &quot;:&quot; muss eine Anzahl Zeichen sein, wie in {%3:100}.</translation>
    </message>
</context>
<context>
    <name>gh::NewspaperBatchIngester</name>
    <message>
        <source>and %1 more</source>
        <translation>und %1 weitere</translation>
    </message>
    <message>
        <source>%1 is not laid out as a newspaper batch.</source>
        <translation>%1 ist nicht wie ein Zeitungsstapel aufgebaut.</translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation>Das Laden von %1 wurde abgebrochen.</translation>
    </message>
    <message>
        <source>The page %1 has no page number in its file name or MODS.</source>
        <translation>Die Seite %1 hat weder im Dateinamen noch in MODS eine Seitenzahl.</translation>
    </message>
    <message>
        <source>The page %1 has no %2 file: %3 is missing from the batch.</source>
        <translation>Die Seite %1 hat keine %2-Datei: %3 fehlt im Stapel.</translation>
    </message>
    <message>
        <source>%1 (missing %2)</source>
        <translation>%1 (fehlt: %2)</translation>
    </message>
    <message>
        <source>%1 pages lack one of their four files (jp2, mix, mods, alto): %2.</source>
        <translation>%1 Seiten fehlt eine ihrer vier Dateien (jp2, mix, mods, alto): %2.</translation>
    </message>
    <message>
        <source>%1 files are outside the newspaper batch layout; they are included with the folder they are in: %2.</source>
        <translation>%1 Dateien liegen außerhalb der Struktur des Zeitungsstapels; sie werden mit dem Ordner aufgenommen, in dem sie liegen: %2.</translation>
    </message>
    <message>
        <source>%1 files have no .md5 checksum file: %2.</source>
        <translation>%1 Dateien haben keine .md5-Prüfsummendatei: %2.</translation>
    </message>
    <message>
        <source>Film folders whose number is not the batch&apos;s (%1): %2.</source>
        <translation>Filmordner, deren Nummer nicht die des Stapels (%1) ist: %2.</translation>
    </message>
    <message>
        <source>Read %1 as newspaper batch %2, roundtrip %3: %4, %5, %6; %7, %8; %9.</source>
        <translation>%1 als Zeitungsstapel %2 gelesen, Durchgang %3: %4, %5, %6; %7, %8; %9.</translation>
    </message>
    <message numerus="yes">
        <source>%n film(s)</source>
        <translation>
            <numerusform>%n Film</numerusform>
            <numerusform>%n Filme</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n edition(s)</source>
        <translation>
            <numerusform>%n Ausgabe</numerusform>
            <numerusform>%n Ausgaben</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n page(s)</source>
        <translation>
            <numerusform>%n Seite</numerusform>
            <numerusform>%n Seiten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n Objekt</numerusform>
            <numerusform>%n Objekte</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n Datei</numerusform>
            <numerusform>%n Dateien</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n checksum file(s) read</source>
        <translation>
            <numerusform>%n Prüfsummendatei gelesen</numerusform>
            <numerusform>%n Prüfsummendateien gelesen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::OcrConfidenceCheck</name>
    <message>
        <source>The mean word confidence (WC) of each ALTO file reaches the profile&apos;s threshold.</source>
        <translation>Die mittlere Wortkonfidenz (WC) jeder ALTO-Datei erreicht den Schwellenwert des Profils.</translation>
    </message>
    <message>
        <source>%1: the mean OCR word confidence is %2 over %3 words, below %4.</source>
        <translation>%1: Die mittlere OCR-Wortkonfidenz beträgt %2 über %3 Wörter, unter %4.</translation>
    </message>
</context>
<context>
    <name>gh::PageSequenceCheck</name>
    <message>
        <source>The pages of every newspaper edition are numbered from 1, consecutively, with no number twice, and MODS agrees with the file names.</source>
        <translation>Die Seiten jeder Zeitungsausgabe sind fortlaufend ab 1 nummeriert, keine Nummer kommt zweimal vor, und MODS stimmt mit den Dateinamen überein.</translation>
    </message>
    <message>
        <source>%1: MODS gives page %2, but the file name says page %3.</source>
        <translation>%1: MODS gibt Seite %2 an, aber der Dateiname nennt Seite %3.</translation>
    </message>
    <message>
        <source>%1: page %2 of edition %3 is there twice; %4 has the same number.</source>
        <translation>%1: Seite %2 von Ausgabe %3 ist doppelt vorhanden; %4 hat dieselbe Nummer.</translation>
    </message>
    <message>
        <source>page %1</source>
        <translation>Seite %1</translation>
    </message>
    <message>
        <source>pages %1 to %2</source>
        <translation>Seiten %1 bis %2</translation>
    </message>
    <message>
        <source>%1: edition %2 does not start at page 1: %3 is missing, the first page is %4.</source>
        <translation>%1: Ausgabe %2 beginnt nicht bei Seite 1 (nicht vorhanden: %3); die erste Seite ist %4.</translation>
    </message>
    <message>
        <source>%1: edition %2 has no %3: the pages go from %4 to %5.</source>
        <translation>%1: Ausgabe %2 ist lückenhaft (nicht vorhanden: %3); die Seiten reichen von %4 bis %5.</translation>
    </message>
</context>
<context>
    <name>gh::PageText</name>
    <message>
        <source>Cannot read the page template %1: %2</source>
        <translation>Die Seitenvorlage %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>The page template %1 is not UTF-8 text.</source>
        <translation>Die Seitenvorlage %1 ist kein UTF-8-Text.</translation>
    </message>
</context>
<context>
    <name>gh::Preferences</name>
    <message>
        <source>the settings</source>
        <translation>die Einstellungen</translation>
    </message>
</context>
<context>
    <name>gh::PremisWriter</name>
    <message>
        <source>The %1 stage of Gatehouse</source>
        <translation>Die Stufe %1 von Gatehouse</translation>
    </message>
    <message>
        <source>Writing the PREMIS document failed: %1</source>
        <translation>Das Schreiben des PREMIS-Dokuments ist fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>gh::PreviewWidget</name>
    <message>
        <source>Preview image</source>
        <translation>Bild in der Vorschau</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Vorschau</translation>
    </message>
    <message>
        <source>Previous page</source>
        <translation>Vorherige Seite</translation>
    </message>
    <message>
        <source>Previous page (Page Up)</source>
        <translation>Vorherige Seite (Bild auf)</translation>
    </message>
    <message>
        <source>Next page</source>
        <translation>Nächste Seite</translation>
    </message>
    <message>
        <source>Next page (Page Down)</source>
        <translation>Nächste Seite (Bild ab)</translation>
    </message>
    <message>
        <source>Page</source>
        <translation>Seite</translation>
    </message>
    <message>
        <source>File shown</source>
        <translation>Angezeigte Datei</translation>
    </message>
    <message>
        <source>−</source>
        <translation>−</translation>
    </message>
    <message>
        <source>Zoom out (-)</source>
        <translation>Verkleinern (-)</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>Verkleinern</translation>
    </message>
    <message>
        <source>+</source>
        <translation>+</translation>
    </message>
    <message>
        <source>Zoom in (+)</source>
        <translation>Vergrößern (+)</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>Vergrößern</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Einpassen</translation>
    </message>
    <message>
        <source>Fit to window (F)</source>
        <translation>An Fenster anpassen (F)</translation>
    </message>
    <message>
        <source>100%</source>
        <translation>100%</translation>
    </message>
    <message>
        <source>Actual size (1)</source>
        <translation>Originalgröße (1)</translation>
    </message>
    <message>
        <source>Actual size</source>
        <translation>Originalgröße</translation>
    </message>
    <message>
        <source>Select a file to preview it.</source>
        <translation>Wählen Sie eine Datei aus, um sie in der Vorschau zu sehen.</translation>
    </message>
    <message>
        <source>%1 is not on this machine yet.</source>
        <translation>%1 ist noch nicht auf diesem Rechner.</translation>
    </message>
    <message>
        <source>Loading %1 …</source>
        <translation>%1 wird geladen …</translation>
    </message>
    <message>
        <source>No preview: %1</source>
        <translation>Keine Vorschau: %1</translation>
    </message>
    <message>
        <source>Page %1 of %2</source>
        <translation>Seite %1 von %2</translation>
    </message>
    <message>
        <source>Actual size (1) — now %1%</source>
        <translation>Originalgröße (1) — jetzt %1%</translation>
    </message>
    <message>
        <source>Files of this item</source>
        <translation>Dateien dieses Objekts</translation>
    </message>
    <message>
        <source>Every file of this item: its pages and its metadata</source>
        <translation>Alle Dateien dieses Objekts: seine Seiten und seine Metadaten</translation>
    </message>
    <message>
        <source>File content</source>
        <translation>Inhalt der Datei</translation>
    </message>
    <message>
        <source>[Only the first %1 are shown.]</source>
        <translation>[Nur die ersten %1 werden angezeigt.]</translation>
    </message>
</context>
<context>
    <name>gh::Problems</name>
    <message>
        <source>The source could not be loaded: %1</source>
        <translation>Die Quelle konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Loading the source was interrupted; Run or Resume loads it again.</source>
        <translation>Das Laden der Quelle wurde unterbrochen; Ausführen oder fortsetzen lädt sie erneut.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>The %1 stage could not run.</source>
        <translation>Der Schritt %1 konnte nicht laufen.</translation>
    </message>
    <message numerus="yes">
        <source>Gatehouse stopped during this stage with %n file(s) still to do; Run or Resume continues.</source>
        <translation>
            <numerusform>Gatehouse hielt in diesem Schritt an, %n Datei steht noch aus; Ausführen oder fortsetzen macht weiter.</numerusform>
            <numerusform>Gatehouse hielt in diesem Schritt an, %n Dateien stehen noch aus; Ausführen oder fortsetzen macht weiter.</numerusform>
        </translation>
    </message>
    <message>
        <source>Gatehouse stopped during this stage; Run or Resume continues.</source>
        <translation>Gatehouse hielt in diesem Schritt an; Ausführen oder fortsetzen macht weiter.</translation>
    </message>
    <message numerus="yes">
        <source>The run stopped with %n file(s) still to do; Run or Resume continues.</source>
        <translation>
            <numerusform>Der Lauf hielt an, %n Datei steht noch aus; Ausführen oder fortsetzen macht weiter.</numerusform>
            <numerusform>Der Lauf hielt an, %n Dateien stehen noch aus; Ausführen oder fortsetzen macht weiter.</numerusform>
        </translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>Stapel</translation>
    </message>
    <message>
        <source>Intake warning</source>
        <translation>Annahmewarnung</translation>
    </message>
    <message>
        <source>%1 failed</source>
        <translation>%1 fehlgeschlagen</translation>
    </message>
    <message>
        <source>%1 not finished</source>
        <translation>%1 nicht fertig</translation>
    </message>
    <message>
        <source>No problems</source>
        <translation>Keine Probleme</translation>
    </message>
    <message numerus="yes">
        <source>%n problem(s)</source>
        <translation>
            <numerusform>%n Problem</numerusform>
            <numerusform>%n Probleme</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n error(s)</source>
        <translation>
            <numerusform>%n Fehler</numerusform>
            <numerusform>%n Fehler</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n warning(s)</source>
        <translation>
            <numerusform>%n Warnung</numerusform>
            <numerusform>%n Warnungen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n QA flag(s)</source>
        <translation>
            <numerusform>%n QA-Markierung</numerusform>
            <numerusform>%n QA-Markierungen</numerusform>
        </translation>
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
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Cancel the running stage</source>
        <translation>Die laufende Stufe abbrechen</translation>
    </message>
    <message>
        <source>Stop after the files in progress; the rest stay pending and resume next time.</source>
        <translation>Nach den Dateien in Bearbeitung anhalten; der Rest bleibt ausstehend und wird beim nächsten Mal fortgesetzt.</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen …</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>noch %1</translation>
    </message>
    <message>
        <source>problems: %1</source>
        <translation>Probleme: %1</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Wird gestartet …</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>Check A&amp;gain</source>
        <translation>Erneut &amp;prüfen</translation>
    </message>
    <message>
        <source>State of the selected batch</source>
        <translation>Zustand des ausgewählten Stapels</translation>
    </message>
    <message>
        <source>Resume the batch</source>
        <translation>Stapel fortsetzen</translation>
    </message>
    <message>
        <source>Carry on where the batch stopped: every stage with work left goes on (F5).</source>
        <translation>Dort weitermachen, wo der Stapel angehalten hat: jede Stufe mit offener Arbeit läuft weiter (F5).</translation>
    </message>
    <message>
        <source>Check the batch again</source>
        <translation>Stapel erneut prüfen</translation>
    </message>
    <message>
        <source>Read the sidecars and manifests again and verify every stored copy; only changed files are copied (Ctrl+R).</source>
        <translation>Begleitdateien und Manifeste erneut lesen und jede gespeicherte Kopie prüfen; nur geänderte Dateien werden kopiert (Strg+R).</translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n file(s)</source>
        <translation>
            <numerusform>%1 von %n Datei</numerusform>
            <numerusform>%1 von %n Dateien</numerusform>
        </translation>
    </message>
    <message>
        <source>paused</source>
        <translation>pausiert</translation>
    </message>
    <message>
        <source>Could not be loaded: %1</source>
        <translation>Konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>%1 stored</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message numerus="yes">
        <source>%n with a problem</source>
        <translation>
            <numerusform>%n mit einem Problem</numerusform>
            <numerusform>%n mit Problemen</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 skipped</source>
        <translation>%1 übersprungen</translation>
    </message>
    <message>
        <source>%1 still to do</source>
        <translation>%1 stehen noch aus</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s)</source>
        <translation>
            <numerusform>%n Datei</numerusform>
            <numerusform>%n Dateien</numerusform>
        </translation>
    </message>
    <message>
        <source>no problems</source>
        <translation>keine Probleme</translation>
    </message>
    <message>
        <source>last run %1</source>
        <translation>letzter Lauf %1</translation>
    </message>
    <message>
        <source>No batch selected.</source>
        <translation>Kein Stapel ausgewählt.</translation>
    </message>
    <message>
        <source>Nothing to fetch.</source>
        <translation>Nichts abzurufen.</translation>
    </message>
</context>
<context>
    <name>gh::QaCsv</name>
    <message>
        <source>Batch %1 has no QA sample yet; draw one first (gatehouse-cli sample %1).</source>
        <translation>Stapel %1 hat noch keine QA-Stichprobe; ziehen Sie zuerst eine (gatehouse-cli sample %1).</translation>
    </message>
    <message>
        <source>Cannot read the files of item %1 from %2: %3</source>
        <translation>Die Dateien von Objekt %1 können nicht aus %2 gelesen werden: %3</translation>
    </message>
</context>
<context>
    <name>gh::QaProfile</name>
    <message>
        <source>%1: check/min_width and min_height may not exceed max_width and max_height.</source>
        <translation>%1: check/min_width und min_height dürfen max_width und max_height nicht überschreiten.</translation>
    </message>
    <message>
        <source>The QA profile %1 does not exist or cannot be read.</source>
        <translation>Das QA-Profil %1 existiert nicht oder kann nicht gelesen werden.</translation>
    </message>
    <message>
        <source>The QA profile %1 is not a valid INI file.</source>
        <translation>Das QA-Profil %1 ist keine gültige INI-Datei.</translation>
    </message>
    <message>
        <source>%1: check/severities takes CHECK=error, CHECK=warning or CHECK=flag, not &quot;%2&quot;.</source>
        <translation>%1: check/severities nimmt CHECK=error, CHECK=warning oder CHECK=flag, nicht &quot;%2&quot;.</translation>
    </message>
</context>
<context>
    <name>gh::QaProfileEditor</name>
    <message>
        <source>&amp;Fetch standard schemas</source>
        <translation>Standardschemas &amp;abrufen</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Checks that run</source>
        <translation>Ausgeführte Prüfungen</translation>
    </message>
    <message>
        <source>Checks</source>
        <translation>Prüfungen</translation>
    </message>
    <message>
        <source>none: XML is checked for well-formedness only</source>
        <translation>keine: XML wird nur auf Wohlgeformtheit geprüft</translation>
    </message>
    <message>
        <source>the fetched standard set</source>
        <translation>der abgerufene Standardsatz</translation>
    </message>
    <message>
        <source>XML schema folder or catalog</source>
        <translation>XML-Schemaordner oder -Katalog</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Durchsuchen …</translation>
    </message>
    <message>
        <source>Folder of XML schemas</source>
        <translation>Ordner mit XML-Schemas</translation>
    </message>
    <message>
        <source>Download ALTO, MIX, MODS, METS, PREMIS, XLink and xml.xsd from their official locations into %1</source>
        <translation>ALTO, MIX, MODS, METS, PREMIS, XLink und xml.xsd von ihren offiziellen Adressen nach %1 herunterladen</translation>
    </message>
    <message>
        <source>XML schemas</source>
        <translation>XML-Schemas</translation>
    </message>
    <message>
        <source>no bound</source>
        <translation>keine Grenze</translation>
    </message>
    <message>
        <source>Thresholds</source>
        <translation>Schwellenwerte</translation>
    </message>
    <message>
        <source>&amp;Sample size (longer side):</source>
        <translation>Ab&amp;tastgröße (längere Seite):</translation>
    </message>
    <message>
        <source>Dark page: histogram peak &amp;below:</source>
        <translation>Dunkle Seite: Histogrammspitze &amp;unter:</translation>
    </message>
    <message>
        <source>Blank page: &amp;ink is darker than:</source>
        <translation>Leere Seite: Tinte ist dun&amp;kler als:</translation>
    </message>
    <message>
        <source>Blank page: at &amp;most this much ink:</source>
        <translation>Leere Seite: hö&amp;chstens so viel Tinte:</translation>
    </message>
    <message>
        <source>Black border: &amp;near black is at most:</source>
        <translation>Schwarzer Rand: &amp;fast schwarz ist höchstens:</translation>
    </message>
    <message>
        <source>Black border: more &amp;than this much near black:</source>
        <translation>Schwarzer Rand: &amp;mehr als so viel fast Schwarz:</translation>
    </message>
    <message>
        <source>&amp;OCR: mean word confidence at least:</source>
        <translation>&amp;OCR: mittlere Wortkonfidenz mindestens:</translation>
    </message>
    <message>
        <source>Smallest &amp;width:</source>
        <translation>Kleinste &amp;Breite:</translation>
    </message>
    <message>
        <source>&amp;Largest width:</source>
        <translation>&amp;Größte Breite:</translation>
    </message>
    <message>
        <source>Smallest &amp;height:</source>
        <translation>Kleinste &amp;Höhe:</translation>
    </message>
    <message>
        <source>Largest h&amp;eight:</source>
        <translation>Größte H&amp;öhe:</translation>
    </message>
    <message>
        <source>Downloading the standard schemas…</source>
        <translation>Die Standardschemas werden heruntergeladen…</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>Saved %1 schemas and a catalog:</source>
        <translation>%1 Schemas und ein Katalog gespeichert:</translation>
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
            <numerusform>%n Problem gelöst</numerusform>
            <numerusform>%n Probleme gelöst</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) still with problems</source>
        <translation>
            <numerusform>%n Datei noch mit Problemen</numerusform>
            <numerusform>%n Dateien noch mit Problemen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n stored copy(-ies) verified</source>
        <translation>
            <numerusform>%n gespeicherte Kopie geprüft</numerusform>
            <numerusform>%n gespeicherte Kopien geprüft</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) to copy again</source>
        <translation>
            <numerusform>%n Datei wird erneut kopiert</numerusform>
            <numerusform>%n Dateien werden erneut kopiert</numerusform>
        </translation>
    </message>
    <message>
        <source>nothing to copy again</source>
        <translation>nichts wird erneut kopiert</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) no longer listed by the source</source>
        <translation>
            <numerusform>%n Datei wird von der Quelle nicht mehr aufgeführt</numerusform>
            <numerusform>%n Dateien werden von der Quelle nicht mehr aufgeführt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Checked %n file(s): %1.</source>
        <translation>
            <numerusform>%n Datei geprüft: %1.</numerusform>
            <numerusform>%n Dateien geprüft: %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>The source could not be read again; the checksums declared earlier were used.</source>
        <translation>Die Quelle konnte nicht erneut gelesen werden; die früher angegebenen Prüfsummen wurden verwendet.</translation>
    </message>
    <message>
        <source>reading %1 was stopped</source>
        <translation>das Lesen von %1 wurde angehalten</translation>
    </message>
    <message>
        <source>The stored copy %1 could not be read (%2); the file will be copied again.</source>
        <translation>Die gespeicherte Kopie %1 konnte nicht gelesen werden (%2); die Datei wird erneut kopiert.</translation>
    </message>
    <message>
        <source>The stored copy %1 no longer holds the bytes that were stored (sha256 %2, now %3); the file will be copied again.</source>
        <translation>Die gespeicherte Kopie %1 enthält nicht mehr die gespeicherten Bytes (sha256 %2, jetzt %3); die Datei wird erneut kopiert.</translation>
    </message>
    <message>
        <source>The stored copy %1 is intact, but the source changed since it was copied; the file will be copied again.</source>
        <translation>Die gespeicherte Kopie %1 ist unversehrt, aber die Quelle hat sich seit dem Kopieren geändert; die Datei wird erneut kopiert.</translation>
    </message>
    <message>
        <source>The file is empty.</source>
        <translation>Die Datei ist leer.</translation>
    </message>
    <message>
        <source>Stored copy %1 verified: sha256 %2.</source>
        <translation>Gespeicherte Kopie %1 geprüft: sha256 %2.</translation>
    </message>
    <message>
        <source>Checked again: the file will be fetched again.</source>
        <translation>Erneut geprüft: Die Datei wird erneut abgerufen.</translation>
    </message>
    <message>
        <source>Batch %1 is being processed (%2 stage, %3); check it again when that has finished.</source>
        <translation>Stapel %1 wird gerade verarbeitet (Schritt %2, %3); prüfen Sie ihn erneut, wenn das fertig ist.</translation>
    </message>
    <message>
        <source>File %1 is not in batch %2.</source>
        <translation>Die Datei %1 gehört nicht zu Stapel %2.</translation>
    </message>
    <message>
        <source>Checking batch %1 again: reading %2.</source>
        <translation>Stapel %1 wird erneut geprüft: %2 wird gelesen.</translation>
    </message>
    <message>
        <source>Checking batch %1 again was cancelled.</source>
        <translation>Die erneute Prüfung von Stapel %1 wurde abgebrochen.</translation>
    </message>
    <message>
        <source>The source %1 could not be read again: %2</source>
        <translation>Die Quelle %1 konnte nicht erneut gelesen werden: %2</translation>
    </message>
    <message numerus="yes">
        <source>Read again: %n warning(s)</source>
        <translation>
            <numerusform>Erneut gelesen: %n Warnung</numerusform>
            <numerusform>Erneut gelesen: %n Warnungen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Checked again: %n file(s) to fetch</source>
        <translation>
            <numerusform>Erneut geprüft: %n Datei abzurufen</numerusform>
            <numerusform>Erneut geprüft: %n Dateien abzurufen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Checked again: %n file(s) with problems</source>
        <translation>
            <numerusform>Erneut geprüft: %n Datei mit Problemen</numerusform>
            <numerusform>Erneut geprüft: %n Dateien mit Problemen</numerusform>
        </translation>
    </message>
    <message>
        <source>Checked again: every stored copy verified</source>
        <translation>Erneut geprüft: jede gespeicherte Kopie ist geprüft</translation>
    </message>
    <message numerus="yes">
        <source>Checked again: %n file(s) to check</source>
        <translation>
            <numerusform>Erneut geprüft: %n Datei ist zu prüfen</numerusform>
            <numerusform>Erneut geprüft: %n Dateien sind zu prüfen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::RemoteFetcher</name>
    <message>
        <source>%1 cannot be downloaded: only http and https URLs are supported.</source>
        <translation>%1 kann nicht heruntergeladen werden: Nur http- und https-URLs werden unterstützt.</translation>
    </message>
    <message>
        <source>Downloading %1 was cancelled.</source>
        <translation>Das Herunterladen von %1 wurde abgebrochen.</translation>
    </message>
    <message>
        <source>%1 is larger than the %2 bytes allowed for it; it was not read.</source>
        <translation>%1 ist größer als die dafür erlaubten %2 Bytes; es wurde nicht gelesen.</translation>
    </message>
    <message>
        <source>%1 could not be saved to a temporary file.</source>
        <translation>%1 konnte nicht in einer temporären Datei gespeichert werden.</translation>
    </message>
    <message>
        <source>%1 could not be downloaded (%2): %3.</source>
        <translation>%1 konnte nicht heruntergeladen werden (%2): %3.</translation>
    </message>
    <message>
        <source>%1 could not be downloaded: the server answered HTTP %2 (%3).</source>
        <translation>%1 konnte nicht heruntergeladen werden: Der Server antwortete mit HTTP %2 (%3).</translation>
    </message>
</context>
<context>
    <name>gh::ReportSettings</name>
    <message>
        <source>%1: mail/smtp_url must look like smtp://host:port or smtps://host:port, not &quot;%2&quot;.</source>
        <translation>%1: mail/smtp_url muss die Form smtp://host:port oder smtps://host:port haben, nicht &quot;%2&quot;.</translation>
    </message>
    <message>
        <source>%1: mail/smtp_url: starttls must be required, try or no.</source>
        <translation>%1: mail/smtp_url: starttls muss required, try oder no sein.</translation>
    </message>
    <message>
        <source>%1: mail/timeout_seconds must be a number of at least 1.</source>
        <translation>%1: mail/timeout_seconds muss eine Zahl von mindestens 1 sein.</translation>
    </message>
    <message>
        <source>%1: mail/from must be an e-mail address.</source>
        <translation>%1: mail/from muss eine E-Mail-Adresse sein.</translation>
    </message>
    <message>
        <source>%1: mail/to must name at least one e-mail address.</source>
        <translation>%1: mail/to muss mindestens eine E-Mail-Adresse nennen.</translation>
    </message>
    <message>
        <source>%1: mail/to: &quot;%2&quot; is not an e-mail address.</source>
        <translation>%1: mail/to: &quot;%2&quot; ist keine E-Mail-Adresse.</translation>
    </message>
    <message>
        <source>%1: report/log_target must be s3://bucket/prefix.</source>
        <translation>%1: report/log_target muss s3://bucket/prefix sein.</translation>
    </message>
    <message>
        <source>The settings file %1 does not exist or cannot be read.</source>
        <translation>Die Einstellungsdatei %1 existiert nicht oder kann nicht gelesen werden.</translation>
    </message>
</context>
<context>
    <name>gh::Reports</name>
    <message>
        <source>not started</source>
        <translation>nicht gestartet</translation>
    </message>
    <message>
        <source>SUMMARY</source>
        <translation>ZUSAMMENFASSUNG</translation>
    </message>
    <message>
        <source>Provider / source</source>
        <translation>Lieferant / Quelle</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>Stapel</translation>
    </message>
    <message>
        <source>Detected as</source>
        <translation>Erkannt als</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>Start date</source>
        <translation>Startdatum</translation>
    </message>
    <message>
        <source>Runtime</source>
        <translation>Laufzeit</translation>
    </message>
    <message>
        <source>Cannot write the summary %1: %2</source>
        <translation>Die Zusammenfassung %1 kann nicht geschrieben werden: %2</translation>
    </message>
</context>
<context>
    <name>gh::ReviewBook</name>
    <message>
        <source>ISO 2859-1 single sampling, normal inspection, level %1, AQL %2 %: lot of %3 items, code letter %4, plan %5 (n %6): inspect %7, accept %8, reject %9</source>
        <translation>ISO 2859-1 Einfach-Stichprobenprüfung, normale Prüfung, Niveau %1, AQL %2 %: Los von %3 Objekten, Kennbuchstabe %4, Plan %5 (n %6): %7 prüfen, annehmen bis %8, zurückweisen ab %9</translation>
    </message>
    <message>
        <source>Catalog error while %1 in %2: %3</source>
        <translation>Katalogfehler beim %1 in %2: %3</translation>
    </message>
    <message>
        <source>reading batch %1</source>
        <translation>Lesen von Stapel %1</translation>
    </message>
    <message>
        <source>There is no batch %1.</source>
        <translation>Es gibt keinen Stapel %1.</translation>
    </message>
    <message>
        <source>Batch %1 was approved on %2 by %3; its review is closed.</source>
        <translation>Stapel %1 wurde am %2 von %3 freigegeben; seine Prüfung ist abgeschlossen.</translation>
    </message>
    <message>
        <source>Batch %1 was rejected on %2 by %3; its review is closed.</source>
        <translation>Stapel %1 wurde am %2 von %3 zurückgewiesen; seine Prüfung ist abgeschlossen.</translation>
    </message>
    <message>
        <source>reading the items of batch %1</source>
        <translation>Lesen der Objekte von Stapel %1</translation>
    </message>
    <message>
        <source>reading the QA sample of batch %1</source>
        <translation>Lesen der QA-Stichprobe von Stapel %1</translation>
    </message>
    <message>
        <source>The seed must be a whole number from 0 to %1.</source>
        <translation>Der Startwert muss eine ganze Zahl von 0 bis %1 sein.</translation>
    </message>
    <message>
        <source>Batch %1 already has a sample (level %2, AQL %3, seed %4) with %5 verdicts; a different sample cannot be drawn once review has begun.</source>
        <translation>Stapel %1 hat bereits eine Stichprobe (Niveau %2, AQL %3, Startwert %4) mit %5 Bewertungen; sobald die Prüfung begonnen hat, kann keine andere Stichprobe gezogen werden.</translation>
    </message>
    <message>
        <source>Batch %1 cannot be sampled: %2</source>
        <translation>Aus Stapel %1 kann keine Stichprobe gezogen werden: %2</translation>
    </message>
    <message>
        <source>replacing the QA sample of batch %1</source>
        <translation>Ersetzen der QA-Stichprobe von Stapel %1</translation>
    </message>
    <message>
        <source>recording the QA sample of batch %1</source>
        <translation>Festhalten der QA-Stichprobe von Stapel %1</translation>
    </message>
    <message>
        <source>QA sample drawn: %1; seed %2; %3 flagged items added beyond the sample</source>
        <translation>QA-Stichprobe gezogen: %1; Startwert %2; %3 markierte Objekte über die Stichprobe hinaus hinzugefügt</translation>
    </message>
    <message>
        <source>adding flagged items to the review of batch %1</source>
        <translation>Hinzufügen markierter Objekte zur Prüfung von Stapel %1</translation>
    </message>
    <message>
        <source>A failed item needs a defect reason.</source>
        <translation>Ein nicht bestandenes Objekt braucht einen Mangelgrund.</translation>
    </message>
    <message>
        <source>Batch %1 has no QA sample yet; draw one first (gatehouse-cli sample %1).</source>
        <translation>Stapel %1 hat noch keine QA-Stichprobe; ziehen Sie zuerst eine (gatehouse-cli sample %1).</translation>
    </message>
    <message>
        <source>reading item %1</source>
        <translation>Lesen von Objekt %1</translation>
    </message>
    <message>
        <source>Batch %1 has no item %2.</source>
        <translation>Stapel %1 hat kein Objekt %2.</translation>
    </message>
    <message>
        <source>recording the verdict on %1</source>
        <translation>Festhalten der Bewertung von %1</translation>
    </message>
    <message>
        <source>manual QA verdict: pass</source>
        <translation>manuelle QA-Bewertung: bestanden</translation>
    </message>
    <message>
        <source>manual QA verdict: fail (%1)</source>
        <translation>manuelle QA-Bewertung: nicht bestanden (%1)</translation>
    </message>
    <message>
        <source>note: %1</source>
        <translation>Notiz: %1</translation>
    </message>
    <message>
        <source>added to the review by hand</source>
        <translation>von Hand zur Prüfung hinzugefügt</translation>
    </message>
    <message>
        <source>reading the verdict on item %1</source>
        <translation>Lesen der Bewertung von Objekt %1</translation>
    </message>
    <message>
        <source>Item %1 of batch %2 has no verdict to withdraw.</source>
        <translation>Objekt %1 von Stapel %2 hat keine Bewertung, die zurückgezogen werden könnte.</translation>
    </message>
    <message>
        <source>withdrawing the verdict on item %1</source>
        <translation>Zurückziehen der Bewertung von Objekt %1</translation>
    </message>
    <message>
        <source>manual QA verdict withdrawn (was %1)</source>
        <translation>manuelle QA-Bewertung zurückgezogen (war %1)</translation>
    </message>
    <message>
        <source>finding item %1</source>
        <translation>Suchen von Objekt %1</translation>
    </message>
    <message>
        <source>Batch %1 has no item &quot;%2&quot; (give the item&apos;s id from sample --json, or its identifier).</source>
        <translation>Stapel %1 hat kein Objekt &quot;%2&quot; (geben Sie die ID des Objekts aus sample --json oder seinen Identifikator an).</translation>
    </message>
    <message>
        <source>recording the supplier of batch %1</source>
        <translation>Festhalten des Lieferanten von Stapel %1</translation>
    </message>
    <message>
        <source>reading the supplier of batch %1</source>
        <translation>Lesen des Lieferanten von Stapel %1</translation>
    </message>
    <message>
        <source>Batch %1 cannot be a re-delivery of itself.</source>
        <translation>Stapel %1 kann keine Neulieferung seiner selbst sein.</translation>
    </message>
    <message>
        <source>linking batch %1 to batch %2</source>
        <translation>Verknüpfen von Stapel %1 mit Stapel %2</translation>
    </message>
    <message>
        <source>finding the batch %1 re-delivers</source>
        <translation>Suchen des Stapels, den %1 neu liefert</translation>
    </message>
    <message>
        <source>reading the supplier history</source>
        <translation>Lesen der Lieferantenhistorie</translation>
    </message>
    <message>
        <source>%1 (batch %2) was rejected on %3 by %4: %5</source>
        <translation>%1 (Stapel %2) wurde am %3 von %4 zurückgewiesen: %5</translation>
    </message>
    <message>
        <source>%1 (batch %2) is %3.</source>
        <translation>%1 (Stapel %2) ist %3.</translation>
    </message>
    <message>
        <source>reading the defects of batch %1</source>
        <translation>Lesen der Mängel von Stapel %1</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Batch %1 has not finished loading (its intake is %2), so its lot is not known yet; draw its sample once intake has finished.</source>
        <translation>Stapel %1 ist noch nicht fertig geladen (seine Übernahme ist %2), daher ist sein Los noch nicht bekannt; ziehen Sie die Stichprobe, wenn die Übernahme abgeschlossen ist.</translation>
    </message>
    <message>
        <source>Cannot read the verdict on %1: %2</source>
        <translation>Das Urteil über %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source> (item %1).</source>
        <translation> (Einheit %1).</translation>
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
        <translation>Kopien der Dateien von Objekt %1 können in %2 nicht gesucht werden: %3</translation>
    </message>
    <message>
        <source>%1 is identical to %2 of item %3 in batch %4 (%5)</source>
        <translation>%1 ist identisch mit %2 von Objekt %3 in Stapel %4 (%5)</translation>
    </message>
</context>
<context>
    <name>gh::ReviewFlags</name>
    <message>
        <source>Cannot read the failed files of batch %1 from %2: %3</source>
        <translation>Die fehlgeschlagenen Dateien von Stapel %1 können nicht aus %2 gelesen werden: %3</translation>
    </message>
</context>
<context>
    <name>gh::ReviewHooks</name>
    <message>
        <source>Batch %1 goes to %2 next.</source>
        <translation>Stapel %1 geht als Nächstes an %2.</translation>
    </message>
    <message>
        <source>Batch %1 rejected: %2</source>
        <translation>Stapel %1 zurückgewiesen: %2</translation>
    </message>
</context>
<context>
    <name>gh::ReviewKeys</name>
    <message>
        <source>accept</source>
        <translation>annehmen</translation>
    </message>
    <message>
        <source>reject</source>
        <translation>zurückweisen</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>ausstehend</translation>
    </message>
    <message>
        <source>%1 of %2 reviewed · %3 · accept up to %4, reject at %5</source>
        <translation>%1 von %2 bewertet · %3 · annehmen bis %4, zurückweisen ab %5</translation>
    </message>
    <message>
        <source>1 defect</source>
        <translation>1 Mangel</translation>
    </message>
    <message>
        <source>%1 defects</source>
        <translation>%1 Mängel</translation>
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
        <translation>QA-Stichprobe: %1; Mängel: %2</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Prüfung</translation>
    </message>
    <message>
        <source>Scoreboard</source>
        <translation>Zwischenstand</translation>
    </message>
    <message>
        <source>Batch verdict</source>
        <translation>Urteil über den Stapel</translation>
    </message>
    <message>
        <source>Items to review</source>
        <translation>Zu prüfende Objekte</translation>
    </message>
    <message>
        <source>Item details</source>
        <translation>Details des Objekts</translation>
    </message>
    <message>
        <source>Supplier history</source>
        <translation>Lieferantenhistorie</translation>
    </message>
    <message>
        <source>Defect reason</source>
        <translation>Mangelgrund</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notiz</translation>
    </message>
    <message>
        <source>Optional note, e.g. what is wrong where</source>
        <translation>Optionale Notiz, z. B. was wo nicht stimmt</translation>
    </message>
    <message>
        <source>Record Failure</source>
        <translation>Mangel festhalten</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>&lt;b&gt;Fail:&lt;/b&gt; choose the defect (1–9 or the arrows), add a note if it helps, then Enter. Escape cancels.</source>
        <translation>&lt;b&gt;Nicht bestanden:&lt;/b&gt; Mangel wählen (1–9 oder Pfeiltasten), bei Bedarf eine Notiz ergänzen, dann Enter. Escape bricht ab.</translation>
    </message>
    <message>
        <source>Supplier</source>
        <translation>Lieferant</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>Target on approval (empty: keep in the archive only)</source>
        <translation>Ziel bei Freigabe (leer: nur im Archiv behalten)</translation>
    </message>
    <message>
        <source>P pass · F fail · N or → next · ← previous · U undo · Z zoom · Page Up/Down pages · F5 refresh</source>
        <translation>P bestanden · F nicht bestanden · N oder → weiter · ← zurück · U rückgängig · Z Zoom · Bild auf/ab Seiten · F5 aktualisieren</translation>
    </message>
    <message>
        <source>Pass</source>
        <translation>Bestanden</translation>
    </message>
    <message>
        <source>Fail…</source>
        <translation>Nicht bestanden…</translation>
    </message>
    <message>
        <source>Undo Verdict</source>
        <translation>Bewertung rückgängig</translation>
    </message>
    <message>
        <source>Next Item</source>
        <translation>Nächstes Objekt</translation>
    </message>
    <message>
        <source>Previous Item</source>
        <translation>Vorheriges Objekt</translation>
    </message>
    <message>
        <source>Zoom</source>
        <translation>Zoom</translation>
    </message>
    <message>
        <source>Next Page</source>
        <translation>Nächste Seite</translation>
    </message>
    <message>
        <source>Previous Page</source>
        <translation>Vorherige Seite</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Saving …</source>
        <translation>Wird gespeichert …</translation>
    </message>
    <message>
        <source>Saved: %1</source>
        <translation>Gespeichert: %1</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>Deleting stored copies: %1 of %2 files</source>
        <translation>Gespeicherte Kopien werden gelöscht: %1 von %2 Dateien</translation>
    </message>
    <message>
        <source>Opening the review of batch %1 …</source>
        <translation>Prüfung von Stapel %1 wird geöffnet …</translation>
    </message>
    <message>
        <source>&lt;b&gt;Batch %1 · %2&lt;/b&gt;</source>
        <translation>&lt;b&gt;Stapel %1 · %2&lt;/b&gt;</translation>
    </message>
    <message>
        <source>supplier %1</source>
        <translation>Lieferant %1</translation>
    </message>
    <message>
        <source>ISO 2859-1, level %1, AQL %2 %: lot of %3 items, code letter %4, plan %5; seed %6, drawn by %7 on %8</source>
        <translation>ISO 2859-1, Niveau %1, AQL %2 %: Los von %3 Objekten, Kennbuchstabe %4, Plan %5; Startwert %6, gezogen von %7 am %8</translation>
    </message>
    <message>
        <source>No QA sample has been drawn for this batch.</source>
        <translation>Für diesen Stapel wurde noch keine QA-Stichprobe gezogen.</translation>
    </message>
    <message>
        <source>Approved on %1 by %2</source>
        <translation>Freigegeben am %1 von %2</translation>
    </message>
    <message>
        <source>Rejected on %1 by %2</source>
        <translation>Zurückgewiesen am %1 von %2</translation>
    </message>
    <message>
        <source>(the review is closed)</source>
        <translation>(die Prüfung ist abgeschlossen)</translation>
    </message>
    <message>
        <source>Review: %1</source>
        <translation>Prüfung: %1</translation>
    </message>
    <message>
        <source>%1 of %2 flagged reviewed</source>
        <translation>%1 von %2 markierten bewertet</translation>
    </message>
    <message>
        <source>flagged</source>
        <translation>markiert</translation>
    </message>
    <message>
        <source>added</source>
        <translation>hinzugefügt</translation>
    </message>
    <message>
        <source>Loading …</source>
        <translation>Wird geladen …</translation>
    </message>
    <message>
        <source>The sample has no items.</source>
        <translation>Die Stichprobe enthält keine Objekte.</translation>
    </message>
    <message>
        <source>drawn at random</source>
        <translation>zufällig gezogen</translation>
    </message>
    <message>
        <source>flagged; does not count toward the plan</source>
        <translation>markiert; zählt nicht für den Plan</translation>
    </message>
    <message>
        <source>added by hand; does not count toward the plan</source>
        <translation>von Hand hinzugefügt; zählt nicht für den Plan</translation>
    </message>
    <message>
        <source>Item %1 of %2 · %3 (%4)</source>
        <translation>Objekt %1 von %2 · %3 (%4)</translation>
    </message>
    <message>
        <source>Not reviewed yet.</source>
        <translation>Noch nicht bewertet.</translation>
    </message>
    <message>
        <source>Pass — %1, %2</source>
        <translation>Bestanden — %1, %2</translation>
    </message>
    <message>
        <source>Fail: %1 — %2, %3</source>
        <translation>Nicht bestanden: %1 — %2, %3</translation>
    </message>
    <message>
        <source>Note: %1</source>
        <translation>Notiz: %1</translation>
    </message>
    <message>
        <source>Why it is flagged</source>
        <translation>Warum es markiert ist</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>Befunde</translation>
    </message>
    <message>
        <source>No findings recorded for this item.</source>
        <translation>Für dieses Objekt sind keine Befunde festgehalten.</translation>
    </message>
    <message>
        <source>Duplicate case</source>
        <translation>Dublettenfall</translation>
    </message>
    <message>
        <source>No copies of these files are known.</source>
        <translation>Von diesen Dateien sind keine Kopien bekannt.</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>Dateien</translation>
    </message>
    <message>
        <source>Metadata</source>
        <translation>Metadaten</translation>
    </message>
    <message>
        <source>No descriptive metadata.</source>
        <translation>Keine beschreibenden Metadaten.</translation>
    </message>
    <message>
        <source>What was wrong last time</source>
        <translation>Was beim letzten Mal nicht stimmte</translation>
    </message>
    <message>
        <source>No supplier recorded (set [review] supplier or suppliers in the settings).</source>
        <translation>Kein Lieferant festgehalten (setzen Sie [review] supplier oder suppliers in den Einstellungen).</translation>
    </message>
    <message>
        <source>%1: last %2 batches</source>
        <translation>%1: letzte %2 Stapel</translation>
    </message>
    <message>
        <source>%1 of %2 defective (%3 %)</source>
        <translation>%1 von %2 mangelhaft (%3 %)</translation>
    </message>
    <message>
        <source>re-delivers %1</source>
        <translation>liefert %1 neu</translation>
    </message>
    <message>
        <source>&amp;Approve: %1</source>
        <translation>&amp;Freigeben: %1</translation>
    </message>
    <message>
        <source>&amp;Reject: %1</source>
        <translation>&amp;Zurückweisen: %1</translation>
    </message>
    <message>
        <source>A batch is running; decide when it has finished.</source>
        <translation>Ein Stapel läuft; entscheiden Sie, wenn er fertig ist.</translation>
    </message>
    <message>
        <source>Approving now needs a reason to override: %1</source>
        <translation>Jetzt freizugeben braucht einen Grund zum Übergehen: %1</translation>
    </message>
    <message>
        <source>No defect reasons are set; add them in the settings ([review] defect_reasons).</source>
        <translation>Es sind keine Mangelgründe eingestellt; ergänzen Sie sie in den Einstellungen ([review] defect_reasons).</translation>
    </message>
    <message>
        <source>Every item of the sample has a verdict.</source>
        <translation>Alle Objekte der Stichprobe sind bewertet.</translation>
    </message>
    <message>
        <source>Nothing to undo.</source>
        <translation>Nichts rückgängig zu machen.</translation>
    </message>
    <message>
        <source>Recorded a&amp;s:</source>
        <translation>Festgehalten al&amp;s:</translation>
    </message>
    <message>
        <source>The review closes: verdicts can no longer change.</source>
        <translation>Die Prüfung wird abgeschlossen: Bewertungen können nicht mehr geändert werden.</translation>
    </message>
    <message>
        <source>Approval is refused now:</source>
        <translation>Die Freigabe wird derzeit verweigert:</translation>
    </message>
    <message>
        <source>Approving anyway needs a reason; it is recorded with the approval.</source>
        <translation>Trotzdem freizugeben braucht einen Grund; er wird mit der Freigabe festgehalten.</translation>
    </message>
    <message>
        <source>Approve batch %1?</source>
        <translation>Stapel %1 freigeben?</translation>
    </message>
    <message>
        <source>&amp;Note (optional):</source>
        <translation>&amp;Notiz (optional):</translation>
    </message>
    <message>
        <source>Reason for &amp;overriding:</source>
        <translation>Grund für das Ü&amp;bergehen:</translation>
    </message>
    <message>
        <source>&amp;Approve</source>
        <translation>&amp;Freigeben</translation>
    </message>
    <message>
        <source>Approving batch %1 …</source>
        <translation>Stapel %1 wird freigegeben …</translation>
    </message>
    <message>
        <source>Catalog records, metadata and events are kept; the files are marked deleted. The reason goes to the supplier&apos;s history.</source>
        <translation>Katalogeinträge, Metadaten und Ereignisse bleiben erhalten; die Dateien werden als gelöscht markiert. Der Grund geht in die Historie des Lieferanten ein.</translation>
    </message>
    <message>
        <source>Reject batch %1?</source>
        <translation>Stapel %1 zurückweisen?</translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation>&amp;Grund:</translation>
    </message>
    <message>
        <source>Reject and &amp;Delete</source>
        <translation>Zurückweisen und &amp;löschen</translation>
    </message>
    <message>
        <source>Rejecting batch %1 …</source>
        <translation>Stapel %1 wird zurückgewiesen …</translation>
    </message>
    <message>
        <source>Close the Review</source>
        <translation>Prüfung schließen</translation>
    </message>
    <message numerus="yes">
        <source>Sample verdict: reject — %n defect(s) reached the rejection number %1.</source>
        <translation>
            <numerusform>Urteil über die Stichprobe: zurückweisen — %n Mangel erreichte die Rückweisezahl %1.</numerusform>
            <numerusform>Urteil über die Stichprobe: zurückweisen — %n Mängel erreichten die Rückweisezahl %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Batch verdict: reject — %n defect(s) reach the rejection number %1. You may keep reviewing.</source>
        <translation>
            <numerusform>Urteil über den Stapel: zurückweisen — %n Mangel erreicht die Rückweisezahl %1. Sie können weiter prüfen.</numerusform>
            <numerusform>Urteil über den Stapel: zurückweisen — %n Mängel erreichen die Rückweisezahl %1. Sie können weiter prüfen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Batch verdict: accept — every sampled item reviewed, %n defect(s) (accept up to %1).</source>
        <translation>
            <numerusform>Urteil über den Stapel: annehmen — alle gezogenen Objekte bewertet, %n Mangel (annehmen bis %1).</numerusform>
            <numerusform>Urteil über den Stapel: annehmen — alle gezogenen Objekte bewertet, %n Mängel (annehmen bis %1).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Sample verdict: pending — the batch was decided with %n sampled item(s) not reviewed.</source>
        <translation>
            <numerusform>Urteil über die Stichprobe: ausstehend — über den Stapel wurde entschieden, während %n gezogenes Objekt unbewertet war.</numerusform>
            <numerusform>Urteil über die Stichprobe: ausstehend — über den Stapel wurde entschieden, während %n gezogene Objekte unbewertet waren.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Batch verdict: pending — %n sampled item(s) to go.</source>
        <translation>
            <numerusform>Urteil über den Stapel: ausstehend — noch %n gezogenes Objekt.</numerusform>
            <numerusform>Urteil über den Stapel: ausstehend — noch %n gezogene Objekte.</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Target:</source>
        <translation>Zi&amp;el:</translation>
    </message>
</context>
<context>
    <name>gh::RunNotifier</name>
    <message>
        <source>approved</source>
        <translation>angenommen</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>abgelehnt</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>needs attention</source>
        <translation>braucht Aufmerksamkeit</translation>
    </message>
    <message>
        <source>incomplete</source>
        <translation>unvollständig</translation>
    </message>
    <message>
        <source>done</source>
        <translation>fertig</translation>
    </message>
    <message>
        <source>Gatehouse: batch %1 (%2) %3: %4 files, %5 successful, %6 failed</source>
        <translation>Gatehouse: Stapel %1 (%2) %3: %4 Dateien, %5 erfolgreich, %6 fehlgeschlagen</translation>
    </message>
    <message>
        <source>, %1 skipped</source>
        <translation>, %1 übersprungen</translation>
    </message>
    <message>
        <source>, %1 not yet processed</source>
        <translation>, %1 noch nicht verarbeitet</translation>
    </message>
    <message>
        <source>Mailed the summary to %1.</source>
        <translation>Die Zusammenfassung wurde an %1 gemailt.</translation>
    </message>
    <message>
        <source>The summary mail was not sent: %1</source>
        <translation>Die Zusammenfassung wurde nicht gemailt: %1</translation>
    </message>
    <message>
        <source>Copied %1 report files to %2.</source>
        <translation>%1 Berichtsdateien nach %2 kopiert.</translation>
    </message>
    <message>
        <source>The reports were not copied to %1: %2</source>
        <translation>Die Berichte wurden nicht nach %1 kopiert: %2</translation>
    </message>
</context>
<context>
    <name>gh::S3Client</name>
    <message>
        <source>(the bucket is in region %1; set GATEHOUSE_S3_REGION)</source>
        <translation>(der Bucket liegt in der Region %1; setzen Sie GATEHOUSE_S3_REGION)</translation>
    </message>
    <message>
        <source>%1: %2 (endpoint %3).</source>
        <translation>%1: %2 (Endpunkt %3).</translation>
    </message>
    <message numerus="yes">
        <source>Cannot reach the S3 endpoint %1 for %2: %3 (tried %n time(s)).</source>
        <translation>
            <numerusform>Der S3-Endpunkt %1 ist für %2 nicht erreichbar: %3 (%n Versuch).</numerusform>
            <numerusform>Der S3-Endpunkt %1 ist für %2 nicht erreichbar: %3 (%n Versuche).</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot read %1 to upload it to %2: %3</source>
        <translation>%1 kann nicht gelesen werden, um es nach %2 hochzuladen: %3</translation>
    </message>
    <message>
        <source>cannot write the downloaded bytes to a local file</source>
        <translation>die heruntergeladenen Bytes können nicht in eine lokale Datei geschrieben werden</translation>
    </message>
    <message>
        <source>cannot read the local file to upload</source>
        <translation>die hochzuladende lokale Datei kann nicht gelesen werden</translation>
    </message>
    <message>
        <source>the server&apos;s answer is unexpectedly large</source>
        <translation>die Antwort des Servers ist unerwartet groß</translation>
    </message>
    <message>
        <source>The transfer of %1 was cancelled.</source>
        <translation>Die Übertragung von %1 wurde abgebrochen.</translation>
    </message>
    <message>
        <source>Cannot transfer %1 (endpoint %2): %3</source>
        <translation>%1 kann nicht übertragen werden (Endpunkt %2): %3</translation>
    </message>
</context>
<context>
    <name>gh::S3Options</name>
    <message>
        <source>&quot;%1&quot; is not an S3 store; write s3://bucket/prefix.</source>
        <translation>&quot;%1&quot; ist kein S3-Speicher; schreiben Sie s3://bucket/prefix.</translation>
    </message>
    <message>
        <source>The S3 store &quot;%1&quot; names no bucket; write s3://bucket/prefix.</source>
        <translation>Der S3-Speicher &quot;%1&quot; nennt keinen Bucket; schreiben Sie s3://bucket/prefix.</translation>
    </message>
    <message>
        <source>GATEHOUSE_S3_ENDPOINT must be an http or https URL such as https://s3.example.org:9000.</source>
        <translation>GATEHOUSE_S3_ENDPOINT muss eine http- oder https-URL sein, etwa https://s3.example.org:9000.</translation>
    </message>
    <message>
        <source>GATEHOUSE_S3_ADDRESSING must be &quot;path&quot; or &quot;virtual&quot;.</source>
        <translation>GATEHOUSE_S3_ADDRESSING muss &quot;path&quot; oder &quot;virtual&quot; sein.</translation>
    </message>
    <message>
        <source>%1 must be a positive number of MiB.</source>
        <translation>%1 muss eine positive Anzahl von MiB sein.</translation>
    </message>
    <message>
        <source>The S3 bucket name &quot;%1&quot; is not valid.</source>
        <translation>Der S3-Bucket-Name &quot;%1&quot; ist ungültig.</translation>
    </message>
    <message>
        <source>The S3 endpoint must be an http or https URL.</source>
        <translation>Der S3-Endpunkt muss eine http- oder https-URL sein.</translation>
    </message>
    <message>
        <source>The S3 endpoint %1 must not contain a user name or password; give credentials through AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.</source>
        <translation>Der S3-Endpunkt %1 darf keinen Benutzernamen und kein Passwort enthalten; geben Sie Zugangsdaten über AWS_ACCESS_KEY_ID und AWS_SECRET_ACCESS_KEY an.</translation>
    </message>
    <message>
        <source>No credentials for the S3 store s3://%1: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials), or keep the secret in the keychain under &quot;%2&quot; with the access key id as its name.</source>
        <translation>Keine Zugangsdaten für den S3-Speicher s3://%1: Setzen Sie AWS_ACCESS_KEY_ID und AWS_SECRET_ACCESS_KEY (und AWS_SESSION_TOKEN für temporäre Zugangsdaten), oder legen Sie das Geheimnis im Schlüsselbund unter &quot;%2&quot; mit der Access Key ID als Namen ab.</translation>
    </message>
    <message>
        <source>The S3 part size must be between 5 MiB and 5 GiB; %1 bytes was given.</source>
        <translation>Die S3-Teilgröße muss zwischen 5 MiB und 5 GiB liegen; angegeben wurden %1 Bytes.</translation>
    </message>
    <message>
        <source>The S3 multipart threshold cannot be negative.</source>
        <translation>Der S3-Schwellenwert für Multipart-Uploads darf nicht negativ sein.</translation>
    </message>
    <message>
        <source>The S3 retry and timeout settings must be positive.</source>
        <translation>Die S3-Einstellungen für Wiederholungen und Zeitüberschreitungen müssen positiv sein.</translation>
    </message>
</context>
<context>
    <name>gh::S3Store</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 ended early while reading it for upload.</source>
        <translation>%1 endete vorzeitig, während es zum Hochladen gelesen wurde.</translation>
    </message>
    <message>
        <source>Cannot record the progress of the upload of %1 in %2: %3</source>
        <translation>Der Fortschritt des Hochladens von %1 kann nicht in %2 aufgezeichnet werden: %3</translation>
    </message>
    <message>
        <source>The bytes for %1 do not match: %2 is %3, expected %4. Nothing was uploaded to %5.</source>
        <translation>Die Bytes für %1 stimmen nicht überein: %2 ist %3, erwartet %4. Nach %5 wurde nichts hochgeladen.</translation>
    </message>
    <message>
        <source>The object was already committed or aborted.</source>
        <translation>Das Objekt wurde bereits festgeschrieben oder verworfen.</translation>
    </message>
    <message>
        <source>Cannot create the S3 staging folder %1.</source>
        <translation>Der S3-Zwischenablageordner %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <source>Cannot upload %1</source>
        <translation>%1 kann nicht hochgeladen werden</translation>
    </message>
    <message>
        <source>The store received different bytes for %1 (its md5 is %2, ours %3); the object was removed.</source>
        <translation>Der Speicher hat für %1 andere Bytes erhalten (sein md5 ist %2, unseres %3); das Objekt wurde entfernt.</translation>
    </message>
    <message>
        <source>Another process has been uploading %1 for more than ten minutes; try again later.</source>
        <translation>Ein anderer Prozess lädt %1 seit mehr als zehn Minuten hoch; versuchen Sie es später erneut.</translation>
    </message>
    <message>
        <source>Cannot list the uploaded parts of %1</source>
        <translation>Die hochgeladenen Teile von %1 können nicht aufgelistet werden</translation>
    </message>
    <message>
        <source>Cannot start the upload of %1</source>
        <translation>Das Hochladen von %1 kann nicht gestartet werden</translation>
    </message>
    <message>
        <source>Cannot start the upload of %1: the server sent no upload id (endpoint %2).</source>
        <translation>Das Hochladen von %1 kann nicht gestartet werden: Der Server hat keine Upload-ID gesendet (Endpunkt %2).</translation>
    </message>
    <message>
        <source>Cannot upload part %1 of %2 of %3</source>
        <translation>Teil %1 von %2 von %3 kann nicht hochgeladen werden</translation>
    </message>
    <message>
        <source>The store received different bytes for part %1 of %2 (ETag %3, md5 %4).</source>
        <translation>Der Speicher hat für Teil %1 von %2 andere Bytes erhalten (ETag %3, md5 %4).</translation>
    </message>
    <message>
        <source>Cannot complete the upload of %1</source>
        <translation>Das Hochladen von %1 kann nicht abgeschlossen werden</translation>
    </message>
    <message>
        <source>The store assembled %1 from different bytes (ETag %2, expected %3 or %4); the object was removed.</source>
        <translation>Der Speicher hat %1 aus anderen Bytes zusammengesetzt (ETag %2, erwartet %3 oder %4); das Objekt wurde entfernt.</translation>
    </message>
    <message>
        <source>Cannot look up %1</source>
        <translation>%1 kann nicht nachgeschlagen werden</translation>
    </message>
    <message>
        <source>Cannot create a download file in %1: %2</source>
        <translation>In %1 kann keine Download-Datei angelegt werden: %2</translation>
    </message>
    <message>
        <source>%1 does not exist in the store.</source>
        <translation>%1 existiert nicht im Speicher.</translation>
    </message>
    <message>
        <source>Cannot download %1</source>
        <translation>%1 kann nicht heruntergeladen werden</translation>
    </message>
    <message>
        <source>Cannot save the download of %1: %2</source>
        <translation>Der Download von %1 kann nicht gespeichert werden: %2</translation>
    </message>
    <message>
        <source>The download of %1 is incomplete (%2 of %3 bytes).</source>
        <translation>Der Download von %1 ist unvollständig (%2 von %3 Bytes).</translation>
    </message>
    <message>
        <source>%1 in the store does not match its recorded sha256 (%2, got %3).</source>
        <translation>%1 im Speicher stimmt nicht mit seiner aufgezeichneten sha256 überein (%2, erhalten %3).</translation>
    </message>
    <message>
        <source>Cannot remove %1</source>
        <translation>%1 kann nicht entfernt werden</translation>
    </message>
</context>
<context>
    <name>gh::S3Target</name>
    <message>
        <source>Cannot look up %1</source>
        <translation>%1 kann nicht nachgeschlagen werden</translation>
    </message>
    <message>
        <source>Cannot read back %1</source>
        <translation>%1 kann nicht zurückgelesen werden</translation>
    </message>
    <message>
        <source>The look-up in %1 was cancelled.</source>
        <translation>Das Nachschlagen in %1 wurde abgebrochen.</translation>
    </message>
    <message>
        <source>Cannot list %1</source>
        <translation>%1 kann nicht aufgelistet werden</translation>
    </message>
    <message>
        <source>%1 already holds these bytes.</source>
        <translation>%1 enthält diese Bytes bereits.</translation>
    </message>
    <message>
        <source>%1 already exists with other content.</source>
        <translation>%1 existiert bereits mit anderem Inhalt.</translation>
    </message>
    <message>
        <source>%1 changed since it was stored (sha256 %2, expected %3); nothing was sent to %4.</source>
        <translation>%1 hat sich seit dem Speichern geändert (sha256 %2, erwartet %3); an %4 wurde nichts gesendet.</translation>
    </message>
    <message>
        <source>%1 is missing.</source>
        <translation>%1 fehlt.</translation>
    </message>
    <message>
        <source>%1 differs from what was sent: %2 bytes (md5 %3, sha256 %4), expected %5 bytes (md5 %6, sha256 %7).</source>
        <translation>%1 weicht vom Gesendeten ab: %2 Bytes (md5 %3, sha256 %4), erwartet %5 Bytes (md5 %6, sha256 %7).</translation>
    </message>
</context>
<context>
    <name>gh::SamplingPlans</name>
    <message>
        <source>A lot must hold at least one item to be sampled; this one holds %1.</source>
        <translation>Ein Los muss mindestens ein Objekt enthalten, damit eine Stichprobe gezogen werden kann; dieses enthält %1.</translation>
    </message>
    <message>
        <source>%1 is not an AQL of the sampling table; use one of 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5.</source>
        <translation>%1 ist kein AQL der Stichprobentabelle; verwenden Sie einen von 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an AQL of the sampling table; use one of 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5.</source>
        <translation>&quot;%1&quot; ist kein AQL der Stichprobentabelle; verwenden Sie einen von 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an inspection level; use I, II, III, S-1, S-2, S-3 or S-4.</source>
        <translation>&quot;%1&quot; ist kein Prüfniveau; verwenden Sie I, II, III, S-1, S-2, S-3 oder S-4.</translation>
    </message>
</context>
<context>
    <name>gh::SaveFile</name>
    <message>
        <source>no space left on %1 (%2 free)</source>
        <translation>kein Platz mehr auf %1 (%2 frei)</translation>
    </message>
</context>
<context>
    <name>gh::SchemaFetch</name>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation>Der Ordner %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <source>Cannot create the folder %1 for the schemas.</source>
        <translation>Der Ordner %1 für die Schemas kann nicht angelegt werden.</translation>
    </message>
    <message>
        <source>--from takes an http or https URL prefix, not &quot;%1&quot;.</source>
        <translation>--from erwartet ein http- oder https-URL-Präfix, nicht &quot;%1&quot;.</translation>
    </message>
    <message>
        <source>Fetching the schemas was cancelled.</source>
        <translation>Das Abrufen der Schemas wurde abgebrochen.</translation>
    </message>
    <message>
        <source>Cannot download the %1 schema: %2</source>
        <translation>Das %1-Schema kann nicht heruntergeladen werden: %2</translation>
    </message>
    <message>
        <source>%1 is not an XML schema (its root element is not xs:schema); nothing was saved.</source>
        <translation>%1 ist kein XML-Schema (sein Wurzelelement ist nicht xs:schema); nichts wurde gespeichert.</translation>
    </message>
    <message>
        <source>Cannot save %1: %2</source>
        <translation>%1 kann nicht gespeichert werden: %2</translation>
    </message>
    <message>
        <source>The downloaded schemas do not compile offline: %1</source>
        <translation>Die heruntergeladenen Schemas lassen sich offline nicht kompilieren: %1</translation>
    </message>
</context>
<context>
    <name>gh::SchemaSet</name>
    <message>
        <source>libxml2 could not compile it</source>
        <translation>libxml2 konnte es nicht kompilieren</translation>
    </message>
    <message>
        <source>(not available on this machine: %1)</source>
        <translation>(auf diesem Rechner nicht verfügbar: %1)</translation>
    </message>
    <message>
        <source>The schema location %1 does not exist.</source>
        <translation>Der Schema-Speicherort %1 existiert nicht.</translation>
    </message>
    <message>
        <source>The XML catalog %1 maps to no schema on this machine.</source>
        <translation>Der XML-Katalog %1 verweist auf kein Schema auf diesem Rechner.</translation>
    </message>
    <message>
        <source>The folder %1 holds no XML schema (.xsd).</source>
        <translation>Der Ordner %1 enthält kein XML-Schema (.xsd).</translation>
    </message>
    <message>
        <source>libxml2 reports the document invalid without saying why (code %1)</source>
        <translation>libxml2 meldet das Dokument als ungültig, ohne den Grund zu nennen (Code %1)</translation>
    </message>
    <message>
        <source>the schema %1 cannot be compiled: %2</source>
        <translation>das Schema %1 kann nicht kompiliert werden: %2</translation>
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
        <translation>%1: %2 ist keine Einstellung, die Gatehouse kennt; sie wird ignoriert.</translation>
    </message>
    <message>
        <source>%1 is not a setting Gatehouse knows.</source>
        <translation>%1 ist keine Einstellung, die Gatehouse kennt.</translation>
    </message>
</context>
<context>
    <name>gh::SettingsDialog</name>
    <message>
        <source>Choose…</source>
        <translation>Auswählen …</translation>
    </message>
    <message>
        <source>Choose %1</source>
        <translation>%1 auswählen</translation>
    </message>
    <message>
        <source>Skip requests while the server says a copy is fresh</source>
        <translation>Anfragen überspringen, solange der Server eine Kopie als aktuell meldet</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Parallel transfers</source>
        <translation>Parallele Übertragungen</translation>
    </message>
    <message>
        <source>&amp;Parallel transfers:</source>
        <translation>&amp;Parallele Übertragungen:</translation>
    </message>
    <message>
        <source>Connections per host</source>
        <translation>Verbindungen pro Host</translation>
    </message>
    <message>
        <source>Connections per &amp;host:</source>
        <translation>Verbindungen pro &amp;Host:</translation>
    </message>
    <message>
        <source>no limit (e.g. 500M, 2G)</source>
        <translation>keine Grenze (z. B. 500M, 2G)</translation>
    </message>
    <message>
        <source>Largest file to accept</source>
        <translation>Größte zu akzeptierende Datei</translation>
    </message>
    <message>
        <source>&amp;Largest file:</source>
        <translation>&amp;Größte Datei:</translation>
    </message>
    <message>
        <source>any type (e.g. image/*, application/pdf)</source>
        <translation>jeder Typ (z. B. image/*, application/pdf)</translation>
    </message>
    <message>
        <source>Accepted types</source>
        <translation>Akzeptierte Typen</translation>
    </message>
    <message>
        <source>&amp;Accepted types:</source>
        <translation>&amp;Akzeptierte Typen:</translation>
    </message>
    <message>
        <source>Contact sent to servers</source>
        <translation>An Server gesendeter Kontakt</translation>
    </message>
    <message>
        <source>Sent in every request&apos;s User-Agent, so server operators can reach you.</source>
        <translation>Wird im User-Agent jeder Anfrage gesendet, damit Serverbetreiber Sie erreichen können.</translation>
    </message>
    <message>
        <source>&amp;Contact for servers:</source>
        <translation>&amp;Kontakt für Server:</translation>
    </message>
    <message>
        <source>Banned records file</source>
        <translation>Datei mit gesperrten Datensätzen</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>&amp;Banned records:</source>
        <translation>Gespe&amp;rrte Datensätze:</translation>
    </message>
    <message>
        <source>Banned records</source>
        <translation>Gesperrte Datensätze</translation>
    </message>
    <message>
        <source>Hot folder</source>
        <translation>Hotfolder</translation>
    </message>
    <message>
        <source>New deliveries dropped into this folder are loaded once they stop changing.</source>
        <translation>Neue Lieferungen, die in diesen Ordner gelegt werden, werden geladen, sobald sie sich nicht mehr ändern.</translation>
    </message>
    <message>
        <source>&amp;Hot folder:</source>
        <translation>Hot&amp;folder:</translation>
    </message>
    <message>
        <source>Spreadsheet &amp;columns:</source>
        <translation>&amp;Tabellenspalten:</translation>
    </message>
    <message>
        <source>Storage key template</source>
        <translation>Vorlage für Speicherschlüssel</translation>
    </message>
    <message>
        <source>Variables: {batch} {batch_name} {item} {filename} {path} {ext} {timestamp} {resource_id} {md5} {sha1} {sha256}; e.g. sha1/{sha1:0:2}/{sha1}</source>
        <translation>Variablen: {batch} {batch_name} {item} {filename} {path} {ext} {timestamp} {resource_id} {md5} {sha1} {sha256}; z. B. sha1/{sha1:0:2}/{sha1}</translation>
    </message>
    <message>
        <source>Storage &amp;key:</source>
        <translation>Speicher&amp;schlüssel:</translation>
    </message>
    <message>
        <source>Once per batch of files (recommended)</source>
        <translation>Einmal pro Dateistapel (empfohlen)</translation>
    </message>
    <message>
        <source>After every file (slowest, safest)</source>
        <translation>Nach jeder Datei (am langsamsten, am sichersten)</translation>
    </message>
    <message>
        <source>Never (throw-away data only)</source>
        <translation>Nie (nur für Wegwerfdaten)</translation>
    </message>
    <message>
        <source>When stored files are flushed to disk</source>
        <translation>Wann gespeicherte Dateien auf den Datenträger geschrieben werden</translation>
    </message>
    <message>
        <source>Flush to &amp;disk:</source>
        <translation>Auf &amp;Datenträger schreiben:</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>Downloads</translation>
    </message>
    <message>
        <source>Intake</source>
        <translation>Annahme</translation>
    </message>
    <message>
        <source>Storage</source>
        <translation>Speicherung</translation>
    </message>
    <message>
        <source>The largest file must be a size such as 500M or 2G.</source>
        <translation>Die größte Datei muss eine Größe wie 500M oder 2G sein.</translation>
    </message>
    <message>
        <source>Curator name</source>
        <translation>Name des Kurators</translation>
    </message>
    <message>
        <source>Recorded with every verdict, approval and rejection.</source>
        <translation>Wird mit jeder Bewertung, Freigabe und Zurückweisung festgehalten.</translation>
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
        <translation>Annehmbare Qualitätsgrenzlage (AQL)</translation>
    </message>
    <message>
        <source>&amp;AQL:</source>
        <translation>&amp;AQL:</translation>
    </message>
    <message>
        <source>Inspection level</source>
        <translation>Prüfniveau</translation>
    </message>
    <message>
        <source>Inspection &amp;level:</source>
        <translation>Prüf&amp;niveau:</translation>
    </message>
    <message>
        <source>Defect reasons</source>
        <translation>Mangelgründe</translation>
    </message>
    <message>
        <source>&amp;Defect reasons:</source>
        <translation>&amp;Mangelgründe:</translation>
    </message>
    <message>
        <source>Default supplier</source>
        <translation>Standardlieferant</translation>
    </message>
    <message>
        <source>Default &amp;supplier:</source>
        <translation>&amp;Standardlieferant:</translation>
    </message>
    <message>
        <source>Suppliers by batch name prefix</source>
        <translation>Lieferanten nach Präfix des Stapelnamens</translation>
    </message>
    <message>
        <source>e.g. B4000220=Example Scanning Ltd</source>
        <translation>z. B. B4000220=Example Scanning Ltd</translation>
    </message>
    <message>
        <source>Suppliers by &amp;prefix:</source>
        <translation>Lieferanten nach &amp;Präfix:</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Prüfung</translation>
    </message>
    <message>
        <source>your e-mail address or web page</source>
        <translation>Ihre E-Mail-Adresse oder Webseite</translation>
    </message>
    <message>
        <source>Quality</source>
        <translation>Qualität</translation>
    </message>
    <message>
        <source>none: approval keeps the batch in the archive only</source>
        <translation>keins: die Freigabe behält den Stapel nur im Archiv</translation>
    </message>
    <message>
        <source>Default target</source>
        <translation>Standardziel</translation>
    </message>
    <message>
        <source>Default &amp;target:</source>
        <translation>Standard&amp;ziel:</translation>
    </message>
    <message>
        <source>all files</source>
        <translation>alle Dateien</translation>
    </message>
    <message>
        <source>Files for the default target</source>
        <translation>Dateien für das Standardziel</translation>
    </message>
    <message>
        <source>&amp;Files:</source>
        <translation>&amp;Dateien:</translation>
    </message>
    <message>
        <source>Name@appid</source>
        <translation>Name@appid</translation>
    </message>
    <message>
        <source>Wiki bot user</source>
        <translation>Wiki-Bot-Benutzer</translation>
    </message>
    <message>
        <source>Wiki &amp;user:</source>
        <translation>Wiki-&amp;Benutzer:</translation>
    </message>
    <message>
        <source>Wiki bot password</source>
        <translation>Wiki-Bot-Passwort</translation>
    </message>
    <message>
        <source>Wiki pass&amp;word:</source>
        <translation>Wiki-Pass&amp;wort:</translation>
    </message>
    <message>
        <source>Uploads</source>
        <translation>Hochladen</translation>
    </message>
    <message>
        <source>Offered when an item fails review; one reason per line.</source>
        <translation>Werden angeboten, wenn ein Objekt die Prüfung nicht besteht; ein Grund pro Zeile.</translation>
    </message>
</context>
<context>
    <name>gh::SettingsTable</name>
    <message>
        <source>Files copied or downloaded at once (local copies also at most one per core).</source>
        <translation>Gleichzeitig kopierte oder heruntergeladene Dateien (lokale Kopien außerdem höchstens eine pro Kern).</translation>
    </message>
    <message>
        <source>Where each file is stored. Variables: {batch} {batch_name} {item} {filename} {path} {ext} {timestamp} {resource_id} {md5} {sha1} {sha256}, with {sha1:0:2} for a slice.</source>
        <translation>Wo jede Datei gespeichert wird. Variablen: {batch} {batch_name} {item} {filename} {path} {ext} {timestamp} {resource_id} {md5} {sha1} {sha256}, mit {sha1:0:2} für einen Ausschnitt.</translation>
    </message>
    <message>
        <source>Connections to one host at once.</source>
        <translation>Gleichzeitige Verbindungen zu einem Host.</translation>
    </message>
    <message>
        <source>Sent with every request. Empty sends &quot;Gatehouse/&lt;version&gt; (archival ingest; +&lt;contact&gt;)&quot;.</source>
        <translation>Wird mit jeder Anfrage gesendet. Leer sendet &quot;Gatehouse/&lt;version&gt; (archival ingest; +&lt;contact&gt;)&quot;.</translation>
    </message>
    <message>
        <source>An e-mail or web address where server operators can reach you; part of the default User-Agent.</source>
        <translation>Eine E-Mail- oder Webadresse, unter der Serverbetreiber Sie erreichen; Teil des Standard-User-Agent.</translation>
    </message>
    <message>
        <source>Milliseconds to wait for a connection.</source>
        <translation>Millisekunden, die auf eine Verbindung gewartet wird.</translation>
    </message>
    <message>
        <source>Bytes per second below which a transfer is stalling…</source>
        <translation>Bytes pro Sekunde, unter denen eine Übertragung stockt…</translation>
    </message>
    <message>
        <source>…for this many seconds: then it times out.</source>
        <translation>…so viele Sekunden lang: dann läuft sie ab.</translation>
    </message>
    <message>
        <source>Redirects followed before too-many-redirects.</source>
        <translation>Weiterleitungen, denen vor too-many-redirects gefolgt wird.</translation>
    </message>
    <message>
        <source>Attempts in all for transient failures (timeouts, resets, 429, 5xx).</source>
        <translation>Versuche insgesamt bei vorübergehenden Fehlern (Zeitüberschreitungen, Abbrüche, 429, 5xx).</translation>
    </message>
    <message>
        <source>First retry after about this long, doubling, with jitter.</source>
        <translation>Erster Wiederholungsversuch nach etwa dieser Zeit, jeweils verdoppelt, mit Streuung.</translation>
    </message>
    <message>
        <source>Longest wait between retries.</source>
        <translation>Längste Wartezeit zwischen Wiederholungen.</translation>
    </message>
    <message>
        <source>Longest Retry-After honoured; a server asking for longer leaves the file for a later run.</source>
        <translation>Längstes beachtetes Retry-After; verlangt ein Server mehr, bleibt die Datei für einen späteren Lauf liegen.</translation>
    </message>
    <message>
        <source>Largest file accepted, checked on the header and while streaming (too-large). Absent or 0: no limit.</source>
        <translation>Größte angenommene Datei, geprüft am Header und während der Übertragung (too-large). Fehlt oder 0: keine Grenze.</translation>
    </message>
    <message>
        <source>Mimetypes accepted, checked on the header and the content (wrong-mimetype). Empty: every type.</source>
        <translation>Angenommene MIME-Typen, geprüft am Header und am Inhalt (wrong-mimetype). Leer: alle Typen.</translation>
    </message>
    <message>
        <source>Skip requests while the server&apos;s Cache-Control or Expires says the stored copy is fresh.</source>
        <translation>Anfragen auslassen, solange Cache-Control oder Expires des Servers die gespeicherte Kopie für frisch erklären.</translation>
    </message>
    <message>
        <source>An extra CA bundle to verify TLS with; verification itself is never off.</source>
        <translation>Ein zusätzliches CA-Bündel zur TLS-Prüfung; die Prüfung selbst ist nie abgeschaltet.</translation>
    </message>
    <message>
        <source>When stored files are flushed to disk: once per batch of files, after each file, or never (throw-away data only).</source>
        <translation>Wann gespeicherte Dateien auf die Platte geschrieben werden: einmal pro Gruppe von Dateien, nach jeder Datei oder nie (nur Wegwerfdaten).</translation>
    </message>
    <message>
        <source>Read every stored file back and compare its SHA-256 before it counts as stored.</source>
        <translation>Jede gespeicherte Datei zurücklesen und ihre SHA-256 vergleichen, bevor sie als gespeichert gilt.</translation>
    </message>
    <message>
        <source>A file of record identifiers never to ingest, one per line (# comments).</source>
        <translation>Eine Datei mit Datensatz-Identifikatoren, die nie übernommen werden, einer pro Zeile (# Kommentare).</translation>
    </message>
    <message>
        <source>A folder the GUI watches for deliveries (the CLI&apos;s watch command takes the folder as its argument).</source>
        <translation>Ein Ordner, den die grafische Oberfläche auf Lieferungen überwacht (der watch-Befehl der CLI nimmt den Ordner als Argument).</translation>
    </message>
    <message>
        <source>Spreadsheet columns whose meaning differs from the default: {&quot;column&quot;: &quot;role&quot;}, roles identifier, title, url, path, md5, sha1, sha256, sha512, mimetype, size, metadata, ignore.</source>
        <translation>Tabellenspalten, deren Bedeutung vom Standard abweicht: {&quot;column&quot;: &quot;role&quot;}, Rollen identifier, title, url, path, md5, sha1, sha256, sha512, mimetype, size, metadata, ignore.</translation>
    </message>
    <message>
        <source>Acceptance quality limit of the QA sample, in percent (ISO 2859-1).</source>
        <translation>Annehmbare Qualitätsgrenzlage der QA-Stichprobe in Prozent (ISO 2859-1).</translation>
    </message>
    <message>
        <source>Inspection level of the QA sample (ISO 2859-1).</source>
        <translation>Prüfniveau der QA-Stichprobe (ISO 2859-1).</translation>
    </message>
    <message>
        <source>The reasons offered when an item fails review.</source>
        <translation>Die Gründe, die angeboten werden, wenn ein Objekt die Prüfung nicht besteht.</translation>
    </message>
    <message>
        <source>The supplier of batches that no prefix below matches and that name none.</source>
        <translation>Der Lieferant von Stapeln, auf die kein Präfix unten passt und die keinen nennen.</translation>
    </message>
    <message>
        <source>Suppliers by batch name prefix, PREFIX=NAME; the longest matching prefix wins.</source>
        <translation>Lieferanten nach Präfix des Stapelnamens, PRÄFIX=NAME; das längste passende Präfix gewinnt.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a size; give bytes, or a number with K, M, G or T (500M, 2G).</source>
        <translation>&quot;%1&quot; ist keine Größe; geben Sie Bytes oder eine Zahl mit K, M, G oder T an (500M, 2G).</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is too large a size.</source>
        <translation>&quot;%1&quot; ist eine zu große Größe.</translation>
    </message>
    <message>
        <source>a whole number of at least %1</source>
        <translation>eine ganze Zahl von mindestens %1</translation>
    </message>
    <message>
        <source>a whole number from %1 to %2</source>
        <translation>eine ganze Zahl von %1 bis %2</translation>
    </message>
    <message>
        <source>%1 must be %2, not &quot;%3&quot;.</source>
        <translation>%1 muss %2 sein, nicht &quot;%3&quot;.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 must be true or false, not &quot;%2&quot;.</source>
        <translation>%1 muss true oder false sein, nicht &quot;%2&quot;.</translation>
    </message>
    <message>
        <source>%1 must be one of %2, not &quot;%3&quot;.</source>
        <translation>%1 muss eines von %2 sein, nicht &quot;%3&quot;.</translation>
    </message>
    <message>
        <source>%1 must be a JSON object such as {&quot;column&quot;: &quot;role&quot;}, not &quot;%2&quot;.</source>
        <translation>%1 muss ein JSON-Objekt wie {&quot;column&quot;: &quot;role&quot;} sein, nicht &quot;%2&quot;.</translation>
    </message>
    <message>
        <source>Where the end-of-run summary mail goes: smtp://host:port (STARTTLS required unless the URL ends in ?starttls=try or ?starttls=no) or smtps://host:port. Empty: no mail.</source>
        <translation>Wohin die Zusammenfassungsmail am Ende eines Laufs geht: smtp://host:port (STARTTLS erforderlich, außer die URL endet auf ?starttls=try oder ?starttls=no) oder smtps://host:port. Leer: keine Mail.</translation>
    </message>
    <message>
        <source>The sender of the summary mail.</source>
        <translation>Der Absender der Zusammenfassungsmail.</translation>
    </message>
    <message>
        <source>Who receives the summary mail.</source>
        <translation>Wer die Zusammenfassungsmail erhält.</translation>
    </message>
    <message>
        <source>The SMTP user, if the server wants one; the password comes from mail/password or the desktop keyring (service &quot;Gatehouse SMTP&quot;).</source>
        <translation>Der SMTP-Benutzer, falls der Server einen verlangt; das Passwort kommt aus mail/password oder dem Schlüsselbund des Desktops (Dienst &quot;Gatehouse SMTP&quot;).</translation>
    </message>
    <message>
        <source>The SMTP password; better kept in the desktop keyring.</source>
        <translation>Das SMTP-Passwort; besser im Schlüsselbund des Desktops aufbewahrt.</translation>
    </message>
    <message>
        <source>An extra CA bundle for the mail server; empty uses transfer/ca_bundle.</source>
        <translation>Ein zusätzliches CA-Bündel für den Mailserver; leer verwendet transfer/ca_bundle.</translation>
    </message>
    <message>
        <source>Seconds the mail server may take.</source>
        <translation>Sekunden, die der Mailserver brauchen darf.</translation>
    </message>
    <message>
        <source>Where each run&apos;s log, _SUMMARY and CSVs are copied: s3://bucket/prefix. Empty: kept only beside the catalog.</source>
        <translation>Wohin Protokoll, _SUMMARY und CSV-Dateien jedes Laufs kopiert werden: s3://bucket/prefix. Leer: nur neben dem Katalog aufbewahrt.</translation>
    </message>
    <message>
        <source>The QA checks that run: all, or a list of check names (fixity, empty, mimetype-extension, decodable, jp2-structure, xml-wellformed, xml-schema, page-sequence, batch-identifier, sidecars, dimensions, dark-page, blank-page, black-border, ocr-confidence).</source>
        <translation>Die QA-Prüfungen, die laufen: all oder eine Liste von Prüfungsnamen (fixity, empty, mimetype-extension, decodable, jp2-structure, xml-wellformed, xml-schema, page-sequence, batch-identifier, sidecars, dimensions, dark-page, blank-page, black-border, ocr-confidence).</translation>
    </message>
    <message>
        <source>QA checks not to run.</source>
        <translation>QA-Prüfungen, die nicht laufen sollen.</translation>
    </message>
    <message>
        <source>A folder of XSD files, or an OASIS XML catalog (catalog.xml), for xml-schema. Empty: the set &quot;schemas fetch&quot; saved in the data folder, if any.</source>
        <translation>Ein Ordner mit XSD-Dateien oder ein OASIS-XML-Katalog (catalog.xml) für xml-schema. Leer: der Satz, den &quot;schemas fetch&quot; im Datenordner gespeichert hat, falls vorhanden.</translation>
    </message>
    <message>
        <source>Longer side in pixels of the reduced decode behind the image statistics.</source>
        <translation>Längere Seite in Pixeln der verkleinerten Dekodierung hinter der Bildstatistik.</translation>
    </message>
    <message>
        <source>dark-page: a page whose histogram peaks below this value (0–255) is dark.</source>
        <translation>dark-page: Eine Seite, deren Histogramm unter diesem Wert (0–255) seinen Gipfel hat, ist dunkel.</translation>
    </message>
    <message>
        <source>blank-page: pixels darker than this are ink…</source>
        <translation>blank-page: Pixel, die dunkler als dieser Wert sind, sind Tinte…</translation>
    </message>
    <message>
        <source>…and a page with at most this fraction of ink is blank.</source>
        <translation>…und eine Seite mit höchstens diesem Anteil Tinte ist leer.</translation>
    </message>
    <message>
        <source>black-border: pixels at or below this value are near black…</source>
        <translation>black-border: Pixel bei oder unter diesem Wert sind fast schwarz…</translation>
    </message>
    <message>
        <source>…and more than this fraction of them is a black border.</source>
        <translation>…und mehr als dieser Anteil davon ist ein schwarzer Rand.</translation>
    </message>
    <message>
        <source>ocr-confidence: the mean ALTO word confidence (WC) must reach this.</source>
        <translation>ocr-confidence: Die mittlere ALTO-Wortkonfidenz (WC) muss diesen Wert erreichen.</translation>
    </message>
    <message>
        <source>dimensions: a bound of the page size in pixels; 0 means no bound.</source>
        <translation>dimensions: eine Grenze der Seitengröße in Pixeln; 0 heißt keine Grenze.</translation>
    </message>
    <message>
        <source>sidecars: the files every page has…</source>
        <translation>sidecars: die Dateien, die jede Seite hat…</translation>
    </message>
    <message>
        <source>…and the checksum file each of them has; empty for none.</source>
        <translation>…und die Prüfsummendatei, die jede davon hat; leer für keine.</translation>
    </message>
    <message>
        <source>Severities other than the checks&apos; own, CHECK=error|warning|flag.</source>
        <translation>Andere Schweregrade als die der Prüfungen selbst, CHECK=error|warning|flag.</translation>
    </message>
    <message>
        <source>Files checked at once; 0 for one per core.</source>
        <translation>Gleichzeitig geprüfte Dateien; 0 für eine pro Kern.</translation>
    </message>
    <message>
        <source>%1 must be a number from 0 to 1, not &quot;%2&quot;.</source>
        <translation>%1 muss eine Zahl von 0 bis 1 sein, nicht &quot;%2&quot;.</translation>
    </message>
    <message>
        <source>A bot password&apos;s user (Name@appid) for wiki targets; or GATEHOUSE_MEDIAWIKI_USER.</source>
        <translation>Der Benutzer eines Bot-Passworts (Name@appid) für Wiki-Ziele; oder GATEHOUSE_MEDIAWIKI_USER.</translation>
    </message>
    <message>
        <source>The bot password; better GATEHOUSE_MEDIAWIKI_PASSWORD or the desktop keyring (service &quot;Gatehouse MediaWiki&quot;). Never logged.</source>
        <translation>Das Bot-Passwort; besser GATEHOUSE_MEDIAWIKI_PASSWORD oder der Schlüsselbund des Desktops (Dienst &quot;Gatehouse MediaWiki&quot;). Wird nie protokolliert.</translation>
    </message>
    <message>
        <source>Files larger than this go to a wiki in chunks of this size.</source>
        <translation>Größere Dateien gehen in Stücken dieser Größe an ein Wiki.</translation>
    </message>
    <message>
        <source>Files up to this size go to a wiki in one request; 0: the chunk size.</source>
        <translation>Dateien bis zu dieser Größe gehen in einer Anfrage an ein Wiki; 0: die Stückgröße.</translation>
    </message>
    <message>
        <source>Chunked files at least this large are published by the wiki&apos;s job queue, and polled.</source>
        <translation>Gestückelte Dateien ab dieser Größe veröffentlicht die Auftragswarteschlange des Wikis; ihr Stand wird abgefragt.</translation>
    </message>
    <message>
        <source>Requests at once per wiki; raise only where the wiki allows it.</source>
        <translation>Gleichzeitige Anfragen je Wiki; nur erhöhen, wo das Wiki es erlaubt.</translation>
    </message>
    <message>
        <source>Sent as maxlag= on every request: seconds of database lag at which the wiki asks us to wait.</source>
        <translation>Wird mit jeder Anfrage als maxlag= gesendet: Sekunden Datenbankverzögerung, ab denen das Wiki uns warten lässt.</translation>
    </message>
    <message>
        <source>Attempts per wiki request for maxlag, Retry-After, server errors and network failures.</source>
        <translation>Versuche je Wiki-Anfrage bei maxlag, Retry-After, Serverfehlern und Netzwerkfehlern.</translation>
    </message>
    <message>
        <source>File page titles on a wiki; empty: {title:181} - {identifier}{ext}, with the page number for items of several files.</source>
        <translation>Titel der Dateiseiten in einem Wiki; leer: {title:181} - {identifier}{ext}, mit der Seitenzahl bei Einheiten aus mehreren Dateien.</translation>
    </message>
    <message>
        <source>A wikitext file with {field} placeholders for the file description pages; empty: an information template filled from the item&apos;s metadata.</source>
        <translation>Eine Wikitext-Datei mit {field}-Platzhaltern für die Dateibeschreibungsseiten; leer: eine Informationsvorlage, gefüllt aus den Metadaten der Einheit.</translation>
    </message>
    <message>
        <source>The upload summary on a wiki.</source>
        <translation>Die Zusammenfassung des Hochladens in einem Wiki.</translation>
    </message>
    <message>
        <source>Categories every uploaded page gets on a wiki.</source>
        <translation>Kategorien, die jede hochgeladene Seite in einem Wiki erhält.</translation>
    </message>
    <message>
        <source>Where a batch goes once approved, when none was given: local:DIR, s3://bucket/prefix or mediawiki:https://host/w/api.php. Empty: approval uploads nothing.</source>
        <translation>Wohin ein Stapel nach der Freigabe geht, wenn keins angegeben wurde: local:ORDNER, s3://bucket/präfix oder mediawiki:https://host/w/api.php. Leer: die Freigabe lädt nichts hoch.</translation>
    </message>
    <message>
        <source>Which files go to the default target, in the filter bar&apos;s syntax; empty: all.</source>
        <translation>Welche Dateien an das Standardziel gehen, in der Syntax der Filterleiste; leer: alle.</translation>
    </message>
    <message>
        <source>Conversion rules for uploads, FROM=TO[:qQUALITY][:LONGEST], several separated by commas.</source>
        <translation>Umwandlungsregeln für das Hochladen, VON=NACH[:qQUALITÄT][:LÄNGSTE], mehrere durch Kommas getrennt.</translation>
    </message>
    <message>
        <source>S3 keys and paths in local targets; empty: the file&apos;s store key.</source>
        <translation>S3-Schlüssel und Pfade in lokalen Zielen; leer: der Speicherschlüssel der Datei.</translation>
    </message>
    <message>
        <source>Uploads at once to S3 and local targets.</source>
        <translation>Gleichzeitige Uploads zu S3 und lokalen Zielen.</translation>
    </message>
    <message>
        <source>How long a claim on a file holds without a heartbeat when several Gatehouse processes share a batch on one PostgreSQL catalog; then another process takes the file over. Renewed every third of it while the work goes on.</source>
        <translation>Wie lange die Reservierung einer Datei ohne Lebenszeichen gilt, wenn sich mehrere Gatehouse-Prozesse einen Stapel in einem PostgreSQL-Katalog teilen; danach übernimmt ein anderer Prozess die Datei. Wird jedes Drittel dieser Zeit erneuert, solange die Arbeit läuft.</translation>
    </message>
    <message>
        <source>The name recorded with every decision a person makes (duplicate decisions, QA verdicts, approval, rejection) and its events; another curator who decides the same thing later is told it. gatehouse-cli --as NAME overrides it for one command. Empty: the operating system&apos;s user name.</source>
        <translation>Der Name, der bei jeder Entscheidung einer Person (Dublettenentscheidungen, QS-Urteile, Freigabe, Ablehnung) und ihren Ereignissen festgehalten wird; wer später dasselbe entscheiden will, erfährt ihn. gatehouse-cli --as NAME ersetzt ihn für einen Befehl. Leer: der Benutzername des Betriebssystems.</translation>
    </message>
    <message>
        <source>How soon, in milliseconds, the main window shows what other workstations or command-line runs changed in the catalog: decisions, verdicts, approvals, stages and files. A burst of changes within this time is shown at once.</source>
        <translation>Wie schnell (in Millisekunden) das Hauptfenster zeigt, was andere Arbeitsplätze oder Läufe auf der Kommandozeile im Katalog geändert haben: Entscheidungen, Bewertungen, Freigaben, Stufen und Dateien. Viele Änderungen innerhalb dieser Zeit erscheinen gemeinsam.</translation>
    </message>
    <message>
        <source>How long a run waits for a PostgreSQL catalog&apos;s server after losing the connection (the server restarted, the network dropped) before it fails; it tries again with growing pauses and goes on where it was.</source>
        <translation>Wie lange ein Lauf nach einem Verbindungsverlust auf den Server eines PostgreSQL-Katalogs wartet (Neustart des Servers, Netzwerkausfall), bevor er fehlschlägt; er versucht es mit wachsenden Pausen erneut und macht dort weiter, wo er war.</translation>
    </message>
</context>
<context>
    <name>gh::ShortcutsDialog</name>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Move between the main areas</source>
        <translation>Zwischen den Hauptbereichen wechseln</translation>
    </message>
    <message>
        <source>Tab, Shift+Tab</source>
        <translation>Tab, Umschalt+Tab</translation>
    </message>
    <message>
        <source>Preview the current file (file list, thumbnails)</source>
        <translation>Die aktuelle Datei in der Vorschau zeigen (Dateiliste, Miniaturen)</translation>
    </message>
    <message>
        <source>Space</source>
        <translation>Leertaste</translation>
    </message>
    <message>
        <source>Clear the filter (in the filter field)</source>
        <translation>Den Filter leeren (im Filterfeld)</translation>
    </message>
    <message>
        <source>Escape</source>
        <translation>Esc</translation>
    </message>
    <message>
        <source>Previous or next page of an item (preview)</source>
        <translation>Vorige oder nächste Seite eines Objekts (Vorschau)</translation>
    </message>
    <message>
        <source>Page Up, Page Down</source>
        <translation>Bild auf, Bild ab</translation>
    </message>
    <message>
        <source>Zoom the preview; fit; 100 %</source>
        <translation>Vorschau zoomen; einpassen; 100 %</translation>
    </message>
    <message>
        <source>+, -, F, 1</source>
        <translation>+, -, F, 1</translation>
    </message>
    <message>
        <source>Go to the file of a problem (Problems)</source>
        <translation>Zur Datei eines Problems gehen (Probleme)</translation>
    </message>
    <message>
        <source>Enter</source>
        <translation>Eingabe</translation>
    </message>
    <message>
        <source>Context menu of a batch or file</source>
        <translation>Kontextmenü eines Stapels oder einer Datei</translation>
    </message>
    <message>
        <source>Menu, Shift+F10</source>
        <translation>Menü, Umschalt+F10</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Befehl</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Tasten</translation>
    </message>
    <message>
        <source>Review: pass; fail (then a reason 1–9, Enter); undo the verdict</source>
        <translation>Prüfung: bestanden; Mangel (dann ein Grund 1–9, Eingabe); Urteil zurücknehmen</translation>
    </message>
    <message>
        <source>P; F; U</source>
        <translation>P; F; U</translation>
    </message>
    <message>
        <source>Review: next item; previous item; zoom</source>
        <translation>Prüfung: nächstes Objekt; vorheriges Objekt; Zoom</translation>
    </message>
    <message>
        <source>N or Right; Left; Z</source>
        <translation>N oder Pfeil rechts; Pfeil links; Z</translation>
    </message>
    <message>
        <source>Review: close the window</source>
        <translation>Prüfung: Fenster schließen</translation>
    </message>
    <message>
        <source>Ctrl+W</source>
        <translation>Strg+W</translation>
    </message>
    <message>
        <source>Duplicates: skip; upload; rename; overwrite; move; link; hand-fix</source>
        <translation>Dubletten: überspringen; hochladen; umbenennen; überschreiben; verschieben; verknüpfen; von Hand beheben</translation>
    </message>
    <message>
        <source>S; U; R; O; M; L; H</source>
        <translation>S; U; R; O; M; L; H</translation>
    </message>
    <message>
        <source>Duplicates: the next decision for all similar cases (on or off); undo</source>
        <translation>Dubletten: nächste Entscheidung für alle ähnlichen Fälle (ein oder aus); rückgängig</translation>
    </message>
    <message>
        <source>A; Ctrl+Z</source>
        <translation>A; Strg+Z</translation>
    </message>
    <message>
        <source>Review: the target field; approve; reject</source>
        <translation>Prüfung: Zielfeld; freigeben; zurückweisen</translation>
    </message>
    <message>
        <source>Alt+T; Alt+A; Alt+R</source>
        <translation>Alt+E; Alt+F; Alt+Z</translation>
    </message>
</context>
<context>
    <name>gh::SidecarsCheck</name>
    <message>
        <source>Every page of a newspaper batch has the files the profile names (by default .jp2, .mix.xml, .mods.xml and .alto.xml) and every file its checksum file (.md5).</source>
        <translation>Jede Seite eines Zeitungsstapels hat die Dateien, die das Profil nennt (standardmäßig .jp2, .mix.xml, .mods.xml und .alto.xml), und jede Datei ihre Prüfsummendatei (.md5).</translation>
    </message>
    <message>
        <source>%1 has no checksum file %2 beside it.</source>
        <translation>%1 hat keine Prüfsummendatei %2 neben sich.</translation>
    </message>
    <message>
        <source>The page %1 has no %2 file: %3 is missing.</source>
        <translation>Die Seite %1 hat keine %2-Datei: %3 fehlt.</translation>
    </message>
</context>
<context>
    <name>gh::SingleFileIngester</name>
    <message>
        <source>Nothing recognised %1; it is loaded as a batch of one file.</source>
        <translation>Nichts hat %1 erkannt; es wird als Stapel aus einer Datei geladen.</translation>
    </message>
    <message>
        <source>%1 is loaded as a batch of one file.</source>
        <translation>%1 wird als Stapel aus einer Datei geladen.</translation>
    </message>
</context>
<context>
    <name>gh::SpoolFile</name>
    <message>
        <source>&quot;%1&quot; cannot name a resumable spool.</source>
        <translation>&quot;%1&quot; kann keine fortsetzbare Spool-Datei benennen.</translation>
    </message>
    <message>
        <source>Cannot create %1: %2</source>
        <translation>%1 kann nicht angelegt werden: %2</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Cannot truncate %1: %2</source>
        <translation>%1 kann nicht gekürzt werden: %2</translation>
    </message>
    <message>
        <source>Cannot read back %1: %2</source>
        <translation>%1 kann nicht zurückgelesen werden: %2</translation>
    </message>
    <message>
        <source>it is shorter than written</source>
        <translation>sie ist kürzer als geschrieben</translation>
    </message>
    <message>
        <source>Cannot flush %1 to disk: %2</source>
        <translation>%1 kann nicht auf den Datenträger geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation>Der Ordner %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <source>Cannot move %1 to %2: %3</source>
        <translation>%1 kann nicht nach %2 verschoben werden: %3</translation>
    </message>
</context>
<context>
    <name>gh::SpreadsheetIngester</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 is empty: a spreadsheet needs a header row.</source>
        <translation>%1 ist leer: Eine Tabelle braucht eine Kopfzeile.</translation>
    </message>
    <message>
        <source>%1 has no column for the files (a url or path column): its columns are %2.</source>
        <translation>%1 hat keine Spalte für die Dateien (eine url- oder path-Spalte): Seine Spalten sind %2.</translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation>Das Laden von %1 wurde abgebrochen.</translation>
    </message>
    <message>
        <source>line %1 has %2 fields, the header %3</source>
        <translation>Zeile %1 hat %2 Felder, die Kopfzeile %3</translation>
    </message>
    <message>
        <source>%1 line %2</source>
        <translation>%1 Zeile %2</translation>
    </message>
    <message>
        <source>line %1: &quot;%2&quot; is not a %3 digest</source>
        <translation>Zeile %1: &quot;%2&quot; ist kein %3-Hashwert</translation>
    </message>
    <message>
        <source>line %1 names no file</source>
        <translation>Zeile %1 nennt keine Datei</translation>
    </message>
    <message>
        <source>%1 line %2: &quot;%3&quot; is not an http or https URL.</source>
        <translation>%1 Zeile %2: &quot;%3&quot; ist keine http- oder https-URL.</translation>
    </message>
    <message>
        <source>line %1: identifier %2 appears again after other records; loaded as %3</source>
        <translation>Zeile %1: Kennung %2 taucht nach anderen Datensätzen erneut auf; geladen als %3</translation>
    </message>
    <message>
        <source>tab</source>
        <translation>Tabulator</translation>
    </message>
    <message>
        <source>%1 is a spreadsheet (%2-separated) of %3 records with %4 files.</source>
        <translation>%1 ist eine Tabelle (Trennzeichen: %2) mit %3 Datensätzen und %4 Dateien.</translation>
    </message>
</context>
<context>
    <name>gh::StageInfo</name>
    <message>
        <source>Intake</source>
        <translation>Annahme</translation>
    </message>
    <message>
        <source>Fetch</source>
        <translation>Abruf</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Prüfung</translation>
    </message>
    <message>
        <source>Duplicates</source>
        <translation>Dubletten</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Sichtung</translation>
    </message>
    <message>
        <source>Upload</source>
        <translation>Hochladen</translation>
    </message>
    <message>
        <source>Not started</source>
        <translation>Nicht gestartet</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Needs attention</source>
        <translation>Erfordert Aufmerksamkeit</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>gh::StatusInfo</name>
    <message>
        <source>Pending</source>
        <translation>Ausstehend</translation>
    </message>
    <message>
        <source>Stored</source>
        <translation>Gespeichert</translation>
    </message>
    <message>
        <source>Not changed</source>
        <translation>Nicht geändert</translation>
    </message>
    <message>
        <source>Skipped (banned)</source>
        <translation>Übersprungen (gesperrt)</translation>
    </message>
    <message>
        <source>Too large</source>
        <translation>Zu groß</translation>
    </message>
    <message>
        <source>Wrong type</source>
        <translation>Falscher Typ</translation>
    </message>
    <message>
        <source>Empty</source>
        <translation>Leer</translation>
    </message>
    <message>
        <source>Not found</source>
        <translation>Nicht gefunden</translation>
    </message>
    <message>
        <source>Forbidden</source>
        <translation>Verboten</translation>
    </message>
    <message>
        <source>Request refused</source>
        <translation>Anfrage abgelehnt</translation>
    </message>
    <message>
        <source>Server error</source>
        <translation>Serverfehler</translation>
    </message>
    <message>
        <source>Rate limited</source>
        <translation>Ratenbegrenzt</translation>
    </message>
    <message>
        <source>Timed out</source>
        <translation>Zeitüberschreitung</translation>
    </message>
    <message>
        <source>Network error</source>
        <translation>Netzwerkfehler</translation>
    </message>
    <message>
        <source>Truncated</source>
        <translation>Abgeschnitten</translation>
    </message>
    <message>
        <source>TLS error</source>
        <translation>TLS-Fehler</translation>
    </message>
    <message>
        <source>Redirect loop</source>
        <translation>Weiterleitungsschleife</translation>
    </message>
    <message>
        <source>Too many redirects</source>
        <translation>Zu viele Weiterleitungen</translation>
    </message>
    <message>
        <source>Checksum mismatch</source>
        <translation>Prüfsummenabweichung</translation>
    </message>
    <message>
        <source>Missing</source>
        <translation>Fehlt</translation>
    </message>
    <message>
        <source>Unreadable</source>
        <translation>Nicht lesbar</translation>
    </message>
    <message>
        <source>Storage error</source>
        <translation>Speicherfehler</translation>
    </message>
    <message>
        <source>Unsafe path</source>
        <translation>Unsicherer Pfad</translation>
    </message>
    <message>
        <source>Limit exceeded</source>
        <translation>Grenzwert überschritten</translation>
    </message>
    <message>
        <source>Unsupported</source>
        <translation>Nicht unterstützt</translation>
    </message>
    <message>
        <source>Deleted (batch rejected)</source>
        <translation>Gelöscht (Stapel zurückgewiesen)</translation>
    </message>
    <message>
        <source>Needs a decision</source>
        <translation>Entscheidung nötig</translation>
    </message>
    <message>
        <source>Refused by the target</source>
        <translation>Vom Ziel abgelehnt</translation>
    </message>
    <message>
        <source>Differs on the target</source>
        <translation>Weicht auf dem Ziel ab</translation>
    </message>
</context>
<context>
    <name>gh::StoreKey</name>
    <message>
        <source>The storage key &quot;%1&quot; is unsafe: %2.</source>
        <translation>Der Speicherschlüssel &quot;%1&quot; ist unsicher: %2.</translation>
    </message>
    <message>
        <source>it is empty</source>
        <translation>er ist leer</translation>
    </message>
    <message>
        <source>it is an absolute path</source>
        <translation>er ist ein absoluter Pfad</translation>
    </message>
    <message>
        <source>it contains a backslash</source>
        <translation>er enthält einen Backslash</translation>
    </message>
    <message>
        <source>it contains a control character</source>
        <translation>er enthält ein Steuerzeichen</translation>
    </message>
    <message>
        <source>it contains an empty path segment</source>
        <translation>er enthält ein leeres Pfadsegment</translation>
    </message>
    <message>
        <source>it contains a &quot;%1&quot; segment</source>
        <translation>er enthält ein Segment &quot;%1&quot;</translation>
    </message>
    <message>
        <source>a segment is longer than 255 bytes</source>
        <translation>ein Segment ist länger als 255 Bytes</translation>
    </message>
    <message>
        <source>its first segment is hidden (reserved for the store&apos;s own files)</source>
        <translation>sein erstes Segment ist versteckt (für die eigenen Dateien des Speichers reserviert)</translation>
    </message>
    <message>
        <source>The key template &quot;%1&quot; has a malformed variable.</source>
        <translation>Die Schlüsselvorlage &quot;%1&quot; enthält eine fehlerhafte Variable.</translation>
    </message>
    <message>
        <source>The key template &quot;%1&quot; uses {%2}, which is not known here.</source>
        <translation>Die Schlüsselvorlage &quot;%1&quot; verwendet {%2}, das hier nicht bekannt ist.</translation>
    </message>
</context>
<context>
    <name>gh::StoredCopy</name>
    <message>
        <source>Cannot write a temporary copy of %1: %2</source>
        <translation>Eine temporäre Kopie von %1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Cannot create a temporary copy of %1: %2</source>
        <translation>Von %1 kann keine temporäre Kopie angelegt werden: %2</translation>
    </message>
    <message>
        <source>Cannot read %1 from %2: %3</source>
        <translation>%1 kann nicht aus %2 gelesen werden: %3</translation>
    </message>
</context>
<context>
    <name>gh::StreamHash</name>
    <message>
        <source>Reading %1 was cancelled.</source>
        <translation>Das Lesen von %1 wurde abgebrochen.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
</context>
<context>
    <name>gh::SummarySections</name>
    <message>
        <source>Files</source>
        <translation>Dateien</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>Objekte</translation>
    </message>
    <message>
        <source>Attempted</source>
        <translation>Versucht</translation>
    </message>
    <message>
        <source>Successful</source>
        <translation>Erfolgreich</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>Übersprungen</translation>
    </message>
    <message>
        <source>Not yet processed</source>
        <translation>Noch nicht verarbeitet</translation>
    </message>
    <message>
        <source>Bytes</source>
        <translation>Bytes</translation>
    </message>
    <message>
        <source>By status</source>
        <translation>Nach Status</translation>
    </message>
    <message>
        <source>Stages</source>
        <translation>Stufen</translation>
    </message>
    <message>
        <source>Checks</source>
        <translation>Prüfungen</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Sichtung</translation>
    </message>
    <message>
        <source>Uploads</source>
        <translation>Hochladen</translation>
    </message>
    <message>
        <source>Approval</source>
        <translation>Abnahme</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>Urteil</translation>
    </message>
    <message>
        <source>approved</source>
        <translation>angenommen</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>abgelehnt</translation>
    </message>
</context>
<context>
    <name>gh::Target</name>
    <message>
        <source>%1 has no name on the target: it was never stored, or the key template gives nothing.</source>
        <translation>%1 hat keinen Namen auf dem Ziel: Die Datei wurde nie gespeichert, oder die Schlüsselvorlage ergibt nichts.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>The upload has no source.</source>
        <translation>Das Hochladen hat keine Quelle.</translation>
    </message>
</context>
<context>
    <name>gh::TargetDelivery</name>
    <message>
        <source>%1 was never stored, so there is nothing to send.</source>
        <translation>%1 wurde nie gespeichert, es gibt also nichts zu senden.</translation>
    </message>
    <message>
        <source>The rule %1 applies to %2, but this program cannot convert images.</source>
        <translation>Die Regel %1 gilt für %2, aber dieses Programm kann keine Bilder umwandeln.</translation>
    </message>
    <message>
        <source>Dissemination copy %1 (rule %2) made from the stored original (sha256 %3): %4×%5 pixels, %6 bytes, md5 %7, sha1 %8, sha256 %9.</source>
        <translation>Nutzungskopie %1 (Regel %2) aus dem gespeicherten Original (sha256 %3) erstellt: %4×%5 Pixel, %6 Bytes, md5 %7, sha1 %8, sha256 %9.</translation>
    </message>
    <message>
        <source>%1 refuses the name %2: %3</source>
        <translation>%1 lehnt den Namen %2 ab: %3</translation>
    </message>
    <message>
        <source>%1 already holds these bytes as %2; nothing sent.</source>
        <translation>%1 enthält diese Bytes bereits als %2; nichts gesendet.</translation>
    </message>
    <message>
        <source>%1 holds %2 with the same digests (sha1 %3); not sent again.</source>
        <translation>%1 enthält %2 mit denselben Prüfsummen (sha1 %3); nicht erneut gesendet.</translation>
    </message>
    <message>
        <source>%1: the name %2 is taken (a page without a file).</source>
        <translation>%1: Der Name %2 ist vergeben (eine Seite ohne Datei).</translation>
    </message>
    <message>
        <source>%1: the name %2 holds other content.</source>
        <translation>%1: Unter dem Namen %2 liegt anderer Inhalt.</translation>
    </message>
    <message>
        <source>%1 already holds these bytes as %2.</source>
        <translation>%1 enthält diese Bytes bereits als %2.</translation>
    </message>
    <message>
        <source>%1 deleted these bytes before for copyright (%2: %3).</source>
        <translation>%1 hat diese Bytes früher aus urheberrechtlichen Gründen gelöscht (%2: %3).</translation>
    </message>
    <message>
        <source>%1 deleted these bytes before (%2).</source>
        <translation>%1 hat diese Bytes früher gelöscht (%2).</translation>
    </message>
    <message>
        <source>Sent to %1 as %2: %3 bytes, sha1 %4, sha256 %5.</source>
        <translation>An %1 als %2 gesendet: %3 Bytes, sha1 %4, sha256 %5.</translation>
    </message>
    <message>
        <source>%1 already held these bytes as %2; nothing sent.</source>
        <translation>%1 enthielt diese Bytes bereits als %2; nichts gesendet.</translation>
    </message>
    <message>
        <source>Not sent to %1 as %2: %3</source>
        <translation>Nicht an %1 als %2 gesendet: %3</translation>
    </message>
    <message>
        <source>Sending to %1 as %2 failed: %3</source>
        <translation>Das Senden an %1 als %2 ist fehlgeschlagen: %3</translation>
    </message>
    <message>
        <source>%1 holds %2 with the digests that were sent (sha1 %3, %4 bytes).</source>
        <translation>%1 enthält %2 mit den gesendeten Prüfsummen (sha1 %3, %4 Bytes).</translation>
    </message>
    <message>
        <source>%1 holds %2 as an interrupted run sent it; nothing sent again.</source>
        <translation>%1 hat %2 so, wie ein unterbrochener Lauf es gesendet hat; nichts erneut gesendet.</translation>
    </message>
    <message>
        <source>Sent to %1 as %2 by an interrupted run: %3 bytes, sha1 %4, found complete.</source>
        <translation>Von einem unterbrochenen Lauf an %1 als %2 gesendet: %3 Bytes, sha1 %4, vollständig vorgefunden.</translation>
    </message>
    <message>
        <source>%1 stored %2 although its answer was lost; not sent again.</source>
        <translation>%1 hat %2 gespeichert, obwohl die Antwort verloren ging; nicht erneut gesendet.</translation>
    </message>
    <message>
        <source>Sent to %1 as %2: %3 bytes, sha1 %4, sha256 %5 (the first answer was lost).</source>
        <translation>An %1 als %2 gesendet: %3 Bytes, sha1 %4, sha256 %5 (die erste Antwort ging verloren).</translation>
    </message>
    <message>
        <source>%1 holds %2 with the digests that were sent (sha1 %3, %4 bytes), as its answer to the upload says.</source>
        <translation>%1 enthält %2 mit den gesendeten Prüfsummen (sha1 %3, %4 Bytes), wie seine Antwort auf den Upload besagt.</translation>
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
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>%1: mediawiki/chunk_size must be a size of at least 1K (such as 5M).</source>
        <translation>%1: mediawiki/chunk_size muss eine Größe von mindestens 1K sein (etwa 5M).</translation>
    </message>
</context>
<context>
    <name>gh::TargetRegistry</name>
    <message>
        <source>Unknown target &quot;%1&quot;; give one of: %2.</source>
        <translation>Unbekanntes Ziel &quot;%1&quot;; geben Sie eines davon an: %2.</translation>
    </message>
</context>
<context>
    <name>gh::ThumbnailCache</name>
    <message>
        <source>“%1” is not a SHA-256 digest; the thumbnail was not cached.</source>
        <translation>„%1“ ist kein SHA-256-Hashwert; das Vorschaubild wurde nicht zwischengespeichert.</translation>
    </message>
    <message>
        <source>An empty thumbnail cannot be cached.</source>
        <translation>Ein leeres Vorschaubild kann nicht zwischengespeichert werden.</translation>
    </message>
    <message>
        <source>Cannot create the thumbnail cache folder %1.</source>
        <translation>Der Ordner %1 für den Vorschaubild-Cache kann nicht angelegt werden.</translation>
    </message>
    <message>
        <source>Cannot write the thumbnail %1: %2</source>
        <translation>Das Vorschaubild %1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Cannot remove every file in the thumbnail cache %1.</source>
        <translation>Nicht alle Dateien im Vorschaubild-Cache %1 können entfernt werden.</translation>
    </message>
</context>
<context>
    <name>gh::ThumbnailGenerator</name>
    <message>
        <source>A thumbnail must be at least one pixel large.</source>
        <translation>Ein Vorschaubild muss mindestens ein Pixel groß sein.</translation>
    </message>
    <message>
        <source>%1 is %2, which has no thumbnail.</source>
        <translation>%1 ist %2, wofür es kein Vorschaubild gibt.</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>%1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>%1 is empty.</source>
        <translation>%1 ist leer.</translation>
    </message>
    <message>
        <source>%1 is not an image or PDF that Gatehouse can make a thumbnail of.</source>
        <translation>%1 ist kein Bild und kein PDF, von dem Gatehouse ein Vorschaubild erstellen kann.</translation>
    </message>
    <message>
        <source>%1 is a truncated PDF document (it has no end marker).</source>
        <translation>%1 ist ein abgeschnittenes PDF-Dokument (es hat keine Endmarkierung).</translation>
    </message>
    <message>
        <source>%1 is not a readable PDF document.</source>
        <translation>%1 ist kein lesbares PDF-Dokument.</translation>
    </message>
    <message>
        <source>%1 is a password-protected PDF document.</source>
        <translation>%1 ist ein passwortgeschütztes PDF-Dokument.</translation>
    </message>
    <message>
        <source>%1 is a PDF document without pages.</source>
        <translation>%1 ist ein PDF-Dokument ohne Seiten.</translation>
    </message>
    <message>
        <source>The first page of %1 cannot be read.</source>
        <translation>Die erste Seite von %1 kann nicht gelesen werden.</translation>
    </message>
    <message>
        <source>The first page of %1 cannot be rendered.</source>
        <translation>Die erste Seite von %1 kann nicht gerendert werden.</translation>
    </message>
    <message>
        <source>%1 is a truncated or damaged JPEG file.</source>
        <translation>%1 ist eine abgeschnittene oder beschädigte JPEG-Datei.</translation>
    </message>
    <message>
        <source>%1 is a truncated or damaged GIF file.</source>
        <translation>%1 ist eine abgeschnittene oder beschädigte GIF-Datei.</translation>
    </message>
    <message>
        <source>%1 is a truncated BMP file.</source>
        <translation>%1 ist eine abgeschnittene BMP-Datei.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 cannot be decoded as %2: %3</source>
        <translation>%1 kann nicht als %2 dekodiert werden: %3</translation>
    </message>
</context>
<context>
    <name>gh::ThumbnailView</name>
    <message>
        <source>Thumbnails</source>
        <translation>Vorschaubilder</translation>
    </message>
</context>
<context>
    <name>gh::TransfersModel</name>
    <message>
        <source>%1 of %2 bytes received</source>
        <translation>%1 von %2 Bytes empfangen</translation>
    </message>
    <message>
        <source>%1 bytes received; the size is not known yet</source>
        <translation>%1 Bytes empfangen; die Größe ist noch nicht bekannt</translation>
    </message>
    <message>
        <source>%1 of %2 (%3%)</source>
        <translation>%1 von %2 (%3%)</translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Rate</source>
        <translation>Übertragungsrate</translation>
    </message>
    <message>
        <source>Attempt</source>
        <translation>Versuch</translation>
    </message>
    <message>
        <source>waiting…</source>
        <translation>wartet…</translation>
    </message>
    <message>
        <source>Waiting for the server: connecting, or in the queue for this host.</source>
        <translation>Wartet auf den Server: Verbindung wird aufgebaut oder die Anfrage wartet auf diesen Host.</translation>
    </message>
</context>
<context>
    <name>gh::TransfersView</name>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Transfer summary</source>
        <translation>Übersicht der Übertragungen</translation>
    </message>
    <message>
        <source>Nothing is running.</source>
        <translation>Es läuft nichts.</translation>
    </message>
    <message>
        <source>Cancel the running stage</source>
        <translation>Die laufende Stufe abbrechen</translation>
    </message>
    <message>
        <source>Stop the running stage; files not finished stay pending and resume next time.</source>
        <translation>Hält die laufende Stufe an; nicht fertige Dateien bleiben ausstehend und werden beim nächsten Mal fortgesetzt.</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen …</translation>
    </message>
    <message>
        <source>Running transfers</source>
        <translation>Laufende Übertragungen</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>Resume transfers</source>
        <translation>Übertragungen fortsetzen</translation>
    </message>
    <message>
        <source>Carry on with the paused transfers and start the files still waiting.</source>
        <translation>Setzt die pausierten Übertragungen fort und startet die noch wartenden Dateien.</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pausieren</translation>
    </message>
    <message>
        <source>Pause transfers</source>
        <translation>Übertragungen pausieren</translation>
    </message>
    <message>
        <source>Hold the running downloads and uploads where they are and start no new files; a local copy under way finishes its file.</source>
        <translation>Hält die laufenden Downloads und Uploads an, wo sie sind, und startet keine neuen Dateien; eine laufende lokale Kopie stellt ihre Datei noch fertig.</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Wird gestartet …</translation>
    </message>
</context>
<context>
    <name>gh::UploadErrors</name>
    <message>
        <source>The wiki refused the upload: %1 (%2).</source>
        <translation>Das Wiki hat das Hochladen abgelehnt: %1 (%2).</translation>
    </message>
    <message>
        <source>The wiki already holds these bytes under this name.</source>
        <translation>Das Wiki enthält diese Bytes bereits unter diesem Namen.</translation>
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
        <translation>%1 Dateien an %2</translation>
    </message>
    <message>
        <source>Upload %1.</source>
        <translation>%1 hochladen.</translation>
    </message>
    <message>
        <source>%1: nothing of this batch to delete; %2 files were there before and stay.</source>
        <translation>%1: nichts von diesem Stapel zu löschen; %2 Dateien waren schon vorher da und bleiben.</translation>
    </message>
    <message>
        <source>Cannot withdraw batch %1 from %2: %3</source>
        <translation>Stapel %1 kann nicht von %2 zurückgezogen werden: %3</translation>
    </message>
    <message>
        <source>%1 files stay on %2: deleting needs an administrator.</source>
        <translation>%1 Dateien bleiben auf %2: Löschen erfordert einen Administrator.</translation>
    </message>
    <message>
        <source>Deleting batch %1 from %2 stopped at %3: %4 Reject it again to carry on.</source>
        <translation>Das Löschen von Stapel %1 auf %2 hielt bei %3 an: %4 Weisen Sie ihn erneut zurück, um fortzufahren.</translation>
    </message>
    <message>
        <source>batch rejected; %1 deleted from %2</source>
        <translation>Stapel zurückgewiesen; %1 von %2 gelöscht</translation>
    </message>
    <message>
        <source>%1 files deleted from %2.</source>
        <translation>%1 Dateien von %2 gelöscht.</translation>
    </message>
    <message>
        <source>%1 files that were there before stay.</source>
        <translation>%1 Dateien, die schon vorher da waren, bleiben.</translation>
    </message>
    <message>
        <source>The target &quot;%1&quot; names no folder; write local:DIR.</source>
        <translation>Das Ziel &quot;%1&quot; nennt keinen Ordner; schreiben Sie local:DIR.</translation>
    </message>
    <message numerus="yes">
        <source>(%n kept back by duplicate decisions)</source>
        <translation>
            <numerusform>(%n durch eine Dublettenentscheidung zurückgehalten)</numerusform>
            <numerusform>(%n durch Dublettenentscheidungen zurückgehalten)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>gh::UploadPlan</name>
    <message>
        <source>A target needs a spec.</source>
        <translation>Ein Ziel braucht eine Angabe.</translation>
    </message>
    <message>
        <source>The filter for %1: %2</source>
        <translation>Der Filter für %1: %2</translation>
    </message>
    <message>
        <source>--filter %1 comes before any --target; give each --target first, then its --filter.</source>
        <translation>--filter %1 steht vor jedem --target; geben Sie zuerst jedes --target an, dann seinen --filter.</translation>
    </message>
    <message>
        <source>--target %1 has two filters; combine them in one query.</source>
        <translation>--target %1 hat zwei Filter; fassen Sie sie in einer Abfrage zusammen.</translation>
    </message>
</context>
<context>
    <name>gh::UploadPreview</name>
    <message>
        <source>Conversion rules are set, but this program cannot convert images.</source>
        <translation>Umwandlungsregeln sind gesetzt, aber dieses Programm kann keine Bilder umwandeln.</translation>
    </message>
    <message>
        <source>%1 exists; the converted bytes decide whether it is the same file.</source>
        <translation>%1 existiert; die umgewandelten Bytes entscheiden, ob es dieselbe Datei ist.</translation>
    </message>
    <message>
        <source>Already there as %1.</source>
        <translation>Bereits vorhanden als %1.</translation>
    </message>
    <message>
        <source>%1 holds other content.</source>
        <translation>%1 enthält anderen Inhalt.</translation>
    </message>
    <message>
        <source>The bytes are already there as %1.</source>
        <translation>Die Bytes sind bereits als %1 vorhanden.</translation>
    </message>
    <message>
        <source>The preview was cancelled.</source>
        <translation>Die Vorschau wurde abgebrochen.</translation>
    </message>
    <message>
        <source>%1/%2 does not go to %3.</source>
        <translation>%1/%2 geht nicht an %3.</translation>
    </message>
    <message>
        <source>Would be uploaded</source>
        <translation>Würde hochgeladen</translation>
    </message>
    <message>
        <source>Name taken on the target</source>
        <translation>Name am Ziel bereits vergeben</translation>
    </message>
    <message>
        <source>Cannot be uploaded</source>
        <translation>Kann nicht hochgeladen werden</translation>
    </message>
</context>
<context>
    <name>gh::UploadPreviewDialog</name>
    <message>
        <source>&amp;Show</source>
        <translation>&amp;Anzeigen</translation>
    </message>
    <message>
        <source>Upload Preview</source>
        <translation>Vorschau des Hochladens</translation>
    </message>
    <message>
        <source>mediawiki:https://commons.wikimedia.org/w/api.php</source>
        <translation>mediawiki:https://commons.wikimedia.org/w/api.php</translation>
    </message>
    <message>
        <source>{title:181} - {identifier}{ext} on wikis; the store key elsewhere</source>
        <translation>{title:181} - {identifier}{ext} in Wikis; sonst der Speicherschlüssel</translation>
    </message>
    <message>
        <source>&amp;Target:</source>
        <translation>&amp;Ziel:</translation>
    </message>
    <message>
        <source>Title &amp;template:</source>
        <translation>Titel&amp;vorlage:</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>On the target:</source>
        <translation>Auf dem Ziel:</translation>
    </message>
    <message>
        <source>Page text:</source>
        <translation>Seitentext:</translation>
    </message>
    <message>
        <source>Type a target first.</source>
        <translation>Geben Sie zuerst ein Ziel ein.</translation>
    </message>
    <message>
        <source>Asking the target…</source>
        <translation>Ziel wird gefragt…</translation>
    </message>
    <message>
        <source>converted by %1</source>
        <translation>umgewandelt durch %1</translation>
    </message>
    <message>
        <source>Summary: %1</source>
        <translation>Zusammenfassung: %1</translation>
    </message>
    <message>
        <source>Looking up the batch&apos;s target…</source>
        <translation>Ziel des Stapels wird nachgeschlagen …</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Upload Preview: %1</source>
        <translation>Vorschau des Hochladens: %1</translation>
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
        <translation>Stapel %1 wurde zurückgewiesen; nichts davon wird hochgeladen.</translation>
    </message>
    <message>
        <source>No target to upload to: give --target, or [targets] default in the settings.</source>
        <translation>Kein Ziel zum Hochladen: Geben Sie --target an oder default unter [targets] in den Einstellungen.</translation>
    </message>
    <message>
        <source>Upload: %1 files of batch %2 to %3.</source>
        <translation>Hochladen: %1 Dateien von Stapel %2 nach %3.</translation>
    </message>
    <message>
        <source>%1 uploads in a row failed to reach their target; stopping. Last error: %2</source>
        <translation>%1 Uploads hintereinander haben ihr Ziel nicht erreicht; Abbruch. Letzter Fehler: %2</translation>
    </message>
    <message>
        <source>Every file is at its targets.</source>
        <translation>Jede Datei ist an ihren Zielen.</translation>
    </message>
</context>
<context>
    <name>gh::UploadWarnings</name>
    <message>
        <source>The wiki already holds these bytes as File:%1.</source>
        <translation>Das Wiki enthält diese Bytes bereits als File:%1.</translation>
    </message>
    <message>
        <source>The wiki already holds these bytes as %1.</source>
        <translation>Das Wiki enthält diese Bytes bereits als %1.</translation>
    </message>
    <message>
        <source>A file with these bytes was deleted from the wiki (File:%1).</source>
        <translation>Eine Datei mit diesen Bytes wurde aus dem Wiki gelöscht (File:%1).</translation>
    </message>
    <message>
        <source>File:%1 exists with other content.</source>
        <translation>File:%1 existiert mit anderem Inhalt.</translation>
    </message>
    <message>
        <source>File:%1 exists and differs from our name only in the case of its extension.</source>
        <translation>File:%1 existiert und unterscheidet sich von unserem Namen nur in der Groß-/Kleinschreibung der Endung.</translation>
    </message>
    <message>
        <source>The page File:%1 exists without a file.</source>
        <translation>Die Seite File:%1 existiert ohne Datei.</translation>
    </message>
    <message>
        <source>A file named File:%1 was deleted before.</source>
        <translation>Eine Datei namens File:%1 wurde früher gelöscht.</translation>
    </message>
    <message>
        <source>An older version of File:%1 has these bytes.</source>
        <translation>Eine ältere Version von File:%1 hat diese Bytes.</translation>
    </message>
    <message>
        <source>The wiki would publish the file as File:%1 instead of File:%2; change the title template.</source>
        <translation>Das Wiki würde die Datei als File:%1 statt File:%2 veröffentlichen; ändern Sie die Titelvorlage.</translation>
    </message>
    <message>
        <source>The file is empty.</source>
        <translation>Die Datei ist leer.</translation>
    </message>
    <message>
        <source>The wiki does not want files of this type (%1).</source>
        <translation>Das Wiki möchte keine Dateien dieses Typs (%1).</translation>
    </message>
    <message>
        <source>The wiki warns: %1 %2.</source>
        <translation>Das Wiki warnt: %1 %2.</translation>
    </message>
</context>
<context>
    <name>gh::UrlListIngester</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Loading %1 was cancelled.</source>
        <translation>Das Laden von %1 wurde abgebrochen.</translation>
    </message>
    <message>
        <source>%1 line %2: &quot;%3&quot; is not an http or https URL.</source>
        <translation>%1 Zeile %2: &quot;%3&quot; ist keine http- oder https-URL.</translation>
    </message>
    <message>
        <source>line %1</source>
        <translation>Zeile %1</translation>
    </message>
    <message>
        <source>%1 is a list of %2 URLs.</source>
        <translation>%1 ist eine Liste von %2 URLs.</translation>
    </message>
    <message>
        <source>Listed more than once and loaded once: %1</source>
        <translation>Mehrfach aufgeführt und einmal geladen: %1</translation>
    </message>
</context>
<context>
    <name>gh::UsageDialog</name>
    <message>
        <source>Using Gatehouse</source>
        <translation>Gatehouse benutzen</translation>
    </message>
    <message>
        <source>This build carries no usage notes.</source>
        <translation>Diese Ausgabe enthält keine Bedienungshinweise.</translation>
    </message>
</context>
<context>
    <name>gh::WebAddressDialog</name>
    <message>
        <source>Open Web Address</source>
        <translation>Webadresse öffnen</translation>
    </message>
    <message>
        <source>The address of a IIIF manifest or collection, a spreadsheet or a list of URLs. Files it lists are downloaded into the store.</source>
        <translation>Die Adresse eines IIIF-Manifests oder einer IIIF-Sammlung, einer Tabelle oder einer URL-Liste. Die aufgeführten Dateien werden in den Speicher heruntergeladen.</translation>
    </message>
    <message>
        <source>e.g. iiif.example.org/manifest.json</source>
        <translation>z. B. iiif.example.org/manifest.json</translation>
    </message>
    <message>
        <source>&amp;Address:</source>
        <translation>&amp;Adresse:</translation>
    </message>
    <message>
        <source>Type or paste the address of a manifest, a spreadsheet or a list of URLs.</source>
        <translation>Geben Sie die Adresse eines Manifests, einer Tabelle oder einer URL-Liste ein oder fügen Sie sie ein.</translation>
    </message>
    <message>
        <source>A web address has no spaces: &quot;%1&quot;.</source>
        <translation>Eine Webadresse enthält keine Leerzeichen: „%1“.</translation>
    </message>
    <message>
        <source>Only http and https addresses can be opened; &quot;%1&quot; is a %2 address. To open a file on this computer, use File ▸ Open File.</source>
        <translation>Nur http- und https-Adressen lassen sich öffnen; „%1“ ist eine %2-Adresse. Um eine Datei auf diesem Computer zu öffnen, verwenden Sie Datei ▸ Datei öffnen.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a web address: it needs a host name such as iiif.example.org.</source>
        <translation>„%1“ ist keine Webadresse: Es fehlt ein Hostname wie iiif.example.org.</translation>
    </message>
</context>
<context>
    <name>gh::WelcomePanel</name>
    <message>
        <source>Welcome</source>
        <translation>Willkommen</translation>
    </message>
    <message>
        <source>Welcome to Gatehouse</source>
        <translation>Willkommen bei Gatehouse</translation>
    </message>
    <message>
        <source>Take a delivery into the archive: Gatehouse copies or downloads every file into the store, checks it against the checksums that came with it, and shows you every problem before anything goes further.</source>
        <translation>Eine Lieferung ins Archiv übernehmen: Gatehouse kopiert oder lädt jede Datei in den Speicher, prüft sie gegen die mitgelieferten Prüfsummen und zeigt Ihnen jedes Problem, bevor etwas weitergeht.</translation>
    </message>
    <message>
        <source>Open &amp;Folder…</source>
        <translation>&amp;Ordner öffnen…</translation>
    </message>
    <message>
        <source>A folder of files, a newspaper batch, a BagIt bag or a METS package.</source>
        <translation>Ein Ordner mit Dateien, ein Zeitungsstapel, ein BagIt-Beutel oder ein METS-Paket.</translation>
    </message>
    <message>
        <source>Open F&amp;ile…</source>
        <translation>Da&amp;tei öffnen…</translation>
    </message>
    <message>
        <source>A zip, tar or 7z archive, a IIIF or METS manifest, a spreadsheet or a list of URLs.</source>
        <translation>Ein Zip-, Tar- oder 7z-Archiv, ein IIIF- oder METS-Manifest, eine Tabelle oder eine URL-Liste.</translation>
    </message>
    <message>
        <source>Open &amp;Web Address…</source>
        <translation>&amp;Webadresse öffnen …</translation>
    </message>
    <message>
        <source>A IIIF manifest or collection on the web.</source>
        <translation>Ein IIIF-Manifest oder eine IIIF-Sammlung im Web.</translation>
    </message>
    <message>
        <source>&amp;Watch a Folder…</source>
        <translation>Ordner &amp;überwachen…</translation>
    </message>
    <message>
        <source>You can also drop a folder, a file or a web address on this window.</source>
        <translation>Sie können auch einen Ordner, eine Datei oder eine Webadresse auf dieses Fenster ziehen.</translation>
    </message>
    <message>
        <source>New deliveries copied into a watched folder are loaded and checked on their own. No folder is watched now.</source>
        <translation>Neue Lieferungen, die in einen überwachten Ordner kopiert werden, werden selbsttätig geladen und geprüft. Zurzeit wird kein Ordner überwacht.</translation>
    </message>
    <message>
        <source>Watching %1: new deliveries there are loaded and checked on their own.</source>
        <translation>%1 wird überwacht: Neue Lieferungen dort werden selbsttätig geladen und geprüft.</translation>
    </message>
    <message>
        <source>New to Gatehouse? &lt;a href=&quot;sample&quot;&gt;Open the sample batch&lt;/a&gt;: a box of postcards with checksum sidecars, one of them deliberately wrong.</source>
        <translation>Neu bei Gatehouse? &lt;a href=&quot;sample&quot;&gt;Den Beispielstapel öffnen&lt;/a&gt;: eine Schachtel Postkarten mit Prüfsummendateien, von denen eine absichtlich falsch ist.</translation>
    </message>
</context>
<context>
    <name>gh::XmlCatalog</name>
    <message>
        <source>%1: the entry for %2 points at the network; it is ignored, schemas are only read from this machine.</source>
        <translation>%1: Der Eintrag für %2 verweist auf das Netzwerk; er wird ignoriert, Schemas werden nur von diesem Rechner gelesen.</translation>
    </message>
    <message>
        <source>%1: catalogs chained more than %2 deep; the rest is ignored.</source>
        <translation>%1: Kataloge sind tiefer als %2 Ebenen verkettet; der Rest wird ignoriert.</translation>
    </message>
    <message>
        <source>Cannot read the XML catalog %1: %2</source>
        <translation>Der XML-Katalog %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>The XML catalog %1 is larger than 16 MiB.</source>
        <translation>Der XML-Katalog %1 ist größer als 16 MiB.</translation>
    </message>
    <message>
        <source>%1 is not an OASIS XML catalog: its root element is not catalog in %2.</source>
        <translation>%1 ist kein OASIS-XML-Katalog: Sein Wurzelelement ist nicht catalog in %2.</translation>
    </message>
</context>
<context>
    <name>gh::XmlDocument</name>
    <message>
        <source>it declares the external entity %1 (%2); external entities are never loaded</source>
        <translation>es deklariert die externe Entität %1 (%2); externe Entitäten werden nie geladen</translation>
    </message>
    <message>
        <source>it declares the entity %1 in its DTD; entity declarations are refused because they can expand without bound</source>
        <translation>es deklariert die Entität %1 in seiner DTD; Entitätsdeklarationen werden abgelehnt, weil sie sich unbegrenzt ausdehnen können</translation>
    </message>
    <message>
        <source>its DOCTYPE refers to the external DTD %1; external DTDs are never loaded</source>
        <translation>sein DOCTYPE verweist auf die externe DTD %1; externe DTDs werden nie geladen</translation>
    </message>
    <message>
        <source>it refers to the external resource %1; nothing outside the document is loaded</source>
        <translation>es verweist auf die externe Ressource %1; nichts außerhalb des Dokuments wird geladen</translation>
    </message>
    <message>
        <source>%1 is %2 bytes, more than the %3 bytes allowed for an XML manifest; it was not parsed.</source>
        <translation>%1 ist %2 Bytes groß, mehr als die %3 Bytes, die für ein XML-Manifest erlaubt sind; es wurde nicht geparst.</translation>
    </message>
    <message>
        <source>%1 is too large to parse.</source>
        <translation>%1 ist zu groß zum Parsen.</translation>
    </message>
    <message>
        <source>%1 is empty; it is not an XML document.</source>
        <translation>%1 ist leer; es ist kein XML-Dokument.</translation>
    </message>
    <message>
        <source>Could not parse %1: out of memory.</source>
        <translation>%1 konnte nicht geparst werden: Speicher erschöpft.</translation>
    </message>
    <message>
        <source>%1 was refused at line %2: %3.</source>
        <translation>%1 wurde in Zeile %2 abgelehnt: %3.</translation>
    </message>
    <message>
        <source>%1 was refused at line %2: its elements are nested more than 256 levels deep.</source>
        <translation>%1 wurde in Zeile %2 abgelehnt: Seine Elemente sind mehr als 256 Ebenen tief verschachtelt.</translation>
    </message>
    <message>
        <source>the document is not well-formed XML</source>
        <translation>das Dokument ist kein wohlgeformtes XML</translation>
    </message>
    <message>
        <source>%1 is not well-formed XML: line %2, column %3: %4.</source>
        <translation>%1 ist kein wohlgeformtes XML: Zeile %2, Spalte %3: %4.</translation>
    </message>
    <message>
        <source>%1 is not well-formed XML: line %2: %3.</source>
        <translation>%1 ist kein wohlgeformtes XML: Zeile %2: %3.</translation>
    </message>
    <message>
        <source>%1 has no root element.</source>
        <translation>%1 hat kein Wurzelelement.</translation>
    </message>
    <message>
        <source>Could not validate %1: out of memory.</source>
        <translation>%1 konnte nicht validiert werden: kein Speicher mehr.</translation>
    </message>
</context>
<context>
    <name>gh::XmlSchemaCheck</name>
    <message>
        <source>Every XML file is valid against the XML schema for its namespace, from the configured schema folder or catalog; nothing is read from the network.</source>
        <translation>Jede XML-Datei ist gültig gegen das XML-Schema ihres Namensraums aus dem eingerichteten Schemaordner oder Katalog; nichts wird aus dem Netzwerk gelesen.</translation>
    </message>
    <message>
        <source>%1: not valid against %2: %3</source>
        <translation>%1: nicht gültig gegen %2: %3</translation>
    </message>
    <message>
        <source>%1: %2 more validity errors against %3.</source>
        <translation>%1: %2 weitere Gültigkeitsfehler gegen %3.</translation>
    </message>
    <message>
        <source>xml-schema was skipped: %1 XML files were not validated because %2</source>
        <translation>xml-schema wurde übersprungen: %1 XML-Dateien wurden nicht validiert, weil %2</translation>
    </message>
    <message>
        <source>(no namespace)</source>
        <translation>(kein Namensraum)</translation>
    </message>
    <message>
        <source>xml-schema: %1 has no schema for the namespace %2, so %3 XML files were not validated (the first is %4).</source>
        <translation>xml-schema: %1 hat kein Schema für den Namensraum %2, daher wurden %3 XML-Dateien nicht validiert (die erste ist %4).</translation>
    </message>
    <message>
        <source>xml-schema: the schema %1 cannot be compiled (%2), so %3 XML files were not validated (the first is %4).</source>
        <translation>xml-schema: Das Schema %1 kann nicht kompiliert werden (%2), daher wurden %3 XML-Dateien nicht validiert (die erste ist %4).</translation>
    </message>
</context>
<context>
    <name>gh::XmlWellformedCheck</name>
    <message>
        <source>Every XML file is well-formed, with no DTD, entities or external references.</source>
        <translation>Jede XML-Datei ist wohlgeformt, ohne DTD, Entitäten oder externe Verweise.</translation>
    </message>
</context>
<context>
    <name>gh::ZipBackend</name>
    <message>
        <source>%1 is empty, not a zip archive.</source>
        <translation>%1 ist leer, kein zip-Archiv.</translation>
    </message>
    <message>
        <source>%1 is not a readable zip archive: its central directory is missing or damaged (the file may be truncated).</source>
        <translation>%1 ist kein lesbares zip-Archiv: Sein zentrales Verzeichnis fehlt oder ist beschädigt (die Datei ist möglicherweise abgeschnitten).</translation>
    </message>
    <message>
        <source>The central directory of %1 is damaged.</source>
        <translation>Das zentrale Verzeichnis von %1 ist beschädigt.</translation>
    </message>
    <message>
        <source>The central directory of %1 is damaged after its member %2.</source>
        <translation>Das zentrale Verzeichnis von %1 ist nach seinem Eintrag %2 beschädigt.</translation>
    </message>
    <message>
        <source>%1 has no member number %2.</source>
        <translation>%1 hat keinen Eintrag Nummer %2.</translation>
    </message>
    <message>
        <source>its data cannot be opened (zip error %1)</source>
        <translation>seine Daten können nicht geöffnet werden (zip-Fehler %1)</translation>
    </message>
    <message>
        <source>its compressed data is damaged (zip error %1)</source>
        <translation>seine komprimierten Daten sind beschädigt (zip-Fehler %1)</translation>
    </message>
    <message>
        <source>its data does not match the CRC-32 checksum the archive records</source>
        <translation>seine Daten stimmen nicht mit der CRC-32-Prüfsumme überein, die das Archiv verzeichnet</translation>
    </message>
    <message>
        <source>its data cannot be read to the end (zip error %1)</source>
        <translation>seine Daten können nicht bis zum Ende gelesen werden (zip-Fehler %1)</translation>
    </message>
    <message>
        <source>The central directory of %1 is damaged at member %2.</source>
        <translation>Das zentrale Verzeichnis von %1 ist bei Eintrag %2 beschädigt.</translation>
    </message>
    <message>
        <source>it is compressed with method %1, which Gatehouse cannot read</source>
        <translation>es ist mit Methode %1 komprimiert, die Gatehouse nicht lesen kann</translation>
    </message>
</context>
<context>
    <name>gh::cli</name>
    <message>
        <source>The catalog: an SQLite file, or postgresql://user:password@host:port/db.</source>
        <translation>Der Katalog: eine SQLite-Datei oder postgresql://user:password@host:port/db.</translation>
    </message>
    <message>
        <source>path</source>
        <translation>Pfad</translation>
    </message>
    <message>
        <source>dir</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>Engine settings (INI).</source>
        <translation>Engine-Einstellungen (INI).</translation>
    </message>
    <message>
        <source>file</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Print no progress.</source>
        <translation>Keinen Fortschritt ausgeben.</translation>
    </message>
    <message>
        <source>Print the engine&apos;s log on stderr.</source>
        <translation>Das Protokoll der Engine auf stderr ausgeben.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a batch id; batch ids are positive numbers.</source>
        <translation>&quot;%1&quot; ist keine Stapel-ID; Stapel-IDs sind positive Zahlen.</translation>
    </message>
    <message>
        <source>Batch %1: %2 items, %3 files (%4)</source>
        <translation>Stapel %1: %2 Objekte, %3 Dateien (%4)</translation>
    </message>
    <message>
        <source>Interrupted; stopping after the files in progress.</source>
        <translation>Unterbrochen; Abbruch nach den Dateien in Bearbeitung.</translation>
    </message>
    <message>
        <source>Name of the batch (default: the source&apos;s name).</source>
        <translation>Name des Stapels (Standard: der Name der Quelle).</translation>
    </message>
    <message>
        <source>name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>File of record identifiers to skip, one per line.</source>
        <translation>Datei mit zu überspringenden Datensatzkennungen, eine pro Zeile.</translation>
    </message>
    <message>
        <source>Print the result as JSON.</source>
        <translation>Das Ergebnis als JSON ausgeben.</translation>
    </message>
    <message>
        <source>warning: </source>
        <translation>Warnung: </translation>
    </message>
    <message>
        <source>Parallel transfers (default 8).</source>
        <translation>Parallele Übertragungen (Standard 8).</translation>
    </message>
    <message>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <source>--jobs takes a number from 1 to 256.</source>
        <translation>--jobs nimmt eine Zahl von 1 bis 256.</translation>
    </message>
    <message>
        <source>Copy or download and hash every pending file of a batch, then run its automatic QA and duplicate stages (what comes before the curator&apos;s review).</source>
        <translation>Jede ausstehende Datei eines Stapels kopieren oder herunterladen und ihre Prüfsummen berechnen, danach seine automatische QA und Dublettenprüfung ausführen (was vor der Prüfung durch die Kuratorin oder den Kurator kommt).</translation>
    </message>
    <message>
        <source>The batch id.</source>
        <translation>Die Stapel-ID.</translation>
    </message>
    <message>
        <source>Load a source and run every automatic stage; resumes an interrupted run of the same source.</source>
        <translation>Eine Quelle laden und jede automatische Stufe ausführen; setzt einen unterbrochenen Lauf derselben Quelle fort.</translation>
    </message>
    <message>
        <source>Only this batch.</source>
        <translation>Nur dieser Stapel.</translation>
    </message>
    <message>
        <source>No batches in %1.</source>
        <translation>Keine Stapel in %1.</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>NAME</translation>
    </message>
    <message>
        <source>CREATED</source>
        <translation>ANGELEGT</translation>
    </message>
    <message>
        <source>FILES</source>
        <translation>DATEIEN</translation>
    </message>
    <message>
        <source>PROBLEMS</source>
        <translation>PROBLEME</translation>
    </message>
    <message>
        <source>List the files of a batch: path or URL, size, digests, mimetype, status and stored key.</source>
        <translation>Die Dateien eines Stapels auflisten: Pfad oder URL, Größe, Prüfsummen, MIME-Typ, Status und Speicherschlüssel.</translation>
    </message>
    <message>
        <source>Print JSON lines, one object per file.</source>
        <translation>JSON Lines ausgeben, ein Objekt pro Datei.</translation>
    </message>
    <message>
        <source>Write a report for a batch.</source>
        <translation>Einen Bericht für einen Stapel schreiben.</translation>
    </message>
    <message>
        <source>format</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>Write to this file.</source>
        <translation>In diese Datei schreiben.</translation>
    </message>
    <message>
        <source>create a batch from a source; print its id</source>
        <translation>einen Stapel aus einer Quelle anlegen; seine ID ausgeben</translation>
    </message>
    <message>
        <source>copy/download and hash every pending file, then QA and duplicates</source>
        <translation>jede ausstehende Datei kopieren/herunterladen und Prüfsummen berechnen, danach QA und Dubletten</translation>
    </message>
    <message>
        <source>load + every automatic stage</source>
        <translation>laden + jede automatische Stufe</translation>
    </message>
    <message>
        <source>stages and counts per batch</source>
        <translation>Stufen und Anzahlen pro Stapel</translation>
    </message>
    <message>
        <source>one record per file</source>
        <translation>ein Datensatz pro Datei</translation>
    </message>
    <message>
        <source>Gatehouse: take batches of digital objects into an archive.</source>
        <translation>Gatehouse: Stapel digitaler Objekte in ein Archiv übernehmen.</translation>
    </message>
    <message>
        <source>One of the commands below.</source>
        <translation>Einer der folgenden Befehle.</translation>
    </message>
    <message>
        <source>Commands:</source>
        <translation>Befehle:</translation>
    </message>
    <message>
        <source>Run &quot;gatehouse-cli COMMAND --help&quot; for a command&apos;s options.</source>
        <translation>Führen Sie &quot;gatehouse-cli COMMAND --help&quot; aus, um die Optionen eines Befehls zu sehen.</translation>
    </message>
    <message>
        <source>Unknown command &quot;%1&quot;. Run &quot;gatehouse-cli --help&quot; for the list.</source>
        <translation>Unbekannter Befehl &quot;%1&quot;. Führen Sie &quot;gatehouse-cli --help&quot; aus, um die Liste zu sehen.</translation>
    </message>
    <message>
        <source>Check that a folder is a complete and valid BagIt bag (RFC 8493, or versions 0.93 to 0.97): every file present and listed, every checksum of every manifest verified. Exit status 0: valid (warnings are printed); 1: invalid, every problem listed; 2: not a bag or a usage error.</source>
        <translation>Prüft, ob ein Ordner ein vollständiges und gültiges BagIt-Bag ist (RFC 8493 oder Versionen 0.93 bis 0.97): jede Datei vorhanden und aufgeführt, jede Prüfsumme jedes Manifests verifiziert. Exit-Status 0: gültig (Warnungen werden ausgegeben); 1: ungültig, jedes Problem wird aufgeführt; 2: kein Bag oder ein Aufruffehler.</translation>
    </message>
    <message>
        <source>The bag&apos;s folder.</source>
        <translation>Der Ordner des Bags.</translation>
    </message>
    <message>
        <source>Print one JSON document: {&quot;valid&quot;, &quot;problems&quot;: [...], &quot;warnings&quot;: [...]}.</source>
        <translation>Ein JSON-Dokument ausgeben: {&quot;valid&quot;, &quot;problems&quot;: [...], &quot;warnings&quot;: [...]}.</translation>
    </message>
    <message>
        <source>Verifying</source>
        <translation>Verifizieren</translation>
    </message>
    <message>
        <source>%1 is not a BagIt bag: it has neither bagit.txt nor a manifest.</source>
        <translation>%1 ist kein BagIt-Bag: Es hat weder bagit.txt noch ein Manifest.</translation>
    </message>
    <message>
        <source>problem: </source>
        <translation>Problem: </translation>
    </message>
    <message>
        <source>%1 is a valid BagIt %2 bag: %3 payload files, %4 bytes, %5 files verified.</source>
        <translation>%1 ist ein gültiges Bag nach BagIt %2: %3 Payload-Dateien, %4 Bytes, %5 Dateien verifiziert.</translation>
    </message>
    <message>
        <source>%1 is not a valid bag: %2 problems.</source>
        <translation>%1 ist kein gültiges Bag: %2 Probleme.</translation>
    </message>
    <message>
        <source>Write the stored files of a batch as a BagIt 1.0 bag into a new or empty folder, then validate it. Exit status 0: written and valid; 1: written and valid, but some files were not stored and were left out; 2: error, nothing written.</source>
        <translation>Die gespeicherten Dateien eines Stapels als Bag nach BagIt 1.0 in einen neuen oder leeren Ordner schreiben und es dann validieren. Exit-Status 0: geschrieben und gültig; 1: geschrieben und gültig, aber einige Dateien waren nicht gespeichert und wurden ausgelassen; 2: Fehler, nichts geschrieben.</translation>
    </message>
    <message>
        <source>The folder to write the bag to (new or empty).</source>
        <translation>Der Ordner, in den das Bag geschrieben wird (neu oder leer).</translation>
    </message>
    <message>
        <source>bag export needs -o DIR, the folder to write the bag to.</source>
        <translation>bag export braucht -o DIR, den Ordner, in den das Bag geschrieben wird.</translation>
    </message>
    <message>
        <source>Exporting</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>The bag written to %1 does not validate.</source>
        <translation>Das nach %1 geschriebene Bag besteht die Validierung nicht.</translation>
    </message>
    <message>
        <source>renamed: </source>
        <translation>umbenannt: </translation>
    </message>
    <message>
        <source>Exported %1 files (%2 bytes) of batch %3 to %4 as a valid BagIt 1.0 bag.</source>
        <translation>%1 Dateien (%2 Bytes) von Stapel %3 als gültiges Bag nach BagIt 1.0 nach %4 exportiert.</translation>
    </message>
    <message>
        <source>Left out %1 files that are not stored:</source>
        <translation>%1 nicht gespeicherte Dateien ausgelassen:</translation>
    </message>
    <message>
        <source>Unknown bag command &quot;%1&quot;.</source>
        <translation>Unbekannter bag-Befehl &quot;%1&quot;.</translation>
    </message>
    <message>
        <source>Connections to one host at once (default 4).</source>
        <translation>Gleichzeitige Verbindungen zu einem Host (Standard 4).</translation>
    </message>
    <message>
        <source>size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Accept only these types, comma-separated (image/*,application/pdf); checked on the header and on the content.</source>
        <translation>Nur diese Typen akzeptieren, durch Kommas getrennt (image/*,application/pdf); geprüft am Header und am Inhalt.</translation>
    </message>
    <message>
        <source>types</source>
        <translation>Typen</translation>
    </message>
    <message>
        <source>--per-host takes a number from 1 to 256.</source>
        <translation>--per-host nimmt eine Zahl von 1 bis 256.</translation>
    </message>
    <message>
        <source>--max-size: %1</source>
        <translation>--max-size: %1</translation>
    </message>
    <message>
        <source>--accept needs at least one type, such as image/* or application/pdf.</source>
        <translation>--accept braucht mindestens einen Typ, etwa image/* oder application/pdf.</translation>
    </message>
    <message>
        <source>Fetch downloaded files again with conditional requests; unchanged ones keep their stored copy.</source>
        <translation>Heruntergeladene Dateien mit bedingten Anfragen erneut abrufen; unveränderte behalten ihre gespeicherte Kopie.</translation>
    </message>
    <message>
        <source>bag validate PATH | bag export BATCH -o DIR (BagIt, RFC 8493)</source>
        <translation>bag validate PATH | bag export BATCH -o DIR (BagIt, RFC 8493)</translation>
    </message>
    <message>
        <source>Create a batch from a folder, archive, manifest or list.</source>
        <translation>Einen Stapel aus einem Ordner, einem Archiv, einem Manifest oder einer Liste anlegen.</translation>
    </message>
    <message>
        <source>The folder, archive, manifest, spreadsheet or list to load; a manifest or list may be an http(s) URL.</source>
        <translation>Was geladen werden soll: Ordner, Archiv, Manifest, Tabelle oder Liste; ein Manifest oder eine Liste kann eine http(s)-URL sein.</translation>
    </message>
    <message>
        <source>Only files matching this query, e.g. &quot;status:failed mime:image/* size:&gt;1M name:*.tif&quot; (the GUI&apos;s filter syntax).</source>
        <translation>Nur Dateien, die dieser Abfrage entsprechen, z. B. &quot;status:failed mime:image/* size:&gt;1M name:*.tif&quot; (die Filtersyntax der GUI).</translation>
    </message>
    <message>
        <source>query</source>
        <translation>Abfrage</translation>
    </message>
    <message>
        <source>fill the thumbnail cache for a batch&apos;s stored files</source>
        <translation>den Vorschaubild-Cache für die gespeicherten Dateien eines Stapels füllen</translation>
    </message>
    <message>
        <source>watch a hot folder: run each delivery once it has settled</source>
        <translation>einen Hotfolder überwachen: jede Lieferung ausführen, sobald sie stabil ist</translation>
    </message>
    <message>
        <source>Cannot create a temporary copy of %1 for its thumbnail: %2</source>
        <translation>Für das Vorschaubild von %1 kann keine temporäre Kopie angelegt werden: %2</translation>
    </message>
    <message>
        <source>Cannot read %1 from the store: %2</source>
        <translation>%1 kann nicht aus dem Speicher gelesen werden: %2</translation>
    </message>
    <message>
        <source>Cannot write a temporary copy of %1: %2</source>
        <translation>Eine temporäre Kopie von %1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Fill the thumbnail cache for every stored file of a batch (the cache the GUI reads, under the user&apos;s cache folder).</source>
        <translation>Den Vorschaubild-Cache für jede gespeicherte Datei eines Stapels füllen (den Cache, den die GUI liest, im Cache-Ordner des Benutzers).</translation>
    </message>
    <message>
        <source>Longest side of a thumbnail in pixels (default 128, what the GUI&apos;s grid shows on a normal-density screen; 256 for a high-density one).</source>
        <translation>Längste Seite eines Vorschaubilds in Pixeln (Standard 128, was das Raster der GUI auf einem Bildschirm mit normaler Pixeldichte zeigt; 256 für einen mit hoher Pixeldichte).</translation>
    </message>
    <message>
        <source>px</source>
        <translation>px</translation>
    </message>
    <message>
        <source>Thumbnails made at once (default: one per core).</source>
        <translation>Gleichzeitig erzeugte Vorschaubilder (Standard: eines pro Kern).</translation>
    </message>
    <message>
        <source>Print the summary as JSON.</source>
        <translation>Die Zusammenfassung als JSON ausgeben.</translation>
    </message>
    <message>
        <source>--size takes a number of pixels from 16 to 4096.</source>
        <translation>--size nimmt eine Pixelzahl von 16 bis 4096.</translation>
    </message>
    <message>
        <source>Thumbnails: %1 of %2</source>
        <translation>Vorschaubilder: %1 von %2</translation>
    </message>
    <message>
        <source>Thumbnails of batch %1 at %2 px: %3 made, %4 cached already, %5 failed, %6 unsupported</source>
        <translation>Vorschaubilder von Stapel %1 mit %2 px: %3 erzeugt, %4 bereits im Cache, %5 fehlgeschlagen, %6 nicht unterstützt</translation>
    </message>
    <message>
        <source> (%1 files not stored)</source>
        <translation> (%1 Dateien nicht gespeichert)</translation>
    </message>
    <message>
        <source>Cache: %1</source>
        <translation>Cache: %1</translation>
    </message>
    <message>
        <source>Watch a folder for deliveries: each top-level folder or file becomes a batch once it has stopped changing (and, with --run, runs through every automatic stage). Names starting with &quot;.&quot; or ending in &quot;.part&quot; or &quot;.tmp&quot; are ignored until they are renamed. A delivery that was loaded is not loaded again unless it changes.</source>
        <translation>Einen Ordner auf Lieferungen überwachen: Jeder Eintrag auf oberster Ebene (Ordner oder Datei) wird zu einem Stapel, sobald er sich nicht mehr ändert (und durchläuft mit --run jede automatische Stufe). Namen, die mit &quot;.&quot; beginnen oder auf &quot;.part&quot; oder &quot;.tmp&quot; enden, werden ignoriert, bis sie umbenannt werden. Eine geladene Lieferung wird nicht erneut geladen, es sei denn, sie ändert sich.</translation>
    </message>
    <message>
        <source>The folder to watch.</source>
        <translation>Der zu überwachende Ordner.</translation>
    </message>
    <message>
        <source>Seconds a delivery must stay unchanged before it is loaded (default 10).</source>
        <translation>Sekunden, die eine Lieferung unverändert bleiben muss, bevor sie geladen wird (Standard 10).</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>Sekunden</translation>
    </message>
    <message>
        <source>Process the deliveries that are settled now, then exit (for cron).</source>
        <translation>Die jetzt stabilen Lieferungen verarbeiten, dann beenden (für cron).</translation>
    </message>
    <message>
        <source>Run every automatic stage of each batch after loading it (default: load only).</source>
        <translation>Jede automatische Stufe jedes Stapels nach dem Laden ausführen (Standard: nur laden).</translation>
    </message>
    <message>
        <source>--settle takes a number of seconds from 0 to 86400.</source>
        <translation>--settle nimmt eine Anzahl von Sekunden von 0 bis 86400.</translation>
    </message>
    <message>
        <source>The bit store: a folder (default: store/ next to the catalog) or s3://bucket/prefix.</source>
        <translation>Der Speicher: ein Ordner (Standard: store/ neben dem Katalog) oder s3://bucket/prefix.</translation>
    </message>
    <message>
        <source>Report format: %1.</source>
        <translation>Berichtsformat: %1.</translation>
    </message>
    <message>
        <source>Unknown report format &quot;%1&quot;; known: %2.</source>
        <translation>Unbekanntes Berichtsformat &quot;%1&quot;; bekannt: %2.</translation>
    </message>
    <message>
        <source>Cannot write to standard output: %1</source>
        <translation>Kann nicht in die Standardausgabe schreiben: %1</translation>
    </message>
    <message>
        <source>Refuse files larger than this (bytes, or with K, M, G, T; 0 for no limit); checked on the header and while streaming.</source>
        <translation>Dateien ablehnen, die größer sind (Bytes oder mit K, M, G, T; 0 für keine Grenze); geprüft am Header und während der Übertragung.</translation>
    </message>
    <message>
        <source>STATE</source>
        <translation>ZUSTAND</translation>
    </message>
    <message>
        <source>an ISO 2859-1 plan, or draw a batch&apos;s QA sample (seeded, recorded)</source>
        <translation>ein ISO-2859-1-Plan, oder die QA-Stichprobe eines Stapels ziehen (mit Startwert, festgehalten)</translation>
    </message>
    <message>
        <source>record a manual-QA verdict on a sampled item</source>
        <translation>eine manuelle QA-Bewertung eines gezogenen Objekts festhalten</translation>
    </message>
    <message>
        <source>approve a batch as a whole</source>
        <translation>einen Stapel als Ganzes freigeben</translation>
    </message>
    <message>
        <source>reject a batch: delete its stored copies, keep its records</source>
        <translation>einen Stapel zurückweisen: gespeicherte Kopien löschen, Einträge behalten</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>verdict %1</source>
        <translation>Urteil %1</translation>
    </message>
    <message>
        <source>%1 of %2 flagged reviewed</source>
        <translation>%1 von %2 markierten bewertet</translation>
    </message>
    <message>
        <source>Lot of %1 items, level %2, AQL %3 %: code letter %4, plan %5 (n = %6).</source>
        <translation>Los von %1 Objekten, Niveau %2, AQL %3 %: Kennbuchstabe %4, Plan %5 (n = %6).</translation>
    </message>
    <message>
        <source>Inspect every item (100 %).</source>
        <translation>Jedes Objekt prüfen (100 %).</translation>
    </message>
    <message>
        <source>Inspect %1 items.</source>
        <translation>%1 Objekte prüfen.</translation>
    </message>
    <message>
        <source>Accept with %1 defects or fewer, reject at %2.</source>
        <translation>Annehmen bei %1 Mängeln oder weniger, zurückweisen ab %2.</translation>
    </message>
    <message>
        <source>--aql takes one of 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5.</source>
        <translation>--aql nimmt einen von 0.10, 0.15, 0.25, 0.40, 0.65, 1.0, 1.5, 2.5, 4.0, 6.5.</translation>
    </message>
    <message>
        <source>--level takes I, II, III, S-1, S-2, S-3 or S-4.</source>
        <translation>--level nimmt I, II, III, S-1, S-2, S-3 oder S-4.</translation>
    </message>
    <message>
        <source>The batch&apos;s supplier (default: [review] suppliers by batch name prefix, else [review] supplier).</source>
        <translation>Der Lieferant des Stapels (Standard: [review] suppliers nach Präfix des Stapelnamens, sonst [review] supplier).</translation>
    </message>
    <message>
        <source>The rejected batch this one re-delivers (default: …-RT1 for a batch named …-RT2).</source>
        <translation>Der zurückgewiesene Stapel, den dieser neu liefert (Standard: …-RT1 für einen Stapel namens …-RT2).</translation>
    </message>
    <message>
        <source>batch</source>
        <translation>Stapel</translation>
    </message>
    <message>
        <source>--supplier needs a name.</source>
        <translation>--supplier braucht einen Namen.</translation>
    </message>
    <message>
        <source>--redelivery-of: %1</source>
        <translation>--redelivery-of: %1</translation>
    </message>
    <message>
        <source>Show an ISO 2859-1 sampling plan (--lot-size), or draw the QA sample of a batch: the items to review, chosen by a recorded seed, and every flagged item beyond them.</source>
        <translation>Einen ISO-2859-1-Stichprobenplan zeigen (--lot-size) oder die QA-Stichprobe eines Stapels ziehen: die zu prüfenden Objekte, gewählt mit einem festgehaltenen Startwert, und darüber hinaus jedes markierte Objekt.</translation>
    </message>
    <message>
        <source>Show the plan for a lot of this many items.</source>
        <translation>Den Plan für ein Los mit so vielen Objekten zeigen.</translation>
    </message>
    <message>
        <source>Acceptance quality limit in percent: 0.10 … 6.5 (default: review/aql, 1.0).</source>
        <translation>Annehmbare Qualitätsgrenzlage in Prozent: 0.10 … 6.5 (Standard: review/aql, 1.0).</translation>
    </message>
    <message>
        <source>aql</source>
        <translation>aql</translation>
    </message>
    <message>
        <source>Inspection level: I, II, III, S-1 … S-4 (default: review/level, II).</source>
        <translation>Prüfniveau: I, II, III, S-1 … S-4 (Standard: review/level, II).</translation>
    </message>
    <message>
        <source>level</source>
        <translation>Niveau</translation>
    </message>
    <message>
        <source>Draw with this seed (default: a random one, recorded).</source>
        <translation>Mit diesem Startwert ziehen (Standard: ein zufälliger, der festgehalten wird).</translation>
    </message>
    <message>
        <source>seed</source>
        <translation>Startwert</translation>
    </message>
    <message>
        <source>Give either a batch or --lot-size, not both.</source>
        <translation>Geben Sie entweder einen Stapel oder --lot-size an, nicht beides.</translation>
    </message>
    <message>
        <source>--lot-size takes a number of items, at least 1.</source>
        <translation>--lot-size nimmt eine Anzahl Objekte, mindestens 1.</translation>
    </message>
    <message>
        <source>Give a batch, or --lot-size N for a plan alone.</source>
        <translation>Geben Sie einen Stapel an, oder --lot-size N für einen Plan allein.</translation>
    </message>
    <message>
        <source>--seed takes a whole number from 0 to %1.</source>
        <translation>--seed nimmt eine ganze Zahl von 0 bis %1.</translation>
    </message>
    <message>
        <source>Batch %1: %2</source>
        <translation>Stapel %1: %2</translation>
    </message>
    <message>
        <source>Seed %1 (the same seed draws the same sample on any machine).</source>
        <translation>Startwert %1 (derselbe Startwert zieht auf jedem Rechner dieselbe Stichprobe).</translation>
    </message>
    <message>
        <source>Record a manual-QA verdict on an item of a batch&apos;s sample.</source>
        <translation>Eine manuelle QA-Bewertung eines Objekts der Stichprobe eines Stapels festhalten.</translation>
    </message>
    <message>
        <source>The item: its id (from sample --json) or its identifier.</source>
        <translation>Das Objekt: seine ID (aus sample --json) oder sein Identifikator.</translation>
    </message>
    <message>
        <source>id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>The item is fine.</source>
        <translation>Das Objekt ist in Ordnung.</translation>
    </message>
    <message>
        <source>The item has a defect; say which.</source>
        <translation>Das Objekt hat einen Mangel; nennen Sie ihn.</translation>
    </message>
    <message>
        <source>reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Withdraw the item&apos;s verdict (undo).</source>
        <translation>Die Bewertung des Objekts zurückziehen (rückgängig).</translation>
    </message>
    <message>
        <source>A note kept with the verdict.</source>
        <translation>Eine Notiz, die mit der Bewertung aufbewahrt wird.</translation>
    </message>
    <message>
        <source>text</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>Give exactly one of --pass, --fail REASON or --withdraw.</source>
        <translation>Geben Sie genau eines von --pass, --fail GRUND oder --withdraw an.</translation>
    </message>
    <message>
        <source>Give the item with --item ID.</source>
        <translation>Geben Sie das Objekt mit --item ID an.</translation>
    </message>
    <message>
        <source>--fail needs a defect reason.</source>
        <translation>--fail braucht einen Mangelgrund.</translation>
    </message>
    <message>
        <source>target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>Approve despite what refuses it, for this reason (recorded).</source>
        <translation>Trotz allem, was dagegen spricht, aus diesem Grund freigeben (wird festgehalten).</translation>
    </message>
    <message>
        <source>--override needs a reason.</source>
        <translation>--override braucht einen Grund.</translation>
    </message>
    <message>
        <source>Reject a batch as a whole: delete every stored copy of it (its catalog records, metadata and events stay), mark its files deleted and record why.</source>
        <translation>Einen Stapel als Ganzes zurückweisen: jede gespeicherte Kopie löschen (Katalogeinträge, Metadaten und Ereignisse bleiben), seine Dateien als gelöscht markieren und den Grund festhalten.</translation>
    </message>
    <message>
        <source>Why the batch is rejected (required; recorded).</source>
        <translation>Warum der Stapel zurückgewiesen wird (erforderlich; wird festgehalten).</translation>
    </message>
    <message>
        <source>Give the reason with --reason TEXT; the supplier will want to know it.</source>
        <translation>Geben Sie den Grund mit --reason TEXT an; der Lieferant wird ihn wissen wollen.</translation>
    </message>
    <message>
        <source>%1/%2 files</source>
        <translation>%1/%2 Dateien</translation>
    </message>
    <message>
        <source>Review: %1</source>
        <translation>Prüfung: %1</translation>
    </message>
    <message>
        <source>%1 on %2 by %3%4</source>
        <translation>%1 am %2 von %3%4</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Freigegeben</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Zurückgewiesen</translation>
    </message>
    <message>
        <source>Re-delivers batch %1. What was wrong last time:</source>
        <translation>Liefert Stapel %1 neu. Was beim letzten Mal nicht stimmte:</translation>
    </message>
    <message>
        <source>Supplier %1, last %2 batches:</source>
        <translation>Lieferant %1, letzte %2 Stapel:</translation>
    </message>
    <message>
        <source>%1 defects in %2 reviewed (%3 %)</source>
        <translation>%1 Mängel bei %2 bewerteten (%3 %)</translation>
    </message>
    <message>
        <source>re-delivers %1</source>
        <translation>liefert %1 neu</translation>
    </message>
    <message>
        <source>Catalog: %1</source>
        <translation>Katalog: %1</translation>
    </message>
    <message>
        <source>check a batch again after a fix: re-read sidecars, verify stored copies</source>
        <translation>einen Stapel nach einer Korrektur erneut prüfen: Begleitdateien neu lesen, gespeicherte Kopien prüfen</translation>
    </message>
    <message>
        <source>batch rename BATCH NAME | archive BATCH | unarchive BATCH | delete BATCH</source>
        <translation>batch rename STAPEL NAME | archive STAPEL | unarchive STAPEL | delete STAPEL</translation>
    </message>
    <message>
        <source>Show stages, counts and problems per batch, oldest first.</source>
        <translation>Schritte, Anzahlen und Probleme je Stapel zeigen, ältester zuerst.</translation>
    </message>
    <message>
        <source>Include archived batches.</source>
        <translation>Archivierte Stapel einbeziehen.</translation>
    </message>
    <message>
        <source>--files takes file ids separated by commas, such as 12,13,40; &quot;%1&quot; is not one.</source>
        <translation>--files erwartet durch Kommas getrennte Datei-IDs wie 12,13,40; „%1“ ist keine.</translation>
    </message>
    <message>
        <source>--files needs at least one file id.</source>
        <translation>--files braucht mindestens eine Datei-ID.</translation>
    </message>
    <message>
        <source>Check a batch again after a fix: read its sidecars and manifests again, verify every stored copy against them, and copy only what changed or was never stored.</source>
        <translation>Einen Stapel nach einer Korrektur erneut prüfen: seine Begleitdateien und Manifeste erneut lesen, jede gespeicherte Kopie damit prüfen und nur kopieren, was sich geändert hat oder nie gespeichert wurde.</translation>
    </message>
    <message>
        <source>Only these files (ids, comma-separated).</source>
        <translation>Nur diese Dateien (IDs, durch Kommas getrennt).</translation>
    </message>
    <message>
        <source>ids</source>
        <translation>IDs</translation>
    </message>
    <message>
        <source>Only check; leave files that need copying pending for a later fetch.</source>
        <translation>Nur prüfen; Dateien, die kopiert werden müssen, bleiben für einen späteren Abruf ausstehend.</translation>
    </message>
    <message>
        <source>Print what the check found as JSON.</source>
        <translation>Das Ergebnis der Prüfung als JSON ausgeben.</translation>
    </message>
    <message>
        <source>Checked %1 of %2 files</source>
        <translation>%1 von %2 Dateien geprüft</translation>
    </message>
    <message>
        <source>Keep batches tidy: rename, archive (hide from status and the dashboard; nothing is removed), unarchive, or delete a batch with the stored copies only it uses.</source>
        <translation>Stapel ordentlich halten: umbenennen, archivieren (in status und der Übersicht verbergen; nichts wird entfernt), aus dem Archiv holen oder einen Stapel mit den nur von ihm genutzten gespeicherten Kopien löschen.</translation>
    </message>
    <message>
        <source>rename, archive, unarchive or delete.</source>
        <translation>rename, archive, unarchive oder delete.</translation>
    </message>
    <message>
        <source>The new name (rename only).</source>
        <translation>Der neue Name (nur rename).</translation>
    </message>
    <message>
        <source>Really delete (without it, delete says what would go).</source>
        <translation>Wirklich löschen (ohne dies sagt delete, was entfernt würde).</translation>
    </message>
    <message>
        <source>Unknown action &quot;%1&quot;: use rename, archive, unarchive or delete.</source>
        <translation>Unbekannte Aktion „%1“: verwenden Sie rename, archive, unarchive oder delete.</translation>
    </message>
    <message>
        <source>batch rename needs the batch id and the new name.</source>
        <translation>batch rename braucht die Stapel-ID und den neuen Namen.</translation>
    </message>
    <message>
        <source>batch %1 takes only the batch id.</source>
        <translation>batch %1 nimmt nur die Stapel-ID.</translation>
    </message>
    <message>
        <source>Would delete %1.</source>
        <translation>Würde %1 löschen.</translation>
    </message>
    <message>
        <source>Run again with --yes to delete it.</source>
        <translation>Erneut mit --yes ausführen, um ihn zu löschen.</translation>
    </message>
    <message>
        <source>Deleted %1.</source>
        <translation>%1 gelöscht.</translation>
    </message>
    <message>
        <source>Batch %1 is now called &quot;%2&quot;.</source>
        <translation>Stapel %1 heißt jetzt „%2“.</translation>
    </message>
    <message>
        <source>Batch %1 is archived: hidden from status and the dashboard, kept in the catalog.</source>
        <translation>Stapel %1 ist archiviert: in status und der Übersicht verborgen, im Katalog erhalten.</translation>
    </message>
    <message>
        <source>Batch %1 is shown again.</source>
        <translation>Stapel %1 wird wieder angezeigt.</translation>
    </message>
    <message>
        <source>Usage: gatehouse-cli bag validate PATH [--json]
       gatehouse-cli bag export BATCH -o DIR [--algorithm LIST]

  validate  check that the folder PATH is a complete and valid BagIt bag (RFC 8493)
  export    write the stored files of a batch as a BagIt bag into DIR
</source>
        <translation>Aufruf: gatehouse-cli bag validate PATH [--json]
        gatehouse-cli bag export BATCH -o DIR [--algorithm LIST]

  validate  prüfen, ob der Ordner PATH ein vollständiges und gültiges BagIt-Bag ist (RFC 8493)
  export    die gespeicherten Dateien eines Stapels als BagIt-Bag in DIR schreiben
</translation>
    </message>
    <message>
        <source>Manifest algorithms, comma-separated or repeated: md5, sha1, sha224, sha256, sha384, sha512 (default: sha512,sha256).</source>
        <translation>Manifest-Algorithmen, durch Komma getrennt oder wiederholt: md5, sha1, sha224, sha256, sha384, sha512 (Standard: sha512,sha256).</translation>
    </message>
    <message>
        <source>list</source>
        <translation>Liste</translation>
    </message>
    <message>
        <source>Unknown manifest algorithm &quot;%1&quot;; use md5, sha1, sha224, sha256, sha384 or sha512.</source>
        <translation>Unbekannter Manifest-Algorithmus &quot;%1&quot;; verwenden Sie md5, sha1, sha224, sha256, sha384 oder sha512.</translation>
    </message>
    <message>
        <source>--algorithm needs at least one algorithm.</source>
        <translation>--algorithm braucht mindestens einen Algorithmus.</translation>
    </message>
    <message>
        <source>Automatic QA of a fetched batch: checksums, empty files, types, JPEG 2000 structure, decoding, XML well-formedness and schema validity, page sequence, batch identifiers, sidecars, dimensions, dark, blank and black-bordered pages, OCR confidence. Prints the findings per check. Exit status 0 without errors or flags, 1 with, 2 when the check could not run.</source>
        <translation>Automatische QA eines abgerufenen Stapels: Prüfsummen, leere Dateien, Typen, JPEG-2000-Struktur, Dekodierung, XML-Wohlgeformtheit und Schemagültigkeit, Seitenfolge, Stapelkennungen, Begleitdateien, Abmessungen, dunkle, leere und schwarz umrandete Seiten, OCR-Konfidenz. Gibt die Befunde je Prüfung aus. Exit-Status 0 ohne Fehler oder Markierungen, 1 mit, 2, wenn die Prüfung nicht laufen konnte.</translation>
    </message>
    <message>
        <source>Print the result as one JSON document.</source>
        <translation>Das Ergebnis als ein JSON-Dokument ausgeben.</translation>
    </message>
    <message>
        <source>Read the QA profile (thresholds, which checks run) from the [check] section of this INI file.</source>
        <translation>Das QA-Profil (Schwellenwerte, welche Prüfungen laufen) aus dem Abschnitt [check] dieser INI-Datei lesen.</translation>
    </message>
    <message>
        <source>Validate XML against the schemas in this folder, or mapped by this OASIS XML catalog (default: the set &quot;schemas fetch&quot; saved, if any).</source>
        <translation>XML gegen die Schemas in diesem Ordner oder die von diesem OASIS-XML-Katalog zugeordneten validieren (Standard: der von &quot;schemas fetch&quot; gespeicherte Satz, falls vorhanden).</translation>
    </message>
    <message>
        <source>dir|catalog</source>
        <translation>Ordner|Katalog</translation>
    </message>
    <message>
        <source>Files checked at once (default: one per core).</source>
        <translation>Gleichzeitig geprüfte Dateien (Standard: eine pro Kern).</translation>
    </message>
    <message>
        <source>batch %1 has not been fetched completely; files without a stored copy are checked only for what the catalog knows.</source>
        <translation>Stapel %1 wurde nicht vollständig abgerufen; Dateien ohne gespeicherte Kopie werden nur auf das geprüft, was der Katalog weiß.</translation>
    </message>
    <message>
        <source>Checking: %1 of %2 files</source>
        <translation>Prüfung: %1 von %2 Dateien</translation>
    </message>
    <message>
        <source>XML schemas: none configured.</source>
        <translation>XML-Schemas: keine eingerichtet.</translation>
    </message>
    <message>
        <source>XML schemas: %1</source>
        <translation>XML-Schemas: %1</translation>
    </message>
    <message>
        <source>check</source>
        <translation>Prüfung</translation>
    </message>
    <message>
        <source>errors</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>warnings</source>
        <translation>Warnungen</translation>
    </message>
    <message>
        <source>flags</source>
        <translation>markiert</translation>
    </message>
    <message>
        <source>files</source>
        <translation>Dateien</translation>
    </message>
    <message>
        <source>Findings:</source>
        <translation>Befunde:</translation>
    </message>
    <message>
        <source>… and %1 more; &quot;gatehouse-cli files %2 --filter qa:flagged --json&quot; lists them all.</source>
        <translation>… und %1 weitere; &quot;gatehouse-cli files %2 --filter qa:flagged --json&quot; listet sie alle auf.</translation>
    </message>
    <message>
        <source>schemas fetch: download the standard XML schemas (ALTO, MIX, MODS, METS, PREMIS, XLink, xml.xsd) from their official locations into the user&apos;s data folder, with a catalog &quot;check&quot; uses by default. schemas list: the namespaces a schema folder or catalog validates.</source>
        <translation>schemas fetch: die Standard-XML-Schemas (ALTO, MIX, MODS, METS, PREMIS, XLink, xml.xsd) von ihren offiziellen Adressen in den Datenordner des Benutzers herunterladen, mit einem Katalog, den &quot;check&quot; standardmäßig verwendet. schemas list: die Namensräume, die ein Schemaordner oder Katalog validiert.</translation>
    </message>
    <message>
        <source>fetch or list.</source>
        <translation>fetch oder list.</translation>
    </message>
    <message>
        <source>Download from this URL prefix instead (a mirror with the same relative paths, such as alto/alto-4-2.xsd).</source>
        <translation>Stattdessen von diesem URL-Präfix herunterladen (ein Spiegel mit denselben relativen Pfaden, etwa alto/alto-4-2.xsd).</translation>
    </message>
    <message>
        <source>url</source>
        <translation>url</translation>
    </message>
    <message>
        <source>Save into this folder instead of the user&apos;s data folder.</source>
        <translation>In diesem Ordner statt im Datenordner des Benutzers speichern.</translation>
    </message>
    <message>
        <source>list: the folder or catalog to list (default: the fetched set).</source>
        <translation>list: der aufzulistende Ordner oder Katalog (Standard: der abgerufene Satz).</translation>
    </message>
    <message>
        <source>No schemas have been fetched; run &quot;gatehouse-cli schemas fetch&quot; or give --schemas.</source>
        <translation>Es wurden keine Schemas abgerufen; führen Sie &quot;gatehouse-cli schemas fetch&quot; aus oder geben Sie --schemas an.</translation>
    </message>
    <message>
        <source>(no namespace)</source>
        <translation>(kein Namensraum)</translation>
    </message>
    <message>
        <source>Unknown action &quot;%1&quot;; use &quot;schemas fetch&quot; or &quot;schemas list&quot;.</source>
        <translation>Unbekannte Aktion &quot;%1&quot;; verwenden Sie &quot;schemas fetch&quot; oder &quot;schemas list&quot;.</translation>
    </message>
    <message>
        <source>Saved %1 (%2 bytes) from %3 as %4</source>
        <translation>%1 (%2 Bytes) von %3 als %4 gespeichert</translation>
    </message>
    <message>
        <source>automatic QA of a fetched batch (findings per check)</source>
        <translation>automatische QA eines abgerufenen Stapels (Befunde je Prüfung)</translation>
    </message>
    <message>
        <source>schemas fetch | schemas list: the XML schemas QA validates with</source>
        <translation>schemas fetch | schemas list: die XML-Schemas, mit denen die QA validiert</translation>
    </message>
    <message>
        <source>write a report (summary, csv, errors-csv, premis, mets, jsonl, qa-csv, …)</source>
        <translation>einen Bericht schreiben (summary, csv, errors-csv, premis, mets, jsonl, qa-csv, …)</translation>
    </message>
    <message>
        <source>send a batch&apos;s files to a target: never twice, verified after</source>
        <translation>die Dateien eines Stapels an ein Ziel senden: nie zweimal, danach verifiziert</translation>
    </message>
    <message>
        <source>Where to send the files: local:DIR, s3://bucket/prefix or mediawiki:https://host/w/api.php. Repeat for several targets.</source>
        <translation>Wohin die Dateien gesendet werden: local:DIR, s3://bucket/prefix oder mediawiki:https://host/w/api.php. Für mehrere Ziele wiederholen.</translation>
    </message>
    <message>
        <source>Only the files matching this query go to the --target before it (the filter bar&apos;s syntax, e.g. &quot;mime:image/jp2&quot;).</source>
        <translation>Nur die Dateien, die dieser Abfrage entsprechen, gehen an das --target davor (die Syntax der Filterleiste, z. B. &quot;mime:image/jp2&quot;).</translation>
    </message>
    <message>
        <source>Names on the target: {title:181} - {identifier}{ext} on wikis, the store key on S3 and folders by default; {filename} {stem} {ext} {identifier} {label} {page} {pages} {batch} and any descriptive field, {field:N} cut to N characters.</source>
        <translation>Namen auf dem Ziel: standardmäßig {title:181} - {identifier}{ext} in Wikis, der Speicherschlüssel auf S3 und in Ordnern; {filename} {stem} {ext} {identifier} {label} {page} {pages} {batch} und jedes beschreibende Feld, {field:N} auf N Zeichen gekürzt.</translation>
    </message>
    <message>
        <source>template</source>
        <translation>Vorlage</translation>
    </message>
    <message>
        <source>Wikitext file for a wiki&apos;s description pages.</source>
        <translation>Wikitext-Datei für die Beschreibungsseiten eines Wikis.</translation>
    </message>
    <message>
        <source>The upload summary on a wiki.</source>
        <translation>Die Zusammenfassung des Hochladens in einem Wiki.</translation>
    </message>
    <message>
        <source>A category for every page on a wiki (repeatable).</source>
        <translation>Eine Kategorie für jede Seite in einem Wiki (wiederholbar).</translation>
    </message>
    <message>
        <source>Conversion rules, e.g. image/jp2=image/jpeg:q90:4000 (FROM=TO[:qQUALITY][:LONGEST]; several separated by commas).</source>
        <translation>Umwandlungsregeln, z. B. image/jp2=image/jpeg:q90:4000 (FROM=TO[:qQUALITY][:LONGEST]; mehrere durch Kommas getrennt).</translation>
    </message>
    <message>
        <source>rules</source>
        <translation>Regeln</translation>
    </message>
    <message>
        <source>Chunk size for large files on a wiki (default 5M).</source>
        <translation>Teilgröße für große Dateien in einem Wiki (Standard 5M).</translation>
    </message>
    <message>
        <source>Requests at once per wiki, uploads at once to S3 and folders (default 1 for wikis).</source>
        <translation>Gleichzeitige Anfragen je Wiki, gleichzeitige Uploads zu S3 und Ordnern (Standard 1 für Wikis).</translation>
    </message>
    <message>
        <source>--%1 takes a number from 1 to 64.</source>
        <translation>--%1 erwartet eine Zahl von 1 bis 64.</translation>
    </message>
    <message>
        <source>--chunk-size takes a size of at least 1K, such as 5M.</source>
        <translation>--chunk-size erwartet eine Größe von mindestens 1K, etwa 5M.</translation>
    </message>
    <message>
        <source>Send a batch&apos;s fetched files to one or more targets: each file once (the target is asked first), verified after.</source>
        <translation>Die abgerufenen Dateien eines Stapels an ein oder mehrere Ziele senden: jede Datei einmal (das Ziel wird zuerst gefragt), danach verifiziert.</translation>
    </message>
    <message>
        <source>Same as --upload-jobs.</source>
        <translation>Wie --upload-jobs.</translation>
    </message>
    <message>
        <source>Send nothing: show each file&apos;s name, page text and what the target holds now.</source>
        <translation>Nichts senden: Namen, Seitentext jeder Datei und den jetzigen Inhalt des Ziels zeigen.</translation>
    </message>
    <message>
        <source>Print JSON (JSON lines with --dry-run).</source>
        <translation>JSON ausgeben (JSON-Zeilen mit --dry-run).</translation>
    </message>
    <message>
        <source>Batch %1 was rejected; its files are not uploaded.</source>
        <translation>Stapel %1 wurde zurückgewiesen; seine Dateien werden nicht hochgeladen.</translation>
    </message>
    <message>
        <source>Give a --target (local:DIR, s3://bucket/prefix, mediawiki:https://host/w/api.php), or set [targets] default in the settings.</source>
        <translation>Geben Sie ein --target an (local:DIR, s3://bucket/prefix, mediawiki:https://host/w/api.php) oder setzen Sie default unter [targets] in den Einstellungen.</translation>
    </message>
    <message>
        <source>nothing to send</source>
        <translation>nichts zu senden</translation>
    </message>
    <message>
        <source>classify duplicates against a target, the catalog and the batch</source>
        <translation>Dubletten mit einem Ziel, dem Katalog und dem Stapel abgleichen</translation>
    </message>
    <message>
        <source>record a curator&apos;s duplicate decision</source>
        <translation>die Dublettenentscheidung eines Kurators festhalten</translation>
    </message>
    <message numerus="yes">
        <source>Batch %1 against %2: %n file(s)</source>
        <translation>
            <numerusform>Stapel %1 gegen %2: %n Datei</numerusform>
            <numerusform>Stapel %1 gegen %2: %n Dateien</numerusform>
        </translation>
    </message>
    <message>
        <source>(%1 need a decision)</source>
        <translation>(Entscheidung nötig: %1)</translation>
    </message>
    <message>
        <source>(%1 decided)</source>
        <translation>(entschieden: %1)</translation>
    </message>
    <message>
        <source>%1 file(s) have bytes the target deleted before.</source>
        <translation>Dateien mit Bytes, die das Ziel früher gelöscht hat: %1.</translation>
    </message>
    <message>
        <source>%1 file(s) need a decision: gatehouse-cli decide %2 --case CASE --action ACTION, or the duplicates view.</source>
        <translation>Dateien, die eine Entscheidung brauchen: %1. Entscheiden Sie mit gatehouse-cli decide %2 --case FALL --action AKTION oder in der Dublettenansicht.</translation>
    </message>
    <message>
        <source>No file needs a decision.</source>
        <translation>Keine Datei braucht eine Entscheidung.</translation>
    </message>
    <message>
        <source>Classify every fetched file of a batch against a target, the catalog&apos;s earlier batches and the batch itself: %1. Exits 1 while any file needs a decision.</source>
        <translation>Jede abgerufene Datei eines Stapels mit einem Ziel, den früheren Stapeln des Katalogs und dem Stapel selbst abgleichen: %1. Exit-Status 1, solange eine Datei eine Entscheidung braucht.</translation>
    </message>
    <message>
        <source>local:DIR, s3://bucket/prefix or mediawiki:https://host/w/api.php.</source>
        <translation>local:DIR, s3://bucket/prefix oder mediawiki:https://host/w/api.php.</translation>
    </message>
    <message>
        <source>Only the files of this query go to the target (as for upload).</source>
        <translation>Nur die Dateien dieser Abfrage gehen an das Ziel (wie bei upload).</translation>
    </message>
    <message>
        <source>The title or key template, as upload would use it.</source>
        <translation>Die Titel- oder Schlüsselvorlage, wie upload sie verwenden würde.</translation>
    </message>
    <message>
        <source>Print the counts as one JSON object.</source>
        <translation>Die Anzahlen als ein JSON-Objekt ausgeben.</translation>
    </message>
    <message>
        <source>dedup checks one target at a time; run it once per target.</source>
        <translation>dedup prüft jeweils ein Ziel; führen Sie es einmal pro Ziel aus.</translation>
    </message>
    <message>
        <source>dedup: %1/%2 files</source>
        <translation>dedup: %1/%2 Dateien</translation>
    </message>
    <message>
        <source>Record a curator&apos;s decision about duplicate cases (see dedup): for some files, or for every file of a case. The upload carries it out; until then --undo takes it back.</source>
        <translation>Die Entscheidung eines Kurators über Dublettenfälle festhalten (siehe dedup): für einzelne Dateien oder für jede Datei eines Falls. Das Hochladen führt sie aus; bis dahin nimmt --undo sie zurück.</translation>
    </message>
    <message>
        <source>More file ids after --file.</source>
        <translation>Weitere Datei-IDs nach --file.</translation>
    </message>
    <message>
        <source>A file id (repeatable; more ids may follow).</source>
        <translation>Eine Datei-ID (wiederholbar; weitere IDs können folgen).</translation>
    </message>
    <message>
        <source>Every file of this case: %1.</source>
        <translation>Jede Datei dieses Falls: %1.</translation>
    </message>
    <message>
        <source>case</source>
        <translation>Fall</translation>
    </message>
    <message>
        <source>With --case: only the files that have no decision yet.</source>
        <translation>Mit --case: nur die Dateien, die noch keine Entscheidung haben.</translation>
    </message>
    <message>
        <source>One of %1.</source>
        <translation>Eine von %1.</translation>
    </message>
    <message>
        <source>action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>rename: the new name (one file); without it, a numbered name such as &quot;Name (2).jpg&quot; is found at upload.</source>
        <translation>rename: der neue Name (eine Datei); ohne ihn wird beim Hochladen ein nummerierter Name wie &quot;Name (2).jpg&quot; gefunden.</translation>
    </message>
    <message>
        <source>Why: recorded with the decision.</source>
        <translation>Begründung: wird mit der Entscheidung festgehalten.</translation>
    </message>
    <message>
        <source>The target whose cases are decided (needed when the batch was checked against several).</source>
        <translation>Das Ziel, dessen Fälle entschieden werden (nötig, wenn der Stapel mit mehreren abgeglichen wurde).</translation>
    </message>
    <message>
        <source>Take back the decision in force for the files instead.</source>
        <translation>Stattdessen die geltende Entscheidung für die Dateien zurücknehmen.</translation>
    </message>
    <message>
        <source>Print what was decided as one JSON object.</source>
        <translation>Das Entschiedene als ein JSON-Objekt ausgeben.</translation>
    </message>
    <message>
        <source>File ids go after --file.</source>
        <translation>Datei-IDs folgen nach --file.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a file id.</source>
        <translation>&quot;%1&quot; ist keine Datei-ID.</translation>
    </message>
    <message>
        <source>Unknown case &quot;%1&quot;; the cases are %2.</source>
        <translation>Unbekannter Fall &quot;%1&quot;; die Fälle sind %2.</translation>
    </message>
    <message>
        <source>Give either --file ID… or --case CASE.</source>
        <translation>Geben Sie entweder --file ID… oder --case FALL an.</translation>
    </message>
    <message>
        <source>Unknown action &quot;%1&quot;; the actions are %2.</source>
        <translation>Unbekannte Aktion &quot;%1&quot;; die Aktionen sind %2.</translation>
    </message>
    <message>
        <source>Say what to do with --action (%1), or --undo.</source>
        <translation>Geben Sie mit --action an, was zu tun ist (%1), oder --undo.</translation>
    </message>
    <message>
        <source>The account %1 may not move files on %2; choose another action.</source>
        <translation>Das Konto %1 darf auf %2 keine Dateien verschieben; wählen Sie eine andere Aktion.</translation>
    </message>
    <message numerus="yes">
        <source>Took back the decisions about %n file(s).</source>
        <translation>
            <numerusform>Entscheidung über %n Datei zurückgenommen.</numerusform>
            <numerusform>Entscheidungen über %n Dateien zurückgenommen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Decided %n file(s): %1.</source>
        <translation>
            <numerusform>Über %n Datei entschieden: %1.</numerusform>
            <numerusform>Über %n Dateien entschieden: %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>the settings</source>
        <translation>die Einstellungen</translation>
    </message>
    <message>
        <source>Approve a batch as a whole, then upload it to its targets (--target, the targets recorded for it, or [targets] default) with progress; refused while its QA sample is incomplete or rejects it, or decisions are open, unless --override gives a reason.</source>
        <translation>Einen Stapel als Ganzes freigeben und ihn dann mit Fortschrittsanzeige an seine Ziele hochladen (--target, die für ihn gespeicherten Ziele oder [targets] default); verweigert, solange seine QA-Stichprobe unvollständig ist oder ihn zurückweist oder Entscheidungen offen sind, es sei denn, --override nennt einen Grund.</translation>
    </message>
    <message>
        <source>Where the approved files go (local:DIR, s3://…, mediawiki:…); recorded with the batch. Repeat for several targets.</source>
        <translation>Wohin die freigegebenen Dateien gehen (local:ORDNER, s3://…, mediawiki:…); wird mit dem Stapel gespeichert. Für mehrere Ziele wiederholen.</translation>
    </message>
    <message>
        <source>Only the files matching this query go to the --target before it (the filter bar&apos;s syntax).</source>
        <translation>Nur die Dateien, die zu dieser Abfrage passen, gehen an das --target davor (Syntax der Filterleiste).</translation>
    </message>
    <message numerus="yes">
        <source>QA of batch %1: %n file(s), %2.</source>
        <translation>
            <numerusform>QA von Stapel %1: %n Datei, %2.</numerusform>
            <numerusform>QA von Stapel %1: %n Dateien, %2.</numerusform>
        </translation>
    </message>
    <message>
        <source>The curator recorded with decisions and their events (default: the [team] curator setting, else the operating system&apos;s user).</source>
        <translation>Die Kuratorin oder der Kurator, die bei Entscheidungen und ihren Ereignissen festgehalten werden (Standard: die Einstellung [team] curator, sonst der Benutzer des Betriebssystems).</translation>
    </message>
    <message>
        <source>Who decides (default: --as, else the [team] curator setting, else the operating system&apos;s user).</source>
        <translation>Wer entscheidet (Standard: --as, sonst die Einstellung [team] curator, sonst der Benutzer des Betriebssystems).</translation>
    </message>
    <message>
        <source>Copy or download and hash only; the automatic QA and duplicate stages run at the batch&apos;s next fetch or run.</source>
        <translation>Nur kopieren oder herunterladen und Prüfsummen bilden; die automatische QA und die Dublettenprüfung laufen beim nächsten fetch oder run des Stapels.</translation>
    </message>
</context>
<context>
    <name>gh::cli::BagProgressPrinter</name>
    <message>
        <source>%1 %2/%3 files, %4 / %5</source>
        <translation>%1 %2/%3 Dateien, %4 / %5</translation>
    </message>
</context>
<context>
    <name>gh::cli::CommandLine</name>
    <message>
        <source>Run &quot;gatehouse-cli %1 --help&quot; for usage.</source>
        <translation>Führen Sie &quot;gatehouse-cli %1 --help&quot; aus, um die Verwendung zu sehen.</translation>
    </message>
    <message>
        <source>Wrong number of arguments for %1.</source>
        <translation>Falsche Anzahl von Argumenten für %1.</translation>
    </message>
</context>
<context>
    <name>gh::cli::ProgressPrinter</name>
    <message>
        <source>%1/%2 files, %3</source>
        <translation>%1/%2 Dateien, %3</translation>
    </message>
    <message>
        <source>%1 s left</source>
        <translation>noch %1 s</translation>
    </message>
    <message>
        <source>%1 failed</source>
        <translation>%1 fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Gatehouse ingest workstation</source>
        <translation>Gatehouse-Übernahmearbeitsplatz</translation>
    </message>
    <message>
        <source>The catalog file or PostgreSQL URL.</source>
        <translation>Die Katalogdatei oder PostgreSQL-URL.</translation>
    </message>
    <message>
        <source>path</source>
        <translation>Pfad</translation>
    </message>
    <message>
        <source>The bit store folder.</source>
        <translation>Der Ordner des Speichers.</translation>
    </message>
    <message>
        <source>dir</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>Engine settings (INI).</source>
        <translation>Engine-Einstellungen (INI).</translation>
    </message>
    <message>
        <source>file</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>A folder, archive, manifest or list to load, or a gatehouse://batch/ID/item/ID link to show.</source>
        <translation>Ein Ordner, Archiv, Manifest oder eine Liste zum Laden, oder ein gatehouse://batch/ID/item/ID-Link zum Anzeigen.</translation>
    </message>
    <message>
        <source>%1 is not a Gatehouse link; links look like gatehouse://batch/3/item/17.</source>
        <translation>%1 ist kein Gatehouse-Link; Links sehen aus wie gatehouse://batch/3/item/17.</translation>
    </message>
</context>
</TS>
