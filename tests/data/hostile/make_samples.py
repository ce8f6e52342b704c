#!/usr/bin/python3
"""Generates the archive test samples of Gatehouse: the hostile ones in tests/data/hostile/ and the realistic
good ones in tests/data/archives/. The samples are committed; run this again only to change them:

    /usr/bin/python3 tests/data/hostile/make_samples.py

Everything is deterministic (fixed timestamps, gzip mtime 0), so re-running produces identical bytes. zip and tar
come from the standard library (with raw byte patches where a hostile header needs it); 7z is written through the
system libarchive (libarchive.so.13, a build dependency of Gatehouse) with ctypes, because Python cannot write 7z.

Each sample is described in README.md beside it. Keep them small: the bombs are a few hundred KiB at most.
"""

import bz2
import ctypes
import ctypes.util
import gzip
import hashlib
import io
import lzma
import os
import struct
import sys
import tarfile
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
HOSTILE = HERE
ARCHIVES = os.path.join(os.path.dirname(HERE), "archives")
DATE = (2024, 5, 17, 12, 0, 0)
MTIME = 1715947200  # 2024-05-17 12:00:00 UTC

MiB = 1024 * 1024


def write(folder, name, data):
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


# --- zip ----------------------------------------------------------------------------------------------------------


def zinfo(name, method=zipfile.ZIP_DEFLATED):
    info = zipfile.ZipInfo(name, DATE)
    info.compress_type = method
    info.external_attr = 0o100644 << 16
    info.create_system = 3
    return info


def make_zip(members, method=zipfile.ZIP_DEFLATED, force_zip64=False):
    """members: list of (name, bytes). Returns the archive's bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members:
            if name.endswith("/"):
                info = zinfo(name, zipfile.ZIP_STORED)
                info.external_attr = (0o40755 << 16) | 0x10
                z.writestr(info, b"")
                continue
            with z.open(zinfo(name, method), "w", force_zip64=force_zip64) as f:
                f.write(data)
    return buf.getvalue()


def patch_name(data, old, new):
    """Replaces a member name in both the local header and the central directory (same length only)."""
    assert len(old) == len(new), (old, new)
    assert data.count(old) == 2, (old, data.count(old))
    return data.replace(old, new)


def set_utf8_flag(data, name):
    """Sets general-purpose bit 11 (name is UTF-8) for the member called name, in both headers."""
    out = bytearray(data)
    for sig, flag_offset, name_len_offset, header_len in ((b"PK\x03\x04", 6, 26, 30), (b"PK\x01\x02", 8, 28, 46)):
        pos = 0
        while True:
            pos = out.find(sig, pos)
            if pos < 0:
                break
            (name_len,) = struct.unpack_from("<H", out, pos + name_len_offset)
            if bytes(out[pos + header_len : pos + header_len + name_len]) == name:
                (flags,) = struct.unpack_from("<H", out, pos + flag_offset)
                struct.pack_into("<H", out, pos + flag_offset, flags | 0x800)
            pos += 4
    return bytes(out)


def set_flag_bits(data, name, bits):
    out = bytearray(data)
    for sig, flag_offset, name_len_offset, header_len in ((b"PK\x03\x04", 6, 26, 30), (b"PK\x01\x02", 8, 28, 46)):
        pos = out.find(sig)
        while pos >= 0:
            (name_len,) = struct.unpack_from("<H", out, pos + name_len_offset)
            if bytes(out[pos + header_len : pos + header_len + name_len]) == name:
                (flags,) = struct.unpack_from("<H", out, pos + flag_offset)
                struct.pack_into("<H", out, pos + flag_offset, flags | bits)
            pos = out.find(sig, pos + 4)
    return bytes(out)


def raw_deflate(data_chunks):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = []
    crc = 0
    size = 0
    for chunk in data_chunks:
        out.append(c.compress(chunk))
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
    out.append(c.flush())
    return b"".join(out), crc, size


def zip_by_hand(entries, zip64_eocd_entries=None):
    """entries: list of dicts with name (bytes), payload (compressed bytes), method, crc, csize, usize, flags.
    Writes local headers, central directory and end record exactly as given (sizes may lie)."""
    out = bytearray()
    central = bytearray()
    dos_time = (12 << 11)
    dos_date = ((2024 - 1980) << 9) | (5 << 5) | 17
    for e in entries:
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, e.get("flags", 0), e["method"], dos_time, dos_date,
                           e["crc"], e["csize"], e["usize"], len(e["name"]), 0)
        out += e["name"] + e["payload"]
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, (3 << 8) | 20, 20, e.get("flags", 0), e["method"],
                               dos_time, dos_date, e["crc"], e["csize"], e["usize"], len(e["name"]), 0, 0, 0, 0,
                               0o100644 << 16, offset)
        central += e["name"]
    cd_offset = len(out)
    out += central
    if zip64_eocd_entries is not None:
        eocd64_offset = len(out)
        out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, zip64_eocd_entries, zip64_eocd_entries,
                           len(central), cd_offset)
        out += struct.pack("<IIQI", 0x07064B50, 0, eocd64_offset, 1)
        out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    else:
        out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), cd_offset, 0)
    return bytes(out)


# --- tar ----------------------------------------------------------------------------------------------------------


def tinfo(name, size=0, kind=tarfile.REGTYPE, link=""):
    info = tarfile.TarInfo(name)
    info.size = size
    info.type = kind
    info.linkname = link
    info.mtime = MTIME
    info.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
    info.uname = info.gname = "gatehouse"
    return info


def make_tar(members, fmt=tarfile.PAX_FORMAT, encoding="utf-8"):
    """members: list of (name, bytes) for files, or TarInfo objects (links, special files)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt, encoding=encoding, errors="surrogateescape") as t:
        for m in members:
            if isinstance(m, tarfile.TarInfo):
                t.addfile(m)
            elif m[0].endswith("/"):
                t.addfile(tinfo(m[0].rstrip("/"), kind=tarfile.DIRTYPE))
            else:
                t.addfile(tinfo(m[0], len(m[1])), io.BytesIO(m[1]))
    return buf.getvalue()


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


