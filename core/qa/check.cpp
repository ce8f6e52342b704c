#include "check.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include "qalogging.h"

namespace gh {

namespace {

constexpr qint64 s_headBytes = 4096;

const QStringList &jpeg2000Suffixes()
{
    static const QStringList suffixes{QStringLiteral(".jp2"), QStringLiteral(".jpx"), QStringLiteral(".jpf"),
                                      QStringLiteral(".j2k"), QStringLiteral(".j2c"), QStringLiteral(".jpc"),
                                      QStringLiteral(".jph")};
    return suffixes;
}

bool startsLikeJpeg2000(const QByteArray &head)
{
    static const QByteArray jp2("\x00\x00\x00\x0CjP  \r\n\x87\n", 12);
    static const QByteArray codestream("\xFF\x4F\xFF\x51", 4);
    return head.startsWith(jp2) || head.startsWith(codestream);
}

bool startsLikeXml(const QByteArray &head)
{
    QByteArray text = head.left(512);
    if (text.startsWith("\xEF\xBB\xBF"))
        text = text.mid(3);
    text = text.trimmed();
    if (text.startsWith("<?xml"))
        return true;
    if (text.size() < 2 || text.at(0) != '<' || text.startsWith("<!DOCTYPE html"))
        return false;
    // What follows '<' in a document: a name (a letter, '_', ':' or the first byte of a UTF-8 letter), a
    // declaration or comment ('!') or a processing instruction ('?'). A binary file that happens to begin
    // with '<' (one random file in 256) has anything there.
    const auto next = static_cast<unsigned char>(text.at(1));
    const bool asciiLetter = (next | 0x20) >= 'a' && (next | 0x20) <= 'z';
    return asciiLetter || next == '_' || next == ':' || next == '!' || next == '?' ||
           (next >= 0xC2 && next <= 0xF4);
}

} // namespace

// ---- CheckEnvironment

bool CheckEnvironment::isNewspaper() const
{
    return batch.detected == u"newspaper";
}

QString CheckEnvironment::displayPath(const FileRecord &file) const
{
    if (!file.sourcePath.isEmpty()) {
        QString path = QDir::fromNativeSeparators(file.sourcePath);
        const QString root = QDir::fromNativeSeparators(QDir::cleanPath(batch.source));
        if (!root.isEmpty() && path.startsWith(root + u'/')) {
            const QString top = QFileInfo(root).fileName();
            path = (top.isEmpty() ? QString() : top + u'/') + path.mid(root.size() + 1);
        }
        if (!file.sourceMember.isEmpty())
            path += u"!/" + file.sourceMember;
        return QDir::toNativeSeparators(path);
    }
    if (!file.sourceUrl.isEmpty())
        return file.sourceUrl;
    return file.item.isEmpty() ? file.name : file.item + u'/' + file.name;
}

QString CheckEnvironment::where(const FileRecord &file, int line) const
{
    if (line > 0)
        return tr("%1, line %2").arg(displayPath(file)).arg(line);
    return displayPath(file);
}

// ---- FindingSink

FindingSink::FindingSink(const CheckEnvironment &environment, const QString &check, FindingSeverity severity)
    : m_environment(environment)
    , m_check(check)
    , m_severity(severity)
{
    if (environment.profile.severities.contains(check))
        m_override = environment.profile.severities.value(check);
}

void FindingSink::setSubject(const FileRecord *file)
{
    m_subject = file;
    m_notApplicable = false;
}

void FindingSink::add(qint64 itemId, qint64 fileId, FindingSeverity severity, const QString &message,
                      int line)
{
    FindingRecord f;
    f.batchId = m_environment.batch.id;
    f.itemId = itemId;
    f.fileId = fileId;
    f.check = m_check;
    f.severity = m_override.value_or(severity);
    f.message = message;
    f.line = line;
    f.at = QDateTime::currentDateTimeUtc();
    m_findings.append(std::move(f));
}

void FindingSink::report(const QString &message, int line)
{
    report(m_severity, message, line);
}

void FindingSink::report(FindingSeverity severity, const QString &message, int line)
{
    if (m_subject)
        add(m_subject->itemId, m_subject->id, severity, message, line);
    else
        add(0, 0, severity, message, line);
}

void FindingSink::reportOn(const FileRecord &file, const QString &message, int line)
{
    reportOn(file, m_severity, message, line);
}

void FindingSink::reportOn(const FileRecord &file, FindingSeverity severity, const QString &message, int line)
{
    judged(file);
    add(file.itemId, file.id, severity, message, line);
}

void FindingSink::reportOnItem(const ItemRecord &item, const QString &message)
{
    add(item.id, 0, m_severity, message, 0);
}

void FindingSink::reportOnBatch(FindingSeverity severity, const QString &message)
{
    add(0, 0, severity, message, 0);
}

void FindingSink::judged(const FileRecord &file)
{
    if (m_judgedIds.contains(file.id))
        return;
    m_judgedIds.insert(file.id);
    m_judged.append({file.id, file.itemId});
}

// ---- CheckSubject

CheckSubject::CheckSubject(const CheckEnvironment &environment, const FileRecord &file, const QString &path,
                           std::optional<ImageStatistics> kept)
    : m_environment(environment)
    , m_file(file)
    , m_path(path)
    , m_lowerName(file.name.toLower())
    , m_kept(std::move(kept))
{}

CheckSubject::~CheckSubject() = default;

bool CheckSubject::hasContent() const
{
    return !m_path.isEmpty() && m_file.size != 0;
}

QString CheckSubject::where(int line) const
{
    return m_environment.where(m_file, line);
}

const QByteArray &CheckSubject::head()
{
    if (!m_head) {
        m_head = QByteArray();
        if (hasContent()) {
            QFile f(m_path);
            if (f.open(QIODevice::ReadOnly))
                m_head = f.read(s_headBytes);
        }
    }
    return *m_head;
}

bool CheckSubject::isXml()
{
    if (!m_isXml) {
        const QString &type = m_file.mimetype;
        m_isXml = hasContent() && (m_lowerName.endsWith(u".xml") || type.endsWith(u"/xml") ||
                                   type.endsWith(u"+xml") || startsLikeXml(head()));
    }
    return *m_isXml;
}

const Result<XmlDocument> &CheckSubject::xml()
{
    if (!m_xml) {
        QFile f(m_path);
        if (!f.open(QIODevice::ReadOnly)) {
            m_xml.emplace(Error{ErrorCode::Unreadable,
                                tr("%1 cannot be read from the store: %2").arg(where(), f.errorString())});
        } else {
            const XmlDocument::Limits limits;
            const QByteArray data = f.read(limits.maxBytes + 1);
            m_xml.emplace(XmlDocument::parse(data, m_environment.displayPath(m_file)));
        }
    }
    return *m_xml;
}

bool CheckSubject::streamsXml() const
{
    return !m_environment.xmlTreeNeeded && !m_xml;
}

const Result<SchemaSet::Validation> &CheckSubject::streamedXml()
{
    if (!m_streamed) {
        QFile f(m_path);
        if (!f.open(QIODevice::ReadOnly)) {
            m_streamed.emplace(
                Error{ErrorCode::Unreadable,
                      tr("%1 cannot be read from the store: %2").arg(where(), f.errorString())});
            return *m_streamed;
        }
        const XmlDocument::Limits limits;
        const QByteArray data = f.read(limits.maxBytes + 1);
        const QString name = m_environment.displayPath(m_file);
        if (m_environment.schemas) {
            m_streamed.emplace(m_environment.schemas->validate(data, name));
        } else {
            const XmlStreamed streamed = XmlDocument::stream(data, name);
            if (!streamed.parsed) {
                m_streamed.emplace(streamed.parsed.error());
            } else {
                SchemaSet::Validation v;
                v.namespaceUri = streamed.rootNamespace;
                m_streamed.emplace(std::move(v));
            }
        }
    }
    return *m_streamed;
}

bool CheckSubject::isJpeg2000()
{
    if (!m_isJpeg2000) {
        bool byName = false;
        for (const QString &suffix : jpeg2000Suffixes())
            byName = byName || m_lowerName.endsWith(suffix);
        const QString &type = m_file.mimetype;
        m_isJpeg2000 = hasContent() && (byName || type == u"image/jp2" || type == u"image/jpx" ||
                                        type == u"image/x-jp2-codestream" || startsLikeJpeg2000(head()));
    }
    return *m_isJpeg2000;
}

const Jp2Structure &CheckSubject::jp2()
{
    if (!m_jp2)
        m_jp2 = Jp2Structure::readFile(m_path);
    return *m_jp2;
}

bool CheckSubject::isImage()
{
    if (!m_isImage) {
        // Statistics kept for this very content say it is an image without reading a byte.
        const bool kept =
            m_kept && !m_file.digests.sha256.isEmpty() && m_kept->sha256 == m_file.digests.sha256;
        m_isImage = m_environment.analyser &&
                    (kept || (hasContent() && m_environment.analyser->handles(head(), m_file.mimetype)));
    }
    return *m_isImage;
}

const ImageStatistics *CheckSubject::image()
{
    if (m_image)
        return &*m_image;
    if (!isImage())
        return nullptr;
    const int wanted = m_environment.profile.sampleSize;
    // Kept statistics serve when they describe this content and were sampled at least as finely.
    if (m_kept && m_kept->sha256 == m_file.digests.sha256 && !m_file.digests.sha256.isEmpty() &&
        (!m_kept->decoded() || std::max(m_kept->sampleWidth, m_kept->sampleHeight) >=
                                   std::min(wanted, std::max(m_kept->width, m_kept->height)))) {
        m_image = m_kept;
        return &*m_image;
    }
    ImageStatistics s = m_environment.analyser->analyse(m_path, wanted);
    s.fileId = m_file.id;
    s.batchId = m_file.batchId;
    s.sha256 = m_file.digests.sha256;
    if (!s.computedAt.isValid())
        s.computedAt = QDateTime::currentDateTimeUtc();
    if (!s.error.isEmpty()) {
        // Decoders name the path they read, which is the store's; the curator knows the file by its own.
        const QString display = m_environment.displayPath(m_file);
        s.error.replace(m_path, display);
        if (!s.error.contains(display))
            s.error = tr("%1 does not decode: %2").arg(display, s.error);
    }
    m_image = std::move(s);
    m_imageDecoded = true;
    return &*m_image;
}

std::optional<ImageStatistics> CheckSubject::newImageStatistics() const
{
    return m_imageDecoded ? m_image : std::nullopt;
}

// ---- Check, BatchPass, ImageAnalyser

Check::~Check() = default;

QString Check::eventType() const
{
    return QStringLiteral("validation");
}

bool Check::appliesTo(CheckSubject &) const
{
    return false;
}

void Check::checkFile(CheckSubject &, FindingSink &) const {}

std::unique_ptr<BatchPass> Check::startBatch(const CheckEnvironment &) const
{
    return nullptr;
}

void Check::gatherFacts(CheckSubject &) const {}

bool Check::readsXmlTree() const
{
    return false;
}

BatchPass::~BatchPass() = default;

void BatchPass::finish(FindingSink &) {}

ImageAnalyser::~ImageAnalyser() = default;

} // namespace gh
