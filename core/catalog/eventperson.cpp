#include "eventperson.h"

#include <QMutex>

namespace gh {

namespace {

QMutex s_mutex;
QString s_person;

} // namespace

void EventPerson::set(const QString &name)
{
    // "curator:anna", as decisions name their curator, is anna.
    QString person = name.trimmed();
    if (person.startsWith(u"curator:"))
        person = person.mid(8).trimmed();
    QMutexLocker lock(&s_mutex);
    s_person = person;
}

QString EventPerson::current()
{
    QMutexLocker lock(&s_mutex);
    return s_person;
}

bool EventPerson::isSoftware(const QString &agent)
{
    return agent.startsWith(u"gatehouse/");
}

QString EventPerson::of(const EventRecord &event)
{
    if (!event.person.isEmpty())
        return event.person;
    return isSoftware(event.agent) ? current() : QString();
}

QVariant EventPerson::column(const EventRecord &event)
{
    const QString person = of(event);
    return person.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(person);
}

} // namespace gh
