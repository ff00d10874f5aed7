# Empty compiler generated dependencies file for fuzz_identify.
# This may be replaced when dependencies are built.
