# Checks the FFI rules of DESIGN section 3 on the public header, so a binding generator can keep parsing it:
#  - every #define outside the include guard and TRD_API block is an integer literal (cffi reads only those);
#  - no varargs, unions or bitfields;
#  - no struct passed or returned by value (only pointers to structs cross the boundary);
#  - struct fields use fixed-width integers or double, never enum types or platform-width int/long.
# Usage: cmake -DHEADER=include/trident.h -P check_ffi_rules.cmake
cmake_policy(SET CMP0007 NEW)
file(READ "${HEADER}" text)
# Drop comments so that prose cannot trip the rules.
string(REGEX REPLACE "/\\*([^*]|\\*+[^*/])*\\*+/" "" code "${text}")
string(REGEX REPLACE "//[^\n]*" "" code "${code}")
set(errors "")

string(REGEX MATCHALL "#define[ \t]+[A-Za-z_0-9]+[ \t]+[^\n]*" defines "${code}")
foreach(d IN LISTS defines)
    string(REGEX REPLACE "#define[ \t]+([A-Za-z_0-9]+)[ \t]+(.*)" "\\1" name "${d}")
    string(REGEX REPLACE "#define[ \t]+([A-Za-z_0-9]+)[ \t]+(.*)" "\\2" value "${d}")
    string(STRIP "${value}" value)
    if(name STREQUAL "TRD_API")
        continue()
    endif()
    if(NOT value MATCHES "^\\(?-?[0-9]+\\)?$")
        string(APPEND errors "  #define ${name} is not an integer literal: ${value}\n")
    endif()
endforeach()

if(code MATCHES "\\.\\.\\.")
    string(APPEND errors "  varargs (...) in a declaration\n")
endif()
if(code MATCHES "[^A-Za-z_]union[ \t\n]")
    string(APPEND errors "  a union\n")
endif()

# Struct bodies: fields must be fixed-width integers, double, size_t-free, pointers or function pointers.
string(REGEX MATCHALL "typedef struct [a-z_]+ {[^}]*}" bodies "${code}")
foreach(body IN LISTS bodies)
    string(REGEX MATCH "typedef struct ([a-z_]+)" _ "${body}")
    set(sname "${CMAKE_MATCH_1}")
    string(REGEX REPLACE "typedef struct [a-z_]+ {" "" fields "${body}")
    string(REPLACE "}" "" fields "${fields}")
    string(REPLACE ";" "\n" fields "${fields}")
    string(REPLACE "\n" ";" fields "${fields}")
    foreach(f IN LISTS fields)
        string(REGEX REPLACE "[ \t\n]+" " " f "${f}")
        string(STRIP "${f}" f)
        if(f STREQUAL "")
            continue()
        endif()
        if(f MATCHES ":[ \t]*[0-9]+$")
            string(APPEND errors "  ${sname}: bitfield '${f}'\n")
        elseif(f MATCHES "\\(\\*")
            # function pointer: fine
        elseif(NOT f MATCHES "^(uint32_t|uint64_t|int32_t|int64_t|double) " AND NOT f MATCHES "^(void|const char) \\*")
            string(APPEND errors "  ${sname}: field '${f}' is not a fixed-width integer, double or pointer\n")
        endif()
    endforeach()
endforeach()

# Function declarations: no struct by value in parameters or results.
# Declarations: preprocessor lines dropped, and ';' replaced because CMake lists split on it.
string(REGEX REPLACE "\n[ \t]*#[^\n]*" "\n" decl_code "${code}")
string(REPLACE ";" "@" decl_code "${decl_code}")
string(REGEX MATCHALL "TRD_API[^@]*@" decls "${decl_code}")
list(LENGTH decls ndecls)
if(ndecls LESS 20)
    string(APPEND errors "  found only ${ndecls} TRD_API declarations: the check is not seeing the header\n")
endif()
foreach(decl IN LISTS decls)
    string(REGEX REPLACE "[ \t\n]+" " " flat "${decl}")
    string(REGEX MATCHALL "(const )?(trd_[a-z_]+|struct [a-z_]+) [a-z_]+[,)]" byvalue "${flat}")
    foreach(p IN LISTS byvalue)
        # Enums are passed by value and are fine; structs are not.
        if(p MATCHES "trd_(sample|ingest_stats|allocator) ")
            string(APPEND errors "  struct passed by value in: ${flat}\n")
        endif()
    endforeach()
    if(flat MATCHES "^TRD_API (trd_sample|trd_ingest_stats|trd_allocator) ")
        string(APPEND errors "  struct returned by value: ${flat}\n")
    endif()
endforeach()

if(errors)
    message(FATAL_ERROR "include/trident.h breaks the FFI rules:\n${errors}")
endif()
message(STATUS "trident.h: ${ndecls} declarations follow the FFI rules")
