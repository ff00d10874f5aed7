# Empty dependencies file for test_sim_install.
# This may be replaced when dependencies are built.
