#pragma once

#include <functional>
#include <memory>

#include <QCoreApplication>
#include <QList>
#include <QString>

#include "util/result.h"

struct _xmlDoc;
struct _xmlNode;
struct _xmlSchema;
struct _xmlSchemaValidCtxt;

namespace gh {

/*!
    \class gh::XmlElement
    A read-only view of one element of an XmlDocument, valid while the document lives. Names are matched by
    namespace URI and local name, never by prefix, so \c mets:file and \c METS:file are the same element.
    A default-constructed element is null; every accessor of a null element returns an empty value.
*/
class XmlElement
{
public:
    XmlElement() = default;

    bool isNull() const { return m_node == nullptr; }
    QString localName() const;
    QString namespaceUri() const;
    //! True when the element is \a localName in namespace \a ns; an empty \a ns matches any namespace.
    bool is(const QString &ns, const QString &localName) const;
    //! The line the element starts on (1-based).
    int line() const;

    //! An attribute without a namespace (\c ID, \c MIMETYPE), or an empty string.
    QString attribute(const QString &name) const;
    //! A namespaced attribute (\c xlink:href); falls back to the unprefixed name, which careless producers
    //! use.
    QString attribute(const QString &ns, const QString &name) const;
    bool hasAttribute(const QString &name) const;

    //! The text of the element and its descendants, with surrounding white space removed.
    QString text() const;

    //! Child elements, optionally only those named \a localName in \a ns (an empty \a ns matches any).
    QList<XmlElement> children(const QString &ns = {}, const QString &localName = {}) const;
    //! The first matching child element, or a null element.
    XmlElement firstChild(const QString &ns, const QString &localName) const;
    //! Every matching element below this one, in document order.
    QList<XmlElement> descendants(const QString &ns, const QString &localName) const;
    //! The first matching element below this one in document order, or a null element.
    XmlElement firstDescendant(const QString &ns, const QString &localName) const;
    //! The text of the first child along \a path ("titleInfo/title"), every step in \a ns.
    QString childText(const QString &ns, const QString &path) const;

private:
    friend class XmlDocument;
    explicit XmlElement(_xmlNode *node)
        : m_node(node)
    {}
    _xmlNode *m_node = nullptr;
};

/*!
    \class gh::XmlProbe
    What the first bytes of a document say about its root element: its namespace and local name, or, when a
    DOCTYPE comes first (the probe never reads a DTD), the name the DOCTYPE declares.
*/
struct XmlProbe
{
    QString ns;
    QString localName;
    QString doctype;        //!< "mets" for <!DOCTYPE mets …>; empty when there is no DOCTYPE.
    QString schemaLocation; //!< The root element's xsi:schemaLocation, if the probe reached it.
};

/*!
    \class gh::XmlStreamValidation
    XML Schema validation during XmlDocument::stream(): the compiled schema (shared read-only across threads;
    each stream makes its own validation context) and where validity errors go.
*/
struct XmlStreamValidation
{
    _xmlSchema *schema = nullptr;
    //! A validation context of \a schema to use (and leave to the caller) instead of a new one, so a
    //! thread validating many documents reuses one.
    _xmlSchemaValidCtxt *context = nullptr;
    //! Each validity error, with the line of the element it concerns (the line a tree validation gives).
    std::function<void(int line, const QString &message)> invalid;
    bool valid = true; //!< Set by stream(): libxml2's verdict.
};

/*!
    \class gh::XmlStreamed
    What XmlDocument::stream() found: the error parse() would return (or none) and the root element's
    namespace.
*/
struct XmlStreamed
{
    Status parsed;
    QString rootNamespace;
};

/*!
    \class gh::XmlDocument
    An XML document parsed by libxml2 with every door to the outside closed: parsed from memory with no
    network access, no external DTD or entity loading and no entity substitution. Documents that declare
    entities (the billion-laughs and quadratic-blowup attacks, XXE through general or parameter entities) or
    refer to an external DTD are refused outright, with the file and line in the message; so are malformed
    documents. libxml2 never writes to stderr on Gatehouse's behalf: its errors become the Error returned.

    libxml2 is initialised once per process (xmlInitParser) and its global state is never torn down per
    document, so documents may be parsed on several threads at once.
*/
class XmlDocument
{
    Q_DECLARE_TR_FUNCTIONS(gh::XmlDocument)

public:
    struct Limits
    {
        //! Larger documents are refused before parsing (ErrorCode::LimitExceeded).
        qint64 maxBytes = 64 * 1024 * 1024;
    };

    /*!
        Parses \a data; \a fileName names the document in error messages. Returns ErrorCode::Invalid for
        malformed or refused documents and ErrorCode::LimitExceeded for documents over the size limit or past
        libxml2's own limits (nesting depth, text node size).
    */
    static Result<XmlDocument> parse(const QByteArray &data, const QString &fileName);
    static Result<XmlDocument> parse(const QByteArray &data, const QString &fileName, const Limits &limits);

    /*!
        Reads \a data in one pass as parse() does — the same hardening, limits and error messages — but builds
        no tree. With \a validation, validates the document against its schema in the same pass (libxml2's
        streaming validation); validity is meaningful only when the document parsed. Several threads may
        stream at once.
    */
    static XmlStreamed stream(const QByteArray &data, const QString &fileName,
                              XmlStreamValidation *validation = nullptr);

    XmlDocument(XmlDocument &&) noexcept;
    XmlDocument &operator=(XmlDocument &&) noexcept;
    ~XmlDocument();

    XmlElement root() const;
    const QString &fileName() const { return m_fileName; }
    /*!
        The libxml2 tree, for validators that work on one (XML Schema validation in core/qa), so a document
        is parsed once however many checks read it. Valid while this document lives; never modify it.
    */
    _xmlDoc *handle() const;

    //! True when \a data starts like XML whose root element is \a localName in namespace \a ns; reads no
    //! more than the head and never fails loudly. For cheap recognise() calls.
    static bool hasRootElement(const QByteArray &head, const QString &ns, const QString &localName);
    //! The namespace URI and local name of the root element \a head starts, or two empty strings.
    static std::pair<QString, QString> rootElementName(const QByteArray &head);
    /*!
        Like hasRootElement(), but also true when a DOCTYPE hides the root element from the probe and names
        \a localName (the namespace, if given, must appear in \a head). For recognise() calls that must claim
        a hostile or broken manifest, so its refusal is reported rather than the file loaded as anything else.
    */
    static bool mayHaveRootElement(const QByteArray &head, const QString &ns, const QString &localName);
    //! What the start of a document says about its root element, without parsing any DTD.
    static XmlProbe probe(const QByteArray &head);

private:
    XmlDocument(_xmlDoc *doc, QString fileName);
    struct Deleter
    {
        void operator()(_xmlDoc *doc) const;
    };
    std::unique_ptr<_xmlDoc, Deleter> m_doc;
    QString m_fileName;
};

namespace xmlns {
inline const QString mets = QStringLiteral("http://www.loc.gov/METS/");
inline const QString mods = QStringLiteral("http://www.loc.gov/mods/v3");
inline const QString dc = QStringLiteral("http://purl.org/dc/elements/1.1/");
inline const QString xlink = QStringLiteral("http://www.w3.org/1999/xlink");
inline const QString xml = QStringLiteral("http://www.w3.org/XML/1998/namespace");
} // namespace xmlns

} // namespace gh
