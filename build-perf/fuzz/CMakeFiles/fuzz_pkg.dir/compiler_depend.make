# Empty compiler generated dependencies file for fuzz_pkg.
# This may be replaced when dependencies are built.
