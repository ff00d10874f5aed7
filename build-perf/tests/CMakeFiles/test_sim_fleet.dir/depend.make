# Empty dependencies file for test_sim_fleet.
# This may be replaced when dependencies are built.
