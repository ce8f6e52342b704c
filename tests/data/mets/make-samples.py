#!/usr/bin/env python3
"""Writes the METS samples for tst_mets: tiny placeholder page files (intake never decodes them) and METS
documents whose SIZE and CHECKSUM attributes match those files, except where a sample is meant to be wrong.
Run from this folder; the output is committed."""
import hashlib, os, shutil

HERE = os.path.dirname(os.path.abspath(__file__))


def tiff(n):
    return b"II*\x00" + bytes(f"master scan of page {n}\n", "ascii") * 8


def jpeg(n):
    return b"\xff\xd8\xff\xe0" + bytes(f"access copy of page {n}\n", "ascii") * 4 + b"\xff\xd9"


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


PAGES = [("[i]", "Title page"), ("[ii]", None), ("1", None), ("2", None), ("3", None), ("Tab. I", "Plate I")]


def book(folder, wrong_checksum_page=None, missing_access_page=None):
    root = os.path.join(HERE, folder)
    shutil.rmtree(root, ignore_errors=True)
    files = []
    for n in range(1, 7):
        for grp, ext, data, mime in (("MASTER", "tif", tiff(n), "image/tiff"),
                                     ("ACCESS", "jpg", jpeg(n), "image/jpeg")):
            rel = f"{grp.lower()}/{n:04d}.{ext}"
            digest = hashlib.sha256(data).hexdigest()
            if grp == "MASTER" and n == wrong_checksum_page:
                digest = hashlib.sha256(b"what the vendor scanned first").hexdigest()
            if not (grp == "ACCESS" and n == missing_access_page):
                write(os.path.join(root, rel), data)
            files.append((grp, n, rel, len(data), digest, mime))
    write(os.path.join(root, "scan-notes.txt"), b"Scanned on the Zeutschel OS 12000, operator HB.\n")

    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<mets:mets xmlns:mets="http://www.loc.gov/METS/" xmlns:mods="http://www.loc.gov/mods/v3"',
           '           xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xlink="http://www.w3.org/1999/xlink"',
           '           OBJID="flora-danica-1" LABEL="Flora Danica, fasc. 1" TYPE="book">',
           '  <mets:metsHdr CREATEDATE="2024-03-01T10:00:00Z">',
           '    <mets:agent ROLE="CREATOR" TYPE="ORGANIZATION"><mets:name>Digitisation unit</mets:name></mets:agent>',
           '  </mets:metsHdr>',
           '  <mets:dmdSec ID="DMD1">',
           '    <mets:mdWrap MDTYPE="MODS"><mets:xmlData>',
           '      <mods:mods>',
           '        <mods:titleInfo><mods:title>Flora Danica</mods:title><mods:subTitle>Fasciculus 1</mods:subTitle></mods:titleInfo>',
           '        <mods:titleInfo type="alternative"><mods:title>Icones plantarum</mods:title></mods:titleInfo>',
           '        <mods:name type="personal"><mods:namePart type="family">Oeder</mods:namePart><mods:namePart type="given">Georg Christian</mods:namePart>',
           '          <mods:role><mods:roleTerm type="text" authority="marcrelator">author</mods:roleTerm></mods:role></mods:name>',
           '        <mods:name type="corporate"><mods:namePart>Berlingske Bogtrykkeri</mods:namePart>',
           '          <mods:role><mods:roleTerm type="code" authority="marcrelator">prt</mods:roleTerm></mods:role></mods:name>',
           '        <mods:originInfo><mods:place><mods:placeTerm>Copenhagen</mods:placeTerm></mods:place><mods:dateIssued>1761</mods:dateIssued></mods:originInfo>',
           '        <mods:identifier type="urn">urn:nbn:dk:kb-flora-danica-1</mods:identifier>',
           '        <mods:identifier type="local">FD-0001</mods:identifier>',
           '      </mods:mods>',
           '    </mets:xmlData></mets:mdWrap>',
           '  </mets:dmdSec>',
           '  <mets:dmdSec ID="DMD_PLATE1">',
           '    <mets:mdWrap MDTYPE="DC"><mets:xmlData>',
           '      <dc:title>Tab. I. Gentiana</dc:title><dc:creator>Rosenberg, Johann Christoph</dc:creator>',
           '      <dc:date>1761</dc:date><dc:identifier>FD-0001-T1</dc:identifier>',
           '    </mets:xmlData></mets:mdWrap>',
           '  </mets:dmdSec>',
           '  <mets:fileSec>']
    for grp in ("MASTER", "ACCESS"):
        out.append(f'    <mets:fileGrp USE="{grp}">')
        for g, n, rel, size, digest, mime in files:
            if g != grp:
                continue
            out.append(f'      <mets:file ID="{grp}_{n:04d}" MIMETYPE="{mime}" SIZE="{size}" CHECKSUM="{digest}" CHECKSUMTYPE="SHA-256">')
            out.append(f'        <mets:FLocat LOCTYPE="URL" xlink:href="{rel}"/>')
            out.append('      </mets:file>')
        out.append('    </mets:fileGrp>')
    out.append('  </mets:fileSec>')
    # A logical map first: the physical one must still be chosen.
    out += ['  <mets:structMap TYPE="LOGICAL">',
            '    <mets:div TYPE="monograph" DMDID="DMD1" LABEL="Flora Danica">',
            '      <mets:div TYPE="title_page" LABEL="Title page"/>',
            '      <mets:div TYPE="plate" LABEL="Plates"/>',
            '    </mets:div>',
            '  </mets:structMap>',
            '  <mets:structMap TYPE="PHYSICAL">',
            '    <mets:div TYPE="physSequence" DMDID="DMD1">']
    for n, (orderlabel, label) in enumerate(PAGES, start=1):
        attrs = f'ID="PHYS_{n:04d}" TYPE="page" ORDER="{n}" ORDERLABEL="{orderlabel}"'
        if label:
            attrs += f' LABEL="{label}"'
        if n == 6:
            attrs += ' DMDID="DMD_PLATE1"'
        out.append(f'      <mets:div {attrs}>')
        out.append(f'        <mets:fptr FILEID="MASTER_{n:04d}"/>')
        out.append(f'        <mets:fptr FILEID="ACCESS_{n:04d}"/>')
        out.append('      </mets:div>')
    out += ['    </mets:div>', '  </mets:structMap>', '</mets:mets>', '']
    write(os.path.join(root, "mets.xml"), "\n".join(out).encode())


