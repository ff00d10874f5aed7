# Empty dependencies file for fuzz_sim_fleet.
# This may be replaced when dependencies are built.
