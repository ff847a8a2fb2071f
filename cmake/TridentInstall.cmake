# Installs the header, the libraries, a relocatable trident.pc and the CMake package trident::.
include(CMakePackageConfigHelpers)

install(FILES ${PROJECT_SOURCE_DIR}/include/trident.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS ${TRIDENT_LIBRARY_TARGETS}
    EXPORT tridentTargets
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(TRIDENT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/trident)
install(EXPORT tridentTargets NAMESPACE trident:: DESTINATION ${TRIDENT_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/tridentConfig.cmake.in
    ${PROJECT_BINARY_DIR}/tridentConfig.cmake
    INSTALL_DESTINATION ${TRIDENT_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/tridentConfigVersion.cmake
    COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/tridentConfig.cmake ${PROJECT_BINARY_DIR}/tridentConfigVersion.cmake
    DESTINATION ${TRIDENT_CMAKE_DIR})

# pkg-config: the prefix is computed from the .pc file's own location, so the tree can be moved.
file(RELATIVE_PATH TRIDENT_PC_TO_PREFIX "/root/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/root")
configure_file(${PROJECT_SOURCE_DIR}/cmake/trident.pc.in ${PROJECT_BINARY_DIR}/trident.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/trident.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
