# Empty compiler generated dependencies file for fuzz_bundle.
# This may be replaced when dependencies are built.
