#include "iiifingester.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QMimeDatabase>
#include <QRegularExpression>

#include "intake/remote/remotefetcher.h"
#include "intake/xml/manifestfiles.h"

namespace gh {

namespace {

constexpr qint64 s_maxManifestBytes = 256 * 1024 * 1024;
constexpr int s_maxDepth = 8;

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

//! "id" in v3, "@id" in v2 — and producers mix them up, so take whichever is there.
QString idOf(const QJsonObject &o)
{
    const QString id = str(o, "id");
    return id.isEmpty() ? str(o, "@id") : id;
}

//! "Manifest", "Collection", "Canvas", "Image", … with v2's "sc:", "oa:" and "dctypes:" prefixes removed.
QString typeOf(const QJsonObject &o)
{
    QString type = str(o, "type");
    if (type.isEmpty())
        type = str(o, "@type");
    const qsizetype colon = type.indexOf(u':');
    return colon >= 0 ? type.mid(colon + 1) : type;
}

QJsonArray asArray(const QJsonValue &value)
{
    if (value.isArray())
        return value.toArray();
    if (value.isUndefined() || value.isNull())
        return {};
    return QJsonArray{value};
}

//! The first object of an array (or the object itself); empty when there is none.
QJsonObject firstObject(const QJsonValue &value)
{
    const QJsonArray array = asArray(value);
    return array.isEmpty() ? QJsonObject() : array.at(0).toObject();
}

QString contextText(const QJsonValue &context)
{
    QStringList parts;
    for (const QJsonValue &v : asArray(context))
        parts.append(v.toString());
    return parts.join(u' ');
}

int presentationVersion(const QJsonObject &o)
{
    const QString context = contextText(o.value(QStringLiteral("@context")));
    if (context.contains(u"iiif.io/api/presentation/3"))
        return 3;
    if (context.contains(u"iiif.io/api/presentation/2"))
        return 2;
    return 0;
}

QString lineAndColumn(const QByteArray &json, int offset)
{
    const QByteArray before = json.left(offset);
    const int line = int(before.count('\n')) + 1;
    const int lastNewline = int(before.lastIndexOf('\n'));
    // Columns count characters, not bytes, so a curator's editor shows the same position.
    const int column = int(QString::fromUtf8(before.mid(lastNewline + 1)).size()) + 1;
    return IiifReader::tr("line %1, column %2").arg(line).arg(column);
}

QString extensionFor(const QString &format, const QString &url)
{
    if (!format.isEmpty()) {
        const QMimeType type = QMimeDatabase().mimeTypeForName(format);
        if (type.isValid() && !type.preferredSuffix().isEmpty())
            return type.preferredSuffix();
    }
    static const QRegularExpression suffix(QStringLiteral("\\.([A-Za-z0-9]{2,5})$"));
    const QRegularExpressionMatch m = suffix.match(QUrl(url).path());
    return m.hasMatch() ? m.captured(1).toLower() : QString();
}

int profileLevel(const QJsonValue &profile)
{
    static const QRegularExpression level(QStringLiteral("level([0-2])"));
    for (const QJsonValue &entry : asArray(profile)) {
        const QRegularExpressionMatch m = level.match(entry.toString());
        if (m.hasMatch())
            return m.captured(1).toInt();
    }
    return -1;
}

//! A v2 profile description that shows a 2.1 service: the max* limits came with 2.1, as did the "max" size,
//! and some servers list "max" among their features.
bool profileSaysMax(const QJsonValue &profile)
{
    for (const QJsonValue &entry : asArray(profile)) {
        const QJsonObject description = entry.toObject();
        if (description.contains(QStringLiteral("maxWidth")) ||
            description.contains(QStringLiteral("maxHeight")) ||
            description.contains(QStringLiteral("maxArea")))
            return true;
        if (description.value(QStringLiteral("supports")).toArray().contains(QStringLiteral("max")))
            return true;
    }
    return false;
}

} // namespace

IiifReader::IiifReader(IntakeContext &context, QStringList preferredLanguages)
    : m_context(context)
    , m_languages(preferredLanguages.isEmpty() ? defaultLanguages() : std::move(preferredLanguages))
{}

IiifReader::~IiifReader() = default;

Status IiifReader::addItem(ItemDraft item)
{
    ++m_added;
    return m_context.sink.add(std::move(item));
}

QStringList IiifReader::defaultLanguages()
{
    QStringList languages;
    for (const QString &ui : QLocale().uiLanguages()) {
        if (ui == u"C")
            continue;
        if (!languages.contains(ui))
            languages.append(ui);
        const QString primary = ui.section(u'-', 0, 0);
        if (!languages.contains(primary))
            languages.append(primary);
    }
    for (const char *fallback : {"en", "none", "@none"}) {
        if (!languages.contains(QLatin1String(fallback)))
            languages.append(QString::fromLatin1(fallback));
    }
    return languages;
}

namespace {

//! The language-tagged texts of a value, in the value's own order.
QList<std::pair<QString, QStringList>> languageEntries(const QJsonValue &value)
{
    QList<std::pair<QString, QStringList>> entries;
    auto add = [&](const QString &language, const QString &text) {
        if (text.isEmpty())
            return;
        for (auto &entry : entries) {
            if (entry.first == language) {
                entry.second.append(text);
                return;
            }
        }
        entries.append({language, {text}});
    };
    if (value.isString()) {
        add(QStringLiteral("none"), value.toString());
    } else if (value.isArray()) {
        for (const QJsonValue &v : value.toArray()) {
            if (v.isString())
                add(QStringLiteral("none"), v.toString());
            else if (v.isObject()) {
                const QJsonObject o = v.toObject();
                const QString language = str(o, "@language");
                add(language.isEmpty() ? QStringLiteral("none") : language, str(o, "@value"));
            }
        }
    } else if (value.isObject()) {
        const QJsonObject o = value.toObject();
        if (o.contains(QStringLiteral("@value"))) {
            const QString language = str(o, "@language");
            add(language.isEmpty() ? QStringLiteral("none") : language, str(o, "@value"));
        } else {
            for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
                const QString language = it.key() == u"@none" ? QStringLiteral("none") : it.key();
                for (const QJsonValue &text : asArray(it.value()))
                    add(language, text.isString() ? text.toString() : QString::number(text.toDouble()));
            }
        }
    }
    return entries;
}

} // namespace

