#include "schemaset.h"

#include <functional>
#include <map>
#include <mutex>
#include <optional>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QMutex>
#include <QStandardPaths>
#include <QUrl>

#include <libxml/parser.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>

#include "intake/xml/safexml.h"
#include "qalogging.h"
#include "util/naturalorder.h"
#include "xmlcatalog.h"

namespace gh {

namespace {

const QString s_xsiNs = QStringLiteral("http://www.w3.org/2001/XMLSchema-instance");
constexpr int s_maxSchemaFiles = 5000;
constexpr qint64 s_probeBytes = 64 * 1024;

QString qs(const char *text)
{
    return text ? QString::fromUtf8(text).trimmed() : QString();
}

bool isNetworkLocation(const QString &location)
{
    const QUrl url(location);
    const QString scheme = url.scheme().toLower();
    // One-letter schemes are Windows drive letters, not protocols.
    return scheme.size() > 1 && scheme != u"file";
}

QString localPathOf(const QString &location)
{
    const QUrl url(location);
    if (url.isLocalFile())
        return url.toLocalFile();
    return location;
}

// The targetNamespace of the schema at path: read with libxml2's reader up to the root element only, with
// no network and no DTD loading.
std::optional<QString> targetNamespace(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray head = file.read(s_probeBytes);
    xmlTextReaderPtr reader = xmlReaderForMemory(head.constData(), int(head.size()), nullptr, nullptr,
                                                 XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!reader)
        return std::nullopt;
    xmlTextReaderSetStructuredErrorHandler(
        reader, [](void *, xmlErrorPtr) {}, nullptr);
    std::optional<QString> result;
    while (xmlTextReaderRead(reader) == 1) {
        if (xmlTextReaderNodeType(reader) != XML_READER_TYPE_ELEMENT)
            continue;
        const xmlChar *ns = xmlTextReaderConstNamespaceUri(reader);
        const xmlChar *name = xmlTextReaderConstLocalName(reader);
        if (ns && name && xmlStrEqual(ns, BAD_CAST "http://www.w3.org/2001/XMLSchema") &&
            xmlStrEqual(name, BAD_CAST "schema")) {
            xmlChar *target = xmlTextReaderGetAttribute(reader, BAD_CAST "targetNamespace");
            result = qs(reinterpret_cast<const char *>(target));
            xmlFree(target);
        }
        break;
    }
    xmlFreeTextReader(reader);
    return result;
}

struct ErrorCollector
{
    QList<SchemaSet::Problem> problems;
    int more = 0;
    int max = 20;

    void add(int line, const QString &message)
    {
        if (problems.size() >= max)
            ++more;
        else
            problems.append({line, message});
    }
};

void collectValidityError(void *user, xmlErrorPtr error)
{
    if (error && error->level >= XML_ERR_ERROR)
        static_cast<ErrorCollector *>(user)->add(error->line, qs(error->message));
}

// The resolver libxml2 consults, per thread, while a schema compiles on it, and where refused network
// locations are noted. Thread-local, so threads compiling schemas of different sets never mix.
thread_local const std::function<QString(const QString &)> *t_resolver = nullptr;
thread_local QStringList *t_refused = nullptr;

} // namespace

struct SchemaSet::Data
{
    QString location;
    bool catalogMode = false;
    std::optional<XmlCatalog> catalog;
    std::map<QString, QStringList> byNamespace; // preferred first
    QHash<QString, QString> byFileName;         // file name → path, for imports named by a network location
    QSet<QString> files;

    mutable QMutex mutex; // guards everything below
    struct Compiled
    {
        xmlSchemaPtr schema = nullptr;
        QString error;
    };
    mutable QHash<QString, Compiled> compiled;
    mutable QStringList refused;
    //! Validation contexts not in use, by schema: a thread takes one for a document and gives it back, so
    //! each thread that validates reuses one instead of making one per document.
    mutable QHash<xmlSchemaPtr, QList<xmlSchemaValidCtxtPtr>> idle;

