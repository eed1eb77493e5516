# `cmake --install build --prefix P` (docs/install.md): the executables (cli/, train/), the shared runtime
# with its headers (infer/runtime/), and here the CMake package of the runtime, the documentation and the
# systemd unit of `sieve serve`. The Python module installs on its own (python/: --component python).
include(CMakePackageConfigHelpers)

set(SIEVE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/sieve)
if(TARGET sieve_runtime_shared)
  install(EXPORT sieveTargets NAMESPACE sieve:: DESTINATION ${SIEVE_CMAKE_DIR} COMPONENT dev)
  configure_package_config_file(cmake/sieveConfig.cmake.in ${PROJECT_BINARY_DIR}/sieveConfig.cmake
                                INSTALL_DESTINATION ${SIEVE_CMAKE_DIR})
  # Before 1.0 every minor version may change the library's ABI.
  write_basic_package_version_file(${PROJECT_BINARY_DIR}/sieveConfigVersion.cmake
                                   COMPATIBILITY SameMinorVersion)
  install(FILES ${PROJECT_BINARY_DIR}/sieveConfig.cmake ${PROJECT_BINARY_DIR}/sieveConfigVersion.cmake
          DESTINATION ${SIEVE_CMAKE_DIR} COMPONENT dev)
endif()

install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT docs)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT docs)

# The unit names /usr/bin/sieve and /usr/libexec/sieve/wait-ready: it is written for the package.
install(FILES packaging/sieve-serve.service DESTINATION lib/systemd/system COMPONENT service)
install(PROGRAMS packaging/wait-ready DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/sieve COMPONENT service)