QString IiifReader::flatten(const QJsonValue &value, const QStringList &languages)
{
    const auto entries = languageEntries(value);
    if (entries.isEmpty())
        return {};
    const QString separator = QStringLiteral("; ");
    for (const QString &preferred : languages) {
        const QString wanted = preferred == u"@none" ? QStringLiteral("none") : preferred;
        for (const auto &entry : entries) {
            if (entry.first.compare(wanted, Qt::CaseInsensitive) == 0)
                return entry.second.join(separator);
        }
        for (const auto &entry : entries) {
            if (entry.first.startsWith(wanted + u'-', Qt::CaseInsensitive))
                return entry.second.join(separator);
        }
    }
    return entries.first().second.join(separator);
}

QJsonObject IiifReader::languages(const QJsonValue &value)
{
    const auto entries = languageEntries(value);
    QJsonObject all;
    if (entries.size() < 2)
        return all;
    for (const auto &entry : entries)
        all.insert(entry.first, entry.second.join(QStringLiteral("; ")));
    return all;
}

QString IiifReader::fullImageUrl(const QJsonValue &service)
{
    for (const QJsonValue &entry : asArray(service)) {
        const QJsonObject s = entry.toObject();
        const QString type = typeOf(s);
        const QString context = contextText(s.value(QStringLiteral("@context")));
        const QString profile = contextText(s.value(QStringLiteral("profile")));
        QString id = idOf(s);
        while (id.endsWith(u'/'))
            id.chop(1);
        if (id.isEmpty())
            continue;
        if (type == u"ImageService3" || context.contains(u"iiif.io/api/image/3"))
            return id + QStringLiteral("/full/max/0/default.jpg");
        if (type == u"ImageService2" || context.contains(u"iiif.io/api/image/2") ||
            profile.contains(u"iiif.io/api/image/2/")) {
            // "max" is 2.1's; a 2.0 server answers only "full". Ask for max where the profile shows it is
            // understood (and needed: a service with max* limits may refuse "full" above them).
            const bool max = profileLevel(s.value(QStringLiteral("profile"))) >= 2 &&
                             profileSaysMax(s.value(QStringLiteral("profile")));
            return id + (max ? QStringLiteral("/full/max/0/default.jpg")
                             : QStringLiteral("/full/full/0/default.jpg"));
        }
        if (type == u"ImageService1" || context.contains(u"iiif.io/api/image/1") ||
            profile.contains(u"library.stanford.edu/iiif/image-api") ||
            profile.contains(u"iiif.io/api/image/1/"))
            return id + QStringLiteral("/full/full/0/native.jpg");
    }
    return {};
}

