# Empty compiler generated dependencies file for fuzz_files.
# This may be replaced when dependencies are built.
