#pragma once

#include <optional>

#include <QCoreApplication>
#include <QList>
#include <QString>

#include "util/result.h"

namespace gh {

/*!
    \enum gh::InspectionLevel
    The inspection levels of ISO 2859-1 Table I: four special levels (small samples, for costly or
    destructive inspection) and three general levels (II is the standard's default).
*/
enum class InspectionLevel
{
    S1, //!< "S-1"
    S2, //!< "S-2"
    S3, //!< "S-3"
    S4, //!< "S-4"
    I,  //!< "I"
    II, //!< "II"
    III //!< "III"
};

/*!
    \class gh::SamplingPlan
    An ISO 2859-1 single sampling plan for normal inspection: how many items of a lot to inspect, and how
    many defects accept or reject the lot.
*/
struct SamplingPlan
{
    qint64 lotSize = 0;
    InspectionLevel level = InspectionLevel::II;
    int aqlHundredths = 100;   //!< The AQL in hundredths of a percent (1.0 % is 100, 0.10 % is 10).
    QChar codeLetter;          //!< From Table I (lot size and level).
    QChar planLetter;          //!< The Table II-A row whose plan applies after following the arrows.
    qint64 planSampleSize = 0; //!< n of the applied plan, before comparing it with the lot size.
    qint64 sampleSize = 0;     //!< Items to inspect: n, or the whole lot when n reaches it.
    int accept = 0;            //!< Ac: the lot is accepted with this many defects or fewer.
    int reject = 1;            //!< Re: the lot is rejected at this many defects or more.

    //! Whether every item of the lot is inspected (the plan's n is at least the lot size).
    bool isFullInspection() const { return sampleSize >= lotSize; }
    //! "1.0", "0.10", "6.5": the AQL as the standard writes it.
    QString aqlText() const;
    double aql() const { return aqlHundredths / 100.0; }
};

/*!
    \class gh::SamplingPlans
    ISO 2859-1 (ANSI/ASQ Z1.4) single sampling, normal inspection, for AQLs from 0.10 % to 6.5 %.

    The two tables of the standard are hard-coded from the reference (\c shared/reference/iso2859-1.md),
    never derived with a formula: Table I maps the lot size and inspection level to a sample size code
    letter; Table II-A maps the code letter and AQL to the sample size n and the numbers Ac and Re. Where
    Table II-A has an arrow, the arrow is already followed: the cell holds the plan of the row the arrow
    points to (its letter, its n, its Ac and Re). When n equals or exceeds the lot size, every item is
    inspected with the plan's Ac and Re.

    A lot of one item uses the first row of Table I (2 to 8 items).
*/
class SamplingPlans
{
    Q_DECLARE_TR_FUNCTIONS(gh::SamplingPlans)

public:
    //! The plan for a lot of \a lotSize items; fails for a lot size below 1 or an AQL outside the table.
    static Result<SamplingPlan> plan(qint64 lotSize, int aqlHundredths, InspectionLevel level);
    //! The same with the AQL and level as a curator writes them ("1.0", "II").
    static Result<SamplingPlan> plan(qint64 lotSize, const QString &aql, const QString &level);

    //! Table I: the sample size code letter for \a lotSize (at least 1) at \a level.
    static QChar codeLetter(qint64 lotSize, InspectionLevel level);

    //! The AQLs of the table, in hundredths of a percent, ascending (10 … 650).
    static const QList<int> &aqls();
    //! "1", "1.0", "0.1", "0.10", "6.5" → hundredths; nothing for a value that is not a column of the table.
    static std::optional<int> parseAql(const QString &text);
    //! 100 → "1.0", 10 → "0.10", 650 → "6.5".
    static QString aqlText(int aqlHundredths);

    static QString levelKey(InspectionLevel level);
    //! "S-1" … "S-4", "I", "II", "III" (case-insensitive, "S1" accepted too).
    static std::optional<InspectionLevel> parseLevel(const QString &text);
    static const QList<InspectionLevel> &levels();
};

} // namespace gh
