# copy_corpus.cmake - fresh working copy of a seed corpus for a libFuzzer run (CTest fixture).
#   cmake -DSRC=<seed dir> -DDST=<work dir> -DART=<artifact dir> -P copy_corpus.cmake
# libFuzzer adds the inputs it finds to DST; the seeds in the source tree are never written.
foreach(var SRC DST ART)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "copy_corpus.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT IS_DIRECTORY "${SRC}")
  message(FATAL_ERROR "copy_corpus.cmake: '${SRC}' is not a directory")
endif()
file(REMOVE_RECURSE "${DST}")
file(MAKE_DIRECTORY "${DST}" "${ART}")
file(GLOB seeds "${SRC}/*")
if(seeds)
  file(COPY ${seeds} DESTINATION "${DST}")
endif()
