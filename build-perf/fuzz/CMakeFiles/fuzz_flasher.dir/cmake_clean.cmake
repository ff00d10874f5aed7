file(REMOVE_RECURSE
  "CMakeFiles/fuzz_flasher.dir/__/cli/flasher.c.o"
  "CMakeFiles/fuzz_flasher.dir/__/cli/flasher.c.o.d"
  "CMakeFiles/fuzz_flasher.dir/driver.c.o"
  "CMakeFiles/fuzz_flasher.dir/driver.c.o.d"
  "CMakeFiles/fuzz_flasher.dir/fuzz_flasher.c.o"
  "CMakeFiles/fuzz_flasher.dir/fuzz_flasher.c.o.d"
  "fuzz_flasher"
  "fuzz_flasher.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/fuzz_flasher.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
