# Warnings, sanitizers and visibility for every target of the project.

set(TRIDENT_WARNINGS
    -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wundef
    -Wvla -Wcast-qual -Wpointer-arith)

# Applies the project's warning set (and -Werror when asked) to a C target.
function(trident_warnings target)
    target_compile_options(${target} PRIVATE ${TRIDENT_WARNINGS})
    if(TRIDENT_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
endfunction()

if(TRIDENT_SANITIZE)
    string(REPLACE ";" "," _trd_san "${TRIDENT_SANITIZE}")
    if(NOT _trd_san MATCHES "^(address|undefined|address,undefined|undefined,address|thread)$")
        message(FATAL_ERROR "TRIDENT_SANITIZE must be \"address;undefined\", \"address\", \"undefined\", "
                            "\"thread\" or empty, not \"${TRIDENT_SANITIZE}\"")
    endif()
    add_compile_options(-fsanitize=${_trd_san} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    add_link_options(-fsanitize=${_trd_san})
endif()

if(TRIDENT_BUILD_FUZZERS)
    if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
        message(FATAL_ERROR "TRIDENT_BUILD_FUZZERS needs clang (libFuzzer); configure with the fuzz preset")
    endif()
    # Coverage instrumentation for the library; the fuzz executables add the libFuzzer driver.
    add_compile_options(-fsanitize=fuzzer-no-link)
endif()