# --- 7z through libarchive ------------------------------------------------------------------------------------------


class LibArchive:
    AE_IFREG = 0o100000
    AE_IFDIR = 0o040000

    def __init__(self):
        path = ctypes.util.find_library("archive") or "libarchive.so.13"
        self.lib = ctypes.CDLL(path)
        L = self.lib
        L.archive_write_new.restype = ctypes.c_void_p
        L.archive_entry_new.restype = ctypes.c_void_p
        L.archive_error_string.restype = ctypes.c_char_p
        for fn in ("archive_write_set_format_7zip", "archive_write_close", "archive_write_free",
                   "archive_write_finish_entry", "archive_error_string"):
            getattr(L, fn).argtypes = [ctypes.c_void_p]
        L.archive_write_open_memory.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t,
                                                ctypes.POINTER(ctypes.c_size_t)]
        L.archive_write_header.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        L.archive_write_data.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
        L.archive_write_data.restype = ctypes.c_ssize_t
        L.archive_entry_set_pathname_utf8.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        L.archive_entry_set_size.argtypes = [ctypes.c_void_p, ctypes.c_int64]
        L.archive_entry_set_filetype.argtypes = [ctypes.c_void_p, ctypes.c_uint]
        L.archive_entry_set_perm.argtypes = [ctypes.c_void_p, ctypes.c_uint]
        L.archive_entry_set_mtime.argtypes = [ctypes.c_void_p, ctypes.c_int64, ctypes.c_long]
        L.archive_entry_free.argtypes = [ctypes.c_void_p]
        L.archive_write_set_format_option.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p,
                                                      ctypes.c_char_p]

    def check(self, a, rc):
        if rc < 0:
            raise RuntimeError(self.lib.archive_error_string(a))

    def seven_zip(self, members):
        L = self.lib
        capacity = 64 * MiB
        buffer = ctypes.create_string_buffer(capacity)
        used = ctypes.c_size_t(0)
        a = L.archive_write_new()
        self.check(a, L.archive_write_set_format_7zip(a))
        self.check(a, L.archive_write_set_format_option(a, b"7zip", b"compression", b"lzma2"))
        self.check(a, L.archive_write_open_memory(a, buffer, capacity, ctypes.byref(used)))
        for name, data in members:
            e = L.archive_entry_new()
            directory = name.endswith("/")
            L.archive_entry_set_pathname_utf8(e, name.rstrip("/").encode("utf-8"))
            L.archive_entry_set_filetype(e, self.AE_IFDIR if directory else self.AE_IFREG)
            L.archive_entry_set_perm(e, 0o755 if directory else 0o644)
            L.archive_entry_set_size(e, 0 if directory else len(data))
            L.archive_entry_set_mtime(e, MTIME, 0)
            self.check(a, L.archive_write_header(a, e))
            if not directory and data:
                self.check(a, L.archive_write_data(a, data, len(data)))
            L.archive_entry_free(e)
        self.check(a, L.archive_write_close(a))
        L.archive_write_free(a)
        return buffer.raw[: used.value]


