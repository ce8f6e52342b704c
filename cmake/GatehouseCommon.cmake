# One INTERFACE target carries the language standard, warnings and Qt hygiene
# defines for every Gatehouse target (after qBittorrent's CommonConfig.cmake).

add_library(gatehouse_common INTERFACE)
add_library(Gatehouse::Common ALIAS gatehouse_common)

target_compile_features(gatehouse_common INTERFACE cxx_std_20)
set(CMAKE_CXX_EXTENSIONS OFF)

target_compile_definitions(gatehouse_common INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_CONTEXTLESS_CONNECT
    QT_NO_URL_CAST_FROM_STRING
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_USE_QSTRINGBUILDER
    QT_DISABLE_DEPRECATED_UP_TO=0x060400
)

target_compile_options(gatehouse_common INTERFACE
    -Wall -Wextra -Wpedantic -Werror
    -Wshadow=local -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
    -Wimplicit-fallthrough -Wformat=2
)

if(GATEHOUSE_SANITIZE)
    target_compile_options(gatehouse_common INTERFACE
        -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(gatehouse_common INTERFACE -fsanitize=address,undefined)
endif()

# Generated sources (moc, rcc) must build under the same rules but we do not own
# their warnings: mark Qt's include directories as system headers.
set(CMAKE_INCLUDE_DIRECTORIES_BEFORE OFF)

# The rule that matters most: the engine links no Qt Gui or Widgets. Walk the
# link interface of a target at configure time and fail loudly if it does.
function(gatehouse_forbid_links target)
    set(forbidden ${ARGN})
    set(queue ${target})
    set(seen "")
    while(queue)
        list(POP_FRONT queue current)
        if(current IN_LIST seen OR NOT TARGET ${current})
            continue()
        endif()
        list(APPEND seen ${current})
        get_target_property(aliased ${current} ALIASED_TARGET)
        if(aliased)
            list(APPEND queue ${aliased})
            continue()
        endif()
        foreach(property LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
            get_target_property(libs ${current} ${property})
            if(NOT libs)
                continue()
            endif()
            foreach(lib IN LISTS libs)
                string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" lib "${lib}")
                if(lib IN_LIST forbidden)
                    message(FATAL_ERROR "${target} must not link ${lib} (reached through ${current})")
                endif()
                list(APPEND queue ${lib})
            endforeach()
        endforeach()
    endwhile()
endfunction()
