#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace gh {

/*!
    \class gh::Migration
    One forward-only step of the catalog schema. Statements may use the placeholders SqlDialect::expand()
    knows. Never edit a migration that has shipped: add a new one.
*/
struct Migration
{
    int version;
    QString description;
    QStringList statements;
};

const QList<Migration> &catalogMigrations();

} // namespace gh