# --- content ------------------------------------------------------------------------------------------------------


def pseudo_random(size, seed):
    """Deterministic incompressible bytes."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(b"%d:%d" % (seed, counter)).digest()
        counter += 1
    return bytes(out[:size])


def deposit_tree():
    """A small scanning-vendor delivery: two films of pages with ALTO XML, every file with an .md5 sidecar."""
    files = []
    for film in (1, 2):
        for page in (1, 2, 10):
            stem = "deposit/film%d/page%04d" % (film, page)
            image = b"II*\x00" + pseudo_random(3000 + page * 17, film * 100 + page)
            alto = ('<?xml version="1.0" encoding="UTF-8"?>\n<alto><Page ID="p%d"/></alto>\n' % page).encode()
            for name, data in ((stem + ".tif", image), (stem + ".alto.xml", alto)):
                files.append((name, data))
                sidecar = "%s  %s\n" % (hashlib.md5(data).hexdigest(), name.rsplit("/", 1)[1])
                files.append((name + ".md5", sidecar.encode()))
    files.append(("deposit/README.txt", b"Delivery B400022028240-RT1, two films.\n"))
    long_dir = "deposit/" + "a-rather-long-folder-name-for-a-scanning-project/" * 3
    files.append((long_dir + "notes.txt", b"A path longer than the 100 bytes of a ustar name field.\n"))
    return files


def with_folders(files):
    """Adds folder entries before their first file, as archivers do."""
    seen = set()
    out = []
    for name, data in files:
        parts = name.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            folder = "/".join(parts[:i]) + "/"
            if folder not in seen:
                seen.add(folder)
                out.append((folder, b""))
        out.append((name, data))
    return out


def expected_listing(files):
    lines = ["%s\t%d\t%s" % (hashlib.sha256(data).hexdigest(), len(data), name) for name, data in files]
    return ("\n".join(sorted(lines)) + "\n").encode()


# --- the samples --------------------------------------------------------------------------------------------------


def good_samples(la):
    os.makedirs(ARCHIVES, exist_ok=True)
    tree = deposit_tree()
    members = with_folders(tree)
    write(ARCHIVES, "deposit.expected.tsv", expected_listing(tree))
    write(ARCHIVES, "deposit.zip", make_zip(members))
    tar = make_tar(members)
    write(ARCHIVES, "deposit.tar", tar)
    write(ARCHIVES, "deposit.tar.gz", gz(tar))
    write(ARCHIVES, "deposit.tar.bz2", bz2.compress(tar, 9))
    write(ARCHIVES, "deposit.tar.xz", lzma.compress(tar, preset=6))
    write(ARCHIVES, "deposit.7z", la.seven_zip(members))
    # A GNU tar made with "tar -C dir -cf x.tar ." names its members "./…".
    write(ARCHIVES, "dot-prefix.tar.gz",
          gz(make_tar([("./", b""), ("./scan.tif", b"II*\x00scan"), ("./sub/note.txt", b"note\n")],
                      fmt=tarfile.GNU_FORMAT)))

    # Names: UTF-8 with bit 11 set (Python sets it for non-ASCII names) and legacy CP437 without it.
    write(ARCHIVES, "utf8-names.zip",
          make_zip([("caf\u00e9/\u00dcber.txt", b"utf8 one\n"), ("\u65e5\u672c\u8a9e.txt", b"utf8 two\n")]))
    cp437 = make_zip([("Xpfel/Stra_e.txt", b"cp437 one\n"), ("naXve.txt", b"cp437 two\n")])
    cp437 = patch_name(cp437, b"Xpfel/Stra_e.txt", "\u00c4pfel/Stra\u00dfe.txt".encode("cp437"))
    cp437 = patch_name(cp437, b"naXve.txt", "na\u00efve.txt".encode("cp437"))
    write(ARCHIVES, "cp437-names.zip", cp437)
    # Old Windows archivers wrote backslashes as separators.
    winzip = make_zip([("scans/page1.tif", b"II*\x00one"), ("scans/page2.tif", b"II*\x00two")])
    winzip = patch_name(winzip, b"scans/page1.tif", b"scans\\page1.tif")
    winzip = patch_name(winzip, b"scans/page2.tif", b"scans\\page2.tif")
    write(ARCHIVES, "backslash-separators.zip", winzip)

    # zip64: every member carries a zip64 extra field, and the archive ends with a zip64 end-of-central-directory
    # record (Python writes one once the entry count or an offset passes its limits; lower the limits to get one
    # small).
    saved = zipfile.ZIP_FILECOUNT_LIMIT, zipfile.ZIP64_LIMIT
    zipfile.ZIP_FILECOUNT_LIMIT, zipfile.ZIP64_LIMIT = 1, 16
    try:
        write(ARCHIVES, "zip64.zip",
              make_zip([("big/part1.bin", pseudo_random(5000, 64)), ("big/part2.txt", b"zip64 member\n" * 40)],
                       force_zip64=True))
    finally:
        zipfile.ZIP_FILECOUNT_LIMIT, zipfile.ZIP64_LIMIT = saved

    # Nested archives: a zip holding a zip and a tar.gz, and the inner zip with a sidecar.
    page = b"II*\x00" + pseudo_random(2048, 7)
    inner_zip = make_zip([("page1.tif", page),
                          ("page1.tif.md5", ("%s  page1.tif\n" % hashlib.md5(page).hexdigest()).encode())])
    inner_tar = gz(make_tar([("text/page1.txt", b"page one text\n")]))
    write(ARCHIVES, "nested.zip",
          make_zip([("cover.txt", b"outer cover\n"), ("inner.zip", inner_zip), ("more/inner.tar.gz", inner_tar)],
                   method=zipfile.ZIP_STORED))
    # Links that stay inside the archive are listed but not followed.
    write(ARCHIVES, "inside-links.tar",
          make_tar([("data/real.txt", b"real\n"), tinfo("data/alias.txt", kind=tarfile.SYMTYPE, link="real.txt"),
                    tinfo("data/hard.txt", kind=tarfile.LNKTYPE, link="data/real.txt")]))


def hostile_samples(la):
    ok = ("ok.txt", b"harmless\n")

    # Path traversal.
    write(HOSTILE, "zip-slip.zip", make_zip([ok, ("../../evil.txt", b"escaped\n")]))
    write(HOSTILE, "zip-slip.tar", make_tar([ok, ("../../evil.txt", b"escaped\n")], fmt=tarfile.GNU_FORMAT))
    absolute = make_zip([ok, ("/etc/evil", b"abs\n"), ("C:/evil", b"drive\n"), ("//server/share/evil", b"unc\n")])
    absolute = patch_name(absolute, b"C:/evil", b"C:\\evil")
    absolute = patch_name(absolute, b"//server/share/evil", b"\\\\server\\share\\evil")
    write(HOSTILE, "absolute.zip", absolute)
    write(HOSTILE, "absolute.tar", make_tar([ok, ("/etc/evil", b"abs\n")], fmt=tarfile.GNU_FORMAT))
    backslash = make_zip([ok, ("__/__/evil.txt", b"escaped\n")])
    write(HOSTILE, "backslash-traversal.zip", patch_name(backslash, b"__/__/evil.txt", b"..\\..\\evil.txt"))

    # Links.
    write(HOSTILE, "symlink-escape.tar",
          make_tar([ok, tinfo("abs-link", kind=tarfile.SYMTYPE, link="/etc/passwd"),
                    tinfo("sub/rel-link", kind=tarfile.SYMTYPE, link="../../outside/secret")], fmt=tarfile.GNU_FORMAT))
    write(HOSTILE, "symlink-through.tar",
          make_tar([ok, tinfo("dir-link", kind=tarfile.SYMTYPE, link="/tmp"), ("dir-link/evil.txt", b"through\n")],
                   fmt=tarfile.GNU_FORMAT))
    write(HOSTILE, "hardlink.tar",
          make_tar([ok, tinfo("out-hard", kind=tarfile.LNKTYPE, link="../../etc/passwd"),
                    tinfo("abs-hard", kind=tarfile.LNKTYPE, link="/etc/passwd"),
                    tinfo("missing-hard", kind=tarfile.LNKTYPE, link="nonexistent.txt")], fmt=tarfile.GNU_FORMAT))
    write(HOSTILE, "special-files.tar",
          make_tar([ok, tinfo("fifo", kind=tarfile.FIFOTYPE), tinfo("dev-null", kind=tarfile.CHRTYPE)],
                   fmt=tarfile.GNU_FORMAT))

    # Bombs. 256 MiB of zeros deflate at the format's maximum ratio (about 1032:1); the bzip2 one holds 1 GiB in
    # a few hundred bytes.
    payload, crc, size = raw_deflate(bytes(MiB) for _ in range(256))
    write(HOSTILE, "zip-bomb.zip",
          zip_by_hand([{"name": b"ok.txt", "payload": b"harmless\n", "method": 0, "crc": zlib.crc32(b"harmless\n"),
                        "csize": 9, "usize": 9},
                       {"name": b"zeros.bin", "payload": payload, "method": 8, "crc": crc, "csize": len(payload),
                        "usize": size}]))
    comp = bz2.BZ2Compressor(9)
    header = tarfile.TarInfo("zeros.bin")
    header.size = 1024 * MiB
    header.mtime = MTIME
    parts = [comp.compress(header.tobuf(tarfile.GNU_FORMAT))]
    block = bytes(MiB)
    for _ in range(1024):
        parts.append(comp.compress(block))
    parts.append(comp.compress(bytes(1024)))  # end-of-archive blocks
    parts.append(comp.flush())
    write(HOSTILE, "bomb.tar.bz2", b"".join(parts))
    # A header that lies: the central directory says 1,000 bytes, the data inflates to 16 MiB.
    payload, crc, size = raw_deflate(bytes(MiB) for _ in range(16))
    write(HOSTILE, "lying-size.zip",
          zip_by_hand([{"name": b"zeros.bin", "payload": payload, "method": 8, "crc": crc, "csize": len(payload),
                        "usize": 1000}]))
    # 42.zip-style: each level holds several copies of the level below; the innermost holds 64 MiB of zeros.
    level = make_zip([("zeros.bin", bytes(64 * MiB))])
    for depth in range(4, 0, -1):
        level = make_zip([("level%d-%d.zip" % (depth, i), level) for i in range(4)])
    write(HOSTILE, "nested-bomb.zip", level)
    # Nesting deeper than the default limit of 3.
    level = make_zip([("deep.txt", b"four archives down\n")])
    for depth in range(4, 0, -1):
        level = make_zip([("l%d.zip" % depth, level)], method=zipfile.ZIP_STORED)
    write(HOSTILE, "deep-nesting.zip", level)

    # Counts.
    write(HOSTILE, "too-many-entries.zip", make_zip([("f%04d.txt" % i, b"") for i in range(1001)],
                                                   method=zipfile.ZIP_STORED))
    write(HOSTILE, "too-many-entries.tar.gz", gz(make_tar([("f%04d.txt" % i, b"") for i in range(1001)],
                                                          fmt=tarfile.GNU_FORMAT)))
    # A zip64 end record claiming 10^12 members, in a few hundred bytes.
    write(HOSTILE, "entries-claim.zip",
          zip_by_hand([{"name": b"ok.txt", "payload": b"harmless\n", "method": 0, "crc": zlib.crc32(b"harmless\n"),
                        "csize": 9, "usize": 9}], zip64_eocd_entries=10**12))

    # Names.
    bad = make_zip([ok, ("bad__.txt", b"invalid utf-8\n")])
    bad = patch_name(bad, b"bad__.txt", b"bad\xff\xfe.txt")
    write(HOSTILE, "invalid-utf8.zip", set_utf8_flag(bad, b"bad\xff\xfe.txt"))
    write(HOSTILE, "invalid-utf8.tar", make_tar([ok, ("bad\udcff.txt", b"invalid utf-8\n")], fmt=tarfile.GNU_FORMAT))
    write(HOSTILE, "control-chars.zip", make_zip([ok, ("evil\nname.txt", b"newline\n")]))
    write(HOSTILE, "long-path.zip", make_zip([ok, ("d/" * 600 + "long.txt", b"long\n")]))
    write(HOSTILE, "nested-marker.zip", make_zip([ok, ("inner.zip!/fake.txt", b"not nested\n")]))
    with_dupes = io.BytesIO()
    with zipfile.ZipFile(with_dupes, "w") as z:
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            z.writestr(zinfo("a.txt"), b"first copy\n")
            z.writestr(zinfo("b.txt"), b"b\n")
            z.writestr(zinfo("a.txt"), b"second copy, different\n")
    write(HOSTILE, "duplicates.zip", with_dupes.getvalue())
    write(HOSTILE, "duplicates.tar",
          make_tar([("a.txt", b"first copy\n"), ("b.txt", b"b\n"), ("a.txt", b"second copy, different\n")],
                   fmt=tarfile.GNU_FORMAT))
    write(HOSTILE, "encrypted.zip",
          set_flag_bits(make_zip([ok, ("secret.txt", b"pretend this is encrypted\n")]), b"secret.txt", 0x1))

    # Truncation and garbage.
    body = [("a.txt", pseudo_random(4000, 1)), ("b.txt", pseudo_random(4000, 2))]
    whole_zip = make_zip(body)
    write(HOSTILE, "truncated.zip", whole_zip[: len(whole_zip) // 2])
    whole_tar = make_tar(body, fmt=tarfile.GNU_FORMAT)
    write(HOSTILE, "truncated.tar", whole_tar[:6000])
    # Compressed streams are cut half-way through, past the first 64 KiB of content, like a download that broke
    # off: the first members still read, the damage shows further on. bzip2 decodes whole blocks only, so it
    # uses its smallest block (100 kB) to have complete blocks before the cut.
    text = b"".join(b"%08d a line of text in a delivery that was cut off\n" % i for i in range(8000))
    long_tar = make_tar([("a.txt", text), ("b.txt", b"the end\n")], fmt=tarfile.GNU_FORMAT)
    for name, data in (("truncated.tar.gz", gz(long_tar)), ("truncated.tar.bz2", bz2.compress(long_tar, 1)),
                       ("truncated.tar.xz", lzma.compress(long_tar))):
        write(HOSTILE, name, data[: len(data) // 2])
    whole_7z = la.seven_zip(body)
    write(HOSTILE, "truncated.7z", whole_7z[: len(whole_7z) - 40])
    write(HOSTILE, "empty.zip", b"")
    write(HOSTILE, "zip-head-only.zip", whole_zip[:20])
    # Plain gzip of a text file: compressed, but not a tar, so not a package.
    write(HOSTILE, "not-a-tar.gz", gz(b"just some text, not a tar archive\n" * 10))


def main():
    la = LibArchive()
    good_samples(la)
    hostile_samples(la)
    total = 0
    for folder in (ARCHIVES, HOSTILE):
        for name in sorted(os.listdir(folder)):
            if name.endswith((".py", ".md")):
                continue
            size = os.path.getsize(os.path.join(folder, name))
            total += size
            print("%8d  %s" % (size, os.path.relpath(os.path.join(folder, name), os.path.dirname(HERE))))
    print("%8d  total" % total)


if __name__ == "__main__":
    sys.exit(main())
