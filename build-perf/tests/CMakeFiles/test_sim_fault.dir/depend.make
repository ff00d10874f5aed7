# Empty dependencies file for test_sim_fault.
# This may be replaced when dependencies are built.