    QString resolve(const QString &location) const;
    const Compiled &compile(const QString &schema) const;
};

namespace {

// Every external load libxml2 makes goes through here once a SchemaSet exists: while a schema compiles on
// this thread, locations go through that set's resolver; otherwise only local files load. Nothing is ever
// loaded from the network.
xmlParserInputPtr guardedLoader(const char *url, const char *id, xmlParserCtxtPtr context)
{
    const QString location = qs(url);
    if (t_resolver) {
        const QString local = (*t_resolver)(location);
        if (!local.isEmpty())
            return xmlNoNetExternalEntityLoader(QFile::encodeName(local).constData(), id, context);
        if (t_refused && !t_refused->contains(location))
            t_refused->append(location);
        return nullptr;
    }
    if (isNetworkLocation(location))
        return nullptr;
    return xmlNoNetExternalEntityLoader(url, id, context);
}

void installLoader()
{
    static std::once_flag once;
    std::call_once(once, [] {
        xmlInitParser();
        xmlSetExternalEntityLoader(guardedLoader);
    });
}

} // namespace

QString SchemaSet::Data::resolve(const QString &location) const
{
    if (catalog) {
        if (const QString hit = catalog->resolve(location); !hit.isEmpty())
            return hit;
    }
    if (!isNetworkLocation(location)) {
        const QString local = localPathOf(location);
        if (QFileInfo(local).isFile())
            return local;
    }
    // A schema of the set with the same file name: a folder of schemas stands in for their official home.
    const QString name = QUrl(location).fileName();
    return byFileName.value(name);
}

const SchemaSet::Data::Compiled &SchemaSet::Data::compile(const QString &schema) const
{
    // Callers hold the mutex.
    auto it = compiled.find(schema);
    if (it != compiled.end())
        return *it;
    Compiled result;
    ErrorCollector errors;
    errors.max = 1;
    QStringList refusedHere;
    const std::function<QString(const QString &)> resolver = [this](const QString &location) {
        return resolve(location);
    };
    const auto *previous = t_resolver;
    QStringList *previousRefused = t_refused;
    t_resolver = &resolver;
    t_refused = &refusedHere;
    xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(QFile::encodeName(schema).constData());
    if (parser) {
        xmlSchemaSetParserStructuredErrors(parser, collectValidityError, &errors);
        result.schema = xmlSchemaParse(parser);
        xmlSchemaFreeParserCtxt(parser);
    }
    t_resolver = previous;
    t_refused = previousRefused;
    for (const QString &r : std::as_const(refusedHere)) {
        if (!refused.contains(r))
            refused.append(r);
    }
    if (!result.schema) {
        QString why = errors.problems.isEmpty() ? tr("libxml2 could not compile it")
                                                : errors.problems.constFirst().message;
        if (!refusedHere.isEmpty())
            why +=
                u' ' + tr("(not available on this machine: %1)").arg(refusedHere.join(QStringLiteral(", ")));
        result.error = why;
        qCWarning(lcQa) << "schema" << schema << "does not compile:" << why;
    } else {
        qCDebug(lcQa) << "compiled schema" << schema;
    }
    return *compiled.insert(schema, result);
}

SchemaSet::SchemaSet()
    : d(std::make_unique<Data>())
{}

SchemaSet::~SchemaSet()
{
    for (const QList<xmlSchemaValidCtxtPtr> &contexts : std::as_const(d->idle)) {
        for (xmlSchemaValidCtxtPtr context : contexts)
            xmlSchemaFreeValidCtxt(context);
    }
    for (const Data::Compiled &c : std::as_const(d->compiled)) {
        if (c.schema)
            xmlSchemaFree(c.schema);
    }
}

QString SchemaSet::defaultFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/schemas");
}

QString SchemaSet::defaultLocation()
{
    const QString catalog = defaultFolder() + QStringLiteral("/catalog.xml");
    return QFileInfo(catalog).isFile() ? catalog : QString();
}

