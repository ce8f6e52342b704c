#pragma once

#include <cstddef>

namespace gh {

/*!
    Counts \a bytes hashed outside OpenSSL into the message length of \a context, an OpenSSL MD5, SHA1 or
   SHA256 context (the "md32" family, which keeps the length in bits over two 32-bit words, Nl and Nh), as its
   own Update function would: for Md5Lanes and ShaPair, which advance a context's state words block by block.
*/
template <class Context>
void countHashedBytes(Context &context, size_t bytes)
{
    using Word = decltype(context.Nl);
    const auto low = static_cast<Word>(context.Nl + static_cast<Word>(bytes << 3));
    if (low < context.Nl)
        ++context.Nh;
    context.Nh += static_cast<Word>(bytes >> 29);
    context.Nl = low;
}

} // namespace gh
