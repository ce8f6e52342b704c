#include "safexml.h"

#include <mutex>
#include <vector>

#include <libxml/SAX2.h>
#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

namespace gh {

namespace {

const xmlChar *xc(const QByteArray &utf8)
{
    return reinterpret_cast<const xmlChar *>(utf8.constData());
}

QString qs(const xmlChar *text)
{
    return text ? QString::fromUtf8(reinterpret_cast<const char *>(text)) : QString();
}

void initialiseLibxml()
{
    // libxml2 must be initialised once, before any thread parses; xmlCleanupParser is never called, because
    // another thread may be parsing (its global state belongs to the process).
    static std::once_flag once;
    std::call_once(once, [] { xmlInitParser(); });
}

/*!
    What the parse of one document learned about refusals and errors. It is the parser context's user data,
    so the SAX hooks below can reach it.
*/
struct ParseState
{
    xmlParserCtxtPtr ctxt = nullptr;
    QString refusal; //!< Set when a hook refused the document; wins over libxml2's own errors.
    QString firstError;
    int errorLine = 0;
    int errorColumn = 0;

    // A streamed parse only (XmlDocument::stream()):
    bool sawRoot = false;
    QString rootNamespace;
    std::vector<int> openLines; //!< The start line of each open element.
    int elementLine = 0;        //!< The line of the element being validated, for validity errors.
};

// The state of the streamed parse running on this thread. A streamed parse puts libxml2's validation
// layer between the parser and its hooks, which then get that layer's user data, not the parser context;
// so they find their state here.
thread_local ParseState *t_streamed = nullptr;

ParseState *stateOf(void *ctx)
{
    if (t_streamed)
        return t_streamed;
    auto *ctxt = static_cast<xmlParserCtxtPtr>(ctx);
    return static_cast<ParseState *>(ctxt->_private);
}

int currentLine(xmlParserCtxtPtr ctxt)
{
    return ctxt && ctxt->input ? ctxt->input->line : 0;
}

void refuse(void *ctx, const QString &reason)
{
    ParseState *state = stateOf(ctx);
    if (state->refusal.isEmpty()) {
        state->refusal = reason;
        state->errorLine = currentLine(state->ctxt);
    }
    xmlStopParser(state->ctxt);
}

// Entity declarations are refused whatever they say: internal ones are how billion-laughs and quadratic
// blowup documents expand, external and parameter ones are how XXE reads files or calls out. No manifest
// format Gatehouse reads needs them.
void refuseEntityDecl(void *ctx, const xmlChar *name, int type, const xmlChar *, const xmlChar *systemId,
                      xmlChar *)
{
    const bool parameter = type == XML_INTERNAL_PARAMETER_ENTITY || type == XML_EXTERNAL_PARAMETER_ENTITY;
    const QString entity = parameter ? u'%' + qs(name) : qs(name);
    if (systemId) {
        refuse(ctx, XmlDocument::tr("it declares the external entity %1 (%2); external entities are never "
                                    "loaded")
                        .arg(entity, qs(systemId)));
    } else {
        refuse(ctx, XmlDocument::tr("it declares the entity %1 in its DTD; entity declarations are refused "
                                    "because they can expand without bound")
                        .arg(entity));
    }
}

//! Refuses a DOCTYPE that names an external DTD; true when it did.
bool refusedExternalDtd(void *ctx, const xmlChar *externalId, const xmlChar *systemId)
{
    if (!externalId && !systemId)
        return false;
    const QString where = systemId ? qs(systemId) : qs(externalId);
    refuse(ctx, XmlDocument::tr("its DOCTYPE refers to the external DTD %1; external DTDs are never loaded")
                    .arg(where));
    return true;
}

void checkInternalSubset(void *ctx, const xmlChar *name, const xmlChar *externalId, const xmlChar *systemId)
{
    if (!refusedExternalDtd(ctx, externalId, systemId))
        xmlSAX2InternalSubset(ctx, name, externalId, systemId);
}

void ignoreExternalSubset(void *, const xmlChar *, const xmlChar *, const xmlChar *) {}

xmlParserInputPtr refuseResolveEntity(void *ctx, const xmlChar *publicId, const xmlChar *systemId)
{
    refuse(ctx, XmlDocument::tr("it refers to the external resource %1; nothing outside the document is "
                                "loaded")
                    .arg(systemId ? qs(systemId) : qs(publicId)));
    return nullptr;
}

void collectError(void *ctx, xmlErrorPtr error)
{
    if ((!ctx && !t_streamed) || !error || error->level < XML_ERR_ERROR)
        return;
    ParseState *state = stateOf(ctx);
    if (!state || !state->firstError.isEmpty())
        return;
    state->firstError = QString::fromUtf8(error->message ? error->message : "").trimmed();
    state->errorLine = error->line;
    state->errorColumn = error->int2;
}

void ignoreError(void *, xmlErrorPtr) {}

/*!
    Sends the errors libxml2 raises on this thread without a handler of their own to \a handler (by default
    nowhere: libxml2 stays quiet), and restores what the thread had before (another user of libxml2 in the
    process may have its own handler).
*/
class GlobalErrors
{
public:
    explicit GlobalErrors(xmlStructuredErrorFunc handler = ignoreError)
        : m_handler(xmlStructuredError)
        , m_context(xmlStructuredErrorContext)
    {
        xmlSetStructuredErrorFunc(nullptr, handler);
    }
    ~GlobalErrors() { xmlSetStructuredErrorFunc(m_context, m_handler); }
    GlobalErrors(const GlobalErrors &) = delete;
    GlobalErrors &operator=(const GlobalErrors &) = delete;

private:
    xmlStructuredErrorFunc m_handler;
    void *m_context;
};

void hardenSax(xmlSAXHandler *sax)
{
    sax->entityDecl = refuseEntityDecl;
    sax->internalSubset = checkInternalSubset;
    sax->externalSubset = ignoreExternalSubset;
    sax->resolveEntity = refuseResolveEntity;
    sax->serror = collectError;
    sax->error = nullptr;
    sax->warning = nullptr;
    sax->fatalError = nullptr;
}

// XML_PARSE_COMPACT stores short text inline in its node: fewer allocations, and nothing here ever modifies
// a parsed tree, which is all it asks.
constexpr int s_options =
    XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_COMPACT;

bool matches(const xmlNode *node, const QByteArray &ns, const QByteArray &name)
{
    if (!node || node->type != XML_ELEMENT_NODE)
        return false;
    if (!name.isEmpty() && xmlStrcmp(node->name, xc(name)) != 0)
        return false;
    if (ns.isEmpty())
        return true;
    return node->ns && node->ns->href && xmlStrcmp(node->ns->href, xc(ns)) == 0;
}

void collectDescendants(xmlNode *node, const QByteArray &ns, const QByteArray &name, QList<XmlElement> &out,
                        XmlElement (*make)(xmlNode *), bool firstOnly)
{
    for (xmlNode *child = node->children; child; child = child->next) {
        if (child->type != XML_ELEMENT_NODE)
            continue;
        if (matches(child, ns, name)) {
            out.append(make(child));
            if (firstOnly)
                return;
        }
        collectDescendants(child, ns, name, out, make, firstOnly);
        if (firstOnly && !out.isEmpty())
            return;
    }
}

} // namespace

// ---- XmlElement

QString XmlElement::localName() const
{
    return m_node ? qs(m_node->name) : QString();
}

QString XmlElement::namespaceUri() const
{
    return m_node && m_node->ns ? qs(m_node->ns->href) : QString();
}

bool XmlElement::is(const QString &ns, const QString &localName) const
{
    return matches(m_node, ns.toUtf8(), localName.toUtf8());
}

int XmlElement::line() const
{
    return m_node ? int(xmlGetLineNo(m_node)) : 0;
}

QString XmlElement::attribute(const QString &name) const
{
    if (!m_node)
        return {};
    xmlChar *value = xmlGetNoNsProp(m_node, xc(name.toUtf8()));
    const QString result = qs(value);
    xmlFree(value);
    return result;
}

QString XmlElement::attribute(const QString &ns, const QString &name) const
{
    if (!m_node)
        return {};
    xmlChar *value = xmlGetNsProp(m_node, xc(name.toUtf8()), xc(ns.toUtf8()));
    if (!value)
        return attribute(name);
    const QString result = qs(value);
    xmlFree(value);
    return result;
}

bool XmlElement::hasAttribute(const QString &name) const
{
    return m_node && xmlHasNsProp(m_node, xc(name.toUtf8()), nullptr);
}

QString XmlElement::text() const
{
    if (!m_node)
        return {};
    xmlChar *content = xmlNodeGetContent(m_node);
    const QString result = qs(content).trimmed();
    xmlFree(content);
    return result;
}

QList<XmlElement> XmlElement::children(const QString &ns, const QString &localName) const
{
    QList<XmlElement> result;
    if (!m_node)
        return result;
    const QByteArray n = ns.toUtf8();
    const QByteArray l = localName.toUtf8();
    for (xmlNode *child = m_node->children; child; child = child->next) {
        if (matches(child, n, l))
            result.append(XmlElement(child));
    }
    return result;
}

XmlElement XmlElement::firstChild(const QString &ns, const QString &localName) const
{
    if (!m_node)
        return {};
    const QByteArray n = ns.toUtf8();
    const QByteArray l = localName.toUtf8();
    for (xmlNode *child = m_node->children; child; child = child->next) {
        if (matches(child, n, l))
            return XmlElement(child);
    }
    return {};
}

QList<XmlElement> XmlElement::descendants(const QString &ns, const QString &localName) const
{
    QList<XmlElement> result;
    if (m_node)
        collectDescendants(
            m_node, ns.toUtf8(), localName.toUtf8(), result, [](xmlNode *n) { return XmlElement(n); }, false);
    return result;
}

XmlElement XmlElement::firstDescendant(const QString &ns, const QString &localName) const
{
    QList<XmlElement> result;
    if (m_node)
        collectDescendants(
            m_node, ns.toUtf8(), localName.toUtf8(), result, [](xmlNode *n) { return XmlElement(n); }, true);
    return result.isEmpty() ? XmlElement() : result.first();
}

QString XmlElement::childText(const QString &ns, const QString &path) const
{
    XmlElement element = *this;
    for (const QString &step : path.split(u'/')) {
        element = element.firstChild(ns, step);
        if (element.isNull())
            return {};
    }
    return element.text();
}

// ---- XmlDocument

void XmlDocument::Deleter::operator()(_xmlDoc *doc) const
{
    xmlFreeDoc(doc);
}

XmlDocument::XmlDocument(_xmlDoc *doc, QString fileName)
    : m_doc(doc)
    , m_fileName(std::move(fileName))
{}

XmlDocument::XmlDocument(XmlDocument &&) noexcept = default;
XmlDocument &XmlDocument::operator=(XmlDocument &&) noexcept = default;
XmlDocument::~XmlDocument() = default;

_xmlDoc *XmlDocument::handle() const
{
    return m_doc.get();
}

XmlElement XmlDocument::root() const
{
    return XmlElement(m_doc ? xmlDocGetRootElement(m_doc.get()) : nullptr);
}

Result<XmlDocument> XmlDocument::parse(const QByteArray &data, const QString &fileName)
{
    return parse(data, fileName, Limits{});
}

namespace {

Status checkSize(const QByteArray &data, const QString &fileName, const XmlDocument::Limits &limits)
{
    if (data.size() > limits.maxBytes) {
        return Error{
            ErrorCode::LimitExceeded,
            XmlDocument::tr("%1 is %2 bytes, more than the %3 bytes allowed for an XML manifest; it was "
                            "not parsed.")
                .arg(fileName)
                .arg(data.size())
                .arg(limits.maxBytes)};
    }
    if (data.size() > std::numeric_limits<int>::max())
        return Error{ErrorCode::LimitExceeded, XmlDocument::tr("%1 is too large to parse.").arg(fileName)};
    if (data.trimmed().isEmpty())
        return Error{ErrorCode::Invalid,
                     XmlDocument::tr("%1 is empty; it is not an XML document.").arg(fileName)};
    return {};
}

Error parseFailure(const ParseState &state, const QString &fileName)
{
    if (!state.refusal.isEmpty()) {
        return Error{ErrorCode::Invalid, XmlDocument::tr("%1 was refused at line %2: %3.")
                                             .arg(fileName)
                                             .arg(state.errorLine)
                                             .arg(state.refusal)};
    }
    if (state.firstError.startsWith(u"Excessive depth")) {
        // libxml2's own limit; its message suggests a parser option, which is no help to a curator.
        return Error{
            ErrorCode::LimitExceeded,
            XmlDocument::tr("%1 was refused at line %2: its elements are nested more than 256 levels "
                            "deep.")
                .arg(fileName)
                .arg(state.errorLine)};
    }
    const QString reason = state.firstError.isEmpty() ? XmlDocument::tr("the document is not well-formed XML")
                                                      : state.firstError;
    if (state.errorColumn > 0) {
        return Error{ErrorCode::Invalid, XmlDocument::tr("%1 is not well-formed XML: line %2, column %3: %4.")
                                             .arg(fileName)
                                             .arg(state.errorLine)
                                             .arg(state.errorColumn)
                                             .arg(reason)};
    }
    return Error{ErrorCode::Invalid, XmlDocument::tr("%1 is not well-formed XML: line %2: %3.")
                                         .arg(fileName)
                                         .arg(state.errorLine)
                                         .arg(reason)};
}

} // namespace

Result<XmlDocument> XmlDocument::parse(const QByteArray &data, const QString &fileName, const Limits &limits)
{
    if (Status size = checkSize(data, fileName, limits); !size)
        return size.error();
    initialiseLibxml();
    GlobalErrors silence;

    xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(data.constData(), int(data.size()));
    if (!ctxt)
        return Error{ErrorCode::Io, tr("Could not parse %1: out of memory.").arg(fileName)};
    ParseState state;
    state.ctxt = ctxt;
    ctxt->_private = &state;
    xmlCtxtUseOptions(ctxt, s_options);
    hardenSax(ctxt->sax);

    xmlParseDocument(ctxt);
    xmlDocPtr doc = ctxt->myDoc;
    ctxt->myDoc = nullptr;
    const bool wellFormed = ctxt->wellFormed;
    xmlFreeParserCtxt(ctxt);

    if (!state.refusal.isEmpty() || !doc || !wellFormed) {
        if (doc)
            xmlFreeDoc(doc);
        return parseFailure(state, fileName);
    }
    if (!xmlDocGetRootElement(doc)) {
        xmlFreeDoc(doc);
        return Error{ErrorCode::Invalid, tr("%1 has no root element.").arg(fileName)};
    }
    return XmlDocument(doc, fileName);
}

namespace {

// The hooks of a streamed parse: no tree, only what validity errors and the caller need.
void streamStartElement(void *ctx, const xmlChar *, const xmlChar *, const xmlChar *uri, int,
                        const xmlChar **, int, int, const xmlChar **)
{
    ParseState *state = stateOf(ctx);
    if (!state->sawRoot) {
        state->sawRoot = true;
        state->rootNamespace = qs(uri);
    }
    // The line a tree's element gets: where the parser is when its start tag has been read.
    state->elementLine = currentLine(state->ctxt);
    state->openLines.push_back(state->elementLine);
}

void streamEndElement(void *ctx, const xmlChar *, const xmlChar *, const xmlChar *)
{
    ParseState *state = stateOf(ctx);
    if (!state->openLines.empty()) {
        // Content is validated when its element ends; a tree validation names the element's start line.
        state->elementLine = state->openLines.back();
        state->openLines.pop_back();
    }
}

void streamInternalSubset(void *ctx, const xmlChar *, const xmlChar *externalId, const xmlChar *systemId)
{
    refusedExternalDtd(ctx, externalId, systemId);
}

int locateElement(void *ctx, const char **file, unsigned long *line)
{
    const auto *state = static_cast<const ParseState *>(ctx);
    *file = nullptr;
    *line = static_cast<unsigned long>(std::max(state->elementLine, 0));
    return 0;
}

struct ValidityErrors
{
    XmlStreamValidation *validation = nullptr;
    const ParseState *state = nullptr;
};

void collectValidityError(void *user, xmlErrorPtr error)
{
    if (!error || error->level < XML_ERR_ERROR)
        return;
    auto *errors = static_cast<ValidityErrors *>(user);
    if (errors->validation->invalid) {
        const int line = error->line > 0 ? error->line : errors->state->elementLine;
        errors->validation->invalid(line, QString::fromUtf8(error->message ? error->message : "").trimmed());
    }
}

} // namespace

XmlStreamed XmlDocument::stream(const QByteArray &data, const QString &fileName,
                                XmlStreamValidation *validation)
{
    XmlStreamed result;
    if (Status size = checkSize(data, fileName, Limits{}); !size) {
        result.parsed = size;
        return result;
    }
    initialiseLibxml();
    ParseState state;
    t_streamed = &state;
    GlobalErrors collect(collectError);

    xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(data.constData(), int(data.size()));
    if (!ctxt) {
        t_streamed = nullptr;
        result.parsed = Error{ErrorCode::Io, tr("Could not parse %1: out of memory.").arg(fileName)};
        return result;
    }
    state.ctxt = ctxt;
    ctxt->_private = &state;
    xmlCtxtUseOptions(ctxt, s_options);
    // SAX2 hooks that build nothing: no document, no nodes, no text. The DTD hooks are the hardened ones,
    // so a DOCTYPE with entities or an external DTD is refused exactly as parse() refuses it.
    xmlSAXHandler *sax = ctxt->sax;
    xmlSAXVersion(sax, 2);
    sax->startDocument = nullptr;
    sax->endDocument = nullptr;
    sax->startElementNs = streamStartElement;
    sax->endElementNs = streamEndElement;
    sax->characters = nullptr;
    sax->cdataBlock = nullptr;
    sax->ignorableWhitespace = nullptr;
    sax->comment = nullptr;
    sax->processingInstruction = nullptr;
    sax->reference = nullptr;
    sax->setDocumentLocator = nullptr;
    sax->attributeDecl = nullptr;
    sax->elementDecl = nullptr;
    sax->notationDecl = nullptr;
    sax->unparsedEntityDecl = nullptr;
    hardenSax(sax);
    // With no document, the SAX2 tree hooks that remain must not look for one (nor take the validation
    // layer's user data for a parser context): only the predefined entities exist, since every declaration
    // is refused.
    sax->internalSubset = streamInternalSubset;
    sax->getEntity = [](void *, const xmlChar *name) { return xmlGetPredefinedEntity(name); };
    sax->getParameterEntity = [](void *, const xmlChar *) -> xmlEntityPtr { return nullptr; };
    sax->isStandalone = [](void *) { return 0; };
    sax->hasInternalSubset = [](void *) { return 0; };
    sax->hasExternalSubset = [](void *) { return 0; };

    xmlSchemaValidCtxtPtr validator = nullptr;
    xmlSchemaSAXPlugPtr plug = nullptr;
    ValidityErrors errors{validation, &state};
    const bool ownValidator = validation && !validation->context;
    if (validation && (validation->schema || validation->context)) {
        validator = ownValidator ? xmlSchemaNewValidCtxt(validation->schema) : validation->context;
        if (validator) {
            xmlSchemaSetValidStructuredErrors(validator, collectValidityError, &errors);
            xmlSchemaValidateSetLocator(validator, locateElement, &state);
            plug = xmlSchemaSAXPlug(validator, &ctxt->sax, &ctxt->userData);
        }
        if (!plug) {
            if (ownValidator)
                xmlSchemaFreeValidCtxt(validator);
            xmlFreeParserCtxt(ctxt);
            t_streamed = nullptr;
            result.parsed = Error{ErrorCode::Io, tr("Could not validate %1: out of memory.").arg(fileName)};
            return result;
        }
    }

    xmlParseDocument(ctxt);
    const bool wellFormed = ctxt->wellFormed;
    if (plug) {
        validation->valid = xmlSchemaIsValid(validator) == 1;
        xmlSchemaSAXUnplug(plug);
        if (ownValidator)
            xmlSchemaFreeValidCtxt(validator);
    }
    if (ctxt->myDoc)
        xmlFreeDoc(ctxt->myDoc);
    ctxt->myDoc = nullptr;
    xmlFreeParserCtxt(ctxt);
    t_streamed = nullptr;

    if (!state.refusal.isEmpty() || !wellFormed)
        result.parsed = parseFailure(state, fileName);
    else if (!state.sawRoot)
        result.parsed = Error{ErrorCode::Invalid, tr("%1 has no root element.").arg(fileName)};
    result.rootNamespace = state.rootNamespace;
    return result;
}

namespace {

struct RootProbe
{
    bool found = false;
    QString ns;
    QString localName;
    QString doctype;
    QString schemaLocation;
};

RootProbe *probeOf(void *ctx)
{
    return static_cast<RootProbe *>(static_cast<xmlParserCtxtPtr>(ctx)->_private);
}

void probeStartElement(void *ctx, const xmlChar *localname, const xmlChar *, const xmlChar *uri, int,
                       const xmlChar **, int attributeCount, int, const xmlChar **attributes)
{
    RootProbe *probe = probeOf(ctx);
    probe->found = true;
    probe->localName = qs(localname);
    probe->ns = qs(uri);
    // libxml2 gives each attribute as (local name, prefix, URI, value start, value end).
    static const xmlChar *const xsi =
        reinterpret_cast<const xmlChar *>("http://www.w3.org/2001/XMLSchema-instance");
    for (int i = 0; i < attributeCount; ++i) {
        const xmlChar *const *a = attributes + 5 * i;
        if (a[2] && xmlStrEqual(a[2], xsi) &&
            xmlStrEqual(a[0], reinterpret_cast<const xmlChar *>("schemaLocation")))
            probe->schemaLocation = QString::fromUtf8(reinterpret_cast<const char *>(a[3]), a[4] - a[3]);
    }
    xmlStopParser(static_cast<xmlParserCtxtPtr>(ctx));
}

// The probe only wants the root element's name: anything DTD-related simply ends it, quietly (the full parse
// reports it properly if the document is ever ingested). A DOCTYPE still says what the root will be called.
void probeStop(void *ctx)
{
    xmlStopParser(static_cast<xmlParserCtxtPtr>(ctx));
}

void probeDoctype(void *ctx, const xmlChar *name, const xmlChar *, const xmlChar *)
{
    probeOf(ctx)->doctype = qs(name);
    probeStop(ctx);
}

} // namespace

bool XmlDocument::hasRootElement(const QByteArray &head, const QString &ns, const QString &localName)
{
    const auto [rootNs, rootName] = rootElementName(head);
    return !rootName.isEmpty() && rootName == localName && (ns.isEmpty() || rootNs == ns);
}

bool XmlDocument::mayHaveRootElement(const QByteArray &head, const QString &ns, const QString &localName)
{
    const XmlProbe found = probe(head);
    if (!found.localName.isEmpty())
        return found.localName == localName && (ns.isEmpty() || found.ns == ns);
    // A DOCTYPE stopped the probe: its name, with or without a prefix, is the root element's.
    return !found.doctype.isEmpty() && found.doctype.section(u':', -1) == localName &&
           (ns.isEmpty() || head.contains(ns.toUtf8()));
}

std::pair<QString, QString> XmlDocument::rootElementName(const QByteArray &head)
{
    const XmlProbe found = probe(head);
    return {found.ns, found.localName};
}

XmlProbe XmlDocument::probe(const QByteArray &head)
{
    const QByteArray trimmed = head.left(512).trimmed();
    // Plainly not XML: refuse before libxml2 is involved at all.
    if (!trimmed.startsWith('<') && !trimmed.startsWith("\xEF\xBB\xBF<"))
        return {};
    initialiseLibxml();
    GlobalErrors silence;

    xmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    xmlSAXVersion(&sax, 2);
    sax.startElementNs = probeStartElement;
    sax.entityDecl = [](void *c, const xmlChar *, int, const xmlChar *, const xmlChar *, xmlChar *) {
        probeStop(c);
    };
    sax.internalSubset = probeDoctype;
    sax.externalSubset = ignoreExternalSubset;
    sax.resolveEntity = [](void *c, const xmlChar *, const xmlChar *) -> xmlParserInputPtr {
        probeStop(c);
        return nullptr;
    };
    sax.serror = ignoreError;
    sax.error = nullptr;
    sax.warning = nullptr;
    sax.fatalError = nullptr;

    xmlParserCtxtPtr ctxt = xmlCreatePushParserCtxt(&sax, nullptr, nullptr, 0, nullptr);
    if (!ctxt)
        return {};
    RootProbe probe;
    ctxt->_private = &probe;
    xmlCtxtUseOptions(ctxt, s_options);
    xmlParseChunk(ctxt, head.constData(), int(std::min<qsizetype>(head.size(), 1 << 20)), 0);
    if (ctxt->myDoc)
        xmlFreeDoc(ctxt->myDoc);
    ctxt->myDoc = nullptr;
    xmlFreeParserCtxt(ctxt);
    XmlProbe result;
    result.doctype = probe.doctype;
    if (probe.found) {
        result.ns = probe.ns;
        result.localName = probe.localName;
        result.schemaLocation = probe.schemaLocation;
    }
    return result;
}

} // namespace gh
