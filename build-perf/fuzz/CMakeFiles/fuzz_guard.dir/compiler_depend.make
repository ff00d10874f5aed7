# Empty compiler generated dependencies file for fuzz_guard.
# This may be replaced when dependencies are built.
