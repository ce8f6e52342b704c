#pragma once

namespace gh {

/*!
    Installs the English plural forms ("1 file", "2 files") compiled into the core library, once per
    application. It runs by itself when a QCoreApplication starts (see model/status.cpp); translators the
    application installs afterwards (Danish, German) are asked first.
*/
void installEnglishPluralForms();

} // namespace gh
