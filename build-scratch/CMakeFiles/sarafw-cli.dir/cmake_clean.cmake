file(REMOVE_RECURSE
  "CMakeFiles/sarafw-cli.dir/cli/cmd_files.c.o"
  "CMakeFiles/sarafw-cli.dir/cli/cmd_files.c.o.d"
  "CMakeFiles/sarafw-cli.dir/cli/cmd_info.c.o"
  "CMakeFiles/sarafw-cli.dir/cli/cmd_info.c.o.d"
  "CMakeFiles/sarafw-cli.dir/cli/cmd_install.c.o"
  "CMakeFiles/sarafw-cli.dir/cli/cmd_install.c.o.d"
  "CMakeFiles/sarafw-cli.dir/cli/cmd_net.c.o"
  "CMakeFiles/sarafw-cli.dir/cli/cmd_net.c.o.d"
  "CMakeFiles/sarafw-cli.dir/cli/cmd_pkg.c.o"
  "CMakeFiles/sarafw-cli.dir/cli/cmd_pkg.c.o.d"
  "CMakeFiles/sarafw-cli.dir/cli/cmd_profile.c.o"
  "CMakeFiles/sarafw-cli.dir/cli/cmd_profile.c.o.d"
  "CMakeFiles/sarafw-cli.dir/cli/cmd_update.c.o"
  "CMakeFiles/sarafw-cli.dir/cli/cmd_update.c.o.d"
  "CMakeFiles/sarafw-cli.dir/cli/connect.c.o"
  "CMakeFiles/sarafw-cli.dir/cli/connect.c.o.d"
  "CMakeFiles/sarafw-cli.dir/cli/main.c.o"
  "CMakeFiles/sarafw-cli.dir/cli/main.c.o.d"
  "CMakeFiles/sarafw-cli.dir/cli/options.c.o"
  "CMakeFiles/sarafw-cli.dir/cli/options.c.o.d"
  "CMakeFiles/sarafw-cli.dir/cli/plan.c.o"
  "CMakeFiles/sarafw-cli.dir/cli/plan.c.o.d"
  "CMakeFiles/sarafw-cli.dir/cli/port_kind.c.o"
  "CMakeFiles/sarafw-cli.dir/cli/port_kind.c.o.d"
  "CMakeFiles/sarafw-cli.dir/cli/progress.c.o"
  "CMakeFiles/sarafw-cli.dir/cli/progress.c.o.d"
  "CMakeFiles/sarafw-cli.dir/cli/signals.c.o"
  "CMakeFiles/sarafw-cli.dir/cli/signals.c.o.d"
  "CMakeFiles/sarafw-cli.dir/cli/upload.c.o"
  "CMakeFiles/sarafw-cli.dir/cli/upload.c.o.d"
  "bin/sarafw"
  "bin/sarafw.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/sarafw-cli.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