Result<std::shared_ptr<SchemaSet>> SchemaSet::open(const QString &location)
{
    installLoader();
    const QFileInfo info(location);
    if (!info.exists())
        return Error{ErrorCode::NotFound,
                     tr("The schema location %1 does not exist.").arg(QDir::toNativeSeparators(location))};
    std::shared_ptr<SchemaSet> set(new SchemaSet);
    Data &d = *set->d;
    d.location = info.absoluteFilePath();
    QStringList candidates;
    if (info.isDir()) {
        QDirIterator it(d.location, {QStringLiteral("*.xsd")}, QDir::Files | QDir::Readable,
                        QDirIterator::Subdirectories | QDirIterator::FollowSymlinks);
        while (it.hasNext() && candidates.size() < s_maxSchemaFiles)
            candidates.append(it.next());
    } else {
        auto catalog = XmlCatalog::load(d.location);
        if (!catalog)
            return catalog.error();
        for (const QString &warning : catalog->warnings())
            qCWarning(lcQa) << warning;
        candidates = catalog->targets();
        d.catalog = std::move(*catalog);
        d.catalogMode = true;
    }
    std::sort(candidates.begin(), candidates.end(), [](const QString &a, const QString &b) {
        return naturalLess(QFileInfo(b).fileName(), QFileInfo(a).fileName());
    });
    for (const QString &path : std::as_const(candidates)) {
        const std::optional<QString> ns = targetNamespace(path);
        if (!ns)
            continue;
        d.files.insert(path);
        d.byNamespace[*ns].append(path);
        const QString name = QFileInfo(path).fileName();
        if (!d.byFileName.contains(name))
            d.byFileName.insert(name, path);
    }
    if (d.files.isEmpty())
        return Error{
            ErrorCode::NotFound,
            d.catalogMode
                ? tr("The XML catalog %1 maps to no schema on this machine.")
                      .arg(QDir::toNativeSeparators(d.location))
                : tr("The folder %1 holds no XML schema (.xsd).").arg(QDir::toNativeSeparators(d.location))};
    return set;
}

QString SchemaSet::location() const
{
    return d->location;
}

bool SchemaSet::isCatalog() const
{
    return d->catalogMode;
}

QStringList SchemaSet::namespaces() const
{
    QStringList result;
    for (const auto &[ns, files] : d->byNamespace)
        result.append(ns);
    return result;
}

QStringList SchemaSet::schemasFor(const QString &namespaceUri) const
{
    const auto it = d->byNamespace.find(namespaceUri);
    return it == d->byNamespace.end() ? QStringList() : it->second;
}

QString SchemaSet::schemaFor(const QString &namespaceUri, const QString &schemaLocation) const
{
    const QStringList candidates = schemasFor(namespaceUri);
    if (candidates.isEmpty())
        return {};
    // The document's own hint wins when it names a schema of this set for its namespace.
    const QStringList hints = schemaLocation.simplified().split(u' ', Qt::SkipEmptyParts);
    for (qsizetype i = 0; i + 1 < hints.size(); i += 2) {
        if (hints[i] != namespaceUri)
            continue;
        const QString hinted = d->resolve(hints[i + 1]);
        if (candidates.contains(hinted))
            return hinted;
        break;
    }
    return candidates.constFirst();
}

namespace {

//! A validation context of one schema, taken from the set's idle ones (or made) and given back when the
//! validation went through; one that saw a refused or broken document is freed instead.
class ContextLease
{
public:
    ContextLease(QMutex &mutex, QHash<xmlSchemaPtr, QList<xmlSchemaValidCtxtPtr>> &idle, xmlSchemaPtr schema)
        : m_mutex(mutex)
        , m_idle(idle)
        , m_schema(schema)
    {
        {
            QMutexLocker lock(&m_mutex);
            QList<xmlSchemaValidCtxtPtr> &contexts = m_idle[schema];
            if (!contexts.isEmpty())
                m_context = contexts.takeLast();
        }
        if (!m_context)
            m_context = xmlSchemaNewValidCtxt(schema);
    }
    ~ContextLease()
    {
        if (!m_context)
            return;
        if (!m_giveBack) {
            xmlSchemaFreeValidCtxt(m_context);
            return;
        }
        QMutexLocker lock(&m_mutex);
        m_idle[m_schema].append(m_context);
    }
    ContextLease(const ContextLease &) = delete;
    ContextLease &operator=(const ContextLease &) = delete;

    xmlSchemaValidCtxtPtr get() const { return m_context; }
    void giveBack() { m_giveBack = true; }

private:
    QMutex &m_mutex;
    QHash<xmlSchemaPtr, QList<xmlSchemaValidCtxtPtr>> &m_idle;
    xmlSchemaPtr m_schema;
    xmlSchemaValidCtxtPtr m_context = nullptr;
    bool m_giveBack = false;
};

void finishValidation(SchemaSet::Validation &v, bool valid, const ErrorCollector &errors, int code)
{
    v.problems = errors.problems;
    v.moreProblems = errors.more;
    if (valid) {
        v.outcome = SchemaSet::Outcome::Valid;
        return;
    }
    v.outcome = SchemaSet::Outcome::Invalid;
    if (v.problems.isEmpty())
        v.problems.append(
            {0,
             SchemaSet::tr("libxml2 reports the document invalid without saying why (code %1)").arg(code)});
}

} // namespace