QString IiifReader::name(const QUrl &url) const
{
    return url.isLocalFile() ? QDir::toNativeSeparators(url.toLocalFile()) : url.toString();
}

Status IiifReader::ingestJson(const QByteArray &json, const QUrl &base)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError) {
        if (error.error == QJsonParseError::GarbageAtEnd) {
            const qsizetype newline = json.indexOf('\n');
            if (newline > 0 && QJsonDocument::fromJson(json.left(newline)).isObject()) {
                return Error{ErrorCode::Unsupported,
                             tr("%1 holds one JSON document per line, not a IIIF manifest.").arg(name(base))};
            }
        }
        return Error{ErrorCode::Invalid,
                     tr("%1 is not valid JSON: %2: %3.")
                         .arg(name(base), lineAndColumn(json, error.offset), error.errorString())};
    }
    if (!document.isObject()) {
        return Error{ErrorCode::Invalid,
                     tr("%1 is not a IIIF manifest or collection: it is not a JSON object.").arg(name(base))};
    }
    const QJsonObject object = document.object();
    const int version = presentationVersion(object);
    const QString type = typeOf(object);
    m_context.trace.offerLabel(flatten(object.value(QStringLiteral("label")), m_languages));
    m_visited.insert(base.toString());
    m_warnings.clear();
    if (Status s = ingestObject(object, base, 0, QString(), version); !s)
        return s;

    QString decision = tr("Read %1 as a IIIF Presentation %2 %3: %4 manifests with %5 canvases.")
                           .arg(name(base))
                           .arg(version)
                           .arg(type == u"Collection" ? tr("collection") : tr("manifest"))
                           .arg(m_manifests)
                           .arg(m_canvases);
    if (m_fetched > 0)
        decision += u' ' + tr("%1 member manifests or collections were downloaded.").arg(m_fetched);
    if (m_fetchFailed > 0) {
        m_warnings.prepend(tr("%1 collection members could not be read; each is recorded as an item whose "
                              "file says why.")
                               .arg(m_fetchFailed));
    }
    if (m_readBeside > 0)
        decision +=
            u' ' + tr("%1 member manifests were read from files beside the collection.").arg(m_readBeside);
    if (m_toFetch > 0) {
        m_warnings.prepend(
            tr("%1 collection member manifests must be fetched before their canvases are known; "
               "each is recorded as an item with its manifest URL.")
                .arg(m_toFetch));
    }
    m_context.trace.add(QStringLiteral("manifest"), decision, m_warnings);
    return {};
}

