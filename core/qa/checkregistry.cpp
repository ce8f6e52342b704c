// The checks core knows, in the order they run and are listed. Cheap checks on what the catalog already
// knows first, then the structure of the files, then the checks across files. Layers above core add theirs
// (the image checks) with CheckRegistry::add() at start-up.

#include "checkregistry.h"

#include "batchchecks.h"
#include "filechecks.h"

namespace gh {

QList<std::shared_ptr<const Check>> CheckRegistry::builtInChecks()
{
    return {
        std::make_shared<FixityCheck>(),
        std::make_shared<EmptyCheck>(),
        std::make_shared<MimetypeExtensionCheck>(),
        std::make_shared<Jp2StructureCheck>(),
        std::make_shared<XmlWellformedCheck>(),
        std::make_shared<XmlSchemaCheck>(),
        std::make_shared<PageSequenceCheck>(),
        std::make_shared<BatchIdentifierCheck>(),
        std::make_shared<SidecarsCheck>(),
        std::make_shared<DimensionsCheck>(),
        std::make_shared<OcrConfidenceCheck>(),
    };
}

CheckRegistry &CheckRegistry::instance()
{
    static CheckRegistry registry;
    return registry;
}

CheckRegistry::CheckRegistry()
    : m_checks(builtInChecks())
{}

void CheckRegistry::add(std::shared_ptr<const Check> check)
{
    QMutexLocker lock(&m_mutex);
    for (auto &existing : m_checks) {
        if (existing->name() == check->name()) {
            existing = std::move(check);
            return;
        }
    }
    m_checks.append(std::move(check));
}

QList<std::shared_ptr<const Check>> CheckRegistry::checks() const
{
    QMutexLocker lock(&m_mutex);
    return m_checks;
}

std::shared_ptr<const Check> CheckRegistry::find(const QString &name) const
{
    QMutexLocker lock(&m_mutex);
    for (const auto &check : m_checks) {
        if (check->name() == name)
            return check;
    }
    return nullptr;
}

QStringList CheckRegistry::names() const
{
    QStringList result;
    for (const auto &check : checks())
        result.append(check->name());
    return result;
}

void CheckRegistry::setImageAnalyser(std::shared_ptr<const ImageAnalyser> analyser)
{
    QMutexLocker lock(&m_mutex);
    m_analyser = std::move(analyser);
}

std::shared_ptr<const ImageAnalyser> CheckRegistry::imageAnalyser() const
{
    QMutexLocker lock(&m_mutex);
    return m_analyser;
}

} // namespace gh