SchemaSet::Validation SchemaSet::validate(const XmlDocument &document, int maxProblems) const
{
    Validation v;
    const XmlElement root = document.root();
    v.namespaceUri = root.namespaceUri();
    v.schema = schemaFor(v.namespaceUri, root.attribute(s_xsiNs, QStringLiteral("schemaLocation")));
    if (v.schema.isEmpty()) {
        v.outcome = Outcome::NoSchema;
        return v;
    }

    xmlSchemaPtr schema = nullptr;
    {
        QMutexLocker lock(&d->mutex);
        schema = d->compile(v.schema).schema;
    }
    if (!schema) {
        v.outcome = Outcome::SchemaBroken;
        return v;
    }
    ContextLease context(d->mutex, d->idle, schema);
    if (!context.get()) {
        v.outcome = Outcome::SchemaBroken;
        return v;
    }
    ErrorCollector errors;
    errors.max = maxProblems;
    xmlSchemaSetValidStructuredErrors(context.get(), collectValidityError, &errors);
    const int result = xmlSchemaValidateDoc(context.get(), document.handle());
    if (result >= 0)
        context.giveBack();
    finishValidation(v, result == 0, errors, result);
    return v;
}

Result<SchemaSet::Validation> SchemaSet::validate(const QByteArray &data, const QString &fileName,
                                                  int maxProblems) const
{
    // The root element's namespace and schema hint pick the schema before the stream starts.
    const XmlProbe root = XmlDocument::probe(data);
    if (root.localName.isEmpty()) {
        // A DOCTYPE (or something odd) before the root element: the stream says whether the document is
        // refused or malformed; one that is neither is validated the tree way.
        const XmlStreamed streamed = XmlDocument::stream(data, fileName);
        if (!streamed.parsed)
            return streamed.parsed.error();
        auto document = XmlDocument::parse(data, fileName);
        if (!document)
            return document.error();
        return validate(*document, maxProblems);
    }

    Validation v;
    v.namespaceUri = root.ns;
    v.schema = schemaFor(root.ns, root.schemaLocation);
    xmlSchemaPtr schema = nullptr;
    if (!v.schema.isEmpty()) {
        QMutexLocker lock(&d->mutex);
        schema = d->compile(v.schema).schema;
    }
    if (!schema) {
        // Nothing to validate against: the document is still read whole, for whether it is well-formed.
        v.outcome = v.schema.isEmpty() ? Outcome::NoSchema : Outcome::SchemaBroken;
        const XmlStreamed streamed = XmlDocument::stream(data, fileName);
        if (!streamed.parsed)
            return streamed.parsed.error();
        return v;
    }

    ErrorCollector errors;
    errors.max = maxProblems;
    ContextLease context(d->mutex, d->idle, schema);
    XmlStreamValidation validation;
    validation.schema = schema;
    validation.context = context.get();
    validation.invalid = [&errors](int line, const QString &message) { errors.add(line, message); };
    const XmlStreamed streamed = XmlDocument::stream(data, fileName, &validation);
    if (!streamed.parsed)
        return streamed.parsed.error();
    context.giveBack();
    finishValidation(v, validation.valid, errors, 1);
    return v;
}

Status SchemaSet::compileAll() const
{
    QStringList all(d->files.cbegin(), d->files.cend());
    std::sort(all.begin(), all.end());
    QMutexLocker lock(&d->mutex);
    for (const QString &schema : std::as_const(all)) {
        const Data::Compiled &compiled = d->compile(schema);
        if (!compiled.schema)
            return Error{ErrorCode::Invalid, tr("the schema %1 cannot be compiled: %2")
                                                 .arg(QDir::toNativeSeparators(schema), compiled.error)};
    }
    return {};
}

QString SchemaSet::compileError(const QString &schema) const
{
    QMutexLocker lock(&d->mutex);
    return d->compiled.value(schema).error;
}

QStringList SchemaSet::refusedLocations() const
{
    QMutexLocker lock(&d->mutex);
    return d->refused;
}

} // namespace gh