Status IiifReader::ingestObject(const QJsonObject &object, const QUrl &base, int depth,
                                const QString &collection, int inheritedVersion)
{
    if (m_context.options.cancelled())
        return Error{ErrorCode::Cancelled, tr("Loading %1 was cancelled.").arg(name(base))};
    const int own = presentationVersion(object);
    const int version = own ? own : inheritedVersion;
    if (!version) {
        return Error{ErrorCode::Invalid,
                     tr("%1 is not a IIIF Presentation 2 or 3 document: its @context names "
                        "neither version.")
                         .arg(name(base))};
    }
    const QString type = typeOf(object);
    if (type == u"Manifest")
        return ingestManifest(object, version, base, collection);
    if (type == u"Collection")
        return ingestCollection(object, version, base, depth);
    return Error{
        ErrorCode::Invalid,
        tr("%1 is neither a IIIF manifest nor a collection (its type is \"%2\").").arg(name(base), type)};
}

QJsonObject IiifReader::manifestMetadata(const QJsonObject &manifest, int version) const
{
    QJsonObject m;
    m.insert(QStringLiteral("iiif_version"), version);
    if (const QString id = idOf(manifest); !id.isEmpty())
        m.insert(QStringLiteral("manifest"), id);
    auto put = [&](const QString &key, const QJsonValue &value) {
        const QString text = flatten(value, m_languages);
        if (text.isEmpty())
            return;
        m.insert(key, text);
        if (const QJsonObject all = languages(value); !all.isEmpty())
            m.insert(key + QStringLiteral("_languages"), all);
    };
    put(QStringLiteral("label"), manifest.value(QStringLiteral("label")));
    put(QStringLiteral("summary"),
        manifest.value(version >= 3 ? QStringLiteral("summary") : QStringLiteral("description")));

    QJsonArray pairs;
    for (const QJsonValue &entry : manifest.value(QStringLiteral("metadata")).toArray()) {
        const QJsonObject o = entry.toObject();
        QJsonObject pair{{QStringLiteral("label"), flatten(o.value(QStringLiteral("label")), m_languages)},
                         {QStringLiteral("value"), flatten(o.value(QStringLiteral("value")), m_languages)}};
        if (const QJsonObject all = languages(o.value(QStringLiteral("value"))); !all.isEmpty())
            pair.insert(QStringLiteral("value_languages"), all);
        pairs.append(pair);
    }
    if (!pairs.isEmpty())
        m.insert(QStringLiteral("metadata"), pairs);

    if (version >= 3) {
        if (const QString rights = str(manifest, "rights"); !rights.isEmpty())
            m.insert(QStringLiteral("rights"), rights);
        const QJsonObject statement = manifest.value(QStringLiteral("requiredStatement")).toObject();
        if (!statement.isEmpty()) {
            m.insert(QStringLiteral("required_statement"),
                     QJsonObject{{QStringLiteral("label"),
                                  flatten(statement.value(QStringLiteral("label")), m_languages)},
                                 {QStringLiteral("value"),
                                  flatten(statement.value(QStringLiteral("value")), m_languages)}});
        }
    } else {
        QStringList licenses;
        for (const QJsonValue &license : asArray(manifest.value(QStringLiteral("license"))))
            licenses.append(license.isObject() ? idOf(license.toObject()) : license.toString());
        licenses.removeAll(QString());
        if (!licenses.isEmpty())
            m.insert(QStringLiteral("rights"), licenses.join(QStringLiteral("; ")));
        const QString attribution = flatten(manifest.value(QStringLiteral("attribution")), m_languages);
        if (!attribution.isEmpty()) {
            m.insert(QStringLiteral("required_statement"),
                     QJsonObject{{QStringLiteral("label"), tr("Attribution")},
                                 {QStringLiteral("value"), attribution}});
        }
    }
    if (const QString navDate = str(manifest, "navDate"); !navDate.isEmpty())
        m.insert(QStringLiteral("nav_date"), navDate);
    return m;
}