book("book")
book("damaged", wrong_checksum_page=2, missing_access_page=3)

# A METS document whose files are on the web (and two references that must not be followed).
remote = os.path.join(HERE, "remote")
shutil.rmtree(remote, ignore_errors=True)
write(os.path.join(remote, "local-page.tif"), tiff(9))
write(os.path.join(remote, "remote.mets.xml"), f"""<?xml version="1.0" encoding="UTF-8"?>
<METS:mets xmlns:METS="http://www.loc.gov/METS/" xmlns:xlink="http://www.w3.org/1999/xlink"
           xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <METS:dmdSec ID="DC1">
    <METS:mdWrap MDTYPE="DC"><METS:xmlData><oai_dc:dc>
      <dc:title>Letters from the West Indies</dc:title>
      <dc:creator>Anonymous</dc:creator><dc:creator>Schmidt, Johan</dc:creator>
      <dc:date>1802</dc:date>
      <dc:identifier>http://example.org/letters/1802</dc:identifier>
    </oai_dc:dc></METS:xmlData></METS:mdWrap>
  </METS:dmdSec>
  <METS:fileSec>
    <METS:fileGrp USE="DEFAULT">
      <METS:file ID="IMG1" MIMETYPE="image/jpeg" SIZE="48213" CHECKSUMTYPE="MD5" CHECKSUM="9E107D9D372BB6826BD81D3542A419D6">
        <METS:FLocat LOCTYPE="URL" xlink:href="https://images.example.org/letters/1802/0001.jpg"/>
      </METS:file>
      <METS:file ID="IMG2" MIMETYPE="image/jpeg" CHECKSUMTYPE="SHA-1" CHECKSUM="2fd4e1c67a2d28fced849ee1bb76e7391b93eb12">
        <METS:FLocat LOCTYPE="URL" xlink:href="http://images.example.org/letters/1802/0002%20verso.jpg"/>
      </METS:file>
      <METS:file ID="IMG3" MIMETYPE="image/tiff">
        <METS:FLocat LOCTYPE="OTHER" OTHERLOCTYPE="SYSTEM" xlink:href="local-page.tif"/>
      </METS:file>
      <METS:file ID="IMG4">
        <METS:FLocat LOCTYPE="URL" xlink:href="ftp://ftp.example.org/letters/0004.jpg"/>
      </METS:file>
      <METS:file ID="IMG5">
        <METS:FLocat LOCTYPE="OTHER" xlink:href="../../../../etc/passwd"/>
      </METS:file>
      <METS:file ID="IMG6" CHECKSUMTYPE="CRC32" CHECKSUM="cbf43926">
        <METS:FLocat LOCTYPE="URL" xlink:href="https://images.example.org/letters/1802/0006.jpg"/>
      </METS:file>
    </METS:fileGrp>
  </METS:fileSec>
  <METS:structMap>
    <METS:div TYPE="letter" LABEL="Letters">
      <METS:div ORDER="1" ORDERLABEL="1r"><METS:fptr FILEID="IMG1"/></METS:div>
      <METS:div ORDER="2" ORDERLABEL="1v"><METS:fptr FILEID="IMG2"/></METS:div>
      <METS:div ORDER="3" TYPE="page"><METS:fptr FILEID="IMG3"/><METS:fptr FILEID="IMG4"/><METS:fptr FILEID="IMG5"/></METS:div>
      <METS:div ORDER="4"><METS:fptr FILEID="IMG6"/><METS:fptr FILEID="NO_SUCH_FILE"/></METS:div>
    </METS:div>
  </METS:structMap>
</METS:mets>
""".encode())

# A deposit whose METS is broken: intake must still yield its files through the plain listing.
broken = os.path.join(HERE, "broken")
shutil.rmtree(broken, ignore_errors=True)
for n in (1, 2):
    write(os.path.join(broken, f"images/{n:04d}.tif"), tiff(n))
write(os.path.join(broken, "mets.xml"), b"""<?xml version="1.0" encoding="UTF-8"?>
<mets:mets xmlns:mets="http://www.loc.gov/METS/" xmlns:xlink="http://www.w3.org/1999/xlink">
  <mets:fileSec>
    <mets:fileGrp USE="MASTER">
      <mets:file ID="F1"><mets:FLocat LOCTYPE="URL" xlink:href="images/0001.tif"/>
    </mets:fileGrp>
  </mets:fileSec>
</mets:mets>
""")
