# Empty dependencies file for test_sim_files.
# This may be replaced when dependencies are built.
