# Finds the Debian-packaged dependencies.  Each failure names the package that provides what is missing.
#
#   libyaml  (libyaml-dev)     the YAML model loader
#   GSL      (libgsl-dev)      Gaussian processes and optimisation (observe and adapt layers)
#   a CBLAS for GSL: GSL's own (default) or OpenBLAS (libopenblas-dev, TRIDENT_BLAS=openblas)
#   GLPK     (libglpk-dev)     the MILP solver (schedule layer)
#   cmocka   (libcmocka-dev)   the C test framework (tests only)

find_package(PkgConfig QUIET)
if(NOT PKG_CONFIG_FOUND)
    message(FATAL_ERROR "libtrident needs pkg-config to find its dependencies (Debian: apt-get install pkg-config)")
endif()

# trident_require_pkg(<prefix> <pkg-config module> <Debian package> <what it is for>)
macro(trident_require_pkg prefix module package purpose)
    pkg_check_modules(${prefix} QUIET IMPORTED_TARGET GLOBAL ${module})
    if(NOT ${prefix}_FOUND)
        message(FATAL_ERROR "libtrident needs ${module} for ${purpose}, and pkg-config cannot find it.\n"
                            "On Debian or Ubuntu: apt-get install ${package}")
    endif()
    message(STATUS "Found ${module} ${${prefix}_VERSION} (${package})")
endmacro()

trident_require_pkg(TRIDENT_YAML yaml-0.1 libyaml-dev "the YAML model loader")
trident_require_pkg(TRIDENT_GSL gsl libgsl-dev "Gaussian-process regression")

# GSL needs a CBLAS.  Its pkg-config file names the reference one (libgslcblas), the default here: the GP's
# hot loops are our own code (src/common/linalg.c) and GSL only calls BLAS on vectors of a dozen entries.
# TRIDENT_BLAS=openblas links OpenBLAS in its place (libgsl's cblas_* calls then bind to it, see
# research/deps.md 2.1); note that the pthread build of OpenBLAS starts worker threads when it is loaded.
find_library(TRIDENT_GSL_LIBRARY NAMES gsl HINTS ${TRIDENT_GSL_LIBRARY_DIRS})
if(TRIDENT_BLAS STREQUAL "openblas")
    trident_require_pkg(TRIDENT_OPENBLAS openblas libopenblas-dev "the BLAS behind GSL (or set -DTRIDENT_BLAS=gslcblas)")
    find_library(TRIDENT_BLAS_LIBRARY NAMES openblas HINTS ${TRIDENT_OPENBLAS_LIBRARY_DIRS})
    set(TRIDENT_BLAS_NAME openblas)
elseif(TRIDENT_BLAS STREQUAL "gslcblas")
    find_library(TRIDENT_BLAS_LIBRARY NAMES gslcblas HINTS ${TRIDENT_GSL_LIBRARY_DIRS})
    set(TRIDENT_BLAS_NAME gslcblas)
else()
    message(FATAL_ERROR "TRIDENT_BLAS must be gslcblas or openblas, not \"${TRIDENT_BLAS}\"")
endif()
if(NOT TRIDENT_GSL_LIBRARY OR NOT TRIDENT_BLAS_LIBRARY)
    message(FATAL_ERROR "libtrident needs libgsl and a CBLAS (${TRIDENT_BLAS}).\n"
                        "On Debian or Ubuntu: apt-get install libgsl-dev")
endif()
add_library(trident_gsl INTERFACE)
target_include_directories(trident_gsl INTERFACE ${TRIDENT_GSL_INCLUDE_DIRS})
target_link_libraries(trident_gsl INTERFACE ${TRIDENT_GSL_LIBRARY} ${TRIDENT_BLAS_LIBRARY} m)
# How the installed static library names them (plain names: Debian puts them on the default link path).
set(TRIDENT_GSL_LINK_NAMES gsl ${TRIDENT_BLAS_NAME} m)

# GLPK ships no pkg-config file on Debian.
find_path(TRIDENT_GLPK_INCLUDE_DIR glpk.h)
find_library(TRIDENT_GLPK_LIBRARY NAMES glpk)
if(NOT TRIDENT_GLPK_INCLUDE_DIR OR NOT TRIDENT_GLPK_LIBRARY)
    message(FATAL_ERROR "libtrident needs GLPK for the scheduling MILP, and glpk.h or libglpk was not found.\n"
                        "On Debian or Ubuntu: apt-get install libglpk-dev")
endif()
file(STRINGS "${TRIDENT_GLPK_INCLUDE_DIR}/glpk.h" _trd_glpk_major REGEX "^#define GLP_MAJOR_VERSION")
message(STATUS "Found GLPK: ${TRIDENT_GLPK_LIBRARY} (libglpk-dev; ${_trd_glpk_major})")
add_library(trident_glpk INTERFACE)
target_include_directories(trident_glpk INTERFACE ${TRIDENT_GLPK_INCLUDE_DIR})
target_link_libraries(trident_glpk INTERFACE ${TRIDENT_GLPK_LIBRARY})

# POSIX threads: the context's mutex (trd_ctx_observe is callable from many threads).  The library starts
# no threads of its own.
set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)

if(TRIDENT_BUILD_TESTS)
    trident_require_pkg(TRIDENT_CMOCKA cmocka libcmocka-dev "the test suite (or configure with -DTRIDENT_BUILD_TESTS=OFF)")
endif()
