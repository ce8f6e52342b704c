#pragma once

#include <QJsonObject>

#include "safexml.h"

namespace gh {

/*!
    \class gh::DescriptiveMetadata
    The few descriptive fields a curator needs to recognise an item, read from MODS or simple Dublin Core
    into item metadata with the same keys for both: \c title (and \c subtitle), \c identifier (the first)
    and \c identifiers (each with its \c type where MODS gives one), \c date (issued, else created, else
    any) with \c date_issued and \c date_created, \c creators, \c description, and \c metadata_format
    ("mods" or "dc"). Fields that are absent are left out.
*/
class DescriptiveMetadata
{
public:
    //! Reads a \c mods:mods element.
    static QJsonObject fromMods(const XmlElement &mods);
    //! Reads the \c dc:* children of \a container (an \c oai_dc:dc, a METS \c xmlData, …).
    static QJsonObject fromDublinCore(const XmlElement &container);
    //! A page number a MODS record gives for a page (\c part/detail[@type=page|pageNumber]/number, or
    //! \c part/extent[@unit=pages]/start); 0 if none.
    static int modsPageNumber(const XmlElement &mods);
};

} // namespace gh
