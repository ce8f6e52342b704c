#pragma once

#include "check.h"

// The checks that judge one file at a time and need no image decoding. The image checks (decodable,
// dark-page, blank-page, black-border) live in Gatehouse::Imaging, which registers them at start-up.

namespace gh {

//! \c fixity: the checksums a source declared against the ones fetch computed.
class FixityCheck final : public Check
{
    Q_DECLARE_TR_FUNCTIONS(gh::FixityCheck)

public:
    QString name() const override { return QStringLiteral("fixity"); }
    FindingSeverity severity() const override { return FindingSeverity::Error; }
    QString description() const override;
    QString eventType() const override { return QStringLiteral("fixity check"); }
    bool appliesTo(CheckSubject &subject) const override;
    void checkFile(CheckSubject &subject, FindingSink &sink) const override;
};

//! \c empty: files without a single byte.
class EmptyCheck final : public Check
{
    Q_DECLARE_TR_FUNCTIONS(gh::EmptyCheck)

public:
    QString name() const override { return QStringLiteral("empty"); }
    FindingSeverity severity() const override { return FindingSeverity::Error; }
    QString description() const override;
    bool appliesTo(CheckSubject &subject) const override;
    void checkFile(CheckSubject &subject, FindingSink &sink) const override;
};

//! \c mimetype-extension: the type sniffed from the content against the type the name's extension says.
class MimetypeExtensionCheck final : public Check
{
    Q_DECLARE_TR_FUNCTIONS(gh::MimetypeExtensionCheck)

public:
    QString name() const override { return QStringLiteral("mimetype-extension"); }
    FindingSeverity severity() const override { return FindingSeverity::Warning; }
    QString description() const override;
    QString eventType() const override { return QStringLiteral("format identification"); }
    bool appliesTo(CheckSubject &subject) const override;
    void checkFile(CheckSubject &subject, FindingSink &sink) const override;
};

//! \c jp2-structure: the JP2 boxes and codestream markers (Jp2Structure), as jpylyzer checks them first.
class Jp2StructureCheck final : public Check
{
    Q_DECLARE_TR_FUNCTIONS(gh::Jp2StructureCheck)

public:
    QString name() const override { return QStringLiteral("jp2-structure"); }
    FindingSeverity severity() const override { return FindingSeverity::Error; }
    QString description() const override;
    bool appliesTo(CheckSubject &subject) const override;
    void checkFile(CheckSubject &subject, FindingSink &sink) const override;
};

//! \c xml-wellformed: every XML file parses through the safe reader (no DTD, no entities, no network).
class XmlWellformedCheck final : public Check
{
    Q_DECLARE_TR_FUNCTIONS(gh::XmlWellformedCheck)

public:
    QString name() const override { return QStringLiteral("xml-wellformed"); }
    FindingSeverity severity() const override { return FindingSeverity::Error; }
    QString description() const override;
    bool appliesTo(CheckSubject &subject) const override;
    void checkFile(CheckSubject &subject, FindingSink &sink) const override;
};

/*!
    \c xml-schema: every well-formed XML file against the schema for its namespace (SchemaSet). Without
    schemas it says once per batch that it was skipped and why; files whose namespace has no schema are
    counted and named once per namespace.
*/
class XmlSchemaCheck final : public Check
{
    Q_DECLARE_TR_FUNCTIONS(gh::XmlSchemaCheck)

public:
    QString name() const override { return QStringLiteral("xml-schema"); }
    FindingSeverity severity() const override { return FindingSeverity::Error; }
    QString description() const override;
    bool appliesTo(CheckSubject &subject) const override;
    void checkFile(CheckSubject &subject, FindingSink &sink) const override;
    void gatherFacts(CheckSubject &subject) const override;
    std::unique_ptr<BatchPass> startBatch(const CheckEnvironment &environment) const override;
};

//! \c ocr-confidence: the mean ALTO word confidence (WC) against the profile's threshold.
class OcrConfidenceCheck final : public Check
{
    Q_DECLARE_TR_FUNCTIONS(gh::OcrConfidenceCheck)

public:
    QString name() const override { return QStringLiteral("ocr-confidence"); }
    FindingSeverity severity() const override { return FindingSeverity::Flag; }
    QString description() const override;
    bool readsXmlTree() const override { return true; }
    bool appliesTo(CheckSubject &subject) const override;
    void checkFile(CheckSubject &subject, FindingSink &sink) const override;
};

} // namespace gh
