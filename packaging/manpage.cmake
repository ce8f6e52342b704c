# Writes a man page from a program's own --help and --version (help2man), so the manual and the help can never
# disagree. For gatehouse-cli, every command's "gatehouse-cli COMMAND --help" becomes a subsection of COMMANDS.
# Run at build time:
#   cmake -DPROGRAM=path -DNAME=gatehouse-cli -DDESCRIPTION=… -DOUTPUT=file.1.gz -DHELP2MAN=… -P manpage.cmake
cmake_minimum_required(VERSION 3.25)

get_filename_component(bindir "${PROGRAM}" DIRECTORY)
get_filename_component(program "${PROGRAM}" NAME)
# The programs name themselves after argv[0]: run them through PATH so the page says "gatehouse-cli", not
# the build folder's path. The GUI needs no display for --help.
set(ENV{PATH} "${bindir}:$ENV{PATH}")
set(ENV{QT_QPA_PLATFORM} offscreen)
set(ENV{LANG} C.UTF-8)
set(ENV{LC_ALL} C.UTF-8)

# roff-escape one line of help text: backslashes, and a leading dot or quote that roff would take as a request.
function(roff_escape text out)
    string(REPLACE "\\" "\\e" text "${text}")
    string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
    set(${out} "${text}" PARENT_SCOPE)
endfunction()

set(include "${OUTPUT}.h2m")
file(WRITE "${include}" "")
if(COMMANDS)
    file(APPEND "${include}" "[COMMANDS]\nEach command has its own options, shown by \\fBgatehouse-cli COMMAND --help\\fR:\n")
    foreach(command IN LISTS COMMANDS)
        execute_process(COMMAND "${program}" ${command} --help
            OUTPUT_VARIABLE help RESULT_VARIABLE status ERROR_VARIABLE errors)
        if(NOT status EQUAL 0)
            message(FATAL_ERROR "${program} ${command} --help failed (${status}): ${errors}")
        endif()
        roff_escape("${help}" help)
        file(APPEND "${include}" ".SS \"${command}\"\n.nf\n${help}.fi\n")
    endforeach()
endif()
if(SEE_ALSO)
    file(APPEND "${include}" "[SEE ALSO]\n${SEE_ALSO}\n")
endif()

get_filename_component(outdir "${OUTPUT}" DIRECTORY)
string(REGEX REPLACE "\\.gz$" "" page "${OUTPUT}")
execute_process(
    COMMAND "${HELP2MAN}" --no-info --no-discard-stderr --section=1 "--name=${DESCRIPTION}"
            "--include=${include}" "--output=${page}" "${program}"
    RESULT_VARIABLE status ERROR_VARIABLE errors)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "help2man ${program} failed (${status}): ${errors}")
endif()
# Debian wants man pages compressed, reproducibly (no name, no time stamp in the gzip header).
execute_process(COMMAND gzip -9nf "${page}" RESULT_VARIABLE status)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "gzip ${page} failed")
endif()