FileDraft IiifReader::canvasFile(const QJsonObject &canvas, int version, int index,
                                 QSet<QString> &names) const
{
    FileDraft file;
    const QString label = flatten(canvas.value(QStringLiteral("label")), m_languages);
    const QString fallback = QStringLiteral("canvas-%1").arg(index, 4, 10, QChar(u'0'));

    QJsonObject body;
    if (version >= 3) {
        for (const QJsonValue &page : canvas.value(QStringLiteral("items")).toArray()) {
            for (const QJsonValue &annotation : page.toObject().value(QStringLiteral("items")).toArray()) {
                const QJsonObject a = annotation.toObject();
                const QString motivation = contextText(a.value(QStringLiteral("motivation")));
                if (!motivation.isEmpty() && !motivation.contains(u"painting"))
                    continue;
                body = firstObject(a.value(QStringLiteral("body")));
                if (typeOf(body) == u"Choice")
                    body = firstObject(body.value(QStringLiteral("items")));
                if (!body.isEmpty())
                    break;
            }
            if (!body.isEmpty())
                break;
        }
    } else {
        for (const QJsonValue &image : canvas.value(QStringLiteral("images")).toArray()) {
            body = image.toObject().value(QStringLiteral("resource")).toObject();
            if (typeOf(body) == u"Choice") {
                const QJsonObject choice = body;
                body = choice.value(QStringLiteral("default")).toObject();
                if (body.isEmpty())
                    body = firstObject(choice.value(QStringLiteral("item")));
            }
            if (!body.isEmpty())
                break;
        }
    }

    const QString canvasName = label.isEmpty() ? QString::number(index) : label;
    if (body.isEmpty()) {
        const QString stem = sanitizeFileName(label);
        file.name = uniqueFileName(stem.isEmpty() ? fallback : stem, names);
        file.status = FileStatus::Unsupported;
        file.error =
            tr("Canvas %1 (%2) has no image, sound or video to download.").arg(canvasName, idOf(canvas));
        return file;
    }
    const QString type = typeOf(body);
    const bool image = type.isEmpty() || type == u"Image";
    const QString serviceUrl = image ? fullImageUrl(body.value(QStringLiteral("service"))) : QString();
    const QString url = serviceUrl.isEmpty() ? idOf(body) : serviceUrl;
    const QString format = serviceUrl.isEmpty() ? str(body, "format") : QStringLiteral("image/jpeg");
    const QString extension = serviceUrl.isEmpty() ? extensionFor(format, url) : QStringLiteral("jpg");

    QString base = sanitizeFileName(label);
    if (base.isEmpty())
        base = fallback;
    if (!extension.isEmpty() && !base.endsWith(u'.' + extension, Qt::CaseInsensitive))
        base += u'.' + extension;
    file.name = uniqueFileName(base, names);
    file.declaredMimetype = format;

    const QUrl resolved = QUrl(url);
    if (url.isEmpty()) {
        file.status = FileStatus::Unsupported;
        file.error = tr("The content of canvas %1 (%2) has no id to download.").arg(canvasName, idOf(canvas));
    } else if (resolved.scheme() == u"http" || resolved.scheme() == u"https") {
        file.sourceUrl = resolved.toString(QUrl::FullyEncoded);
    } else {
        file.status = FileStatus::Unsupported;
        file.error = tr("The content of canvas %1 is at %2, which Gatehouse cannot download (only http and "
                        "https).")
                         .arg(canvasName, url);
    }
    return file;
}

