# Empty dependencies file for test_sim_flashmode.
# This may be replaced when dependencies are built.
