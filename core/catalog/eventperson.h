#pragma once

#include <QString>
#include <QVariant>

#include "model/records.h"

namespace gh {

/*!
    \class gh::EventPerson
    The person at work in this process, recorded beside the software in every machine event it writes
    (catalog v10, \c events.person): PREMIS links such an event to two agents, Gatehouse as the executing
    program and this person as the implementer.

    The top of the process says who it is once it knows (the CLI from \c --as and its settings, the GUI from
    its preferences, both through gh::Curator::name()); the catalog's event writers read it. Until then, and
   in processes that never say, machine events carry no person. An event whose agent is a person already (a
    curator's decision: "curator:anna") is never given a second one.
*/
class EventPerson
{
public:
    //! Who is at work from now on (trimmed, without the "curator:" of decision agents; empty: nobody).
    //! Thread-safe.
    static void set(const QString &name);
    static QString current();
    //! Whether \a agent names the software ("gatehouse/0.1.0 fetch") rather than a person.
    static bool isSoftware(const QString &agent);
    //! The person to record with \a event: its own, else for a machine event current(); empty for none.
    static QString of(const EventRecord &event);
    //! of(\a event) as a value to bind for the \c person column (NULL when there is none).
    static QVariant column(const EventRecord &event);
};

} // namespace gh