Status IiifReader::ingestManifest(const QJsonObject &manifest, int version, const QUrl &base,
                                  const QString &collection)
{
    ItemDraft item;
    const QString id = idOf(manifest);
    item.identifier = id.isEmpty() ? name(base) : id;
    item.metadata = manifestMetadata(manifest, version);
    if (!collection.isEmpty())
        item.metadata.insert(QStringLiteral("collection"), collection);
    item.label = item.metadata.value(QStringLiteral("label")).toString();
    if (item.label.isEmpty())
        item.label = item.identifier;

    QJsonArray canvases;
    if (version >= 3) {
        for (const QJsonValue &entry : manifest.value(QStringLiteral("items")).toArray()) {
            if (typeOf(entry.toObject()) == u"Canvas")
                canvases.append(entry);
        }
    } else {
        const QJsonArray sequences = manifest.value(QStringLiteral("sequences")).toArray();
        if (sequences.size() > 1) {
            m_warnings.append(tr("%1 has %2 sequences; only the first is read.")
                                  .arg(item.identifier)
                                  .arg(sequences.size()));
        }
        canvases = firstObject(sequences).value(QStringLiteral("canvases")).toArray();
    }
    if (canvases.isEmpty())
        m_warnings.append(tr("The manifest %1 has no canvases.").arg(item.identifier));

    QSet<QString> names;
    int index = 0;
    for (const QJsonValue &canvas : std::as_const(canvases)) {
        FileDraft file = canvasFile(canvas.toObject(), version, ++index, names);
        if (file.status != FileStatus::Pending)
            m_warnings.append(file.error);
        item.files.append(file);
    }
    ++m_manifests;
    m_canvases += canvases.size();
    return addItem(std::move(item));
}

Status IiifReader::ingestCollection(const QJsonObject &collection, int version, const QUrl &base, int depth)
{
    if (depth >= s_maxDepth) {
        return Error{ErrorCode::LimitExceeded,
                     tr("%1 nests collections more than %2 levels deep.").arg(name(base)).arg(s_maxDepth)};
    }
    const QString collectionId = idOf(collection).isEmpty() ? name(base) : idOf(collection);
    QJsonArray members;
    if (version >= 3) {
        members = collection.value(QStringLiteral("items")).toArray();
    } else {
        for (const char *key : {"collections", "manifests", "members"}) {
            for (const QJsonValue &member : collection.value(QLatin1String(key)).toArray())
                members.append(member);
        }
    }
    if (members.isEmpty())
        m_warnings.append(tr("The collection %1 has no members.").arg(collectionId));
    for (const QJsonValue &entry : std::as_const(members)) {
        const QJsonObject member = entry.toObject();
        const QString type = typeOf(member);
        const bool embedded =
            member.contains(QStringLiteral("sequences")) ||
            (type == u"Manifest" && version >= 3 && member.contains(QStringLiteral("items"))) ||
            (type == u"Collection" &&
             (member.contains(QStringLiteral("items")) || member.contains(QStringLiteral("manifests")) ||
              member.contains(QStringLiteral("collections")) || member.contains(QStringLiteral("members"))));
        Status s = embedded ? ingestObject(member, base, depth + 1, collectionId, version)
                            : referencedMember(member, base, depth, collectionId);
        if (!s)
            return s;
    }
    return {};
}

