file(REMOVE_RECURSE
  "CMakeFiles/fuzz_firehose.dir/driver.c.o"
  "CMakeFiles/fuzz_firehose.dir/driver.c.o.d"
  "CMakeFiles/fuzz_firehose.dir/fuzz_firehose.c.o"
  "CMakeFiles/fuzz_firehose.dir/fuzz_firehose.c.o.d"
  "fuzz_firehose"
  "fuzz_firehose.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_firehose.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
