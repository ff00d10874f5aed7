# Empty dependencies file for fuzz_sim_lwm2m.
# This may be replaced when dependencies are built.
