#!/usr/bin/env python3
"""Writes the newspaper batch samples for tst_newspaper: the layout of a vendor's delivery (batch, film,
edition folders; a page as .jp2 + .mix.xml + .mods.xml + .alto.xml; an .md5 sidecar for every file), with
placeholder page images (intake never decodes them). Run from this folder; the output is committed."""
import hashlib, os, shutil

HERE = os.path.dirname(os.path.abspath(__file__))
PAPER = "adresseavisen1759"


def write(path, data, md5=True):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    if md5:
        with open(path + ".md5", "w") as f:
            f.write(hashlib.md5(data).hexdigest() + "\n")


def page_files(edition_date, edition_no, page):
    base = f"{PAPER}-{edition_date}-{edition_no:02d}-{page:04d}"
    jp2 = b"\x00\x00\x00\x0cjP  \r\n\x87\n" + f"placeholder page image {base}\n".encode() * 16
    mix = f"""<?xml version="1.0" encoding="UTF-8"?>
<mix:mix xmlns:mix="http://www.loc.gov/mix/v20">
  <mix:BasicDigitalObjectInformation><mix:ObjectIdentifier><mix:objectIdentifierType>Filename</mix:objectIdentifierType>
    <mix:objectIdentifierValue>{base}.jp2</mix:objectIdentifierValue></mix:ObjectIdentifier></mix:BasicDigitalObjectInformation>
  <mix:BasicImageInformation><mix:BasicImageCharacteristics><mix:imageWidth>5000</mix:imageWidth>
    <mix:imageHeight>7000</mix:imageHeight></mix:BasicImageCharacteristics></mix:BasicImageInformation>
</mix:mix>
""".encode()
    mods = f"""<?xml version="1.0" encoding="UTF-8"?>
<mods:mods xmlns:mods="http://www.loc.gov/mods/v3">
  <mods:identifier type="reel_sequence_number">{page}</mods:identifier>
  <mods:part><mods:detail type="pageNumber"><mods:number>{page}</mods:number></mods:detail></mods:part>
</mods:mods>
""".encode()
    alto = f"""<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v2#"><Layout><Page ID="P{page}" PHYSICAL_IMG_NR="{page}">
  <PrintSpace><TextBlock ID="TB1"><TextLine><String CONTENT="Kiøbenhavns" /><String CONTENT="Adresse-Contoirs" />
  </TextLine></TextBlock></PrintSpace></Page></Layout></alto>
""".encode()
    return base, {"jp2": jp2, "mix.xml": mix, "mods.xml": mods, "alto.xml": alto}


def batch(name, film, editions, missing=(), stray=False):
    root = os.path.join(HERE, name)
    shutil.rmtree(root, ignore_errors=True)
    write(os.path.join(root, film, f"{film}.film.xml"),
          f'<?xml version="1.0"?>\n<reel xmlns="http://www.statsbiblioteket.dk/avisdigitalisering/microfilm/1/0/" id="{film}"/>\n'.encode())
    for edition_date, edition_no, pages in editions:
        folder = f"{edition_date}-{edition_no:02d}"
        write(os.path.join(root, film, folder, f"{PAPER}-{folder}.edition.xml"),
              f'<?xml version="1.0"?>\n<edition date="{edition_date}" number="{edition_no}"/>\n'.encode())
        for page in pages:
            base, files = page_files(edition_date, edition_no, page)
            for suffix, data in files.items():
                if (folder, page, suffix) in missing:
                    continue
                write(os.path.join(root, film, folder, f"{base}.{suffix}"), data)
    if stray:
        # Files outside the layout: the curator must hear about them.
        write(os.path.join(root, "delivery-note.txt"), b"Delivered by the vendor on 2013-05-02.\n", md5=False)
        write(os.path.join(root, film, "1795-06-13-01", "scanner.log"), b"scanner log\n")


batch("B400022028240-RT1", "400022028240-14",
      [("1795-06-13", 1, [1, 2]), ("1795-06-16", 1, [1, 2])])
batch("B400022028241-RT2", "400022028241-1",
      [("1795-06-13", 1, [1, 2]), ("1795-06-16", 1, [1, 2])],
      missing={("1795-06-16-01", 2, "alto.xml")}, stray=True)
