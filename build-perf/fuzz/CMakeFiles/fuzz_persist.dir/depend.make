# Empty dependencies file for fuzz_persist.
# This may be replaced when dependencies are built.
