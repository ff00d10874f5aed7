# Empty compiler generated dependencies file for fuzz_delta.
# This may be replaced when dependencies are built.
