file(REMOVE_RECURSE
  "../bin/test_firehose"
  "../bin/test_firehose.pdb"
  "CMakeFiles/test_firehose.dir/unit/test_firehose.c.o"
  "CMakeFiles/test_firehose.dir/unit/test_firehose.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/test_firehose.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
