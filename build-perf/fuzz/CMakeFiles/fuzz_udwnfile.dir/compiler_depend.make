# Empty compiler generated dependencies file for fuzz_udwnfile.
# This may be replaced when dependencies are built.
