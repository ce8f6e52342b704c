#pragma once

#include <utility>
#include <variant>

#include <QString>

namespace gh {

/*!
    \enum gh::ErrorCode
    What kind of failure an Error describes; callers branch on this, users read the message.
*/
enum class ErrorCode
{
    Usage,        //!< The caller asked for something that cannot be done as asked.
    NotFound,     //!< A file, folder, batch or record does not exist.
    Unreadable,   //!< Exists but cannot be read (permissions, I/O error).
    Io,           //!< Writing failed (disk full, permissions, rename failed).
    Corrupt,      //!< Content is damaged or not what it claims to be.
    SchemaTooNew, //!< The catalog was written by a newer Gatehouse.
    Database,     //!< The SQL layer reported an error.
    UnsafePath,   //!< A path would escape its destination.
    Invalid,      //!< Input is well-formed but violates a rule (a manifest, a bag).
    Unsupported,  //!< A format or feature Gatehouse does not handle.
    Network,      //!< A transfer failed.
    Cancelled,    //!< The user or a signal cancelled the operation.
    LimitExceeded //!< A configured limit (size, count, ratio, depth) was exceeded.
};

/*!
    \class gh::Error
    A failure as a value: a code for the program and a translated, complete sentence for the user that says
    what failed and where (the file, the URL, the batch).
*/
struct Error
{
    ErrorCode code;
    QString message;
};

/*!
    \class gh::Result
    Either a value or an Error. Core APIs return this instead of throwing; exceptions never cross a function
   or thread boundary in Gatehouse.
*/
template <typename T>
class [[nodiscard]] Result
{
public:
    Result(T value)
        : m_data(std::in_place_index<0>, std::move(value))
    {}
    Result(Error error)
        : m_data(std::in_place_index<1>, std::move(error))
    {}

    bool ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { return std::get<0>(m_data); }
    const T &value() const & { return std::get<0>(m_data); }
    T &&value() && { return std::get<0>(std::move(m_data)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    const Error &error() const { return std::get<1>(m_data); }

private:
    std::variant<T, Error> m_data;
};

/*!
    \class gh::Status
    Success, or an Error.
*/
class [[nodiscard]] Status
{
public:
    Status() = default;
    Status(Error error)
        : m_error(std::move(error))
        , m_failed(true)
    {}

    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return m_error; }

private:
    Error m_error{ErrorCode::Usage, {}};
    bool m_failed = false;
};

} // namespace gh
