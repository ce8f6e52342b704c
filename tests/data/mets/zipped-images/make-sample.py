#!/usr/bin/env python3
# Writes the sample: a METS document whose page images are inside images.zip, next to it, addressed both as
# "images.zip#page-1.tif" and as a path through the archive, "images.zip/scans/page-2.tif"; one reference
# names a page the archive does not hold. deposit.zip is the same delivery zipped, for archives in archives.
# Fixed timestamps keep the output byte-identical across runs.
import hashlib, os, zipfile

here = os.path.dirname(os.path.abspath(__file__))
pages = {"page-1.tif": b"II*\x00 page one of the zipped sample\n" * 4,
         "scans/page-2.tif": b"II*\x00 page two of the zipped sample\n" * 5}

def write_zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2024, 3, 1, 10, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)

write_zip(os.path.join(here, "delivery", "images.zip"), pages.items())
sha = {n: hashlib.sha256(d).hexdigest() for n, d in pages.items()}
mets = f"""<?xml version="1.0" encoding="UTF-8"?>
<mets:mets xmlns:mets="http://www.loc.gov/METS/" xmlns:xlink="http://www.w3.org/1999/xlink" OBJID="zipped-1" LABEL="Zipped pages">
  <mets:fileSec>
    <mets:fileGrp USE="MASTER">
      <mets:file ID="F1" MIMETYPE="image/tiff" CHECKSUM="{sha['page-1.tif']}" CHECKSUMTYPE="SHA-256">
        <mets:FLocat LOCTYPE="URL" xlink:href="images.zip#page-1.tif"/>
      </mets:file>
      <mets:file ID="F2" MIMETYPE="image/tiff" CHECKSUM="{sha['scans/page-2.tif']}" CHECKSUMTYPE="SHA-256">
        <mets:FLocat LOCTYPE="URL" xlink:href="images.zip/scans/page-2.tif"/>
      </mets:file>
      <mets:file ID="F3" MIMETYPE="image/tiff">
        <mets:FLocat LOCTYPE="URL" xlink:href="images.zip#page-9.tif"/>
      </mets:file>
    </mets:fileGrp>
  </mets:fileSec>
  <mets:structMap TYPE="physical">
    <mets:div TYPE="book" LABEL="Zipped pages">
      <mets:div TYPE="page" ORDER="1" LABEL="Page 1"><mets:fptr FILEID="F1"/></mets:div>
      <mets:div TYPE="page" ORDER="2" LABEL="Page 2"><mets:fptr FILEID="F2"/></mets:div>
      <mets:div TYPE="page" ORDER="9" LABEL="Page 9"><mets:fptr FILEID="F3"/></mets:div>
    </mets:div>
  </mets:structMap>
</mets:mets>
"""
with open(os.path.join(here, "delivery", "mets.xml"), "w") as f:
    f.write(mets)
with open(os.path.join(here, "delivery", "images.zip"), "rb") as f:
    images = f.read()
write_zip(os.path.join(here, "deposit.zip"), [("mets.xml", mets.encode()), ("images.zip", images)])
