#pragma once

#include <memory>

#include <QCoreApplication>
#include <QList>
#include <QMutex>
#include <QStringList>

#include "check.h"

namespace gh {

/*!
    \class gh::CheckRegistry
    The QA checks this process knows, in the order they run and are listed, and the image analyser the image
    checks decode with. Core's checks (checkregistry.cpp, like the intake ingesters' intakeregistry.cpp) are
    there from the start; layers above core add theirs at start-up: Gatehouse::Imaging's
    registerImageChecks() adds decodable, dark-page, blank-page and black-border and the analyser, and both
    gatehouse and gatehouse-cli call it in main(). Thread-safe.
*/
class CheckRegistry
{
    Q_DECLARE_TR_FUNCTIONS(gh::CheckRegistry)

public:
    //! The process's registry, with core's checks.
    static CheckRegistry &instance();
    //! Core's checks, in their order.
    static QList<std::shared_ptr<const Check>> builtInChecks();

    //! A registry holding core's checks only (for tests that assemble their own).
    CheckRegistry();

    //! Adds \a check at the end, or in place of the check with the same name.
    void add(std::shared_ptr<const Check> check);
    QList<std::shared_ptr<const Check>> checks() const;
    std::shared_ptr<const Check> find(const QString &name) const;
    QStringList names() const;

    void setImageAnalyser(std::shared_ptr<const ImageAnalyser> analyser);
    //! Null until a layer with image decoding installs one.
    std::shared_ptr<const ImageAnalyser> imageAnalyser() const;

private:
    mutable QMutex m_mutex;
    QList<std::shared_ptr<const Check>> m_checks;
    std::shared_ptr<const ImageAnalyser> m_analyser;
};

} // namespace gh