Status IiifReader::referencedMember(const QJsonObject &member, const QUrl &base, int depth,
                                    const QString &collection)
{
    const QString id = idOf(member);
    const QUrl url = base.resolved(QUrl(id));
    const QString label = flatten(member.value(QStringLiteral("label")), m_languages);

    ItemDraft item;
    item.identifier = id.isEmpty() ? collection + u'#' + QString::number(m_manifests + 1) : url.toString();
    item.label = label.isEmpty() ? item.identifier : label;
    item.metadata.insert(QStringLiteral("manifest"), item.identifier);
    item.metadata.insert(QStringLiteral("collection"), collection);
    if (!label.isEmpty())
        item.metadata.insert(QStringLiteral("label"), label);
    FileDraft file;
    const QString stem = sanitizeFileName(label);
    file.name = (stem.isEmpty() ? QStringLiteral("manifest") : stem) + QStringLiteral(".json");

    // A manifest beside a local collection is read now; anything else waits for the transfer engine.
    if (base.isLocalFile() && url.isLocalFile() && !id.isEmpty()) {
        const QString path = QDir::cleanPath(url.toLocalFile());
        const QString folder = QFileInfo(base.toLocalFile()).absolutePath();
        const QString canonical = QFileInfo(path).canonicalFilePath();
        const QString canonicalFolder = QFileInfo(folder).canonicalFilePath();
        if (!canonical.isEmpty() && canonical.startsWith(canonicalFolder + u'/') &&
            !m_visited.contains(url.toString())) {
            m_visited.insert(url.toString());
            QFile f(path);
            if (f.size() <= s_maxManifestBytes && f.open(QIODevice::ReadOnly)) {
                const QByteArray json = f.readAll();
                QJsonParseError error;
                const QJsonDocument document = QJsonDocument::fromJson(json, &error);
                if (error.error == QJsonParseError::NoError && document.isObject()) {
                    ++m_readBeside;
                    return ingestObject(document.object(), url, depth + 1, collection, 0);
                }
                file.sourcePath = path;
                file.status = FileStatus::Unsupported;
                file.error = error.error != QJsonParseError::NoError
                                 ? tr("The collection member %1 is not valid JSON: %2: %3.")
                                       .arg(QDir::toNativeSeparators(path), lineAndColumn(json, error.offset),
                                            error.errorString())
                                 : tr("The collection member %1 is not a JSON object.")
                                       .arg(QDir::toNativeSeparators(path));
                m_warnings.append(file.error);
                item.files.append(file);
                return addItem(std::move(item));
            }
        }
        if (canonical.isEmpty()) {
            file.sourcePath = path;
            file.status = FileStatus::Missing;
            file.error = tr("The collection %1 lists the manifest %2, which does not exist.")
                             .arg(name(base), QDir::toNativeSeparators(path));
            m_warnings.append(file.error);
            item.files.append(file);
            return addItem(std::move(item));
        }
        if (!canonical.startsWith(canonicalFolder + u'/')) {
            file.status = FileStatus::UnsafePath;
            file.error = tr("The collection %1 lists the manifest %2, outside its folder; it was not read.")
                             .arg(name(base), QDir::toNativeSeparators(path));
            m_warnings.append(file.error);
            item.files.append(file);
            return addItem(std::move(item));
        }
        m_warnings.append(
            tr("The collection %1 lists the manifest %2 more than once.").arg(name(base), path));
        return {};
    }

    file.sourceUrl = url.toString(QUrl::FullyEncoded);
    const bool remote = url.scheme() == u"http" || url.scheme() == u"https";
    if (remote && !id.isEmpty() && m_context.options.fetchRemoteManifests)
        return fetchMember(url, depth, collection, std::move(item), std::move(file));

    file.status = FileStatus::Unsupported;
    file.error =
        tr("Collection member manifests must be fetched: %1 has not been downloaded yet, so its canvases "
           "are unknown.")
            .arg(url.toString());
    item.files.append(file);
    ++m_toFetch;
    return addItem(std::move(item));
}

