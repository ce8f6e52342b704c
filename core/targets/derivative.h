#pragma once

#include <atomic>
#include <memory>

#include <QCoreApplication>
#include <QString>

#include "model/records.h"
#include "util/result.h"

namespace gh {

/*!
    \class gh::DerivativeRule
    A conversion a target asks for: files of one type are sent as another (the dissemination copy), e.g.
    \c image/jp2=image/jpeg:q90:4000 — JPEG 2000 sent as JPEG of quality 90 whose longer side is at most
    4000 pixels. The stored original is never changed.

    Text form: \c FROM=TO[:qQUALITY][:LONGEST], FROM a type or a pattern (\c{image/\*}), several rules
    separated by commas or semicolons; the first rule that matches a file applies.
*/
struct DerivativeRule
{
    Q_DECLARE_TR_FUNCTIONS(gh::DerivativeRule)

public:
    QString from;        //!< "image/jp2", "image/*".
    QString to;          //!< "image/jpeg", "image/png", "image/tiff", "image/webp".
    int quality = -1;    //!< 0–100; -1 for the encoder's default.
    int longestSide = 0; //!< Pixels; 0 keeps the size. Never upscales.

    static Result<DerivativeRule> parse(const QString &text);
    static Result<QList<DerivativeRule>> parseList(const QString &text);
    //! The first rule of \a rules for \a mimetype, if any.
    static const DerivativeRule *find(const QList<DerivativeRule> &rules, const QString &mimetype);

    bool matches(const QString &mimetype) const;
    //! The text form, which parse() reads back.
    QString toText() const;
    //! The extension of the derivative's type, with its dot (".jpg").
    QString extension() const;
    //! \a name with its extension replaced by the derivative's ("page.jp2" → "page.jpg").
    QString renamed(const QString &name) const;
};

/*!
    \class gh::Derivative
    A dissemination copy made by a DerivativeConverter: a temporary file and its digests.
*/
struct Derivative
{
    QString path; //!< A temporary file the caller removes when done.
    QString mimetype;
    qint64 size = 0;
    Digests digests;
    int width = 0;
    int height = 0;
};

/*!
    \class gh::DerivativeConverter
    Makes derivatives. Core knows only this interface: the implementation decodes and encodes images and
    so lives above core (Gatehouse::Imaging links Qt Gui); the applications install it at start-up with
    install(). Implementations are reentrant: the upload stage converts on its worker threads.
*/
class DerivativeConverter
{
    Q_DECLARE_TR_FUNCTIONS(gh::DerivativeConverter)

public:
    virtual ~DerivativeConverter() = default;
    //! Whether \a rule can be carried out (its target type can be written).
    virtual Status supports(const DerivativeRule &rule) const = 0;
    /*!
        Converts the file at \a sourcePath (of type \a mimetype) by \a rule into a new file in \a tempDir,
        hashing it as it is written. Fails with a message naming the source.
    */
    virtual Result<Derivative> convert(const QString &sourcePath, const QString &mimetype,
                                       const DerivativeRule &rule, const QString &tempDir,
                                       const std::shared_ptr<std::atomic_bool> &cancel) const = 0;

    //! Makes \a converter the one core uses (the applications call this once at start-up).
    static void install(std::shared_ptr<DerivativeConverter> converter);
    //! The installed converter, or null when none is (then rules cannot be applied).
    static std::shared_ptr<DerivativeConverter> installed();
};

} // namespace gh
