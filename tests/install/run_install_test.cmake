# Installs the build into a temporary prefix, then builds and runs a consumer twice: once through the CMake
# package (find_package(trident) with trident::trident and trident::trident_static) and once through
# pkg-config (cc $(pkg-config --cflags --libs trident)).
# Inputs: BUILD_DIR WORK_DIR CONSUMER_DIR LIBDIR C_COMPILER GENERATOR

function(run)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
        string(REPLACE ";" " " cmd "${ARGN}")
        message(FATAL_ERROR "failed (${rc}): ${cmd}\n${out}\n${err}")
    endif()
    set(last_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(f include/trident.h ${LIBDIR}/libtrident.so ${LIBDIR}/libtrident.a ${LIBDIR}/pkgconfig/trident.pc
        ${LIBDIR}/cmake/trident/tridentConfig.cmake)
    if(NOT EXISTS ${prefix}/${f})
        message(FATAL_ERROR "install did not produce ${f}")
    endif()
endforeach()

# 1. CMake package
run(${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR}/cmake-consumer -G ${GENERATOR}
    -DCMAKE_C_COMPILER=${C_COMPILER} -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_RPATH=${prefix}/${LIBDIR})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/cmake-consumer)
run(${WORK_DIR}/cmake-consumer/consumer)
message(STATUS "CMake package, shared: ${last_output}")
run(${WORK_DIR}/cmake-consumer/consumer_static)
message(STATUS "CMake package, static: ${last_output}")

# 2. pkg-config (the .pc file is relocatable: its prefix is computed from its own location)
set(ENV{PKG_CONFIG_PATH} ${prefix}/${LIBDIR}/pkgconfig)
run(pkg-config --cflags --libs trident)
string(STRIP "${last_output}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
run(${C_COMPILER} ${CONSUMER_DIR}/consumer.c -o ${WORK_DIR}/pc-consumer ${flags} -Wl,-rpath,${prefix}/${LIBDIR})
run(${WORK_DIR}/pc-consumer)
message(STATUS "pkg-config: ${last_output}")
run(pkg-config --modversion trident)
message(STATUS "pkg-config --modversion trident: ${last_output}")
