file(REMOVE_RECURSE
  "CMakeFiles/sarafw_common.dir/common/baud.c.o"
  "CMakeFiles/sarafw_common.dir/common/baud.c.o.d"
  "CMakeFiles/sarafw_common.dir/common/blob.c.o"
  "CMakeFiles/sarafw_common.dir/common/blob.c.o.d"
  "CMakeFiles/sarafw_common.dir/common/bundle.c.o"
  "CMakeFiles/sarafw_common.dir/common/bundle.c.o.d"
  "CMakeFiles/sarafw_common.dir/common/delta.c.o"
  "CMakeFiles/sarafw_common.dir/common/delta.c.o.d"
  "CMakeFiles/sarafw_common.dir/common/escape.c.o"
  "CMakeFiles/sarafw_common.dir/common/escape.c.o.d"
  "CMakeFiles/sarafw_common.dir/common/firehose.c.o"
  "CMakeFiles/sarafw_common.dir/common/firehose.c.o.d"
  "CMakeFiles/sarafw_common.dir/common/json.c.o"
  "CMakeFiles/sarafw_common.dir/common/json.c.o.d"
  "CMakeFiles/sarafw_common.dir/common/pkg.c.o"
  "CMakeFiles/sarafw_common.dir/common/pkg.c.o.d"
  "CMakeFiles/sarafw_common.dir/common/pkg_demokey.c.o"
  "CMakeFiles/sarafw_common.dir/common/pkg_demokey.c.o.d"
  "CMakeFiles/sarafw_common.dir/common/rat.c.o"
  "CMakeFiles/sarafw_common.dir/common/rat.c.o.d"
  "CMakeFiles/sarafw_common.dir/common/sahara.c.o"
  "CMakeFiles/sarafw_common.dir/common/sahara.c.o.d"
  "libsarafw_common.a"
  "libsarafw_common.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/sarafw_common.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
