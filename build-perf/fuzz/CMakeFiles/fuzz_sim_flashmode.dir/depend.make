# Empty dependencies file for fuzz_sim_flashmode.
# This may be replaced when dependencies are built.