Status IiifReader::fetchMember(const QUrl &url, int depth, const QString &collection, ItemDraft item,
                               FileDraft file)
{
    const QString key = url.adjusted(QUrl::RemoveFragment).toString(QUrl::FullyEncoded);
    if (m_visited.contains(key)) {
        // A collection that lists itself, or two collections that list each other, would never end.
        m_warnings.append(tr("The collection %1 lists %2, which was already read; it is not read again.")
                              .arg(collection, key));
        return {};
    }
    m_visited.insert(key);
    if (m_fetched + m_fetchFailed >= m_context.options.maxRemoteManifests) {
        // Past the limit, members are recorded without a trace step each: a runaway collection must not
        // make the trace as long as itself.
        file.status = FileStatus::LimitExceeded;
        file.error = tr("The collection %1 lists more than %2 member manifests to download; %3 was not "
                        "downloaded.")
                         .arg(collection)
                         .arg(m_context.options.maxRemoteManifests)
                         .arg(url.toString());
        if (m_overLimit++ == 0)
            m_warnings.append(file.error);
        item.files.append(file);
        return addItem(std::move(item));
    }
    if (!m_fetcher)
        m_fetcher = std::make_unique<RemoteFetcher>(m_context.options);

    // Whatever goes wrong with one member is that member's: the collection's other members still load.
    auto recordFailure = [&](FileStatus status, const QString &message) {
        file.status = status;
        file.error = message;
        m_warnings.append(message);
        m_context.trace.add(QStringLiteral("fetch"),
                            tr("The collection member %1 was not loaded.").arg(url.toString()), {message});
        ++m_fetchFailed;
        item.files.append(file);
        return addItem(std::move(item));
    };
    const auto fetched = m_fetcher->fetch(url, s_maxManifestBytes);
    if (!fetched) {
        if (fetched.error().code == ErrorCode::Cancelled)
            return fetched.error();
        return recordFailure(m_fetcher->lastStatus(),
                             tr("The collection member manifest %1 could not be read: %2")
                                 .arg(url.toString(), fetched.error().message));
    }
    const auto &[info, json] = *fetched;
    // Every download is in the trace, so the curator sees what intake read from where.
    QString fetchedDecision =
        tr("Downloaded the collection member %1 (%2 bytes).").arg(url.toString()).arg(info.size);
    if (info.finalUrl.isValid() && info.finalUrl != url)
        fetchedDecision += u' ' + tr("It was redirected to %1.").arg(info.finalUrl.toString());
    m_context.trace.add(QStringLiteral("fetch"), fetchedDecision);
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError) {
        return recordFailure(
            FileStatus::Unsupported,
            tr("The collection member %1 is not valid JSON: %2: %3.")
                .arg(url.toString(), lineAndColumn(json, error.offset), error.errorString()));
    }
    if (!document.isObject()) {
        return recordFailure(FileStatus::Unsupported,
                             tr("The collection member %1 is not a JSON object.").arg(url.toString()));
    }
    // Relative references inside the member resolve against where it was finally served from.
    const QUrl base = info.finalUrl.isValid() ? info.finalUrl : url;
    if (info.finalUrl.isValid() && info.finalUrl != url)
        m_visited.insert(info.finalUrl.adjusted(QUrl::RemoveFragment).toString(QUrl::FullyEncoded));
    const qint64 mark = m_added;
    ++m_fetched;
    const Status s = ingestObject(document.object(), base, depth + 1, collection, 0);
    if (s || m_added != mark)
        return s;
    // Not a manifest or collection, or nested too deep: recorded, as long as nothing of it was added.
    if (s.error().code != ErrorCode::Invalid && s.error().code != ErrorCode::LimitExceeded)
        return s;
    --m_fetched;
    return recordFailure(s.error().code == ErrorCode::LimitExceeded ? FileStatus::LimitExceeded
                                                                    : FileStatus::Unsupported,
                         s.error().message);
}

Status ingestManifestJson(const QByteArray &json, const QUrl &base, IntakeContext &context)
{
    IiifReader reader(context);
    return reader.ingestJson(json, base);
}

bool IiifIngester::recognise(const Document &document) const
{
    const QByteArray head = document.head.trimmed();
    if (!head.startsWith('{'))
        return false;
    // Some serialisers escape slashes ("http:\/\/iiif.io\/…").
    const QByteArray text = QByteArray(head).replace("\\/", "/");
    return text.contains("\"@context\"") &&
           (text.contains("iiif.io/api/presentation/2") || text.contains("iiif.io/api/presentation/3"));
}

Status IiifIngester::ingest(const Document &document, IntakeContext &context)
{
    QFile file(document.path);
    const QString name = QDir::toNativeSeparators(document.path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{ErrorCode::Unreadable, tr("Cannot read %1: %2").arg(name, file.errorString())};
    if (file.size() > s_maxManifestBytes) {
        return Error{ErrorCode::LimitExceeded,
                     tr("%1 is %2 bytes, more than the %3 bytes allowed for a IIIF manifest.")
                         .arg(name)
                         .arg(file.size())
                         .arg(s_maxManifestBytes)};
    }
    const QUrl base = document.originalUrl.isEmpty()
                          ? QUrl::fromLocalFile(QFileInfo(document.path).absoluteFilePath())
                          : QUrl(document.originalUrl);
    IiifReader reader(context);
    return reader.ingestJson(file.readAll(), base);
}

} // namespace gh
