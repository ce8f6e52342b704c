#pragma once

#include <optional>

#include <QList>
#include <QString>

#include "intake/xml/safexml.h"

namespace gh {

/*!
    \namespace gh::MetadataFacts
    What the QA checks read from the metadata files of a digitised page, each with the line it is on: the
    pixel size MIX states, the page size and word confidences of ALTO, the page number and identifiers of
    MODS. Namespaces are matched by URI (MIX 1.0 and 2.0, ALTO 1 to 4, MODS 3).
*/
namespace MetadataFacts {

enum class Kind
{
    Other,
    Mix,
    Alto,
    Mods
};

//! What the document whose root element is \a root is.
Kind kindOf(const XmlElement &root);

/*!
    \class gh::MetadataFacts::Size
    A width and height as a metadata file states them.
*/
struct Size
{
    qint64 width = 0;
    qint64 height = 0;
    int line = 0;
    QString unit; //!< ALTO's MeasurementUnit ("pixel", "mm10", "inch1200"); "pixel" for MIX.
};

//! MIX: BasicImageCharacteristics imageWidth and imageHeight (the line of imageWidth).
std::optional<Size> mixSize(const XmlElement &root);
//! ALTO: the first Page's WIDTH and HEIGHT in the document's MeasurementUnit (pixel when it names none).
std::optional<Size> altoPageSize(const XmlElement &root);

/*!
    \class gh::MetadataFacts::Confidence
    The OCR confidence of an ALTO file: the mean of its String elements' word confidence (WC, 0–1).
*/
struct Confidence
{
    double mean = 0;
    qint64 words = 0;          //!< String elements.
    qint64 withConfidence = 0; //!< Of those, how many carry WC.
};
Confidence altoConfidence(const XmlElement &root);

/*!
    \class gh::MetadataFacts::PageNumber
    A page number as MODS states it (part/detail of type page or pageNumber, or part/extent in pages).
*/
struct PageNumber
{
    int number = 0;
    int line = 0;
};
std::optional<PageNumber> modsPageNumber(const XmlElement &root);

/*!
    \class gh::MetadataFacts::Identifier
    A MODS identifier element.
*/
struct Identifier
{
    QString type;
    QString value;
    int line = 0;
};
//! Every mods:identifier in the document, related items included.
QList<Identifier> modsIdentifiers(const XmlElement &root);

} // namespace MetadataFacts

} // namespace gh
