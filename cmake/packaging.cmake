# `make package`: two Debian packages from the install rules (docs/install.md), one per component group.
#   sieve        the Torch-free side: `sieve`, libsieve_runtime.so with its headers and CMake package, the
#                Python module for Debian's python3, the documentation, the sieve-serve systemd unit
#   sieve-train  `sieve-train` (LibTorch), which `sieve train` starts from the same folder
# The two never share a process (docs/architecture.md), so they can be packaged apart.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME sieve)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "sieve maintainers <sieve@example.org>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
# cpack installs what is built (`make package` builds the target `packaged` first), never the whole tree.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)
set(CPACK_COMPONENTS_GROUPING ONE_PER_GROUP)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # sieve_0.1.0_amd64.deb, sieve-train_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION science)
# Depends on the shared libraries found by dpkg-shlibdeps (ICU, SentencePiece, oneTBB, LibTorch, ...);
# a shlibs file and the ldconfig trigger for libsieve_runtime.so.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)

set(CPACK_COMPONENTS_ALL runtime dev docs service)
if(TARGET sieve_python)
  list(APPEND CPACK_COMPONENTS_ALL python_package)
  # The module is built for one interpreter (its file name says which: .cpython-311-...), numpy at run time.
  get_target_property(python_suffix sieve_python SUFFIX)
  if(python_suffix MATCHES "cpython-3([0-9]+)")
    math(EXPR python_next "${CMAKE_MATCH_1} + 1")
    set(CPACK_DEBIAN_MAIN_PACKAGE_DEPENDS
        "python3 (>= 3.${CMAKE_MATCH_1}), python3 (<< 3.${python_next}), python3-numpy")
  endif()
endif()
set(CPACK_DEBIAN_MAIN_PACKAGE_NAME sieve)
# sieve-train for `sieve train`; Dask for the module sieve_dask (docs/scoring.md).
set(CPACK_DEBIAN_MAIN_PACKAGE_SUGGESTS "sieve-train, python3-dask, python3-distributed")
# The first line of a description is the package's summary.
set(CPACK_DEBIAN_MAIN_DESCRIPTION "scoring and serving of multilingual text classifiers (Torch-free)
The Torch-free side of sieve, text classifiers against coordinated influence operations: the sieve
command (score, serve, eval, calibrate, drift, adapt, ...), the shared runtime library libsieve_runtime.so
with its headers and CMake package (sieve::runtime), the Python module sieve and the sieve-serve unit.")
if(TARGET sieve-train)
  list(APPEND CPACK_COMPONENTS_ALL train)
  set(CPACK_DEBIAN_TRAINING_PACKAGE_NAME sieve-train)
  set(CPACK_DEBIAN_TRAINING_PACKAGE_DEPENDS "sieve (= ${PROJECT_VERSION})")
  set(CPACK_DEBIAN_TRAINING_PACKAGE_RECOMMENDS "libopenblas0-pthread")  # LibTorch is 20x slower without
  set(CPACK_DEBIAN_TRAINING_DESCRIPTION "training of sieve's text classifiers (LibTorch)
The trainer that sieve train and sieve adapt --fine-tune start: shard sets in, model.sieve out.")
endif()

# What the packages hold, so that `make package` builds no more than that before running cpack.
add_custom_target(packaged)
add_dependencies(packaged sieve)
foreach(target sieve_runtime_shared sieve_python sieve-train)
  if(TARGET ${target})
    add_dependencies(packaged ${target})
  endif()
endforeach()

include(CPack)
cpack_add_component_group(main)
cpack_add_component_group(training)
foreach(component runtime dev docs service python_package)
  cpack_add_component(${component} GROUP main)
endforeach()
cpack_add_component(train GROUP training)
