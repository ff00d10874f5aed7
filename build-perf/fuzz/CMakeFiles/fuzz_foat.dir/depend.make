# Empty dependencies file for fuzz_foat.
# This may be replaced when dependencies are built.
