#pragma once

#include <QByteArray>

namespace gh::test {

/*!
    A PNG of \a side × \a side pixels of noise: bytes unique for \a seed, about side² × 3 bytes when
    \a compression is 0 (stored), smaller with the writer's default (-1). For tests that upload images a
    target must tell apart.
*/
QByteArray noisePng(int side, quint32 seed, int compression = -1);

} // namespace gh::test
