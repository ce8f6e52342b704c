#pragma once

#include <memory>

#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringList>

#include "util/result.h"

namespace gh {

class XmlDocument;

/*!
    \class gh::SchemaSet
    The XML schemas a curator configured, for validating XML files by their root element's namespace:
    either a folder of \c .xsd files (searched recursively) or an OASIS XML catalog (XmlCatalog) whose
    targets are the schemas.

    open() only reads each schema's target namespace. A schema is compiled by libxml2 the first time a
    document needs it, once per SchemaSet however many threads validate, and then shared by every thread
    (a compiled libxml2 schema is read-only). The schema for a document is the one its
    \c xsi:schemaLocation names for its namespace, when that location maps to a schema of the set;
    otherwise the set's schema for that namespace with the highest version (natural order of file names,
    so \c mods-3-8.xsd before \c mods-3-7.xsd).

    \b{Never the network.} Compiling runs libxml2 with network access disabled, and every location a
    schema imports or includes goes through this set's resolver: the catalog, else a schema of the set
    with the same file name, else a local file; a network location that maps to nothing here is refused
    (and listed in refusedLocations()), never fetched. Validation itself works on an already parsed,
    hardened XmlDocument, or on a document streamed through the same hardened parser, and loads nothing.
*/
class SchemaSet
{
    Q_DECLARE_TR_FUNCTIONS(gh::SchemaSet)

public:
    ~SchemaSet();
    SchemaSet(const SchemaSet &) = delete;
    SchemaSet &operator=(const SchemaSet &) = delete;

    /*!
        Opens \a location: a folder of schemas or an XML catalog file. Fails when it does not exist, holds
        no schema, or the catalog cannot be read.
    */
    static Result<std::shared_ptr<SchemaSet>> open(const QString &location);
    //! The catalog of the standard set that \c{gatehouse-cli schemas fetch} saves in the user's data
    //! folder, if it has been fetched; empty otherwise.
    static QString defaultLocation();
    //! Where \c{schemas fetch} saves the standard set: the \c schemas folder in the user's data folder.
    static QString defaultFolder();

    QString location() const;
    bool isCatalog() const;
    //! The namespaces the set has schemas for, sorted.
    QStringList namespaces() const;
    //! The schema files for \a namespaceUri, preferred first.
    QStringList schemasFor(const QString &namespaceUri) const;

    enum class Outcome
    {
        Valid,       //!< Valid against schema.
        Invalid,     //!< Not valid: see problems.
        NoSchema,    //!< The set has no schema for the document's namespace.
        SchemaBroken //!< The schema could not be compiled: see compileError().
    };

    /*!
        \class gh::SchemaSet::Problem
        One validity error, at a line of the document.
    */
    struct Problem
    {
        int line = 0;
        QString message;
    };

    /*!
        \class gh::SchemaSet::Validation
        The verdict on one document.
    */
    struct Validation
    {
        Outcome outcome = Outcome::NoSchema;
        QString namespaceUri;    //!< The root element's namespace.
        QString schema;          //!< The schema file used (or that failed to compile).
        QList<Problem> problems; //!< At most the maximum asked for …
        int moreProblems = 0;    //!< … and how many more there were.
    };

    //! Validates \a document against its schema, reporting at most \a maxProblems problems. Thread-safe.
    Validation validate(const XmlDocument &document, int maxProblems = 20) const;
    /*!
        Validates \a data while parsing it, building no tree (XmlDocument::stream()): the same verdict and
        problems as parsing it with XmlDocument::parse() and validating that. Fails with the error parse()
        would give when the document is not well-formed or is refused (\a fileName names it there).
        Thread-safe: each call has its own validation context on the shared compiled schema.
    */
    Result<Validation> validate(const QByteArray &data, const QString &fileName, int maxProblems = 20) const;
    //! Compiles every schema of the set now; the first that fails is the error (with what it could not load).
    Status compileAll() const;
    //! Why \a schema could not be compiled; empty when it compiled or was not tried.
    QString compileError(const QString &schema) const;
    //! Network locations schemas asked for that the set could not map to a local file, so were not loaded.
    QStringList refusedLocations() const;

private:
    SchemaSet();
    //! The schema for a root element in \a namespaceUri whose xsi:schemaLocation is \a schemaLocation.
    QString schemaFor(const QString &namespaceUri, const QString &schemaLocation) const;
    struct Data;
    std::unique_ptr<Data> d;
};

} // namespace gh
