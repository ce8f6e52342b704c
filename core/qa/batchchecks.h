#pragma once

#include "check.h"

// The checks that compare files across a batch. Each records what it compares in the per-file pass
// (gatherFacts()) and judges in a pass over the batch's items afterwards, so an interrupted check resumes
// without reading the files again. page-sequence, batch-identifier and sidecars are defined for the
// newspaper batch layout (NewspaperBatchIngester) and stay silent on other batches.

namespace gh {

//! \c page-sequence: the pages of every edition are numbered from 1, consecutively, without duplicates.
class PageSequenceCheck final : public Check
{
    Q_DECLARE_TR_FUNCTIONS(gh::PageSequenceCheck)

public:
    QString name() const override { return QStringLiteral("page-sequence"); }
    bool readsXmlTree() const override { return true; }
    FindingSeverity severity() const override { return FindingSeverity::Error; }
    QString description() const override;
    void gatherFacts(CheckSubject &subject) const override;
    std::unique_ptr<BatchPass> startBatch(const CheckEnvironment &environment) const override;
};

//! \c batch-identifier: the batch id in the batch folder's name agrees with film folders, file names and
//! MODS.
class BatchIdentifierCheck final : public Check
{
    Q_DECLARE_TR_FUNCTIONS(gh::BatchIdentifierCheck)

public:
    QString name() const override { return QStringLiteral("batch-identifier"); }
    bool readsXmlTree() const override { return true; }
    FindingSeverity severity() const override { return FindingSeverity::Error; }
    QString description() const override;
    void gatherFacts(CheckSubject &subject) const override;
    std::unique_ptr<BatchPass> startBatch(const CheckEnvironment &environment) const override;
};

//! \c sidecars: every page has the companions the profile names, and every file its checksum file.
class SidecarsCheck final : public Check
{
    Q_DECLARE_TR_FUNCTIONS(gh::SidecarsCheck)

public:
    QString name() const override { return QStringLiteral("sidecars"); }
    FindingSeverity severity() const override { return FindingSeverity::Error; }
    QString description() const override;
    std::unique_ptr<BatchPass> startBatch(const CheckEnvironment &environment) const override;
};

/*!
    \c dimensions: the pixel size of each image (from the JPEG 2000 codestream, else the decoder) equals
    the size its MIX states and its ALTO page size (when ALTO measures in pixels), and lies within the
    profile's bounds. Files belong together when they share an item and the part of the name before the
    first dot.
*/
class DimensionsCheck final : public Check
{
    Q_DECLARE_TR_FUNCTIONS(gh::DimensionsCheck)

public:
    QString name() const override { return QStringLiteral("dimensions"); }
    bool readsXmlTree() const override { return true; }
    FindingSeverity severity() const override { return FindingSeverity::Error; }
    QString description() const override;
    void gatherFacts(CheckSubject &subject) const override;
    std::unique_ptr<BatchPass> startBatch(const CheckEnvironment &environment) const override;
};

} // namespace gh
