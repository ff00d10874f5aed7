# Empty dependencies file for fuzz_ufota.
# This may be replaced when dependencies are built.
